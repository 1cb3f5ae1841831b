/**
 * Norway: the complete rule table (reference: shared/reference/nordic-collection-rules.md, late 2026).
 * Sources are named per value; anything from a single secondary source or derived is `confirmed: false` and can be
 * replaced per deployment with `withOverrides`.
 */
import { RuleSet } from "./rule-set";

/** Whole øre, never floats. */
const nok = (ore: number) => ({ value: ore, currency: "NOK" as const });

const FORSINKELSESRENTE = "forsinkelsesrenteloven § 3 and forskrift: Norges Bank policy rate on 1 Jan / 1 Jul + 8 pp";

export const norwegianRules: RuleSet = RuleSet.parse({
  country: "NO",
  currency: "NOK",
  version: "NO reference 2026-11",

  collectionRate: [
    {
      from: "2017-01-01",
      to: "2025-12-31",
      value: nok(700_00),
      source: "inkassoforskriften § 1-1; inkassosats frozen at NOK 700 by regulation of 2018-12-20",
      confirmed: true,
    },
    {
      from: "2026-01-01",
      to: null,
      value: nok(750_00),
      source: "inkassosats 2026 NOK 750 — one secondary source only",
      confirmed: false,
    },
  ],

  feeSchedules: [
    {
      from: "2000-01-01",
      to: "2020-09-30",
      reminder: { basis: "fraction-of-collection-rate", fraction: { numerator: 1, denominator: 10 } },
      "collection-notice": { basis: "fraction-of-collection-rate", fraction: { numerator: 1, denominator: 10 } },
      "payment-demand": { basis: "fraction-of-collection-rate", fraction: { numerator: 1, denominator: 10 } },
      source:
        "inkassoforskriften §§ 1-2, 1-3 as in force before 2020-10-01 (fractions 1/10; payment-demand fraction not verified)",
      confirmed: false,
    },
    {
      from: "2020-10-01",
      to: null,
      reminder: { basis: "fraction-of-collection-rate", fraction: { numerator: 1, denominator: 20 } },
      "collection-notice": { basis: "fraction-of-collection-rate", fraction: { numerator: 1, denominator: 20 } },
      "payment-demand": { basis: "fraction-of-collection-rate", fraction: { numerator: 3, denominator: 20 } },
      source: "inkassoforskriften §§ 1-2, 1-3 (claims falling due on or after 2020-10-01)",
      confirmed: true,
    },
  ],

  feeCombinations: {
    value: [
      ["reminder", "reminder", "payment-demand"],
      ["reminder", "collection-notice", "payment-demand"],
    ],
    source:
      "inkassoforskriften § 1-3: two reminders + one payment demand, or one reminder + one notice + one payment demand",
    confirmed: true,
  },

  timing: {
    firstFeeMinDaysAfterDue: {
      value: 14,
      source: "inkassoforskriften § 1-2: a fee only for a written reminder sent at least 14 days after the due date",
      confirmed: true,
    },
    noticeEarliestDaysAfterDue: {
      value: 1,
      source:
        "inkassoloven § 9; Altinn guidance: a collection notice may go the day after the due date (then without fee)",
      confirmed: true,
    },
    minDeadlineDays: {
      value: { reminder: 14, "collection-notice": 14, "payment-demand": 14 },
      source:
        "inkassoloven § 9 (notice: 14 days from sending), § 10 (payment demand: 14 days to pay or object); inkassoforskriften § 1-3 (a second fee only after the first letter's 14-day deadline)",
      confirmed: true,
    },
    nextFee: {
      value: { mode: "after-previous-deadline" },
      source: "inkassoforskriften § 1-3: a second fee needs the first letter's 14-day deadline to have passed",
      confirmed: true,
    },
    paymentDemandRequiresExpiredNotice: {
      value: true,
      source: "inkassoloven § 10: payment demand only after the § 9 notice deadline has expired",
      confirmed: true,
    },
    legalStepsRequireExpiredDemand: {
      value: true,
      source: "inkassoloven § 11: legal steps only after the § 10 deadline",
      confirmed: true,
    },
    newDemandAfterMonths: {
      value: 6,
      source: "inkassoloven § 11: if legal steps have not started within 6 months, send a new payment demand",
      confirmed: true,
    },
  },

  lateInterest: {
    rule: {
      value:
        "Norges Bank policy rate on 1 Jan / 1 Jul + 8 percentage points (7 before 2013-07-01); simple interest, day = 1/365 (1/366 in leap years)",
      source: FORSINKELSESRENTE,
      confirmed: true,
    },
    rates: [
      {
        from: "2020-01-01",
        to: "2020-06-30",
        annualRatePercent: 9.5,
        confirmed: false,
        source: "derived: policy rate 1.50 % + 8 pp (verify at regjeringen.no)",
      },
      {
        from: "2020-07-01",
        to: "2020-12-31",
        annualRatePercent: 8.0,
        confirmed: false,
        source: "derived: policy rate 0.00 % + 8 pp (verify at regjeringen.no)",
      },
      {
        from: "2021-01-01",
        to: "2021-06-30",
        annualRatePercent: 8.0,
        confirmed: false,
        source: "derived: policy rate 0.00 % + 8 pp (verify at regjeringen.no)",
      },
      {
        from: "2021-07-01",
        to: "2021-12-31",
        annualRatePercent: 8.0,
        confirmed: false,
        source: "derived: policy rate 0.00 % + 8 pp (verify at regjeringen.no)",
      },
      {
        from: "2022-01-01",
        to: "2022-06-30",
        annualRatePercent: 8.5,
        confirmed: false,
        source: "derived: policy rate 0.50 % + 8 pp (verify at regjeringen.no)",
      },
      {
        from: "2022-07-01",
        to: "2022-12-31",
        annualRatePercent: 9.25,
        confirmed: false,
        source: "derived: policy rate 1.25 % + 8 pp (verify at regjeringen.no)",
      },
      {
        from: "2023-01-01",
        to: "2023-06-30",
        annualRatePercent: 10.75,
        confirmed: true,
        source: `${FORSINKELSESRENTE}; 2023 H1 10.75 %`,
      },
      {
        from: "2023-07-01",
        to: "2023-12-31",
        annualRatePercent: 11.75,
        confirmed: true,
        source: `${FORSINKELSESRENTE}; 2023 H2 11.75 %`,
      },
      {
        from: "2024-01-01",
        to: "2024-06-30",
        annualRatePercent: 12.5,
        confirmed: true,
        source: `${FORSINKELSESRENTE}; 2024 H1 12.50 %`,
      },
      {
        from: "2024-07-01",
        to: "2024-12-31",
        annualRatePercent: 12.5,
        confirmed: false,
        source: "derived from the policy rate (4.50 % + 8 pp)",
      },
      {
        from: "2025-01-01",
        to: "2025-06-30",
        annualRatePercent: 12.5,
        confirmed: true,
        source: `${FORSINKELSESRENTE}; 2025 H1 12.50 %`,
      },
      {
        from: "2025-07-01",
        to: "2025-12-31",
        annualRatePercent: 12.25,
        confirmed: false,
        source: "derived from the policy rate (4.25 % + 8 pp)",
      },
      {
        from: "2026-01-01",
        to: "2026-06-30",
        annualRatePercent: 12.0,
        confirmed: false,
        source: "secondary source: 2026 H1 12.00 %",
      },
      {
        from: "2026-07-01",
        to: "2026-12-31",
        annualRatePercent: 12.0,
        confirmed: false,
        source: "ASSUMED unchanged from 2026 H1 — no source; replace with the published rate by override",
      },
    ],
  },

  salaer: [
    {
      from: "2020-10-01",
      to: null,
      brackets: [
        { upTo: 500_00, factorHundredths: 25 },
        { upTo: 1_000_00, factorHundredths: 35 },
        { upTo: 2_500_00, factorHundredths: 40 },
        { upTo: 10_000_00, factorHundredths: 80 },
        { upTo: 50_000_00, factorHundredths: 160 },
        { upTo: 250_000_00, factorHundredths: 360 },
        { upTo: null, factorHundredths: 720 },
      ],
      heavyMultiplier: { numerator: 2, denominator: 1 },
      heavyAfterDaysOverrun: 28,
      businessMultiplier: { numerator: 3, denominator: 2 },
      noVatDeductionMultiplier: { numerator: 5, denominator: 4 },
      source: "inkassoforskriften ch. 2 (§§ 2-1 ff.) as in force from 2020-10-01: factor × inkassosats",
      confirmed: true,
    },
  ],

  suspension: {
    noticeDays: {
      "power-meter": {
        value: { consumer: 28, business: 14 },
        source:
          "forbrukerkjøpsloven § 48 a: written notice, pay within 4 weeks to avoid disconnection (consumers); business customers, outside the Act, 2 weeks",
        confirmed: true,
      },
      broadband: {
        value: { consumer: 0, business: 0 },
        source: "ekomloven: no statutory notice period found — follow the contract terms",
        confirmed: false,
      },
    },
    onlyOnAllowedDays: {
      value: true,
      source: "common practice: never suspend on a Friday, a weekend or the day before a public holiday",
      confirmed: false,
    },
    defaultDaysAfterDue: {
      value: 30,
      source: "seed practice: automatic suspension after 30 days unpaid (broadband)",
      confirmed: false,
    },
  },

  contactHours: {
    value: {
      weekdays: { from: "08:00", to: "21:00" },
      saturday: { from: "09:00", to: "15:00" },
      sunday: null,
      publicHolidays: null,
    },
    source:
      "Prop. 3 L (2025–2026), proposed new inkassolov: contact only 08:00–21:00 weekdays, 09:00–15:00 Saturdays (not confirmed in force)",
    confirmed: false,
  },
});
