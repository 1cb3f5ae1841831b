/** The Cosmos DB stand-in in the stand-ins' worker thread (opened by cosmos-thread.ts). */
import type { StandInFactory } from "../stand-ins-worker";
import { CosmosStandIn } from "./cosmos-stand-in";
import { queryIndexStats } from "./query-index";
import type { CosmosThreadInit } from "./cosmos-thread";

export const makeStandIn: StandInFactory<CosmosThreadInit> = ({ init, logger }) => {
  const cosmos = new CosmosStandIn({ ...init, logger });
  return {
    start: (port: number) => cosmos.start(port),
    requestCounts: () => cosmos.requestCounts(),
    /** What `GET /api/dev/cosmos` answers: requests, the documents behind them, queries indexed or scanned. */
    overview: () => ({
      requests: cosmos.requestCounts(),
      documents: cosmos.documentCounts(),
      queries: queryIndexStats(),
    }),
    saveNow: () => cosmos.saveNow(),
    stop: () => cosmos.stop(),
  };
};
