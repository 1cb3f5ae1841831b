/** The creditor portal and customer-service console (issue 16): function names and routes. */
export const PORTAL_HOME_FUNCTION = "portalHome";
export const PORTAL_HOME_ROUTE = "portal";
export const PORTAL_SIGN_IN_FUNCTION = "portalSignIn";
export const PORTAL_SIGN_IN_ROUTE = "portal/logg-inn";
export const PORTAL_SIGN_IN_START_FUNCTION = "portalSignInStart";
export const PORTAL_SIGN_IN_START_ROUTE = "portal/logg-inn/start";
export const PORTAL_CALLBACK_FUNCTION = "portalSignInCallback";
export const PORTAL_CALLBACK_ROUTE = "portal/logg-inn/callback";
export const PORTAL_SIGN_OUT_FUNCTION = "portalSignOut";
export const PORTAL_SIGN_OUT_ROUTE = "portal/logg-ut";
export const PORTAL_CASES_FUNCTION = "portalCases";
export const PORTAL_CASES_ROUTE = "portal/{tenantId}/saker";
export const PORTAL_CASE_FUNCTION = "portalCase";
export const PORTAL_CASE_ROUTE = "portal/{tenantId}/saker/{caseId}";
export const PORTAL_KPIS_FUNCTION = "portalKpis";
export const PORTAL_KPIS_ROUTE = "portal/{tenantId}/nokkeltall";
