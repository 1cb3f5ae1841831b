/**
 * Letters as a person sees them on paper: measured from the rendered PDF's text positions (pdfjs-dist), not from the
 * model. Every kind, in both languages, with a real 18-digit KID (as `kidFor` makes them), the short case number, a
 * claim described only by its invoice number (what register-invoice stores for an invoice without lines), and the
 * legal bases as the rule set words them. Writes each PDF to test-artifacts/letter-layout/ for a look (pdftoppm).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import jsQR from "jsqr";
import { PAGE, readPdf, type Item } from "../../support/pdf-pages";
import { describe, expect, it } from "vitest";
import { letterBasis, letterCaseNumber, letterForStep } from "../../../shared/application/letters/letter-for-step";
import { kidFor } from "../../../shared/application/register-invoice";
import { money } from "../../../shared/domain/money";
import type { PlannedAction } from "../../../shared/domain/planner";
import { feeScheduleFor, ruleSetFor } from "../../../shared/domain/rules";
import type { LetterKind, LetterLanguage, LetterModelInput } from "../../../shared/letters";
import { letterFileName, parseLetterModel, renderLetter } from "../../../shared/letters";
import { LETTERHEAD, caseRecord, tenant } from "../application/case-ladder-fixtures";
import { collectionNotice, paymentDemand, reminder, suspensionNotice } from "./letter-fixtures";

const FIXTURES: Readonly<Record<LetterKind, (o?: Partial<LetterModelInput>) => LetterModelInput>> = {
  reminder,
  "collection-notice": collectionNotice,
  "payment-demand": paymentDemand,
  "suspension-notice": suspensionNotice,
};
const KINDS = Object.keys(FIXTURES) as LetterKind[];
const KID = kidFor("t_layout:1001");
const PAY_LINK = "https://betal.fjordkraft-testnett.no/p/Xy7Qk2mN4pR8sT1v";
const ARTIFACTS = path.resolve(__dirname, "../../../test-artifacts/letter-layout");

/** A letter as the platform writes it: the KID from the case id, the invoice number as the only description. */
function realistic(kind: LetterKind, language: LetterLanguage): LetterModelInput {
  const base = FIXTURES[kind]({ language });
  return {
    ...base,
    claim: {
      ...base.claim,
      invoiceNumber: "1001",
      caseReference: letterCaseNumber(KID),
      description: language === "nb" ? "Faktura 1001" : "Invoice 1001",
      lines: [],
    },
    payment: { ...base.payment, kid: KID, payLink: PAY_LINK },
  };
}

/** Pairs of text items whose boxes (ascent 0.75 of the size above the baseline, descent 0.2 below) overlap. */
function overlaps(items: readonly Item[]): string[] {
  const box = (i: Item) => ({ l: i.x, r: i.x + i.width, t: i.y - 0.75 * i.height, b: i.y + 0.2 * i.height });
  const found: string[] = [];
  for (let a = 0; a < items.length; a++) {
    for (let b = a + 1; b < items.length; b++) {
      const p = box(items[a] as Item);
      const q = box(items[b] as Item);
      const w = Math.min(p.r, q.r) - Math.max(p.l, q.l);
      const h = Math.min(p.b, q.b) - Math.max(p.t, q.t);
      if (w > 0.5 && h > 0.5) found.push(`"${items[a]?.str}" / "${items[b]?.str}"`);
    }
  }
  return found;
}

const CASES = KINDS.flatMap((kind) => (["nb", "en"] as const).map((language) => ({ kind, language })));

describe("a letter on paper", () => {
  it.each(CASES)(
    "$kind ($language): no two pieces of text overlap, and the KID and account number stand whole on one line inside the page",
    async ({ kind, language }) => {
      const model = parseLetterModel(realistic(kind, language));
      const bytes = await renderLetter(model);
      mkdirSync(ARTIFACTS, { recursive: true });
      writeFileSync(path.join(ARTIFACTS, letterFileName(model).replace(/\.pdf$/, `.${language}.pdf`)), bytes);
      const pages = await readPdf(bytes);
      for (const page of pages) expect(overlaps(page.items)).toEqual([]);

      const items = pages.flatMap((p) => p.items);
      const kids = items.filter((i) => i.str.includes(KID.slice(-6)));
      expect(kids.length, "the KID among the letter facts and in the payment box").toBe(2);
      for (const k of kids) {
        expect(k.str.trim()).toBe(KID);
        expect(k.x).toBeGreaterThanOrEqual(0);
        expect(k.x + k.width).toBeLessThanOrEqual(PAGE.width - 20 * (72 / 25.4));
      }
      const account = items.filter((i) => i.str.includes("1234.56.78903"));
      expect(account.length).toBeGreaterThanOrEqual(1);
      for (const a of account.filter((i) => !i.str.includes("·"))) expect(a.str.trim()).toBe("1234.56.78903");
    },
  );

  it("keeps the KID whole when the payment details need two rows and a long pay link its own line", async () => {
    const longLink = `https://betaling.fjordkraft-testnett-kundeservice.no/p/${"Xy7Qk2mN4pR8sT1v".repeat(3)}`;
    const base = realistic("reminder", "en");
    const nok = (value: number) => ({ value, currency: "NOK" as const });
    const model = {
      ...base,
      amounts: {
        principal: nok(1_234_567_890),
        fees: [{ kind: "reminder-fee", amount: nok(3_500), legalBasis: "inkassoforskriften § 1-2" }],
        totalDue: nok(1_234_571_390),
      },
      deadline: "2027-09-29",
      payment: { ...base.payment, payLink: longLink },
    };
    const pages = await readPdf(await renderLetter(model as LetterModelInput));
    for (const page of pages) expect(overlaps(page.items)).toEqual([]);
    const items = pages.flatMap((p) => p.items);
    const kids = items.filter((i) => i.str.includes(KID.slice(-6)));
    expect(kids.map((k) => k.str.trim())).toEqual([KID, KID]);
    const box = kids[1];
    const deadline = items.filter((i) => i.str.includes("29 September 2027")).at(-1);
    expect(deadline?.y, "the deadline sits on a second row under the KID").toBeGreaterThan((box?.y ?? 0) + 10);
    const images = pages.flatMap((p) => p.images);
    const qr = images[0];
    if (!qr) throw new Error("no image");
    expect(jsQR(qr.rgba, qr.width, qr.height)?.data).toBe(longLink);
  });

  it.each(CASES)(
    "$kind ($language): the creditor's phone number is never broken over two lines",
    async ({ kind, language }) => {
      const pages = await readPdf(await renderLetter(realistic(kind, language)));
      const lines = pages.flatMap((p) => p.items.map((i) => i.str.replace(/\u00a0/g, " ")));
      const mentions = lines.filter((line) => /\b22( 12)?( 34)?$|^(12 )?(34 )?56\b/.test(line.trim()));
      expect(mentions, "a line ending or starting in the middle of 22 12 34 56").toEqual([]);
      expect(lines.some((line) => line.includes("22 12 34 56"))).toBe(true);
    },
  );

  it.each(CASES)(
    "$kind ($language): the QR code beside the payment details opens the pay link",
    async ({ kind, language }) => {
      const pages = await readPdf(await renderLetter(realistic(kind, language)));
      const images = pages.flatMap((p) => p.images);
      expect(images).toHaveLength(1);
      const qr = images[0];
      if (!qr) throw new Error("no image");
      expect(jsQR(qr.rgba, qr.width, qr.height)?.data).toBe(PAY_LINK);
    },
  );

  it.each(CASES)(
    "$kind ($language): says the invoice number once per mention, not 'Faktura 1001: Faktura 1001'",
    async ({ kind, language }) => {
      const pages = await readPdf(await renderLetter(realistic(kind, language)));
      const text = pages.flatMap((p) => p.items.map((i) => i.str)).join("\n");
      expect(text).not.toMatch(/(Faktura|Invoice) 1001\W+(Faktura|Invoice) 1001/i);
      expect(text).not.toMatch(/(gjelder|is for) (Faktura|Invoice) 1001\./i);
      expect(text.split("\n")).toContain(language === "nb" ? "Faktura 1001" : "Invoice 1001"); // the overview row
    },
  );

  it("prints the case number short enough to read out on the phone, and never the internal case id", async () => {
    const fixture = caseRecord("1001", "2026-11-08");
    const record = { ...fixture, kid: kidFor(fixture.caseId) };
    expect(record.kid).toHaveLength(18);
    expect(letterCaseNumber(record.kid)).toMatch(/^\d{3}\u00a0\d{3}\u00a0\d{3}$/);
    expect(record.kid.endsWith(letterCaseNumber(record.kid).replace(/\u00a0/g, ""))).toBe(true);
    const model = letterFromStep(record);
    const text = (await readPdf(await renderLetter(model))).flatMap((p) => p.items.map((i) => i.str)).join("\n");
    expect(text).not.toContain(record.caseId);
    expect(text.replace(/\u00a0/g, " ")).toContain(letterCaseNumber(record.kid).replace(/\u00a0/g, " "));
  });
});

/** A reminder built the way a ladder step builds it, with the fee's legal basis as the rule set words it. */
function letterFromStep(record = caseRecord("1001", "2026-11-08")) {
  const rules = ruleSetFor("NO", "2026-11-23");
  const source = feeScheduleFor(rules, "2026-11-08").source;
  const nok = (value: number) => money(value, "NOK");
  const action: PlannedAction = {
    kind: "reminder",
    stepIndex: 1,
    at: new Date("2026-11-23T08:00:00.000Z"),
    on: "2026-11-23",
    channels: ["letter"],
    amounts: {
      principal: nok(1250_00),
      fees: nok(0),
      interest: nok(0),
      total: nok(1250_00),
      feeToAdd: nok(35_00),
      totalWithFee: nok(1285_00),
      credit: nok(0),
      interestRatesMissingFrom: null,
      interestProvisional: null,
    },
    fee: { amount: nok(35_00), legalBasis: `${source}: reminder fee 35,00 kr` },
    legalBasis: "inkassoforskriften § 1-2",
    deadline: "2026-12-07",
  };
  return parseLetterModel(
    letterForStep({ record, tenant: tenant(), action, rules, letterhead: LETTERHEAD, payLink: PAY_LINK }),
  );
}

describe("a Norwegian letter speaks Norwegian", () => {
  const ENGLISH = /\b(claims?|falling|due|on or after|earlier|letters?|fee|invoice|payment|reminder)\b/i;

  it("cites the legal basis of a fee without the rule set's English notes", async () => {
    const source = feeScheduleFor(ruleSetFor("NO", "2026-11-23"), "2026-11-08").source;
    expect(source, "the rule set's wording this test is about").toMatch(/claims falling due/);
    expect(letterBasis(`${source}: reminder fee 35,00 kr`)).toBe("inkassoforskriften §§ 1-2, 1-3");
    const model = letterFromStep();
    expect(model.language).toBe("nb");
    const text = (await readPdf(await renderLetter(model))).flatMap((p) => p.items.map((i) => i.str)).join("\n");
    expect(text).toContain("inkassoforskriften §§ 1-2, 1-3");
    const english = text.split("\n").filter((line) => ENGLISH.test(line) && !line.includes("https://"));
    expect(english).toEqual([]);
  });

  it.each(KINDS)("%s: no English words in the Norwegian letter", async (kind) => {
    const pages = await readPdf(await renderLetter(realistic(kind, "nb")));
    const lines = pages.flatMap((p) => p.items.map((i) => i.str));
    expect(lines.filter((line) => ENGLISH.test(line) && !line.includes("https://"))).toEqual([]);
  });
});
