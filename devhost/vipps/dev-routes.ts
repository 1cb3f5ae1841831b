/**
 * The Vipps simulator's dev endpoints under /api/dev/vipps (mounted on the dev host's main server and served by the
 * simulator too): list payments, one payment, approve/decline (the user), cancel (the merchant on portal.vipps.no),
 * webhook registrations with the delivery log, faults.
 */
import type { ServerResponse } from "node:http";
import { z } from "zod";
import { readDevJson, sendJson, sendProblem, type DevRouteHandler } from "../dev-routes";
import { ApiProblem } from "./api-problem";
import type { Faults } from "./faults";
import type { SimulatedPayment } from "./payment";
import type { PaymentStore } from "./payment-store";
import type { WebhookDispatcher } from "./webhook-dispatcher";

const DEV_BASE = "/api/dev/vipps";

const FaultsBody = z
  .object({
    /** Send every webhook delivery this many times (identical signed copies: a repeated delivery). */
    duplicateWebhooks: z.number().int().min(1).max(20).optional(),
    /** Answer the next N API calls (ePayment, webhooks, Report) with `status` (default 500). */
    failNext: z.number().int().min(0).max(100).optional(),
    status: z.number().int().min(429).max(599).optional(),
    /** Back to no faults. */
    reset: z.literal(true).optional(),
  })
  .strict();

export interface VippsDevRoutesDeps {
  store: PaymentStore;
  dispatcher: WebhookDispatcher;
  faults: Faults;
  /** The API's view of a payment (`GET /epayment/v1/payments/{reference}`). */
  view: (payment: SimulatedPayment) => Record<string, unknown>;
  decide: (reference: string, decision: "approve" | "decline") => Promise<SimulatedPayment>;
  /** The merchant cancels the payment on portal.vipps.no. */
  cancelOnPortal: (reference: string) => Promise<SimulatedPayment>;
}

/** Dev endpoints under /api/dev/vipps; anything else answers `false`. */
export function vippsDevRoutes(deps: VippsDevRoutesDeps): DevRouteHandler {
  const { store, dispatcher, faults } = deps;
  const devView = (p: SimulatedPayment): Record<string, unknown> => ({
    ...deps.view(p),
    paymentDescription: p.paymentDescription,
    returnUrl: p.returnUrl,
    createdAt: p.createdAt,
    events: p.events,
  });
  return async (req, res, url) => {
    const path = url.pathname.replace(/\/+$/u, "");
    if (path !== DEV_BASE && !path.startsWith(DEV_BASE + "/")) return false;
    const method = req.method ?? "GET";
    try {
      if (path === DEV_BASE || path === `${DEV_BASE}/payments`) {
        if (method !== "GET") return methodNotAllowed(res, "GET");
        sendJson(
          res,
          200,
          { count: store.paymentCount, payments: store.list().map(devView) },
          { "cache-control": "no-store" },
        );
        return true;
      }
      if (path === `${DEV_BASE}/webhooks`) {
        if (method !== "GET") return methodNotAllowed(res, "GET");
        sendJson(res, 200, {
          registrations: store.webhooks.map(({ id, url: target, events }) => ({ id, url: target, events })),
          deliveries: dispatcher.log(),
        });
        return true;
      }
      if (path === `${DEV_BASE}/faults`) {
        if (method === "GET") {
          sendJson(res, 200, faults.current);
          return true;
        }
        if (method !== "POST") return methodNotAllowed(res, "GET, POST");
        const body = await readDevJson(req, res, FaultsBody);
        if (!body) return true;
        sendJson(res, 200, faults.set(body));
        return true;
      }
      const decision = /^\/api\/dev\/vipps\/payments\/([^/]+)\/(approve|decline|cancel)$/u.exec(path);
      if (decision?.[1] && decision[2]) {
        if (method !== "POST") return methodNotAllowed(res, "POST");
        const reference = decodeURIComponent(decision[1]);
        const payment =
          decision[2] === "cancel"
            ? await deps.cancelOnPortal(reference)
            : await deps.decide(reference, decision[2] as "approve" | "decline");
        sendJson(res, 200, { payment: devView(payment) });
        return true;
      }
      const one = /^\/api\/dev\/vipps\/payments\/([^/]+)$/u.exec(path);
      if (one?.[1]) {
        if (method !== "GET") return methodNotAllowed(res, "GET");
        sendJson(res, 200, { payment: devView(store.find(decodeURIComponent(one[1]))) });
        return true;
      }
      return false;
    } catch (err) {
      if (err instanceof ApiProblem) {
        sendProblem(res, err.status, err.title, err.detail);
        return true;
      }
      throw err;
    }
  };
}

function methodNotAllowed(res: ServerResponse, allow: string): true {
  res.setHeader("allow", allow);
  sendProblem(res, 405, "Method not allowed", `Use ${allow}.`);
  return true;
}
