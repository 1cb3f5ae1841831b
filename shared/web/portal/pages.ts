/**
 * The creditor portal's and customer-service console's server-rendered pages (issue 16): sign-in, "closed", "not
 * found", the tenants a staff user may see, and a tenant's cases with search, status filter and paging. Bokmål by
 * default, English with `?lang=en`; no JavaScript; one inline stylesheet allowed by hash (PORTAL_CSP); usable from a
 * phone (the case table turns into stacked rows) to a desktop.
 */
import { createHash } from "node:crypto";

export type PortalLang = "nb" | "en";

export const esc = (s: string): string =>
  s.replace(/[&<>"']/gu, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

const CSS = [
  "*{box-sizing:border-box}",
  "body{margin:0;font:1rem/1.5 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1a1a1a;background:#f3f3f1}",
  "header{background:#12263a;color:#fff;padding:.75rem 1rem;display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center;justify-content:space-between}",
  "header a,header button{color:#fff}",
  "header form{margin:0}",
  "header .who{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center}",
  "header button{font:inherit;background:transparent;border:1px solid #fff;border-radius:.25rem;padding:.25rem .75rem;min-height:44px;cursor:pointer}",
  "main{max-width:72rem;margin:0 auto;padding:1rem}",
  "a{color:#0b4fa8}",
  "a:focus,button:focus,input:focus,select:focus{outline:3px solid #0b0c0c;outline-offset:2px;box-shadow:0 0 0 6px #ffdd00}",
  "h1{font-size:1.5rem;margin:.5rem 0 1rem}",
  ".card{background:#fff;border:1px solid #6b7378;border-radius:.5rem;padding:1rem;margin:0 0 1rem}",
  "ul.tenants{list-style:none;padding:0;margin:0}",
  "dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem}dt{font-weight:600}dd{margin:0}",
  "ol.timeline{padding-left:2rem}ol.timeline li{margin:.25rem 0}h2{font-size:1.25rem}",
  "ul.tenants li{margin:.5rem 0}",
  "ul.tenants a{display:inline-block;min-height:44px;padding:.5rem 0;font-weight:600}",
  ".button{display:inline-block;font:inherit;font-weight:600;background:#0b4fa8;color:#fff;border:0;border-radius:.375rem;padding:.625rem 1.25rem;min-height:44px;text-decoration:none;cursor:pointer}",
  "form.search{display:flex;flex-wrap:wrap;gap:.75rem;align-items:flex-end}",
  "form.search label{display:flex;flex-direction:column;font-weight:600;gap:.25rem}",
  "form.search input,form.search select{font:inherit;min-height:44px;padding:.375rem .5rem;border:1px solid #6b7378;border-radius:.25rem;background:#fff;color:#1a1a1a}",
  "table{width:100%;border-collapse:collapse;background:#fff}",
  "th,td{text-align:left;padding:.5rem;border-bottom:1px solid #c8cccf;vertical-align:top}",
  "td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}",
  ".muted{color:#4a5257}",
  "nav.paging{display:flex;gap:1rem;margin:1rem 0}",
  ".tenant-nav ul{list-style:none;display:flex;flex-wrap:wrap;gap:.25rem 1rem;padding:0;margin:0 0 1rem}.tenant-nav a{display:inline-block;min-height:44px;padding:.5rem 0}",
  ".tenant-nav a[aria-current=page]{font-weight:700;text-decoration:none;border-bottom:3px solid #0b4fa8}",
  "nav.paging a{display:inline-block;min-height:44px;padding:.5rem 0}",
  "form.stack label{display:block;font-weight:600;margin:.75rem 0 .25rem}form.stack input,form.stack select,form.stack textarea{font:inherit;width:100%;max-width:40rem;min-height:44px;padding:.375rem .5rem;border:1px solid #6b7378;border-radius:.25rem;background:#fff;color:#1a1a1a}form.stack textarea{min-height:6rem}fieldset{border:1px solid #6b7378;border-radius:.5rem;margin:1rem 0;padding:.5rem 1rem}legend{font-weight:600}p.hint{margin:.25rem 0;color:#4a5257}.errors{border:3px solid #a4000f}.error{color:#a4000f;font-weight:600}form.inline{display:inline}",
  ".error-summary{border:2px solid #b3261e;border-radius:.5rem;background:#fff;padding:.75rem 1rem;margin:0 0 1rem}",
  ".error-summary h2{margin:0 0 .25rem;font-size:1.125rem}",
  "p.actions{display:flex;flex-wrap:wrap;gap:1rem;align-items:center}",
  "ul.plain{list-style:none;padding:0;margin:0}",
  "section.person{margin:0 0 1.5rem}",
  ".field-error{display:block;max-width:16rem;color:#b3261e;font-weight:400}",
  "@media (max-width:40rem){table,thead,tbody,tr,td{display:block}thead{position:absolute;left:-9999px}tr{border:1px solid #6b7378;border-radius:.5rem;margin:0 0 .75rem;background:#fff}td{border:0;padding:.25rem .75rem}td::before{content:attr(data-label)': ';font-weight:600}td.num{text-align:left}}",
].join("");

/** The portal's CSP; a page with a stylesheet of its own (`layout`'s `extraCss`) names its hash too. */
export function portalCspWith(extraCss?: string): string {
  const hash = (css: string) => `'sha256-${createHash("sha256").update(css).digest("base64")}'`;
  return [
    "default-src 'none'",
    `style-src ${hash(CSS)}${extraCss ? ` ${hash(extraCss)}` : ""}`,
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
  ].join("; ");
}

export const PORTAL_CSP = portalCspWith();

/** The staff roles in words, for the header (the codes are the app roles' values at the identity provider). */
const ROLE_NAMES: Record<PortalLang, Record<string, string>> = {
  nb: {
    "creditor.viewer": "kreditor, lesetilgang",
    "creditor.editor": "kreditor, kan endre",
    "service.agent": "kundeservice",
    operator: "drift",
  },
  en: {
    "creditor.viewer": "creditor, read only",
    "creditor.editor": "creditor, may change",
    "service.agent": "customer service",
    operator: "operations",
  },
};

/** The portal's texts (bokmål, English), shared by its page modules. */
export const T = {
  nb: {
    portal: "Kreditorportal",
    signInTitle: "Logg inn – kreditorportal og kundeservice",
    signInIntro: "For ansatte hos kreditorer og inkassobyrået. Du logger inn med jobbkontoen din.",
    signIn: "Logg inn",
    signOut: "Logg ut",
    closedTitle: "Portalen er stengt",
    closedBody: "Innlogging for ansatte er ikke satt opp på denne installasjonen.",
    notFoundTitle: "Fant ikke siden",
    notFoundBody: "Siden finnes ikke, eller du har ikke tilgang til den.",
    refusedTitle: "Innloggingen ble ikke fullført",
    refusedBody: "Prøv igjen. Har du ingen rolle i portalen, må administratoren gi deg en.",
    unavailableTitle: "Portalen er ikke tilgjengelig akkurat nå",
    unavailableBody: "Prøv igjen om litt.",
    badFormTitle: "Skjemaet kunne ikke sendes",
    badFormBody: "Last siden på nytt og prøv igjen.",
    tenantsTitle: "Kreditorer",
    tenantsNone: "Du har ikke tilgang til noen kreditor.",
    casesTitle: "Saker",
    search: "Søk",
    searchLabel: "Fakturanummer, KID eller kundenummer",
    status: "Status",
    allStatuses: "Alle",
    invoice: "Faktura",
    customer: "Kunde",
    due: "Forfall",
    owed: "Skyldig",
    stage: "Steg",
    noCases: "Ingen saker.",
    next: "Neste side",
    first: "Første side",
    roles: "Roller",
    language: "English",
    console: "Kundeservice",
    caseTitle: "Sak",
    timeline: "Hva har skjedd",
    staffViewed: "Ansatt {who} åpnet saken",
    staffAction: "Ansatt {who}: {what}",
    back: "Tilbake til sakene",
    stages: {
      invoiced: "Fakturert",
      "lets-pay-sms": "Betalingspåminnelse (SMS)",
      reminder: "Purring",
      "collection-notice": "Inkassovarsel",
      "payment-demand": "Betalingsoppfordring",
      "suspension-notice": "Stengevarsel",
      suspension: "Stengt",
      "legal-handoff": "Rettslige skritt",
    } as Record<string, string>,
    statuses: {
      open: "Åpen",
      "on-hold": "På vent",
      disputed: "Bestridt",
      paid: "Betalt",
      cancelled: "Kansellert",
      "handed-off": "Overlevert",
    } as Record<string, string>,
  },
  en: {
    portal: "Creditor portal",
    signInTitle: "Sign in – creditor portal and customer service",
    signInIntro: "For staff at creditors and the collection agency. Sign in with your work account.",
    signIn: "Sign in",
    signOut: "Sign out",
    closedTitle: "The portal is closed",
    closedBody: "Staff sign-in is not set up on this installation.",
    notFoundTitle: "Page not found",
    notFoundBody: "The page does not exist, or you do not have access to it.",
    refusedTitle: "The sign-in was not completed",
    refusedBody: "Try again. If you have no role in the portal, an administrator must give you one.",
    unavailableTitle: "The portal is unavailable right now",
    unavailableBody: "Try again in a moment.",
    badFormTitle: "The form could not be sent",
    badFormBody: "Reload the page and try again.",
    tenantsTitle: "Creditors",
    tenantsNone: "You have access to no creditor.",
    casesTitle: "Cases",
    search: "Search",
    searchLabel: "Invoice number, KID or customer id",
    status: "Status",
    allStatuses: "All",
    invoice: "Invoice",
    customer: "Customer",
    due: "Due",
    owed: "Owed",
    stage: "Stage",
    noCases: "No cases.",
    next: "Next page",
    first: "First page",
    roles: "Roles",
    language: "Norsk",
    console: "Customer service",
    caseTitle: "Case",
    timeline: "What has happened",
    staffViewed: "Staff user {who} opened the case",
    staffAction: "Staff user {who}: {what}",
    back: "Back to the cases",
    stages: {
      invoiced: "Invoiced",
      "lets-pay-sms": "Let's pay SMS",
      reminder: "Reminder",
      "collection-notice": "Collection notice",
      "payment-demand": "Payment demand",
      "suspension-notice": "Suspension notice",
      suspension: "Suspended",
      "legal-handoff": "Legal hand-off",
    } as Record<string, string>,
    statuses: {
      open: "Open",
      "on-hold": "On hold",
      disputed: "Disputed",
      paid: "Paid",
      cancelled: "Cancelled",
      "handed-off": "Handed off",
    } as Record<string, string>,
  },
} as const;

export const CASE_STATUSES = ["open", "on-hold", "disputed", "paid", "cancelled", "handed-off"] as const;

/** A portal path in the page's language (bokmål carries no parameter). */
export function portalHref(path: string, lang: PortalLang, params: Record<string, string> = {}): string {
  const query = new URLSearchParams(params);
  if (lang === "en") query.set("lang", "en");
  const q = query.toString();
  return q ? `${path}?${q}` : path;
}

export interface SignedInHeader {
  displayName: string;
  roles: readonly string[];
  csrfToken: string;
  /** The current path and params, for the language switch. */
  path: string;
  params?: Record<string, string>;
}

/** A portal page: the header (who, language, sign-out), `body` in main; `head` adds to <head> (a page's own assets). */
export function layout(lang: PortalLang, title: string, body: string, header?: SignedInHeader, head = ""): string {
  const t = T[lang];
  const otherLang: PortalLang = lang === "nb" ? "en" : "nb";
  const switchHref = header
    ? portalHref(header.path, otherLang, header.params ?? {})
    : portalHref("/portal/logg-inn", otherLang);
  const right = header
    ? `${header.roles.some((r) => r === "service.agent" || r === "operator") ? `<a href="${esc(portalHref("/portal/kundeservice", lang))}">${t.console}</a>` : ""}
<span>${esc(header.displayName)} <span class="roles">(${esc(header.roles.map((r) => ROLE_NAMES[lang][r] ?? r).join(", "))})</span></span>
<a href="${esc(switchHref)}" lang="${otherLang}">${t.language}</a>
<form method="post" action="${esc(portalHref("/portal/logg-ut", lang))}"><input type="hidden" name="csrf" value="${esc(header.csrfToken)}"><button type="submit">${t.signOut}</button></form>`
    : `<a href="${esc(switchHref)}" lang="${otherLang}">${t.language}</a>`;
  return `<!doctype html>
<html lang="${lang === "nb" ? "nb" : "en"}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex"><meta name="referrer" content="no-referrer"><title>${esc(title)} – ${t.portal}</title>
<style>${CSS}</style>${head}</head><body>
<header><a href="${esc(portalHref("/portal", lang))}"><strong>${t.portal}</strong></a><div class="who">${right}</div></header>
<main id="main">${body}</main></body></html>`;
}

export function renderSignInPage(lang: PortalLang): string {
  const t = T[lang];
  return layout(
    lang,
    t.signInTitle,
    `<h1>${t.signInTitle}</h1><div class="card"><p>${t.signInIntro}</p>
<p><a class="button" href="${esc(portalHref("/portal/logg-inn/start", lang))}">${t.signIn}</a></p></div>`,
  );
}

export type PortalNotice = "closed" | "not-found" | "refused" | "unavailable" | "bad-form";
export const PORTAL_NOTICE_STATUS: Record<PortalNotice, number> = {
  closed: 503,
  "not-found": 404,
  refused: 403,
  unavailable: 503,
  "bad-form": 403,
};

export function renderPortalNotice(kind: PortalNotice, lang: PortalLang, header?: SignedInHeader): string {
  const t = T[lang];
  const texts: Record<PortalNotice, readonly [string, string]> = {
    closed: [t.closedTitle, t.closedBody],
    "not-found": [t.notFoundTitle, t.notFoundBody],
    refused: [t.refusedTitle, t.refusedBody],
    unavailable: [t.unavailableTitle, t.unavailableBody],
    "bad-form": [t.badFormTitle, t.badFormBody],
  };
  const [title, body] = texts[kind];
  const again =
    kind === "refused"
      ? `<p><a class="button" href="${esc(portalHref("/portal/logg-inn", lang))}">${t.signIn}</a></p>`
      : "";
  return layout(lang, title, `<h1>${title}</h1><div class="card"><p>${body}</p>${again}</div>`, header);
}

export function renderTenantsPage(
  lang: PortalLang,
  tenants: ReadonlyArray<{ tenantId: string; name: string }>,
  header: SignedInHeader,
): string {
  const t = T[lang];
  const list =
    tenants.length === 0
      ? `<p>${t.tenantsNone}</p>`
      : `<ul class="tenants">${tenants
          .map(
            (x) =>
              `<li><a href="${esc(portalHref(`/portal/${encodeURIComponent(x.tenantId)}/saker`, lang))}">${esc(x.name)}</a><br><small class="muted">${esc(x.tenantId)}</small></li>`,
          )
          .join("")}</ul>`;
  return layout(lang, t.tenantsTitle, `<h1>${t.tenantsTitle}</h1><div class="card">${list}</div>`, header);
}

/** The portal's page frame and escaping, for pages in files of their own (experiments-page.ts). */
export { layout as portalLayout, esc as escapePortalHtml };
