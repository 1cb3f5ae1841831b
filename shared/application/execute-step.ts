/**
 * Execute step: carries out ONE planned step of a case's ladder — the Let's pay SMS, a letter (reminder, collection
 * notice, payment demand, suspension notice), a suspension (a command to the partner's system per service, decided in
 * the same write and put on the `partner-commands` queue after it: services/case-services.ts) or the hand-off to legal
 * steps — and records it on the case with its legal basis, then tells the creditor (`case.step_executed`, and
 * `case.status_changed` when the status moved). The SMS wording is in messages/step-sms.ts, the letter's model in
 * letters/letter-for-step.ts; this file decides, sends, archives and records.
 *
 * RE-PLANS BEFORE ACTING: the step asked for is carried out only when the planner, on the fresh case at this instant,
 * still says it is due (a payment, dispute or hold between planning and acting wins); the amounts, deadline and fee
 * come from that fresh plan, and the domain checks the fee again when the step is applied.
 *
 * CONTACT HOURS: every step that sends the debtor something (the Let's pay SMS, a letter's SMS alert, the power
 * notice's personal alert: `contactsDebtor` in domain/planner.ts) is planned inside the rule table's contact hours, and
 * the fresh plan is due only once its instant has come — so a message never goes out outside them, even when the
 * orchestration wakes at another hour (a restart, a healed orchestration, a retry on a Sunday): the step is then
 * "not-executed" / replan, and the orchestration's durable timer waits for the window.
 *
 * IDEMPOTENT (a Durable activity runs at least once):
 * - every step has a stable key (`step:{index}:{kind}`); the record's `sentKeys` gets
 *   `executed:{key}` in the same write that applies the step, the timeline entry and the document reference. A retry
 *   that finds it only publishes the events again, with the same ids (`{caseId}:{type}:{key}`);
 * - an SMS is sent with the idempotency key `{caseId}:step:{index}` (alerts: `…:alert`), so a retry after a crash
 *   between sending and recording does not send it twice (the SmsSender port guarantees at most once per key);
 * - a letter is archived under the stable document id `step-{index}-{kind}`; a retry finds it in the archive and
 *   reuses it instead of rendering a new one (its pay link would differ).
 * A retry after such a crash may issue one more pay-link token that no message carries; it expires unused.
 *
 * FAILURES: transient ones THROW (an SMS the gateway may accept later, store errors) so the activity retry kicks in.
 * Permanent ones are outcomes: an SMS the gateway refuses is recorded on the step (the ladder moves on); a letter that
 * cannot be produced (no postal address, an unlawful or invalid model) is "not-executed" with `retry: "later"`.
 *
 * DELIVERY OF LETTERS (chosen here; e-mail has no port yet): an SMS alert with a pay link (the page behind it shows
 * the claim) when the customer has a phone number and has explicitly consented to SMS (`consent.sms === true`, the
 * debtor's acceptance of electronic communication); otherwise the letter is marked for the print queue. The Let's pay
 * SMS itself only needs a phone number and consent not refused (`consent.sms !== false`).
 */
import { daysBetween, type LocalDate } from "../domain/calendar";
import { caseIdsForLink, customerCases, issuePayLink } from "./pay-links";
import { debtorKey, releaseSmsSlot, takeSmsSlot, type SmsSlot } from "./messages/debtor-sms-slot";
import { smsTagFor } from "./messages/sms-tag";
import type { CoalescedStep, DebtorContactStore } from "../ports/debtor-contact-store";
import type { PayLink } from "../ports/pay-link-store";
import { languageIn, todayIn } from "./case-context";
import { rulesWithEnteredRates } from "./interest-rates";
import type { InterestRateStore } from "../ports/interest-rate-store";
import { LETTER_STEPS, letterForStep } from "./letters/letter-for-step";
import { debtorSmsText, letterAlertSmsText, letsPaySmsText, smsSenderOf } from "./messages/step-sms";
import { experimentSmsText } from "./messages/experiment-sms";
import { applyEvent, ladderAnchor, type Case, type CaseEvent, type CaseStatus } from "../domain/case";
import { DomainError } from "../domain/errors";
import { formatMoney, type Money } from "../domain/money";
import { isInstalmentActionKind, type ActionKind, type PlannedAction } from "../domain/planner";
import type { InstalmentActionKind, StepKind } from "../domain/policy";
import { executeInstalmentAction, instalmentEventsOf, instalmentKey } from "./instalments/instalment-actions";
import { describeStep, type Channel, type LadderPolicy } from "../domain/policy";
import type { RuleSet } from "../domain/rules";
import {
  LETTER_CONTENT_TYPE,
  lawfulDelivery,
  letterTitle,
  renderLetter,
  type LetterKind,
  type Letterhead,
} from "../letters";
import type { CaseRecord, CaseStore, DocumentRef, TimelineEntry } from "../ports/case-store";
import type { Clock } from "../ports/clock";
import type { CaseEventMessage, EventPublisher } from "../ports/event-publisher";
import type { LetterArchive } from "../ports/letter-archive";
import type { PayLinkStore } from "../ports/pay-link-store";
import type { Random } from "../ports/random";
import type { SmsSender } from "../ports/sms-sender";
import type { Tenant, TenantStore } from "../ports/tenant-store";
import type { PartnerCommandQueue } from "../ports/partner-command-queue";
import { CaseTenantMissing, planCase, planDecision, type PlanDecision, type PlannedStep } from "./plan-next-step";
import type { RulesOn } from "./interest-rates";
import { serviceWebhooks, suspendServices, unsentCommands } from "./services/case-services";
import { dispatchCommands } from "./services/dispatch";
import { eventMessages, relayOutbox, relayOutboxBeforeNextWrite, withOutbox } from "./outbox";
import {
  CHANNEL_WORDS,
  chooseChannels,
  deliverLetter,
  DOMAIN_CHANNEL,
  letterDates,
  newDelivery,
  stepChannels,
  withDelivery,
  type ChannelChoice,
  type DeliverLetterDeps,
  type LetterChannels,
  type LetterToDeliver,
  type WrittenChannel,
} from "./letters/deliver-letter";
import type { DeliveryIndex } from "../ports/delivery-index";
import { ladderOf } from "./case-context";

/** What delivering letters needs, from the step's deps. */
function deliverDeps(deps: ExecuteStepDeps): DeliverLetterDeps {
  return {
    cases: deps.cases,
    tenants: deps.tenants,
    letters: deps.letters,
    deliveryIndex: deps.deliveryIndex ?? NO_INDEX,
    channels: deps.channels ?? {},
    payLinks: deps.payLinks,
    random: deps.random,
    events: deps.events,
    clock: deps.clock,
    config: deps.config,
    rulesFor: async (r, now) => (await rulesWithEnteredRates(deps))(r.case.country, todayIn(r.case.country, now)),
  };
}

const NO_INDEX: DeliveryIndex = {
  put: async () => {
    throw new Error("Letters are sent through a channel but no delivery index is configured");
  },
  get: async () => undefined,
};

/**
 * A retried step whose letter was recorded but not yet handed to any channel (a crash between the two writes): send it
 * now, through the channels the debtor has.
 */
async function resumeDelivery(
  deps: ExecuteStepDeps,
  record: CaseRecord,
  tenant: Tenant,
  requested: RequestedStep,
  key: string,
): Promise<void> {
  const step = record.case.steps.find((s) => s.stepIndex === requested.stepIndex && s.kind === requested.kind);
  if (step?.delivery !== "pending") return;
  const attempts = (record.deliveries ?? []).filter((d) => d.stepIndex === step.stepIndex && d.kind === step.kind);
  if (attempts.some((d) => d.state !== "queued")) return;
  const documentId = `step-${step.stepIndex}-${step.kind}`;
  const archived = await deps.letters.get(record.tenantId, record.caseId, documentId);
  if (!archived) return;
  const policy = ladderOf(tenant, record.case.country);
  const choice = await chooseChannels(stepChannels(policy, step.stepIndex), record, deps.channels ?? {});
  const link = await issuePayLink(
    deps,
    deps.config,
    { tenantId: record.tenantId, caseIds: [record.caseId] },
    deps.clock.now(),
  );
  await deliverLetter(
    deliverDeps(deps),
    record,
    tenant,
    {
      stepKey: key,
      stepIndex: step.stepIndex,
      kind: step.kind as LetterKind,
      documentId,
      pdf: archived.content,
      payLink: link.url,
    },
    choice,
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Types

/** Moved to shared/letters (letter-model.ts); re-exported only until functions/composition.ts imports it from there. */

export interface ExecuteStepConfig {
  /** Base of the short pay links: {publicBaseUrl}/p/{token}. */
  publicBaseUrl: string;
  /** Without it no letter can be produced: letter steps end "not-executed" (retry later) saying so. */
  letterhead?: Letterhead;
  /** How long a pay link issued with a message stays valid (default 30 days). */
  payLinkValidityDays?: number;
  /** `MINSIDE_PIN_SECRET`: letters print the case number and PIN for Min side. */
  minSidePinSecret?: string;
}

export interface ExecuteStepDeps {
  cases: CaseStore;
  tenants: TenantStore;
  sms: SmsSender;
  letters: LetterArchive;
  payLinks: PayLinkStore;
  events: EventPublisher;
  clock: Clock;
  /** Pay-link tokens. */
  random: Random;
  /** The suspension step's commands to the partner systems (the `partner-commands` session queue). */
  partnerCommands: PartnerCommandQueue;
  config: ExecuteStepConfig;
  /** The operators' entered late-interest rates (the seed alone without it). */
  interestRates?: InterestRateStore;
  /** Where letters go: e-mail, digital mailbox, print house (a channel left out is never chosen). */
  channels?: LetterChannels;
  /** Which case a channel's message id belongs to (required with `channels`). */
  deliveryIndex?: DeliveryIndex;
  /**
   * The last SMS each debtor got from each creditor's ladder (one SMS per debtor at a time: messages/debtor-sms-slot.ts).
   * Without it every step sends its own SMS.
   */
  debtorContacts?: DebtorContactStore;
}

/**
 * The step the orchestration asks for: the planned action (only kind, index and services identify it; an instalment
 * action also its instalment's due date).
 */
export type RequestedStep = Pick<PlannedStep, "kind" | "stepIndex" | "serviceIds"> & {
  instalment?: { dueDate: LocalDate } | null;
};

export interface Delivery {
  channel: "sms" | "sms-alert" | "email" | "digital-mailbox" | "print" | "partner-system" | "none";
  status: "sent" | "queued" | "recorded" | "skipped" | "failed";
  /** Why it was skipped or failed (no personal data). */
  reason?: string;
}

export type StepOutcome =
  | {
      kind: "executed";
      step: ActionKind;
      stepIndex: number | null;
      key: string;
      delivery: Delivery;
      documentId: string | null;
      fee: Money | null;
      status: CaseStatus;
      /**
       * What happens next, planned on the case as this step left it: the orchestration goes on from it without reading
       * the case again (a change meanwhile reaches it as "case changed", which re-plans).
       */
      next: PlanDecision;
    }
  /** A retry found the step already recorded; its events were published again (same ids). */
  | { kind: "already-executed"; step: ActionKind; stepIndex: number | null; key: string }
  /**
   * Nothing was done. `replan`: the case changed and the step is no longer due (plan again now); `later`: the step
   * cannot be carried out as things stand (wait for a change or try again later).
   */
  | {
      kind: "not-executed";
      reason: string;
      retry: "replan" | "later";
      /** Plan again no earlier than this instant (ISO): the debtor's next SMS may go then. */
      notBefore?: string;
    };

/** A failure worth retrying (the activity retry policy does so): the gateway may accept the same request later. */
export class TransientStepFailure extends Error {
  readonly code = "TRANSIENT_STEP_FAILURE";
}

// ---------------------------------------------------------------------------------------------------------------
// The use case

/** The stable key of a step on a case (see "IDEMPOTENT" above). */
export function stepKey(_c: Case, step: RequestedStep): string {
  if (isInstalmentActionKind(step.kind)) return instalmentKey(step.kind, step.instalment?.dueDate ?? "unknown");
  return `step:${step.stepIndex}:${step.kind}`;
}

/**
 * An SMS the gateway accepted, tracked on the case until its delivery report (ACS `messageId`). Nothing is indexed:
 * the report names the case and the delivery by the tag the SMS was sent with (messages/sms-tag.ts); one that comes
 * before the step is recorded finds the case without the delivery yet, and is retried.
 */
interface SmsDispatched {
  deliveryId: string;
  kind: "lets-pay-sms" | "letter-alert";
  messageId: string;
}

interface Effects {
  delivery: Delivery;
  /** SMS accepted by the gateway during this step: recorded as dispatched deliveries with the step. */
  sms?: SmsDispatched[];
  channel?: Channel;
  document?: DocumentRef;
  sentKeys: string[];
  /** The deadline printed on the letter (from its expected arrival), when later than the planned one. */
  deadline?: LocalDate;
  /** A letter recorded pending, to be sent through these channels once the step is on the case. */
  deliver?: { letter: LetterToDeliver; choice: ChannelChoice };
  /** The pay link this step sent the debtor (its SMS): its expiry is the case's `payLink.expiresAt` from now on. */
  payLinkExpiresAt?: string;
}

export function makeExecuteStep(
  deps: ExecuteStepDeps,
): (caseId: string, requested: RequestedStep) => Promise<StepOutcome> {
  return async (caseId, requested) => {
    const record = await deps.cases.getById(caseId);
    if (!record) return { kind: "not-executed", reason: "The case no longer exists.", retry: "replan" };
    const tenant = await deps.tenants.get(record.tenantId);
    if (!tenant) throw new CaseTenantMissing(caseId);

    const key = stepKey(record.case, requested);
    if (record.sentKeys.includes(`executed:${key}`)) {
      if (isInstalmentActionKind(requested.kind)) {
        await deps.events.publish(instalmentEventsOf(record, key));
        return { kind: "already-executed", step: requested.kind, stepIndex: null, key };
      }
      await resumeDelivery(deps, record, tenant, requested, key);
      await deps.events.publish(eventsOf(record, key));
      return { kind: "already-executed", step: requested.kind, stepIndex: requested.stepIndex, key };
    }

    const now = deps.clock.now();
    const rulesOn = await rulesWithEnteredRates(deps);
    const { plan, rules, policy } = planCase(record, tenant, now, rulesOn);
    if (plan.kind !== "act" || !sameStep(plan.action, requested) || plan.action.at.getTime() > now.getTime()) {
      const why = plan.kind === "act" ? "another step is due now" : plan.reason;
      return {
        kind: "not-executed",
        reason: `The ${describe(requested.kind)} is no longer due: ${why}`,
        retry: "replan",
      };
    }
    const action = plan.action;

    // An instalment plan's reminder, or its end when an instalment was missed (instalments/instalment-actions.ts).
    if (isInstalmentAction(action)) {
      const done = await executeInstalmentAction(deps, record, tenant, policy, action, rules, key, now);
      return {
        kind: "executed",
        step: action.kind,
        stepIndex: null,
        key,
        delivery: done.delivery,
        documentId: null,
        fee: null,
        status: done.record.case.status,
        next: planDecision(done.record, tenant, deps.clock.now(), rulesOn),
      };
    }

    if (!isLadderAction(action)) throw new Error(`No way to carry out a ${action.kind}`);

    // One SMS per debtor at a time: take the debtor's SMS slot at this creditor before anything is produced.
    let slot: SmsSlot | undefined;
    let listed: CaseRecord[] | undefined;
    if (sendsSms(record, action)) {
      slot = await takeSmsSlot(
        deps.debtorContacts,
        { tenantId: record.tenantId, key: debtorKey(record.tenantId, record.customer, record.case.country) },
        coalescedStep(record, action, key),
        policy.minSmsIntervalHours,
        now,
        async () => {
          listed = await customerCases(deps.cases, record);
          return othersDue(listed, record, tenant, now, rulesOn);
        },
      );
      if (slot.kind === "wait") {
        return {
          kind: "not-executed",
          reason: `The ${describe(action.kind)} waits for the debtor's next SMS: ${tenant.name} sent one at ${slot.lastAt} and sends at most one every ${policy.minSmsIntervalHours} hours (minSmsIntervalHours).`,
          retry: "later",
          notBefore: slot.until.toISOString(),
        };
      }
    }
    const sms: SmsContext = { slot, listed };

    let effects: Effects;
    if (action.kind === "lets-pay-sms") {
      effects = await sendLetsPaySms(deps, record, tenant, policy, action, key, now, sms);
    } else if (LETTER_STEPS.includes(action.kind)) {
      const produced = await produceLetter(deps, record, tenant, policy, action, rules, key, now, sms);
      if ("notExecuted" in produced) {
        // the SMS this step took the debtor's slot for never went: give the slot back
        await releaseSmsSlot(deps.debtorContacts, slot);
        return { kind: "not-executed", reason: produced.notExecuted, retry: "later" };
      }
      effects = produced;
    } else {
      effects = {
        delivery: { channel: "partner-system", status: "recorded" },
        channel: "partner-system",
        sentKeys: [],
      };
    }

    // The suspension's commands: those of this step's services not sent yet (a retry finds them too; the queue's
    // duplicate detection drops a second copy).
    const suspensionCommands = (r: CaseRecord) =>
      action.kind === "suspension"
        ? unsentCommands(r).filter((m) => (action.serviceIds ?? []).includes(m.serviceId) && m.target === "inactive")
        : [];
    const written = await deps.cases.update(
      record.tenantId,
      caseId,
      (current) => {
        // The letter's first delivery is queued in the same write (deliverThrough then finds it and goes on to send).
        const next = withFirstDelivery(
          withStepRecorded(current, action, effects, key, rules, policy, now),
          effects,
          now,
        );
        // The step's events (and a suspension's service events) are written with the step: the outbox.
        const commands = suspensionCommands(next);
        const events = [
          ...(commands.length > 0 ? serviceWebhooks(next, { record: next, commands, events: [] }, now) : []),
          ...eventsOf(next, key),
        ];
        return withOutbox(next, eventMessages(events), now);
      },
      record,
    );
    let updated: CaseRecord;
    if (effects.deliver) {
      // The letter is handed over right after, in a write of the case: the relayed entries are removed in that write.
      const relay = await relayOutboxBeforeNextWrite(deps, written);
      const relayed = { entryIds: relay.relayed };
      try {
        updated = await deliverLetter(
          deliverDeps(deps),
          relay.record,
          tenant,
          effects.deliver.letter,
          effects.deliver.choice,
          relayed,
        );
      } finally {
        // Not taken by a write (nothing written, or it failed): removed on their own; should that fail too, the sweep
        // relays them again, which the consumers absorb (as after any relay whose removal failed).
        if (relayed.entryIds.length > 0) await deps.cases.removeOutbox(caseId, relayed.entryIds).catch(() => undefined);
      }
    } else updated = await relayOutbox(deps, written);
    await dispatchCommands(deps.partnerCommands, suspensionCommands(updated));
    return {
      kind: "executed",
      step: action.kind,
      stepIndex: action.stepIndex,
      key,
      delivery: effects.delivery,
      documentId: effects.document?.documentId ?? null,
      fee: action.fee?.amount ?? null,
      status: updated.case.status,
      next: planDecision(updated, tenant, deps.clock.now(), rulesOn),
    };
  };
}

/** The record with the letter's first channel's delivery queued, unless a delivery of the letter is there already. */
function withFirstDelivery(record: CaseRecord, effects: Effects, now: Date): CaseRecord {
  const letter = effects.deliver?.letter;
  const channel = effects.deliver?.choice.usable[0];
  if (letter === undefined || channel === undefined) return record;
  if ((record.deliveries ?? []).some((d) => d.stepIndex === letter.stepIndex && d.kind === letter.kind)) return record;
  return withDelivery(record, newDelivery(record, letter, channel, 1, now));
}

function sameStep(a: PlannedAction, requested: RequestedStep): boolean {
  if (a.instalment) return a.kind === requested.kind && a.instalment.dueDate === requested.instalment?.dueDate;
  return a.kind === requested.kind && a.stepIndex === requested.stepIndex;
}

function isInstalmentAction(a: PlannedAction): a is PlannedAction & { kind: InstalmentActionKind } {
  return isInstalmentActionKind(a.kind);
}

/** A step of the creditor's ladder (not an instalment plan's own action). */
type LadderAction = PlannedAction & { kind: StepKind };

function isLadderAction(a: PlannedAction): a is LadderAction {
  return !isInstalmentActionKind(a.kind);
}

function describe(kind: ActionKind): string {
  return describeStep(kind);
}

// ---------------------------------------------------------------------------------------------------------------
// One SMS per debtor at a time (messages/debtor-sms-slot.ts)

/** The debtor's SMS slot as taken for this step, and the debtor's cases when they were listed to take it. */
interface SmsContext {
  slot: SmsSlot | undefined;
  listed: CaseRecord[] | undefined;
}

/** Whether carrying out `action` sends the debtor an SMS (the Let's pay SMS, or a letter's alert). */
function sendsSms(record: CaseRecord, action: PlannedAction): boolean {
  const customer = record.customer;
  if (!customer.phone) return false;
  if (action.kind === "lets-pay-sms") return customer.consent?.sms !== false;
  if (!LETTER_STEPS.includes(action.kind)) return false;
  // the alert with explicit consent; a power disconnection notice is told personally unless SMS was refused
  return customer.consent?.sms === true || (action.kind === "suspension-notice" && customer.consent?.sms !== false);
}

function coalescedStep(record: CaseRecord, action: LadderAction, key: string): CoalescedStep {
  return {
    caseId: record.caseId,
    key,
    kind: action.kind,
    invoiceNumber: record.invoiceNumber,
    amount: action.kind === "lets-pay-sms" ? action.amounts.total : action.amounts.totalWithFee,
  };
}

/** The debtor's other cases whose next step is due now and sends an SMS: the debtor's one SMS speaks for them too. */
function othersDue(
  listed: CaseRecord[],
  record: CaseRecord,
  tenant: Tenant,
  now: Date,
  rulesOn: RulesOn,
): CoalescedStep[] {
  const debtor = debtorKey(record.tenantId, record.customer, record.case.country);
  const due: CoalescedStep[] = [];
  for (const other of listed) {
    if (other.caseId === record.caseId || other.case.status !== "open") continue;
    if (debtorKey(other.tenantId, other.customer, other.case.country) !== debtor) continue;
    const { plan } = planCase(other, tenant, now, rulesOn);
    // An instalment plan's own message is not a ladder SMS: it is not folded into another invoice's SMS.
    if (plan.kind !== "act" || !isLadderAction(plan.action)) continue;
    if (plan.action.at.getTime() > now.getTime() || !sendsSms(other, plan.action)) continue;
    const key = stepKey(other.case, { kind: plan.action.kind, stepIndex: plan.action.stepIndex, serviceIds: [] });
    if (other.sentKeys.includes(`executed:${key}`)) continue;
    due.push(coalescedStep(other, plan.action, key));
  }
  return due;
}

/** The one SMS for several invoices, with one pay link covering them all (and the debtor's other overdue ones). */
async function debtorSms(
  deps: ExecuteStepDeps,
  record: CaseRecord,
  tenant: Tenant,
  steps: readonly CoalescedStep[],
  listed: CaseRecord[] | undefined,
  now: Date,
  issuedBy?: PayLink["issuedBy"],
): Promise<{ text: string; payLinkExpiresAt: string }> {
  const today = todayIn(record.case.country, now);
  const overdue = await caseIdsForLink(deps.cases, record, today, listed);
  const caseIds = [...new Set([...steps.map((s) => s.caseId), ...overdue])].slice(0, 20);
  const link = await issuePayLink(
    deps,
    deps.config,
    { tenantId: record.tenantId, caseIds, ...(issuedBy ? { issuedBy } : {}) },
    now,
  );
  const text = debtorSmsText({
    creditorName: tenant.name,
    items: steps.map((s) => ({
      invoiceNumber: s.invoiceNumber,
      amount: s.amount,
      ...(s.kind !== "lets-pay-sms" ? { letter: s.kind as LetterKind } : {}),
    })),
    payLink: link.url,
    language: languageIn(record.case.country),
  });
  return { text, payLinkExpiresAt: link.expiresAt };
}

// ---------------------------------------------------------------------------------------------------------------
// Recording the step (pure over the current record: `update` may run it again on a concurrent change)

function withStepRecorded(
  current: CaseRecord,
  action: LadderAction,
  effects: Effects,
  key: string,
  rules: RuleSet,
  policy: LadderPolicy,
  now: Date,
): CaseRecord {
  if (current.sentKeys.includes(`executed:${key}`)) return current;
  const experiment = experimentOf(action, effects);
  const before = current.case.status;
  let c = current.case;
  const event: CaseEvent = {
    type: "step-executed",
    stepIndex: action.stepIndex!,
    kind: action.kind,
    on: action.on,
    at: now.toISOString(),
    ...(effects.channel ? { channel: effects.channel } : {}),
    deadline: effects.deadline ?? action.deadline ?? null,
    ...(effects.deadline && action.deadline ? { deadlineDays: daysBetween(action.on, action.deadline) } : {}),
    fee: action.fee?.amount ?? null,
    serviceIds: action.serviceIds ?? [],
    awaitingDelivery: effects.deliver !== undefined,
  };
  c = applyEvent(c, event, rules, { allocationOrder: policy.allocationOrder });
  const statusChange = c.status !== before ? { from: before, to: c.status } : null;
  const entry: TimelineEntry = {
    at: now.toISOString(),
    kind: "step-executed",
    title: titleOf(action, effects) + (experiment ? ` (A/B test ${experiment.id}: variant ${experiment.variant})` : ""),
    legalBasis: action.fee ? `${action.legalBasis}; fee: ${action.fee.legalBasis}` : action.legalBasis,
    step: action.kind,
    details: {
      key,
      action: action.kind,
      stepIndex: action.stepIndex,
      on: action.on,
      deadline: effects.deadline ?? action.deadline ?? null,
      fee: action.fee?.amount ?? null,
      ...(action.noFeeReason ? { noFeeReason: action.noFeeReason } : {}),
      serviceIds: action.serviceIds ?? [],
      delivery: effects.delivery,
      documentId: effects.document?.documentId ?? null,
      statusChange,
      ...(effects.payLinkExpiresAt ? { payLinkExpiresAt: effects.payLinkExpiresAt } : {}),
      ...(experiment ? { experiment } : {}),
    },
  };
  const timeline: TimelineEntry[] = [...current.timeline, ...skippedEntries(current, action, key, now), entry];
  if (statusChange) {
    timeline.push({
      at: now.toISOString(),
      kind: "status-changed",
      title: `Status changed from ${before} to ${c.status}`,
      details: { key, ...statusChange },
    });
  }
  const documents =
    effects.document && !current.documents.some((d) => d.documentId === effects.document!.documentId)
      ? [...current.documents, effects.document]
      : current.documents;
  const sentKeys = [...new Set([...current.sentKeys, ...effects.sentKeys, `executed:${key}`])];
  let recorded: CaseRecord = { ...current, case: c, timeline, documents, sentKeys, updatedAt: now.toISOString() };
  for (const sms of effects.sms ?? []) {
    recorded = withDelivery(recorded, {
      deliveryId: sms.deliveryId,
      stepIndex: action.stepIndex!,
      kind: sms.kind,
      documentId: null,
      channel: "sms",
      messageId: sms.messageId,
      attempt: 1,
      state: "dispatched",
      queuedAt: now.toISOString(),
      dispatchedAt: now.toISOString(),
    });
  }
  return action.kind === "suspension" ? suspendServices(recorded, action.serviceIds ?? [], now).record : recorded;
}

/**
 * The steps this one passes over (catch-up after a late hand-over, a resume or a lifted hold: domain/planner.ts), each
 * on the timeline as skipped with the reason — once: a step already shown as skipped is not shown again.
 */
function skippedEntries(current: CaseRecord, action: PlannedAction, key: string, now: Date): TimelineEntry[] {
  const shown = new Set(current.timeline.filter((t) => t.kind === "step-skipped").map((t) => t.details?.["key"]));
  return (action.passesOver ?? [])
    .map((p) => ({ ...p, key: `step:${p.stepIndex}:${p.kind}` }))
    .filter((p) => !shown.has(p.key))
    .map((p) => ({
      at: now.toISOString(),
      kind: "step-skipped" as const,
      title: `${capitalised(describeStep(p.kind))} (step ${p.stepIndex + 1}) ${p.reason}`,
      step: p.kind,
      details: { key: p.key, stepIndex: p.stepIndex, reason: p.reason, replacedBy: key },
    }));
}

/**
 * The experiment the step's message went out in: the case's variant of the experiment running for the step's kind,
 * when a message did go (sent, or a letter queued for its channel) — a step that sent nothing is not counted. A case
 * told in another invoice's SMS (one SMS per debtor at a time) keeps its variant: it is counted as assigned, and that
 * one SMS has the gathered text and the sending case's hour.
 */
function experimentOf(action: LadderAction, effects: Effects): { id: string; variant: "A" | "B" } | undefined {
  if (!action.experiment) return undefined;
  if (effects.delivery.status !== "sent" && effects.delivery.status !== "queued") return undefined;
  return { id: action.experiment.id, variant: action.experiment.variant };
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function titleOf(action: LadderAction, effects: Effects): string {
  const d = effects.delivery;
  const why = d.reason ? `: ${d.reason}` : "";
  switch (action.kind) {
    case "lets-pay-sms":
      return d.status === "sent" ? "Let's pay SMS sent with a pay link" : `Let's pay SMS not sent${why}`;
    case "suspension":
      return "Suspension ordered from the partner system";
    case "legal-handoff":
      return "Handed off to legal steps";
    default: {
      const title = `${letterTitle(action.kind, "en")} archived`;
      if (effects.deliver) {
        const fee = action.fee
          ? `; its fee of ${formatMoney(action.fee.amount, "en")} counts once it is delivered`
          : ", without a fee";
        return `${title}, sending ${CHANNEL_WORDS[effects.deliver.choice.usable[0]!]}${fee}${why}`;
      }
      const fee = action.fee ? ` with a fee of ${formatMoney(action.fee.amount, "en")}` : " without a fee";
      return `${title}${fee}, SMS alert sent`;
    }
  }
}

/** The events of a recorded step, rebuilt from its timeline entry (so a retry publishes the very same events). */
function eventsOf(record: CaseRecord, key: string): CaseEventMessage[] {
  const entry = record.timeline.find((t) => t.kind === "step-executed" && t.details?.["key"] === key);
  if (!entry) return [];
  const details = entry.details ?? {};
  const base = { tenantId: record.tenantId, caseId: record.caseId, occurredAt: entry.at };
  const events: CaseEventMessage[] = [
    {
      ...base,
      id: `${record.caseId}:case.step_executed:${key}`,
      type: "case.step_executed",
      data: {
        step: details["action"],
        stepIndex: details["stepIndex"],
        title: entry.title,
        legalBasis: entry.legalBasis ?? null,
        on: details["on"],
        deadline: details["deadline"],
        fee: details["fee"],
        delivery: details["delivery"],
        documentId: details["documentId"],
        // The A/B experiment the step's message was sent in, and the case's variant: what the KPI projection counts.
        ...(details["experiment"] ? { experiment: details["experiment"] } : {}),
      },
    },
  ];
  const change = details["statusChange"] as { from: CaseStatus; to: CaseStatus } | null | undefined;
  if (change) {
    events.push({
      ...base,
      id: `${record.caseId}:case.status_changed:${key}`,
      type: "case.status_changed",
      data: { ...change, reason: entry.title },
    });
  }
  return events;
}

// ---------------------------------------------------------------------------------------------------------------
// Let's pay SMS

async function sendLetsPaySms(
  deps: ExecuteStepDeps,
  record: CaseRecord,
  tenant: Tenant,
  policy: LadderPolicy,
  action: PlannedAction,
  key: string,
  now: Date,
  context: SmsContext = { slot: undefined, listed: undefined },
): Promise<Effects> {
  const customer = record.customer;
  if (!customer.phone)
    return {
      delivery: { channel: "none", status: "skipped", reason: "the customer has no phone number" },
      sentKeys: [],
    };
  if (customer.consent?.sms === false) {
    return { delivery: { channel: "none", status: "skipped", reason: "the customer has refused SMS" }, sentKeys: [] };
  }
  const slot = context.slot;
  if (slot?.kind === "covered") {
    return {
      delivery: { channel: "sms", status: "sent", reason: coveredBy(slot) },
      channel: "sms",
      sentKeys: [`sms:${key}`],
    };
  }
  let text: string;
  let payLinkExpiresAt: string;
  if (slot?.kind === "send" && slot.steps.length > 1) {
    ({ text, payLinkExpiresAt } = await debtorSms(deps, record, tenant, slot.steps, context.listed, now, {
      caseId: record.caseId,
      stepKey: key,
      step: action.kind,
      channel: "sms",
    }));
  } else {
    const today = todayIn(record.case.country, now);
    const caseIds = await caseIdsForLink(deps.cases, record, today, context.listed);
    const link = await issuePayLink(
      deps,
      deps.config,
      {
        tenantId: record.tenantId,
        caseIds,
        issuedBy: { caseId: record.caseId, stepKey: key, step: action.kind, channel: "sms" },
      },
      now,
    );
    payLinkExpiresAt = link.expiresAt;
    const values = {
      creditorName: tenant.name,
      invoiceNumber: record.invoiceNumber,
      amount: action.amounts.total,
      dueDate: ladderAnchor(record.case),
      payLink: link.url,
      language: languageIn(record.case.country),
    };
    // An A/B experiment's variant with a text of its own (domain/experiments.ts); else the ladder's text.
    text = experimentSmsText(policy, action.experiment, values) ?? letsPaySmsText(values);
  }
  const sent = await deps.sms.send({
    to: customer.phone,
    from: smsSenderOf(tenant, policy),
    text,
    idempotencyKey: `${record.caseId}:step:${action.stepIndex}`,
    tag: smsTagFor(record.caseId, `${key}:sms`),
    deliveryReport: true,
  });
  if (!sent.ok && sent.retryable)
    throw new TransientStepFailure(`The Let's pay SMS could not be sent yet: ${sent.reason}`);
  if (!sent.ok) return { delivery: { channel: "sms", status: "failed", reason: sent.reason }, sentKeys: [] };
  // Tracked on the case with the step; its delivery report finds it by the SMS's tag (messages/sms-tag.ts).
  const sms: SmsDispatched = { deliveryId: `${key}:sms`, kind: "lets-pay-sms", messageId: sent.messageId };
  const together = slot?.kind === "send" && slot.steps.length > 1 ? togetherWith(slot.steps) : undefined;
  return {
    delivery: { channel: "sms", status: "sent", ...(together ? { reason: together } : {}) },
    channel: "sms",
    sentKeys: [`sms:${key}`],
    sms: [sms],
    payLinkExpiresAt,
  };
}

/** Why a step sent no SMS of its own: the debtor's SMS of `slot.at` told them (no personal data). */
function coveredBy(slot: Extract<SmsSlot, { kind: "covered" }>): string {
  return `told in one SMS with invoice ${slot.by.invoiceNumber} at ${slot.at} (one SMS per debtor at a time)`;
}

/** A sent SMS that spoke for other invoices too. */
function togetherWith(steps: readonly CoalescedStep[]): string {
  const numbers = steps.map((s) => s.invoiceNumber).sort((a, b) => a.localeCompare(b, "nb", { numeric: true }));
  return `one SMS for invoices ${numbers.join(", ")} (one SMS per debtor at a time)`;
}

// ---------------------------------------------------------------------------------------------------------------
// Letters

async function produceLetter(
  deps: ExecuteStepDeps,
  record: CaseRecord,
  tenant: Tenant,
  policy: LadderPolicy,
  action: PlannedAction,
  rules: RuleSet,
  key: string,
  now: Date,
  context: SmsContext = { slot: undefined, listed: undefined },
): Promise<Effects | { notExecuted: string }> {
  const kind = action.kind as LetterKind;
  const documentId = `step-${action.stepIndex}-${kind}`;
  const reachable = await chooseChannels(action.channels, record, deps.channels ?? {});
  const alertPossible =
    action.channels.includes("portal-with-alert") && !!record.customer.phone && record.customer.consent?.sms === true;
  if (reachable.usable.length === 0 && !alertPossible) {
    return {
      notExecuted: `The ${describeStep(kind)} cannot be delivered: no channel reaches the debtor (${reachable.passedOver.join("; ") || "the step lists none"}).`,
    };
  }
  // Dated the day it is expected to reach the debtor through the first channel; its deadline counted from the latest
  // of the channels it may go through (a bounced e-mail goes by post), so the days printed are never fewer than the
  // law's from the day it really arrives (the case counts them from that day too: domain `letter-sent`).
  // A retry that finds the letter archived (a crash before the case was updated) uses the dates it was written with.
  const archived = (await deps.letters.list(record.tenantId, record.caseId)).find((l) => l.documentId === documentId);
  let createdAt = archived?.createdAt ?? now;
  const dates = letterDates(
    reachable.usable,
    createdAt,
    record.case.country,
    action.on,
    action.deadline === undefined ? undefined : daysBetween(action.on, action.deadline),
    action.deadline,
  );
  let payLink: string | undefined;
  if (!archived) {
    const letterhead = tenant.letterhead ?? deps.config.letterhead;
    if (!letterhead)
      return {
        notExecuted: `The ${describeStep(kind)} cannot be produced: no letterhead (creditor address, account number, contact): the creditor has none and none is configured.`,
      };
    const link = await issuePayLink(
      deps,
      deps.config,
      {
        tenantId: record.tenantId,
        caseIds: [record.caseId],
        issuedBy: { caseId: record.caseId, stepKey: key, step: kind, channel: "letter" },
      },
      now,
    );
    let content: Buffer;
    try {
      content = await renderLetter(
        letterForStep({
          record,
          tenant,
          action,
          rules,
          letterhead,
          payLink: link.url,
          dates,
          ...(deps.config.minSidePinSecret ? { minSidePinSecret: deps.config.minSidePinSecret } : {}),
        }),
        { rules },
      );
    } catch (err) {
      if (err instanceof DomainError)
        return { notExecuted: `The ${describeStep(kind)} cannot be produced (${err.code}): ${err.message}` };
      throw err;
    }
    await deps.letters.put({
      tenantId: record.tenantId,
      caseId: record.caseId,
      documentId,
      kind,
      contentType: LETTER_CONTENT_TYPE,
      content,
      createdAt: now,
    });
    payLink = link.url;
    createdAt = now;
  }
  const document: DocumentRef = {
    documentId,
    kind,
    createdAt: createdAt.toISOString(),
    contentType: LETTER_CONTENT_TYPE,
  };
  const sentKeys = [`letter:${key}`];
  const customer = record.customer;
  const link = async () =>
    payLink ??
    (
      await issuePayLink(
        deps,
        deps.config,
        {
          tenantId: record.tenantId,
          caseIds: [record.caseId],
          issuedBy: { caseId: record.caseId, stepKey: key, step: kind, channel: "letter" },
        },
        now,
      )
    ).url;

  // The channels of the step, in the creditor's order, that this debtor has and agreed to (deliver-letter.ts).
  const choice = reachable;
  const first = choice.usable[0];
  const firstIndex = first ? action.channels.findIndex((c) => DOMAIN_CHANNEL[first] === c) : action.channels.length;
  const alertIndex = action.channels.indexOf("portal-with-alert");
  const concernsPower = record.case.services.some(
    (s) => (action.serviceIds ?? []).includes(s.serviceId) && s.kind === "power-meter",
  );
  const lawful = lawfulDelivery({
    kind,
    ...(concernsPower ? { suspension: { service: "power-meter" as const } } : {}),
  });

  // The letter in the portal with an SMS alert, when the creditor lists that before any channel the debtor has.
  if (
    !lawful.requiresPersonalAlert &&
    alertIndex >= 0 &&
    alertIndex < firstIndex &&
    customer.phone &&
    customer.consent?.sms === true
  ) {
    const sent = await sendLetterAlert(deps, record, tenant, policy, action, key, await link(), undefined, context);
    if (sent.ok)
      return {
        delivery: { channel: "sms-alert", status: "sent", ...(sent.note ? { reason: sent.note } : {}) },
        channel: "portal-with-alert",
        document,
        sentKeys: [...sentKeys, `sms:${key}:alert`],
        sms: sent.sms ? [sent.sms] : [],
        ...(dates.deadline ? { deadline: dates.deadline } : {}),
      };
    choice.passedOver.push(`portal-with-alert: the SMS alert was refused (${sent.reason})`);
  }
  if (!first) {
    return {
      notExecuted: `The ${describeStep(kind)} cannot be delivered: no channel reaches the debtor (${choice.passedOver.join("; ") || "the step lists none"}).`,
    };
  }

  let reason: string | undefined;
  const sms: SmsDispatched[] = [];
  if (lawful.requiresPersonalAlert) {
    // A power disconnection notice goes to the invoice address in writing AND is told personally (an SMS unless the
    // customer refused SMS): the alert adds to the letter, it never replaces it.
    if (customer.phone && customer.consent?.sms !== false) {
      const sent = await sendLetterAlert(deps, record, tenant, policy, action, key, await link(), first, context);
      reason = sent.ok
        ? `and told personally by SMS (${lawful.basis ?? "forbrukerkjøpsloven § 48 a"})${sent.note ? `: ${sent.note}` : ""}`
        : `the personal SMS alert was refused (${sent.reason}): contact the customer personally before disconnecting`;
      if (sent.ok) {
        sentKeys.push(`sms:${key}:alert`);
        if (sent.sms) sms.push(sent.sms);
      }
    } else {
      reason = `${!customer.phone ? "no phone number" : "SMS refused"} for the personal alert ${lawful.basis ?? ""} requires: contact the customer personally before disconnecting`;
    }
  } else if (customer.phone && customer.consent?.sms === true) {
    // The debtor agreed to SMS: a short alert with a pay link tells them a letter is on its way (it adds to the
    // written channel, it never replaces it).
    const sent = await sendLetterAlert(deps, record, tenant, policy, action, key, await link(), first, context);
    if (sent.ok) {
      sentKeys.push(`sms:${key}:alert`);
      if (sent.sms) sms.push(sent.sms);
      if (sent.note) reason = `SMS alert: ${sent.note}`;
    } else reason = `the SMS alert was refused (${sent.reason})`;
  }
  const content = (await deps.letters.get(record.tenantId, record.caseId, documentId))?.content;
  if (!content) throw new TransientStepFailure(`The archived ${describeStep(kind)} could not be read back`);
  return {
    delivery: { channel: first, status: "queued", ...(reason ? { reason } : {}) },
    channel: DOMAIN_CHANNEL[first],
    document,
    sentKeys,
    sms,
    ...(dates.deadline ? { deadline: dates.deadline } : {}),
    deliver: {
      letter: { stepKey: key, stepIndex: action.stepIndex!, kind, documentId, pdf: content, payLink: await link() },
      choice,
    },
  };
}

/** The SMS telling the debtor about a letter (with a pay link); throws on a transient gateway failure. */
async function sendLetterAlert(
  deps: ExecuteStepDeps,
  record: CaseRecord,
  tenant: Tenant,
  policy: LadderPolicy,
  action: PlannedAction,
  key: string,
  payLink: string,
  by?: WrittenChannel,
  context: SmsContext = { slot: undefined, listed: undefined },
): Promise<{ ok: true; sms?: SmsDispatched; note?: string } | { ok: false; reason: string }> {
  const slot = context.slot;
  // Another invoice's SMS told the debtor about this letter already (one SMS per debtor at a time).
  if (slot?.kind === "covered") return { ok: true, note: coveredBy(slot) };
  const language = languageIn(record.case.country);
  const text =
    slot?.kind === "send" && slot.steps.length > 1
      ? (await debtorSms(deps, record, tenant, slot.steps, context.listed, deps.clock.now())).text
      : (experimentSmsText(policy, action.experiment, {
          creditorName: tenant.name,
          invoiceNumber: record.invoiceNumber,
          amount: action.amounts.totalWithFee,
          dueDate: ladderAnchor(record.case),
          payLink,
          letter: action.kind as LetterKind,
          language,
        }) ??
        letterAlertSmsText({
          creditorName: tenant.name,
          invoiceNumber: record.invoiceNumber,
          letter: action.kind as LetterKind,
          payLink,
          language,
          ...(by ? { by: by === "print" ? ("post" as const) : by } : {}),
        }));
  const sent = await deps.sms.send({
    to: record.customer.phone!,
    from: smsSenderOf(tenant, policy),
    text,
    idempotencyKey: `${record.caseId}:step:${action.stepIndex}:alert`,
    tag: smsTagFor(record.caseId, `${key}:alert`),
    deliveryReport: true,
  });
  if (!sent.ok && sent.retryable)
    throw new TransientStepFailure(`The letter's SMS alert could not be sent yet: ${sent.reason}`);
  if (!sent.ok) return { ok: false, reason: sent.reason };
  return {
    ok: true,
    sms: { deliveryId: `${key}:alert`, kind: "letter-alert", messageId: sent.messageId },
    ...(slot?.kind === "send" && slot.steps.length > 1 ? { note: togetherWith(slot.steps) } : {}),
  };
}
