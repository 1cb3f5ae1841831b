/**
 * Through the use cases the orchestration calls (plan next step, execute step): every SMS the debtor gets — the Let's
 * pay SMS, each letter's alert, the power notice's personal alert — goes out inside contact hours, however late the
 * orchestration wakes (an outage, a restart), on any awkward day. The clock at each call to the SMS gateway is what is
 * checked, against the reference's hours (tests/unit/domain/oslo-contact-oracle.ts).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { makeExecuteStep } from "../../../../shared/application/execute-step";
import { makePlanNextStep } from "../../../../shared/application/plan-next-step";
import { addDays, atLocalTime, type LocalDate } from "../../../../shared/domain/calendar";
import type { SmsMessage, SmsSender } from "../../../../shared/ports/sms-sender";
import { easterSunday, outsideContactHours } from "../../domain/oslo-contact-oracle";
import { CUSTOMER, caseRecord, world, type World } from "../case-ladder-fixtures";

const MINUTE = 60_000;

/** An SMS gateway that notes the clock at every send. */
function timedSms(w: World): { sender: SmsSender; sent: { at: Date; message: SmsMessage }[] } {
  const sent: { at: Date; message: SmsMessage }[] = [];
  return {
    sent,
    sender: {
      send: async (message) => {
        sent.push({ at: w.clock.now(), message });
        return w.sms.send(message);
      },
    },
  };
}

async function setUp(dueDate: LocalDate, handedOverAt: string, invoice = "INV-7001") {
  const w = await world(handedOverAt);
  const record = caseRecord(invoice, dueDate, CUSTOMER, addDays(dueDate, -14));
  record.case.services = [{ serviceId: "pm-1", kind: "power-meter", state: "active", blockers: [], lastCommand: null }];
  await w.cases.create(record);
  const sms = timedSms(w);
  const deps = { ...w.deps, sms: sms.sender };
  return { w, caseId: record.caseId, sms, plan: makePlanNextStep(deps), execute: makeExecuteStep(deps) };
}

describe("every SMS to the debtor in contact hours, through plan and execute (property)", () => {
  const days = [2026, 2027].flatMap((y) => {
    const easter = easterSunday(y);
    return [addDays(easter, -3), addDays(easter, -1), easter, `${y}-05-17`, `${y}-12-25`, `${y}-12-26`, `${y}-01-01`];
  });

  it("sends the Let's pay SMS, the letters' alerts and the power notice's personal alert only in contact hours", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          day: fc.oneof(
            fc.constantFrom(...days),
            fc.integer({ min: 0, max: 700 }).map((n) => addDays("2026-01-03", n)),
          ),
          offset: fc.constantFrom(0, 7, 14, 29, 44),
          lead: fc.integer({ min: -20, max: 5 }),
          minute: fc.integer({ min: 0, max: 24 * 60 - 1 }),
          delays: fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 2 * 24 * 60 })), {
            minLength: 12,
            maxLength: 12,
          }),
        }),
        async ({ day, offset, lead, minute, delays }) => {
          const dueDate = addDays(day, -offset);
          const time = `${String(Math.floor(minute / 60)).padStart(2, "0")}:${String(minute % 60).padStart(2, "0")}`;
          const start = atLocalTime(addDays(dueDate, -lead), time, "Europe/Oslo");
          const { w, caseId, sms, plan, execute } = await setUp(dueDate, start.toISOString());
          const kinds: string[] = [];
          for (let i = 0, wake = 0; i < 30 && !kinds.includes("collection-notice"); i++) {
            const d = await plan(caseId);
            if (d.kind === "paused" && d.resumesOn === "letter-delivered" && (await w.post()) > 0) continue;
            if (d.kind === "done" || d.kind === "paused") break;
            if (d.kind === "wait") {
              w.clock.set(new Date(Date.parse(d.until) + (delays[wake++ % delays.length] ?? 0) * MINUTE).toISOString());
              continue;
            }
            const outcome = await execute(caseId, d.action);
            if (outcome.kind === "executed") kinds.push(outcome.step);
            // as the orchestration: a step waiting for the debtor's next SMS plans again when it may go
            if (outcome.kind === "not-executed" && outcome.notBefore) w.clock.set(outcome.notBefore);
          }
          for (const { at, message } of sms.sent) expect(outsideContactHours(at), message.idempotencyKey).toBeNull();
          // the reminder's alert and the power notice's personal alert went out; the Let's pay SMS too, unless the
          // case came in after the reminder's day — then it is on the timeline as skipped
          expect(kinds).toEqual(expect.arrayContaining(["reminder", "suspension-notice"]));
          const record = await w.cases.getById(caseId);
          const skipped = record!.timeline.filter((t) => t.kind === "step-skipped").map((t) => t.step);
          expect([...kinds, ...skipped]).toContain("lets-pay-sms");
          expect(sms.sent.length).toBeGreaterThanOrEqual(kinds.includes("lets-pay-sms") ? 3 : 2);
        },
      ),
      { numRuns: 20 },
    );
  });
});

describe("a step asked for outside contact hours", () => {
  it("sends nothing when the reminder is asked for on the Sunday it fell due, and sends it with its alert on Monday 08:00", async () => {
    // due Sunday 2026-11-29: the SMS (due + 7) on Monday 7 December, the reminder (due + 14) on Sunday 13 December
    const { w, caseId, sms, plan, execute } = await setUp("2026-11-29", "2026-12-07T07:00:00.000Z");
    expect(await execute(caseId, { kind: "lets-pay-sms", stepIndex: 0, serviceIds: [] })).toMatchObject({
      kind: "executed",
    });

    w.clock.set("2026-12-13T11:00:00.000Z"); // Sunday 12:00 Oslo: a stale request, or an orchestration woken then
    const reminder = { kind: "reminder" as const, stepIndex: 1, serviceIds: [] };
    expect(await execute(caseId, reminder)).toMatchObject({ kind: "not-executed", retry: "replan" });
    expect(await plan(caseId)).toMatchObject({
      kind: "wait",
      until: "2026-12-14T07:00:00.000Z",
      next: { kind: "reminder", on: "2026-12-14" },
    });
    expect(sms.sent).toHaveLength(1);

    w.clock.set("2026-12-14T07:00:00.000Z");
    expect(await execute(caseId, reminder)).toMatchObject({ kind: "executed", delivery: { channel: "print" } });
    expect(sms.sent.map((s) => s.at.toISOString())).toEqual(["2026-12-07T07:00:00.000Z", "2026-12-14T07:00:00.000Z"]);
    expect(sms.sent[1]!.message.text).toContain("Du får et brev (purring) i posten");
  });
});
