/**
 * What every portal page's handler shares (issue 16): the page headers (CSP, no caching, no referrer, no framing),
 * cookies, redirects, the language, the notices, and the two guards — `guarded` (the portal closed without its
 * settings; an unexpected error a 503 page with only the error's name in the log) and `signedIn` (no session → 303 to
 * sign-in). Handlers in http-portal*.ts build on these, so each page keeps the same rules.
 */
import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import type { CookieToSet } from "../../shared/application/min-side/sessions";
import { PORTAL_COOKIE, type PortalLang, type StaffSession } from "../../shared/application/portal/staff-sessions";
import {
  PORTAL_CSP,
  PORTAL_NOTICE_STATUS,
  portalHref,
  renderPortalNotice,
  type PortalNotice,
  type SignedInHeader,
} from "../../shared/web/portal/pages";
import type { PortalDeps, PortalWiring } from "./deps";
import * as names from "./names";
import { httpCookie as cookie } from "../http-cookie";

export const PAGE_HEADERS = {
  "content-type": "text/html; charset=utf-8",
  "cache-control": "no-store",
  "referrer-policy": "no-referrer",
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "content-security-policy": PORTAL_CSP,
};

export function page(status: number, body: string, cookies: CookieToSet[] = []): HttpResponseInit {
  return {
    status,
    headers: { ...PAGE_HEADERS },
    body,
    ...(cookies.length > 0 ? { cookies: cookies.map(cookie) } : {}),
  };
}

export function redirect(location: string, cookies: CookieToSet[] = [], status = 303): HttpResponseInit {
  return {
    status,
    headers: { location, "cache-control": "no-store", "referrer-policy": "no-referrer" },
    ...(cookies.length > 0 ? { cookies: cookies.map(cookie) } : {}),
  };
}

export function langOf(request: HttpRequest): PortalLang {
  return request.query.get("lang") === "en" ? "en" : "nb";
}

export function notice(kind: PortalNotice, lang: PortalLang, header?: SignedInHeader): HttpResponseInit {
  return page(PORTAL_NOTICE_STATUS[kind], renderPortalNotice(kind, lang, header));
}

export function headerOf(session: StaffSession, path: string): SignedInHeader {
  return { displayName: session.staff.displayName, roles: session.staff.roles, csrfToken: session.csrfToken, path };
}

/** A route parameter that can be a tenant or case id; anything else is answered as "not found". */
export const ID_PARAM = /^[A-Za-z0-9_-]{1,100}$/u;

export type SignedInHandler = (
  request: HttpRequest,
  deps: PortalDeps,
  wiring: PortalWiring,
  session: StaffSession,
  lang: PortalLang,
) => Promise<HttpResponseInit>;

export function makePortalGuards(resolve: () => PortalDeps) {
  const guarded =
    (what: string, fn: (request: HttpRequest, deps: PortalDeps, wiring: PortalWiring) => Promise<HttpResponseInit>) =>
    async (request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> => {
      const lang = langOf(request);
      try {
        const deps = resolve();
        if (!deps.portal) return notice("closed", lang);
        return await fn(request, deps, deps.portal);
      } catch (error) {
        context.error(`portal ${what} failed`, {
          error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
        });
        return notice("unavailable", lang);
      }
    };

  const signedIn = (what: string, fn: SignedInHandler) =>
    guarded(what, async (request, deps, wiring) => {
      const lang = langOf(request);
      const session = await wiring.sessions.resolve(request);
      if (!session) {
        const hadCookie = (request.headers.get("cookie") ?? "").includes(`${PORTAL_COOKIE}=`);
        return redirect(
          portalHref(`/${names.PORTAL_SIGN_IN_ROUTE}`, lang),
          hadCookie ? [{ name: PORTAL_COOKIE, value: "", maxAge: 0 }] : [],
        );
      }
      return fn(request, deps, wiring, session, lang);
    });

  return { guarded, signedIn };
}
