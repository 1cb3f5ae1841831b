/** The Vipps simulator in a worker thread (started by vipps-thread.ts). */
import { serveStandIn } from "../stand-in-thread-worker";
import { VippsSimulator } from "./vipps-simulator";
import { registerAppCallback, type VippsThreadInit } from "./vipps-thread";

serveStandIn<VippsThreadInit>(({ init, logger, now, track }) => {
  const vipps = new VippsSimulator({ ...init, logger, now, track });
  return {
    start: (port: number) => vipps.start(port),
    registerAppCallback: (url: string, secret: string) => registerAppCallback(vipps, url, secret),
    stop: () => vipps.stop(),
  };
});
