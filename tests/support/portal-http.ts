/**
 * The portal over plain HTTP for end-to-end tests: a staff user signs in at the dev host's local OpenID Connect
 * provider (standing in for Entra ID) with a `MiniBrowser`, and a test reads the staff audit log the portal writes.
 */
import fs from "node:fs";
import path from "node:path";
import { CosmosClient, type SqlQuerySpec } from "@azure/cosmos";
import { TEST_STAFF } from "../../devhost/oidc/test-staff";
import type { DevHostProcess } from "./devhost-process";
import { ROOT } from "./devhost-process";
import type { MiniBrowser, Visit } from "./min-side-browser";

/** `local.settings.example.json`'s values: the demo and operator API keys, the Cosmos emulator's key and database. */
export const LOCAL_SETTINGS = (
  JSON.parse(fs.readFileSync(path.join(ROOT, "local.settings.example.json"), "utf8")) as {
    Values: Record<string, string>;
  }
).Values;

/** One of the local provider's test staff users by subject ("test-staff-editor", "test-staff-viewer", …). */
export function testStaff(sub: string): (typeof TEST_STAFF)[number] {
  const user = TEST_STAFF.find((s) => s.sub === sub);
  if (!user) throw new Error(`no test staff user ${sub}`);
  return user;
}

/**
 * Signs a test staff user in: /portal/logg-inn/start, the provider's login form, back to the portal; returns the
 * page it lands on (the portal's home, with its CSRF token). Signed in at the provider already, it answers at once.
 */
export async function signInStaff(browser: MiniBrowser, base: string, sub: string): Promise<Visit> {
  const interaction = await browser.go(`${base}/portal/logg-inn/start`);
  if (interaction.url.startsWith(`${base}/`)) return interaction;
  if (interaction.status !== 200) throw new Error(`the provider's page answered ${String(interaction.status)}`);
  if (!interaction.body.includes(sub)) throw new Error(`the provider does not offer ${sub}`);
  const action = /action="(\/interaction\/[^"]+\/login)"/u.exec(interaction.body)?.[1];
  if (!action) throw new Error("no login form on the provider's page");
  return browser.go(new URL(action, interaction.url).href, { form: { person: sub } });
}

/** The staff audit log's records (container `staff-audit` in the dev host's Cosmos emulator) that `query` selects. */
export async function staffAudit(
  host: DevHostProcess,
  query: string | SqlQuerySpec,
): Promise<Array<Record<string, unknown>>> {
  const cosmos = new CosmosClient({
    endpoint: host.standIns.cosmos!,
    key: LOCAL_SETTINGS.COSMOS_KEY!,
    connectionPolicy: { enableEndpointDiscovery: false },
  });
  try {
    const { resources } = await cosmos
      .database(LOCAL_SETTINGS.COSMOS_DATABASE!)
      .container("staff-audit")
      .items.query<Record<string, unknown>>(query)
      .fetchAll();
    return resources;
  } finally {
    cosmos.dispose();
  }
}
