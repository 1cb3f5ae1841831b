/**
 * The KPI dashboard's statistics (issue 16): pure functions, no I/O.
 *
 * - `wilsonInterval`: the 95 % Wilson score interval of a proportion (better than the normal approximation for small
 *   counts and rates near 0 or 1).
 * - `compareProportions`: two variants' rates, the difference B − A with its 95 % confidence interval (unpooled
 *   standard error) and the two-sided p-value of the two-proportion z-test (pooled standard error).
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
  /** 95 % interval of the difference (unpooled standard error). */
  differenceInterval: Interval;
  /** The z statistic (pooled standard error); 0 when it cannot be computed. */
  z: number;
  /** Two-sided p-value; 1 when there is nothing to compare. */
  p: number;
  /** p < alpha (0.05 by default). */
  significant: boolean;
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
  if (a.trials <= 0 || b.trials <= 0) {
    return { rateA, rateB, difference, differenceInterval: { low: 0, high: 0 }, z: 0, p: 1, significant: false };
  }
  const unpooled = Math.sqrt((rateA * (1 - rateA)) / a.trials + (rateB * (1 - rateB)) / b.trials);
  const differenceInterval = { low: difference - Z95 * unpooled, high: difference + Z95 * unpooled };
  const pooledRate = (a.successes + b.successes) / (a.trials + b.trials);
  const pooled = Math.sqrt(pooledRate * (1 - pooledRate) * (1 / a.trials + 1 / b.trials));
  if (pooled === 0) return { rateA, rateB, difference, differenceInterval, z: 0, p: 1, significant: false };
  const z = difference / pooled;
  const p = Math.min(1, 2 * (1 - normalCdf(Math.abs(z))));
  return { rateA, rateB, difference, differenceInterval, z, p, significant: p < alpha };
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
