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
import { createCosmosDatabase } from "../shared/adapters/cosmos/database.cosmos";
import { CosmosIdempotencyStore } from "../shared/adapters/cosmos/idempotency-store.cosmos";
import { CosmosPayLinkStore } from "../shared/adapters/cosmos/pay-link-store.cosmos";
import { CosmosPaymentAttemptStore } from "../shared/adapters/cosmos/payment-attempt-store.cosmos";
import { CosmosTenantStore } from "../shared/adapters/cosmos/tenant-store.cosmos";
import { CosmosWebhookStore } from "../shared/adapters/cosmos/webhook-store.cosmos";
import { DurableCaseWorkflow } from "../shared/adapters/durable/case-workflow.durable";
import { vippsApiConfigFrom } from "../shared/adapters/vipps/api-client.vipps";
import { VippsPaymentProvider } from "../shared/adapters/vipps/payment-provider.vipps";
import { VippsWebhookRegistry } from "../shared/adapters/vipps/webhooks-api.vipps";
import { VippsWebhookVerifier } from "../shared/adapters/vipps/webhook-verifier.vipps";
import { fetchWebhookSender } from "../shared/adapters/http/webhook-sender.fetch";
import { createServiceBusClient, ServiceBusEventPublisher } from "../shared/adapters/service-bus/event-publisher.service-bus";
import { ServiceBusPaymentQueue } from "../shared/adapters/service-bus/payment-queue.service-bus";
import { ServiceBusWebhookDeliveryQueue } from "../shared/adapters/service-bus/webhook-delivery-queue.service-bus";
import type { Letterhead } from "../shared/application/execute-step";
import { makeDeliverWebhook } from "../shared/application/webhooks/deliver-webhook";
import { makeFanOutEvent } from "../shared/application/webhooks/fan-out";
import { makeListWebhooks, makeRegisterWebhook } from "../shared/application/webhooks/register-webhook";
import type { WebhookDeliveryQueue } from "../shared/ports/webhook-delivery-queue";
import { settings as readSettings, type Settings } from "../shared/config/settings";
import { NorwegianAccount } from "../shared/domain/identifiers/bank-account";
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
import { cryptoRandom } from "../shared/adapters/node/random.crypto";
import type { Random } from "../shared/ports/random";
import type { SmsSender } from "../shared/ports/sms-sender";
import type { TenantStore } from "../shared/ports/tenant-store";
import type { WebhookStore } from "../shared/ports/webhook-store";
import { tenantKeyLookup } from "./api/edge";
import type { WebhooksDeps } from "./webhooks";

export interface AppDeps {
  settings: Settings;
  clock: Clock;
  random: Random;
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
  const database = createCosmosDatabase(s);
  const serviceBus = createServiceBusClient(s);
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
    random: cryptoRandom,
    cases: new CosmosCaseStore({ database }),
    tenants: new CosmosTenantStore({ database }),
    payLinks: new CosmosPayLinkStore({ database }),
    paymentAttempts: new CosmosPaymentAttemptStore({ database }),
    webhooks: new CosmosWebhookStore({ database }),
    idempotency: new CosmosIdempotencyStore({ database }),
    events: new ServiceBusEventPublisher({ client: serviceBus }),
    webhookDeliveries: new ServiceBusWebhookDeliveryQueue({ client: serviceBus }),
    paymentQueue: new ServiceBusPaymentQueue({ client: serviceBus }),
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

// ---------------------------------------------------------------------------------------------------------------
// Webhooks (functions/webhooks/index.ts `registerWebhooks`)

const webhooksBuilt = new WeakMap<AppDeps, WebhooksDeps>();

/**
 * Where AppDeps has no delivery queue (tests that leave it out): one on its own Service Bus client, created on first
 * use (HTTP functions never need it).
 */
function lazyDeliveryQueue(settings: Settings): WebhookDeliveryQueue {
  let queue: ServiceBusWebhookDeliveryQueue | undefined;
  const get = () => (queue ??= new ServiceBusWebhookDeliveryQueue({ client: createServiceBusClient(settings) }));
  return {
    send: (deliveries) => get().send(deliveries),
    schedule: (delivery, at) => get().schedule(delivery, at),
  };
}

/** The webhook functions' use cases from the app's ports (built once per AppDeps object). */
export function webhooksDeps(deps: AppDeps = appDeps()): WebhooksDeps {
  let out = webhooksBuilt.get(deps);
  if (out === undefined) {
    const queue = deps.webhookDeliveries ?? lazyDeliveryQueue(deps.settings);
    out = {
      // The partner API's lookup: the same keys, and the dev host's demo creditor seeded on first use of its key.
      lookupApiKey: tenantKeyLookup(deps),
      idempotencyStore: deps.idempotency,
      clock: deps.clock,
      registerWebhook: makeRegisterWebhook({
        webhooks: deps.webhooks,
        clock: deps.clock,
        random: deps.random,
        // Loopback webhook URLs (http://127.0.0.1:…) only where the setting allows them (local runs).
        allowLoopback: deps.settings.WEBHOOK_ALLOW_LOOPBACK_URLS,
      }),
      listWebhooks: makeListWebhooks({ webhooks: deps.webhooks }),
      fanOutEvent: makeFanOutEvent({ webhooks: deps.webhooks, queue }),
      deliverWebhook: makeDeliverWebhook({
        webhooks: deps.webhooks,
        queue,
        sender: fetchWebhookSender,
        clock: deps.clock,
        // `webhook-timestamp` is checked by receivers against THEIR wall clock: always the real time, also where the
        // app clock is virtual (the dev host passes its virtual clock as `clock`, never as this one).
        signingClock: systemClock,
        random: deps.random,
      }),
    };
    webhooksBuilt.set(deps, out);
  }
  return out;
}
