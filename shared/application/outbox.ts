/**
 * The transactional outbox's application side (the rule is in ports/case-store.ts, OutboxMessage): a use case puts
 * what its change must tell the world on the record it writes (`withOutbox`), the store writes it with the case in
 * one atomic operation, and `relayOutbox` carries it out right after — publishing the events, starting or poking the
 * orchestration — and removes it. What that cannot do stays in the outbox for the sweep (`relayPendingOutbox`, run
 * by a timer), which retries until done. A use case therefore never fails because publishing failed after its write:
 * its change is made, and what it must tell follows.
 *
 * A case's events go out in one publish call, its orchestration entries in the order written.
 */
import { createHash } from "node:crypto";
import type { CaseRecord, CaseStore, OutboxEntry, OutboxMessage } from "../ports/case-store";
import type { CaseWorkflow, FirstPlan } from "../ports/case-workflow";
import type { CaseEventMessage, EventPublisher } from "../ports/event-publisher";

export interface OutboxDeps {
  cases: CaseStore;
  events: EventPublisher;
  /** Absent where no durable client is bound: workflow entries then wait for the sweep, which has one. */
  workflow?: Pick<CaseWorkflow, "caseChanged"> & Partial<Pick<CaseWorkflow, "start">>;
}

/**
 * The first plan of a case just created, made on the record as written: its orchestration starts with it instead of
 * reading the case to plan (only the writer's own relay has it; the sweep starts without, and the orchestration plans).
 */
export type FirstPlanOf = (caseId: string) => FirstPlan | undefined;

/** The entry id: a digest of what the entry says and for which case, so writing the same message twice keeps one. */
function entryIdOf(caseId: string, message: OutboxMessage, at: string): string {
  const identity =
    message.kind === "event"
      ? `event|${message.event.id}`
      : message.kind === "start-workflow"
        ? "start-workflow"
        : `case-changed|${at}|${message.reason}`;
  return createHash("sha256").update(`${caseId}|${identity}`).digest("hex").slice(0, 32);
}

/** Outbox entries for a case's events: one per event. */
export function eventMessages(events: readonly CaseEventMessage[]): OutboxMessage[] {
  return events.map((event) => ({ kind: "event", event }));
}

/**
 * The record with these messages added to what its write puts in the outbox (on top of any added before in the
 * same mutate). Messages are de-duplicated by entry id.
 */
export function withOutbox(record: CaseRecord, messages: readonly OutboxMessage[], now: Date): CaseRecord {
  if (messages.length === 0) return record;
  const at = now.toISOString();
  const entries = [...(record.outbox ?? [])];
  for (const message of messages) {
    const entryId = entryIdOf(record.caseId, message, at);
    if (entries.some((e) => e.entryId === entryId)) continue;
    entries.push({ entryId, caseId: record.caseId, tenantId: record.tenantId, createdAt: at, message });
  }
  return { ...record, outbox: entries };
}

/** The record without outbox entries (what a read returns; what a caller hands on). */
export function withoutOutbox(record: CaseRecord): CaseRecord {
  if (record.outbox === undefined) return record;
  const { outbox: _written, ...rest } = record;
  return rest;
}

export interface RelayOutcome {
  relayed: number;
  /** Entries left for the sweep (publishing failed, or no workflow to start/poke here). */
  left: number;
  error?: unknown;
}

/**
 * Carries out entries of ONE case, then removes the ones done. Never throws: what failed (the events, or the
 * orchestration's entries from the first that failed on, in order) is left for the sweep and the error returned.
 */
export async function relayEntries(deps: OutboxDeps, entries: readonly OutboxEntry[]): Promise<RelayOutcome> {
  return relayCases(deps, [entries], 1);
}

/**
 * Relays what a write just put in the outbox (the `outbox` of the record the store returned) and hands back the
 * record as a read would return it — the same object, its outbox taken off, so that it still is "the case as the
 * store returned it" for a following `update(…, read)`. Never throws (see relayEntries).
 */
export async function relayOutbox(
  deps: OutboxDeps,
  written: CaseRecord,
  firstPlanOf?: FirstPlanOf,
): Promise<CaseRecord> {
  const entries = written.outbox;
  delete written.outbox;
  if (entries !== undefined && entries.length > 0) await relayCases(deps, [entries], 1, firstPlanOf);
  return written;
}

/**
 * `relayOutbox` for a caller that writes the case again right after (a letter step: the letter handed over): the
 * entries are carried out now, and the ones done are handed back to be removed WITH that next write
 * (`CaseStore.update(…, relayed)`) instead of in a request of their own. The caller must pass them on to that write or
 * remove them itself; should it die first, the sweep relays them again, which the consumers absorb (see OutboxMessage).
 */
export async function relayOutboxBeforeNextWrite(
  deps: OutboxDeps,
  written: CaseRecord,
): Promise<{ record: CaseRecord; relayed: string[] }> {
  const entries = written.outbox;
  delete written.outbox;
  if (entries === undefined || entries.length === 0) return { record: written, relayed: [] };
  const relayed: string[] = [];
  await relayCases(deps, [entries], 1, undefined, (removals) => {
    for (const r of removals) relayed.push(...r.entryIds);
  });
  return { record: written, relayed };
}

/**
 * `relayOutbox` for the writes of many cases at once (a batch of invoices): the events of all of them in one publish
 * call, each case's orchestration entries in order (`concurrency` cases at a time), and what was done removed in one
 * store call. Never throws: what failed is left for the sweep, as with one case.
 */
export async function relayOutboxes(
  deps: OutboxDeps,
  written: readonly CaseRecord[],
  concurrency = 16,
  firstPlanOf?: FirstPlanOf,
): Promise<RelayOutcome> {
  return relayCases(
    deps,
    written.map((record) => record.outbox ?? []),
    concurrency,
    firstPlanOf,
  );
}

/** Relays each case's entries (one array per case). */
async function relayCases(
  deps: OutboxDeps,
  cases: ReadonlyArray<readonly OutboxEntry[]>,
  concurrency: number,
  firstPlanOf?: FirstPlanOf,
  /** Given: what was done is handed to it to be removed later, not removed here. */
  keep?: (removals: ReadonlyArray<{ caseId: string; entryIds: string[] }>) => void,
): Promise<RelayOutcome> {
  const groups = cases.filter((entries) => entries.length > 0);
  const total = groups.reduce((n, entries) => n + entries.length, 0);
  if (total === 0) return { relayed: 0, left: 0 };
  const done = new Map<string, string[]>(); // entry ids relayed, by case
  const markDone = (entry: OutboxEntry) => done.set(entry.caseId, [...(done.get(entry.caseId) ?? []), entry.entryId]);
  let error: unknown;
  // Events all in one publish (one batch on the topic); the orchestration's entries on their own, so that a topic in
  // trouble does not hold back a case's ladder (a payment's re-plan, which reopens a suspended line) or vice versa.
  const events = groups.flat().filter((e) => e.message.kind === "event");
  if (events.length > 0) {
    try {
      await deps.events.publish(events.map((e) => (e.message as Extract<OutboxMessage, { kind: "event" }>).event));
      events.forEach(markDone);
    } catch (caught) {
      error = caught;
    }
  }
  await inParallel(groups, concurrency, async (entries) => {
    try {
      for (const entry of entries) {
        const message = entry.message;
        if (message.kind === "event") continue;
        const workflow = deps.workflow;
        if (workflow === undefined) break;
        if (message.kind === "start-workflow") {
          if (workflow.start === undefined) break;
          const planned = firstPlanOf?.(entry.caseId);
          await (planned === undefined ? workflow.start(entry.caseId) : workflow.start(entry.caseId, planned));
        } else await workflow.caseChanged(entry.caseId, message.reason, message.closed ? { closed: true } : undefined);
        markDone(entry);
      }
    } catch (caught) {
      error ??= caught;
    }
  });
  const removals = [...done].map(([caseId, entryIds]) => ({ caseId, entryIds }));
  if (keep !== undefined) keep(removals);
  else if (removals.length > 0) {
    try {
      if (removals.length === 1) await deps.cases.removeOutbox(removals[0]!.caseId, removals[0]!.entryIds);
      else await deps.cases.removeOutboxes(removals);
    } catch (caught) {
      // Relayed but not removed: the sweep relays them again, which the consumers absorb (see OutboxMessage).
      error ??= caught;
    }
  }
  const relayed = removals.reduce((n, r) => n + r.entryIds.length, 0);
  const outcome: RelayOutcome = { relayed, left: total - relayed };
  return error === undefined ? outcome : { ...outcome, error };
}

/** Runs `task` for every item, at most `limit` at a time. */
async function inParallel<T>(items: readonly T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await task(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

export interface OutboxSweepOutcome {
  cases: number;
  relayed: number;
  left: number;
  /** Cases whose entries could not all be relayed this time (the next sweep tries again). */
  failedCases: number;
}

/**
 * The sweep: every entry older than `minAgeMs` (younger ones are still being relayed by their writer) is relayed,
 * per case in the order written. Counts only — no ids, no personal data — so the caller may log them as they are.
 */
export async function relayPendingOutbox(
  deps: OutboxDeps & { clock: { now(): Date } },
  options: { minAgeMs: number; maxEntries: number },
): Promise<OutboxSweepOutcome> {
  const before = new Date(deps.clock.now().getTime() - options.minAgeMs).toISOString();
  const entries: OutboxEntry[] = [];
  let continuationToken: string | undefined;
  do {
    const page = await deps.cases.pendingOutbox(before, {
      limit: Math.min(500, options.maxEntries - entries.length),
      ...(continuationToken !== undefined ? { continuationToken } : {}),
    });
    entries.push(...page.items);
    continuationToken = page.continuationToken;
  } while (continuationToken !== undefined && entries.length < options.maxEntries);

  const byCase = new Map<string, OutboxEntry[]>();
  for (const entry of entries) byCase.set(entry.caseId, [...(byCase.get(entry.caseId) ?? []), entry]);
  const outcome: OutboxSweepOutcome = { cases: byCase.size, relayed: 0, left: 0, failedCases: 0 };
  for (const caseEntries of byCase.values()) {
    caseEntries.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    const result = await relayEntries(deps, caseEntries);
    outcome.relayed += result.relayed;
    outcome.left += result.left;
    if (result.left > 0) outcome.failedCases += 1;
  }
  return outcome;
}
