import { describe, expect, it } from "vitest";
import {
  collectionNoticeFeeCap,
  feeCap,
  mayChargeFee,
  paymentDemandFeeCap,
  reminderFeeCap,
  type FeeHistory,
  type SentLetter,
} from "../../../shared/domain/fees";
import { danishRules, norwegianRules, swedishRules } from "../../../shared/domain/rules";

const nok = (ore: number) => ({ value: ore, currency: "NOK" as const });
const due = "2025-03-10";
const history = (letters: SentLetter[] = [], disputed = false): FeeHistory => ({ dueDate: due, letters, disputed });

describe("fee caps", () => {
  it("caps the reminder and notice fees at NOK 35 and the payment demand at NOK 105 with an inkassosats of 700", () => {
    expect(reminderFeeCap(norwegianRules, "2025-04-01")).toEqual(nok(35_00));
    expect(collectionNoticeFeeCap(norwegianRules, "2025-04-01")).toEqual(nok(35_00));
    expect(paymentDemandFeeCap(norwegianRules, "2025-04-01")).toEqual(nok(105_00));
  });

  it("caps them at NOK 37.50 and NOK 112.50 with the 2026 inkassosats of 750", () => {
    expect(reminderFeeCap(norwegianRules, "2026-02-01")).toEqual(nok(37_50));
    expect(collectionNoticeFeeCap(norwegianRules, "2026-02-01")).toEqual(nok(37_50));
    expect(paymentDemandFeeCap(norwegianRules, "2026-02-01")).toEqual(nok(112_50));
  });

  it("uses the inkassosats of the day the letter is sent, not the due date", () => {
    expect(reminderFeeCap(norwegianRules, "2026-01-05", "2025-12-01")).toEqual(nok(37_50));
  });

  it("uses 1/10 for claims that fell due before 2020-10-01", () => {
    expect(reminderFeeCap(norwegianRules, "2020-10-05", "2020-09-01")).toEqual(nok(70_00));
  });

  it("caps a Danish reminder at DKK 100 and a Swedish reminder at SEK 60 and inkassokrav at SEK 180", () => {
    expect(feeCap(danishRules, "reminder", "2025-04-01")).toEqual({ value: 100_00, currency: "DKK" });
    expect(feeCap(swedishRules, "reminder", "2025-04-01")).toEqual({ value: 60_00, currency: "SEK" });
    expect(feeCap(swedishRules, "payment-demand", "2025-04-01")).toEqual({ value: 180_00, currency: "SEK" });
  });
});

describe("whether a letter may carry a fee", () => {
  it("allows a reminder fee 14 days after the due date", () => {
    const d = mayChargeFee(history(), "reminder", "2025-03-24", norwegianRules);
    expect(d).toMatchObject({ allowed: true, amount: nok(35_00) });
    expect(d.legalBasis).toContain("inkassoforskriften");
  });

  it("refuses a reminder fee 13 days after the due date and names the earliest day", () => {
    const d = mayChargeFee(history(), "reminder", "2025-03-23", norwegianRules);
    expect(d.allowed).toBe(false);
    if (!d.allowed) {
      expect(d.reason).toContain("at least 14 days after the due date");
      expect(d.reason).toContain("2025-03-24");
      expect(d.legalBasis).toContain("§ 1-2");
    }
  });

  it("refuses a fee on a collection notice sent the day after the due date without a prior reminder", () => {
    expect(mayChargeFee(history(), "collection-notice", "2025-03-11", norwegianRules).allowed).toBe(false);
  });

  it("refuses a second fee before the first letter's 14-day deadline has passed", () => {
    const reminder: SentLetter = { kind: "reminder", sentOn: "2025-03-24", deadline: "2025-04-07", fee: nok(35_00) };
    expect(mayChargeFee(history([reminder]), "collection-notice", "2025-04-07", norwegianRules).allowed).toBe(false);
    expect(mayChargeFee(history([reminder]), "collection-notice", "2025-04-08", norwegianRules).allowed).toBe(true);
  });

  it("assumes the legal minimum deadline when a letter stated none", () => {
    const reminder: SentLetter = { kind: "reminder", sentOn: "2025-03-24", deadline: null, fee: nok(35_00) };
    expect(mayChargeFee(history([reminder]), "reminder", "2025-04-07", norwegianRules).allowed).toBe(false);
    expect(mayChargeFee(history([reminder]), "reminder", "2025-04-08", norwegianRules).allowed).toBe(true);
  });

  it("refuses a third reminder fee because a claim carries at most two reminders and one payment demand", () => {
    const letters: SentLetter[] = [
      { kind: "reminder", sentOn: "2025-03-24", deadline: "2025-04-07", fee: nok(35_00) },
      { kind: "reminder", sentOn: "2025-04-08", deadline: "2025-04-22", fee: nok(35_00) },
    ];
    const d = mayChargeFee(history(letters), "reminder", "2025-05-01", norwegianRules);
    expect(d.allowed).toBe(false);
    if (!d.allowed) expect(d.reason).toContain("two reminders + one payment demand");
  });

  it("refuses a notice fee after two reminder fees", () => {
    const letters: SentLetter[] = [
      { kind: "reminder", sentOn: "2025-03-24", deadline: "2025-04-07", fee: nok(35_00) },
      { kind: "reminder", sentOn: "2025-04-08", deadline: "2025-04-22", fee: nok(35_00) },
    ];
    expect(mayChargeFee(history(letters), "collection-notice", "2025-05-01", norwegianRules).allowed).toBe(false);
  });

  it("allows the payment-demand fee only after an expired collection notice", () => {
    const reminder: SentLetter = { kind: "reminder", sentOn: "2025-03-24", deadline: "2025-04-07", fee: nok(35_00) };
    const notice: SentLetter = {
      kind: "collection-notice",
      sentOn: "2025-04-08",
      deadline: "2025-04-22",
      fee: nok(35_00),
    };
    expect(mayChargeFee(history([reminder]), "payment-demand", "2025-04-20", norwegianRules).allowed).toBe(false);
    expect(mayChargeFee(history([reminder, notice]), "payment-demand", "2025-04-22", norwegianRules).allowed).toBe(
      false,
    );
    expect(mayChargeFee(history([reminder, notice]), "payment-demand", "2025-04-23", norwegianRules)).toMatchObject({
      allowed: true,
      amount: nok(105_00),
    });
  });

  it("refuses every fee while the claim is disputed", () => {
    const d = mayChargeFee(history([], true), "reminder", "2025-04-01", norwegianRules);
    expect(d.allowed).toBe(false);
    if (!d.allowed) expect(d.legalBasis).toContain("§ 17");
  });

  it("refuses a fee on a Danish letter kind that carries none", () => {
    expect(mayChargeFee({ dueDate: due, letters: [] }, "collection-notice", "2025-04-01", danishRules).allowed).toBe(
      false,
    );
  });

  it("allows Danish reminder fees at least 10 days apart, at most three", () => {
    const dkk = (v: number) => ({ value: v, currency: "DKK" as const });
    const first: SentLetter = { kind: "reminder", sentOn: "2025-03-11", deadline: null, fee: dkk(100_00) };
    expect(mayChargeFee({ dueDate: due, letters: [first] }, "reminder", "2025-03-20", danishRules).allowed).toBe(false);
    expect(mayChargeFee({ dueDate: due, letters: [first] }, "reminder", "2025-03-21", danishRules).allowed).toBe(true);
  });
});
