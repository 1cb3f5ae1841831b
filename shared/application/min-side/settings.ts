/**
 * Min side's settings (issue 15): the debtor's mobile number and e-mail address, consent per channel (SMS, e-mail),
 * and which channels alert them to a reply from customer service. Contact data and consent go through the creditor's
 * own use case (`makeUpdateCaseCustomer`, customer-contact.ts) — so the ladder reads them from the next message on,
 * each change is on the case's timeline by field name and published as `case.customer_updated` — recorded with the
 * debtor as actor. A person signed in with BankID changes every OPEN claim of theirs; a case number + PIN sign-in the
 * one claim. The alert choice is kept on each claim's message thread.
 *
 * Bad input (a number that is not a phone number, an address that is not an e-mail address, consent to a channel with
 * no address) is refused naming the field, and nothing is written.
 */
import { z } from "zod";
import { normalizePhone, type PhoneCountry } from "../../domain/identifiers/phone";
import type { CaseRecord } from "../../ports/case-store";
import {
  emptyThread,
  type AlertChannel,
  type MessageThread,
  type MessageThreadStore,
} from "../../ports/message-thread-store";
import { InvalidCustomerContact, makeUpdateCaseCustomer, type CustomerContactDeps } from "../customer-contact";
import { isPayable } from "../payments/pay-options";
import { actorOf } from "./debtor-actions";
import { casesOf, type MinSidePagesDeps } from "./pages";
import { caseAccess, type MinSideSession, type MinSideSubject } from "./subject";

export interface MinSideSettingsDeps extends MinSidePagesDeps, CustomerContactDeps {
  messageThreads: MessageThreadStore;
}

export interface SettingsValues {
  phone: string;
  email: string;
  consentSms: boolean;
  consentEmail: boolean;
  alertSms: boolean;
  alertEmail: boolean;
}

export interface SettingsView {
  /** The open claims the settings apply to (none: nothing to change). */
  claims: number;
  values: SettingsValues;
}

export type SettingsRefusal = "phone-invalid" | "email-invalid" | "phone-needed" | "email-needed" | "no-claims";

export type SaveOutcome =
  { kind: "saved"; claims: number } | { kind: "refused"; field: "phone" | "email" | "form"; code: SettingsRefusal };

const Email = z.email().max(254);

/**
 * The open claims settings apply to: every open one of the person's OWN (never a claim reached through a power of
 * attorney: those are the grantor's contact data and consent), or the one claim of a PIN sign-in.
 */
async function openClaims(deps: MinSidePagesDeps, subject: MinSideSubject): Promise<CaseRecord[]> {
  return (await casesOf(deps, subject)).filter(
    (r) => caseAccess(subject, r)?.kind === "own" && (isPayable(r.case) || r.case.status === "disputed"),
  );
}

/**
 * The channels a reply from customer service is really alerted on (case-messages.ts sends on the thread's chosen
 * channels, default both, and skips one without consent or without an address): never one the debtor has no consent
 * or no address for.
 */
export function alertChannelsOf(
  record: Pick<CaseRecord, "customer">,
  thread: Pick<MessageThread, "alertChannels"> | undefined,
): AlertChannel[] {
  const chosen: readonly AlertChannel[] = thread?.alertChannels ?? ["sms", "email"];
  const c = record.customer;
  return chosen.filter((ch) => c.consent?.[ch] === true && (ch === "sms" ? !!c.phone : !!c.email));
}

export function makeLoadSettings(deps: Pick<MinSideSettingsDeps, keyof MinSidePagesDeps | "messageThreads">) {
  return async (subject: MinSideSubject): Promise<SettingsView> => {
    const claims = await openClaims(deps, subject);
    // The newest claim's details: what the creditor sent last (or the debtor set last here).
    const newest = [...claims].sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))[0];
    const thread = newest ? await deps.messageThreads.get(newest.tenantId, newest.caseId) : undefined;
    const c = newest?.customer;
    const alerts = newest ? alertChannelsOf(newest, thread) : [];
    return {
      claims: claims.length,
      values: {
        phone: c?.phone ?? "",
        email: c?.email ?? "",
        consentSms: c?.consent?.sms === true,
        consentEmail: c?.consent?.email === true,
        alertSms: alerts.includes("sms"),
        alertEmail: alerts.includes("email"),
      },
    };
  };
}

export function makeSaveSettings(deps: MinSideSettingsDeps) {
  return async (session: MinSideSession, values: SettingsValues): Promise<SaveOutcome> => {
    const claims = await openClaims(deps, session.subject);
    if (claims.length === 0) return { kind: "refused", field: "form", code: "no-claims" };
    const country: PhoneCountry = claims[0]!.case.country;
    let phone: string | null = null;
    if (values.phone.trim() !== "") {
      const normal = normalizePhone(values.phone, country);
      if (!normal.ok) return { kind: "refused", field: "phone", code: "phone-invalid" };
      phone = normal.e164;
    }
    let email: string | null = null;
    if (values.email.trim() !== "") {
      const parsed = Email.safeParse(values.email.trim());
      if (!parsed.success) return { kind: "refused", field: "email", code: "email-invalid" };
      email = parsed.data;
    }
    if (values.consentSms && !phone) return { kind: "refused", field: "phone", code: "phone-needed" };
    if (values.consentEmail && !email) return { kind: "refused", field: "email", code: "email-needed" };
    const by = { actor: actorOf(session), via: "min-side" as const };
    const update = makeUpdateCaseCustomer(deps);
    const alertChannels: AlertChannel[] = [
      ...(values.alertSms ? (["sms"] as const) : []),
      ...(values.alertEmail ? (["email"] as const) : []),
    ];
    // Checked against every claim's creditor first (a number valid in one country may not be in another's rules).
    for (const record of claims) {
      const c: PhoneCountry = record.case.country;
      if (phone && !normalizePhone(phone, c).ok) return { kind: "refused", field: "phone", code: "phone-invalid" };
    }
    for (const record of claims) {
      try {
        await update(
          record.tenantId,
          record.caseId,
          { phone, email, consent: { sms: values.consentSms, email: values.consentEmail } },
          by,
        );
      } catch (error) {
        if (error instanceof InvalidCustomerContact) return { kind: "refused", field: "phone", code: "phone-invalid" };
        throw error;
      }
      const at = deps.clock.now().toISOString();
      await deps.messageThreads.update(record.tenantId, record.caseId, (current) => {
        const thread = current ?? emptyThread(record.tenantId, record.caseId, at);
        const same =
          thread.alertChannels !== undefined &&
          thread.alertChannels.length === alertChannels.length &&
          thread.alertChannels.every((ch, i) => ch === alertChannels[i]);
        return same ? current : { ...thread, alertChannels, updatedAt: at };
      });
    }
    return { kind: "saved", claims: claims.length };
  };
}
