/**
 * Min side's pages (issue 15): sign-in, the overview of a person's claims, one claim, and the kind notices (not
 * found, closed, a stale form). Server-rendered into the shared layout (shared/web/layout.ts: inline CSS under
 * PAGE_CSP, no JavaScript), phone-first, bokmål by default and English. Every form carries the session's CSRF token.
 */
import type { ClaimSummary, ClaimView, TimelineItem } from "../application/min-side/pages";
import type { AssistantAnswer } from "../application/min-side/assistant";
import { DEBTOR_ACTION_RESULTS, type DebtorActionResult } from "../application/min-side/debtor-actions";
import type { DebtorStage } from "../application/payments/pay-page-model";
import { compileTemplate, renderLayout } from "./layout";
import { contactLines, feeLabel, letterName, stepWords } from "./debtor-words";
import { formatAmount, formatInstantDate, formatLocalDate } from "./i18n";
import { ms, type MinSideTextKey } from "./min-side-i18n";
import { mt } from "./min-side/message-words";
import type { Lang } from "./pay-page-model";
import type { StepKind } from "../domain/policy";
import { aw, type AttorneyTextKey } from "./min-side/attorney-words";
import type { InstalmentState } from "../domain/instalment-plans";
import type { AssistantLang } from "../application/assistant/intents";

export const MIN_SIDE_PATH = "/min-side";
/** The assistant's page ("Spør oss"). */
export const ASSISTANT_PATH = `${MIN_SIDE_PATH}/assistent`;
/** Messages with customer service, and the debtor's settings (functions/min-side-messages/). */
export const MESSAGES_PATH = `${MIN_SIDE_PATH}/meldinger`;
export const SETTINGS_PATH = `${MIN_SIDE_PATH}/innstillinger`;

/** A Min side path, with `?lang=en` in English (bokmål is the default). */
export function minSideHref(path: string, lang: Lang): string {
  return lang === "en" ? `${path}${path.includes("?") ? "&" : "?"}lang=en` : path;
}

export function claimPath(tenantId: string, caseId: string, suffix = ""): string {
  return `${MIN_SIDE_PATH}/krav/${encodeURIComponent(tenantId)}/${encodeURIComponent(caseId)}${suffix}`;
}

const STAGE_TEXT: Readonly<Record<DebtorStage, MinSideTextKey>> = {
  "lets-pay": "stageLetsPay",
  reminder: "stageReminder",
  "collection-notice": "stageCollectionNotice",
  collection: "stageCollection",
};

function statusText(c: Pick<ClaimSummary, "status" | "stage" | "heldFor">, lang: Lang): string {
  switch (c.status) {
    case "paid":
      return ms(lang, "statusPaid");
    case "cancelled":
      return ms(lang, "statusCancelled");
    case "disputed":
      // Held by power of attorney: the debtor disputed it, not the person reading.
      return c.heldFor ? aw(lang, "heldStatusDisputed", { name: c.heldFor.grantorName }) : ms(lang, "statusDisputed");
    case "on-hold":
      return ms(lang, "statusOnHold");
    default:
      return ms(lang, STAGE_TEXT[c.stage]);
  }
}

function nextText(c: ClaimSummary, lang: Lang): string {
  if (!c.next) return ms(lang, "noNextStep");
  const step = stepWords(c.next.kind, lang);
  return ms(lang, "nextStepOn", {
    step: step.charAt(0).toUpperCase() + step.slice(1),
    date: formatLocalDate(c.next.on, lang),
  });
}

function signOutForm(csrf: string, lang: Lang): string {
  return signOutTemplate({ action: minSideHref(`${MIN_SIDE_PATH}/logg-ut`, lang), csrf, label: ms(lang, "signOut") });
}
const signOutTemplate = compileTemplate<{ action: string; csrf: string; label: string }>(
  `<form method="post" action="<%= it.action %>"><input type="hidden" name="csrf" value="<%= it.csrf %>"><button class="btn card" type="submit"><%= it.label %></button></form>`,
);

// --------------------------------------------------------------------------------------------------------------
// Sign-in
// --------------------------------------------------------------------------------------------------------------

export interface SignInPageInput {
  lang: Lang;
  bankIdAvailable: boolean;
  pinAvailable: boolean;
  /** A message above the forms: signed out, session ended, a refused or locked PIN, a failed sign-in. */
  message?: { kind: "info" | "error"; text: MinSideTextKey; params?: Record<string, string> };
  caseNumber?: string;
}

const signInTemplate = compileTemplate<{
  title: string;
  intro: string;
  message?: { kind: string; text: string };
  bankId?: { href: string; label: string };
  bankIdUnavailable?: string;
  pin?: {
    action: string;
    heading: string;
    intro: string;
    caseLabel: string;
    caseHint: string;
    caseValue: string;
    pinLabel: string;
    pinHint: string;
    button: string;
    invalid: boolean;
  };
}>(`<h1><%= it.title %></h1>
<% if (it.message) { %><div class="<%= it.message.kind === 'error' ? 'summary' : 'note' %>" role="<%= it.message.kind === 'error' ? 'alert' : 'status' %>"><p><%= it.message.text %></p></div>
<% } %><p><%= it.intro %></p>
<% if (it.bankId) { %><a class="btn card" href="<%= it.bankId.href %>"><%= it.bankId.label %></a>
<% } else if (it.bankIdUnavailable) { %><p class="note"><%= it.bankIdUnavailable %></p>
<% } %><% if (it.pin) { %><h2><%= it.pin.heading %></h2>
<p><%= it.pin.intro %></p>
<form method="post" action="<%= it.pin.action %>" novalidate>
<div class="field"><label for="kid"><%= it.pin.caseLabel %></label><p class="hint" id="kid-hint"><%= it.pin.caseHint %></p>
<input type="text" id="kid" name="kid" inputmode="numeric" autocomplete="off" aria-describedby="kid-hint" value="<%= it.pin.caseValue %>"<% if (it.pin.invalid) { %> aria-invalid="true"<% } %>></div>
<div class="field"><label for="pin"><%= it.pin.pinLabel %></label><p class="hint" id="pin-hint"><%= it.pin.pinHint %></p>
<input type="text" id="pin" name="pin" inputmode="numeric" autocomplete="off" aria-describedby="pin-hint"<% if (it.pin.invalid) { %> aria-invalid="true"<% } %>></div>
<button class="btn card" type="submit"><%= it.pin.button %></button>
</form>
<% } %>`);

export function renderSignInPage(input: SignInPageInput): string {
  const { lang } = input;
  const main = signInTemplate({
    title: ms(lang, "signInTitle"),
    intro: ms(lang, "signInIntro"),
    ...(input.message
      ? { message: { kind: input.message.kind, text: ms(lang, input.message.text, input.message.params ?? {}) } }
      : {}),
    ...(input.bankIdAvailable
      ? { bankId: { href: minSideHref(`${MIN_SIDE_PATH}/logg-inn/bankid`, lang), label: ms(lang, "signInBankId") } }
      : { bankIdUnavailable: ms(lang, "signInBankIdUnavailable") }),
    ...(input.pinAvailable
      ? {
          pin: {
            action: minSideHref(`${MIN_SIDE_PATH}/logg-inn/pin`, lang),
            heading: ms(lang, "signInPinHeading"),
            intro: ms(lang, "signInPinIntro"),
            caseLabel: ms(lang, "caseNumber"),
            caseHint: ms(lang, "caseNumberHint"),
            caseValue: input.caseNumber ?? "",
            pinLabel: ms(lang, "pin"),
            pinHint: ms(lang, "pinHint"),
            button: ms(lang, "signInPinButton"),
            invalid: input.message?.kind === "error",
          },
        }
      : {}),
  });
  return renderLayout({
    lang,
    title: `${ms(lang, "signInTitle")}`,
    mainHtml: main,
    langHref: { nb: `${MIN_SIDE_PATH}/logg-inn?lang=nb`, en: `${MIN_SIDE_PATH}/logg-inn?lang=en` },
  });
}

// --------------------------------------------------------------------------------------------------------------
// Overview
// --------------------------------------------------------------------------------------------------------------

interface ClaimCard {
  heading: string;
  creditor: string;
  description: string;
  rows: Array<[string, string]>;
  next: string;
  detailsHref: string;
  detailsAria: string;
  detailsLabel: string;
  pay?: { action: string; label: string; aria: string };
  /** Reached through a power of attorney: whose it is. */
  heldFrom?: string;
}

const overviewTemplate = compileTemplate<{
  title: string;
  intro: string;
  csrf: string;
  empty?: string;
  groups: Array<{ heading: string; id: string; cards: ClaimCard[] }>;
  ask: { href: string; label: string };
  attorney?: { href: string; label: string };
  more: Array<{ href: string; label: string }>;
  signOut: string;
}>(`<h1><%= it.title %></h1>
<p><%= it.intro %></p>
<p><a href="<%= it.ask.href %>"><%= it.ask.label %></a><% for (const m of it.more) { %> · <a href="<%= m.href %>"><%= m.label %></a><% } %></p>
<% if (it.attorney) { %><p><a href="<%= it.attorney.href %>"><%= it.attorney.label %></a></p>
<% } %>
<% if (it.empty) { %><p class="ok"><%= it.empty %></p>
<% } %><% for (const g of it.groups) { %><section aria-labelledby="<%= g.id %>">
<h2 id="<%= g.id %>"><%= g.heading %></h2>
<% for (const c of g.cards) { %><article class="case">
<h3><%= c.heading %></h3>
<% if (c.heldFrom) { %><p><strong><%= c.heldFrom %></strong></p>
<% } %><p><%= c.creditor %><% if (c.description) { %> · <%= c.description %><% } %></p>
<dl>
<% for (const r of c.rows) { %><dt><%= r[0] %></dt><dd><%= r[1] %></dd>
<% } %></dl>
<p><%= c.next %></p>
<% if (c.pay) { %><form method="post" action="<%= c.pay.action %>"><input type="hidden" name="csrf" value="<%= it.csrf %>"><button class="btn vipps" type="submit" aria-label="<%= c.pay.aria %>"><%= c.pay.label %></button></form>
<% } %><p><a href="<%= c.detailsHref %>" aria-label="<%= c.detailsAria %>"><%= c.detailsLabel %></a></p>
</article>
<% } %></section>
<% } %><%~ it.signOut %>`);

function card(c: ClaimSummary, lang: Lang): ClaimCard {
  const names = { number: c.invoiceNumber, creditor: c.creditorName };
  return {
    heading: ms(lang, "invoiceNumber", { number: c.invoiceNumber }),
    creditor: `${ms(lang, "creditor")} ${c.creditorName}`,
    description: c.description,
    rows: [
      [ms(lang, "stage"), statusText(c, lang)],
      [ms(lang, "dueToday"), formatAmount(c.dueToday, lang)],
      [ms(lang, "dueDate"), formatLocalDate(c.dueDate, lang)],
    ],
    next: c.open ? `${ms(lang, "nextStep")}: ${nextText(c, lang)}` : "",
    detailsHref: minSideHref(claimPath(c.tenantId, c.caseId), lang),
    detailsAria: ms(lang, "detailsAria", names),
    detailsLabel: ms(lang, "details"),
    ...(c.heldFor ? { heldFrom: heldFromText(c.heldFor, lang) } : {}),
    ...(c.open && c.dueToday.value > 0 && c.heldFor?.scope !== "read"
      ? {
          pay: {
            action: minSideHref(claimPath(c.tenantId, c.caseId, "/betal"), lang),
            label: `${ms(lang, "pay")} ${formatAmount(c.dueToday, lang)}`,
            aria: ms(lang, "payAria", { ...names, amount: formatAmount(c.dueToday, lang) }),
          },
        }
      : {}),
  };
}

export function renderOverviewPage(input: {
  lang: Lang;
  csrf: string;
  subjectKind: "person" | "case";
  open: ClaimSummary[];
  closed: ClaimSummary[];
}): string {
  const { lang } = input;
  const own = (c: ClaimSummary) => c.heldFor === undefined;
  const held = [...input.open, ...input.closed].filter((c) => !own(c));
  const groups = [
    { heading: ms(lang, "openHeading"), id: "open", cards: input.open.filter(own).map((c) => card(c, lang)) },
    { heading: ms(lang, "closedHeading"), id: "closed", cards: input.closed.filter(own).map((c) => card(c, lang)) },
    { heading: aw(lang, "heldHeading"), id: "held", cards: held.map((c) => card(c, lang)) },
  ].filter((g) => g.cards.length > 0);
  const main = overviewTemplate({
    title: ms(lang, "overviewTitle"),
    intro: ms(lang, input.subjectKind === "person" ? "overviewIntroPerson" : "overviewIntroCase"),
    csrf: input.csrf,
    ...(groups.length === 0 ? { empty: ms(lang, "noClaims") } : {}),
    groups,
    ask: askLink(lang),
    ...(input.subjectKind === "person"
      ? { attorney: { href: minSideHref(`${MIN_SIDE_PATH}/fullmakter`, lang), label: aw(lang, "linkFromOverview") } }
      : {}),
    more: [
      { href: minSideHref(MESSAGES_PATH, lang), label: mt(lang, "linkMessages") },
      { href: minSideHref(SETTINGS_PATH, lang), label: mt(lang, "linkSettings") },
    ],
    signOut: signOutForm(input.csrf, lang),
  });
  return renderLayout({
    lang,
    title: `${ms(lang, "overviewTitle")} – ${ms(lang, "appName")}`,
    mainHtml: main,
    langHref: { nb: `${MIN_SIDE_PATH}?lang=nb`, en: `${MIN_SIDE_PATH}?lang=en` },
  });
}

// --------------------------------------------------------------------------------------------------------------
// One claim
// --------------------------------------------------------------------------------------------------------------

const claimTemplate = compileTemplate<{
  title: string;
  back: { href: string; label: string };
  confirmation: string;
  heldFor?: { from: string; readOnly?: string };
  statusLine: string;
  next: string;
  balanceHeading: string;
  rows: Array<[string, string]>;
  totalRow: [string, string];
  kidRow: [string, string];
  pay?: { action: string; label: string };
  plan?: {
    heading: string;
    intro: string;
    lines: Array<{ text: string; state: string; current: boolean }>;
    pay?: { action: string; label: string };
  };
  csrf: string;
  timelineHeading: string;
  timeline: Array<{ date: string; text: string; href?: string }>;
  documentsHeading: string;
  documents: Array<{ href: string; text: string }>;
  actions?: { heading: string; links: Array<{ href: string; text: string }> };
  ask: { href: string; label: string };
  write: { href: string; label: string };
  signOut: string;
}>(`<p><a href="<%= it.back.href %>"><%= it.back.label %></a> · <a href="<%= it.ask.href %>"><%= it.ask.label %></a> · <a href="<%= it.write.href %>"><%= it.write.label %></a></p>
<h1><%= it.title %></h1>
<% if (it.confirmation) { %><p class="ok" role="status"><%= it.confirmation %></p>
<% } %><% if (it.heldFor) { %><p class="note"><%= it.heldFor.from %><% if (it.heldFor.readOnly) { %><br><%= it.heldFor.readOnly %><% } %></p>
<% } %><p><%= it.statusLine %></p>
<% if (it.next) { %><p><%= it.next %></p>
<% } %><h2><%= it.balanceHeading %></h2>
<dl class="sum">
<% for (const r of it.rows) { %><dt><%= r[0] %></dt><dd class="amt"><%= r[1] %></dd>
<% } %><dt class="tot"><%= it.totalRow[0] %></dt><dd class="tot amt"><%= it.totalRow[1] %></dd>
<dt class="wide"><%= it.kidRow[0] %></dt><dd class="wide"><%= it.kidRow[1] %></dd>
</dl>
<% if (it.pay) { %><form method="post" action="<%= it.pay.action %>"><input type="hidden" name="csrf" value="<%= it.csrf %>"><button class="btn vipps" type="submit"><%= it.pay.label %></button></form>
<% } %><% if (it.plan) { %><h2 id="plan"><%= it.plan.heading %></h2>
<p><%= it.plan.intro %></p>
<ol class="contacts">
<% for (const l of it.plan.lines) { %><li<% if (l.current) { %> aria-current="step"<% } %>><%= l.text %> – <% if (l.current) { %><strong><%= l.state %></strong><% } else { %><%= l.state %><% } %></li>
<% } %></ol>
<% if (it.plan.pay) { %><form method="post" action="<%= it.plan.pay.action %>"><input type="hidden" name="csrf" value="<%= it.csrf %>"><input type="hidden" name="option" value="instalment"><button class="btn vipps" type="submit"><%= it.plan.pay.label %></button></form>
<% } %><% } %><% if (it.actions) { %><h2><%= it.actions.heading %></h2>
<ul class="contacts">
<% for (const a of it.actions.links) { %><li><a href="<%= a.href %>"><%= a.text %></a></li>
<% } %></ul>
<% } %><h2><%= it.timelineHeading %></h2>
<ol class="contacts">
<% for (const e of it.timeline) { %><li><span class="nowrap"><%= e.date %></span>: <% if (e.href) { %><a href="<%= e.href %>"><%= e.text %></a><% } else { %><%= e.text %><% } %></li>
<% } %></ol>
<h2><%= it.documentsHeading %></h2>
<ul class="contacts">
<% for (const d of it.documents) { %><li><a class="doc" href="<%= d.href %>"><%= d.text %></a></li>
<% } %></ul>
<%~ it.signOut %>`);

function channelText(channel: TimelineItem["channel"], lang: Lang): string {
  switch (channel) {
    case "sms":
      return ms(lang, "chSms");
    case "email":
      return ms(lang, "chEmail");
    case "digital-mailbox":
      return ms(lang, "chMailbox");
    case "print":
      return ms(lang, "chPrint");
    default:
      return "";
  }
}

function messageName(step: StepKind | undefined, lang: Lang): string {
  if (!step) return lang === "nb" ? "Melding" : "Message";
  if (step === "lets-pay-sms") return lang === "nb" ? "Påminnelse" : "Reminder";
  return letterName(step, lang);
}

/** The claim's instalment plan: each instalment with its date, amount and state, and a button for the next one. */
function planSection(c: ClaimView, base: string, lang: Lang) {
  const plan = c.plan;
  if (!plan) return undefined;
  const missed = plan.instalments.find((i) => i.state === "missed");
  const intro =
    plan.state === "broken"
      ? ms(lang, "planBroken", { date: missed ? formatLocalDate(missed.dueDate, lang) : "" })
      : plan.state === "active" && c.heldFor
        ? aw(lang, "heldPlanActive", { name: c.heldFor.grantorName })
        : ms(lang, plan.state === "completed" ? "planCompleted" : "planActive");
  const words: Readonly<Record<InstalmentState, MinSideTextKey>> = {
    paid: "instPaid",
    due: "instDue",
    next: "instNext",
    missed: "instMissed",
    later: "instLater",
  };
  const lines = plan.instalments.map((i) => {
    const partly =
      i.covered.value > 0 && i.left.value > 0
        ? ` (${ms(lang, "planPartly", { covered: formatAmount(i.covered, lang), amount: formatAmount(i.amount, lang) })})`
        : "";
    return {
      text: ms(lang, "planLine", { date: formatLocalDate(i.dueDate, lang), amount: formatAmount(i.amount, lang) }),
      state: `${ms(lang, words[i.state])}${partly}`,
      current: i.state === "due" || i.state === "next",
    };
  });
  return {
    heading: ms(lang, "planHeading"),
    intro,
    lines,
    // Paying is acting: a read-only power of attorney gets no pay button here either.
    ...(plan.next && c.open && c.heldFor?.scope !== "read"
      ? {
          pay: {
            action: minSideHref(`${base}/betal`, lang),
            label: ms(lang, "payInstalment", { amount: formatAmount(plan.next.amount, lang) }),
          },
        }
      : {}),
  };
}

/** `heldFor`: the claim is read through a power of attorney, so the debtor's actions are told in the debtor's name. */
function timelineText(e: TimelineItem, lang: Lang, heldFor?: ClaimSummary["heldFor"]): string {
  switch (e.kind) {
    case "invoice":
      return ms(lang, "tlInvoice");
    case "due":
      return ms(lang, "tlDue");
    case "message":
      return ms(lang, e.state === "failed" ? "tlMessageFailed" : "tlMessage", {
        what: e.instalment
          ? e.instalment === "instalment-reminder"
            ? ms(lang, "msgInstalmentReminder", { date: e.actionDate ? dateOf(e.actionDate, lang) : "" })
            : ms(lang, "msgInstalmentMissed")
          : messageName(e.step, lang),
        channel: channelText(e.channel, lang),
      }).trim();
    case "payment":
      return ms(lang, "tlPayment", { amount: e.amount ? formatAmount(e.amount, lang) : "" });
    case "credit-note":
      return ms(lang, "tlCreditNote", { amount: e.amount ? formatAmount(e.amount, lang) : "" });
    case "status":
      return ms(lang, e.status === "paid" ? "tlPaid" : "tlCancelled");
    case "thread": {
      // Seen by someone holding a power of attorney, the debtor's own message is hers, not "Du sendte".
      const text =
        e.from === "customer-service"
          ? ms(lang, "tlThreadReply")
          : heldFor && !e.byAttorney
            ? aw(lang, "heldTlThreadMessage", { name: heldFor.grantorName })
            : ms(lang, "tlThreadMessage");
      return e.byAttorney ? `${text} ${aw(lang, "byAttorney")}` : text;
    }
    case "action": {
      const date = e.actionDate ? dateOf(e.actionDate, lang) : "";
      if (e.action === "attorney-granted") return aw(lang, "tlGranted", { date });
      if (e.action === "attorney-revoked") return aw(lang, "tlRevoked");
      if (!e.action) return "";
      const text = heldFor
        ? aw(lang, HELD_ACTION_TIMELINE[e.action], { date, name: heldFor.grantorName })
        : ms(lang, ACTION_TIMELINE[e.action], { date });
      return e.byAttorney ? `${text} ${aw(lang, "byAttorney")}` : text;
    }
  }
}

/** What the debtor did on Min side, as the claim's timeline says it. */
const ACTION_TIMELINE: Readonly<Record<DebtorActionResult, MinSideTextKey>> = {
  "deferral-granted": "tlActionDeferralGranted",
  "deferral-requested": "tlActionDeferralRequested",
  "plan-agreed": "tlActionPlanAgreed",
  "dispute-opened": "tlActionDisputeOpened",
  "payment-reported": "tlActionPaymentReported",
};

/** The same, read by someone holding a power of attorney: in the debtor's name. */
const HELD_ACTION_TIMELINE: Readonly<Record<DebtorActionResult, AttorneyTextKey>> = {
  "deferral-granted": "heldTlDeferralGranted",
  "deferral-requested": "heldTlDeferralRequested",
  "plan-agreed": "heldTlPlanAgreed",
  "dispute-opened": "heldTlDisputeOpened",
  "payment-reported": "heldTlPaymentReported",
};

/** The line at the top of the claim page after an action (`?bekreftelse={result}`). */
const ACTION_DONE: Readonly<Record<DebtorActionResult, MinSideTextKey>> = {
  "deferral-granted": "doneDeferralGranted",
  "deferral-requested": "doneDeferralRequested",
  "plan-agreed": "donePlanAgreed",
  "dispute-opened": "doneDisputeOpened",
  "payment-reported": "donePaymentReported",
};

/** "Fullmakt fra Kari Nordmann (se)": whose claim a person reaches through a power of attorney. */
function heldFromText(held: NonNullable<ClaimSummary["heldFor"]>, lang: Lang): string {
  return aw(lang, "heldFrom", {
    name: held.grantorName,
    scope: aw(lang, held.scope === "act" ? "scopeActShort" : "scopeReadShort"),
  });
}

function dateOf(on: string, lang: Lang): string {
  return /^\d{4}-\d{2}-\d{2}$/u.test(on) ? formatLocalDate(on, lang) : formatInstantDate(on, lang);
}

export function renderClaimPage(input: {
  lang: Lang;
  csrf: string;
  claim: ClaimView;
  /** The action just done (the `bekreftelse` query parameter), said at the top; anything else is ignored. */
  confirmation?: string | null;
}): string {
  const { lang, claim: c } = input;
  const done = DEBTOR_ACTION_RESULTS.find((a) => a === input.confirmation);
  const base = claimPath(c.tenantId, c.caseId);
  const disputed = c.status === "disputed";
  const rows: Array<[string, string]> = [
    [ms(lang, "invoiced"), formatAmount(c.invoiced, lang)],
    [ms(lang, "principal"), formatAmount(c.balance.principal, lang)],
    ...c.feeLines.map((f): [string, string] => [feeLabel(f.kind, lang), formatAmount(f.amount, lang)]),
    ...(c.feeLines.length === 0 ? [[ms(lang, "fees"), formatAmount(c.balance.fees, lang)] as [string, string]] : []),
    [ms(lang, "interest"), formatAmount(c.balance.interest, lang)],
    ...(c.paid.value > 0 ? [[ms(lang, "paid"), formatAmount(c.paid, lang)] as [string, string]] : []),
  ];
  const documents = [
    {
      href: minSideHref(`${base}/faktura`, lang),
      text: c.originalInvoice ? ms(lang, "originalInvoice", { creditor: c.creditorName }) : ms(lang, "invoiceCopy"),
    },
    ...c.documents.map((d) => ({
      href: minSideHref(`${base}/dokumenter/${encodeURIComponent(d.documentId)}`, lang),
      text: ms(lang, "documentLink", {
        name: letterName(d.kind as StepKind, lang),
        date: formatInstantDate(d.on, lang),
      }),
    })),
  ];
  const contacts = contactLines(c.creditorName, c.creditorContact, c.agencyContact, lang);
  const main = claimTemplate({
    title: ms(lang, "claimTitle", { number: c.invoiceNumber, creditor: c.creditorName }),
    back: { href: minSideHref(MIN_SIDE_PATH, lang), label: ms(lang, "back") },
    confirmation: done ? ms(lang, ACTION_DONE[done]) : "",
    ...(c.heldFor
      ? {
          heldFor: {
            from: heldFromText(c.heldFor, lang),
            ...(c.heldFor.scope === "read" ? { readOnly: aw(lang, "heldReadOnly") } : {}),
          },
        }
      : {}),
    statusLine: `${ms(lang, "stage")}: ${statusText(c, lang)}`,
    next: c.open ? `${ms(lang, "nextStep")}: ${nextText(c, lang)}` : "",
    balanceHeading: ms(lang, "balanceHeading"),
    rows,
    totalRow: [ms(lang, "total"), formatAmount(c.balance.total, lang)],
    kidRow: [ms(lang, "kid"), c.kid],
    ...(c.open && c.balance.total.value > 0 && c.heldFor?.scope !== "read"
      ? {
          pay: {
            action: minSideHref(`${base}/betal`, lang),
            label: `${ms(lang, "pay")} ${formatAmount(c.balance.total, lang)}`,
          },
        }
      : {}),
    ...(() => {
      const plan = planSection(c, base, lang);
      return plan ? { plan } : {};
    })(),
    csrf: input.csrf,
    timelineHeading: ms(lang, "timelineHeading"),
    timeline: c.timeline.map((e) => ({
      date: dateOf(e.on, lang),
      text: timelineText(e, lang, c.heldFor),
      ...(e.kind === "thread" ? { href: minSideHref(`${base}/meldinger`, lang) } : {}),
    })),
    documentsHeading: ms(lang, "documentsHeading"),
    documents,
    ...(c.open && c.heldFor?.scope !== "read"
      ? {
          actions: {
            heading: ms(lang, "actionsHeading"),
            links: [
              // While a dispute is open, deferral, a plan and a second dispute are not offered (their forms would
              // only say it is disputed); "Jeg har betalt" still is (its form takes it).
              ...(disputed
                ? []
                : [{ href: minSideHref(`${base}/utsettelse`, lang), text: ms(lang, "actionDeferral") }]),
              // A running plan is not asked for again (the form would only say so).
              ...(c.plan?.state === "active" || disputed
                ? []
                : [{ href: minSideHref(`${base}/nedbetaling`, lang), text: ms(lang, "actionPlan") }]),
              ...(disputed ? [] : [{ href: minSideHref(`${base}/innsigelse`, lang), text: ms(lang, "actionDispute") }]),
              { href: minSideHref(`${base}/jeg-har-betalt`, lang), text: ms(lang, "actionPaid") },
            ],
          },
        }
      : {}),
    ask: askLink(lang),
    write: {
      href: minSideHref(`${base}/meldinger`, lang),
      label: c.heldFor?.scope === "read" ? aw(lang, "readMessages") : mt(lang, "linkWrite"),
    },
    signOut: signOutForm(input.csrf, lang),
  });
  return renderLayout({
    lang,
    title: `${ms(lang, "claimTitle", { number: c.invoiceNumber, creditor: c.creditorName })} – ${ms(lang, "appName")}`,
    mainHtml: main,
    creditor: { name: c.creditorName },
    langHref: { nb: `${base}?lang=nb`, en: `${base}?lang=en` },
    footer: contacts.plain,
    footerLinks: contacts.linked,
  });
}

// --------------------------------------------------------------------------------------------------------------
// The assistant ("Spør oss")
// --------------------------------------------------------------------------------------------------------------

function askLink(lang: Lang): { href: string; label: string } {
  return { href: minSideHref(ASSISTANT_PATH, lang), label: ms(lang, "askUs") };
}

/** The answer's languages, each named in itself (the assistant writes bokmål, nynorsk and English). */
const REPLY_LANGS: ReadonlyArray<readonly [AssistantLang, string]> = [
  ["nb", "Bokmål"],
  ["nn", "Nynorsk"],
  ["en", "English"],
];

/** The form's "Svar på" choice; anything else is the page's language. */
export function replyLangOf(submitted: string | null, lang: Lang): AssistantLang {
  return submitted === "nb" || submitted === "nn" || submitted === "en" ? submitted : lang;
}

const assistantTemplate = compileTemplate<{
  back: { href: string; label: string };
  title: string;
  intro: string;
  action: string;
  csrf: string;
  label: string;
  hint: string;
  missing?: string;
  question: string;
  replyLang: { legend: string; options: Array<{ value: string; label: string; checked: boolean }> };
  button: string;
  answer?: {
    lang?: string;
    questionHeading: string;
    question: string;
    heading: string;
    text: string;
    links: Array<{ href: string; text: string }>;
    handOver?: {
      heading: string;
      body: string;
      lines: Array<{ intro: string; links: Array<{ href: string; text: string }> }>;
      plain: string[];
      formHtml: string;
    };
  };
  signOut: string;
}>(`<p><a href="<%= it.back.href %>"><%= it.back.label %></a></p>
<h1><%= it.title %></h1>
<p><%= it.intro %></p>
<% if (it.answer) { %><section aria-labelledby="answer">
<h2><%= it.answer.questionHeading %></h2>
<p><%= it.answer.question %></p>
<h2 id="answer"><%= it.answer.heading %></h2>
<p role="status"<% if (it.answer.lang) { %> lang="<%= it.answer.lang %>"<% } %>><%= it.answer.text %></p>
<% if (it.answer.links.length > 0) { %><ul class="contacts">
<% for (const l of it.answer.links) { %><li><a href="<%= l.href %>"><%= l.text %></a></li>
<% } %></ul>
<% } %><% if (it.answer.handOver) { %><h2><%= it.answer.handOver.heading %></h2>
<p><%= it.answer.handOver.body %></p>
<% for (const line of it.answer.handOver.lines) { %><p><%= line.intro %> <% for (const [i, l] of line.links.entries()) { %><% if (i > 0) { %> · <% } %><a href="<%= l.href %>"><%= l.text %></a><% } %></p>
<% } %><% for (const p of it.answer.handOver.plain) { %><p><%= p %></p>
<% } %><%~ it.answer.handOver.formHtml %><% } %></section>
<% } %><form method="post" action="<%= it.action %>">
<input type="hidden" name="csrf" value="<%= it.csrf %>">
<div class="field"><label for="sporsmal"><%= it.label %></label><p class="hint" id="sporsmal-hint"><%= it.hint %></p>
<% if (it.missing) { %><p class="err" id="sporsmal-error"><%= it.missing %></p>
<% } %><textarea id="sporsmal" name="sporsmal" rows="3" maxlength="500" aria-describedby="sporsmal-hint<% if (it.missing) { %> sporsmal-error<% } %>"<% if (it.missing) { %> aria-invalid="true"<% } %>><%= it.question %></textarea></div>
<fieldset><legend><%= it.replyLang.legend %></legend>
<% for (const o of it.replyLang.options) { %><div class="choice"><input type="radio" id="svarsprak-<%= o.value %>" name="svarsprak" value="<%= o.value %>"<% if (o.checked) { %> checked<% } %>><label for="svarsprak-<%= o.value %>" lang="<%= o.value %>"><%= o.label %></label></div>
<% } %></fieldset>
<button class="btn card" type="submit"><%= it.button %></button>
</form>
<%~ it.signOut %>`);

export function renderAssistantPage(input: {
  lang: Lang;
  csrf: string;
  /** The question just asked (shown back, and kept in the box), and its answer. */
  asked?: { question: string; answer: AssistantAnswer };
  /** The form was sent without a question. */
  missing?: boolean;
  /** On a hand-over: "Send til kundeservice" (shared/web/min-side/message-pages.ts `renderHandOverForm`), rendered. */
  handOverFormHtml?: string;
  /** The language the answer is written in (the form's "Svar på" choice): the page's own, or nynorsk. */
  replyLang?: AssistantLang;
}): string {
  const { lang } = input;
  const replyLang = input.replyLang ?? lang;
  const asked = input.asked;
  const handOver = asked?.answer.reply.handOver
    ? asked.answer.contacts.map((c) => contactLines(c.creditorName, c.creditorContact, c.agencyContact, lang))
    : undefined;
  const main = assistantTemplate({
    back: { href: minSideHref(MIN_SIDE_PATH, lang), label: ms(lang, "back") },
    title: ms(lang, "assistantTitle"),
    intro: ms(lang, "assistantIntro"),
    action: minSideHref(ASSISTANT_PATH, lang),
    csrf: input.csrf,
    label: ms(lang, "questionLabel"),
    hint: ms(lang, "questionHint"),
    ...(input.missing ? { missing: ms(lang, "questionMissing") } : {}),
    question: asked?.question ?? "",
    replyLang: {
      legend: ms(lang, "replyLangLegend"),
      options: REPLY_LANGS.map(([value, label]) => ({ value, label, checked: value === replyLang })),
    },
    button: ms(lang, "askButton"),
    ...(asked
      ? {
          answer: {
            ...(replyLang !== lang ? { lang: replyLang } : {}),
            questionHeading: ms(lang, "questionHeading"),
            question: asked.question,
            heading: ms(lang, "replyHeading"),
            text: asked.answer.reply.text,
            links: asked.answer.reply.links.map((l) => ({
              href: l.href.startsWith(MIN_SIDE_PATH) ? minSideHref(l.href, lang) : l.href,
              text: l.label,
            })),
            ...(handOver
              ? {
                  handOver: {
                    heading: ms(lang, "handOverHeading"),
                    body: input.handOverFormHtml ? mt(lang, "handOverBody") : ms(lang, "handOverBody"),
                    // The agency's line comes with each creditor's: said once.
                    lines: onceEach(handOver.flatMap((h) => h.linked)),
                    plain: onceEach(handOver.flatMap((h) => h.plain)),
                    formHtml: input.handOverFormHtml ?? "",
                  },
                }
              : {}),
          },
        }
      : {}),
    signOut: signOutForm(input.csrf, lang),
  });
  return renderLayout({
    lang,
    title: `${ms(lang, "assistantTitle")} – ${ms(lang, "appName")}`,
    mainHtml: main,
    langHref: { nb: `${ASSISTANT_PATH}?lang=nb`, en: `${ASSISTANT_PATH}?lang=en` },
  });
}

// --------------------------------------------------------------------------------------------------------------
// Notices
// --------------------------------------------------------------------------------------------------------------

const noticeTemplate = compileTemplate<{ title: string; body: string; back?: { href: string; label: string } }>(
  `<h1><%= it.title %></h1>
<p><%= it.body %></p>
<% if (it.back) { %><p><a href="<%= it.back.href %>"><%= it.back.label %></a></p>
<% } %>`,
);

export type MinSideNotice = "not-found" | "closed" | "bad-form" | "rate-limited" | "unavailable";

export const MIN_SIDE_NOTICE_STATUS: Readonly<Record<MinSideNotice, number>> = {
  "not-found": 404,
  closed: 503,
  "bad-form": 403,
  "rate-limited": 429,
  unavailable: 503,
};

export function renderMinSideNotice(kind: MinSideNotice, lang: Lang): string {
  const text: Record<MinSideNotice, [MinSideTextKey, MinSideTextKey]> = {
    "not-found": ["notFoundTitle", "notFoundBody"],
    closed: ["closedTitle", "closedBody"],
    "bad-form": ["badFormTitle", "badFormBody"],
    "rate-limited": ["appName", "rateLimited"],
    unavailable: ["appName", "unavailable"],
  };
  const [title, body] = text[kind];
  return renderLayout({
    lang,
    title: ms(lang, title),
    mainHtml: noticeTemplate({
      title: ms(lang, title),
      body: ms(lang, body),
      ...(kind === "not-found" || kind === "bad-form"
        ? { back: { href: minSideHref(MIN_SIDE_PATH, lang), label: ms(lang, "back") } }
        : {}),
    }),
  });
}

/** Each line once, in order (two creditors' contacts both end with the same agency line). */
function onceEach<T>(lines: T[]): T[] {
  const seen = new Set<string>();
  return lines.filter((l) => {
    const key = JSON.stringify(l);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
