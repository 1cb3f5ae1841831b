/** What the late-interest rate functions are wired with (types only; the composition root builds it). */
import type { AppDeps } from "../deps";

export interface InterestDeps extends AppDeps {
  /** `OPERATOR_API_KEY`: the rate table's list and entry. */
  operatorApiKey: string;
}
