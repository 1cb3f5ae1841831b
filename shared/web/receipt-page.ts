/**
 * The page the payment provider sends the debtor back to (`/p/{token}/receipt?ref=…`): waiting (refreshes itself,
 * no JavaScript), paid (what was paid and what is still owed per invoice), or not completed (why, in plain words,
 * and a way back to try again).
 */
import { formatAmount, formatInstantDateTime, formatLocalDate, methodName, t, type TextKey } from "./i18n";
import { contactLines, stepWords } from "./debtor-words";
import { compileTemplate, payLinkPath, renderLayout } from "./layout";
import type { ReceiptView } from "../application/payments/pay-page-model";
import type { ServiceProgress } from "../application/services/service-progress";
import type { Lang } from "./pay-page-model";
import type { ReceiptPdf } from "../letters/render-receipt";

interface ReceiptData {
  title: string;
  paragraphs: string[];
  /** The payment reference, on a line of its own that never breaks inside the reference. */
  reference?: { label: string; value: string } | undefined;
  link?: { href: string; text: string } | undefined;
  pdf?: { href: string; text: string } | undefined;
  covered?: { heading: string; rows: { label: string; value: string }[] } | undefined;
  remaining?: { heading: string; rows: { label: string; value: string }[]; next: string[] } | undefined;
  services?: { heading: string; lines: string[] } | undefined;
}

const receiptTemplate = compileTemplate<ReceiptData>(`<h1><%= it.title %></h1>
<% for (const p of it.paragraphs) { %><p><%= p %></p>
<% } %><% if (it.reference) { %><p class="reference"><%= it.reference.label %> <span class="nowrap"><%= it.reference.value %></span></p>
<% } %><% if (it.services) { %><h2><%= it.services.heading %></h2>
<% for (const line of it.services.lines) { %><p class="service-status"><%= line %></p>
<% } %><% } %><% if (it.covered) { %><h2><%= it.covered.heading %></h2>
<dl class="covered">
<% for (const r of it.covered.rows) { %><dt><%= r.label %></dt><dd class="amt"><%= r.value %></dd>
<% } %></dl>
<% } %><% if (it.remaining) { %><h2><%= it.remaining.heading %></h2>
<dl>
<% for (const r of it.remaining.rows) { %><dt><%= r.label %></dt><dd><%= r.value %></dd>
<% } %></dl>
<% for (const line of it.remaining.next) { %><p class="next"><%= line %></p>
<% } %><% } %><% if (it.pdf) { %><p><a class="doc" href="<%= it.pdf.href %>"><%= it.pdf.text %></a></p>
<% } %><% if (it.link) { %><p><a href="<%= it.link.href %>"><%= it.link.text %></a></p>
<% } %>`);

/** The provider's failure words (free text from the application) turned into a plain sentence; never shown raw. */
function failureText(reason: string | undefined): TextKey {
  const r = (reason ?? "").toLowerCase();
  if (/abort|cancel/u.test(r)) return "failCancelled";
  if (/expire|time/u.test(r)) return "failExpired";
  if (/not accept|refus|declin|reject|terminat/u.test(r)) return "failRefused";
  return "failUnknown";
}

/** The receipt's own address in `lang` (keeps the payment reference, so switching language keeps the receipt). */
function receiptHref(view: ReceiptView, lang: Lang): string {
  const query = [
    ...(view.payment ? [`ref=${encodeURIComponent(view.payment.reference)}`] : []),
    ...(lang === "en" ? ["lang=en"] : []),
  ];
  return `/p/${encodeURIComponent(view.token)}/receipt${query.length ? `?${query.join("&")}` : ""}`;
}

/** The receipt PDF's address (`/p/{token}/receipt/pdf?ref=…`). */
export function receiptPdfHref(view: ReceiptView, lang: Lang): string | undefined {
  if (!view.payment) return undefined;
  const query = [`ref=${encodeURIComponent(view.payment.reference)}`, ...(lang === "en" ? ["lang=en"] : [])];
  return `/p/${encodeURIComponent(view.token)}/receipt/pdf?${query.join("&")}`;
}

/** What the payment covered, part by part (the parts it did not touch are left out). */
export function coveredRows(view: ReceiptView, lang: Lang): { label: string; value: string }[] {
  const covered = view.payment?.covered;
  if (!covered) return [];
  const rows: [string, typeof covered.fees][] = [
    [t(lang, "fees"), covered.fees],
    [t(lang, "interest"), covered.interest],
    [t(lang, "principal"), covered.principal],
    [t(lang, "receiptCredit", { creditor: view.creditor.name }), covered.credit],
  ];
  return rows.filter(([, m]) => m.value > 0).map(([label, m]) => ({ label, value: formatAmount(m, lang) }));
}

/** The next step of each case that still owes, in running text ("Neste steg: purring 21.12.2026, …"). */
export function nextLines(view: ReceiptView, lang: Lang): string[] {
  const owing = view.cases.filter((c) => c.next && c.balance.value > 0 && c.status !== "paid");
  return owing.map((c) => {
    const line = t(lang, "receiptNext", {
      step: stepWords(c.next!.kind, lang),
      date: formatLocalDate(c.next!.on, lang),
    });
    return view.cases.length > 1 ? `${t(lang, "invoiceHeading", { number: c.invoiceNumber })}: ${line}` : line;
  });
}

/** "Vi har fått 500,00 kr (Vipps) 07.12.2026 kl. 14:32. Takk!" — or without the time when it is not known. */
export function paidSentence(view: ReceiptView, lang: Lang): string {
  const payment = view.payment;
  if (!payment) return t(lang, "receiptPaidBodyPlain");
  const amount = formatAmount(payment.amount, lang);
  const method = methodName(payment.method, lang);
  if (!payment.paidAt) return t(lang, "receiptPaidBody", { amount, method });
  const { date, time } = formatInstantDateTime(payment.paidAt, lang);
  return t(lang, "receiptPaidAt", { amount, method, date, time });
}

function remaining(view: ReceiptView, lang: Lang): ReceiptData["remaining"] {
  if (view.cases.length === 0) return undefined;
  return {
    next: nextLines(view, lang),
    // "What is left" only when something is: a receipt that closed everything says where each invoice stands.
    heading: t(
      lang,
      view.cases.some((c) => c.balance.value > 0 && c.status !== "paid")
        ? "receiptRemainingHeading"
        : "receiptStatusHeading",
    ),
    rows: view.cases.map((c) => ({
      label: t(lang, "invoiceHeading", { number: c.invoiceNumber }),
      value:
        c.balance.value <= 0 || c.status === "paid"
          ? c.credit !== undefined
            ? t(lang, "receiptCasePaidWithCredit", {
                amount: formatAmount(c.credit, lang),
                creditor: view.creditor.name,
              })
            : t(lang, "receiptCasePaid")
          : t(lang, "receiptCaseRemaining", { amount: formatAmount(c.balance, lang) }),
    })),
  };
}

function serviceLine(progress: ServiceProgress, lang: Lang, creditor: string): string {
  const service = t(lang, progress.serviceKind === "power-meter" ? "servicePower" : "serviceBroadband");
  switch (progress.kind) {
    case "reopened":
      return t(lang, "receiptServiceReopened", { service, time: progress.time });
    case "reopening":
      return t(lang, "receiptServiceReopening", { service });
    case "reopen-delayed":
      return t(lang, "receiptServiceDelayed", { service });
    case "closed":
      return progress.heldBy === "manual"
        ? t(lang, "receiptServiceManual", { service, creditor })
        : t(lang, "receiptServiceClosed", { service });
  }
}

function services(view: ReceiptView, lang: Lang): ReceiptData["services"] {
  if (view.services.length === 0) return undefined;
  return {
    heading: t(lang, "receiptServiceHeading"),
    lines: view.services.map((s) => serviceLine(s, lang, view.creditor.name)),
  };
}

function receiptData(view: ReceiptView, lang: Lang): ReceiptData {
  const payment = view.payment;
  const reference = payment ? { label: t(lang, "receiptReferenceLabel"), value: payment.reference } : undefined;
  switch (view.state) {
    case "pending":
      return {
        title: t(lang, "receiptPendingTitle"),
        paragraphs: [t(lang, "receiptPendingBody")],
        reference,
        link: { href: receiptHref(view, lang), text: t(lang, "receiptRefresh") },
      };
    case "paid": {
      const stillOwed = view.cases.some((c) => c.balance.value > 0 && c.status !== "paid");
      const covered = coveredRows(view, lang);
      const pdf = payment ? receiptPdfHref(view, lang) : undefined;
      return {
        title: receiptTitle(view, lang),
        paragraphs: [paidSentence(view, lang)],
        reference,
        services: services(view, lang),
        covered: covered.length > 0 ? { heading: t(lang, "receiptCoveredHeading"), rows: covered } : undefined,
        remaining: remaining(view, lang),
        pdf: pdf ? { href: pdf, text: t(lang, "receiptPdf") } : undefined,
        link: stillOwed ? { href: payLinkPath(view.token, lang), text: t(lang, "receiptBack") } : undefined,
      };
    }
    case "failed":
      return {
        title: t(lang, "receiptFailedTitle"),
        paragraphs: [t(lang, failureText(payment?.failureReason)), t(lang, "receiptNotCharged")],
        reference,
        link: { href: payLinkPath(view.token, lang), text: t(lang, "receiptTryAgain") },
      };
  }
}

/** "Betalt", or "Delbetaling mottatt" when something is still owed on the cases the payment was for. */
export function receiptTitle(view: ReceiptView, lang: Lang): string {
  return t(lang, view.partial ? "receiptPartialTitle" : "receiptPaidTitle");
}

export function renderReceiptPage(view: ReceiptView, lang: Lang): string {
  const data = receiptData(view, lang);
  const contacts = contactLines(view.creditor.name, view.creditorContact, view.agencyContact, lang);
  return renderLayout({
    lang,
    title: data.title,
    mainHtml: receiptTemplate(data),
    creditor: view.creditor,
    langHref: { nb: receiptHref(view, "nb"), en: receiptHref(view, "en") },
    footer: contacts.plain,
    footerLinks: contacts.linked,
    refreshSeconds: view.state === "pending" ? (view.refreshSeconds ?? 3) : view.refreshSeconds,
  });
}

/** The receipt PDF's content: the paid receipt's own words (undefined unless the payment is paid). */
export function receiptPdfModel(view: ReceiptView, lang: Lang): ReceiptPdf | undefined {
  if (view.state !== "paid" || !view.payment) return undefined;
  const covered = coveredRows(view, lang);
  const left = remaining(view, lang);
  const services = view.services.map((s) => serviceLine(s, lang, view.creditor.name));
  const contacts = contactLines(view.creditor.name, view.creditorContact, view.agencyContact, lang);
  return {
    language: lang,
    title: receiptTitle(view, lang),
    sender: t(lang, "sender", { creditor: view.creditor.name }),
    ...(view.payment.paidAt ? { paidAt: view.payment.paidAt } : {}),
    paragraphs: [paidSentence(view, lang), `${t(lang, "receiptReferenceLabel")} ${view.payment.reference}`],
    sections: [
      ...(covered.length > 0 ? [{ heading: t(lang, "receiptCoveredHeading"), rows: covered }] : []),
      ...(left ? [{ heading: left.heading, rows: left.rows, lines: left.next }] : []),
      ...(services.length > 0 ? [{ heading: t(lang, "receiptServiceHeading"), rows: [], lines: services }] : []),
    ],
    footer: [...contacts.plain, ...contacts.linked.map((l) => `${l.intro} ${l.links.map((k) => k.text).join(", ")}`)],
  };
}
