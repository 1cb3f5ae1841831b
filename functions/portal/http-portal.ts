/**
 * The creditor portal's and customer-service console's staff sign-in and first pages (issue 16):
 *
 *   GET  /portal/logg-inn            sign-in page (a button to the agency's OpenID Connect provider)
 *   GET  /portal/logg-inn/start      → 302 to the provider (PKCE, state, nonce kept server side)
 *   GET  /portal/logg-inn/callback   the provider's answer → a staff session (audited: sign-in) → 303 /portal
 *   POST /portal/logg-ut             (CSRF) sign out (audited) → 303 sign-in
 *   GET  /portal                     the tenants the staff user may see
 *   GET  /portal/{tenantId}/saker    a tenant's cases: search (invoice number, KID, customer id), status, paging
 *
 * Every page goes through `signedIn` (no session → 303 sign-in) and every tenant through `mayAccessTenant` (not
 * allowed → the same 404 as a missing tenant). Without the PORTAL_* settings every route says the portal is closed.
 * Logs carry the staff subject at most, never a name, e-mail, cookie or search string.
 */
import { app, type Cookie, type HttpRequest, type HttpResponseInit, type InvocationContext } from "@azure/functions";
import { z } from "zod";
import { mayAccessTenant, hasAnyAccess, visibleTenants } from "../../shared/application/portal/access";
import {
  PORTAL_COOKIE,
  staffCsrfMatches,
  type PortalLang,
  type StaffSession,
} from "../../shared/application/portal/staff-sessions";
import type { CookieToSet } from "../../shared/application/min-side/sessions";

import { caseIdFor } from "../../shared/domain/case-id";
import { balanceOf, type CaseStatus } from "../../shared/domain/case";
import type { CaseRecord } from "../../shared/ports/case-store";
import { SignInRefused } from "../../shared/ports/identity-provider";
import { formatAmount } from "../../shared/web/i18n";
import {
  CASE_STATUSES,
  PORTAL_CSP,
  PORTAL_NOTICE_STATUS,
  portalHref,
  renderCasesPage,
  renderPortalNotice,
  renderSignInPage,
  renderTenantsPage,
  type CaseRow,
  type PortalNotice,
  type SignedInHeader,
} from "../../shared/web/portal/pages";
import type { PortalDeps, PortalWiring } from "./deps";
import * as names from "./names";

const PAGE_HEADERS = {
  "content-type": "text/html; charset=utf-8",
  "cache-control": "no-store",
  "referrer-policy": "no-referrer",
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "content-security-policy": PORTAL_CSP,
};

const PAGE_SIZE = 25;

/** The case list's query: anything else is dropped; a value that does not fit answers the first page, no results. */
const CasesQuery = z.object({
  q: z.string().trim().max(100).catch(""),
  status: z.enum(CASE_STATUSES).or(z.literal("")).catch(""),
  page: z
    .string()
    .max(2000)
    .regex(/^[\x20-\x7e]*$/u)
    .optional()
    .catch(undefined),
});

function cookie(c: CookieToSet): Cookie {
  return {
    name: c.name,
    value: c.value,
    path: "/",
    secure: true,
    httpOnly: true,
    sameSite: "Lax",
    ...(c.maxAge !== undefined ? { maxAge: c.maxAge } : {}),
  };
}

function page(status: number, body: string, cookies: CookieToSet[] = []): HttpResponseInit {
  return {
    status,
    headers: { ...PAGE_HEADERS },
    body,
    ...(cookies.length > 0 ? { cookies: cookies.map(cookie) } : {}),
  };
}

function redirect(location: string, cookies: CookieToSet[] = [], status = 303): HttpResponseInit {
  return {
    status,
    headers: { location, "cache-control": "no-store", "referrer-policy": "no-referrer" },
    ...(cookies.length > 0 ? { cookies: cookies.map(cookie) } : {}),
  };
}

function langOf(request: HttpRequest): PortalLang {
  return request.query.get("lang") === "en" ? "en" : "nb";
}

function notice(kind: PortalNotice, lang: PortalLang, header?: SignedInHeader): HttpResponseInit {
  return page(PORTAL_NOTICE_STATUS[kind], renderPortalNotice(kind, lang, header));
}

function headerOf(session: StaffSession, path: string): SignedInHeader {
  return { displayName: session.staff.displayName, roles: session.staff.roles, csrfToken: session.csrfToken, path };
}

export function makePortalFunctions(resolve: () => PortalDeps) {
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

  const signedIn = (
    what: string,
    fn: (
      request: HttpRequest,
      deps: PortalDeps,
      wiring: PortalWiring,
      session: StaffSession,
      lang: PortalLang,
    ) => Promise<HttpResponseInit>,
  ) =>
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

    cases: signedIn("cases", async (request, deps, wiring, session, lang) => {
      const tenantId = request.params.tenantId ?? "";
      const header = headerOf(session, `/portal/${encodeURIComponent(tenantId)}/saker`);
      if (!/^[A-Za-z0-9_-]{1,100}$/u.test(tenantId) || !mayAccessTenant(session.staff, tenantId))
        return notice("not-found", lang, header);
      const tenant = (await wiring.tenantDirectory.list(500)).find((t) => t.tenantId === tenantId);
      if (!tenant) return notice("not-found", lang, header);
      const query = CasesQuery.parse({
        q: request.query.get("q") ?? "",
        status: request.query.get("status") ?? "",
        page: request.query.get("page") ?? undefined,
      });
      const status: CaseStatus | undefined = query.status === "" ? undefined : query.status;
      let records: CaseRecord[] = [];
      let next: string | undefined;
      if (query.q) {
        records = await search(deps, tenantId, query.q, status);
      } else {
        try {
          const found = await deps.cases.list(tenantId, status ? { status } : {}, {
            limit: PAGE_SIZE,
            ...(query.page ? { continuationToken: query.page } : {}),
          });
          records = found.items;
          next = found.continuationToken;
        } catch (error) {
          // A continuation token that is not one of ours: no results, never a 5xx.
          if (!query.page) throw error;
        }
      }
      await wiring.recordStaffAction(session.staff, "view-cases", { tenantId });
      const rows: CaseRow[] = records.map((r) => rowOf(r, lang));
      return page(
        200,
        renderCasesPage(
          lang,
          {
            tenantId,
            tenantName: tenant.name,
            q: query.q,
            status: query.status,
            rows,
            ...(next ? { next } : {}),
            paged: query.page !== undefined,
          },
          header,
        ),
      );
    }),
  };
}

/** A search: the invoice number (a point read by the derived case id), the KID, the customer id — this tenant's only. */
async function search(deps: PortalDeps, tenantId: string, q: string, status?: CaseStatus): Promise<CaseRecord[]> {
  const found = new Map<string, CaseRecord>();
  const byInvoice = await deps.cases.get(tenantId, caseIdFor(tenantId, q));
  if (byInvoice) found.set(byInvoice.caseId, byInvoice);
  if (/^[0-9]{2,25}$/u.test(q)) {
    const byKid = await deps.cases.findByKid(q);
    if (byKid && byKid.tenantId === tenantId) found.set(byKid.caseId, byKid);
  }
  const byCustomer = await deps.cases.list(
    tenantId,
    { customerId: q, ...(status ? { status } : {}) },
    { limit: PAGE_SIZE },
  );
  for (const r of byCustomer.items) found.set(r.caseId, r);
  return [...found.values()].filter((r) => r.tenantId === tenantId && (!status || r.case.status === status));
}

/** A case as a row of the list. */
function rowOf(r: CaseRecord, lang: PortalLang): CaseRow {
  return {
    caseId: r.caseId,
    invoiceNumber: r.invoiceNumber,
    kid: r.kid,
    customerId: r.customerId,
    status: r.case.status,
    stage: r.case.stage,
    dueDate: r.case.dueDate,
    owed: formatAmount(balanceOf(r.case).total, lang),
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
  app.http(names.PORTAL_CASES_FUNCTION, {
    route: names.PORTAL_CASES_ROUTE,
    methods: ["GET"],
    authLevel: "anonymous",
    handler: f.cases,
  });
}
