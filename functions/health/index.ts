/** Liveness: `GET /api/health`. */
export { registerHealth } from "./http-health";
