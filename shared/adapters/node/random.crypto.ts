/** `Random` from Node's CSPRNG (`node:crypto`). */
import { randomBytes, randomInt } from "node:crypto";
import type { Random } from "../../ports/random";

/** 2^48: the largest range `randomInt` takes, so `fraction()` has 48 random bits. */
const FRACTION_RANGE = 2 ** 48;

export const cryptoRandom: Random = {
  bytes: (n) => new Uint8Array(randomBytes(n)),
  fraction: () => randomInt(0, FRACTION_RANGE) / FRACTION_RANGE,
};
