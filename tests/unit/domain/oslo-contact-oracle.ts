/**
 * An oracle for "may the debtor be contacted at this instant?" in Norway, written from the reference alone
 * (shared/reference/nordic-collection-rules.md, Prop. 3 L (2025–2026): 08:00–21:00 on weekdays, 09:00–15:00 on
 * Saturdays; never on Sundays or public holidays) — wall-clock hours from Intl, holidays by the Gregorian computus —
 * so the tests do not check the planner against its own calendar helpers.
 */
import { addDays, type LocalDate } from "../../../shared/domain/calendar";

/** Easter Sunday (anonymous Gregorian algorithm, Meeus/Jones/Butcher). */
export function easterSunday(year: number): LocalDate {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return `${year}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

/** Norway's public holidays (lov om helligdager og helligdagsfred § 1, and 1 and 17 May), each day once. */
export function norwegianHolidays(year: number): LocalDate[] {
  const easter = easterSunday(year);
  const days = [
    `${year}-01-01`,
    addDays(easter, -3), // skjærtorsdag
    addDays(easter, -2), // langfredag
    easter,
    addDays(easter, 1),
    `${year}-05-01`,
    `${year}-05-17`,
    addDays(easter, 39), // Kristi himmelfartsdag
    addDays(easter, 49), // pinsedag
    addDays(easter, 50),
    `${year}-12-25`,
    `${year}-12-26`,
  ];
  return [...new Set(days)]; // 2027: Whit Monday is 17 May
}

const HOLIDAYS = new Map<number, Set<LocalDate>>();
function isHoliday(date: LocalDate): boolean {
  const year = Number(date.slice(0, 4));
  let days = HOLIDAYS.get(year);
  if (!days) HOLIDAYS.set(year, (days = new Set(norwegianHolidays(year))));
  return days.has(date);
}

const FORMAT = new Intl.DateTimeFormat("en-GB", {
  timeZone: "Europe/Oslo",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  weekday: "short",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
});

/** Day, weekday (1 = Monday … 7 = Sunday) and minutes after midnight on Oslo's wall clock. */
export function osloWallClock(at: Date): { date: LocalDate; weekday: number; minutes: number } {
  const parts = Object.fromEntries(FORMAT.formatToParts(at).map((p) => [p.type, p.value]));
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    weekday: ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].indexOf(parts.weekday!) + 1,
    minutes: Number(parts.hour) * 60 + Number(parts.minute),
  };
}

/** Why `at` is outside Norwegian contact hours, or null when the debtor may be contacted then. */
export function outsideContactHours(at: Date): string | null {
  const wall = osloWallClock(at);
  const when = `${at.toISOString()} (${wall.date}, Oslo ${String(Math.floor(wall.minutes / 60)).padStart(2, "0")}:${String(wall.minutes % 60).padStart(2, "0")})`;
  if (isHoliday(wall.date)) return `${when} is a public holiday`;
  if (wall.weekday === 7) return `${when} is a Sunday`;
  const [from, to] = wall.weekday === 6 ? [9 * 60, 15 * 60] : [8 * 60, 21 * 60];
  if (wall.minutes < from || wall.minutes >= to) return `${when} is outside the day's contact hours`;
  return null;
}
