/**
 * Calendar arithmetic for Norway, Denmark and Sweden. Pure: every "now" is a parameter.
 *
 * - A LocalDate is a calendar day "YYYY-MM-DD" with no time zone; day arithmetic is exact (no DST involved).
 * - Instants are JavaScript Dates; conversions between the two go through luxon with an IANA time zone, so DST
 *   transitions are handled by the tz database.
 * - Public holidays come from `date-holidays` (type "public" only; Easter is not computed by hand). Bank-only
 *   closing days such as Christmas Eve and New Year's Eve (type "bank") are NOT public holidays here.
 */
import { z } from "zod";
import { DateTime, IANAZone } from "luxon";
import Holidays from "date-holidays";
import { DomainError } from "./errors";

export type CountryCode = "NO" | "DK" | "SE";
export const CountryCode = z.enum(["NO", "DK", "SE"]);

const LOCAL_DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** "YYYY-MM-DD", a real calendar day. */
export type LocalDate = string;
export const LocalDate = z.string().refine(isValidLocalDate, { message: "Expected a calendar date YYYY-MM-DD" });

/** "HH:mm", 00:00–23:59, or "24:00" as the end of a day. */
export const LocalTime = z.string().regex(/^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/, { message: "Expected a time HH:mm" });
export type LocalTime = z.infer<typeof LocalTime>;

export class InvalidCalendarValue extends DomainError {
  readonly code = "INVALID_CALENDAR_VALUE";
}

export class NoContactHours extends DomainError {
  readonly code = "NO_CONTACT_HOURS";
}

export type NordicTimeZone = "Europe/Oslo" | "Europe/Copenhagen" | "Europe/Stockholm";

const TIME_ZONES: Readonly<Record<CountryCode, NordicTimeZone>> = {
  NO: "Europe/Oslo",
  DK: "Europe/Copenhagen",
  SE: "Europe/Stockholm",
};

export function timeZoneOf(country: CountryCode): NordicTimeZone {
  return TIME_ZONES[country];
}

// ---------------------------------------------------------------------------------------------------------------
// Local dates

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInYear(year: number): 365 | 366 {
  return isLeapYear(year) ? 366 : 365;
}

export function isValidLocalDate(s: string): boolean {
  const m = LOCAL_DATE_PATTERN.exec(s);
  if (!m) return false;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1) return false;
  const lengths = [31, isLeapYear(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  return day <= (lengths[month - 1] ?? 0);
}

function assertLocalDate(date: LocalDate): void {
  if (!isValidLocalDate(date)) throw new InvalidCalendarValue(`"${date}" is not a calendar date YYYY-MM-DD`, { date });
}

const MS_PER_DAY = 86_400_000;

/** Days since 1970-01-01 (negative before). */
export function toEpochDay(date: LocalDate): number {
  assertLocalDate(date);
  return Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / MS_PER_DAY;
}

export function fromEpochDay(epochDay: number): LocalDate {
  if (!Number.isSafeInteger(epochDay)) throw new InvalidCalendarValue("epoch day must be an integer", { epochDay });
  return new Date(epochDay * MS_PER_DAY).toISOString().slice(0, 10);
}

export function addDays(date: LocalDate, n: number): LocalDate {
  if (!Number.isSafeInteger(n)) throw new InvalidCalendarValue("n must be an integer", { n });
  return fromEpochDay(toEpochDay(date) + n);
}

/** The same day `n` months later; a day the month lacks becomes its last day (31 Jan + 1 month = 28/29 Feb). */
export function addMonths(date: LocalDate, n: number): LocalDate {
  if (!Number.isSafeInteger(n)) throw new InvalidCalendarValue("n must be an integer", { n });
  assertLocalDate(date);
  return DateTime.fromISO(date, { zone: "UTC" }).plus({ months: n }).toISODate()!;
}

/** b − a in whole days (positive when b is later). */
export function daysBetween(a: LocalDate, b: LocalDate): number {
  return toEpochDay(b) - toEpochDay(a);
}

export function compareLocalDates(a: LocalDate, b: LocalDate): -1 | 0 | 1 {
  assertLocalDate(a);
  assertLocalDate(b);
  return a < b ? -1 : a > b ? 1 : 0;
}

/** ISO weekday: 1 = Monday … 7 = Sunday. */
export function isoWeekday(date: LocalDate): 1 | 2 | 3 | 4 | 5 | 6 | 7 {
  const epochDay = toEpochDay(date); // 1970-01-01 was a Thursday (4)
  return (((((epochDay + 3) % 7) + 7) % 7) + 1) as 1 | 2 | 3 | 4 | 5 | 6 | 7;
}

export function isWeekend(date: LocalDate): boolean {
  return isoWeekday(date) >= 6;
}

// ---------------------------------------------------------------------------------------------------------------
// Instants and time zones

/** Zones already checked: luxon's check builds an Intl.DateTimeFormat every time, and this runs on every date. */
const VALID_ZONES = new Set<string>();

function assertTimeZone(timeZone: string): void {
  if (VALID_ZONES.has(timeZone)) return;
  if (!IANAZone.isValidZone(timeZone)) {
    throw new InvalidCalendarValue(`Unknown time zone "${timeZone}"`, { timeZone });
  }
  VALID_ZONES.add(timeZone);
}

/** The calendar day `instant` falls on in `timeZone`. */
export function toLocalDate(instant: Date, timeZone: string): LocalDate {
  assertTimeZone(timeZone);
  const dt = DateTime.fromJSDate(instant, { zone: timeZone });
  if (!dt.isValid) throw new InvalidCalendarValue("Invalid instant", { instant: String(instant) });
  return dt.toISODate();
}

/**
 * The instant at wall-clock `time` on `date` in `timeZone`. "24:00" means the start of the next day.
 * A wall-clock time that does not exist (skipped by the spring DST change) moves forward by the gap
 * (02:30 → 03:30); one that occurs twice (autumn change) resolves as luxon does, to the standard-time (later)
 * instant. Contact hours and send times are never set inside 02:00–03:00, so neither case matters in practice.
 */
export function atLocalTime(date: LocalDate, time: string, timeZone: string): Date {
  assertLocalDate(date);
  assertTimeZone(timeZone);
  if (!LocalTime.safeParse(time).success) throw new InvalidCalendarValue(`"${time}" is not a time HH:mm`, { time });
  if (time === "24:00") return atLocalTime(addDays(date, 1), "00:00", timeZone);
  const dt = DateTime.fromObject(
    {
      year: Number(date.slice(0, 4)),
      month: Number(date.slice(5, 7)),
      day: Number(date.slice(8, 10)),
      hour: Number(time.slice(0, 2)),
      minute: Number(time.slice(3, 5)),
    },
    { zone: timeZone },
  );
  return dt.toJSDate();
}

// ---------------------------------------------------------------------------------------------------------------
// Holidays and business days

const holidayCalendars = new Map<CountryCode, Holidays>();
const publicHolidaysByYear = new Map<string, ReadonlySet<LocalDate>>();

function calendarOf(country: CountryCode): Holidays {
  let calendar = holidayCalendars.get(country);
  if (!calendar) {
    calendar = new Holidays(country, { timezone: timeZoneOf(country), types: ["public"] });
    holidayCalendars.set(country, calendar);
  }
  return calendar;
}

/** The public holidays (helligdager / helligdage / allmänna helgdagar) of `country` in `year`, sorted. */
export function publicHolidays(year: number, country: CountryCode): ReadonlySet<LocalDate> {
  const key = `${country}:${year}`;
  let days = publicHolidaysByYear.get(key);
  if (!days) {
    const list = calendarOf(country)
      .getHolidays(year)
      .filter((h) => h.type === "public")
      .map((h) => h.date.slice(0, 10))
      .sort();
    days = new Set(list);
    publicHolidaysByYear.set(key, days);
  }
  return days;
}

export function isPublicHoliday(date: LocalDate, country: CountryCode): boolean {
  assertLocalDate(date);
  return publicHolidays(Number(date.slice(0, 4)), country).has(date);
}

/** Monday–Friday and not a public holiday. */
export function isBusinessDay(date: LocalDate, country: CountryCode): boolean {
  return !isWeekend(date) && !isPublicHoliday(date, country);
}

/** `date` itself when it is a business day, otherwise the next business day. */
export function businessDayOnOrAfter(date: LocalDate, country: CountryCode): LocalDate {
  let d = date;
  while (!isBusinessDay(d, country)) d = addDays(d, 1);
  return d;
}

/**
 * Moves `n` business days from `date` (negative n moves back). `date` itself need not be a business day;
 * n = 0 returns `date` unchanged.
 */
export function addBusinessDays(date: LocalDate, n: number, country: CountryCode): LocalDate {
  if (!Number.isSafeInteger(n)) throw new InvalidCalendarValue("n must be an integer", { n });
  const step = n < 0 ? -1 : 1;
  let remaining = Math.abs(n);
  let d = date;
  assertLocalDate(d);
  while (remaining > 0) {
    d = addDays(d, step);
    if (isBusinessDay(d, country)) remaining -= 1;
  }
  return d;
}

/** The day before a public holiday; in Norway also Christmas Eve and New Year's Eve (julaften, nyttårsaften). */
export function isHolidayEve(date: LocalDate, country: CountryCode): boolean {
  if (isPublicHoliday(addDays(date, 1), country)) return true;
  const monthDay = date.slice(5);
  return country === "NO" && (monthDay === "12-24" || monthDay === "12-31");
}

/**
 * Whether a service may be suspended (stengt) on `date`: never on a Friday, Saturday or Sunday, a public holiday or
 * the day before a public holiday (common practice, reference "Service suspension"), so the debtor is not left
 * without service over a long closed period.
 */
export function isSuspensionAllowedDay(date: LocalDate, country: CountryCode): boolean {
  return isoWeekday(date) <= 4 && !isPublicHoliday(date, country) && !isHolidayEve(date, country);
}

/** `date` itself or the first later day on which a suspension is allowed. */
export function suspensionAllowedDayOnOrAfter(date: LocalDate, country: CountryCode): LocalDate {
  let d = date;
  while (!isSuspensionAllowedDay(d, country)) d = addDays(d, 1);
  return d;
}

// ---------------------------------------------------------------------------------------------------------------
// Contact hours

export const TimeWindow = z
  .object({ from: LocalTime, to: LocalTime })
  .refine((w) => w.from < w.to, { message: "from must be before to" });
export type TimeWindow = { from: string; to: string };

/**
 * When a debtor may be contacted, in the country's local wall-clock time. `from` is inclusive, `to` exclusive
 * ("24:00" = end of day); a window never crosses midnight;
 * null = no contact that kind of day. `publicHolidays` overrides the weekday/weekend window on a public holiday.
 * E.g. the proposed Norwegian rule (Prop. 3 L (2025–2026), unconfirmed): weekdays 08:00–21:00, Saturday 09:00–15:00.
 */
export interface ContactHours {
  weekdays: { from: string; to: string } | null;
  saturday: { from: string; to: string } | null;
  sunday: { from: string; to: string } | null;
  publicHolidays: { from: string; to: string } | null;
}

export const ContactHours = z.object({
  weekdays: TimeWindow.nullable(),
  saturday: TimeWindow.nullable(),
  sunday: TimeWindow.nullable(),
  publicHolidays: TimeWindow.nullable(),
});

function windowOn(date: LocalDate, country: CountryCode, hours: ContactHours): TimeWindow | null {
  if (isPublicHoliday(date, country)) return hours.publicHolidays;
  const weekday = isoWeekday(date);
  if (weekday === 6) return hours.saturday;
  if (weekday === 7) return hours.sunday;
  return hours.weekdays;
}

function assertWindow(window: TimeWindow): void {
  const parsed = TimeWindow.safeParse(window);
  if (!parsed.success) throw new InvalidCalendarValue("Invalid contact-hours window", { window });
}

/** Days searched ahead before concluding that contact hours never open (covers Easter and Christmas runs). */
const CONTACT_SEARCH_DAYS = 21;

/**
 * The earliest instant ≥ `instant` inside contact hours, in the country's local time (DST-correct: "08:00" is
 * 08:00 on the wall clock whatever the UTC offset that day). Throws NoContactHours when no window opens within
 * three weeks (e.g. every window is null).
 */
export function nextContactTime(instant: Date, country: CountryCode, hours: ContactHours): Date {
  const zone = timeZoneOf(country);
  const today = toLocalDate(instant, zone);
  for (let i = 0; i <= CONTACT_SEARCH_DAYS; i++) {
    const date = addDays(today, i);
    const window = windowOn(date, country, hours);
    if (!window) continue;
    assertWindow(window);
    const start = atLocalTime(date, window.from, zone);
    const end = atLocalTime(date, window.to, zone);
    if (instant.getTime() < end.getTime()) {
      return instant.getTime() >= start.getTime() ? new Date(instant.getTime()) : start;
    }
  }
  throw new NoContactHours(`No contact hours within ${CONTACT_SEARCH_DAYS} days`, { country });
}

export function isWithinContactHours(instant: Date, country: CountryCode, hours: ContactHours): boolean {
  const zone = timeZoneOf(country);
  const date = toLocalDate(instant, zone);
  const window = windowOn(date, country, hours);
  if (!window) return false;
  assertWindow(window);
  const t = instant.getTime();
  return t >= atLocalTime(date, window.from, zone).getTime() && t < atLocalTime(date, window.to, zone).getTime();
}
