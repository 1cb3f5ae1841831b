import { describe, expect, it } from "vitest";
import { norwegianRules } from "../../../shared/domain/rules";
import type { LetterKind, LetterModelInput } from "../../../shared/letters";
import {
  UnlawfulLetter,
  lawfulContent,
  lawfulnessProblems,
  letterStatements,
  parseLetterModel,
  renderLetter,
} from "../../../shared/letters";
import { collectionNotice, paymentDemand, reminder, suspensionNotice } from "./letter-fixtures";

const KINDS: LetterKind[] = ["reminder", "collection-notice", "payment-demand", "suspension-notice"];

describe("lawfulContent", () => {
  it("names the paragraph behind every required statement", () => {
    for (const kind of KINDS) {
      expect(lawfulContent(kind).length).toBeGreaterThan(0);
      for (const r of lawfulContent(kind)) expect(r.basis).toMatch(/§ \d/);
    }
  });

  it("follows the law's lists: § 9 for the notice, § 10 a–f for the payment demand, § 48 a for the suspension notice", () => {
    expect(lawfulContent("collection-notice").map((r) => r.id)).toEqual(
      expect.arrayContaining(["deadline-14-days", "collection-warning"]),
    );
    expect(lawfulContent("payment-demand").map((r) => r.basis)).toEqual(
      expect.arrayContaining([
        "inkassoloven § 10 første ledd",
        "inkassoloven § 10 bokstav a",
        "inkassoloven § 10 bokstav b",
        "inkassoloven § 10 bokstav c",
        "inkassoloven § 10 bokstav d",
        "inkassoloven § 10 bokstav e",
        "inkassoloven § 10 bokstav f, § 22",
      ]),
    );
    expect(lawfulContent("suspension-notice").map((r) => r.id)).toEqual([
      "clear-marking",
      "pay-within-notice-period",
      "contact-danger",
      "contact-dispute",
      "disconnection-costs",
      "social-services",
    ]);
    expect(new Set(lawfulContent("suspension-notice").map((r) => r.basis))).toEqual(
      new Set(["forbrukerkjøpsloven § 48 a"]),
    );
  });

  it("has a statement in the letter text for every requirement, in both languages", () => {
    const fixtures = [reminder, collectionNotice, paymentDemand, suspensionNotice];
    for (const fixture of fixtures) {
      for (const language of ["nb", "en"] as const) {
        const model = parseLetterModel(fixture({ language }));
        const ids = letterStatements(model).map((s) => s.id);
        for (const r of lawfulContent(model.kind)) expect(ids).toContain(r.id);
      }
    }
  });
});

describe("lawfulnessProblems", () => {
  it("finds nothing wrong with the fixtures under the Norwegian rules", () => {
    for (const input of [reminder(), collectionNotice(), paymentDemand(), suspensionNotice()]) {
      expect(lawfulnessProblems(parseLetterModel(input), norwegianRules)).toEqual([]);
    }
  });

  it("refuses a collection notice whose deadline is less than 14 days from sending", () => {
    const problems = lawfulnessProblems(parseLetterModel(collectionNotice({ deadline: "2026-12-21" })), norwegianRules);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/at least 14 days.*inkassoloven § 9/);
  });

  it("refuses a payment demand with less than 14 days to pay or object", () => {
    const problems = lawfulnessProblems(parseLetterModel(paymentDemand({ deadline: "2027-01-18" })), norwegianRules);
    expect(problems.join()).toMatch(/payment-demand needs a deadline at least 14 days/);
  });

  it("refuses a reminder fee on a reminder sent less than 14 days after the due date", () => {
    const problems = lawfulnessProblems(
      parseLetterModel(reminder({ sentDate: "2026-11-10", deadline: "2026-11-24" })),
      norwegianRules,
    );
    expect(problems.join()).toMatch(/no fee on a letter sent before 2026-11-15.*inkassoforskriften § 1-2/);
  });

  it("allows a collection notice the day after the due date when it carries no new fee", () => {
    const input = collectionNotice({ sentDate: "2026-11-02", deadline: "2026-11-16" });
    const withoutFees = {
      ...input,
      amounts: { principal: { value: 123_450, currency: "NOK" }, totalDue: { value: 123_450, currency: "NOK" } },
    } as LetterModelInput;
    expect(lawfulnessProblems(parseLetterModel(withoutFees), norwegianRules)).toEqual([]);
    expect(lawfulnessProblems(parseLetterModel(input), norwegianRules).join()).toMatch(/no fee/);
  });

  it("refuses a power suspension notice giving a consumer less than 4 weeks, but allows 2 weeks for a business", () => {
    const consumer = suspensionNotice({ deadline: "2026-12-07" }) as LetterModelInput & {
      suspension: Record<string, unknown>;
    };
    consumer.suspension = { ...consumer.suspension, earliestDisconnectionDate: "2026-12-08" };
    expect(lawfulnessProblems(parseLetterModel(consumer), norwegianRules).join()).toMatch(/at least 28 days.*§ 48 a/);
    const business = { ...consumer, suspension: { ...consumer.suspension, customerKind: "business" } };
    expect(lawfulnessProblems(parseLetterModel(business), norwegianRules)).toEqual([]);
  });

  it("makes renderLetter refuse an unlawful letter when given the rules, and render a lawful one", async () => {
    await expect(
      renderLetter(collectionNotice({ deadline: "2026-12-15" }), { rules: norwegianRules }),
    ).rejects.toBeInstanceOf(UnlawfulLetter);
    const bytes = await renderLetter(collectionNotice(), { rules: norwegianRules });
    expect(bytes.subarray(0, 5).toString("latin1")).toBe("%PDF-");
  });
});
