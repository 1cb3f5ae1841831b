/**
 * Min side's powers of attorney (issue 15), for a person signed in with BankID:
 *
 *   GET  /min-side/fullmakter                 the grants given (with revoke) and held, and the form to give one
 *   POST /min-side/fullmakter                 (CSRF) give one → 303 back with ?utfort=granted|changed; refused → the
 *                                              form again, 422, each field's message at the field
 *   POST /min-side/fullmakter/trekk-tilbake   (CSRF) revoke one of one's own → 303 back with ?utfort=revoked
 *
 * No session → 303 to sign-in. A case number + PIN sign-in → 403, a page saying BankID is needed (a case cannot
 * grant). A wrong or missing CSRF token → the "form expired" page, 403, nothing done. Nothing personal is logged, and
 * the national id typed travels only in the POSTed body.
 */
import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from "@azure/functions";
import {
  makeGrantPowerOfAttorney,
  makeLoadPowerOfAttorneyPage,
  makeRevokePowerOfAttorney,
  type PowerOfAttorneyDeps,
} from "../../shared/application/min-side/power-of-attorney";
import { csrfMatches, type MinSideSession } from "../../shared/application/min-side/subject";
import { clientAddress } from "../../shared/http/rate-limit";
import { negotiateLang } from "../../shared/web/i18n";
import { PAGE_CSP } from "../../shared/web/layout";
import {
  ATTORNEY_DONE_PARAM,
  ATTORNEY_PATH,
  renderAttorneyNeedsBankId,
  renderAttorneyPage,
  type AttorneyFormValues,
} from "../../shared/web/min-side/attorney-page";
import {
  MIN_SIDE_NOTICE_STATUS,
  MIN_SIDE_PATH,
  minSideHref,
  renderMinSideNotice,
  type MinSideNotice,
} from "../../shared/web/min-side-pages";
import type { Lang } from "../../shared/web/pay-page-model";
import type { MinSideDeps } from "./deps";
import * as names from "./names";

const PAGE_HEADERS = {
  "content-type": "text/html; charset=utf-8",
  "cache-control": "no-store",
  "referrer-policy": "no-referrer",
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "content-security-policy": PAGE_CSP,
};

const page = (status: number, body: string): HttpResponseInit => ({ status, headers: { ...PAGE_HEADERS }, body });
const notice = (kind: MinSideNotice, lang: Lang): HttpResponseInit =>
  page(MIN_SIDE_NOTICE_STATUS[kind], renderMinSideNotice(kind, lang));
const redirect = (location: string, cookies?: HttpResponseInit["cookies"]): HttpResponseInit => ({
  status: 303,
  headers: { location, "cache-control": "no-store", "referrer-policy": "no-referrer" },
  ...(cookies ? { cookies } : {}),
});

function langOf(request: HttpRequest, session?: MinSideSession): Lang {
  const query = request.query.get("lang");
  if (!query && session && !request.headers.get("accept-language")) return session.lang;
  return negotiateLang(query, request.headers.get("accept-language"));
}

type Handler = (
  request: HttpRequest,
  ctx: { deps: PowerOfAttorneyDeps; secret: string; session: MinSideSession; lang: Lang },
) => Promise<HttpResponseInit>;

export function makePowerOfAttorneyFunctions(resolve: () => MinSideDeps) {
  /** Wiring, rate limit, a session of a person signed in with BankID; anything unexpected → "unavailable". */
  const personOnly =
    (what: string, fn: Handler) =>
    async (request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> => {
      let lang = langOf(request);
      try {
        const deps = resolve();
        const wiring = deps.minSide;
        if (!wiring?.powersOfAttorney) return notice("closed", lang);
        const verdict = await wiring.pageLimiter.check({ client: clientAddress(request) });
        if (!verdict.ok) return notice("rate-limited", lang);
        const session = await wiring.sessions.resolve(request);
        if (!session) return redirect(minSideHref(`${MIN_SIDE_PATH}/logg-inn`, lang));
        lang = langOf(request, session);
        if (session.subject.kind !== "person") return page(403, renderAttorneyNeedsBankId(lang));
        const { store, secret } = wiring.powersOfAttorney;
        return await fn(request, {
          deps: {
            grants: store,
            cases: deps.cases,
            personCases: wiring.personCases,
            events: deps.events,
            clock: deps.clock,
            random: deps.random,
          },
          secret,
          session,
          lang,
        });
      } catch (error) {
        context.error(`min side ${what} failed`, {
          error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
        });
        return notice("unavailable", lang);
      }
    };

  const back = (lang: Lang, done: string) =>
    minSideHref(`${ATTORNEY_PATH}?${new URLSearchParams({ [ATTORNEY_DONE_PARAM]: done }).toString()}`, lang);

  return {
    show: personOnly("power of attorney page", async (request, { deps, secret, session, lang }) => {
      if (session.subject.kind !== "person") return notice("not-found", lang);
      const view = await makeLoadPowerOfAttorneyPage(deps, { secret })(session.subject);
      return page(
        200,
        renderAttorneyPage({ lang, csrf: session.csrfToken, page: view, done: request.query.get(ATTORNEY_DONE_PARAM) }),
      );
    }),

    grant: personOnly("power of attorney grant", async (request, { deps, secret, session, lang }) => {
      if (session.subject.kind !== "person") return notice("not-found", lang);
      const form = new URLSearchParams((await request.text()).slice(0, 16_384));
      if (!csrfMatches(session, form.get("csrf"))) return notice("bad-form", lang);
      const values: AttorneyFormValues = {
        nationalId: (form.get("nationalId") ?? "").slice(0, 20),
        name: (form.get("name") ?? "").slice(0, 200),
        scope: (form.get("scope") ?? "").slice(0, 10),
        validUntil: (form.get("validUntil") ?? "").slice(0, 10),
        which: (form.get("which") ?? "").slice(0, 10),
        cases: form.getAll("case").slice(0, 100),
      };
      const outcome = await makeGrantPowerOfAttorney(deps, { secret })(session, values);
      if (outcome.kind === "done") return redirect(back(lang, outcome.changed ? "changed" : "granted"));
      const view = await makeLoadPowerOfAttorneyPage(deps, { secret })(session.subject);
      return page(
        422,
        renderAttorneyPage({ lang, csrf: session.csrfToken, page: view, errors: outcome.errors, values }),
      );
    }),

    revoke: personOnly("power of attorney revoke", async (request, { deps, secret, session, lang }) => {
      const form = new URLSearchParams((await request.text()).slice(0, 4096));
      if (!csrfMatches(session, form.get("csrf"))) return notice("bad-form", lang);
      const result = await makeRevokePowerOfAttorney(deps, { secret })(session, (form.get("grant") ?? "").slice(0, 40));
      return result === "revoked" ? redirect(back(lang, "revoked")) : notice("not-found", lang);
    }),
  };
}

export function registerPowerOfAttorneyFunctions(deps: () => MinSideDeps): void {
  const f = makePowerOfAttorneyFunctions(deps);
  app.http(names.MIN_SIDE_ATTORNEY_FUNCTION, {
    route: names.MIN_SIDE_ATTORNEY_ROUTE,
    methods: ["GET"],
    authLevel: "anonymous",
    handler: f.show,
  });
  app.http(names.MIN_SIDE_ATTORNEY_GRANT_FUNCTION, {
    route: names.MIN_SIDE_ATTORNEY_ROUTE,
    methods: ["POST"],
    authLevel: "anonymous",
    handler: f.grant,
  });
  app.http(names.MIN_SIDE_ATTORNEY_REVOKE_FUNCTION, {
    route: names.MIN_SIDE_ATTORNEY_REVOKE_ROUTE,
    methods: ["POST"],
    authLevel: "anonymous",
    handler: f.revoke,
  });
}
