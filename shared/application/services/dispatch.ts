/**
 * Puts the commands a write decided on the `partner-commands` queue. A failure here is not the caller's failure: the
 * decision is already stored on the case (its outbox), and the sweep sends every command still unsent shortly after
 * (services/sweep-services.ts), so the payment, credit note or step that decided it is never refused or retried for it.
 */
import type { PartnerCommandMessage, PartnerCommandQueue } from "../../ports/partner-command-queue";

export async function dispatchCommands(
  queue: PartnerCommandQueue,
  commands: readonly PartnerCommandMessage[],
): Promise<{ dispatched: boolean }> {
  if (commands.length === 0) return { dispatched: true };
  try {
    await queue.enqueue(commands);
    return { dispatched: true };
  } catch {
    return { dispatched: false };
  }
}
