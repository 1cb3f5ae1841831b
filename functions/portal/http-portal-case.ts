/**
 * The portal's case page and every staff action on a case (issue 16):
 *
 *   GET  /portal/{tenantId}/saker/{caseId}                         the case page (audited: view-case)
 *   GET  /portal/{tenantId}/saker/{caseId}/live                    its live region as JSON (the page's script polls it)
 *   GET  /portal/{tenantId}/saker/{caseId}/dokumenter/{documentId} a letter's PDF or an uploaded file (audited)
 *   POST /portal/{tenantId}/saker/{caseId}/handling/{action}       one staff action (CSRF, audited, on the timeline)
 *   GET  /portal/ressurser/sak-live.js                             the live script (CSP `script-src 'self'`)
 *
 * Every route: no session → 303 sign-in; a tenant the staff user may not see, or a case not under it → the same 404.
 * Every POST: a wrong or missing CSRF token → 403, a staff user who may not act on the tenant (a viewer) → 403, an
 * action on the debtor's behalf or on a service by anyone but a service agent or an operator → 403 — nothing done.
 * A field that does not fit → the page again, 422, the message next to the field, nothing changed; the action not
 * possible in the case's state → the page again, 409, saying why. Done → 303 back to the page with a message
 * (Post/Redirect/Get). Each action goes through the use case the partner API (or Min side) uses, with the staff user
 * as the actor on the case's own timeline, and is audited with `recordStaffAction`. Logs carry the action and the
 * error code only: never a name, a reason, a note or a file.
 */
import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from "@azure/functions";
import * as df from "durable-functions";
import { z } from "zod";
import { makeCancelCase, makeHoldCase, makeResolveDispute, makeResumeCase } from "../../shared/application/case-status";
import { makeReplyToDebtor, ThreadFull } from "../../shared/application/case-messages";
import { makeIssueCreditNote } from "../../shared/application/credit-note";
import { MAX_MESSAGE_LENGTH } from "../../shared/application/min-side/messages";
import { threadPath } from "../../shared/web/min-side/message-pages";
import { makeGetDocument } from "../../shared/application/documents";
import { toCaseView } from "../../shared/application/get-case";
import { rulesWithEnteredRates } from "../../shared/application/interest-rates";
import {
  makeAgreeInstalmentPlan,
  makeLoadActionForm,
  makeOpenDebtorDispute,
  makeRequestDeferral,
  type ActionOutcome,
  type DebtorActionUseCaseDeps,
} from "../../shared/application/min-side/debtor-actions";
import { MAX_UPLOAD_BYTES } from "../../shared/application/min-side/uploads";
import { makeAddNote } from "../../shared/application/notes";
import { mayAccessTenant, mayActOnTenant, seesAllTenants } from "../../shared/application/portal/access";
import { makeSendPayLinkNow, type SendPayLinkRefusal } from "../../shared/application/portal/send-pay-link";
import { makeAttachStaffDocument, STAFF_UPLOAD_KIND } from "../../shared/application/portal/staff-document";
import { staffActorIn, staffActorOf, type StaffActor } from "../../shared/application/portal/staff-actor";
import { PORTAL_COOKIE, staffCsrfMatches, type StaffSession } from "../../shared/application/portal/staff-sessions";
import { makeBlockService, makeUnblockService } from "../../shared/application/services/partner-commands";
import { todayIn } from "../../shared/application/case-context";
import { money, type Money } from "../../shared/domain/money";
import type { CaseRecord } from "../../shared/ports/case-store";
import { CaseNotFound } from "../../shared/ports/errors";
import {
  CASE_LIVE_SCRIPT,
  CASE_PAGE_CSP,
  caseLiveAnnouncement,
  formatWhen,
  renderCaseLive,
  renderCasePage,
  type CaseActionName,
  type CasePageModel,
  type CaseThreadMessage,
} from "../../shared/web/portal/case-page";
import {
  PORTAL_NOTICE_STATUS,
  portalHref,
  renderPortalNotice,
  type PortalLang,
  type PortalNotice,
  type SignedInHeader,
} from "../../shared/web/portal/pages";
import { forInvocation } from "../deps";
import type { PortalCaseDeps } from "./case-deps";
import * as names from "./names";

const PAGE_HEADERS = {
  "content-type": "text/html; charset=utf-8",
  "cache-control": "no-store",
  "referrer-policy": "no-referrer",
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "content-security-policy": CASE_PAGE_CSP,
};

/** One upload and a few short fields: a larger body is refused unread. */
const MAX_BODY_BYTES = MAX_UPLOAD_BYTES + 64 * 1024;

const Id = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9_-]+$/u);
const Params = z.object({ tenantId: Id, caseId: Id });

const ACTIONS = [
  "pay-link",
  "hold",
  "resume",
  "cancel",
  "credit-note",
  "note",
  "document",
  "deferral",
  "instalment-plan",
  "dispute",
  "resolve-dispute",
  "block-service",
  "unblock-service",
  "reply",
] as const satisfies readonly CaseActionName[];

/** Customer service's actions: on the debtor's behalf, or on a service. Agents and operators only. */
const AGENT_ONLY: ReadonlySet<CaseActionName> = new Set([
  "deferral",
  "instalment-plan",
  "dispute",
  "resolve-dispute",
  "block-service",
  "unblock-service",
]);

type Lang = PortalLang;

function langOf(request: HttpRequest): Lang {
  return request.query.get("lang") === "en" ? "en" : "nb";
}

function page(status: number, body: string): HttpResponseInit {
  return { status, headers: { ...PAGE_HEADERS }, body };
}

function notice(kind: PortalNotice, lang: Lang, header?: SignedInHeader): HttpResponseInit {
  return page(PORTAL_NOTICE_STATUS[kind], renderPortalNotice(kind, lang, header));
}

function redirect(location: string, clearCookie = false): HttpResponseInit {
  return {
    status: 303,
    headers: { location, "cache-control": "no-store", "referrer-policy": "no-referrer" },
    ...(clearCookie
      ? {
          cookies: [
            { name: PORTAL_COOKIE, value: "", maxAge: 0, path: "/", secure: true, httpOnly: true, sameSite: "Lax" },
          ],
        }
      : {}),
  };
}

function headerOf(session: StaffSession, path: string): SignedInHeader {
  return { displayName: session.staff.displayName, roles: session.staff.roles, csrfToken: session.csrfToken, path };
}

// ---------------------------------------------------------------------------------------------------------------
// Messages (flash after a redirect; refusals at a field)

const DONE: Record<Lang, Record<string, string>> = {
  nb: {
    "pay-link-sms": "Betalingslenken er sendt på SMS.",
    "pay-link-email": "Betalingslenken er sendt på e-post.",
    "pay-link-already": "Betalingslenken ble sendt for under ett minutt siden. Ingenting mer er sendt.",
    hold: "Saken er satt på vent.",
    resume: "Saken er tatt opp igjen.",
    cancel: "Saken er kansellert.",
    "credit-note": "Kreditnotaen er registrert.",
    note: "Notatet er lagret.",
    document: "Dokumentet er lastet opp.",
    "deferral-granted": "Utsettelsen er gitt.",
    "deferral-requested": "Utsettelsen er lengre enn kreditor gir selv: forespørselen er sendt til kreditor.",
    "plan-agreed": "Nedbetalingsplanen er avtalt.",
    "dispute-opened": "Innsigelsen er registrert. Saken venter på kreditors avgjørelse.",
    "resolve-dispute": "Innsigelsen er avgjort.",
    "block-service": "Tjenesten er sperret.",
    "unblock-service": "Sperren er opphevet.",
    reply: "Svaret er sendt. Skyldneren er varslet om en ny melding på Min side.",
  },
  en: {
    "pay-link-sms": "The pay link was sent by SMS.",
    "pay-link-email": "The pay link was sent by e-mail.",
    "pay-link-already": "The pay link was sent less than a minute ago. Nothing more was sent.",
    hold: "The case is on hold.",
    resume: "The case was resumed.",
    cancel: "The case was cancelled.",
    "credit-note": "The credit note was recorded.",
    note: "The note was saved.",
    document: "The document was uploaded.",
    "deferral-granted": "The deferral was granted.",
    "deferral-requested":
      "The deferral is longer than the creditor grants by itself: the request went to the creditor.",
    "plan-agreed": "The instalment plan was agreed.",
    "dispute-opened": "The dispute was recorded. The case waits for the creditor's decision.",
    "resolve-dispute": "The dispute was resolved.",
    "block-service": "The service was blocked.",
    "unblock-service": "The block was removed.",
    reply: "The answer was sent. The debtor was alerted to a new message on Min side.",
  },
};

const REFUSED: Record<Lang, Record<string, string>> = {
  nb: {
    "reason-missing": "Skriv en begrunnelse.",
    "reason-too-long": "Begrunnelsen er for lang (høyst 500 tegn).",
    "text-missing": "Skriv teksten i notatet.",
    "text-too-long": "Notatet er for langt (høyst 2000 tegn).",
    "reply-missing": "Skriv svaret til skyldneren.",
    "reply-too-long": "Svaret er for langt (høyst 2000 tegn).",
    "thread-full": "Meldingstråden er full. Ta kontakt med skyldneren på en annen måte.",
    "date-invalid": "Skriv en dato etter i dag, eller la feltet stå tomt.",
    "amount-invalid": "Skriv et beløp i kroner større enn 0, for eksempel 250 eller 1 234,50.",
    "amount-too-large": "Beløpet er større enn det som står igjen av hovedstolen.",
    "confirm-missing": "Kryss av for å bekrefte at saken skal kanselleres.",
    "days-invalid": "Skriv et antall dager fra 1 til 90.",
    "plan-choice": "Velg en av planene som tilbys.",
    "file-missing": "Velg en fil.",
    "file-empty": "Filen er tom.",
    "file-too-large": "Filen er større enn 10 MB.",
    "file-type": "Filen må være en PDF, PNG eller JPEG.",
    "service-missing": "Tjenesten finnes ikke på saken.",
    outcome: "Velg et utfall.",
    closed: "Saken er betalt eller avsluttet: det er ingenting å sende.",
    "nothing-owed": "Det er ingenting å betale på saken.",
    "no-phone": "Skyldneren har ikke noe telefonnummer. Ingenting er sendt.",
    "sms-refused": "Skyldneren har reservert seg mot SMS. Ingenting er sendt.",
    "no-email": "Skyldneren har ingen e-postadresse. Ingenting er sendt.",
    "no-email-consent": "Skyldneren har ikke samtykket til e-post. Ingenting er sendt.",
    "email-not-configured": "E-post er ikke satt opp på denne installasjonen. Ingenting er sendt.",
    "outside-contact-hours": "Det er utenfor kontakttiden. Ingenting er sendt. Skyldneren kan kontaktes fra {when}.",
    "send-failed": "Meldingen kunne ikke sendes. Prøv igjen senere.",
    "not-allowed": "Det går ikke i sakens nåværende tilstand. Ingenting er endret.",
    unavailable: "Det går ikke for denne saken nå. Ingenting er endret.",
  },
  en: {
    "reason-missing": "Write a reason.",
    "reason-too-long": "The reason is too long (at most 500 characters).",
    "text-missing": "Write the note's text.",
    "text-too-long": "The note is too long (at most 2000 characters).",
    "reply-missing": "Write the answer to the debtor.",
    "reply-too-long": "The answer is too long (at most 2000 characters).",
    "thread-full": "The message thread is full. Reach the debtor another way.",
    "date-invalid": "Enter a date after today, or leave the field empty.",
    "amount-invalid": "Enter an amount in kroner above 0, for example 250 or 1 234.50.",
    "amount-too-large": "The amount is more than what is left of the principal.",
    "confirm-missing": "Tick the box to confirm that the case is to be cancelled.",
    "days-invalid": "Enter a number of days from 1 to 90.",
    "plan-choice": "Choose one of the plans offered.",
    "file-missing": "Choose a file.",
    "file-empty": "The file is empty.",
    "file-too-large": "The file is larger than 10 MB.",
    "file-type": "The file must be a PDF, PNG or JPEG.",
    "service-missing": "The case has no such service.",
    outcome: "Choose an outcome.",
    closed: "The case is paid or closed: there is nothing to send.",
    "nothing-owed": "Nothing is owed on the case.",
    "no-phone": "The debtor has no phone number. Nothing was sent.",
    "sms-refused": "The debtor has refused SMS. Nothing was sent.",
    "no-email": "The debtor has no e-mail address. Nothing was sent.",
    "no-email-consent": "The debtor has not consented to e-mail. Nothing was sent.",
    "email-not-configured": "E-mail is not set up on this installation. Nothing was sent.",
    "outside-contact-hours": "It is outside contact hours. Nothing was sent. The debtor may be contacted from {when}.",
    "send-failed": "The message could not be sent. Try again later.",
    "not-allowed": "That is not possible in the case's current state. Nothing was changed.",
    unavailable: "That is not possible for this case now. Nothing was changed.",
  },
};

/** What an action's POST led to. */
type Result =
  | { kind: "done"; flash: string }
  | { kind: "refused"; status: 409 | 422; field: string; code: string; vars?: Record<string, string> };

const refused = (field: string, code: string, status: 409 | 422 = 422): Result => ({
  kind: "refused",
  status,
  field,
  code,
});

// ---------------------------------------------------------------------------------------------------------------
// Reading the form

interface Submitted {
  fields: Map<string, string>;
  files: Map<string, { content: Uint8Array; name: string }>;
}

async function readForm(request: HttpRequest): Promise<Submitted> {
  const fields = new Map<string, string>();
  const files = new Map<string, { content: Uint8Array; name: string }>();
  const type = request.headers.get("content-type") ?? "";
  if (type.toLowerCase().startsWith("multipart/form-data")) {
    const form = await request.formData();
    for (const [name, value] of form.entries()) {
      if (typeof value === "string") fields.set(name, value.slice(0, 4000));
      else files.set(name, { content: new Uint8Array(await value.arrayBuffer()), name: value.name });
    }
  } else {
    for (const [name, value] of new URLSearchParams(await request.text())) fields.set(name, value.slice(0, 4000));
  }
  return { fields, files };
}

/** "1 234,50", "1234.50", "250" → øre; undefined when it is not an amount of kroner with at most two decimals. */
export function parseKroner(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const cleaned = raw
    .replace(/[\s\u00a0\u202f]/gu, "")
    .replace(/kr\.?$/iu, "")
    .replace(",", ".");
  if (!/^\d{1,9}(\.\d{1,2})?$/u.test(cleaned)) return undefined;
  const [whole, fraction = ""] = cleaned.split(".");
  return Number(whole) * 100 + Number(fraction.padEnd(2, "0"));
}

function text(form: Submitted, name: string): string {
  return (form.fields.get(name) ?? "").trim();
}

function reasonOf(form: Submitted): { reason: string } | { code: string } {
  const reason = text(form, "reason");
  if (reason.length === 0) return { code: "reason-missing" };
  if (reason.length > 500) return { code: "reason-too-long" };
  return { reason };
}

function debtorOutcome(outcome: ActionOutcome): Result {
  switch (outcome.kind) {
    case "done":
      return { kind: "done", flash: outcome.result };
    case "refused":
      return refused(outcome.field, outcome.code);
    case "unavailable":
      return refused("form", "unavailable", 409);
  }
}

const PAY_LINK_STATUS: Record<SendPayLinkRefusal, 409 | 422> = {
  closed: 409,
  "nothing-owed": 409,
  "no-phone": 409,
  "sms-refused": 409,
  "no-email": 409,
  "no-email-consent": 409,
  "email-not-configured": 409,
  "outside-contact-hours": 409,
  "send-failed": 409,
};

// ---------------------------------------------------------------------------------------------------------------
// The functions

export function makePortalCaseFunctions(resolve: () => PortalCaseDeps) {
  interface Loaded {
    deps: PortalCaseDeps;
    session: StaffSession;
    lang: Lang;
    tenantId: string;
    caseId: string;
    record: CaseRecord;
    tenantName: string;
    header: SignedInHeader;
    context: InvocationContext;
  }

  /** Signed in, may see the tenant, the case is under it: or the response that says otherwise. */
  async function load(request: HttpRequest, context: InvocationContext): Promise<Loaded | HttpResponseInit> {
    const lang = langOf(request);
    const deps = resolve();
    const wiring = deps.portal;
    if (!wiring) return notice("closed", lang);
    const session = await wiring.sessions.resolve(request);
    if (!session) {
      const hadCookie = (request.headers.get("cookie") ?? "").includes(`${PORTAL_COOKIE}=`);
      return redirect(portalHref(`/${names.PORTAL_SIGN_IN_ROUTE}`, lang), hadCookie);
    }
    const params = Params.safeParse(request.params);
    const header = headerOf(session, "/portal");
    if (!params.success || !mayAccessTenant(session.staff, params.data.tenantId))
      return notice("not-found", lang, header);
    const { tenantId, caseId } = params.data;
    const record = await deps.cases.get(tenantId, caseId);
    const tenant = record ? await deps.tenants.get(tenantId) : undefined;
    if (!record || record.tenantId !== tenantId || !tenant) return notice("not-found", lang, header);
    return { deps, session, lang, tenantId, caseId, record, tenantName: tenant.name, header, context };
  }

  async function model(l: Loaded, record: CaseRecord, extra: Partial<CasePageModel> = {}): Promise<CasePageModel> {
    const tenant = (await l.deps.tenants.get(l.tenantId))!;
    const now = l.deps.clock.now();
    const view = toCaseView(record, tenant, now, await rulesWithEnteredRates(l.deps));
    const c = record.case;
    const sum = (type: "payment" | "credit-note"): Money =>
      money(
        c.ledger.reduce((total, e) => (e.type === type ? total + e.amount.value : total), 0),
        c.currency,
      );
    const can = {
      edit: mayActOnTenant(l.session.staff, l.tenantId),
      onBehalf: seesAllTenants(l.session.staff) && mayActOnTenant(l.session.staff, l.tenantId),
    };
    let planMonths: number[] = [];
    if (can.onBehalf && !["paid", "cancelled", "disputed"].includes(c.status)) {
      const form = await makeLoadActionForm(useCaseDeps(l))(
        { onBehalf: staffActorOf(l.session.staff) },
        l.tenantId,
        l.caseId,
        "instalment-plan",
      ).catch(() => undefined);
      planMonths = form?.plans.map((p) => p.months) ?? [];
    }
    return {
      tenantId: l.tenantId,
      tenantName: l.tenantName,
      view,
      debtorName: record.customer.name,
      invoiced: money(
        c.ledger.reduce((total, e) => (e.type === "principal" ? total + e.amount.value : total), 0),
        c.currency,
      ),
      paid: sum("payment"),
      credited: sum("credit-note"),
      ...charges(c, view.balance),
      hold: c.hold ? { since: c.hold.since, reason: c.hold.reason, until: c.hold.until } : null,
      deferredDueDate: c.deferredDueDate,
      instalmentPlan: c.instalmentPlan
        ? {
            state: c.instalmentPlan.state,
            count: c.instalmentPlan.instalments.length,
            agreedOn: c.instalmentPlan.agreedOn,
          }
        : null,
      documents: record.documents,
      thread: await threadOf(l),
      can,
      planMonths,
      ...extra,
    };
  }

  /** The debtor's thread as the page shows it (read only: reading the page does not mark it read). */
  async function threadOf(l: Loaded): Promise<CaseThreadMessage[]> {
    const thread = await l.deps.messageThreads.get(l.tenantId, l.caseId);
    return (thread?.messages ?? []).map((msg) => {
      const by = msg.from === "customer-service" ? staffActorIn({ actor: msg.actor }) : undefined;
      return {
        from: msg.from,
        text: msg.text,
        at: msg.at,
        ...(by ? { by } : {}),
        ...(msg.attachment
          ? { attachment: { contentType: msg.attachment.contentType, bytes: msg.attachment.bytes } }
          : {}),
      };
    });
  }

  /** Fees and interest charged through today (what is left + what payments, credit notes and write-offs took). */
  function charges(c: CaseRecord["case"], b: { fees: Money; interest: Money }) {
    let fees = b.fees.value;
    let interest = b.interest.value;
    let writtenOff = 0;
    for (const e of c.ledger) {
      if (e.type !== "payment" && e.type !== "credit-note" && e.type !== "write-off") continue;
      fees += e.allocation.fees.value;
      interest += e.allocation.interest.value;
      if (e.type === "write-off")
        writtenOff += e.allocation.fees.value + e.allocation.interest.value + e.allocation.principal.value;
    }
    return {
      charged: { fees: money(fees, c.currency), interest: money(interest, c.currency) },
      writtenOff: money(writtenOff, c.currency),
    };
  }

  function useCaseDeps(l: Loaded): DebtorActionUseCaseDeps & ReturnType<typeof forInvocation<PortalCaseDeps>> {
    return { ...forInvocation(l.deps, l.context), uploads: l.deps.debtorUploads };
  }

  const guard =
    (what: string, fn: (request: HttpRequest, ctx: InvocationContext) => Promise<HttpResponseInit>) =>
    async (request: HttpRequest, ctx: InvocationContext): Promise<HttpResponseInit> => {
      try {
        return await fn(request, ctx);
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        if (error instanceof CaseNotFound) return notice("not-found", langOf(request));
        ctx.error(
          `portal ${what} failed (${typeof code === "string" ? code : error instanceof Error ? error.name : "unexpected"})`,
        );
        return notice("unavailable", langOf(request));
      }
    };

  async function runAction(l: Loaded, action: CaseActionName, form: Submitted, actor: StaffActor): Promise<Result> {
    const deps = useCaseDeps(l);
    const { tenantId, caseId } = l;
    switch (action) {
      case "pay-link": {
        const channel = text(form, "channel") === "email" ? "email" : "sms";
        const outcome = await makeSendPayLinkNow({
          ...deps,
          ...(l.deps.letterChannels.email ? { email: l.deps.letterChannels.email } : {}),
          deliveryIndex: l.deps.deliveryIndex,
          config: { publicBaseUrl: l.deps.publicBaseUrl },
        })(tenantId, caseId, { channel, actor });
        if (outcome.kind === "sent") return { kind: "done", flash: `pay-link-${channel}` };
        if (outcome.kind === "already-sent") return { kind: "done", flash: "pay-link-already" };
        return {
          kind: "refused",
          status: PAY_LINK_STATUS[outcome.code],
          field: "form",
          code: outcome.code,
          ...(outcome.nextContactAt ? { vars: { when: formatWhen(outcome.nextContactAt, l.lang) } } : {}),
        };
      }
      case "hold": {
        const r = reasonOf(form);
        if ("code" in r) return refused("reason", r.code);
        const until = text(form, "until");
        const today = todayIn(l.record.case.country, l.deps.clock.now());
        if (until && (!/^\d{4}-\d{2}-\d{2}$/u.test(until) || until <= today || Number.isNaN(Date.parse(until))))
          return refused("until", "date-invalid");
        await makeHoldCase(deps)(tenantId, caseId, { reason: r.reason, until: until || null, actor });
        return { kind: "done", flash: "hold" };
      }
      case "resume":
        await makeResumeCase(deps)(tenantId, caseId, { actor });
        return { kind: "done", flash: "resume" };
      case "cancel": {
        const r = reasonOf(form);
        if ("code" in r) return refused("reason", r.code);
        if (text(form, "confirm") !== "yes") return refused("confirm", "confirm-missing");
        await makeCancelCase(deps)(tenantId, caseId, { reason: r.reason, actor });
        return { kind: "done", flash: "cancel" };
      }
      case "credit-note": {
        const amount = parseKroner(form.fields.get("amount"));
        if (amount === undefined || amount <= 0) return refused("amount", "amount-invalid");
        const r = reasonOf(form);
        if ("code" in r) return refused("reason", r.code);
        const now = l.deps.clock.now();
        const view = toCaseView(
          l.record,
          (await l.deps.tenants.get(tenantId))!,
          now,
          await rulesWithEnteredRates(l.deps),
        );
        if (amount > view.balance.principal.value) return refused("amount", "amount-too-large");
        const reference = `portal-${Buffer.from(l.deps.random.bytes(6)).toString("hex")}`;
        await makeIssueCreditNote(deps)(tenantId, caseId, {
          amount: money(amount, l.record.case.currency),
          reference,
          reason: r.reason,
          actor,
        });
        return { kind: "done", flash: "credit-note" };
      }
      case "note": {
        const note = text(form, "text");
        if (note.length === 0) return refused("text", "text-missing");
        if (note.length > 2000) return refused("text", "text-too-long");
        await makeAddNote(deps)(tenantId, caseId, { text: note, actor });
        return { kind: "done", flash: "note" };
      }
      case "document": {
        const file = form.files.get("file");
        if (!file || file.content.length === 0) return refused("file", file ? "file-empty" : "file-missing");
        const outcome = await makeAttachStaffDocument(deps)(tenantId, caseId, {
          content: file.content,
          fileName: file.name,
          actor,
        });
        return outcome.kind === "attached" ? { kind: "done", flash: "document" } : refused("file", outcome.code);
      }
      case "deferral":
        return debtorOutcome(
          await makeRequestDeferral(deps)({ onBehalf: actor }, tenantId, caseId, { days: text(form, "days") }),
        );
      case "instalment-plan":
        return debtorOutcome(
          await makeAgreeInstalmentPlan(deps)({ onBehalf: actor }, tenantId, caseId, { months: text(form, "months") }),
        );
      case "dispute": {
        const r = reasonOf(form);
        if ("code" in r) return refused("reason", r.code);
        return debtorOutcome(
          await makeOpenDebtorDispute(deps)({ onBehalf: actor }, tenantId, caseId, { reason: r.reason }),
        );
      }
      case "resolve-dispute": {
        const outcome = text(form, "outcome");
        if (outcome !== "claim-upheld" && outcome !== "claim-withdrawn") return refused("outcome", "outcome");
        await makeResolveDispute(deps)(tenantId, caseId, { outcome, actor });
        return { kind: "done", flash: "resolve-dispute" };
      }
      case "reply": {
        const answer = text(form, "text");
        if (answer.length === 0) return refused("text", "reply-missing");
        if (answer.length > MAX_MESSAGE_LENGTH) return refused("text", "reply-too-long");
        const base = l.deps.publicBaseUrl.replace(/\/+$/u, "");
        try {
          // The partner API's use case: the debtor is alerted (never with the text), the inbox's work item is cleared.
          await makeReplyToDebtor(
            {
              ...deps,
              messageThreads: l.deps.messageThreads,
              ...(l.deps.workItems ? { workItems: l.deps.workItems } : {}),
              ...(l.deps.letterChannels.email ? { email: l.deps.letterChannels.email } : {}),
            },
            { threadUrl: (t, c) => `${base}${threadPath(t, c)}` },
          )(tenantId, caseId, { text: answer, actor });
        } catch (error) {
          if (error instanceof ThreadFull) return refused("text", "thread-full", 409);
          throw error;
        }
        return { kind: "done", flash: "reply" };
      }
      case "block-service":
      case "unblock-service": {
        const serviceId = text(form, "serviceId");
        if (!l.record.case.services.some((s) => s.serviceId === serviceId)) return refused("form", "service-missing");
        if (action === "block-service") {
          const r = reasonOf(form);
          if ("code" in r) return refused("reason", r.code);
          await makeBlockService(deps)({
            tenantId,
            caseId,
            serviceId,
            reason: r.reason,
            by: `staff:${actor.subject}`,
            actor,
          });
        } else {
          await makeUnblockService(deps)({ tenantId, caseId, serviceId, by: `staff:${actor.subject}`, actor });
        }
        return { kind: "done", flash: action };
      }
    }
  }

  return {
    casePage: guard("case", async (request, ctx) => {
      const l = await load(request, ctx);
      if (!("record" in l)) return l;
      const wiring = l.deps.portal!;
      await wiring.recordStaffAction(l.session.staff, "view-case", { tenantId: l.tenantId, caseId: l.caseId });
      const flashCode = request.query.get("melding") ?? "";
      const flashText = DONE[l.lang][flashCode];
      const m = await model(l, l.record, flashText ? { flash: { kind: "done", text: flashText } } : {});
      return page(200, renderCasePage(l.lang, m, l.header));
    }),

    live: guard("case live", async (request, ctx): Promise<HttpResponseInit> => {
      const l = await load(request, ctx);
      if (!("record" in l)) {
        // The script only needs to know it has nothing to show: no page, no redirect to follow.
        return { status: l.status === 303 ? 401 : (l.status ?? 404), headers: { "cache-control": "no-store" } };
      }
      const since = request.query.get("status") ?? undefined;
      const m = await model(l, l.record, since ? { renderedStatus: since.slice(0, 20) } : {});
      return {
        status: 200,
        headers: {
          "content-type": "application/json; charset=utf-8",
          "cache-control": "no-store",
          "x-content-type-options": "nosniff",
        },
        jsonBody: {
          version: l.record.updatedAt,
          html: renderCaseLive(m, l.lang),
          announce: caseLiveAnnouncement(m, l.lang),
        },
      };
    }),

    document: guard("case document", async (request, ctx) => {
      const l = await load(request, ctx);
      if (!("record" in l)) return l;
      const documentId = Id.safeParse(request.params.documentId);
      if (!documentId.success) return notice("not-found", l.lang, l.header);
      const ref = l.record.documents.find((d) => d.documentId === documentId.data);
      if (!ref) return notice("not-found", l.lang, l.header);
      const doc = await makeGetDocument(l.deps)(l.tenantId, l.caseId, documentId.data).catch(() => undefined);
      if (!doc) return notice("not-found", l.lang, l.header);
      await l.deps.portal!.recordStaffAction(l.session.staff, "open-document", {
        tenantId: l.tenantId,
        caseId: l.caseId,
      });
      // Our letters open in the browser; a file someone uploaded is only ever downloaded.
      const uploaded = ref.kind === STAFF_UPLOAD_KIND;
      return {
        status: 200,
        headers: {
          "content-type": doc.contentType,
          "content-disposition": `${uploaded ? "attachment" : "inline"}; filename="${documentId.data}.${doc.contentType === "application/pdf" ? "pdf" : doc.contentType === "image/png" ? "png" : "jpg"}"`,
          "cache-control": "private, no-store",
          "x-content-type-options": "nosniff",
          "content-security-policy": "default-src 'none'; sandbox",
        },
        body: new Uint8Array(doc.content),
      };
    }),

    action: guard("case action", async (request, ctx) => {
      const l = await load(request, ctx);
      if (!("record" in l)) return l;
      const action = z.enum(ACTIONS).safeParse(request.params.action);
      if (!action.success) return notice("not-found", l.lang, l.header);
      const length = Number(request.headers.get("content-length") ?? "0");
      if (Number.isFinite(length) && length > MAX_BODY_BYTES) {
        const m = await model(l, l.record, {
          error: { action: action.data, field: "file", message: REFUSED[l.lang]["file-too-large"]! },
        });
        return page(422, renderCasePage(l.lang, m, l.header));
      }
      const form = await readForm(request);
      if (!staffCsrfMatches(l.session, form.fields.get("csrf"))) {
        ctx.warn(`portal case action ${action.data}: refused, CSRF token missing or wrong`);
        return notice("bad-form", l.lang, l.header);
      }
      const staff = l.session.staff;
      if (!mayActOnTenant(staff, l.tenantId) || (AGENT_ONLY.has(action.data) && !seesAllTenants(staff))) {
        await l.deps.portal!.recordStaffAction(staff, `refused.${action.data}`, {
          tenantId: l.tenantId,
          caseId: l.caseId,
        });
        return notice("refused", l.lang, l.header);
      }
      const actor = staffActorOf(staff);
      let result: Result;
      try {
        result = await runAction(l, action.data, form, actor);
      } catch (error) {
        // The case's state does not allow it (holding a paid case, resuming an open one): nothing was done.
        if ((error as { code?: unknown }).code !== "CASE_ACTION_NOT_ALLOWED") throw error;
        result = refused("form", "not-allowed", 409);
      }
      if (result.kind === "done") {
        await l.deps.portal!.recordStaffAction(staff, `case.${action.data}`, {
          tenantId: l.tenantId,
          caseId: l.caseId,
        });
        const path = `/portal/${encodeURIComponent(l.tenantId)}/saker/${encodeURIComponent(l.caseId)}`;
        return redirect(portalHref(path, l.lang, { melding: result.flash }));
      }
      let message = REFUSED[l.lang][result.code] ?? REFUSED[l.lang]["unavailable"]!;
      for (const [k, v] of Object.entries(result.vars ?? {})) message = message.replace(`{${k}}`, v);
      const values: Record<string, string> = {};
      for (const [k, v] of form.fields) if (k !== "csrf") values[k] = v.slice(0, 2000);
      const fresh = (await l.deps.cases.get(l.tenantId, l.caseId)) ?? l.record;
      const m = await model(l, fresh, {
        error: { action: action.data, field: result.field, message },
        values,
        ...(result.field === "form" ? { flash: { kind: "refused" as const, text: message } } : {}),
      });
      return page(result.status, renderCasePage(l.lang, m, l.header));
    }),

    script: async (): Promise<HttpResponseInit> => ({
      status: 200,
      headers: {
        "content-type": "text/javascript; charset=utf-8",
        "cache-control": "public, max-age=300",
        "x-content-type-options": "nosniff",
      },
      body: CASE_LIVE_SCRIPT,
    }),
  };
}

export function registerPortalCaseFunctions(deps: () => PortalCaseDeps): void {
  const f = makePortalCaseFunctions(deps);
  const durableClient = df.input.durableClient();
  app.http(names.PORTAL_CASE_FUNCTION, {
    route: names.PORTAL_CASE_ROUTE,
    methods: ["GET"],
    authLevel: "anonymous",
    handler: f.casePage,
  });
  app.http(names.PORTAL_CASE_LIVE_FUNCTION, {
    route: names.PORTAL_CASE_LIVE_ROUTE,
    methods: ["GET"],
    authLevel: "anonymous",
    handler: f.live,
  });
  app.http(names.PORTAL_CASE_DOCUMENT_FUNCTION, {
    route: names.PORTAL_CASE_DOCUMENT_ROUTE,
    methods: ["GET"],
    authLevel: "anonymous",
    handler: f.document,
  });
  app.http(names.PORTAL_CASE_ACTION_FUNCTION, {
    route: names.PORTAL_CASE_ACTION_ROUTE,
    methods: ["POST"],
    authLevel: "anonymous",
    extraInputs: [durableClient],
    handler: f.action,
  });
  app.http(names.PORTAL_CASE_SCRIPT_FUNCTION, {
    route: names.PORTAL_CASE_SCRIPT_ROUTE,
    methods: ["GET"],
    authLevel: "anonymous",
    handler: f.script,
  });
}
