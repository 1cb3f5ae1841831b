/**
 * The Norwegian default ladder started on any day: random instants 2025–2031 and the days where calendars go wrong
 * (weekends, Easter, Ascension and Whitsun, 1 and 17 May, Christmas and New Year, year end, both DST changes), with the
 * claim falling due so that each step of the ladder lands on such a day. What must hold on every one of them is checked
 * against oracles written here (wall-clock hours from Intl, Easter by the Gregorian computus), not the planner's own
 * calendar helpers.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addDays, atLocalTime, publicHolidays, toLocalDate, type LocalDate } from "../../../shared/domain/calendar";
import { feeCap, fitsFeeCombination } from "../../../shared/domain/fees";
import type { PlannedAction } from "../../../shared/domain/planner";
import { defaultPolicy, type ActionKind, type StepKind } from "../../../shared/domain/policy";
import { norwegianRules as rules, type FeeKind } from "../../../shared/domain/rules";
import { aCase } from "./case-fixtures";
import { easterSunday, norwegianHolidays, osloWallClock } from "./oslo-contact-oracle";
import { simulate } from "./ladder-driver";

const OSLO = "Europe/Oslo";
const DAY = 86_400_000;
const policy = defaultPolicy("NO", "Fiber AS");
const offsetOf = (kind: ActionKind) => policy.steps.find((s) => s.kind === kind)!.offsetDays;
const LADDER: StepKind[] = ["lets-pay-sms", "reminder", "collection-notice", "payment-demand", "legal-handoff"];
/** The last day the rule set has a late-interest rate for (the table is configuration; it ends 2026-12-31 today). */
const LAST_RATE = [...rules.lateInterest.rates].sort((a, b) => (a.to < b.to ? -1 : 1)).at(-1)!;
const LAST_RATE_DAY = LAST_RATE.to;

// ---------------------------------------------------------------------------------------------------------------
// Oracles

const HOLIDAYS = new Set(Array.from({ length: 8 }, (_, i) => norwegianHolidays(2025 + i)).flat());

/** Last Sunday of a month: the EU's DST changes (March: 02:00 → 03:00; October: 03:00 → 02:00). */
function lastSunday(year: number, month: 3 | 10): LocalDate {
  const last = new Date(Date.UTC(year, month, 0));
  return addDays(last.toISOString().slice(0, 10), -last.getUTCDay());
}

// ---------------------------------------------------------------------------------------------------------------
// Start dates

interface Start {
  /** When the creditor hands the invoice over (the ladder is walked from here). */
  handedOverAt: Date;
  dueDate: LocalDate;
}

const YEARS = [2025, 2026, 2027, 2028, 2029, 2030, 2031];
const SPECIAL_DAYS: LocalDate[] = YEARS.flatMap((y) => {
  const easter = easterSunday(y);
  return [
    ...[-4, -3, -2, -1, 0, 1].map((d) => addDays(easter, d)), // the Wednesday before Easter to Easter Monday
    addDays(easter, 39),
    addDays(easter, 49),
    addDays(easter, 50),
    `${y}-04-30`,
    `${y}-05-01`,
    `${y}-05-16`,
    `${y}-05-17`,
    `${y}-12-23`,
    `${y}-12-24`,
    `${y}-12-25`,
    `${y}-12-26`,
    `${y}-12-31`,
    `${y}-01-01`,
    lastSunday(y, 3),
    addDays(lastSunday(y, 3), -1),
    lastSunday(y, 10),
    addDays(lastSunday(y, 10), -1),
  ];
});
const WEEKENDS: LocalDate[] = Array.from({ length: 20 }, (_, i) => addDays("2025-01-04", i * 133)).flatMap((sat) => [
  sat,
  addDays(sat, 1),
]);

const anyInstant = fc
  .record({
    at: fc.integer({ min: Date.parse("2025-01-01T00:00:00Z"), max: Date.parse("2031-12-31T23:59:59Z") }),
    dueInDays: fc.integer({ min: -5, max: 30 }),
  })
  .map(({ at, dueInDays }): Start => ({
    handedOverAt: new Date(at),
    dueDate: addDays(toLocalDate(new Date(at), OSLO), dueInDays),
  }));

/** A claim falling due so that one step of the ladder (or the due date itself) lands on `day`. */
const onSpecialDay = fc
  .record({
    day: fc.constantFrom(...SPECIAL_DAYS, ...WEEKENDS),
    step: fc.constantFrom(0, ...LADDER.map(offsetOf)),
    lead: fc.integer({ min: 0, max: 14 }),
    minute: fc.integer({ min: 0, max: 24 * 60 - 1 }),
  })
  .map(({ day, step, lead, minute }): Start => {
    const dueDate = addDays(day, -step);
    const hhmm = `${String(Math.floor(minute / 60)).padStart(2, "0")}:${String(minute % 60).padStart(2, "0")}`;
    return { handedOverAt: atLocalTime(addDays(dueDate, -lead), hhmm, OSLO), dueDate };
  });

/** Handed over ON the special day, at any minute (DST nights included), due a little later or already overdue. */
const handedOverOnSpecialDay = fc
  .record({
    day: fc.constantFrom(...SPECIAL_DAYS, ...WEEKENDS),
    dueInDays: fc.integer({ min: -5, max: 30 }),
    ms: fc.integer({ min: 0, max: DAY - 1 }),
  })
  .map(({ day, dueInDays, ms }): Start => ({
    handedOverAt: new Date(atLocalTime(day, "00:00", OSLO).getTime() + ms),
    dueDate: addDays(day, dueInDays),
  }));

const anyStart = fc.oneof(anyInstant, onSpecialDay, handedOverOnSpecialDay);

function walk(start: Start): PlannedAction[] {
  const c = aCase({ dueDate: start.dueDate, issueDate: addDays(start.dueDate, -14) });
  return simulate(c, policy, rules, start.handedOverAt, new Date(start.handedOverAt.getTime() + 150 * DAY)).sent;
}

// ---------------------------------------------------------------------------------------------------------------

describe("the Norwegian default ladder from any start date (property)", () => {
  it("has its own oracles right: Easter, the holidays the planner's calendar knows, DST Sundays", () => {
    expect(easterSunday(2026)).toBe("2026-04-05");
    expect(easterSunday(2027)).toBe("2027-03-28");
    expect(easterSunday(2030)).toBe("2030-04-21");
    expect(lastSunday(2026, 3)).toBe("2026-03-29");
    expect(lastSunday(2026, 10)).toBe("2026-10-25");
    expect(osloWallClock(new Date("2026-03-29T01:30:00Z"))).toMatchObject({ date: "2026-03-29", minutes: 3 * 60 + 30 });
    for (const year of [...YEARS, 2032])
      expect([...publicHolidays(year, "NO")].sort()).toEqual([...norwegianHolidays(year)].sort());
  });

  it("sends the Let's pay SMS once, in contact hours on a day debtors may be contacted, never before due + 7", () => {
    fc.assert(
      fc.property(anyStart, (start) => {
        const sent = walk(start);
        const sms = sent.filter((a) => a.kind === "lets-pay-sms");
        expect(sms).toHaveLength(1);
        const { at, on } = sms[0]!;
        const wall = osloWallClock(at);
        expect(wall.date).toBe(on);
        expect(wall.weekday, `${at.toISOString()} is a Sunday`).not.toBe(7);
        expect(HOLIDAYS.has(on), `${on} is a public holiday`).toBe(false);
        // Prop. 3 L (2025–2026): 08:00–21:00 on weekdays, 09:00–15:00 on Saturdays
        const [from, to] = wall.weekday === 6 ? [9 * 60, 15 * 60] : [8 * 60, 21 * 60];
        expect(wall.minutes, `${at.toISOString()} is outside contact hours`).toBeGreaterThanOrEqual(from);
        expect(wall.minutes).toBeLessThan(to);
        expect(on >= addDays(start.dueDate, offsetOf("lets-pay-sms")), `SMS on ${on}, due ${start.dueDate}`).toBe(true);
        expect(at.getTime()).toBeGreaterThanOrEqual(start.handedOverAt.getTime());
      }),
      { numRuns: 200 },
    );
  });

  it("walks the steps in order, each letter after the previous one's lawful deadline, with fees within the caps", () => {
    const min = rules.timing.minDeadlineDays.value;
    fc.assert(
      fc.property(anyStart, (start) => {
        const sent = walk(start);
        expect(sent.map((a) => a.kind)).toEqual(LADDER);
        const [sms, reminder, notice, demand, handoff] = sent as [
          PlannedAction,
          PlannedAction,
          PlannedAction,
          PlannedAction,
          PlannedAction,
        ];
        for (const [previous, next] of sent.slice(1).map((a, i) => [sent[i]!, a] as const)) {
          expect(next.at.getTime(), `${next.kind} after ${previous.kind}`).toBeGreaterThan(previous.at.getTime());
        }
        for (const step of sent)
          expect(step.on >= addDays(start.dueDate, offsetOf(step.kind)), `${step.kind} on ${step.on}`).toBe(true);
        expect(reminder.on > sms.on).toBe(true);
        // inkassoforskriften § 1-2: a reminder fee only 14 days after the due date
        if (reminder.fee)
          expect(reminder.on >= addDays(start.dueDate, rules.timing.firstFeeMinDaysAfterDue.value)).toBe(true);
        // every letter gives at least the legal deadline from its sending day
        for (const letter of [reminder, notice, demand]) {
          expect(letter.deadline! >= addDays(letter.on, min[letter.kind as FeeKind]), `${letter.kind} deadline`).toBe(
            true,
          );
        }
        // inkassoloven § 9 / inkassoforskriften § 1-3: the collection notice (with its fee) after the reminder's deadline
        expect(notice.on >= addDays(reminder.on, min.reminder)).toBe(true);
        if (notice.fee) expect(notice.on > reminder.deadline!).toBe(true);
        // inkassoloven § 10: the payment demand after the notice's deadline; § 11: legal steps after the demand's
        expect(demand.on > notice.deadline!).toBe(true);
        expect(handoff.on > demand.deadline!).toBe(true);

        const letters = [reminder, notice, demand];
        for (const letter of letters) {
          // a fee-bearing step either carries its fee or says why not
          expect(letter.fee !== undefined || letter.noFeeReason !== undefined, `${letter.kind} fee`).toBe(true);
          if (letter.fee) {
            expect(letter.fee.amount.value).toBeGreaterThan(0);
            expect(letter.fee.amount.value).toBeLessThanOrEqual(
              feeCap(rules, letter.kind as FeeKind, letter.on, start.dueDate).value,
            );
          }
        }
        expect(
          fitsFeeCombination(
            rules,
            letters.filter((l) => l.fee).map((l) => l.kind as FeeKind),
          ),
        ).toBe(true);
        expect(sms.fee).toBeUndefined();
        expect(handoff.fee).toBeUndefined();
      }),
      { numRuns: 200 },
    );
  });

  it("shows interest on every overdue step, provisional at the last known rate once the rate table ends", () => {
    fc.assert(
      fc.property(anyStart, (start) => {
        for (const step of walk(start)) {
          const { interest, interestRatesMissingFrom, interestProvisional } = step.amounts;
          if (step.on <= start.dueDate) continue;
          expect(interestRatesMissingFrom).toBeNull();
          // a step on the first interest day itself may round to 0 øre; any later one never does
          if (step.on > addDays(start.dueDate, 1))
            expect(interest.value, `${step.kind} on ${step.on}, due ${start.dueDate}`).toBeGreaterThan(0);
          if (step.on <= LAST_RATE_DAY) {
            expect(interestProvisional).toBeNull();
            continue;
          }
          // past the last rate day (2026-12-31) interest keeps running at the last known rate, flagged provisional
          const firstDayWithoutRate = addDays(LAST_RATE_DAY, 1);
          const firstInterestDay = addDays(start.dueDate, 1);
          expect(interestProvisional).toEqual({
            from: firstInterestDay > firstDayWithoutRate ? firstInterestDay : firstDayWithoutRate,
            annualRatePercent: LAST_RATE.annualRatePercent,
          });
        }
      }),
      { numRuns: 200 },
    );
  });
});
