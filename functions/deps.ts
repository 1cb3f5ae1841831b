/**
 * The ports every area of the app is wired with — TYPES ONLY. The composition root (functions/index.ts) builds them,
 * lazily, from the settings; each area declares the slice it needs (`ApiDeps`, `CasesDeps`, `PaymentsDeps`,
 * `WebhooksDeps`) and receives it through its `register<Area>(deps: () => <Area>Deps)`. A function file imports this
 * module, never the root, so tests (and any host) wire the very same functions with literal ports.
 */
import type { InvocationContext } from "@azure/functions";
import type { Letterhead } from "../shared/letters/letter-model";
import type { BankPaymentStore } from "../shared/ports/bank-payment-store";
import type { CaseStore } from "../shared/ports/case-store";
import type { CaseWorkflow } from "../shared/ports/case-workflow";
import type { Clock } from "../shared/ports/clock";
import type { EventPublisher } from "../shared/ports/event-publisher";
import type { IdempotencyStore } from "../shared/ports/idempotency-store";
import type { InterestRateStore } from "../shared/ports/interest-rate-store";
import type { LetterArchive } from "../shared/ports/letter-archive";
import type { PartnerCommandQueue } from "../shared/ports/partner-command-queue";
import type { PartnerConnectionStore } from "../shared/ports/partner-connection-store";
import type { PartnerGateway } from "../shared/ports/partner-gateway";
import type { PayLinkStore } from "../shared/ports/pay-link-store";
import type { PaymentAttemptStore } from "../shared/ports/payment-attempt-store";
import type { PaymentProvider, PaymentWebhookRegistry, PaymentWebhookVerifier } from "../shared/ports/payment-provider";
import type { PaymentQueue } from "../shared/ports/payment-queue";
import type { Random } from "../shared/ports/random";
import type { ReplayGuard } from "../shared/ports/replay-guard";
import type { SmsSender } from "../shared/ports/sms-sender";
import type { TenantStore } from "../shared/ports/tenant-store";
import type { WebhookStore } from "../shared/ports/webhook-store";
import type { DeliveryIndex } from "../shared/ports/delivery-index";
import type { DebtorContactStore } from "../shared/ports/debtor-contact-store";
import type { DigitalMailbox } from "../shared/ports/digital-mailbox";
import type { EmailSender } from "../shared/ports/email-sender";
import type { PrintHouse } from "../shared/ports/print-house";
import type { InvoiceDocumentStore } from "../shared/ports/invoice-document-store";
import type { WorkItemStore } from "../shared/ports/work-item-store";

/** The process-wide ports: built once per process, on first use. */
export interface AppDeps {
  clock: Clock;
  /** Customer service's inbox of work (issue 16): debtor messages, payment reports, disputes; absent in some tests. */
  workItems?: WorkItemStore;
  /** Randomness for tokens, ids and jitter (cryptographic in the app; seeded in tests). */
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
  /** Each tenant's connection to its partner system (base URL, role, credentials); set through the partner API. */
  partnerConnections: PartnerConnectionStore;
  /** The late-interest rates operators entered (laid over the rule sets' seed tables). */
  interestRates: InterestRateStore;
  /** The Service Bus session queue `partner-commands`: suspend/reopen commands, one session per service. */
  partnerCommands: PartnerCommandQueue;
  /** TMF641 ServiceOrders to the tenant's partner system (the connection is given on every call). */
  partnerGateway: PartnerGateway;
  /** Partner callbacks seen recently (replays refused); in this instance's memory. */
  partnerCallbackReplays: ReplayGuard;
  idempotency: IdempotencyStore;
  events: EventPublisher;
  sms: SmsSender;
  letters: LetterArchive;
  /** Where letters go (a channel left out is never chosen): e-mail, digital mailbox, print house. */
  letterChannels: { email?: EmailSender; mailbox?: DigitalMailbox; printHouse?: PrintHouse };
  deliveryIndex: DeliveryIndex;
  /** The creditors' own PDFs of their invoices (`INVOICE_DOCUMENTS_CONTAINER`), offered on Min side. */
  invoiceDocuments: InvoiceDocumentStore;
  /** The last SMS each debtor got from each creditor (one SMS per debtor at a time); absent: every step sends its own. */
  debtorContacts?: DebtorContactStore;
  /** `PUBLIC_BASE_URL`: base of the short pay links. */
  publicBaseUrl: string;
  /** `MINSIDE_PIN_SECRET`: letters print the case number and PIN for Min side (issue 15); absent, no PIN line. */
  minSidePinSecret?: string;
  /**
   * The sender block printed on letters (`LETTERHEAD`); without it letter steps end "not-executed". Its `name` and
   * contact details are the agency's on pay pages and receipts.
   */
  letterhead?: Letterhead & { name?: string };
}

/** The case orchestrations through THIS invocation's durable client (the function declares the durable client input). */
export type WorkflowFor = (context: InvocationContext) => CaseWorkflow;

/** What a use case gets for one invocation: the app's ports and the workflow bound to the invocation. */
export interface RequestDeps extends AppDeps {
  workflow: CaseWorkflow;
}

/**
 * The app's ports for one invocation. The durable client is only reached when the workflow is actually used, so a
 * function that never touches an orchestration need not declare the durable client input.
 */
export function forInvocation<D extends AppDeps & { workflowFor: WorkflowFor }>(
  deps: D,
  context: InvocationContext,
): D & RequestDeps {
  let resolved: CaseWorkflow | undefined;
  const workflow = (): CaseWorkflow => (resolved ??= deps.workflowFor(context));
  return {
    ...deps,
    workflow: {
      start: async (caseId, planned) => workflow().start(caseId, planned),
      caseChanged: async (caseId, reason, change) => workflow().caseChanged(caseId, reason, change),
      state: async (caseId) => workflow().state(caseId),
    },
  };
}
