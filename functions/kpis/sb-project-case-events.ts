/**
 * Service Bus trigger on topic `case-events`, subscription `kpis`: each event updates the KPI buckets
 * (shared/application/kpis/project-case-event.ts) — exactly once per event id, so a redelivery counts nothing twice.
 *
 * A body that is not a case event throws: after the subscription's max delivery count it is dead-lettered, where an
 * operator sees it. So does a projection that kept meeting concurrent writers (it is delivered again first). Logs
 * carry the event id, type and outcome only.
 */
import type { InvocationContext } from "@azure/functions";
import type { ProjectCaseEvent } from "../../shared/application/kpis/project-case-event";
import { CaseEventMessageSchema } from "../../shared/ports/webhook-delivery-queue";

export function makeProjectCaseEventsHandler(project: ProjectCaseEvent) {
  return async (message: unknown, context: InvocationContext): Promise<void> => {
    const event = CaseEventMessageSchema.parse(message);
    const outcome = await project(event);
    context.debug("case event projected to KPIs", { eventId: event.id, type: event.type, outcome });
  };
}
