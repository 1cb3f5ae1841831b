/**
 * A PartnerGateway for unit tests: keeps the orders it was given (idempotent by command id, like a partner honouring
 * `externalId`), answers `acknowledged`, and can be told to be down or to refuse. `complete(commandId)` moves an
 * order on, as the partner's system would, so a test can then deliver the callback or let the sweep poll it.
 */
import {
  PartnerRejected,
  PartnerUnavailable,
  type PartnerConnection,
  type PartnerGateway,
  type PartnerHubRegistration,
  type PartnerOrder,
  type PartnerOrderRequest,
  type PartnerService,
  type ServiceOrderState,
} from "../../shared/ports/partner-gateway";

export class FakePartnerGateway implements PartnerGateway {
  mode: "up" | "down" | "reject" = "up";
  readonly orders = new Map<string, PartnerOrder>();
  readonly placed: PartnerOrderRequest[] = [];
  readonly hubs: string[] = [];
  /** The connection of every placeOrder and registerCallback call, in order (what the real gateway signs with). */
  readonly connections: PartnerConnection[] = [];
  #next = 1;

  async placeOrder(connection: PartnerConnection, order: PartnerOrderRequest): Promise<PartnerOrder> {
    this.connections.push(structuredClone(connection));
    if (this.mode === "down") throw new PartnerUnavailable("placeOrder: 503", "server-error", 503);
    if (this.mode === "reject") throw new PartnerRejected("placeOrder: 422", 422);
    this.placed.push(order);
    const existing = this.orders.get(order.commandId);
    if (existing) return structuredClone(existing);
    const placed: PartnerOrder = {
      id: `so-${String(this.#next++)}`,
      externalId: order.commandId,
      state: "acknowledged",
      serviceOrderItem: [
        { id: "1", action: "modify", state: "acknowledged", service: { id: order.serviceId, state: "active" } },
      ],
    };
    this.orders.set(order.commandId, placed);
    return structuredClone(placed);
  }

  async getOrder(_connection: PartnerConnection, partnerOrderId: string): Promise<PartnerOrder | undefined> {
    if (this.mode === "down") throw new PartnerUnavailable("getOrder: 503", "server-error", 503);
    const found = [...this.orders.values()].find((o) => o.id === partnerOrderId);
    return found ? structuredClone(found) : undefined;
  }

  async getService(): Promise<PartnerService | undefined> {
    return undefined;
  }

  async registerCallback(connection: PartnerConnection, url: string): Promise<PartnerHubRegistration> {
    this.connections.push(structuredClone(connection));
    if (this.mode === "down") throw new PartnerUnavailable("registerCallback: 503", "server-error", 503);
    this.hubs.push(url);
    return { id: `hub-${String(this.hubs.length)}`, callback: url };
  }

  /** Moves the order of `commandId` to `state` (completed by default), as the partner's system would. */
  complete(commandId: string, state: ServiceOrderState = "completed"): PartnerOrder {
    const order = this.orders.get(commandId);
    if (!order) throw new Error(`No order for ${commandId}`);
    const target = this.placed.find((p) => p.commandId === commandId)?.targetState ?? "active";
    const next: PartnerOrder = {
      ...order,
      state,
      serviceOrderItem: order.serviceOrderItem.map((i) => ({
        ...i,
        state,
        service: { ...i.service, state: state === "completed" ? target : i.service.state },
      })),
    };
    this.orders.set(commandId, next);
    return structuredClone(next);
  }
}
