/**
 * The assistant's answers (issue 15): given the intent of a question, the language and the signed-in person's cases
 * (a small view model of what the pages already show), the reply text with its links — from the person's own cases
 * where they answer the question, else a general explanation — and whether to hand over to a person: when the
 * classifier was unsure, when asked to, or when something needs a person (a service that could not be reopened).
 *
 * Pure: no I/O, no clock. Amounts are formatted from integer minor units; instants are shown as the date and time in
 * Norway (Europe/Oslo). Legal references come from the case (each fee's and the next step's `legalBasis`), never
 * from the text here.
 */
import { DateTime } from "luxon";
import type { CaseStatus } from "../../domain/case";
import { formatMoney, sum, type Money } from "../../domain/money";
import type { StepKind } from "../../domain/policy";
import type { FeeKind, ServiceKind } from "../../domain/rules/rule-set";
import type { ServiceLifecycleState } from "../../domain/service-lifecycle";
import type { AssistantLang, Intent } from "./intents";

/** Below this confidence the assistant does not guess: it hands the question over to a person. */
export const HAND_OVER_BELOW = 0.4;

/** At most this many cases are named in one reply (the rest: "and N more" is left to the overview page). */
const MAX_CASES = 5;

/** One of the person's cases, as the assistant needs it. */
export interface AssistantCase {
  tenantId: string;
  caseId: string;
  creditorName: string;
  invoiceNumber: string;
  status: CaseStatus;
  /** What is owed today. */
  balance: { total: Money; principal: Money; fees: Money; interest: Money };
  /** For paying from the bank. */
  kid?: string;
  accountNumber?: string;
  /** Payments received on the case, in any order. `receivedAt`: an ISO instant. */
  payments: ReadonlyArray<{ amount: Money; receivedAt: string }>;
  /** Each fee with the letter that added it and its legal basis (from the case's ledger). */
  fees: ReadonlyArray<{
    kind: FeeKind;
    amount: Money;
    legalBasis: string;
    letter?: { kind: StepKind; on: string; href?: string };
  }>;
  /** Services (broadband, power meter) the claim can close. */
  services: ReadonlyArray<{ kind: ServiceKind; state: ServiceLifecycleState }>;
  /** The ladder's next step if nothing is paid, with its day (YYYY-MM-DD) and legal basis. */
  nextStep: { kind: StepKind; on: string; legalBasis: string } | null;
  /** The copy of the original invoice (the creditor's PDF, or a generated copy). */
  invoiceCopyHref?: string;
}

export interface AssistantQuestion {
  intent: Intent;
  /** The classifier's confidence in `intent`, 0–1. */
  confidence: number;
  lang: AssistantLang;
  /** The signed-in person's cases; empty when nobody is signed in (the answer is then general). */
  cases: readonly AssistantCase[];
}

export interface AssistantLink {
  label: string;
  href: string;
}

export interface AssistantReply {
  intent: Intent;
  text: string;
  links: AssistantLink[];
  /** True: open a message thread with customer service carrying the conversation. */
  handOver: boolean;
}

// ---------------------------------------------------------------------------------------------------------------
// Formatting

function amount(m: Money, lang: AssistantLang): string {
  return formatMoney(m, lang === "en" ? "en" : "nb-NO");
}

function day(date: string, lang: AssistantLang): string {
  const d = DateTime.fromISO(date, { zone: "UTC" });
  if (!d.isValid) return date;
  return lang === "en" ? d.setLocale("en-GB").toFormat("d LLL yyyy") : d.toFormat("dd.MM.yyyy");
}

function dayAndTime(instant: string, lang: AssistantLang): string {
  const d = DateTime.fromISO(instant, { setZone: true }).setZone("Europe/Oslo");
  if (!d.isValid) return instant;
  const date = day(d.toISODate() ?? instant, lang);
  return lang === "en" ? `${date} at ${d.toFormat("HH:mm")}` : `${date} kl. ${d.toFormat("HH:mm")}`;
}

function caseHref(c: AssistantCase, form: "utsettelse" | "nedbetaling" | "innsigelse" | "jeg-har-betalt"): string {
  return `/min-side/krav/${encodeURIComponent(c.tenantId)}/${encodeURIComponent(c.caseId)}/${form}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Words

type Words = {
  invoice: (c: AssistantCase) => string;
  letter: Record<StepKind, string>;
  fee: Record<FeeKind, string>;
  service: Record<ServiceKind, string>;
  handOverUnsure: string;
  handOverAsked: string;
  paymentReceived: (what: string, when: string, invoice: string) => string;
  paymentNone: string;
  paymentNoneGeneral: string;
  paidLink: (invoice: string) => string;
  balanceLine: (invoice: string, total: string, parts: string) => string;
  balanceParts: (principal: string, fees: string, interest: string) => string;
  balanceTotal: (total: string) => string;
  balanceNone: string;
  balanceGeneral: string;
  howToPay: string;
  howToPayBank: (invoice: string, kid: string, account?: string) => string;
  copyHere: string;
  copyLink: (invoice: string) => string;
  copyGeneral: string;
  deferral: string;
  deferralLink: (invoice: string) => string;
  plan: string;
  planLink: (invoice: string) => string;
  formsGeneral: string;
  dispute: string;
  disputeLink: (invoice: string) => string;
  disputeGeneral: string;
  feeLine: (fee: string, amount: string, letter: string, on: string, basis: string) => string;
  feeLineNoLetter: (fee: string, amount: string, basis: string) => string;
  feeLetterLink: (letter: string, on: string) => string;
  feesNone: string;
  feesGeneral: string;
  nextStep: (invoice: string, step: string, on: string, basis: string) => string;
  consequencesGeneral: string;
  serviceState: (service: string, invoice: string, state: ServiceLifecycleState) => string;
  serviceNone: string;
  changeContact: string;
  other: string;
};

const NB: Words = {
  invoice: (c) => `faktura ${c.invoiceNumber} fra ${c.creditorName}`,
  letter: {
    "lets-pay-sms": "betalingspåminnelsen på SMS",
    reminder: "purringen",
    "collection-notice": "inkassovarselet",
    "payment-demand": "betalingsoppfordringen",
    "suspension-notice": "stengevarselet",
    suspension: "stengingen",
    "legal-handoff": "overleveringen til rettslig inkasso",
  },
  fee: { reminder: "Purregebyret", "collection-notice": "Gebyret for inkassovarselet", "payment-demand": "Salæret" },
  service: { broadband: "Bredbåndet", "power-meter": "Strømmen" },
  // Nothing is sent by answering: the page around the answer says how to reach customer service (a form, contacts).
  handOverUnsure: "Jeg er ikke sikker på at jeg forstod spørsmålet. Kundeservice kan svare deg på det.",
  handOverAsked: "Kundeservice kan hjelpe deg med det.",
  paymentReceived: (what, when, invoice) => `Ja, vi har mottatt ${what} ${when} på ${invoice}.`,
  paymentNone: "Vi har ikke registrert noen betaling på kravene dine ennå.",
  paymentNoneGeneral:
    "Betaling med Vipps eller kort vises med en gang. Betaling fra nettbanken vises når banken har overført pengene til oss.",
  paidLink: (invoice) => `Jeg har betalt ${invoice}`,
  balanceLine: (invoice, total, parts) => `Du skylder ${total} på ${invoice}${parts}.`,
  balanceParts: (principal, fees, interest) => ` (${principal} + gebyrer ${fees} + renter ${interest})`,
  balanceTotal: (total) => `Til sammen ${total}.`,
  balanceNone: "Du skylder ikke noe på kravene dine nå.",
  balanceGeneral: "Logg inn på Min side for å se hva du skylder i dag, med gebyrer og renter.",
  howToPay:
    "Du kan betale med Vipps eller kort fra kravet på Min side eller lenken i SMS-en. Du kan også betale fra nettbanken med KID.",
  howToPayBank: (invoice, kid, account) =>
    account ? `${invoice}: KID ${kid}, konto ${account}.` : `${invoice}: KID ${kid}.`,
  copyHere: "Her er fakturaen:",
  copyLink: (invoice) => `Kopi av ${invoice} (PDF)`,
  copyGeneral: "Du finner kopi av fakturaen og alle brevene under Dokumenter på kravet på Min side.",
  deferral: "Du kan be om utsettelse her. Er det innenfor det kreditoren tillater, får du svar med en gang.",
  deferralLink: (invoice) => `Be om utsettelse på ${invoice}`,
  plan: "Du kan velge en nedbetalingsplan her. Du ser hvert avdrag, gebyr og hva det koster til sammen før du velger.",
  planLink: (invoice) => `Nedbetalingsplan for ${invoice}`,
  formsGeneral: "Logg inn på Min side og velg kravet for å be om utsettelse eller en nedbetalingsplan.",
  dispute: "Er du uenig i kravet, kan du sende en innsigelse her. Vi venter med neste steg mens kreditoren ser på den.",
  disputeLink: (invoice) => `Send innsigelse på ${invoice}`,
  disputeGeneral: "Er du uenig i kravet, logg inn på Min side, velg kravet og send en innsigelse.",
  feeLine: (fee, amt, letter, on, basis) => `${fee} på ${amt} kom med ${letter} ${on} (${basis}).`,
  feeLineNoLetter: (fee, amt, basis) => `${fee} på ${amt} (${basis}).`,
  feeLetterLink: (letter, on) => `${letter[0]!.toUpperCase()}${letter.slice(1)} ${on} (PDF)`,
  feesNone: "Det er ikke lagt gebyrer på kravene dine.",
  feesGeneral:
    "Et gebyr legges bare til med et brev som har nådd deg, og aldri over lovens grenser. Brevet som la det til, står på kravet.",
  nextStep: (invoice, step, on, basis) =>
    `Betaler du ikke ${invoice}, er neste steg ${step} ${on} (${basis}). Betaler du før det, skjer det ikke.`,
  consequencesGeneral:
    "Betaler du ikke, kommer purring, så inkassovarsel og deretter inkasso, hvert steg med sin frist. Hvert brev sier hva som skjer og når.",
  serviceState: (service, invoice, state) =>
    ({
      active: `${service} på ${invoice} er åpent.`,
      reopening: `${service} på ${invoice} blir åpnet nå: vi har gitt leverandøren beskjed.`,
      suspending: `${service} på ${invoice} er i ferd med å bli stengt. Det åpnes igjen når det som er forfalt, er betalt.`,
      suspended: `${service} på ${invoice} er stengt. Det åpnes av seg selv, vanligvis innen et minutt, når det som er forfalt, er betalt.`,
      failed: `${service} på ${invoice} har ikke latt seg åpne ennå. Kundeservice ser på det.`,
      escalated: `${service} på ${invoice} har ikke latt seg åpne ennå. Kundeservice ser på det.`,
    })[state],
  serviceNone: "Ingen av kravene dine har en tjeneste som er stengt.",
  changeContact:
    "Telefon, e-post og hvordan du vil ha varsler, endrer du under Innstillinger på Min side. Brevene går dit fra neste brev.",
  other:
    "Jeg kan svare på om vi har fått betalingen din, hva du skylder, hvordan du betaler, kopi av fakturaen, utsettelse, nedbetalingsplan, gebyrer og hva som skjer videre. Vil du snakke med en person, si ifra.",
};

const NN: Words = {
  invoice: (c) => `faktura ${c.invoiceNumber} frå ${c.creditorName}`,
  letter: {
    "lets-pay-sms": "betalingspåminninga på SMS",
    reminder: "purringa",
    "collection-notice": "inkassovarselet",
    "payment-demand": "betalingsoppmodinga",
    "suspension-notice": "stengjevarselet",
    suspension: "stenginga",
    "legal-handoff": "overleveringa til rettsleg inkasso",
  },
  fee: { reminder: "Purregebyret", "collection-notice": "Gebyret for inkassovarselet", "payment-demand": "Salæret" },
  service: { broadband: "Breibandet", "power-meter": "Straumen" },
  handOverUnsure: "Eg er ikkje sikker på at eg forstod spørsmålet. Kundeservice kan svare deg på det.",
  handOverAsked: "Kundeservice kan hjelpe deg med det.",
  paymentReceived: (what, when, invoice) => `Ja, vi har motteke ${what} ${when} på ${invoice}.`,
  paymentNone: "Vi har ikkje registrert nokon betaling på krava dine enno.",
  paidLink: (invoice) => `Eg har betalt ${invoice}`,
  paymentNoneGeneral:
    "Betaling med Vipps eller kort syner med ein gong. Betaling frå nettbanken syner når banken har overført pengane til oss.",
  balanceLine: (invoice, total, parts) => `Du skuldar ${total} på ${invoice}${parts}.`,
  balanceTotal: (total) => `Til saman ${total}.`,
  balanceNone: "Du skuldar ikkje noko på krava dine no.",
  balanceGeneral: "Logg inn på Min side for å sjå kva du skuldar i dag, med gebyr og renter.",
  balanceParts: (principal, fees, interest) => ` (${principal} + gebyr ${fees} + renter ${interest})`,
  howToPay:
    "Du kan betale med Vipps eller kort frå kravet på Min side eller lenkja i SMS-en. Du kan òg betale frå nettbanken med KID.",
  howToPayBank: (invoice, kid, account) =>
    account ? `${invoice}: KID ${kid}, konto ${account}.` : `${invoice}: KID ${kid}.`,
  copyHere: "Her er fakturaen:",
  copyLink: (invoice) => `Kopi av ${invoice} (PDF)`,
  copyGeneral: "Du finn kopi av fakturaen og alle breva under Dokument på kravet på Min side.",
  deferral: "Du kan be om utsetjing her. Er det innanfor det kreditoren tillèt, får du svar med ein gong.",
  deferralLink: (invoice) => `Be om utsetjing på ${invoice}`,
  planLink: (invoice) => `Nedbetalingsplan for ${invoice}`,
  plan: "Du kan velje ein nedbetalingsplan her. Du ser kvart avdrag, gebyr og kva det kostar til saman før du vel.",
  formsGeneral: "Logg inn på Min side og vel kravet for å be om utsetjing eller ein nedbetalingsplan.",
  dispute: "Er du usamd i kravet, kan du sende ei innseiing her. Vi ventar med neste steg medan kreditoren ser på ho.",
  disputeLink: (invoice) => `Send innseiing på ${invoice}`,
  disputeGeneral: "Er du usamd i kravet, logg inn på Min side, vel kravet og send ei innseiing.",
  feeLine: (fee, amt, letter, on, basis) => `${fee} på ${amt} kom med ${letter} ${on} (${basis}).`,
  feeLineNoLetter: (fee, amt, basis) => `${fee} på ${amt} (${basis}).`,
  feeLetterLink: (letter, on) => `${letter[0]!.toUpperCase()}${letter.slice(1)} ${on} (PDF)`,
  feesNone: "Det er ikkje lagt gebyr på krava dine.",
  feesGeneral:
    "Eit gebyr blir berre lagt til med eit brev som har nådd deg, og aldri over grensene i lova. Brevet som la det til, står på kravet.",
  nextStep: (invoice, step, on, basis) =>
    `Betaler du ikkje ${invoice}, er neste steg ${step} ${on} (${basis}). Betaler du før det, skjer det ikkje.`,
  consequencesGeneral:
    "Betaler du ikkje, kjem purring, så inkassovarsel og deretter inkasso, kvart steg med sin frist. Kvart brev seier kva som skjer og når.",
  serviceState: (service, invoice, state) =>
    ({
      active: `${service} på ${invoice} er ope.`,
      reopening: `${service} på ${invoice} blir opna no: vi har gjeve leverandøren beskjed.`,
      suspending: `${service} på ${invoice} er i ferd med å bli stengt. Det blir opna att når det som er forfalle, er betalt.`,
      suspended: `${service} på ${invoice} er stengt. Det blir opna av seg sjølv, vanlegvis innan eitt minutt, når det som er forfalle, er betalt.`,
      failed: `${service} på ${invoice} har ikkje late seg opne enno. Kundeservice ser på det.`,
      escalated: `${service} på ${invoice} har ikkje late seg opne enno. Kundeservice ser på det.`,
    })[state],
  serviceNone: "Ingen av krava dine har ei teneste som er stengd.",
  changeContact:
    "Telefon, e-post og korleis du vil ha varsel, endrar du under Innstillingar på Min side. Breva går dit frå neste brev.",
  other:
    "Eg kan svare på om vi har fått betalinga di, kva du skuldar, korleis du betaler, kopi av fakturaen, utsetjing, nedbetalingsplan, gebyr og kva som skjer vidare. Vil du snakke med ein person, sei frå.",
};

const EN: Words = {
  invoice: (c) => `invoice ${c.invoiceNumber} from ${c.creditorName}`,
  letter: {
    "lets-pay-sms": "the payment reminder by SMS",
    reminder: "the reminder",
    "collection-notice": "the debt collection notice",
    "payment-demand": "the payment demand",
    "suspension-notice": "the suspension notice",
    suspension: "the suspension",
    "legal-handoff": "the hand-over to legal collection",
  },
  fee: {
    reminder: "The reminder fee",
    "collection-notice": "The collection notice fee",
    "payment-demand": "The collection fee",
  },
  service: { broadband: "The broadband", "power-meter": "The power" },
  handOverUnsure: "I am not sure I understood the question. Customer service can answer that.",
  handOverAsked: "Customer service can help you with that.",
  paymentReceived: (what, when, invoice) => `Yes, we received ${what} on ${when} for ${invoice}.`,
  paymentNone: "We have not registered any payment on your claims yet.",
  paymentNoneGeneral:
    "A payment by Vipps or card shows at once. A payment from your online bank shows when the bank has transferred the money to us.",
  paidLink: (invoice) => `I have paid ${invoice}`,
  balanceLine: (invoice, total, parts) => `You owe ${total} on ${invoice}${parts}.`,
  balanceParts: (principal, fees, interest) => ` (${principal} + fees ${fees} + interest ${interest})`,
  balanceTotal: (total) => `${total} in all.`,
  balanceNone: "You owe nothing on your claims now.",
  balanceGeneral: "Sign in to Min side to see what you owe today, with fees and interest.",
  howToPay:
    "You can pay by Vipps or card from the claim on Min side or the link in the text message. You can also pay from your online bank with the KID.",
  howToPayBank: (invoice, kid, account) =>
    account ? `${invoice}: KID ${kid}, account ${account}.` : `${invoice}: KID ${kid}.`,
  copyHere: "Here is the invoice:",
  copyLink: (invoice) => `Copy of ${invoice} (PDF)`,
  copyGeneral: "You find a copy of the invoice and every letter under Documents on the claim on Min side.",
  deferral: "You can ask for more time here. Within what the creditor allows, you get the answer at once.",
  deferralLink: (invoice) => `Ask for more time on ${invoice}`,
  plan: "You can choose an instalment plan here. You see every instalment, fee and the total cost before you choose.",
  planLink: (invoice) => `Instalment plan for ${invoice}`,
  formsGeneral: "Sign in to Min side and choose the claim to ask for more time or an instalment plan.",
  dispute:
    "If you disagree with the claim, you can send an objection here. We wait with the next step while the creditor looks at it.",
  disputeLink: (invoice) => `Object to ${invoice}`,
  disputeGeneral: "If you disagree with the claim, sign in to Min side, choose the claim and send an objection.",
  feeLine: (fee, amt, letter, on, basis) => `${fee} of ${amt} came with ${letter} on ${on} (${basis}).`,
  feeLineNoLetter: (fee, amt, basis) => `${fee} of ${amt} (${basis}).`,
  feeLetterLink: (letter, on) => `${letter[0]!.toUpperCase()}${letter.slice(1)}, ${on} (PDF)`,
  feesNone: "No fees have been added to your claims.",
  feesGeneral:
    "A fee is only added with a letter that has reached you, and never above the legal limits. The claim shows the letter that added it.",
  nextStep: (invoice, step, on, basis) =>
    `If ${invoice} is not paid, the next step is ${step} on ${on} (${basis}). If you pay before then, it does not happen.`,
  consequencesGeneral:
    "If you do not pay, a reminder comes, then a debt collection notice and then collection, each step with its own deadline. Each letter says what happens and when.",
  serviceState: (service, invoice, state) =>
    ({
      active: `${service} on ${invoice} is open.`,
      reopening: `${service} on ${invoice} is being reopened: we have told the provider.`,
      suspending: `${service} on ${invoice} is being suspended. It is reopened when what is overdue is paid.`,
      suspended: `${service} on ${invoice} is suspended. It reopens by itself, usually within a minute, once what is overdue is paid.`,
      failed: `${service} on ${invoice} could not be reopened yet. Customer service is looking into it.`,
      escalated: `${service} on ${invoice} could not be reopened yet. Customer service is looking into it.`,
    })[state],
  serviceNone: "None of your claims has a service that is suspended.",
  changeContact:
    "You change your phone, e-mail and how you want alerts under Settings on Min side. Letters go there from the next one.",
  other:
    "I can tell you whether we have your payment, what you owe, how to pay, a copy of the invoice, more time, an instalment plan, fees and what happens next. If you want to talk to a person, just say so.",
};

const WORDS: Record<AssistantLang, Words> = { nb: NB, nn: NN, en: EN };

// ---------------------------------------------------------------------------------------------------------------
// Replies

const OPEN: readonly CaseStatus[] = ["open", "on-hold", "disputed", "handed-off"];

function isOpen(c: AssistantCase): boolean {
  return OPEN.includes(c.status);
}

function reply(
  intent: Intent,
  lines: readonly string[],
  links: AssistantLink[] = [],
  handOver = false,
): AssistantReply {
  return { intent, text: lines.join(" "), links, handOver };
}

/** The assistant's reply to a classified question. */
export function composeAssistantReply(question: AssistantQuestion): AssistantReply {
  const { intent, lang } = question;
  const w = WORDS[lang];
  if (intent === "contact-human") return reply(intent, [w.handOverAsked], [], true);
  if (question.confidence < HAND_OVER_BELOW) return reply(intent, [w.handOverUnsure], [], true);

  const cases = question.cases;
  const open = cases.filter(isOpen).slice(0, MAX_CASES);
  const signedIn = cases.length > 0;

  switch (intent) {
    case "payment-status": {
      const latest = cases
        .flatMap((c) => c.payments.map((p) => ({ c, p })))
        .sort((a, b) => Date.parse(b.p.receivedAt) - Date.parse(a.p.receivedAt));
      // The latest payment on each case, newest first.
      const seen = new Set<string>();
      const lines = latest
        .filter(({ c }) => !seen.has(`${c.tenantId}/${c.caseId}`) && seen.add(`${c.tenantId}/${c.caseId}`))
        .slice(0, MAX_CASES)
        .map(({ c, p }) => w.paymentReceived(amount(p.amount, lang), dayAndTime(p.receivedAt, lang), w.invoice(c)));
      if (lines.length > 0) return reply(intent, lines);
      if (!signedIn) return reply(intent, [w.paymentNoneGeneral]);
      return reply(
        intent,
        [w.paymentNone, w.paymentNoneGeneral],
        open.map((c) => ({ label: w.paidLink(w.invoice(c)), href: caseHref(c, "jeg-har-betalt") })),
      );
    }
    case "balance": {
      if (!signedIn) return reply(intent, [w.balanceGeneral]);
      const owing = open.filter((c) => c.balance.total.value > 0);
      if (owing.length === 0) return reply(intent, [w.balanceNone]);
      const lines = owing.map((c) => {
        const b = c.balance;
        const parts =
          b.fees.value > 0 || b.interest.value > 0
            ? w.balanceParts(amount(b.principal, lang), amount(b.fees, lang), amount(b.interest, lang))
            : "";
        return w.balanceLine(w.invoice(c), amount(b.total, lang), parts);
      });
      const currencies = new Set(owing.map((c) => c.balance.total.currency));
      if (owing.length > 1 && currencies.size === 1) {
        const total = sum(
          owing.map((c) => c.balance.total),
          owing[0]!.balance.total.currency,
        );
        lines.push(w.balanceTotal(amount(total, lang)));
      }
      return reply(intent, lines);
    }
    case "how-to-pay": {
      const bank = open
        .filter((c) => c.kid !== undefined && c.balance.total.value > 0)
        .map((c) => w.howToPayBank(w.invoice(c), c.kid!, c.accountNumber));
      return reply(intent, [w.howToPay, ...bank]);
    }
    case "invoice-copy": {
      const copies = cases.filter((c) => c.invoiceCopyHref !== undefined).slice(0, MAX_CASES);
      if (copies.length === 0) return reply(intent, [w.copyGeneral]);
      return reply(
        intent,
        [w.copyHere],
        copies.map((c) => ({ label: w.copyLink(w.invoice(c)), href: c.invoiceCopyHref! })),
      );
    }
    case "deferral":
    case "instalment-plan": {
      const deferral = intent === "deferral";
      if (open.length === 0) return reply(intent, [signedIn ? w.balanceNone : w.formsGeneral]);
      return reply(
        intent,
        [deferral ? w.deferral : w.plan],
        open.map((c) => ({
          label: deferral ? w.deferralLink(w.invoice(c)) : w.planLink(w.invoice(c)),
          href: caseHref(c, deferral ? "utsettelse" : "nedbetaling"),
        })),
      );
    }
    case "dispute": {
      if (open.length === 0) return reply(intent, [w.disputeGeneral]);
      return reply(
        intent,
        [w.dispute],
        open.map((c) => ({ label: w.disputeLink(w.invoice(c)), href: caseHref(c, "innsigelse") })),
      );
    }
    case "fee-explanation": {
      if (!signedIn) return reply(intent, [w.feesGeneral]);
      const withFees = cases.filter((c) => c.fees.length > 0).slice(0, MAX_CASES);
      if (withFees.length === 0) return reply(intent, [w.feesNone]);
      const lines: string[] = [];
      const links: AssistantLink[] = [];
      for (const c of withFees) {
        for (const f of c.fees) {
          const fee = `${w.fee[f.kind]} (${w.invoice(c)})`;
          if (f.letter) {
            const letter = w.letter[f.letter.kind];
            lines.push(w.feeLine(fee, amount(f.amount, lang), letter, day(f.letter.on, lang), f.legalBasis));
            if (f.letter.href)
              links.push({ label: w.feeLetterLink(letter, day(f.letter.on, lang)), href: f.letter.href });
          } else {
            lines.push(w.feeLineNoLetter(fee, amount(f.amount, lang), f.legalBasis));
          }
        }
      }
      return reply(intent, lines, links);
    }
    case "consequences": {
      const next = open.filter((c) => c.nextStep !== null);
      if (next.length === 0) return reply(intent, [w.consequencesGeneral]);
      return reply(
        intent,
        next.map((c) =>
          w.nextStep(w.invoice(c), w.letter[c.nextStep!.kind], day(c.nextStep!.on, lang), c.nextStep!.legalBasis),
        ),
      );
    }
    case "service-reopen": {
      const services = cases
        .flatMap((c) => c.services.map((s) => ({ c, s })))
        .filter(({ s }) => s.state !== "active")
        .slice(0, MAX_CASES);
      if (services.length === 0) return reply(intent, [w.serviceNone]);
      const stuck = services.some(({ s }) => s.state === "failed" || s.state === "escalated");
      return reply(
        intent,
        services.map(({ c, s }) => w.serviceState(w.service[s.kind], w.invoice(c), s.state)),
        [],
        stuck,
      );
    }
    case "change-contact":
      return reply(intent, [w.changeContact]);
    case "other":
      return reply(intent, [w.other]);
  }
}
