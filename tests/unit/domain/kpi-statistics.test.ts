import { describe, expect, it } from "vitest";
import {
  compareProportions,
  histogramQuantile,
  newcombeInterval,
  mergeHistograms,
  normalCdf,
  wilsonInterval,
} from "../../../shared/domain/kpi-statistics";

describe("the KPI statistics", () => {
  it("give the standard normal CDF at the points every table prints", () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 6);
    expect(normalCdf(-1.644854)).toBeCloseTo(0.05, 6);
    expect(normalCdf(1)).toBeCloseTo(0.841345, 6);
  });

  it("give the Wilson interval of 0 of 10 as [0, 0.2775] and of 50 of 100 as [0.4038, 0.5962]", () => {
    // 0/10: centre = (z²/2n)/(1+z²/n) = 0.19207/1.38415 = 0.13877 = half width → [0, 0.27753]
    const none = wilsonInterval(0, 10);
    expect(none.low).toBe(0);
    expect(none.high).toBeCloseTo(0.27753, 4);
    const half = wilsonInterval(50, 100);
    expect(half.low).toBeCloseTo(0.40383, 4);
    expect(half.high).toBeCloseTo(0.59617, 4);
    // all successes mirror no successes
    const all = wilsonInterval(10, 10);
    expect(all.high).toBeCloseTo(1, 10);
    expect(all.low).toBeCloseTo(1 - 0.27753, 4);
    expect(wilsonInterval(0, 0)).toEqual({ low: 0, high: 0 });
  });

  it("find 13 % against 10 % of 1000 each significant at p ≈ 0.036, with the difference's interval [0.0021, 0.0579]", () => {
    // pooled p = 0.115, SE = sqrt(0.115 · 0.885 · 2/1000) = 0.014267, z = 0.03 / 0.014267 = 2.1027
    const r = compareProportions({ successes: 100, trials: 1000 }, { successes: 130, trials: 1000 });
    expect(r.rateA).toBe(0.1);
    expect(r.rateB).toBe(0.13);
    expect(r.difference).toBeCloseTo(0.03, 10);
    expect(r.z).toBeCloseTo(2.1027, 3);
    expect(r.p).toBeCloseTo(0.0355, 3);
    expect(r.significant).toBe(true);
    // Newcombe's hybrid score interval (close to the Wald 0.00207..0.05793 at this size)
    expect(r.differenceInterval.low).toBeCloseTo(0.002, 4);
    expect(r.differenceInterval.high).toBeCloseTo(0.05807, 4);
    expect(r.tooFewData).toBe(false);
  });

  it("give Newcombe's hybrid score interval for the difference, as in Newcombe (1998) table II", () => {
    // Newcombe 1998, method 10: 56/70 − 48/80 → [0.0524, 0.3339]; 9/10 − 3/10 → [0.1705, 0.8090]
    const x = newcombeInterval({ successes: 48, trials: 80 }, { successes: 56, trials: 70 });
    expect(x.low).toBeCloseTo(0.0524, 4);
    expect(x.high).toBeCloseTo(0.3339, 4);
    const y = newcombeInterval({ successes: 3, trials: 10 }, { successes: 9, trials: 10 });
    expect(y.low).toBeCloseTo(0.1705, 4);
    expect(y.high).toBeCloseTo(0.809, 4);
  });

  it("do not claim a zero-width difference for 0 of 3 against 0 of 3, and call it too few data", () => {
    // each Wilson interval is [0, 0.5615]; the difference's interval is ± 0.5615, not [0, 0]
    const r = compareProportions({ successes: 0, trials: 3 }, { successes: 0, trials: 3 });
    expect(r.differenceInterval.low).toBeCloseTo(-0.5615, 4);
    expect(r.differenceInterval.high).toBeCloseTo(0.5615, 4);
    expect(r.tooFewData).toBe(true);
    expect(r.significant).toBe(false);
    // 30 each but only 4 successes in total: still too few; a large gap with 29 trials is never "significant"
    expect(compareProportions({ successes: 0, trials: 30 }, { successes: 4, trials: 30 }).tooFewData).toBe(true);
    expect(compareProportions({ successes: 0, trials: 29 }, { successes: 20, trials: 29 }).significant).toBe(false);
    expect(compareProportions({ successes: 0, trials: 30 }, { successes: 5, trials: 30 }).tooFewData).toBe(false);
  });

  it("find no significant difference between 11 of 100 and 13 of 100, and nothing to compare without trials", () => {
    const r = compareProportions({ successes: 11, trials: 100 }, { successes: 13, trials: 100 });
    expect(r.significant).toBe(false);
    expect(r.p).toBeGreaterThan(0.5);
    expect(r.differenceInterval.low).toBeLessThan(0);
    expect(r.differenceInterval.high).toBeGreaterThan(0);
    expect(compareProportions({ successes: 0, trials: 0 }, { successes: 3, trials: 10 })).toMatchObject({
      p: 1,
      significant: false,
    });
    // identical rates: z = 0, p = 1
    expect(compareProportions({ successes: 5, trials: 10 }, { successes: 5, trials: 10 }).p).toBeCloseTo(1, 6);
  });

  it("take the median and p90 of a histogram by nearest rank", () => {
    expect(histogramQuantile({ "1": 1, "2": 1, "3": 1, "4": 1 }, 0.5)).toBe(2);
    expect(histogramQuantile({ "1": 1, "2": 1, "3": 1, "4": 1 }, 0.9)).toBe(4);
    // 10 cases paid: 6 on the due date, 3 five days after, 1 forty days after (keys unordered, one negative)
    const credit = { "40": 1, "5": 3, "0": 5, "-2": 1 };
    expect(histogramQuantile(credit, 0.5)).toBe(0);
    expect(histogramQuantile(credit, 0.9)).toBe(5);
    expect(histogramQuantile(credit, 1)).toBe(40);
    expect(histogramQuantile(credit, 0.1)).toBe(-2);
    expect(histogramQuantile({}, 0.5)).toBeUndefined();
    expect(mergeHistograms({ "1": 2 }, { "1": 1, "3": 4 })).toEqual({ "1": 3, "3": 4 });
  });
});
