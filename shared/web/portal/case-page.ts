/**
 * The portal's case page (issue 16): the facts of one case (creditor, invoice, KID, customer, debtor, status and stage
 * in words), its balance as the partner API reports it (`toCaseView`), its services, any instalment plan, deferral,
 * hold or dispute, its documents (the letters' PDFs), its messages and its timeline in plain bokmål or English — staff
 * actions named by the staff user as recorded at the time — and the staff actions as plain forms (POST, CSRF token).
 *
 * Dates as people read them in Norway (Europe/Oslo): "7. des. 2026 kl. 14:05" / "7 Dec 2026 at 14:05"; money in kroner
 * ("1 234,50 kr"). The region with the status, balance, services, messages and timeline is rendered on its own too
 * (`renderCaseLive`): the page's small script (CASE_LIVE_SCRIPT, served from a route: `script-src 'self'`, nothing
 * inline) polls it and swaps it in, announcing changes politely; without JavaScript the page is complete as it is.
 */
import { createHash } from "node:crypto";
import { DateTime } from "luxon";
import type { CaseView } from "../../application/get-case";
import { staffActorIn, type StaffActor } from "../../application/portal/staff-actor";
import { formatMoney, type Money } from "../../domain/money";
import type { DocumentRef, TimelineEntry } from "../../ports/case-store";
import { layout, PORTAL_CSP, portalHref, type PortalLang, type SignedInHeader } from "./pages";
import { tenantNav } from "./tenant-nav";

const esc = (s: string): string =>
  s.replace(/[&<>"']/gu, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

const CASE_CSS = [
  ".facts{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;margin:0}",
  ".facts dd{overflow-wrap:break-word;min-width:0}",
  "@media (max-width:26rem){.case-facts{grid-template-columns:1fr;gap:0}.case-facts dt{margin-top:.5rem}}",
  ".grid{display:grid;gap:1rem;grid-template-columns:repeat(auto-fit,minmax(18rem,1fr))}",
  ".balance.facts{column-gap:0;grid-template-columns:minmax(0,1fr) auto}.balance dt{padding-right:1rem}.balance dd{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}",
  ".balance .owed{font-weight:700;border-top:1px solid #6b7378;padding-top:.25rem}",
  "ol.timeline{list-style:none;padding:0;margin:0}",
  "ol.timeline li{padding:.5rem 0;border-bottom:1px solid #c8cccf}",
  "ol.timeline time{display:block;color:#4a5257;font-size:.9rem}",
  ".flash{background:#e6f4ea;border:2px solid #1e6b34;border-radius:.5rem;padding:.75rem 1rem;margin:0 0 1rem}",
  ".flash.refused{background:#fdecea;border-color:#a4262c}",
  "form.action{display:flex;flex-direction:column;gap:.5rem;margin:0}",
  "form.action label{font-weight:600;display:flex;flex-direction:column;gap:.25rem}",
  "form.action label.check{flex-direction:row;align-items:center;gap:.5rem;font-weight:400}",
  "form.action input,form.action select,form.action textarea{font:inherit;min-height:44px;padding:.375rem .5rem;border:1px solid #6b7378;border-radius:.25rem;background:#fff;color:#1a1a1a;max-width:100%}",
  "form.action input[type=checkbox]{min-height:auto;width:1.25rem;height:1.25rem}",
  "form.action .buttons{display:flex;flex-wrap:wrap;gap:.5rem}",
  ".button.secondary{background:#fff;color:#0b4fa8;border:2px solid #0b4fa8}",
  ".button.danger{background:#a4262c}",
  ".error{color:#a4262c;font-weight:600;margin:0}",
  "[aria-invalid=true]{border-color:#a4262c!important;border-width:2px!important}",
  ".hint{color:#4a5257;font-size:.9rem;margin:0}",
  ".badge{display:inline-block;padding:0 .5rem;border-radius:1rem;background:#e8eef7;color:#12263a;font-weight:600}",
  ".visually-hidden{position:absolute!important;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}",
  ".message-text{white-space:pre-wrap;overflow-wrap:break-word;margin:.25rem 0}",
  "h2{margin:.25rem 0 .75rem}h3{font-size:1.05rem;margin:0 0 .5rem}",
].join("");

const CASE_CSS_HASH = createHash("sha256").update(CASE_CSS).digest("base64");

/** The case page's CSP: the portal's, plus this page's own stylesheet by hash and its script from our origin. */
export const CASE_PAGE_CSP = `${PORTAL_CSP.replace("style-src ", `style-src 'sha256-${CASE_CSS_HASH}' `)}; script-src 'self'; connect-src 'self'`;

/** The route the live script is served from (functions/portal/http-portal-case.ts). */
export const CASE_LIVE_SCRIPT_PATH = "/portal/ressurser/sak-live.js";

/**
 * The live update: every 5 s (while the tab is visible) GET the region's JSON; when its version changed, swap the
 * region's HTML and announce the short summary in the polite live region. No inline code; errors wait for the next
 * round.
 */
export const CASE_LIVE_SCRIPT = `(function () {
  "use strict";
  var region = document.getElementById("case-live");
  var note = document.getElementById("case-live-note");
  if (!region || !note || !window.fetch) return;
  var url = region.getAttribute("data-live-url");
  var version = region.getAttribute("data-version");
  function poll() {
    if (document.hidden) return;
    fetch(url, { credentials: "same-origin", headers: { accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data || data.version === version) return;
        version = data.version;
        region.innerHTML = data.html;
        region.setAttribute("data-version", version);
        note.textContent = data.announce;
      })
      .catch(function () {});
  }
  setInterval(poll, 5000);
})();
`;

type Words = Record<string, string>;

const T = {
  nb: {
    back: "Tilbake til sakene",
    invoice: "Faktura",
    creditor: "Kreditor",
    customerId: "Kundenummer",
    debtor: "Skyldner",
    status: "Status",
    stage: "Steg",
    due: "Forfall",
    deferredTo: "Utsatt til",
    next: "Neste steg",
    paused: "Venter",
    balance: "Saldo",
    asOf: "per i dag",
    invoiced: "Fakturabeløp",
    principal: "herav hovedstol",
    writtenOff: "Avskrevet",
    fees: "Gebyrer",
    interest: "Renter til i dag",
    paid: "Betalt",
    credited: "Kreditert",
    owed: "Skyldig",
    credit: "Til gode",
    services: "Tjenester",
    noServices: "Ingen tjenester er knyttet til saken.",
    blocked: "sperret for hånd",
    arrangements: "Avtaler",
    noArrangements: "Ingen nedbetalingsplan, utsettelse, innsigelse eller pause.",
    plan: "Nedbetalingsplan",
    planStates: { active: "løper", broken: "brutt", completed: "fullført" } as Words,
    instalments: "avdrag",
    hold: "På vent",
    until: "til",
    dispute: "Innsigelse: saken venter på kreditors avgjørelse",
    documents: "Dokumenter",
    noDocuments: "Ingen dokumenter.",
    opens: "åpner PDF",
    messages: "Meldinger til skyldner",
    noMessages: "Ingen meldinger sendt.",
    channels: { sms: "SMS", email: "E-post", "digital-mailbox": "Digital postkasse", print: "Brev i posten" } as Words,
    deliveryStates: { queued: "i kø", dispatched: "sendt", delivered: "levert", failed: "ikke levert" } as Words,
    timeline: "Hva har skjedd",
    actions: "Handlinger",
    onBehalf: "På vegne av skyldneren (kundeservice)",
    payLink: "Send betalingslenken nå",
    payLinkHint: "En ny lenke sendes i kreditors navn, bare i kontakttiden og med skyldnerens samtykke.",
    bySms: "Send på SMS",
    byEmail: "Send på e-post",
    holdTitle: "Sett saken på vent",
    reason: "Begrunnelse",
    untilDate: "Til og med dato (valgfritt)",
    holdButton: "Sett på vent",
    resumeTitle: "Ta saken opp igjen",
    resumeButton: "Ta opp igjen",
    creditTitle: "Kreditnota",
    amount: "Beløp i kroner",
    amountHint: "For eksempel 250 eller 1 234,50",
    creditButton: "Gi kreditnota",
    noteTitle: "Notat",
    noteText: "Tekst",
    noteButton: "Lagre notat",
    uploadTitle: "Last opp dokument",
    file: "Fil (PDF, PNG eller JPEG, høyst 10 MB)",
    uploadButton: "Last opp",
    cancelTitle: "Kanseller saken",
    confirm: "Ja, kanseller saken. Dette kan ikke angres.",
    cancelButton: "Kanseller",
    deferralTitle: "Gi utsettelse",
    days: "Antall dager",
    deferralButton: "Gi utsettelse",
    planTitle: "Avtal nedbetalingsplan",
    months: "Antall måneder",
    planButton: "Avtal plan",
    noPlans: "Ingen nedbetalingsplan kan tilbys nå.",
    disputeTitle: "Registrer innsigelse",
    disputeButton: "Registrer innsigelse",
    resolveTitle: "Avgjør innsigelsen",
    upheld: "Kravet står",
    withdrawn: "Kravet trekkes",
    resolveButton: "Avgjør",
    blockTitle: "Sperr tjenesten",
    blockButton: "Sperr",
    unblockButton: "Opphev sperren",
    liveUpdated: "Saken er oppdatert. Skyldig nå: {owed}. Status: {status}.",
    stale: "Saken har endret status mens siden var åpen. Last siden på nytt før du gjør noe mer med den.",
    reload: "Last siden på nytt",
    thread: "Meldinger med skyldneren",
    noThread: "Skyldneren har ikke skrevet noen melding.",
    fromDebtor: "Skyldneren",
    fromService: "Kundeservice",
    attachment: "Vedlegg",
    replyTitle: "Svar skyldneren",
    replyText: "Svar",
    replyHint: "Skyldneren får varsel på SMS eller e-post om at det er en ny melding på Min side – uten teksten.",
    replyButton: "Send svar",
    readOnly: "Du har lesetilgang og kan ikke gjøre endringer i saken.",
    errorSummary: "Det er en feil i skjemaet",
    roles: {
      "creditor.viewer": "kreditor",
      "creditor.editor": "kreditor",
      "service.agent": "kundeservice",
      operator: "drift",
    } as Words,
  },
  en: {
    back: "Back to the cases",
    invoice: "Invoice",
    creditor: "Creditor",
    customerId: "Customer id",
    debtor: "Debtor",
    status: "Status",
    stage: "Stage",
    due: "Due",
    deferredTo: "Deferred to",
    next: "Next step",
    paused: "Waiting",
    balance: "Balance",
    asOf: "as of today",
    invoiced: "Invoiced",
    principal: "of which principal",
    writtenOff: "Written off",
    fees: "Fees",
    interest: "Interest to date",
    paid: "Paid",
    credited: "Credited",
    owed: "Owed",
    credit: "In credit",
    services: "Services",
    noServices: "No services are linked to this case.",
    blocked: "blocked by hand",
    arrangements: "Arrangements",
    noArrangements: "No instalment plan, deferral, dispute or hold.",
    plan: "Instalment plan",
    planStates: { active: "running", broken: "broken", completed: "completed" } as Words,
    instalments: "instalments",
    hold: "On hold",
    until: "until",
    dispute: "Disputed: the case waits for the creditor's decision",
    documents: "Documents",
    noDocuments: "No documents.",
    opens: "opens the PDF",
    messages: "Messages to the debtor",
    noMessages: "No messages sent.",
    channels: { sms: "SMS", email: "E-mail", "digital-mailbox": "Digital mailbox", print: "Letter by post" } as Words,
    deliveryStates: { queued: "queued", dispatched: "sent", delivered: "delivered", failed: "not delivered" } as Words,
    timeline: "What has happened",
    actions: "Actions",
    onBehalf: "On the debtor's behalf (customer service)",
    payLink: "Send the pay link now",
    payLinkHint: "A fresh link goes in the creditor's name, only in contact hours and with the debtor's consent.",
    bySms: "Send by SMS",
    byEmail: "Send by e-mail",
    holdTitle: "Put the case on hold",
    reason: "Reason",
    untilDate: "Until (optional)",
    holdButton: "Put on hold",
    resumeTitle: "Resume the case",
    resumeButton: "Resume",
    creditTitle: "Credit note",
    amount: "Amount in kroner",
    amountHint: "For example 250 or 1 234.50",
    creditButton: "Issue credit note",
    noteTitle: "Note",
    noteText: "Text",
    noteButton: "Save note",
    uploadTitle: "Upload a document",
    file: "File (PDF, PNG or JPEG, at most 10 MB)",
    uploadButton: "Upload",
    cancelTitle: "Cancel the case",
    confirm: "Yes, cancel the case. This cannot be undone.",
    cancelButton: "Cancel the case",
    deferralTitle: "Grant a deferral",
    days: "Number of days",
    deferralButton: "Grant deferral",
    planTitle: "Agree an instalment plan",
    months: "Number of months",
    planButton: "Agree plan",
    noPlans: "No instalment plan can be offered now.",
    disputeTitle: "Record a dispute",
    disputeButton: "Record dispute",
    resolveTitle: "Resolve the dispute",
    upheld: "The claim stands",
    withdrawn: "The claim is withdrawn",
    resolveButton: "Resolve",
    blockTitle: "Block the service",
    blockButton: "Block",
    unblockButton: "Remove the block",
    liveUpdated: "The case was updated. Owed now: {owed}. Status: {status}.",
    stale: "The case's status changed while this page was open. Reload the page before you do anything more with it.",
    reload: "Reload the page",
    thread: "Messages with the debtor",
    noThread: "The debtor has not written any message.",
    fromDebtor: "The debtor",
    fromService: "Customer service",
    attachment: "Attachment",
    replyTitle: "Answer the debtor",
    replyText: "Answer",
    replyHint: "The debtor is alerted by SMS or e-mail that there is a new message on Min side – without the text.",
    replyButton: "Send answer",
    readOnly: "You have read access and cannot change the case.",
    errorSummary: "There is a problem with the form",
    roles: {
      "creditor.viewer": "creditor",
      "creditor.editor": "creditor",
      "service.agent": "customer service",
      operator: "operations",
    } as Words,
  },
} as const;

const STATUS: Record<PortalLang, Words> = {
  nb: {
    open: "Åpen",
    "on-hold": "På vent",
    disputed: "Bestridt",
    paid: "Betalt",
    cancelled: "Kansellert",
    "handed-off": "Overlevert til rettslige skritt",
  },
  en: {
    open: "Open",
    "on-hold": "On hold",
    disputed: "Disputed",
    paid: "Paid",
    cancelled: "Cancelled",
    "handed-off": "Handed off to legal steps",
  },
};

const STAGE: Record<PortalLang, Words> = {
  nb: {
    invoiced: "Fakturert",
    "lets-pay-sms": "Betalingspåminnelse på SMS",
    reminder: "Purring",
    "collection-notice": "Inkassovarsel",
    "payment-demand": "Betalingsoppfordring",
    "suspension-notice": "Stengevarsel",
    suspension: "Stenging",
    "legal-handoff": "Rettslige skritt",
  },
  en: {
    invoiced: "Invoiced",
    "lets-pay-sms": "Let's pay SMS",
    reminder: "Reminder",
    "collection-notice": "Collection notice",
    "payment-demand": "Payment demand",
    "suspension-notice": "Suspension notice",
    suspension: "Suspension",
    "legal-handoff": "Legal steps",
  },
};

const SERVICE_STATE: Record<PortalLang, Words> = {
  nb: {
    active: "aktiv",
    suspending: "stenges",
    suspended: "stengt",
    reopening: "åpnes igjen",
    reopened: "åpnet igjen",
    failed: "kommandoen feilet",
    escalated: "sendt til drift",
  },
  en: {
    active: "active",
    suspending: "suspending",
    suspended: "suspended",
    reopening: "reopening",
    reopened: "reopened",
    failed: "command failed",
    escalated: "escalated to operations",
  },
};

const SERVICE_KIND: Record<PortalLang, Words> = {
  nb: { broadband: "Bredbånd", "power-meter": "Strømmåler" },
  en: { broadband: "Broadband", "power-meter": "Power meter" },
};

/** "7. des. 2026 kl. 14:05" / "7 Dec 2026 at 14:05", Europe/Oslo. */
export function formatWhen(iso: string, lang: PortalLang): string {
  const d = DateTime.fromISO(iso, { setZone: true }).setZone("Europe/Oslo");
  if (!d.isValid) return iso;
  return lang === "nb"
    ? d.setLocale("nb").toFormat("d. MMM yyyy 'kl.' HH:mm")
    : d.setLocale("en-GB").toFormat("d MMM yyyy 'at' HH:mm");
}

/** A calendar date "2026-12-07" as "7. des. 2026" / "7 Dec 2026". */
export function formatDay(date: string, lang: PortalLang): string {
  const d = DateTime.fromISO(date, { zone: "Europe/Oslo" });
  if (!d.isValid) return date;
  return lang === "nb" ? d.setLocale("nb").toFormat("d. MMM yyyy") : d.setLocale("en-GB").toFormat("d MMM yyyy");
}

export function formatKroner(amount: Money, lang: PortalLang): string {
  return formatMoney(amount, lang === "nb" ? "nb-NO" : "en");
}

// ---------------------------------------------------------------------------------------------------------------
// The model

export type CaseActionName =
  | "pay-link"
  | "hold"
  | "resume"
  | "cancel"
  | "credit-note"
  | "note"
  | "document"
  | "deferral"
  | "instalment-plan"
  | "dispute"
  | "resolve-dispute"
  | "block-service"
  | "unblock-service"
  | "reply";

/** One message of the debtor's thread as the case page shows it. */
export interface CaseThreadMessage {
  from: "debtor" | "customer-service";
  text: string;
  at: string;
  /** The staff user who answered through the portal, by name and role. */
  by?: StaffActor;
  attachment?: { contentType: string; bytes: number };
}

export interface CasePageModel {
  tenantId: string;
  tenantName: string;
  view: CaseView;
  debtorName: string;
  /** The invoice's principal as handed over (before payments and credit notes). */
  invoiced: Money;
  paid: Money;
  credited: Money;
  /** Fees and interest charged through today, paid or not: invoiced + these − paid − credited − written off = owed. */
  charged?: { fees: Money; interest: Money };
  writtenOff?: Money;
  /** Live updates: the status the open page was rendered with (its forms fit that one). */
  renderedStatus?: string;
  hold: { since: string; reason: string; until: string | null } | null;
  deferredDueDate: string | null;
  instalmentPlan: { state: string; count: number; agreedOn: string } | null;
  documents: readonly DocumentRef[];
  /** The debtor's message thread, oldest first (absent: not loaded). */
  thread?: readonly CaseThreadMessage[];
  /** What this staff user may do: creditor actions; actions on the debtor's behalf (agent, operator). */
  can: { edit: boolean; onBehalf: boolean };
  /** Instalment plans (months) the agent may agree on the debtor's behalf today. */
  planMonths: readonly number[];
  /** After a POST/Redirect/Get: what was done (or why nothing was). */
  flash?: { kind: "done" | "refused"; text: string };
  /** A refused form: which action, which field, the message; and the values to show again. */
  error?: { action: CaseActionName; field: string; message: string };
  values?: Record<string, string>;
}

function casePath(m: Pick<CasePageModel, "tenantId" | "view">): string {
  return `/portal/${encodeURIComponent(m.tenantId)}/saker/${encodeURIComponent(m.view.caseId)}`;
}

/** Where the live region's JSON comes from. */
export function caseLivePath(tenantId: string, caseId: string): string {
  return `/portal/${encodeURIComponent(tenantId)}/saker/${encodeURIComponent(caseId)}/live`;
}

// ---------------------------------------------------------------------------------------------------------------
// The timeline in words

function str(v: unknown): string {
  return typeof v === "string" ? v : typeof v === "number" ? String(v) : "";
}

function money(v: unknown, lang: PortalLang): string {
  const m = v as Money | undefined;
  return m && typeof m.value === "number" ? formatKroner(m, lang) : "";
}

function byline(actor: StaffActor, lang: PortalLang): string {
  return `${actor.name} (${T[lang].roles[actor.role] ?? actor.role})`;
}

/** What a staff user did, as a verb phrase (nb/en), from the entry. */
function staffDid(e: TimelineEntry, lang: PortalLang): string {
  const d = e.details ?? {};
  const nb = lang === "nb";
  const reason = typeof d["reason"] === "string" && d["reason"] ? `: «${d["reason"]}»` : "";
  const action = d["action"];
  if (action === "pay-link-sent") {
    const how = d["channel"] === "email" ? (nb ? "på e-post" : "by e-mail") : nb ? "på SMS" : "by SMS";
    const failed = d["state"] === "failed" ? (nb ? " – ikke sendt" : " – not sent") : "";
    return nb ? `sendte betalingslenken ${how}${failed}` : `sent the pay link ${how}${failed}`;
  }
  if (action === "deferral-granted")
    return nb
      ? `ga utsettelse på vegne av skyldneren: ${String(d["days"])} dager, ny forfallsdato ${formatDay(String(d["newDueDate"]), lang)}`
      : `granted a deferral on the debtor's behalf: ${String(d["days"])} days, new due date ${formatDay(String(d["newDueDate"]), lang)}`;
  if (action === "deferral-requested")
    return nb
      ? `ba om utsettelse på vegne av skyldneren: ${String(d["days"])} dager – kreditor avgjør`
      : `asked for a deferral on the debtor's behalf: ${String(d["days"])} days – for the creditor to decide`;
  if (action === "plan-agreed")
    return nb
      ? `avtalte nedbetalingsplan på vegne av skyldneren: ${String(d["months"])} måneder`
      : `agreed an instalment plan on the debtor's behalf: ${String(d["months"])} months`;
  if (action === "dispute-opened" || e.title.startsWith("Disputed"))
    return nb ? `registrerte innsigelse på vegne av skyldneren${reason}` : `recorded a dispute for the debtor${reason}`;
  if (action === "document-uploaded")
    return nb ? `lastet opp dokumentet «${str(d["name"])}»` : `uploaded the document “${str(d["name"])}”`;
  if (action === "service-blocked")
    return nb
      ? `sperret tjenesten ${String(d["serviceId"])}${reason}`
      : `blocked service ${String(d["serviceId"])}${reason}`;
  if (action === "reply") return nb ? "svarte på skyldnerens melding" : "answered the debtor's message";
  if (action === "service-unblocked")
    return nb
      ? `opphevet sperren på tjenesten ${String(d["serviceId"])}`
      : `removed the block on service ${String(d["serviceId"])}`;
  if (e.kind === "note") return nb ? `skrev et notat: «${str(d["text"])}»` : `wrote a note: “${str(d["text"])}”`;
  if (e.kind === "credit-note")
    return nb
      ? `ga en kreditnota på ${money(d["amount"], lang)}${reason}`
      : `issued a credit note of ${money(d["amount"], lang)}${reason}`;
  if (e.title.startsWith("Put on hold")) {
    const until =
      typeof d["until"] === "string"
        ? nb
          ? ` til ${formatDay(d["until"], lang)}`
          : ` until ${formatDay(d["until"], lang)}`
        : "";
    return nb ? `satte saken på vent${until}${reason}` : `put the case on hold${until}${reason}`;
  }
  if (e.title.startsWith("Resumed")) return nb ? "tok saken opp igjen" : "resumed the case";
  if (e.title.startsWith("Cancelled")) return nb ? `kansellerte saken${reason}` : `cancelled the case${reason}`;
  if (e.title.startsWith("Dispute resolved"))
    return d["outcome"] === "claim-upheld"
      ? nb
        ? "avgjorde innsigelsen: kravet står"
        : "resolved the dispute: the claim stands"
      : nb
        ? "avgjorde innsigelsen: kravet er trukket"
        : "resolved the dispute: the claim is withdrawn";
  return e.title;
}

const STEP_SENT: Record<PortalLang, Words> = {
  nb: {
    "lets-pay-sms": "Betalingspåminnelse sendt på SMS med betalingslenke",
    reminder: "Purring sendt",
    "collection-notice": "Inkassovarsel sendt",
    "payment-demand": "Betalingsoppfordring sendt",
    "suspension-notice": "Stengevarsel sendt",
    suspension: "Stenging bestilt hos partneren",
    "legal-handoff": "Overlevert til rettslige skritt",
  },
  en: {
    "lets-pay-sms": "Let's pay SMS sent with a pay link",
    reminder: "Reminder sent",
    "collection-notice": "Collection notice sent",
    "payment-demand": "Payment demand sent",
    "suspension-notice": "Suspension notice sent",
    suspension: "Suspension ordered from the partner",
    "legal-handoff": "Handed off to legal steps",
  },
};

/** A timeline entry in plain words: staff actions by name and role, the rest by its kind. */
export function describeEntry(e: TimelineEntry, lang: PortalLang): { text: string; foreign?: boolean } {
  const nb = lang === "nb";
  const actor = staffActorIn(e.details);
  if (actor) return { text: `${byline(actor, lang)} ${staffDid(e, lang)}` };
  const d = e.details ?? {};
  switch (e.kind) {
    case "created":
      return { text: nb ? "Saken ble opprettet" : "The case was created" };
    case "payment":
      return {
        text: nb
          ? `Betaling mottatt: ${money(d["amount"], lang)}${d["channel"] === "vipps" ? " med Vipps" : d["channel"] === "card" ? " med kort" : ""}`
          : `Payment received: ${money(d["amount"], lang)}${d["channel"] === "vipps" ? " with Vipps" : d["channel"] === "card" ? " by card" : ""}`,
      };
    case "credit-note":
      return { text: nb ? `Kreditnota på ${money(d["amount"], lang)}` : `Credit note of ${money(d["amount"], lang)}` };
    case "note":
      return {
        text: nb ? `Notat fra kreditor: «${str(d["text"])}»` : `Note from the creditor: “${str(d["text"])}”`,
      };
    case "step-executed": {
      const step = e.step ?? "";
      if (/not sent|skipped/iu.test(e.title)) break;
      const words = STEP_SENT[lang][step];
      if (words && /sent|archived|ordered|Handed/iu.test(e.title)) return { text: words };
      break;
    }
    case "message": {
      if (d["action"] === "message")
        return { text: nb ? "Melding fra skyldneren (se Meldinger)" : "Message from the debtor (see Messages)" };
      if (d["action"] === "reply")
        return { text: nb ? "Kundeservice svarte skyldneren" : "Customer service answered the debtor" };
      const state = d["state"];
      if (typeof d["deliveryId"] === "string" && (state === "delivered" || state === "failed")) {
        const channel = T[lang].channels[str(d["channel"])] ?? str(d["channel"]);
        return {
          text: nb
            ? `${channel} ${state === "delivered" ? "levert" : "ikke levert"} (${str(d["status"])})`
            : `${channel} ${state === "delivered" ? "delivered" : "not delivered"} (${str(d["status"])})`,
        };
      }
      break;
    }
    case "step-skipped":
      return {
        text: nb
          ? `${STAGE.nb[e.step ?? ""] ?? "Et steg"} ble hoppet over (et senere steg sier det samme)`
          : `${STAGE.en[e.step ?? ""] ?? "A step"} was skipped (a later step says the same)`,
      };
    case "status-changed": {
      if (e.title.startsWith("Put on hold"))
        return { text: nb ? "Kreditor satte saken på vent" : "The creditor put the case on hold" };
      if (e.title.startsWith("Resumed"))
        return { text: nb ? "Kreditor tok saken opp igjen" : "The creditor resumed the case" };
      if (e.title.startsWith("Cancelled"))
        return { text: nb ? "Kreditor kansellerte saken" : "The creditor cancelled the case" };
      const from = d["from"];
      const to = d["to"];
      if (typeof from === "string" && typeof to === "string")
        return {
          text: nb
            ? `Status endret fra ${STATUS.nb[from] ?? from} til ${STATUS.nb[to] ?? to}`
            : `Status changed from ${STATUS.en[from] ?? from} to ${STATUS.en[to] ?? to}`,
        };
      break;
    }
    default:
      break;
  }
  // No plain words for this one yet: the system's own (English) title.
  return { text: e.title, foreign: nb };
}

// ---------------------------------------------------------------------------------------------------------------
// Rendering

function documentHref(m: CasePageModel, documentId: string, lang: PortalLang): string {
  return portalHref(`${casePath(m)}/dokumenter/${encodeURIComponent(documentId)}`, lang);
}

/** Why the ladder waits, in the reader's language with Oslo dates; undefined: no words yet (the planner's English). */
function pausedWords(m: CasePageModel, lang: PortalLang): string | undefined {
  const nb = lang === "nb";
  const v = m.view;
  if (v.status === "cancelled")
    return nb ? "Saken er kansellert: ingenting mer sendes." : "The case was cancelled: nothing more is sent.";
  if (v.status === "disputed")
    return nb
      ? "Skyldneren bestrider kravet: inndrivingen og gebyrene står stille til innsigelsen er avgjort."
      : "The debtor disputes the claim: collection and fees are stopped until the dispute is resolved.";
  if (v.status === "on-hold" && m.hold) {
    const since = formatDay(m.hold.since.slice(0, 10), lang);
    const until = m.hold.until ? formatDay(m.hold.until, lang) : undefined;
    return nb
      ? `Saken er satt på vent siden ${since} («${m.hold.reason}»)${until ? `, planlagt til ${until}` : ""}.`
      : `The case is on hold since ${since} (“${m.hold.reason}”)${until ? `, planned until ${until}` : ""}.`;
  }
  if (m.instalmentPlan?.state === "active")
    return nb
      ? "En nedbetalingsplan løper: trappen venter så lenge avdragene betales."
      : "An instalment plan is running: the ladder waits while the instalments are paid.";
  return undefined;
}

function factsHtml(m: CasePageModel, lang: PortalLang): string {
  const t = T[lang];
  const v = m.view;
  const rows: Array<[string, string]> = [
    [t.creditor, esc(m.tenantName)],
    [t.invoice, esc(v.invoiceNumber)],
    ["KID", esc(v.kid)],
    [t.customerId, esc(v.customerId)],
    [t.debtor, esc(m.debtorName)],
    [t.status, `<span class="badge">${esc(STATUS[lang][v.status] ?? v.status)}</span>`],
    [t.stage, esc(STAGE[lang][v.stage] ?? v.stage)],
    [t.due, esc(formatDay(v.dueDate, lang))],
  ];
  if (m.deferredDueDate) rows.push([t.deferredTo, esc(formatDay(m.deferredDueDate, lang))]);
  if (v.nextAction)
    rows.push([
      t.next,
      `${esc(STAGE[lang][v.nextAction.kind] ?? v.nextAction.kind)}, ${esc(formatWhen(v.nextAction.at, lang))}`,
    ]);
  if (v.paused) {
    const words = pausedWords(m, lang);
    rows.push([t.paused, words ? esc(words) : `<span lang="en">${esc(v.paused.reason)}</span>`]);
  }
  return `<dl class="facts case-facts">${rows.map(([k, val]) => `<dt>${esc(k)}</dt><dd>${val}</dd>`).join("")}</dl>`;
}

function balanceHtml(m: CasePageModel, lang: PortalLang): string {
  const t = T[lang];
  const b = m.view.balance;
  // Reads as a sum: invoiced + fees + interest charged − paid − credited (− written off) = owed.
  const rows: Array<[string, Money]> = [
    [t.invoiced, m.invoiced],
    [t.fees, m.charged?.fees ?? b.fees],
    [t.interest, m.charged?.interest ?? b.interest],
    [t.paid, m.paid],
    [t.credited, m.credited],
    ...(m.writtenOff && m.writtenOff.value > 0 ? [[t.writtenOff, m.writtenOff] as [string, Money]] : []),
  ];
  const owed = `<dt class="owed">${t.owed}</dt><dd class="owed" id="case-owed">${esc(formatKroner(b.total, lang))}</dd><dt>${t.principal}</dt><dd>${esc(formatKroner(b.principal, lang))}</dd>`;
  const credit = b.credit.value > 0 ? `<dt>${t.credit}</dt><dd>${esc(formatKroner(b.credit, lang))}</dd>` : "";
  return `<section class="card" aria-labelledby="balance-h"><h2 id="balance-h">${t.balance} <span class="muted">(${t.asOf})</span></h2>
<dl class="facts balance">${rows.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(formatKroner(v, lang))}</dd>`).join("")}${owed}${credit}</dl></section>`;
}

function servicesHtml(m: CasePageModel, lang: PortalLang): string {
  const t = T[lang];
  const items = m.view.services.map((s) => {
    const reopened = s.state === "active" && s.lastCommand?.target === "active" && s.lastCommand.confirmedAt !== null;
    const state = reopened ? "reopened" : s.state;
    const manual = s.blockers.some((b) => b.kind === "manual") ? ` – ${t.blocked}` : "";
    return `<li>${esc(SERVICE_KIND[lang][s.kind] ?? s.kind)} <span class="muted">${esc(s.serviceId)}</span>: <strong>${esc(SERVICE_STATE[lang][state] ?? state)}</strong>${esc(manual)}</li>`;
  });
  return `<section class="card" aria-labelledby="services-h"><h2 id="services-h">${t.services}</h2>${
    items.length ? `<ul>${items.join("")}</ul>` : `<p>${t.noServices}</p>`
  }</section>`;
}

function arrangementsHtml(m: CasePageModel, lang: PortalLang): string {
  const t = T[lang];
  const items: string[] = [];
  if (m.instalmentPlan)
    items.push(
      `${t.plan}: ${m.instalmentPlan.count} ${t.instalments}, ${esc(t.planStates[m.instalmentPlan.state] ?? m.instalmentPlan.state)} (${esc(formatDay(m.instalmentPlan.agreedOn, lang))})`,
    );
  if (m.deferredDueDate) items.push(`${t.deferredTo} ${esc(formatDay(m.deferredDueDate, lang))}`);
  if (m.hold)
    items.push(
      `${t.hold}${m.hold.until ? ` ${t.until} ${esc(formatDay(m.hold.until, lang))}` : ""}: «${esc(m.hold.reason)}»`,
    );
  if (m.view.status === "disputed") items.push(t.dispute);
  return `<section class="card" aria-labelledby="arr-h"><h2 id="arr-h">${t.arrangements}</h2>${
    items.length ? `<ul>${items.map((i) => `<li>${i}</li>`).join("")}</ul>` : `<p>${t.noArrangements}</p>`
  }</section>`;
}

function messagesHtml(m: CasePageModel, lang: PortalLang): string {
  const t = T[lang];
  const items = [...m.view.deliveries].reverse().map((d) => {
    const what =
      d.kind === "pay-link-sms" || d.kind === "pay-link-email"
        ? lang === "nb"
          ? "betalingslenke"
          : "pay link"
        : (STAGE[lang][d.kind] ??
          (d.kind === "letter-alert" ? (lang === "nb" ? "varsel om brev" : "letter alert") : d.kind));
    const when = d.deliveredAt ?? d.failedAt ?? d.dispatchedAt ?? d.queuedAt;
    return `<li><time datetime="${esc(when)}">${esc(formatWhen(when, lang))}</time>${esc(t.channels[d.channel] ?? d.channel)} – ${esc(what)}: <strong>${esc(t.deliveryStates[d.state] ?? d.state)}</strong></li>`;
  });
  return `<section class="card" aria-labelledby="msg-h"><h2 id="msg-h">${t.messages}</h2>${
    items.length ? `<ol class="timeline">${items.join("")}</ol>` : `<p>${t.noMessages}</p>`
  }</section>`;
}

const FILE_TYPE: Record<string, string> = { "application/pdf": "PDF", "image/png": "PNG", "image/jpeg": "JPEG" };

function threadHtml(m: CasePageModel, lang: PortalLang): string {
  if (!m.thread) return "";
  const t = T[lang];
  const items = m.thread.map((msg) => {
    const who =
      msg.from === "debtor" ? t.fromDebtor : msg.by ? `${t.fromService}: ${byline(msg.by, lang)}` : t.fromService;
    const file = msg.attachment
      ? `<p class="hint">${t.attachment}: ${esc(FILE_TYPE[msg.attachment.contentType] ?? msg.attachment.contentType)}, ${esc(String(Math.max(1, Math.round(msg.attachment.bytes / 1024))))} kB</p>`
      : "";
    return `<li><time datetime="${esc(msg.at)}">${esc(formatWhen(msg.at, lang))}</time><strong>${esc(who)}</strong><p class="message-text">${esc(msg.text)}</p>${file}</li>`;
  });
  return `<section class="card" aria-labelledby="thread-h" id="meldinger"><h2 id="thread-h">${t.thread}</h2>${
    items.length ? `<ol class="timeline">${items.join("")}</ol>` : `<p>${t.noThread}</p>`
  }</section>`;
}

function timelineHtml(m: CasePageModel, lang: PortalLang): string {
  const t = T[lang];
  const items = [...m.view.timeline].reverse().map((e) => {
    const { text, foreign } = describeEntry(e, lang);
    const documentId = e.details?.["documentId"];
    const doc =
      typeof documentId === "string" && m.documents.some((d) => d.documentId === documentId)
        ? ` <a href="${esc(documentHref(m, documentId, lang))}">${lang === "nb" ? "Åpne brevet" : "Open the letter"}<span class="visually-hidden"> (${t.opens})</span></a>`
        : "";
    return `<li><time datetime="${esc(e.at)}">${esc(formatWhen(e.at, lang))}</time><span${foreign ? ' lang="en"' : ""}>${esc(text)}</span>${doc}</li>`;
  });
  return `<section class="card" aria-labelledby="tl-h"><h2 id="tl-h">${t.timeline}</h2><ol class="timeline">${items.join("")}</ol></section>`;
}

function documentsHtml(m: CasePageModel, lang: PortalLang): string {
  const t = T[lang];
  const items = [...m.documents]
    .reverse()
    .map(
      (d) =>
        `<li><a href="${esc(documentHref(m, d.documentId, lang))}">${esc(STAGE[lang][d.kind] ?? (d.kind === "staff-upload" ? (lang === "nb" ? "Opplastet dokument" : "Uploaded document") : d.kind))}</a> <span class="muted">${esc(formatWhen(d.createdAt, lang))}</span></li>`,
    );
  return `<section class="card" aria-labelledby="docs-h"><h2 id="docs-h">${t.documents}</h2>${
    items.length ? `<ul>${items.join("")}</ul>` : `<p>${t.noDocuments}</p>`
  }</section>`;
}

/** The live region's inner HTML: facts, balance, arrangements, services, documents, messages, timeline. */
export function renderCaseLive(m: CasePageModel, lang: PortalLang): string {
  const stale =
    m.renderedStatus !== undefined && m.renderedStatus !== m.view.status
      ? `<div class="flash refused"><p>${T[lang].stale}</p><p><a href="${esc(portalHref(casePath(m), lang))}">${T[lang].reload}</a></p></div>`
      : "";
  return `${stale}<div class="card">${factsHtml(m, lang)}</div><div class="grid">${balanceHtml(m, lang)}${arrangementsHtml(m, lang)}${servicesHtml(m, lang)}</div>${documentsHtml(m, lang)}${threadHtml(m, lang)}${messagesHtml(m, lang)}${timelineHtml(m, lang)}`;
}

/** The short sentence the live region announces when it changed. */
export function caseLiveAnnouncement(m: CasePageModel, lang: PortalLang): string {
  return T[lang].liveUpdated
    .replace("{owed}", formatKroner(m.view.balance.total, lang))
    .replace("{status}", STATUS[lang][m.view.status] ?? m.view.status);
}

// Forms

function field(
  m: CasePageModel,
  action: CaseActionName,
  name: string,
  label: string,
  input: (attrs: string) => string,
  hint?: string,
): string {
  const id = `${action}-${name}`;
  const error = m.error?.action === action && m.error.field === name ? m.error.message : undefined;
  const described = [hint ? `${id}-hint` : "", error ? `${id}-error` : ""].filter(Boolean).join(" ");
  const attrs = `id="${id}" name="${name}"${described ? ` aria-describedby="${described}"` : ""}${error ? ' aria-invalid="true"' : ""}`;
  return `<label for="${id}">${esc(label)}${input(attrs)}</label>${hint ? `<p class="hint" id="${id}-hint">${esc(hint)}</p>` : ""}${
    error ? `<p class="error" id="${id}-error">${esc(error)}</p>` : ""
  }`;
}

function value(m: CasePageModel, action: CaseActionName, name: string): string {
  return m.error?.action === action ? esc(m.values?.[name] ?? "") : "";
}

function form(
  m: CasePageModel,
  lang: PortalLang,
  action: CaseActionName,
  title: string,
  inner: string,
  opts: { multipart?: boolean } = {},
): string {
  const formError =
    m.error?.action === action && m.error.field === "form"
      ? `<p class="error" role="alert">${esc(m.error.message)}</p>`
      : "";
  return `<section class="card" aria-labelledby="${action}-h"><h3 id="${action}-h">${esc(title)}</h3>
<form class="action" method="post" action="${esc(portalHref(`${casePath(m)}/handling/${action}`, lang))}"${opts.multipart ? ' enctype="multipart/form-data"' : ""}>
<input type="hidden" name="csrf" value="${esc(m.values?.["__csrf"] ?? "")}">${formError}${inner}</form></section>`;
}

function actionsHtml(m: CasePageModel, lang: PortalLang): string {
  const t = T[lang];
  const v = m.view;
  const closed = v.status === "paid" || v.status === "cancelled";
  const parts: string[] = [];
  if (m.can.edit && !closed) {
    parts.push(
      form(
        m,
        lang,
        "pay-link",
        t.payLink,
        `<p class="hint">${esc(t.payLinkHint)}</p><div class="buttons"><button class="button" type="submit" name="channel" value="sms">${t.bySms}</button><button class="button secondary" type="submit" name="channel" value="email">${t.byEmail}</button></div>`,
      ),
    );
    if (v.status === "on-hold") {
      parts.push(
        form(
          m,
          lang,
          "resume",
          t.resumeTitle,
          `<div class="buttons"><button class="button" type="submit">${t.resumeButton}</button></div>`,
        ),
      );
    } else if (v.status === "open") {
      parts.push(
        form(
          m,
          lang,
          "hold",
          t.holdTitle,
          field(
            m,
            "hold",
            "reason",
            t.reason,
            (a) => `<input ${a} type="text" maxlength="500" required value="${value(m, "hold", "reason")}">`,
          ) +
            field(
              m,
              "hold",
              "until",
              t.untilDate,
              (a) => `<input ${a} type="date" value="${value(m, "hold", "until")}">`,
            ) +
            `<div class="buttons"><button class="button" type="submit">${t.holdButton}</button></div>`,
        ),
      );
    }
    parts.push(
      form(
        m,
        lang,
        "credit-note",
        t.creditTitle,
        field(
          m,
          "credit-note",
          "amount",
          t.amount,
          (a) =>
            `<input ${a} type="text" inputmode="decimal" autocomplete="off" required value="${value(m, "credit-note", "amount")}">`,
          t.amountHint,
        ) +
          field(
            m,
            "credit-note",
            "reason",
            t.reason,
            (a) => `<input ${a} type="text" maxlength="500" required value="${value(m, "credit-note", "reason")}">`,
          ) +
          `<div class="buttons"><button class="button" type="submit">${t.creditButton}</button></div>`,
      ),
    );
  }
  if (m.can.edit && m.thread && m.thread.length > 0) {
    parts.push(
      form(
        m,
        lang,
        "reply",
        t.replyTitle,
        field(
          m,
          "reply",
          "text",
          t.replyText,
          (a) => `<textarea ${a} rows="4" maxlength="2000" required>${value(m, "reply", "text")}</textarea>`,
          t.replyHint,
        ) + `<div class="buttons"><button class="button" type="submit">${t.replyButton}</button></div>`,
      ),
    );
  }
  if (m.can.edit) {
    parts.push(
      form(
        m,
        lang,
        "note",
        t.noteTitle,
        field(
          m,
          "note",
          "text",
          t.noteText,
          (a) => `<textarea ${a} rows="3" maxlength="2000" required>${value(m, "note", "text")}</textarea>`,
        ) + `<div class="buttons"><button class="button" type="submit">${t.noteButton}</button></div>`,
      ),
      form(
        m,
        lang,
        "document",
        t.uploadTitle,
        field(
          m,
          "document",
          "file",
          t.file,
          (a) => `<input ${a} type="file" accept="application/pdf,image/png,image/jpeg" required>`,
        ) + `<div class="buttons"><button class="button" type="submit">${t.uploadButton}</button></div>`,
        { multipart: true },
      ),
    );
  }
  if (m.can.onBehalf && !closed) {
    const behalf: string[] = [];
    if (v.status !== "disputed") {
      behalf.push(
        form(
          m,
          lang,
          "deferral",
          t.deferralTitle,
          field(
            m,
            "deferral",
            "days",
            t.days,
            (a) =>
              `<input ${a} type="number" min="1" max="90" inputmode="numeric" required value="${value(m, "deferral", "days")}">`,
          ) + `<div class="buttons"><button class="button" type="submit">${t.deferralButton}</button></div>`,
        ),
      );
      behalf.push(
        form(
          m,
          lang,
          "instalment-plan",
          t.planTitle,
          m.planMonths.length === 0
            ? `<p>${t.noPlans}</p>`
            : field(
                m,
                "instalment-plan",
                "months",
                t.months,
                (a) =>
                  `<select ${a}>${m.planMonths.map((n) => `<option value="${n}">${n}</option>`).join("")}</select>`,
              ) + `<div class="buttons"><button class="button" type="submit">${t.planButton}</button></div>`,
        ),
      );
      behalf.push(
        form(
          m,
          lang,
          "dispute",
          t.disputeTitle,
          field(
            m,
            "dispute",
            "reason",
            t.reason,
            (a) => `<input ${a} type="text" maxlength="500" required value="${value(m, "dispute", "reason")}">`,
          ) + `<div class="buttons"><button class="button" type="submit">${t.disputeButton}</button></div>`,
        ),
      );
    } else {
      behalf.push(
        form(
          m,
          lang,
          "resolve-dispute",
          t.resolveTitle,
          field(
            m,
            "resolve-dispute",
            "outcome",
            t.resolveTitle,
            (a) =>
              `<select ${a}><option value="claim-upheld">${t.upheld}</option><option value="claim-withdrawn">${t.withdrawn}</option></select>`,
          ) + `<div class="buttons"><button class="button" type="submit">${t.resolveButton}</button></div>`,
        ),
      );
    }
    for (const s of v.services) {
      const manual = s.blockers.some((b) => b.kind === "manual");
      const name = `${SERVICE_KIND[lang][s.kind] ?? s.kind} ${s.serviceId}`;
      behalf.push(
        manual
          ? form(
              m,
              lang,
              "unblock-service",
              `${t.unblockButton}: ${name}`,
              `<input type="hidden" name="serviceId" value="${esc(s.serviceId)}"><div class="buttons"><button class="button" type="submit">${t.unblockButton}</button></div>`,
            )
          : form(
              m,
              lang,
              "block-service",
              `${t.blockTitle}: ${name}`,
              `<input type="hidden" name="serviceId" value="${esc(s.serviceId)}">` +
                field(
                  m,
                  "block-service",
                  "reason",
                  t.reason,
                  (a) =>
                    `<input ${a} type="text" maxlength="500" required value="${value(m, "block-service", "reason")}">`,
                ) +
                `<div class="buttons"><button class="button danger" type="submit">${t.blockButton}</button></div>`,
            ),
      );
    }
    parts.push(`<h2>${t.onBehalf}</h2><div class="grid">${behalf.join("")}</div>`);
  }
  if (m.can.edit && !closed) {
    parts.push(
      form(
        m,
        lang,
        "cancel",
        t.cancelTitle,
        field(
          m,
          "cancel",
          "reason",
          t.reason,
          (a) => `<input ${a} type="text" maxlength="500" required value="${value(m, "cancel", "reason")}">`,
        ) +
          `<label class="check" for="cancel-confirm"><input id="cancel-confirm" name="confirm" type="checkbox" value="yes"${m.error?.action === "cancel" && m.error.field === "confirm" ? ' aria-invalid="true" aria-describedby="cancel-confirm-error"' : ""}>${esc(t.confirm)}</label>` +
          (m.error?.action === "cancel" && m.error.field === "confirm"
            ? `<p class="error" id="cancel-confirm-error">${esc(m.error.message)}</p>`
            : "") +
          `<div class="buttons"><button class="button danger" type="submit">${t.cancelButton}</button></div>`,
      ),
    );
  }
  if (!m.can.edit)
    return `<section class="card" aria-labelledby="actions-h"><h2 id="actions-h">${t.actions}</h2><p id="read-only">${t.readOnly}</p></section>`;
  if (parts.length === 0) return "";
  return `<section aria-labelledby="actions-h"><h2 id="actions-h">${t.actions}</h2><div class="grid">${parts.join("")}</div></section>`;
}

export function renderCasePage(lang: PortalLang, m: CasePageModel, header: SignedInHeader): string {
  const t = T[lang];
  const v = m.view;
  const list = `/portal/${encodeURIComponent(m.tenantId)}/saker`;
  const flash = m.flash
    ? `<div class="flash${m.flash.kind === "refused" ? " refused" : ""}" role="${m.flash.kind === "refused" ? "alert" : "status"}">${esc(m.flash.text)}</div>`
    : "";
  // A refused field: a summary at the top (GOV.UK's error summary) linking to the field; its message stays by it.
  const fieldError = m.error && m.error.field !== "form" ? m.error : undefined;
  const summary = fieldError
    ? `<div class="flash refused error-summary" role="alert" aria-labelledby="error-summary-h"><h2 id="error-summary-h">${t.errorSummary}</h2><ul><li><a href="#${esc(fieldError.field === "confirm" ? "cancel-confirm" : `${fieldError.action}-${fieldError.field}`)}">${esc(fieldError.message)}</a></li></ul></div>`
    : "";
  const withCsrf: CasePageModel = { ...m, values: { ...m.values, __csrf: header.csrfToken } };
  const body = `${tenantNav(lang, m.tenantId, "cases")}<p><a href="${esc(portalHref(list, lang))}">${t.back}</a></p>
<h1>${t.invoice} ${esc(v.invoiceNumber)} – ${esc(m.tenantName)}</h1>${summary}${flash}
<p id="case-live-note" class="visually-hidden" role="status" aria-live="polite"></p>
<div id="case-live" data-live-url="${esc(portalHref(caseLivePath(m.tenantId, v.caseId), lang, { status: v.status }))}" data-version="${esc(v.updatedAt)}">${renderCaseLive(m, lang)}</div>
${actionsHtml(withCsrf, lang)}`;
  return layout(
    lang,
    `${t.invoice} ${v.invoiceNumber}`,
    body,
    { ...header, path: casePath(m) },
    `<style>${CASE_CSS}</style><script src="${CASE_LIVE_SCRIPT_PATH}" defer></script>`,
  );
}
