/**
 * The creditor's case list (issue 16, `/portal/{tenantId}/saker`): search (invoice number, KID, customer id, name,
 * phone), filters (status, stage, due date range, service state), sort, paging and a link to the CSV export of the
 * same filters. A plain GET form, no JavaScript; a filter that does not fit is named in an error summary at the top
 * and on its field. Bokmål and English; on a phone the table becomes stacked rows (pages.ts' CSS).
 */
import type { CaseListFilters, FilterField } from "../../application/portal/case-list";
import { CaseStatus } from "../../domain/case";
import { SERVICE_FILTERS, SORT_KEYS, STAGE_GROUP_NAMES } from "../../ports/case-search";
import { esc, layout, portalHref, T, type PortalLang, type SignedInHeader } from "./pages";
import { tenantNav } from "./tenant-nav";

const L = {
  nb: {
    searchLabel: "Fakturanummer, KID eller kundenummer, navn eller telefon",
    stage: "Steg",
    anyStage: "Alle",
    service: "Tjenester",
    anyService: "Alle",
    dueFrom: "Forfall fra",
    dueTo: "Forfall til",
    sort: "Sorter etter",
    dir: "Rekkefølge",
    asc: "Stigende",
    desc: "Synkende",
    csv: "Last ned som CSV (Excel)",
    name: "Navn",
    lastActivity: "Sist endret",
    owedNote:
      "Skyldig beløp er det som skyldes i dag, med renter. Sortering og filter bruker beløpet ved siste endring, som kan være litt lavere.",
    fixTitle: "Rett opp søket",
    noCases: "Ingen saker.",
    stageGroups: {
      invoiced: "Fakturert",
      "lets-pay": "Betalingspåminnelse (SMS)",
      reminder: "Purring",
      notice: "Varsel",
      demand: "Betalingsoppfordring",
      collection: "Inkasso og stenging",
    } as Record<string, string>,
    services: { suspended: "Noen stengt", "reopen-pending": "Gjenåpning venter" } as Record<string, string>,
    sorts: { due: "Forfallsdato", owed: "Skyldig beløp", activity: "Sist endret" } as Record<string, string>,
    fields: {
      q: "Søket er for langt",
      status: "Ukjent status",
      stage: "Ukjent steg",
      service: "Ukjent tjenestestatus",
      dueFrom: "«Forfall fra» må være en dato (ÅÅÅÅ-MM-DD)",
      dueTo: "«Forfall til» må være en dato (ÅÅÅÅ-MM-DD) og ikke før «Forfall fra»",
      sort: "Ukjent sortering",
      dir: "Ukjent rekkefølge",
    } as Record<FilterField, string>,
  },
  en: {
    searchLabel: "Invoice number, KID or customer id, name or phone",
    stage: "Stage",
    anyStage: "All",
    service: "Services",
    anyService: "All",
    dueFrom: "Due from",
    dueTo: "Due to",
    sort: "Sort by",
    dir: "Order",
    asc: "Ascending",
    desc: "Descending",
    csv: "Download as CSV (Excel)",
    name: "Name",
    lastActivity: "Last activity",
    owedNote:
      "Amount owed is what is owed today, interest included. Sorting and filters use the amount at the last change, which may be a little lower.",
    fixTitle: "Correct the search",
    noCases: "No cases.",
    stageGroups: {
      invoiced: "Invoiced",
      "lets-pay": "Let's pay SMS",
      reminder: "Reminder",
      notice: "Notice",
      demand: "Payment demand",
      collection: "Collection and suspension",
    } as Record<string, string>,
    services: { suspended: "Any suspended", "reopen-pending": "Reopen pending" } as Record<string, string>,
    sorts: { due: "Due date", owed: "Amount owed", activity: "Last activity" } as Record<string, string>,
    fields: {
      q: "The search is too long",
      status: "Unknown status",
      stage: "Unknown stage",
      service: "Unknown service state",
      dueFrom: "“Due from” must be a date (YYYY-MM-DD)",
      dueTo: "“Due to” must be a date (YYYY-MM-DD), not before “Due from”",
      sort: "Unknown sort",
      dir: "Unknown order",
    } as Record<FilterField, string>,
  },
} as const;

export interface CaseListRow {
  caseId: string;
  invoiceNumber: string;
  kid: string;
  customerId: string;
  name: string;
  status: string;
  stage: string;
  dueDate: string;
  /** Owed today, formatted. */
  owed: string;
  /** The day of the last change, YYYY-MM-DD (Europe/Oslo). */
  lastActivity: string;
}

export interface CaseListPageInput {
  tenantId: string;
  tenantName: string;
  filters: CaseListFilters;
  /** The filters as URL parameters (defaults left out), for the paging and CSV links. */
  params: Record<string, string>;
  /** Fields that did not fit: named at the top and on the field; nothing is listed. */
  invalid: FilterField[];
  rows: CaseListRow[];
  next?: string;
  paged: boolean;
}

function options(values: readonly string[], selected: string, label: (v: string) => string, any?: string): string {
  return [any === undefined ? "" : `<option value="">${esc(any)}</option>`]
    .concat(
      values.map((v) => `<option value="${esc(v)}"${v === selected ? " selected" : ""}>${esc(label(v))}</option>`),
    )
    .join("");
}

export function renderCaseListPage(lang: PortalLang, input: CaseListPageInput, header: SignedInHeader): string {
  const t = T[lang];
  const l = L[lang];
  const f = input.filters;
  const path = `/portal/${encodeURIComponent(input.tenantId)}/saker`;
  const bad = new Set(input.invalid);
  const invalid = (field: FilterField) =>
    bad.has(field) ? ` aria-invalid="true" aria-describedby="${field}-error"` : "";
  const fieldError = (field: FilterField) =>
    bad.has(field) ? `<span id="${field}-error" class="field-error">${esc(l.fields[field])}</span>` : "";
  const summary =
    input.invalid.length === 0
      ? ""
      : `<div class="error-summary" role="alert"><h2>${l.fixTitle}</h2><ul>${input.invalid
          .map((field) => `<li><a href="#${field}">${esc(l.fields[field])}</a></li>`)
          .join("")}</ul></div>`;
  const form = `<form class="search card" method="get" action="${esc(path)}" role="search">
${lang === "en" ? '<input type="hidden" name="lang" value="en">' : ""}
<label for="q">${l.searchLabel}<input id="q" name="q" type="search" value="${esc(f.q)}" maxlength="100" autocomplete="off"${invalid("q")}>${fieldError("q")}</label>
<label for="status">${t.status}<select id="status" name="status"${invalid("status")}>${options(CaseStatus.options, f.status, (s) => t.statuses[s] ?? s, t.allStatuses)}</select></label>
<label for="stage">${l.stage}<select id="stage" name="stage"${invalid("stage")}>${options(STAGE_GROUP_NAMES, f.stage, (s) => l.stageGroups[s] ?? s, l.anyStage)}</select></label>
<label for="service">${l.service}<select id="service" name="service"${invalid("service")}>${options(SERVICE_FILTERS, f.service, (s) => l.services[s] ?? s, l.anyService)}</select></label>
<label for="dueFrom">${l.dueFrom}<input id="dueFrom" name="dueFrom" type="date" value="${esc(f.dueFrom)}"${invalid("dueFrom")}>${fieldError("dueFrom")}</label>
<label for="dueTo">${l.dueTo}<input id="dueTo" name="dueTo" type="date" value="${esc(f.dueTo)}"${invalid("dueTo")}>${fieldError("dueTo")}</label>
<label for="sort">${l.sort}<select id="sort" name="sort">${options(SORT_KEYS, f.sort, (s) => l.sorts[s] ?? s)}</select></label>
<label for="dir">${l.dir}<select id="dir" name="dir">${options(["asc", "desc"], f.dir, (d) => (d === "asc" ? l.asc : l.desc))}</select></label>
<button class="button" type="submit">${t.search}</button></form>`;
  // The export of filters that do not fit would only answer with this page again: no link until they are right.
  const csv =
    input.invalid.length > 0
      ? ""
      : `<p class="actions"><a href="${esc(portalHref(`${path}.csv`, lang, input.params))}" download>${l.csv}</a></p>`;
  const rows =
    input.rows.length === 0
      ? `<p class="card">${l.noCases}</p>`
      : `<table aria-labelledby="cases-heading"><thead><tr><th scope="col">${t.invoice}</th><th scope="col">KID</th><th scope="col">${t.customer}</th><th scope="col">${t.status}</th><th scope="col">${t.stage}</th><th scope="col">${t.due}</th><th scope="col" class="num">${t.owed}</th><th scope="col">${l.lastActivity}</th></tr></thead><tbody>${input.rows
          .map(
            (r) =>
              `<tr><td data-label="${t.invoice}"><a href="${esc(portalHref(`${path}/${encodeURIComponent(r.caseId)}`, lang))}">${esc(r.invoiceNumber)}</a></td><td data-label="KID">${esc(r.kid)}</td><td data-label="${t.customer}">${esc(r.name)} <span class="muted">${esc(r.customerId)}</span></td><td data-label="${t.status}">${esc(t.statuses[r.status] ?? r.status)}</td><td data-label="${t.stage}">${esc(t.stages[r.stage] ?? r.stage)}</td><td data-label="${t.due}">${esc(r.dueDate)}</td><td data-label="${t.owed}" class="num">${esc(r.owed)}</td><td data-label="${l.lastActivity}">${esc(r.lastActivity)}</td></tr>`,
          )
          .join("")}</tbody></table><p class="muted" id="owed-note">${l.owedNote}</p>`;
  const paging = [
    input.paged ? `<a href="${esc(portalHref(path, lang, input.params))}">${t.first}</a>` : "",
    input.next
      ? `<a href="${esc(portalHref(path, lang, { ...input.params, page: input.next }))}" rel="next">${t.next}</a>`
      : "",
  ]
    .filter(Boolean)
    .join("");
  return layout(
    lang,
    `${t.casesTitle} – ${input.tenantName}`,
    `${tenantNav(lang, input.tenantId, "cases")}<h1 id="cases-heading">${t.casesTitle}: ${esc(input.tenantName)}</h1>${summary}${form}${csv}${rows}${paging ? `<nav class="paging" aria-label="${t.next}">${paging}</nav>` : ""}`,
    { ...header, path, params: input.params },
  );
}
