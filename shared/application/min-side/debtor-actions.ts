/**
 * Min side: what a signed-in debtor can DO on a claim (issue 15) — each a case event with the actor and the time, on
 * the case's timeline (the creditor's API) and published as `case.debtor_action` (the creditor's webhook):
 *
 * - **Deferral** (`utsettelse`): up to the creditor's `maxDeferralDays`, and only the case's first deferral, is granted
 *   at once — the domain's `deferral-granted` moves the ladder (its offsets run from the new due date; late interest
 *   still runs from the original one). Longer, or a second one, is sent to the creditor to decide: a timeline entry
 *   and the webhook, nothing else changes.
 * - **Instalment plan** (`nedbetaling`): the plans within the creditor's limits (domain/instalment-plans.ts), as of
 *   today's balance; the debtor picks one by its number of months, the server builds it again (amounts never come from
 *   the form) → `instalment-plan-agreed`; the planner waits while it runs and the pay page offers the instalment due.
 * - **Dispute** (`innsigelse`): a reason and an optional attachment → `dispute-opened`: collection stops, and the
 *   creditor is asked to uphold or withdraw the claim (`case.status_changed` and this webhook).
 * - **"I have paid"** (`jeg-har-betalt`): a receipt (required) → `payment-claimed`: the ladder's next step waits
 *   `PAYMENT_CLAIM_PAUSE_DAYS` days (status, balance and interest unchanged), and customer service gets a task: a
 *   timeline entry marked `task: "check-reported-payment"` with the receipt's upload id, and the webhook.
 *
 * Access: a case the session may not see (`mayAccessCase`) is reported exactly as a missing one (CaseNotFound → 404).
 * The actor is the sign-in kind and a hash of the session id — never the national id.
 */
import { createHash } from "node:crypto";
import { addDays, type LocalDate } from "../../domain/calendar";
import { balanceOn, ladderAnchor, type Case, type CaseStatus } from "../../domain/case";
import { proposeInstalmentPlans, type ProposedPlan } from "../../domain/instalment-plans";
import { money, type Money } from "../../domain/money";
import { instalmentLimitsOf, type LadderPolicy } from "../../domain/policy";
import type { CaseRecord, TimelineEntry } from "../../ports/case-store";
import type { DebtorUploadPurpose, DebtorUploadStore } from "../../ports/debtor-upload-store";
import { CaseNotFound, TenantNotFound } from "../../ports/errors";
import type { Random } from "../../ports/random";
import type { Tenant } from "../../ports/tenant-store";
import { applyCaseAction, type CaseActionDeps } from "../apply-case-event";
import { caseEvent, ladderOf, todayIn } from "../case-context";
import { rulesWithEnteredRates } from "../interest-rates";
import { eventMessages, relayOutbox, withOutbox } from "../outbox";
import { caseAccess, mayActOnCase, type MinSideActor, type MinSideSession } from "./subject";
import { checkUpload, type UploadRefusal } from "./uploads";
import type { WorkItemStore } from "../../ports/work-item-store";
import { openWork } from "../portal/work-items";
import { byStaff, type StaffActor } from "../portal/staff-actor";

/** Days the ladder's next step waits after the debtor says the claim is paid (bank transfers take 1–3 working days). */
export const PAYMENT_CLAIM_PAUSE_DAYS = 5;
/** The longest deferral a debtor may ask for at all (longer ones are refused at the field). */
export const MAX_REQUESTED_DEFERRAL_DAYS = 90;
/** Days from today to a chosen plan's first instalment. */
export const FIRST_INSTALMENT_AFTER_DAYS = 14;
export const MAX_REASON_LENGTH = 2000;

export interface DebtorActionUseCaseDeps extends CaseActionDeps {
  uploads: DebtorUploadStore;
  random: Random;
  /** Customer service's inbox: a dispute and a payment report are work for it (issue 16). */
  workItems?: WorkItemStore;
}

export type DebtorAction = "deferral" | "instalment-plan" | "dispute" | "payment-reported";

/** Why an action cannot be taken on this case now (the form then says so instead of showing its fields). */
export type Unavailable = "closed" | "disputed" | "plan-active" | "no-plans" | "already-reported";

export type FieldRefusal =
  "days-invalid" | "plan-choice" | "reason-missing" | "reason-too-long" | "file-missing" | "csrf" | UploadRefusal;

/** What every form shows about the claim. */
export interface ClaimSummary {
  tenantId: string;
  caseId: string;
  creditor: { name: string; logoUrl?: string };
  invoiceNumber: string;
  status: CaseStatus;
  /** Owed today (principal, fees and interest through today). */
  owedToday: Money;
  /** The due date the ladder runs from (a deferral's, else the invoice's). */
  dueDate: LocalDate;
  today: LocalDate;
}

export interface ActionForm {
  claim: ClaimSummary;
  unavailable?: Unavailable;
  /** Deferral: the days granted at once (0: every request goes to the creditor). */
  maxDeferralDays: number;
  /** Whether a deferral asked for now would be decided by the creditor whatever its length (one was given before). */
  deferralNeedsCreditor: boolean;
  /** Instalment plan: the plans to choose from. */
  plans: ProposedPlan[];
  /** "I have paid": the day the ladder would wait until. */
  pauseUntil: LocalDate;
}

export const DEBTOR_ACTION_RESULTS = [
  "deferral-granted",
  "deferral-requested",
  "plan-agreed",
  "dispute-opened",
  "payment-reported",
] as const;
export type DebtorActionResult = (typeof DEBTOR_ACTION_RESULTS)[number];

export type ActionOutcome =
  | { kind: "done"; result: DebtorActionResult; newDueDate?: LocalDate; pausedUntil?: LocalDate }
  | { kind: "refused"; field: string; code: FieldRefusal }
  | { kind: "unavailable"; reason: Unavailable };

export interface UploadedFile {
  content: Uint8Array;
}

/**
 * The actor recorded for a session's actions: the sign-in kind and the session id hashed (never the national id);
 * on a case the person reaches through a power of attorney, `debtor-attorney` with the grant's id.
 */
export function actorOf(
  session: MinSideSession,
  record?: Pick<CaseRecord, "tenantId" | "caseId" | "customer">,
): MinSideActor {
  const sessionRef = createHash("sha256").update(session.sessionId).digest("hex").slice(0, 16);
  const access = record ? caseAccess(session.subject, record) : undefined;
  if (access?.kind === "attorney") return { kind: "debtor-attorney", sessionRef, grantRef: access.grant.grantId };
  return { kind: session.subject.kind === "person" ? "debtor-bankid" : "debtor-case-pin", sessionRef };
}

/**
 * Customer service (a service agent or an operator) acting on the debtor's behalf from the portal (issue 16): the
 * same rules and the same case events as on Min side, recorded as done by the agent (`details.actor` kind `staff`).
 * The portal has checked that the staff user may act on the case's tenant.
 */
export interface OnBehalf {
  onBehalf: StaffActor;
}

/** Who submits a debtor action: the debtor's own Min side session, or customer service on the debtor's behalf. */
export type Acting = MinSideSession | OnBehalf;

function isOnBehalf(acting: Acting): acting is OnBehalf {
  return "onBehalf" in acting;
}

function actingActor(acting: Acting, record: Loaded["record"]): MinSideActor | StaffActor {
  return isOnBehalf(acting) ? acting.onBehalf : actorOf(acting, record);
}

/** Where the action was taken, for the timeline's title. */
function onMinSide(actor: MinSideActor | StaffActor): string {
  return actor.kind === "staff" ? `on the debtor's behalf${byStaff(actor)}` : "on Min side";
}

interface Loaded {
  record: CaseRecord;
  tenant: Tenant;
  policy: LadderPolicy;
  today: LocalDate;
  owedToday: Money;
}

/** The case if this session may see it; otherwise the same CaseNotFound as for a case that does not exist. */
async function load(deps: DebtorActionUseCaseDeps, session: Acting, tenantId: string, caseId: string): Promise<Loaded> {
  const record = await deps.cases.get(tenantId, caseId);
  // A case reached with a read-only power of attorney is, for every action, like one the person may not see.
  // Staff on the debtor's behalf: the portal checked the staff user may act on this tenant (mayActOnTenant).
  if (!record || (!isOnBehalf(session) && !mayActOnCase(session.subject, record))) throw new CaseNotFound(caseId);
  const tenant = await deps.tenants.get(tenantId);
  if (!tenant) throw new TenantNotFound(tenantId);
  const now = deps.clock.now();
  const today = todayIn(record.case.country, now);
  const rulesOn = await rulesWithEnteredRates(deps);
  const owedToday = balanceOn(record.case, today, rulesOn(record.case.country, today)).total;
  return { record, tenant, policy: ladderOf(tenant, record.case.country), today, owedToday };
}

function plansFor(l: Loaded): ProposedPlan[] {
  return proposeInstalmentPlans(
    l.owedToday,
    instalmentLimitsOf(l.policy),
    addDays(l.today, FIRST_INSTALMENT_AFTER_DAYS),
  );
}

const CLOSED: readonly CaseStatus[] = ["paid", "cancelled"];

function unavailableFor(action: DebtorAction, c: Case, l: Loaded): Unavailable | undefined {
  if (CLOSED.includes(c.status) || l.owedToday.value <= 0) return "closed";
  switch (action) {
    case "deferral":
      if (c.status === "disputed") return "disputed";
      if (c.status === "handed-off") return "closed";
      if (c.instalmentPlan?.state === "active") return "plan-active";
      return undefined;
    case "instalment-plan":
      if (c.status === "disputed") return "disputed";
      if (c.instalmentPlan?.state === "active") return "plan-active";
      return plansFor(l).length === 0 ? "no-plans" : undefined;
    case "dispute":
      return c.status === "disputed" ? "disputed" : undefined;
    case "payment-reported":
      return c.pausedUntil !== undefined && c.pausedUntil > l.today ? "already-reported" : undefined;
  }
}

function summaryOf(l: Loaded): ClaimSummary {
  return {
    tenantId: l.record.tenantId,
    caseId: l.record.caseId,
    creditor: { name: l.tenant.name, ...(l.tenant.logoUrl ? { logoUrl: l.tenant.logoUrl } : {}) },
    invoiceNumber: l.record.invoiceNumber,
    status: l.record.case.status,
    owedToday: l.owedToday,
    dueDate: ladderAnchor(l.record.case),
    today: l.today,
  };
}

/** What a form shows (GET): the claim, the creditor's limits, the plans; or why the action is not open now. */
export function makeLoadActionForm(deps: DebtorActionUseCaseDeps) {
  return async (session: Acting, tenantId: string, caseId: string, action: DebtorAction): Promise<ActionForm> => {
    const l = await load(deps, session, tenantId, caseId);
    const unavailable = unavailableFor(action, l.record.case, l);
    return {
      claim: summaryOf(l),
      ...(unavailable ? { unavailable } : {}),
      maxDeferralDays: l.policy.maxDeferralDays,
      deferralNeedsCreditor: l.record.case.deferredDueDate !== null,
      plans: action === "instalment-plan" && !unavailable ? plansFor(l) : [],
      pauseUntil: addDays(l.today, PAYMENT_CLAIM_PAUSE_DAYS),
    };
  };
}

function debtorActionEvent(
  action: string,
  record: CaseRecord,
  actor: MinSideActor | StaffActor,
  now: Date,
  data: Record<string, unknown>,
) {
  return caseEvent("case.debtor_action", record, `${action}:${String(record.timeline.length)}`, now, {
    action,
    actor,
    ...data,
  });
}

function timelineEntry(
  at: string,
  title: string,
  actor: MinSideActor | StaffActor,
  details: Record<string, unknown>,
  kind: TimelineEntry["kind"] = "status-changed",
  legalBasis?: string,
): TimelineEntry {
  return {
    at,
    kind,
    title,
    ...(legalBasis ? { legalBasis } : {}),
    details: { ...details, actor, via: actor.kind === "staff" ? "portal" : "min-side" },
  };
}

/** Adds an entry and an event to the case without a domain event (a request for the creditor to decide). */
async function recordOnly(
  deps: DebtorActionUseCaseDeps,
  l: Loaded,
  entry: TimelineEntry,
  event: (record: CaseRecord) => ReturnType<typeof debtorActionEvent>,
): Promise<void> {
  const now = deps.clock.now();
  const written = await deps.cases.update(l.record.tenantId, l.record.caseId, (current) => {
    const next: CaseRecord = { ...current, timeline: [...current.timeline, entry], updatedAt: entry.at };
    return withOutbox(next, eventMessages([event(current)]), now);
  });
  await relayOutbox(deps, written);
}

function parseDays(raw: string | undefined): number | undefined {
  if (raw === undefined || !/^\s*\d{1,3}\s*$/u.test(raw)) return undefined;
  const days = Number(raw.trim());
  return days >= 1 && days <= MAX_REQUESTED_DEFERRAL_DAYS ? days : undefined;
}

/** POST utsettelse: `days` (1–90). */
export function makeRequestDeferral(deps: DebtorActionUseCaseDeps) {
  return async (
    session: Acting,
    tenantId: string,
    caseId: string,
    input: { days?: string },
  ): Promise<ActionOutcome> => {
    const l = await load(deps, session, tenantId, caseId);
    const unavailable = unavailableFor("deferral", l.record.case, l);
    if (unavailable) return { kind: "unavailable", reason: unavailable };
    const days = parseDays(input.days);
    if (days === undefined) return { kind: "refused", field: "days", code: "days-invalid" };
    const actor = actingActor(session, l.record);
    const from = ladderAnchor(l.record.case) > l.today ? ladderAnchor(l.record.case) : l.today;
    const newDueDate = addDays(from, days);
    const inside = days <= l.policy.maxDeferralDays && l.record.case.deferredDueDate === null;
    if (!inside) {
      const at = deps.clock.now().toISOString();
      const entry = timelineEntry(
        at,
        `Deferral asked for by the debtor: ${String(days)} days, to ${newDueDate} — for the creditor to decide`,
        actor,
        {
          action: "deferral-requested",
          days,
          requestedDueDate: newDueDate,
          maxDeferralDays: l.policy.maxDeferralDays,
          decision: "creditor",
        },
        "message",
      );
      await recordOnly(deps, l, entry, (record) =>
        debtorActionEvent("deferral-requested", record, actor, deps.clock.now(), {
          days,
          requestedDueDate: newDueDate,
          decision: "creditor",
        }),
      );
      return { kind: "done", result: "deferral-requested", newDueDate };
    }
    await applyCaseAction(deps, tenantId, caseId, {
      reason: "deferral-granted",
      event: () => ({ type: "deferral-granted", on: l.today, newDueDate }),
      timeline: (_b, _a, at) =>
        timelineEntry(
          at,
          `Deferral granted ${onMinSide(actor)}: ${String(days)} days, the ladder runs from ${newDueDate}`,
          actor,
          {
            action: "deferral-granted",
            days,
            newDueDate,
            maxDeferralDays: l.policy.maxDeferralDays,
          },
        ),
      events: (_b, _a, now, record) => [
        debtorActionEvent("deferral-granted", record, actor, now, { days, newDueDate }),
      ],
    });
    return { kind: "done", result: "deferral-granted", newDueDate };
  };
}

/** POST nedbetaling: `months`, one of the plans offered today. */
export function makeAgreeInstalmentPlan(deps: DebtorActionUseCaseDeps) {
  return async (
    session: Acting,
    tenantId: string,
    caseId: string,
    input: { months?: string },
  ): Promise<ActionOutcome> => {
    const l = await load(deps, session, tenantId, caseId);
    const unavailable = unavailableFor("instalment-plan", l.record.case, l);
    if (unavailable) return { kind: "unavailable", reason: unavailable };
    const plan = plansFor(l).find((p) => String(p.months) === input.months?.trim());
    if (!plan) return { kind: "refused", field: "months", code: "plan-choice" };
    const actor = actingActor(session, l.record);
    await applyCaseAction(deps, tenantId, caseId, {
      reason: "instalment-plan-agreed",
      event: () => ({ type: "instalment-plan-agreed", on: l.today, instalments: plan.instalments }),
      timeline: (_b, _a, at) =>
        timelineEntry(
          at,
          `Instalment plan chosen ${onMinSide(actor)}: ${String(plan.months)} monthly instalments`,
          actor,
          {
            action: "plan-agreed",
            months: plan.months,
            instalments: plan.instalments,
            fee: plan.fee,
            totalCost: plan.totalCost,
          },
        ),
      events: (_b, _a, now, record) => [
        debtorActionEvent("instalment-plan-agreed", record, actor, now, {
          months: plan.months,
          instalments: plan.instalments,
          totalCost: plan.totalCost,
        }),
      ],
    });
    return { kind: "done", result: "plan-agreed" };
  };
}

async function storeUpload(
  deps: DebtorActionUseCaseDeps,
  l: Loaded,
  purpose: DebtorUploadPurpose,
  file: UploadedFile,
  contentType: string,
): Promise<{ uploadId: string; contentType: string; bytes: number; sha256: string }> {
  const uploadId = `${purpose}-${Buffer.from(deps.random.bytes(12)).toString("hex")}`;
  const content = Buffer.from(file.content);
  await deps.uploads.put({
    tenantId: l.record.tenantId,
    caseId: l.record.caseId,
    uploadId,
    purpose,
    contentType,
    content,
    createdAt: deps.clock.now(),
  });
  return { uploadId, contentType, bytes: content.length, sha256: createHash("sha256").update(content).digest("hex") };
}

/** POST innsigelse: `reason` (required), `attachment` (optional file). */
export function makeOpenDebtorDispute(deps: DebtorActionUseCaseDeps) {
  return async (
    session: Acting,
    tenantId: string,
    caseId: string,
    input: { reason?: string; attachment?: UploadedFile },
  ): Promise<ActionOutcome> => {
    const l = await load(deps, session, tenantId, caseId);
    const unavailable = unavailableFor("dispute", l.record.case, l);
    if (unavailable) return { kind: "unavailable", reason: unavailable };
    const reason = (input.reason ?? "").trim();
    if (reason.length === 0) return { kind: "refused", field: "reason", code: "reason-missing" };
    if (reason.length > MAX_REASON_LENGTH) return { kind: "refused", field: "reason", code: "reason-too-long" };
    let attachment: Awaited<ReturnType<typeof storeUpload>> | undefined;
    if (input.attachment && input.attachment.content.length > 0) {
      const check = checkUpload(input.attachment.content);
      if (!check.ok) return { kind: "refused", field: "attachment", code: check.code };
      attachment = await storeUpload(deps, l, "dispute", input.attachment, check.contentType);
    }
    const actor = actingActor(session, l.record);
    await openWork(deps.workItems, "dispute", l.record, deps.clock.now());
    await applyCaseAction(deps, tenantId, caseId, {
      reason: "dispute-opened",
      event: () => ({ type: "dispute-opened", on: l.today, reason }),
      timeline: (_b, _a, at) =>
        timelineEntry(
          at,
          `Disputed by the debtor ${onMinSide(actor)}: follow-up and any suspension wait for the creditor to uphold or withdraw the claim`,
          actor,
          { action: "dispute-opened", reason, ...(attachment ? { attachment } : {}), decision: "creditor" },
          "status-changed",
          "inkassoloven § 9 (no collection steps on a claim with a justified objection)",
        ),
      events: (_b, _a, now, record) => [
        debtorActionEvent("dispute-opened", record, actor, now, {
          attachment: attachment ? { uploadId: attachment.uploadId, contentType: attachment.contentType } : null,
          decision: "creditor",
          outcomes: ["claim-upheld", "claim-withdrawn"],
        }),
      ],
    });
    return { kind: "done", result: "dispute-opened" };
  };
}

/** POST jeg-har-betalt: `receipt` (required file), `message` (optional). */
export function makeReportPayment(deps: DebtorActionUseCaseDeps) {
  return async (
    session: Acting,
    tenantId: string,
    caseId: string,
    input: { receipt?: UploadedFile; message?: string },
  ): Promise<ActionOutcome> => {
    const l = await load(deps, session, tenantId, caseId);
    const unavailable = unavailableFor("payment-reported", l.record.case, l);
    if (unavailable) return { kind: "unavailable", reason: unavailable };
    const message = (input.message ?? "").trim();
    if (message.length > MAX_REASON_LENGTH) return { kind: "refused", field: "message", code: "reason-too-long" };
    if (!input.receipt || input.receipt.content.length === 0)
      return { kind: "refused", field: "receipt", code: "file-missing" };
    const check = checkUpload(input.receipt.content);
    if (!check.ok) return { kind: "refused", field: "receipt", code: check.code };
    const receipt = await storeUpload(deps, l, "payment-receipt", input.receipt, check.contentType);
    const actor = actingActor(session, l.record);
    await openWork(deps.workItems, "payment-report", l.record, deps.clock.now());
    const pausedUntil = addDays(l.today, PAYMENT_CLAIM_PAUSE_DAYS);
    if (l.record.case.status === "handed-off") {
      // The ladder is done (legal steps): nothing to pause, the task alone.
      const entry = timelineEntry(
        deps.clock.now().toISOString(),
        "Task for customer service: the debtor reports having paid and sent a receipt — check it",
        actor,
        { action: "payment-reported", task: "check-reported-payment", receipt, ...(message ? { message } : {}) },
        "message",
      );
      await recordOnly(deps, l, entry, (record) =>
        debtorActionEvent("payment-reported", record, actor, deps.clock.now(), {
          task: "check-reported-payment",
          receipt: { uploadId: receipt.uploadId, contentType: receipt.contentType },
        }),
      );
      return { kind: "done", result: "payment-reported" };
    }
    await applyCaseAction(deps, tenantId, caseId, {
      reason: "payment-reported",
      event: () => ({ type: "payment-claimed", on: l.today, until: pausedUntil }),
      timeline: (_b, _a, at) =>
        timelineEntry(
          at,
          `Task for customer service: the debtor reports having paid and sent a receipt — check it; the next step waits until ${pausedUntil}`,
          actor,
          {
            action: "payment-reported",
            task: "check-reported-payment",
            receipt,
            pausedUntil,
            ...(message ? { message } : {}),
          },
          "message",
        ),
      events: (_b, _a, now, record) => [
        debtorActionEvent("payment-reported", record, actor, now, {
          task: "check-reported-payment",
          receipt: { uploadId: receipt.uploadId, contentType: receipt.contentType },
          pausedUntil,
        }),
      ],
    });
    return { kind: "done", result: "payment-reported", pausedUntil };
  };
}

/** The zero amount in the claim's currency (for pages that show "no fee"). */
export function zeroIn(owed: Money): Money {
  return money(0, owed.currency);
}
