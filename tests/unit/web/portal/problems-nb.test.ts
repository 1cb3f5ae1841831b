import { describe, expect, it } from "vitest";
import { money } from "../../../../shared/domain/money";
import { defaultPolicy, validatePolicy, type LadderPolicy } from "../../../../shared/domain/policy";
import { ruleSetFor } from "../../../../shared/domain/rules";
import { legalBasisInBokmal, problemInBokmal } from "../../../../shared/web/portal/problems-nb";

function problemsOf(policy: LadderPolicy) {
  const result = validatePolicy(policy, ruleSetFor("NO", "2026-11-23"));
  return result.ok ? [] : result.problems;
}

describe("the ladder's legal problems on the Norwegian pages", () => {
  it("says a step out of date order in bokmål, with the days the creditor typed", () => {
    const policy = defaultPolicy("NO");
    const [first, second, ...rest] = policy.steps;
    const swapped = { ...policy, steps: [{ ...first!, offsetDays: 40 }, second!, ...rest] };
    const problem = problemsOf(swapped).find((p) => p.legalBasis === "ladder order");
    expect(problem).toBeDefined();
    const nb = problemInBokmal(problem!.reason);
    expect(nb).toMatch(/kommer før forrige steg \(dag 40\); stegene må stå i datorekkefølge\.$/u);
    expect(nb).not.toMatch(/comes before|steps must/u);
    expect(legalBasisInBokmal(problem!.legalBasis)).toBe("rekkefølgen i løpet");
  });

  it("translates every problem of a badly broken ladder the domain can produce here", () => {
    const policy = defaultPolicy("NO");
    const broken: LadderPolicy = {
      ...policy,
      minimumInstalment: money(0, "NOK"),
      steps: policy.steps.map((s) => ({ ...s, channels: ["sms"], deadlineDays: 2 })),
    };
    const problems = problemsOf(broken);
    expect(problems.length).toBeGreaterThan(2);
    for (const p of problems) expect(problemInBokmal(p.reason), p.reason).not.toBe(p.reason);
  });

  it("leaves a reason it does not know as it came, so a new rule still reaches the creditor", () => {
    expect(problemInBokmal("A brand new rule nobody has translated.")).toBe("A brand new rule nobody has translated.");
    expect(legalBasisInBokmal("inkassoforskriften §§ 1-2, 1-3")).toBe("inkassoforskriften §§ 1-2, 1-3");
  });

  it("says an A/B variant's template problem in bokmål", () => {
    expect(problemInBokmal("Variant B: The text has a { or } that opens or closes no placeholder.")).toBe(
      "Variant B: Teksten har en { eller } som ikke åpner eller lukker noen plassholder.",
    );
  });
});
