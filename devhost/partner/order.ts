/**
 * A partner's ServiceOrder (TMF641) as the simulator keeps it, its steps, and the state-change event (the body of a
 * callback). The steps: received → `acknowledged`; half the processing time later → `inProgress` (or `rejected` when
 * the simulator was rejecting when the order came); the other half later → `completed`, and the inventory's service
 * takes the state the order asked for. Pure functions: time comes in as `now` (virtual ms since the epoch).
 */
import { randomUUID } from "node:crypto";
import { z } from "zod";

export const ServiceState = z.enum(["active", "inactive"]);
export type ServiceState = z.infer<typeof ServiceState>;

export const OrderState = z.enum(["acknowledged", "inProgress", "completed", "failed", "rejected"]);
export type OrderState = z.infer<typeof OrderState>;

const FINAL_STATES: ReadonlySet<OrderState> = new Set(["completed", "failed", "rejected"]);

export const SimulatedOrderItem = z.object({
  id: z.string(),
  action: z.literal("modify"),
  state: OrderState,
  service: z.object({ id: z.string(), state: ServiceState }),
});

export const SimulatedOrder = z.object({
  id: z.string(),
  externalId: z.string(),
  description: z.string().optional(),
  category: z.string().optional(),
  state: OrderState,
  orderDate: z.string(),
  completionDate: z.string().optional(),
  serviceOrderItem: z.array(SimulatedOrderItem),
  /** How the order ends (decided by the mode when it came). The simulator's own bookkeeping, not in the API. */
  outcome: z.enum(["completed", "rejected"]),
  /** When (virtual ms) the order takes its next step; absent once it is final. */
  nextStepAt: z.number().int().optional(),
});
export type SimulatedOrder = z.infer<typeof SimulatedOrder>;

export const InventoryService = z.object({
  id: z.string(),
  state: ServiceState,
  /** The order that last changed the service. */
  lastOrderId: z.string().optional(),
  updatedAt: z.string(),
});
export type InventoryService = z.infer<typeof InventoryService>;

/** What an accepted `POST /serviceOrder` body holds (validation.ts checks it). */
export interface OrderRequest {
  externalId: string;
  description?: string | undefined;
  category?: string | undefined;
  serviceOrderItem: Array<{ id: string; action: "modify"; service: { id: string; state: ServiceState } }>;
}

export function isFinal(order: SimulatedOrder): boolean {
  return FINAL_STATES.has(order.state);
}

/** A new order in `acknowledged`, taking its first step half of `processingMs` from `now`. */
export function newOrder(
  request: OrderRequest,
  outcome: SimulatedOrder["outcome"],
  now: number,
  processingMs: number,
): SimulatedOrder {
  return {
    id: randomUUID(),
    externalId: request.externalId,
    ...(request.description !== undefined ? { description: request.description } : {}),
    ...(request.category !== undefined ? { category: request.category } : {}),
    state: "acknowledged",
    orderDate: new Date(now).toISOString(),
    serviceOrderItem: request.serviceOrderItem.map((item) => ({
      id: item.id,
      action: "modify",
      state: "acknowledged",
      service: { id: item.service.id, state: item.service.state },
    })),
    outcome,
    nextStepAt: now + Math.floor(processingMs / 2),
  };
}

/**
 * The order's next step, taken at `now`: acknowledged → inProgress (or rejected), inProgress → completed. Changes the
 * order in place and answers the services whose state the step set (completion only).
 */
export function takeStep(
  order: SimulatedOrder,
  now: number,
  processingMs: number,
): Array<{ id: string; state: ServiceState }> {
  if (order.state === "acknowledged") {
    if (order.outcome === "rejected") {
      setState(order, "rejected");
      delete order.nextStepAt;
      return [];
    }
    setState(order, "inProgress");
    order.nextStepAt = now + (processingMs - Math.floor(processingMs / 2));
    return [];
  }
  if (order.state === "inProgress") {
    setState(order, "completed");
    order.completionDate = new Date(now).toISOString();
    delete order.nextStepAt;
    return order.serviceOrderItem.map((item) => ({ ...item.service }));
  }
  delete order.nextStepAt;
  return [];
}

function setState(order: SimulatedOrder, state: OrderState): void {
  order.state = state;
  for (const item of order.serviceOrderItem) item.state = state;
}

/** The ServiceOrder as the API answers it (`href` on the simulator's current address). */
export function orderView(order: SimulatedOrder, baseUrl: string): Record<string, unknown> {
  return {
    id: order.id,
    href: `${baseUrl}/tmf-api/serviceOrdering/v4/serviceOrder/${order.id}`,
    externalId: order.externalId,
    ...(order.description !== undefined ? { description: order.description } : {}),
    ...(order.category !== undefined ? { category: order.category } : {}),
    state: order.state,
    orderDate: order.orderDate,
    ...(order.completionDate !== undefined ? { completionDate: order.completionDate } : {}),
    serviceOrderItem: order.serviceOrderItem.map((item) => structuredClone(item)),
    "@type": "ServiceOrder",
  };
}

/** The service as the inventory API (TMF638) answers it. */
export function serviceView(service: InventoryService, baseUrl: string): Record<string, unknown> {
  return {
    id: service.id,
    href: `${baseUrl}/tmf-api/serviceInventory/v4/service/${service.id}`,
    state: service.state,
    ...(service.lastOrderId !== undefined ? { lastOrderId: service.lastOrderId } : {}),
    updatedAt: service.updatedAt,
    "@type": "Service",
  };
}

/** The callback body for the order's current state (TMF641 ServiceOrderStateChangeEvent). */
export function stateChangeEvent(order: SimulatedOrder, now: number): { eventId: string; body: string } {
  const eventId = randomUUID();
  const body = JSON.stringify({
    eventId,
    eventTime: new Date(now).toISOString(),
    eventType: "ServiceOrderStateChangeEvent",
    event: {
      serviceOrder: {
        id: order.id,
        externalId: order.externalId,
        state: order.state,
        ...(order.completionDate !== undefined ? { completionDate: order.completionDate } : {}),
        serviceOrderItem: order.serviceOrderItem.map((item) => ({
          id: item.id,
          state: item.state,
          service: { id: item.service.id, state: item.service.state },
        })),
      },
    },
  });
  return { eventId, body };
}
