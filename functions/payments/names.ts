/** Names of the payment functions, their routes and the queue they share. */
export const PAY_PAGE_FUNCTION = "payPage";
export const PAY_SUBMIT_FUNCTION = "payPageSubmit";
export const PAY_RECEIPT_FUNCTION = "payPageReceipt";
export const PAY_RECEIPT_PDF_FUNCTION = "payPageReceiptPdf";
export const PAY_LETTER_FUNCTION = "payPageLetter";
export const PAY_ASSISTANT_FUNCTION = "payPageAssistant";
export const VIPPS_CALLBACK_FUNCTION = "vippsCallback";
export const APPLY_PAYMENT_FUNCTION = "applyPayment";
export const IMPORT_OCR_GIRO_FUNCTION = "importOcrGiroFile";
export const UNMATCHED_PAYMENTS_FUNCTION = "listUnmatchedPayments";
export const PLACE_UNMATCHED_PAYMENT_FUNCTION = "placeUnmatchedPayment";
export const REFUND_UNMATCHED_PAYMENT_FUNCTION = "refundUnmatchedPayment";

/** The short pay link itself: `{PUBLIC_BASE_URL}/p/{token}` (routePrefix is "" in host.json). */
export const PAY_PAGE_ROUTE = "p/{token}";
export const PAY_SUBMIT_ROUTE = "p/{token}/pay";
export const PAY_RECEIPT_ROUTE = "p/{token}/receipt";
export const PAY_RECEIPT_PDF_ROUTE = "p/{token}/receipt/pdf";
export const PAY_LETTER_ROUTE = "p/{token}/letters/{caseId}/{documentId}";
export const PAY_ASSISTANT_ROUTE = "p/{token}/assistent";
export const VIPPS_CALLBACK_ROUTE = "api/callbacks/vipps";
export const UNMATCHED_PAYMENTS_ROUTE = "api/v1/ops/unmatched-payments";
export const PLACE_UNMATCHED_PAYMENT_ROUTE = "api/v1/ops/unmatched-payments/{paymentId}/apply";
export const REFUND_UNMATCHED_PAYMENT_ROUTE = "api/v1/ops/unmatched-payments/{paymentId}/refund";

export const SERVICE_BUS_CONNECTION = "ServiceBusConnection";
export const PAYMENTS_QUEUE = "payments";
/** The blob path the OCR import listens on (`%OCR_INCOMING_CONTAINER%` is the setting). */
export const OCR_INCOMING_PATH = "%OCR_INCOMING_CONTAINER%/{name}";

/**
 * The sweep for payments whose webhook never came: NCRONTAB from the setting PAYMENT_SWEEP_SCHEDULE — every 5 minutes
 * in Azure (Bicep), daily locally (local.settings.example.json): the dev host fires every occurrence when its virtual
 * clock jumps days ahead, and the local Vipps simulator does not lose webhooks.
 */
export const RECONCILE_PAYMENTS_FUNCTION = "reconcilePayments";
export const RECONCILE_PAYMENTS_SCHEDULE = "%PAYMENT_SWEEP_SCHEDULE%";
/** The error trace (alert) for money at the payment provider that no payment attempt here knows. */
export const UNMATCHED_PROVIDER_PAYMENT_EVENT = "payment.unmatched_provider_payment";
