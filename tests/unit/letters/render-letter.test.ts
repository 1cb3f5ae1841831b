import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it, vi } from "vitest";
import type { LetterKind, LetterModelInput } from "../../../shared/letters";
import {
  lawfulContent,
  letterFileName,
  letterStatements,
  parseLetterModel,
  renderLetter,
} from "../../../shared/letters";
import { collectionNotice, paymentDemand, reminder, suspensionNotice } from "./letter-fixtures";
import type { PdfText } from "./pdf-text";
import { pdfText } from "./pdf-text";

const FIXTURES: Readonly<Record<LetterKind, (o?: Partial<LetterModelInput>) => LetterModelInput>> = {
  reminder,
  "collection-notice": collectionNotice,
  "payment-demand": paymentDemand,
  "suspension-notice": suspensionNotice,
};
const KINDS = Object.keys(FIXTURES) as LetterKind[];

const TITLES = {
  nb: {
    reminder: "Purring",
    "collection-notice": "Inkassovarsel",
    "payment-demand": "Betalingsoppfordring",
    "suspension-notice": "Varsel om stenging",
  },
  en: {
    reminder: "Payment reminder",
    "collection-notice": "Debt collection notice",
    "payment-demand": "Payment demand",
    "suspension-notice": "Notice of disconnection",
  },
} as const;

/** The fixtures' totals due, as each language prints them. */
const TOTALS: Readonly<Record<LetterKind, { nb: string; en: string }>> = {
  reminder: { nb: "1 269,50 kr", en: "NOK 1,269.50" },
  "collection-notice": { nb: "1 304,50 kr", en: "NOK 1,304.50" },
  "payment-demand": { nb: "935,88 kr", en: "NOK 935.88" },
  "suspension-notice": { nb: "1 234,50 kr", en: "NOK 1,234.50" },
};

/** Line wrapping may split after a hyphen or between words: compare with all whitespace removed. */
const squash = (s: string) => s.replace(/[\s\u00a0]+/g, "");
function expectPhrase(pdf: PdfText, phrase: string): void {
  expect(squash(pdf.text), `expected the letter to say: ${phrase}`).toContain(squash(phrase));
}

async function render(model: LetterModelInput): Promise<{ bytes: Buffer; pdf: PdfText }> {
  const bytes = await renderLetter(model);
  return { bytes, pdf: await pdfText(bytes) };
}

/** The amounts of the overview rows, in øre, from "Oversikt" down to and without "Å betale". */
function overviewAmounts(pdf: PdfText, totalLabel: string): { rows: number[]; total: number } {
  const lines = pdf.text.split("\n");
  const start = lines.findIndex((l) => l === "Oversikt" || l === "Overview");
  const end = lines.findIndex((l, i) => i > start && l.startsWith(totalLabel));
  const toOre = (s: string) => Number(s.replace(/[ ,.]/g, "").replace(/^-/, "-"));
  const amountOf = (line: string) => /(-?\d{1,3}(?: \d{3})*,\d{2}) kr$/.exec(line)?.[1];
  const rows = lines
    .slice(start + 1, end)
    .map(amountOf)
    .filter((a): a is string => a !== undefined)
    .map(toOre);
  const total = amountOf(lines[end] ?? "");
  if (total === undefined) throw new Error(`no total line starting with ${totalLabel}`);
  return { rows, total: toOre(total) };
}

describe("renderLetter", () => {
  it.each(KINDS)("renders a %s as a PDF document", async (kind) => {
    const { bytes } = await render(FIXTURES[kind]());
    expect(bytes.subarray(0, 5).toString("latin1")).toBe("%PDF-");
    expect(bytes.subarray(-6).toString("latin1")).toContain("%%EOF");
  });

  it.each(KINDS)("prints every statement the law requires in a %s", async (kind) => {
    const model = parseLetterModel(FIXTURES[kind]());
    const statements = letterStatements(model);
    const { pdf } = await render(model);
    for (const requirement of lawfulContent(kind)) {
      const statement = statements.find((s) => s.id === requirement.id);
      expect(statement, `${kind} lacks "${requirement.requirement}" (${requirement.basis})`).toBeDefined();
      expect(statement?.basis).toBe(requirement.basis);
      expectPhrase(pdf, statement?.text ?? "");
    }
  });

  it.each(KINDS)("prints the Norwegian title, the KID, the account and the pay link on a %s", async (kind) => {
    const { pdf } = await render(FIXTURES[kind]());
    expect(pdf.text.split("\n")).toContain(TITLES.nb[kind]);
    expect(pdf.text).toContain("10000123454");
    expect(pdf.text).toContain("1234.56.78903");
    expect(pdf.text).toContain("https://pay.testnett.no/p/Xy7Qk2");
    expect(pdf.text).toContain("Kari Nordmann");
    expect(pdf.text).toContain("0155 Oslo");
    expect(pdf.text).toContain("Fjordkraft Testnett AS");
  });

  it.each(KINDS)("keeps a %s to a single page", async (kind) => {
    const { pdf } = await render(FIXTURES[kind]());
    expect(pdf.pages).toHaveLength(1);
  });

  it("states the amount and what the claim is for in a reminder, with the invoice lines and the fee", async () => {
    const { pdf } = await render(reminder());
    expectPhrase(pdf, "Kravet gjelder strøm for oktober 2026.");
    expectPhrase(pdf, "Beløpet du skal betale nå, er 1 269,50 kr.");
    expect(pdf.text).toMatch(/Nettleie oktober 450,00 kr/);
    expect(pdf.text).toMatch(/Strøm 1 234 kWh 784,50 kr/);
    expect(pdf.text).toMatch(/Purregebyr \(inkassoforskriften § 1-2\) 35,00 kr/);
    expect(pdf.text).toMatch(/Å betale 1 269,50 kr/);
    expectPhrase(pdf, "Vi ber deg betale innen 7. desember 2026.");
  });

  it("gives the 14-day deadline as a date in a collection notice and says the claim then goes to collection", async () => {
    const { pdf } = await render(collectionNotice());
    expectPhrase(
      pdf,
      "Betal innen 22. desember 2026. Fristen er 14 dager fra 8. desember 2026, da vi sendte dette varselet.",
    );
    expectPhrase(pdf, "Er kravet ikke betalt innen fristen, blir det sendt til inkasso.");
    expect(pdf.text).toMatch(/Purregebyr, 23\. november 2026 \(inkassoforskriften § 1-2\) 35,00 kr/);
    expect(pdf.text).toMatch(/Gebyr for inkassovarsel \(inkassoforskriften § 1-2\) 35,00 kr/);
    expect(pdf.text).toMatch(/Å betale 1 304,50 kr/);
  });

  it("shows the principal and each addition separately in a payment demand, with the interest rate and start date", async () => {
    const { pdf } = await render(paymentDemand());
    const lines = pdf.text.split("\n");
    expect(lines).toContain("Hovedkrav");
    expect(lines).toContain("Tilleggskrav");
    expect(lines.indexOf("Hovedkrav")).toBeLessThan(lines.indexOf("Tilleggskrav"));
    expect(pdf.text).toMatch(/Faktura F-2026-1001: strøm for oktober 2026 1 234,50 kr/);
    expect(pdf.text).toMatch(/Gebyr for betalingsoppfordring \(inkassoforskriften § 1-3\) 105,00 kr/);
    expect(pdf.text).toMatch(/Forsinkelsesrente 12,00 % p\.a\., 2\. november 2026–5\. januar 2027 26,38 kr/);
    expect(pdf.text).toMatch(/Innbetalt 15\. desember 2026 -500,00 kr/);
    expectPhrase(pdf, "Fordringshaver er Fjordkraft Testnett AS (org.nr. 123 456 785).");
    expectPhrase(
      pdf,
      "Hovedkravet er 1 234,50 kr. Tilleggskravene er 175,00 kr i gebyrer og 26,38 kr i forsinkelsesrente.",
    );
    expectPhrase(
      pdf,
      "Forsinkelsesrenten er beregnet med 12,00 % per år fra 2. november 2026 til og med 5. januar 2027.",
    );
  });

  it("asks for payment or objection within the deadline in a payment demand and names the complaint board and the consequences", async () => {
    const { pdf } = await render(paymentDemand());
    expectPhrase(pdf, "Du må enten betale eller komme med innsigelser mot kravet innen 19. januar 2027.");
    expectPhrase(pdf, "Fristen er 14 dager fra 5. januar 2027");
    expectPhrase(pdf, "kan det føre til flere kostnader for deg og til at kravet blir inndrevet rettslig");
    expectPhrase(pdf, "Du har rett til å få saken behandlet av en klagenemnd etter inkassoloven § 22.");
    expectPhrase(pdf, "Finansklagenemnda (finkn.no)");
  });

  it("says in a payment demand without interest that no interest is charged", async () => {
    const base = parseLetterModel(paymentDemand());
    const { pdf } = await render({
      ...paymentDemand(),
      amounts: { ...base.amounts, interest: null, totalDue: { value: 93_588 - 2_638, currency: "NOK" } },
    });
    expectPhrase(pdf, "Vi krever ikke forsinkelsesrente for dette kravet.");
    expect(pdf.text).not.toContain("Forsinkelsesrente 12,00");
  });

  it("marks a suspension notice clearly and states the 4-week rule, the danger-to-life contact, the costs and social services", async () => {
    const { pdf } = await render(suspensionNotice());
    expect(pdf.text.split("\n")).toContain("VARSEL OM STENGING AV STRØM");
    expectPhrase(pdf, "forbrukerkjøpsloven § 48 a");
    expectPhrase(pdf, "Betaler du 1 234,50 kr innen 21. desember 2026, blir strømmen ikke stengt.");
    expectPhrase(pdf, "Du har 4 uker på deg fra 23. november 2026");
    expectPhrase(pdf, "Er beløpet ikke betalt innen fristen, kan strømmen bli stengt fra og med 22. desember 2026.");
    expectPhrase(pdf, "hvis stenging kan føre til fare for liv eller helse, eller skade på eiendom");
    expectPhrase(pdf, "Er det fare for liv eller helse, venter vi med å stenge.");
    expectPhrase(
      pdf,
      "Er du uenig i kravet, eller har du problemer med å betale, ta kontakt med oss på telefon 22 12 34 56",
    );
    expectPhrase(pdf, "Kommer du med en innsigelse som ikke er åpenbart grunnløs, venter vi med å stenge");
    expectPhrase(pdf, "kan vi kreve at du dekker kostnadene ved å stenge og å åpne igjen.");
    expectPhrase(pdf, "Du kan få råd og hjelp fra sosialtjenesten ved NAV-kontoret i kommunen din.");
    expectPhrase(
      pdf,
      "Bekrefter sosialtjenesten overfor oss innen fristen at den dekker beløpet, blir strømmen ikke stengt.",
    );
  });

  it("says the same in English, and the amounts a tenant charges for disconnecting and reconnecting", async () => {
    const base = suspensionNotice({ language: "en" }) as LetterModelInput & { suspension: object };
    const { pdf } = await render({
      ...base,
      suspension: {
        ...base.suspension,
        disconnectionFee: { value: 62_500, currency: "NOK" },
        reconnectionFee: { value: 125_000, currency: "NOK" },
      },
    } as LetterModelInput);
    expect(pdf.text.split("\n")).toContain("NOTICE OF DISCONNECTION OF ELECTRICITY");
    expectPhrase(pdf, "If you pay NOK 1,234.50 by 21 December 2026, your electricity supply will not be disconnected.");
    expectPhrase(pdf, "may be disconnected from 22 December 2026.");
    expectPhrase(pdf, "If life or health is at risk, we will not disconnect yet.");
    expectPhrase(pdf, "If you object and the objection is not obviously unfounded, we will not disconnect");
    expectPhrase(
      pdf,
      "we may charge you the costs of disconnecting and reconnecting it: NOK 625.00 for disconnecting and NOK 1,250.00 for reconnecting.",
    );
    expectPhrase(pdf, "social services (sosialtjenesten) at the NAV office");
    expectPhrase(pdf, "that they will cover the amount, we will not disconnect.");
  });

  it("does not cite the power law on a broadband suspension notice", async () => {
    const base = suspensionNotice() as LetterModelInput & { suspension: object };
    const { pdf } = await render({
      ...base,
      suspension: { ...base.suspension, service: "broadband", serviceDescription: "bredbånd i Storgata 1 B" },
    } as LetterModelInput);
    expect(pdf.text.split("\n")).toContain("VARSEL OM STENGING AV BREDBÅND");
    expectPhrase(pdf, "Dette brevet er et varsel om at bredbåndet kan bli stengt fordi en faktura ikke er betalt.");
    expect(pdf.text).not.toContain("§ 48 a");
  });

  it("gives a business customer the suspension period it actually has", async () => {
    const base = parseLetterModel(suspensionNotice());
    if (base.kind !== "suspension-notice") throw new Error("fixture is a suspension notice");
    const { pdf } = await render({
      ...suspensionNotice(),
      deadline: "2026-12-07",
      suspension: { ...base.suspension, customerKind: "business", earliestDisconnectionDate: "2026-12-08" },
    } as LetterModelInput);
    expectPhrase(pdf, "Du har 2 uker på deg fra 23. november 2026");
  });

  it("flows a long letter onto a second page, with the footer and page numbers on every page", async () => {
    const lines = Array.from({ length: 30 }, (_, i) => ({
      description: `Strøm dag ${i + 1}`,
      amount: { value: i === 0 ? 123_450 - 29 * 4_000 : 4_000, currency: "NOK" as const },
    }));
    const { pdf } = await render(reminder({ claim: { ...(reminder().claim as object), lines } as never }));
    expect(pdf.pages.length).toBeGreaterThan(1);
    pdf.pages.forEach((page, i) => {
      expect(page).toContain(`Side ${i + 1} av ${pdf.pages.length}`);
      expect(page).toContain("Org.nr. 123 456 785");
    });
    expect(pdf.text).toMatch(/Å betale 1 269,50 kr/);
    expect(pdf.text).toContain("Strøm dag 30");
  });

  it("formats amounts the Norwegian way and they add up to the total due", async () => {
    const { pdf } = await render(paymentDemand());
    const { rows, total } = overviewAmounts(pdf, "Å betale");
    expect(rows).toEqual([123_450, 3_500, 3_500, 10_500, 2_638, -50_000]);
    expect(rows.reduce((a, b) => a + b, 0)).toBe(total);
    expect(total).toBe(93_588);
    expect(pdf.text).toMatch(/Beløp Betalingsfrist\n.*935,88 kr 19\. januar 2027/);
  });

  it("itemises the invoice lines under the principal, and they add up to it", async () => {
    const { pdf } = await render(reminder());
    const amountOn = (label: string) => {
      const line = pdf.text.split("\n").find((l) => l.startsWith(label)) ?? "";
      return Number(/(\d{1,3}(?: \d{3})*,\d{2}) kr$/.exec(line)?.[1]?.replace(/[ ,]/g, ""));
    };
    expect(amountOn("Nettleie oktober") + amountOn("Strøm 1 234 kWh")).toBe(amountOn("Faktura F-2026-1001:"));
    expect(amountOn("Faktura F-2026-1001:")).toBe(123_450);
  });

  it.each(KINDS)("renders a %s in English", async (kind) => {
    const model = parseLetterModel(FIXTURES[kind]({ language: "en" }));
    const { pdf } = await render(model);
    expect(pdf.text.split("\n")).toContain(TITLES.en[kind]);
    for (const requirement of lawfulContent(kind)) {
      expectPhrase(pdf, letterStatements(model).find((s) => s.id === requirement.id)?.text ?? "missing");
    }
    expect(pdf.text).toContain("How to pay");
    expect(pdf.text).toMatch(/NOK 1,234\.50/);
  });

  it("says in the English payment demand that the claim goes to the complaint board and the courts", async () => {
    const { pdf } = await render(paymentDemand({ language: "en" }));
    expectPhrase(pdf, "You must either pay or object to the claim by 19 January 2027.");
    expectPhrase(pdf, "You have the right to have the case heard by a complaint board under section 22");
    expect(pdf.text).toMatch(/To pay NOK 935\.88/);
  });

  it("gives the same bytes for the same model, whatever the time of day", async () => {
    const first = await renderLetter(paymentDemand());
    const second = await renderLetter(paymentDemand());
    expect(first.equals(second)).toBe(true);
  });

  it("gives the same bytes and text whatever letters were rendered before it, several at once too", async () => {
    // The fonts' tables are parsed once per process; what each letter's text layer says must not depend on what
    // other letters used the same glyphs for (a space and a no-break space share one).
    const nordic = {
      name: "Åse Øvergård-Škare «Bø» “Zoë”",
      address: { lines: ["Ærøvej 5, Söderström – Žaneta"], postalCode: "0155", city: "Oslo" },
    };
    const sami = {
      name: "Áŋŋá Čáhcesuolu-Đuoššá",
      address: { lines: ["Ŧeahkkáš Žuorgá 3"], postalCode: "9730", city: "Kárášjohka" },
    };
    await renderLetter(reminder({ debtor: sami }));
    const first = await renderLetter(reminder({ debtor: nordic }));
    await Promise.all([
      renderLetter(suspensionNotice({ debtor: sami, language: "en" })),
      renderLetter(paymentDemand()),
      renderLetter(collectionNotice({ debtor: sami })),
    ]);
    const again = await renderLetter(reminder({ debtor: nordic }));
    expect(again.equals(first)).toBe(true);
    const lines = (await pdfText(first)).text.split("\n");
    expect(lines.some((l) => l.startsWith(nordic.name))).toBe(true);
    expect(lines.some((l) => l.startsWith(nordic.address.lines[0]!))).toBe(true);
  });

  it("gives the bytes of a process that rendered nothing before, though every letter reuses the words laid out before", async () => {
    // Word layouts are shared by every letter of a process (shared/letters/layout-cache.ts); a fresh copy of the module
    // starts with none. No-break spaces and ligature pairs (fi, fl) are where a shared glyph could say other characters.
    const debtor = {
      name: "Kari\u00a0Nordmann-Fiflø",
      address: { lines: ["Storgata\u00a01 B, office fl."], postalCode: "0155", city: "Oslo" },
    };
    const letters = [
      reminder({ debtor }),
      collectionNotice({ language: "en" }),
      paymentDemand({ debtor }),
      suspensionNotice({ debtor, language: "en" }),
      reminder(),
    ];
    const loadFresh = async () => {
      vi.resetModules();
      return (await import("../../../shared/letters/render-letter")).renderLetter;
    };
    const fresh: Buffer[] = [];
    for (const model of letters) fresh.push(await (await loadFresh())(model));
    const shared = await loadFresh();
    const afterOthers: Buffer[] = [];
    for (const model of [...letters].reverse()) afterOthers.unshift(await shared(model));
    for (const [i, bytes] of afterOthers.entries()) expect(bytes.equals(fresh[i]!), `letter ${i}`).toBe(true);
  });

  it("dates the document on the day the letter is sent, not by the clock", async () => {
    const { pdf } = await render(paymentDemand());
    expect(String(pdf.info["CreationDate"])).toMatch(/^D:20270105000000/);
  });

  it("puts no name or address of the debtor into the document's metadata", async () => {
    const { pdf } = await render(suspensionNotice());
    expect(pdf.info["Title"]).toBe("Varsel om stenging – F-2026-1001");
    expect(pdf.info["Author"]).toBe("Fjordkraft Testnett AS");
    expect(JSON.stringify(pdf.info)).not.toMatch(/Nordmann|Storgata|0155/);
  });

  it("writes one rendered PDF per kind and language to test-artifacts/letters that opens as a letter with its pages numbered, its title, the KID and the total", async () => {
    const folder = path.resolve(__dirname, "../../../test-artifacts/letters");
    mkdirSync(folder, { recursive: true });
    for (const kind of KINDS) {
      for (const language of ["nb", "en"] as const) {
        const model = parseLetterModel(FIXTURES[kind]({ language }));
        const file = path.join(folder, letterFileName(model).replace(/\.pdf$/, `.${language}.pdf`));
        writeFileSync(file, await renderLetter(model));

        const pdf = await pdfText(readFileSync(file));
        const pages = kind === "payment-demand" && language === "en" ? 2 : 1; // the English demand's closing flows over
        expect(pdf.pages, `${path.basename(file)} has ${pages} page(s)`).toHaveLength(pages);
        pdf.pages.forEach((page, i) =>
          expect(page).toContain(language === "nb" ? `Side ${i + 1} av ${pages}` : `Page ${i + 1} of ${pages}`),
        );
        expect(pdf.text.split("\n"), `${path.basename(file)} carries its title`).toContain(TITLES[language][kind]);
        expect(pdf.text).toContain("10000123454");
        expect(pdf.text, `${path.basename(file)} states the total due`).toContain(TOTALS[kind][language]);
      }
    }
  });
});
