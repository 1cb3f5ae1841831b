/**
 * The partner simulator's state: orders (and so the `externalId` idempotency index), the service inventory, hub
 * registrations, the callback deliveries still to make (and the last ones made), and the hashes of the access tokens
 * it issued. Loaded from `<dataDir>/partner/state.json` on start and written back atomically (coalescing bursts)
 * before an answer is sent and after every step, so a restart loses nothing.
 */
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { z } from "zod";
import { CoalescingWriter, readJsonFile, writeFileAtomic } from "../atomic-file";
import { InventoryService, SimulatedOrder, type ServiceState } from "./order";

const DELIVERY_LOG_LIMIT = 200;

export const HubRegistration = z.object({ id: z.string(), callback: z.string(), query: z.string().optional() });
export type HubRegistration = z.infer<typeof HubRegistration>;

export const Delivery = z.object({
  /** The event's id: `webhook-id` of every attempt. */
  eventId: z.string(),
  hubId: z.string(),
  orderId: z.string(),
  /** The order state the event reports. */
  state: z.string(),
  /** The exact body sent on every attempt. */
  body: z.string(),
  attempts: z.number().int(),
  /** When (virtual ms) the next attempt is due. */
  nextAttemptAt: z.number().int(),
  status: z.enum(["pending", "delivered", "failed"]),
  lastStatus: z.union([z.number().int(), z.literal("network-error")]).optional(),
  at: z.string(),
});
export type Delivery = z.infer<typeof Delivery>;

const IssuedToken = z.object({ hash: z.string(), expiresAt: z.number() });
export type IssuedToken = z.infer<typeof IssuedToken>;

const StateFile = z.object({
  version: z.literal(1),
  orders: z.array(SimulatedOrder),
  services: z.array(InventoryService),
  hubs: z.array(HubRegistration),
  deliveries: z.array(Delivery),
  tokens: z.array(IssuedToken),
});

export class PartnerStore {
  private readonly statePath: string;
  private readonly writer: CoalescingWriter;
  private orders = new Map<string, SimulatedOrder>();
  private byExternalId = new Map<string, string>();
  private services = new Map<string, InventoryService>();
  private hubList: HubRegistration[] = [];
  private deliveryList: Delivery[] = [];
  private tokenList: IssuedToken[] = [];
  private loaded = false;

  constructor(dataDir: string) {
    this.statePath = join(dataDir, "partner", "state.json");
    this.writer = new CoalescingWriter(() =>
      writeFileAtomic(
        this.statePath,
        JSON.stringify({
          version: 1,
          orders: [...this.orders.values()],
          services: [...this.services.values()],
          hubs: this.hubList,
          deliveries: this.deliveryList,
          tokens: this.tokenList,
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
      if (!parsed.success) throw new Error(`PartnerSimulator: ${this.statePath} is not a valid state file`);
      this.orders = new Map(parsed.data.orders.map((o) => [o.id, o]));
      this.byExternalId = new Map(parsed.data.orders.map((o) => [o.externalId, o.id]));
      this.services = new Map(parsed.data.services.map((s) => [s.id, s]));
      this.hubList = parsed.data.hubs;
      this.deliveryList = parsed.data.deliveries;
      this.tokenList = parsed.data.tokens;
    }
    this.loaded = true;
  }

  /** Resolves once every change made so far is on disk. */
  save(): Promise<void> {
    return this.writer.request();
  }

  idle(): Promise<void> {
    return this.writer.idle();
  }

  // ---- orders -------------------------------------------------------------------------------------------------------

  order(id: string): SimulatedOrder | undefined {
    return this.orders.get(id);
  }

  orderByExternalId(externalId: string): SimulatedOrder | undefined {
    const id = this.byExternalId.get(externalId);
    return id === undefined ? undefined : this.orders.get(id);
  }

  addOrder(order: SimulatedOrder): void {
    this.orders.set(order.id, order);
    this.byExternalId.set(order.externalId, order.id);
  }

  /** Every order, oldest first (live objects: the simulator changes them). */
  allOrders(): SimulatedOrder[] {
    return [...this.orders.values()];
  }

  // ---- inventory ----------------------------------------------------------------------------------------------------

  service(id: string): InventoryService | undefined {
    return this.services.get(id);
  }

  /** A service the partner has not seen before is taken to exist and be active (as a customer's service is). */
  ensureService(id: string, now: number): void {
    if (!this.services.has(id)) this.services.set(id, { id, state: "active", updatedAt: new Date(now).toISOString() });
  }

  setServiceState(id: string, state: ServiceState, orderId: string, now: number): void {
    this.services.set(id, { id, state, lastOrderId: orderId, updatedAt: new Date(now).toISOString() });
  }

  allServices(): InventoryService[] {
    return [...this.services.values()];
  }

  // ---- hubs ---------------------------------------------------------------------------------------------------------

  get hubs(): readonly HubRegistration[] {
    return this.hubList;
  }

  /**
   * Registers `callback` (the same callback again keeps its registration); registrations `replaces` accepts, other
   * than this callback, are dropped first.
   */
  upsertHub(callback: string, query?: string, replaces?: (callback: string) => boolean): HubRegistration {
    if (replaces) this.hubList = this.hubList.filter((h) => h.callback === callback || !replaces(h.callback));
    const existing = this.hubList.find((h) => h.callback === callback);
    if (existing) {
      if (query !== undefined) existing.query = query;
      return existing;
    }
    const hub: HubRegistration = { id: randomUUID(), callback, ...(query !== undefined ? { query } : {}) };
    this.hubList.push(hub);
    return hub;
  }

  removeHub(id: string): boolean {
    const before = this.hubList.length;
    this.hubList = this.hubList.filter((h) => h.id !== id);
    this.deliveryList = this.deliveryList.filter((d) => d.hubId !== id || d.status !== "pending");
    return this.hubList.length !== before;
  }

  // ---- deliveries ---------------------------------------------------------------------------------------------------

  addDelivery(delivery: Delivery): void {
    this.deliveryList.push(delivery);
  }

  /**
   * The deliveries that may be attempted: per hub and order only the earliest pending one, so that the events of one
   * order reach a callback in the order they happened.
   */
  nextDeliveries(): Delivery[] {
    const seen = new Set<string>();
    const next: Delivery[] = [];
    for (const d of this.deliveryList) {
      if (d.status !== "pending") continue;
      const key = `${d.hubId}|${d.orderId}`;
      if (seen.has(key)) continue;
      seen.add(key);
      next.push(d);
    }
    return next;
  }

  hubById(id: string): HubRegistration | undefined {
    return this.hubList.find((h) => h.id === id);
  }

  /** Forgets the oldest finished deliveries beyond the log's limit (pending ones are always kept). */
  trimDeliveries(): void {
    const finished = this.deliveryList.filter((d) => d.status !== "pending").length;
    let drop = finished - DELIVERY_LOG_LIMIT;
    if (drop <= 0) return;
    this.deliveryList = this.deliveryList.filter((d) => d.status === "pending" || drop-- <= 0);
  }

  /** Every delivery (the log: oldest first), as copies. */
  deliveries(): Delivery[] {
    return this.deliveryList.map((d) => ({ ...d }));
  }

  // ---- access tokens ------------------------------------------------------------------------------------------------

  addToken(token: IssuedToken, now: number): void {
    this.tokenList = this.tokenList.filter((t) => t.expiresAt > now);
    this.tokenList.push(token);
  }

  tokenExpiry(hash: string): number | undefined {
    return this.tokenList.find((t) => t.hash === hash)?.expiresAt;
  }
}
