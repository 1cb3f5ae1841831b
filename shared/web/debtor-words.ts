/**
 * The debtor's words on the pay page and receipt: the heading and buttons per stage (what the last message or letter
 * called the claim), the names of fees and letters, and the contact lines with their links.
 */
import type { ContactView, DebtorStage } from "../application/payments/pay-page-model";
import type { ActionKind, StepKind } from "../domain/policy";
import type { FeeKind } from "../domain/rules/rule-set";
import { letterTitle } from "../letters/letter-metadata";
import { LetterKind } from "../letters/letter-model";
import { t, type TextKey } from "./i18n";
import type { Lang } from "./pay-page-model";

export const STAGE_WORDS: Readonly<
  Record<DebtorStage, { title?: TextKey; payHeading: TextKey; vipps: TextKey; card: TextKey }>
> = {
  // The Let's pay SMS named the invoice: the title says "Faktura fra …" (one or several).
  "lets-pay": { payHeading: "payHeading", vipps: "payVipps", card: "payCard" },
  reminder: {
    title: "titleReminder",
    payHeading: "payHeadingReminder",
    vipps: "payVippsReminder",
    card: "payCardReminder",
  },
  "collection-notice": {
    title: "titleCollectionNotice",
    payHeading: "payHeadingCollectionNotice",
    vipps: "payVippsCollectionNotice",
    card: "payCardCollectionNotice",
  },
  collection: {
    title: "titleCollection",
    payHeading: "payHeadingCollection",
    vipps: "payVippsCollection",
    card: "payCardCollection",
  },
};

const FEE_LABEL: Readonly<Record<FeeKind, TextKey>> = {
  reminder: "feeReminder",
  "collection-notice": "feeCollectionNotice",
  "payment-demand": "feePaymentDemand",
};

export function feeLabel(kind: FeeKind, lang: Lang): string {
  return t(lang, FEE_LABEL[kind]);
}

/** A letter's name as its own title reads (shared/letters), "Brev" for anything else. */
export function letterName(kind: StepKind, lang: Lang): string {
  const letter = LetterKind.safeParse(kind);
  return letter.success ? letterTitle(letter.data, lang) : t(lang, "letterOther");
}

const STEP_WORDS: Readonly<Record<ActionKind, TextKey>> = {
  "instalment-reminder": "stepInstalmentReminder",
  "instalment-missed": "stepInstalmentMissed",
  "lets-pay-sms": "stepLetsPay",
  reminder: "stepReminder",
  "collection-notice": "stepCollectionNotice",
  "payment-demand": "stepPaymentDemand",
  "suspension-notice": "stepSuspensionNotice",
  suspension: "stepSuspension",
  "legal-handoff": "stepLegalHandoff",
};

/** The next step in running text ("purring", "a payment reminder"). */
export function stepWords(kind: ActionKind, lang: Lang): string {
  return t(lang, STEP_WORDS[kind]);
}

export interface ContactLine {
  intro: string;
  links: { href: string; text: string }[];
}

/** A web address as a link target: https unless it names its scheme. Anything but http(s) is not linked. */
function webHref(web: string): string | undefined {
  const candidate = /^[a-z][a-z0-9+.-]*:/iu.test(web) ? web : `https://${web}`;
  try {
    const url = new URL(candidate);
    return url.protocol === "https:" || url.protocol === "http:" ? url.toString() : undefined;
  } catch {
    return undefined;
  }
}

function contactLinks(contact: ContactView, lang: Lang): ContactLine["links"] {
  const links: ContactLine["links"] = [];
  if (contact.phone) {
    const digits = contact.phone.replace(/[^\d+]/gu, "");
    links.push({ href: `tel:${digits}`, text: t(lang, "contactPhone", { phone: contact.phone }) });
  }
  if (contact.email)
    links.push({ href: `mailto:${contact.email}`, text: t(lang, "contactEmail", { email: contact.email }) });
  if (contact.web) {
    const href = webHref(contact.web);
    if (href) links.push({ href, text: t(lang, "contactWeb", { web: contact.web.replace(/^https?:\/\//u, "") }) });
  }
  return links;
}

/**
 * The footer's contact lines: the creditor's (its details when it gave any, else its name alone, as before) and the
 * agency's, when there is one with other details.
 */
export function contactLines(
  creditorName: string,
  creditor: ContactView | undefined,
  agency: ContactView | undefined,
  lang: Lang,
): { plain: string[]; linked: ContactLine[] } {
  const linked: ContactLine[] = [];
  const plain: string[] = [];
  const creditorLinks = creditor ? contactLinks(creditor, lang) : [];
  if (creditorLinks.length > 0)
    linked.push({ intro: t(lang, "contactCreditor", { name: creditorName }), links: creditorLinks });
  else plain.push(t(lang, "contact", { creditor: creditorName }));
  const agencyLinks = agency ? contactLinks(agency, lang) : [];
  if (agency && agencyLinks.length > 0)
    linked.push({
      intro: t(lang, "contactAgency", { name: agency.name ?? t(lang, "agencyFallback") }),
      links: agencyLinks,
    });
  return { plain, linked };
}
