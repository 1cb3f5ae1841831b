/**
 * Services: suspending and reopening broadband lines and power meters through the tenants' partner systems — the
 * command sender (session queue), the partner's callback, the sweep (outbox relay, polling fallback, escalation) and
 * the operators' endpoints.
 */
import type { ServicesDeps } from "./deps";
import { registerServiceCommandOpsFunctions } from "./http-ops-service-commands";
import { registerPartnerCallbackFunction } from "./http-partner-callback";
import { registerSendPartnerCommandFunction } from "./sb-send-partner-command";
import { registerSweepServicesFunction } from "./timer-sweep-services";

export type { ServicesDeps } from "./deps";

export function registerServices(deps: () => ServicesDeps): void {
  registerSendPartnerCommandFunction(deps);
  registerPartnerCallbackFunction(deps);
  registerSweepServicesFunction(deps);
  registerServiceCommandOpsFunctions(deps);
}
