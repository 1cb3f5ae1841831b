/**
 * The local Service Bus broker as the dev host runs it: in the stand-ins' worker thread (broker-worker.ts), so that
 * AMQP framing, settlement and the journal do not take the app's event loop. Same port and connection string, same
 * `<dataDir>/service-bus/` journal, same outage switch (`/api/dev/service-bus/outage`, answered by asking the thread).
 * Scheduled messages stay on the dev host's virtual clock: the thread puts each on the host's clock (`schedule` /
 * `cancel` messages), and the host has the thread enqueue it when it fires — so advancing the clock delivers them at
 * their moment, and waits for what they set off, as before. The broker's pending work counts as the host's.
 * `DEVHOST_STAND_IN_THREADS=false` runs `LocalServiceBus` in the host's own thread instead.
 */
import type { DevRouteHandler } from "../dev-routes";
import type { ScheduledHandle } from "../clock";
import type { StandInThread, StandInThreadDeps, ThreadedStandIn } from "../stand-in-thread";
import { LocalServiceBus, outageRoutes, type ServiceBusEntities } from "./broker";

/** What the worker is started with (broker-worker.ts). */
export interface BrokerThreadInit {
  entities: ServiceBusEntities;
  dataDir: string;
}

/** The running broker, wherever it runs. */
export interface BrokerHandle {
  port: number;
  connectionString: string;
  /** `GET|POST /api/dev/service-bus/outage`. */
  handleDevHttp: DevRouteHandler;
  stop(): Promise<void>;
}

/** Starts the broker on `port` (0: any free port), in `thread` when there is one, else in this thread. */
export async function startBroker(
  init: BrokerThreadInit,
  port: number,
  deps: StandInThreadDeps,
  thread: StandInThread | undefined,
): Promise<BrokerHandle> {
  if (!thread) {
    const broker = new LocalServiceBus({ ...init, clock: deps.clock, tracker: deps.tracker, logger: deps.logger });
    const started = await broker.start(port);
    return { ...started, handleDevHttp: broker.handleDevHttp, stop: () => broker.stop() };
  }
  // The thread's scheduled messages, on this thread's clock (by the thread's id for them).
  const scheduled = new Map<number, ScheduledHandle>();
  // (The handlers run only once the broker has started, so after `worker` is set.)
  const worker: ThreadedStandIn = await thread.open("service-bus", "service-bus/broker-worker", init, {
    schedule: (id: number, at: number, label: string) => {
      scheduled.set(
        id,
        deps.clock.schedule(
          at,
          () => {
            scheduled.delete(id);
            return worker.call("fire", id);
          },
          label,
        ),
      );
    },
    cancel: (id: number) => {
      scheduled.get(id)?.cancel();
      scheduled.delete(id);
    },
  });
  const started = await worker.call<{ port: number; connectionString: string }>("start", port);
  return {
    ...started,
    handleDevHttp: outageRoutes({
      current: () => worker.call<string[]>("outages"),
      set: (entities) => worker.call<string[]>("setOutages", entities),
      overview: () => worker.call<unknown>("overview"),
    }),
    stop: async () => {
      await worker.stop();
      for (const handle of scheduled.values()) handle.cancel();
      scheduled.clear();
    },
  };
}
