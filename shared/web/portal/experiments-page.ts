/**
 * The portal's A/B test page (`/portal/{tenantId}/ab-tester`, issue 16): the creditor's experiments on its ladder's
 * messages — what each tries, when it runs, its split — and, for an editor, a form to define one and a button to end
 * one. Bokmål by default, English with `?lang=en`; no JavaScript; the portal's one stylesheet (pages.ts).
 */
import type { Experiment, ExperimentStepKind } from "../../domain/experiments";
import { escapePortalHtml as esc, portalHref, portalLayout, type PortalLang, type SignedInHeader } from "./pages";
import { tenantNav } from "./tenant-nav";

export const EXPERIMENT_STEP_KINDS: readonly ExperimentStepKind[] = [
  "lets-pay-sms",
  "reminder",
  "collection-notice",
  "payment-demand",
  "suspension-notice",
];

/** What the form sent back (shown again with the errors). */
export type ExperimentFormValues = Partial<
  Record<"id" | "step" | "startsOn" | "endsOn" | "splitA" | "aText" | "aSendAt" | "bText" | "bSendAt", string>
>;

export interface ExperimentsPageInput {
  tenantId: string;
  tenantName: string;
  experiments: readonly Experiment[];
  /** Today in Oslo: which experiments are running, planned or over. */
  today: string;
  /** The user may define and end experiments (creditor editor, agent, operator). */
  mayEdit: boolean;
  /** The experiment just saved or ended. */
  saved?: string;
  /** What was wrong with the form: each message, and the form field it is about when there is one. */
  errors?: ReadonlyArray<{ field?: keyof ExperimentFormValues; message: string }>;
  values?: ExperimentFormValues;
}

const T = {
  nb: {
    title: "A/B-tester",
    intro:
      "Prøv to varianter av en meldings tekst eller sendetidspunkt. Hver sak får variant A eller B ut fra saksnummeret, og beholder den så lenge testen varer. Dashbordet viser hver variants trakt.",
    none: "Ingen A/B-tester ennå.",
    id: "Navn (id)",
    step: "Steg",
    runs: "Periode",
    split: "Fordeling",
    variant: "Variant",
    text: "Tekst",
    hour: "Sendetid",
    ladderText: "stigens egen tekst",
    ladderHour: "stigens egen tid",
    running: "Pågår",
    planned: "Planlagt",
    over: "Avsluttet",
    open: "til den avsluttes",
    end: "Avslutt",
    remove: "Fjern",
    newTitle: "Ny A/B-test",
    idHint: "Små bokstaver, tall og bindestrek, f.eks. betal-kveld.",
    startsOn: "Første dag",
    endsOn: "Siste dag (valgfri)",
    splitA: "Andel i variant A (prosent)",
    textHint:
      "Tom: stigens egen tekst. Plassholdere: {creditor}, {invoice}, {amount}, {due}, {link}, og {letter} i varselet om et brev. {creditor} og {link} må være med, {amount} i en betalingspåminnelse og {letter} i et varsel. Skriv på bokmål; høyst 2 SMS-er lang.",
    hourHint: "Tom: stigens egen tid. Innenfor kontakttiden (hverdager 08:00–21:00).",
    save: "Lagre A/B-testen",
    saved: "Lagret: {id}.",
    errorsTitle: "A/B-testen ble ikke lagret",
    viewer: "Du kan se A/B-testene, men bare en redaktør kan endre dem.",
    steps: {
      "lets-pay-sms": "Betalingspåminnelse (SMS)",
      reminder: "Purring (SMS-varsel)",
      "collection-notice": "Inkassovarsel (SMS-varsel)",
      "payment-demand": "Betalingsoppfordring (SMS-varsel)",
      "suspension-notice": "Stengevarsel (SMS-varsel)",
    } as Record<string, string>,
    back: "Til sakene",
  },
  en: {
    title: "A/B tests",
    intro:
      "Try two variants of a message's text or send time. Each case gets variant A or B from its case id and keeps it while the test runs. The dashboard shows each variant's funnel.",
    none: "No A/B tests yet.",
    id: "Name (id)",
    step: "Step",
    runs: "Period",
    split: "Split",
    variant: "Variant",
    text: "Text",
    hour: "Send time",
    ladderText: "the ladder's own text",
    ladderHour: "the ladder's own time",
    running: "Running",
    planned: "Planned",
    over: "Ended",
    open: "until ended",
    end: "End",
    remove: "Remove",
    newTitle: "New A/B test",
    idHint: "Lower-case letters, digits and dashes, e.g. pay-evening.",
    startsOn: "First day",
    endsOn: "Last day (optional)",
    splitA: "Share in variant A (per cent)",
    textHint:
      "Empty: the ladder's own text. Placeholders: {creditor}, {invoice}, {amount}, {due}, {link}, and {letter} in a letter's alert. {creditor} and {link} are required, {amount} in a Let's pay SMS and {letter} in an alert. Write in Norwegian (bokmål); at most 2 SMS long.",
    hourHint: "Empty: the ladder's own time. Within contact hours (weekdays 08:00–21:00).",
    save: "Save the A/B test",
    saved: "Saved: {id}.",
    errorsTitle: "The A/B test was not saved",
    viewer: "You can see the A/B tests, but only an editor can change them.",
    steps: {
      "lets-pay-sms": "Let's pay SMS",
      reminder: "Reminder (SMS alert)",
      "collection-notice": "Collection notice (SMS alert)",
      "payment-demand": "Payment demand (SMS alert)",
      "suspension-notice": "Suspension notice (SMS alert)",
    } as Record<string, string>,
    back: "To the cases",
  },
} as const;

export function experimentsPath(tenantId: string): string {
  return `/portal/${encodeURIComponent(tenantId)}/ab-tester`;
}

function stateOf(e: Experiment, today: string): "running" | "planned" | "over" {
  if (e.startsOn > today) return "planned";
  if (e.endsOn !== undefined && e.endsOn < today) return "over";
  return "running";
}

export function renderExperimentsPage(lang: PortalLang, input: ExperimentsPageInput, header: SignedInHeader): string {
  const t = T[lang];
  const action = portalHref(experimentsPath(input.tenantId), lang);
  const csrf = `<input type="hidden" name="csrf" value="${esc(header.csrfToken)}">`;
  const list =
    input.experiments.length === 0
      ? `<p>${t.none}</p>`
      : input.experiments
          .map((e) => {
            const state = stateOf(e, input.today);
            const variant = (name: "A" | "B") => {
              const v = e.variants[name];
              return `<tr><th scope="row">${name} (${e.split[name]} %)</th><td data-label="${t.text}">${v.text ? esc(v.text) : `<span class="muted">${t.ladderText}</span>`}</td><td data-label="${t.hour}">${v.sendAt ? esc(v.sendAt) : `<span class="muted">${t.ladderHour}</span>`}</td></tr>`;
            };
            const end =
              input.mayEdit && state !== "over"
                ? `<form class="inline" method="post" action="${esc(action)}">${csrf}<input type="hidden" name="action" value="end"><input type="hidden" name="id" value="${esc(e.id)}"><button class="button" type="submit" aria-label="${state === "planned" ? t.remove : t.end} ${esc(e.id)}">${state === "planned" ? t.remove : t.end}</button></form>`
                : "";
            return `<section class="card" aria-labelledby="x-${esc(e.id)}"><h2 id="x-${esc(e.id)}">${esc(e.id)} <span class="muted">(${t[state]})</span></h2>
<dl><dt>${t.step}</dt><dd>${esc(t.steps[e.step] ?? e.step)}</dd><dt>${t.runs}</dt><dd>${esc(e.startsOn)} – ${e.endsOn ? esc(e.endsOn) : t.open}</dd><dt>${t.split}</dt><dd>A ${e.split.A} % / B ${e.split.B} %</dd></dl>
<table><thead><tr><th scope="col">${t.variant}</th><th scope="col">${t.text}</th><th scope="col">${t.hour}</th></tr></thead><tbody>${variant("A")}${variant("B")}</tbody></table>
${end ? `<p>${end}</p>` : ""}</section>`;
          })
          .join("");
  const errors = input.errors ?? [];
  const errorOf = (field: keyof ExperimentFormValues) => errors.filter((e) => e.field === field);
  const v = input.values ?? {};
  const field = (
    name: keyof ExperimentFormValues,
    label: string,
    control: (attrs: string) => string,
    hint?: string,
  ): string => {
    const own = errorOf(name);
    const described = [hint ? `h-${name}` : "", own.length > 0 ? `e-${name}` : ""].filter(Boolean).join(" ");
    const attrs = `id="f-${name}" name="${name}"${described ? ` aria-describedby="${described}"` : ""}${own.length > 0 ? ' aria-invalid="true"' : ""}`;
    return `<label for="f-${name}">${label}</label>${hint ? `<p class="hint" id="h-${name}">${esc(hint)}</p>` : ""}${own.length > 0 ? `<p class="error" id="e-${name}">${own.map((e) => esc(e.message)).join(" ")}</p>` : ""}${control(attrs)}`;
  };
  const input_ =
    (type: string, value: string | undefined, extra = "") =>
    (attrs: string) =>
      `<input type="${type}" ${attrs} value="${esc(value ?? "")}"${extra}>`;
  const textarea = (value: string | undefined) => (attrs: string) =>
    `<textarea ${attrs} maxlength="640" rows="4">${esc(value ?? "")}</textarea>`;
  const variantFields = (name: "A" | "B", text: "aText" | "bText", hour: "aSendAt" | "bSendAt") =>
    `<fieldset><legend>${t.variant} ${name}</legend>${field(text, t.text, textarea(v[text]), t.textHint)}${field(hour, t.hour, input_("time", v[hour]), t.hourHint)}</fieldset>`;
  const summary =
    errors.length > 0
      ? `<div class="card errors" role="alert" tabindex="-1" id="errors"><h2>${t.errorsTitle}</h2><ul>${errors
          .map((e) => `<li>${e.field ? `<a href="#f-${e.field}">${esc(e.message)}</a>` : esc(e.message)}</li>`)
          .join("")}</ul></div>`
      : "";
  const form = input.mayEdit
    ? `<section class="card" aria-labelledby="new"><h2 id="new">${t.newTitle}</h2>
<form class="stack" method="post" action="${esc(action)}" novalidate>${csrf}<input type="hidden" name="action" value="add">
${field("id", t.id, input_("text", v.id, ' maxlength="40" autocomplete="off"'), t.idHint)}
${field("step", t.step, (attrs) => `<select ${attrs}>${EXPERIMENT_STEP_KINDS.map((k) => `<option value="${k}"${(v.step ?? "lets-pay-sms") === k ? " selected" : ""}>${esc(t.steps[k] ?? k)}</option>`).join("")}</select>`)}
${field("startsOn", t.startsOn, input_("date", v.startsOn ?? input.today))}
${field("endsOn", t.endsOn, input_("date", v.endsOn))}
${field("splitA", t.splitA, input_("number", v.splitA ?? "50", ' min="1" max="99" inputmode="numeric"'))}
${variantFields("A", "aText", "aSendAt")}${variantFields("B", "bText", "bSendAt")}
<p><button class="button" type="submit">${t.save}</button></p></form></section>`
    : `<p class="card">${t.viewer}</p>`;
  const saved = input.saved ? `<p class="card" role="status">${esc(t.saved.replace("{id}", input.saved))}</p>` : "";
  const body = `${tenantNav(lang, input.tenantId, "experiments")}<h1>${t.title}: ${esc(input.tenantName)}</h1>${summary}${saved}<p>${t.intro}</p>${list}${form}
<p><a href="${esc(portalHref(`/portal/${encodeURIComponent(input.tenantId)}/saker`, lang))}">${t.back}</a></p>`;
  return portalLayout(lang, t.title, body, header);
}
