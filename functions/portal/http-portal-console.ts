/**
 * The customer-service console (issue 16), for service agents and operators only — a creditor's own staff get the
 * same 404 as a page that does not exist:
 *
 *   GET  /portal/kundeservice           the search form
 *   POST /portal/kundeservice           (CSRF) find a person across every creditor by KID, phone, name, case id,
 *                                       invoice number or national id; one view of each person's cases
 *   GET  /portal/kundeservice/innboks   the inbox: debtor messages, payment reports, disputes, delayed reopens
 *
 * The search string travels only in the POST body: it may be a national id, so it is never in a URL, a log or the
 * audit log (which records that a search was made and how many cases it found). The answer to the POST shows it
 * again in the field (the page is no-store), so the agent can refine it — except a national id, which the page only
 * ever shows masked. The lookups are
 * shared/application/portal/console.ts'.
 */
import { app } from "@azure/functions";
import { lookupsFor, makeFindPerson, makeInbox, mayUseConsole } from "../../shared/application/portal/console";
import { staffCsrfMatches } from "../../shared/application/portal/staff-sessions";
import { makeOwedToday } from "../../shared/application/portal/owed-today";
import { renderConsolePage, renderInboxPage } from "../../shared/web/portal/console-page";
import type { PortalDeps } from "./deps";
import * as names from "./names";
import { headerOf, makePortalGuards, notice, page } from "./portal-guards";

/** The form is one short field and a token; anything longer is cut (and then finds nothing or is refused). */
const MAX_FORM_BYTES = 4096;

/** The search text to show again in the field — but never a national id: the page shows those masked only. */
function shownAgain(query: string): string {
  return lookupsFor(query).some((l) => l.kind === "national-id") ? "" : query;
}

export function makePortalConsoleFunctions(resolve: () => PortalDeps) {
  const { signedIn } = makePortalGuards(resolve);
  return {
    console: signedIn("console", async (request, deps, wiring, session, lang) => {
      const header = headerOf(session, `/${names.PORTAL_CONSOLE_ROUTE}`);
      if (!mayUseConsole(session.staff)) return notice("not-found", lang, header);
      if (request.method !== "POST") {
        await wiring.recordStaffAction(session.staff, "view-console");
        return page(200, renderConsolePage(lang, { searched: false, people: [] }, header));
      }
      const form = new URLSearchParams((await request.text()).slice(0, MAX_FORM_BYTES));
      if (!staffCsrfMatches(session, form.get("csrf"))) return notice("bad-form", lang, header);
      const query = (form.get("q") ?? "").slice(0, 100);
      const people = await makeFindPerson({
        cases: deps.cases,
        personCases: deps.personCases,
        caseSearch: deps.caseSearch,
        tenantDirectory: wiring.tenantDirectory,
        owedToday: await makeOwedToday(deps),
      })(query);
      await wiring.recordStaffAction(session.staff, "console-search");
      return page(200, renderConsolePage(lang, { searched: true, people, query: shownAgain(query) }, header));
    }),

    inbox: signedIn("console inbox", async (_request, deps, wiring, session, lang) => {
      const header = headerOf(session, `/${names.PORTAL_INBOX_ROUTE}`);
      if (!mayUseConsole(session.staff)) return notice("not-found", lang, header);
      const items = await makeInbox({
        cases: deps.cases,
        ...(deps.workItems ? { workItems: deps.workItems } : {}),
        messageThreads: deps.messageThreads,
        tenantDirectory: wiring.tenantDirectory,
        clock: deps.clock,
      })();
      await wiring.recordStaffAction(session.staff, "view-inbox");
      return page(200, renderInboxPage(lang, items, header));
    }),
  };
}

export function registerPortalConsoleFunctions(deps: () => PortalDeps): void {
  const f = makePortalConsoleFunctions(deps);
  app.http(names.PORTAL_CONSOLE_FUNCTION, {
    route: names.PORTAL_CONSOLE_ROUTE,
    methods: ["GET", "POST"],
    authLevel: "anonymous",
    handler: f.console,
  });
  app.http(names.PORTAL_INBOX_FUNCTION, {
    route: names.PORTAL_INBOX_ROUTE,
    methods: ["GET"],
    authLevel: "anonymous",
    handler: f.inbox,
  });
}
