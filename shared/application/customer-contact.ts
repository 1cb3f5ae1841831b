/**
 * The creditor updates the customer's contact data and consent on a case, or on every open case of a customer.
 *
 * Merge semantics (RFC 7396 JSON Merge Patch, with one documented difference): a member left out stays as it is;
 * `null` removes it (`email`, `phone`, `address`); `consent` is merged member by member (`{ "sms": false }` leaves
 * `email` consent as it was). The difference: `address` is replaced AS A WHOLE (a complete address, or null), never
 * merged line by line — half of one address with half of another is never an address anyone lives at.
 *
 * Each case where something really changed gets a timeline entry and a `case.customer_updated` event naming WHICH
 * fields changed — names only, never the values (the timeline and the events carry no personal data). A patch that
 * changes nothing writes nothing. The ladder reads the customer from the case when it sends, so a consent withdrawn
 * here (`sms: false`) holds for every SMS from now on. A letter that found no channel (no address, no e-mail consent)
 * is sent again at once when a change opens one (`redeliverLetters`).
 */
import { DomainError } from "../domain/errors";
import { normalizePhone } from "../domain/identifiers/phone";
import type { CaseRecord, CaseStore, CustomerDetails, TimelineEntry } from "../ports/case-store";
import type { Clock } from "../ports/clock";
import { CaseNotFound, TenantNotFound } from "../ports/errors";
import type { EventPublisher } from "../ports/event-publisher";
import type { TenantStore } from "../ports/tenant-store";
import { caseEvent } from "./case-context";
import { eventMessages, relayOutbox, withOutbox } from "./outbox";

export type CustomerAddress = NonNullable<CustomerDetails["address"]>;

/** What may be changed; every member is optional, at least one must be there. */
export interface CustomerContactPatch {
  email?: string | null;
  phone?: string | null;
  address?: CustomerAddress | null;
  consent?: { sms?: boolean; email?: boolean };
}

/** The names a change is reported by (timeline, events, the answer): never the values. */
export type ContactField = "email" | "phone" | "address" | "consent.sms" | "consent.email";

export interface CustomerContactUpdated {
  caseId: string;
  customer: CustomerDetails;
  /** The fields whose value changed on this case (empty when the patch changed nothing). */
  changed: ContactField[];
}

export interface CustomerContactDeps {
  cases: CaseStore;
  tenants: TenantStore;
  events: EventPublisher;
  clock: Clock;
  /**
   * Sends the case's undelivered letters again through the channels the new details open (`makeRedeliverLetters`);
   * called when an address, an e-mail address or the e-mail consent changed. Resolves with the number of letters sent.
   */
  redeliverLetters?: (tenantId: string, caseId: string) => Promise<number>;
}

/** A patch with no member: there is nothing to do (HTTP 400). */
export class EmptyCustomerPatch extends DomainError {
  readonly code = "CUSTOMER_PATCH_MALFORMED";
  override readonly title = "Nothing to change";
  constructor() {
    super("The request changes nothing: give at least one of email, phone, address or consent.", undefined, {
      errors: [{ pointer: "", detail: "At least one of email, phone, address or consent.", code: "EMPTY_PATCH" }],
    });
  }
}

/** The customer has no open case at the creditor (or belongs to another creditor) → 404. */
export class CustomerNotFound extends DomainError {
  readonly code = "CUSTOMER_NOT_FOUND";
  constructor(customerId: string) {
    super(`No open case of customer ${customerId} was found`, { customerId });
  }
}

/** A contact value the checks at the edge let through but the creditor's country refuses (the phone) → 422. */
export class InvalidCustomerContact extends DomainError {
  readonly code = "INVALID_CUSTOMER_CONTACT";
  constructor(pointer: string, detail: string, code: string) {
    super(detail, undefined, { errors: [{ pointer, detail, code }] });
  }
}

const CLOSED = new Set(["paid", "cancelled"]);

function sameAddress(a: CustomerAddress | undefined, b: CustomerAddress | undefined): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/** The customer after the patch (phone already normalised) and the fields that changed. Pure. */
export function mergeCustomer(
  current: CustomerDetails,
  patch: CustomerContactPatch,
): { customer: CustomerDetails; changed: ContactField[] } {
  const next: CustomerDetails = { ...current };
  const changed: ContactField[] = [];
  for (const field of ["email", "phone"] as const) {
    const value = patch[field];
    if (value === undefined) continue;
    if (value === null) delete next[field];
    else next[field] = value;
    if (next[field] !== current[field]) changed.push(field);
  }
  if (patch.address !== undefined) {
    if (patch.address === null) delete next.address;
    else next.address = { ...patch.address, lines: [...patch.address.lines] };
    if (!sameAddress(next.address, current.address)) changed.push("address");
  }
  if (patch.consent !== undefined) {
    const consent = { ...current.consent };
    if (patch.consent.sms !== undefined) consent.sms = patch.consent.sms;
    if (patch.consent.email !== undefined) consent.email = patch.consent.email;
    for (const member of ["sms", "email"] as const) {
      if (consent[member] !== current.consent?.[member]) changed.push(`consent.${member}`);
    }
    next.consent = consent;
  }
  return { customer: changed.length === 0 ? current : next, changed };
}

/**
 * Who made the change when it was not the creditor through the API: the debtor on Min side (the sign-in kind and a
 * hashed session, never the person). On the timeline entry and the event.
 */
export interface ContactChangedBy {
  actor: { kind: string; sessionRef: string };
  via: "min-side";
}

function timelineEntry(changed: ContactField[], at: string, by?: ContactChangedBy): TimelineEntry {
  return {
    at,
    kind: "customer",
    title: `Contact details updated by ${by ? "the debtor on Min side" : "the creditor"}: ${changed.join(", ")}`,
    details: { fields: changed, ...(by ? { actor: by.actor, via: by.via } : {}) },
  };
}

async function normalised(deps: CustomerContactDeps, tenantId: string, patch: CustomerContactPatch) {
  const consentMembers = Object.values(patch.consent ?? {}).filter((v) => v !== undefined).length;
  const members = [patch.email, patch.phone, patch.address].filter((v) => v !== undefined).length;
  if (members + consentMembers === 0) throw new EmptyCustomerPatch();
  const tenant = await deps.tenants.get(tenantId);
  if (!tenant) throw new TenantNotFound(tenantId);
  if (typeof patch.phone !== "string") return patch;
  const phone = normalizePhone(patch.phone, tenant.country);
  if (!phone.ok) throw new InvalidCustomerContact("/phone", "Not a valid phone number.", "INVALID_PHONE");
  return { ...patch, phone: phone.e164 };
}

async function patchCase(
  deps: CustomerContactDeps,
  tenantId: string,
  caseId: string,
  patch: CustomerContactPatch,
  by?: ContactChangedBy,
): Promise<CustomerContactUpdated> {
  const now = deps.clock.now();
  const at = now.toISOString();
  let changed: ContactField[] = [];
  const written: CaseRecord = await deps.cases.update(tenantId, caseId, (current) => {
    const merged = mergeCustomer(current.customer, patch);
    changed = merged.changed;
    if (changed.length === 0) return current;
    const next: CaseRecord = {
      ...current,
      customer: merged.customer,
      timeline: [...current.timeline, timelineEntry(changed, at, by)],
      updatedAt: at,
    };
    const key = `customer:${String(next.timeline.length)}`;
    const event = caseEvent("case.customer_updated", next, key, now, {
      fields: changed,
      ...(by ? { actor: by.actor, via: by.via } : {}),
    });
    return withOutbox(next, eventMessages([event]), now);
  });
  const record = await relayOutbox(deps, written);
  const undelivered = record.case.steps.some((st) => st.delivery === "undelivered");
  // Also when this request changed nothing (a client's retry after a failed first attempt): the letter still waits.
  if (deps.redeliverLetters && undelivered) {
    await deps.redeliverLetters(tenantId, caseId);
    const after = await deps.cases.get(tenantId, caseId);
    return { caseId, customer: (after ?? record).customer, changed };
  }
  return { caseId: record.caseId, customer: record.customer, changed };
}

/**
 * `PATCH /cases/{caseId}/customer`: this case only (open or closed). Another tenant's case is not found. Min side's
 * settings call it too, with `by` naming the debtor.
 */
export function makeUpdateCaseCustomer(deps: CustomerContactDeps) {
  return async (
    tenantId: string,
    caseId: string,
    input: CustomerContactPatch,
    by?: ContactChangedBy,
  ): Promise<CustomerContactUpdated> => {
    const patch = await normalised(deps, tenantId, input);
    if (!(await deps.cases.get(tenantId, caseId))) throw new CaseNotFound(caseId);
    return patchCase(deps, tenantId, caseId, patch, by);
  };
}

/**
 * `PATCH /customers/{customerId}`: every open case of the customer at this creditor (closed cases keep the data they
 * were closed with). No open case → CustomerNotFound.
 */
export function makeUpdateCustomer(deps: CustomerContactDeps) {
  return async (
    tenantId: string,
    customerId: string,
    input: CustomerContactPatch,
  ): Promise<{ customerId: string; cases: CustomerContactUpdated[] }> => {
    const patch = await normalised(deps, tenantId, input);
    const open: string[] = [];
    let continuationToken: string | undefined;
    do {
      const page = await deps.cases.list(
        tenantId,
        { customerId },
        { limit: 100, ...(continuationToken ? { continuationToken } : {}) },
      );
      open.push(...page.items.filter((r) => !CLOSED.has(r.case.status)).map((r) => r.caseId));
      continuationToken = page.continuationToken;
    } while (continuationToken);
    if (open.length === 0) throw new CustomerNotFound(customerId);
    const cases: CustomerContactUpdated[] = [];
    for (const caseId of open) cases.push(await patchCase(deps, tenantId, caseId, patch));
    return { customerId, cases };
  };
}
