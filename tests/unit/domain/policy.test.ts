import { describe, expect, it } from "vitest";
import { defaultPolicy, LadderPolicy, validatePolicy, type LadderStep } from "../../../shared/domain/policy";
import { danishRules, norwegianRules, swedishRules } from "../../../shared/domain/rules";

const letter = ["digital-mailbox", "letter"] as LadderStep["channels"];
const withSteps = (steps: LadderStep[]) => LadderPolicy.parse({ ...defaultPolicy("NO"), steps });

describe("the default ladders", () => {
  it("is lawful in Norway, Denmark and Sweden", () => {
    expect(validatePolicy(defaultPolicy("NO"), norwegianRules)).toEqual({ ok: true });
    expect(validatePolicy(defaultPolicy("DK"), danishRules)).toEqual({ ok: true });
    expect(validatePolicy(defaultPolicy("SE"), swedishRules)).toEqual({ ok: true });
  });

  it("sends the Let's pay SMS a week after the due date and the first fee two weeks after", () => {
    const p = defaultPolicy("NO");
    expect(p.steps[0]).toMatchObject({ kind: "lets-pay-sms", offsetDays: 7, chargesFee: false });
    expect(p.steps[1]).toMatchObject({ kind: "reminder", offsetDays: 14, chargesFee: true });
    expect(p.minimumPayLinkAmount).toEqual({ value: 100_00, currency: "NOK" });
  });
});

describe("refusing an unlawful ladder", () => {
  it("refuses a reminder fee earlier than 14 days after the due date, with a readable reason", () => {
    const r = validatePolicy(
      withSteps([{ kind: "reminder", offsetDays: 10, channels: letter, chargesFee: true }]),
      norwegianRules,
    );
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.problems).toHaveLength(1);
      expect(r.problems[0]).toMatchObject({ step: 0, kind: "reminder" });
      expect(r.problems[0]!.reason).toBe(
        "A reminder fee is charged 10 days after the due date; a fee is only allowed at least 14 days after the due date.",
      );
      expect(r.problems[0]!.legalBasis).toContain("inkassoforskriften § 1-2");
    }
  });

  it("refuses a collection notice with a deadline under 14 days", () => {
    const r = validatePolicy(
      withSteps([{ kind: "collection-notice", offsetDays: 1, channels: letter, chargesFee: false, deadlineDays: 10 }]),
      norwegianRules,
    );
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems[0]!.reason).toContain("gives 10 days to pay; the law requires at least 14 days");
  });

  it("refuses more fees than a claim may carry", () => {
    const r = validatePolicy(
      withSteps([
        { kind: "reminder", offsetDays: 14, channels: letter, chargesFee: true, deadlineDays: 14 },
        { kind: "reminder", offsetDays: 29, channels: letter, chargesFee: true, deadlineDays: 14 },
        { kind: "collection-notice", offsetDays: 44, channels: letter, chargesFee: true, deadlineDays: 14 },
      ]),
      norwegianRules,
    );
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.problems.map((p) => p.step)).toEqual([2]);
      expect(r.problems[0]!.reason).toContain("one fee too many");
      expect(r.problems[0]!.legalBasis).toContain("§ 1-3");
    }
  });

  it("refuses a second fee before the first letter's deadline has passed", () => {
    const r = validatePolicy(
      withSteps([
        { kind: "reminder", offsetDays: 14, channels: letter, chargesFee: true, deadlineDays: 14 },
        { kind: "collection-notice", offsetDays: 21, channels: letter, chargesFee: true, deadlineDays: 14 },
      ]),
      norwegianRules,
    );
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems[0]!.reason).toContain("the earliest day is 29");
  });

  it("refuses a payment demand without an expired collection notice and legal steps before its deadline", () => {
    const r = validatePolicy(
      withSteps([
        { kind: "payment-demand", offsetDays: 20, channels: letter, chargesFee: false, deadlineDays: 14 },
        { kind: "legal-handoff", offsetDays: 30, channels: ["partner-system"], chargesFee: false },
      ]),
      norwegianRules,
    );
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.problems.map((p) => [p.step, p.kind])).toEqual([
        [0, "payment-demand"],
        [1, "legal-handoff"],
      ]);
      expect(r.problems[0]!.legalBasis).toContain("§ 10");
      expect(r.problems[1]!.legalBasis).toContain("§ 11");
    }
  });

  it("refuses a power suspension without the four weeks' written notice", () => {
    const r = validatePolicy(
      withSteps([
        {
          kind: "suspension-notice",
          offsetDays: 14,
          channels: letter,
          chargesFee: false,
          deadlineDays: 28,
          services: ["power-meter"],
        },
        {
          kind: "suspension",
          offsetDays: 30,
          channels: ["partner-system"],
          chargesFee: false,
          services: ["power-meter"],
        },
      ]),
      norwegianRules,
    );
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.problems[0]!.reason).toContain("the earliest day is 43");
      expect(r.problems[0]!.legalBasis).toContain("forbrukerkjøpsloven § 48 a");
    }
  });

  it("refuses a power suspension with no notice at all", () => {
    const r = validatePolicy(
      withSteps([
        {
          kind: "suspension",
          offsetDays: 30,
          channels: ["partner-system"],
          chargesFee: false,
          services: ["power-meter"],
        },
      ]),
      norwegianRules,
    );
    expect(r.ok).toBe(false);
  });

  it("refuses a collection notice sent by SMS alone", () => {
    const r = validatePolicy(
      withSteps([{ kind: "collection-notice", offsetDays: 1, channels: ["sms"], chargesFee: false }]),
      norwegianRules,
    );
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems[0]!.reason).toContain("SMS alone is only an alert");
  });

  it("refuses a fee on a Let's pay SMS", () => {
    const r = validatePolicy(
      withSteps([{ kind: "lets-pay-sms", offsetDays: 7, channels: ["sms"], chargesFee: true }]),
      norwegianRules,
    );
    expect(r.ok).toBe(false);
  });

  it("refuses a policy for another country than the rule set", () => {
    const r = validatePolicy(defaultPolicy("SE"), norwegianRules);
    expect(r.ok).toBe(false);
  });
});
