/**
 * Min side's action forms, server-rendered like the pay page (same shell, CSS and CSP; no JavaScript; phone first):
 *
 *   utsettelse      a number of days → granted at once within the creditor's limit, else sent to the creditor
 *   nedbetaling     the plans within the creditor's limits, each instalment with its date, the fee and the total
 *   innsigelse      a reason and an optional attachment (multipart)
 *   jeg-har-betalt  a receipt (multipart) and an optional message
 *
 * Each form posts to its own address with the session's CSRF token in a hidden field. A refused submission comes back
 * with an error summary at the top (focused) linking to the field, and the message at the field. When the action is
 * not open on this claim now (paid, disputed, a plan running…) the page says why instead of showing the fields.
 */
import type { ActionForm, DebtorAction, FieldRefusal } from "../../application/min-side/debtor-actions";
import type { ProposedPlan } from "../../domain/instalment-plans";
import { formatAmount, formatLocalDate } from "../i18n";
import { compileTemplate, renderLayout } from "../layout";
import { minSideHref } from "../min-side-pages";
import type { Lang } from "../pay-page-model";
import { at, type ActionTextKey } from "./action-words";

export interface ActionFormValues {
  days?: string;
  months?: string;
  reason?: string;
  message?: string;
}

export interface ActionPageInput {
  action: DebtorAction;
  lang: Lang;
  csrfToken: string;
  form: ActionForm;
  /** The form's own path (no query): `/min-side/krav/{tenantId}/{caseId}/utsettelse`. */
  selfPath: string;
  /** The claim page's path. */
  claimPath: string;
  error?: { field: string; code: FieldRefusal } | undefined;
  values?: ActionFormValues | undefined;
}

interface Field {
  id: string;
  name: string;
  label: string;
  hint?: string | undefined;
  error?: string | undefined;
  value?: string | undefined;
}

interface PlanChoice {
  id: string;
  value: string;
  label: string;
  checked: boolean;
  instalments: string[];
  fee: string;
  total: string;
}

interface PageData {
  title: string;
  intro: string;
  claimLine: string;
  owedLabel: string;
  owed: string;
  dueLabel: string;
  due: string;
  back: string;
  claimHref: string;
  formAction: string;
  multipart: boolean;
  csrf: string;
  unavailable?: string | undefined;
  summary?: { message: string; href: string } | undefined;
  errorTitle: string;
  errorPrefix: string;
  notes: string[];
  textInput?: (Field & { inputmode: string }) | undefined;
  textarea?: Field | undefined;
  file?: (Field & { required: boolean }) | undefined;
  /** The file field, rendered (before the text area when it is the form's required field). */
  fileHtml?: string | undefined;
  fileFirst?: boolean | undefined;
  plans?: { legend: string; error?: string | undefined; choices: PlanChoice[] } | undefined;
  after: string[];
  submit: string;
}

const template = compileTemplate<PageData>(`<h1 tabindex="-1"><%= it.title %></h1>
<% if (it.summary) { %><div class="summary" role="alert" tabindex="-1" autofocus aria-labelledby="summary-title">
<h2 id="summary-title"><%= it.errorTitle %></h2>
<ul><li><a href="<%= it.summary.href %>"><%= it.summary.message %></a></li></ul>
</div>
<% } %><p><%= it.claimLine %></p>
<dl>
<dt><%= it.owedLabel %></dt><dd class="amt"><%= it.owed %></dd>
<dt><%= it.dueLabel %></dt><dd><%= it.due %></dd>
</dl>
<% if (it.unavailable) { %><p class="note"><%= it.unavailable %></p>
<% } else { %><p><%= it.intro %></p>
<form method="post" action="<%= it.formAction %>"<% if (it.multipart) { %> enctype="multipart/form-data"<% } %> novalidate>
<input type="hidden" name="csrf" value="<%= it.csrf %>">
<% if (it.textInput) { const f = it.textInput; %><div class="field">
<label for="<%= f.id %>"><%= f.label %></label>
<% if (f.hint) { %><p class="hint" id="<%= f.id %>-hint"><%= f.hint %></p>
<% } %><% if (f.error) { %><p class="err" id="<%= f.id %>-error"><span class="vh"><%= it.errorPrefix %> </span><%= f.error %></p>
<% } %><input type="text" id="<%= f.id %>" name="<%= f.name %>" inputmode="<%= f.inputmode %>" autocomplete="off" spellcheck="false" value="<%= f.value ?? "" %>"<% if (f.hint || f.error) { %> aria-describedby="<% if (f.hint) { %><%= f.id %>-hint<% } %><% if (f.error) { %> <%= f.id %>-error<% } %>"<% } %><% if (f.error) { %> aria-invalid="true"<% } %>>
</div>
<% } %><% if (it.plans) { const p = it.plans; %><fieldset<% if (p.error) { %> aria-describedby="months-error"<% } %>>
<legend><%= p.legend %></legend>
<% if (p.error) { %><p class="err" id="months-error"><span class="vh"><%= it.errorPrefix %> </span><%= p.error %></p>
<% } %><% for (const c of p.choices) { %><div class="choice"><input type="radio" id="<%= c.id %>" name="months" value="<%= c.value %>"<% if (c.checked) { %> checked<% } %> aria-describedby="<%= c.id %>-detail"<% if (p.error) { %> aria-invalid="true"<% } %>><label for="<%= c.id %>"><%= c.label %></label></div>
<div id="<%= c.id %>-detail">
<ol class="plan">
<% for (const line of c.instalments) { %><li><%= line %></li>
<% } %></ol>
<p class="sub"><%= c.fee %><br><strong><%= c.total %></strong></p>
</div>
<% } %></fieldset>
<% } %><% if (it.fileHtml && it.fileFirst) { %><%~ it.fileHtml %><% } %><% if (it.textarea) { const f = it.textarea; %><div class="field">
<label for="<%= f.id %>"><%= f.label %></label>
<% if (f.hint) { %><p class="hint" id="<%= f.id %>-hint"><%= f.hint %></p>
<% } %><% if (f.error) { %><p class="err" id="<%= f.id %>-error"><span class="vh"><%= it.errorPrefix %> </span><%= f.error %></p>
<% } %><textarea id="<%= f.id %>" name="<%= f.name %>" rows="6" maxlength="2000"<% if (f.hint || f.error) { %> aria-describedby="<% if (f.hint) { %><%= f.id %>-hint<% } %><% if (f.error) { %> <%= f.id %>-error<% } %>"<% } %><% if (f.error) { %> aria-invalid="true"<% } %>><%= f.value ?? "" %></textarea>
</div>
<% } %><% if (it.fileHtml && !it.fileFirst) { %><%~ it.fileHtml %><% } %><% for (const n of it.notes) { %><p class="hint"><%= n %></p>
<% } %><button type="submit" class="btn card"><%= it.submit %></button>
</form>
<% for (const a of it.after) { %><p><%= a %></p>
<% } %><% } %><p><a href="<%= it.claimHref %>"><%= it.back %></a></p>
`);

const fileTemplate = compileTemplate<{ f: Field & { required: boolean }; errorPrefix: string }>(`<div class="field">
<label for="<%= it.f.id %>"><%= it.f.label %></label>
<p class="hint" id="<%= it.f.id %>-hint"><%= it.f.hint %></p>
<% if (it.f.error) { %><p class="err" id="<%= it.f.id %>-error"><span class="vh"><%= it.errorPrefix %> </span><%= it.f.error %></p>
<% } %><input type="file" id="<%= it.f.id %>" name="<%= it.f.name %>" accept="application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png"<% if (it.f.required) { %> required<% } %> aria-describedby="<%= it.f.id %>-hint<% if (it.f.error) { %> <%= it.f.id %>-error<% } %>"<% if (it.f.error) { %> aria-invalid="true"<% } %>>
</div>
`);

const TITLES: Readonly<Record<DebtorAction, ActionTextKey>> = {
  deferral: "deferralTitle",
  "instalment-plan": "planTitle",
  dispute: "disputeTitle",
  "payment-reported": "paidTitle",
};

const UNAVAILABLE: Readonly<Record<NonNullable<ActionForm["unavailable"]>, ActionTextKey>> = {
  closed: "unavailableClosed",
  disputed: "unavailableDisputed",
  "plan-active": "unavailablePlanActive",
  "no-plans": "unavailableNoPlans",
  "already-reported": "unavailableAlreadyReported",
};

function planChoice(plan: ProposedPlan, lang: Lang, checked: boolean): PlanChoice {
  const values = plan.instalments.map((i) => i.amount.value);
  const even = Math.min(...values) === Math.max(...values);
  const months = String(plan.months);
  const amount = formatAmount(plan.instalments[0]!.amount, lang);
  const label = at(lang, even ? "planOption" : "planOptionUneven", { months, amount });
  return {
    id: `months-${months}`,
    value: months,
    label,
    checked,
    instalments: plan.instalments.map((i) =>
      at(lang, "planInstalment", { date: formatLocalDate(i.dueDate, lang), amount: formatAmount(i.amount, lang) }),
    ),
    fee: at(lang, "planFee", { fee: formatAmount(plan.fee, lang) }),
    total: at(lang, "planTotal", { total: formatAmount(plan.totalCost, lang) }),
  };
}

export function renderActionPage(input: ActionPageInput): string {
  const { lang, form, action } = input;
  const creditor = form.claim.creditor.name;
  const error = input.error;
  const message = (field: string) => (error && error.field === field ? at(lang, error.code) : undefined);
  const title = at(lang, TITLES[action]);
  const values = input.values ?? {};
  const pauseDate = formatLocalDate(form.pauseUntil, lang);
  const data: PageData = {
    title,
    intro: "",
    claimLine: at(lang, "claimLine", { number: form.claim.invoiceNumber, creditor }),
    owedLabel: at(lang, "owedToday"),
    owed: formatAmount(form.claim.owedToday, lang),
    dueLabel: at(lang, "dueDate"),
    due: formatLocalDate(form.claim.dueDate, lang),
    back: at(lang, "back"),
    claimHref: minSideHref(input.claimPath, lang),
    formAction: minSideHref(input.selfPath, lang),
    multipart: action === "dispute" || action === "payment-reported",
    csrf: input.csrfToken,
    unavailable: form.unavailable ? at(lang, UNAVAILABLE[form.unavailable], { creditor, date: pauseDate }) : undefined,
    summary: error ? { message: at(lang, error.code), href: `#${summaryTarget(error.field)}` } : undefined,
    errorTitle: at(lang, "errorTitle"),
    errorPrefix: at(lang, "errorPrefix"),
    notes: [],
    after: [],
    submit: at(lang, "send"),
  };
  switch (action) {
    case "deferral":
      data.intro = at(lang, "deferralIntro");
      data.textInput = {
        id: "days",
        name: "days",
        inputmode: "numeric",
        label: at(lang, "deferralDays"),
        hint:
          form.maxDeferralDays === 0
            ? at(lang, "deferralHintNone", { creditor })
            : form.deferralNeedsCreditor
              ? at(lang, "deferralHintCreditor", { creditor })
              : at(lang, "deferralHint", { creditor, max: String(form.maxDeferralDays) }),
        error: message("days"),
        value: values.days,
      };
      data.notes = [at(lang, "deferralInterest")];
      data.submit = at(lang, "deferralSubmit");
      break;
    case "instalment-plan":
      data.intro = at(lang, "planIntro");
      data.plans = {
        legend: at(lang, "planLegend"),
        error: message("months"),
        choices: form.plans.map((p) => planChoice(p, lang, values.months === String(p.months))),
      };
      data.notes = [at(lang, "planInterest"), at(lang, "planEachLink")];
      data.submit = at(lang, "planSubmit");
      break;
    case "dispute":
      data.intro = at(lang, "disputeIntro");
      data.textarea = {
        id: "reason",
        name: "reason",
        label: at(lang, "disputeReason"),
        hint: at(lang, "disputeReasonHint"),
        error: message("reason"),
        value: values.reason,
      };
      data.file = {
        id: "attachment",
        name: "attachment",
        label: at(lang, "disputeAttachment"),
        hint: at(lang, "attachmentHint"),
        error: message("attachment"),
        required: false,
      };
      data.after = [at(lang, "disputeAfter", { creditor })];
      data.submit = at(lang, "disputeSubmit");
      break;
    case "payment-reported":
      data.intro = at(lang, "paidIntro", { date: pauseDate });
      data.file = {
        id: "receipt",
        name: "receipt",
        label: at(lang, "paidReceipt"),
        hint: at(lang, "attachmentHint"),
        error: message("receipt"),
        required: true,
      };
      data.textarea = {
        id: "message",
        name: "message",
        label: at(lang, "paidMessage"),
        error: message("message"),
        value: values.message,
      };
      data.submit = at(lang, "paidSubmit");
      break;
  }
  if (data.file) {
    data.fileHtml = fileTemplate({ f: data.file, errorPrefix: data.errorPrefix });
    data.fileFirst = data.file.required;
  }
  return renderLayout({
    lang,
    title: error ? `${at(lang, "errorPrefix")} ${title}` : title,
    mainHtml: template(data),
    creditor: form.claim.creditor,
    langHref: { nb: input.selfPath, en: `${input.selfPath}?lang=en` },
  });
}

/** The first control of a field, for the error summary's link (a radio group's first option). */
function summaryTarget(field: string): string {
  return field === "months" ? "months-2" : field === "csrf" ? "summary-title" : field;
}
