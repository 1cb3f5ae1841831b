/** Min side's debtor actions: function names and routes (host.json sets routePrefix ""), one place. */
import { MIN_SIDE_SIGN_IN_ROUTE } from "../min-side/names";
export const DEBTOR_ACTION_FUNCTIONS = {
  deferral: "minSideDeferral",
  instalmentPlan: "minSideInstalmentPlan",
  dispute: "minSideDispute",
  paymentReported: "minSidePaymentReported",
} as const;

const CLAIM = "min-side/krav/{tenantId}/{caseId}";

export const DEBTOR_ACTION_ROUTES = {
  deferral: `${CLAIM}/utsettelse`,
  instalmentPlan: `${CLAIM}/nedbetaling`,
  dispute: `${CLAIM}/innsigelse`,
  paymentReported: `${CLAIM}/jeg-har-betalt`,
} as const;

/** Where a request without a valid session is sent (the sign-in area's page). */
export const MIN_SIDE_SIGN_IN_PATH = `/${MIN_SIDE_SIGN_IN_ROUTE}`;
/** Min side's overview and the claim page, where a done action lands with `?bekreftelse={result}`: the pages' own. */
export { claimPath, MIN_SIDE_PATH } from "../../shared/web/min-side-pages";

/** The query parameter on the claim page that names the action just done (e.g. `deferral-granted`). */
export const CONFIRMATION_PARAM = "bekreftelse";
