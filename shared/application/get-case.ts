/**
 * Reading cases for the creditor: one case with its balance as of today (Europe/Oslo for Norway: interest through
 * today), what happens next and why (the domain planner), and its timeline; or a page of cases.
 * Another tenant's case is "not found".
 */
import { balanceOf, balanceOn, interestThrough, type Case, type CaseStatus } from "../domain/case";
import type { LocalDate } from "../domain/calendar";
import { plan } from "../domain/planner";
import type { Money } from "../domain/money";
import type { ActionKind } from "../domain/policy";
import type { ManagedService } from "../domain/service-lifecycle";
import type { CaseRecord, CaseStore, LetterDelivery, TimelineEntry } from "../ports/case-store";
import type { Clock } from "../ports/clock";
import type { Tenant, TenantStore } from "../ports/tenant-store";
import { ladderOf, rulesOn as seedRulesOn, todayIn } from "./case-context";
import { rulesWithEnteredRates, type RulesOn } from "./interest-rates";
import type { InterestRateStore } from "../ports/interest-rate-store";
import { lateInterestRateOn } from "../domain/rules";
import { CaseNotFound, TenantNotFound } from "../ports/errors";

export interface BalanceView {
  principal: Money;
  fees: Money;
  interest: Money;
  total: Money;
  /** Paid beyond what was owed and not refunded: the debtor's money (refund it or keep it, see overpayments.ts). */
  credit: Money;
  /** How today's late interest was priced: `provisional` while the half-year's rate is not entered yet. */
  interestAccrual: InterestAccrualView;
}

export interface InterestAccrualView {
  /** The annual rate in percent running today (the last known one while provisional); null when none is known. */
  annualRatePercent: number | null;
  /** True when some days accrued at the last known rate because their half-year has no rate yet. */
  provisional: boolean;
  /** The first such day (null when not provisional). */
  provisionalFrom: LocalDate | null;
}

/** Why the ladder waits for something other than time, and what resumes it. */
export interface PausedView {
  reason: string;
  resumesOn: "dispute-resolved" | "resume" | "instalment-missed" | "letter-delivered" | "contact-updated";
}

export interface NextActionView {
  kind: ActionKind;
  at: string;
  legalBasis: string;
}

export interface CaseView {
  caseId: string;
  invoiceNumber: string;
  customerId: string;
  kid: string;
  status: CaseStatus;
  stage: Case["stage"];
  balance: BalanceView;
  currency: Money["currency"];
  dueDate: string;
  nextAction: NextActionView | null;
  /** Set when the ladder waits for an event rather than a time (a letter on its way, a dispute, a hold…). */
  paused: PausedView | null;
  /** Each service (broadband line, power meter): its state, what blocks it, and its last command to the partner. */
  services: ServiceView[];
  timeline: TimelineEntry[];
  /** Each letter's and SMS's way to the debtor: channel, state and the channel's own word, oldest first. */
  deliveries: DeliveryView[];
  /**
   * The short pay link is shown once, when the invoice is registered (and sent in the Let's pay SMS): only its hash
   * is stored, so it cannot be shown again. This says whether one was issued and until when it is valid.
   */
  payLink: { issued: boolean; expiresAt: string | null };
  /** Set while the case holds credit or had some refunded: the creditor's choice and the refunds made. */
  overpayment: OverpaymentStateView | null;
  createdAt: string;
  updatedAt: string;
}

export interface OverpaymentStateView {
  credit: Money;
  /** Of the credit, what the creditor keeps for the debtor (null: no choice made, the case is on the overpayment list). */
  kept: Money | null;
  refunds: Array<{ reference: string; amount: Money; on: string; via: "provider" | "bank-transfer" }>;
}

function overpaymentStateOf(c: Case): OverpaymentStateView | null {
  const refunds = c.ledger.flatMap((e) =>
    e.type === "refund"
      ? [{ reference: e.reference.replace(/^refund:/u, ""), amount: e.amount, on: e.on, via: e.via }]
      : [],
  );
  const credit = balanceOf(c).credit;
  if (credit.value <= 0 && refunds.length === 0) return null;
  return { credit, kept: c.creditDecision?.amount ?? null, refunds };
}

export interface DeliveryView {
  deliveryId: string;
  stepIndex: number;
  kind: string;
  documentId: string | null;
  channel: LetterDelivery["channel"];
  attempt: number;
  state: LetterDelivery["state"];
  /** The channel's own word (Delivered, Bounced, Posted, Returned, …); null until it reported. */
  status: string | null;
  reason: string | null;
  queuedAt: string;
  dispatchedAt: string | null;
  deliveredAt: string | null;
  failedAt: string | null;
}

function deliveryViewOf(d: LetterDelivery): DeliveryView {
  return {
    deliveryId: d.deliveryId,
    stepIndex: d.stepIndex,
    kind: d.kind,
    documentId: d.documentId,
    channel: d.channel,
    attempt: d.attempt,
    state: d.state,
    status: d.status ?? null,
    reason: d.reason ?? null,
    queuedAt: d.queuedAt,
    dispatchedAt: d.dispatchedAt ?? null,
    deliveredAt: d.deliveredAt ?? null,
    failedAt: d.failedAt ?? null,
  };
}

export interface ServiceView {
  serviceId: string;
  kind: ManagedService["kind"];
  state: ManagedService["state"];
  blockers: ManagedService["blockers"];
  lastCommand: {
    commandId: string;
    target: "inactive" | "active";
    issuedAt: string;
    sentAt: string | null;
    attempts: number;
    partnerState: string | null;
    partnerOrderId: string | null;
    confirmedAt: string | null;
  } | null;
}

export function serviceViewOf(s: ManagedService): ServiceView {
  const c = s.lastCommand;
  return {
    serviceId: s.serviceId,
    kind: s.kind,
    state: s.state,
    blockers: s.blockers,
    lastCommand:
      c === null
        ? null
        : {
            commandId: c.commandId,
            target: c.target,
            issuedAt: c.issuedAt,
            sentAt: c.sentAt ?? null,
            attempts: c.attempts,
            partnerState: c.partnerState,
            partnerOrderId: c.partnerOrderId ?? null,
            confirmedAt: c.confirmedAt ?? null,
          },
  };
}

export interface CaseSummaryView {
  caseId: string;
  invoiceNumber: string;
  customerId: string;
  status: CaseStatus;
  stage: Case["stage"];
  balance: BalanceView;
  currency: Money["currency"];
  dueDate: string;
  createdAt: string;
}

export interface GetCaseDeps {
  cases: CaseStore;
  tenants: TenantStore;
  clock: Clock;
  /** The operators' entered late-interest rates (the seed alone without it). */
  interestRates?: InterestRateStore;
}

function balanceView(record: CaseRecord, now: Date, rulesOn: RulesOn): BalanceView {
  const c = record.case;
  const today = todayIn(c.country, now);
  const rules = rulesOn(c.country, today);
  const b = balanceOn(c, today, rules);
  const { provisional } = interestThrough(c, today, rules);
  return {
    principal: b.principal,
    fees: b.fees,
    interest: b.interest,
    total: b.total,
    credit: b.credit,
    interestAccrual: {
      annualRatePercent: provisional?.annualRatePercent ?? lateInterestRateOn(rules, today)?.annualRatePercent ?? null,
      provisional: provisional !== null,
      provisionalFrom: provisional?.from ?? null,
    },
  };
}

function nextActionOf(
  record: CaseRecord,
  tenant: Tenant,
  now: Date,
  rulesOn: RulesOn,
): { nextAction: NextActionView | null; paused: PausedView | null } {
  const c = record.case;
  const next = plan(c, ladderOf(tenant, c.country), rulesOn(c.country, todayIn(c.country, now)), now);
  switch (next.kind) {
    case "act":
      return {
        nextAction: { kind: next.action.kind, at: next.action.at.toISOString(), legalBasis: next.action.legalBasis },
        paused: null,
      };
    case "wait":
      return {
        nextAction: { kind: next.next.kind, at: next.next.at.toISOString(), legalBasis: next.next.legalBasis },
        paused: null,
      };
    case "paused":
      return { nextAction: null, paused: { reason: next.reason, resumesOn: next.resumesOn } };
    case "done":
      return { nextAction: null, paused: null };
  }
}

function payLinkOf(record: CaseRecord): CaseView["payLink"] {
  const issued = [...record.timeline].reverse().find((e) => typeof e.details?.["payLinkExpiresAt"] === "string");
  return {
    issued: issued !== undefined,
    expiresAt: (issued?.details?.["payLinkExpiresAt"] as string | undefined) ?? null,
  };
}

/** `rulesOn`: the rule sets with the operators' entered interest rates (`rulesWithEnteredRates`); the seed alone by default. */
export function toCaseView(record: CaseRecord, tenant: Tenant, now: Date, rulesOn: RulesOn = seedRulesOn): CaseView {
  const c = record.case;
  return {
    caseId: record.caseId,
    invoiceNumber: record.invoiceNumber,
    customerId: record.customerId,
    kid: record.kid,
    status: c.status,
    stage: c.stage,
    balance: balanceView(record, now, rulesOn),
    currency: c.currency,
    dueDate: c.dueDate,
    ...nextActionOf(record, tenant, now, rulesOn),
    services: c.services.map(serviceViewOf),
    timeline: record.timeline,
    deliveries: (record.deliveries ?? []).map(deliveryViewOf),
    payLink: payLinkOf(record),
    overpayment: overpaymentStateOf(c),
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}

export function makeGetCase(deps: GetCaseDeps) {
  return async (tenantId: string, caseId: string): Promise<CaseView> => {
    const record = await deps.cases.get(tenantId, caseId);
    if (!record) throw new CaseNotFound(caseId);
    const tenant = await deps.tenants.get(tenantId);
    if (!tenant) throw new TenantNotFound(tenantId);
    return toCaseView(record, tenant, deps.clock.now(), await rulesWithEnteredRates(deps));
  };
}

export interface ListCasesInput {
  status?: CaseStatus;
  customerId?: string;
  limit?: number;
  continuationToken?: string;
}

export const DEFAULT_PAGE_SIZE = 25;

export function makeListCases(deps: Omit<GetCaseDeps, "tenants">) {
  return async (
    tenantId: string,
    input: ListCasesInput,
  ): Promise<{ items: CaseSummaryView[]; continuationToken: string | null }> => {
    const filter = {
      ...(input.status !== undefined ? { status: input.status } : {}),
      ...(input.customerId !== undefined ? { customerId: input.customerId } : {}),
    };
    const page = await deps.cases.list(tenantId, filter, {
      limit: input.limit ?? DEFAULT_PAGE_SIZE,
      ...(input.continuationToken !== undefined ? { continuationToken: input.continuationToken } : {}),
    });
    const now = deps.clock.now();
    const rulesOn = await rulesWithEnteredRates(deps);
    return {
      items: page.items.map((record) => ({
        caseId: record.caseId,
        invoiceNumber: record.invoiceNumber,
        customerId: record.customerId,
        status: record.case.status,
        stage: record.case.stage,
        balance: balanceView(record, now, rulesOn),
        currency: record.case.currency,
        dueDate: record.case.dueDate,
        createdAt: record.createdAt,
      })),
      continuationToken: page.continuationToken ?? null,
    };
  };
}
