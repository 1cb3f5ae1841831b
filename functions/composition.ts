/**
 * The composition root's builder: the ONLY code that reads settings and builds adapters. Imported by functions/index.ts
 * alone, which calls it lazily — on the first invocation, never at import time (importing the app needs no setting,
 * so the Functions host, the dev host and the registration tests can load it).
 */
import { CachedInterestRateStore } from "../shared/adapters/cached/interest-rate-store.cached";
import { CachedTenantStore } from "../shared/adapters/cached/tenant-store.cached";
import { CachedWebhookStore } from "../shared/adapters/cached/webhook-store.cached";
import { readFileSync } from "node:fs";
import * as df from "durable-functions";
import { AcsSmsSender } from "../shared/adapters/acs-sms/sms-sender.acs";
import { BlobLetterArchive } from "../shared/adapters/blob/letter-archive.blob";
import { AcsEmailSender } from "../shared/adapters/acs-email/email-sender.acs";
import { DigipostMailbox } from "../shared/adapters/digipost/digital-mailbox.digipost";
import { CosmosDeliveryIndex } from "../shared/adapters/cosmos/delivery-index.cosmos";
import { CosmosDebtorContactStore } from "../shared/adapters/cosmos/debtor-contact-store.cosmos";
import { BlobPrintHouse } from "../shared/adapters/blob/print-house.blob";
import { BlobPrintReceiptFiles } from "../shared/adapters/blob/print-receipts.blob";
import { makeRecordDeliveryReport } from "../shared/application/letters/deliver-letter";
import { deliverLetterDepsFrom } from "./deliver-letter-deps";
import { forInvocation } from "./deps";
import type { PrintDeps } from "./print/deps";
import type { OpsDeps } from "./ops/deps";
import type { AssistantDeps } from "./assistant/deps";
import { questionSetClassifier } from "../shared/application/assistant/question-set";
import { ServiceBusDeadLetters } from "../shared/adapters/service-bus/dead-letters.service-bus";
import { CosmosBankPaymentStore } from "../shared/adapters/cosmos/bank-payment-store.cosmos";
import { CosmosLedgerCursorStore } from "../shared/adapters/cosmos/ledger-cursor-store.cosmos";
import { CosmosCaseStore } from "../shared/adapters/cosmos/case-store.cosmos";
import { createCosmosDatabase, type CosmosOptions } from "../shared/adapters/cosmos/database.cosmos";
import { CosmosIdempotencyStore } from "../shared/adapters/cosmos/idempotency-store.cosmos";
import { CosmosPartnerConnectionStore } from "../shared/adapters/cosmos/partner-connection-store.cosmos";
import { CosmosInterestRateStore } from "../shared/adapters/cosmos/interest-rate-store.cosmos";
import { CosmosPayLinkStore } from "../shared/adapters/cosmos/pay-link-store.cosmos";
import { CosmosPaymentAttemptStore } from "../shared/adapters/cosmos/payment-attempt-store.cosmos";
import { CosmosTenantStore } from "../shared/adapters/cosmos/tenant-store.cosmos";
import { CosmosWebhookStore } from "../shared/adapters/cosmos/webhook-store.cosmos";
import { CosmosWebhookDeliveryLog } from "../shared/adapters/cosmos/webhook-delivery-log.cosmos";
import { DurableCaseWorkflow } from "../shared/adapters/durable/case-workflow.durable";
import { FetchWebhookSender } from "../shared/adapters/http/webhook-sender.fetch";
import { MemoryReplayGuard } from "../shared/adapters/memory/replay-guard.memory";
import { cryptoRandom } from "../shared/adapters/node/random.crypto";
import {
  createServiceBusClient,
  ServiceBusEventPublisher,
  type ServiceBusOptions,
} from "../shared/adapters/service-bus/event-publisher.service-bus";
import { KeyVaultSecretVault } from "../shared/adapters/key-vault/secret-vault.key-vault";
import { HttpPartnerGateway } from "../shared/adapters/partner-http/partner-gateway.http";
import { ServiceBusPartnerCommandQueue } from "../shared/adapters/service-bus/partner-command-queue.service-bus";
import { ServiceBusPaymentQueue } from "../shared/adapters/service-bus/payment-queue.service-bus";
import { ServiceBusWebhookDeliveryQueue } from "../shared/adapters/service-bus/webhook-delivery-queue.service-bus";
import { VippsApiClient, type VippsApiConfig } from "../shared/adapters/vipps/api-client.vipps";
import { VippsLedgerFeed } from "../shared/adapters/vipps/ledger-feed.vipps";
import { VippsPaymentProvider } from "../shared/adapters/vipps/payment-provider.vipps";
import { VippsWebhookRegistry } from "../shared/adapters/vipps/webhooks-api.vipps";
import { VippsWebhookVerifier } from "../shared/adapters/vipps/webhook-verifier.vipps";
import { makeDeliverWebhook } from "../shared/application/webhooks/deliver-webhook";
import { makeFanOutEvent } from "../shared/application/webhooks/fan-out";
import {
  makeListWebhooks,
  makeDeleteWebhook,
  makeRotateWebhookSecret,
  makeRegisterWebhook,
} from "../shared/application/webhooks/register-webhook";
import { letterheadFrom } from "../shared/config/letterhead";
import type { Settings } from "../shared/config/settings";
import type { ApiKeyLookup } from "../shared/http/api-keys";
import { RequestRateLimiter } from "../shared/http/rate-limit";
import type { Clock } from "../shared/ports/clock";
import type { SecretVault } from "../shared/ports/secret-vault";
import type { TenantStore } from "../shared/ports/tenant-store";
import type { ApiDeps } from "./api";
import type { CasesDeps } from "./cases";
import type { PaymentsDeps } from "./payments";
import type { ServicesDeps } from "./services";
import type { InterestDeps } from "./interest";
import type { LettersDeps } from "./letters";
import type { WebhooksDeps } from "./webhooks";
import type { MinSideDeps, MinSideWiring } from "./min-side";
import { CosmosMinSideSessionStore } from "../shared/adapters/cosmos/min-side-session-store.cosmos";
import { OpenIdClientIdentityProvider } from "../shared/adapters/oidc/identity-provider.openid-client";
import { makeMinSideSessions } from "../shared/application/min-side/sessions";
import { withHeldGrants } from "../shared/application/min-side/power-of-attorney";
import { CosmosPowerOfAttorneyStore } from "../shared/adapters/cosmos/power-of-attorney-store.cosmos";
import type { Database } from "@azure/cosmos";
import type { PersonCases } from "../shared/ports/case-store";
import type { DebtorActionsDeps } from "./debtor-actions";
import type { MinSideMessagesDeps } from "./min-side-messages";
import { CosmosMessageThreadStore } from "../shared/adapters/cosmos/message-thread-store.cosmos";
import { BlobDebtorUploadStore } from "../shared/adapters/blob/debtor-upload-store.blob";
import { BlobInvoiceDocumentStore } from "../shared/adapters/blob/invoice-document-store.blob";
import { PAYMENTS_QUEUE } from "./payments/names";
import { PARTNER_COMMANDS_QUEUE } from "./services/names";
import { CASE_EVENTS_TOPIC, WEBHOOK_DELIVERIES_QUEUE } from "./webhooks/names";
import type { PortalDeps } from "./portal";
import { CosmosWorkItemStore } from "../shared/adapters/cosmos/work-item-store.cosmos";
import { portalFrom } from "./portal-composition";
import { portalSettingsFrom } from "./portal-settings-composition";
import type { KpisDeps } from "./kpis";
import { CosmosKpiStore } from "../shared/adapters/cosmos/kpi-store.cosmos";
import { makeProjectCaseEvent } from "../shared/application/kpis/project-case-event";

/** What the root hands to every area: one object satisfying each area's deps. */
export type RootDeps = ApiDeps &
  CasesDeps &
  PaymentsDeps &
  ServicesDeps &
  WebhooksDeps &
  InterestDeps &
  LettersDeps &
  PrintDeps &
  OpsDeps &
  AssistantDeps &
  MinSideDeps &
  DebtorActionsDeps &
  MinSideMessagesDeps &
  PortalDeps &
  KpisDeps;

/** The system clock. */
export const systemClock: Clock = { now: () => new Date() };

/** Everything every area needs, built from the settings. `clock` replaces the system clock (a host's own time). */
export function buildAppDeps(s: Settings, options: { clock?: Clock } = {}): RootDeps {
  const database = createCosmosDatabase(cosmosOptionsFrom(s));
  const serviceBus = createServiceBusClient(serviceBusOptionsFrom(s));
  const sms = s.ACS_CONNECTION_STRING
    ? new AcsSmsSender({ connectionString: s.ACS_CONNECTION_STRING })
    : s.ACS_ENDPOINT
      ? new AcsSmsSender({ endpoint: s.ACS_ENDPOINT })
      : undefined;
  if (!sms) throw new Error("SMS is not configured: set ACS_CONNECTION_STRING or ACS_ENDPOINT");
  const letters = s.BLOB_ACCOUNT_URL
    ? new BlobLetterArchive({ accountUrl: s.BLOB_ACCOUNT_URL, containerName: s.LETTERS_CONTAINER })
    : s.AzureWebJobsStorage
      ? new BlobLetterArchive({ connectionString: s.AzureWebJobsStorage, containerName: s.LETTERS_CONTAINER })
      : undefined;
  if (!letters) throw new Error("Letter storage is not configured: set BLOB_ACCOUNT_URL or AzureWebJobsStorage");
  const letterhead = letterheadFrom(s.LETTERHEAD);
  // Letter channels: e-mail when a sender address is set (ACS Email on the same resource as SMS), the digital mailbox
  // when Digipost's URL, sender id and signing key are set. A channel not configured is passed over.
  const email = !s.ACS_EMAIL_SENDER
    ? undefined
    : s.ACS_CONNECTION_STRING
      ? new AcsEmailSender({ connectionString: s.ACS_CONNECTION_STRING, senderAddress: s.ACS_EMAIL_SENDER })
      : s.ACS_ENDPOINT
        ? new AcsEmailSender({ endpoint: s.ACS_ENDPOINT, senderAddress: s.ACS_EMAIL_SENDER })
        : undefined;
  const mailbox =
    s.DIGIPOST_API_URL && s.DIGIPOST_SENDER_ID && s.DIGIPOST_SIGNING_KEY
      ? new DigipostMailbox({
          apiUrl: s.DIGIPOST_API_URL,
          senderId: s.DIGIPOST_SENDER_ID,
          signingKey: s.DIGIPOST_SIGNING_KEY,
        })
      : undefined;
  // Vipps MobilePay: the provider when VIPPS_BASE_URL and the client credentials are set; callbacks verified when
  // the webhook secret is set (without it every callback is refused).
  const vipps = vippsApiConfigFrom(s);
  const paymentProvider = vipps ? new VippsPaymentProvider(vipps) : undefined;
  const paymentWebhooks = s.VIPPS_WEBHOOK_SECRET
    ? new VippsWebhookVerifier({ secret: s.VIPPS_WEBHOOK_SECRET })
    : undefined;
  const clock = options.clock ?? systemClock;
  // Kept in this process for 30 s (API keys found, creditors) and 60 s (interest rates): read on nearly every request,
  // changed a few times a year (shared/adapters/cached/).
  const tenants = new CachedTenantStore(new CosmosTenantStore({ database }));
  // Print: the print house reads batches from the outbox container and writes receipts back (docs/print-house.md).
  const storageAccess = s.BLOB_ACCOUNT_URL
    ? { accountUrl: s.BLOB_ACCOUNT_URL }
    : s.AzureWebJobsStorage
      ? { connectionString: s.AzureWebJobsStorage }
      : undefined;
  const printHouse = storageAccess
    ? new BlobPrintHouse({ ...storageAccess, containerName: s.PRINT_OUTBOX_CONTAINER ?? "print-outbox", clock })
    : undefined;
  const printReceiptFiles = storageAccess
    ? new BlobPrintReceiptFiles({
        ...storageAccess,
        ...(s.PRINT_RECEIPTS_CONTAINER ? { receiptsContainer: s.PRINT_RECEIPTS_CONTAINER } : {}),
        ...(s.PRINT_RECEIPTS_REJECTED_CONTAINER ? { rejectedContainer: s.PRINT_RECEIPTS_REJECTED_CONTAINER } : {}),
      })
    : undefined;
  if (!printHouse || !printReceiptFiles || !storageAccess)
    throw new Error("Print is not configured: set BLOB_ACCOUNT_URL or AzureWebJobsStorage");
  const debtorUploads = new BlobDebtorUploadStore({
    ...storageAccess,
    containerName: s.DEBTOR_UPLOADS_CONTAINER ?? "debtor-uploads",
  });
  const invoiceDocuments = new BlobInvoiceDocumentStore({
    ...storageAccess,
    containerName: s.INVOICE_DOCUMENTS_CONTAINER ?? "invoice-documents",
  });
  const webhookDeliveries = new ServiceBusWebhookDeliveryQueue({
    client: serviceBus,
    queueName: WEBHOOK_DELIVERIES_QUEUE,
  });
  const idempotency = new CosmosIdempotencyStore({ database });
  // Kept in this process for 30 s per tenant: every event is fanned out and every delivery looks its subscription up,
  // while subscriptions change rarely (writes through this instance are seen at once). The API's list reads the store.
  const storedWebhooks = new CosmosWebhookStore({ database });
  const webhookDeliveryLog = new CosmosWebhookDeliveryLog({ database });
  const webhooks = new CachedWebhookStore(storedWebhooks);
  const vault = secretVaultFrom(s);
  const deliveryIndex = new CosmosDeliveryIndex({ database });
  const cases = new CosmosCaseStore({ database });
  const minSide = minSideFrom(s, { database, clock, personCases: cases });
  const portal = portalFrom(s, { database, clock });
  const kpis = new CosmosKpiStore({ database });
  const deps: RootDeps = {
    clock,
    random: cryptoRandom,
    cases,
    // The portal's case search and the console's lookups (issue 16) are the case store's; the inbox's work items.
    caseSearch: cases,
    workItems: new CosmosWorkItemStore({ database }),
    tenants,
    payLinks: new CosmosPayLinkStore({ database }),
    paymentAttempts: new CosmosPaymentAttemptStore({ database }),
    webhooks,
    // The partner systems' secrets live in Key Vault when KEY_VAULT_URL is set (Azure), the documents refer to them;
    // without it they stay in the Cosmos document.
    partnerConnections: new CosmosPartnerConnectionStore({ database, ...(vault ? { vault } : {}) }),
    interestRates: new CachedInterestRateStore(new CosmosInterestRateStore({ database })),
    partnerCommands: new ServiceBusPartnerCommandQueue({ client: serviceBus, queueName: PARTNER_COMMANDS_QUEUE }),
    deadLetters: new ServiceBusDeadLetters(serviceBus),
    // Signing timestamps and token expiry are checked by the partner against ITS wall clock: always real time.
    partnerGateway: new HttpPartnerGateway({ clock: systemClock, random: cryptoRandom }),
    partnerCallbackReplays: new MemoryReplayGuard(),
    idempotency,
    events: new ServiceBusEventPublisher({ client: serviceBus, topicName: CASE_EVENTS_TOPIC }),
    paymentQueue: new ServiceBusPaymentQueue({ client: serviceBus, queueName: PAYMENTS_QUEUE }),
    callbackReplays: new MemoryReplayGuard(),
    bankPayments: new CosmosBankPaymentStore({ database }),
    ledgerCursors: new CosmosLedgerCursorStore({ database }),
    sms,
    letters,
    letterChannels: { ...(email ? { email } : {}), ...(mailbox ? { mailbox } : {}), printHouse },
    deliveryIndex,
    debtorContacts: new CosmosDebtorContactStore({ database }),
    printBatches: printHouse,
    printReceiptFiles,
    // The print receipts' sink, per invocation: it wakes the case's orchestration through that invocation's client.
    deliveryReportsFor: (context) => {
      const invocation = forInvocation(deps, context);
      return { record: makeRecordDeliveryReport(deliverLetterDepsFrom(invocation, invocation.workflow)) };
    },
    publicBaseUrl: s.PUBLIC_BASE_URL,
    ...(s.MINSIDE_PIN_SECRET ? { minSidePinSecret: s.MINSIDE_PIN_SECRET } : {}),
    ...(minSide ? { minSide, resolveMinSideSession: minSide.sessions.resolve } : {}),
    debtorUploads,
    invoiceDocuments,
    // Min side's messages with customer service (one thread per case) and the person's cases for its pages.
    messageThreads: new CosmosMessageThreadStore({ database }),
    personCases: cases,
    // The debtor actions resolve the same sessions as Min side's pages; without Min side's settings nobody is signed
    // in, so every action answers with the sign-in page.
    resolveSession: minSide ? minSide.sessions.resolve : async () => undefined,
    // Staff sign-in for the creditor portal and customer-service console (issue 16); absent: the portal is closed.
    ...(portal ? { portal } : {}),
    // The KPI projection (subscription `kpis` on `case-events`) and the dashboard's buckets (issue 16).
    kpis,
    projectCaseEvent: makeProjectCaseEvent({ kpis }),
    ...(letterhead ? { letterhead } : {}),
    ...(paymentProvider ? { paymentProvider } : {}),
    ...(paymentWebhooks ? { paymentWebhooks } : {}),
    ...(vipps ? { paymentWebhookRegistry: new VippsWebhookRegistry(vipps) } : {}),
    // The Report API's funds feed: the sweep finds captured money no payment attempt knows (a store rolled back).
    ...(vipps ? { ledgerFeed: new VippsLedgerFeed(new VippsApiClient(vipps), { ledgerId: s.VIPPS_LEDGER_ID }) } : {}),
    workflowFor: (context) => new DurableCaseWorkflow(df.getClient(context)),
    lookupApiKey: tenantKeyLookup(tenants),
    operatorApiKey: s.OPERATOR_API_KEY ?? "",
    allowLoopbackUrls: s.WEBHOOK_ALLOW_LOOPBACK_URLS,
    payPageLimiter: new RequestRateLimiter({
      token: { points: s.PAY_PAGE_RATE_PER_TOKEN, durationSeconds: 60 },
      client: { points: s.PAY_PAGE_RATE_PER_CLIENT, durationSeconds: 60 },
    }),
    payAssistantLimiter: new RequestRateLimiter({
      token: { points: s.PAY_ASSISTANT_RATE_PER_TOKEN, durationSeconds: 60 },
      client: { points: s.PAY_ASSISTANT_RATE_PER_CLIENT, durationSeconds: 60 },
    }),
    // Trained on the repository's question set on the first question (well under a second), then kept.
    intentClassifier: questionSetClassifier,
    assistantLimiter: new RequestRateLimiter({
      client: { points: s.ASSISTANT_RATE_PER_CLIENT, durationSeconds: 60 },
    }),
    vippsWebhookMaxSkewSeconds: s.VIPPS_WEBHOOK_MAX_SKEW_SECONDS,
    reopenLimitSeconds: s.SERVICE_REOPEN_LIMIT_SECONDS,
    idempotencyStore: idempotency,
    registerWebhook: makeRegisterWebhook({
      webhooks,
      clock,
      random: cryptoRandom,
      allowLoopback: s.WEBHOOK_ALLOW_LOOPBACK_URLS,
    }),
    listWebhooks: makeListWebhooks({ webhooks: storedWebhooks }),
    deleteWebhook: makeDeleteWebhook({ webhooks }),
    rotateWebhookSecret: makeRotateWebhookSecret({ webhooks, clock: systemClock, random: cryptoRandom }),
    fanOutEvent: makeFanOutEvent({ webhooks, queue: webhookDeliveries }),
    deliverWebhook: makeDeliverWebhook({
      webhooks,
      queue: webhookDeliveries,
      sender: new FetchWebhookSender({ allowPrivateAddresses: s.WEBHOOK_ALLOW_LOOPBACK_URLS }),
      clock,
      // `webhook-timestamp` is checked by receivers against THEIR wall clock: always real time, also where the app
      // clock is a host's virtual one.
      signingClock: systemClock,
      random: cryptoRandom,
      ...(email ? { notice: { tenants, email } } : {}),
      log: webhookDeliveryLog,
    }),
  };
  // The portal's settings pages: the same policy and webhook use cases as the partner API (issue 16).
  deps.portalSettings = portalSettingsFrom({ ...deps, webhookDeliveryLog, webhookDeliveries });
  return deps;
}

/**
 * Min side's wiring (issue 15) when MINSIDE_SESSION_SECRET is set: sessions in Cosmos, BankID through the OIDC broker
 * of the MINSIDE_OIDC_* settings (when all of issuer, client id and secret are set), case number + PIN with
 * MINSIDE_PIN_SECRET, and the rate limits (per instance, like the pay page's).
 */
export function minSideFrom(
  s: Settings,
  deps: { database: Database; clock: Clock; personCases: PersonCases },
): MinSideWiring | undefined {
  if (!s.MINSIDE_SESSION_SECRET) return undefined;
  const sessions = makeMinSideSessions(
    { sessions: new CosmosMinSideSessionStore({ database: deps.database }), clock: deps.clock, random: cryptoRandom },
    {
      secret: s.MINSIDE_SESSION_SECRET,
      idleSeconds: s.MINSIDE_SESSION_IDLE_MINUTES * 60,
      absoluteSeconds: s.MINSIDE_SESSION_MAX_HOURS * 3600,
    },
  );
  const identityProvider =
    s.MINSIDE_OIDC_ISSUER && s.MINSIDE_OIDC_CLIENT_ID && s.MINSIDE_OIDC_CLIENT_SECRET
      ? new OpenIdClientIdentityProvider({
          issuer: s.MINSIDE_OIDC_ISSUER,
          clientId: s.MINSIDE_OIDC_CLIENT_ID,
          clientSecret: s.MINSIDE_OIDC_CLIENT_SECRET,
          redirectUri:
            s.MINSIDE_OIDC_REDIRECT_URI ?? `${s.PUBLIC_BASE_URL.replace(/\/+$/u, "")}/min-side/logg-inn/callback`,
          nationalIdClaim: s.MINSIDE_OIDC_NATIONAL_ID_CLAIM,
          scope: s.MINSIDE_OIDC_SCOPE,
        })
      : undefined;
  // Powers of attorney: the grantee's national id is kept only as an HMAC under the session secret; every request of
  // a person reads the grants it holds now (withHeldGrants), so a revocation or an expiry counts at once.
  const grants = new CosmosPowerOfAttorneyStore({ database: deps.database });
  const secret = s.MINSIDE_SESSION_SECRET;
  return {
    sessions: { ...sessions, resolve: withHeldGrants(sessions.resolve, { grants, clock: deps.clock }, secret) },
    powersOfAttorney: { store: grants, secret },
    personCases: deps.personCases,
    ...(identityProvider ? { identityProvider } : {}),
    ...(s.MINSIDE_PIN_SECRET ? { pinSecret: s.MINSIDE_PIN_SECRET } : {}),
    pinLimiter: new RequestRateLimiter({
      case: { points: s.MINSIDE_PIN_MAX_ATTEMPTS, durationSeconds: 900 },
      client: { points: s.MINSIDE_PIN_MAX_ATTEMPTS * 4, durationSeconds: 900 },
    }),
    pageLimiter: new RequestRateLimiter({ client: { points: s.PAY_PAGE_RATE_PER_CLIENT, durationSeconds: 60 } }),
  };
}

/** The COSMOS_* settings as the Cosmos adapter's options. */
export function cosmosOptionsFrom(
  s: Pick<Settings, "COSMOS_ENDPOINT" | "COSMOS_KEY" | "COSMOS_DATABASE" | "COSMOS_ENDPOINT_DISCOVERY">,
): CosmosOptions {
  return {
    endpoint: s.COSMOS_ENDPOINT,
    key: s.COSMOS_KEY,
    databaseId: s.COSMOS_DATABASE,
    endpointDiscovery: s.COSMOS_ENDPOINT_DISCOVERY,
  };
}

/**
 * The Service Bus client options, like the Functions host resolves the `ServiceBusConnection` binding connection: a
 * connection string in `ServiceBusConnection`, or (Azure, managed identity) `ServiceBusConnection__fullyQualifiedNamespace`.
 */
export function serviceBusOptionsFrom(
  s: Pick<Settings, "ServiceBusConnection" | "ServiceBusConnection__fullyQualifiedNamespace">,
): ServiceBusOptions {
  return {
    connectionString: s.ServiceBusConnection,
    fullyQualifiedNamespace: s.ServiceBusConnection__fullyQualifiedNamespace,
  };
}

/** Key Vault when KEY_VAULT_URL is set (managed identity; KEY_VAULT_CA_FILE read here, once), else undefined. */
export function secretVaultFrom(
  s: Pick<Settings, "KEY_VAULT_URL" | "KEY_VAULT_CA_FILE" | "KEY_VAULT_VERIFY_CHALLENGE_RESOURCE">,
): SecretVault | undefined {
  if (!s.KEY_VAULT_URL) return undefined;
  return new KeyVaultSecretVault({
    vaultUrl: s.KEY_VAULT_URL,
    ...(s.KEY_VAULT_CA_FILE ? { ca: readFileSync(s.KEY_VAULT_CA_FILE, "utf8") } : {}),
    verifyChallengeResource: s.KEY_VAULT_VERIFY_CHALLENGE_RESOURCE,
  });
}

/** The Vipps client config when VIPPS_BASE_URL and all four credentials are set; otherwise undefined (Vipps is off). */
export function vippsApiConfigFrom(s: Settings): VippsApiConfig | undefined {
  if (
    !s.VIPPS_BASE_URL ||
    !s.VIPPS_CLIENT_ID ||
    !s.VIPPS_CLIENT_SECRET ||
    !s.VIPPS_SUBSCRIPTION_KEY ||
    !s.VIPPS_MERCHANT_SERIAL_NUMBER
  ) {
    return undefined;
  }
  return {
    baseUrl: s.VIPPS_BASE_URL,
    clientId: s.VIPPS_CLIENT_ID,
    clientSecret: s.VIPPS_CLIENT_SECRET,
    subscriptionKey: s.VIPPS_SUBSCRIPTION_KEY,
    merchantSerialNumber: s.VIPPS_MERCHANT_SERIAL_NUMBER,
  };
}

/** The partner API's key lookup: the tenant store's key records (hashed keys only). */
function tenantKeyLookup(tenants: TenantStore): ApiKeyLookup {
  return async (keyId) => {
    const record = await tenants.findApiKey(keyId);
    // A revoked key is refused like an unknown one (the same 401).
    return record && record.revokedAt === undefined
      ? { tenantId: record.tenantId, keyHash: record.keyHash }
      : undefined;
  };
}
