/**
 * Operators (operator key in `x-api-key`):
 * - `GET /api/v1/ops/service-commands?state=overdue|pending|failed` → 200 `{ items }`: reopens not confirmed in time
 *   (overdue), every command still on its way (pending), or refused/failed ones (failed), across tenants.
 * - `POST /api/v1/ops/service-commands/{commandId}/retry` → 202 `{ commandId, requeued }`: the command again (a
 *   failed one, or an escalated one the partner acknowledged but never finished, as a new command); 404 when it is
 *   not a service's current command.
 */
import { app } from "@azure/functions";
import { z } from "zod";
import { makeListServiceCommands, makeRetryServiceCommand } from "../../shared/application/services/partner-commands";
import { authenticateOperator } from "../../shared/http/api-keys";
import { handler, parseParams, parseQuery } from "../../shared/http/parse";
import type { ServicesDeps } from "./deps";
import {
  OPS_RETRY_SERVICE_COMMAND_FUNCTION,
  OPS_RETRY_SERVICE_COMMAND_ROUTE,
  OPS_SERVICE_COMMANDS_FUNCTION,
  OPS_SERVICE_COMMANDS_ROUTE,
} from "./names";

export const ServiceCommandsQuery = z.object({
  state: z.enum(["overdue", "pending", "failed"]).default("overdue"),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

const RetryParams = z.object({ commandId: z.string().trim().min(1).max(100) });

export function makeServiceCommandOpsFunctions(deps: () => ServicesDeps) {
  return {
    list: handler(async (request) => {
      const d = deps();
      authenticateOperator(request, d.operatorApiKey);
      const query = parseQuery(request, ServiceCommandsQuery);
      const items = await makeListServiceCommands(d)(query.state, query.limit);
      return { status: 200, headers: { "cache-control": "no-store" }, jsonBody: { items } };
    }),
    retry: handler(async (request, context) => {
      const d = deps();
      authenticateOperator(request, d.operatorApiKey);
      const { commandId } = parseParams(request, RetryParams);
      const result = await makeRetryServiceCommand(d)(commandId);
      context.info("service command retried by an operator", { commandId, next: result.commandId });
      return { status: 202, headers: { "cache-control": "no-store" }, jsonBody: result };
    }),
  };
}

export function registerServiceCommandOpsFunctions(deps: () => ServicesDeps): void {
  const functions = makeServiceCommandOpsFunctions(deps);
  app.http(OPS_SERVICE_COMMANDS_FUNCTION, {
    route: OPS_SERVICE_COMMANDS_ROUTE,
    methods: ["GET"],
    authLevel: "anonymous",
    handler: functions.list,
  });
  app.http(OPS_RETRY_SERVICE_COMMAND_FUNCTION, {
    route: OPS_RETRY_SERVICE_COMMAND_ROUTE,
    methods: ["POST"],
    authLevel: "anonymous",
    handler: functions.retry,
  });
}
