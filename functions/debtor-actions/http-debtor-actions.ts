/**
 * Min side's debtor actions, one function per form (GET shows it, POST submits it with the session's CSRF token):
 *
 *   /min-side/krav/{tenantId}/{caseId}/utsettelse      days
 *   /min-side/krav/{tenantId}/{caseId}/nedbetaling     months (one of the plans shown)
 *   /min-side/krav/{tenantId}/{caseId}/innsigelse      reason, attachment? (multipart/form-data)
 *   /min-side/krav/{tenantId}/{caseId}/jeg-har-betalt  receipt, message? (multipart/form-data)
 *
 * No session → 303 to the sign-in page. Someone else's case, or none → 404, the same page. Done → 303 to the claim
 * page with `?bekreftelse={result}`. A refused submission → the form again, 422, the message at the field; a wrong
 * or missing CSRF token → the form again, 403 (nothing done); the action not open now → the form page saying why, 409.
 * A body larger than an upload may be is refused unread (422 at the file field). Nothing personal is logged: the
 * function's name and the error's code only.
 */
import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from "@azure/functions";
import * as df from "durable-functions";
import { z } from "zod";
import {
  makeAgreeInstalmentPlan,
  makeLoadActionForm,
  makeOpenDebtorDispute,
  makeReportPayment,
  makeRequestDeferral,
  type ActionOutcome,
  type DebtorAction,
  type DebtorActionUseCaseDeps,
  type FieldRefusal,
  type UploadedFile,
} from "../../shared/application/min-side/debtor-actions";
import { csrfMatches, type MinSideSession } from "../../shared/application/min-side/subject";
import { MAX_UPLOAD_BYTES } from "../../shared/application/min-side/uploads";
import { CaseNotFound } from "../../shared/ports/errors";
import { PAGE_CSP } from "../../shared/web/layout";
import { renderActionPage, type ActionFormValues } from "../../shared/web/min-side/action-pages";
import { renderMinSideNotice } from "../../shared/web/min-side-pages";
import type { Lang } from "../../shared/web/pay-page-model";
import { forInvocation } from "../deps";
import type { DebtorActionsDeps } from "./deps";
import {
  claimPath,
  CONFIRMATION_PARAM,
  DEBTOR_ACTION_FUNCTIONS,
  DEBTOR_ACTION_ROUTES,
  MIN_SIDE_SIGN_IN_PATH,
} from "./names";

/** Every page: no caching (balances change), no framing, no referrer, the pages' CSP. */
const PAGE_HEADERS = {
  "content-type": "text/html; charset=utf-8",
  "cache-control": "no-store",
  "referrer-policy": "no-referrer",
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "content-security-policy": PAGE_CSP,
};

/** A body may carry one upload and a few short fields: anything larger is refused before it is read. */
const MAX_BODY_BYTES = MAX_UPLOAD_BYTES + 64 * 1024;

const Params = z.object({
  tenantId: z
    .string()
    .min(1)
    .max(100)
    .regex(/^[A-Za-z0-9_-]+$/u),
  caseId: z
    .string()
    .min(1)
    .max(100)
    .regex(/^[A-Za-z0-9_-]+$/u),
});

const SELF_SUFFIX: Readonly<Record<DebtorAction, string>> = {
  deferral: "utsettelse",
  "instalment-plan": "nedbetaling",
  dispute: "innsigelse",
  "payment-reported": "jeg-har-betalt",
};

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

/** The form's fields as submitted: URL-encoded, or multipart with files (read into memory: at most ~10 MB). */
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

/** The use case each form's POST calls, with what it reads from the form. */
function submitFor(
  action: DebtorAction,
  deps: DebtorActionUseCaseDeps,
): (session: MinSideSession, tenantId: string, caseId: string, form: Submitted) => Promise<ActionOutcome> {
  switch (action) {
    case "deferral": {
      const run = makeRequestDeferral(deps);
      return (s, t, c, f) => run(s, t, c, optional({ days: f.fields.get("days") }));
    }
    case "instalment-plan": {
      const run = makeAgreeInstalmentPlan(deps);
      return (s, t, c, f) => run(s, t, c, optional({ months: f.fields.get("months") }));
    }
    case "dispute": {
      const run = makeOpenDebtorDispute(deps);
      return (s, t, c, f) =>
        run(s, t, c, optional({ reason: f.fields.get("reason"), attachment: f.files.get("attachment") }));
    }
    case "payment-reported": {
      const run = makeReportPayment(deps);
      return (s, t, c, f) =>
        run(s, t, c, optional({ receipt: f.files.get("receipt"), message: f.fields.get("message") }));
    }
  }
}

/** Drops undefined members (exactOptionalPropertyTypes). */
function optional<T extends Record<string, unknown>>(o: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>;
  };
}

/** The field a too-large body is reported at. */
const FILE_FIELD: Readonly<Partial<Record<DebtorAction, string>>> = {
  dispute: "attachment",
  "payment-reported": "receipt",
};

export function makeDebtorActionFunction(action: DebtorAction, resolve: () => DebtorActionsDeps) {
  return async (request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> => {
    let lang: Lang = langOf(request, undefined);
    try {
      const root = resolve();
      const session = await root.resolveSession(request);
      lang = langOf(request, session);
      if (!session) return redirect(lang === "en" ? `${MIN_SIDE_SIGN_IN_PATH}?lang=en` : MIN_SIDE_SIGN_IN_PATH);
      const params = Params.safeParse(request.params);
      if (!params.success) return page(404, renderMinSideNotice("not-found", lang));
      const { tenantId, caseId } = params.data;
      const deps: DebtorActionUseCaseDeps = { ...forInvocation(root, context), uploads: root.debtorUploads };
      const form = await makeLoadActionForm(deps)(session, tenantId, caseId, action);
      const selfPath = `${claimPath(tenantId, caseId)}/${SELF_SUFFIX[action]}`;
      const render = (
        status: number,
        error?: { field: string; code: FieldRefusal },
        values?: ActionFormValues,
        current = form,
      ) =>
        page(
          status,
          renderActionPage({
            action,
            lang,
            csrfToken: session.csrfToken,
            form: current,
            selfPath,
            claimPath: claimPath(tenantId, caseId),
            error,
            values,
          }),
        );
      if (request.method === "GET") return render(200);

      const fileField = FILE_FIELD[action];
      if (tooLarge(request)) return fileField ? render(422, { field: fileField, code: "file-too-large" }) : render(413);
      const submitted = await readForm(request);
      const values: ActionFormValues = optional({
        days: submitted.fields.get("days")?.slice(0, 10),
        months: submitted.fields.get("months")?.slice(0, 10),
        reason: submitted.fields.get("reason"),
        message: submitted.fields.get("message"),
      });
      if (!csrfMatches(session, submitted.fields.get("csrf"))) {
        context.warn(`${context.functionName}: form refused, CSRF token missing or wrong`);
        return render(403, { field: "csrf", code: "csrf" }, values);
      }
      if (form.unavailable) return render(409);
      const outcome = await submitFor(action, deps)(session, tenantId, caseId, submitted);
      switch (outcome.kind) {
        case "done": {
          const query = new URLSearchParams({ [CONFIRMATION_PARAM]: outcome.result });
          if (lang === "en") query.set("lang", "en");
          return redirect(`${claimPath(tenantId, caseId)}?${query.toString()}`);
        }
        case "refused":
          return render(422, { field: outcome.field, code: outcome.code }, values);
        case "unavailable":
          return render(409, undefined, undefined, { ...form, unavailable: outcome.reason });
      }
    } catch (error) {
      if (error instanceof CaseNotFound) return page(404, renderMinSideNotice("not-found", lang));
      const code = (error as { code?: unknown }).code;
      // The case changed between the form's check and the write (e.g. paid meanwhile): nothing was done.
      if (code === "CASE_ACTION_NOT_ALLOWED") return page(409, renderMinSideNotice("unavailable", lang));
      context.error(`${context.functionName}: failed (${typeof code === "string" ? code : "unexpected"})`);
      return page(503, renderMinSideNotice("unavailable", lang), { "retry-after": "30" });
    }
  };
}

const FORMS: ReadonlyArray<readonly [DebtorAction, string, string]> = [
  ["deferral", DEBTOR_ACTION_FUNCTIONS.deferral, DEBTOR_ACTION_ROUTES.deferral],
  ["instalment-plan", DEBTOR_ACTION_FUNCTIONS.instalmentPlan, DEBTOR_ACTION_ROUTES.instalmentPlan],
  ["dispute", DEBTOR_ACTION_FUNCTIONS.dispute, DEBTOR_ACTION_ROUTES.dispute],
  ["payment-reported", DEBTOR_ACTION_FUNCTIONS.paymentReported, DEBTOR_ACTION_ROUTES.paymentReported],
];

export function registerDebtorActionFunctions(resolve: () => DebtorActionsDeps): void {
  const durableClient = df.input.durableClient();
  for (const [action, name, route] of FORMS) {
    app.http(name, {
      route,
      methods: ["GET", "POST"],
      authLevel: "anonymous",
      extraInputs: [durableClient],
      handler: makeDebtorActionFunction(action, resolve),
    });
  }
}
