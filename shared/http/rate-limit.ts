/**
 * Rate limits for the public pages (pay links are opened without login): per token and per client address, in
 * memory per instance (rate-limiter-flexible). With N instances the effective limit is up to N times higher — a
 * shared store (Redis) is the step up if abuse ever needs it; the token's 160 bits already make guessing hopeless.
 */
import type { HttpRequest } from "@azure/functions";
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";

export interface RateLimit {
  /** Requests allowed per window. */
  points: number;
  /** Window in seconds. */
  durationSeconds: number;
}

export type RateVerdict = { ok: true } | { ok: false; retryAfterSeconds: number };

/**
 * The client's address as the platform's front end saw it: the LAST entry of `x-forwarded-for` (Azure appends
 * "ip:port"; earlier entries come from the client and can be forged). "unknown" when absent.
 */
export function clientAddress(request: HttpRequest): string {
  const header = request.headers.get("x-forwarded-for");
  const last = header?.split(",").pop()?.trim();
  if (!last) return "unknown";
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/u.exec(last);
  if (bracketed) return bracketed[1]!;
  const v4 = /^(\d{1,3}(?:\.\d{1,3}){3})(?::\d+)?$/u.exec(last);
  return v4 ? v4[1]! : last;
}

/** Several named limits checked together: a request passes only when every one of its keys is within its limit. */
export class RequestRateLimiter {
  readonly #limiters = new Map<string, RateLimiterMemory>();

  constructor(limits: Record<string, RateLimit>) {
    for (const [name, limit] of Object.entries(limits)) {
      this.#limiters.set(
        name,
        new RateLimiterMemory({ points: limit.points, duration: limit.durationSeconds, keyPrefix: name }),
      );
    }
  }

  /**
   * Whether any named limit is used up for its key, without consuming a point: a lockout checked before the attempt,
   * counted (with `check`) only when the attempt fails.
   */
  async blocked(keys: Record<string, string>): Promise<RateVerdict> {
    let retryAfterMs = 0;
    for (const [name, key] of Object.entries(keys)) {
      const limiter = this.#limiters.get(name);
      if (!limiter) throw new Error(`No rate limit named ${name}`);
      const state = await limiter.get(key);
      if (state && state.remainingPoints <= 0) retryAfterMs = Math.max(retryAfterMs, state.msBeforeNext);
    }
    return retryAfterMs > 0
      ? { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000)) }
      : { ok: true };
  }

  /** Consumes one point from each named limit for its key. */
  async check(keys: Record<string, string>): Promise<RateVerdict> {
    let retryAfterMs = 0;
    for (const [name, key] of Object.entries(keys)) {
      const limiter = this.#limiters.get(name);
      if (!limiter) throw new Error(`No rate limit named ${name}`);
      try {
        await limiter.consume(key);
      } catch (rejection) {
        if (!(rejection instanceof RateLimiterRes)) throw rejection;
        retryAfterMs = Math.max(retryAfterMs, rejection.msBeforeNext);
      }
    }
    return retryAfterMs > 0
      ? { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000)) }
      : { ok: true };
  }
}
