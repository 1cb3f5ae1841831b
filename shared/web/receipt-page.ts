/**
 * The page the payment provider sends the debtor back to (`/p/{token}/receipt?ref=…`): waiting (refreshes itself,
 * no JavaScript), paid (what was paid and what is still owed per invoice), or not completed (why, in plain words,
 * and a way back to try again).
 */
import { formatAmount, methodName, t, type TextKey } from "./i18n";
import { compileTemplate, payLinkPath, renderLayout } from "./layout";
import type { ReceiptView } from "../application/payments/pay-page-model";
import type { ServiceProgress } from "../application/services/service-progress";
import type { Lang } from "./pay-page-model";

interface ReceiptData {
  title: string;
  paragraphs: string[];
  link?: { href: string; text: string } | undefined;
  remaining?: { heading: string; rows: { label: string; value: string }[] } | undefined;
  services?: { heading: string; lines: string[] } | undefined;
}

const receiptTemplate = compileTemplate<ReceiptData>(`<h1><%= it.title %></h1>
<% for (const p of it.paragraphs) { %><p><%= p %></p>
<% } %><% if (it.services) { %><h2><%= it.services.heading %></h2>
<% for (const line of it.services.lines) { %><p class="service-status"><%= line %></p>
<% } %><% } %><% if (it.remaining) { %><h2><%= it.remaining.heading %></h2>
<dl>
<% for (const r of it.remaining.rows) { %><dt><%= r.label %></dt><dd><%= r.value %></dd>
<% } %></dl>
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

function remaining(view: ReceiptView, lang: Lang): ReceiptData["remaining"] {
  if (view.cases.length === 0) return undefined;
  return {
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
  const reference = payment ? [t(lang, "receiptReference", { reference: payment.reference })] : [];
  switch (view.state) {
    case "pending":
      return {
        title: t(lang, "receiptPendingTitle"),
        paragraphs: [t(lang, "receiptPendingBody"), ...reference],
        link: { href: receiptHref(view, lang), text: t(lang, "receiptRefresh") },
      };
    case "paid": {
      const stillOwed = view.cases.some((c) => c.balance.value > 0 && c.status !== "paid");
      return {
        title: t(lang, "receiptPaidTitle"),
        paragraphs: [
          payment
            ? t(lang, "receiptPaidBody", {
                amount: formatAmount(payment.amount, lang),
                method: methodName(payment.method, lang),
              })
            : t(lang, "receiptPaidBodyPlain"),
          ...reference,
        ],
        services: services(view, lang),
        remaining: remaining(view, lang),
        link: stillOwed ? { href: payLinkPath(view.token, lang), text: t(lang, "receiptBack") } : undefined,
      };
    }
    case "failed":
      return {
        title: t(lang, "receiptFailedTitle"),
        paragraphs: [t(lang, failureText(payment?.failureReason)), t(lang, "receiptNotCharged"), ...reference],
        link: { href: payLinkPath(view.token, lang), text: t(lang, "receiptTryAgain") },
      };
  }
}

export function renderReceiptPage(view: ReceiptView, lang: Lang): string {
  const data = receiptData(view, lang);
  return renderLayout({
    lang,
    title: data.title,
    mainHtml: receiptTemplate(data),
    creditor: view.creditor,
    langHref: { nb: receiptHref(view, "nb"), en: receiptHref(view, "en") },
    footer: [t(lang, "contact", { creditor: view.creditor.name })],
    refreshSeconds: view.state === "pending" ? (view.refreshSeconds ?? 3) : view.refreshSeconds,
  });
}
