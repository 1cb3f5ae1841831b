import { describe, expect, it } from "vitest";
import { isGsm7, smsSegments, toGsm7Friendly } from "../../../shared/domain/sms-text";
import { formatMoney, money } from "../../../shared/domain/money";

describe("SMS text", () => {
  it("keeps a Norwegian amount from forcing the whole message into UCS-2", () => {
    const amount = formatMoney(money(125_288, "NOK"), "nb-NO");
    const text = `Fjordnett AS: Faktura 1001 på ${amount} forfalt 26. november 2026. Betal enkelt her: https://betal.example.no/p/D51u4Hl-mk9OgxUUI6PKio_q8BY`;
    expect(isGsm7(text)).toBe(false);
    expect(smsSegments(text)).toBe(3);
    const friendly = toGsm7Friendly(text);
    expect(isGsm7(friendly)).toBe(true);
    expect(smsSegments(friendly)).toBe(1);
    expect(friendly).toContain("1 252,88 kr");
  });

  it("keeps the Nordic letters, which are in the 7-bit alphabet", () => {
    expect(toGsm7Friendly("Æ Ø Å æ ø å Ä Ö ä ö é")).toBe("Æ Ø Å æ ø å Ä Ö ä ö é");
    expect(isGsm7("Æ Ø Å æ ø å Ä Ö ä ö é")).toBe(true);
  });

  it("counts extended characters as two septets and long texts in 153-character segments", () => {
    expect(smsSegments("€".repeat(80))).toBe(1);
    expect(smsSegments("€".repeat(81))).toBe(2);
    expect(smsSegments("a".repeat(161))).toBe(2);
    expect(smsSegments("ŋ".repeat(71))).toBe(2);
  });
});
