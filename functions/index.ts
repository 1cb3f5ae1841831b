/**
 * The app's entry point ("main" in package.json): importing a file registers its functions with the Functions host
 * (or, locally, with the dev host, which captures the very same registrations). Nothing here reads a setting or
 * builds a client: the composition root (./composition.ts) does that lazily, on the first invocation.
 */
import "./health/http-health";

// Partner API v1
import "./api/http-tenants";
import "./api/http-policy";
import "./api/http-invoices";
import "./api/http-cases";
import "./api/http-case-payments";
import "./api/http-case-credit-notes";
import "./api/http-case-status";
import "./api/http-case-notes";
import "./api/http-case-documents";
import "./api/http-openapi";

// Case lifecycle (one orchestration per case) and webhooks
import "./cases";
import { webhooksDeps } from "./composition";
import { registerWebhooks } from "./webhooks";
registerWebhooks(() => webhooksDeps());

// Payments: pay page, Vipps callbacks, the payments queue, KID payments from bank files
import "./payments";
