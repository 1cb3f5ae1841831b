/**
 * No message to the debtor is ever planned or sent outside contact hours (issue 12, item 4), whatever the day the
 * claim falls due (weekends, Easter, Whitsun, 1 and 17 May, Christmas, New Year, the DST nights), the hour the
 * creditor sends at, the services on the case, and however late the orchestration wakes up (an outage, a restart, a
 * healed orchestration): a missed step is caught up in the next contact window, never at the hour the system is back.
 * Checked against the reference's hours through an oracle of its own (./oslo-contact-oracle), not the planner's
 * calendar.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addDays, atLocalTime, toLocalDate, type LocalDate } from "../../../shared/domain/calendar";
import type { OpenCaseInput } from "../../../shared/domain/case";
import { contactsDebtor, plan, type PlannedAction } from "../../../shared/domain/planner";
import { defaultPolicy, LadderPolicy } from "../../../shared/domain/policy";
import { norwegianRules as rules } from "../../../shared/domain/rules";
import { aCase } from "./case-fixtures";
import { execute } from "./ladder-driver";
import { easterSunday, norwegianHolidays, outsideContactHours } from "./oslo-contact-oracle";

const OSLO = "Europe/Oslo";
const MINUTE = 60_000;
const DAY = 86_400_000;
const base = defaultPolicy("NO", "Fiber AS");
const OFFSETS = [...new Set([0, ...base.steps.map((s) => s.offsetDays)])];

const YEARS = [2025, 2026, 2027, 2028, 2029, 2030];
/** Holidays, the days around them, Sundays and Saturdays, DST Sundays. */
const AWKWARD_DAYS: LocalDate[] = YEARS.flatMap((y) => [
  ...norwegianHolidays(y).flatMap((d) => [addDays(d, -1), d, addDays(d, 1)]),
  addDays(easterSunday(y), -4),
  `${y}-12-24`,
  `${y}-12-27`,
  `${y}-12-31`,
  ...Array.from({ length: 6 }, (_, i) => addDays(`${y}-01-03`, i * 61)), // a spread of weekdays and weekends
  `${y}-03-${String(31 - new Date(Date.UTC(y, 2, 31)).getUTCDay()).padStart(2, "0")}`, // last Sunday of March
  `${y}-10-${String(31 - new Date(Date.UTC(y, 9, 31)).getUTCDay()).padStart(2, "0")}`, // last Sunday of October
]);

const hhmm = (minute: number) =>
  `${String(Math.floor(minute / 60)).padStart(2, "0")}:${String(minute % 60).padStart(2, "0")}`;

interface Scenario {
  dueDate: LocalDate;
  handedOverAt: Date;
  sendAt: string;
  services: OpenCaseInput["services"];
  /** How late the orchestration wakes after each planned instant, in minutes (0 = on time). */
  delays: number[];
}

const scenario: fc.Arbitrary<Scenario> = fc
  .record({
    day: fc.oneof(
      fc.constantFrom(...AWKWARD_DAYS),
      fc.integer({ min: 0, max: 6 * 365 }).map((n) => addDays("2025-01-01", n)),
    ),
    offset: fc.constantFrom(...OFFSETS),
    lead: fc.integer({ min: -40, max: 10 }),
    minute: fc.integer({ min: 0, max: 24 * 60 - 1 }),
    sendAt: fc.integer({ min: 0, max: 24 * 60 - 1 }).map(hhmm),
    services: fc.constantFrom<OpenCaseInput["services"]>(
      [],
      [{ serviceId: "bb-1", kind: "broadband" }],
      [{ serviceId: "pm-1", kind: "power-meter" }],
      [
        { serviceId: "bb-1", kind: "broadband" },
        { serviceId: "pm-1", kind: "power-meter" },
      ],
    ),
    delays: fc.array(
      fc.oneof(
        fc.constant(0),
        fc.integer({ min: 1, max: 3 * 24 * 60 }), // up to three days down
      ),
      { minLength: 20, maxLength: 20 },
    ),
  })
  .map(({ day, offset, lead, minute, sendAt, services, delays }) => {
    // the claim falls due so that one step's day is `day`; handed over `lead` days before the due date (negative:
    // already overdue, so several steps are caught up at the minute it arrives)
    const dueDate = addDays(day, -offset);
    return {
      dueDate,
      handedOverAt: atLocalTime(addDays(dueDate, -lead), hhmm(minute), OSLO),
      sendAt,
      services,
      delays,
    };
  });

/** Walks the ladder as the orchestration does, waking `delays[i]` minutes late; returns every plan seen and every step carried out. */
function run(s: Scenario): {
  seen: { now: Date; action: PlannedAction }[];
  done: { now: Date; action: PlannedAction }[];
} {
  const policy = LadderPolicy.parse({ ...base, sendAt: s.sendAt });
  let c = aCase({ dueDate: s.dueDate, issueDate: addDays(s.dueDate, -14), services: s.services });
  let now = s.handedOverAt;
  const end = now.getTime() + 120 * DAY;
  const seen: { now: Date; action: PlannedAction }[] = [];
  const done: { now: Date; action: PlannedAction }[] = [];
  let wake = 0;
  for (let i = 0; i < 100 && now.getTime() < end; i++) {
    const p = plan(c, policy, rules, now);
    if (p.kind === "done" || p.kind === "paused") break;
    const action = p.kind === "act" ? p.action : p.next;
    seen.push({ now, action });
    const due = p.kind === "act" ? p.action.at : p.until;
    if (due.getTime() > now.getTime()) {
      now = new Date(due.getTime() + (s.delays[wake++ % s.delays.length] ?? 0) * MINUTE);
      continue;
    }
    if (p.kind !== "act") continue;
    done.push({ now, action: p.action });
    c = execute(c, p.action, rules);
  }
  return { seen, done };
}

describe("contact hours for every message (property)", () => {
  it("never plans and never carries out a message to the debtor outside contact hours, whenever the system wakes", () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const { seen, done } = run(s);
        for (const { now, action } of seen) {
          if (!contactsDebtor(action.kind)) continue;
          expect(outsideContactHours(action.at), `${action.kind} planned`).toBeNull();
          expect(action.at.getTime()).toBeGreaterThanOrEqual(now.getTime());
          expect(action.on).toBe(toLocalDate(action.at, OSLO));
        }
        for (const { now, action } of done) {
          if (!contactsDebtor(action.kind)) continue;
          // carried out at the instant the orchestration acted, and that instant is inside contact hours
          expect(action.at.getTime()).toBe(now.getTime());
          expect(outsideContactHours(now), `${action.kind} sent`).toBeNull();
        }
        // the walk got somewhere: a reminder or notice went out, and the Let's pay SMS and the reminder each went out or
        // a later message passed it over (a late hand-over)
        const kinds = done.map((d) => d.action.kind);
        const passedOver = done.flatMap((d) => (d.action.passesOver ?? []).map((x) => x.kind));
        expect(kinds.filter((k) => k === "reminder" || k === "collection-notice").length).toBeGreaterThan(0);
        expect([...kinds, ...passedOver]).toEqual(expect.arrayContaining(["lets-pay-sms", "reminder"]));
      }),
      { numRuns: 300 },
    );
  });
});
