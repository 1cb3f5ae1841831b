/**
 * Service Bus SESSION trigger on `partner-commands` (session = service id): sends one suspend/reopen command to the
 * tenant's partner system as a TMF641 ServiceOrder (shared/application/services/partner-commands.ts). Sessions keep
 * the commands for one service in order; a partner that cannot be reached gets the command again later by a delayed
 * message in the same session (exponential backoff). When the attempts are used up the trigger throws, Service Bus
 * redelivers up to the queue's max delivery count and then dead-letters the message (an alert in Azure, and
 * `POST /api/v1/ops/service-commands/{id}/retry` sends it again). Logs ids and outcomes only.
 */
import { app, type InvocationContext } from "@azure/functions";
import { makeSendPartnerCommand } from "../../shared/application/services/partner-commands";
import { PartnerCommandMessage } from "../../shared/ports/partner-command-queue";
import { SERVICE_BUS_CONNECTION } from "../payments/names";
import type { ServicesDeps } from "./deps";
import { PARTNER_COMMANDS_QUEUE, SEND_PARTNER_COMMAND_FUNCTION } from "./names";

export function makeSendPartnerCommandHandler(deps: () => ServicesDeps) {
  return async (body: unknown, context: InvocationContext): Promise<void> => {
    const message = PartnerCommandMessage.parse(body);
    const outcome = await makeSendPartnerCommand(deps())(message);
    context.info("partner command handled", {
      caseId: message.caseId,
      commandId: message.commandId,
      target: message.target,
      attempt: message.attempt,
      outcome: outcome.kind,
      ...("reason" in outcome ? { reason: outcome.reason } : {}),
      ...("partnerState" in outcome ? { partnerState: outcome.partnerState } : {}),
    });
  };
}

export function registerSendPartnerCommandFunction(deps: () => ServicesDeps): void {
  app.serviceBusQueue(SEND_PARTNER_COMMAND_FUNCTION, {
    connection: SERVICE_BUS_CONNECTION,
    queueName: PARTNER_COMMANDS_QUEUE,
    isSessionsEnabled: true,
    handler: makeSendPartnerCommandHandler(deps),
  });
}
