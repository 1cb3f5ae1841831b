/**
 * "Spør oss / Ask us" on the pay page: a plain form (no JavaScript) that POSTs the question to `/p/{token}/assistent`
 * (so it never lands in a URL or an access log), and the answer shown in its place — in bokmål, nynorsk or English
 * (`?lang=nn` asks for nynorsk; the rest of the page is then bokmål). A hand-over shows how to reach the creditor
 * (and the agency), as on Min side: there is no message thread yet, so the page says so instead of promising one.
 */
import type { AssistantAnswer } from "../application/min-side/assistant";
import type { AssistantLang } from "../application/assistant/intents";
import { MAX_QUESTION_LENGTH } from "../application/assistant/intents";
import { contactLines } from "./debtor-words";
import { compileTemplate } from "./layout";

const WORDS = {
  nb: {
    heading: "Spør oss",
    intro: "Lurer du på noe om denne betalingen? Svaret kommer fra saken din.",
    label: "Spørsmålet ditt",
    hint: "Skriv med egne ord, for eksempel «har dere fått betalingen min?». Spørsmålet lagres ikke.",
    button: "Spør",
    missing: "Skriv et spørsmål først.",
    asked: "Du spurte",
    answer: "Svar",
    handOverHeading: "Snakk med en person",
    handOverBody: "Ta kontakt direkte:",
  },
  nn: {
    heading: "Spør oss",
    intro: "Lurer du på noko om denne betalinga? Svaret kjem frå saka di.",
    label: "Spørsmålet ditt",
    hint: "Skriv med eigne ord, til dømes «har de fått betalinga mi?». Spørsmålet blir ikkje lagra.",
    button: "Spør",
    missing: "Skriv eit spørsmål først.",
    asked: "Du spurde",
    answer: "Svar",
    handOverHeading: "Snakk med ein person",
    handOverBody: "Ta kontakt direkte:",
  },
  en: {
    heading: "Ask us",
    intro: "Wondering about this payment? The answer comes from your case.",
    label: "Your question",
    hint: 'Write in your own words, for example "have you received my payment?". The question is not stored.',
    button: "Ask",
    missing: "Write a question first.",
    asked: "You asked",
    answer: "Answer",
    handOverHeading: "Talk to a person",
    handOverBody: "Please contact them directly:",
  },
} as const satisfies Record<AssistantLang, Record<string, string>>;

export interface PayAssistantInput {
  lang: AssistantLang;
  /** Where the form posts (the link's `/assistent`, with its `?lang=`). */
  action: string;
  /** The question just asked and its answer. */
  asked?: { question: string; answer: AssistantAnswer };
  /** The form was sent without a question. */
  missing?: boolean;
}

const template = compileTemplate<{
  w: (typeof WORDS)[AssistantLang];
  lang: AssistantLang;
  action: string;
  max: number;
  question: string;
  missing: boolean;
  answer?: {
    question: string;
    text: string;
    links: Array<{ href: string; text: string }>;
    handOver?: { lines: Array<{ intro: string; links: Array<{ href: string; text: string }> }>; plain: string[] };
  };
}>(`<section class="ask" aria-labelledby="sporsmal-tittel"<% if (it.lang === "nn") { %> lang="nn"<% } %>>
<h2 id="sporsmal-tittel"><%= it.w.heading %></h2>
<% if (it.answer) { const a = it.answer; %><div id="svar" class="answer">
<h3><%= it.w.asked %></h3>
<p><%= a.question %></p>
<h3><%= it.w.answer %></h3>
<p role="status"><%= a.text %></p>
<% if (a.links.length > 0) { %><ul class="contacts">
<% for (const l of a.links) { %><li><a href="<%= l.href %>"><%= l.text %></a></li>
<% } %></ul>
<% } %><% if (a.handOver) { %><h3><%= it.w.handOverHeading %></h3>
<p><%= it.w.handOverBody %></p>
<% for (const line of a.handOver.lines) { %><p><%= line.intro %> <% for (const [i, l] of line.links.entries()) { %><% if (i > 0) { %> · <% } %><a href="<%= l.href %>"><%= l.text %></a><% } %></p>
<% } %><% for (const p of a.handOver.plain) { %><p><%= p %></p>
<% } %><% } %></div>
<% } else { %><p><%= it.w.intro %></p>
<% } %><form method="post" action="<%= it.action %>#sporsmal-tittel">
<div class="field">
<label for="sporsmal"><%= it.w.label %></label>
<p class="hint" id="sporsmal-hint"><%= it.w.hint %></p>
<% if (it.missing) { %><p class="err" id="sporsmal-error"><%= it.w.missing %></p>
<% } %><input type="text" id="sporsmal" name="sporsmal" maxlength="<%= it.max %>" autocomplete="off" value="<%= it.question %>" aria-describedby="sporsmal-hint<% if (it.missing) { %> sporsmal-error<% } %>"<% if (it.missing) { %> aria-invalid="true"<% } %>>
</div>
<button type="submit" class="btn card"><%= it.w.button %></button>
</form>
</section>`);

export function renderPayAssistant(input: PayAssistantInput): string {
  const w = WORDS[input.lang];
  const asked = input.asked;
  const pageLang = input.lang === "en" ? "en" : "nb";
  const handOver = asked?.answer.reply.handOver
    ? asked.answer.contacts.map((c) => contactLines(c.creditorName, c.creditorContact, c.agencyContact, pageLang))
    : undefined;
  return template({
    w,
    lang: input.lang,
    action: input.action,
    max: MAX_QUESTION_LENGTH,
    question: asked?.question ?? "",
    missing: input.missing === true,
    ...(asked
      ? {
          answer: {
            question: asked.question,
            // A hand-over's answer says customer service can help (nothing is sent from here); the contacts below say
            // how to reach them, once.
            text: asked.answer.reply.text,
            links: asked.answer.reply.links.map((l) => ({ href: l.href, text: l.label })),
            ...(handOver
              ? {
                  handOver: {
                    lines: handOver.flatMap((h) => h.linked),
                    plain: handOver.flatMap((h) => h.plain),
                  },
                }
              : {}),
          },
        }
      : {}),
  });
}
