/**
 * When a failed webhook delivery is tried again.
 *
 * CHOICE: the schedule Standard Webhooks' reference implementation uses — attempt 1 at once, then after 5 s, 5 min,
 * 30 min, 2 h, 5 h, 10 h and 10 h: 8 attempts over about 27.6 hours, so a receiver that is down for a night still gets
 * every event, and one that is down for good stops being hammered after a day. The delays grow roughly
 * exponentially (×60, ×6, ×4, ×2.5, ×2) and are capped at 10 h.
 *
 * JITTER: each delay is multiplied by a factor in [0.9, 1.1) so that the deliveries that failed together (a receiver
 * outage) do not all come back in the same second. ±10 % keeps the schedule non-decreasing (5 h × 1.1 < 10 h × 0.9).
 */
import type { Random } from "../../ports/random";

/** Delay before attempt n + 1, indexed by n − 1: the delay after attempt 1 is `WEBHOOK_RETRY_DELAYS_MS[0]`. */
export const WEBHOOK_RETRY_DELAYS_MS: readonly number[] = [
  5_000,
  5 * 60_000,
  30 * 60_000,
  2 * 3_600_000,
  5 * 3_600_000,
  10 * 3_600_000,
  10 * 3_600_000,
];

/** Attempts in all, the first included. After the last one fails, the delivery is dead-lettered. */
export const WEBHOOK_MAX_ATTEMPTS = WEBHOOK_RETRY_DELAYS_MS.length + 1;

/** The jitter band: a delay is multiplied by a factor in [1 − JITTER, 1 + JITTER). */
export const WEBHOOK_RETRY_JITTER = 0.1;

/**
 * The delay in ms before the attempt after `attempt` (1-based), or `undefined` when `attempt` was the last.
 * The jitter comes from `random.fraction()` (tests pass a fixed one).
 */
export function webhookRetryDelayMs(attempt: number, random: Pick<Random, "fraction">): number | undefined {
  if (!Number.isInteger(attempt) || attempt < 1)
    throw new RangeError(`attempt must be a positive integer, got ${String(attempt)}`);
  const base = WEBHOOK_RETRY_DELAYS_MS[attempt - 1];
  if (base === undefined) return undefined;
  const factor = 1 - WEBHOOK_RETRY_JITTER + 2 * WEBHOOK_RETRY_JITTER * random.fraction();
  return Math.round(base * factor);
}

/** Whether `attempt` is the last one the schedule allows. */
export function isLastWebhookAttempt(attempt: number): boolean {
  return attempt >= WEBHOOK_MAX_ATTEMPTS;
}
