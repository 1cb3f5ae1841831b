/**
 * The local Service Bus broker in the stand-ins' worker thread (opened by broker-thread.ts). Its clock is the dev host's: time
 * from the shared clock, scheduled messages put on the host's clock and fired from there.
 */
import type { StandInFactory } from "../stand-ins-worker";
import { LocalServiceBus } from "./broker";
import type { BrokerThreadInit } from "./broker-thread";
import type { BrokerClock } from "./namespace";

export const makeStandIn: StandInFactory<BrokerThreadInit> = ({ init, logger, now, work, notify }) => {
  const fires = new Map<number, () => unknown>();
  let nextId = 0;
  const clock: BrokerClock = {
    now: () => now().getTime(),
    schedule: (at, fire, label = "timer") => {
      const id = ++nextId;
      fires.set(id, fire);
      notify("schedule", id, at, label);
      return {
        cancel: () => {
          if (fires.delete(id)) notify("cancel", id);
        },
      };
    },
  };
  const broker = new LocalServiceBus({ ...init, clock, tracker: work, logger });
  return {
    start: (port: number) => broker.start(port),
    /** The host's clock reached a scheduled message: enqueue it (its work is counted before this answers). */
    fire: async (id: number) => {
      const fire = fires.get(id);
      fires.delete(id);
      await fire?.();
    },
    outages: () => broker.outageEntities,
    overview: () => ({ operations: broker.operationCounts(), entities: broker.stats() }),
    setOutages: (entities: string[]) => broker.setOutages(entities),
    stop: () => broker.stop(),
  };
};
