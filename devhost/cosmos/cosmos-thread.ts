/**
 * The Cosmos DB stand-in as the dev host runs it: in the stand-ins' worker thread (cosmos-worker.ts), so that serving
 * the app's requests — parsing, queries, writes, snapshots — does not take the app's event loop. Same endpoint, same
 * data folder and snapshot file, same dev routes (`GET /api/dev/cosmos`, `POST /api/dev/cosmos/snapshot`), answered
 * by asking the thread. `DEVHOST_STAND_IN_THREADS=false` runs `CosmosStandIn` in the host's own thread instead.
 */
import type { DevRouteHandler } from "../dev-routes";
import { sendJson } from "../dev-routes";
import type { StandInThread, StandInThreadDeps } from "../stand-in-thread";
import { CosmosStandIn, type CosmosRequestCounts } from "./cosmos-stand-in";

/** What the worker is started with (cosmos-worker.ts). */
export interface CosmosThreadInit {
  dataDir: string;
  saveIntervalMs?: number;
}

/** The running stand-in, wherever it runs. */
export interface CosmosHandle {
  endpoint: string;
  key: string;
  /** `GET /api/dev/cosmos` (request and document counts, indexed/scanned queries) and `POST /api/dev/cosmos/snapshot` (save now). */
  handleDevHttp: DevRouteHandler;
  stop(): Promise<void>;
}

/** Starts the stand-in on `port` (0: any free port), in `thread` when there is one, else in this thread. */
export async function startCosmos(
  init: CosmosThreadInit,
  port: number,
  deps: StandInThreadDeps,
  thread: StandInThread | undefined,
): Promise<CosmosHandle> {
  if (!thread) {
    const cosmos = new CosmosStandIn({ ...init, logger: deps.logger });
    const { endpoint, key } = await cosmos.start(port);
    return { endpoint, key, handleDevHttp: cosmos.handleDevHttp, stop: () => cosmos.stop() };
  }
  const worker = await thread.open("cosmos", "cosmos/cosmos-worker", init);
  const started = await worker.call<{ endpoint: string; key: string }>("start", port);
  return {
    ...started,
    handleDevHttp: devRoutes({
      overview: () => worker.call<{ requests: CosmosRequestCounts }>("overview"),
      saveNow: () => worker.call<void>("saveNow"),
    }),
    stop: () => worker.stop(),
  };
}

/** The stand-in's dev routes (as `CosmosStandIn.handleDevHttp` answers them), over calls to the thread. */
function devRoutes(standIn: {
  overview: () => Promise<{ requests: CosmosRequestCounts }>;
  saveNow: () => Promise<void>;
}): DevRouteHandler {
  return async (req, res, url) => {
    const path = url.pathname.replace(/\/+$/u, "");
    if (path === "/api/dev/cosmos" && req.method === "GET") {
      sendJson(res, 200, await standIn.overview(), { "cache-control": "no-store" });
      return true;
    }
    if (path === "/api/dev/cosmos/snapshot" && req.method === "POST") {
      await standIn.saveNow();
      sendJson(res, 200, { savedAt: new Date().toISOString() }, { "cache-control": "no-store" });
      return true;
    }
    return false;
  };
}
