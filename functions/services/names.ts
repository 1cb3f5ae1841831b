/** Names of the services area: suspending and reopening services through the tenants' partner systems. */

/** The Service Bus SESSION queue of partner commands (session = service id): infra-bicep/service-bus-entities.json. */
export const PARTNER_COMMANDS_QUEUE = "partner-commands";
/** Session trigger: sends one command to the partner's system (TMF641 ServiceOrder). */
export const SEND_PARTNER_COMMAND_FUNCTION = "sendPartnerCommand";
/** `POST /api/callbacks/partners/{tenantId}`: the partner's ServiceOrderStateChangeEvents. */
export const PARTNER_CALLBACK_FUNCTION = "partnerCallback";
export const PARTNER_CALLBACK_ROUTE = "api/callbacks/partners/{tenantId}";
/** Timer: sends unsent commands again, polls orders with no callback, escalates late reopens. */
export const SWEEP_SERVICES_FUNCTION = "sweepServiceCommands";
/** NCRONTAB (sec min hour day month weekday): every 10 seconds. */
export const SWEEP_SERVICES_SCHEDULE = "*/10 * * * * *";
/** `GET /api/v1/ops/service-commands` (operator key). */
export const OPS_SERVICE_COMMANDS_FUNCTION = "opsListServiceCommands";
export const OPS_SERVICE_COMMANDS_ROUTE = "api/v1/ops/service-commands";
/** `POST /api/v1/ops/service-commands/{commandId}/retry` (operator key). */
export const OPS_RETRY_SERVICE_COMMAND_FUNCTION = "opsRetryServiceCommand";
export const OPS_RETRY_SERVICE_COMMAND_ROUTE = "api/v1/ops/service-commands/{commandId}/retry";
/** `POST /api/v1/cases/{caseId}/services/{serviceId}/block` (tenant key). */
export const BLOCK_SERVICE_FUNCTION = "blockCaseService";
export const BLOCK_SERVICE_ROUTE = "api/v1/cases/{caseId}/services/{serviceId}/block";
/** `POST /api/v1/cases/{caseId}/services/{serviceId}/unblock` (tenant key). */
export const UNBLOCK_SERVICE_FUNCTION = "unblockCaseService";
export const UNBLOCK_SERVICE_ROUTE = "api/v1/cases/{caseId}/services/{serviceId}/unblock";
