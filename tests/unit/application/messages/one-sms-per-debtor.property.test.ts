/**
 * One message per debtor at a time, and catch-up without bursts (issue 20), as a property through the use cases the
 * orchestrations call: one debtor with one to four invoices at one creditor, handed over at random moments between
 * their due date and 40 days after it, each case's orchestration waking at its planned instants (several at the same
 * instant when their steps fall due together). Whatever the dates: never two SMS to the debtor within the creditor's
 * minimum interval, every SMS in contact hours, and no ladder step skipped without a timeline entry saying why.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { makeExecuteStep } from "../../../../shared/application/execute-step";
import { makePlanNextStep, type PlannedStep } from "../../../../shared/application/plan-next-step";
import { addDays, atLocalTime } from "../../../../shared/domain/calendar";
import { defaultPolicy } from "../../../../shared/domain/policy";
import type { SmsMessage } from "../../../../shared/ports/sms-sender";
import { outsideContactHours } from "../../domain/oslo-contact-oracle";
import { caseRecord, tenant, world } from "../case-ladder-fixtures";

const HOUR = 3_600_000;
const CATCH_UP = new Set(["lets-pay-sms", "reminder", "collection-notice"]);

const invoice = fc.record({
  /** Due date, days after 2026-09-01. */
  due: fc.integer({ min: 0, max: 120 }),
  /** Handed over this many days after its due date. */
  late: fc.integer({ min: 0, max: 40 }),
  minute: fc.integer({ min: 0, max: 24 * 60 - 1 }),
});

describe("one SMS per debtor at a time (property)", () => {
  it("never sends one debtor two SMS within the creditor's interval, only in contact hours, and skips no step silently", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(invoice, { minLength: 1, maxLength: 4 }),
        fc.constantFrom(24, 48),
        fc.integer({ min: 0, max: 1000 }),
        async (invoices, interval, order) => {
          const policy = { ...defaultPolicy("NO", "Fjordkraft"), minSmsIntervalHours: interval };
          const cases = invoices.map((inv, i) => {
            const dueDate = addDays("2026-09-01", inv.due);
            const hhmm = `${String(Math.floor(inv.minute / 60)).padStart(2, "0")}:${String(inv.minute % 60).padStart(2, "0")}`;
            return {
              record: caseRecord(`${7001 + i}`, dueDate, undefined, addDays(dueDate, -14)),
              handOver: atLocalTime(addDays(dueDate, inv.late), hhmm, "Europe/Oslo").getTime(),
            };
          });
          const start = Math.min(...cases.map((c) => c.handOver));
          const w = await world(new Date(start).toISOString(), tenant({ policy }));
          const sent: { at: number; message: SmsMessage }[] = [];
          const deps = {
            ...w.deps,
            sms: {
              send: async (message: SmsMessage) => {
                const outcome = await w.sms.send(message);
                if (outcome.ok && !sent.some((s) => s.message.idempotencyKey === message.idempotencyKey))
                  sent.push({ at: w.clock.now().getTime(), message });
                return outcome;
              },
            },
          };
          const plan = makePlanNextStep(deps);
          const execute = makeExecuteStep(deps);
          // each case's orchestration: the instant it wakes next (undefined: finished or waiting for an event)
          const wake = new Map<string, number>(cases.map((c) => [c.record.caseId, c.handOver]));
          const created = new Set<string>();
          const end = start + 75 * 24 * HOUR;
          for (let round = 0; round < 400 && wake.size > 0; round++) {
            const now = Math.min(...wake.values());
            if (now > end) break;
            w.clock.set(new Date(now).toISOString());
            const waking = [...wake].filter(([, at]) => at === now).map(([id]) => id);
            const due: [string, PlannedStep][] = [];
            for (const id of waking) {
              if (!created.has(id)) {
                await w.cases.create(cases.find((c) => c.record.caseId === id)!.record);
                created.add(id);
              }
              const d = await plan(id);
              if (d.kind === "wait") wake.set(id, Date.parse(d.until));
              else if (d.kind === "act") due.push([id, d.action]);
              else if (d.kind === "paused" && d.resumesOn === "letter-delivered") {
                await w.post();
                wake.set(id, now + 6 * HOUR);
              } else wake.delete(id);
            }
            // the orchestrations that act at this instant do so in some order
            const rotated = due.map((_, i) => due[(i + order) % due.length]!);
            for (const [id, action] of rotated) {
              const outcome = await execute(id, action);
              if (outcome.kind !== "not-executed") wake.set(id, now);
              else if (outcome.notBefore) wake.set(id, Date.parse(outcome.notBefore));
              else wake.set(id, now + (outcome.retry === "later" ? 24 : 1) * HOUR);
            }
          }

          for (let i = 1; i < sent.length; i++) {
            const gap = sent[i]!.at - sent[i - 1]!.at;
            expect(gap, `SMS ${i} came ${gap / HOUR} h after the one before`).toBeGreaterThanOrEqual(interval * HOUR);
          }
          for (const s of sent) expect(outsideContactHours(new Date(s.at))).toBeNull();
          for (const c of cases) {
            const stored = await w.cases.getById(c.record.caseId);
            if (!stored) continue;
            const done = new Set(stored.case.steps.map((s) => s.stepIndex));
            const skipped = new Set(
              stored.timeline.filter((t) => t.kind === "step-skipped").map((t) => t.details?.["stepIndex"]),
            );
            const last = Math.max(-1, ...stored.case.steps.filter((s) => CATCH_UP.has(s.kind)).map((s) => s.stepIndex));
            policy.steps.forEach((step, i) => {
              if (i < last && CATCH_UP.has(step.kind))
                expect(done.has(i) || skipped.has(i), `${c.record.invoiceNumber} step ${i + 1}`).toBe(true);
            });
          }
          // the walk got somewhere: the debtor heard from the creditor
          expect(sent.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 12 },
    );
  }, 120_000);
});
