import { MemoryDeliveryIndex } from "../../../../shared/adapters/memory/delivery-index.memory";
/** Literal ports for host-free tests of the partner API: memory stores, a recording workflow, a settable clock. */
import { MemoryInvoiceDocumentStore } from "../../../../shared/adapters/memory/invoice-document-store.memory";
import { MemoryReplayGuard } from "../../../../shared/adapters/memory/replay-guard.memory";
import { MemoryPaymentQueue } from "../../../../shared/adapters/memory/payment-queue.memory";
import { MemoryDeadLetters } from "../../../../shared/adapters/memory/dead-letters.memory";
import { MemoryBankPaymentStore } from "../../../../shared/adapters/memory/bank-payment-store.memory";
import { MemoryPaymentAttemptStore } from "../../../../shared/adapters/memory/payment-attempt-store.memory";
import { InvocationContext } from "@azure/functions";
import { MemoryCaseStore } from "../../../../shared/adapters/memory/case-store.memory";
import { MemoryEventPublisher } from "../../../../shared/adapters/memory/event-publisher.memory";
import { MemoryIdempotencyStore } from "../../../../shared/adapters/memory/idempotency-store.memory";
import { MemoryPartnerConnectionStore } from "../../../../shared/adapters/memory/partner-connection-store.memory";
import { MemoryInterestRateStore } from "../../../../shared/adapters/memory/interest-rate-store.memory";
import { MemoryPayLinkStore } from "../../../../shared/adapters/memory/pay-link-store.memory";
import { MemoryTenantStore } from "../../../../shared/adapters/memory/tenant-store.memory";
import { MemoryWebhookStore } from "../../../../shared/adapters/memory/webhook-store.memory";
import { MemoryKpiStore } from "../../../../shared/adapters/memory/kpi-store.memory";
import { makeProjectCaseEvent } from "../../../../shared/application/kpis/project-case-event";
import type { Settings } from "../../../../shared/config/settings";
import { generateApiKey } from "../../../../shared/http/api-keys";
import type { ArchivedLetter, LetterArchive } from "../../../../shared/ports/letter-archive";
import type { RootDeps } from "../../../../functions/index";
import type { RequestDeps } from "../../../../functions/deps";
import { RequestRateLimiter } from "../../../../shared/http/rate-limit";
import { questionSetClassifier } from "../../../../shared/application/assistant/question-set";
import type { CaseWorkflow } from "../../../../shared/ports/case-workflow";
import { seededRandom } from "../../../support/random";
import { makeDeliverWebhook } from "../../../../shared/application/webhooks/deliver-webhook";
import { makeFanOutEvent } from "../../../../shared/application/webhooks/fan-out";
import {
  makeListWebhooks,
  makeDeleteWebhook,
  makeRotateWebhookSecret,
  makeRegisterWebhook,
} from "../../../../shared/application/webhooks/register-webhook";
import type { WebhookDeliveryQueue } from "../../../../shared/ports/webhook-delivery-queue";
import { MemoryPartnerCommandQueue } from "../../../../shared/adapters/memory/partner-command-queue.memory";
import { FakePartnerGateway } from "../../../support/fake-partner-gateway";
import type { SecretVault } from "../../../../shared/ports/secret-vault";
import { MemoryMessageThreadStore } from "../../../../shared/adapters/memory/message-thread-store.memory";
import { MemoryDebtorUploadStore } from "../../../../shared/adapters/memory/debtor-upload-store.memory";
import { MemoryWorkItemStore } from "../../../../shared/adapters/memory/work-item-store.memory";

export const OPERATOR_KEY = "operator-key-for-unit-tests-only";

/** Every port the root hands out, plus the workflow these tests record (the same for every invocation). */
export type TestDeps = RootDeps & RequestDeps;

export interface TestWorld {
  deps: TestDeps;
  settings: Settings;
  events: MemoryEventPublisher;
  workflowCalls: Array<{ op: "start" | "caseChanged"; caseId: string; reason?: string }>;
  letters: ArchivedLetter[];
  clock: { now(): Date; set(iso: string): void };
  resolve: () => TestDeps;
  /** The `partner-commands` queue: what the sender would receive. */
  partnerCommands: MemoryPartnerCommandQueue;
  partnerGateway: FakePartnerGateway;
}

export function testSettings(overrides: Partial<Settings> = {}): Settings {
  return {
    DURABLE_TASK_HUB: "Test",
    COSMOS_ENDPOINT: "http://127.0.0.1:1/",
    COSMOS_DATABASE: "test",
    COSMOS_ENDPOINT_DISCOVERY: false,
    WEBHOOK_ALLOW_LOOPBACK_URLS: false,
    LETTERS_CONTAINER: "letters",
    VIPPS_WEBHOOK_MAX_SKEW_SECONDS: 300,
    SERVICE_REOPEN_LIMIT_SECONDS: 60,
    PAY_PAGE_RATE_PER_TOKEN: 60,
    PAY_PAGE_RATE_PER_CLIENT: 300,
    PAY_ASSISTANT_RATE_PER_TOKEN: 10,
    PAY_ASSISTANT_RATE_PER_CLIENT: 60,
    ASSISTANT_RATE_PER_CLIENT: 120,
    MINSIDE_SESSION_IDLE_MINUTES: 15,
    MINSIDE_SESSION_MAX_HOURS: 4,
    MINSIDE_OIDC_NATIONAL_ID_CLAIM: "pid",
    MINSIDE_OIDC_SCOPE: "openid",
    MINSIDE_PIN_MAX_ATTEMPTS: 5,
    PORTAL_SESSION_IDLE_MINUTES: 30,
    PORTAL_SESSION_MAX_HOURS: 10,
    PORTAL_OIDC_TENANT_CLAIM: "creditor_tenant",
    PORTAL_OIDC_SCOPE: "openid profile",
    OCR_INCOMING_CONTAINER: "ocr-incoming",
    KEY_VAULT_VERIFY_CHALLENGE_RESOURCE: true,
    PUBLIC_BASE_URL: "https://pay.example.test",
    OPERATOR_API_KEY: OPERATOR_KEY,
    ...overrides,
  };
}

export function testWorld(
  options: {
    now?: string;
    settings?: Partial<Settings>;
    /** Where the partner connections' secrets go (as with KEY_VAULT_URL); without one they stay in the document. */
    vault?: SecretVault;
  } = {},
): TestWorld {
  let now = new Date(options.now ?? "2026-11-02T10:00:00Z");
  const clock = { now: () => new Date(now), set: (iso: string) => (now = new Date(iso)) };
  const events = new MemoryEventPublisher();
  const workflowCalls: TestWorld["workflowCalls"] = [];
  const letters: ArchivedLetter[] = [];
  const archive: LetterArchive = {
    put: async (letter) => void letters.push(letter),
    get: async (tenantId, caseId, documentId) => {
      const l = letters.find((x) => x.tenantId === tenantId && x.caseId === caseId && x.documentId === documentId);
      return l && { content: l.content, contentType: l.contentType, metadata: { kind: l.kind } };
    },
    list: async (tenantId, caseId) => letters.filter((x) => x.tenantId === tenantId && x.caseId === caseId),
  };
  const settings = testSettings(options.settings);
  const workflow: CaseWorkflow = {
    start: async (caseId) => void workflowCalls.push({ op: "start", caseId }),
    caseChanged: async (caseId, reason) => void workflowCalls.push({ op: "caseChanged", caseId, reason }),
    state: async () => "running",
  };
  const tenants = new MemoryTenantStore();
  const webhooks = new MemoryWebhookStore();
  const random = seededRandom();
  const deliveries: WebhookDeliveryQueue = { send: async () => undefined, schedule: async () => undefined };
  const idempotency = new MemoryIdempotencyStore();
  const partnerCommands = new MemoryPartnerCommandQueue();
  const partnerGateway = new FakePartnerGateway();
  const cases = new MemoryCaseStore();
  const kpis = new MemoryKpiStore();
  const deps: TestDeps = {
    clock,
    random,
    cases,
    kpis,
    projectCaseEvent: makeProjectCaseEvent({ kpis }),
    tenants,
    payLinks: new MemoryPayLinkStore(),
    paymentAttempts: new MemoryPaymentAttemptStore(),
    paymentQueue: new MemoryPaymentQueue(),
    callbackReplays: new MemoryReplayGuard(),
    bankPayments: new MemoryBankPaymentStore(),
    deadLetters: new MemoryDeadLetters(),
    webhooks,
    interestRates: new MemoryInterestRateStore(),
    partnerConnections: new MemoryPartnerConnectionStore(options.vault === undefined ? {} : { vault: options.vault }),
    partnerCommands,
    partnerGateway,
    partnerCallbackReplays: new MemoryReplayGuard(),
    idempotency,
    events,
    sms: { send: async () => ({ ok: true, messageId: "m-1" }) },
    letters: archive,
    letterChannels: {},
    deliveryIndex: new MemoryDeliveryIndex(),
    invoiceDocuments: new MemoryInvoiceDocumentStore(),
    printBatches: { closeBatch: async () => null } as unknown as RootDeps["printBatches"],
    printReceiptFiles: { listRejected: async () => [] } as unknown as RootDeps["printReceiptFiles"],
    deliveryReportsFor: () => ({ record: async () => "unknown-message" as const }),
    publicBaseUrl: settings.PUBLIC_BASE_URL,
    debtorUploads: new MemoryDebtorUploadStore(),
    messageThreads: new MemoryMessageThreadStore(),
    personCases: cases,
    caseSearch: cases,
    workItems: new MemoryWorkItemStore(),
    // Nobody is signed in to Min side unless a test says so (tests/unit/functions/debtor-actions/).
    resolveSession: async () => undefined,
    workflow,
    workflowFor: () => workflow,
    lookupApiKey: async (keyId) => {
      const record = await tenants.findApiKey(keyId);
      return record && { tenantId: record.tenantId, keyHash: record.keyHash };
    },
    operatorApiKey: settings.OPERATOR_API_KEY ?? "",
    allowLoopbackUrls: settings.WEBHOOK_ALLOW_LOOPBACK_URLS,
    payPageLimiter: new RequestRateLimiter({
      token: { points: settings.PAY_PAGE_RATE_PER_TOKEN, durationSeconds: 60 },
      client: { points: settings.PAY_PAGE_RATE_PER_CLIENT, durationSeconds: 60 },
    }),
    payAssistantLimiter: new RequestRateLimiter({
      token: { points: settings.PAY_ASSISTANT_RATE_PER_TOKEN, durationSeconds: 60 },
      client: { points: settings.PAY_ASSISTANT_RATE_PER_CLIENT, durationSeconds: 60 },
    }),
    intentClassifier: questionSetClassifier,
    assistantLimiter: new RequestRateLimiter({
      client: { points: settings.ASSISTANT_RATE_PER_CLIENT, durationSeconds: 60 },
    }),
    vippsWebhookMaxSkewSeconds: settings.VIPPS_WEBHOOK_MAX_SKEW_SECONDS,
    reopenLimitSeconds: settings.SERVICE_REOPEN_LIMIT_SECONDS,
    idempotencyStore: idempotency,
    registerWebhook: makeRegisterWebhook({
      webhooks,
      clock,
      random,
      allowLoopback: settings.WEBHOOK_ALLOW_LOOPBACK_URLS,
    }),
    listWebhooks: makeListWebhooks({ webhooks }),
    deleteWebhook: makeDeleteWebhook({ webhooks }),
    rotateWebhookSecret: makeRotateWebhookSecret({ webhooks, clock, random }),
    fanOutEvent: makeFanOutEvent({ webhooks, queue: deliveries }),
    deliverWebhook: makeDeliverWebhook({
      webhooks,
      queue: deliveries,
      sender: { send: async () => ({ kind: "answered", status: 204 }) },
      clock,
      signingClock: clock,
      random,
    }),
  };
  return {
    deps,
    settings,
    events,
    workflowCalls,
    letters,
    clock,
    resolve: () => deps,
    partnerCommands,
    partnerGateway,
  };
}

/** A tenant with a key, straight into the store. */
export async function seedTenant(
  world: TestWorld,
  tenantId = "t_alpha",
  country: "NO" = "NO",
): Promise<{ tenantId: string; apiKey: string }> {
  const key = generateApiKey("test");
  const at = world.clock.now().toISOString();
  await world.deps.tenants.create(
    {
      schemaVersion: 1,
      tenantId,
      name: `Creditor ${tenantId}`,
      senderName: "Fjordnett",
      orgNumber: "974760673",
      country,
      policy: null,
      createdAt: at,
      updatedAt: at,
    },
    { keyId: key.keyId, tenantId, keyHash: key.keyHash, createdAt: at },
  );
  return { tenantId, apiKey: key.apiKey };
}

export function context(): InvocationContext {
  return new InvocationContext({
    invocationId: "11111111-2222-4333-8444-555555555555",
    functionName: "test",
    logHandler: () => undefined,
  });
}

export function invoiceBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    invoiceNumber: "INV-1",
    customer: {
      customerId: "cust-1",
      name: "Kari Nordmann",
      phone: "+4791234567",
      consent: { sms: true, email: false },
    },
    amount: { value: 129900, currency: "NOK" },
    issueDate: "2026-10-20",
    dueDate: "2026-11-05",
    ...overrides,
  };
}
