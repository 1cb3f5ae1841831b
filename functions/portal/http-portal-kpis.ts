/**
 * The KPI dashboard (issue 16): GET /portal/{tenantId}/nokkeltall?periode=7|30|90|YYYY-MM[&lang=en] — every staff
 * role that may see the tenant (`mayAccessTenant`; otherwise the same 404 as a missing tenant). Reads only the KPI
 * buckets (shared/application/kpis/dashboard.ts), never a case. A period that does not parse, or a month the picker does not offer
 * (the last six), shows the last 30 days.
 * Logs carry no staff name and no query.
 */
import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from "@azure/functions";
import { KpiPeriodParam, makeLoadKpiDashboard } from "../../shared/application/kpis/dashboard";
import { mayAccessTenant } from "../../shared/application/portal/access";
import { PORTAL_COOKIE, type PortalLang } from "../../shared/application/portal/staff-sessions";
import type { KpiStore } from "../../shared/ports/kpi-store";
import { KPI_CSP, renderKpiPage } from "../../shared/web/portal/kpi-page";
import {
  PORTAL_CSP,
  PORTAL_NOTICE_STATUS,
  portalHref,
  renderPortalNotice,
  type PortalNotice,
  type SignedInHeader,
} from "../../shared/web/portal/pages";
import type { PortalDeps } from "./deps";
import * as names from "./names";

export type PortalKpisDeps = PortalDeps & { kpis: KpiStore };

const HEADERS = {
  "content-type": "text/html; charset=utf-8",
  "cache-control": "no-store",
  "referrer-policy": "no-referrer",
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
};

function notice(kind: PortalNotice, lang: PortalLang, header?: SignedInHeader): HttpResponseInit {
  return {
    status: PORTAL_NOTICE_STATUS[kind],
    headers: { ...HEADERS, "content-security-policy": PORTAL_CSP },
    body: renderPortalNotice(kind, lang, header),
  };
}

export function makePortalKpisHandler(resolve: () => PortalKpisDeps) {
  return async (request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> => {
    const lang: PortalLang = request.query.get("lang") === "en" ? "en" : "nb";
    try {
      const deps = resolve();
      const wiring = deps.portal;
      if (!wiring) return notice("closed", lang);
      const session = await wiring.sessions.resolve(request);
      if (!session) {
        const hadCookie = (request.headers.get("cookie") ?? "").includes(`${PORTAL_COOKIE}=`);
        return {
          status: 303,
          headers: {
            location: portalHref(`/${names.PORTAL_SIGN_IN_ROUTE}`, lang),
            "cache-control": "no-store",
            "referrer-policy": "no-referrer",
          },
          ...(hadCookie
            ? {
                cookies: [
                  {
                    name: PORTAL_COOKIE,
                    value: "",
                    path: "/",
                    secure: true,
                    httpOnly: true,
                    sameSite: "Lax",
                    maxAge: 0,
                  },
                ],
              }
            : {}),
        };
      }
      const tenantId = request.params.tenantId ?? "";
      const header: SignedInHeader = {
        displayName: session.staff.displayName,
        roles: session.staff.roles,
        csrfToken: session.csrfToken,
        path: `/portal/${encodeURIComponent(tenantId)}/nokkeltall`,
      };
      if (!/^[A-Za-z0-9_-]{1,100}$/u.test(tenantId) || !mayAccessTenant(session.staff, tenantId))
        return notice("not-found", lang, header);
      const tenant = (await wiring.tenantDirectory.list(500)).find((t) => t.tenantId === tenantId);
      if (!tenant) return notice("not-found", lang, header);
      const param = KpiPeriodParam.parse(request.query.get("periode") ?? "30");
      const dashboard = await makeLoadKpiDashboard(deps)(tenantId, param);
      await wiring.recordStaffAction(session.staff, "view-kpis", { tenantId });
      return {
        status: 200,
        headers: { ...HEADERS, "content-security-policy": KPI_CSP },
        body: renderKpiPage(lang, { tenantId, tenantName: tenant.name, dashboard, months: dashboard.months }, header),
      };
    } catch (error) {
      context.error("portal kpis failed", {
        error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      });
      return notice("unavailable", lang);
    }
  };
}

export function registerPortalKpis(deps: () => PortalKpisDeps): void {
  app.http(names.PORTAL_KPIS_FUNCTION, {
    route: names.PORTAL_KPIS_ROUTE,
    methods: ["GET"],
    authLevel: "anonymous",
    handler: makePortalKpisHandler(deps),
  });
}
