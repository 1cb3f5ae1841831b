/**
 * Min side's debtor actions (issue 15): ask for a deferral, choose an instalment plan, dispute the claim, say "I have
 * paid" with a receipt — server-rendered forms behind the sign-in area's session (`resolveSession`).
 */
import type { DebtorActionsDeps } from "./deps";
import { registerDebtorActionFunctions } from "./http-debtor-actions";

export type { DebtorActionsDeps } from "./deps";

export function registerDebtorActions(deps: () => DebtorActionsDeps): void {
  registerDebtorActionFunctions(deps);
}
