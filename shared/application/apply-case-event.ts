/**
 * The shared path of every creditor action on a case (payment, credit note, hold, resume, cancel): apply the domain
 * event inside the store's optimistic-concurrency update, add a timeline entry when it changed something, publish
 * what happened, and tell the case's orchestration to re-plan. In the same write the case's services are re-evaluated
 * (every balance-changing action may end the overdue blocker): a service nothing blocks any more is reopened by a
 * command, put on the `partner-commands` queue right after the write (services/case-services.ts: the case is the
 * outbox, so a lost enqueue is sent by the sweep).
 *
 * `mutate` may run more than once (the store re-applies it on a concurrent write), so it is pure: what it decided is
 * read from the LAST run. An event the domain finds already applied (same payment reference) changes nothing and is
 * not published again — a replayed request is harmless.
 */
import { applyEvent, CaseClosed, InvalidCaseEvent, type Case, type CaseEvent, type CaseStatus } from "../domain/case";
import type { CaseRecord, CaseStore, TimelineEntry } from "../ports/case-store";
import type { CaseWorkflow } from "../ports/case-workflow";
import type { Clock } from "../ports/clock";
import type { CaseEventMessage, EventPublisher } from "../ports/event-publisher";
import type { TenantStore } from "../ports/tenant-store";
import { CaseActionNotAllowed, caseEvent, ladderOf, todayIn } from "./case-context";
import { rulesWithEnteredRates } from "./interest-rates";
import type { InterestRateStore } from "../ports/interest-rate-store";
import { CaseNotFound, TenantNotFound } from "../ports/errors";
import { overdueForServices } from "../domain/planner";
import type { PartnerCommandQueue } from "../ports/partner-command-queue";
import { dispatchCommands } from "./services/dispatch";
import { reevaluateServices, serviceWebhooks, type ServicesChanged } from "./services/case-services";
import { eventMessages, relayOutbox, withOutbox } from "./outbox";

export interface CaseActionDeps {
  cases: CaseStore;
  tenants: TenantStore;
  events: EventPublisher;
  workflow: CaseWorkflow;
  clock: Clock;
  /** Where the suspend/reopen commands the action decides go (the `partner-commands` session queue). */
  partnerCommands: PartnerCommandQueue;
  /** The operators' entered late-interest rates (the seed alone without it). */
  interestRates?: InterestRateStore;
}

export interface CaseActionOutcome {
  record: CaseRecord;
  before: Case;
  changed: boolean;
}

export interface CaseAction {
  /** The domain event, given the case as it stands and today's local date. */
  event: (current: Case, today: string) => CaseEvent;
  timeline: (before: Case, after: Case, at: string) => TimelineEntry;
  /** Events to publish when the action changed the case (status events are added by the helper). */
  events?: (before: Case, after: Case, now: Date, record: CaseRecord) => CaseEventMessage[];
  /** Why the orchestration is told (e.g. "payment"). */
  reason: string;
}

const CLOSED: readonly CaseStatus[] = ["paid", "cancelled"];

export async function applyCaseAction(
  deps: CaseActionDeps,
  tenantId: string,
  caseId: string,
  action: CaseAction,
): Promise<CaseActionOutcome> {
  const tenant = await deps.tenants.get(tenantId);
  if (!tenant) throw new TenantNotFound(tenantId);
  const now = deps.clock.now();
  const at = now.toISOString();
  // No separate read first: `update` reads the case (and throws CaseNotFound for a missing or another tenant's case).
  let before: Case | undefined;
  let changed = false;
  let services: ServicesChanged | undefined;
  const rulesOn = await rulesWithEnteredRates(deps);
  const record = await deps.cases.update(tenantId, caseId, (current) => {
    before = current.case;
    services = undefined;
    const today = todayIn(current.case.country, now);
    const rules = rulesOn(current.case.country, today);
    const ladder = ladderOf(tenant, current.case.country);
    let after: Case;
    try {
      after = applyEvent(current.case, action.event(current.case, today), rules, {
        allocationOrder: ladder.allocationOrder,
      });
    } catch (error) {
      if (error instanceof CaseClosed || error instanceof InvalidCaseEvent) {
        throw new CaseActionNotAllowed(error.message, { caseId, status: current.case.status });
      }
      throw error;
    }
    changed = after !== current.case;
    if (!changed) return current;
    const next: CaseRecord = {
      ...current,
      case: after,
      timeline: [...current.timeline, action.timeline(current.case, after, at)],
      updatedAt: at,
    };
    services = reevaluateServices(next, overdueForServices(after, ladder, rules, now), now);
    // What the change must tell goes into the outbox with the change itself (see application/outbox.ts).
    return withOutbox(
      services.record,
      [
        ...eventMessages(messagesOf(action, current.case, services, now)),
        // A case the change left paid or cancelled stays so: its orchestration ends without planning again.
        {
          kind: "case-changed",
          reason: action.reason,
          ...(CLOSED.includes(services.record.case.status) ? { closed: true as const } : {}),
        },
      ],
      now,
    );
  });
  if (!before) throw new CaseNotFound(caseId);
  if (!changed) return { record, before, changed };

  if (services) await dispatchCommands(deps.partnerCommands, services.commands);
  return { record: await relayOutbox(deps, record), before, changed };
}

/** The events a change publishes: the action's own, its services', and the status change with paid/closed. */
function messagesOf(action: CaseAction, before: Case, services: ServicesChanged, now: Date): CaseEventMessage[] {
  const record = services.record;
  const after = record.case;
  const messages = action.events?.(before, after, now, record) ?? [];
  messages.push(...serviceWebhooks(record, services, now));
  if (after.status !== before.status) {
    const key = `${before.status}->${after.status}:${String(record.timeline.length)}`;
    messages.push(caseEvent("case.status_changed", record, key, now, { from: before.status, to: after.status }));
    if (after.status === "paid") messages.push(caseEvent("case.paid", record, "paid", now, { status: "paid" }));
    if (CLOSED.includes(after.status)) {
      messages.push(
        caseEvent("case.closed", record, "closed", now, { status: after.status, reason: after.closedReason }),
      );
    }
  }
  return messages;
}
