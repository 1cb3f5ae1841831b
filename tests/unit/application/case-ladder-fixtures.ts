import { ruleSetFor } from "../../../shared/domain/rules";
import { RecordingEmail, RecordingMailbox, RecordingPrintHouse } from "../../support/letter-channels";
import { MemoryDeliveryIndex } from "../../../shared/adapters/memory/delivery-index.memory";
import { MemoryDebtorContactStore } from "../../../shared/adapters/memory/debtor-contact-store.memory";
import { makeRecordDeliveryReport, makeRedeliverLetters } from "../../../shared/application/letters/deliver-letter";
import type { DeliveryReportSink } from "../../../shared/ports/delivery-report";
import { todayIn } from "../../../shared/application/case-context";
import { MemoryPartnerCommandQueue } from "../../../shared/adapters/memory/partner-command-queue.memory";
/** Fixtures for the case-ladder use cases: a Norwegian creditor, one invoice, memory stores and literal ports. */
import { MemoryCaseStore } from "../../../shared/adapters/memory/case-store.memory";
import { MemoryEventPublisher } from "../../../shared/adapters/memory/event-publisher.memory";
import { MemoryPayLinkStore } from "../../../shared/adapters/memory/pay-link-store.memory";
import { MemoryTenantStore } from "../../../shared/adapters/memory/tenant-store.memory";
import { caseIdFor } from "../../../shared/domain/case-id";
import type { ExecuteStepDeps } from "../../../shared/application/execute-step";
import type { Letterhead } from "../../../shared/letters";
import { openCase } from "../../../shared/domain/case";
import { generateKid } from "../../../shared/domain/identifiers/kid";
import { money } from "../../../shared/domain/money";
import type { CaseRecord, CustomerDetails } from "../../../shared/ports/case-store";
import type { ArchivedLetter, LetterArchive, LetterSummary } from "../../../shared/ports/letter-archive";
import type { SmsMessage, SmsSendOutcome, SmsSender } from "../../../shared/ports/sms-sender";
import type { Tenant } from "../../../shared/ports/tenant-store";
import { seededRandom } from "../../support/random";

export const TENANT_ID = "t_fjordkraft";
export const PUBLIC_BASE_URL = "https://pay.example.no";

export const LETTERHEAD: Letterhead = {
  address: { lines: ["Postboks 1"], postalCode: "0101", city: "Oslo" },
  accountNumber: "12345678903",
  contact: { phone: "22 12 34 56", web: "www.example.no" },
};

export function tenant(overrides: Partial<Tenant> = {}): Tenant {
  return {
    schemaVersion: 1,
    tenantId: TENANT_ID,
    name: "Fjordkraft Demo AS",
    senderName: "Fjordkraft",
    orgNumber: "923609016",
    country: "NO",
    policy: null,
    createdAt: "2026-11-01T00:00:00.000Z",
    updatedAt: "2026-11-01T00:00:00.000Z",
    ...overrides,
  };
}

export const CUSTOMER: CustomerDetails = {
  customerId: "cust-1",
  name: "Kari Nordmann",
  phone: "+4791234567",
  address: { lines: ["Storgata 1"], postalCode: "0150", city: "Oslo", country: "NO" },
  consent: { sms: true, email: false },
};

/** An open case for invoice `invoiceNumber` of NOK 1 250, due `dueDate`. */
export function caseRecord(
  invoiceNumber: string,
  dueDate: string,
  customer: CustomerDetails = CUSTOMER,
  issueDate = "2026-11-01",
): CaseRecord {
  const caseId = caseIdFor(TENANT_ID, invoiceNumber);
  const c = openCase({
    id: caseId,
    tenantId: TENANT_ID,
    creditorId: TENANT_ID,
    invoiceNumber,
    country: "NO",
    currency: "NOK",
    debtor: { ref: customer.customerId, kind: "consumer" },
    lines: [{ description: "Strøm for oktober 2026", amount: money(1250_00, "NOK") }],
    issueDate,
    dueDate,
  });
  const at = `${issueDate}T08:00:00.000Z`;
  return {
    schemaVersion: 1,
    caseId,
    tenantId: TENANT_ID,
    invoiceNumber,
    customerId: customer.customerId,
    kid: generateKid("1234567", "MOD10"),
    customer,
    case: c,
    timeline: [{ at, kind: "created", title: `Invoice ${invoiceNumber} handed over` }],
    documents: [],
    sentKeys: [],
    createdAt: at,
    updatedAt: at,
  };
}

/** An SMS gateway that keeps what it delivered and, like the port demands, delivers once per idempotency key. */
export class RecordingSms implements SmsSender {
  readonly delivered: SmsMessage[] = [];
  readonly attempts: SmsMessage[] = [];
  /** Answers to give before delivering (consumed in order). */
  readonly failures: SmsSendOutcome[] = [];

  async send(message: SmsMessage): Promise<SmsSendOutcome> {
    this.attempts.push(message);
    const failure = this.failures.shift();
    if (failure) return failure;
    const earlier = this.delivered.findIndex((m) => m.idempotencyKey === message.idempotencyKey);
    if (earlier < 0) this.delivered.push(message);
    return { ok: true, messageId: `msg-${earlier < 0 ? this.delivered.length : earlier + 1}` };
  }
}

/** A letter archive with the port's create-only rule (same content again is fine, other content is refused). */
export class RecordingLetters implements LetterArchive {
  readonly letters = new Map<string, ArchivedLetter>();
  puts = 0;

  async put(letter: ArchivedLetter): Promise<void> {
    this.puts += 1;
    const id = `${letter.tenantId}/${letter.caseId}/${letter.documentId}`;
    const existing = this.letters.get(id);
    if (existing) {
      if (existing.content.equals(letter.content)) return;
      throw Object.assign(new Error("already archived"), { code: "LETTER_ALREADY_ARCHIVED" });
    }
    this.letters.set(id, letter);
  }

  async get(tenantId: string, caseId: string, documentId: string) {
    const l = this.letters.get(`${tenantId}/${caseId}/${documentId}`);
    return l ? { content: l.content, contentType: l.contentType, metadata: { kind: l.kind } } : undefined;
  }

  async list(tenantId: string, caseId: string): Promise<LetterSummary[]> {
    return [...this.letters.values()]
      .filter((l) => l.tenantId === tenantId && l.caseId === caseId)
      .map((l) => ({ documentId: l.documentId, kind: l.kind, contentType: l.contentType, createdAt: l.createdAt }));
  }
}

export interface World {
  deps: ExecuteStepDeps;
  cases: MemoryCaseStore;
  tenants: MemoryTenantStore;
  payLinks: MemoryPayLinkStore;
  events: MemoryEventPublisher;
  sms: RecordingSms;
  letters: RecordingLetters;
  clock: { now: () => Date; set: (iso: string) => void };
  /** The suspension step's commands to the partner systems. */
  partnerCommands: MemoryPartnerCommandQueue;
  email: RecordingEmail;
  mailbox: RecordingMailbox;
  printHouse: RecordingPrintHouse;
  deliveryIndex: MemoryDeliveryIndex;
  /** The application's delivery-report sink over this world. */
  reports: DeliveryReportSink;
  /** The print house posts every letter handed to it so far, now. */
  post: () => Promise<number>;
  /** The application's "send the undelivered letters again" over this world. */
  redeliverLetters: (tenantId: string, caseId: string) => Promise<number>;
}

export async function world(startAt: string, t: Tenant = tenant()): Promise<World> {
  let now = new Date(startAt);
  const clock = { now: () => new Date(now), set: (iso: string) => void (now = new Date(iso)) };
  const cases = new MemoryCaseStore();
  const tenants = new MemoryTenantStore();
  await tenants.create(t, { keyId: "k1", tenantId: t.tenantId, keyHash: "x", createdAt: t.createdAt });
  const payLinks = new MemoryPayLinkStore();
  const events = new MemoryEventPublisher();
  const sms = new RecordingSms();
  const letters = new RecordingLetters();
  const partnerCommands = new MemoryPartnerCommandQueue();
  const email = new RecordingEmail();
  const mailbox = new RecordingMailbox();
  const printHouse = new RecordingPrintHouse();
  const deliveryIndex = new MemoryDeliveryIndex();
  const deps: ExecuteStepDeps = {
    cases,
    tenants,
    sms,
    letters,
    payLinks,
    events,
    clock,
    random: seededRandom(),
    partnerCommands,
    config: { publicBaseUrl: PUBLIC_BASE_URL, letterhead: LETTERHEAD },
    channels: { email, mailbox, printHouse },
    deliveryIndex,
    debtorContacts: new MemoryDebtorContactStore(),
  };
  const deliverDeps = {
    ...deps,
    channels: { email, mailbox, printHouse },
    deliveryIndex,
    rulesFor: async (r: CaseRecord, at: Date) => ruleSetFor(r.case.country, todayIn(r.case.country, at)),
  };
  const reports: DeliveryReportSink = { record: makeRecordDeliveryReport(deliverDeps) };
  const redeliverLetters = makeRedeliverLetters(deliverDeps);
  const post = () => printHouse.post(reports, clock.now().toISOString());
  return {
    deps,
    cases,
    tenants,
    payLinks,
    events,
    sms,
    letters,
    clock,
    partnerCommands,
    email,
    mailbox,
    printHouse,
    deliveryIndex,
    reports,
    post,
    redeliverLetters,
  };
}
