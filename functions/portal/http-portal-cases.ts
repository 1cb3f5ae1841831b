/**
 * The creditor's case list (issue 16):
 *
 *   GET /portal/{tenantId}/saker       search (invoice number, KID, customer id, name, phone), filters (status, stage,
 *                                      due date range, service state), sort (due date, owed, last activity), paging
 *   GET /portal/{tenantId}/saker.csv   the same filters as CSV for Norwegian Excel, read from the store a page at a
 *                                      time and written out as it is read; audited as an export
 *
 * The tenant goes through `mayAccessTenant` (not allowed → the same 404 as a missing tenant); the filters through
 * `parseCaseListFilters` (a field that does not fit is named on the page, never a 5xx) and the case store's
 * parameterised search in that tenant's cases (shared/application/portal/case-list.ts). Logs never carry the search.
 */
import { app, type HttpResponseInit } from "@azure/functions";
import { z } from "zod";
import { mayAccessTenant } from "../../shared/application/portal/access";
import {
  filterParams,
  makeExportCases,
  makeListCases,
  parseCaseListFilters,
} from "../../shared/application/portal/case-list";
import type { PortalLang, StaffSession } from "../../shared/application/portal/staff-sessions";
import { makeOwedToday, type OwedToday } from "../../shared/application/portal/owed-today";
import { toLocalDate } from "../../shared/domain/calendar";
import type { CaseRecord } from "../../shared/ports/case-store";
import type { TenantSummary } from "../../shared/ports/tenant-directory";
import { formatAmount } from "../../shared/web/i18n";
import { CSV_CONTENT_TYPE, csvHeader, csvRow } from "../../shared/web/portal/cases-csv";
import { renderCaseListPage, type CaseListRow } from "../../shared/web/portal/cases-page";
import * as names from "./names";
import { headerOf, ID_PARAM, makePortalGuards, notice, page } from "./portal-guards";
import type { PortalDeps, PortalWiring } from "./deps";

const PAGE_SIZE = 25;

/** A continuation token as the list's links carry it (opaque; a token that is not one of ours lists nothing). */
const PageParam = z
  .string()
  .max(2000)
  .regex(/^[\x20-\x7e]+$/u);

async function tenantFor(
  wiring: PortalWiring,
  session: StaffSession,
  tenantId: string,
): Promise<TenantSummary | undefined> {
  if (!ID_PARAM.test(tenantId) || !mayAccessTenant(session.staff, tenantId)) return undefined;
  return (await wiring.tenantDirectory.list(500)).find((t) => t.tenantId === tenantId);
}

function rowOf(r: CaseRecord, lang: PortalLang, owed: OwedToday): CaseListRow {
  return {
    caseId: r.caseId,
    invoiceNumber: r.invoiceNumber,
    kid: r.kid,
    customerId: r.customerId,
    name: r.customer.name,
    status: r.case.status,
    stage: r.case.stage,
    dueDate: r.case.dueDate,
    owed: formatAmount(owed(r), lang),
    lastActivity: toLocalDate(new Date(r.updatedAt), "Europe/Oslo"),
  };
}

export function makePortalCaseListFunctions(resolve: () => PortalDeps) {
  const { signedIn } = makePortalGuards(resolve);
  return {
    cases: signedIn("cases", async (request, deps, wiring, session, lang) => {
      const tenantId = request.params.tenantId ?? "";
      const header = headerOf(session, `/portal/${encodeURIComponent(tenantId)}/saker`);
      const tenant = await tenantFor(wiring, session, tenantId);
      if (!tenant) return notice("not-found", lang, header);
      const { filters, invalid } = parseCaseListFilters((name) => request.query.get(name));
      const token = PageParam.safeParse(request.query.get("page") ?? undefined);
      const pageParam = request.query.get("page");
      const found =
        invalid.length > 0 || (pageParam !== null && !token.success)
          ? { items: [] }
          : await makeListCases(deps)(tenantId, filters, {
              limit: PAGE_SIZE,
              ...(token.success ? { continuationToken: token.data } : {}),
            });
      const owed = await makeOwedToday(deps);
      await wiring.recordStaffAction(session.staff, "view-cases", { tenantId });
      return page(
        invalid.length > 0 ? 400 : 200,
        renderCaseListPage(
          lang,
          {
            tenantId,
            tenantName: tenant.name,
            filters,
            params: filterParams(filters),
            invalid,
            rows: found.items.map((r) => rowOf(r, lang, owed)),
            ...(found.next ? { next: found.next } : {}),
            paged: pageParam !== null,
          },
          header,
        ),
      );
    }),

    /** The CSV: the header, then each page of the store's answer as it comes (never every case at once). */
    csv: signedIn("cases export", async (request, deps, wiring, session, lang): Promise<HttpResponseInit> => {
      const tenantId = request.params.tenantId ?? "";
      const header = headerOf(session, `/portal/${encodeURIComponent(tenantId)}/saker`);
      const tenant = await tenantFor(wiring, session, tenantId);
      if (!tenant) return notice("not-found", lang, header);
      const { filters, invalid } = parseCaseListFilters((name) => request.query.get(name));
      if (invalid.length > 0)
        // Filters that do not fit: the list page with the fields named, as the list itself answers.
        return page(
          400,
          renderCaseListPage(
            lang,
            {
              tenantId,
              tenantName: tenant.name,
              filters,
              params: filterParams(filters),
              invalid,
              rows: [],
              paged: false,
            },
            header,
          ),
        );
      await wiring.recordStaffAction(session.staff, "export-cases", { tenantId });
      const pages = makeExportCases(deps)(tenantId, filters);
      const owed = await makeOwedToday(deps);
      const encoder = new TextEncoder();
      async function* body(): AsyncGenerator<Uint8Array> {
        yield encoder.encode(csvHeader(lang));
        for await (const records of pages)
          yield encoder.encode(records.map((r) => csvRow(r, lang, owed(r).value)).join(""));
      }
      const day = toLocalDate(deps.clock.now(), "Europe/Oslo");
      return {
        status: 200,
        headers: {
          "content-type": CSV_CONTENT_TYPE,
          "content-disposition": `attachment; filename="saker-${tenantId}-${day}.csv"`,
          "cache-control": "no-store",
          "x-content-type-options": "nosniff",
          "referrer-policy": "no-referrer",
        },
        body: body(),
      };
    }),
  };
}

export function registerPortalCaseListFunctions(deps: () => PortalDeps): void {
  const f = makePortalCaseListFunctions(deps);
  app.http(names.PORTAL_CASES_CSV_FUNCTION, {
    route: names.PORTAL_CASES_CSV_ROUTE,
    methods: ["GET"],
    authLevel: "anonymous",
    handler: f.csv,
  });
  app.http(names.PORTAL_CASES_FUNCTION, {
    route: names.PORTAL_CASES_ROUTE,
    methods: ["GET"],
    authLevel: "anonymous",
    handler: f.cases,
  });
}
