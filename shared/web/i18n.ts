/**
 * Every text the pay page, its receipt and its notice pages show, in Norwegian bokmål (the default) and English.
 * One dictionary per language with the same keys (the English one is typed by the Norwegian one's keys). Texts are
 * plain text with `{name}` placeholders: the templates escape them, so never put HTML in a text or a parameter.
 *
 * Tone: kind and plain. Say what happened and what the person can do; never threaten.
 */
import { DateTime } from "luxon";
import type { LocalDate } from "../domain/calendar";
import { formatMoney, type Money } from "../domain/money";
import type { PaymentMethod } from "../ports/payment-provider";
import type { AllocationPart } from "../domain/allocation";
import type { PayFormError, PayFormErrorCode } from "../application/payments/pay-page-model";
import type { Lang } from "./pay-page-model";

const nb = {
  // page shell
  langSwitch: "English",
  sender: "Fra {creditor}",
  logoAlt: "Logo for {creditor}",
  contact: "Har du spørsmål om kravet? Ta kontakt med {creditor}.",
  creditorFallback: "den som sendte deg fakturaen",
  expires: "Denne lenken virker til {date}.",
  // pay page
  payTitleOne: "Faktura fra {creditor}",
  payTitleMany: "Fakturaer fra {creditor}",
  payIntro: "Her ser du hva som gjenstår å betale. Du kan betale med en gang.",
  invoiceHeading: "Faktura {number}",
  invoice: "Faktura",
  description: "Gjelder",
  dueDate: "Forfallsdato",
  kid: "KID (for nettbank)",
  invoiced: "Fakturert",
  principal: "Hovedstol",
  fees: "Gebyrer",
  interest: "Renter",
  caseTotal: "Å betale for denne fakturaen",
  statusPaid: "Denne fakturaen er betalt.",
  statusDisputed: "Du har sagt fra at du er uenig i kravet. Saken står stille mens det blir sett på.",
  statusOnHold: "Saken er satt på pause.",
  suspended: "Tjenesten din er stengt nå. Den åpnes igjen når fakturaen er betalt.",
  suspendedReopen: "Tjenesten din er stengt nå. Betal {amount} for å åpne igjen i dag.",
  totalToPay: "Totalt å betale",
  payHeading: "Betal",
  optionLegend: "Hvor mye vil du betale?",
  optionFull: "Betal hele beløpet",
  optionInstalment: "Betal avdraget som forfaller {date}",
  optionReopen: "Betal {amount} for å åpne tjenesten igjen i dag",
  optionCustom: "Betal et annet beløp (minst {min})",
  amountLabel: "Beløp",
  amountHint: "Minst {min} og høyst {max}. Skriv for eksempel {example} eller {exampleWithOre}.",
  coverLabel: "Hva skal innbetalingen dekke først?",
  coverHint: "Har bare betydning hvis du ikke betaler alt. Vanlig rekkefølge er slik {creditor} fører det.",
  coverDefault: "Vanlig rekkefølge",
  coverPrincipal: "Hovedstolen (selve fakturabeløpet)",
  coverInterest: "Renter",
  coverFees: "Gebyrer",
  methodsIntro: "Velg hvordan du vil betale:",
  payVipps: "Betal med Vipps",
  payCard: "Betal med kort",
  bankHeading: "Betal fra nettbanken",
  bankHeadingAlt: "Vil du heller betale fra nettbanken?",
  bankIntro: "Bruk kontonummeret og KID-en for hver faktura. Da blir betalingen ført på riktig sak.",
  accountNumber: "Kontonummer",
  amount: "Beløp",
  allPaid: "Alt er betalt — takk!",
  allPaidBody: "Du trenger ikke gjøre noe mer.",
  errorSummaryTitle: "Dette må rettes før du kan betale",
  errorPrefix: "Feil:",
  // form errors (one per PayFormErrorCode)
  METHOD_INVALID: "Velg om du vil betale med Vipps eller kort.",
  OPTION_UNAVAILABLE: "Dette valget er ikke lenger mulig. Velg et av alternativene.",
  AMOUNT_MISSING: "Skriv inn beløpet du vil betale.",
  AMOUNT_INVALID: "Skriv beløpet med tall, for eksempel 1500 eller 1500,50.",
  AMOUNT_BELOW_MINIMUM: "Beløpet må være minst {min}.",
  AMOUNT_BELOW_MINIMUM_PLAIN: "Beløpet er lavere enn det minste du kan betale her.",
  AMOUNT_ABOVE_BALANCE: "Beløpet kan ikke være høyere enn det du skylder, som er {max}.",
  AMOUNT_ABOVE_BALANCE_PLAIN: "Beløpet er høyere enn det du skylder.",
  COVER_INVALID: "Velg hva innbetalingen skal dekke først.",
  PROVIDER_UNAVAILABLE:
    "Vi fikk ikke startet betalingen akkurat nå. Prøv igjen om litt, eller betal fra nettbanken med KID.",
  // receipt
  receiptPendingTitle: "Vi venter på bekreftelse av betalingen …",
  receiptPendingBody: "Dette tar vanligvis bare noen sekunder. Siden oppdateres av seg selv.",
  receiptRefresh: "Oppdater siden nå",
  receiptPaidTitle: "Betalt",
  receiptPaidBody: "Takk! Vi har fått {amount} ({method}).",
  receiptPaidBodyPlain: "Takk for betalingen!",
  receiptRemainingHeading: "Dette gjenstår",
  receiptStatusHeading: "Status",
  receiptCaseRemaining: "Gjenstår å betale: {amount}",
  receiptCasePaid: "Saken er betalt",
  receiptCasePaidWithCredit:
    "Saken er betalt. Du har betalt {amount} mer enn du skyldte (for eksempel to ganger). {creditor} betaler det tilbake til deg, eller holder det til gode for deg.",
  receiptBack: "Tilbake til fakturaen",
  receiptFailedTitle: "Betalingen ble ikke fullført",
  receiptNotCharged: "Ingen penger er trukket for denne betalingen.",
  receiptTryAgain: "Prøv å betale igjen",
  receiptServiceHeading: "Tjenesten din",
  serviceBroadband: "Bredbåndet ditt",
  servicePower: "Strømmen din",
  receiptServiceReopened: "{service} er åpnet igjen kl. {time}.",
  receiptServiceReopening:
    "{service} åpnes igjen nå. Det tar vanligvis under ett minutt. Siden oppdateres av seg selv, og du trenger ikke gjøre noe mer.",
  receiptServiceDelayed:
    "{service} åpnes litt senere enn vanlig. Vi er varslet og følger det opp – du trenger ikke gjøre noe.",
  receiptServiceClosed: "{service} er fortsatt stengt, og åpnes igjen når det som har forfalt er betalt.",
  receiptServiceManual: "{service} er stengt av kundeservice hos {creditor}. Ta kontakt med dem for å få åpnet igjen.",
  bankServiceNote:
    "Betaler du fra nettbanken, åpnes tjenesten først når betalingen har kommet fram til oss, vanligvis neste virkedag. Betal med Vipps eller kort for å få den åpnet med en gang.",
  bankServiceNotePlain:
    "Tjenesten åpnes igjen når betalingen har kommet fram til oss, vanligvis neste virkedag etter at du betalte.",
  failCancelled: "Betalingen ble avbrutt før den var ferdig.",
  failExpired: "Betalingen ble ikke fullført i tide.",
  failRefused: "Betalingstjenesten godtok ikke betalingen.",
  failUnknown: "Betalingen ble ikke godkjent.",
  methodVipps: "Vipps",
  methodCard: "kort",
  // pay page: the words of the claim's stage (what the last message or letter said)
  titleReminder: "Purring fra {creditor}",
  titleCollectionNotice: "Inkassovarsel fra {creditor}",
  titleCollection: "Betal nå: krav fra {creditor}",
  payHeadingReminder: "Betal purringen",
  payHeadingCollectionNotice: "Betal inkassovarselet",
  payHeadingCollection: "Betal nå",
  payVippsReminder: "Betal purringen med Vipps",
  payCardReminder: "Betal purringen med kort",
  payVippsCollectionNotice: "Betal inkassovarselet med Vipps",
  payCardCollectionNotice: "Betal inkassovarselet med kort",
  payVippsCollection: "Betal nå med Vipps",
  payCardCollection: "Betal nå med kort",
  feeReminder: "Purregebyr",
  feeCollectionNotice: "Gebyr for inkassovarsel",
  feePaymentDemand: "Gebyr for betalingsoppfordring",
  feesPaid: "Allerede betalt av gebyrene",
  letterLink: "{letter} {date} (PDF)",
  letterOther: "Brev",
  contactCreditor: "Har du spørsmål om kravet? Kontakt {name}:",
  contactAgency: "Spørsmål om betalingen eller denne siden? Kontakt {name}:",
  agencyFallback: "betalingstjenesten",
  contactPhone: "telefon {phone}",
  contactEmail: "{email}",
  contactWeb: "{web}",
  // receipt: what happened
  receiptPartialTitle: "Delbetaling mottatt",
  receiptPaidAt: "Vi har fått {amount} ({method}) {date} kl. {time}. Takk!",
  receiptCoveredHeading: "Dette dekket betalingen",
  receiptCredit: "Til gode hos {creditor}",
  receiptNext: "Neste steg: {step} {date}, hvis resten ikke er betalt før det.",
  receiptPdf: "Last ned kvitteringen (PDF)",
  receiptReferenceLabel: "Referanse:",
  stepLetsPay: "påminnelse på SMS",
  stepReminder: "purring",
  stepCollectionNotice: "inkassovarsel",
  stepPaymentDemand: "betalingsoppfordring",
  stepSuspensionNotice: "varsel om stenging",
  stepSuspension: "stenging av tjenesten",
  stepLegalHandoff: "saken sendes videre til inkasso",
  stepInstalmentReminder: "påminnelse om neste avdrag",
  stepInstalmentMissed: "avtalen faller bort hvis avdraget ikke er betalt",
  // notices
  unknownTitle: "Vi finner ikke denne lenken",
  unknownBody: "Sjekk at du fikk med hele lenken fra meldingen, uten mellomrom.",
  unknownHelp: "Du kan også betale fra nettbanken med KID-en og kontonummeret på fakturaen, eller kontakte {creditor}.",
  expiredTitle: "Denne lenken har utløpt",
  expiredBody: "Betalingslenker virker bare en stund, for å beskytte deg.",
  expiredHelp: "Du kan fortsatt betale fra nettbanken med KID-en og kontonummeret på brevet eller fakturaen.",
  expiredNewLink: "Du kan også be {creditor} om en ny lenke.",
  rateLimitedTitle: "Vent litt før du prøver igjen",
  rateLimitedBody: "Det har kommet mange forespørsler på kort tid.",
  rateLimitedWait: "Vent et minutt, og prøv igjen.",
  rateLimitedWaitSeconds: "Vent {seconds} sekunder, og prøv igjen.",
  rateLimitedWaitMinutes: "Vent {minutes} minutter, og prøv igjen.",
  unavailableTitle: "Siden er ikke tilgjengelig akkurat nå",
  unavailableBody: "Vi jobber med å få den i gang igjen. Prøv igjen om noen minutter.",
  unavailableHelp: "Du kan også betale fra nettbanken med KID-en og kontonummeret på fakturaen.",
} as const;

export type TextKey = keyof typeof nb;

const en: Record<TextKey, string> = {
  langSwitch: "Norsk",
  sender: "From {creditor}",
  logoAlt: "{creditor} logo",
  contact: "Questions about the claim? Please contact {creditor}.",
  creditorFallback: "the company that sent you the invoice",
  expires: "This link works until {date}.",
  payTitleOne: "Invoice from {creditor}",
  payTitleMany: "Invoices from {creditor}",
  payIntro: "Here you can see what is left to pay. You can pay right away.",
  invoiceHeading: "Invoice {number}",
  invoice: "Invoice",
  description: "For",
  dueDate: "Due date",
  kid: "KID (for online banking)",
  invoiced: "Invoiced",
  principal: "Principal",
  fees: "Fees",
  interest: "Interest",
  caseTotal: "To pay for this invoice",
  statusPaid: "This invoice is paid.",
  statusDisputed: "You have told us you disagree with the claim. The case is on hold while it is looked into.",
  statusOnHold: "The case is on hold.",
  suspended: "Your service is suspended. It will be reopened when the invoice is paid.",
  suspendedReopen: "Your service is suspended. Pay {amount} to reopen it today.",
  totalToPay: "Total to pay",
  payHeading: "Pay",
  optionLegend: "How much do you want to pay?",
  optionFull: "Pay the full amount",
  optionInstalment: "Pay the instalment due {date}",
  optionReopen: "Pay {amount} to reopen the service today",
  optionCustom: "Pay another amount (at least {min})",
  amountLabel: "Amount",
  amountHint: "At least {min} and at most {max}. For example {example} or {exampleWithOre}.",
  coverLabel: "What should the payment cover first?",
  coverHint: "Only matters if you do not pay everything. The usual order is how {creditor} applies payments.",
  coverDefault: "The usual order",
  coverPrincipal: "The principal (the invoice amount itself)",
  coverInterest: "Interest",
  coverFees: "Fees",
  methodsIntro: "Choose how you want to pay:",
  payVipps: "Pay with Vipps",
  payCard: "Pay by card",
  bankHeading: "Pay from your online bank",
  bankHeadingAlt: "Prefer to pay from your online bank?",
  bankIntro: "Use the account number and the KID of each invoice, so the payment reaches the right case.",
  accountNumber: "Account number",
  amount: "Amount",
  allPaid: "Everything is paid — thank you!",
  allPaidBody: "You do not need to do anything more.",
  errorSummaryTitle: "Please fix this before you pay",
  errorPrefix: "Error:",
  METHOD_INVALID: "Choose whether to pay with Vipps or by card.",
  OPTION_UNAVAILABLE: "This choice is no longer available. Please choose one of the options.",
  AMOUNT_MISSING: "Enter the amount you want to pay.",
  AMOUNT_INVALID: "Write the amount in numbers, for example 1500 or 1500.50.",
  AMOUNT_BELOW_MINIMUM: "The amount must be at least {min}.",
  AMOUNT_BELOW_MINIMUM_PLAIN: "The amount is lower than the least you can pay here.",
  AMOUNT_ABOVE_BALANCE: "The amount cannot be more than you owe, which is {max}.",
  AMOUNT_ABOVE_BALANCE_PLAIN: "The amount is more than you owe.",
  COVER_INVALID: "Choose what the payment should cover first.",
  PROVIDER_UNAVAILABLE:
    "We could not start the payment just now. Please try again in a little while, or pay from your online bank with the KID.",
  receiptPendingTitle: "We are waiting for the payment to be confirmed …",
  receiptPendingBody: "This usually takes only a few seconds. The page refreshes by itself.",
  receiptRefresh: "Refresh the page now",
  receiptPaidTitle: "Paid",
  receiptPaidBody: "Thank you! We have received {amount} ({method}).",
  receiptPaidBodyPlain: "Thank you for your payment!",
  receiptRemainingHeading: "What is left",
  receiptStatusHeading: "Status",
  receiptCaseRemaining: "Still to pay: {amount}",
  receiptCasePaid: "This case is paid",
  receiptCasePaidWithCredit:
    "This case is paid. You have paid {amount} more than you owed (twice, for example). {creditor} pays it back to you or keeps it in your favour.",
  receiptBack: "Back to the invoice",
  receiptFailedTitle: "The payment was not completed",
  receiptNotCharged: "No money has been taken for this payment.",
  receiptTryAgain: "Try to pay again",
  receiptServiceHeading: "Your service",
  serviceBroadband: "Your broadband",
  servicePower: "Your power supply",
  receiptServiceReopened: "{service} was reopened at {time}.",
  receiptServiceReopening:
    "{service} is being reopened now. This usually takes less than a minute. The page refreshes by itself; there is nothing more you need to do.",
  receiptServiceDelayed:
    "{service} is taking longer than usual to reopen. We have been alerted and are following it up – there is nothing you need to do.",
  receiptServiceClosed: "{service} is still suspended and will be reopened when what is overdue has been paid.",
  receiptServiceManual:
    "{service} has been suspended by customer service at {creditor}. Please contact them to have it reopened.",
  bankServiceNote:
    "If you pay from your bank, the service is reopened only when the payment reaches us, usually the next working day. Pay with Vipps or card to have it reopened right away.",
  bankServiceNotePlain:
    "The service is reopened when the payment reaches us, usually the next working day after you paid.",
  failCancelled: "The payment was cancelled before it was finished.",
  failExpired: "The payment was not completed in time.",
  failRefused: "The payment service did not accept the payment.",
  failUnknown: "The payment was not approved.",
  methodVipps: "Vipps",
  methodCard: "card",
  titleReminder: "Payment reminder from {creditor}",
  titleCollectionNotice: "Debt collection notice from {creditor}",
  titleCollection: "Pay now: claim from {creditor}",
  payHeadingReminder: "Pay the reminder",
  payHeadingCollectionNotice: "Pay the collection notice",
  payHeadingCollection: "Pay now",
  payVippsReminder: "Pay the reminder with Vipps",
  payCardReminder: "Pay the reminder by card",
  payVippsCollectionNotice: "Pay the collection notice with Vipps",
  payCardCollectionNotice: "Pay the collection notice by card",
  payVippsCollection: "Pay now with Vipps",
  payCardCollection: "Pay now by card",
  feeReminder: "Reminder fee",
  feeCollectionNotice: "Collection notice fee",
  feePaymentDemand: "Payment demand fee",
  feesPaid: "Fees already paid",
  letterLink: "{letter} {date} (PDF)",
  letterOther: "Letter",
  contactCreditor: "Questions about the claim? Contact {name}:",
  contactAgency: "Questions about the payment or this page? Contact {name}:",
  agencyFallback: "the payment service",
  contactPhone: "phone {phone}",
  contactEmail: "{email}",
  contactWeb: "{web}",
  receiptPartialTitle: "Part payment received",
  receiptPaidAt: "We have received {amount} ({method}) on {date} at {time}. Thank you!",
  receiptCoveredHeading: "What the payment covered",
  receiptCredit: "In your favour at {creditor}",
  receiptNext: "Next step: {step} on {date}, unless the rest is paid before then.",
  receiptPdf: "Download the receipt (PDF)",
  receiptReferenceLabel: "Reference:",
  stepLetsPay: "a reminder by SMS",
  stepReminder: "a payment reminder",
  stepCollectionNotice: "a debt collection notice",
  stepPaymentDemand: "a payment demand",
  stepSuspensionNotice: "a notice of disconnection",
  stepSuspension: "the service is suspended",
  stepLegalHandoff: "the claim is passed on for collection",
  stepInstalmentReminder: "a reminder of the next instalment",
  stepInstalmentMissed: "the plan ends if the instalment is unpaid",
  unknownTitle: "We cannot find this link",
  unknownBody: "Please check that you copied the whole link from the message, without spaces.",
  unknownHelp:
    "You can also pay from your online bank with the KID and account number on the invoice, or contact {creditor}.",
  expiredTitle: "This link has expired",
  expiredBody: "Payment links only work for a while, to protect you.",
  expiredHelp: "You can still pay from your online bank with the KID and account number on the letter or invoice.",
  expiredNewLink: "You can also ask {creditor} for a new link.",
  rateLimitedTitle: "Please wait a moment before you try again",
  rateLimitedBody: "There have been many requests in a short time.",
  rateLimitedWait: "Please wait a minute and try again.",
  rateLimitedWaitSeconds: "Please wait {seconds} seconds and try again.",
  rateLimitedWaitMinutes: "Please wait {minutes} minutes and try again.",
  unavailableTitle: "This page is not available right now",
  unavailableBody: "We are working on getting it back. Please try again in a few minutes.",
  unavailableHelp: "You can also pay from your online bank with the KID and account number on the invoice.",
};

/** The dictionaries, for the test that both languages have the same keys. */
export const DICTIONARIES: Readonly<Record<Lang, Readonly<Record<TextKey, string>>>> = { nb, en };

/** The text `key` in `lang` with `{name}` placeholders filled in (one pass: parameter values are never re-read). */
export function t(lang: Lang, key: TextKey, params: Readonly<Record<string, string>> = {}): string {
  return DICTIONARIES[lang][key].replace(/\{([a-zA-Z]+)\}/gu, (whole, name: string) => params[name] ?? whole);
}

/**
 * The page language: `?lang=en|nb` wins; otherwise Accept-Language's preferred language among English and
 * Norwegian (nb, no, nn); anything else (or nothing) is Norwegian bokmål.
 */
export function negotiateLang(queryLang: string | null, acceptLanguage: string | null): Lang {
  const query = queryLang?.trim().toLowerCase();
  if (query === "en" || query === "nb") return query;
  if (!acceptLanguage) return "nb";
  const ranges = acceptLanguage
    .split(",")
    .map((part, index) => {
      const [tag = "", ...attrs] = part.trim().split(";");
      const q = attrs.map((a) => /^\s*q\s*=\s*([0-9.]+)\s*$/u.exec(a)?.[1]).find((v) => v !== undefined);
      const quality = q === undefined ? 1 : Number(q);
      return {
        primary: tag.trim().toLowerCase().split("-")[0] ?? "",
        quality: Number.isFinite(quality) ? quality : 0,
        index,
      };
    })
    .filter(
      (r) => r.quality > 0 && (r.primary === "en" || r.primary === "nb" || r.primary === "no" || r.primary === "nn"),
    )
    .sort((a, b) => b.quality - a.quality || a.index - b.index);
  return ranges[0]?.primary === "en" ? "en" : "nb";
}

/** nb: "1 234,50 kr" (with no-break spaces, so an amount never wraps); en: "NOK 1,234.50". */
export function formatAmount(amount: Money, lang: Lang): string {
  return formatMoney(amount, lang === "nb" ? "nb-NO" : "en");
}

/** An ISO instant as the date and the wall-clock time (HH:MM) it is in Norway (Europe/Oslo). */
export function formatInstantDateTime(instant: string, lang: Lang): { date: string; time: string } {
  const d = DateTime.fromISO(instant, { setZone: true }).setZone("Europe/Oslo");
  if (!d.isValid) return { date: instant, time: "" };
  return { date: formatLocalDate(d.toISODate() ?? instant, lang), time: d.toFormat("HH:mm") };
}

/** A calendar date "2026-11-23" as nb "23.11.2026" or en "23 Nov 2026". */
export function formatLocalDate(date: LocalDate, lang: Lang): string {
  const d = DateTime.fromISO(date, { zone: "UTC" });
  if (!d.isValid) return date;
  return lang === "nb" ? d.toFormat("dd.MM.yyyy") : d.setLocale("en-GB").toFormat("d LLL yyyy");
}

/** An ISO instant shown as the date it is in Norway (Europe/Oslo), formatted like `formatLocalDate`. */
export function formatInstantDate(instant: string, lang: Lang): string {
  const d = DateTime.fromISO(instant, { setZone: true }).setZone("Europe/Oslo");
  if (!d.isValid) return instant;
  return formatLocalDate(d.toISODate() ?? instant, lang);
}

/** The message for a refused pay form, naming the minimum or maximum when the error (or `fallback`) carries them. */
export function formErrorMessage(error: PayFormError, lang: Lang, fallback: { min?: Money; max?: Money } = {}): string {
  const min = error.params?.min ?? fallback.min;
  const max = error.params?.max ?? fallback.max;
  const code: PayFormErrorCode = error.code;
  switch (code) {
    case "AMOUNT_BELOW_MINIMUM":
      return min ? t(lang, code, { min: formatAmount(min, lang) }) : t(lang, "AMOUNT_BELOW_MINIMUM_PLAIN");
    case "AMOUNT_ABOVE_BALANCE":
      return max ? t(lang, code, { max: formatAmount(max, lang) }) : t(lang, "AMOUNT_ABOVE_BALANCE_PLAIN");
    default:
      return t(lang, code);
  }
}

/** How a payment method is named in running text ("… (Vipps)", "… (kort)"). */
export function methodName(method: PaymentMethod, lang: Lang): string {
  return t(lang, method === "vipps" ? "methodVipps" : "methodCard");
}

/** The cover choice labels ("" is the creditor's usual order). */
export function coverLabel(part: AllocationPart | "", lang: Lang, creditor: string): string {
  switch (part) {
    case "":
      return t(lang, "coverDefault", { creditor });
    case "principal":
      return t(lang, "coverPrincipal");
    case "interest":
      return t(lang, "coverInterest");
    case "fees":
      return t(lang, "coverFees");
  }
}
