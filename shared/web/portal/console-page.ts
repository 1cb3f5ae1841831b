/**
 * The customer-service console's pages (issue 16): `/portal/kundeservice` — find a person across every creditor (a
 * POST form: the search string may be a national id, so it never goes in a URL) and one view of each person found
 * with their cases, each linked to its case page — and `/portal/kundeservice/innboks`, the inbox of work, oldest
 * first with its age. The national id is only ever shown masked. Bokmål and English; no JavaScript.
 */
import type { ConsolePerson, InboxItem, InboxKind } from "../../application/portal/console";
import { formatAmount, formatInstantDateTime } from "../i18n";
import { esc, layout, portalHref, T, type PortalLang, type SignedInHeader } from "./pages";

const L = {
  nb: {
    title: "Kundeservice",
    intro: "Finn en person hos alle kreditorer.",
    searchLabel: "KID, telefon, navn, saksnummer, fakturanummer eller fødselsnummer",
    search: "Søk",
    inbox: "Innboks",
    noResults: "Ingen treff.",
    results: "Treff",
    nationalId: "Fødselsnummer",
    phone: "Telefon",
    creditor: "Kreditor",
    services: "Tjenester",
    none: "Ingen",
    inboxTitle: "Innboks",
    inboxIntro: "Arbeid som venter, eldst først.",
    inboxEmpty: "Ingenting venter.",
    kind: "Hva",
    age: "Venter",
    since: "Siden",
    hours: (h: number) => (h < 24 ? `${h} t` : `${Math.floor(h / 24)} d ${h % 24} t`),
    kinds: {
      "debtor-message": "Melding fra skyldner",
      "payment-report": "«Jeg har betalt» med kvittering",
      dispute: "Innsigelse",
      "reopen-delayed": "Gjenåpning forsinket",
    } as Record<InboxKind, string>,
    serviceStates: {
      active: "aktiv",
      suspending: "stenges",
      suspended: "stengt",
      reopening: "gjenåpnes",
      failed: "feilet",
      escalated: "gjenåpning forsinket",
    } as Record<string, string>,
  },
  en: {
    title: "Customer service",
    intro: "Find a person at every creditor.",
    searchLabel: "KID, phone, name, case id, invoice number or national id",
    search: "Search",
    inbox: "Inbox",
    noResults: "No results.",
    results: "Results",
    nationalId: "National id",
    phone: "Phone",
    creditor: "Creditor",
    services: "Services",
    none: "None",
    inboxTitle: "Inbox",
    inboxIntro: "Work waiting, oldest first.",
    inboxEmpty: "Nothing is waiting.",
    kind: "What",
    age: "Waiting",
    since: "Since",
    hours: (h: number) => (h < 24 ? `${h} h` : `${Math.floor(h / 24)} d ${h % 24} h`),
    kinds: {
      "debtor-message": "Message from the debtor",
      "payment-report": "“I have paid” with a receipt",
      dispute: "Dispute",
      "reopen-delayed": "Reopen delayed",
    } as Record<InboxKind, string>,
    serviceStates: {
      active: "active",
      suspending: "suspending",
      suspended: "suspended",
      reopening: "reopening",
      failed: "failed",
      escalated: "reopen delayed",
    } as Record<string, string>,
  },
} as const;

const CONSOLE_PATH = "/portal/kundeservice";
const INBOX_PATH = "/portal/kundeservice/innboks";

function caseHref(lang: PortalLang, tenantId: string, caseId: string): string {
  return portalHref(`/portal/${encodeURIComponent(tenantId)}/saker/${encodeURIComponent(caseId)}`, lang);
}

/** A Norwegian number grouped the way people read it: +4791234568 or "912 34 568" → "+47 912 34 568" (mobile,
 * 3-2-3), a landline +4722123456 → "+47 22 12 34 56"; anything else is shown as stored. */
export function formatPhone(phone: string): string {
  const m = /^(?:\+47|0047)?(\d{8})$/u.exec(phone.replace(/[\s.-]+/gu, ""));
  if (!m) return phone;
  const d = m[1]!;
  return /^[49]/u.test(d)
    ? `+47 ${d.slice(0, 3)} ${d.slice(3, 5)} ${d.slice(5)}`
    : `+47 ${d.slice(0, 2)} ${d.slice(2, 4)} ${d.slice(4, 6)} ${d.slice(6)}`;
}

function personSection(lang: PortalLang, person: ConsolePerson, n: number): string {
  const t = T[lang];
  const l = L[lang];
  const facts = [
    person.nationalIdMasked ? `<dt>${l.nationalId}</dt><dd>${esc(person.nationalIdMasked)}</dd>` : "",
    person.phone ? `<dt>${l.phone}</dt><dd>${esc(formatPhone(person.phone))}</dd>` : "",
  ].join("");
  const rows = person.cases
    .map((c) => {
      const services =
        c.services.length === 0
          ? l.none
          : c.services.map((s) => `${s.kind}: ${l.serviceStates[s.state] ?? s.state}`).join(", ");
      return `<tr><td data-label="${l.creditor}">${esc(c.creditorName)}</td><td data-label="${t.invoice}"><a href="${esc(caseHref(lang, c.tenantId, c.caseId))}">${esc(c.invoiceNumber)}</a></td><td data-label="${t.owed}" class="num">${esc(formatAmount(c.owed, lang))}</td><td data-label="${t.status}">${esc(t.statuses[c.status] ?? c.status)}</td><td data-label="${t.stage}">${esc(t.stages[c.stage] ?? c.stage)}</td><td data-label="${t.due}">${esc(c.dueDate)}</td><td data-label="${l.services}">${esc(services)}</td></tr>`;
    })
    .join("");
  return `<section class="person card" aria-labelledby="person-${n}"><h2 id="person-${n}">${esc(person.name)}</h2>${facts ? `<dl>${facts}</dl>` : ""}
<table aria-labelledby="person-${n}"><thead><tr><th scope="col">${l.creditor}</th><th scope="col">${t.invoice}</th><th scope="col" class="num">${t.owed}</th><th scope="col">${t.status}</th><th scope="col">${t.stage}</th><th scope="col">${t.due}</th><th scope="col">${l.services}</th></tr></thead><tbody>${rows}</tbody></table></section>`;
}

/** The console: the search form, and after a search the people found (or "no results"). */
export function renderConsolePage(
  lang: PortalLang,
  input: {
    searched: boolean;
    people: ConsolePerson[];
    /** The search text, shown again in the field (POST only). */ query?: string;
  },
  header: SignedInHeader,
): string {
  const l = L[lang];
  const form = `<form class="search card" method="post" action="${esc(portalHref(CONSOLE_PATH, lang))}" role="search">
<input type="hidden" name="csrf" value="${esc(header.csrfToken)}">
<label for="q">${l.searchLabel}<input id="q" name="q"${input.query ? ` value="${esc(input.query)}"` : ""} type="search" maxlength="100" autocomplete="off" spellcheck="false"></label>
<button class="button" type="submit">${l.search}</button></form>`;
  const results = !input.searched
    ? ""
    : input.people.length === 0
      ? `<p class="card" role="status">${l.noResults}</p>`
      : `<h2 role="status">${l.results}: ${input.people.length}</h2>${input.people.map((p, i) => personSection(lang, p, i + 1)).join("")}`;
  return layout(
    lang,
    l.title,
    `<h1>${l.title}</h1><p class="actions"><span>${l.intro}</span><a href="${esc(portalHref(INBOX_PATH, lang))}">${l.inbox}</a></p>${form}${results}`,
    { ...header, path: CONSOLE_PATH },
  );
}

function sinceText(instant: string, lang: PortalLang): string {
  const { date, time } = formatInstantDateTime(instant, lang);
  return `${date} ${time}`;
}

/** The inbox of work, oldest first, each item linked to its case page with its age. */
export function renderInboxPage(lang: PortalLang, items: InboxItem[], header: SignedInHeader): string {
  const t = T[lang];
  const l = L[lang];
  const list =
    items.length === 0
      ? `<p class="card">${l.inboxEmpty}</p>`
      : `<table aria-labelledby="inbox-heading"><thead><tr><th scope="col">${l.kind}</th><th scope="col">${l.creditor}</th><th scope="col">${t.invoice}</th><th scope="col">${l.since}</th><th scope="col" class="num">${l.age}</th></tr></thead><tbody>${items
          .map(
            (i) =>
              `<tr><td data-label="${l.kind}">${esc(l.kinds[i.kind])}</td><td data-label="${l.creditor}">${esc(i.creditorName)}</td><td data-label="${t.invoice}"><a href="${esc(caseHref(lang, i.tenantId, i.caseId))}">${esc(i.invoiceNumber)}</a></td><td data-label="${l.since}"><time datetime="${esc(i.since)}">${esc(sinceText(i.since, lang))}</time></td><td data-label="${l.age}" class="num">${esc(l.hours(i.ageHours))}</td></tr>`,
          )
          .join("")}</tbody></table>`;
  return layout(
    lang,
    l.inboxTitle,
    `<p><a href="${esc(portalHref(CONSOLE_PATH, lang))}">${l.title}</a></p><h1 id="inbox-heading">${l.inboxTitle}</h1><p>${l.inboxIntro}</p>${list}`,
    { ...header, path: INBOX_PATH },
  );
}
