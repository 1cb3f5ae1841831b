import { describe, expect, it } from "vitest";
import { E164Phone, isMobile, normalizePhone } from "../../../../shared/domain/identifiers";

describe("phone numbers", () => {
  it("normalises Norwegian numbers written the usual ways to E.164", () => {
    for (const input of ["412 34 567", "41234567", "+47 412 34 567", "0047 41234567", "+47-412-34-567"]) {
      expect(normalizePhone(input, "NO"), input).toEqual({ ok: true, e164: "+4741234567", country: "NO" });
    }
  });

  it("uses the default country only when the number has no country code", () => {
    expect(normalizePhone("070-123 45 67", "SE")).toEqual({ ok: true, e164: "+46701234567", country: "SE" });
    expect(normalizePhone("20 12 34 56", "DK")).toMatchObject({ ok: true, e164: "+4520123456" });
    expect(normalizePhone("+46 70 123 45 67", "NO")).toMatchObject({ ok: true, e164: "+46701234567", country: "SE" });
  });

  it("explains why a number is refused", () => {
    expect(normalizePhone("   ", "NO")).toEqual({ ok: false, reason: "EMPTY" });
    expect(normalizePhone("call me", "NO")).toEqual({ ok: false, reason: "NOT_A_NUMBER" });
    expect(normalizePhone("123", "NO")).toEqual({ ok: false, reason: "INVALID_NUMBER" });
  });

  it("tells mobile numbers apart where the numbering plan allows it", () => {
    expect(isMobile("+4741234567")).toBe(true);
    expect(isMobile("+4722123456")).toBe(false);
    expect(isMobile("+46701234567")).toBe(true);
    expect(isMobile("+46812345678")).toBe(false);
    // Danish numbers do not reveal whether they are mobile
    expect(isMobile("+4520123456")).toBeUndefined();
    expect(isMobile("+47123")).toBeUndefined();
  });

  it("offers an E.164 zod schema", () => {
    expect(E164Phone.safeParse("+4741234567").success).toBe(true);
    expect(E164Phone.safeParse("41234567").success).toBe(false);
    expect(E164Phone.safeParse("+47123").success).toBe(false);
  });
});
