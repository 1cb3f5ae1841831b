/**
 * The Vipps simulator as the dev host runs it: in the stand-ins' worker thread (vipps-worker.ts), so that its API, its
 * state file and its signed webhooks do not take the app's event loop. Same base URL, same `<dataDir>/vipps/`, events
 * and signatures on the dev host's virtual clock, webhook deliveries counted as the dev host's work. The dev routes
 * (`/api/dev/vipps/…`, which the simulator serves on its own port too) are passed on to the thread's server as they
 * come. `DEVHOST_STAND_IN_THREADS=false` runs `VippsSimulator` in the host's own thread instead.
 */
import http from "node:http";
import type { DevRouteHandler } from "../dev-routes";
import { isLoopbackUrl } from "../settings";
import type { StandInThread, StandInThreadDeps } from "../stand-in-thread";
import { VippsSimulator } from "./vipps-simulator";

const DEV_BASE = "/api/dev/vipps";

/** What the worker is started with (vipps-worker.ts): the simulator's options that are plain data. */
export interface VippsThreadInit {
  dataDir: string;
  clientId: string;
  clientSecret: string;
  subscriptionKey: string;
  merchantSerialNumber: string;
}

/** The running simulator, wherever it runs. */
export interface VippsHandle {
  baseUrl: string;
  /** `/api/dev/vipps/…` on the dev host's port. */
  handleDevHttp: DevRouteHandler;
  /**
   * Registers the app's callback `url` with `secret` (what an operator does once in Azure), replacing registrations
   * of the same path on this machine (the app's callback on the port of an earlier run).
   */
  registerAppCallback(url: string, secret: string): Promise<void>;
  stop(): Promise<void>;
}

/** Starts the simulator on `port` (0: any free port), in `thread` when there is one, else in this thread. */
export async function startVipps(
  init: VippsThreadInit,
  port: number,
  deps: StandInThreadDeps,
  thread: StandInThread | undefined,
): Promise<VippsHandle> {
  if (!thread) {
    const vipps = new VippsSimulator({
      ...init,
      logger: deps.logger,
      // Events and webhook signatures on the virtual clock, so the app's x-ms-date window check passes.
      now: () => deps.clock.nowDate(),
      track: (work) => deps.tracker.track(work),
    });
    const { baseUrl } = await vipps.start(port);
    return {
      baseUrl,
      handleDevHttp: vipps.handleDevHttp,
      registerAppCallback: (url, secret) => registerAppCallback(vipps, url, secret),
      stop: () => vipps.stop(),
    };
  }
  const worker = await thread.open("vipps", "vipps/vipps-worker", init);
  const { baseUrl } = await worker.call<{ baseUrl: string }>("start", port);
  const agent = new http.Agent({ keepAlive: true });
  return {
    baseUrl,
    handleDevHttp: passOn(DEV_BASE, baseUrl, agent),
    registerAppCallback: (url, secret) => worker.call("registerAppCallback", url, secret),
    stop: async () => {
      agent.destroy();
      await worker.stop();
    },
  };
}

/** See `VippsHandle.registerAppCallback` (the same in either thread). */
export async function registerAppCallback(vipps: VippsSimulator, url: string, secret: string): Promise<void> {
  const path = new URL(url).pathname;
  await vipps.registerWebhook({
    url,
    secret,
    replaces: (registered) => isLoopbackUrl(registered) && new URL(registered).pathname === path,
  });
}

/** Requests under `prefix` go, unchanged, to the same path at `base`; the answer comes back as it is. */
function passOn(prefix: string, base: string, agent: http.Agent): DevRouteHandler {
  return (req, res, url) => {
    if (url.pathname !== prefix && !url.pathname.startsWith(`${prefix}/`)) return Promise.resolve(false);
    return new Promise<boolean>((resolve, reject) => {
      const upstream = http.request(
        new URL(`${url.pathname}${url.search}`, base),
        { method: req.method, headers: req.headers, agent },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
          answer.on("end", () => resolve(true));
          answer.on("error", reject);
        },
      );
      upstream.on("error", reject);
      req.pipe(upstream);
    });
  };
}
