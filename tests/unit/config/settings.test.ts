import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { InvalidSettings, parseSettings } from "../../../shared/config/settings";

const example = JSON.parse(
  fs.readFileSync(path.resolve(__dirname, "../../../local.settings.example.json"), "utf8"),
).Values;

describe("the app's settings", () => {
  it("accept the committed local example as they are", () => {
    const s = parseSettings(example);
    expect(s.COSMOS_ENDPOINT_DISCOVERY).toBe(false);
    expect(s.LETTERS_CONTAINER).toBe("letters");
  });

  it("name every wrong setting without echoing its value", () => {
    try {
      parseSettings({ ...example, COSMOS_ENDPOINT: "not a url", OPERATOR_API_KEY: "short-secret" });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(InvalidSettings);
      expect((err as InvalidSettings).problems.map((p) => p.setting).sort()).toEqual([
        "COSMOS_ENDPOINT",
        "OPERATOR_API_KEY",
      ]);
      expect((err as Error).message).not.toContain("short-secret");
    }
  });
});
