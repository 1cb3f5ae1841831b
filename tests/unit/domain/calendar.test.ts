import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  ContactHours,
  InvalidCalendarValue,
  LocalDate,
  NoContactHours,
  addBusinessDays,
  addDays,
  atLocalTime,
  businessDayOnOrAfter,
  daysBetween,
  fromEpochDay,
  isBusinessDay,
  isHolidayEve,
  isLeapYear,
  isPublicHoliday,
  isSuspensionAllowedDay,
  isWithinContactHours,
  isoWeekday,
  nextContactTime,
  publicHolidays,
  suspensionAllowedDayOnOrAfter,
  timeZoneOf,
  toEpochDay,
  toLocalDate,
} from "../../../shared/domain/calendar";

/** Proposed Norwegian contact hours (Prop. 3 L (2025–2026)): weekdays 08–21, Saturday 09–15, never Sunday or holidays. */
const proposedNorwegianHours: ContactHours = {
  weekdays: { from: "08:00", to: "21:00" },
  saturday: { from: "09:00", to: "15:00" },
  sunday: null,
  publicHolidays: null,
};

const utc = (iso: string) => new Date(iso);

describe("local dates", () => {
  it("validates calendar dates with the zod schema", () => {
    expect(LocalDate.safeParse("2024-02-29").success).toBe(true);
    expect(LocalDate.safeParse("2025-02-29").success).toBe(false);
    expect(LocalDate.safeParse("2025-13-01").success).toBe(false);
    expect(LocalDate.safeParse("2025-1-01").success).toBe(false);
  });

  it("adds days across month, year and leap-day boundaries", () => {
    expect(addDays("2024-02-28", 1)).toBe("2024-02-29");
    expect(addDays("2024-02-29", 1)).toBe("2024-03-01");
    expect(addDays("2025-12-31", 1)).toBe("2026-01-01");
    expect(addDays("2026-03-01", -1)).toBe("2026-02-28");
    expect(() => addDays("2026-02-30", 1)).toThrow(InvalidCalendarValue);
  });

  it("counts the days from a to b", () => {
    expect(daysBetween("2025-03-10", "2025-09-15")).toBe(189);
    expect(daysBetween("2024-01-31", "2024-03-01")).toBe(30);
    expect(daysBetween("2024-03-01", "2024-01-31")).toBe(-30);
  });

  it("knows leap years", () => {
    expect([1900, 2000, 2024, 2025, 2100].map(isLeapYear)).toEqual([false, true, true, false, false]);
  });

  it("keeps addDays and daysBetween consistent for any dates", () => {
    fc.assert(
      fc.property(fc.integer({ min: -50_000, max: 50_000 }), fc.integer({ min: -5_000, max: 5_000 }), (day, n) => {
        const date = fromEpochDay(day);
        expect(toEpochDay(date)).toBe(day);
        expect(daysBetween(date, addDays(date, n))).toBe(n);
      }),
    );
  });

  it("names weekdays the ISO way", () => {
    expect(isoWeekday("2026-11-23")).toBe(1);
    expect(isoWeekday("2026-11-29")).toBe(7);
    expect(isoWeekday("1970-01-01")).toBe(4);
    expect(isoWeekday("1969-12-31")).toBe(3);
  });
});

describe("time zones", () => {
  it("maps each country to its time zone", () => {
    expect([timeZoneOf("NO"), timeZoneOf("DK"), timeZoneOf("SE")]).toEqual([
      "Europe/Oslo",
      "Europe/Copenhagen",
      "Europe/Stockholm",
    ]);
  });

  it("finds the local date of an instant near midnight", () => {
    expect(toLocalDate(utc("2026-06-30T22:30:00Z"), "Europe/Oslo")).toBe("2026-07-01");
    expect(toLocalDate(utc("2026-12-31T22:59:59Z"), "Europe/Oslo")).toBe("2026-12-31");
    expect(toLocalDate(utc("2026-12-31T23:00:00Z"), "Europe/Oslo")).toBe("2027-01-01");
  });

  it("turns a local wall-clock time into the right instant in winter and summer", () => {
    expect(atLocalTime("2026-01-15", "08:00", "Europe/Oslo").toISOString()).toBe("2026-01-15T07:00:00.000Z");
    expect(atLocalTime("2026-07-15", "08:00", "Europe/Oslo").toISOString()).toBe("2026-07-15T06:00:00.000Z");
    expect(atLocalTime("2026-07-15", "24:00", "Europe/Oslo").toISOString()).toBe("2026-07-15T22:00:00.000Z");
    expect(() => atLocalTime("2026-07-15", "8:00", "Europe/Oslo")).toThrow(InvalidCalendarValue);
    expect(() => atLocalTime("2026-07-15", "08:00", "Mars/Olympus")).toThrow(InvalidCalendarValue);
  });

  it("moves a wall-clock time skipped by the spring DST change forward by the gap", () => {
    expect(atLocalTime("2026-03-29", "02:30", "Europe/Oslo").toISOString()).toBe("2026-03-29T01:30:00.000Z");
  });
});

describe("Norwegian public holidays", () => {
  it("lists the 2026 public holidays, Easter included", () => {
    const expected = [
      "2026-01-01",
      "2026-04-02", // Maundy Thursday (skjærtorsdag)
      "2026-04-03", // Good Friday (langfredag)
      "2026-04-05", // Easter Sunday
      "2026-04-06", // Easter Monday
      "2026-05-01",
      "2026-05-14", // Ascension Day
      "2026-05-17",
      "2026-05-24", // Whit Sunday
      "2026-05-25", // Whit Monday
      "2026-12-25",
      "2026-12-26",
    ];
    expect([...publicHolidays(2026, "NO")]).toEqual(expected);
    for (const day of expected) expect(isPublicHoliday(day, "NO"), day).toBe(true);
  });

  it("does not count Christmas Eve, New Year's Eve or an ordinary day as public holidays", () => {
    expect(isPublicHoliday("2026-12-24", "NO")).toBe(false);
    expect(isPublicHoliday("2026-12-31", "NO")).toBe(false);
    expect(isPublicHoliday("2026-04-07", "NO")).toBe(false);
  });

  it("knows that Sweden's national day and Denmark's lack of 1 May differ from Norway", () => {
    expect(isPublicHoliday("2026-06-06", "SE")).toBe(true);
    expect(isPublicHoliday("2026-06-06", "NO")).toBe(false);
    expect(isPublicHoliday("2026-05-01", "DK")).toBe(false);
    expect(isPublicHoliday("2026-04-02", "SE")).toBe(false);
  });
});

describe("business days", () => {
  it("treats weekends and public holidays as non-business days", () => {
    expect(isBusinessDay("2026-04-01", "NO")).toBe(true);
    expect(isBusinessDay("2026-04-02", "NO")).toBe(false);
    expect(isBusinessDay("2026-04-04", "NO")).toBe(false);
    expect(isBusinessDay("2026-04-02", "SE")).toBe(true);
  });

  it("rolls a date over Easter to the first business day", () => {
    expect(businessDayOnOrAfter("2026-04-02", "NO")).toBe("2026-04-07");
    expect(businessDayOnOrAfter("2026-04-07", "NO")).toBe("2026-04-07");
  });

  it("adds business days across Easter, and backwards", () => {
    expect(addBusinessDays("2026-04-01", 1, "NO")).toBe("2026-04-07");
    expect(addBusinessDays("2026-03-30", 5, "NO")).toBe("2026-04-09");
    expect(addBusinessDays("2026-04-07", -1, "NO")).toBe("2026-04-01");
    expect(addBusinessDays("2026-04-04", 0, "NO")).toBe("2026-04-04");
  });
});

describe("holiday eves and suspension days", () => {
  it("marks the day before a public holiday and, in Norway, Christmas Eve and New Year's Eve as eves", () => {
    expect(isHolidayEve("2026-04-01", "NO")).toBe(true);
    expect(isHolidayEve("2026-05-13", "NO")).toBe(true);
    expect(isHolidayEve("2026-12-24", "NO")).toBe(true);
    expect(isHolidayEve("2026-12-31", "NO")).toBe(true);
    expect(isHolidayEve("2026-04-08", "NO")).toBe(false);
  });

  it("allows a suspension on an ordinary Monday to Thursday only", () => {
    expect(isSuspensionAllowedDay("2026-11-23", "NO")).toBe(true); // Monday
    expect(isSuspensionAllowedDay("2026-11-26", "NO")).toBe(true); // Thursday
    expect(isSuspensionAllowedDay("2026-11-27", "NO")).toBe(false); // Friday
    expect(isSuspensionAllowedDay("2026-11-28", "NO")).toBe(false); // Saturday
    expect(isSuspensionAllowedDay("2026-11-29", "NO")).toBe(false); // Sunday
    expect(isSuspensionAllowedDay("2026-05-13", "NO")).toBe(false); // eve of Ascension
    expect(isSuspensionAllowedDay("2026-05-14", "NO")).toBe(false); // Ascension
    expect(isSuspensionAllowedDay("2026-04-01", "NO")).toBe(false); // eve of Maundy Thursday
  });

  it("pushes a suspension past Easter and Christmas to the first allowed day", () => {
    expect(suspensionAllowedDayOnOrAfter("2026-03-31", "NO")).toBe("2026-03-31");
    expect(suspensionAllowedDayOnOrAfter("2026-04-01", "NO")).toBe("2026-04-07");
    expect(suspensionAllowedDayOnOrAfter("2026-12-24", "NO")).toBe("2026-12-28");
  });

  it("never allows a suspension on a Friday, weekend, public holiday or holiday eve in any country", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: toEpochDay("2020-01-01"), max: toEpochDay("2035-12-31") }),
        fc.constantFrom("NO" as const, "DK" as const, "SE" as const),
        (day, country) => {
          const date = fromEpochDay(day);
          if (isSuspensionAllowedDay(date, country)) {
            expect(isoWeekday(date)).toBeLessThanOrEqual(4);
            expect(isPublicHoliday(date, country)).toBe(false);
            expect(isPublicHoliday(addDays(date, 1), country)).toBe(false);
          }
          const next = suspensionAllowedDayOnOrAfter(date, country);
          expect(daysBetween(date, next)).toBeGreaterThanOrEqual(0);
          expect(isSuspensionAllowedDay(next, country)).toBe(true);
        },
      ),
    );
  });
});

describe("contact hours", () => {
  it("lets an instant inside the window through unchanged", () => {
    const wednesdayNoon = utc("2026-11-25T11:00:00Z");
    expect(isWithinContactHours(wednesdayNoon, "NO", proposedNorwegianHours)).toBe(true);
    expect(nextContactTime(wednesdayNoon, "NO", proposedNorwegianHours)).toEqual(wednesdayNoon);
  });

  it("treats the closing time as outside the window", () => {
    const ninePmOslo = utc("2026-11-25T20:00:00Z");
    expect(isWithinContactHours(ninePmOslo, "NO", proposedNorwegianHours)).toBe(false);
    expect(nextContactTime(ninePmOslo, "NO", proposedNorwegianHours).toISOString()).toBe("2026-11-26T07:00:00.000Z");
  });

  it("waits from Saturday evening to Monday 08:00 across the spring DST change", () => {
    // Saturday 28 March 2026 21:30 CET; clocks go forward on Sunday 29 March (last Sunday of March)
    const saturdayEvening = utc("2026-03-28T20:30:00Z");
    expect(isWithinContactHours(saturdayEvening, "NO", proposedNorwegianHours)).toBe(false);
    // Monday 30 March 08:00 CEST = 06:00 UTC, not 07:00 UTC
    expect(nextContactTime(saturdayEvening, "NO", proposedNorwegianHours).toISOString()).toBe(
      "2026-03-30T06:00:00.000Z",
    );
  });

  it("opens at the wall-clock time on the day of the DST change itself", () => {
    const hours: ContactHours = { ...proposedNorwegianHours, sunday: { from: "10:00", to: "18:00" } };
    const sundayNight = utc("2026-03-29T00:30:00Z"); // 01:30 CET, before the change at 02:00
    expect(nextContactTime(sundayNight, "NO", hours).toISOString()).toBe("2026-03-29T08:00:00.000Z");
    expect(isWithinContactHours(utc("2026-03-29T07:59:59Z"), "NO", hours)).toBe(false);
    expect(isWithinContactHours(utc("2026-03-29T08:00:00Z"), "NO", hours)).toBe(true);
  });

  it("skips public holidays when they have no window, Easter included", () => {
    // Wednesday 1 April 2026 22:00 CEST; Maundy Thursday and Good Friday are closed, but Easter Saturday (4 April) is
    // not a public holiday in Norway, so Saturday 09:00 CEST opens first
    const wednesdayNight = utc("2026-04-01T20:00:00Z");
    expect(nextContactTime(wednesdayNight, "NO", proposedNorwegianHours).toISOString()).toBe(
      "2026-04-04T07:00:00.000Z",
    );
    const noSaturdays: ContactHours = { ...proposedNorwegianHours, saturday: null };
    expect(nextContactTime(wednesdayNight, "NO", noSaturdays).toISOString()).toBe("2026-04-07T06:00:00.000Z");
  });

  it("uses the public-holiday window on a holiday that falls on a weekday", () => {
    const hours: ContactHours = { ...proposedNorwegianHours, publicHolidays: { from: "12:00", to: "14:00" } };
    expect(isWithinContactHours(utc("2026-05-14T09:00:00Z"), "NO", hours)).toBe(false); // 11:00 CEST
    expect(isWithinContactHours(utc("2026-05-14T10:30:00Z"), "NO", hours)).toBe(true); // 12:30 CEST
  });

  it("refuses to search forever when no window ever opens", () => {
    const never: ContactHours = { weekdays: null, saturday: null, sunday: null, publicHolidays: null };
    expect(() => nextContactTime(utc("2026-11-25T11:00:00Z"), "NO", never)).toThrow(NoContactHours);
  });

  it("validates contact hours with the zod schema", () => {
    expect(ContactHours.safeParse(proposedNorwegianHours).success).toBe(true);
    expect(ContactHours.safeParse({ ...proposedNorwegianHours, sunday: { from: "18:00", to: "10:00" } }).success).toBe(
      false,
    );
    expect(ContactHours.safeParse({ ...proposedNorwegianHours, sunday: { from: "25:00", to: "26:00" } }).success).toBe(
      false,
    );
  });

  it("always returns an instant no earlier than the input and inside contact hours", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2024, 0, 1), max: Date.UTC(2030, 0, 1) }),
        fc.constantFrom("NO" as const, "DK" as const, "SE" as const),
        (ms, country) => {
          const instant = new Date(ms);
          const next = nextContactTime(instant, country, proposedNorwegianHours);
          expect(next.getTime()).toBeGreaterThanOrEqual(ms);
          expect(isWithinContactHours(next, country, proposedNorwegianHours)).toBe(true);
          if (isWithinContactHours(instant, country, proposedNorwegianHours)) expect(next.getTime()).toBe(ms);
        },
      ),
    );
  });
});
