/** The Vipps simulator in the stand-ins' worker thread (opened by vipps-thread.ts). */
import type { StandInFactory } from "../stand-ins-worker";
import { VippsSimulator } from "./vipps-simulator";
import { registerAppCallback, type VippsThreadInit } from "./vipps-thread";

export const makeStandIn: StandInFactory<VippsThreadInit> = ({ init, logger, now, work }) => {
  const vipps = new VippsSimulator({ ...init, logger, now, track: (w) => work.track(w) });
  return {
    start: (port: number) => vipps.start(port),
    registerAppCallback: (url: string, secret: string) => registerAppCallback(vipps, url, secret),
    stop: () => vipps.stop(),
  };
};
