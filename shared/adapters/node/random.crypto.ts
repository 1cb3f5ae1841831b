/** `Random` from Node's CSPRNG (`node:crypto`). */
import { randomBytes, randomInt } from "node:crypto";
import type { Random } from "../../ports/random";

/**
 * 2^48 − 1: the largest range `randomInt` takes (`max − min` must be below 2^48 — with 2^48 it threw, and with it
 * every failed webhook delivery, at its retry's jitter), so `fraction()` has (almost) 48 random bits.
 */
const FRACTION_RANGE = 2 ** 48 - 1;

export const cryptoRandom: Random = {
  bytes: (n) => new Uint8Array(randomBytes(n)),
  fraction: () => randomInt(0, FRACTION_RANGE) / FRACTION_RANGE,
};
