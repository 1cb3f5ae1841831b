/**
 * Arrows point inward only (see dependency-rules.ts for the layers and the rules). The checker is shown to fail on a
 * tiny tree written to a temporary folder, with one wrong import; on the real tree there is no violation and no list of
 * exceptions.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { findViolations, formatViolation, layerOf, listSourceFiles } from "./dependency-rules";

const REPO = resolve(__dirname, "..", "..", "..");

describe("the dependency checker", () => {
  const dir = mkdtempSync(join(tmpdir(), "arch-fixture-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  };

  it("reports exactly the one import against the direction in a small tree, with its file and line", () => {
    write("shared/domain/money.ts", 'import { z } from "zod";\nexport const Money = z.number().int();\n');
    write(
      "shared/ports/case-store.ts",
      'import type { Money } from "../domain/money";\nexport interface CaseStore { get(): Promise<Money> }\n',
    );
    write(
      "shared/adapters/memory/case-store.memory.ts",
      'import type { CaseStore } from "../../ports/case-store";\nexport class MemoryCaseStore {}\n',
    );
    write(
      "shared/application/get-case.ts",
      [
        'import type { CaseStore } from "../ports/case-store";',
        'import { Money } from "../domain/money";',
        'import { MemoryCaseStore } from "../adapters/memory/case-store.memory";',
        "export const x = [Money, MemoryCaseStore];",
        "",
      ].join("\n"),
    );
    write(
      "functions/cases/http-get-case.ts",
      'import { app } from "@azure/functions";\nimport "../../shared/application/get-case";\nexport { app };\n',
    );
    write(
      "functions/index.ts",
      'import "./cases/http-get-case";\nimport "../shared/adapters/memory/case-store.memory";\n',
    );
    write("devhost/main.ts", 'import "../functions/index";\nimport "../shared/adapters/memory/case-store.memory";\n');

    const found = findViolations(dir);
    expect(found.map(formatViolation)).toEqual([
      "shared/application/get-case.ts:3 imports ../adapters/memory/case-store.memory: application imports domain, ports and letters only, not adapters",
    ]);
  });

  it("classifies files into layers", () => {
    expect(layerOf("shared/domain/money.ts")).toBe("domain");
    expect(layerOf("shared/adapters/cosmos/case-store.cosmos.ts")).toBe("adapters");
    expect(layerOf("functions/index.ts")).toBe("root");
    expect(layerOf("functions/webhooks/index.ts")).toBe("functions/webhooks");
    expect(layerOf("devhost/host.ts")).toBe("devhost");
  });
});

describe("the real tree", () => {
  it("has no import against the direction", () => {
    expect(findViolations(REPO).map(formatViolation)).toEqual([]);
  });

  it("takes randomness in application and domain code from the Random port only", () => {
    const offenders = listSourceFiles(REPO, ["shared/application", "shared/domain"]).flatMap((file) =>
      readFileSync(join(REPO, file), "utf8")
        .split("\n")
        .flatMap((text, i) =>
          /\b(randomBytes|randomUUID|randomInt|getRandomValues|Math\.random)\b/u.test(text)
            ? [`${file}:${String(i + 1)}: ${text.trim()}`]
            : [],
        ),
    );
    expect(offenders).toEqual([]);
  });
});
