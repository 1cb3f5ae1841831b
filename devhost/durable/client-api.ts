/**
 * The Durable extension's client endpoints, served by the dev host so that the REAL `df.getClient(context)` works
 * locally. `DurableClient` (durable-functions 3.x) calls, relative to the binding's `rpcBaseUrl`:
 *
 *   POST   orchestrators/{name}[/{instanceId}]     body: JSON input or ""    → 202 { id, …management URLs }
 *   GET    instances/{id}?showHistory&showInput                              → 200 | 202 | 400 status JSON, 404
 *   GET    instances/?runtimeStatus=a,b&createdTimeFrom&createdTimeTo      → 200 [status…]   (getStatusBy/All)
 *   POST   instances/{id}/raiseEvent/{event}       body: JSON data          → 202, 404, 410 (finished)
 *   POST   instances/{id}/terminate?reason=…                                → 202, 404, 410 (finished)
 *   DELETE instances/{id}                                                    → 200 { instancesDeleted }, 404
 *   DELETE instances/?runtimeStatus&createdTimeFrom&createdTimeTo           → 200 { instancesDeleted }, 404 if none
 *
 * Status codes follow the extension's HTTP API: GET answers 202 while Pending/Running, 200 when Completed, 400 when
 * Failed/Terminated (the SDK reads the body for all three). Suspend/resume/rewind and entities answer 501.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { readBody, sendJson, sendProblem, type DevRouteHandler } from "../dev-routes";
import type { DurableEngine, ListFilter } from "./engine";
import { DurableEngineError } from "./engine";
import type { RuntimeStatus } from "./types";

export const DURABLE_WEBHOOK_PATH = "/runtime/webhooks/durabletask";

/**
 * The durable client input binding's value (what the extension hands the worker). `rpcBaseUrl` makes the SDK use
 * the endpoints above; the management URLs are filled in too so `client.createCheckStatusResponse()` returns
 * working links (an addition to the minimal `{}` the SDK accepts).
 */
export function clientBindingData(baseUrl: string, taskHubName: string): Record<string, unknown> {
  const root = `${baseUrl.replace(/\/+$/, "")}${DURABLE_WEBHOOK_PATH}`;
  const query = `taskHub=${encodeURIComponent(taskHubName)}&connection=Storage`;
  const instance = `${root}/instances/INSTANCEID`;
  return {
    taskHubName,
    creationUrls: {
      createNewInstancePostUri: `${root}/orchestrators/{functionName}[/{instanceId}]?${query}`,
      createAndWaitOnNewInstancePostUri: `${root}/orchestrators/{functionName}[/{instanceId}]?timeout={timeoutInSeconds}&pollingInterval={intervalInSeconds}&${query}`,
    },
    managementUrls: {
      id: "INSTANCEID",
      statusQueryGetUri: `${instance}?${query}`,
      sendEventPostUri: `${instance}/raiseEvent/{eventName}?${query}`,
      terminatePostUri: `${instance}/terminate?reason={text}&${query}`,
      purgeHistoryDeleteUri: `${instance}?${query}`,
      rewindPostUri: `${instance}/rewind?reason={text}&${query}`,
      restartPostUri: `${instance}/restart?${query}`,
      suspendPostUri: `${instance}/suspend?reason={text}&${query}`,
      resumePostUri: `${instance}/resume?reason={text}&${query}`,
    },
    baseUrl: root,
    requiredQueryStringParameters: query,
    rpcBaseUrl: `${root}/`,
  };
}

function managementPayload(baseUrl: string, taskHubName: string, instanceId: string): Record<string, string> {
  const urls = clientBindingData(baseUrl, taskHubName).managementUrls as Record<string, string>;
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(urls))
    out[key] = value.replace("INSTANCEID", encodeURIComponent(instanceId));
  out.id = instanceId;
  return out;
}

const STATUS_CODE: Record<RuntimeStatus, number> = {
  Pending: 202,
  Running: 202,
  ContinuedAsNew: 202,
  Completed: 200,
  Failed: 400,
  Terminated: 400,
};

export function createClientApiHandler(
  engine: DurableEngine,
  baseUrl: () => string,
  taskHubName: string,
): DevRouteHandler {
  return async (req, res, url) => {
    if (url.pathname !== DURABLE_WEBHOOK_PATH && !url.pathname.startsWith(`${DURABLE_WEBHOOK_PATH}/`)) return false;
    const segments = url.pathname
      .slice(DURABLE_WEBHOOK_PATH.length)
      .split("/")
      .filter((p) => p !== "")
      .map((p) => decodeURIComponent(p));
    try {
      await route(engine, req, res, url, segments, baseUrl(), taskHubName);
    } catch (err) {
      if (err instanceof DurableEngineError) sendProblem(res, err.status, err.message);
      else if (err instanceof SyntaxError) sendProblem(res, 400, "The request body is not valid JSON.");
      else sendProblem(res, 500, "Durable endpoint failed", err instanceof Error ? err.message : String(err));
    }
    return true;
  };
}

async function route(
  engine: DurableEngine,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  segments: string[],
  baseUrl: string,
  taskHubName: string,
): Promise<void> {
  const method = req.method ?? "GET";
  const [area, first, action, arg] = segments;

  if (area === "orchestrators" && first && method === "POST" && segments.length <= 3) {
    const input = await readJson(req);
    const id = await engine.startNew(first, { instanceId: action, input });
    const payload = managementPayload(baseUrl, taskHubName, id);
    sendJson(res, 202, payload, { location: payload.statusQueryGetUri ?? "" });
    return;
  }

  if (area === "instances" && !first) {
    const filter = listFilter(url);
    if (method === "GET") {
      const showInput = url.searchParams.get("showInput") !== "false";
      const all = await engine.list(filter);
      sendJson(res, 200, showInput ? all : all.map((s) => ({ ...s, input: null })));
      return;
    }
    if (method === "DELETE") {
      const deleted = await engine.purgeBy(filter);
      sendJson(res, deleted > 0 ? 200 : 404, { instancesDeleted: deleted });
      return;
    }
  }

  if (area === "instances" && first && !action) {
    if (method === "GET") {
      const status = await engine.getStatus(first, {
        showHistory: url.searchParams.get("showHistory") === "true",
        showInput: url.searchParams.get("showInput") !== "false",
      });
      if (!status) sendProblem(res, 404, `No instance with ID '${first}' found.`);
      else sendJson(res, STATUS_CODE[status.runtimeStatus], status);
      return;
    }
    if (method === "DELETE") {
      const exists = (await engine.getStatus(first)) !== undefined;
      const purged = await engine.purge(first);
      // A running instance is kept: like a purge that found nothing to delete.
      sendJson(res, exists ? 200 : 404, { instancesDeleted: purged ? 1 : 0 });
      return;
    }
  }

  if (area === "instances" && first && method === "POST" && action === "raiseEvent" && arg) {
    const data = await readJson(req);
    const outcome = await engine.raiseEventChecked(first, arg, data);
    res.writeHead(outcome === "accepted" ? 202 : 410).end();
    return;
  }

  if (area === "instances" && first && method === "POST" && action === "terminate") {
    const outcome = await engine.terminateChecked(first, url.searchParams.get("reason") ?? "");
    res.writeHead(outcome === "accepted" ? 202 : 410).end();
    return;
  }

  if (
    area === "entities" ||
    (area === "instances" && action && ["suspend", "resume", "rewind", "restart"].includes(action))
  ) {
    sendProblem(res, 501, "Not supported by the dev host's Durable engine.");
    return;
  }
  sendProblem(res, 404, "Unknown Durable endpoint.");
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const text = (await readBody(req)).toString("utf8");
  return text.trim() === "" ? undefined : JSON.parse(text);
}

function listFilter(url: URL): ListFilter {
  const q = url.searchParams;
  const date = (name: string) => {
    const v = q.get(name);
    if (!v) return undefined;
    const d = new Date(v);
    if (Number.isNaN(d.getTime())) throw new DurableEngineError(400, `${name} is not a date.`);
    return d;
  };
  const statuses = (q.get("runtimeStatus") ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  return {
    ...(statuses.length ? { runtimeStatus: statuses } : {}),
    ...(date("createdTimeFrom") ? { createdTimeFrom: date("createdTimeFrom") } : {}),
    ...(date("createdTimeTo") ? { createdTimeTo: date("createdTimeTo") } : {}),
  };
}
