/**
 * What a case owes today, the way the case page and Min side compute it (issue 16): the balance with late interest
 * through today's date in the case's country (`balanceOn`, the operators' entered rates). The case list, its CSV and
 * the console show this; the stored `owed` (the balance at the case's last change) is only what they sort and filter
 * by, since the search index cannot know tomorrow's interest.
 */
import { balanceOn } from "../../domain/case";
import type { Money } from "../../domain/money";
import type { CaseRecord } from "../../ports/case-store";
import type { Clock } from "../../ports/clock";
import type { InterestRateStore } from "../../ports/interest-rate-store";
import { rulesOn as seedRulesOn, todayIn } from "../case-context";
import { rulesWithEnteredRates, type RulesOn } from "../interest-rates";

/** The case's balance with interest to today (the same total as the case page's `toCaseView(...).balance.total`). */
export function owedToday(record: CaseRecord, now: Date, rulesOn: RulesOn = seedRulesOn): Money {
  const c = record.case;
  const today = todayIn(c.country, now);
  return balanceOn(c, today, rulesOn(c.country, today)).total;
}

export type OwedToday = (record: CaseRecord) => Money;

/** Prices a page of cases at one instant with the entered interest rates read once. */
export async function makeOwedToday(deps: { clock: Clock; interestRates?: InterestRateStore }): Promise<OwedToday> {
  const now = deps.clock.now();
  const rulesOn = await rulesWithEnteredRates(deps);
  return (record) => owedToday(record, now, rulesOn);
}
