/**
 * Denmark: basic rules (reference: shared/reference/nordic-collection-rules.md). Reminder fees and their spacing are
 * sourced; everything else is a cautious default marked unconfirmed. The late-interest table is EMPTY on purpose: the
 * rate (Nationalbankens udlånsrente + 8 pp) must be supplied per deployment with `withOverrides`. Suspension and contact
 * hours are Norway's, borrowed until researched (./as-norway).
 */
import { asNorway } from "./as-norway";
import { RuleSet } from "./rule-set";

const dkk = (ore: number) => ({ value: ore, currency: "DKK" as const });

export const danishRules: RuleSet = RuleSet.parse({
  country: "DK",
  currency: "DKK",
  version: "DK reference 2026-11 (basic)",
  collectionRate: [],
  feeSchedules: [
    {
      from: "2013-01-01",
      to: null,
      reminder: { basis: "fixed", amount: dkk(100_00) },
      "collection-notice": { basis: "not-chargeable" },
      "payment-demand": { basis: "not-chargeable" },
      source: "renteloven § 9 b: rykkergebyr max DKK 100; no creditor fee modelled for the påkrav (inkassoloven § 10)",
      confirmed: false,
    },
  ],
  feeCombinations: {
    value: [["reminder", "reminder", "reminder"]],
    source: "renteloven § 9 b: fees for at most 3 reminders for the same payment",
    confirmed: true,
  },
  timing: {
    firstFeeMinDaysAfterDue: {
      value: 1,
      source: "renteloven § 9 b: a reminder after the due date (no further wait found)",
      confirmed: false,
    },
    noticeEarliestDaysAfterDue: { value: 1, source: "after the due date", confirmed: false },
    minDeadlineDays: {
      value: { reminder: 10, "collection-notice": 10, "payment-demand": 10 },
      source: "renteloven § 9 b (reminders ≥ 10 days apart); inkassoloven § 10 (påkrav deadline ≥ 10 days)",
      confirmed: false,
    },
    nextFee: {
      value: { mode: "days-after-previous-sent", days: 10 },
      source: "renteloven § 9 b: at least 10 days between reminders",
      confirmed: true,
    },
    paymentDemandRequiresExpiredNotice: {
      value: false,
      source: "no separate notice step before the påkrav",
      confirmed: false,
    },
    legalStepsRequireExpiredDemand: {
      value: true,
      source: "inkassoloven § 10: påkrav deadline before further steps",
      confirmed: false,
    },
    newDemandAfterMonths: null,
  },
  lateInterest: {
    rule: {
      value: "Nationalbankens udlånsrente (1 Jan / 1 Jul) + 8 percentage points; no rates shipped — supply by override",
      source: "renteloven § 5",
      confirmed: false,
    },
    rates: [],
  },
  salaer: [],
  ...asNorway("Denmark"),
});
