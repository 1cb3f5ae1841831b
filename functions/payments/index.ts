/** Payments: the pay page behind every link, provider callbacks, applying payments from the queue, bank OCR files. */
import "./http-ops-vipps-webhooks";
