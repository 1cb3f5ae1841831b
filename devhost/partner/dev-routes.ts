/**
 * The partner simulator's dev endpoints under /api/dev/partner (mounted on the dev host's main server and served by
 * the simulator too): the mode (`up`, `down`, `slow`, `reject`), the orders it got, its service inventory, and its hub
 * registrations with the callback deliveries.
 */
import type { ServerResponse } from "node:http";
import { z } from "zod";
import { readDevJson, sendJson, sendProblem, type DevRouteHandler } from "../dev-routes";
import type { SimulatedOrder } from "./order";
import type { PartnerStore } from "./partner-store";

const DEV_BASE = "/api/dev/partner";

export const PartnerMode = z.enum(["up", "down", "slow", "reject"]);
export type PartnerMode = z.infer<typeof PartnerMode>;

const ModeBody = z.object({ mode: PartnerMode }).strict();

export interface PartnerDevRoutesDeps {
  store: PartnerStore;
  mode: () => PartnerMode;
  setMode: (mode: PartnerMode) => PartnerMode;
  /** The API's view of an order. */
  view: (order: SimulatedOrder) => Record<string, unknown>;
}

/** Dev endpoints under /api/dev/partner; anything else answers `false`. */
export function partnerDevRoutes(deps: PartnerDevRoutesDeps): DevRouteHandler {
  const { store } = deps;
  const devView = (o: SimulatedOrder): Record<string, unknown> => ({
    ...deps.view(o),
    outcome: o.outcome,
    ...(o.nextStepAt !== undefined ? { nextStepAt: new Date(o.nextStepAt).toISOString() } : {}),
  });
  return async (req, res, url) => {
    const path = url.pathname.replace(/\/+$/u, "");
    if (path !== DEV_BASE && !path.startsWith(DEV_BASE + "/")) return false;
    const method = req.method ?? "GET";
    const noStore = { "cache-control": "no-store" };
    if (path === DEV_BASE) {
      if (method !== "GET") return methodNotAllowed(res, "GET");
      sendJson(
        res,
        200,
        {
          mode: deps.mode(),
          orders: store.allOrders().length,
          services: store.allServices().length,
          hubs: store.hubs.length,
        },
        noStore,
      );
      return true;
    }
    if (path === `${DEV_BASE}/mode`) {
      if (method === "GET") {
        sendJson(res, 200, { mode: deps.mode() }, noStore);
        return true;
      }
      if (method !== "POST") return methodNotAllowed(res, "GET, POST");
      const body = await readDevJson(req, res, ModeBody);
      if (!body) return true;
      sendJson(res, 200, { mode: deps.setMode(body.mode) }, noStore);
      return true;
    }
    if (path === `${DEV_BASE}/orders`) {
      if (method !== "GET") return methodNotAllowed(res, "GET");
      const orders = store.allOrders().reverse().map(devView);
      sendJson(res, 200, { count: orders.length, orders }, noStore);
      return true;
    }
    if (path === `${DEV_BASE}/services`) {
      if (method !== "GET") return methodNotAllowed(res, "GET");
      const services = store.allServices().map((s) => ({ ...s }));
      sendJson(res, 200, { count: services.length, services }, noStore);
      return true;
    }
    if (path === `${DEV_BASE}/callbacks`) {
      if (method !== "GET") return methodNotAllowed(res, "GET");
      const deliveries = store.deliveries().map((d) => ({
        eventId: d.eventId,
        hubId: d.hubId,
        orderId: d.orderId,
        state: d.state,
        status: d.status,
        attempts: d.attempts,
        lastStatus: d.lastStatus,
        at: d.at,
      }));
      sendJson(res, 200, { hubs: store.hubs, deliveries }, noStore);
      return true;
    }
    return false;
  };
}

function methodNotAllowed(res: ServerResponse, allow: string): true {
  res.setHeader("allow", allow);
  sendProblem(res, 405, "Method not allowed", `Use ${allow}.`);
  return true;
}
