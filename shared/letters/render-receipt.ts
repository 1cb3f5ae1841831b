/**
 * A payment receipt as an A4 PDF (the debtor downloads it from the receipt page): the same pdfkit and embedded font as
 * the letters. It prints what it is given — the words are the receipt page's (shared/web), so page and PDF say the
 * same — and reads no clock: the creation date is the payment's time, so the same receipt gives the same bytes.
 */
import PDFDocument from "pdfkit";
import { collect, registerLetterFonts } from "./render-letter";

export interface ReceiptPdf {
  language: "nb" | "en";
  /** "Betalt" or "Delbetaling mottatt". */
  title: string;
  /** Who it is from ("Fra Fjordnett AS"). */
  sender: string;
  /** When the payment was received (ISO instant), or absent. */
  paidAt?: string;
  paragraphs: string[];
  sections: { heading: string; rows: { label: string; value: string }[]; lines?: string[] }[];
  /** Contact lines at the bottom. */
  footer: string[];
}

const MM = 72 / 25.4;
const MARGIN = { left: 20 * MM, right: 20 * MM, top: 20 * MM, bottom: 20 * MM };
const WIDTH = 595.28 - MARGIN.left - MARGIN.right;
const INK = "#111111";
const GREY = "#555555";

/** No-break spaces (amounts, "kl. 14:05") are printed as they are: the font has them, so amounts never wrap. */
export async function renderReceiptPdf(receipt: ReceiptPdf): Promise<Buffer> {
  const doc = new PDFDocument({
    size: "A4",
    margins: MARGIN,
    lang: receipt.language === "nb" ? "nb-NO" : "en-GB",
    displayTitle: true,
    info: {
      Title: receipt.title,
      Author: receipt.sender,
      Subject: receipt.title,
      Creator: "payment-follow-up",
      Producer: "PDFKit",
      ...(receipt.paidAt ? { CreationDate: new Date(receipt.paidAt) } : {}),
    },
  });
  const font = registerLetterFonts(doc);
  const done = collect(doc);
  doc.font(font.regular).fontSize(10).fillColor(GREY).text(receipt.sender, { width: WIDTH });
  doc.moveDown(1.5);
  doc.font(font.bold).fontSize(18).fillColor(INK).text(receipt.title, { width: WIDTH });
  doc.moveDown(0.6);
  doc.font(font.regular).fontSize(11);
  for (const p of receipt.paragraphs) {
    doc.text(p, { width: WIDTH, lineGap: 2 });
    doc.moveDown(0.4);
  }
  for (const section of receipt.sections) {
    doc.moveDown(0.6);
    doc.font(font.bold).fontSize(12).fillColor(INK).text(section.heading, { width: WIDTH });
    doc.moveDown(0.3);
    doc.font(font.regular).fontSize(11);
    for (const row of section.rows) {
      const y = doc.y;
      const valueWidth = doc.widthOfString(row.value);
      doc.text(row.label, MARGIN.left, y, { width: WIDTH - valueWidth - 12 * MM });
      const after = doc.y;
      doc.text(row.value, MARGIN.left + WIDTH - valueWidth, y, { width: valueWidth + 1, lineBreak: false });
      doc.x = MARGIN.left;
      doc.y = Math.max(after, y + doc.currentLineHeight(true));
    }
    for (const line of section.lines ?? []) {
      doc.moveDown(0.3);
      doc.text(line, MARGIN.left, doc.y, { width: WIDTH, lineGap: 2 });
    }
  }
  if (receipt.footer.length > 0) {
    doc.moveDown(2);
    doc.font(font.regular).fontSize(9).fillColor(GREY);
    for (const line of receipt.footer) doc.text(line, MARGIN.left, doc.y, { width: WIDTH, lineGap: 1.5 });
  }
  doc.end();
  return done;
}
