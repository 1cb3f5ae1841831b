import { describe, expect, it } from "vitest";
import { norwegianRules } from "../../../shared/domain/rules";
import type { LetterKind, LetterModelInput } from "../../../shared/letters";
import type { LetterModel, LetterStatement, StatementId } from "../../../shared/letters";
import {
  UnlawfulLetter,
  assertLawful,
  contentProblems,
  lawfulContent,
  lawfulDelivery,
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

  it("has no statutory list for a broadband suspension notice: § 48 a governs power only", () => {
    expect(lawfulContent("suspension-notice", "broadband")).toEqual([]);
    expect(lawfulContent("suspension-notice", "power-meter")).toEqual(lawfulContent("suspension-notice"));
    const broadband = parseLetterModel(withSuspension(suspensionNotice(), { service: "broadband" }));
    for (const s of letterStatements(broadband)) {
      expect(s.basis ?? "").not.toContain("§ 48 a");
      expect(s.text).not.toContain("§ 48 a");
    }
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

  it("gives a business customer 2 weeks before a power disconnection, not a day less, and a consumer 4 weeks", () => {
    const notice = (customerKind: "consumer" | "business", deadline: string) =>
      parseLetterModel(
        withSuspension(suspensionNotice({ deadline }), { customerKind, earliestDisconnectionDate: "2026-12-31" }),
      );
    // sent 2026-11-23: 14 days is 2026-12-07, 28 days 2026-12-21
    expect(lawfulnessProblems(notice("business", "2026-12-07"), norwegianRules)).toEqual([]);
    expect(lawfulnessProblems(notice("business", "2026-12-06"), norwegianRules).join()).toMatch(
      /at least 14 days to pay before disconnection \(forbrukerkjøpsloven § 48 a/,
    );
    expect(lawfulnessProblems(notice("consumer", "2026-12-21"), norwegianRules)).toEqual([]);
    expect(lawfulnessProblems(notice("consumer", "2026-12-20"), norwegianRules).join()).toMatch(/at least 28 days/);
  });

  it("makes renderLetter refuse an unlawful letter when given the rules, and render a lawful one", async () => {
    await expect(
      renderLetter(collectionNotice({ deadline: "2026-12-15" }), { rules: norwegianRules }),
    ).rejects.toBeInstanceOf(UnlawfulLetter);
    const bytes = await renderLetter(collectionNotice(), { rules: norwegianRules });
    expect(bytes.subarray(0, 5).toString("latin1")).toBe("%PDF-");
  });
});

function withSuspension(input: LetterModelInput, changes: Record<string, unknown>): LetterModelInput {
  const base = input as LetterModelInput & { suspension: Record<string, unknown> };
  return { ...base, suspension: { ...base.suspension, ...changes } } as LetterModelInput;
}

const POWER_ELEMENTS: StatementId[] = [
  "clear-marking",
  "pay-within-notice-period",
  "contact-danger",
  "contact-dispute",
  "disconnection-costs",
  "social-services",
];

describe("contentProblems: a power disconnection notice must carry every § 48 a element", () => {
  const power = (language: "nb" | "en" = "nb", changes: Record<string, unknown> = {}): LetterModel =>
    parseLetterModel(withSuspension(suspensionNotice({ language }), changes));
  const edit = (
    statements: LetterStatement[],
    id: StatementId,
    change: (s: LetterStatement) => LetterStatement,
  ): LetterStatement[] => statements.map((s) => (s.id === id ? change(s) : s));

  it("finds every element in the letter text of each kind, in both languages, with and without fees", () => {
    for (const fixture of [reminder, collectionNotice, paymentDemand, suspensionNotice]) {
      for (const language of ["nb", "en"] as const) {
        const model = parseLetterModel(fixture({ language }));
        expect(contentProblems(model, letterStatements(model))).toEqual([]);
      }
    }
    const withFees = power("en", {
      customerKind: "business",
      disconnectionFee: { value: 62_500, currency: "NOK" },
      reconnectionFee: { value: 125_000, currency: "NOK" },
    });
    expect(contentProblems(withFees, letterStatements(withFees))).toEqual([]);
  });

  it.each(POWER_ELEMENTS)("refuses a power notice without its %s statement, naming § 48 a", (id) => {
    const model = power();
    const statements = letterStatements(model).filter((s) => s.id !== id);
    const problems = contentProblems(model, statements);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^${id}: the letter does not say it .*\\(forbrukerkjøpsloven § 48 a\\)$`));
    expect(() => assertLawful(model, undefined, statements)).toThrow(UnlawfulLetter);
    // a blank statement is no statement
    const blank = edit(letterStatements(model), id, (s) => ({ ...s, text: " " }));
    expect(contentProblems(model, blank).join()).toContain(`${id}: the letter does not say it`);
  });

  it("refuses a power notice whose statements lack the facts they must carry", () => {
    const model = power();
    const statements = letterStatements(model);
    const cases: [StatementId, (s: LetterStatement) => LetterStatement, RegExp][] = [
      ["clear-marking", (s) => ({ ...s, placement: "body" }), /clear-marking: the statement lacks the marking box/],
      [
        "pay-within-notice-period",
        (s) => ({ ...s, text: s.text.replace("1\u00a0234,50\u00a0kr", "beløpet") }),
        /pay-within-notice-period: .*amount owed/,
      ],
      [
        "pay-within-notice-period",
        (s) => ({ ...s, text: s.text.replace("fra og med 22. desember 2026", "senere") }),
        /first day of disconnection/,
      ],
      [
        "contact-dispute",
        (s) => ({ ...s, text: "Er du uenig i kravet, kan du komme med innsigelser." }),
        /contact-dispute: .*how to contact us/,
      ],
      [
        "contact-danger",
        (s) => ({ ...s, text: "Ta kontakt hvis stenging kan føre til fare for liv eller helse." }),
        /contact-danger: .*how to contact us/,
      ],
      [
        "social-services",
        (s) => ({ ...s, text: "Du kan kontakte sosialtjenesten." }),
        /social-services: .*sosialtjenesten\) at NAV/,
      ],
    ];
    for (const [id, change, expected] of cases) {
      const problems = contentProblems(model, edit(statements, id, change));
      expect(problems, id).toHaveLength(1);
      expect(problems[0]).toMatch(expected);
      expect(problems[0]).toContain("forbrukerkjøpsloven § 48 a");
    }
  });

  it("refuses a power notice that charges a reconnection fee without stating it", () => {
    const model = power("nb", { reconnectionFee: { value: 125_000, currency: "NOK" } });
    const statements = letterStatements(model);
    expect(statements.find((s) => s.id === "disconnection-costs")?.text).toContain(
      "1\u00a0250,00\u00a0kr for å åpne igjen",
    );
    const silent = edit(statements, "disconnection-costs", (s) => ({
      ...s,
      text: "Blir strømmen stengt, kan vi kreve at du dekker kostnadene ved å stenge og å åpne igjen.",
    }));
    expect(contentProblems(model, silent)).toEqual([
      "disconnection-costs: the statement lacks the fees for disconnecting and reconnecting (forbrukerkjøpsloven § 48 a)",
    ]);
  });

  it("asks nothing of a broadband notice beyond its contract terms", () => {
    const model = parseLetterModel(withSuspension(suspensionNotice(), { service: "broadband" }));
    const statements = letterStatements(model).filter((s) => !POWER_ELEMENTS.includes(s.id as StatementId));
    expect(contentProblems(model, statements)).toEqual([]);
  });

  it("keeps the other letters' checks: a collection notice without its collection warning is refused", () => {
    const model = parseLetterModel(collectionNotice());
    const problems = contentProblems(
      model,
      letterStatements(model).filter((s) => s.id !== "collection-warning"),
    );
    expect(problems).toEqual([
      'collection-warning: the letter does not say it — "Says clearly that the claim is sent to collection if it is not paid by the deadline" (inkassoloven § 9)',
    ]);
  });
});

describe("lawfulDelivery: a power disconnection notice is written to the invoice address and told personally", () => {
  it("requires a personal SMS or e-mail alert besides the letter for a power disconnection notice", () => {
    const delivery = lawfulDelivery(parseLetterModel(suspensionNotice()));
    expect(delivery).toEqual({
      writtenToInvoiceAddress: true,
      requiresPersonalAlert: true,
      personalAlertChannels: ["sms", "email"],
      basis: "forbrukerkjøpsloven § 48 a: written notice to the invoice address, and the customer told personally too",
    });
    // the executor holds the input built for the model (letterForStep), not yet parsed: the same answer
    expect(lawfulDelivery(suspensionNotice())).toEqual(delivery);
    expect(lawfulDelivery(withSuspension(suspensionNotice(), { customerKind: "business" })).requiresPersonalAlert).toBe(
      true,
    );
  });

  it("requires nothing beyond a written letter for broadband notices and the collection letters", () => {
    for (const input of [
      withSuspension(suspensionNotice(), { service: "broadband" }),
      reminder(),
      collectionNotice(),
      paymentDemand(),
    ]) {
      expect(lawfulDelivery(input)).toEqual({
        writtenToInvoiceAddress: false,
        requiresPersonalAlert: false,
        personalAlertChannels: [],
        basis: null,
      });
    }
  });
});
