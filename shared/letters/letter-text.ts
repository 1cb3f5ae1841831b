/**
 * The words of each letter, in plain Bokmål (default) or English: short, kind and clear, no pressure beyond what the
 * law requires. One statement per legal requirement of `lawful-content.ts` (same `id`), plus a few courtesy
 * statements (`basis: null`) that the law does not demand.
 */
import { daysBetween } from "../domain/calendar";
import { sum } from "../domain/money";
import type { StatementId } from "./lawful-content";
import { lawfulContent } from "./lawful-content";
import type { LetterLanguage, LetterModel } from "./letter-model";
import { formatLetterAmount, formatLetterDate, formatOrgNumber, formatRate } from "./letter-format";

export type CourtesyId = "already-paid" | "get-in-touch";

export interface LetterStatement {
  readonly id: StatementId | CourtesyId;
  /** The paragraph the statement fulfils, or null for a courtesy. */
  readonly basis: string | null;
  readonly text: string;
  /** Body statements come before the amounts table, closing ones after the payment details. */
  readonly placement: "marking" | "body" | "closing";
}

type Draft = Omit<LetterStatement, "basis"> & { basis?: string | null };

const SERVICE_WORDS = {
  nb: { "power-meter": { the: "strømmen", marking: "STRØM" }, broadband: { the: "bredbåndet", marking: "BREDBÅND" } },
  en: {
    "power-meter": { the: "your electricity supply", marking: "ELECTRICITY" },
    broadband: { the: "your broadband", marking: "BROADBAND" },
  },
} as const;

/** The heading inside the marked box of a suspension notice: "VARSEL OM STENGING AV STRØM". */
export function suspensionMarking(model: LetterModel): string | null {
  if (model.kind !== "suspension-notice") return null;
  const word = SERVICE_WORDS[model.language][model.suspension.service].marking;
  return model.language === "nb" ? `VARSEL OM STENGING AV ${word}` : `NOTICE OF DISCONNECTION OF ${word}`;
}

/**
 * What the claim is for, in words — or null when its description only repeats the invoice number ("Faktura 1001",
 * "Invoice 1001" or "1001", as a creditor's invoice without lines is described), which the letter already prints:
 * "Faktura 1001: Faktura 1001" tells the debtor nothing twice.
 */
export function claimDescription(model: Pick<LetterModel, "claim">): string | null {
  return repeatsInvoiceNumber(model.claim.description, model.claim.invoiceNumber) ? null : model.claim.description;
}

/** "Faktura 1001", "Invoice 1001", "1001" (or nothing) for invoice 1001: a description that says nothing new. */
export function repeatsInvoiceNumber(descriptionText: string, invoiceNumber: string): boolean {
  const squash = (s: string) => s.toLowerCase().replace(/[\s\u00a0.:#-]+/g, "");
  const description = squash(descriptionText);
  const invoice = squash(invoiceNumber);
  return ["", "faktura", "invoice", "fakturanr", "fakturanummer", "invoiceno", "invoicenumber"].some(
    (word) => description === `${word}${invoice}`,
  );
}

/** "telefon 22 12 34 56, e-post a@b.no eller www.b.no" */
function contactPhrase(model: LetterModel): string {
  const nb = model.language === "nb";
  const { phone, email, web } = model.creditor.contact;
  const parts = [
    phone !== undefined ? `${nb ? "telefon" : "phone"} ${phone}` : null,
    email !== undefined ? `${nb ? "e-post" : "e-mail"} ${email}` : null,
    web ?? null,
  ].filter((p): p is string => p !== null);
  return joinList(parts, nb ? "eller" : "or");
}

function joinList(parts: readonly string[], conjunction: string): string {
  if (parts.length <= 1) return parts.join("");
  return `${parts.slice(0, -1).join(", ")} ${conjunction} ${parts[parts.length - 1] ?? ""}`;
}

/** "14 dager" / "4 uker" — weeks when the period is whole weeks. */
function period(days: number, language: LetterLanguage): string {
  if (days % 7 === 0 && days >= 14) {
    const weeks = days / 7;
    return language === "nb" ? `${weeks} uker` : `${weeks} weeks`;
  }
  return language === "nb" ? `${days} dager` : `${days} days`;
}

/** Every statement of the letter, in reading order, each tagged with the paragraph it fulfils. */
export function letterStatements(model: LetterModel): LetterStatement[] {
  const lang = model.language;
  const nb = lang === "nb";
  const d = (date: string) => formatLetterDate(date, lang);
  const amount = (m: Parameters<typeof formatLetterAmount>[0]) => formatLetterAmount(m, lang);
  const { claim, amounts, creditor } = model;
  const currency = amounts.principal.currency;
  const total = amount(amounts.totalDue);
  const days = daysBetween(model.sentDate, model.deadline);
  const contact = contactPhrase(model);

  const description = claimDescription(model);
  const claimSubject = nb
    ? `Faktura ${claim.invoiceNumber} fra ${d(claim.issueDate)} forfalt ${d(claim.dueDate)}, og vi kan ikke se at den er betalt.${description ? ` Kravet gjelder ${description}.` : ""}`
    : `Invoice ${claim.invoiceNumber} of ${d(claim.issueDate)} fell due on ${d(claim.dueDate)}, and we cannot see that it has been paid.${description ? ` The claim is for ${description}.` : ""}`;
  const claimAmount = nb
    ? `Beløpet du skal betale nå, er ${total}. Oversikten under viser hva det består av.`
    : `The amount to pay now is ${total}. The overview below shows what it is made up of.`;
  const alreadyPaid: Draft = {
    id: "already-paid",
    placement: "closing",
    text: nb
      ? "Har du betalt de siste dagene, kan du se bort fra dette brevet."
      : "If you have paid in the last few days, please disregard this letter.",
  };
  const getInTouch: Draft = {
    id: "get-in-touch",
    placement: "closing",
    text: nb
      ? `Er noe feil, eller trenger du mer tid? Ta kontakt med oss før fristen på ${contact}, så ser vi på det sammen.`
      : `Is something wrong, or do you need more time? Get in touch before the deadline: ${contact}, and we will look at it together.`,
  };

  let drafts: Draft[];
  switch (model.kind) {
    case "reminder":
      drafts = [
        { id: "claim-subject", placement: "body", text: claimSubject },
        { id: "claim-amount", placement: "body", text: claimAmount },
        {
          id: "payment-deadline",
          placement: "body",
          text: nb ? `Vi ber deg betale innen ${d(model.deadline)}.` : `Please pay by ${d(model.deadline)}.`,
        },
        alreadyPaid,
        getInTouch,
      ];
      break;

    case "collection-notice":
      drafts = [
        { id: "claim-subject", placement: "body", text: claimSubject },
        { id: "claim-amount", placement: "body", text: claimAmount },
        {
          id: "deadline-14-days",
          placement: "body",
          text: nb
            ? `Betal innen ${d(model.deadline)}. Fristen er ${days} dager fra ${d(model.sentDate)}, da vi sendte dette varselet.`
            : `Please pay by ${d(model.deadline)}. The deadline is ${days} days from ${d(model.sentDate)}, when we sent this notice.`,
        },
        {
          id: "collection-warning",
          placement: "body",
          text: nb
            ? "Er kravet ikke betalt innen fristen, blir det sendt til inkasso."
            : "If the claim is not paid by the deadline, it will be sent to debt collection.",
        },
        alreadyPaid,
        {
          ...getInTouch,
          text: nb
            ? `Er du uenig i kravet, eller trenger du mer tid? Ta kontakt med oss før fristen på ${contact}, så ser vi på saken før den går videre.`
            : `Do you disagree with the claim, or do you need more time? Get in touch before the deadline: ${contact}, and we will look at the case before it goes any further.`,
        },
      ];
      break;

    case "payment-demand": {
      const fees = sum(
        amounts.fees.map((f) => f.amount),
        currency,
      );
      const paid = sum(
        amounts.payments.map((p) => p.amount),
        currency,
      );
      const additions: string[] = [];
      if (amounts.fees.length > 0) additions.push(nb ? `${amount(fees)} i gebyrer` : `${amount(fees)} in fees`);
      if (amounts.interest) {
        additions.push(
          nb
            ? `${amount(amounts.interest.amount)} i forsinkelsesrente`
            : `${amount(amounts.interest.amount)} in late-payment interest`,
        );
      }
      const additionsText =
        additions.length === 0
          ? nb
            ? "Det er ingen tilleggskrav."
            : "There are no additions."
          : nb
            ? `Tilleggskravene er ${joinList(additions, "og")}.`
            : `The additions are ${joinList(additions, "and")}.`;
      const paidText =
        paid.value > 0 ? (nb ? ` Du har betalt ${amount(paid)}.` : ` You have paid ${amount(paid)}.`) : "";
      const interest = amounts.interest;
      drafts = [
        {
          id: "creditor-name",
          placement: "body",
          text: nb
            ? `Fordringshaver er ${creditor.name} (org.nr. ${formatOrgNumber(creditor.orgNumber)}).`
            : `The creditor is ${creditor.name} (organisation number ${formatOrgNumber(creditor.orgNumber)}).`,
        },
        {
          id: "claim-subject",
          placement: "body",
          text: nb
            ? `Kravet gjelder ${description ? `${description}: ` : ""}faktura ${claim.invoiceNumber} fra ${d(claim.issueDate)}, som forfalt ${d(claim.dueDate)}.`
            : `The claim is for ${description ? `${description}: ` : ""}invoice ${claim.invoiceNumber} of ${d(claim.issueDate)}, which fell due on ${d(claim.dueDate)}.`,
        },
        {
          id: "principal-and-additions",
          placement: "body",
          text: nb
            ? `Hovedkravet er ${amount(amounts.principal)}. ${additionsText}${paidText} Til sammen skal du betale ${total}. Hver post står i oversikten under.`
            : `The principal is ${amount(amounts.principal)}. ${additionsText}${paidText} In total you are to pay ${total}. Each item is listed in the overview below.`,
        },
        {
          id: "interest-rate-and-start",
          placement: "body",
          text: interest
            ? nb
              ? `Forsinkelsesrenten er beregnet med ${formatRate(interest.annualRatePercent, lang)} per år fra ${d(interest.fromDate)} til og med ${d(interest.toDate)}.`
              : `Late-payment interest is calculated at ${formatRate(interest.annualRatePercent, lang)} a year from ${d(interest.fromDate)} up to and including ${d(interest.toDate)}.`
            : nb
              ? "Vi krever ikke forsinkelsesrente for dette kravet."
              : "We do not charge late-payment interest on this claim.",
        },
        {
          id: "pay-or-object",
          placement: "body",
          text: nb
            ? `Du må enten betale eller komme med innsigelser mot kravet innen ${d(model.deadline)}. Fristen er ${days} dager fra ${d(model.sentDate)}, da vi sendte denne betalingsoppfordringen.`
            : `You must either pay or object to the claim by ${d(model.deadline)}. The deadline is ${days} days from ${d(model.sentDate)}, when we sent this payment demand.`,
        },
        {
          id: "consequences",
          placement: "body",
          text: nb
            ? "Hvis du verken betaler eller kommer med innsigelser innen fristen, kan det føre til flere kostnader for deg og til at kravet blir inndrevet rettslig, for eksempel gjennom forliksrådet eller namsmannen."
            : "If you neither pay nor object by the deadline, this may lead to further costs for you and to the claim being collected through the courts, for example through the conciliation board (forliksrådet) or the enforcement officer (namsmannen).",
        },
        {
          id: "complaint-board",
          placement: "body",
          text: nb
            ? `Du har rett til å få saken behandlet av en klagenemnd etter inkassoloven § 22. Klager på inndrivingen behandles av ${model.complaintBoard.name}${model.complaintBoard.web ? ` (${model.complaintBoard.web})` : ""}.`
            : `You have the right to have the case heard by a complaint board under section 22 of the Norwegian Debt Collection Act (inkassoloven). Complaints about the collection are heard by ${model.complaintBoard.name}${model.complaintBoard.web ? ` (${model.complaintBoard.web})` : ""}.`,
        },
        {
          ...getInTouch,
          text: nb
            ? `Er du uenig i kravet, eller vil du avtale en betalingsplan? Ta kontakt med oss før fristen på ${contact}.`
            : `Do you disagree with the claim, or would you like to agree a payment plan? Get in touch before the deadline: ${contact}.`,
        },
      ];
      break;
    }

    case "suspension-notice": {
      const { suspension } = model;
      const power = suspension.service === "power-meter";
      const service = SERVICE_WORDS[lang][suspension.service].the;
      const disconnectOn = d(suspension.earliestDisconnectionDate);
      const fees: string[] = [];
      if (suspension.disconnectionFee) {
        const fee = amount(suspension.disconnectionFee);
        fees.push(nb ? `${fee} for å stenge` : `${fee} for disconnecting`);
      }
      if (suspension.reconnectionFee) {
        const fee = amount(suspension.reconnectionFee);
        fees.push(nb ? `${fee} for å åpne igjen` : `${fee} for reconnecting`);
      }
      const feesText = fees.length === 0 ? "." : `: ${joinList(fees, nb ? "og" : "and")}.`;
      drafts = [
        {
          id: "clear-marking",
          placement: "marking",
          // Only a power disconnection rests on § 48 a; broadband follows the contract terms.
          text: nb
            ? `Dette brevet er et varsel om at ${service} kan bli stengt fordi en faktura ikke er betalt${power ? " (forbrukerkjøpsloven § 48 a)" : ""}.`
            : `This letter is a notice that ${service} may be disconnected because an invoice has not been paid${power ? " (forbrukerkjøpsloven § 48 a, the Norwegian Consumer Purchases Act)" : ""}.`,
        },
        {
          id: "claim-subject",
          placement: "body",
          basis: null,
          text: nb
            ? `Varselet gjelder ${suspension.serviceDescription}. Faktura ${claim.invoiceNumber}${description ? ` for ${description}` : ""} forfalt ${d(claim.dueDate)} og er ikke betalt.`
            : `This notice concerns ${suspension.serviceDescription}. Invoice ${claim.invoiceNumber}${description ? ` for ${description}` : ""} fell due on ${d(claim.dueDate)} and has not been paid.`,
        },
        {
          id: "pay-within-notice-period",
          placement: "body",
          text: nb
            ? `Betaler du ${total} innen ${d(model.deadline)}, blir ${service} ikke stengt. Du har ${period(days, lang)} på deg fra ${d(model.sentDate)}, da vi sendte dette varselet. Er beløpet ikke betalt innen fristen, kan ${service} bli stengt fra og med ${disconnectOn}.`
            : `If you pay ${total} by ${d(model.deadline)}, ${service} will not be disconnected. You have ${period(days, lang)} from ${d(model.sentDate)}, when we sent this notice. If you have not paid by then, ${service} may be disconnected from ${disconnectOn}.`,
        },
        {
          id: "contact-danger",
          placement: "body",
          text: nb
            ? `Ta kontakt med oss med en gang på ${contact} hvis stenging kan føre til fare for liv eller helse, eller skade på eiendom – for eksempel hvis noen i husstanden er avhengig av medisinsk utstyr eller trygghetsalarm, eller boligen kan få frostskader. Er det fare for liv eller helse, venter vi med å stenge.`
            : `Get in touch with us at once (${contact}) if disconnection could put life or health at risk, or damage property – for example if someone in the household depends on medical equipment or a safety alarm, or the home could be damaged by frost. If life or health is at risk, we will not disconnect yet.`,
        },
        {
          id: "contact-dispute",
          placement: "body",
          text: nb
            ? `Er du uenig i kravet, eller har du problemer med å betale, ta kontakt med oss på ${contact}. Kommer du med en innsigelse som ikke er åpenbart grunnløs, venter vi med å stenge til uenigheten er avklart.`
            : `If you disagree with the claim, or have trouble paying, get in touch with us (${contact}). If you object and the objection is not obviously unfounded, we will not disconnect until the matter is settled.`,
        },
        {
          id: "disconnection-costs",
          placement: "body",
          text: nb
            ? `Blir ${service} stengt, kan vi kreve at du dekker kostnadene ved å stenge og å åpne igjen${feesText}`
            : `If ${service} is disconnected, we may charge you the costs of disconnecting and reconnecting it${feesText}`,
        },
        {
          id: "social-services",
          placement: "body",
          text: nb
            ? `Du kan få råd og hjelp fra sosialtjenesten ved NAV-kontoret i kommunen din. Bekrefter sosialtjenesten overfor oss innen fristen at den dekker beløpet, blir ${service} ikke stengt.`
            : `You can get advice and help from the social services (sosialtjenesten) at the NAV office in your municipality. If the social services confirm to us before the deadline that they will cover the amount, we will not disconnect.`,
        },
        alreadyPaid,
      ];
      break;
    }
  }

  const service = model.kind === "suspension-notice" ? model.suspension.service : undefined;
  const basisOf = new Map(lawfulContent(model.kind, service).map((r) => [r.id as string, r.basis]));
  return drafts.map((s) => ({ ...s, basis: s.basis !== undefined ? s.basis : (basisOf.get(s.id) ?? null) }));
}
