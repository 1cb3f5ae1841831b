import { describe, expect, it } from "vitest";
import {
  Iban,
  InvalidBankAccount,
  NorwegianAccount,
  formatAccount,
  isValidIban,
  isValidNorwegianAccount,
  normalizeAccount,
  toIban,
} from "../../../../shared/domain/identifiers";

describe("Norwegian bank account", () => {
  it.each(["12345678903", "32074068323", "76940512057"])("accepts %s", (account) => {
    expect(isValidNorwegianAccount(account)).toBe(true);
    expect(NorwegianAccount.safeParse(account).success).toBe(true);
  });

  it("rejects a wrong check digit, wrong length and non-digits", () => {
    for (const bad of ["12345678900", "1234567890", "123456789031", "1234567890a", "1234.56.78903"]) {
      expect(isValidNorwegianAccount(bad), bad).toBe(false);
    }
  });

  it("formats an account as 4.2.5 digits", () => {
    expect(formatAccount("12345678903")).toBe("1234.56.78903");
    expect(() => formatAccount("12345678900")).toThrow(InvalidBankAccount);
  });

  it("normalises the ways people write an account", () => {
    expect(normalizeAccount("1234.56.78903")).toBe("12345678903");
    expect(normalizeAccount("1234 56 78903")).toBe("12345678903");
  });

  it("turns an account into its Norwegian IBAN", () => {
    expect(toIban("12345678903")).toBe("NO7112345678903");
    expect(toIban("32074068323")).toBe("NO3932074068323");
    expect(() => toIban("12345678900")).toThrow(InvalidBankAccount);
  });

  it("validates IBANs by checksum", () => {
    expect(isValidIban("NO7112345678903")).toBe(true);
    expect(isValidIban("NO93 8601 1117 947")).toBe(true);
    expect(isValidIban("NO7212345678903")).toBe(false);
    expect(isValidIban("DE89370400440532013000")).toBe(true);
    expect(Iban.safeParse("GB82WEST12345698765432").success).toBe(true);
  });
});
