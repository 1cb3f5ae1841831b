/**
 * The partner simulator's API, as the wire contract describes it: `POST /oauth2/token`; TMF641
 * `POST|GET /tmf-api/serviceOrdering/v4/serviceOrder[/{id}]` and `POST|DELETE …/hub[/{id}]`; TMF638
 * `GET /tmf-api/serviceInventory/v4/service/{id}`. While the simulator is `down` every call answers 503. Every other
 * call is authenticated (auth.ts) before its body is validated (validation.ts).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { readBody, sendJson } from "../dev-routes";
import { PartnerApiError, sendPartnerError } from "./api-error";
import type { PartnerAuth } from "./auth";
import { orderView, serviceView, type OrderRequest, type SimulatedOrder } from "./order";
import type { HubRegistration, PartnerStore } from "./partner-store";
import { CreateServiceOrder, parseBody, RegisterHub } from "./validation";

const ORDERING = "/tmf-api/serviceOrdering/v4";
const INVENTORY = "/tmf-api/serviceInventory/v4";

export interface PartnerApiDeps {
  store: PartnerStore;
  auth: PartnerAuth;
  /** True while the simulator plays a partner that is down. */
  isDown: () => boolean;
  baseUrl: () => string;
  /** The order for this `externalId`: the one there is, or a new one (`created`). */
  placeOrder: (request: OrderRequest) => Promise<{ order: SimulatedOrder; created: boolean }>;
  registerHub: (callback: string, query: string | undefined) => Promise<HubRegistration>;
  removeHub: (id: string) => Promise<boolean>;
}

export class PartnerApiRoutes {
  constructor(private readonly deps: PartnerApiDeps) {}

  async handle(req: IncomingMessage, res: ServerResponse, path: string, url: URL): Promise<void> {
    const method = req.method ?? "GET";
    try {
      const body = await readBody(req);
      if (this.deps.isDown())
        throw new PartnerApiError(503, "Service Unavailable", "The partner system is down.", undefined, {
          "retry-after": "30",
        });
      if (path === "/oauth2/token") {
        if (method !== "POST") throw notAllowed("POST");
        return await this.deps.auth.issueToken(req, res, body);
      }
      if (!path.startsWith(ORDERING + "/") && !path.startsWith(INVENTORY + "/"))
        throw new PartnerApiError(404, "Not Found", "No such resource.");
      this.deps.auth.authorize(req, body);
      return await this.api(method, path, url, body, res);
    } catch (err) {
      if (err instanceof PartnerApiError) return sendPartnerError(res, err);
      throw err;
    }
  }

  private async api(method: string, path: string, url: URL, body: Buffer, res: ServerResponse): Promise<void> {
    const { store } = this.deps;
    const base = this.deps.baseUrl();
    if (path === `${ORDERING}/serviceOrder`) {
      if (method === "GET") {
        const externalId = url.searchParams.get("externalId");
        const orders = store.allOrders().filter((o) => externalId === null || o.externalId === externalId);
        return sendJson(
          res,
          200,
          orders.map((o) => orderView(o, base)),
        );
      }
      if (method !== "POST") throw notAllowed("GET, POST");
      const request = parseBody(CreateServiceOrder, body);
      const { order, created } = await this.deps.placeOrder(request);
      // The same externalId again: the same order, as it is now (200 instead of 201).
      return sendJson(res, created ? 201 : 200, orderView(order, base), {
        location: `${base}${ORDERING}/serviceOrder/${order.id}`,
      });
    }
    const orderId = segment(path, `${ORDERING}/serviceOrder/`);
    if (orderId !== undefined) {
      if (method !== "GET") throw notAllowed("GET");
      const order = store.order(orderId);
      if (!order) throw new PartnerApiError(404, "Not Found", "No service order with that id.");
      return sendJson(res, 200, orderView(order, base));
    }
    if (path === `${ORDERING}/hub`) {
      if (method !== "POST") throw notAllowed("POST");
      const request = parseBody(RegisterHub, body);
      const hub = await this.deps.registerHub(request.callback, request.query);
      return sendJson(res, 201, hub);
    }
    const hubId = segment(path, `${ORDERING}/hub/`);
    if (hubId !== undefined) {
      if (method !== "DELETE") throw notAllowed("DELETE");
      if (!(await this.deps.removeHub(hubId))) throw new PartnerApiError(404, "Not Found", "No hub with that id.");
      res.writeHead(204).end();
      return;
    }
    const serviceId = segment(path, `${INVENTORY}/service/`);
    if (serviceId !== undefined) {
      if (method !== "GET") throw notAllowed("GET");
      const service = store.service(serviceId);
      if (!service) throw new PartnerApiError(404, "Not Found", "No service with that id.");
      return sendJson(res, 200, serviceView(service, base));
    }
    throw new PartnerApiError(404, "Not Found", "No such resource.");
  }
}

/** The id after `prefix` when the path is `prefix{id}` with one segment. */
function segment(path: string, prefix: string): string | undefined {
  if (!path.startsWith(prefix)) return undefined;
  const rest = path.slice(prefix.length);
  if (rest === "" || rest.includes("/")) return undefined;
  return decodeURIComponent(rest);
}

function notAllowed(allow: string): PartnerApiError {
  return new PartnerApiError(405, "Method Not Allowed", `Use ${allow}.`, undefined, { allow });
}
