/** What the payment functions are wired with (types only; the composition root builds it). */
import type { IntentClassifier } from "../../shared/application/assistant/intent-classifier";
import type { RequestRateLimiter } from "../../shared/http/rate-limit";
import type { LedgerCursorStore, PaymentLedgerFeed } from "../../shared/ports/payment-ledger-feed";
import type { AppDeps, WorkflowFor } from "../deps";

export interface PaymentsDeps extends AppDeps {
  workflowFor: WorkflowFor;
  /** `OPERATOR_API_KEY`: operator endpoints (unmatched payments, Vipps webhook registration). */
  operatorApiKey: string;
  /** Pay-page requests per link and per client address (`PAY_PAGE_RATE_PER_TOKEN`, `PAY_PAGE_RATE_PER_CLIENT`). */
  payPageLimiter: RequestRateLimiter;
  /**
   * Questions to the pay page's assistant per link and per client address (`PAY_ASSISTANT_RATE_PER_TOKEN`,
   * `_PER_CLIENT`), on top of the page limits: each one classifies and prices the link's cases.
   */
  payAssistantLimiter: RequestRateLimiter;
  /** The assistant's classifier: the process's one instance (shared with Min side and POST /api/v1/assistant/intents). */
  intentClassifier: IntentClassifier;
  /** `VIPPS_WEBHOOK_MAX_SKEW_SECONDS`: how far a callback's date may be from ours. */
  vippsWebhookMaxSkewSeconds: number;
  /** The provider's settlement ledger (Vipps Report API), read by the payment sweep; undefined without Vipps. */
  ledgerFeed?: PaymentLedgerFeed;
  /** Where the sweep remembers its position in the ledger feed. */
  ledgerCursors?: LedgerCursorStore;
}
