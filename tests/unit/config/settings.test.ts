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

  it("refuse a print batch schedule that closes before the 13:00 Oslo cutoff letters are dated by", () => {
    expect(parseSettings({ ...example, PRINT_BATCH_SCHEDULE: "0 0 13 * * 1-5" }).PRINT_BATCH_SCHEDULE).toBe(
      "0 0 13 * * 1-5",
    );
    expect(parseSettings({ ...example, PRINT_BATCH_SCHEDULE: "0 30 12 * * 1-5" }).PRINT_BATCH_SCHEDULE).toBeDefined();
    for (const early of ["0 0 9 * * 1-5", "0 0 11 * * *", "0 0 * * * *", "0 0 6-14 * * 1-5"]) {
      expect(() => parseSettings({ ...example, PRINT_BATCH_SCHEDULE: early }), early).toThrow(/PRINT_BATCH_SCHEDULE/u);
    }
  });

  it("accept a Vipps merchant serial number of 4 to 6 digits only, as the Vipps APIs do", () => {
    for (const msn of ["1234", "12345", "123456"]) {
      expect(parseSettings({ ...example, VIPPS_MERCHANT_SERIAL_NUMBER: msn }).VIPPS_MERCHANT_SERIAL_NUMBER).toBe(msn);
    }
    for (const msn of ["123", "1234567", "1234567890", "12a45", " 12345"]) {
      expect(() => parseSettings({ ...example, VIPPS_MERCHANT_SERIAL_NUMBER: msn }), msn).toThrow(
        /VIPPS_MERCHANT_SERIAL_NUMBER/u,
      );
    }
  });
});
