/**
 * The pages behind a pay link, for debtors (no login; the 160-bit token in the link is the key):
 *
 *   GET  /p/{token}           the claim(s), what is owed today, Betal nå options, "Betal med Vipps" / "Betal med kort"
 *   POST /p/{token}/pay       form: method=vipps|card, option=full|instalment|reopen|custom, amount?, cover?
 *                             → 303 to the provider; a refused choice → the page again, 422, message at the field
 *   GET  /p/{token}/receipt   ?ref=… → "Betalt" / "Delbetaling mottatt" as soon as the payment is applied; refreshes
 *                             itself while pending
 *   GET  /p/{token}/receipt/pdf  ?ref=… → the paid receipt as a PDF (attachment); 404 until it is paid
 *   GET  /p/{token}/letters/{caseId}/{documentId}  a letter of one of the link's cases (PDF), linked from its fees
 *   POST /p/{token}/assistent form: sporsmal → the page again with "Spør oss"'s answer, from the link's cases only
 *                             (`?lang=nb|nn|en`); rate-limited per link and client; the question is never logged
 *
 * Unknown links → 404 and expired links → 410 with a kind page saying what to do; too many requests → 429 with
 * Retry-After; anything unexpected → 503 with a kind page, never a stack trace. Norwegian by default, `?lang=en` or
 * Accept-Language for English. The token is never logged.
 */
import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from "@azure/functions";
import {
  makeLoadPayPage,
  makeStartPayment,
  type PayPageConfig,
  type PayPageDeps,
} from "../../shared/application/payments/pay-page";
import { makeLoadReceipt, type ReceiptDeps } from "../../shared/application/payments/receipt";
import { compressBody } from "../../shared/http/compression";
import { clientAddress } from "../../shared/http/rate-limit";
import { negotiateLang } from "../../shared/web/i18n";
import { NOTICE_STATUS, renderNoticePage } from "../../shared/web/notice-page";
import { renderPayPage } from "../../shared/web/pay-page";
import type { PayFormValues } from "../../shared/application/payments/pay-page-model";
import type { Lang, NoticeKind } from "../../shared/web/pay-page-model";
import { receiptPdfModel, renderReceiptPage } from "../../shared/web/receipt-page";
import { renderReceiptPdf } from "../../shared/letters/render-receipt";
import { makeLoadPayLinkLetter } from "../../shared/application/payments/pay-link-letter";
import type { PaymentsDeps } from "./deps";
import { MAX_QUESTION_LENGTH, type AssistantLang } from "../../shared/application/assistant/intents";
import { makeAnswerPayLinkQuestion } from "../../shared/application/payments/pay-link-assistant";
import { PAGE_CSP, payLinkPath } from "../../shared/web/layout";
import type { PayAssistantInput } from "../../shared/web/pay-assistant";
import {
  PAY_ASSISTANT_FUNCTION,
  PAY_ASSISTANT_ROUTE,
  PAY_PAGE_FUNCTION,
  PAY_PAGE_ROUTE,
  PAY_LETTER_FUNCTION,
  PAY_LETTER_ROUTE,
  PAY_RECEIPT_FUNCTION,
  PAY_RECEIPT_PDF_FUNCTION,
  PAY_RECEIPT_PDF_ROUTE,
  PAY_RECEIPT_ROUTE,
  PAY_SUBMIT_FUNCTION,
  PAY_SUBMIT_ROUTE,
} from "./names";

export type PayPageFunctionDeps = PayPageDeps &
  ReceiptDeps &
  Pick<
    PaymentsDeps,
    "payPageLimiter" | "payAssistantLimiter" | "intentClassifier" | "publicBaseUrl" | "letterhead" | "letters"
  >;

/** Headers of every page: no caching (balances change), no framing, no referrer (the token is in the URL). */
const PAGE_HEADERS = {
  "content-type": "text/html; charset=utf-8",
  "cache-control": "no-store",
  "referrer-policy": "no-referrer",
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "content-security-policy": PAGE_CSP,
};

/** A page, compressed when the client accepts it (br or gzip). */
function page(
  request: HttpRequest,
  status: number,
  body: string,
  extra: Record<string, string> = {},
): HttpResponseInit {
  const encoded = compressBody(body, request.headers.get("accept-encoding"));
  return { status, headers: { ...PAGE_HEADERS, ...extra, ...encoded.headers }, body: encoded.body };
}

function notice(
  request: HttpRequest,
  kind: NoticeKind,
  lang: Lang,
  options: { creditorName?: string; retryAfterSeconds?: number } = {},
): HttpResponseInit {
  const extra: Record<string, string> = options.retryAfterSeconds
    ? { "retry-after": String(options.retryAfterSeconds) }
    : {};
  return page(request, NOTICE_STATUS[kind], renderNoticePage(kind, lang, options), extra);
}

function langOf(request: HttpRequest): Lang {
  return negotiateLang(request.query.get("lang"), request.headers.get("accept-language"));
}

/** The assistant's language: nynorsk when `?lang=nn` asks for it (the page around it is then bokmål). */
function assistantLangOf(request: HttpRequest, lang: Lang): AssistantLang {
  return request.query.get("lang")?.trim().toLowerCase() === "nn" ? "nn" : lang;
}

/** "Spør oss" on the link's page: where its form posts (keeping the language), and any answer. */
function assistantOn(token: string, lang: AssistantLang, extra: Partial<PayAssistantInput> = {}): PayAssistantInput {
  const query = lang === "nb" ? "" : `?lang=${lang}`;
  return { lang, action: `/p/${encodeURIComponent(token)}/assistent${query}`, ...extra };
}

async function formValues(request: HttpRequest): Promise<PayFormValues> {
  const text = await request.text();
  const form = new URLSearchParams(text);
  const pick = (name: string): string | undefined => {
    const value = form.get(name);
    return value === null ? undefined : value.slice(0, 64);
  };
  const values: PayFormValues = {};
  for (const name of ["method", "option", "amount", "cover"] as const) {
    const v = pick(name);
    if (v !== undefined) values[name] = v;
  }
  return values;
}

/** The agency behind the pages: the platform's letterhead (`LETTERHEAD`), its name when the setting gives one. */
function agencyOf(deps: PayPageFunctionDeps): PayPageConfig["agency"] {
  const letterhead = deps.letterhead;
  if (!letterhead) return undefined;
  return { contact: letterhead.contact, ...(letterhead.name ? { name: letterhead.name } : {}) };
}

/** A PDF for the debtor: never cached, named for the download. */
function pdf(content: Buffer, fileName: string, disposition: "inline" | "attachment"): HttpResponseInit {
  return {
    status: 200,
    headers: {
      "content-type": "application/pdf",
      "content-disposition": `${disposition}; filename="${fileName}"`,
      "cache-control": "no-store",
      "referrer-policy": "no-referrer",
      "x-content-type-options": "nosniff",
    },
    body: content,
  };
}

/** Pay options a link may choose in advance (the page falls back to its first option when one is not offered). */
const PRESELECTABLE: ReadonlySet<string> = new Set(["instalment"]);

function validReference(request: HttpRequest): string | undefined {
  const reference = request.query.get("ref") ?? undefined;
  return reference && /^[a-zA-Z0-9-]{8,50}$/u.test(reference) ? reference : undefined;
}

export function makePayPageFunctions(resolve: () => PayPageFunctionDeps) {
  const config = (deps: PayPageFunctionDeps): PayPageConfig => {
    const agency = agencyOf(deps);
    return {
      publicBaseUrl: deps.publicBaseUrl,
      ...(deps.letterhead ? { accountNumber: deps.letterhead.accountNumber } : {}),
      ...(agency ? { agency } : {}),
    };
  };
  const receiptDeps = (deps: PayPageFunctionDeps): ReceiptDeps => {
    const agency = agencyOf(deps);
    return agency ? { ...deps, agency } : deps;
  };

  /** Rate limit, then the handler; failures become the kind "unavailable" page (logged without the token). */
  const guarded =
    (
      what: string,
      fn: (request: HttpRequest, deps: PayPageFunctionDeps, token: string, lang: Lang) => Promise<HttpResponseInit>,
    ) =>
    async (request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> => {
      const lang = langOf(request);
      try {
        const deps = resolve();
        const token = request.params.token ?? "";
        const verdict = await deps.payPageLimiter.check({ token, client: clientAddress(request) });
        if (!verdict.ok) return notice(request, "rate-limited", lang, { retryAfterSeconds: verdict.retryAfterSeconds });
        return await fn(request, deps, token, lang);
      } catch (error) {
        context.error(`${what} failed`, {
          error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
        });
        return notice(request, "unavailable", lang, { retryAfterSeconds: 30 });
      }
    };

  return {
    show: guarded("pay page", async (request, deps, token, lang) => {
      const result = await makeLoadPayPage(deps, config(deps))(token);
      if (result.kind === "unknown") return notice(request, "unknown-link", lang);
      if (result.kind === "expired")
        return notice(request, "expired-link", lang, result.creditorName ? { creditorName: result.creditorName } : {});
      const assistant = assistantOn(token, assistantLangOf(request, lang));
      // `?option=instalment` (the instalment reminder's link): that option comes chosen when the page offers it.
      const option = request.query.get("option");
      const chosen = option !== null && PRESELECTABLE.has(option) ? { values: { option } } : {};
      return page(request, 200, renderPayPage(result.view, { lang, assistant, ...chosen }));
    }),

    ask: guarded("pay page assistant", async (request, deps, token, lang) => {
      const verdict = await deps.payAssistantLimiter.check({ token, client: clientAddress(request) });
      if (!verdict.ok) return notice(request, "rate-limited", lang, { retryAfterSeconds: verdict.retryAfterSeconds });
      const form = new URLSearchParams((await request.text()).slice(0, 4096));
      const question = (form.get("sporsmal") ?? "").trim().slice(0, MAX_QUESTION_LENGTH);
      const result = await makeLoadPayPage(deps, config(deps))(token);
      if (result.kind === "unknown") return notice(request, "unknown-link", lang);
      if (result.kind === "expired")
        return notice(request, "expired-link", lang, result.creditorName ? { creditorName: result.creditorName } : {});
      const answerLang = assistantLangOf(request, lang);
      if (!question)
        return page(
          request,
          422,
          renderPayPage(result.view, { lang, assistant: assistantOn(token, answerLang, { missing: true }) }),
        );
      const agency = agencyOf(deps);
      const answer = await makeAnswerPayLinkQuestion(deps, {
        links: {
          // A letter of the link's own cases, as its fees link it on this page.
          document: (record, documentId) =>
            payLinkPath(token, lang, `/letters/${encodeURIComponent(record.caseId)}/${encodeURIComponent(documentId)}`),
        },
        ...(agency ? { agency } : {}),
      })(result, question, answerLang);
      const assistant = assistantOn(token, answerLang, { asked: { question, answer } });
      return page(request, 200, renderPayPage(result.view, { lang, assistant }));
    }),

    pay: guarded("pay page submit", async (request, deps, token, lang) => {
      const values = await formValues(request);
      const result = await makeStartPayment(deps, config(deps))(token, values, lang);
      switch (result.kind) {
        case "unknown":
          return notice(request, "unknown-link", lang);
        case "expired":
          return notice(
            request,
            "expired-link",
            lang,
            result.creditorName ? { creditorName: result.creditorName } : {},
          );
        case "invalid":
          return page(
            request,
            422,
            renderPayPage(result.view, {
              lang,
              error: result.error,
              values: result.values,
              assistant: assistantOn(token, lang),
            }),
          );
        case "redirect":
          return {
            status: 303,
            headers: { location: result.url, "cache-control": "no-store", "referrer-policy": "no-referrer" },
          };
      }
    }),

    receipt: guarded("receipt page", async (request, deps, token, lang) => {
      const result = await makeLoadReceipt(receiptDeps(deps))(token, validReference(request));
      if (result.kind === "unknown") return notice(request, "unknown-link", lang);
      return page(request, 200, renderReceiptPage(result.view, lang));
    }),

    receiptPdf: guarded("receipt pdf", async (request, deps, token, lang) => {
      const reference = validReference(request);
      if (!reference) return notice(request, "unknown-link", lang);
      const result = await makeLoadReceipt(receiptDeps(deps))(token, reference);
      if (result.kind === "unknown") return notice(request, "unknown-link", lang);
      const model = receiptPdfModel(result.view, lang);
      // Only a paid payment has a receipt to download; until then the page says where it stands.
      if (!model) return notice(request, "unknown-link", lang);
      const name = lang === "nb" ? "kvittering" : "receipt";
      return pdf(await renderReceiptPdf(model), `${name}-${reference}.pdf`, "attachment");
    }),

    letter: guarded("pay link letter", async (request, deps, token, lang) => {
      const result = await makeLoadPayLinkLetter(deps)(
        token,
        request.params.caseId ?? "",
        request.params.documentId ?? "",
      );
      if (result.kind === "unknown") return notice(request, "unknown-link", lang);
      if (result.kind === "expired")
        return notice(request, "expired-link", lang, result.creditorName ? { creditorName: result.creditorName } : {});
      return pdf(result.content, result.fileName, "inline");
    }),
  };
}

export function registerPayPageFunctions(deps: () => PaymentsDeps): void {
  const functions = makePayPageFunctions(deps);
  app.http(PAY_PAGE_FUNCTION, {
    route: PAY_PAGE_ROUTE,
    methods: ["GET"],
    authLevel: "anonymous",
    handler: functions.show,
  });
  app.http(PAY_SUBMIT_FUNCTION, {
    route: PAY_SUBMIT_ROUTE,
    methods: ["POST"],
    authLevel: "anonymous",
    handler: functions.pay,
  });
  app.http(PAY_RECEIPT_FUNCTION, {
    route: PAY_RECEIPT_ROUTE,
    methods: ["GET"],
    authLevel: "anonymous",
    handler: functions.receipt,
  });
  app.http(PAY_RECEIPT_PDF_FUNCTION, {
    route: PAY_RECEIPT_PDF_ROUTE,
    methods: ["GET"],
    authLevel: "anonymous",
    handler: functions.receiptPdf,
  });
  app.http(PAY_ASSISTANT_FUNCTION, {
    route: PAY_ASSISTANT_ROUTE,
    methods: ["POST"],
    authLevel: "anonymous",
    handler: functions.ask,
  });
  app.http(PAY_LETTER_FUNCTION, {
    route: PAY_LETTER_ROUTE,
    methods: ["GET"],
    authLevel: "anonymous",
    handler: functions.letter,
  });
}
