/**
 * Catch-up without bursts (issue 20): whenever a case is handed over — or let off hold — after some of its ladder's
 * days have passed, the planner sends the one message that fits it now instead of replaying every missed one, and
 * every step it passes over is named on the action that replaced it (the application puts each on the timeline).
 * Over hand-over dates, holds and a few lawful ladders.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addDays, atLocalTime, type LocalDate } from "../../../shared/domain/calendar";
import type { CaseEvent, OpenCaseInput } from "../../../shared/domain/case";
import type { PlannedAction } from "../../../shared/domain/planner";
import { defaultPolicy, LadderPolicy, validatePolicy, type LadderStep } from "../../../shared/domain/policy";
import { norwegianRules as rules } from "../../../shared/domain/rules";
import { aCase } from "./case-fixtures";
import { simulate } from "./ladder-driver";

const OSLO = "Europe/Oslo";
const CATCH_UP = new Set(["lets-pay-sms", "reminder", "collection-notice"]);
const base = defaultPolicy("NO", "Fiber AS");
const LETTER = ["digital-mailbox", "letter"] as const;

/** A few lawful Norwegian ladders: the default, one without the SMS, two reminders, a late and slow one. */
const LADDERS: LadderPolicy[] = [
  base,
  LadderPolicy.parse({ ...base, steps: base.steps.filter((s) => s.kind !== "lets-pay-sms") }),
  LadderPolicy.parse({
    ...base,
    steps: [
      { kind: "lets-pay-sms", offsetDays: 3, channels: ["sms"], chargesFee: false },
      { kind: "reminder", offsetDays: 10, channels: [...LETTER], chargesFee: false, deadlineDays: 14 },
      { kind: "reminder", offsetDays: 25, channels: [...LETTER], chargesFee: true, deadlineDays: 14 },
      { kind: "collection-notice", offsetDays: 40, channels: [...LETTER], chargesFee: true, deadlineDays: 14 },
      { kind: "payment-demand", offsetDays: 55, channels: [...LETTER], chargesFee: true, deadlineDays: 14 },
    ] satisfies LadderStep[],
  }),
  LadderPolicy.parse({
    ...base,
    steps: [
      { kind: "lets-pay-sms", offsetDays: 10, channels: ["sms"], chargesFee: false },
      { kind: "reminder", offsetDays: 20, channels: [...LETTER], chargesFee: true, deadlineDays: 21 },
      { kind: "collection-notice", offsetDays: 45, channels: [...LETTER], chargesFee: true, deadlineDays: 14 },
    ] satisfies LadderStep[],
  }),
];

const scenario = fc.record({
  ladder: fc.integer({ min: 0, max: LADDERS.length - 1 }),
  dueDate: fc.integer({ min: 0, max: 3 * 365 }).map((n) => addDays("2025-01-01", n)),
  /** Days after the due date the invoice is handed over (negative: before it falls due). */
  handOver: fc.integer({ min: -5, max: 70 }),
  minute: fc.integer({ min: 0, max: 24 * 60 - 1 }),
  broadband: fc.boolean(),
  /** A hold from the hand-over for this many days (0 = none), then a resume. */
  holdDays: fc.constantFrom(0, 0, 10, 25, 40),
});

describe("catch-up without bursts (property)", () => {
  it("sends at most one of the SMS, reminders and notice a day, at most one fee a day, and names every step it skips", () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const policy = LADDERS[s.ladder]!;
        expect(validatePolicy(policy, rules)).toEqual({ ok: true });
        const services: OpenCaseInput["services"] = s.broadband ? [{ serviceId: "bb-1", kind: "broadband" }] : [];
        const c = aCase({ dueDate: s.dueDate, issueDate: addDays(s.dueDate, -14), services });
        const handOverDay: LocalDate = addDays(s.dueDate, s.handOver);
        const time = `${String(Math.floor(s.minute / 60)).padStart(2, "0")}:${String(s.minute % 60).padStart(2, "0")}`;
        const from = atLocalTime(handOverDay, time, OSLO);
        const events: [Date, CaseEvent][] = [];
        if (s.holdDays > 0) {
          events.push([from, { type: "hold", on: handOverDay, reason: "customer service", until: null }]);
          const resumeOn = addDays(handOverDay, s.holdDays);
          events.push([atLocalTime(resumeOn, "12:00", OSLO), { type: "resume", on: resumeOn }]);
        }
        const to = new Date(from.getTime() + 120 * 86_400_000);
        const { sent } = simulate(c, policy, rules, from, to, events);

        const perDay = new Map<LocalDate, PlannedAction[]>();
        for (const a of sent) perDay.set(a.on, [...(perDay.get(a.on) ?? []), a]);
        for (const [day, actions] of perDay) {
          const messages = actions.filter((a) => CATCH_UP.has(a.kind));
          expect(messages.length, `messages on ${day}: ${messages.map((a) => a.kind).join(", ")}`).toBeLessThanOrEqual(
            1,
          );
          expect(actions.filter((a) => a.fee).length, `fees on ${day}`).toBeLessThanOrEqual(1);
        }
        // never skipped silently: each SMS, reminder or notice before the last one sent went out or was named
        const done = new Set(sent.map((a) => a.stepIndex));
        const named = new Set(sent.flatMap((a) => (a.passesOver ?? []).map((p) => p.stepIndex)));
        const last = Math.max(-1, ...sent.filter((a) => CATCH_UP.has(a.kind)).map((a) => a.stepIndex!));
        policy.steps.forEach((step, i) => {
          if (i < last && CATCH_UP.has(step.kind))
            expect(done.has(i) || named.has(i), `step ${i + 1} (${step.kind}) neither sent nor named`).toBe(true);
        });
        // a step sent is never also named as skipped
        for (const i of named) expect(done.has(i)).toBe(false);
        // a case handed over on time walks the whole ladder: nothing is skipped
        if (s.handOver <= 0 && s.holdDays === 0) expect(named.size).toBe(0);
      }),
      { numRuns: 300 },
    );
  });
});
