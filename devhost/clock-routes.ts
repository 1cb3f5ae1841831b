/**
 * `GET /api/dev/clock` → `{ now }`; `POST /api/dev/clock` with `{ "advance": "P7D" }` (ISO 8601 duration) or
 * `{ "to": "2027-01-15T09:00:00Z" }` moves the virtual clock forward, firing every durable timer, timer trigger and
 * scheduled message due on the way, and answers once the work they started has settled.
 */
import { Duration } from "luxon";
import { z } from "zod";
import type { VirtualClock } from "./clock";
import { type DevRouteHandler, readBody, sendJson, sendProblem } from "./dev-routes";

const AdvanceRequest = z.union([
  z.object({ advance: z.string().min(1) }).strict(),
  z.object({ to: z.iso.datetime({ offset: true }) }).strict(),
]);

export function clockRoutes(clock: VirtualClock): DevRouteHandler {
  return async (req, res, url) => {
    if (url.pathname !== "/api/dev/clock") return false;
    if (req.method === "GET") {
      sendJson(res, 200, { now: clock.nowDate().toISOString() });
      return true;
    }
    if (req.method !== "POST") {
      sendProblem(res, 405, "Method Not Allowed", "Use GET to read the clock or POST to move it.");
      return true;
    }
    let body: unknown;
    try {
      body = JSON.parse((await readBody(req)).toString("utf8") || "null");
    } catch {
      sendProblem(res, 400, "Bad Request", "The body is not valid JSON.");
      return true;
    }
    const parsed = AdvanceRequest.safeParse(body);
    if (!parsed.success) {
      sendProblem(
        res,
        400,
        "Bad Request",
        'Send {"advance":"P7D"} (an ISO 8601 duration) or {"to":"2027-01-15T09:00:00Z"}.',
        {
          errors: [{ pointer: "/advance", detail: "advance or to is required, and only one of them" }],
        },
      );
      return true;
    }
    let target: number;
    if ("advance" in parsed.data) {
      const duration = Duration.fromISO(parsed.data.advance);
      if (!duration.isValid || duration.toMillis() < 0) {
        sendProblem(
          res,
          400,
          "Bad Request",
          `"${parsed.data.advance}" is not a positive ISO 8601 duration such as P7D or PT36H.`,
          {
            errors: [{ pointer: "/advance", detail: "must be an ISO 8601 duration" }],
          },
        );
        return true;
      }
      target = clock.now() + duration.toMillis();
    } else {
      target = Date.parse(parsed.data.to);
      if (target < clock.now()) {
        sendProblem(res, 409, "Conflict", "The clock only moves forward.", {
          errors: [{ pointer: "/to", detail: `must not be before ${clock.nowDate().toISOString()}` }],
        });
        return true;
      }
    }
    const from = clock.nowDate().toISOString();
    await clock.advanceTo(target);
    sendJson(res, 200, { from, now: clock.nowDate().toISOString() });
    return true;
  };
}
