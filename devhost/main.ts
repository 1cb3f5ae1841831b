/**
 * `npm start`: builds (via the npm script) and runs the whole product on this machine.
 * Stops cleanly on Ctrl-C / SIGTERM, saving the stand-ins' data and every orchestration's state under the data folder.
 */
import path from "node:path";
import { DevHost } from "./host";

async function main(): Promise<void> {
  const root = path.resolve(__dirname, "..", "..");
  const host = new DevHost({ root, autoPorts: process.env.DEVHOST_AUTO_PORTS === "true" });
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    host.logger.info("stopping", { signal });
    host
      .stop()
      .then(() => process.exit(0))
      .catch((err) => {
        console.error(err);
        process.exit(1);
      });
  };
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  let addresses;
  try {
    addresses = await host.start();
  } catch (err) {
    console.error(`The dev host could not start: ${err instanceof Error ? err.message : String(err)}`);
    await host.stop().catch(() => undefined);
    process.exit(1);
  }
  const lines = [
    "",
    `  Payment follow-up — dev host (settings: ${path.relative(root, addresses.settingsFile)}, data: ${displayPath(root, addresses.dataDir)})`,
    `  HTTP        ${addresses.http}`,
    ...addresses.functions
      .filter((f) => f.route !== undefined)
      .map((f) => `              ${(f.methods ?? []).join(",").padEnd(12)} ${addresses.http}/${f.route}  (${f.name})`),
    ...addresses.functions
      .filter((f) => f.route === undefined)
      .map((f) => `              ${f.trigger.padEnd(12)} ${f.name}`),
    ...Object.entries(addresses.standIns).map(([name, url]) => `  ${name.padEnd(11)} ${url}`),
    `  dev         ${[
      "clock",
      "functions",
      ...(host.sms ? ["sms"] : []),
      ...(host.email ? ["email"] : []),
      ...(host.digipost ? ["digipost"] : []),
      ...(host.print ? ["print"] : []),
      ...(host.vipps ? ["vipps"] : []),
      ...(host.partner ? ["partner"] : []),
    ]
      .map((page) => `${addresses.http}/api/dev/${page}`)
      .join("  ")}`,
    "",
  ];
  process.stdout.write(lines.join("\n") + "\n");
  host.logger.info("ready", { http: addresses.http, standIns: addresses.standIns });
}

void main();

function displayPath(root: string, dir: string): string {
  const relative = path.relative(root, dir);
  return relative === "" ? "." : relative.startsWith("..") ? dir : relative;
}
