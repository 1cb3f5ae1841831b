/**
 * The local Service Bus broker as the dev host runs it: in a worker thread of its own (broker-worker.ts), so that
 * AMQP framing, settlement and the journal do not take the app's event loop. Same port and connection string, same
 * `<dataDir>/service-bus/` journal, same outage switch (`/api/dev/service-bus/outage`, answered by asking the thread).
 * Scheduled messages stay on the dev host's virtual clock: the thread puts each on the host's clock (`schedule` /
 * `cancel` messages), and the host has the thread enqueue it when it fires — so advancing the clock delivers them at
 * their moment, and waits for what they set off, as before. The broker's pending work counts as the host's.
 * `DEVHOST_STAND_IN_THREADS=false` runs `LocalServiceBus` in the host's own thread instead.
 */
import type { DevRouteHandler } from "../dev-routes";
import type { ScheduledHandle } from "../clock";
import { StandInThread, workerEntry, type StandInThreadDeps } from "../stand-in-thread";
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

/** Starts the broker on `port` (0: any free port), in a worker thread when `thread` is set and possible. */
export async function startBroker(
  init: BrokerThreadInit,
  port: number,
  deps: StandInThreadDeps,
  thread: boolean,
): Promise<BrokerHandle> {
  const entry = thread ? workerEntry("service-bus/broker-worker") : undefined;
  if (!entry) {
    const broker = new LocalServiceBus({ ...init, clock: deps.clock, tracker: deps.tracker, logger: deps.logger });
    const started = await broker.start(port);
    return { ...started, handleDevHttp: broker.handleDevHttp, stop: () => broker.stop() };
  }
  // The thread's scheduled messages, on this thread's clock (by the thread's id for them).
  const scheduled = new Map<number, ScheduledHandle>();
  const worker: StandInThread = StandInThread.start("service-bus", entry, init, deps, {
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
  let started: { port: number; connectionString: string };
  try {
    started = await worker.call<{ port: number; connectionString: string }>("start", port);
  } catch (err) {
    await worker.stop().catch(() => undefined);
    throw err;
  }
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
