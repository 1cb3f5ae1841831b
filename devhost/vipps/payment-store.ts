/**
 * The Vipps simulator's state: payments, webhook registrations, the answers kept for idempotent replays and the
 * settlement ledger (ledger.ts). It is loaded from `<dataDir>/vipps/state.json` on start and written back atomically
 * (coalescing bursts) before an answer is sent, so it survives restarts.
 */
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { join } from "node:path";
import { z } from "zod";
import { CoalescingWriter, readJsonFile, writeFileAtomic } from "../atomic-file";
import { ApiProblem } from "./api-problem";
import { LedgerEntry } from "./ledger";
import { SimulatedPayment } from "./payment";
import { REFERENCE } from "./validation";

const WebhookRegistration = z.object({
  id: z.string(),
  url: z.string(),
  events: z.array(z.string()),
  secret: z.string(),
});
export type WebhookRegistration = z.infer<typeof WebhookRegistration>;

const IdempotentAnswer = z.object({ requestHash: z.string(), status: z.number().int(), body: z.unknown() });
type IdempotentAnswer = z.infer<typeof IdempotentAnswer>;

const StateFile = z.object({
  version: z.literal(1),
  payments: z.array(SimulatedPayment),
  webhooks: z.array(WebhookRegistration),
  idempotency: z.record(z.string(), IdempotentAnswer),
  /** The settlement ledger (ledger.ts); absent in state files written before it was kept. */
  ledger: z.array(LedgerEntry).default([]),
});

/** What a 2xx/4xx answer of the API is, so idempotent replays can send it again. */
export interface Answer {
  status: number;
  body: unknown;
}

export class PaymentStore {
  private readonly statePath: string;
  private readonly writer: CoalescingWriter;
  private payments = new Map<string, SimulatedPayment>();
  private registrations: WebhookRegistration[] = [];
  private idempotency: Record<string, IdempotentAnswer> = {};
  private entries: LedgerEntry[] = [];
  private loaded = false;

  constructor(dataDir: string) {
    this.statePath = join(dataDir, "vipps", "state.json");
    this.writer = new CoalescingWriter(() =>
      writeFileAtomic(
        this.statePath,
        JSON.stringify({
          version: 1,
          payments: [...this.payments.values()],
          webhooks: this.registrations,
          idempotency: this.idempotency,
          ledger: this.entries,
        }),
      ),
    );
  }

  /** Reads the state file once (a missing file is an empty state; an invalid one throws). */
  async load(): Promise<void> {
    if (this.loaded) return;
    const raw = await readJsonFile(this.statePath);
    if (raw !== undefined) {
      const parsed = StateFile.safeParse(raw);
      if (!parsed.success) throw new Error(`VippsSimulator: ${this.statePath} is not a valid state file`);
      this.payments = new Map(parsed.data.payments.map((p) => [p.reference, p]));
      this.registrations = parsed.data.webhooks;
      this.idempotency = parsed.data.idempotency;
      this.entries = parsed.data.ledger;
    }
    this.loaded = true;
  }

  /** Resolves once every change made so far is on disk. */
  save(): Promise<void> {
    return this.writer.request();
  }

  /** Waits for the write under way, if any. */
  idle(): Promise<void> {
    return this.writer.idle();
  }

  // ---- payments -----------------------------------------------------------------------------------------------------

  get paymentCount(): number {
    return this.payments.size;
  }

  has(reference: string): boolean {
    return this.payments.has(reference);
  }

  get(reference: string): SimulatedPayment | undefined {
    return this.payments.get(reference);
  }

  /** The payment, or a 404 problem (naming the reference only when it is a valid one). */
  find(reference: string): SimulatedPayment {
    const payment = this.payments.get(reference);
    if (!payment)
      throw new ApiProblem(
        404,
        "Not Found",
        `No payment with reference ${REFERENCE.test(reference) ? reference : "(invalid)"}.`,
      );
    return payment;
  }

  add(payment: SimulatedPayment): void {
    this.payments.set(payment.reference, payment);
  }

  /** Every payment, newest first, as copies. */
  list(): SimulatedPayment[] {
    return [...this.payments.values()].reverse().map((p) => structuredClone(p));
  }

  // ---- settlement ledger ------------------------------------------------------------------------------------------

  /** Every entry booked, oldest first (the feed's order). */
  get ledger(): readonly LedgerEntry[] {
    return this.entries;
  }

  /** Books an entry; it is written with the next save (the answer of the capture or refund that booked it). */
  book(entry: LedgerEntry): void {
    this.entries.push(entry);
  }

  // ---- idempotency --------------------------------------------------------------------------------------------------

  /**
   * The answer given earlier under `slot` when the same request body comes again; a 409 problem when the key was
   * used with another body; undefined for a request not seen before.
   */
  replay(slot: string, body: Buffer): Answer | undefined {
    const earlier = this.idempotency[slot];
    if (!earlier) return undefined;
    if (earlier.requestHash !== requestHash(body)) {
      throw new ApiProblem(409, "Conflict", "The Idempotency-Key was already used with a different request body.", [
        { name: "Idempotency-Key", reason: "already used with a different request" },
      ]);
    }
    return { status: earlier.status, body: earlier.body };
  }

  /** Keeps `answer` for replays of this request and writes the state. */
  async remember(slot: string, body: Buffer, answer: Answer): Promise<void> {
    this.idempotency[slot] = { requestHash: requestHash(body), ...answer };
    await this.save();
  }

  // ---- webhook registrations ----------------------------------------------------------------------------------------

  get webhooks(): readonly WebhookRegistration[] {
    return this.registrations;
  }

  /** A new registration with a fresh id and secret (`POST /webhooks/v1/webhooks`), written before it resolves. */
  async addWebhook(url: string, events: string[]): Promise<WebhookRegistration> {
    const registration = { id: randomUUID(), url, events, secret: newWebhookSecret() };
    this.registrations.push(registration);
    await this.save();
    return registration;
  }

  /**
   * Registers `url` or, when it is registered already, updates its events and secret (the secret stays unless one is
   * given); registrations `replaces` accepts (other than `url`) are dropped first.
   */
  async upsertWebhook(input: {
    url: string;
    secret: string | undefined;
    events: string[];
    replaces: ((url: string) => boolean) | undefined;
  }): Promise<WebhookRegistration> {
    const replaces = input.replaces;
    if (replaces) this.registrations = this.registrations.filter((w) => w.url === input.url || !replaces(w.url));
    const existing = this.registrations.find((w) => w.url === input.url);
    const secret = input.secret ?? existing?.secret ?? newWebhookSecret();
    if (existing) {
      existing.events = input.events;
      existing.secret = secret;
    } else {
      this.registrations.push({ id: randomUUID(), url: input.url, events: input.events, secret });
    }
    await this.save();
    return this.registrations.find((w) => w.url === input.url)!;
  }

  /** Deletes the registration; false when there is none with that id. */
  async removeWebhook(id: string): Promise<boolean> {
    const before = this.registrations.length;
    this.registrations = this.registrations.filter((w) => w.id !== id);
    if (this.registrations.length === before) return false;
    await this.save();
    return true;
  }
}

function requestHash(body: Buffer): string {
  return createHash("sha256").update(body).digest("base64");
}

function newWebhookSecret(): string {
  return randomBytes(64).toString("base64");
}
