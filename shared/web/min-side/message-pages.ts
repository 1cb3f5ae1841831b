/**
 * Min side's messages and settings pages (issue 15), server-rendered into the shared layout like the other Min side
 * pages (no JavaScript, phone first, bokmål and English):
 *
 *   /min-side/meldinger                       the subject's threads across its claims, newest first, unread marked
 *   /min-side/krav/{tenantId}/{caseId}/meldinger  one thread and the form (text, optional attachment; CSRF)
 *   /min-side/innstillinger                   contact data, consent per channel, reply-alert channels (CSRF)
 *
 * And the assistant's hand-over form ("Send til kundeservice"), embedded in the Spør oss page.
 */
import type { ThreadSummary, ThreadView, MessageRefusal } from "../../application/min-side/messages";
import type { SettingsRefusal, SettingsValues } from "../../application/min-side/settings";
import { formatInstantDateTime } from "../i18n";
import { compileTemplate, renderLayout } from "../layout";
import { claimPath, MESSAGES_PATH, MIN_SIDE_PATH, minSideHref, SETTINGS_PATH } from "../min-side-pages";
import type { Lang } from "../pay-page-model";
import { aw } from "./attorney-words";
import { mt } from "./message-words";

export { MESSAGES_PATH, SETTINGS_PATH };
/** Where the assistant's hand-over form posts (a new message on the chosen claim). */
export const HAND_OVER_PATH = `${MIN_SIDE_PATH}/meldinger/ny`;

export function threadPath(tenantId: string, caseId: string): string {
  return claimPath(tenantId, caseId, "/meldinger");
}

function when(instant: string, lang: Lang): string {
  const { date, time } = formatInstantDateTime(instant, lang);
  return time ? `${date} ${time}` : date;
}

// --------------------------------------------------------------------------------------------------------------
// The list
// --------------------------------------------------------------------------------------------------------------

const listTemplate = compileTemplate<{
  back: { href: string; label: string };
  title: string;
  intro: string;
  empty?: string;
  threads: Array<{
    heading: string;
    meta: string;
    unread?: { text: string; aria: string };
    href: string;
    label: string;
    aria: string;
  }>;
  claims: { intro: string; links: Array<{ href: string; text: string }> };
}>(`<p><a href="<%= it.back.href %>"><%= it.back.label %></a></p>
<h1><%= it.title %></h1>
<p><%= it.intro %></p>
<% if (it.empty) { %><p class="note"><%= it.empty %></p>
<% } %><% for (const t of it.threads) { %><article class="case">
<h2><%= t.heading %><% if (t.unread) { %> <strong class="badge" aria-label="<%= t.unread.aria %>">(<%= t.unread.text %>)</strong><% } %></h2>
<p><%= t.meta %></p>
<p><a href="<%= t.href %>" aria-label="<%= t.aria %>"><%= t.label %></a></p>
</article>
<% } %><% if (it.claims.links.length > 0) { %><p><%= it.claims.intro %></p>
<ul class="contacts">
<% for (const l of it.claims.links) { %><li><a href="<%= l.href %>"><%= l.text %></a></li>
<% } %></ul>
<% } %>`);

export function renderThreadsPage(input: {
  lang: Lang;
  threads: ThreadSummary[];
  /** The subject's claims, each a link to its thread (to start one). */
  claims: Array<{ tenantId: string; caseId: string; invoiceNumber: string; creditorName: string }>;
}): string {
  const { lang } = input;
  const main = listTemplate({
    back: { href: minSideHref(MIN_SIDE_PATH, lang), label: mt(lang, "back") },
    title: mt(lang, "messagesTitle"),
    intro: mt(lang, "messagesIntro"),
    ...(input.threads.length === 0 ? { empty: mt(lang, "messagesEmpty") } : {}),
    threads: input.threads.map((t) => {
      const names = { number: t.invoiceNumber, creditor: t.creditorName };
      return {
        heading: mt(lang, "threadLine", names),
        meta:
          t.count === 1
            ? mt(lang, "threadMetaOne", { date: when(t.lastAt, lang) })
            : mt(lang, "threadMeta", { count: String(t.count), date: when(t.lastAt, lang) }),
        ...(t.unread > 0
          ? {
              unread: {
                text: mt(lang, "unread", { count: String(t.unread) }),
                aria: mt(lang, "unreadAria", { count: String(t.unread) }),
              },
            }
          : {}),
        href: minSideHref(threadPath(t.tenantId, t.caseId), lang),
        label: mt(lang, "openThread"),
        aria: mt(lang, "openThreadAria", names),
      };
    }),
    claims: {
      intro: mt(lang, "writeOnClaim"),
      links: input.claims.map((c) => ({
        href: minSideHref(threadPath(c.tenantId, c.caseId), lang),
        text: mt(lang, "threadLine", { number: c.invoiceNumber, creditor: c.creditorName }),
      })),
    },
  });
  return renderLayout({
    lang,
    title: `${mt(lang, "messagesTitle")} – Min side`,
    mainHtml: main,
    langHref: { nb: `${MESSAGES_PATH}?lang=nb`, en: `${MESSAGES_PATH}?lang=en` },
  });
}

// --------------------------------------------------------------------------------------------------------------
// One thread
// --------------------------------------------------------------------------------------------------------------

const threadTemplate = compileTemplate<{
  back: { href: string; label: string };
  title: string;
  intro: string;
  sent?: string;
  errors?: { title: string; links: Array<{ href: string; text: string }> };
  empty?: string;
  messages: Array<{ who: string; when: string; isNew?: string; lines: string[]; attachment?: string }>;
  action: string;
  csrf: string;
  text: { label: string; hint: string; error?: string; value: string };
  file: { label: string; hint: string; error?: string };
  errorPrefix: string;
  send: string;
  /** Read scope of a power of attorney: the thread without the form, and why. */
  readOnly?: string;
}>(`<p><a href="<%= it.back.href %>"><%= it.back.label %></a></p>
<h1><%= it.title %></h1>
<% if (it.errors) { %><div class="summary" role="alert"><h2><%= it.errors.title %></h2><ul>
<% for (const e of it.errors.links) { %><li><a href="<%= e.href %>"><%= e.text %></a></li>
<% } %></ul></div>
<% } %><% if (it.sent) { %><p class="ok" role="status"><%= it.sent %></p>
<% } %><p><%= it.intro %></p>
<% if (it.empty) { %><p><%= it.empty %></p>
<% } else { %><ol class="contacts">
<% for (const m of it.messages) { %><li class="case"><h2><%= m.who %> · <span class="nowrap"><%= m.when %></span><% if (m.isNew) { %> <strong>(<%= m.isNew %>)</strong><% } %></h2>
<p><% for (const [i, l] of m.lines.entries()) { %><% if (i > 0) { %><br><% } %><%= l %><% } %></p>
<% if (m.attachment) { %><p class="hint"><%= m.attachment %></p>
<% } %></li>
<% } %></ol>
<% } %><% if (it.readOnly) { %><p class="note"><%= it.readOnly %></p>
<% } else { %><form method="post" action="<%= it.action %>" enctype="multipart/form-data" novalidate>
<input type="hidden" name="csrf" value="<%= it.csrf %>">
<div class="field"><label for="text"><%= it.text.label %></label>
<p class="hint" id="text-hint"><%= it.text.hint %></p>
<% if (it.text.error) { %><p class="err" id="text-error"><span class="vh"><%= it.errorPrefix %> </span><%= it.text.error %></p>
<% } %><textarea id="text" name="text" rows="6" maxlength="2000" aria-describedby="text-hint<% if (it.text.error) { %> text-error<% } %>"<% if (it.text.error) { %> aria-invalid="true"<% } %>><%= it.text.value %></textarea></div>
<div class="field"><label for="attachment"><%= it.file.label %></label>
<p class="hint" id="attachment-hint"><%= it.file.hint %></p>
<% if (it.file.error) { %><p class="err" id="attachment-error"><span class="vh"><%= it.errorPrefix %> </span><%= it.file.error %></p>
<% } %><input type="file" id="attachment" name="attachment" accept="application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png" aria-describedby="attachment-hint<% if (it.file.error) { %> attachment-error<% } %>"<% if (it.file.error) { %> aria-invalid="true"<% } %>></div>
<button type="submit" class="btn card"><%= it.send %></button>
</form>
<% } %>`);

/**
 * Who wrote a message, from the reader's side: the debtor reads their own as "Du" and an attorney's as "Fullmektigen
 * din"; someone holding a power of attorney reads the debtor's under the debtor's name and only their own (written
 * under this grant) as "Du".
 */
function authorOf(m: ThreadView["messages"][number], t: ThreadView, lang: Lang): string {
  if (m.from !== "debtor") return mt(lang, "fromService");
  const grantRef = m.actor?.["kind"] === "debtor-attorney" ? m.actor["grantRef"] : undefined;
  if (!t.heldFor) return grantRef === undefined ? mt(lang, "fromDebtor") : aw(lang, "fromAttorney");
  if (grantRef === undefined) return t.heldFor.grantorName;
  return grantRef === t.heldFor.grantId ? mt(lang, "fromDebtor") : aw(lang, "fromOtherAttorney");
}

export function renderThreadPage(input: {
  lang: Lang;
  csrf: string;
  thread: ThreadView;
  sent?: boolean;
  error?: { field: string; code: MessageRefusal | "csrf" };
  text?: string;
}): string {
  const { lang, thread: t } = input;
  const self = threadPath(t.tenantId, t.caseId);
  const err = input.error;
  const message = err ? mt(lang, err.code) : undefined;
  const fieldOf = err?.field === "attachment" ? "attachment" : "text";
  // Promise an alert only on a channel it really goes to (consent and an address), else say where the reply comes.
  const sms = t.alertChannels.includes("sms");
  const email = t.alertChannels.includes("email");
  const alerted =
    sms && email ? mt(lang, "alertBoth") : sms ? mt(lang, "alertSmsOnly") : email ? mt(lang, "alertEmailOnly") : "";
  const main = threadTemplate({
    back: { href: minSideHref(claimPath(t.tenantId, t.caseId), lang), label: mt(lang, "backToClaim") },
    title: mt(lang, "threadTitle", { number: t.invoiceNumber }),
    intro: t.heldFor
      ? aw(lang, "heldThreadIntro", { name: t.heldFor.grantorName, creditor: t.creditorName })
      : alerted
        ? mt(lang, "threadIntro", { creditor: t.creditorName, channels: alerted })
        : mt(lang, "threadIntroNoAlert", { creditor: t.creditorName }),
    ...(t.heldFor?.scope === "read" ? { readOnly: aw(lang, "heldThreadReadOnly") } : {}),
    ...(input.sent ? { sent: mt(lang, alerted ? "sent" : "sentNoAlert") } : {}),
    ...(err && message
      ? { errors: { title: mt(lang, "errorTitle"), links: [{ href: `#${fieldOf}`, text: message }] } }
      : {}),
    ...(t.messages.length === 0 ? { empty: mt(lang, "threadEmpty") } : {}),
    messages: t.messages.map((m) => ({
      who: authorOf(m, t, lang),
      when: when(m.at, lang),
      ...(t.unreadIds.includes(m.messageId) ? { isNew: mt(lang, "newBadge") } : {}),
      lines: m.text.split("\n"),
      ...(m.attachment
        ? { attachment: mt(lang, "attachmentSent", { type: m.attachment.contentType.split("/")[1] ?? "" }) }
        : {}),
    })),
    action: minSideHref(self, lang),
    csrf: input.csrf,
    text: {
      label: mt(lang, "textLabel"),
      hint: mt(lang, "textHint"),
      ...(message && fieldOf === "text" ? { error: message } : {}),
      value: input.text ?? "",
    },
    file: {
      label: mt(lang, "attachmentLabel"),
      hint: mt(lang, "attachmentHint"),
      ...(message && fieldOf === "attachment" ? { error: message } : {}),
    },
    errorPrefix: mt(lang, "errorPrefix"),
    send: mt(lang, "send"),
  });
  return renderLayout({
    lang,
    title: `${mt(lang, "threadTitle", { number: t.invoiceNumber })} – Min side`,
    mainHtml: main,
    creditor: { name: t.creditorName },
    langHref: { nb: `${self}?lang=nb`, en: `${self}?lang=en` },
  });
}

// --------------------------------------------------------------------------------------------------------------
// Settings
// --------------------------------------------------------------------------------------------------------------

const settingsTemplate = compileTemplate<{
  back: { href: string; label: string };
  title: string;
  intro: string;
  scope: string;
  saved?: string;
  errors?: { title: string; links: Array<{ href: string; text: string }> };
  form?: {
    action: string;
    csrf: string;
    contactHeading: string;
    fields: Array<{
      id: string;
      type: string;
      autocomplete: string;
      label: string;
      hint: string;
      error?: string;
      value: string;
    }>;
    groups: Array<{
      legend: string;
      hint?: string;
      boxes: Array<{ id: string; name: string; label: string; checked: boolean }>;
    }>;
    save: string;
  };
  errorPrefix: string;
}>(`<p><a href="<%= it.back.href %>"><%= it.back.label %></a></p>
<h1><%= it.title %></h1>
<% if (it.errors) { %><div class="summary" role="alert"><h2><%= it.errors.title %></h2><ul>
<% for (const e of it.errors.links) { %><li><a href="<%= e.href %>"><%= e.text %></a></li>
<% } %></ul></div>
<% } %><% if (it.saved) { %><p class="ok" role="status"><%= it.saved %></p>
<% } %><p><%= it.intro %></p>
<p><%= it.scope %></p>
<% if (it.form) { const f = it.form; %><form method="post" action="<%= f.action %>" novalidate>
<input type="hidden" name="csrf" value="<%= f.csrf %>">
<h2><%= f.contactHeading %></h2>
<% for (const x of f.fields) { %><div class="field"><label for="<%= x.id %>"><%= x.label %></label>
<p class="hint" id="<%= x.id %>-hint"><%= x.hint %></p>
<% if (x.error) { %><p class="err" id="<%= x.id %>-error"><span class="vh"><%= it.errorPrefix %> </span><%= x.error %></p>
<% } %><input type="text" inputmode="<%= x.type %>" id="<%= x.id %>" name="<%= x.id %>" autocomplete="<%= x.autocomplete %>" value="<%= x.value %>" aria-describedby="<%= x.id %>-hint<% if (x.error) { %> <%= x.id %>-error<% } %>"<% if (x.error) { %> aria-invalid="true"<% } %>></div>
<% } %><% for (const g of f.groups) { %><fieldset class="field"><legend><%= g.legend %></legend>
<% if (g.hint) { %><p class="hint"><%= g.hint %></p>
<% } %><% for (const b of g.boxes) { %><div class="choice"><input type="checkbox" id="<%= b.id %>" name="<%= b.name %>" value="1"<% if (b.checked) { %> checked<% } %>><label for="<%= b.id %>"><%= b.label %></label></div>
<% } %></fieldset>
<% } %><button type="submit" class="btn card"><%= f.save %></button>
</form>
<% } %>`);

export function renderSettingsPage(input: {
  lang: Lang;
  csrf: string;
  subjectKind: "person" | "case";
  claims: number;
  values: SettingsValues;
  saved?: boolean;
  error?: { field: string; code: SettingsRefusal | "csrf" };
}): string {
  const { lang, values: v } = input;
  const err = input.error;
  const message = err ? mt(lang, err.code) : undefined;
  const errorAt = (id: string) => (message && err?.field === id ? { error: message } : {});
  const main = settingsTemplate({
    back: { href: minSideHref(MIN_SIDE_PATH, lang), label: mt(lang, "back") },
    title: mt(lang, "settingsTitle"),
    intro: mt(lang, "settingsIntro"),
    scope:
      input.claims === 0
        ? mt(lang, "settingsNone")
        : input.subjectKind === "person"
          ? mt(lang, "settingsScopePerson", { count: String(input.claims) })
          : mt(lang, "settingsScopeCase"),
    ...(input.saved ? { saved: mt(lang, "saved") } : {}),
    ...(err && message
      ? {
          errors: {
            title: mt(lang, "errorTitle"),
            links: [{ href: `#${err.field === "email" ? "email" : "phone"}`, text: message }],
          },
        }
      : {}),
    ...(input.claims > 0
      ? {
          form: {
            action: minSideHref(SETTINGS_PATH, lang),
            csrf: input.csrf,
            contactHeading: mt(lang, "contactHeading"),
            fields: [
              {
                id: "phone",
                type: "tel", // inputmode: the layout's CSS sizes text inputs
                autocomplete: "tel",
                label: mt(lang, "phoneLabel"),
                hint: mt(lang, "phoneHint"),
                value: v.phone,
                ...errorAt("phone"),
              },
              {
                id: "email",
                type: "email",
                autocomplete: "email",
                label: mt(lang, "emailLabel"),
                hint: mt(lang, "emailHint"),
                value: v.email,
                ...errorAt("email"),
              },
            ],
            groups: [
              {
                legend: mt(lang, "consentLegend"),
                boxes: [
                  { id: "consentSms", name: "consentSms", label: mt(lang, "consentSms"), checked: v.consentSms },
                  {
                    id: "consentEmail",
                    name: "consentEmail",
                    label: mt(lang, "consentEmail"),
                    checked: v.consentEmail,
                  },
                ],
              },
              {
                legend: mt(lang, "alertsLegend"),
                hint: mt(lang, "alertsHint"),
                boxes: [
                  { id: "alertSms", name: "alertSms", label: mt(lang, "alertSms"), checked: v.alertSms },
                  { id: "alertEmail", name: "alertEmail", label: mt(lang, "alertEmail"), checked: v.alertEmail },
                ],
              },
            ],
            save: mt(lang, "save"),
          },
        }
      : {}),
    errorPrefix: mt(lang, "errorPrefix"),
  });
  return renderLayout({
    lang,
    title: `${mt(lang, "settingsTitle")} – Min side`,
    mainHtml: main,
    langHref: { nb: `${SETTINGS_PATH}?lang=nb`, en: `${SETTINGS_PATH}?lang=en` },
  });
}

// --------------------------------------------------------------------------------------------------------------
// The assistant's hand-over
// --------------------------------------------------------------------------------------------------------------

const handOverTemplate = compileTemplate<{
  action: string;
  csrf: string;
  question: string;
  answer: string;
  legend: string;
  hint: string;
  claims: Array<{ id: string; value: string; label: string; checked: boolean }>;
  send: string;
}>(`<form method="post" action="<%= it.action %>">
<input type="hidden" name="csrf" value="<%= it.csrf %>">
<input type="hidden" name="question" value="<%= it.question %>">
<input type="hidden" name="answer" value="<%= it.answer %>">
<fieldset class="field"><legend><%= it.legend %></legend>
<p class="hint"><%= it.hint %></p>
<% for (const c of it.claims) { %><div class="choice"><input type="radio" id="<%= c.id %>" name="claim" value="<%= c.value %>"<% if (c.checked) { %> checked<% } %>><label for="<%= c.id %>"><%= c.label %></label></div>
<% } %></fieldset>
<button type="submit" class="btn card"><%= it.send %></button>
</form>
`);

/** "Send til kundeservice": the question and the assistant's answer as a new message on the claim the debtor picks. */
export function renderHandOverForm(input: {
  lang: Lang;
  csrf: string;
  question: string;
  answer: string;
  claims: Array<{ tenantId: string; caseId: string; invoiceNumber: string; creditorName: string }>;
}): string {
  const { lang } = input;
  if (input.claims.length === 0) return "";
  return handOverTemplate({
    action: minSideHref(HAND_OVER_PATH, lang),
    csrf: input.csrf,
    question: input.question,
    answer: input.answer,
    legend: mt(lang, "handOverLegend"),
    hint: mt(lang, "handOverHint"),
    claims: input.claims.map((c, i) => ({
      id: `claim-${String(i)}`,
      value: `${c.tenantId}/${c.caseId}`,
      label: mt(lang, "threadLine", { number: c.invoiceNumber, creditor: c.creditorName }),
      checked: i === 0,
    })),
    send: mt(lang, "handOverSend"),
  });
}

/** The hand-over message's text: the question and the answer, labelled in the debtor's language. */
export function handOverText(lang: Lang, question: string, answer: string): string {
  return `${mt(lang, "handOverQuestion", { question })}\n\n${mt(lang, "handOverAnswer", { answer })}`;
}
