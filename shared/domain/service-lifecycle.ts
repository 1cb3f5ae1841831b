/**
 * A service on a case (a broadband line, a power meter) and the pure transitions that suspend and reopen it through
 * commands to the partner's system (TMF641 ServiceOrder, `/work/prompts/partner-contract.md`). Pure: every instant
 * is a parameter, every command id is given by the caller (from the Random port); the commands to send are returned
 * as values, never sent here.
 *
 * HOW case.ts ADOPTS THIS (next step, not done here): `CaseService` becomes `ManagedService` — its `state` widens
 * from `active | suspended` to `ServiceLifecycleState`, and `blockers` and `lastCommand` join it. Stored cases decode
 * with `blockers` defaulting to `[]` and `lastCommand` to `null`; a stored `suspended` service without a command gets
 * an overdue blocker (`legacyService`). The case's `suspension` step calls `suspend` (after `suspensionAllowed` in
 * ./suspension-gate said yes, re-checked just before sending), every balance-changing event calls `reevaluate`, the
 * partner callback and the polling fallback call `partnerReported`, a timer calls `overdue`; the case's
 * `service-reopened` event is then written from the `service-reopened` event returned here (partner-confirmed), not
 * from the payment.
 *
 * The rules, from the reference (partner-service-commands.md):
 * - Separate blockers (Kill Bill): `overdue` (the ladder) and `manual` (customer service / the creditor). A reopen is
 *   due only when no blocker is left.
 * - One command id per command: it is the TMF641 `externalId`, the partner's idempotency key. Never reused: a new
 *   decision is a new command with a higher `sequence`.
 * - A reopen supersedes a pending suspension by a NEW reactivation order, never by cancelling the first (and a manual
 *   block supersedes a pending reopen the same way).
 * - A service is `active` again only when the partner reported the reopen order `completed`; `failed` / `rejected`
 *   leave it `failed`; a reopen not confirmed in time is `escalated` (once per command).
 * - Partner events for an older command, or for a state earlier in the order's life than the one already recorded,
 *   change nothing: duplicates and out-of-order callbacks are harmless.
 */
import { z } from "zod";
import { DomainError } from "./errors";
import { ServiceKind } from "./rules/rule-set";

// ---------------------------------------------------------------------------------------------------------------
// Schemas
// ---------------------------------------------------------------------------------------------------------------

/** An instant as stored: ISO 8601 in UTC, e.g. "2026-12-03T10:00:00.000Z". */
export const IsoInstant = z.iso.datetime();
export type IsoInstant = z.infer<typeof IsoInstant>;

export const ServiceLifecycleState = z.enum(["active", "suspending", "suspended", "reopening", "failed", "escalated"]);
export type ServiceLifecycleState = z.infer<typeof ServiceLifecycleState>;

export const BlockerKind = z.enum(["overdue", "manual"]);
export type BlockerKind = z.infer<typeof BlockerKind>;

export const ServiceBlocker = z.object({
  kind: BlockerKind,
  /** Why (manual blocks): shown to customer service, never personal data. */
  reason: z.string().trim().min(1).max(500).optional(),
  /** Who (manual blocks): the user or API key id that blocked it. */
  by: z.string().trim().min(1).max(200).optional(),
  since: IsoInstant,
});
export type ServiceBlocker = z.infer<typeof ServiceBlocker>;

/** TMF641 ServiceOrder (and item) states. */
export const PartnerOrderState = z.enum([
  "acknowledged",
  "rejected",
  "pending",
  "held",
  "inProgress",
  "cancelled",
  "completed",
  "failed",
  "partial",
  "assessingCancellation",
  "pendingCancellation",
]);
export type PartnerOrderState = z.infer<typeof PartnerOrderState>;

/** The TMF638 service state a command sets: `inactive` suspends, `active` reopens. */
export const CommandTarget = z.enum(["inactive", "active"]);
export type CommandTarget = z.infer<typeof CommandTarget>;

export const CommandId = z.string().trim().min(1).max(100);

export const ServiceCommandRecord = z.object({
  /** Our id, sent as the ServiceOrder's `externalId` (the idempotency key). */
  commandId: CommandId,
  target: CommandTarget,
  /** 1 for the service's first command, one more for each later one. */
  sequence: z.number().int().positive(),
  /** When we decided it (the reopen deadline counts from here). */
  issuedAt: IsoInstant,
  /** When it was last sent to the partner (set on every attempt). */
  sentAt: IsoInstant.optional(),
  /** The partner's ServiceOrder id, once it answered. */
  partnerOrderId: z.string().trim().min(1).max(200).optional(),
  /** The furthest state the partner reported for the order; null until it did. */
  partnerState: PartnerOrderState.nullable(),
  /** When the partner reported the order completed. */
  confirmedAt: IsoInstant.optional(),
  /** Send attempts so far. */
  attempts: z.number().int().nonnegative(),
});
export type ServiceCommandRecord = z.infer<typeof ServiceCommandRecord>;

export const ManagedService = z.object({
  serviceId: z.string().min(1),
  kind: ServiceKind,
  state: ServiceLifecycleState,
  blockers: z.array(ServiceBlocker),
  lastCommand: ServiceCommandRecord.nullable(),
});
export type ManagedService = z.infer<typeof ManagedService>;

/** A command to send, as a value: the application queues it (session = serviceId) and builds the ServiceOrder. */
export interface ServiceCommand {
  readonly commandId: string;
  readonly serviceId: string;
  readonly kind: ServiceKind;
  readonly target: CommandTarget;
  readonly sequence: number;
  /** The earlier command this one overrides while it was still pending (never cancelled, superseded). */
  readonly supersedes?: string;
}

/** What happened, as values: the application turns them into case events, webhooks and telemetry. */
export type ServiceEvent =
  | { readonly type: "service-suspended"; readonly serviceId: string; readonly commandId: string; readonly at: string }
  | { readonly type: "service-reopened"; readonly serviceId: string; readonly commandId: string; readonly at: string }
  | {
      readonly type: "service-command-failed";
      readonly serviceId: string;
      readonly commandId: string;
      readonly target: CommandTarget;
      readonly partnerState: PartnerOrderState;
      readonly at: string;
    }
  | {
      readonly type: "service-reopen-delayed";
      readonly serviceId: string;
      readonly commandId: string;
      readonly issuedAt: string;
      readonly at: string;
    };

export interface ServiceTransition {
  readonly service: ManagedService;
  readonly commands: readonly ServiceCommand[];
  readonly events: readonly ServiceEvent[];
}

// ---------------------------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------------------------

export class ServiceSuspensionNotAllowed extends DomainError {
  readonly code = "SERVICE_SUSPENSION_NOT_ALLOWED";
}

export class ServiceAlreadyBlocked extends DomainError {
  readonly code = "SERVICE_BLOCK_CONFLICT";
}

export class ServiceUnblockNotAllowed extends DomainError {
  readonly code = "SERVICE_UNBLOCK_NOT_ALLOWED";
}

export class ServiceCommandIdReused extends DomainError {
  readonly code = "DUPLICATE_SERVICE_COMMAND_ID";
}

export class ServiceValueMalformed extends DomainError {
  readonly code = "SERVICE_VALUE_MALFORMED";
}

// ---------------------------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------------------------

/** A new service: active, nothing blocking, no command yet. */
export function newService(serviceId: string, kind: ServiceKind): ManagedService {
  return ManagedService.parse({ serviceId, kind, state: "active", blockers: [], lastCommand: null });
}

/**
 * A service as stored before this module (`{ serviceId, kind, state: "active" | "suspended" }`): a suspended one is
 * taken to be blocked as overdue, with no command on record.
 */
export function legacyService(
  s: { serviceId: string; kind: ServiceKind; state: "active" | "suspended" },
  since: Date,
): ManagedService {
  const blockers: ServiceBlocker[] = s.state === "suspended" ? [{ kind: "overdue", since: iso(since) }] : [];
  return ManagedService.parse({ ...s, blockers, lastCommand: null });
}

function iso(instant: Date): string {
  const t = instant.getTime();
  if (!Number.isFinite(t)) throw new ServiceValueMalformed("Invalid instant", { instant: String(instant) });
  return instant.toISOString();
}

function hasBlocker(service: ManagedService, kind: BlockerKind): boolean {
  return service.blockers.some((b) => b.kind === kind);
}

function unchanged(service: ManagedService): ServiceTransition {
  return { service, commands: [], events: [] };
}

/** A new command record and the command value, superseding the pending one (if any). */
function issue(
  service: ManagedService,
  target: CommandTarget,
  commandId: string,
  now: Date,
): { record: ServiceCommandRecord; command: ServiceCommand } {
  const id = CommandId.safeParse(commandId);
  if (!id.success) throw new ServiceValueMalformed("A command id must be 1–100 characters", { field: "commandId" });
  const previous = service.lastCommand;
  if (previous?.commandId === id.data) {
    throw new ServiceCommandIdReused(
      `Command id ${id.data} was already used for this service; every command needs a new id`,
      { serviceId: service.serviceId, commandId: id.data },
    );
  }
  const sequence = (previous?.sequence ?? 0) + 1;
  const record: ServiceCommandRecord = {
    commandId: id.data,
    target,
    sequence,
    issuedAt: iso(now),
    partnerState: null,
    attempts: 0,
  };
  const pending = previous !== null && !isTerminal(previous.partnerState) ? previous.commandId : undefined;
  const command: ServiceCommand = {
    commandId: id.data,
    serviceId: service.serviceId,
    kind: service.kind,
    target,
    sequence,
    ...(pending !== undefined ? { supersedes: pending } : {}),
  };
  return { record, command };
}

/** Where a TMF641 order state lies in the order's life: later states win, earlier or equal ones are ignored. */
const STATE_RANK: Readonly<Record<PartnerOrderState, 1 | 2 | 3>> = {
  acknowledged: 1,
  pending: 2,
  held: 2,
  inProgress: 2,
  assessingCancellation: 2,
  pendingCancellation: 2,
  completed: 3,
  failed: 3,
  rejected: 3,
  cancelled: 3,
  partial: 3,
};

export function isTerminal(state: PartnerOrderState | null): boolean {
  return state !== null && STATE_RANK[state] === 3;
}

/** A reopen is due: nothing blocks, and the service is not active or already being reopened. */
function reopenDue(service: ManagedService): boolean {
  return (
    service.blockers.length === 0 &&
    (service.state === "suspended" ||
      service.state === "suspending" ||
      service.state === "failed" ||
      service.state === "escalated")
  );
}

function reopen(service: ManagedService, commandId: string, now: Date): ServiceTransition {
  const { record, command } = issue(service, "active", commandId, now);
  return { service: { ...service, state: "reopening", lastCommand: record }, commands: [command], events: [] };
}

// ---------------------------------------------------------------------------------------------------------------
// Transitions
// ---------------------------------------------------------------------------------------------------------------

/**
 * Suspends an active service for non-payment: adds the overdue blocker and issues a command setting it `inactive`.
 * Throws ServiceSuspensionNotAllowed for a service that is not active (already suspended, being reopened, …).
 */
export function suspend(service: ManagedService, p: { commandId: string; now: Date }): ServiceTransition {
  if (service.state !== "active") {
    throw new ServiceSuspensionNotAllowed(
      `Service ${service.serviceId} is ${service.state}; only an active service can be suspended`,
      { serviceId: service.serviceId, state: service.state },
    );
  }
  const { record, command } = issue(service, "inactive", p.commandId, p.now);
  const blockers = hasBlocker(service, "overdue")
    ? service.blockers
    : [...service.blockers, { kind: "overdue" as const, since: iso(p.now) }];
  return {
    service: { ...service, state: "suspending", blockers, lastCommand: record },
    commands: [command],
    events: [],
  };
}

/**
 * Blocks a service by hand (customer service or the creditor), with a reason. An active service is suspended; a
 * reopen in flight is superseded by a new suspension order; a suspended service just gains the blocker, so it will
 * not reopen until it is unblocked. Throws ServiceAlreadyBlocked when a manual block is already in place.
 */
export function block(
  service: ManagedService,
  manual: { reason: string; by: string },
  p: { commandId: string; now: Date },
): ServiceTransition {
  if (hasBlocker(service, "manual")) {
    throw new ServiceAlreadyBlocked(`Service ${service.serviceId} is already blocked by hand`, {
      serviceId: service.serviceId,
    });
  }
  const blocker = ServiceBlocker.safeParse({ kind: "manual", reason: manual.reason, by: manual.by, since: iso(p.now) });
  if (!blocker.success) {
    throw new ServiceValueMalformed("A manual block needs a reason (1–500 characters) and who blocked it", {
      field: blocker.error.issues[0]?.path.join(".") ?? "manual",
    });
  }
  const blocked: ManagedService = { ...service, blockers: [...service.blockers, blocker.data] };
  const reopeningNow =
    service.state === "active" ||
    service.state === "reopening" ||
    service.state === "escalated" ||
    (service.state === "failed" && service.lastCommand?.target === "active");
  if (!reopeningNow) return unchanged(blocked);
  const { record, command } = issue(blocked, "inactive", p.commandId, p.now);
  return { service: { ...blocked, state: "suspending", lastCommand: record }, commands: [command], events: [] };
}

/**
 * Removes the blocker of `kind`. When it was the last one, the service is reopened by a new command (`newCommandId`).
 * Throws ServiceUnblockNotAllowed when no blocker of that kind is in place.
 */
export function unblock(
  service: ManagedService,
  kind: BlockerKind,
  p: { now: Date; newCommandId: string },
): ServiceTransition {
  if (!hasBlocker(service, kind)) {
    throw new ServiceUnblockNotAllowed(`Service ${service.serviceId} has no ${kind} blocker`, {
      serviceId: service.serviceId,
      kind,
    });
  }
  const unblocked: ManagedService = { ...service, blockers: service.blockers.filter((b) => b.kind !== kind) };
  return reopenDue(unblocked) ? reopen(unblocked, p.newCommandId, p.now) : unchanged(unblocked);
}

/**
 * Called on every balance-changing event (payment, credit note, write-off, cancellation, deferral, upheld dispute):
 * when the case is no longer overdue the overdue blocker goes; when no blocker is left, a suspended, suspending,
 * failed or escalated service is reopened by a NEW command. An overdue case changes nothing here (a suspension goes
 * through `suspend`, after the gate).
 */
export function reevaluate(
  service: ManagedService,
  p: { overdue: boolean; now: Date; newCommandId: string },
): ServiceTransition {
  const current =
    !p.overdue && hasBlocker(service, "overdue")
      ? { ...service, blockers: service.blockers.filter((b) => b.kind !== "overdue") }
      : service;
  return reopenDue(current) ? reopen(current, p.newCommandId, p.now) : unchanged(current);
}

/** Records one attempt to send the current command (the queue's delivery); an older command's attempt is ignored. */
export function commandAttempted(service: ManagedService, p: { commandId: string; at: Date }): ServiceTransition {
  const command = service.lastCommand;
  if (command?.commandId !== p.commandId) return unchanged(service);
  return unchanged({ ...service, lastCommand: { ...command, sentAt: iso(p.at), attempts: command.attempts + 1 } });
}

/**
 * A state the partner reported for one of our orders (the 201 answer, a callback, or a poll). Only the current
 * command counts, and only a state later in the order's life than the one recorded: `completed` moves suspending →
 * suspended or reopening/escalated → active (confirmedAt set); `failed`, `rejected`, `cancelled` or `partial` →
 * failed. Anything else changes nothing.
 */
export function partnerReported(
  service: ManagedService,
  p: { commandId: string; partnerState: PartnerOrderState; at: Date; partnerOrderId?: string },
): ServiceTransition {
  const command = service.lastCommand;
  if (command?.commandId !== p.commandId) return unchanged(service);
  const recorded = command.partnerState;
  if (recorded !== null && STATE_RANK[p.partnerState] <= STATE_RANK[recorded]) return unchanged(service);
  const at = iso(p.at);
  const partnerOrderId = command.partnerOrderId ?? p.partnerOrderId;
  const updated: ServiceCommandRecord = {
    ...command,
    partnerState: p.partnerState,
    ...(partnerOrderId !== undefined ? { partnerOrderId } : {}),
  };
  if (!isTerminal(p.partnerState)) return unchanged({ ...service, lastCommand: updated });

  const base = { serviceId: service.serviceId, commandId: command.commandId, at };
  if (p.partnerState === "completed") {
    const confirmed: ServiceCommandRecord = { ...updated, confirmedAt: at };
    if (command.target === "inactive") {
      return {
        service: { ...service, state: "suspended", lastCommand: confirmed },
        commands: [],
        events: [{ type: "service-suspended", ...base }],
      };
    }
    return {
      service: { ...service, state: "active", lastCommand: confirmed },
      commands: [],
      events: [{ type: "service-reopened", ...base }],
    };
  }
  return {
    service: { ...service, state: "failed", lastCommand: updated },
    commands: [],
    events: [{ type: "service-command-failed", ...base, target: command.target, partnerState: p.partnerState }],
  };
}

/**
 * A reopen the partner has not confirmed within `limitMs` of being issued is escalated (once: an escalated service
 * is not escalated again until a new reopen command is issued).
 */
export function overdue(service: ManagedService, now: Date, limitMs: number): ServiceTransition {
  const command = service.lastCommand;
  if (service.state !== "reopening" || command?.target !== "active") return unchanged(service);
  if (now.getTime() - Date.parse(command.issuedAt) <= limitMs) return unchanged(service);
  return {
    service: { ...service, state: "escalated" },
    commands: [],
    events: [
      {
        type: "service-reopen-delayed",
        serviceId: service.serviceId,
        commandId: command.commandId,
        issuedAt: command.issuedAt,
        at: iso(now),
      },
    ],
  };
}
