/**
 * Min side's power-of-attorney page (`/min-side/fullmakter`, issue 15), server-rendered into the shared layout (no
 * JavaScript, phone first): the form to give one (national id, name, scope, last day, all claims or chosen ones),
 * the grants given with a revoke button each, and those held. Every form carries the session's CSRF token; a refused
 * submission comes back with a summary at the top linking to each field and the message at the field. The national id
 * is shown back only in the field the person typed it in, and never in a URL (the form is POSTed).
 */
import type {
  GrantField,
  GrantRefusal,
  GrantView,
  PowerOfAttorneyPage,
} from "../../application/min-side/power-of-attorney";
import { formatLocalDate } from "../i18n";
import { compileTemplate, renderLayout } from "../layout";
import { MIN_SIDE_PATH, minSideHref } from "../min-side-pages";
import { ms } from "../min-side-i18n";
import type { Lang } from "../pay-page-model";
import { aw, type AttorneyTextKey } from "./attorney-words";

export const ATTORNEY_PATH = `${MIN_SIDE_PATH}/fullmakter`;
export const ATTORNEY_REVOKE_PATH = `${ATTORNEY_PATH}/trekk-tilbake`;
/** The query parameter saying what was just done (granted | changed | revoked). */
export const ATTORNEY_DONE_PARAM = "utfort";

export interface AttorneyFormValues {
  nationalId?: string;
  name?: string;
  scope?: string;
  validUntil?: string;
  which?: string;
  cases?: readonly string[];
}

export interface AttorneyPageInput {
  lang: Lang;
  csrf: string;
  page: PowerOfAttorneyPage;
  errors?: ReadonlyArray<{ field: GrantField; code: GrantRefusal }>;
  values?: AttorneyFormValues;
  done?: string | null;
}

interface Choice {
  id: string;
  value: string;
  label: string;
  checked: boolean;
}

const template = compileTemplate<{
  back: { href: string; label: string };
  title: string;
  intro: string;
  done?: string;
  summary?: { title: string; items: Array<{ href: string; text: string }> };
  errorPrefix: string;
  grantHeading: string;
  grantIntro: string;
  action: string;
  csrf: string;
  nationalId: { label: string; hint: string; value: string; error?: string };
  name: { label: string; hint: string; value: string; error?: string };
  scope: { legend: string; error?: string; choices: Choice[] };
  until: { label: string; hint: string; value: string; error?: string };
  cases: { legend: string; error?: string; all: Choice; chosenLabel: string; choices: Choice[] };
  noClaims?: string;
  submit: string;
  givenHeading: string;
  given: Array<{ text: string; state: string; revoke?: { label: string; aria: string; grantId: string } }>;
  noneGiven: string;
  revokeAction: string;
  receivedHeading: string;
  received: string[];
  noneReceived: string;
}>(`<p><a href="<%= it.back.href %>"><%= it.back.label %></a></p>
<h1 tabindex="-1"><%= it.title %></h1>
<% if (it.done) { %><p class="ok" role="status"><%= it.done %></p>
<% } %><% if (it.summary) { %><div class="summary" role="alert" tabindex="-1" autofocus aria-labelledby="summary-title">
<h2 id="summary-title"><%= it.summary.title %></h2>
<ul><% for (const i of it.summary.items) { %><li><a href="<%= i.href %>"><%= i.text %></a></li><% } %></ul>
</div>
<% } %><p><%= it.intro %></p>
<section aria-labelledby="given-h">
<h2 id="given-h"><%= it.givenHeading %></h2>
<% if (it.given.length === 0) { %><p><%= it.noneGiven %></p>
<% } %><% for (const g of it.given) { %><article class="case">
<p><%= g.text %></p>
<p><strong><%= g.state %></strong></p>
<% if (g.revoke) { %><form method="post" action="<%= it.revokeAction %>"><input type="hidden" name="csrf" value="<%= it.csrf %>"><input type="hidden" name="grant" value="<%= g.revoke.grantId %>"><button class="btn card" type="submit" aria-label="<%= g.revoke.aria %>"><%= g.revoke.label %></button></form>
<% } %></article>
<% } %></section>
<section aria-labelledby="received-h">
<h2 id="received-h"><%= it.receivedHeading %></h2>
<% if (it.received.length === 0) { %><p><%= it.noneReceived %></p>
<% } else { %><ul class="contacts"><% for (const r of it.received) { %><li><%= r %></li><% } %></ul>
<% } %></section>
<section aria-labelledby="grant-h">
<h2 id="grant-h"><%= it.grantHeading %></h2>
<% if (it.noClaims) { %><p class="note"><%= it.noClaims %></p>
<% } else { %><p><%= it.grantIntro %></p>
<form method="post" action="<%= it.action %>" novalidate>
<input type="hidden" name="csrf" value="<%= it.csrf %>">
<% for (const f of [['nationalId', it.nationalId, 'numeric', 'off'], ['name', it.name, 'text', 'off']]) { const [id, d, mode, ac] = f; %><div class="field">
<label for="<%= id %>"><%= d.label %></label>
<p class="hint" id="<%= id %>-hint"><%= d.hint %></p>
<% if (d.error) { %><p class="err" id="<%= id %>-error"><span class="vh"><%= it.errorPrefix %> </span><%= d.error %></p>
<% } %><input type="text" id="<%= id %>" name="<%= id %>" inputmode="<%= mode %>" autocomplete="<%= ac %>" spellcheck="false" value="<%= d.value %>" aria-describedby="<%= id %>-hint<% if (d.error) { %> <%= id %>-error<% } %>"<% if (d.error) { %> aria-invalid="true"<% } %>>
</div>
<% } %><fieldset id="scope"<% if (it.scope.error) { %> aria-describedby="scope-error"<% } %>>
<legend><%= it.scope.legend %></legend>
<% if (it.scope.error) { %><p class="err" id="scope-error"><span class="vh"><%= it.errorPrefix %> </span><%= it.scope.error %></p>
<% } %><% for (const c of it.scope.choices) { %><div class="choice"><input type="radio" id="<%= c.id %>" name="scope" value="<%= c.value %>"<% if (c.checked) { %> checked<% } %>><label for="<%= c.id %>"><%= c.label %></label></div>
<% } %></fieldset>
<div class="field">
<label for="validUntil"><%= it.until.label %></label>
<p class="hint" id="validUntil-hint"><%= it.until.hint %></p>
<% if (it.until.error) { %><p class="err" id="validUntil-error"><span class="vh"><%= it.errorPrefix %> </span><%= it.until.error %></p>
<% } %><input type="text" id="validUntil" name="validUntil" inputmode="decimal" autocomplete="off" spellcheck="false" value="<%= it.until.value %>" aria-describedby="validUntil-hint<% if (it.until.error) { %> validUntil-error<% } %>"<% if (it.until.error) { %> aria-invalid="true"<% } %>>
</div>
<fieldset id="cases"<% if (it.cases.error) { %> aria-describedby="cases-error"<% } %>>
<legend><%= it.cases.legend %></legend>
<% if (it.cases.error) { %><p class="err" id="cases-error"><span class="vh"><%= it.errorPrefix %> </span><%= it.cases.error %></p>
<% } %><div class="choice"><input type="radio" id="<%= it.cases.all.id %>" name="which" value="all"<% if (it.cases.all.checked) { %> checked<% } %>><label for="<%= it.cases.all.id %>"><%= it.cases.all.label %></label></div>
<div class="choice"><input type="radio" id="which-chosen" name="which" value="chosen"<% if (!it.cases.all.checked) { %> checked<% } %>><label for="which-chosen"><%= it.cases.chosenLabel %></label></div>
<% for (const c of it.cases.choices) { %><div class="choice"><input type="checkbox" id="<%= c.id %>" name="case" value="<%= c.value %>"<% if (c.checked) { %> checked<% } %>><label for="<%= c.id %>"><%= c.label %></label></div>
<% } %></fieldset>
<button type="submit" class="btn card"><%= it.submit %></button>
</form>
<% } %></section>
`);

const STATE: Readonly<Record<GrantView["state"], AttorneyTextKey>> = {
  active: "stateActive",
  expired: "stateExpired",
  revoked: "stateRevoked",
  upcoming: "stateUpcoming",
};

/** A day as the field asks for it, in both languages: dd.mm.yyyy. */
const asTyped = (day: string): string => `${day.slice(8, 10)}.${day.slice(5, 7)}.${day.slice(0, 4)}`;

function scopeShort(scope: "read" | "act", lang: Lang): string {
  return aw(lang, scope === "act" ? "scopeActShort" : "scopeReadShort");
}

function claimsText(g: GrantView, lang: Lang): string {
  if (g.cases === "all") return aw(lang, "allClaims");
  return aw(lang, "someClaims", { numbers: g.cases.map((c) => c.invoiceNumber ?? "?").join(", ") });
}

export function renderAttorneyPage(input: AttorneyPageInput): string {
  const { lang, page } = input;
  const v = input.values ?? {};
  const errorAt = (field: GrantField): string | undefined => {
    const e = input.errors?.find((x) => x.field === field);
    return e ? aw(lang, e.code) : undefined;
  };
  const opt = <T extends string>(k: string, value: T | undefined) => (value !== undefined ? { [k]: value } : {});
  const summaryItems = (input.errors ?? []).map((e) => ({
    href: `#${e.field === "scope" ? "scope-read" : e.field === "cases" ? "which-all" : e.field}`,
    text: aw(lang, e.code),
  }));
  const chosen = new Set(v.cases ?? []);
  const noClaims = page.claims.length === 0;
  const main = template({
    back: { href: minSideHref(MIN_SIDE_PATH, lang), label: aw(lang, "back") },
    title: aw(lang, "title"),
    intro: aw(lang, "intro"),
    ...(input.done === "granted" || input.done === "changed" || input.done === "revoked"
      ? { done: aw(lang, input.done) }
      : {}),
    ...(summaryItems.length > 0 ? { summary: { title: aw(lang, "errorTitle"), items: summaryItems } } : {}),
    errorPrefix: aw(lang, "errorPrefix"),
    grantHeading: aw(lang, "grantHeading"),
    grantIntro: aw(lang, "grantIntro"),
    action: minSideHref(ATTORNEY_PATH, lang),
    csrf: input.csrf,
    nationalId: {
      label: aw(lang, "nationalId"),
      hint: aw(lang, "nationalIdHint"),
      value: v.nationalId ?? "",
      ...opt("error", errorAt("nationalId")),
    },
    name: {
      label: aw(lang, "name"),
      hint: aw(lang, "nameHint"),
      value: v.name ?? "",
      ...opt("error", errorAt("name")),
    },
    scope: {
      legend: aw(lang, "scope"),
      ...opt("error", errorAt("scope")),
      choices: [
        { id: "scope-read", value: "read", label: aw(lang, "scopeRead"), checked: v.scope !== "act" },
        { id: "scope-act", value: "act", label: aw(lang, "scopeAct"), checked: v.scope === "act" },
      ],
    },
    until: {
      label: aw(lang, "validUntil"),
      hint: aw(lang, "validUntilHint", { max: formatLocalDate(page.maxUntil, lang) }),
      value: v.validUntil ?? asTyped(page.maxUntil),
      ...opt("error", errorAt("validUntil")),
    },
    cases: {
      legend: aw(lang, "cases"),
      ...opt("error", errorAt("cases")),
      all: { id: "which-all", value: "all", label: aw(lang, "casesAll"), checked: v.which !== "chosen" },
      chosenLabel: aw(lang, "casesChosen"),
      choices: page.claims.map((c, i) => ({
        id: `case-${String(i)}`,
        value: `${c.tenantId}/${c.caseId}`,
        label: aw(lang, "caseChoice", { number: c.invoiceNumber }),
        checked: chosen.has(`${c.tenantId}/${c.caseId}`),
      })),
    },
    ...(noClaims ? { noClaims: aw(lang, "no-claims") } : {}),
    submit: aw(lang, "submit"),
    givenHeading: aw(lang, "givenHeading"),
    given: page.given.map((g) => ({
      text: `${aw(lang, "givenLine", {
        name: g.name,
        scope: scopeShort(g.scope, lang),
        from: formatLocalDate(g.validFrom, lang),
        until: formatLocalDate(g.validUntil, lang),
      })} · ${claimsText(g, lang)}`,
      state: aw(lang, STATE[g.state]),
      ...(g.state === "active" || g.state === "upcoming"
        ? { revoke: { label: aw(lang, "revoke"), aria: aw(lang, "revokeAria", { name: g.name }), grantId: g.grantId } }
        : {}),
    })),
    noneGiven: aw(lang, "noneGiven"),
    revokeAction: minSideHref(ATTORNEY_REVOKE_PATH, lang),
    receivedHeading: aw(lang, "receivedHeading"),
    received: page.received.map(
      (g) =>
        `${aw(lang, "receivedLine", { name: g.name, scope: scopeShort(g.scope, lang), until: formatLocalDate(g.validUntil, lang) })} · ${claimsText(g, lang)}`,
    ),
    noneReceived: aw(lang, "noneReceived"),
  });
  return renderLayout({
    lang,
    title: `${aw(lang, "title")} – ${ms(lang, "appName")}`,
    mainHtml: main,
    langHref: { nb: `${ATTORNEY_PATH}?lang=nb`, en: `${ATTORNEY_PATH}?lang=en` },
  });
}

/** A PIN sign-in reached the page: powers of attorney are for a person signed in with BankID. */
export function renderAttorneyNeedsBankId(lang: Lang): string {
  return renderLayout({
    lang,
    title: `${aw(lang, "pinTitle")} – ${ms(lang, "appName")}`,
    mainHtml: `<h1>${aw(lang, "pinTitle")}</h1>\n<p>${aw(lang, "pinBody")}</p>\n<p><a href="${minSideHref(MIN_SIDE_PATH, lang)}">${aw(lang, "back")}</a></p>`,
  });
}
