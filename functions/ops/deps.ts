/** What the operations functions are wired with (types only; the composition root builds it). */
import type { DeadLetters } from "../../shared/ports/dead-letters";

export interface OpsDeps {
  deadLetters: DeadLetters;
  /** `OPERATOR_API_KEY`. */
  operatorApiKey: string | undefined;
}
