/**
 * The pay page a debtor reaches from the SMS link (`/p/{token}`): who the invoice is from, what each invoice owes
 * (broken down), and one plain form (works without JavaScript) to pay with Vipps or card. Without a payment provider
 * it shows the account number and KIDs for paying from the bank instead. When nothing is owed it says so, kindly.
 */
import type {
  PayFormError,
  PayFormValues,
  PayOptionView,
  PayPageCase,
  PayPageView,
} from "../application/payments/pay-page-model";
import type { Money } from "../domain/money";
import {
  coverLabel,
  formatAmount,
  formatInstantDate,
  formatLocalDate,
  formErrorMessage,
  t,
  type TextKey,
} from "./i18n";
import { compileTemplate, payLinkPath, renderLayout } from "./layout";
import { COVER_CHOICES, type Lang } from "./pay-page-model";
import { contactLines, feeLabel, letterName, STAGE_WORDS } from "./debtor-words";
import { renderPayAssistant, type PayAssistantInput } from "./pay-assistant";

export interface RenderPayPageOptions {
  lang: Lang;
  /** The refused form's error: shown in a summary at the top and beside its field. */
  error?: PayFormError | undefined;
  /** What the debtor had filled in, kept when the form is shown again. */
  values?: PayFormValues | undefined;
  /** "Spør oss": the question form at the foot of the page, and the answer when one was just asked. */
  assistant?: PayAssistantInput | undefined;
}

/** A label and its value; `wide`: the value takes a line of its own (a KID of up to 25 digits never fits beside its label on a phone). */
type Row = readonly [label: string, value: string, wide?: boolean];
/** A sum row; a fee row links to the letter that added it. */
interface SumRow {
  label: string;
  value: string;
  /** The invoice's total (bold, ruled off). */
  total?: boolean;
  link?: { href: string; text: string } | undefined;
}

interface CaseData {
  id: string;
  heading: string;
  details: Row[];
  sum: SumRow[];
  notes: string[];
}

interface OptionData {
  id: string;
  value: string;
  label: string;
  amount?: string | undefined;
  checked: boolean;
  custom?: { label: string; hint: string; value: string; error?: string | undefined } | undefined;
}

interface FormData {
  action: string;
  legend: string;
  options: OptionData[];
  /** Only one thing to choose: no radio group, the choice goes along hidden. */
  onlyOption?: string | undefined;
  optionError?: string | undefined;
  cover?:
    | {
        label: string;
        hint: string;
        error?: string | undefined;
        choices: { value: string; label: string; selected: boolean }[];
      }
    | undefined;
  methodsIntro: string;
  methodError?: string | undefined;
  buttons: { id: string; value: string; cls: string; label: string }[];
}

interface BankData {
  heading: string;
  intro: string;
  /** When a service is suspended: a bank payment reopens it only once it has arrived (Vipps or card at once). */
  serviceNote?: string | undefined;
  account?: Row | undefined;
  /** One row set per case: invoice, KID, amount. */
  cases: Row[][];
}

interface PayData {
  title: string;
  intro: string;
  errorTitle: string;
  errorPrefix: string;
  summary?: { message: string; href: string } | undefined;
  allPaid?: { title: string; body: string } | undefined;
  cases: CaseData[];
  totalLabel: string;
  total: string;
  payHeading: string;
  form?: FormData | undefined;
  bank?: BankData | undefined;
}

const payTemplate = compileTemplate<PayData>(`<h1><%= it.title %></h1>
<% if (it.summary) { %><div class="summary" role="alert" tabindex="-1" autofocus aria-labelledby="summary-title">
<h2 id="summary-title"><%= it.errorTitle %></h2>
<ul><li><a href="<%= it.summary.href %>"><%= it.summary.message %></a></li></ul>
</div>
<% } %><% if (it.allPaid) { %><div class="ok"><p class="total"><%= it.allPaid.title %></p><p><%= it.allPaid.body %></p></div>
<% } else { %><p><%= it.intro %></p>
<% } %><% for (const c of it.cases) { %><section class="case" aria-labelledby="<%= c.id %>">
<h2 id="<%= c.id %>"><%= c.heading %></h2>
<% for (const note of c.notes) { %><p class="note"><%= note %></p>
<% } %><dl>
<% for (const [label, value, wide] of c.details) { %><dt<% if (wide) { %> class="wide"<% } %>><%= label %></dt><dd<% if (wide) { %> class="wide"<% } %>><%= value %></dd>
<% } %></dl>
<dl class="sum">
<% for (const r of c.sum) { %><dt<% if (r.total) { %> class="tot"<% } %>><%= r.label %></dt><dd class="amt<% if (r.total) { %> tot<% } %>"><%= r.value %></dd>
<% if (r.link) { %><dd class="doc-row"><a class="doc" href="<%= r.link.href %>"><%= r.link.text %></a></dd>
<% } %><% } %></dl>
</section>
<% } %><% if (!it.allPaid) { %><p class="total"><%= it.totalLabel %>: <span class="amt"><%= it.total %></span></p>
<% } %><% if (it.form) { const f = it.form; %><h2 id="pay"><%= it.payHeading %></h2>
<form method="post" action="<%= f.action %>">
<% if (f.onlyOption) { %><input type="hidden" name="option" value="<%= f.onlyOption %>">
<% } else { %><fieldset>
<legend><%= f.legend %></legend>
<% if (f.optionError) { %><p class="err" id="option-error"><span class="vh"><%= it.errorPrefix %> </span><%= f.optionError %></p>
<% } %><% for (const o of f.options) { %><div class="choice"><input type="radio" id="<%= o.id %>" name="option" value="<%= o.value %>"<% if (o.checked) { %> checked<% } %><% if (f.optionError) { %> aria-invalid="true" aria-describedby="option-error"<% } %>><label for="<%= o.id %>"><%= o.label %><% if (o.amount) { %>: <span class="amt"><%= o.amount %></span><% } %></label></div>
<% if (o.custom) { const a = o.custom; %><div class="sub field">
<label for="amount"><%= a.label %></label>
<p class="hint" id="amount-hint"><%= a.hint %></p>
<% if (a.error) { %><p class="err" id="amount-error"><span class="vh"><%= it.errorPrefix %> </span><%= a.error %></p>
<% } %><input type="text" id="amount" name="amount" inputmode="decimal" autocomplete="transaction-amount" spellcheck="false" value="<%= a.value %>" aria-describedby="amount-hint<% if (a.error) { %> amount-error<% } %>"<% if (a.error) { %> aria-invalid="true"<% } %>>
</div>
<% } %><% } %></fieldset>
<% } %>
<% if (f.cover) { const c = f.cover; %><div class="field">
<label for="cover"><%= c.label %></label>
<p class="hint" id="cover-hint"><%= c.hint %></p>
<% if (c.error) { %><p class="err" id="cover-error"><span class="vh"><%= it.errorPrefix %> </span><%= c.error %></p>
<% } %><select id="cover" name="cover" aria-describedby="cover-hint<% if (c.error) { %> cover-error<% } %>"<% if (c.error) { %> aria-invalid="true"<% } %>>
<% for (const ch of c.choices) { %><option value="<%= ch.value %>"<% if (ch.selected) { %> selected<% } %>><%= ch.label %></option>
<% } %></select>
</div>
<% } %><p id="methods-intro"><%= f.methodsIntro %></p>
<% if (f.methodError) { %><p class="err" id="method-error"><span class="vh"><%= it.errorPrefix %> </span><%= f.methodError %></p>
<% } %><% for (const b of f.buttons) { %><button type="submit" id="<%= b.id %>" class="btn <%= b.cls %>" name="method" value="<%= b.value %>"<% if (f.methodError) { %> aria-describedby="method-error"<% } %>><%= b.label %></button>
<% } %></form>
<% } %><% if (it.bank) { const k = it.bank; %><h2 id="bank"><%= k.heading %></h2>
<p><%= k.intro %></p>
<% if (k.serviceNote) { %><p class="note"><%= k.serviceNote %></p>
<% } %><% if (k.account) { %><dl><dt><%= k.account[0] %></dt><dd><%= k.account[1] %></dd></dl>
<% } %><% for (const rows of k.cases) { %><dl class="case">
<% for (const [label, value, wide] of rows) { %><dt<% if (wide) { %> class="wide"<% } %>><%= label %></dt><dd<% if (wide) { %> class="wide"<% } %>><%= value %></dd>
<% } %></dl>
<% } %><% } %>`);

const OPTION_ORDER = ["full", "instalment", "reopen", "custom"] as const;

function isPartial(option: PayOptionView): boolean {
  return option.kind !== "full";
}

function statusNote(c: PayPageCase): TextKey | undefined {
  switch (c.status) {
    case "paid":
      return "statusPaid";
    case "disputed":
      return "statusDisputed";
    case "on-hold":
      return "statusOnHold";
    default:
      return undefined;
  }
}

function letterHref(token: string, caseId: string, documentId: string, lang: Lang): string {
  return payLinkPath(token, lang, `/letters/${encodeURIComponent(caseId)}/${encodeURIComponent(documentId)}`);
}

/** Each fee with the letter that added it, when the lines add up to what is owed in fees; else one fees row. */
function feeRows(c: PayPageCase, token: string, lang: Lang): SumRow[] {
  const money = (m: Money) => formatAmount(m, lang);
  const charged = c.feeLines.reduce((n, l) => n + l.amount.value, 0);
  if (c.feeLines.length === 0 || charged - c.feesPaid.value !== c.balance.fees.value)
    return [{ label: t(lang, "fees"), value: money(c.balance.fees) }];
  const rows: SumRow[] = c.feeLines.map((l) => ({
    label: feeLabel(l.kind, lang),
    value: money(l.amount),
    link: l.letter
      ? {
          href: letterHref(token, l.letter.caseId, l.letter.documentId, lang),
          text: t(lang, "letterLink", {
            letter: letterName(l.letter.kind, lang),
            date: formatLocalDate(l.letter.on, lang),
          }),
        }
      : undefined,
  }));
  if (c.feesPaid.value > 0) rows.push({ label: t(lang, "feesPaid"), value: `−${money(c.feesPaid)}` });
  return rows;
}

function caseData(
  c: PayPageCase,
  index: number,
  lang: Lang,
  reopen: Money | undefined,
  token: string,
  single: boolean,
): CaseData {
  const money = (m: Money) => formatAmount(m, lang);
  const notes: string[] = [];
  const status = statusNote(c);
  if (status) notes.push(t(lang, status));
  if (c.serviceSuspended && c.status !== "paid") {
    notes.push(reopen ? t(lang, "suspendedReopen", { amount: money(reopen) }) : t(lang, "suspended"));
  }
  const details: Row[] = [];
  if (c.description) details.push([t(lang, "description"), c.description]);
  details.push([t(lang, "dueDate"), formatLocalDate(c.dueDate, lang)]);
  details.push([t(lang, "kid"), c.kid, true]);
  return {
    id: `case-${index + 1}`,
    heading: t(lang, "invoiceHeading", { number: c.invoiceNumber }),
    details,
    sum: [
      { label: t(lang, "principal"), value: money(c.balance.principal) },
      ...feeRows(c, token, lang),
      { label: t(lang, "interest"), value: money(c.balance.interest) },
      // One invoice: its total is the page's "Totalt å betale", said once.
      ...(single ? [] : [{ label: t(lang, "caseTotal"), value: money(c.balance.total), total: true }]),
    ],
    notes,
  };
}

function optionLabel(option: PayOptionView, lang: Lang): { label: string; amount?: string } {
  switch (option.kind) {
    case "full":
      return { label: t(lang, "optionFull"), amount: formatAmount(option.amount, lang) };
    case "instalment":
      return {
        label: t(lang, "optionInstalment", { date: formatLocalDate(option.dueDate, lang) }),
        amount: formatAmount(option.amount, lang),
      };
    case "reopen":
      return { label: t(lang, "optionReopen", { amount: formatAmount(option.amount, lang) }) };
    case "custom":
      return { label: t(lang, "optionCustom", { min: formatAmount(option.min, lang) }) };
  }
}

/** Where the error summary's link points: the field itself, or the first control of a group. */
function errorTarget(error: PayFormError, form: FormData | undefined): string {
  if (!form) return "#bank";
  switch (error.field) {
    case "option":
      // With one option there is no radio group to point at: the pay section instead.
      return form.onlyOption ? "#pay" : `#${form.options[0]?.id ?? "pay"}`;
    case "amount":
      return form.options.some((o) => o.custom) ? "#amount" : "#pay";
    case "cover":
      return form.cover ? "#cover" : "#pay";
    case "method":
      return `#${form.buttons[0]?.id ?? "pay"}`;
  }
}

function formData(view: PayPageView, lang: Lang, error: PayFormError | undefined, values: PayFormValues): FormData {
  const options = [...view.options].sort((a, b) => OPTION_ORDER.indexOf(a.kind) - OPTION_ORDER.indexOf(b.kind));
  const chosen = options.some((o) => o.kind === values.option) ? values.option : options[0]?.kind;
  const custom = options.find((o): o is Extract<PayOptionView, { kind: "custom" }> => o.kind === "custom");
  const message = (field: PayFormError["field"]) =>
    error?.field === field
      ? formErrorMessage(error, lang, custom ? { min: custom.min, max: custom.max } : {})
      : undefined;
  const optionData = options.map((o): OptionData => {
    const { label, amount } = optionLabel(o, lang);
    return {
      id: `option-${o.kind}`,
      value: o.kind,
      label,
      amount,
      checked: o.kind === chosen,
      custom:
        o.kind === "custom"
          ? {
              label: t(lang, "amountLabel"),
              hint: t(lang, "amountHint", {
                min: formatAmount(o.min, lang),
                max: formatAmount(o.max, lang),
                ...amountExamples(o.min.value, o.max.value, lang),
              }),
              value: values.amount ?? "",
              error: message("amount"),
            }
          : undefined,
    };
  });
  const cover = options.some(isPartial)
    ? {
        label: t(lang, "coverLabel"),
        hint: t(lang, "coverHint", { creditor: view.creditor.name }),
        error: message("cover"),
        choices: (["", ...COVER_CHOICES] as const).map((part) => ({
          value: part,
          label: coverLabel(part, lang, view.creditor.name),
          selected: (values.cover ?? "") === part,
        })),
      }
    : undefined;
  const words = STAGE_WORDS[view.stage];
  const buttons: FormData["buttons"] = [];
  if (view.methods.includes("vipps"))
    buttons.push({ id: "pay-vipps", value: "vipps", cls: "vipps", label: t(lang, words.vipps) });
  if (view.methods.includes("card"))
    buttons.push({ id: "pay-card", value: "card", cls: "card", label: t(lang, words.card) });
  return {
    action: payLinkPath(view.token, lang, "/pay"),
    legend: t(lang, "optionLegend"),
    options: optionData,
    onlyOption: optionData.length === 1 ? optionData[0]!.value : undefined,
    optionError: message("option"),
    cover,
    methodsIntro: t(lang, "methodsIntro"),
    methodError: message("method"),
    buttons,
  };
}

function bankData(view: PayPageView, lang: Lang, primary: boolean): BankData | undefined {
  if (!primary && !view.accountNumber) return undefined;
  return {
    heading: t(lang, primary ? "bankHeading" : "bankHeadingAlt"),
    intro: t(lang, "bankIntro"),
    serviceNote: view.cases.some((c) => c.serviceSuspended && c.status !== "paid")
      ? t(lang, view.methods.length > 0 ? "bankServiceNote" : "bankServiceNotePlain")
      : undefined,
    account: view.accountNumber ? [t(lang, "accountNumber"), view.accountNumber] : undefined,
    cases: primary
      ? view.cases
          .filter((c) => c.balance.total.value > 0)
          .map((c): Row[] => [
            [t(lang, "invoice"), c.invoiceNumber],
            ["KID", c.kid, true],
            [t(lang, "amount"), formatAmount(c.balance.total, lang)],
          ])
      : [],
  };
}

export function renderPayPage(view: PayPageView, options: RenderPayPageOptions): string {
  const { lang, error } = options;
  const values = options.values ?? {};
  const creditor = view.creditor.name;
  const owing = view.options.length > 0;
  const reopen = view.options.find((o) => o.kind === "reopen")?.amount;
  const form = owing && view.methods.length > 0 ? formData(view, lang, error, values) : undefined;
  const words = STAGE_WORDS[view.stage];
  const title = t(lang, words.title ?? (view.cases.length > 1 ? "payTitleMany" : "payTitleOne"), { creditor });
  const custom = view.options.find((o): o is Extract<PayOptionView, { kind: "custom" }> => o.kind === "custom");
  const data: PayData = {
    title,
    intro: t(lang, "payIntro"),
    errorTitle: t(lang, "errorSummaryTitle"),
    errorPrefix: t(lang, "errorPrefix"),
    summary: error
      ? {
          message: formErrorMessage(error, lang, custom ? { min: custom.min, max: custom.max } : {}),
          href: errorTarget(error, form),
        }
      : undefined,
    allPaid: owing ? undefined : { title: t(lang, "allPaid"), body: t(lang, "allPaidBody") },
    cases: view.cases.map((c, i) => caseData(c, i, lang, reopen, view.token, view.cases.length === 1)),
    totalLabel: t(lang, "totalToPay"),
    total: formatAmount(view.total, lang),
    payHeading: t(lang, words.payHeading),
    form,
    bank: owing ? bankData(view, lang, view.methods.length === 0) : undefined,
  };
  const contacts = contactLines(creditor, view.creditorContact, view.agencyContact, lang);
  return renderLayout({
    lang,
    title: error ? `${t(lang, "errorPrefix")} ${title}` : title,
    mainHtml: payTemplate(data) + (options.assistant ? renderPayAssistant(options.assistant) : ""),
    creditor: view.creditor,
    langHref: { nb: payLinkPath(view.token, "nb"), en: payLinkPath(view.token, "en") },
    footer: [t(lang, "expires", { date: formatInstantDate(view.expiresAt, lang) }), ...contacts.plain],
    footerLinks: contacts.linked,
  });
}

/**
 * Examples of how to write an amount, inside the allowed range: whole kroner halfway between the least and the most
 * (written without thousands separators, as one types it), and the same with øre — e.g. "650" and "650,50".
 */
export function amountExamples(min: number, max: number, lang: Lang): { example: string; exampleWithOre: string } {
  const comma = lang === "nb" ? "," : ".";
  const whole = Math.max(Math.ceil(min / 100), Math.floor((min + max) / 200));
  if (whole * 100 > max) {
    // Less than one whole krone between them: the least amount itself, with øre.
    const exact = `${String(Math.floor(min / 100))}${comma}${String(min % 100).padStart(2, "0")}`;
    return { example: exact, exampleWithOre: exact };
  }
  const withOre = whole * 100 + 50 <= max ? `${String(whole)}${comma}50` : String(whole);
  return { example: String(whole), exampleWithOre: withOre };
}
