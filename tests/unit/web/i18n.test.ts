import { describe, expect, it } from "vitest";
import {
  DICTIONARIES,
  formatInstantDate,
  formatLocalDate,
  formErrorMessage,
  negotiateLang,
} from "../../../shared/web/i18n";
import type { PayFormErrorCode } from "../../../shared/application/payments/pay-page-model";
import { nok } from "./fixtures";

const plain = (s: string) => s.replace(/\u00a0/gu, " ");

describe("texts", () => {
  it("has the same keys in Norwegian and English, none empty", () => {
    expect(Object.keys(DICTIONARIES.en).sort()).toEqual(Object.keys(DICTIONARIES.nb).sort());
    for (const dict of Object.values(DICTIONARIES))
      for (const text of Object.values(dict)) expect(text.trim()).not.toBe("");
  });

  it("uses the same placeholders in both languages", () => {
    const placeholders = (s: string) => (s.match(/\{[a-zA-Z]+\}/gu) ?? []).sort();
    for (const key of Object.keys(DICTIONARIES.nb) as Array<keyof typeof DICTIONARIES.nb>) {
      expect(placeholders(DICTIONARIES.en[key]), key).toEqual(placeholders(DICTIONARIES.nb[key]));
    }
  });

  it("has a message for every form error, naming the minimum and maximum formatted", () => {
    const codes: PayFormErrorCode[] = [
      "METHOD_INVALID",
      "OPTION_UNAVAILABLE",
      "AMOUNT_MISSING",
      "AMOUNT_INVALID",
      "AMOUNT_BELOW_MINIMUM",
      "AMOUNT_ABOVE_BALANCE",
      "COVER_INVALID",
      "PROVIDER_UNAVAILABLE",
    ];
    for (const lang of ["nb", "en"] as const) {
      const messages = codes.map((code) =>
        formErrorMessage({ field: "amount", code, params: { min: nok(10000), max: nok(384675) } }, lang),
      );
      expect(new Set(messages).size).toBe(codes.length);
      for (const m of messages) expect(m).not.toMatch(/[{}]/u);
    }
    expect(
      plain(formErrorMessage({ field: "amount", code: "AMOUNT_BELOW_MINIMUM", params: { min: nok(10000) } }, "nb")),
    ).toBe("Beløpet må være minst 100,00 kr.");
    expect(
      plain(formErrorMessage({ field: "amount", code: "AMOUNT_ABOVE_BALANCE", params: { max: nok(384675) } }, "nb")),
    ).toBe("Beløpet kan ikke være høyere enn det du skylder, som er 3 846,75 kr.");
    expect(formErrorMessage({ field: "amount", code: "AMOUNT_BELOW_MINIMUM" }, "en")).toBe(
      "The amount is lower than the least you can pay here.",
    );
  });
});

describe("negotiateLang", () => {
  it("lets ?lang win", () => {
    expect(negotiateLang("en", "nb-NO")).toBe("en");
    expect(negotiateLang("nb", "en-GB,en;q=0.9")).toBe("nb");
    expect(negotiateLang("EN", null)).toBe("en");
  });

  it("follows Accept-Language between English and Norwegian, and is Norwegian otherwise", () => {
    expect(negotiateLang(null, "en-GB,en;q=0.9")).toBe("en");
    expect(negotiateLang(null, "nb-NO,nb;q=0.9,en;q=0.8")).toBe("nb");
    expect(negotiateLang(null, "no,en;q=0.5")).toBe("nb");
    expect(negotiateLang(null, "nn-NO")).toBe("nb");
    expect(negotiateLang(null, "de-DE,en;q=0.7,nb;q=0.5")).toBe("en");
    expect(negotiateLang(null, "nb;q=0.4,en;q=0.8")).toBe("en");
    expect(negotiateLang(null, "de-DE,fr")).toBe("nb");
    expect(negotiateLang(null, "en;q=0")).toBe("nb");
    expect(negotiateLang("sv", null)).toBe("nb");
    expect(negotiateLang(null, null)).toBe("nb");
  });
});

describe("dates", () => {
  it("shows calendar dates as 23.11.2026 in Norwegian and 23 Nov 2026 in English", () => {
    expect(formatLocalDate("2026-11-23", "nb")).toBe("23.11.2026");
    expect(formatLocalDate("2026-11-03", "en")).toBe("3 Nov 2026");
  });

  it("shows an instant as its date in Oslo", () => {
    expect(formatInstantDate("2026-06-30T22:30:00Z", "nb")).toBe("01.07.2026");
    expect(formatInstantDate("2026-06-30T21:30:00Z", "en")).toBe("30 Jun 2026");
  });
});
