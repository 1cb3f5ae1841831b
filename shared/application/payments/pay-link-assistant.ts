/**
 * The assistant on the pay page (issue 15: "the assistant, on Min side and on the pay page"): a question asked on
 * `/p/{token}` is classified (the process's one trained classifier) and answered from THAT link's cases only — the
 * token scopes it exactly as a case number + PIN sign-in scopes Min side — by the same `composeAssistantReply` as
 * Min side's page. When the reply hands over to a person, the creditor's (and the agency's) contacts come with it,
 * as on Min side. The question is personal data: never logged or stored here.
 */
import type { CaseRecord } from "../../ports/case-store";
import type { Clock } from "../../ports/clock";
import type { InterestRateStore } from "../../ports/interest-rate-store";
import type { Tenant } from "../../ports/tenant-store";
import { assistantCaseOf, type AssistantCaseLinks } from "../assistant/assistant-case";
import type { IntentClassifier } from "../assistant/intent-classifier";
import type { AssistantLang } from "../assistant/intents";
import { composeAssistantReply } from "../assistant/reply";
import { rulesWithEnteredRates } from "../interest-rates";
import type { AssistantAnswer } from "../min-side/assistant";
import { contactsOf, type AgencyContact } from "./debtor-view";

export interface PayLinkAssistantDeps {
  intentClassifier: IntentClassifier;
  clock: Clock;
  interestRates?: InterestRateStore;
}

/** The link's creditor and cases, as the pay page just loaded them (`makeLoadPayPage`'s "ok"). */
export interface PayLinkCases {
  tenant: Tenant;
  records: readonly CaseRecord[];
}

export function makeAnswerPayLinkQuestion(
  deps: PayLinkAssistantDeps,
  config: { links?: AssistantCaseLinks; agency?: AgencyContact },
) {
  return async (link: PayLinkCases, question: string, lang: AssistantLang): Promise<AssistantAnswer> => {
    const { intent, confidence } = deps.intentClassifier.classify(question);
    const now = deps.clock.now();
    const rules = await rulesWithEnteredRates(deps);
    const cases = link.records
      .filter((r) => r.tenantId === link.tenant.tenantId)
      .map((r) => assistantCaseOf(r, link.tenant, now, config.links ?? {}, rules));
    const reply = composeAssistantReply({ intent, confidence, lang, cases });
    const contacts = reply.handOver
      ? [{ creditorName: link.tenant.name, ...contactsOf(link.tenant, config.agency) }]
      : [];
    return { reply, contacts };
  };
}
