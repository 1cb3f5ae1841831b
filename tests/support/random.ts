/**
 * Deterministic `Random`s for tests: `seededRandom(seed)` gives a different but reproducible stream per seed (ids and
 * secrets still differ from call to call); `fixedFraction(x)` always answers `x` for `fraction()` (retry jitter).
 */
import type { Random } from "../../shared/ports/random";

/** SplitMix32-style generator: fast, good enough for tests, NEVER for production secrets. */
export function seededRandom(seed = 1): Random {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  return {
    bytes: (n) => {
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) out[i] = next() & 0xff;
      return out;
    },
    fraction: () => next() / 2 ** 32,
  };
}

/** A seeded Random whose `fraction()` is always `value` (e.g. 0.5: no jitter). */
export function fixedFraction(value: number, seed = 1): Random {
  return { ...seededRandom(seed), fraction: () => value };
}
