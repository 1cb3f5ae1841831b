/** The letter-delivery use cases' deps from the app's ports (one place: the Event Grid trigger and the print receipts). */
import { todayIn } from "../shared/application/case-context";
import { rulesWithEnteredRates } from "../shared/application/interest-rates";
import type { DeliverLetterDeps } from "../shared/application/letters/deliver-letter";
import type { CaseWorkflow } from "../shared/ports/case-workflow";
import type { AppDeps } from "./deps";

export function deliverLetterDepsFrom(app: AppDeps, workflow?: Pick<CaseWorkflow, "caseChanged">): DeliverLetterDeps {
  return {
    ...app,
    channels: app.letterChannels,
    ...(workflow ? { workflow } : {}),
    config: {
      publicBaseUrl: app.publicBaseUrl,
      ...(app.letterhead ? { letterhead: app.letterhead } : {}),
      ...(app.minSidePinSecret ? { minSidePinSecret: app.minSidePinSecret } : {}),
    },
    rulesFor: async (r, now) => (await rulesWithEnteredRates(app))(r.case.country, todayIn(r.case.country, now)),
  };
}
