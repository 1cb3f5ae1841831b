/** Payments: the pay page behind every link, provider callbacks, applying payments from the queue, bank OCR files. */
import "./http-ops-vipps-webhooks";
import "./http-pay-page";
import "./http-vipps-callback";
import "./sb-apply-payment";
import "./blob-import-ocr-giro";
import "./http-ops-unmatched-payments";
import "./timer-reconcile-payments";
