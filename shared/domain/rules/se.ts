/**
 * Sweden: basic rules (reference: shared/reference/nordic-collection-rules.md). The reminder fee (påminnelseavgift)
 * may only be charged if it was AGREED when the debt arose — the caller must know that; the rule set only caps it.
 * The late-interest table is EMPTY on purpose: the rate (Riksbanken reference rate + 8 pp) must be supplied per
 * deployment with `withOverrides`. Suspension and contact hours are Norway's, borrowed until researched (./as-norway).
 */
import { asNorway } from "./as-norway";
import { RuleSet } from "./rule-set";

const sek = (ore: number) => ({ value: ore, currency: "SEK" as const });

export const swedishRules: RuleSet = RuleSet.parse({
  country: "SE",
  currency: "SEK",
  version: "SE reference 2026-11 (basic)",
  collectionRate: [],
  feeSchedules: [
    {
      from: "2000-01-01",
      to: null,
      reminder: { basis: "fixed", amount: sek(60_00) },
      "collection-notice": { basis: "not-chargeable" },
      "payment-demand": { basis: "fixed", amount: sek(180_00) },
      source:
        "lag (1981:739) om ersättning för inkassokostnader m.m. and förordning (1981:1057): påminnelseavgift SEK 60 (only if agreed when the debt arose), inkassokrav SEK 180",
      confirmed: true,
    },
  ],
  feeCombinations: {
    value: [["reminder", "payment-demand"]],
    source: "lag (1981:739): one påminnelseavgift and one inkassokrav per claim",
    confirmed: false,
  },
  timing: {
    firstFeeMinDaysAfterDue: { value: 1, source: "after the due date (no further wait found)", confirmed: false },
    noticeEarliestDaysAfterDue: { value: 1, source: "after the due date", confirmed: false },
    minDeadlineDays: {
      value: { reminder: 8, "collection-notice": 8, "payment-demand": 8 },
      source: "god inkassosed (IMY): inkassokrav deadline ≥ 8 days",
      confirmed: false,
    },
    nextFee: {
      value: { mode: "days-after-previous-sent", days: 8 },
      source: "god inkassosed: ≥ 8 days between letters",
      confirmed: false,
    },
    paymentDemandRequiresExpiredNotice: {
      value: false,
      source: "the inkassokrav is itself the first collection letter",
      confirmed: false,
    },
    legalStepsRequireExpiredDemand: {
      value: true,
      source: "god inkassosed: the inkassokrav deadline before further steps",
      confirmed: false,
    },
    newDemandAfterMonths: null,
  },
  lateInterest: {
    rule: {
      value: "Riksbanken reference rate (1 Jan / 1 Jul) + 8 percentage points; no rates shipped — supply by override",
      source: "räntelagen (1975:635) § 6",
      confirmed: false,
    },
    rates: [],
  },
  salaer: [],
  ...asNorway("Sweden"),
});
