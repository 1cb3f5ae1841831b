/**
 * The app's entry point ("main" in package.json): importing a file registers its functions with the Functions host
 * (or, locally, with the dev host, which captures the very same registrations).
 */
import "./health/http-health";
