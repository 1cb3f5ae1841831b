/** Letter delivery: the channels' delivery reports applied to the cases. */
import type { LettersDeps } from "./deps";
import { registerApplyDeliveryReportFunction } from "./eventgrid-apply-delivery-report";

export type { LettersDeps } from "./deps";

export function registerLetters(deps: () => LettersDeps): void {
  registerApplyDeliveryReportFunction(deps);
}
