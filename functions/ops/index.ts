/** Operations: endpoints for operators (dead letters per queue). */
export type { OpsDeps } from "./deps";
export { registerOps } from "./http-ops-dead-letters";
