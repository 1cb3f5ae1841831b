/** Min side's messages and settings (issue 15): function names and routes (host.json sets routePrefix ""). */
export const MIN_SIDE_MESSAGES_FUNCTIONS = {
  threads: "minSideMessages",
  thread: "minSideThread",
  handOver: "minSideAssistantHandOver",
  settings: "minSideSettings",
} as const;

export const MIN_SIDE_MESSAGES_ROUTES = {
  threads: "min-side/meldinger",
  thread: "min-side/krav/{tenantId}/{caseId}/meldinger",
  handOver: "min-side/meldinger/ny",
  settings: "min-side/innstillinger",
} as const;
