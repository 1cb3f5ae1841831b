/**
 * Min side's messages and settings (issue 15), server-rendered behind the sign-in area's session:
 *
 *   GET       /min-side/meldinger                          the subject's threads, newest first, unread marked
 *   GET|POST  /min-side/krav/{tenantId}/{caseId}/meldinger  one thread (reading marks it read) and its form: text
 *                                                          ≤ 2 000 characters, optional attachment (multipart; CSRF)
 *   POST      /min-side/meldinger/ny                       the assistant's hand-over: question + answer as a message
 *                                                          on the chosen claim (CSRF) → 303 to its thread
 *   GET|POST  /min-side/innstillinger                      contact data, consent per channel, reply alerts (CSRF)
 *
 * No session → 303 to sign-in. Someone else's claim, or none → Min side's one 404 page. A refused form → the form
 * again, 422, the message at the field and nothing lost; a wrong CSRF token → 403, nothing done. Nothing personal is
 * logged: the function's name and an error code only — never a message's text, a phone number or an e-mail address.
 */
import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from "@azure/functions";
import * as df from "durable-functions";
import { z } from "zod";
import { makeRedeliverLetters } from "../../shared/application/letters/deliver-letter";
import type { UploadedFile } from "../../shared/application/min-side/debtor-actions";
import {
  makeListMyThreads,
  makeOpenThread,
  makePostDebtorMessage,
  MAX_MESSAGE_LENGTH,
  type MinSideMessagesDeps as MessagesUseCaseDeps,
} from "../../shared/application/min-side/messages";
import { casesOf, tenantsOf } from "../../shared/application/min-side/pages";
import { makeLoadSettings, makeSaveSettings, type SettingsValues } from "../../shared/application/min-side/settings";
import { csrfMatches, type MinSideSession } from "../../shared/application/min-side/subject";
import { MAX_UPLOAD_BYTES } from "../../shared/application/min-side/uploads";
import { CaseNotFound } from "../../shared/ports/errors";
import { PAGE_CSP } from "../../shared/web/layout";
import { renderMinSideNotice } from "../../shared/web/min-side-pages";
import {
  handOverText,
  renderSettingsPage,
  renderThreadPage,
  renderThreadsPage,
  SETTINGS_PATH,
  threadPath,
} from "../../shared/web/min-side/message-pages";
import type { Lang } from "../../shared/web/pay-page-model";
import { deliverLetterDepsFrom } from "../deliver-letter-deps";
import { forInvocation } from "../deps";
import { MIN_SIDE_SIGN_IN_ROUTE } from "../min-side/names";
import type { MinSideMessagesDeps } from "./deps";
import { MIN_SIDE_MESSAGES_FUNCTIONS, MIN_SIDE_MESSAGES_ROUTES } from "./names";

const PAGE_HEADERS = {
  "content-type": "text/html; charset=utf-8",
  "cache-control": "no-store",
  "referrer-policy": "no-referrer",
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "content-security-policy": PAGE_CSP,
};

const MAX_BODY_BYTES = MAX_UPLOAD_BYTES + 64 * 1024;
const SENT_PARAM = "sendt";
const SAVED_PARAM = "lagret";

const Id = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9_-]+$/u);
const Params = z.object({ tenantId: Id, caseId: Id });

function page(status: number, body: string, extra: Record<string, string> = {}): HttpResponseInit {
  return { status, headers: { ...PAGE_HEADERS, ...extra }, body };
}

function redirect(location: string): HttpResponseInit {
  return { status: 303, headers: { location, "cache-control": "no-store", "referrer-policy": "no-referrer" } };
}

function langOf(request: HttpRequest, session: MinSideSession | undefined): Lang {
  const q = request.query.get("lang");
  if (q === "en" || q === "nb") return q;
  return session?.lang ?? "nb";
}

const withLang = (path: string, lang: Lang, query: Record<string, string> = {}): string => {
  const q = new URLSearchParams(query);
  if (lang === "en") q.set("lang", "en");
  const s = q.toString();
  return s ? `${path}?${s}` : path;
};

interface Submitted {
  fields: Map<string, string>;
  files: Map<string, UploadedFile>;
}

async function readForm(request: HttpRequest): Promise<Submitted> {
  const fields = new Map<string, string>();
  const files = new Map<string, UploadedFile>();
  const type = request.headers.get("content-type") ?? "";
  if (type.toLowerCase().startsWith("multipart/form-data")) {
    const form = await request.formData();
    for (const [name, value] of form.entries()) {
      if (typeof value === "string") fields.set(name, value.slice(0, 4000));
      else files.set(name, { content: new Uint8Array(await value.arrayBuffer()) });
    }
  } else {
    for (const [name, value] of new URLSearchParams(await request.text())) fields.set(name, value.slice(0, 4000));
  }
  return { fields, files };
}

function tooLarge(request: HttpRequest): boolean {
  const length = Number(request.headers.get("content-length") ?? "0");
  return Number.isFinite(length) && length > MAX_BODY_BYTES;
}

type Handler = (
  request: HttpRequest,
  deps: MessagesUseCaseDeps & ReturnType<typeof forInvocation<MinSideMessagesDeps>>,
  session: MinSideSession,
  lang: Lang,
) => Promise<HttpResponseInit>;

/** The session (else sign-in), the invocation's deps, and one answer for a missing or someone else's claim. */
function signedIn(resolve: () => MinSideMessagesDeps, fn: Handler) {
  return async (request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> => {
    let lang: Lang = langOf(request, undefined);
    try {
      const root = resolve();
      const session = await root.resolveSession(request);
      lang = langOf(request, session);
      if (!session) return redirect(withLang(`/${MIN_SIDE_SIGN_IN_ROUTE}`, lang));
      const invocation = forInvocation(root, context);
      return await fn(request, { ...invocation, uploads: root.debtorUploads }, session, lang);
    } catch (error) {
      if (error instanceof CaseNotFound) return page(404, renderMinSideNotice("not-found", lang));
      const code = (error as { code?: unknown }).code;
      context.error(`${context.functionName}: failed (${typeof code === "string" ? code : "unexpected"})`);
      return page(503, renderMinSideNotice("unavailable", lang), { "retry-after": "30" });
    }
  };
}

export function makeMinSideMessageFunctions(resolve: () => MinSideMessagesDeps) {
  return {
    threads: signedIn(resolve, async (_request, deps, session, lang) => {
      const threads = await makeListMyThreads(deps)(session.subject);
      const records = await casesOf(deps, session.subject);
      const tenants = await tenantsOf(deps, records);
      const claims = records.map((r) => ({
        tenantId: r.tenantId,
        caseId: r.caseId,
        invoiceNumber: r.invoiceNumber,
        creditorName: tenants.get(r.tenantId)?.name ?? "",
      }));
      return page(200, renderThreadsPage({ lang, threads, claims }));
    }),

    thread: signedIn(resolve, async (request, deps, session, lang) => {
      const params = Params.safeParse(request.params);
      if (!params.success) throw new CaseNotFound("");
      const { tenantId, caseId } = params.data;
      // Access first (404 for someone else's claim, whatever the method), then the form.
      const open = makeOpenThread(deps);
      if (request.method === "GET") {
        const thread = await open(session.subject, tenantId, caseId);
        return page(
          200,
          renderThreadPage({ lang, csrf: session.csrfToken, thread, sent: request.query.get(SENT_PARAM) === "1" }),
        );
      }
      const before = await open(session.subject, tenantId, caseId);
      if (tooLarge(request))
        return page(
          422,
          renderThreadPage({
            lang,
            csrf: session.csrfToken,
            thread: before,
            error: { field: "attachment", code: "file-too-large" },
          }),
        );
      const form = await readForm(request);
      const text = form.fields.get("text") ?? "";
      if (!csrfMatches(session, form.fields.get("csrf")))
        return page(
          403,
          renderThreadPage({
            lang,
            csrf: session.csrfToken,
            thread: before,
            error: { field: "text", code: "csrf" },
            text,
          }),
        );
      const attachment = form.files.get("attachment");
      const outcome = await makePostDebtorMessage(deps)(session, tenantId, caseId, {
        text,
        ...(attachment ? { attachment } : {}),
      });
      if (outcome.kind === "refused")
        return page(
          422,
          renderThreadPage({
            lang,
            csrf: session.csrfToken,
            thread: before,
            error: { field: outcome.field, code: outcome.code },
            text,
          }),
        );
      return redirect(withLang(threadPath(tenantId, caseId), lang, { [SENT_PARAM]: "1" }));
    }),

    handOver: signedIn(resolve, async (request, deps, session, lang) => {
      const form = await readForm(request);
      if (!csrfMatches(session, form.fields.get("csrf"))) return page(403, renderMinSideNotice("bad-form", lang));
      const [tenantId = "", caseId = ""] = (form.fields.get("claim") ?? "").split("/");
      if (!Params.safeParse({ tenantId, caseId }).success) throw new CaseNotFound("");
      const question = (form.fields.get("question") ?? "").trim().slice(0, 500);
      const answer = (form.fields.get("answer") ?? "").trim();
      const text = handOverText(lang, question, answer).slice(0, MAX_MESSAGE_LENGTH);
      const outcome = await makePostDebtorMessage(deps)(session, tenantId, caseId, { text });
      if (outcome.kind === "refused") return redirect(withLang(threadPath(tenantId, caseId), lang));
      return redirect(withLang(threadPath(tenantId, caseId), lang, { [SENT_PARAM]: "1" }));
    }),

    settings: signedIn(resolve, async (request, deps, session, lang) => {
      const view = await makeLoadSettings(deps)(session.subject);
      const render = (status: number, extra: Partial<Parameters<typeof renderSettingsPage>[0]> = {}) =>
        page(
          status,
          renderSettingsPage({
            lang,
            csrf: session.csrfToken,
            subjectKind: session.subject.kind,
            claims: view.claims,
            values: view.values,
            ...extra,
          }),
        );
      if (request.method === "GET") return render(200, { saved: request.query.get(SAVED_PARAM) === "1" });
      const form = await readForm(request);
      const values: SettingsValues = {
        phone: (form.fields.get("phone") ?? "").slice(0, 40),
        email: (form.fields.get("email") ?? "").slice(0, 254),
        consentSms: form.fields.has("consentSms"),
        consentEmail: form.fields.has("consentEmail"),
        alertSms: form.fields.has("alertSms"),
        alertEmail: form.fields.has("alertEmail"),
      };
      if (!csrfMatches(session, form.fields.get("csrf")))
        return render(403, { values, error: { field: "phone", code: "csrf" } });
      const redeliverLetters = makeRedeliverLetters(deliverLetterDepsFrom(deps, deps.workflow));
      const outcome = await makeSaveSettings({ ...deps, redeliverLetters })(session, values);
      if (outcome.kind === "refused")
        return render(422, { values, error: { field: outcome.field, code: outcome.code } });
      return redirect(withLang(SETTINGS_PATH, lang, { [SAVED_PARAM]: "1" }));
    }),
  };
}

export function registerMinSideMessageFunctions(resolve: () => MinSideMessagesDeps): void {
  const f = makeMinSideMessageFunctions(resolve);
  const durableClient = df.input.durableClient();
  const names = MIN_SIDE_MESSAGES_FUNCTIONS;
  const routes = MIN_SIDE_MESSAGES_ROUTES;
  app.http(names.threads, { route: routes.threads, methods: ["GET"], authLevel: "anonymous", handler: f.threads });
  app.http(names.thread, {
    route: routes.thread,
    methods: ["GET", "POST"],
    authLevel: "anonymous",
    extraInputs: [durableClient],
    handler: f.thread,
  });
  app.http(names.handOver, {
    route: routes.handOver,
    methods: ["POST"],
    authLevel: "anonymous",
    extraInputs: [durableClient],
    handler: f.handOver,
  });
  app.http(names.settings, {
    route: routes.settings,
    methods: ["GET", "POST"],
    authLevel: "anonymous",
    extraInputs: [durableClient],
    handler: f.settings,
  });
}
