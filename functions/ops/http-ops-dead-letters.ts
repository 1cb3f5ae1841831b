/**
 * Dead letters for operators (operator key in `x-api-key`), per queue of the app:
 *   GET  /api/v1/ops/dead-letters/{queue}?limit=                     → 200 `{ items }`: the oldest dead letters with
 *        Service Bus's reason and description, their delivery count, subject and body (peeked: nothing removed);
 *   POST /api/v1/ops/dead-letters/{queue}/{sequenceNumber}/replay    → 200 `{ replayed: true }`: sent back to the
 *        queue (same id and body), removed from the dead-letter queue; 404 when no dead letter has that number.
 * 401 without the operator key, 404 for a queue the app does not have. Bodies are returned, never logged.
 */
import { app } from "@azure/functions";
import { z } from "zod";
import { DomainError } from "../../shared/domain/errors";
import { authenticateOperator } from "../../shared/http/api-keys";
import { handler, parseParams, parseQuery } from "../../shared/http/parse";
import type { OpsDeps } from "./deps";
import {
  DEAD_LETTER_QUEUES,
  DEAD_LETTERS_ROUTE,
  LIST_DEAD_LETTERS_FUNCTION,
  REPLAY_DEAD_LETTER_FUNCTION,
  REPLAY_DEAD_LETTER_ROUTE,
} from "./names";

class QueueNotFound extends DomainError {
  readonly code = "QUEUE_NOT_FOUND";
  constructor(queue: string) {
    super(`No queue ${queue}: the app's queues are ${DEAD_LETTER_QUEUES.join(", ")}`, { queue });
  }
}

class DeadLetterNotFound extends DomainError {
  readonly code = "DEAD_LETTER_NOT_FOUND";
  constructor(queue: string, sequenceNumber: string) {
    super(`No dead letter ${sequenceNumber} in ${queue}`, { queue, sequenceNumber });
  }
}

const QueueParams = z.object({ queue: z.string().min(1).max(100) });
const ReplayParams = QueueParams.extend({ sequenceNumber: z.string().regex(/^\d{1,20}$/u, "a sequence number") });
const ListQuery = z.object({ limit: z.coerce.number().int().min(1).max(100).optional() });

function knownQueue(queue: string): string {
  if (!(DEAD_LETTER_QUEUES as readonly string[]).includes(queue)) throw new QueueNotFound(queue);
  return queue;
}

export function makeDeadLetterFunctions(resolve: () => OpsDeps) {
  return {
    list: handler(async (request) => {
      const deps = resolve();
      authenticateOperator(request, deps.operatorApiKey);
      const queue = knownQueue(parseParams(request, QueueParams).queue);
      const { limit } = parseQuery(request, ListQuery);
      const items = await deps.deadLetters.list(queue, limit ?? 25);
      return { status: 200, headers: { "cache-control": "no-store" }, jsonBody: { items } };
    }),
    replay: handler(async (request, context) => {
      const deps = resolve();
      authenticateOperator(request, deps.operatorApiKey);
      const { queue, sequenceNumber } = parseParams(request, ReplayParams);
      knownQueue(queue);
      if (!(await deps.deadLetters.replay(queue, sequenceNumber))) throw new DeadLetterNotFound(queue, sequenceNumber);
      context.info("dead letter replayed", { queue, sequenceNumber });
      return { status: 200, headers: { "cache-control": "no-store" }, jsonBody: { replayed: true } };
    }),
  };
}

export function registerOps(deps: () => OpsDeps): void {
  const fns = makeDeadLetterFunctions(deps);
  app.http(LIST_DEAD_LETTERS_FUNCTION, {
    route: DEAD_LETTERS_ROUTE,
    methods: ["GET"],
    authLevel: "anonymous",
    handler: fns.list,
  });
  app.http(REPLAY_DEAD_LETTER_FUNCTION, {
    route: REPLAY_DEAD_LETTER_ROUTE,
    methods: ["POST"],
    authLevel: "anonymous",
    handler: fns.replay,
  });
}
