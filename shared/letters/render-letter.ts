/**
 * Renders a letter model as an A4 PDF with pdfkit and an embedded Unicode font (DejaVu Sans Condensed: æøå, §, –,
 * the no-break space and the Sami letters). No I/O besides producing the bytes and reading the font files once, no wall clock: the PDF's creation
 * date is the letter's sent date, so the same model always gives the same bytes.
 *
 * Layout (DIN 5008-like, fits a left-window envelope): sender block top left, recipient address in the window
 * (20 mm from the left, 50 mm from the top), letter facts to the right of the window, title, for a suspension
 * notice a boxed marking, the statements, an amounts table, the payment details with the pay link, closing words,
 * and a footer with the creditor's details and page numbers on every page.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import * as fontkit from "fontkit";
import PDFDocument from "pdfkit";
import QRCode from "qrcode";
import type { RuleSet } from "../domain/rules/rule-set";
import type { Money } from "../domain/money";
import { negate } from "../domain/money";
import { assertLawful } from "./lawful-content";
import { newLayoutCache, shareLayouts, type LayoutCache } from "./layout-cache";
import type { LetterModel, LetterModelInput, PostalAddress } from "./letter-model";
import { parseLetterModel } from "./letter-model";
import { claimDescription, letterStatements, suspensionMarking } from "./letter-text";
import { letterTitle } from "./letter-metadata";
import {
  formatAccountNumber,
  formatLetterAmount,
  formatLetterDate,
  formatOrgNumber,
  formatRate,
} from "./letter-format";

export interface RenderLetterOptions {
  /** When given, the letter is refused (UnlawfulLetter) unless its deadlines and fees are lawful under these rules. */
  readonly rules?: RuleSet;
}

const MM = 72 / 25.4;
const PAGE = { width: 595.28, height: 841.89 };
const MARGIN = { left: 20 * MM, right: 20 * MM, top: 15 * MM, bottom: 22 * MM };
const CONTENT_WIDTH = PAGE.width - MARGIN.left - MARGIN.right;
const WINDOW = { x: 20 * MM, y: 50 * MM, width: 85 * MM };
const FACTS_X = 115 * MM;
/**
 * DejaVu Sans Condensed (the `dejavu-fonts-ttf` package, pinned), embedded as a subset: it has every Latin letter,
 * the Sami ŋ č đ ŧ š ž among them, which the PDF standard fonts (WinAnsi) cannot print; condensed, so lines run about
 * as long as they did in Helvetica.
 */
const FONT_DIR = path.join(path.dirname(require.resolve("dejavu-fonts-ttf/package.json")), "ttf");
const FONT = "LetterRegular";
const BOLD = "LetterBold";
const FONT_FILES = { [FONT]: "DejaVuSansCondensed.ttf", [BOLD]: "DejaVuSansCondensed-Bold.ttf" } as const;
let parsedFonts: Record<string, { bytes: Buffer; tables: unknown; layouts: LayoutCache }> | undefined;

/**
 * The fonts for one document. The files are read once per process, and the tables of each font (cmap, metrics, GSUB,
 * GPOS, glyph outlines…) are decoded once and shared by every document's font; each document gets a font object of
 * its own over those tables, with its own glyph cache, exactly as fontkit's own `getVariation` shares a font's decoded
 * tables with a new font object. (Given the bytes, pdfkit parsed and decoded everything again for every letter: most of
 * a letter's rendering time. The glyph cache stays per document because a cached glyph keeps the characters it was
 * first laid out for — a space and a no-break space share one — and the PDF's text layer says those characters: the
 * bytes of a letter are the same as when every document parsed its own fonts.)
 */
function fonts(): Record<string, fontkit.Font> {
  parsedFonts ??= Object.fromEntries(
    Object.entries(FONT_FILES).map(([name, file]) => {
      const bytes = readFileSync(path.join(FONT_DIR, file));
      const tables = (fontkit.create(bytes) as unknown as FontInternals)._tables;
      return [name, { bytes, tables, layouts: newLayoutCache() }];
    }),
  );
  return Object.fromEntries(
    Object.entries(parsedFonts).map(([name, { bytes, tables, layouts }]) => {
      const font = fontkit.create(bytes); // reads the table directory only: the tables come from the shared cache
      (font as unknown as FontInternals)._tables = tables;
      shareLayouts(font, layouts); // and the words every letter has laid out before (./layout-cache.ts)
      return [name, font];
    }),
  );
}

/** Registers the letters' fonts on another of this folder's documents (the receipt PDF): "LetterRegular", "LetterBold". */
export function registerLetterFonts(doc: PDFKit.PDFDocument): { regular: string; bold: string } {
  for (const [name, font] of Object.entries(fonts())) doc.registerFont(name, font as unknown as Buffer);
  return { regular: FONT, bold: BOLD };
}

/** fontkit's decoded-table cache on a font object (what its getVariation hands on to the new font). */
interface FontInternals {
  _tables: unknown;
}
/** DejaVu has a large x-height: 9.5 pt reads like 10 pt Helvetica. */
const TEXT_SIZE = 9.5;
const GREY = "#555555";
/** The QR code of the pay link, beside the payment details: 24 mm, well above what a phone camera reads easily. */
const QR_SIZE = 24 * MM;
const INK = "#111111";

type Doc = PDFKit.PDFDocument;

const LABELS = {
  nb: {
    date: "Dato",
    invoice: "Fakturanummer",
    case: "Saksnummer",
    due: "Forfallsdato",
    overview: "Oversikt",
    principalHeading: "Hovedkrav",
    additionsHeading: "Tilleggskrav",
    principal: (invoice: string) => `Faktura ${invoice}`,
    interest: (rate: string, from: string, to: string) => `Forsinkelsesrente ${rate} p.a., ${from}–${to}`,
    paid: (date: string) => `Innbetalt ${date}`,
    total: "Å betale",
    payHeading: "Slik betaler du",
    account: "Kontonummer",
    kid: "KID",
    amount: "Beløp",
    deadline: "Betalingsfrist",
    payOnline: "Betal på nett:",
    rememberKid: "Husk å bruke KID-nummeret når du betaler i nettbanken.",
    minSide: "Min side: logg inn med KID {kid} og PIN {pin}",
    regards: "Vennlig hilsen",
    org: "Org.nr.",
    page: (n: number, of: number) => `Side ${n} av ${of}`,
    fees: {
      "reminder-fee": "Purregebyr",
      "collection-notice-fee": "Gebyr for inkassovarsel",
      "payment-demand-fee": "Gebyr for betalingsoppfordring",
      other: "Gebyr",
    },
  },
  en: {
    date: "Date",
    invoice: "Invoice number",
    case: "Case number",
    due: "Due date",
    overview: "Overview",
    principalHeading: "Principal",
    additionsHeading: "Additions",
    principal: (invoice: string) => `Invoice ${invoice}`,
    interest: (rate: string, from: string, to: string) => `Late-payment interest ${rate} p.a., ${from}–${to}`,
    paid: (date: string) => `Paid ${date}`,
    total: "To pay",
    payHeading: "How to pay",
    account: "Account number",
    kid: "KID (payment reference)",
    amount: "Amount",
    deadline: "Pay by",
    payOnline: "Pay online:",
    rememberKid: "Please use the KID number as the payment reference.",
    minSide: "My page (Min side): sign in with KID {kid} and PIN {pin}",
    regards: "Kind regards",
    org: "Org. no.",
    page: (n: number, of: number) => `Page ${n} of ${of}`,
    fees: {
      "reminder-fee": "Reminder fee",
      "collection-notice-fee": "Collection notice fee",
      "payment-demand-fee": "Payment demand fee",
      other: "Fee",
    },
  },
} as const;

/**
 * Renders `input` (validated with `parseLetterModel`) as a PDF. Whatever the options, a letter whose words lack a
 * statement the law requires, or a fact such a statement must carry, is refused (UnlawfulLetter, `contentProblems`).
 */
export async function renderLetter(
  input: LetterModelInput | LetterModel,
  options: RenderLetterOptions = {},
): Promise<Buffer> {
  const model = parseLetterModel(input);
  const statements = letterStatements(model);
  assertLawful(model, options.rules, statements);

  const doc: Doc = new PDFDocument({
    size: "A4",
    margins: MARGIN,
    bufferPages: true,
    lang: model.language === "nb" ? "nb-NO" : "en-GB",
    displayTitle: true,
    info: {
      Title: `${letterTitle(model.kind, model.language)} – ${model.claim.invoiceNumber}`,
      Author: model.creditor.name,
      Subject: letterTitle(model.kind, model.language),
      Creator: "payment-follow-up",
      Producer: "PDFKit",
      CreationDate: new Date(`${model.sentDate}T00:00:00Z`),
    },
  });
  // (@types/pdfkit lists paths and bytes only; pdfkit's font factory also takes a parsed fontkit font.)
  for (const [name, font] of Object.entries(fonts())) doc.registerFont(name, font as unknown as Buffer);
  const done = collect(doc);
  // A greyscale PNG without an alpha channel: pdfkit embeds its compressed rows as they are, where an RGBA one is
  // decoded, split into colour and a soft mask and compressed twice again — for the same black and white pixels.
  // (`colorType` is pngjs's option, which qrcode hands on; @types/qrcode lists only the deflate ones.)
  const qr = await QRCode.toBuffer(model.payment.payLink, {
    type: "png",
    errorCorrectionLevel: "M",
    margin: 2,
    scale: 6,
    rendererOpts: { colorType: 0 },
  } as QRCode.QRCodeToBufferOptions);

  drawHeader(doc, model);
  drawTitle(doc, model);
  const marking = suspensionMarking(model);
  for (const s of statements.filter((x) => x.placement === "marking")) drawMarking(doc, marking ?? "", s.text);
  for (const s of statements.filter((x) => x.placement === "body")) paragraph(doc, s.text);
  drawAmounts(doc, model);
  drawPayment(doc, model, qr);
  for (const s of statements.filter((x) => x.placement === "closing")) paragraph(doc, s.text);
  drawSignature(doc, model);
  drawFooters(doc, model);

  doc.end();
  return done;
}

export function collect(doc: Doc): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on("data", (chunk: Buffer) => chunks.push(chunk));
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
  });
}

function addressLines(address: PostalAddress): string[] {
  return [...address.lines, `${address.postalCode} ${address.city}`, ...(address.country ? [address.country] : [])];
}

function drawHeader(doc: Doc, model: LetterModel): void {
  const l = LABELS[model.language];
  const { creditor, debtor, claim } = model;

  // Sender block
  doc
    .font(BOLD)
    .fontSize(12)
    .fillColor(INK)
    .text(creditor.name, MARGIN.left, MARGIN.top, { width: 90 * MM });
  doc.font(FONT).fontSize(9).fillColor(GREY);
  for (const line of addressLines(creditor.address)) doc.text(line, { width: 90 * MM });
  doc.text(`${l.org} ${formatOrgNumber(creditor.orgNumber)}`, { width: 90 * MM });

  // Recipient in the envelope window
  doc.font(FONT).fontSize(11).fillColor(INK);
  doc.text(debtor.name, WINDOW.x, WINDOW.y, { width: WINDOW.width });
  if (debtor.address) for (const line of addressLines(debtor.address)) doc.text(line, { width: WINDOW.width });

  // Letter facts right of the window
  const facts: [string, string][] = [
    [l.date, formatLetterDate(model.sentDate, model.language)],
    [l.invoice, claim.invoiceNumber],
    ...(claim.caseReference ? ([[l.case, claim.caseReference]] as [string, string][]) : []),
    [l.due, formatLetterDate(claim.dueDate, model.language)],
    ["KID", model.payment.kid],
  ];
  let y = WINDOW.y;
  const labelWidth = 32 * MM;
  const valueWidth = PAGE.width - MARGIN.right - FACTS_X - labelWidth;
  for (const [label, value] of facts) {
    doc.font(FONT).fontSize(9).fillColor(GREY).text(label, FACTS_X, y, { width: labelWidth });
    oneLine(doc, value, FACTS_X + labelWidth, y, valueWidth, 9);
    y = Math.max(doc.y, y + 13);
  }
}

function drawTitle(doc: Doc, model: LetterModel): void {
  doc
    .font(BOLD)
    .fontSize(18)
    .fillColor(INK)
    .text(letterTitle(model.kind, model.language), MARGIN.left, 80 * MM, {
      width: CONTENT_WIDTH,
    });
  doc.moveDown(0.4);
}

/** The clear marking of a suspension notice (forbrukerkjøpsloven § 48 a): a heavy box with a bold heading. */
function drawMarking(doc: Doc, heading: string, text: string): void {
  const pad = 8;
  const innerWidth = CONTENT_WIDTH - 2 * pad;
  doc.font(BOLD).fontSize(14);
  const headingHeight = doc.heightOfString(heading, { width: innerWidth });
  doc.font(FONT).fontSize(TEXT_SIZE);
  const textHeight = doc.heightOfString(text, { width: innerWidth, lineGap: 2 });
  const height = pad + headingHeight + 4 + textHeight + pad;
  ensureSpace(doc, height + 12);
  const top = doc.y;
  doc.save().lineWidth(2.5).strokeColor(INK).rect(MARGIN.left, top, CONTENT_WIDTH, height).stroke().restore();
  doc
    .font(BOLD)
    .fontSize(14)
    .fillColor(INK)
    .text(heading, MARGIN.left + pad, top + pad, { width: innerWidth });
  doc.moveDown(0.2);
  doc
    .font(FONT)
    .fontSize(TEXT_SIZE)
    .text(text, MARGIN.left + pad, doc.y, { width: innerWidth, lineGap: 2 });
  doc.x = MARGIN.left;
  doc.y = top + height + 10;
}

/**
 * Numbers written in groups ("22 12 34 56", "707 057 500") stay on one line: a phone number broken over two lines is
 * dialled wrong. Spaces between two digits become no-break spaces for printing only.
 */
function keepDigitGroups(text: string): string {
  return text.replace(/(?<=\d) (?=\d)/gu, "\u00a0");
}

function paragraph(doc: Doc, raw: string): void {
  const text = keepDigitGroups(raw);
  doc.font(FONT).fontSize(TEXT_SIZE).fillColor(INK);
  ensureSpace(doc, doc.heightOfString(text, { width: CONTENT_WIDTH, lineGap: 1.5 }));
  doc.text(text, MARGIN.left, doc.y, { width: CONTENT_WIDTH, lineGap: 1.5 });
  doc.moveDown(0.4);
}

function ensureSpace(doc: Doc, height: number): void {
  if (doc.y + height > PAGE.height - MARGIN.bottom) doc.addPage();
}

interface Row {
  label: string;
  amount?: Money;
  style: "heading" | "line" | "detail" | "total";
}

function amountRows(model: LetterModel): Row[] {
  const l = LABELS[model.language];
  const { amounts, claim } = model;
  const d = (date: string) => formatLetterDate(date, model.language);
  const separateAdditions = model.kind === "payment-demand"; // inkassoloven § 10 c: principal and additions apart
  const rows: Row[] = [];
  if (separateAdditions) rows.push({ label: l.principalHeading, style: "heading" });
  const description = claimDescription(model);
  rows.push({
    label: description ? `${l.principal(claim.invoiceNumber)}: ${description}` : l.principal(claim.invoiceNumber),
    amount: amounts.principal,
    style: "line",
  });
  // A single line is the principal itself: itemising it would only repeat the row above.
  if (claim.lines.length > 1) {
    for (const line of claim.lines) rows.push({ label: line.description, amount: line.amount, style: "detail" });
  }
  const hasAdditions = amounts.fees.length > 0 || amounts.interest !== null;
  if (separateAdditions && hasAdditions) rows.push({ label: l.additionsHeading, style: "heading" });
  for (const fee of amounts.fees) {
    const label = fee.label ?? l.fees[fee.kind];
    const when = fee.chargedOn ? `, ${d(fee.chargedOn)}` : "";
    rows.push({ label: `${label}${when} (${fee.legalBasis})`, amount: fee.amount, style: "line" });
  }
  if (amounts.interest) {
    const i = amounts.interest;
    rows.push({
      label: `${l.interest(formatRate(i.annualRatePercent, model.language), d(i.fromDate), d(i.toDate))} (${i.legalBasis})`,
      amount: i.amount,
      style: "line",
    });
  }
  for (const p of amounts.payments) {
    rows.push({ label: l.paid(d(p.date)), amount: negate(p.amount), style: "line" });
  }
  rows.push({ label: l.total, amount: amounts.totalDue, style: "total" });
  return rows;
}

function drawAmounts(doc: Doc, model: LetterModel): void {
  const l = LABELS[model.language];
  const rows = amountRows(model);
  // Wide enough for the widest amount: an amount broken over two lines would run into the next row.
  doc.font(BOLD).fontSize(10);
  const widest = Math.max(
    ...rows.map((r) => (r.amount ? doc.widthOfString(formatLetterAmount(r.amount, model.language)) : 0)),
  );
  const amountWidth = Math.max(30 * MM, widest + 2);
  const labelWidth = CONTENT_WIDTH - amountWidth - 6;
  const right = MARGIN.left + CONTENT_WIDTH;

  ensureSpace(doc, 60);
  doc.moveDown(0.3);
  doc.font(BOLD).fontSize(11).fillColor(INK).text(l.overview, MARGIN.left, doc.y, { width: CONTENT_WIDTH });
  doc.moveDown(0.3);
  doc.save().lineWidth(0.5).strokeColor(GREY).moveTo(MARGIN.left, doc.y).lineTo(right, doc.y).stroke().restore();
  doc.y += 4;

  for (const row of rows) {
    const font = row.style === "heading" || row.style === "total" ? BOLD : FONT;
    const size = row.style === "detail" ? 9 : 10;
    const indent = row.style === "detail" ? 12 : 0;
    doc.font(font).fontSize(size);
    const height = doc.heightOfString(row.label, { width: labelWidth - indent }) + 4;
    ensureSpace(doc, height + (row.style === "total" ? 8 : 0));
    if (row.style === "total") {
      doc.save().lineWidth(1).strokeColor(INK).moveTo(MARGIN.left, doc.y).lineTo(right, doc.y).stroke().restore();
      doc.y += 4;
    }
    const y = doc.y;
    doc.fillColor(row.style === "detail" ? GREY : INK);
    doc.text(row.label, MARGIN.left + indent, y, { width: labelWidth - indent });
    const after = doc.y;
    if (row.amount) {
      doc.text(formatLetterAmount(row.amount, model.language), right - amountWidth, y, {
        width: amountWidth,
        align: "right",
        lineBreak: false,
      });
    }
    doc.y = Math.max(after, y + height - 4) + 2;
  }
  doc.fillColor(INK);
  doc.x = MARGIN.left;
  doc.moveDown(0.8);
}

/**
 * The payment box: the account number, KID, amount and deadline — in one row when they fit beside the QR code, else
 * in two columns of two — each value on ONE line (measured with widthOfString and made smaller until it fits its
 * column, never wrapped), the pay link under them, and the QR code of the pay link on the right. The box is as tall
 * as what it holds, so nothing overlaps.
 */
function drawPayment(doc: Doc, model: LetterModel, qr: Buffer): void {
  const l = LABELS[model.language];
  const pad = 10;
  const gap = 12;
  const pairs: [string, string][] = [
    [l.account, formatAccountNumber(model.payment.account)],
    [l.kid, model.payment.kid],
    [l.amount, formatLetterAmount(model.amounts.totalDue, model.language)],
    [l.deadline, formatLetterDate(model.deadline, model.language)],
  ];
  const innerWidth = CONTENT_WIDTH - 2 * pad;
  const textWidth = innerWidth - QR_SIZE - gap;
  // One row beside the QR code when the four fit at 11 pt, or a little smaller; else two rows of two.
  const columnGap = 10;
  const naturalAt = (size: number) =>
    pairs.map(([label, value]) =>
      Math.max(doc.font(FONT).fontSize(8.5).widthOfString(label), doc.font(BOLD).fontSize(size).widthOfString(value)),
    );
  const fitsOneRow = (size: number) =>
    naturalAt(size).reduce((a, b) => a + b, 0) + columnGap * (pairs.length - 1) <= textWidth;
  const rowSize = [11, 10.5, 10, 9.5].find(fitsOneRow);
  const oneRow = rowSize !== undefined;
  const valueSize = rowSize ?? 11;
  const natural = naturalAt(valueSize);
  const spare = textWidth - natural.reduce((a, b) => a + b, 0) - columnGap * (pairs.length - 1);
  const cells = pairs.map((pair, index) => {
    if (oneRow) {
      const x = natural.slice(0, index).reduce((a, w) => a + w + columnGap + spare / pairs.length, 0);
      return { pair, x, row: 0, width: (natural[index] ?? 0) + spare / pairs.length };
    }
    const width = (textWidth - gap) / 2;
    return { pair, x: (index % 2) * (width + gap), row: Math.floor(index / 2), width };
  });
  const rowHeight = 28;
  const rows = oneRow ? 1 : 2;

  const link = model.payment.payLink;
  doc.font(FONT).fontSize(9);
  const payOnlineWidth = doc.widthOfString(`${l.payOnline} `);
  const inlineSize = fitSize(doc, BOLD, link, textWidth - payOnlineWidth, 10, 6);
  const linkInline = doc.font(BOLD).fontSize(inlineSize).widthOfString(link) <= textWidth - payOnlineWidth;
  const linkSize = linkInline && inlineSize >= 8 ? inlineSize : fitSize(doc, BOLD, link, textWidth, 10, 7);
  const linkOwnLine = !(linkInline && inlineSize >= 8);
  doc.font(BOLD).fontSize(linkSize);
  const linkHeight = doc.heightOfString(link, { width: textWidth }) + (linkOwnLine ? 12 : 0);
  doc.font(FONT).fontSize(8.5);
  // The Min side line (KID + PIN) under the KID reminder, when the letter has one.
  const minSide = model.payment.minSide;
  const remember = minSide
    ? `${l.rememberKid}\n${l.minSide.replace("{kid}", minSide.kid).replace("{pin}", minSide.pin)}`
    : l.rememberKid;
  const rememberHeight = doc.heightOfString(remember, { width: textWidth });
  const textHeight = 16 + rows * rowHeight + linkHeight + 3 + rememberHeight;
  const height = pad + Math.max(textHeight, QR_SIZE) + pad;
  ensureSpace(doc, height + 12);
  const top = doc.y;
  const left = MARGIN.left + pad;
  doc.save().rect(MARGIN.left, top, CONTENT_WIDTH, height).fill("#EFEFEF").restore();
  doc
    .font(BOLD)
    .fontSize(11)
    .fillColor(INK)
    .text(l.payHeading, left, top + pad, { width: textWidth });
  for (const { pair, x, row, width } of cells) {
    const y = top + pad + 16 + row * rowHeight;
    doc
      .font(FONT)
      .fontSize(8.5)
      .fillColor(GREY)
      .text(pair[0], left + x, y, { width, lineBreak: false });
    oneLine(doc, pair[1], left + x, y + 10.5, width, valueSize);
  }
  const linkY = top + pad + 16 + rows * rowHeight;
  doc.font(FONT).fontSize(9).fillColor(GREY).text(l.payOnline, left, linkY, { width: textWidth, lineBreak: false });
  const linkX = linkOwnLine ? left : left + payOnlineWidth;
  doc
    .font(BOLD)
    .fontSize(linkSize)
    .fillColor("#0645AD")
    .text(link, linkX, linkOwnLine ? linkY + 12 : linkY - (linkSize - 9) * 0.8, {
      width: textWidth - (linkX - left),
      link,
      underline: true,
    });
  doc
    .font(FONT)
    .fontSize(8.5)
    .fillColor(GREY)
    .text(remember, left, Math.max(doc.y, linkY + linkHeight) + 3, { width: textWidth });
  const qrX = MARGIN.left + CONTENT_WIDTH - pad - QR_SIZE;
  const qrY = top + (height - QR_SIZE) / 2;
  doc.image(qr, qrX, qrY, { width: QR_SIZE, height: QR_SIZE });
  doc.link(qrX, qrY, QR_SIZE, QR_SIZE, link);
  doc.fillColor(INK);
  doc.x = MARGIN.left;
  doc.y = top + height + 12;
}

/** The largest size from `size` down to `min` (in half points) at which `text` fits `width` on one line. */
function fitSize(doc: Doc, font: string, text: string, width: number, size: number, min: number): number {
  doc.font(font);
  let s = size;
  while (s > min && doc.fontSize(s).widthOfString(text) > width) s -= 0.5;
  return s;
}

/**
 * Bold `text` on one line at (x, y): at `size` when it fits `width`, else at the size that fits (down to 6 pt). Never
 * wrapped — a KID or an account number broken over two lines is misread.
 */
function oneLine(doc: Doc, text: string, x: number, y: number, width: number, size: number): void {
  const fitted = fitSize(doc, BOLD, text, width, size, 6);
  doc.font(BOLD).fontSize(fitted).fillColor(INK).text(text, x, y, { width, lineBreak: false });
  doc.y = y + doc.currentLineHeight(true);
}

function drawSignature(doc: Doc, model: LetterModel): void {
  const l = LABELS[model.language];
  ensureSpace(doc, 27);
  doc.moveDown(0.2);
  doc.font(FONT).fontSize(TEXT_SIZE).fillColor(INK).text(l.regards, MARGIN.left, doc.y, { width: CONTENT_WIDTH });
  doc.font(BOLD).text(model.creditor.name, { width: CONTENT_WIDTH });
}

function drawFooters(doc: Doc, model: LetterModel): void {
  const l = LABELS[model.language];
  const { creditor } = model;
  const contact = [creditor.contact.phone, creditor.contact.email, creditor.contact.web].filter(
    (c): c is string => c !== undefined,
  );
  const line1 = [
    creditor.name,
    addressLines(creditor.address).join(", "),
    `${l.org} ${formatOrgNumber(creditor.orgNumber)}`,
  ].join(" · ");
  const line2 = [...contact, `${l.account} ${formatAccountNumber(creditor.accountNumber)}`].join(" · ");
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    // Writing below the bottom margin would start a new page: lift the margin while drawing the footer.
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    const y = PAGE.height - 18 * MM;
    doc
      .save()
      .lineWidth(0.5)
      .strokeColor(GREY)
      .moveTo(MARGIN.left, y - 6)
      .lineTo(PAGE.width - MARGIN.right, y - 6)
      .stroke()
      .restore();
    doc.font(FONT).fontSize(7.5).fillColor(GREY);
    doc.text(line1, MARGIN.left, y, { width: CONTENT_WIDTH - 25 * MM, lineBreak: true });
    doc.text(line2, { width: CONTENT_WIDTH - 25 * MM });
    doc.text(l.page(i - range.start + 1, range.count), PAGE.width - MARGIN.right - 25 * MM, y, {
      width: 25 * MM,
      align: "right",
    });
    doc.page.margins.bottom = bottom;
  }
}
