export {
  DurableEngine,
  DurableEngineError,
  type DurableEngineOptions,
  type ListFilter,
  type DeliveryOutcome,
} from "./engine";
export { clientBindingData, DURABLE_WEBHOOK_PATH } from "./client-api";
export type { DurableStatus, RuntimeStatus, FailureDetails, HistoryEvent } from "./types";
