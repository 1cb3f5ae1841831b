/**
 * The assistant on Min side (issue 15): a question from the signed-in subject is classified (the process's one
 * trained classifier) and answered from the subject's OWN cases — a person's across creditors (not the claims held by
 * a power of attorney), or the one case of a case number + PIN sign-in — by `composeAssistantReply`. When the reply
 * hands over to a person, the contacts of the creditors (and the agency) of those cases come with it, as the claim
 * page shows them. The question is personal data: it is never logged or stored here.
 */
import type { AgencyContact } from "../payments/debtor-view";
import { contactsOf } from "../payments/debtor-view";
import type { ContactView } from "../payments/pay-page-model";
import { assistantCaseOf, type AssistantCaseLinks } from "../assistant/assistant-case";
import type { IntentClassifier } from "../assistant/intent-classifier";
import type { AssistantLang } from "../assistant/intents";
import { composeAssistantReply, type AssistantReply } from "../assistant/reply";
import { rulesWithEnteredRates } from "../interest-rates";
import { casesOf, tenantsOf, type MinSidePagesDeps } from "./pages";
import { caseAccess, type MinSideSubject } from "./subject";

/** Whom to reach when the assistant hands over: each creditor of the subject's cases, once. */
export interface AssistantContact {
  creditorName: string;
  creditorContact?: ContactView;
  agencyContact?: ContactView;
}

export interface AssistantAnswer {
  reply: AssistantReply;
  /** Present when `reply.handOver`: the contacts of the subject's creditors (and the agency). */
  contacts: AssistantContact[];
}

export interface MinSideAssistantDeps extends MinSidePagesDeps {
  intentClassifier: IntentClassifier;
}

export function makeAnswerQuestion(
  deps: MinSideAssistantDeps,
  config: { links?: AssistantCaseLinks; agency?: AgencyContact },
) {
  return async (subject: MinSideSubject, question: string, lang: AssistantLang): Promise<AssistantAnswer> => {
    const { intent, confidence } = deps.intentClassifier.classify(question);
    // The person's OWN claims: "hvor mye skylder jeg?" is about one's own debt, and the claims held by a power of
    // attorney are someone else's (their pages say so; the answers' "du" and action links would not).
    const records = (await casesOf(deps, subject)).filter((r) => caseAccess(subject, r)?.kind === "own");
    const tenants = await tenantsOf(deps, records);
    const now = deps.clock.now();
    const rules = await rulesWithEnteredRates(deps);
    const known = records.filter((r) => tenants.has(r.tenantId));
    const cases = known.map((r) => assistantCaseOf(r, tenants.get(r.tenantId)!, now, config.links ?? {}, rules));
    const reply = composeAssistantReply({ intent, confidence, lang, cases });
    const contacts = reply.handOver
      ? [...new Set(known.map((r) => r.tenantId))].map((id) => {
          const tenant = tenants.get(id)!;
          return { creditorName: tenant.name, ...contactsOf(tenant, config.agency) };
        })
      : [];
    return { reply, contacts };
  };
}
