/**
 * Min side's pages (issue 15), for debtors signed in with BankID (OIDC) or with the case number + PIN on a letter:
 *
 *   GET  /min-side/logg-inn              sign-in: BankID button, case number + PIN form
 *   GET  /min-side/logg-inn/bankid       → 302 to the OIDC broker (PKCE, state, nonce kept server side)
 *   GET  /min-side/logg-inn/callback     the broker's answer → a session → 303 /min-side
 *   POST /min-side/logg-inn/pin          KID + PIN (from the letter) → a session for that case → 303 to its page
 *   POST /min-side/logg-ut               sign out (CSRF) → 303 sign-in
 *   GET  /min-side                       every open and recently closed claim, across creditors
 *   GET  /min-side/krav/{t}/{c}          one claim: balance, timeline, documents, actions
 *   POST /min-side/krav/{t}/{c}/betal    (CSRF) a pay link for the claim → 303 /p/{token} (option=instalment: the
 *                                        instalment plan's next instalment chosen on the pay page)
 *   GET  /min-side/krav/{t}/{c}/dokumenter/{documentId}   an archived letter (PDF)
 *   GET  /min-side/krav/{t}/{c}/faktura  the original invoice: the creditor's own PDF when it sent one (partner API
 *                                         `PUT …/invoice-document`), else a copy generated from its details
 *   GET  /min-side/assistent             the assistant ("Spør oss"): a question box
 *   POST /min-side/assistent             (CSRF) the question → the answer from the subject's own cases (never logged:
 *                                         it is POSTed so it stays out of URLs and access logs)
 *
 * No session (none, forged, expired, idle) → 303 to sign-in, nothing else said. A case the subject may not see is the
 * same 404 page as a missing one (`mayAccessCase`). A form without the session's CSRF token → 403. No national id,
 * cookie or token is ever logged.
 */
import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from "@azure/functions";
import {
  accessibleCase,
  casesOf,
  tenantsOf,
  makeIssueClaimPayLink,
  makeLoadClaim,
  makeLoadOverview,
} from "../../shared/application/min-side/pages";
import { MAX_QUESTION_LENGTH } from "../../shared/application/assistant/intents";
import { makeAnswerQuestion } from "../../shared/application/min-side/assistant";
import { makeCheckCasePin, normaliseCaseNumber, normalisePin } from "../../shared/application/min-side/pin";
import type { CookieToSet } from "../../shared/application/min-side/sessions";
import { csrfMatches, type MinSideSession } from "../../shared/application/min-side/subject";
import { makeGetDocument } from "../../shared/application/documents";
import { makeGetInvoiceDocument } from "../../shared/application/invoice-document";
import { compressBody } from "../../shared/http/compression";
import { clientAddress } from "../../shared/http/rate-limit";
import { renderReceiptPdf } from "../../shared/letters/render-receipt";
import { SignInRefused } from "../../shared/ports/identity-provider";
import { formatAmount, formatLocalDate, negotiateLang } from "../../shared/web/i18n";
import { PAGE_CSP } from "../../shared/web/layout";
import {
  claimPath,
  MIN_SIDE_NOTICE_STATUS,
  MIN_SIDE_PATH,
  minSideHref,
  renderAssistantPage,
  replyLangOf,
  renderClaimPage,
  renderMinSideNotice,
  renderOverviewPage,
  renderSignInPage,
  type MinSideNotice,
  type SignInPageInput,
} from "../../shared/web/min-side-pages";
import type { Lang } from "../../shared/web/pay-page-model";
import { renderHandOverForm } from "../../shared/web/min-side/message-pages";
import type { MinSideDeps, MinSideWiring } from "./deps";
import * as names from "./names";
import { CONFIRMATION_PARAM } from "../debtor-actions/names";
import { httpCookie as cookie } from "../http-cookie";

const PAGE_HEADERS = {
  "content-type": "text/html; charset=utf-8",
  "cache-control": "no-store",
  "referrer-policy": "no-referrer",
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "content-security-policy": PAGE_CSP,
};

function page(request: HttpRequest, status: number, body: string, cookies: CookieToSet[] = []): HttpResponseInit {
  const encoded = compressBody(body, request.headers.get("accept-encoding"));
  return {
    status,
    headers: { ...PAGE_HEADERS, ...encoded.headers },
    body: encoded.body,
    ...(cookies.length > 0 ? { cookies: cookies.map(cookie) } : {}),
  };
}

function redirect(location: string, cookies: CookieToSet[] = [], status = 303): HttpResponseInit {
  return {
    status,
    headers: { location, "cache-control": "no-store", "referrer-policy": "no-referrer" },
    ...(cookies.length > 0 ? { cookies: cookies.map(cookie) } : {}),
  };
}

function notice(request: HttpRequest, kind: MinSideNotice, lang: Lang, retryAfter?: number): HttpResponseInit {
  const response = page(request, MIN_SIDE_NOTICE_STATUS[kind], renderMinSideNotice(kind, lang));
  if (retryAfter)
    response.headers = { ...(response.headers as Record<string, string>), "retry-after": String(retryAfter) };
  return response;
}

function langOf(request: HttpRequest, session?: MinSideSession): Lang {
  const query = request.query.get("lang");
  if (!query && session && !request.headers.get("accept-language")) return session.lang;
  return negotiateLang(query, request.headers.get("accept-language"));
}

async function formOf(request: HttpRequest): Promise<URLSearchParams> {
  const text = await request.text();
  return new URLSearchParams(text.slice(0, 4096));
}

function pdf(content: Buffer, fileName: string): HttpResponseInit {
  return {
    status: 200,
    headers: {
      "content-type": "application/pdf",
      "content-disposition": `attachment; filename="${fileName}"`,
      "cache-control": "no-store",
      "referrer-policy": "no-referrer",
      "x-content-type-options": "nosniff",
      // A download, never a page of ours: were a browser to show it anyway, it runs nothing and reaches nothing.
      "content-security-policy": "sandbox; default-src 'none'",
    },
    body: content,
  };
}

const signInPath = (lang: Lang, query = ""): string =>
  minSideHref(`${MIN_SIDE_PATH}/logg-inn${query ? `?${query}` : ""}`, lang);

export function makeMinSideFunctions(resolve: () => MinSideDeps) {
  /** Wiring, rate limit and the "unavailable" page for anything unexpected (logged without personal data). */
  const guarded =
    (what: string, fn: (request: HttpRequest, deps: MinSideDeps, wiring: MinSideWiring) => Promise<HttpResponseInit>) =>
    async (request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> => {
      const lang = langOf(request);
      try {
        const deps = resolve();
        const wiring = deps.minSide;
        if (!wiring) return notice(request, "closed", lang);
        const verdict = await wiring.pageLimiter.check({ client: clientAddress(request) });
        if (!verdict.ok) return notice(request, "rate-limited", lang, verdict.retryAfterSeconds);
        return await fn(request, deps, wiring);
      } catch (error) {
        context.error(`min side ${what} failed`, {
          error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
        });
        return notice(request, "unavailable", lang, 30);
      }
    };

  /** The handler with the request's session; without one, to sign-in (a dead cookie is cleared on the way). */
  const signedIn = (
    what: string,
    fn: (
      request: HttpRequest,
      deps: MinSideDeps,
      wiring: MinSideWiring,
      session: MinSideSession,
      lang: Lang,
    ) => Promise<HttpResponseInit>,
  ) =>
    guarded(what, async (request, deps, wiring) => {
      const session = await wiring.sessions.resolve(request);
      if (!session) {
        const hadCookie = (request.headers.get("cookie") ?? "").includes("__Host-minside=");
        return redirect(
          signInPath(langOf(request)),
          hadCookie ? [{ name: "__Host-minside", value: "", maxAge: 0 }] : [],
        );
      }
      return fn(request, deps, wiring, session, langOf(request, session));
    });

  /** A POST from a Min side form: the session's CSRF token must come with it. */
  const signedInForm = (
    what: string,
    fn: (
      request: HttpRequest,
      deps: MinSideDeps,
      wiring: MinSideWiring,
      session: MinSideSession,
      lang: Lang,
      form: URLSearchParams,
    ) => Promise<HttpResponseInit>,
  ) =>
    signedIn(what, async (request, deps, wiring, session, lang) => {
      const form = await formOf(request);
      if (!csrfMatches(session, form.get("csrf"))) return notice(request, "bad-form", lang);
      return fn(request, deps, wiring, session, lang, form);
    });

  const signInPage = (
    request: HttpRequest,
    wiring: MinSideWiring,
    lang: Lang,
    status: number,
    extra: Partial<SignInPageInput> = {},
    cookies: CookieToSet[] = [],
  ): HttpResponseInit =>
    page(
      request,
      status,
      renderSignInPage({
        lang,
        bankIdAvailable: wiring.identityProvider !== undefined,
        pinAvailable: wiring.pinSecret !== undefined,
        ...extra,
      }),
      cookies,
    );

  const agency = (deps: MinSideDeps) =>
    deps.letterhead
      ? { contact: deps.letterhead.contact, ...(deps.letterhead.name ? { name: deps.letterhead.name } : {}) }
      : undefined;
  const pagesDeps = (deps: MinSideDeps, wiring: MinSideWiring) => ({ ...deps, personCases: wiring.personCases });

  return {
    signIn: guarded("sign-in page", async (request, _deps, wiring) => {
      const lang = langOf(request);
      if (await wiring.sessions.resolve(request)) return redirect(minSideHref(MIN_SIDE_PATH, lang));
      const out = request.query.get("ut") === "1";
      const failed = request.query.get("feil") === "1";
      return signInPage(
        request,
        wiring,
        lang,
        200,
        out
          ? { message: { kind: "info", text: "signedOut" } }
          : failed
            ? { message: { kind: "error", text: "signInFailed" } }
            : {},
      );
    }),

    bankIdStart: guarded("bankid start", async (request, _deps, wiring) => {
      const lang = langOf(request);
      if (!wiring.identityProvider) return redirect(signInPath(lang));
      const { url, transaction } = await wiring.identityProvider.begin({ lang });
      const loginCookie = await wiring.sessions.beginLogin(transaction, lang);
      return redirect(url, [loginCookie], 302);
    }),

    bankIdCallback: guarded("bankid callback", async (request, _deps, wiring) => {
      const transaction = await wiring.sessions.takeLogin(request);
      const clearLogin: CookieToSet = { name: "__Host-minside-login", value: "", maxAge: 0 };
      const lang = transaction?.lang ?? langOf(request);
      if (!transaction || !wiring.identityProvider) return redirect(signInPath(lang, "feil=1"), [clearLogin]);
      const query = new URL(request.url).search.replace(/^\?/u, "");
      let nationalId: string;
      try {
        ({ nationalId } = await wiring.identityProvider.finish(query, transaction));
      } catch (error) {
        if (error instanceof SignInRefused) return redirect(signInPath(lang, "feil=1"), [clearLogin]);
        throw error;
      }
      const started = await wiring.sessions.start({ kind: "person", nationalId }, lang);
      return redirect(minSideHref(MIN_SIDE_PATH, lang), [clearLogin, started.cookie]);
    }),

    pinSignIn: guarded("pin sign-in", async (request, deps, wiring) => {
      const lang = langOf(request);
      // The PIN form has no session yet, so no CSRF token: a form on another site could sign a visitor in to the
      // attacker's own case (login CSRF). Browsers say where a form was posted from; one from another site is refused.
      if (request.headers.get("sec-fetch-site") === "cross-site") return notice(request, "bad-form", lang);
      if (!wiring.pinSecret) return redirect(signInPath(lang));
      const form = await formOf(request);
      // The KID, as the letter's Min side line and the form call it (`caseNumber`: what the form sent before).
      const typed = (form.get("kid") ?? form.get("caseNumber"))?.slice(0, 40) ?? "";
      const caseNumber = normaliseCaseNumber(typed);
      const pin = normalisePin(form.get("pin") ?? undefined);
      const keys = { case: caseNumber ?? "invalid", client: clientAddress(request) };
      const locked = await wiring.pinLimiter.blocked(keys);
      if (!locked.ok)
        return signInPage(request, wiring, lang, 429, {
          message: {
            kind: "error",
            text: "pinLocked",
            params: { minutes: String(Math.ceil(locked.retryAfterSeconds / 60)) },
          },
          caseNumber: typed,
        });
      const result =
        caseNumber && pin
          ? await makeCheckCasePin(deps, { pinSecret: wiring.pinSecret })(caseNumber, pin)
          : { kind: "refused" as const };
      if (result.kind === "refused") {
        await wiring.pinLimiter.check(keys);
        return signInPage(request, wiring, lang, 401, {
          message: { kind: "error", text: "pinRefused" },
          caseNumber: typed,
        });
      }
      const started = await wiring.sessions.start(
        { kind: "case", tenantId: result.tenantId, caseId: result.caseId },
        lang,
      );
      return redirect(minSideHref(claimPath(result.tenantId, result.caseId), lang), [started.cookie]);
    }),

    signOut: signedInForm("sign-out", async (request, _deps, wiring, _session, lang) => {
      const cleared = await wiring.sessions.end(request);
      return redirect(signInPath(lang, "ut=1"), [cleared]);
    }),

    overview: signedIn("overview", async (request, deps, wiring, session, lang) => {
      const { open, closed } = await makeLoadOverview(pagesDeps(deps, wiring))(session.subject);
      return page(
        request,
        200,
        renderOverviewPage({ lang, csrf: session.csrfToken, subjectKind: session.subject.kind, open, closed }),
      );
    }),

    claim: signedIn("claim", async (request, deps, wiring, session, lang) => {
      const agencyContact = agency(deps);
      const claim = await makeLoadClaim(pagesDeps(deps, wiring), agencyContact ? { agency: agencyContact } : {})(
        session.subject,
        request.params.tenantId ?? "",
        request.params.caseId ?? "",
      );
      if (!claim) return notice(request, "not-found", lang);
      return page(
        request,
        200,
        renderClaimPage({ lang, csrf: session.csrfToken, claim, confirmation: request.query.get(CONFIRMATION_PARAM) }),
      );
    }),

    assistant: signedIn("assistant", async (request, _deps, _wiring, session, lang) =>
      page(request, 200, renderAssistantPage({ lang, csrf: session.csrfToken })),
    ),

    ask: signedInForm("assistant question", async (request, deps, wiring, session, lang, form) => {
      const question = (form.get("sporsmal") ?? "").trim().slice(0, MAX_QUESTION_LENGTH);
      const replyLang = replyLangOf(form.get("svarsprak"), lang);
      if (!question)
        return page(request, 422, renderAssistantPage({ lang, csrf: session.csrfToken, missing: true, replyLang }));
      const agencyContact = agency(deps);
      const answer = await makeAnswerQuestion(pagesDeps(deps, wiring), {
        links: {
          document: (record, documentId) =>
            minSideHref(
              claimPath(record.tenantId, record.caseId, `/dokumenter/${encodeURIComponent(documentId)}`),
              lang,
            ),
          invoiceCopy: (record) => minSideHref(claimPath(record.tenantId, record.caseId, "/faktura"), lang),
        },
        ...(agencyContact ? { agency: agencyContact } : {}),
      })(session.subject, question, replyLang);
      // A hand-over (unsure, or asked for a person) offers to send the question and the answer to customer service.
      let handOverFormHtml: string | undefined;
      if (answer.reply.handOver) {
        const records = await casesOf(pagesDeps(deps, wiring), session.subject);
        const tenants = await tenantsOf(pagesDeps(deps, wiring), records);
        handOverFormHtml = renderHandOverForm({
          lang,
          csrf: session.csrfToken,
          question,
          answer: answer.reply.text,
          claims: records.map((r) => ({
            tenantId: r.tenantId,
            caseId: r.caseId,
            invoiceNumber: r.invoiceNumber,
            creditorName: tenants.get(r.tenantId)?.name ?? "",
          })),
        });
      }
      return page(
        request,
        200,
        renderAssistantPage({
          lang,
          csrf: session.csrfToken,
          replyLang,
          asked: { question, answer },
          ...(handOverFormHtml ? { handOverFormHtml } : {}),
        }),
      );
    }),

    pay: signedInForm("pay", async (request, deps, _wiring, session, lang, form) => {
      const path = await makeIssueClaimPayLink(deps, { publicBaseUrl: deps.publicBaseUrl })(
        session.subject,
        request.params.tenantId ?? "",
        request.params.caseId ?? "",
      );
      if (!path) return notice(request, "not-found", lang);
      // "Betal neste avdrag" posts option=instalment: the pay page comes with the instalment chosen.
      const query = new URLSearchParams();
      if (form.get("option") === "instalment") query.set("option", "instalment");
      if (lang === "en") query.set("lang", "en");
      return redirect(query.size > 0 ? `${path}?${query.toString()}` : path);
    }),

    document: signedIn("document", async (request, deps, _wiring, session, lang) => {
      const tenantId = request.params.tenantId ?? "";
      const caseId = request.params.caseId ?? "";
      const documentId = request.params.documentId ?? "";
      const record = await accessibleCase(deps, session.subject, tenantId, caseId);
      if (!record || !record.documents.some((d) => d.documentId === documentId))
        return notice(request, "not-found", lang);
      try {
        const letter = await makeGetDocument(deps)(record.tenantId, record.caseId, documentId);
        const safe = documentId.replace(/[^A-Za-z0-9._-]/gu, "_").slice(0, 80);
        return pdf(letter.content, `${safe}.pdf`);
      } catch (error) {
        if ((error as { code?: string }).code?.endsWith("NOT_FOUND")) return notice(request, "not-found", lang);
        throw error;
      }
    }),

    invoiceCopy: signedIn("invoice copy", async (request, deps, _wiring, session, lang) => {
      const record = await accessibleCase(
        deps,
        session.subject,
        request.params.tenantId ?? "",
        request.params.caseId ?? "",
      );
      const tenant = record ? await deps.tenants.get(record.tenantId) : undefined;
      if (!record || !tenant) return notice(request, "not-found", lang);
      const c = record.case;
      const nb = lang === "nb";
      const safe = record.invoiceNumber.replace(/[^A-Za-z0-9._-]/gu, "_").slice(0, 40);
      // The creditor's own PDF when it sent one (byte for byte, as a download); else the copy made below.
      const original = await makeGetInvoiceDocument(deps)(record);
      if (original) return pdf(original, `${nb ? "faktura" : "invoice"}-${safe}.pdf`);
      const total = { value: c.lines.reduce((s, l) => s + l.amount.value, 0), currency: c.currency };
      const content = await renderReceiptPdf({
        language: lang,
        title: nb ? `Kopi av faktura ${record.invoiceNumber}` : `Copy of invoice ${record.invoiceNumber}`,
        sender: nb ? `Fra ${tenant.name}` : `From ${tenant.name}`,
        paidAt: `${c.issueDate}T00:00:00Z`,
        paragraphs: [
          nb
            ? "Dette er en kopi av den opprinnelige fakturaen, laget fra opplysningene kreditor sendte oss."
            : "This is a copy of the original invoice, made from the details the creditor sent us.",
        ],
        sections: [
          {
            heading: nb ? "Faktura" : "Invoice",
            rows: [
              { label: nb ? "Fakturanummer" : "Invoice number", value: record.invoiceNumber },
              { label: nb ? "Fakturadato" : "Invoice date", value: formatLocalDate(c.issueDate, lang) },
              { label: nb ? "Forfallsdato" : "Due date", value: formatLocalDate(c.dueDate, lang) },
              { label: "KID", value: record.kid },
              ...(deps.letterhead
                ? [{ label: nb ? "Kontonummer" : "Account", value: deps.letterhead.accountNumber }]
                : []),
            ],
          },
          {
            heading: nb ? "Fakturalinjer" : "Invoice lines",
            rows: [
              ...c.lines.map((l) => ({ label: l.description.slice(0, 120), value: formatAmount(l.amount, lang) })),
              { label: nb ? "Sum" : "Total", value: formatAmount(total, lang) },
            ],
          },
        ],
        footer: [tenant.name],
      });
      return pdf(content, `${nb ? "faktura" : "invoice"}-${safe}.pdf`);
    }),
  };
}

export function registerMinSideFunctions(deps: () => MinSideDeps): void {
  const f = makeMinSideFunctions(deps);
  const http = (name: string, route: string, method: "GET" | "POST", handler: typeof f.signIn) =>
    app.http(name, { route, methods: [method], authLevel: "anonymous", handler });
  http(names.MIN_SIDE_OVERVIEW_FUNCTION, names.MIN_SIDE_OVERVIEW_ROUTE, "GET", f.overview);
  http(names.MIN_SIDE_SIGN_IN_FUNCTION, names.MIN_SIDE_SIGN_IN_ROUTE, "GET", f.signIn);
  http(names.MIN_SIDE_BANKID_FUNCTION, names.MIN_SIDE_BANKID_ROUTE, "GET", f.bankIdStart);
  http(names.MIN_SIDE_CALLBACK_FUNCTION, names.MIN_SIDE_CALLBACK_ROUTE, "GET", f.bankIdCallback);
  http(names.MIN_SIDE_PIN_FUNCTION, names.MIN_SIDE_PIN_ROUTE, "POST", f.pinSignIn);
  http(names.MIN_SIDE_SIGN_OUT_FUNCTION, names.MIN_SIDE_SIGN_OUT_ROUTE, "POST", f.signOut);
  http(names.MIN_SIDE_CLAIM_FUNCTION, names.MIN_SIDE_CLAIM_ROUTE, "GET", f.claim);
  http(names.MIN_SIDE_PAY_FUNCTION, names.MIN_SIDE_PAY_ROUTE, "POST", f.pay);
  http(names.MIN_SIDE_DOCUMENT_FUNCTION, names.MIN_SIDE_DOCUMENT_ROUTE, "GET", f.document);
  http(names.MIN_SIDE_INVOICE_COPY_FUNCTION, names.MIN_SIDE_INVOICE_COPY_ROUTE, "GET", f.invoiceCopy);
  http(names.MIN_SIDE_ASSISTANT_FUNCTION, names.MIN_SIDE_ASSISTANT_ROUTE, "GET", f.assistant);
  http(names.MIN_SIDE_ASSISTANT_ASK_FUNCTION, names.MIN_SIDE_ASSISTANT_ROUTE, "POST", f.ask);
}
