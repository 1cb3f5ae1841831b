/** Moving a running dev host's virtual clock from a test (`POST /api/dev/clock`). */

/** Advances the clock by an ISO 8601 duration ("P7D", "PT75S"); resolves with the new virtual time once it settled. */
export async function advanceClock(base: string, duration: string): Promise<string> {
  const res = await fetch(`${base}/api/dev/clock`, { method: "POST", body: JSON.stringify({ advance: duration }) });
  if (res.status !== 200) throw new Error(`POST /api/dev/clock answered ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { now: string }).now;
}

/**
 * Moves the clock a day at a time until `check` holds (at most `maxDays`). How long the ladder takes depends on the
 * weekday the case starts, public holidays and the day the print house posts each letter (a fee and a deadline count
 * from the day the letter reached the debtor), so a test waits for the outcome rather than a fixed number of days.
 */
export async function advanceDaysUntil(
  base: string,
  check: () => Promise<boolean>,
  what: string,
  maxDays = 30,
): Promise<void> {
  for (let day = 0; day <= maxDays; day++) {
    if (await check()) return;
    await advanceClock(base, "P1D");
  }
  throw new Error(`${what} did not happen within ${maxDays} more days`);
}

/** The dev host's virtual time now (`GET /api/dev/clock`). */
export async function clockNow(base: string): Promise<Date> {
  const res = await fetch(`${base}/api/dev/clock`);
  if (res.status !== 200) throw new Error(`GET /api/dev/clock answered ${res.status}: ${await res.text()}`);
  return new Date(((await res.json()) as { now: string }).now);
}

/** Sets the clock to `at` (`POST /api/dev/clock {to}`). */
export async function setClock(base: string, at: Date): Promise<void> {
  const res = await fetch(`${base}/api/dev/clock`, { method: "POST", body: JSON.stringify({ to: at.toISOString() }) });
  if (res.status !== 200) throw new Error(`POST /api/dev/clock answered ${res.status}: ${await res.text()}`);
}

/**
 * Moves the clock to the next weekday at 10:00 UTC (11:00 in Oslo: contact hours, so an SMS may go now) at least a
 * minute ahead, skipping 24–26 and 31 December and 1 January; resolves with that time.
 */
export async function toContactHours(base: string): Promise<Date> {
  const now = await clockNow(base);
  const day = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), 10));
  while (
    day.getTime() <= now.getTime() + 60_000 ||
    day.getUTCDay() === 0 ||
    day.getUTCDay() === 6 ||
    /-(12-2[4-6]|12-31|01-01)$/u.test(day.toISOString().slice(0, 10))
  )
    day.setUTCDate(day.getUTCDate() + 1);
  await setClock(base, day);
  return day;
}
