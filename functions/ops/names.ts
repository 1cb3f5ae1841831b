export const LIST_DEAD_LETTERS_FUNCTION = "listDeadLetters";
export const REPLAY_DEAD_LETTER_FUNCTION = "replayDeadLetter";
export const DEAD_LETTERS_ROUTE = "api/v1/ops/dead-letters/{queue}";
export const REPLAY_DEAD_LETTER_ROUTE = "api/v1/ops/dead-letters/{queue}/{sequenceNumber}/replay";
/** The app's queues (infra-bicep/service-bus-entities.json), whose dead-letter queues operators may read and replay. */
export const DEAD_LETTER_QUEUES = ["payments", "partner-commands", "webhook-deliveries"] as const;
