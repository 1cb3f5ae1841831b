/** Payments: the pay page behind every link, provider callbacks, applying payments from the queue, bank OCR files. */
import type { PaymentsDeps } from "./deps";
import { registerImportOcrGiroFunction } from "./blob-import-ocr-giro";
import {
  registerPlaceUnmatchedPaymentFunction,
  registerRefundUnmatchedPaymentFunction,
  registerUnmatchedPaymentsFunction,
} from "./http-ops-unmatched-payments";
import { registerVippsWebhookOpsFunction } from "./http-ops-vipps-webhooks";
import { registerPayPageFunctions } from "./http-pay-page";
import { registerVippsCallbackFunction } from "./http-vipps-callback";
import { registerApplyPaymentFunction } from "./sb-apply-payment";
import { registerReconcilePaymentsFunction } from "./timer-reconcile-payments";

export type { PaymentsDeps } from "./deps";

export function registerPayments(deps: () => PaymentsDeps): void {
  registerVippsWebhookOpsFunction(deps);
  registerPayPageFunctions(deps);
  registerVippsCallbackFunction(deps);
  registerApplyPaymentFunction(deps);
  registerImportOcrGiroFunction(deps);
  registerUnmatchedPaymentsFunction(deps);
  registerPlaceUnmatchedPaymentFunction(deps);
  registerRefundUnmatchedPaymentFunction(deps);
  registerReconcilePaymentsFunction(deps);
}
