/**
 * The composition root: the ONLY place that builds adapters from the settings. Everything is built lazily, once,
 * on first use — never at import time (importing `functions/index.ts` must not need a single setting, so the
 * Functions host, the dev host and the registration tests can load the app).
 *
 *   appDeps()            the process-wide ports (stores, publisher, SMS, letters, clock, settings)
 *   workflowFor(context) the case orchestrations, through the durable client bound to THIS invocation (functions
 *                        using it declare `extraInputs: [df.input.durableClient()]`)
 *   requestDeps(context) both together, what HTTP functions hand to their use cases
 *
 * Tests replace the whole set with `setAppDepsForTests(deps, { workflow })` (plain object ports, no module mocks).
 */
import type { InvocationContext } from "@azure/functions";
import * as df from "durable-functions";
import { z } from "zod";
import { AcsSmsSender } from "../shared/adapters/acs-sms/sms-sender.acs";
import { BlobLetterArchive } from "../shared/adapters/blob/letter-archive.blob";
import { CosmosBankPaymentStore } from "../shared/adapters/cosmos/bank-payment-store.cosmos";
import { CosmosCaseStore } from "../shared/adapters/cosmos/case-store.cosmos";
import { createCosmosDatabase, type CosmosOptions } from "../shared/adapters/cosmos/database.cosmos";
import { CosmosIdempotencyStore } from "../shared/adapters/cosmos/idempotency-store.cosmos";
import { CosmosPayLinkStore } from "../shared/adapters/cosmos/pay-link-store.cosmos";
import { CosmosPaymentAttemptStore } from "../shared/adapters/cosmos/payment-attempt-store.cosmos";
import { CosmosTenantStore } from "../shared/adapters/cosmos/tenant-store.cosmos";
import { CosmosWebhookStore } from "../shared/adapters/cosmos/webhook-store.cosmos";
import { DurableCaseWorkflow } from "../shared/adapters/durable/case-workflow.durable";
import type { VippsApiConfig } from "../shared/adapters/vipps/api-client.vipps";
import { VippsPaymentProvider } from "../shared/adapters/vipps/payment-provider.vipps";
import { VippsWebhookRegistry } from "../shared/adapters/vipps/webhooks-api.vipps";
import { VippsWebhookVerifier } from "../shared/adapters/vipps/webhook-verifier.vipps";
import { createServiceBusClient, ServiceBusEventPublisher, type ServiceBusOptions } from "../shared/adapters/service-bus/event-publisher.service-bus";
import { ServiceBusPaymentQueue } from "../shared/adapters/service-bus/payment-queue.service-bus";
import { ServiceBusWebhookDeliveryQueue } from "../shared/adapters/service-bus/webhook-delivery-queue.service-bus";
import type { Letterhead } from "../shared/application/execute-step";
import type { WebhookDeliveryQueue } from "../shared/application/webhooks/delivery-message";
import { settings as readSettings, type Settings } from "../shared/config/settings";
import { NorwegianAccount } from "../shared/domain/identifiers/bank-account";
import { PAYMENTS_QUEUE } from "./payments/names";
import { CASE_EVENTS_TOPIC, WEBHOOK_DELIVERIES_QUEUE } from "./webhooks/names";
import { CreditorContact, PostalAddress } from "../shared/letters/letter-model";
import type { BankPaymentStore } from "../shared/ports/bank-payment-store";
import type { CaseStore } from "../shared/ports/case-store";
import type { CaseWorkflow } from "../shared/ports/case-workflow";
import type { Clock } from "../shared/ports/clock";
import type { EventPublisher } from "../shared/ports/event-publisher";
import type { IdempotencyStore } from "../shared/ports/idempotency-store";
import type { LetterArchive } from "../shared/ports/letter-archive";
import type { PayLinkStore } from "../shared/ports/pay-link-store";
import type { PaymentAttemptStore } from "../shared/ports/payment-attempt-store";
import type { PaymentProvider, PaymentWebhookRegistry, PaymentWebhookVerifier } from "../shared/ports/payment-provider";
import type { PaymentQueue } from "../shared/ports/payment-queue";
import type { ReplayGuard } from "../shared/ports/replay-guard";
import { MemoryReplayGuard } from "../shared/adapters/memory/replay-guard.memory";
import type { SmsSender } from "../shared/ports/sms-sender";
import type { TenantStore } from "../shared/ports/tenant-store";
import type { WebhookStore } from "../shared/ports/webhook-store";

export interface AppDeps {
  settings: Settings;
  clock: Clock;
  cases: CaseStore;
  tenants: TenantStore;
  payLinks: PayLinkStore;
  /** Payments debtors started from pay links (Vipps, card). */
  paymentAttempts: PaymentAttemptStore;
  /** Vipps MobilePay ePayment; undefined when VIPPS_BASE_URL is not set (the pay page then offers bank payment only). */
  paymentProvider?: PaymentProvider;
  /** Verifies the provider's callbacks (VIPPS_WEBHOOK_SECRET); undefined when not configured (callbacks are refused). */
  paymentWebhooks?: PaymentWebhookVerifier;
  /** Registers our callback URL at the provider (operator endpoint); undefined when Vipps is not configured. */
  paymentWebhookRegistry?: PaymentWebhookRegistry;
  /** The Service Bus queue `payments`: callbacks and bank payments wait there to be applied. */
  paymentQueue: PaymentQueue;
  /** Provider callbacks seen recently (replays refused); in this instance's memory, see replay-guard.memory.ts. */
  callbackReplays: ReplayGuard;
  /** Every KID payment from the bank's OCR giro files, matched to a case or unmatched for operators. */
  bankPayments: BankPaymentStore;
  webhooks: WebhookStore;
  idempotency: IdempotencyStore;
  events: EventPublisher;
  /** Signed webhook deliveries, retried through Service Bus (the same client as `events`); tests may leave it out. */
  webhookDeliveries?: WebhookDeliveryQueue;
  sms: SmsSender;
  letters: LetterArchive;
  /** `PUBLIC_BASE_URL`: base of the short pay links. */
  publicBaseUrl: string;
  /**
   * The sender block printed on letters (postal address, account for KID payments, contact). Without it letter
   * steps end "not-executed" (execute-step.ts). From the `LETTERHEAD` setting (see `letterheadFrom`).
   */
  letterhead?: Letterhead;
}

export interface RequestDeps extends AppDeps {
  workflow: CaseWorkflow;
}

/** The system clock (the dev host makes `Date` follow its virtual clock). */
export const systemClock: Clock = { now: () => new Date() };

function buildAppDeps(s: Settings): AppDeps {
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
  const letterhead = letterheadFrom(s);
  // Vipps MobilePay: the provider when VIPPS_BASE_URL and the client credentials are set; callbacks verified when
  // the webhook secret is set (without it every callback is refused).
  const vipps = vippsApiConfigFrom(s);
  const paymentProvider = vipps ? new VippsPaymentProvider(vipps) : undefined;
  const paymentWebhooks = s.VIPPS_WEBHOOK_SECRET
    ? new VippsWebhookVerifier({ secret: s.VIPPS_WEBHOOK_SECRET, maxSkewSeconds: s.VIPPS_WEBHOOK_MAX_SKEW_SECONDS })
    : undefined;
  return {
    settings: s,
    clock: systemClock,
    cases: new CosmosCaseStore({ database }),
    tenants: new CosmosTenantStore({ database }),
    payLinks: new CosmosPayLinkStore({ database }),
    paymentAttempts: new CosmosPaymentAttemptStore({ database }),
    webhooks: new CosmosWebhookStore({ database }),
    idempotency: new CosmosIdempotencyStore({ database }),
    events: new ServiceBusEventPublisher({ client: serviceBus, topicName: CASE_EVENTS_TOPIC }),
    webhookDeliveries: new ServiceBusWebhookDeliveryQueue({ client: serviceBus, queueName: WEBHOOK_DELIVERIES_QUEUE }),
    paymentQueue: new ServiceBusPaymentQueue({ client: serviceBus, queueName: PAYMENTS_QUEUE }),
    callbackReplays: new MemoryReplayGuard(),
    bankPayments: new CosmosBankPaymentStore({ database }),
    sms,
    letters,
    publicBaseUrl: s.PUBLIC_BASE_URL,
    ...(letterhead ? { letterhead } : {}),
    ...(paymentProvider ? { paymentProvider } : {}),
    ...(paymentWebhooks ? { paymentWebhooks } : {}),
    ...(vipps ? { paymentWebhookRegistry: new VippsWebhookRegistry(vipps) } : {}),
  };
}

/** The COSMOS_* settings as the Cosmos adapter's options. */
export function cosmosOptionsFrom(
  s: Pick<Settings, "COSMOS_ENDPOINT" | "COSMOS_KEY" | "COSMOS_DATABASE" | "COSMOS_ENDPOINT_DISCOVERY">,
): CosmosOptions {
  return { endpoint: s.COSMOS_ENDPOINT, key: s.COSMOS_KEY, databaseId: s.COSMOS_DATABASE, endpointDiscovery: s.COSMOS_ENDPOINT_DISCOVERY };
}

/**
 * The Service Bus client options, like the Functions host resolves the `ServiceBusConnection` binding connection: a
 * connection string in `ServiceBusConnection`, or (Azure, managed identity) `ServiceBusConnection__fullyQualifiedNamespace`.
 */
export function serviceBusOptionsFrom(s: Pick<Settings, "ServiceBusConnection" | "ServiceBusConnection__fullyQualifiedNamespace">): ServiceBusOptions {
  return { connectionString: s.ServiceBusConnection, fullyQualifiedNamespace: s.ServiceBusConnection__fullyQualifiedNamespace };
}

/** The Vipps client config when VIPPS_BASE_URL and all four credentials are set; otherwise undefined (Vipps is off). */
export function vippsApiConfigFrom(s: Settings): VippsApiConfig | undefined {
  if (!s.VIPPS_BASE_URL || !s.VIPPS_CLIENT_ID || !s.VIPPS_CLIENT_SECRET || !s.VIPPS_SUBSCRIPTION_KEY || !s.VIPPS_MERCHANT_SERIAL_NUMBER) {
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

/** The `LETTERHEAD` setting: JSON `{ address: { lines, postalCode, city }, accountNumber, contact: { phone?, email?, web? } }`. */
const LetterheadSetting = z.object({ address: PostalAddress, accountNumber: NorwegianAccount, contact: CreditorContact });

/**
 * The letterhead from the `LETTERHEAD` setting; without it letters are not produced (see AppDeps.letterhead). A value
 * that does not parse fails the start, naming the setting and never echoing its value.
 */
export function letterheadFrom(s: Settings): Letterhead | undefined {
  const raw = s.LETTERHEAD;
  if (raw === undefined || raw.trim() === "") return undefined;
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new Error("Invalid settings: LETTERHEAD is not valid JSON");
  }
  const parsed = LetterheadSetting.safeParse(json);
  if (!parsed.success) {
    throw new Error(`Invalid settings: LETTERHEAD: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  }
  return parsed.data;
}

let built: AppDeps | undefined;
let testWorkflow: ((context: InvocationContext) => CaseWorkflow) | undefined;

/** The process's ports, built on first use from `settings()`. */
export function appDeps(): AppDeps {
  built ??= buildAppDeps(readSettings());
  return built;
}

/** The case orchestrations, through this invocation's durable client. */
export function workflowFor(context: InvocationContext): CaseWorkflow {
  if (testWorkflow) return testWorkflow(context);
  return new DurableCaseWorkflow(df.getClient(context));
}

/**
 * The ports for one invocation. The durable client is only reached when the workflow is actually used, so functions
 * that never touch an orchestration need not declare the durable client input (and spreading the deps is safe).
 */
export function requestDeps(context: InvocationContext): RequestDeps {
  let resolved: CaseWorkflow | undefined;
  const workflow = (): CaseWorkflow => (resolved ??= workflowFor(context));
  return {
    ...appDeps(),
    workflow: {
      start: async (caseId) => workflow().start(caseId),
      caseChanged: async (caseId, reason) => workflow().caseChanged(caseId, reason),
      state: async (caseId) => workflow().state(caseId),
    },
  };
}

/** Tests only: replaces the ports (and the workflow) every function gets; `undefined` goes back to the real ones. */
export function setAppDepsForTests(deps: AppDeps | undefined, options: { workflow?: CaseWorkflow | ((context: InvocationContext) => CaseWorkflow) } = {}): void {
  built = deps;
  const workflow = options.workflow;
  testWorkflow = workflow === undefined ? undefined : typeof workflow === "function" ? workflow : () => workflow;
}
