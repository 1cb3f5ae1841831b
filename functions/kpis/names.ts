/** The KPI projection (issue 16): function and subscription names. */
export { CASE_EVENTS_TOPIC, SERVICE_BUS_CONNECTION } from "../webhooks/names";
export const PROJECT_CASE_EVENTS_FUNCTION = "projectCaseEventsToKpis";
/** The `case-events` subscription the projection reads (infra-bicep/service-bus-entities.json). */
export const KPIS_SUBSCRIPTION = "kpis";
