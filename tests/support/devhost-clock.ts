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
