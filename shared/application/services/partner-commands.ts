/**
 * Commands to the partners' systems, end to end: sending one (the `partner-commands` session queue's consumer), the
 * partner's signed callback, the sweep that loses nothing (unsent commands, orders without a callback, reopens not
 * confirmed in time), the operators' list and retry, and customer service's manual block and unblock.
 *
 * SENDING. The consumer re-reads the case: a command that is no longer the service's current one was superseded
 * (a reopen decided after a suspension) and is not sent; a suspension is re-checked immediately before it goes — never
 * while a dispute is open, the case is no longer open, or on a day suspension is not allowed (it is then withdrawn:
 * the service stays open and the timeline says why); a service blocked by hand is suspended without that check. The partner's `201` means *received*: the order's state is
 * recorded with the attempt, in one write. A partner that cannot be reached (down, 5xx, timeouts, garbage) is tried
 * again with exponential backoff by a delayed message in the same session, so the commands for one service keep their
 * order. A suspension backs off to at most 5 min and gives up after `MAX_SEND_ATTEMPTS`; a reopen backs off to at most
 * 30 s and keeps trying for `REOPEN_RETRY_WINDOW_MS` (escalated to operators after a minute meanwhile), so a line
 * opens within 30 s of the partner's recovery, even after an outage of hours. Given up, the message goes to the
 * dead-letter queue and `POST /api/v1/ops/service-commands/{id}/retry` sends it again. A partner refusing the order
 * (4xx) fails the service.
 *
 * CALLBACKS. Signed (Standard Webhooks, the tenant's partner connection secret), decoded, then applied: only the
 * service's current command and only a state later in the order's life count, so duplicates and out-of-order
 * callbacks change nothing (an identical delivery again is answered 200 "duplicate"). An order we never placed is 404.
 *
 * Reopened and confirmed: `service.reopened` is published and, with the debtor's SMS consent, an SMS confirms it.
 */
import type { StaffActor } from "../portal/staff-actor";
import { DomainError } from "../../domain/errors";
import { overdueForServices } from "../../domain/planner";
import { isTerminal, type ManagedService, type PartnerOrderState } from "../../domain/service-lifecycle";
import { suspensionAllowed } from "../../domain/suspension-gate";
import type { CaseRecord, CaseStore } from "../../ports/case-store";
import type { Clock } from "../../ports/clock";
import { CaseNotFound } from "../../ports/errors";
import type { EventPublisher } from "../../ports/event-publisher";
import type { PartnerCommandMessage, PartnerCommandQueue } from "../../ports/partner-command-queue";
import { connectionOf, type PartnerConnectionStore } from "../../ports/partner-connection-store";
import {
  PartnerAuthFailed,
  PartnerRejected,
  PartnerUnavailable,
  type PartnerGateway,
  type PartnerOrder,
} from "../../ports/partner-gateway";
import type { PaymentAttemptStore } from "../../ports/payment-attempt-store";
import type { ReplayGuard } from "../../ports/replay-guard";
import type { SmsSender } from "../../ports/sms-sender";
import type { Tenant, TenantStore } from "../../ports/tenant-store";
import { caseEvent, languageIn, ladderOf, rulesOn, todayIn } from "../case-context";
import { serviceReopenedSmsText, smsSenderOf } from "../messages/step-sms";
import {
  firstPartnerCallback,
  makeVerifyPartnerCallback,
  refuseUnverifiable,
} from "../partners/verify-partner-callback";
import {
  blockService,
  commandSent,
  escalateDelayedReopens,
  parseCommandId,
  partnerReport,
  reevaluateServices,
  serviceWebhooks,
  suspendServices,
  unblockService,
  unsentCommands,
  type ServicesChanged,
} from "./case-services";
import { dispatchCommands } from "./dispatch";
import { eventMessages, relayOutbox, withOutbox } from "../outbox";
import { localTime } from "./service-progress";

/** Attempts before the message goes to the dead-letter queue (the queue's maxDeliveryCount then ends it). */
export const MAX_SEND_ATTEMPTS = 10;
/** A reopen not confirmed within this is escalated (issue 11: 60 s; the market promise). */
export const DEFAULT_REOPEN_LIMIT_SECONDS = 60;
/** A command sent this long ago without a final answer is asked about (the polling fallback). */
export const POLL_AFTER_MS = 15_000;
/** A command decided this long ago and still unsent is enqueued again (the outbox relay). */
export const RESEND_UNSENT_AFTER_MS = 5_000;

export interface PartnerCommandDeps {
  cases: CaseStore;
  /** Payments started from pay links: a suspension waits while one on the case is authorized but not applied. */
  paymentAttempts: Pick<PaymentAttemptStore, "listUnsettled">;
  tenants: TenantStore;
  partnerConnections: PartnerConnectionStore;
  partnerGateway: PartnerGateway;
  partnerCommands: PartnerCommandQueue;
  events: EventPublisher;
  sms: SmsSender;
  clock: Clock;
}

/** The longest wait between two attempts of a suspension. */
const SUSPEND_BACKOFF_CAP_MS = 5 * 60_000;
/** The longest wait between two attempts of a reopen: the debtor has paid, and waits. */
export const REOPEN_BACKOFF_CAP_MS = 30_000;
/** How long a reopen keeps being tried (counted from when it was decided) before it is dead-lettered. */
export const REOPEN_RETRY_WINDOW_MS = 6 * 60 * 60_000;

/** The backoff before attempt `attempt + 1`: 1 s, 2 s, 4 s … at most 5 minutes (30 s for a reopen). */
export function backoffMs(attempt: number, target: "inactive" | "active" = "inactive"): number {
  const cap = target === "active" ? REOPEN_BACKOFF_CAP_MS : SUSPEND_BACKOFF_CAP_MS;
  return Math.min(1000 * 2 ** Math.max(0, Math.min(attempt - 1, 30)), cap);
}

/** Whether the failed attempt `message.attempt` of a command decided at `issuedAt` was its last. */
function lastAttempt(message: PartnerCommandMessage, issuedAt: string, now: Date): boolean {
  if (message.target === "active") return now.getTime() - Date.parse(issuedAt) >= REOPEN_RETRY_WINDOW_MS;
  return message.attempt >= MAX_SEND_ATTEMPTS;
}

/** The partner could not take the command now and its retries are used up: the message should be dead-lettered. */
export class PartnerCommandUndeliverable extends Error {
  readonly code = "PARTNER_COMMAND_UNDELIVERABLE";
}

/** A callback about an order we did not place (HTTP 404). */
export class PartnerOrderNotFound extends DomainError {
  readonly code = "PARTNER_ORDER_NOT_FOUND";
  override readonly title = "Unknown order";
}

/** No service command with this id (HTTP 404). */
export class ServiceCommandNotFound extends DomainError {
  readonly code = "SERVICE_COMMAND_NOT_FOUND";
  override readonly title = "Unknown service command";
}

/** No such service on the case (HTTP 404). */
export class CaseServiceNotFound extends DomainError {
  readonly code = "CASE_SERVICE_NOT_FOUND";
  override readonly title = "Unknown service";
}

// ---------------------------------------------------------------------------------------------------------------
// Sending

export type SendOutcome =
  | { kind: "sent"; partnerState: PartnerOrderState }
  | { kind: "superseded" }
  | { kind: "already-answered" }
  | { kind: "withdrawn"; reason: string }
  | { kind: "held"; reason: string; notBefore: string }
  | { kind: "refused"; status: number }
  | { kind: "retry-scheduled"; attempt: number; notBefore: string; reason: string }
  | { kind: "case-gone" };

export function makeSendPartnerCommand(deps: PartnerCommandDeps) {
  return async (message: PartnerCommandMessage): Promise<SendOutcome> => {
    const record = await deps.cases.get(message.tenantId, message.caseId);
    if (!record) return { kind: "case-gone" };
    const service = record.case.services.find((s) => s.serviceId === message.serviceId);
    const command = service?.lastCommand;
    if (!service || command?.commandId !== message.commandId) return { kind: "superseded" };
    if (command.partnerState !== null) return { kind: "already-answered" };
    const now = deps.clock.now();

    // The non-payment gate (a payment underway, a dispute, an allowed day, still overdue) is for suspensions for
    // non-payment. A manual block is customer service's own decision and is sent as it is; withdrawing it would also
    // mark "active" a service that the block kept closed (one whose reopen it overrode), which then never reopens.
    if (message.target === "inactive" && !service.blockers.some((b) => b.kind === "manual")) {
      if (await paymentUnderway(deps, record.caseId, now)) {
        // Not withdrawn: the payment is applied within seconds, and if it clears the claim the reopen decided with it
        // supersedes this command; if it does not (or the authorization lapses), the suspension goes ahead then.
        if (message.attempt >= MAX_SEND_ATTEMPTS)
          throw new PartnerCommandUndeliverable(`Suspension ${command.commandId} held by a payment too long`);
        const notBefore = new Date(now.getTime() + PAYMENT_HOLD_MS);
        await deps.partnerCommands.enqueue([{ ...message, attempt: message.attempt + 1 }], { notBefore });
        return { kind: "held", reason: "payment-authorized-not-applied", notBefore: notBefore.toISOString() };
      }
      const tenant = await deps.tenants.get(record.tenantId);
      const held = suspensionHeld(record, tenant, now);
      if (held !== null) {
        await withdraw(deps, record, service, held, now);
        return { kind: "withdrawn", reason: held };
      }
    }

    let order: PartnerOrder;
    try {
      // Inside the try: a connection whose secrets the vault cannot give now is retried like a partner outage.
      const stored = await deps.partnerConnections.get(message.tenantId);
      if (!stored) throw new PartnerUnavailable("The tenant has no partner connection", "network");
      order = await deps.partnerGateway.placeOrder(connectionOf(stored), {
        commandId: command.commandId,
        serviceId: service.serviceId,
        targetState: command.target,
        description: `${command.target === "inactive" ? "Suspension for non-payment" : "Reopening after payment"}, case ${record.caseId}`,
      });
    } catch (error) {
      if (error instanceof PartnerRejected) {
        await applyChange(deps, record.tenantId, record.caseId, (current) =>
          commandSent(current, {
            serviceId: service.serviceId,
            commandId: command.commandId,
            at: now,
            answer: { partnerState: "rejected", partnerOrderId: command.partnerOrderId ?? `refused-${error.status}` },
          }),
        );
        return { kind: "refused", status: error.status };
      }
      if (!(error instanceof PartnerUnavailable || error instanceof PartnerAuthFailed)) throw error;
      const reason = error instanceof PartnerUnavailable ? error.reason : "auth-failed";
      // Record the attempt (sentAt, attempts) so operators see it, then try again later in the same session.
      await applyChange(deps, record.tenantId, record.caseId, (current) =>
        commandSent(current, { serviceId: service.serviceId, commandId: command.commandId, at: now }),
      );
      if (lastAttempt(message, command.issuedAt, now)) {
        throw new PartnerCommandUndeliverable(
          `Command ${command.commandId} not delivered after ${String(message.attempt)} attempts (${reason})`,
        );
      }
      // The partner's Retry-After is honoured, within the same cap (a reopen never waits more than 30 s).
      const waitMs = Math.min(
        Math.max(
          backoffMs(message.attempt, message.target),
          error instanceof PartnerUnavailable && error.retryAfterSeconds !== undefined
            ? error.retryAfterSeconds * 1000
            : 0,
        ),
        message.target === "active" ? REOPEN_BACKOFF_CAP_MS : SUSPEND_BACKOFF_CAP_MS,
      );
      const notBefore = new Date(now.getTime() + waitMs);
      await deps.partnerCommands.enqueue([{ ...message, attempt: message.attempt + 1 }], { notBefore });
      return { kind: "retry-scheduled", attempt: message.attempt + 1, notBefore: notBefore.toISOString(), reason };
    }

    const answeredAt = deps.clock.now();
    await applyChange(deps, record.tenantId, record.caseId, (current) =>
      commandSent(current, {
        serviceId: service.serviceId,
        commandId: command.commandId,
        at: answeredAt,
        answer: { partnerState: stateFor(order, service.serviceId), partnerOrderId: order.id },
      }),
    );
    return { kind: "sent", partnerState: stateFor(order, service.serviceId) };
  };
}

/** The order's state for our service: the item's when the partner reports items, else the order's. */
function stateFor(order: Pick<PartnerOrder, "state" | "serviceOrderItem">, serviceId: string): PartnerOrderState {
  return order.serviceOrderItem.find((i) => i.service.id === serviceId)?.state ?? order.state;
}

/** How long a suspension waits for an authorized payment to be applied before it is looked at again. */
export const PAYMENT_HOLD_MS = 30_000;
/** Pay-link payments older than this are past any authorization's life (the reconciliation sweep settles them). */
const PAYMENT_WINDOW_MS = 2 * 60 * 60_000;

/** A payment on the case is authorized (or captured) at the provider but not yet applied to the ledger. */
async function paymentUnderway(
  deps: Pick<PartnerCommandDeps, "paymentAttempts">,
  caseId: string,
  now: Date,
): Promise<boolean> {
  const attempts = await deps.paymentAttempts.listUnsettled({
    createdAfter: new Date(now.getTime() - PAYMENT_WINDOW_MS).toISOString(),
    createdBefore: now.toISOString(),
    limit: 500,
  });
  return attempts.some(
    (a) =>
      (a.state === "authorized" || a.state === "captured") &&
      a.parts.some((p) => p.caseId === caseId) &&
      !a.appliedTo.includes(caseId),
  );
}

/** Why a suspension may not be sent now, or null when it may. */
function suspensionHeld(record: CaseRecord, tenant: Tenant | undefined, now: Date): string | null {
  const c = record.case;
  if (c.status === "disputed") return "a dispute is open";
  if (c.status !== "open") return `the case is ${c.status}`;
  const today = todayIn(c.country, now);
  const step = c.steps.filter((s) => s.kind === "suspension").at(-1);
  const blackout =
    tenant && step !== undefined ? ladderOf(tenant, c.country).steps[step.stepIndex]?.blackout : undefined;
  const gate = suspensionAllowed({
    on: today,
    country: c.country,
    rules: rulesOn(c.country, today),
    paymentAuthorizedNotApplied: false,
    disputeOpen: false,
    ...(blackout ? { seasonalBlackout: blackout } : {}),
    customer: c.debtor.kind === "business" ? "business" : "household",
  });
  if (!gate.ok)
    return gate.reason === "not-an-allowed-day"
      ? `suspension is not allowed on ${today}`
      : gate.reason === "seasonal-blackout"
        ? `${today} is in the creditor's seasonal blackout`
        : gate.reason;
  if (tenant && !overdueForServices(c, ladderOf(tenant, c.country), rulesOn(c.country, today), now))
    return "the case is no longer overdue";
  return null;
}

/** The suspension is not sent: the service stays open (its overdue blocker stays), and the timeline says why. */
async function withdraw(
  deps: PartnerCommandDeps,
  record: CaseRecord,
  service: ManagedService,
  reason: string,
  now: Date,
): Promise<void> {
  const commandId = service.lastCommand?.commandId;
  const written = await deps.cases.update(record.tenantId, record.caseId, (current) => {
    const s = current.case.services.find((x) => x.serviceId === service.serviceId);
    if (s?.lastCommand?.commandId !== service.lastCommand?.commandId || s?.state !== "suspending") return current;
    const withdrawn: ManagedService = {
      ...s,
      state: "active",
      lastCommand: { ...s.lastCommand!, partnerState: "cancelled" },
    };
    const next: CaseRecord = {
      ...current,
      case: { ...current.case, services: current.case.services.map((x) => (x === s ? withdrawn : x)) },
      timeline: [
        ...current.timeline,
        {
          at: now.toISOString(),
          kind: "service",
          title: `Suspension of ${s.serviceId} withdrawn before it was sent: ${reason}`,
          details: { serviceId: s.serviceId, commandId: s.lastCommand?.commandId, reason },
        },
      ],
      updatedAt: now.toISOString(),
    };
    // The creditor was told `service.suspending`: it hears, too, that the line stays open after all.
    if (commandId === undefined) return next;
    const event = caseEvent("service.suspension_withdrawn", next, commandId, now, {
      serviceId: service.serviceId,
      commandId,
      reason,
    });
    return withOutbox(next, eventMessages([event]), now);
  });
  await relayOutbox(deps, written);
}

/**
 * Applies a change to the case's services in one write, then puts its commands on the queue, publishes its webhooks
 * and confirms a reopening by SMS. What the change decided is read from its LAST run (the update may re-run it).
 */
async function applyChange(
  deps: PartnerCommandDeps,
  tenantId: string,
  caseId: string,
  change: (current: CaseRecord) => ServicesChanged,
): Promise<{ record: CaseRecord; changed: ServicesChanged | undefined }> {
  let last: ServicesChanged | undefined;
  const now = deps.clock.now();
  const written = await deps.cases.update(tenantId, caseId, (current) => {
    last = change(current);
    return withOutbox(last.record, eventMessages(serviceWebhooks(last.record, last, now)), now);
  });
  if (last === undefined) return { record: written, changed: undefined };
  await dispatchCommands(deps.partnerCommands, last.commands);
  const record = await relayOutbox(deps, written);
  for (const e of last.events) {
    if (e.type === "service-reopened") await confirmBySms(deps, record, e.serviceId, e.commandId, new Date(e.at));
  }
  return { record, changed: last };
}

/**
 * "Bredbåndet er åpnet igjen kl. 14:32" — only with the debtor's explicit SMS consent and a phone number.
 *
 * CONTACT HOURS: this confirmation is EXEMPT and goes at once, at any hour (decided for issue 12). It is not a
 * collection contact: it asks for nothing, and it answers the debtor's own action — they paid (or settled) to get the
 * line back, reopening runs nights and weekends (reference, "Service suspension": reopen at any hour), and they are
 * waiting for word that it works now. Deferred to 08:00 it would arrive as stale news after a night of not knowing.
 * The contact-hour rule (Prop. 3 L (2025–2026)) is about contacting debtors to collect; every ladder message — the
 * Let's pay SMS, each letter and its alert — keeps to it (domain/planner.ts `contactsDebtor`).
 */
async function confirmBySms(
  deps: PartnerCommandDeps,
  record: CaseRecord,
  serviceId: string,
  commandId: string,
  at: Date,
): Promise<void> {
  const customer = record.customer;
  if (!customer.phone || customer.consent?.sms !== true) return;
  const tenant = await deps.tenants.get(record.tenantId);
  if (!tenant) return;
  const service = record.case.services.find((s) => s.serviceId === serviceId);
  if (!service) return;
  const language = languageIn(record.case.country);
  const time = localTime(at, record.case.country);
  await deps.sms.send({
    to: customer.phone,
    from: smsSenderOf(tenant, ladderOf(tenant, record.case.country)),
    text: serviceReopenedSmsText({ creditorName: tenant.name, serviceKind: service.kind, time, language }),
    idempotencyKey: `${record.caseId}:service-reopened:${commandId}`,
    tag: `${record.caseId}:service-reopened`,
  });
}

// ---------------------------------------------------------------------------------------------------------------
// The partner's callback

export interface PartnerCallbackDeps extends PartnerCommandDeps {
  partnerCallbackReplays: ReplayGuard;
}

export type CallbackOutcome =
  | { kind: "applied"; state: ManagedService["state"] }
  | { kind: "unchanged" }
  | { kind: "duplicate" }
  | { kind: "stale" };

export function makeApplyPartnerCallback(deps: PartnerCallbackDeps) {
  // Replays are told apart only AFTER the delivery was applied (applying it again changes nothing): a delivery whose
  // applying failed (the partner got a 5xx) is applied when the partner sends it again, not answered "duplicate".
  const verify = makeVerifyPartnerCallback({ clock: deps.clock });
  return async (request: {
    tenantId: string;
    headers: Readonly<Record<string, string | undefined>>;
    body: string;
  }): Promise<CallbackOutcome> => {
    const stored = await deps.partnerConnections.get(request.tenantId);
    // Without a connection there is no secret to verify with: refused as unsigned (401), exactly like a wrong
    // signature, so an unauthenticated caller cannot tell which tenants have a partner connection.
    if (!stored) refuseUnverifiable(request.headers);
    const event = verify({ connection: connectionOf(stored), headers: request.headers, body: request.body });
    const firstDelivery = () =>
      firstPartnerCallback(deps.partnerCallbackReplays, request.tenantId, event.eventId, deps.clock.now());
    const order = event.event.serviceOrder;
    const target = await findCommand(deps, request.tenantId, order.externalId);
    if (target.stale) return firstDelivery() ? { kind: "stale" } : { kind: "duplicate" };
    const { record, service } = target;
    const report = {
      commandId: order.externalId,
      partnerState: stateFor(order, service.serviceId),
      partnerOrderId: order.id,
      at: deps.clock.now(),
    };
    // A state the case already has (the `acknowledged` our send recorded from the 201, a repeat): nothing to write.
    // States only move forward, so what the case has now can only make the report change less.
    if (partnerReport(record, report).record === record) {
      return firstDelivery() ? { kind: "unchanged" } : { kind: "duplicate" };
    }
    const { record: after } = await applyChange(deps, record.tenantId, record.caseId, (current) =>
      partnerReport(current, report),
    );
    if (!firstDelivery()) return { kind: "duplicate" };
    const now = after.case.services.find((s) => s.serviceId === service.serviceId);
    return now && now.lastCommand?.partnerState !== service.lastCommand?.partnerState
      ? { kind: "applied", state: now.state }
      : { kind: "unchanged" };
  };
}

/** The case and service of one of our command ids; `stale` for an older command of the service. */
async function findCommand(
  deps: Pick<PartnerCommandDeps, "cases">,
  tenantId: string,
  commandId: string,
): Promise<{ stale: true } | { stale: false; record: CaseRecord; service: ManagedService }> {
  const parsed = parseCommandId(commandId);
  const record = parsed ? await deps.cases.get(tenantId, parsed.caseId) : undefined;
  const service = parsed ? record?.case.services[parsed.serviceIndex] : undefined;
  const current = service?.lastCommand;
  if (!parsed || !record || !service || !current || parsed.sequence > current.sequence) {
    throw new PartnerOrderNotFound(`No order with externalId ${commandId} was placed for this tenant`);
  }
  if (parsed.sequence < current.sequence) return { stale: true };
  return { stale: false, record, service };
}

// ---------------------------------------------------------------------------------------------------------------
// The sweep: nothing lost, nothing silent

export interface SweepDeps extends PartnerCommandDeps {
  /** Escalation limit for reopens (default 60 s). */
  reopenLimitSeconds?: number;
  /** Told of each escalation (the function logs the `service.reopen_delayed` trace the alert rule watches). */
  onEscalated?: (e: { tenantId: string; caseId: string; commandId: string; issuedAt: string }) => void;
}

export interface SweepResult {
  cases: number;
  resent: number;
  polled: number;
  escalated: number;
}

export function makeSweepServices(deps: SweepDeps) {
  const limitMs = (deps.reopenLimitSeconds ?? DEFAULT_REOPEN_LIMIT_SECONDS) * 1000;
  return async (): Promise<SweepResult> => {
    const result: SweepResult = { cases: 0, resent: 0, polled: 0, escalated: 0 };
    let continuationToken: string | undefined;
    do {
      const page = await deps.cases.listCaseIdsWithServiceWork("pending", {
        limit: 100,
        ...(continuationToken ? { continuationToken } : {}),
      });
      for (const caseId of page.items) {
        result.cases++;
        const record = await deps.cases.getById(caseId);
        if (record) await sweepCase(deps, record, limitMs, result);
      }
      continuationToken = page.continuationToken;
    } while (continuationToken);
    return result;
  };
}

async function sweepCase(deps: SweepDeps, record: CaseRecord, limitMs: number, result: SweepResult): Promise<void> {
  const now = deps.clock.now();
  const unsent = unsentCommands(record).filter((m) => {
    const issuedAt = record.case.services.find((s) => s.serviceId === m.serviceId)?.lastCommand?.issuedAt;
    return issuedAt !== undefined && now.getTime() - Date.parse(issuedAt) >= RESEND_UNSENT_AFTER_MS;
  });
  if (unsent.length > 0) {
    await deps.partnerCommands.enqueue(unsent);
    result.resent += unsent.length;
  }
  // A connection whose secrets the vault cannot give now: no polling this round (the next sweep tries again).
  const stored = await deps.partnerConnections.get(record.tenantId).catch((error: unknown) => {
    if (error instanceof PartnerUnavailable) return undefined;
    throw error;
  });
  for (const service of record.case.services) {
    const c = service.lastCommand;
    if (!stored || !c?.partnerOrderId || isTerminal(c.partnerState) || c.sentAt === undefined) continue;
    if (now.getTime() - Date.parse(c.sentAt) < POLL_AFTER_MS) continue;
    let order: PartnerOrder | undefined;
    try {
      order = await deps.partnerGateway.getOrder(connectionOf(stored), c.partnerOrderId);
    } catch (error) {
      if (error instanceof PartnerUnavailable || error instanceof PartnerAuthFailed || error instanceof PartnerRejected)
        continue;
      throw error;
    }
    if (!order) continue;
    result.polled++;
    const report = {
      commandId: c.commandId,
      partnerState: stateFor(order, service.serviceId),
      partnerOrderId: order.id,
      at: now,
    };
    if (partnerReport(record, report).record === record) continue; // nothing new: no write
    await applyChange(deps, record.tenantId, record.caseId, (current) => partnerReport(current, report));
  }
  // Only a case with a reopen to escalate is written: rewriting every pending case on every sweep (every 10 s) costs
  // a write each and changes the case's etag under the send or callback that is under way, which must then re-read
  // and write again. (A report polled above can only make an escalation less needed.)
  if (escalateDelayedReopens(record, now, limitMs).record === record) return;
  const { changed } = await applyChange(deps, record.tenantId, record.caseId, (current) =>
    escalateDelayedReopens(current, deps.clock.now(), limitMs),
  );
  for (const e of changed?.events ?? []) {
    if (e.type !== "service-reopen-delayed") continue;
    result.escalated++;
    deps.onEscalated?.({
      tenantId: record.tenantId,
      caseId: record.caseId,
      commandId: e.commandId,
      issuedAt: e.issuedAt,
    });
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Operators: the list and a retry

export type ServiceCommandFilter = "overdue" | "pending" | "failed";

export interface ServiceCommandView {
  tenantId: string;
  caseId: string;
  serviceId: string;
  kind: ManagedService["kind"];
  state: ManagedService["state"];
  commandId: string;
  target: "inactive" | "active";
  issuedAt: string;
  sentAt: string | null;
  attempts: number;
  partnerState: PartnerOrderState | null;
  partnerOrderId: string | null;
  /** Seconds since the command was issued. */
  ageSeconds: number;
}

export function makeListServiceCommands(deps: Pick<PartnerCommandDeps, "cases" | "clock">) {
  return async (filter: ServiceCommandFilter, limit = 100): Promise<ServiceCommandView[]> => {
    const now = deps.clock.now();
    const out: ServiceCommandView[] = [];
    let continuationToken: string | undefined;
    do {
      const page = await deps.cases.listCaseIdsWithServiceWork(filter === "failed" ? "failed" : "pending", {
        limit: 100,
        ...(continuationToken ? { continuationToken } : {}),
      });
      for (const caseId of page.items) {
        const record = await deps.cases.getById(caseId);
        for (const s of record?.case.services ?? []) {
          const c = s.lastCommand;
          if (!record || !c) continue;
          const keep =
            filter === "failed"
              ? s.state === "failed"
              : filter === "overdue"
                ? s.state === "escalated"
                : s.state === "suspending" || s.state === "reopening" || s.state === "escalated";
          if (!keep) continue;
          out.push({
            tenantId: record.tenantId,
            caseId: record.caseId,
            serviceId: s.serviceId,
            kind: s.kind,
            state: s.state,
            commandId: c.commandId,
            target: c.target,
            issuedAt: c.issuedAt,
            sentAt: c.sentAt ?? null,
            attempts: c.attempts,
            partnerState: c.partnerState,
            partnerOrderId: c.partnerOrderId ?? null,
            ageSeconds: Math.round((now.getTime() - Date.parse(c.issuedAt)) / 1000),
          });
          if (out.length >= limit) return out;
        }
      }
      continuationToken = page.continuationToken;
    } while (continuationToken);
    return out;
  };
}

/**
 * Sends a service's current command again (after the dead-letter queue, or a partner fixed on their side). A failed
 * command is issued anew (a new command id: the partner's idempotency key of the failed order would answer the old
 * failure), and so is an escalated reopen the partner acknowledged but never finished (the same id would only get the
 * stuck order back, and the sender does not send a command the partner already answered); a pending one is put on
 * the queue again under a fresh attempt number.
 */
export function makeRetryServiceCommand(deps: PartnerCommandDeps) {
  return async (commandId: string): Promise<{ commandId: string; requeued: boolean }> => {
    const parsed = parseCommandId(commandId);
    const record = parsed ? await deps.cases.getById(parsed.caseId) : undefined;
    const service = parsed ? record?.case.services[parsed.serviceIndex] : undefined;
    if (!record || !service || service.lastCommand?.commandId !== commandId) {
      throw new ServiceCommandNotFound(`No current service command ${commandId}`);
    }
    const stuckAtPartner = service.state === "escalated" && service.lastCommand.partnerState !== null;
    if (service.state === "failed" || stuckAtPartner) {
      const tenant = await deps.tenants.get(record.tenantId);
      const { record: after } = await applyChange(deps, record.tenantId, record.caseId, (current) => {
        const now = deps.clock.now();
        const c = current.case;
        const today = todayIn(c.country, now);
        const overdue = tenant
          ? overdueForServices(c, ladderOf(tenant, c.country), rulesOn(c.country, today), now)
          : true;
        // reevaluate reopens a failed or escalated service nothing blocks; a failed suspension is ordered again.
        const reopened = reevaluateServices(current, overdue, now);
        if (reopened.commands.length > 0) return reopened;
        return retriedSuspension(current, service.serviceId, now);
      });
      const next = after.case.services.find((s) => s.serviceId === service.serviceId)?.lastCommand?.commandId;
      return { commandId: next ?? commandId, requeued: next !== commandId };
    }
    const c = service.lastCommand;
    await deps.partnerCommands.enqueue([
      {
        tenantId: record.tenantId,
        caseId: record.caseId,
        serviceId: service.serviceId,
        commandId,
        target: c.target,
        attempt: c.attempts + 1,
      },
    ]);
    return { commandId, requeued: true };
  };
}

/** A failed suspension ordered again: back to active, then suspended by a new command. */
function retriedSuspension(record: CaseRecord, serviceId: string, now: Date): ServicesChanged {
  const index = record.case.services.findIndex((s) => s.serviceId === serviceId);
  const s = record.case.services[index];
  if (!s || s.state !== "failed" || s.lastCommand?.target !== "inactive") return { record, commands: [], events: [] };
  const reset: CaseRecord = {
    ...record,
    case: {
      ...record.case,
      services: record.case.services.map((x, i) => (i === index ? { ...x, state: "active" as const } : x)),
    },
  };
  return suspendServices(reset, [serviceId], now);
}

// ---------------------------------------------------------------------------------------------------------------
// Customer service: block and unblock by hand

export function makeBlockService(deps: PartnerCommandDeps) {
  return async (p: {
    tenantId: string;
    caseId: string;
    serviceId: string;
    reason: string;
    by: string;
    /** A staff user in the portal (issue 16): named on the timeline entry. */
    actor?: StaffActor;
  }): Promise<ManagedService> => {
    const record = await deps.cases.get(p.tenantId, p.caseId);
    if (!record) throw new CaseNotFound(p.caseId);
    if (!record.case.services.some((s) => s.serviceId === p.serviceId))
      throw new CaseServiceNotFound(`The case has no service ${p.serviceId}`);
    const { record: after } = await applyChange(deps, p.tenantId, p.caseId, (current) =>
      blockService(current, p.serviceId, { reason: p.reason, by: p.by }, deps.clock.now(), p.actor),
    );
    return after.case.services.find((s) => s.serviceId === p.serviceId)!;
  };
}

export function makeUnblockService(deps: PartnerCommandDeps) {
  return async (p: {
    tenantId: string;
    caseId: string;
    serviceId: string;
    by: string;
    actor?: StaffActor;
  }): Promise<ManagedService> => {
    const record = await deps.cases.get(p.tenantId, p.caseId);
    if (!record) throw new CaseNotFound(p.caseId);
    if (!record.case.services.some((s) => s.serviceId === p.serviceId))
      throw new CaseServiceNotFound(`The case has no service ${p.serviceId}`);
    const { record: after } = await applyChange(deps, p.tenantId, p.caseId, (current) =>
      unblockService(current, p.serviceId, "manual", p.by, deps.clock.now(), p.actor),
    );
    return after.case.services.find((s) => s.serviceId === p.serviceId)!;
  };
}
