/**
 * The Service Bus SESSION queue `partner-commands`: every command to a partner's system (suspend or reopen one
 * service) waits here. The session is the service id, so the commands for one service are handled one at a time, in
 * the order they were issued, and never overtake each other; commands for different services run in parallel.
 *
 * The message id is `{commandId}#{attempt}`: the queue's duplicate detection drops a second enqueue of the same
 * attempt (a use case that enqueued, crashed before it could say so, and enqueued again), while a retry after a
 * failure (`attempt` + 1, delivered later) is a new message.
 */
import { z } from "zod";
import { CommandTarget } from "../domain/service-lifecycle";

export const PartnerCommandMessage = z.object({
  tenantId: z.string().min(1),
  caseId: z.string().min(1),
  serviceId: z.string().min(1),
  commandId: z.string().min(1),
  target: CommandTarget,
  /** 1 on the first send; one more for each retry after the partner could not be reached. */
  attempt: z.number().int().positive(),
});
export type PartnerCommandMessage = z.infer<typeof PartnerCommandMessage>;

export interface PartnerCommandQueue {
  /** Puts the commands on the queue, each in its service's session; `notBefore` delays delivery (a retry's backoff). */
  enqueue(messages: readonly PartnerCommandMessage[], options?: { notBefore?: Date }): Promise<void>;
}
