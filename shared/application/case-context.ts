/**
 * What several use cases need around a case: the ladder that applies (its own or the lawful default), the rule set in
 * force today, today's local date and the language of letters and SMS in the case's country, and deterministic event
 * ids (so that publishing the same event twice — a retried request, a re-applied Cosmos update — is deduplicated
 * downstream).
 */
import { timeZoneOf, toLocalDate, type CountryCode, type LocalDate } from "../domain/calendar";
import { DomainError } from "../domain/errors";
import { defaultPolicy, type LadderPolicy } from "../domain/policy";
import { ruleSetFor, type RuleSetInForce } from "../domain/rules";
import type { LetterLanguage } from "../letters";
import type { CaseEventMessage } from "../ports/event-publisher";
import type { Tenant } from "../ports/tenant-store";
import type { WebhookEventType } from "../ports/webhook-store";

/**
 * Which ladder applies to the creditor's cases in `country` (its own country for its policy view): the ladder it set
 * when that is for the same country, otherwise the lawful default of the country, with the creditor's SMS sender name
 * when that is a valid sender (1–11 characters, trimmed) and the default sender otherwise. The only place that decides.
 */
export function ladderOf(tenant: Tenant, country: CountryCode): LadderPolicy {
  if (tenant.policy && tenant.policy.country === country) return tenant.policy;
  const sender = tenant.senderName.trim();
  return sender.length >= 1 && sender.length <= 11 ? defaultPolicy(country, sender) : defaultPolicy(country);
}

export function todayIn(country: CountryCode, now: Date): LocalDate {
  return toLocalDate(now, timeZoneOf(country));
}

export function rulesOn(country: CountryCode, day: LocalDate): RuleSetInForce {
  return ruleSetFor(country, day);
}

/** The language of the letters and SMS to a case's debtor: Norwegian for a case in Norway, English elsewhere (for now). */
export function languageIn(country: CountryCode): LetterLanguage {
  return country === "NO" ? "nb" : "en";
}

/** One case event; `key` makes the id unique and stable for this very happening (e.g. the payment reference). */
export function caseEvent(
  type: WebhookEventType,
  record: { tenantId: string; caseId: string },
  key: string,
  occurredAt: Date,
  data: Record<string, unknown>,
): CaseEventMessage {
  return {
    id: `${record.caseId}:${type}:${key}`,
    type,
    tenantId: record.tenantId,
    caseId: record.caseId,
    occurredAt: occurredAt.toISOString(),
    data,
  };
}

/** A case action the case's current state forbids (e.g. putting a paid case on hold) → 409. */
export class CaseActionNotAllowed extends DomainError {
  readonly code = "CASE_ACTION_NOT_ALLOWED";
}

/** The letter asked for is not among the case's documents → 404. */
export class DocumentNotFound extends DomainError {
  readonly code = "DOCUMENT_NOT_FOUND";
}
