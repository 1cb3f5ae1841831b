/**
 * Rule sets by country. `ruleSetFor(country, onDate, overrides?)` returns the country's tables (with overrides applied)
 * together with the values in force on `onDate`; the full dated tables stay inside because one case spans many days
 * (the inkassosats is that of the day a letter is sent, interest runs over half-years).
 */
import type { CountryCode, LocalDate } from "../calendar";
import { danishRules } from "./dk";
import { norwegianRules } from "./no";
import { RuleNotInForce, rulesInForce, withOverrides, type RuleSet, type RulesInForce } from "./rule-set";
import { swedishRules } from "./se";

export * from "./rule-set";
export { norwegianRules, danishRules, swedishRules };

const BUILT_IN: Readonly<Record<CountryCode, RuleSet>> = { NO: norwegianRules, DK: danishRules, SE: swedishRules };

export type RuleSetInForce = RuleSet & { asOf: LocalDate; inForce: RulesInForce };

/**
 * The rule set for `country` as of `onDate`. Throws RuleNotInForce when the basic values needed to charge fees are
 * missing for that day (no fee schedule; Norway: no inkassosats).
 */
export function ruleSetFor(country: CountryCode, onDate: LocalDate, overrides?: unknown): RuleSetInForce {
  const base = BUILT_IN[country];
  const rules = overrides === undefined ? base : withOverrides(base, overrides);
  const inForce = rulesInForce(rules, onDate);
  if (!inForce.feeSchedule) {
    throw new RuleNotInForce(`No fee schedule in force on ${onDate} for ${country}`, { country, onDate });
  }
  if (country === "NO" && !inForce.collectionRate) {
    throw new RuleNotInForce(`No inkassosats in force on ${onDate}`, { country, onDate });
  }
  return { ...rules, asOf: onDate, inForce };
}
