/**
 * What Min side's pages show (issue 15): the overview of a signed-in subject's claims across creditors, and one
 * claim in full. Built from what the pay page and the receipt already compute — the balance today (`caseToPay`), the
 * debtor's stage (`debtorStage`), the fees with their letters (`feeLinesOf`) and the planner's next step
 * (`planCase`) — so the pages say the same as the pay link and the letters. Access is `mayAccessCase`, for every
 * case, on every page: a case the subject may not see is "not found", exactly like a missing one.
 */
import type { LocalDate } from "../../domain/calendar";
import type { Money } from "../../domain/money";
import type { ActionKind, InstalmentActionKind, StepKind } from "../../domain/policy";
import { isInstalmentActionKind } from "../../domain/planner";
import { instalmentStandings, type InstalmentStanding } from "../../domain/instalment-plans";
import type { CaseRecord, CaseStore, PersonCases } from "../../ports/case-store";
import type { Clock } from "../../ports/clock";
import type { InterestRateStore } from "../../ports/interest-rate-store";
import type { PayLinkStore } from "../../ports/pay-link-store";
import type { Random } from "../../ports/random";
import type { Tenant, TenantStore } from "../../ports/tenant-store";
import { todayIn } from "../case-context";
import { rulesWithEnteredRates, type RulesOn } from "../interest-rates";
import { issuePayLink } from "../pay-links";
import { planCase } from "../plan-next-step";
import { caseToPay, isPayable } from "../payments/pay-options";
import { contactsOf, debtorStage, feeLinesOf, type AgencyContact } from "../payments/debtor-view";
import type { ContactView, DebtorStage, FeeLine } from "../payments/pay-page-model";
import { repeatsInvoiceNumber } from "../../letters/letter-text";
import { caseAccess, mayAccessCase, mayActOnCase, type MinSideSubject } from "./subject";
import { DEBTOR_ACTION_RESULTS, type DebtorActionResult } from "./debtor-actions";

/** A closed claim stays on the overview this many days after its last change. */
export const RECENTLY_CLOSED_DAYS = 90;
/** At most this many of a person's claims are read for the overview. */
export const MAX_CLAIMS = 100;

export interface MinSidePagesDeps {
  cases: CaseStore;
  personCases: PersonCases;
  tenants: TenantStore;
  clock: Clock;
  interestRates?: InterestRateStore;
}

export interface ClaimSummary {
  tenantId: string;
  caseId: string;
  creditorName: string;
  invoiceNumber: string;
  description: string;
  status: CaseRecord["case"]["status"];
  stage: DebtorStage;
  /** What is owed today (principal + fees + interest). */
  dueToday: Money;
  dueDate: LocalDate;
  next?: { kind: ActionKind; on: LocalDate };
  open: boolean;
  /** Reached through a power of attorney: whose claim it is and what the person may do (absent: their own). */
  heldFor?: { grantorName: string; scope: "read" | "act" };
}

export interface TimelineItem {
  on: string;
  kind: "invoice" | "due" | "message" | "payment" | "credit-note" | "status" | "action" | "thread";
  /** Thread: a message in the claim's thread with customer service, by whom (never its text: the thread has it). */
  from?: "debtor" | "customer-service";
  /** Action: what the debtor did on Min side (deferral, plan, dispute, "I have paid"), and its date if it has one. */
  action?: DebtorActionResult | "attorney-granted" | "attorney-revoked";
  /** Action: done by someone holding a power of attorney. */
  byAttorney?: boolean;
  actionDate?: string;
  /** Message: the step (reminder, lets-pay-sms, …); status: the case status. */
  step?: StepKind;
  /** Message: an instalment plan's own message (reminder, plan ended), about the instalment due `actionDate`. */
  instalment?: InstalmentActionKind;
  channel?: "email" | "digital-mailbox" | "print" | "sms";
  state?: "queued" | "dispatched" | "delivered" | "failed";
  amount?: Money;
  status?: CaseRecord["case"]["status"];
}

export interface ClaimDocument {
  documentId: string;
  kind: string;
  on: string;
}

/** The claim's instalment plan as Min side shows it: every instalment with its date, amount and where it stands. */
export interface PlanView {
  state: "active" | "broken" | "completed";
  instalments: InstalmentStanding[];
  /** What is left of the instalment to pay next (the pay button), while the plan runs. */
  next?: { dueDate: LocalDate; amount: Money };
}

export interface ClaimView extends ClaimSummary {
  kid: string;
  issueDate: LocalDate;
  balance: { principal: Money; fees: Money; interest: Money; total: Money };
  invoiced: Money;
  feeLines: FeeLine[];
  paid: Money;
  timeline: TimelineItem[];
  documents: ClaimDocument[];
  /** The creditor sent its own PDF of the invoice (offered as the original; else a generated copy). */
  originalInvoice: boolean;
  creditorContact?: ContactView;
  agencyContact?: ContactView;
  plan?: PlanView;
}

function planOf(record: CaseRecord, today: LocalDate): PlanView | undefined {
  const plan = record.case.instalmentPlan;
  if (!plan) return undefined;
  const instalments = instalmentStandings(record.case, today);
  const next = plan.state === "active" ? instalments.find((i) => i.left.value > 0) : undefined;
  return { state: plan.state, instalments, ...(next ? { next: { dueDate: next.dueDate, amount: next.left } } : {}) };
}

function description(record: CaseRecord): string {
  return record.case.lines
    .map((l) => l.description)
    .filter((d) => !repeatsInvoiceNumber(d, record.invoiceNumber))
    .join(", ");
}

function nextStep(record: CaseRecord, tenant: Tenant, now: Date, rules: RulesOn): ClaimSummary["next"] {
  if (!isPayable(record.case)) return undefined;
  const next = planCase(record, tenant, now, rules).plan;
  if (next.kind === "act") return { kind: next.action.kind, on: next.action.on };
  if (next.kind === "wait") return { kind: next.next.kind, on: todayIn(record.case.country, next.next.at) };
  return undefined;
}

function summaryOf(record: CaseRecord, tenant: Tenant, now: Date, rules: RulesOn): ClaimSummary {
  const toPay = caseToPay(record.caseId, record.case, now, rules);
  const next = nextStep(record, tenant, now, rules);
  return {
    tenantId: record.tenantId,
    caseId: record.caseId,
    creditorName: tenant.name,
    invoiceNumber: record.invoiceNumber,
    description: description(record),
    status: record.case.status,
    stage: debtorStage(record.case),
    dueToday: toPay.total,
    dueDate: record.case.deferredDueDate ?? record.case.dueDate,
    ...(next ? { next } : {}),
    open: isPayable(record.case),
  };
}

function timelineOf(record: CaseRecord): TimelineItem[] {
  const c = record.case;
  const items: TimelineItem[] = [
    { on: c.issueDate, kind: "invoice" },
    { on: c.dueDate, kind: "due" },
  ];
  const ladderDeliveries = (record.deliveries ?? []).filter((d) => !isInstalmentActionKind(d.kind));
  for (const d of ladderDeliveries) {
    const step = c.steps.find((s) => s.stepIndex === d.stepIndex);
    items.push({
      on: d.deliveredAt ?? d.failedAt ?? d.dispatchedAt ?? d.queuedAt,
      kind: "message",
      ...(step ? { step: step.kind } : {}),
      channel: d.channel,
      state: d.state,
    });
  }
  // Steps recorded before deliveries were tracked: the step itself, with its channel — unless the step's own
  // record says nothing went out (a Let's pay SMS to a debtor with no phone number or no consent): never "sent".
  for (const s of c.steps) {
    if (ladderDeliveries.some((d) => d.stepIndex === s.stepIndex)) continue;
    if (s.kind === "suspension" || s.kind === "legal-handoff") continue;
    if (notSent(record, s.stepIndex)) continue;
    items.push({ on: s.at, kind: "message", step: s.kind, ...(s.channel ? { channel: channelOf(s.channel) } : {}) });
  }
  // The instalment plan's own messages, with the state of the SMS (its delivery report) or the channel's word.
  for (const e of record.timeline) {
    const kind = e.details?.["action"];
    const key = e.details?.["key"];
    if (typeof kind !== "string" || !isInstalmentActionKind(kind) || typeof key !== "string") continue;
    const sent = e.details?.["delivery"] as { channel?: string; status?: string } | undefined;
    if (sent?.status === "skipped") continue; // nothing reached the debtor
    const sms = (record.deliveries ?? []).find((d) => d.deliveryId === `${key}:sms`);
    const dueDate = e.details?.["dueDate"];
    items.push({
      on: sms?.deliveredAt ?? sms?.failedAt ?? e.at,
      kind: "message",
      instalment: kind,
      ...(typeof dueDate === "string" ? { actionDate: dueDate } : {}),
      ...(sent?.channel === "sms" || sent?.channel === "email" ? { channel: sent.channel } : {}),
      ...(sms ? { state: sms.state } : sent?.status === "failed" ? { state: "failed" as const } : {}),
    });
  }
  for (const e of c.ledger) {
    if (e.type === "payment") items.push({ on: e.on, kind: "payment", amount: e.amount });
    if (e.type === "credit-note") items.push({ on: e.on, kind: "credit-note", amount: e.amount });
  }
  for (const e of record.timeline) {
    const action =
      e.details?.via === "min-side"
        ? [...DEBTOR_ACTION_RESULTS, "attorney-granted" as const, "attorney-revoked" as const].find(
            (a) => a === e.details?.action,
          )
        : undefined;
    if (!action) continue;
    const d = e.details ?? {};
    const date = [
      d.newDueDate,
      d.requestedDueDate,
      d.pausedUntil,
      action === "attorney-granted" ? d.validUntil : undefined,
    ].find((v): v is string => typeof v === "string");
    const byAttorney = (d.actor as { kind?: unknown } | undefined)?.kind === "debtor-attorney";
    items.push({
      on: e.at,
      kind: "action",
      action,
      ...(date ? { actionDate: date } : {}),
      ...(byAttorney ? { byAttorney } : {}),
    });
  }
  // The claim's message thread: that the debtor wrote or customer service answered, and when (the text stays in the
  // thread; the page links to it).
  for (const e of record.timeline) {
    if (e.kind !== "message") continue;
    const action = e.details?.action;
    if (action === "message" && e.details?.via === "min-side") {
      const byAttorney = (e.details.actor as { kind?: unknown } | undefined)?.kind === "debtor-attorney";
      items.push({ on: e.at, kind: "thread", from: "debtor", ...(byAttorney ? { byAttorney } : {}) });
    } else if (action === "reply") items.push({ on: e.at, kind: "thread", from: "customer-service" });
  }
  if (c.status === "paid" || c.status === "cancelled")
    items.push({ on: record.updatedAt, kind: "status", status: c.status });
  return items.sort((a, b) => a.on.localeCompare(b.on));
}

/** The step's timeline entry says its message was skipped (no address, no consent): nothing reached the debtor. */
function notSent(record: CaseRecord, stepIndex: number): boolean {
  return record.timeline.some((e) => {
    if (e.kind !== "step-executed" || e.details?.["stepIndex"] !== stepIndex) return false;
    const delivery = e.details?.["delivery"] as { status?: unknown } | undefined;
    return delivery?.status === "skipped";
  });
}

function channelOf(channel: string): TimelineItem["channel"] {
  switch (channel) {
    case "sms":
      return "sms";
    case "email":
      return "email";
    case "digital-mailbox":
    case "digipost":
      return "digital-mailbox";
    default:
      return "print";
  }
}

/**
 * Cases the subject may see: a person's across creditors and those of the powers of attorney the person holds now
 * (all of the grantor's claims, or the chosen ones), or the one case of a PIN sign-in.
 */
export async function casesOf(deps: MinSidePagesDeps, subject: MinSideSubject): Promise<CaseRecord[]> {
  if (subject.kind === "case") {
    const record = await deps.cases.get(subject.tenantId, subject.caseId);
    return record && mayAccessCase(subject, record) ? [record] : [];
  }
  const own = deps.personCases.listByNationalId(subject.nationalId, MAX_CLAIMS);
  const held = (subject.held ?? []).map(async (g) =>
    g.cases === "all"
      ? deps.personCases.listByNationalId(g.grantorNationalId, MAX_CLAIMS)
      : (await Promise.all(g.cases.map((c) => deps.cases.get(c.tenantId, c.caseId)))).filter(
          (r): r is CaseRecord => r !== undefined,
        ),
  );
  const all = (await Promise.all([own, ...held])).flat();
  const unique = new Map(all.map((r) => [`${r.tenantId}/${r.caseId}`, r]));
  return [...unique.values()].filter((r) => mayAccessCase(subject, r));
}

/** Whose claim it is when the subject reaches it through a power of attorney (for the pages' words). */
export function heldForOf(
  subject: MinSideSubject,
  record: CaseRecord,
): { heldFor: NonNullable<ClaimSummary["heldFor"]> } | Record<string, never> {
  const access = caseAccess(subject, record);
  return access?.kind === "attorney"
    ? { heldFor: { grantorName: access.grant.grantorName, scope: access.grant.scope } }
    : {};
}

/** One case if the subject may see it; undefined for a missing case and for someone else's alike. */
export async function accessibleCase(
  deps: Pick<MinSidePagesDeps, "cases">,
  subject: MinSideSubject,
  tenantId: string,
  caseId: string,
): Promise<CaseRecord | undefined> {
  if (!/^[A-Za-z0-9_-]{1,80}$/u.test(tenantId) || !/^[A-Za-z0-9_-]{1,80}$/u.test(caseId)) return undefined;
  const record = await deps.cases.get(tenantId, caseId);
  return record && mayAccessCase(subject, record) ? record : undefined;
}

export async function tenantsOf(deps: MinSidePagesDeps, records: CaseRecord[]): Promise<Map<string, Tenant>> {
  const ids = [...new Set(records.map((r) => r.tenantId))];
  const tenants = await Promise.all(ids.map((id) => deps.tenants.get(id)));
  return new Map(tenants.filter((t): t is Tenant => t !== undefined).map((t) => [t.tenantId, t]));
}

export function makeLoadOverview(deps: MinSidePagesDeps) {
  return async (subject: MinSideSubject): Promise<{ open: ClaimSummary[]; closed: ClaimSummary[] }> => {
    const records = await casesOf(deps, subject);
    const now = deps.clock.now();
    const tenants = await tenantsOf(deps, records);
    const rules = await rulesWithEnteredRates(deps);
    const cutoff = new Date(now.getTime() - RECENTLY_CLOSED_DAYS * 86_400_000).toISOString();
    const summaries = records.flatMap((r) => {
      const tenant = tenants.get(r.tenantId);
      if (!tenant) return [];
      if (!isPayable(r.case) && r.updatedAt < cutoff) return [];
      return [{ ...summaryOf(r, tenant, now, rules), ...heldForOf(subject, r) }];
    });
    const byDue = (a: ClaimSummary, b: ClaimSummary) =>
      a.dueDate.localeCompare(b.dueDate) || a.creditorName.localeCompare(b.creditorName);
    return {
      open: summaries.filter((s) => s.open).sort(byDue),
      closed: summaries.filter((s) => !s.open).sort((a, b) => byDue(b, a)),
    };
  };
}

export function makeLoadClaim(deps: MinSidePagesDeps, config: { agency?: AgencyContact }) {
  return async (subject: MinSideSubject, tenantId: string, caseId: string): Promise<ClaimView | undefined> => {
    const record = await accessibleCase(deps, subject, tenantId, caseId);
    if (!record) return undefined;
    const tenant = await deps.tenants.get(record.tenantId);
    if (!tenant) return undefined;
    const now = deps.clock.now();
    const rules = await rulesWithEnteredRates(deps);
    const toPay = caseToPay(record.caseId, record.case, now, rules);
    const fees = feeLinesOf(record, toPay.fees);
    const invoiced = record.case.lines.reduce((sum, l) => sum + l.amount.value, 0);
    const paid = record.case.ledger.reduce((sum, e) => (e.type === "payment" ? sum + e.amount.value : sum), 0);
    return {
      ...summaryOf(record, tenant, now, rules),
      ...heldForOf(subject, record),
      kid: record.kid,
      issueDate: record.case.issueDate,
      balance: { principal: toPay.principal, fees: toPay.fees, interest: toPay.interest, total: toPay.total },
      invoiced: { value: invoiced, currency: record.case.currency },
      feeLines: fees.lines,
      paid: { value: paid, currency: record.case.currency },
      timeline: timelineOf(record),
      documents: record.documents
        // The letters; a file staff uploaded to the case (portal, kind "staff-upload") is the creditor's, not shown here.
        .filter((d) => d.contentType === "application/pdf" && d.kind !== "staff-upload")
        .map((d) => ({ documentId: d.documentId, kind: d.kind, on: d.createdAt })),
      originalInvoice: record.invoiceDocument !== undefined,
      ...contactsOf(tenant, config.agency),
      ...(() => {
        const plan = planOf(record, todayIn(record.case.country, now));
        return plan ? { plan } : {};
      })(),
    };
  };
}

/** The pay button: a pay link for this one case (the existing pay flow), when the subject may see it and it owes. */
export function makeIssueClaimPayLink(
  deps: Pick<MinSidePagesDeps, "cases" | "clock"> & { payLinks: PayLinkStore; random: Random },
  config: { publicBaseUrl: string },
) {
  return async (subject: MinSideSubject, tenantId: string, caseId: string): Promise<string | undefined> => {
    const record = await accessibleCase(deps, subject, tenantId, caseId);
    // Paying is acting: a read-only power of attorney may see the claim, not pay it from here.
    if (!record || !isPayable(record.case) || !mayActOnCase(subject, record)) return undefined;
    // A short link: the debtor is signed in and pays now.
    const issued = await issuePayLink(
      deps,
      { publicBaseUrl: config.publicBaseUrl, payLinkValidityDays: 1 },
      { tenantId: record.tenantId, caseIds: [record.caseId] },
      deps.clock.now(),
    );
    return new URL(issued.url).pathname;
  };
}
