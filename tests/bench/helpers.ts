/** Small helpers the benchmarks share: bounded parallelism and percentiles. */

/** Runs `op(0…count-1)` with at most `inFlight` at once; the results in index order. */
export async function inParallel<T>(count: number, inFlight: number, op: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array<T>(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(inFlight, count) }, async () => {
      while (next < count) {
        const i = next++;
        out[i] = await op(i);
      }
    }),
  );
  return out;
}

/** The p-th percentile (nearest rank) of `values`; NaN when there are none. */
export function pct(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}
