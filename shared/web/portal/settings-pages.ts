/**
 * The creditor's settings in the portal (issue 16): the ladder policy editor, webhooks with their delivery log, and
 * API keys. Plain HTML forms that work without JavaScript; the policy editor's live legal validation is a small
 * script served from `/portal/ressurser/innstillinger.js` (CSP `script-src 'self'`, no inline script), and the pages'
 * own styles come from `/portal/ressurser/innstillinger.css`. Bokmål by default, English with `?lang=en`.
 */
import { DEFAULT_MINIMUM_INSTALMENT_MINOR, StepKind, type PolicyProblem } from "../../domain/policy";
import { ServiceKind } from "../../domain/rules/rule-set";
import { WEBHOOK_EVENT_TYPES } from "../../ports/webhook-store";
import { formatInstantDateTime } from "../i18n";
import { esc, layout, PORTAL_CSP, portalHref, type PortalLang, type SignedInHeader } from "./pages";
import { settingsPath, tenantNav } from "./tenant-nav";
import { STEP_NAMES } from "./step-names";
import { WEBHOOK_EVENT_WORDS } from "./webhook-event-words";
import {
  formatKroner,
  policyFieldLabel,
  type FieldError,
  type PolicyField,
  type PolicyFormValues,
} from "./policy-form";

export const SETTINGS_SCRIPT_PATH = "/portal/ressurser/innstillinger.js";
export const SETTINGS_STYLE_PATH = "/portal/ressurser/innstillinger.css";

/** The portal's CSP, plus this page's own stylesheet and script from the same origin (never inline). */
export const SETTINGS_CSP = `${PORTAL_CSP.replace("style-src ", "style-src 'self' ")}; script-src 'self'; connect-src 'self'`;

const HEAD = `<link rel="stylesheet" href="${SETTINGS_STYLE_PATH}"><script src="${SETTINGS_SCRIPT_PATH}" defer></script>`;

export { settingsPath, SETTINGS_ROUTES, tenantNav, type SettingsPage } from "./tenant-nav";

const T = {
  nb: {
    nav: "Kreditormeny",
    cases: "Saker",
    policy: "Inndrivingsløp",
    webhooks: "Webhooks",
    apiKeys: "API-nøkler",
    policyTitle: "Inndrivingsløp",
    usesDefault: "Kreditoren bruker standard inndrivingsløp. Lagrer du, får kreditoren sitt eget.",
    usesOwn: "Kreditoren har sitt eget inndrivingsløp.",
    readOnly: "Du kan se innstillingene, men ikke endre dem.",
    common: "Felles innstillinger",
    steps: "Steg",
    stepN: "Steg {n}",
    newStep: "Nytt steg (la stå tomt for å ikke legge til)",
    noKind: "– velg –",
    fee: "Gebyr",
    remove: "Fjern steget",
    channelsHint:
      "Koder skilt med komma: sms (SMS), email (E-post), digital-mailbox (Digital postkasse), efaktura (eFaktura), ehf (EHF), letter (Brev), portal-with-alert (Min side med varsel), partner-system (Partnersystem)",
    defaultInstalmentHint: "Tomt: standard {amount} kr",
    deadlineHint: "Tomt: lovens minstefrist",
    servicesLegend: "Gjelder tjenestene (ingen valgt: alle)",
    save: "Lagre inndrivingsløpet",
    saved: "Inndrivingsløpet er lagret.",
    refused: "Inndrivingsløpet ble ikke lagret: det bryter reglene nedenfor. Ingenting er endret.",
    fixFields: "Rett opp feltene:",
    problemsTitle: "Lovkrav som ikke er oppfylt",
    wholePolicy: "Hele inndrivingsløpet",
    legalBasis: "Rettslig grunnlag",
    liveHint: "Lovkravene sjekkes mens du skriver, før du lagrer.",
    webhooksTitle: "Webhooks",
    newWebhook: "Ny webhook",
    url: "Adresse (https)",
    events: "Hendelser",
    create: "Opprett",
    noWebhooks: "Ingen webhooks ennå.",
    created: "Opprettet",
    status: "Status",
    active: "Aktiv",
    disabled: "Stoppet",
    deliveries: "Leveranser",
    showDeliveries: "Se leveranser",
    secretOnce: "Signeringshemmeligheten vises bare denne ene gangen. Kopier den nå (marker teksten og kopier):",
    deliveryLog: "Siste leveranser",
    noDeliveries: "Ingen leveranser ennå.",
    eventType: "Hendelse",
    time: "Tid",
    attempt: "Forsøk",
    httpStatus: "HTTP-status",
    outcome: "Utfall",
    retry: "Send på nytt",
    retried: "Leveransen er sendt på nytt.",
    outcomes: { delivered: "Levert", retrying: "Feilet, prøver igjen", failed: "Feilet", gone: "Mottaker svarte 410" },
    rotate: "Lag ny hemmelighet",
    rotateHint: "Den gamle hemmeligheten signerer også i 24 timer.",
    rotated: "Ny signeringshemmelighet (vises bare nå):",
    deleteTitle: "Slett webhooken",
    confirmDelete: "Ja, slett denne webhooken",
    delete: "Slett",
    deleted: "Webhooken er slettet.",
    back: "Tilbake til webhooks",
    apiKeysTitle: "API-nøkler",
    newKey: "Ny API-nøkkel",
    label: "Navn på nøkkelen",
    keyOnce: "Nøkkelen vises bare denne ene gangen. Kopier den nå (marker teksten og kopier) og lagre den trygt:",
    key: "Nøkkel",
    revoked: "Trukket tilbake",
    confirmRevoke: "Ja, trekk tilbake",
    revoke: "Trekk tilbake",
    revokedDone: "Nøkkelen er trukket tilbake. API-et avviser den fra nå.",
    noKeys: "Ingen API-nøkler.",
    confirmRequired: "Kryss av for å bekrefte.",
    labelMissing: "Navn på nøkkelen: skriv et navn.",
    labelTooLong: "Navn på nøkkelen: høyst 60 tegn.",
    notFound: "Fant ikke det du ba om.",
    notFailed: "Bare feilede leveranser kan sendes på nytt.",
    subscriptionDisabled: "Webhooken er stoppet; lag en ny.",
    actions: "Handlinger",
    copy: "Kopier",
    copied: "Kopiert",
    forbiddenTitle: "Du kan ikke endre dette",
    forbiddenBody: "Rollen din gir lesetilgang til kreditorens innstillinger, ikke tilgang til å endre dem.",
  },
  en: {
    nav: "Creditor menu",
    cases: "Cases",
    policy: "Collection ladder",
    webhooks: "Webhooks",
    apiKeys: "API keys",
    policyTitle: "Collection ladder",
    usesDefault: "The creditor uses the default ladder. Saving gives the creditor a ladder of its own.",
    usesOwn: "The creditor has a ladder of its own.",
    readOnly: "You can see the settings but not change them.",
    common: "Policy-wide settings",
    steps: "Steps",
    stepN: "Step {n}",
    newStep: "New step (leave empty to add none)",
    noKind: "– choose –",
    fee: "Fee",
    remove: "Remove the step",
    channelsHint:
      "Codes separated by commas: sms (SMS), email (e-mail), digital-mailbox (digital mailbox), efaktura (eFaktura), ehf (EHF), letter (paper letter), portal-with-alert (Min side with an alert), partner-system (partner system)",
    defaultInstalmentHint: "Empty: the default NOK {amount}",
    deadlineHint: "Empty: the legal minimum",
    servicesLegend: "Applies to the services (none chosen: all)",
    save: "Save the ladder",
    saved: "The ladder is saved.",
    refused: "The ladder was not saved: it breaks the rules below. Nothing was changed.",
    fixFields: "Correct the fields:",
    problemsTitle: "Legal requirements not met",
    wholePolicy: "The whole ladder",
    legalBasis: "Legal basis",
    liveHint: "The legal requirements are checked as you type, before you save.",
    webhooksTitle: "Webhooks",
    newWebhook: "New webhook",
    url: "Address (https)",
    events: "Events",
    create: "Create",
    noWebhooks: "No webhooks yet.",
    created: "Created",
    status: "Status",
    active: "Active",
    disabled: "Stopped",
    deliveries: "Deliveries",
    showDeliveries: "See deliveries",
    secretOnce: "The signing secret is shown this once only. Copy it now (select the text and copy):",
    deliveryLog: "Last deliveries",
    noDeliveries: "No deliveries yet.",
    eventType: "Event",
    time: "Time",
    attempt: "Attempt",
    httpStatus: "HTTP status",
    outcome: "Outcome",
    retry: "Send again",
    retried: "The delivery was sent again.",
    outcomes: { delivered: "Delivered", retrying: "Failed, retrying", failed: "Failed", gone: "Receiver answered 410" },
    rotate: "Make a new secret",
    rotateHint: "The old secret keeps signing for 24 hours.",
    rotated: "New signing secret (shown only now):",
    deleteTitle: "Delete the webhook",
    confirmDelete: "Yes, delete this webhook",
    delete: "Delete",
    deleted: "The webhook was deleted.",
    back: "Back to webhooks",
    apiKeysTitle: "API keys",
    newKey: "New API key",
    label: "Name of the key",
    keyOnce: "The key is shown this once only. Copy it now (select the text and copy) and keep it safe:",
    key: "Key",
    revoked: "Revoked",
    confirmRevoke: "Yes, revoke",
    revoke: "Revoke",
    revokedDone: "The key was revoked. The API refuses it from now on.",
    noKeys: "No API keys.",
    confirmRequired: "Tick the box to confirm.",
    labelMissing: "Name of the key: enter a name.",
    labelTooLong: "Name of the key: at most 60 characters.",
    notFound: "What you asked for was not found.",
    notFailed: "Only failed deliveries can be sent again.",
    subscriptionDisabled: "The webhook is stopped; create a new one.",
    actions: "Actions",
    copy: "Copy",
    copied: "Copied",
    forbiddenTitle: "You cannot change this",
    forbiddenBody: "Your role lets you read the creditor's settings, not change them.",
  },
} as const;

export type SettingsMessage =
  | "saved"
  | "retried"
  | "deleted"
  | "revokedDone"
  | "confirmRequired"
  | "labelMissing"
  | "labelTooLong"
  | "notFound"
  | "notFailed"
  | "subscriptionDisabled";

const SERVICE_NAMES: Record<PortalLang, Record<string, string>> = {
  nb: { broadband: "Bredbånd", "power-meter": "Strømmåler" },
  en: { broadband: "Broadband", "power-meter": "Power meter" },
};

function message(lang: PortalLang, kind: SettingsMessage | undefined): string {
  if (!kind) return "";
  const good = kind === "saved" || kind === "retried" || kind === "deleted" || kind === "revokedDone";
  return `<p class="${good ? "notice ok" : "notice error"}" role="${good ? "status" : "alert"}">${esc(T[lang][kind])}</p>`;
}

function when(instant: string, lang: PortalLang): string {
  const { date, time } = formatInstantDateTime(instant, lang);
  return `<time datetime="${esc(instant)}">${esc(date)} ${esc(time)}</time>`;
}

function csrfField(header: SignedInHeader): string {
  return `<input type="hidden" name="csrf" value="${esc(header.csrfToken)}">`;
}

/** 403 for a staff user who may see the tenant but not change it (a creditor viewer). */
export function renderForbidden(lang: PortalLang, tenantId: string, header: SignedInHeader): string {
  const t = T[lang];
  return layout(
    lang,
    t.forbiddenTitle,
    `${tenantNav(lang, tenantId, "policy")}<h1>${t.forbiddenTitle}</h1><p class="card">${t.forbiddenBody}</p>`,
    header,
    HEAD,
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Ladder policy

export interface PolicyProblemAt extends PolicyProblem {
  /** The form row of the step the problem concerns (null: the whole ladder). */
  row: number | null;
}

export interface PolicyPageInput {
  tenantId: string;
  tenantName: string;
  isDefault: boolean;
  canEdit: boolean;
  values: PolicyFormValues;
  errors: FieldError[];
  problems: PolicyProblemAt[];
  notice?: SettingsMessage;
  /** A save was refused as unlawful: nothing changed. */
  refused?: boolean;
}

function problemItems(problems: readonly PolicyProblemAt[], lang: PortalLang): string {
  return problems
    .map(
      (p) =>
        `<li><span class="reason">${esc(p.reason)}</span> <span class="basis">${esc(T[lang].legalBasis)}: ${esc(p.legalBasis)}</span></li>`,
    )
    .join("");
}

export function renderPolicyPage(lang: PortalLang, input: PolicyPageInput, header: SignedInHeader): string {
  const t = T[lang];
  const path = settingsPath(input.tenantId, "policy");
  const dis = input.canEdit ? "" : " disabled";
  const errorOf = (field: string) => input.errors.find((e) => e.field === field);
  const described = (field: string, hint?: string) => {
    const ids = [hint, errorOf(field) ? `${field}-error` : undefined].filter(Boolean).join(" ");
    return `${ids ? ` aria-describedby="${ids}"` : ""}${errorOf(field) ? ' aria-invalid="true"' : ""}`;
  };
  const errorText = (field: string) => {
    const e = errorOf(field);
    return e ? `<span class="field-error" id="${field}-error">${esc(e.message)}</span>` : "";
  };
  const input1 = (field: PolicyField, type = "text", extra = "", hint?: string) =>
    `<div class="field"><label for="${field}">${esc(policyFieldLabel(field, lang))}</label>${hint ? `<span class="hint" id="${field}-hint">${esc(hint)}</span>` : ""}${errorText(field)}<input id="${field}" name="${field}" type="${type}" value="${esc(input.values.fields[field])}"${extra}${described(field, hint ? `${field}-hint` : undefined)}${dis}></div>`;
  const common = `<fieldset class="card common"><legend>${t.common}</legend>
${input1("senderName", "text", ' maxlength="11" autocomplete="off"')}
${input1("minimumPayLinkAmount", "text", ' inputmode="decimal"')}
${input1("reopenMinimum", "text", ' inputmode="decimal"')}
${input1("minSmsIntervalHours", "text", ' inputmode="numeric"')}
${input1("maxDeferralDays", "text", ' inputmode="numeric"')}
${input1("minimumInstalment", "text", ' inputmode="decimal"', t.defaultInstalmentHint.replace("{amount}", formatKroner(DEFAULT_MINIMUM_INSTALMENT_MINOR, lang)))}
${input1("maxInstalmentMonths", "text", ' inputmode="numeric"')}
${input1("instalmentReminderDaysBefore", "text", ' inputmode="numeric"')}
${input1("instalmentGraceDays", "text", ' inputmode="numeric"')}
${input1("sendAt", "time")}
${input1("suspendAt", "time")}
${input1("suspendLatest", "time")}
</fieldset>`;

  const steps = input.values.steps
    .map((row, r) => {
      const id = (name: string) => `s${String(r)}_${name}`;
      const isNew = row.orig === "";
      const legend = isNew ? t.newStep : t.stepN.replace("{n}", String(r + 1));
      const kindOptions = (isNew ? [`<option value="">${t.noKind}</option>`] : [])
        .concat(
          StepKind.options.map(
            (k) => `<option value="${k}"${row.kind === k ? " selected" : ""}>${esc(STEP_NAMES[lang][k] ?? k)}</option>`,
          ),
        )
        .join("");
      const text = (
        name: "offsetDays" | "channels" | "deadlineDays" | "blackoutFrom" | "blackoutTo",
        hint?: string,
      ) => {
        const hintId = hint ? `${id(name)}-hint` : undefined;
        return `<div class="field"><label for="${id(name)}">${esc(policyFieldLabel(name, lang))}</label>${hint ? `<span class="hint" id="${hintId}">${esc(hint)}</span>` : ""}${errorText(id(name))}<input id="${id(name)}" name="${id(name)}" type="text" value="${esc(row[name])}"${name === "offsetDays" || name === "deadlineDays" ? ' inputmode="numeric"' : ""} autocomplete="off"${described(id(name), hintId)}${dis}></div>`;
      };
      const services = ServiceKind.options
        .map(
          (s) =>
            `<label class="check"><input type="checkbox" name="${id("services")}" value="${s}"${row.services.includes(s) ? " checked" : ""}${dis}> ${esc(SERVICE_NAMES[lang][s] ?? s)}</label>`,
        )
        .join("");
      const rowProblems = input.problems.filter((p) => p.row === r);
      return `<fieldset class="card step" id="${id("step")}"><legend>${esc(legend)}</legend>
<div class="problems" id="${id("problems")}" aria-live="polite">${rowProblems.length > 0 ? `<ul>${problemItems(rowProblems, lang)}</ul>` : ""}</div>
<input type="hidden" name="${id("orig")}" value="${esc(row.orig)}">
<div class="field"><label for="${id("kind")}">${esc(policyFieldLabel("kind", lang))}</label>${errorText(id("kind"))}<select id="${id("kind")}" name="${id("kind")}"${described(id("kind"))}${dis}>${kindOptions}</select></div>
${text("offsetDays")}
${text("channels", t.channelsHint)}
<label class="check"><input type="checkbox" id="${id("chargesFee")}" name="${id("chargesFee")}"${row.chargesFee ? " checked" : ""}${dis}> ${t.fee}</label>
${text("deadlineDays", t.deadlineHint)}
<fieldset class="services"><legend>${t.servicesLegend}</legend>${errorText(id("services"))}${services}</fieldset>
${text("blackoutFrom")}
${text("blackoutTo")}
${isNew ? "" : `<label class="check"><input type="checkbox" name="${id("remove")}"${row.remove ? " checked" : ""}${dis}> ${t.remove}</label>`}
</fieldset>`;
    })
    .join("");

  const policyProblems = input.problems.filter((p) => p.row === null);
  const summary =
    input.errors.length > 0
      ? `<div class="notice error" role="alert"><p>${t.fixFields}</p><ul>${input.errors
          .map((e) => `<li><a href="#${esc(e.field)}">${esc(e.label)}</a>: ${esc(e.message)}</li>`)
          .join("")}</ul></div>`
      : "";
  const refused = input.refused ? `<p class="notice error" role="alert">${t.refused}</p>` : "";
  const body = `${tenantNav(lang, input.tenantId, "policy")}
<h1>${t.policyTitle}: ${esc(input.tenantName)}</h1>
${message(lang, input.notice)}${refused}${summary}
<p class="card">${input.isDefault ? t.usesDefault : t.usesOwn}${input.canEdit ? "" : ` ${t.readOnly}`}</p>
<form id="policy-form" method="post" action="${esc(portalHref(path, lang))}" data-validate="${esc(portalHref(`${path}/kontroll`, lang))}" novalidate>
${csrfField(header)}<input type="hidden" name="stepCount" value="${String(input.values.steps.length)}">
${common}
<h2>${t.steps}</h2>
<p class="muted">${t.liveHint}</p>
<div id="policy-problems" class="problems" aria-live="polite">${policyProblems.length > 0 ? `<p><strong>${t.wholePolicy}</strong></p><ul>${problemItems(policyProblems, lang)}</ul>` : ""}</div>
${steps}
${input.canEdit ? `<p><button class="button" type="submit">${t.save}</button></p>` : ""}
</form>`;
  return layout(lang, `${t.policyTitle} – ${input.tenantName}`, body, { ...header, path }, HEAD);
}

// ---------------------------------------------------------------------------------------------------------------
// Webhooks

export interface WebhookRow {
  id: string;
  url: string;
  events: readonly string[];
  createdAt: string;
  disabledAt: string | null;
  disabledReason: string | null;
}

export interface WebhooksPageInput {
  tenantId: string;
  tenantName: string;
  canEdit: boolean;
  webhooks: WebhookRow[];
  /** Just created: its secret, shown this once. */
  created?: { id: string; secret: string };
  /** The create form's values and the message naming what does not fit. */
  form?: { url: string; events: string[]; error?: { field: "url" | "events"; message: string } };
  notice?: SettingsMessage;
}

export function renderWebhooksPage(lang: PortalLang, input: WebhooksPageInput, header: SignedInHeader): string {
  const t = T[lang];
  const path = settingsPath(input.tenantId, "webhooks");
  const list =
    input.webhooks.length === 0
      ? `<p class="card">${t.noWebhooks}</p>`
      : `<table><thead><tr><th scope="col">${t.url}</th><th scope="col">${t.events}</th><th scope="col">${t.created}</th><th scope="col">${t.status}</th><th scope="col">${t.deliveries}</th></tr></thead><tbody>${input.webhooks
          .map(
            (w) =>
              `<tr><td data-label="${t.url}" class="break">${esc(w.url)}</td><td data-label="${t.events}">${esc(w.events.join(", "))}</td><td data-label="${t.created}">${when(w.createdAt, lang)}</td><td data-label="${t.status}">${w.disabledAt ? `${t.disabled}: ${esc(w.disabledReason ?? "")}` : t.active}</td><td data-label="${t.deliveries}"><a href="${esc(portalHref(`${path}/${encodeURIComponent(w.id)}`, lang))}">${t.showDeliveries}<span class="visually-hidden"> ${esc(w.url)}</span></a></td></tr>`,
          )
          .join("")}</tbody></table>`;
  const created = input.created
    ? `<div class="notice ok secret" role="status"><p>${t.secretOnce}</p><p><label for="new-secret" class="visually-hidden">${t.secretOnce}</label><input id="new-secret" class="secret-value" readonly data-copy="${t.copy}" data-copied="${t.copied}" value="${esc(input.created.secret)}"></p></div>`
    : "";
  const form = input.form ?? { url: "", events: [] };
  const err = form.error;
  const createForm = input.canEdit
    ? `<form class="card" method="post" action="${esc(portalHref(path, lang))}"><h2>${t.newWebhook}</h2>${csrfField(header)}
${err ? `<p class="notice error" role="alert" id="webhook-error">${esc(err.message)}</p>` : ""}
<div class="field"><label for="url">${t.url}</label><input id="url" name="url" type="url" value="${esc(form.url)}" maxlength="2048" autocomplete="off"${err?.field === "url" ? ' aria-invalid="true" aria-describedby="webhook-error"' : ""}></div>
<fieldset class="events"><legend>${t.events}</legend>${WEBHOOK_EVENT_TYPES.map(
        (e) =>
          `<label class="check"><input type="checkbox" name="events" value="${e}"${form.events.includes(e) ? " checked" : ""}> <span><code>${e}</code> <span class="hint">${esc(WEBHOOK_EVENT_WORDS[lang][e])}</span></span></label>`,
      ).join("")}</fieldset>
<p><button class="button" type="submit">${t.create}</button></p></form>`
    : "";
  const body = `${tenantNav(lang, input.tenantId, "webhooks")}
<h1>${t.webhooksTitle}: ${esc(input.tenantName)}</h1>${message(lang, input.notice)}${created}${list}${createForm}`;
  return layout(lang, `${t.webhooksTitle} – ${input.tenantName}`, body, { ...header, path }, HEAD);
}

export interface DeliveryRow {
  id: string;
  eventType: string;
  at: string;
  attempt: number;
  status?: number;
  outcome: "delivered" | "retrying" | "failed" | "gone";
  reason?: string;
  manualRetry?: boolean;
  mayRetry: boolean;
}

export interface WebhookPageInput {
  tenantId: string;
  tenantName: string;
  canEdit: boolean;
  webhook: WebhookRow;
  deliveries: DeliveryRow[];
  rotatedSecret?: string;
  notice?: SettingsMessage;
}

export function renderWebhookPage(lang: PortalLang, input: WebhookPageInput, header: SignedInHeader): string {
  const t = T[lang];
  const list = settingsPath(input.tenantId, "webhooks");
  const path = `${list}/${encodeURIComponent(input.webhook.id)}`;
  const w = input.webhook;
  const action = (name: string) => esc(portalHref(`${path}/${name}`, lang));
  const rows =
    input.deliveries.length === 0
      ? `<p class="card">${t.noDeliveries}</p>`
      : `<table><thead><tr><th scope="col">${t.eventType}</th><th scope="col">${t.time}</th><th scope="col" class="num">${t.attempt}</th><th scope="col" class="num">${t.httpStatus}</th><th scope="col">${t.outcome}</th>${input.canEdit ? `<th scope="col">${t.actions}</th>` : ""}</tr></thead><tbody>${input.deliveries
          .map(
            (d) =>
              `<tr class="delivery ${d.outcome}"><td data-label="${t.eventType}">${esc(d.eventType)}</td><td data-label="${t.time}">${when(d.at, lang)}</td><td data-label="${t.attempt}" class="num">${String(d.attempt)}${d.manualRetry ? ` (${t.retry.toLowerCase()})` : ""}</td><td data-label="${t.httpStatus}" class="num">${d.status === undefined ? "–" : String(d.status)}</td><td data-label="${t.outcome}">${esc(t.outcomes[d.outcome])}${d.reason && d.outcome !== "delivered" ? ` (${esc(d.reason)})` : ""}</td>${
                input.canEdit
                  ? `<td data-label="${t.actions}">${
                      d.mayRetry
                        ? `<form method="post" action="${action("send-igjen")}">${csrfField(header)}<input type="hidden" name="delivery" value="${esc(d.id)}"><button class="button small" type="submit">${t.retry}<span class="visually-hidden"> ${esc(d.eventType)} ${String(d.attempt)}</span></button></form>`
                        : ""
                    }</td>`
                  : ""
              }</tr>`,
          )
          .join("")}</tbody></table>`;
  const rotated = input.rotatedSecret
    ? `<div class="notice ok secret" role="status"><p>${t.rotated}</p><p><label for="new-secret" class="visually-hidden">${t.rotated}</label><input id="new-secret" class="secret-value" readonly data-copy="${t.copy}" data-copied="${t.copied}" value="${esc(input.rotatedSecret)}"></p></div>`
    : "";
  const manage = input.canEdit
    ? `<div class="card"><form method="post" action="${action("ny-hemmelighet")}">${csrfField(header)}<p class="muted">${t.rotateHint}</p><button class="button" type="submit">${t.rotate}</button></form></div>
<form class="card" method="post" action="${action("slett")}"><h2>${t.deleteTitle}</h2>${csrfField(header)}
<label class="check"><input type="checkbox" name="confirm" value="yes" required> ${t.confirmDelete}</label>
<p><button class="button danger" type="submit">${t.delete}</button></p></form>`
    : "";
  const body = `${tenantNav(lang, input.tenantId, "webhooks")}
<p><a href="${esc(portalHref(list, lang))}">${t.back}</a></p>
<h1>${t.webhooksTitle}: <span class="break">${esc(w.url)}</span></h1>${message(lang, input.notice)}${rotated}
<dl class="card"><dt>${t.events}</dt><dd>${esc(w.events.join(", "))}</dd><dt>${t.created}</dt><dd>${when(w.createdAt, lang)}</dd><dt>${t.status}</dt><dd>${w.disabledAt ? `${t.disabled}: ${esc(w.disabledReason ?? "")}` : t.active}</dd></dl>
<h2>${t.deliveryLog}</h2>${rows}${manage}`;
  return layout(lang, `${t.webhooksTitle} – ${input.tenantName}`, body, { ...header, path }, HEAD);
}

// ---------------------------------------------------------------------------------------------------------------
// API keys

export interface ApiKeyRow {
  keyId: string;
  environment: "live" | "test" | null;
  label: string | null;
  createdAt: string;
  revokedAt: string | null;
}

export interface ApiKeysPageInput {
  tenantId: string;
  tenantName: string;
  canEdit: boolean;
  keys: ApiKeyRow[];
  /** Just created: the key, shown this once. */
  created?: string;
  label?: string;
  notice?: SettingsMessage;
}

export function renderApiKeysPage(lang: PortalLang, input: ApiKeysPageInput, header: SignedInHeader): string {
  const t = T[lang];
  const path = settingsPath(input.tenantId, "api-keys");
  const list =
    input.keys.length === 0
      ? `<p class="card">${t.noKeys}</p>`
      : `<table><thead><tr><th scope="col">${t.key}</th><th scope="col">${t.label}</th><th scope="col">${t.created}</th><th scope="col">${t.status}</th>${input.canEdit ? `<th scope="col">${t.actions}</th>` : ""}</tr></thead><tbody>${input.keys
          .map(
            (k) =>
              `<tr><td data-label="${t.key}"><code>pfu_${k.environment ?? "…"}_${esc(k.keyId)}…</code></td><td data-label="${t.label}">${esc(k.label ?? "–")}</td><td data-label="${t.created}">${when(k.createdAt, lang)}</td><td data-label="${t.status}">${k.revokedAt ? `${t.revoked} ${when(k.revokedAt, lang)}` : t.active}</td>${
                input.canEdit
                  ? `<td data-label="${t.actions}">${
                      k.revokedAt
                        ? ""
                        : `<form method="post" action="${esc(portalHref(`${path}/${encodeURIComponent(k.keyId)}/trekk-tilbake`, lang))}">${csrfField(header)}<label class="check"><input type="checkbox" name="confirm" value="yes" required> ${t.confirmRevoke}<span class="visually-hidden"> ${esc(k.keyId)}</span></label> <button class="button small danger" type="submit">${t.revoke}<span class="visually-hidden"> ${esc(k.keyId)}</span></button></form>`
                    }</td>`
                  : ""
              }</tr>`,
          )
          .join("")}</tbody></table>`;
  const created = input.created
    ? `<div class="notice ok secret" role="status"><p>${t.keyOnce}</p><p><label for="new-key" class="visually-hidden">${t.keyOnce}</label><input id="new-key" class="secret-value" readonly data-copy="${t.copy}" data-copied="${t.copied}" value="${esc(input.created)}"></p></div>`
    : "";
  const createForm = input.canEdit
    ? `<form class="card" method="post" action="${esc(portalHref(path, lang))}"><h2>${t.newKey}</h2>${csrfField(header)}
<div class="field"><label for="label">${t.label}</label><input id="label" name="label" type="text" maxlength="60" value="${esc(input.label ?? "")}" autocomplete="off"></div>
<p><button class="button" type="submit">${t.create}</button></p></form>`
    : "";
  const body = `${tenantNav(lang, input.tenantId, "api-keys")}
<h1>${t.apiKeysTitle}: ${esc(input.tenantName)}</h1>${message(lang, input.notice)}${created}${list}${createForm}`;
  return layout(lang, `${t.apiKeysTitle} – ${input.tenantName}`, body, { ...header, path }, HEAD);
}

// ---------------------------------------------------------------------------------------------------------------
// Assets

export const SETTINGS_CSS = [
  ".tenant-nav ul{list-style:none;display:flex;flex-wrap:wrap;gap:.25rem 1rem;padding:0;margin:0 0 1rem}",
  ".tenant-nav a{display:inline-block;min-height:44px;padding:.5rem 0}",
  ".tenant-nav a[aria-current=page]{font-weight:700;text-decoration:none;border-bottom:3px solid #0b4fa8}",
  "fieldset{border:1px solid #6b7378;border-radius:.5rem;min-width:0}",
  "fieldset.card{padding:1rem}",
  "fieldset fieldset{border:0;padding:0;margin:.5rem 0}",
  "legend{font-weight:700;padding:0 .25rem}",
  ".field{display:flex;flex-direction:column;gap:.25rem;margin:0 0 .75rem;max-width:32rem}",
  ".field label{font-weight:600}",
  ".field input,.field select{font:inherit;min-height:44px;padding:.375rem .5rem;border:1px solid #6b7378;border-radius:.25rem;background:#fff;color:#1a1a1a;width:100%}",
  "input[aria-invalid=true],select[aria-invalid=true]{border:2px solid #b3261e}",
  ".hint{color:#4a5257;font-size:.875rem}",
  ".field-error{color:#b3261e;font-weight:600}",
  "label.check{display:flex;gap:.5rem;align-items:center;min-height:44px;margin-right:1rem}",
  "label.check input{width:1.25rem;height:1.25rem}",
  "fieldset.events label.check{display:inline-flex}",
  "fieldset.events label.check,td,dd{overflow-wrap:anywhere;min-width:0}",
  ".problems ul{margin:.5rem 0;padding-left:1.25rem}",
  ".problems li{color:#8a1c15;margin:.25rem 0}",
  ".problems .basis{display:block;color:#4a5257;font-size:.875rem}",
  ".notice{border-radius:.5rem;padding:.75rem 1rem;margin:0 0 1rem;border:2px solid}",
  ".notice.ok{background:#eaf6ec;border-color:#1e6b2e}",
  ".notice.error{background:#fdecea;border-color:#b3261e}",
  ".secret-value{font:1rem ui-monospace,monospace;width:100%;margin:0 0 .5rem;min-height:44px;padding:.375rem .5rem;border:1px solid #6b7378;border-radius:.25rem}",
  ".break{overflow-wrap:anywhere;word-break:break-word}",
  ".button.small{padding:.375rem .75rem}",
  ".button.danger{background:#a4161a}",
  "form{margin:0}",
  "code{overflow-wrap:anywhere}",
  "td form{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center}",
  "@media (min-width:60rem){fieldset.step,fieldset.common{display:grid;grid-template-columns:repeat(3,minmax(0,1fr));column-gap:1.5rem;align-items:end}fieldset.step .problems,fieldset.step fieldset.services{grid-column:1/-1}}",
  ".visually-hidden{position:absolute!important;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}",
].join("\n");

/**
 * The policy editor's live legal validation: on input (debounced), the form is POSTed to its `data-validate`
 * endpoint; the answer's problems are put next to the step they concern (`#s{row}_problems`, aria-live) and the
 * ladder-wide ones in `#policy-problems`. Without JavaScript, saving shows the same problems.
 */
export const SETTINGS_SCRIPT = `(function () {
  "use strict";
  // A secret or key shown once: a Copy button beside it (without JavaScript: select the text and copy).
  Array.prototype.forEach.call(document.querySelectorAll("input.secret-value[data-copy]"), function (input) {
    if (!navigator.clipboard) return;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button small";
    button.textContent = input.getAttribute("data-copy");
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(input.value).then(function () {
        button.textContent = input.getAttribute("data-copied");
      }, function () {});
    });
    input.parentNode.appendChild(button);
  });
  var form = document.getElementById("policy-form");
  if (!form || !form.getAttribute("data-validate")) return;
  var url = form.getAttribute("data-validate");
  var timer = null;
  var seq = 0;
  function list(items) {
    var ul = document.createElement("ul");
    items.forEach(function (p) {
      var li = document.createElement("li");
      var reason = document.createElement("span");
      reason.className = "reason";
      reason.textContent = p.reason;
      var basis = document.createElement("span");
      basis.className = "basis";
      basis.textContent = p.legalBasisLabel + ": " + p.legalBasis;
      li.appendChild(reason);
      if (p.legalBasis) {
        li.appendChild(document.createTextNode(" "));
        li.appendChild(basis);
      }
      ul.appendChild(li);
    });
    return ul;
  }
  function show(answer) {
    var boxes = form.querySelectorAll(".problems");
    var byBox = {};
    (answer.problems || []).forEach(function (p) {
      var id = p.row === null || p.row === undefined ? "policy-problems" : "s" + p.row + "_problems";
      (byBox[id] = byBox[id] || []).push(p);
    });
    (answer.errors || []).forEach(function (e) {
      (byBox["policy-problems"] = byBox["policy-problems"] || []).push({ reason: e.label + ": " + e.message, legalBasis: "", legalBasisLabel: "" });
    });
    Array.prototype.forEach.call(boxes, function (box) {
      var items = byBox[box.id] || [];
      var text = JSON.stringify(items);
      if (box.getAttribute("data-shown") === text) return;
      box.setAttribute("data-shown", text);
      box.textContent = "";
      if (items.length > 0) box.appendChild(list(items));
    });
  }
  function check() {
    var mine = ++seq;
    var body = new URLSearchParams(new FormData(form));
    fetch(url, { method: "POST", body: body, credentials: "same-origin", headers: { accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (answer) { if (answer && mine === seq) show(answer); })
      .catch(function () {});
  }
  function later() {
    if (timer) clearTimeout(timer);
    timer = setTimeout(check, 400);
  }
  form.addEventListener("input", later);
  form.addEventListener("change", later);
})();
`;
