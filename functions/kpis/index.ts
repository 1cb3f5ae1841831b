/**
 * The KPI projection (issue 16): the `case-events` topic's subscription `kpis` feeds the pre-aggregated buckets the
 * portal's dashboard reads (/portal/{tenantId}/nokkeltall, functions/portal/http-portal-kpis.ts).
 */
import { app } from "@azure/functions";
import type { KpisDeps } from "./deps";
import { CASE_EVENTS_TOPIC, KPIS_SUBSCRIPTION, PROJECT_CASE_EVENTS_FUNCTION, SERVICE_BUS_CONNECTION } from "./names";
import { makeProjectCaseEventsHandler } from "./sb-project-case-events";

export type { KpisDeps } from "./deps";

export function registerKpis(deps: () => KpisDeps): void {
  app.serviceBusTopic(PROJECT_CASE_EVENTS_FUNCTION, {
    connection: SERVICE_BUS_CONNECTION,
    topicName: CASE_EVENTS_TOPIC,
    subscriptionName: KPIS_SUBSCRIPTION,
    handler: (message, context) => makeProjectCaseEventsHandler(deps().projectCaseEvent)(message, context),
  });
}
