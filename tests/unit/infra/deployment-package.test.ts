/**
 * What reaches Azure: `npm run build:app` compiles tsconfig.app.json (functions/ and shared/ alone) and
 * `func azure functionapp publish` leaves out what .funcignore names. Neither the dev host nor a test may ship.
 */
import fs from "node:fs";
import path from "node:path";
import ignore from "ignore";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(__dirname, "..", "..", "..");
const funcignore = () => ignore().add(fs.readFileSync(path.join(ROOT, ".funcignore"), "utf8"));

function walk(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

describe("the deployed package", () => {
  it("compiles from functions/ and shared/ alone: no file of the dev host or the tests is reached", () => {
    const parsed = ts.getParsedCommandLineOfConfigFile(
      path.join(ROOT, "tsconfig.app.json"),
      {},
      {
        ...ts.sys,
        onUnRecoverableConfigFileDiagnostic: (d) => {
          throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n"));
        },
      },
    );
    if (!parsed) throw new Error("tsconfig.app.json did not parse");
    const program = ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options });
    const ours = program
      .getSourceFiles()
      .map((f) => path.relative(ROOT, f.fileName))
      .filter((f) => !f.startsWith("node_modules") && !f.startsWith(".."));
    expect(ours.some((f) => f.startsWith("functions/"))).toBe(true);
    expect(ours.filter((f) => /^(devhost|tests|infra-bicep)\//u.test(f))).toEqual([]);
  });

  it("keeps the compiled app, host.json and package.json, and leaves out sources, the dev host, tests and local settings", () => {
    const ig = funcignore();
    for (const shipped of [
      "dist/functions/index.js",
      "dist/shared/domain/money.js",
      "host.json",
      "package.json",
      "node_modules/zod/index.js",
    ]) {
      expect(ig.ignores(shipped), shipped).toBe(false);
    }
    for (const left of [
      "dist/devhost/main.js",
      "dist/tests/bench/run.js",
      "devhost/host.ts",
      "tests/e2e/case-lifecycle.test.ts",
      "functions/index.ts",
      "local.settings.json",
      "local.settings.example.json",
      ".data/clock.json",
      "dist/functions/index.js.map",
      "docs/architecture.md",
      "infra-bicep/main.bicep",
      "infra-bicep/workbooks/operations.workbook.json",
      "test-artifacts/vitest-report.json",
    ]) {
      expect(ig.ignores(left), left).toBe(true);
    }
  });

  it("ships no dev-host or test file of the build that is on disk", () => {
    const ig = funcignore();
    const shipped = walk(path.join(ROOT, "dist"))
      .map((f) => path.relative(ROOT, f))
      .filter((f) => !ig.ignores(f));
    expect(shipped.filter((f) => /^dist\/(devhost|tests)\//u.test(f))).toEqual([]);
  });
});
