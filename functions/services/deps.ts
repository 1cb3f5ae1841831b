/** What the services functions are wired with (types only; the composition root builds it). */
import type { AppDeps } from "../deps";

export interface ServicesDeps extends AppDeps {
  /** `OPERATOR_API_KEY`: the service-command list and retry. */
  operatorApiKey: string;
  /** `SERVICE_REOPEN_LIMIT_SECONDS`: a reopen not confirmed by the partner within this is escalated (default 60). */
  reopenLimitSeconds: number;
}
