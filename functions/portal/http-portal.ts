/**
 * The creditor portal's and customer-service console's staff sign-in and first pages (issue 16):
 *
 *   GET  /portal/logg-inn            sign-in page (a button to the agency's OpenID Connect provider)
 *   GET  /portal/logg-inn/start      → 302 to the provider (PKCE, state, nonce kept server side)
 *   GET  /portal/logg-inn/callback   the provider's answer → a staff session (audited: sign-in) → 303 /portal
 *   POST /portal/logg-ut             (CSRF) sign out (audited) → 303 sign-in
 *   GET  /portal                     the tenants the staff user may see
 *   GET  /portal/{tenantId}/saker/{caseId}   one case (the case list: http-portal-cases.ts; the console:
 *                                            http-portal-console.ts)
 *
 * Every page goes through `signedIn` (no session → 303 sign-in) and every tenant through `mayAccessTenant` (not
 * allowed → the same 404 as a missing tenant). Without the PORTAL_* settings every route says the portal is closed.
 * Logs carry the staff subject at most, never a name, e-mail, cookie or search string.
 */
import { app } from "@azure/functions";
import { hasAnyAccess, visibleTenants } from "../../shared/application/portal/access";
import { staffCsrfMatches } from "../../shared/application/portal/staff-sessions";
import type { CookieToSet } from "../../shared/application/min-side/sessions";
import { SignInRefused } from "../../shared/ports/identity-provider";
import { portalHref, renderPortalNotice, renderSignInPage, renderTenantsPage } from "../../shared/web/portal/pages";
import type { PortalDeps } from "./deps";
import * as names from "./names";
import { headerOf, langOf, makePortalGuards, notice, page, redirect } from "./portal-guards";

export function makePortalFunctions(resolve: () => PortalDeps) {
  const { guarded, signedIn } = makePortalGuards(resolve);

  return {
    signInPage: guarded("sign-in page", async (request, _deps, wiring) => {
      const lang = langOf(request);
      if (await wiring.sessions.resolve(request)) return redirect(portalHref("/portal", lang));
      return page(200, renderSignInPage(lang));
    }),

    signInStart: guarded("sign-in start", async (request, _deps, wiring) => {
      const lang = langOf(request);
      const { url, transaction } = await wiring.identityProvider.begin({ lang });
      const login = await wiring.sessions.beginLogin(transaction, lang);
      return redirect(url, [login], 302);
    }),

    callback: guarded("sign-in callback", async (request, _deps, wiring) => {
      const login = await wiring.sessions.takeLogin(request);
      const clearLogin: CookieToSet = { name: "__Host-portal-login", value: "", maxAge: 0 };
      const lang = login?.lang ?? langOf(request);
      if (!login) return page(403, renderPortalNotice("refused", lang), [clearLogin]);
      const query = new URL(request.url).search.slice(1);
      let identity;
      try {
        identity = await wiring.identityProvider.finish(query, login);
      } catch (error) {
        if (error instanceof SignInRefused) return page(403, renderPortalNotice("refused", lang), [clearLogin]);
        throw error;
      }
      if (!hasAnyAccess(identity)) {
        await wiring.recordStaffAction(identity, "sign-in-refused");
        return page(403, renderPortalNotice("refused", lang), [clearLogin]);
      }
      const { cookie: sessionCookie } = await wiring.sessions.start(identity, lang);
      await wiring.recordStaffAction(
        identity,
        "sign-in",
        identity.creditorTenantId ? { tenantId: identity.creditorTenantId } : {},
      );
      return redirect(portalHref("/portal", lang), [clearLogin, sessionCookie]);
    }),

    signOut: signedIn("sign-out", async (request, _deps, wiring, session, lang) => {
      const form = new URLSearchParams((await request.text()).slice(0, 4096));
      if (!staffCsrfMatches(session, form.get("csrf"))) return notice("bad-form", lang);
      const cleared = await wiring.sessions.end(request);
      await wiring.recordStaffAction(session.staff, "sign-out");
      return redirect(portalHref(`/${names.PORTAL_SIGN_IN_ROUTE}`, lang), [cleared]);
    }),

    home: signedIn("home", async (_request, _deps, wiring, session, lang) => {
      const all = await wiring.tenantDirectory.list(500);
      return page(200, renderTenantsPage(lang, visibleTenants(session.staff, all), headerOf(session, "/portal")));
    }),
  };
}

export function registerPortalFunctions(deps: () => PortalDeps): void {
  const f = makePortalFunctions(deps);
  app.http(names.PORTAL_HOME_FUNCTION, {
    route: names.PORTAL_HOME_ROUTE,
    methods: ["GET"],
    authLevel: "anonymous",
    handler: f.home,
  });
  app.http(names.PORTAL_SIGN_IN_FUNCTION, {
    route: names.PORTAL_SIGN_IN_ROUTE,
    methods: ["GET"],
    authLevel: "anonymous",
    handler: f.signInPage,
  });
  app.http(names.PORTAL_SIGN_IN_START_FUNCTION, {
    route: names.PORTAL_SIGN_IN_START_ROUTE,
    methods: ["GET"],
    authLevel: "anonymous",
    handler: f.signInStart,
  });
  app.http(names.PORTAL_CALLBACK_FUNCTION, {
    route: names.PORTAL_CALLBACK_ROUTE,
    methods: ["GET"],
    authLevel: "anonymous",
    handler: f.callback,
  });
  app.http(names.PORTAL_SIGN_OUT_FUNCTION, {
    route: names.PORTAL_SIGN_OUT_ROUTE,
    methods: ["POST"],
    authLevel: "anonymous",
    handler: f.signOut,
  });
}
