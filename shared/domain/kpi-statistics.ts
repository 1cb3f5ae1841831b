/**
 * The KPI dashboard's statistics (issue 16): pure functions, no I/O.
 *
 * - `wilsonInterval`: the 95 % Wilson score interval of a proportion (better than the normal approximation for small
 *   counts and rates near 0 or 1).
 * - `compareProportions`: two variants' rates, the difference B − A with its 95 % confidence interval (Newcombe's
 *   hybrid score interval, built from the two Wilson intervals — unlike the Wald interval it does not collapse to
 *   [0, 0] when both variants have 0 successes) and the two-sided p-value of the two-proportion z-test (pooled
 *   standard error). With too little data (`tooFewData`) the page shows "too few data" instead of a p-value.
 * - `histogramQuantile`: the median / p90 of a histogram stored as { value: count } (the projection's buckets).
 */

/** z for a two-sided 95 % interval. */
export const Z95 = 1.959963984540054;

export interface Interval {
  low: number;
  high: number;
}

/** Φ(x), the standard normal CDF (Zelen & Severo 26.2.17 via erfc; absolute error < 1.5e-7). */
export function normalCdf(x: number): number {
  const t = 1 / (1 + 0.3275911 * (Math.abs(x) / Math.SQRT2));
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erfc = poly * Math.exp(-(x * x) / 2);
  return x >= 0 ? 1 - erfc / 2 : erfc / 2;
}

/** The Wilson score interval of `successes` out of `trials` (z = 1.96 by default); [0, 0] for no trials. */
export function wilsonInterval(successes: number, trials: number, z = Z95): Interval {
  if (trials <= 0) return { low: 0, high: 0 };
  const p = successes / trials;
  const z2 = z * z;
  const denominator = 1 + z2 / trials;
  const centre = (p + z2 / (2 * trials)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials))) / denominator;
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

export interface ProportionComparison {
  rateA: number;
  rateB: number;
  /** rateB − rateA. */
  difference: number;
  /** 95 % interval of the difference (Newcombe's hybrid score interval, method 10 of Newcombe 1998). */
  differenceInterval: Interval;
  /** The z statistic (pooled standard error); 0 when it cannot be computed. */
  z: number;
  /** Two-sided p-value; 1 when there is nothing to compare. */
  p: number;
  /** p < alpha (0.05 by default), and never with too few data. */
  significant: boolean;
  /** Fewer than MIN_TRIALS_PER_VARIANT trials in a variant or fewer than MIN_SUCCESSES successes in total. */
  tooFewData: boolean;
}

/** Below these the z-test's normal approximation is not to be trusted: the page says "too few data". */
export const MIN_TRIALS_PER_VARIANT = 30;
export const MIN_SUCCESSES = 5;

/**
 * Newcombe's hybrid score interval for rateB − rateA (Newcombe 1998, method 10): with Wilson intervals
 * [lA, uA] and [lB, uB], low = d − √((pB − lB)² + (uA − pA)²) and high = d + √((uB − pB)² + (pA − lA)²).
 */
export function newcombeInterval(
  a: { successes: number; trials: number },
  b: { successes: number; trials: number },
): Interval {
  if (a.trials <= 0 || b.trials <= 0) return { low: 0, high: 0 };
  const pA = a.successes / a.trials;
  const pB = b.successes / b.trials;
  const wA = wilsonInterval(a.successes, a.trials);
  const wB = wilsonInterval(b.successes, b.trials);
  const d = pB - pA;
  return {
    low: d - Math.sqrt((pB - wB.low) ** 2 + (wA.high - pA) ** 2),
    high: d + Math.sqrt((wB.high - pB) ** 2 + (pA - wA.low) ** 2),
  };
}

/** The two-proportion z-test of B against A. */
export function compareProportions(
  a: { successes: number; trials: number },
  b: { successes: number; trials: number },
  alpha = 0.05,
): ProportionComparison {
  const rateA = a.trials > 0 ? a.successes / a.trials : 0;
  const rateB = b.trials > 0 ? b.successes / b.trials : 0;
  const difference = rateB - rateA;
  const tooFewData = Math.min(a.trials, b.trials) < MIN_TRIALS_PER_VARIANT || a.successes + b.successes < MIN_SUCCESSES;
  const differenceInterval = newcombeInterval(a, b);
  if (a.trials <= 0 || b.trials <= 0) {
    return { rateA, rateB, difference, differenceInterval, z: 0, p: 1, significant: false, tooFewData };
  }
  const pooledRate = (a.successes + b.successes) / (a.trials + b.trials);
  const pooled = Math.sqrt(pooledRate * (1 - pooledRate) * (1 / a.trials + 1 / b.trials));
  if (pooled === 0) return { rateA, rateB, difference, differenceInterval, z: 0, p: 1, significant: false, tooFewData };
  const z = difference / pooled;
  const p = Math.min(1, 2 * (1 - normalCdf(Math.abs(z))));
  return { rateA, rateB, difference, differenceInterval, z, p, significant: !tooFewData && p < alpha, tooFewData };
}

/**
 * The q-quantile (0 < q ≤ 1) of a histogram `{ value: count }`: the smallest value whose cumulative count reaches
 * q · total (the "nearest rank" definition: the median of 1, 2, 3, 4 is 2). Undefined for an empty histogram.
 */
export function histogramQuantile(histogram: Readonly<Record<string, number>>, q: number): number | undefined {
  const entries = Object.entries(histogram)
    .map(([value, count]) => [Number(value), count] as const)
    .filter(([value, count]) => Number.isFinite(value) && count > 0)
    .sort((x, y) => x[0] - y[0]);
  const total = entries.reduce((n, [, count]) => n + count, 0);
  if (total === 0) return undefined;
  const rank = Math.max(1, Math.ceil(q * total));
  let cumulative = 0;
  for (const [value, count] of entries) {
    cumulative += count;
    if (cumulative >= rank) return value;
  }
  return entries[entries.length - 1]![0];
}

/** Adds histogram `b` into a copy of `a`. */
export function mergeHistograms(
  a: Readonly<Record<string, number>>,
  b: Readonly<Record<string, number>>,
): Record<string, number> {
  const out: Record<string, number> = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = (out[k] ?? 0) + v;
  return out;
}
