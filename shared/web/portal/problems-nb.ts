/**
 * The ladder's and A/B tests' legal problems in bokmål, for the portal's Norwegian pages (issue 16).
 *
 * `validatePolicy` and `experimentProblems` word their reasons in English (the API's language) and carry no stable
 * code, so the web layer matches each known reason's pattern here. An unknown reason is shown as it is: a new rule
 * in the domain still reaches the creditor, only in English until a pattern is added.
 */

/** The domain's English step words (policy.ts STEP_WORDS) as bokmål nouns. */
const STEP_WORDS_NB: Record<string, string> = {
  "instalment reminder": "avdragspåminnelsen",
  "end of the instalment plan (instalment missed)": "avslutningen av avdragsplanen (avdrag ikke betalt)",
  "Let's pay SMS": "betalingspåminnelsen (SMS)",
  reminder: "purringen",
  "collection notice": "inkassovarselet",
  "payment demand": "betalingsoppfordringen",
  "suspension notice": "stengevarselet",
  suspension: "stengingen",
  "hand-off to legal steps": "overføringen til rettslige skritt",
};

/** The step kinds (codes) as the same words. */
const STEP_KINDS_NB: Record<string, string> = {
  "lets-pay-sms": "betalingspåminnelse (SMS)",
  reminder: "purring",
  "collection-notice": "inkassovarsel",
  "payment-demand": "betalingsoppfordring",
  "suspension-notice": "stengevarsel",
  suspension: "stenging",
  "legal-handoff": "rettslige skritt",
};

const word = (english: string) => STEP_WORDS_NB[english] ?? english;
const kind = (code: string) => STEP_KINDS_NB[code] ?? code;
const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

type Rule = readonly [RegExp, (...groups: string[]) => string];

const RULES: readonly Rule[] = [
  [
    /^suspendLatest \((.+)\) is earlier than suspendAt \((.+)\)\.$/u,
    (a, b) => `Siste stengetid (${a}) er før stengetiden (${b}).`,
  ],
  [
    /^The policy is for (\w+) but the rule set is for (\w+)\.$/u,
    (a, b) => `Oppsettet gjelder ${a}, men regelsettet gjelder ${b}.`,
  ],
  [
    /^(\w+) is in (\w+), the country's currency is (\w+)\.$/u,
    (f, c, d) => `${f} er i ${c}, men landets valuta er ${d}.`,
  ],
  [/^(\w+) may not be negative\.$/u, (f) => `${f} kan ikke være negativ.`],
  [/^minimumInstalment must be more than 0\.$/u, () => "Minste avdrag må være mer enn 0."],
  [
    /^The (.+) \(day (\d+)\) comes before the previous step \(day (\d+)\); steps must be in date order\.$/u,
    (w, d, p) => `${capital(word(w))} (dag ${d}) kommer før forrige steg (dag ${p}); stegene må stå i datorekkefølge.`,
  ],
  [/^A Let's pay SMS must be sent by SMS\.$/u, () => "En betalingspåminnelse (SMS) må sendes som SMS."],
  [
    /^The (.+) must be sent in writing; SMS alone is only an alert\.$/u,
    (w) => `${capital(word(w))} må sendes skriftlig; SMS alene er bare et varsel.`,
  ],
  [
    /^An? (.+) cannot carry a fee; only reminders, collection notices and payment demands can\.$/u,
    (w) => `${capital(word(w))} kan ikke ha gebyr; bare purringer, inkassovarsler og betalingsoppfordringer kan det.`,
  ],
  [
    /^The (.+) gives (\d+) days to pay; the law requires at least (\d+) days from sending\.$/u,
    (w, d, m) => `${capital(word(w))} gir ${d} dager til å betale; loven krever minst ${m} dager fra utsending.`,
  ],
  [
    /^A collection notice may be sent no earlier than (\d+) day\(s\) after the due date\.$/u,
    (d) => `Et inkassovarsel kan tidligst sendes ${d} dag(er) etter forfall.`,
  ],
  [
    /^A payment demand needs an earlier collection notice in the ladder\.$/u,
    () => "En betalingsoppfordring krever et tidligere inkassovarsel i løpet.",
  ],
  [
    /^The payment demand \(day (\d+)\) comes before the collection notice's deadline has expired \(day (\d+)\); the earliest day is (\d+)\.$/u,
    (d, x, e) =>
      `Betalingsoppfordringen (dag ${d}) kommer før fristen i inkassovarselet har gått ut (dag ${x}); tidligste dag er ${e}.`,
  ],
  [/^An? (.+) may not carry a fee in (\w+)\.$/u, (w, c) => `${capital(word(w))} kan ikke ha gebyr i ${c}.`],
  [
    /^An? (.+) fee is charged (\d+) days after the due date; a fee is only allowed at least (\d+) days after the due date\.$/u,
    (w, d, m) => `Gebyret for ${word(w)} tas ${d} dager etter forfall; gebyr er tidligst lov ${m} dager etter forfall.`,
  ],
  [
    /^Legal steps need an earlier payment demand in the ladder\.$/u,
    () => "Rettslige skritt krever en tidligere betalingsoppfordring i løpet.",
  ],
  [
    /^The hand-off \(day (\d+)\) comes before the payment demand's deadline has expired \(day (\d+)\); the earliest day is (\d+)\.$/u,
    (d, x, e) =>
      `Overføringen (dag ${d}) kommer før fristen i betalingsoppfordringen har gått ut (dag ${x}); tidligste dag er ${e}.`,
  ],
  [
    /^The suspension notice gives (\d+) days; a (\S+) suspension needs (\d+) days' written notice\.$/u,
    (d, s, r) => `Stengevarselet gir ${d} dager; stenging av ${s} krever ${r} dagers skriftlig varsel.`,
  ],
  [
    /^A power retailer cannot disconnect a power meter; only the grid company may\. End the contract instead\.$/u,
    () => "En kraftleverandør kan ikke stenge en strømmåler; bare nettselskapet kan det. Si heller opp avtalen.",
  ],
  [
    /^A power retailer cannot announce a disconnection of a power meter; only the grid company may disconnect\.$/u,
    () => "En kraftleverandør kan ikke varsle stenging av en strømmåler; bare nettselskapet kan stenge.",
  ],
  // The A/B tests (experiments.ts).
  [
    /^Two experiments are called "(.+)"; each needs its own id\.$/u,
    (id) => `To A/B-tester heter «${id}»; hver trenger sin egen id.`,
  ],
  [
    /^The ladder has no (\S+) step, so the experiment would never run\.$/u,
    (k) => `Løpet har ikke steget ${kind(k)}, så testen ville aldri kjørt.`,
  ],
  [
    /^The experiment ends \((.+)\) before it starts \((.+)\)\.$/u,
    (e, s) => `Testen slutter (${e}) før den starter (${s}).`,
  ],
  [
    /^Experiment "(.+)" runs on the (\S+) step on some of the same days; at most one experiment runs per step at a time\.$/u,
    (id, k) =>
      `Testen «${id}» kjører på steget ${kind(k)} noen av de samme dagene; høyst én test kan kjøre per steg om gangen.`,
  ],
  [
    /^Variant (A|B)'s send hour (\S+) is outside the contact hours \(weekdays (.+)\)\.$/u,
    (v, h, w) => `Variant ${v}: sendetidspunktet ${h} er utenfor kontakttiden (hverdager ${w}).`,
  ],
  [
    /^Variant (A|B)'s send hour (\S+): the rule set has no weekday contact hours\.$/u,
    (v, h) => `Variant ${v}: sendetidspunktet ${h} kan ikke brukes; regelsettet har ingen kontakttid på hverdager.`,
  ],
  [/^Variant (A|B): (.+)$/su, (v, rest) => `Variant ${v}: ${problemInBokmal(rest ?? "")}`],
  [
    /^The text has a \{ or \} that opens or closes no placeholder\.$/u,
    () => "Teksten har en { eller } som ikke åpner eller lukker noen plassholder.",
  ],
  [/^The text must contain (.+?): .+\.$/su, (p) => `Teksten må inneholde ${(p ?? "").replace(/ and /gu, " og ")}.`],
  [/^\{([^}]*)\} is not a placeholder.*; use (.+)\.$/su, (n, use) => `{${n}} er ikke en plassholder her; bruk ${use}.`],
  [
    /^The text takes (\d+) SMS segments with long values filled in; at most (\d+) are allowed/u,
    (n, m) =>
      `Teksten blir ${n} SMS-deler med lange verdier fylt inn; høyst ${m} er lov (omtrent 300 tegn i GSM-alfabetet, 130 med emoji eller andre tegn utenfor det).`,
  ],
];

/** A known reason in bokmål; an unknown one as it came. */
export function problemInBokmal(reason: string): string {
  for (const [pattern, say] of RULES) {
    const match = pattern.exec(reason);
    if (match) return say(...match.slice(1).map((g) => g ?? ""));
  }
  return reason;
}

const BASES_NB: Record<string, string> = {
  "ladder order": "rekkefølgen i løpet",
  policy: "oppsettet",
  "rule set selection": "valg av regelsett",
  "forbrukerkjøpsloven § 48 a: written notice": "forbrukerkjøpsloven § 48 a: skriftlig varsel",
  "inkassoloven § 3a and Prop. 6 L (2016–2017) ch. 3: a letter must be delivered in writing (letter, digital mailbox, portal with alert, recently used e-mail); SMS alone is an alert, not the letter":
    "inkassoloven § 3a og Prop. 6 L (2016–2017) kap. 3: et brev må leveres skriftlig (brev, digital postkasse, portal med varsel, nylig brukt e-post); SMS alene er et varsel, ikke brevet",
};

/** A known legal basis in bokmål (law references stay as they are). */
export function legalBasisInBokmal(basis: string): string {
  return BASES_NB[basis] ?? basis;
}
