import { describe, expect, it } from "vitest";
import {
  assignVariant,
  assignmentPoint,
  experimentFor,
  renderTemplate,
  templateProblems,
} from "../../../shared/domain/experiments";
import { defaultPolicy, LadderPolicy, validatePolicy } from "../../../shared/domain/policy";
import { ruleSetFor } from "../../../shared/domain/rules";
import { caseIdFor } from "../../../shared/domain/case-id";
import { smsSegments } from "../../../shared/domain/sms-text";
import { plan } from "../../../shared/domain/planner";
import { aCase } from "./case-fixtures";

const RULES = ruleSetFor("NO", "2026-11-02");
const LETS_PAY_B = "Hei! {creditor} minner om faktura {invoice} på {amount}. Betal på et blunk: {link}";

function withExperiments(experiments: unknown[], country: "NO" | "DK" = "NO"): LadderPolicy {
  return LadderPolicy.parse({ ...defaultPolicy(country, "Fjordnett"), experiments });
}

function experiment(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: "lets-pay-tone",
    step: "lets-pay-sms",
    startsOn: "2026-11-01",
    variants: { A: { sendAt: "09:00" }, B: { text: LETS_PAY_B, sendAt: "17:00" } },
    ...overrides,
  };
}

function problems(policy: LadderPolicy) {
  const v = validatePolicy(policy, ruleSetFor(policy.country, "2026-11-02"));
  return v.ok ? [] : v.problems;
}

describe("assigning a case to a variant", () => {
  it("gives the same case the same variant every time, and another experiment may split it differently", () => {
    const e = { id: "lets-pay-tone", split: { A: 50, B: 50 } };
    const ids = Array.from({ length: 200 }, (_, i) => caseIdFor("t_fjordnett", `INV-${i}`));
    const first = ids.map((id) => assignVariant(e, id));
    expect(ids.map((id) => assignVariant(e, id))).toEqual(first);
    expect(new Set(first)).toEqual(new Set(["A", "B"]));
    const other = ids.map((id) => assignVariant({ id: "send-hour", split: { A: 50, B: 50 } }, id));
    expect(other).not.toEqual(first); // keyed by experiment AND case: not the same halves in every experiment
  });

  it("puts about the split's share of many cases in A (50/50 and 20/80, within 4 standard deviations)", () => {
    const n = 20_000;
    const ids = Array.from({ length: n }, (_, i) => caseIdFor("t_fjordnett", `INV-${i}`));
    for (const a of [50, 20]) {
      const inA = ids.filter((id) => assignVariant({ id: "split-check", split: { A: a, B: 100 - a } }, id) === "A");
      const p = a / 100;
      const sd = Math.sqrt(n * p * (1 - p));
      expect(Math.abs(inA.length - n * p)).toBeLessThan(4 * sd);
    }
  });

  it("draws points in [0, 1)", () => {
    for (let i = 0; i < 500; i++) {
      const x = assignmentPoint("e", `c_${i}`);
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
    }
  });

  it("applies only while the experiment runs on the step's day, and only to its step kind", () => {
    const [e] = withExperiments([experiment({ startsOn: "2026-11-10", endsOn: "2026-11-20" })]).experiments!;
    const caseId = caseIdFor("t_fjordnett", "INV-1");
    expect(experimentFor([e!], "lets-pay-sms", caseId, "2026-11-09")).toBeUndefined();
    expect(experimentFor([e!], "lets-pay-sms", caseId, "2026-11-10")).toMatchObject({ id: "lets-pay-tone" });
    expect(experimentFor([e!], "lets-pay-sms", caseId, "2026-11-20")).toBeDefined();
    expect(experimentFor([e!], "lets-pay-sms", caseId, "2026-11-21")).toBeUndefined();
    expect(experimentFor([e!], "reminder", caseId, "2026-11-15")).toBeUndefined();
  });
});

describe("an experiment's text template", () => {
  it("fills every placeholder and keeps the text GSM-7 friendly", () => {
    const text = renderTemplate("{creditor}: {invoice} – {amount} forfalt {due}. {link}", {
      creditor: "Fjordnett AS",
      invoice: "1001",
      amount: "1 250,00 kr",
      due: "20. november 2026",
      link: "https://pay.example.no/p/abc",
      letter: "",
    });
    expect(text).toBe("Fjordnett AS: 1001 - 1 250,00 kr forfalt 20. november 2026. https://pay.example.no/p/abc");
    expect(smsSegments(text)).toBe(1);
  });

  it("accepts a Let's pay text that names the creditor, the amount and the link", () => {
    expect(templateProblems(LETS_PAY_B, "lets-pay-sms")).toEqual([]);
  });

  it("says which required element a text lost", () => {
    expect(templateProblems("Betal her: {link}", "lets-pay-sms")).toEqual([
      expect.stringContaining("must contain {creditor} and {amount}"),
    ]);
    expect(templateProblems("{creditor}: betal {amount}", "lets-pay-sms")).toEqual([
      expect.stringMatching(/must contain \{link\}: the pay link/u),
    ]);
    expect(templateProblems("{creditor}: se brevet {link}", "reminder")).toEqual([
      expect.stringContaining("must contain {letter}"),
    ]);
  });

  it("names an unknown placeholder and a stray brace", () => {
    expect(templateProblems("{creditor} {amount} {link} {navn}", "lets-pay-sms")).toEqual([
      expect.stringContaining("{navn} is not a placeholder"),
    ]);
    expect(templateProblems("{creditor} {amount} {letter} {link}", "lets-pay-sms")).toEqual([
      expect.stringContaining("{letter} is not a placeholder of a Let's pay SMS"),
    ]);
    expect(templateProblems("{creditor} {amount} {link} {oops", "lets-pay-sms")).toEqual([
      expect.stringContaining("a { or } that opens or closes no placeholder"),
    ]);
  });

  it("refuses a text longer than two SMS segments with long values filled in", () => {
    const long = `{creditor}: {amount}. ${"Vi setter stor pris på at du betaler i tide. ".repeat(5)}{link}`;
    expect(templateProblems(long, "lets-pay-sms")).toEqual([expect.stringContaining("SMS segments")]);
    const emoji = `{creditor}: {amount} 🙂 ${"Takk for at du betaler. ".repeat(2)}{link}`;
    expect(templateProblems(emoji, "lets-pay-sms")).toEqual([expect.stringContaining("SMS segments")]);
  });
});

describe("experiments in the ladder policy (validatePolicy)", () => {
  it("accepts a lawful experiment on the Let's pay SMS and defaults the split to 50/50", () => {
    const policy = withExperiments([experiment()]);
    expect(policy.experiments?.[0]?.split).toEqual({ A: 50, B: 50 });
    expect(problems(policy)).toEqual([]);
  });

  it("names the experiment and the variant of a broken text", () => {
    const policy = withExperiments([
      experiment({ variants: { A: { sendAt: "09:00" }, B: { text: "Betal nå: {lenke}" } } }),
    ]);
    const found = problems(policy);
    expect(found.length).toBeGreaterThan(0);
    for (const p of found) {
      expect(p).toMatchObject({ step: null, kind: "policy", experiment: { id: "lets-pay-tone", variant: "B" } });
      expect(p.reason).toMatch(/^Variant B: /u);
    }
    expect(found.map((p) => p.reason).join(" ")).toContain("{lenke} is not a placeholder");
  });

  it("refuses a send hour outside the contact hours, with the rule's source", () => {
    const found = problems(
      withExperiments([experiment({ variants: { A: { sendAt: "07:30" }, B: { sendAt: "21:00" } } })]),
    );
    expect(found).toEqual([
      expect.objectContaining({
        experiment: { id: "lets-pay-tone", variant: "A" },
        reason: expect.stringContaining("07:30 is outside the contact hours (weekdays 08:00–21:00)"),
        legalBasis: RULES.contactHours.source,
      }),
      expect.objectContaining({
        experiment: { id: "lets-pay-tone", variant: "B" },
        reason: expect.stringContaining("21:00 is outside"),
      }),
    ]);
  });

  it("allows one running experiment per step kind: overlapping dates are refused, consecutive ones are fine", () => {
    const first = experiment({ id: "first", endsOn: "2026-11-30" });
    const overlapping = experiment({ id: "second", startsOn: "2026-11-30" });
    expect(problems(withExperiments([first, overlapping]))).toEqual([
      expect.objectContaining({
        experiment: { id: "second" },
        reason: expect.stringContaining('"first" runs on the lets-pay-sms step'),
      }),
    ]);
    expect(problems(withExperiments([first, experiment({ id: "second", startsOn: "2026-12-01" })]))).toEqual([]);
  });

  it("refuses identical variants, a step the ladder lacks, an end before the start and a repeated id", () => {
    const reasons = problems(
      withExperiments([
        experiment({ variants: { A: { sendAt: "10:00" }, B: { sendAt: "10:00" } } }),
        experiment({ step: "payment-demand", startsOn: "2026-12-10", endsOn: "2026-12-01" }),
      ]),
    ).map((p) => p.reason);
    expect(reasons).toEqual(
      expect.arrayContaining([
        expect.stringContaining("Variants A and B are the same"),
        expect.stringContaining('Two experiments are called "lets-pay-tone"'),
        expect.stringContaining("ends (2026-12-01) before it starts (2026-12-10)"),
      ]),
    );
    const noDemand = {
      ...defaultPolicy("NO", "Fjordnett"),
      experiments: [experiment({ step: "payment-demand", variants: { A: {}, B: { sendAt: "17:00" } } })],
    };
    noDemand.steps = noDemand.steps.filter((s) => s.kind !== "payment-demand" && s.kind !== "legal-handoff");
    expect(problems(LadderPolicy.parse(noDemand)).map((p) => p.reason)).toEqual([
      expect.stringContaining("The ladder has no payment-demand step"),
    ]);
  });

  it("keeps text variants to bokmål readers: a Danish ladder may try a send hour, not a text", () => {
    expect(problems(withExperiments([experiment({ variants: { A: {}, B: { sendAt: "17:00" } } })], "DK"))).toEqual([]);
    expect(problems(withExperiments([experiment()], "DK")).map((p) => p.reason)).toEqual([
      expect.stringContaining("written for debtors who read bokmål"),
    ]);
  });

  it("rejects a malformed experiment at the schema: a non-slug id, a split that does not add up", () => {
    const parsed = LadderPolicy.safeParse({
      ...defaultPolicy("NO", "Fjordnett"),
      experiments: [experiment({ id: "Lets Pay!", split: { A: 70, B: 20 } })],
    });
    expect(parsed.success).toBe(false);
    const paths = parsed.error!.issues.map((i) => i.path.join("/"));
    expect(paths).toEqual(expect.arrayContaining(["experiments/0/id", "experiments/0/split"]));
  });
});

describe("the planner with an experiment's send hour", () => {
  const experimentOn = {
    id: "evening",
    step: "lets-pay-sms" as const,
    startsOn: "2025-01-01",
    split: { A: 50, B: 50 },
  };
  const policy = withExperiments([{ ...experimentOn, variants: { A: {}, B: { sendAt: "17:00" } } }]);
  /** A case id in `variant` (found, not assumed). */
  const idIn = (variant: "A" | "B") => {
    let i = 0;
    while (assignVariant(experimentOn, `case-${i}`) !== variant) i++;
    return `case-${i}`;
  };
  const rules = ruleSetFor("NO", "2025-03-01");
  const next = (c: ReturnType<typeof aCase>, now: string) => {
    const p = plan(c, policy, rules, new Date(now));
    if (p.kind !== "wait") throw new Error(`expected wait, got ${p.kind}`);
    return p.next;
  };

  it("plans variant B's Let's pay SMS at 17:00 Oslo time and variant A's at the ladder's 09:00, naming the variant", () => {
    const a = next(aCase({ id: idIn("A") }), "2025-03-11T10:00:00Z"); // due Monday 10 March: SMS Monday 17th
    const b = next(aCase({ id: idIn("B") }), "2025-03-11T10:00:00Z");
    expect(a).toMatchObject({
      kind: "lets-pay-sms",
      at: new Date("2025-03-17T08:00:00Z"),
      experiment: { id: "evening", variant: "A" },
    });
    expect(b).toMatchObject({
      kind: "lets-pay-sms",
      at: new Date("2025-03-17T16:00:00Z"),
      experiment: { id: "evening", variant: "B" },
    });
  });

  it("moves variant B's hour into contact hours like the ladder's own: a Saturday at 17:00 goes on Monday at 08:00", () => {
    const b = next(aCase({ id: idIn("B"), dueDate: "2025-03-08" }), "2025-03-09T10:00:00Z"); // SMS day: Saturday 15th
    expect(b.at).toEqual(new Date("2025-03-17T07:00:00Z"));
    expect(b.on).toBe("2025-03-17");
  });

  it("leaves a step before the experiment's first day at the ladder's hour, with no experiment", () => {
    const later = withExperiments([
      { ...experimentOn, startsOn: "2025-04-01", variants: { A: {}, B: { sendAt: "17:00" } } },
    ]);
    const p = plan(aCase({ id: idIn("B") }), later, rules, new Date("2025-03-11T10:00:00Z"));
    expect(p).toMatchObject({ kind: "wait", next: { at: new Date("2025-03-17T08:00:00Z") } });
    expect((p as { next: object }).next).not.toHaveProperty("experiment");
  });
});
