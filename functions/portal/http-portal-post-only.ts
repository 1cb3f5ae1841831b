/**
 * GET on the portal's POST-only addresses (issue 16). After a form post the browser may stay at the action's URL
 * (`…/webhooks/wh_…/ny-hemmelighet`); reloading it, or switching language, must not show a raw 404 problem+json.
 * Each such GET answers 303 to the page the action belongs to, keeping `?lang=en`. Nothing is read or changed here:
 * the target page does its own sign-in and tenant checks, so this answers the same to everyone.
 */
import { app, type HttpRequest, type HttpResponseInit } from "@azure/functions";
import { portalHref } from "../../shared/web/portal/pages";
import { langOf, redirect } from "./portal-guards";
import * as names from "./names";

const ID = /^[A-Za-z0-9_-]{1,100}$/u;

/** The page a POST-only route belongs to, from the route's parameters (tenant and the parent id). */
type PageOf = (params: Record<string, string>) => string;

const tenantPath = (params: Record<string, string>) => `/portal/${encodeURIComponent(params.tenantId ?? "")}`;

/** Redirects a GET on a POST-only route to its page; a malformed id goes to the portal's front page instead. */
export function postOnlyRedirect(pageOf: PageOf, ids: readonly string[]) {
  return async (request: HttpRequest): Promise<HttpResponseInit> => {
    const params = request.params as Record<string, string>;
    const lang = langOf(request);
    const ok = ["tenantId", ...ids].every((id) => ID.test(params[id] ?? ""));
    return redirect(portalHref(ok ? pageOf(params) : `/${names.PORTAL_HOME_ROUTE}`, lang));
  };
}

export const POST_ONLY_PAGES = {
  policyCheck: postOnlyRedirect((p) => `${tenantPath(p)}/innstillinger/inndrivingslop`, []),
  webhookAction: postOnlyRedirect(
    (p) => `${tenantPath(p)}/innstillinger/webhooks/${encodeURIComponent(p.webhookId ?? "")}`,
    ["webhookId"],
  ),
  apiKeyRevoke: postOnlyRedirect((p) => `${tenantPath(p)}/innstillinger/api-nokler`, ["keyId"]),
  caseAction: postOnlyRedirect((p) => `${tenantPath(p)}/saker/${encodeURIComponent(p.caseId ?? "")}`, ["caseId"]),
  /** Signing out is a POST (CSRF); a GET of its address (a reload, a bookmark) goes to the front page, still signed in. */
  signOut: async (request: HttpRequest): Promise<HttpResponseInit> =>
    redirect(portalHref(`/${names.PORTAL_HOME_ROUTE}`, langOf(request))),
};

export function registerPortalPostOnlyFunctions(): void {
  const get = (name: string, route: string, handler: (request: HttpRequest) => Promise<HttpResponseInit>) =>
    app.http(name, { route, methods: ["GET"], authLevel: "anonymous", handler });
  get("portalPolicyCheckGet", names.PORTAL_POLICY_CHECK_ROUTE, POST_ONLY_PAGES.policyCheck);
  get("portalWebhookActionGet", names.PORTAL_WEBHOOK_ACTION_ROUTE, POST_ONLY_PAGES.webhookAction);
  get("portalApiKeyRevokeGet", names.PORTAL_API_KEY_REVOKE_ROUTE, POST_ONLY_PAGES.apiKeyRevoke);
  get("portalCaseActionGet", names.PORTAL_CASE_ACTION_ROUTE, POST_ONLY_PAGES.caseAction);
  get("portalSignOutGet", names.PORTAL_SIGN_OUT_ROUTE, POST_ONLY_PAGES.signOut);
}
