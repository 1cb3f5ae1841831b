import { describe, expect, it } from "vitest";
import { normalizeName, phoneKeyFromInput, phoneKeyOf } from "../../../shared/domain/search-keys";

describe("the search keys stored with a case", () => {
  it("folds a name's case, diacritics and Nordic letters so 'bjorn aerlig' finds 'Bjørn Ærlig'", () => {
    expect(normalizeName("Bjørn Ærlig Åsen")).toBe("bjorn aerlig asen");
    expect(normalizeName("  José   NÚÑEZ-Sørensen ")).toBe("jose nunez sorensen");
    expect(normalizeName("Œdipus Straße")).toBe("oedipus strasse");
    expect(normalizeName("'; DROP --")).toBe("drop");
    expect(normalizeName("---")).toBe("");
  });

  it("gives one phone number one key however it is written, and none to what is not a number", () => {
    const key = phoneKeyOf("+4791234567");
    for (const typed of ["+47 912 34 567", "91234567", "0047 91234567", "912 34 567", "(+47) 912-34-567"])
      expect(phoneKeyFromInput(typed), typed).toBe(key);
    expect(phoneKeyFromInput("+46701234567")).not.toBe(key);
    expect(phoneKeyFromInput("12")).toBeUndefined();
    expect(phoneKeyFromInput("' OR 1=1")).toBeUndefined();
    expect(key).toMatch(/^[a-f0-9]{64}$/u);
    expect(key).not.toContain("91234567");
  });
});
