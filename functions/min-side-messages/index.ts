/**
 * Min side's messages with customer service and the debtor's settings (issue 15): the threads, one thread per claim
 * with its form, the assistant's hand-over, and contact data / consent / reply alerts — on the sign-in area's sessions.
 */
import type { MinSideMessagesDeps } from "./deps";
import { registerMinSideMessageFunctions } from "./http-min-side-messages";

export type { MinSideMessagesDeps } from "./deps";

export function registerMinSideMessages(deps: () => MinSideMessagesDeps): void {
  registerMinSideMessageFunctions(deps);
}
