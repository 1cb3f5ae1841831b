/**
 * The e-mail that carries a letter (purring, inkassovarsel, betalingsoppfordring, varsel om stenging) as a PDF
 * attachment: in the creditor's name, in the letter's language, short — what the attachment is, what to pay by when,
 * a pay link, KID and account for the bank, and how to reach the creditor. The PDF itself holds the lawful content;
 * the e-mail only points to it.
 *
 * The HTML uses inline styles only (mail clients drop <style>), a real <a> link as the button, no images, and every
 * value escaped. Pure and deterministic.
 */
import type { LocalDate } from "../domain/calendar";
import type { Money } from "../domain/money";
import type { CreditorContact } from "../domain/letterhead";
import type { LetterKind, LetterLanguage } from "./letter-model";
import { letterTitle } from "./letter-metadata";
import { formatAccountNumber, formatLetterAmount, formatLetterDate } from "./letter-format";

export interface LetterEmailInput {
  kind: LetterKind;
  language: LetterLanguage;
  creditorName: string;
  invoiceNumber: string;
  /** The amount to pay now (the letter's total due). */
  amount: Money;
  deadline: LocalDate;
  /** The case's pay page (https; http only for a local dev host). */
  payLink: string;
  kid: string;
  /** Norwegian account number, 11 digits. */
  account: string;
  contact?: CreditorContact;
}

export interface LetterEmail {
  subject: string;
  text: string;
  html: string;
}

interface Words {
  greeting: string;
  intro: (creditor: string, invoice: string) => string;
  consequence: string | null;
  due: (amount: string, deadline: string) => string;
  payButton: string;
  bank: (kid: string, account: string) => string;
  contact: (creditor: string, ways: string) => string;
  attached: string;
  paidAlready: string;
  regards: string;
  subject: (title: string, creditor: string, invoice: string) => string;
}

const WORDS: Readonly<Record<LetterLanguage, Readonly<Record<LetterKind, Words>>>> = {
  nb: kinds("nb"),
  en: kinds("en"),
};

function kinds(language: LetterLanguage): Record<LetterKind, Words> {
  const nb = language === "nb";
  const base: Omit<Words, "intro" | "consequence"> = nb
    ? {
        greeting: "Hei,",
        due: (amount, deadline) => `Beløpet å betale er ${amount}, og fristen er ${deadline}.`,
        payButton: "Betal nå",
        bank: (kid, account) => `Betaler du i nettbanken, bruk KID ${kid} og kontonummer ${account}.`,
        contact: (creditor, ways) => `Har du spørsmål, eller trenger du mer tid? Kontakt ${creditor}: ${ways}.`,
        attached: "Brevet ligger vedlagt som PDF.",
        paidAlready: "Har du betalt de siste dagene, kan du se bort fra denne e-posten.",
        regards: "Vennlig hilsen",
        subject: (title, creditor, invoice) => `${title} fra ${creditor} – faktura ${invoice}`,
      }
    : {
        greeting: "Hello,",
        due: (amount, deadline) => `The amount to pay is ${amount}, and the deadline is ${deadline}.`,
        payButton: "Pay now",
        bank: (kid, account) => `If you pay in your online bank, use KID ${kid} and account number ${account}.`,
        contact: (creditor, ways) => `Do you have questions, or need more time? Contact ${creditor}: ${ways}.`,
        attached: "The letter is attached as a PDF.",
        paidAlready: "If you have paid in the last few days, please disregard this e-mail.",
        regards: "Kind regards",
        subject: (title, creditor, invoice) => `${title} from ${creditor} – invoice ${invoice}`,
      };
  return {
    reminder: {
      ...base,
      intro: nb
        ? (c, i) => `Vedlagt er en purring fra ${c} på faktura ${i}. Vi kan ikke se at fakturaen er betalt.`
        : (c, i) => `Attached is a payment reminder from ${c} for invoice ${i}. We cannot see that it has been paid.`,
      consequence: null,
    },
    "collection-notice": {
      ...base,
      intro: nb
        ? (c, i) => `Vedlagt er et inkassovarsel fra ${c} på faktura ${i}, som fortsatt ikke er betalt.`
        : (c, i) => `Attached is a debt collection notice from ${c} for invoice ${i}, which is still unpaid.`,
      consequence: nb
        ? "Blir kravet ikke betalt innen fristen, kan det bli sendt til inkasso."
        : "If the claim is not paid by the deadline, it may be passed on for debt collection.",
    },
    "payment-demand": {
      ...base,
      intro: nb
        ? (c, i) => `Vedlagt er en betalingsoppfordring fra ${c} på faktura ${i}.`
        : (c, i) => `Attached is a payment demand from ${c} for invoice ${i}.`,
      consequence: nb
        ? "Brevet forklarer hva som skjer om kravet ikke blir betalt innen fristen."
        : "The letter explains what happens if the claim is not paid by the deadline.",
    },
    "suspension-notice": {
      ...base,
      intro: nb
        ? (c, i) => `Vedlagt er et varsel om stenging fra ${c} om faktura ${i}, som fortsatt ikke er betalt.`
        : (c, i) => `Attached is a notice of disconnection from ${c} about invoice ${i}, which is still unpaid.`,
      consequence: nb
        ? "Les brevet: det forteller hva som skjer om fakturaen ikke blir betalt innen fristen, og hvordan du kan unngå det."
        : "Please read the letter: it tells you what happens if the invoice is not paid by the deadline, and how to avoid it.",
    },
  };
}

export function letterEmail(input: LetterEmailInput): LetterEmail {
  const lang = input.language;
  const w = WORDS[lang][input.kind];
  const creditor = oneLine(input.creditorName);
  const invoice = oneLine(input.invoiceNumber);
  const amount = formatLetterAmount(input.amount, lang);
  const deadline = formatLetterDate(input.deadline, lang);
  const account = formatAccountNumber(input.account);
  const payLink = safeLink(input.payLink);
  const ways = input.contact ? contactWays(input.contact, lang) : [];

  const subject = w.subject(letterTitle(input.kind, lang), creditor, invoice);
  const paragraphs = {
    intro: [w.intro(creditor, invoice), w.consequence].filter((s): s is string => s !== null).join(" "),
    due: w.due(amount, deadline),
    bank: w.bank(input.kid, account),
    contact: ways.length > 0 ? w.contact(creditor, ways.map((x) => x.text).join(", ")) : null,
  };

  const text = [
    w.greeting,
    "",
    paragraphs.intro,
    "",
    paragraphs.due,
    `${w.payButton}: ${payLink}`,
    paragraphs.bank,
    "",
    w.attached,
    w.paidAlready,
    ...(paragraphs.contact ? ["", paragraphs.contact] : []),
    "",
    w.regards,
    creditor,
    "",
  ].join("\n");

  const p = (content: string) => `<p style="margin:0 0 16px 0;">${content}</p>`;
  const contactHtml =
    ways.length > 0
      ? p(escapeHtml(w.contact(creditor, "\u0000")).replace("\u0000", ways.map((x) => x.html).join(", ")))
      : "";
  const html = `<!doctype html>
<html lang="${lang === "nb" ? "nb" : "en"}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(subject)}</title>
</head>
<body style="margin:0;padding:0;background-color:#ffffff;color:#1a1a1a;font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.5;">
<div style="max-width:600px;margin:0 auto;padding:24px 16px;">
${p(escapeHtml(w.greeting))}
${p(escapeHtml(paragraphs.intro))}
${p(`<strong>${escapeHtml(paragraphs.due)}</strong>`)}
<p style="margin:0 0 24px 0;"><a href="${escapeHtml(payLink)}" style="display:inline-block;background-color:#0b57d0;color:#ffffff;text-decoration:none;font-weight:bold;padding:12px 24px;border-radius:6px;">${escapeHtml(w.payButton)}</a></p>
${p(escapeHtml(paragraphs.bank))}
${p(escapeHtml(w.attached))}
${p(escapeHtml(w.paidAlready))}
${contactHtml}
<p style="margin:0;">${escapeHtml(w.regards)}<br>${escapeHtml(creditor)}</p>
</div>
</body>
</html>
`;
  return { subject, text, html };
}

/** The contact ways as text and as HTML (e-mail and web as links). */
function contactWays(contact: CreditorContact, lang: LetterLanguage): Array<{ text: string; html: string }> {
  const nb = lang === "nb";
  const ways: Array<{ text: string; html: string }> = [];
  if (contact.phone !== undefined) {
    const t = `${nb ? "telefon" : "phone"} ${contact.phone}`;
    ways.push({ text: t, html: escapeHtml(t) });
  }
  if (contact.email !== undefined) {
    const label = nb ? "e-post" : "e-mail";
    ways.push({
      text: `${label} ${contact.email}`,
      html: `${label} <a href="mailto:${escapeHtml(encodeURI(contact.email))}" style="color:#0b57d0;">${escapeHtml(contact.email)}</a>`,
    });
  }
  if (contact.web !== undefined) {
    const href = /^https?:\/\//i.test(contact.web) ? contact.web : `https://${contact.web}`;
    ways.push({
      text: contact.web,
      html: `<a href="${escapeHtml(safeLink(href))}" style="color:#0b57d0;">${escapeHtml(contact.web)}</a>`,
    });
  }
  return ways;
}

/** A link that is http(s) only — anything else (javascript:, data:) is refused. */
function safeLink(link: string): string {
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    throw new Error("letterEmail: the pay link is not an absolute URL");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:")
    throw new Error("letterEmail: the pay link must be an http(s) URL");
  return url.href;
}

/** Subjects and names on one line: no CR/LF (header injection) and no runs of white space. */
function oneLine(text: string): string {
  return text.replace(/[\s\p{Cc}]+/gu, " ").trim();
}

function escapeHtml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}
