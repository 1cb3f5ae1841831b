/**
 * The services on a case record, moved through their lifecycle (shared/domain/service-lifecycle.ts) by the use cases
 * that change the case: the suspension step, every balance-changing action, the partner's reports, the escalation
 * sweep and customer service's manual blocks. Pure over the record (the store's `update` may run it again): each
 * function returns the record with its services and timeline changed, the commands to put on the `partner-commands`
 * queue AFTER the write, and what happened (for webhooks).
 *
 * THE OUTBOX IS THE CASE ITSELF: a command is decided in the same write that changes the case (the service's
 * `lastCommand`, with no `sentAt` yet). Enqueueing after the write may fail or be lost in a crash; the sweep
 * (`sweep-services.ts`) enqueues again every command still unsent after a short while, and the queue's duplicate
 * detection (message id `{commandId}#1`) drops the copy when the first did arrive. Nothing decided is lost.
 *
 * Command ids are `{caseId}.{serviceIndex}.{sequence}`: unique per service and case (the sequence only grows), the
 * same on every re-run of an update (no randomness), and they lead from a partner's callback back to the case.
 */
import { byStaff, type StaffActor } from "../portal/staff-actor";
import {
  block,
  commandAttempted,
  isTerminal,
  overdue,
  partnerReported,
  reevaluate,
  suspend,
  unblock,
  type BlockerKind,
  type ManagedService,
  type PartnerOrderState,
  type ServiceEvent,
  type ServiceTransition,
} from "../../domain/service-lifecycle";
import type { CaseRecord, TimelineEntry } from "../../ports/case-store";
import type { CaseEventMessage } from "../../ports/event-publisher";
import type { PartnerCommandMessage } from "../../ports/partner-command-queue";
import { caseEvent } from "../case-context";

export interface ServicesChanged {
  record: CaseRecord;
  /** Commands decided in this change, to enqueue once the record is written. */
  commands: PartnerCommandMessage[];
  events: ServiceEvent[];
}

const KIND_LABEL: Record<ManagedService["kind"], string> = { broadband: "broadband", "power-meter": "power meter" };

/** `{caseId}.{serviceIndex}.{sequence}` (see the header). */
export function commandIdFor(caseId: string, serviceIndex: number, sequence: number): string {
  return `${caseId}.${String(serviceIndex)}.${String(sequence)}`;
}

/** The case and the command's sequence, from one of our command ids; undefined when it is not one. */
export function parseCommandId(
  commandId: string,
): { caseId: string; serviceIndex: number; sequence: number } | undefined {
  const m = /^(c_[a-z2-7]{26})\.(\d{1,4})\.(\d{1,9})$/u.exec(commandId);
  if (!m) return undefined;
  return { caseId: m[1]!, serviceIndex: Number(m[2]), sequence: Number(m[3]) };
}

function nextCommandId(record: CaseRecord, index: number): string {
  const service = record.case.services[index]!;
  return commandIdFor(record.caseId, index, (service.lastCommand?.sequence ?? 0) + 1);
}

/**
 * Runs `step` on each service (`null` leaves it alone) and folds the transitions into the record: services,
 * timeline entries, commands and events.
 */
function transitionServices(
  record: CaseRecord,
  now: Date,
  step: (service: ManagedService, index: number) => ServiceTransition | null,
  note?: (before: ManagedService, after: ManagedService) => TimelineEntry | null,
): ServicesChanged {
  const at = now.toISOString();
  const commands: PartnerCommandMessage[] = [];
  const events: ServiceEvent[] = [];
  const timeline: TimelineEntry[] = [];
  let changed = false;
  const services = record.case.services.map((service, index) => {
    const t = step(service, index);
    if (t === null || t.service === service) return service;
    changed = true;
    for (const c of t.commands) {
      commands.push({
        tenantId: record.tenantId,
        caseId: record.caseId,
        serviceId: c.serviceId,
        commandId: c.commandId,
        target: c.target,
        attempt: 1,
      });
      timeline.push({
        at,
        kind: "service",
        title: `${c.target === "inactive" ? "Suspension" : "Reopening"} of ${KIND_LABEL[c.kind]} ${c.serviceId} ordered from the partner system${c.supersedes ? ` (supersedes ${c.supersedes})` : ""}`,
        details: { serviceId: c.serviceId, commandId: c.commandId, target: c.target, sequence: c.sequence },
      });
    }
    for (const e of t.events) {
      events.push(e);
      timeline.push({ at, kind: "service", title: titleOf(e, service), details: { ...e } });
    }
    const extra = note?.(service, t.service);
    if (extra) timeline.push(extra);
    return t.service;
  });
  if (!changed) return { record, commands, events };
  return {
    record: {
      ...record,
      case: { ...record.case, services },
      timeline: [...record.timeline, ...timeline],
      updatedAt: at,
    },
    commands,
    events,
  };
}

function titleOf(e: ServiceEvent, service: ManagedService): string {
  const what = `${KIND_LABEL[service.kind]} ${e.serviceId}`;
  switch (e.type) {
    case "service-suspended":
      return `The partner system confirmed: ${what} is suspended`;
    case "service-reopened":
      return `The partner system confirmed: ${what} is open again`;
    case "service-command-failed":
      return `The partner system reported the ${e.target === "active" ? "reopening" : "suspension"} of ${what} ${e.partnerState}`;
    case "service-reopen-delayed":
      return `The reopening of ${what} is not confirmed in time: escalated`;
  }
}

/** The suspension step: each named service that is active is suspended by a command. */
export function suspendServices(record: CaseRecord, serviceIds: readonly string[], now: Date): ServicesChanged {
  return transitionServices(record, now, (service, index) =>
    serviceIds.includes(service.serviceId) && service.state === "active"
      ? suspend(service, { commandId: nextCommandId(record, index), now })
      : null,
  );
}

/**
 * After any change to the case: the overdue blocker goes when the case is no longer overdue (`overdueForServices`),
 * and a service nothing blocks any more is reopened by a new command.
 */
export function reevaluateServices(record: CaseRecord, isOverdue: boolean, now: Date): ServicesChanged {
  return transitionServices(record, now, (service, index) =>
    reevaluate(service, { overdue: isOverdue, now, newCommandId: nextCommandId(record, index) }),
  );
}

/** One send attempt of the current command, and what the partner answered (the order's state), in one change. */
export function commandSent(
  record: CaseRecord,
  p: {
    serviceId: string;
    commandId: string;
    at: Date;
    answer?: { partnerState: PartnerOrderState; partnerOrderId: string };
  },
): ServicesChanged {
  return transitionServices(record, p.at, (service) => {
    if (service.serviceId !== p.serviceId) return null;
    const attempted = commandAttempted(service, { commandId: p.commandId, at: p.at });
    if (!p.answer) return attempted;
    const reported = partnerReported(attempted.service, {
      commandId: p.commandId,
      partnerState: p.answer.partnerState,
      partnerOrderId: p.answer.partnerOrderId,
      at: p.at,
    });
    return { service: reported.service, commands: reported.commands, events: reported.events };
  });
}

/** A state the partner reported for one of our orders (callback or poll). */
export function partnerReport(
  record: CaseRecord,
  p: { commandId: string; partnerState: PartnerOrderState; partnerOrderId?: string; at: Date },
): ServicesChanged {
  return transitionServices(record, p.at, (service) =>
    service.lastCommand?.commandId === p.commandId
      ? partnerReported(service, {
          commandId: p.commandId,
          partnerState: p.partnerState,
          at: p.at,
          ...(p.partnerOrderId !== undefined ? { partnerOrderId: p.partnerOrderId } : {}),
        })
      : null,
  );
}

/** Reopens not confirmed within `limitMs` of being ordered are escalated (once per command). */
export function escalateDelayedReopens(record: CaseRecord, now: Date, limitMs: number): ServicesChanged {
  return transitionServices(record, now, (service) => overdue(service, now, limitMs));
}

/** Customer service or the creditor blocks a service by hand (suspending it when it is open). */
export function blockService(
  record: CaseRecord,
  serviceId: string,
  manual: { reason: string; by: string },
  now: Date,
  /** A staff user in the portal (issue 16): named on the timeline entry. */
  actor?: StaffActor,
): ServicesChanged {
  return transitionServices(
    record,
    now,
    (service, index) =>
      service.serviceId === serviceId ? block(service, manual, { commandId: nextCommandId(record, index), now }) : null,
    (_before, after) =>
      after.serviceId === serviceId
        ? {
            at: now.toISOString(),
            kind: "service",
            title: `Service ${serviceId} blocked by hand${byStaff(actor)}`,
            details: {
              serviceId,
              reason: manual.reason,
              by: manual.by,
              ...(actor ? { action: "service-blocked", actor, via: "portal" } : {}),
            },
          }
        : null,
  );
}

/** Removes a blocker by hand (reopening the service when it was the last). */
export function unblockService(
  record: CaseRecord,
  serviceId: string,
  kind: BlockerKind,
  by: string,
  now: Date,
  actor?: StaffActor,
): ServicesChanged {
  return transitionServices(
    record,
    now,
    (service, index) =>
      service.serviceId === serviceId
        ? unblock(service, kind, { now, newCommandId: nextCommandId(record, index) })
        : null,
    (_before, after) =>
      after.serviceId === serviceId
        ? {
            at: now.toISOString(),
            kind: "service",
            title: `Service ${serviceId} unblocked by hand (${kind})${byStaff(actor)}`,
            details: { serviceId, kind, by, ...(actor ? { action: "service-unblocked", actor, via: "portal" } : {}) },
          }
        : null,
  );
}

/** The commands of the record that were decided but never sent (the outbox the sweep drains). */
export function unsentCommands(record: CaseRecord): PartnerCommandMessage[] {
  return record.case.services.flatMap((s) => {
    const c = s.lastCommand;
    if (c === null || c.sentAt !== undefined || c.partnerState !== null) return [];
    if (s.state !== "suspending" && s.state !== "reopening" && s.state !== "escalated") return [];
    return [
      {
        tenantId: record.tenantId,
        caseId: record.caseId,
        serviceId: s.serviceId,
        commandId: c.commandId,
        target: c.target,
        attempt: 1,
      },
    ];
  });
}

/** A command still waiting for the partner's final answer. */
export function awaitingPartner(service: ManagedService): boolean {
  return service.lastCommand !== null && !isTerminal(service.lastCommand.partnerState);
}

/** The webhooks of what happened to services (ids stable per command and event type). */
export function serviceWebhooks(record: CaseRecord, changed: ServicesChanged, now: Date): CaseEventMessage[] {
  const messages: CaseEventMessage[] = [];
  for (const c of changed.commands) {
    messages.push(
      caseEvent(c.target === "inactive" ? "service.suspending" : "service.reopening", record, c.commandId, now, {
        serviceId: c.serviceId,
        commandId: c.commandId,
        target: c.target,
      }),
    );
  }
  for (const e of changed.events) {
    switch (e.type) {
      case "service-suspended":
        messages.push(caseEvent("service.suspended", record, e.commandId, now, { ...pick(e), confirmedAt: e.at }));
        break;
      case "service-reopened":
        messages.push(caseEvent("service.reopened", record, e.commandId, now, { ...pick(e), confirmedAt: e.at }));
        break;
      case "service-command-failed":
        messages.push(
          caseEvent("service.command_failed", record, e.commandId, now, {
            ...pick(e),
            target: e.target,
            partnerState: e.partnerState,
          }),
        );
        break;
      case "service-reopen-delayed":
        messages.push(
          caseEvent("service.reopen_delayed", record, e.commandId, now, { ...pick(e), issuedAt: e.issuedAt }),
        );
        break;
    }
  }
  return messages;
}

function pick(e: ServiceEvent): { serviceId: string; commandId: string } {
  return { serviceId: e.serviceId, commandId: e.commandId };
}
