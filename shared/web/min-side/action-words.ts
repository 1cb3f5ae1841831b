/**
 * The texts of Min side's action forms (deferral, instalment plan, dispute, "I have paid"), bokmål (default) and
 * English, same keys. Plain text with `{name}` placeholders; the templates escape them. Kind and plain: say what
 * happens next and what it costs, never threaten.
 */
import type { Lang } from "../pay-page-model";

const nb = {
  back: "Tilbake til kravet",
  claimLine: "Faktura {number} fra {creditor}",
  owedToday: "Å betale i dag",
  dueDate: "Forfallsdato",
  send: "Send",
  errorTitle: "Noe må rettes",
  errorPrefix: "Feil:",
  // deferral
  deferralTitle: "Be om utsettelse",
  deferralIntro: "Trenger du mer tid? Skriv hvor mange dager du vil utsette betalingen.",
  deferralDays: "Antall dager",
  deferralHint:
    "Inntil {max} dager får du med en gang, én gang per krav. Ber du om mer, sender vi spørsmålet til {creditor}, som svarer deg.",
  deferralHintCreditor: "Du har fått utsettelse på dette kravet før. {creditor} avgjør om du kan få mer tid.",
  deferralHintNone: "{creditor} avgjør alle spørsmål om utsettelse.",
  deferralInterest: "Forsinkelsesrenten løper fra den opprinnelige forfallsdatoen, også i utsettelsen.",
  deferralSubmit: "Be om utsettelse",
  // plan
  planTitle: "Betal i avdrag",
  planIntro: "Velg en nedbetalingsplan. Beløpene er regnet ut fra det du skylder i dag.",
  planLegend: "Hvor mange avdrag?",
  planOption: "{months} avdrag på {amount} i måneden",
  planOptionUneven: "{months} avdrag på omtrent {amount} i måneden",
  planInstalment: "{date}: {amount}",
  planFee: "Gebyr for avtalen: {fee}",
  planTotal: "Totalt: {total}",
  planInterest:
    "Forsinkelsesrenten løper videre på det som gjenstår av hovedstolen mens du betaler ned. Den kommer i tillegg til avdragene.",
  planEachLink: "Hvert avdrag betaler du med betalingslenken din, som viser avdraget som forfaller.",
  planSubmit: "Velg denne planen",
  // dispute
  disputeTitle: "Jeg er uenig i kravet",
  disputeIntro:
    "Fortell hvorfor du mener kravet er feil. Så lenge saken blir sett på, sender vi ingen nye purringer eller varsler for dette kravet.",
  disputeReason: "Hvorfor er du uenig?",
  disputeReasonHint: "Skriv med dine egne ord. Høyst 2000 tegn.",
  disputeAttachment: "Vedlegg (valgfritt)",
  attachmentHint: "PDF, JPG eller PNG, høyst 10 MB.",
  disputeAfter: "{creditor} ser på innsigelsen og bestemmer om kravet skal stå eller trekkes.",
  disputeSubmit: "Send innsigelsen",
  // I have paid
  paidTitle: "Jeg har betalt",
  paidIntro:
    "Har du betalt, men ser ikke betalingen her? Last opp kvitteringen, så sjekker kundeservice den. Vi venter med neste steg til {date}.",
  paidReceipt: "Kvittering",
  paidMessage: "Melding til kundeservice (valgfritt)",
  paidSubmit: "Send kvitteringen",
  // unavailable
  unavailableClosed: "Dette kravet er avsluttet eller betalt. Det er ingenting å gjøre her.",
  unavailableDisputed: "Du har sagt fra at du er uenig i kravet. Saken står stille til {creditor} har sett på den.",
  unavailablePlanActive: "Du har allerede en nedbetalingsplan for dette kravet.",
  unavailableNoPlans:
    "Beløpet er for lite til å deles opp i avdrag etter reglene til {creditor}. Du kan be om utsettelse i stedet.",
  unavailableAlreadyReported:
    "Vi har fått kvitteringen din, og kundeservice sjekker den. Neste steg venter til {date}.",
  // refusals
  "days-invalid": "Skriv et helt antall dager fra 1 til 90.",
  "plan-choice": "Velg en av planene.",
  "reason-missing": "Skriv hvorfor du er uenig i kravet.",
  "reason-too-long": "Teksten er for lang. Skriv høyst 2000 tegn.",
  "file-missing": "Velg kvitteringen du vil laste opp.",
  "file-empty": "Filen er tom. Velg en annen fil.",
  "file-too-large": "Filen er større enn 10 MB. Velg en mindre fil.",
  "file-type": "Filen må være en PDF, JPG eller PNG.",
  csrf: "Skjemaet var for gammelt. Prøv igjen.",
  // not found
};

const en: Record<keyof typeof nb, string> = {
  back: "Back to the claim",
  claimLine: "Invoice {number} from {creditor}",
  owedToday: "To pay today",
  dueDate: "Due date",
  send: "Send",
  errorTitle: "Something needs fixing",
  errorPrefix: "Error:",
  deferralTitle: "Ask for more time",
  deferralIntro: "Need more time? Tell us how many days you would like to put off paying.",
  deferralDays: "Number of days",
  deferralHint:
    "Up to {max} days are given at once, once per claim. If you ask for more, we send your request to {creditor}, who will answer you.",
  deferralHintCreditor: "You have had more time on this claim before. {creditor} decides whether you can have more.",
  deferralHintNone: "{creditor} decides every request for more time.",
  deferralInterest: "Late-payment interest runs from the original due date, also while you have more time.",
  deferralSubmit: "Ask for more time",
  planTitle: "Pay in instalments",
  planIntro: "Choose a payment plan. The amounts are worked out from what you owe today.",
  planLegend: "How many instalments?",
  planOption: "{months} instalments of {amount} a month",
  planOptionUneven: "{months} instalments of about {amount} a month",
  planInstalment: "{date}: {amount}",
  planFee: "Fee for the plan: {fee}",
  planTotal: "Total: {total}",
  planInterest:
    "Late-payment interest keeps running on the principal still unpaid while you pay. It comes on top of the instalments.",
  planEachLink: "You pay each instalment with your pay link, which shows the instalment due.",
  planSubmit: "Choose this plan",
  disputeTitle: "I disagree with the claim",
  disputeIntro:
    "Tell us why you think the claim is wrong. While it is looked into, we send no more reminders or notices about this claim.",
  disputeReason: "Why do you disagree?",
  disputeReasonHint: "In your own words. At most 2000 characters.",
  disputeAttachment: "Attachment (optional)",
  attachmentHint: "PDF, JPG or PNG, at most 10 MB.",
  disputeAfter: "{creditor} looks into your objection and decides whether the claim stands or is withdrawn.",
  disputeSubmit: "Send the objection",
  paidTitle: "I have paid",
  paidIntro:
    "Paid, but the payment does not show here? Upload the receipt and customer service will check it. We hold the next step until {date}.",
  paidReceipt: "Receipt",
  paidMessage: "Message to customer service (optional)",
  paidSubmit: "Send the receipt",
  unavailableClosed: "This claim is closed or paid. There is nothing to do here.",
  unavailableDisputed: "You have told us you disagree with the claim. It waits until {creditor} has looked into it.",
  unavailablePlanActive: "You already have a payment plan for this claim.",
  unavailableNoPlans:
    "The amount is too small to split into instalments under {creditor}'s rules. You can ask for more time instead.",
  unavailableAlreadyReported:
    "We have your receipt and customer service is checking it. The next step waits until {date}.",
  "days-invalid": "Enter a whole number of days from 1 to 90.",
  "plan-choice": "Choose one of the plans.",
  "reason-missing": "Tell us why you disagree with the claim.",
  "reason-too-long": "The text is too long. Write at most 2000 characters.",
  "file-missing": "Choose the receipt to upload.",
  "file-empty": "The file is empty. Choose another file.",
  "file-too-large": "The file is larger than 10 MB. Choose a smaller file.",
  "file-type": "The file must be a PDF, JPG or PNG.",
  csrf: "The form was too old. Please try again.",
};

export type ActionTextKey = keyof typeof nb;

export function at(lang: Lang, key: ActionTextKey, params: Readonly<Record<string, string>> = {}): string {
  const text = (lang === "en" ? en : nb)[key];
  return text.replace(/\{(\w+)\}/gu, (whole, name: string) => params[name] ?? whole);
}
