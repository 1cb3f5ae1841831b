/** Min side's debtor actions: function names and routes (host.json sets routePrefix ""), one place. */
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
export const MIN_SIDE_SIGN_IN_PATH = "/min-side/logg-inn";
/** Min side's overview (the sign-in area's page). */
export const MIN_SIDE_PATH = "/min-side";

/** The claim page (the sign-in area's page), where a done action lands with `?bekreftelse={result}`. */
export function claimPath(tenantId: string, caseId: string): string {
  return `/min-side/krav/${encodeURIComponent(tenantId)}/${encodeURIComponent(caseId)}`;
}

/** The query parameter on the claim page that names the action just done (e.g. `deferral-granted`). */
export const CONFIRMATION_PARAM = "bekreftelse";
