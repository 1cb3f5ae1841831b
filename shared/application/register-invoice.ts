/**
 * Handing over an invoice: one case per (tenant, invoice number), with a KID, a pay link, the `case.created` event
 * and the case's orchestration started. A second hand-over of the same invoice number is a 409
 * (DuplicateInvoiceNumber, detected atomically by the case store through the derived case id).
 *
 * Order of effects: the case is created first (the only step that can legitimately be refused); the pay link, the
 * event and the orchestration follow. Should one of those fail, the case still exists and the daily self-healing
 * timer starts its orchestration; the event id is stable, so a later re-publish is deduplicated.
 */
import { createHash } from "node:crypto";
import { openCase, type InvoiceLine } from "../domain/case";
import type { LocalDate } from "../domain/calendar";
import { DomainError } from "../domain/errors";
import { generateKid } from "../domain/identifiers/kid";
import { normalizePhone } from "../domain/identifiers/phone";
import { sum, type Money } from "../domain/money";
import type { CaseRecord, CaseStore, CustomerDetails } from "../ports/case-store";
import type { CaseWorkflow } from "../ports/case-workflow";
import type { Clock } from "../ports/clock";
import type { EventPublisher } from "../ports/event-publisher";
import type { PayLinkStore } from "../ports/pay-link-store";
import type { Random } from "../ports/random";
import type { TenantStore } from "../ports/tenant-store";
import { caseEvent } from "./case-context";
import { issuePayLink, payLinkExpiry } from "./pay-links";
import { eventMessages, relayOutbox, withOutbox } from "./outbox";
import { caseIdFor } from "../domain/case-id";
import { TenantNotFound } from "../ports/errors";

export interface RegisterInvoiceInput {
  invoiceNumber: string;
  customer: CustomerDetails;
  amount: Money;
  issueDate: LocalDate;
  dueDate: LocalDate;
  services?: Array<{ serviceId: string; kind: "broadband" | "power-meter" }>;
  lines?: Array<{ description: string; amount: Money }>;
}

export interface InvoiceRegistered {
  caseId: string;
  kid: string;
  status: "open";
  payLink: string;
}

export interface RegisterInvoiceDeps {
  cases: CaseStore;
  tenants: TenantStore;
  payLinks: PayLinkStore;
  events: EventPublisher;
  workflow: CaseWorkflow;
  clock: Clock;
  /** Pay-link tokens. */
  random: Random;
  publicBaseUrl: string;
}

/** The invoice does not add up or does not fit the creditor (lines vs amount, currency, phone…) → 422. */
export class InvalidInvoice extends DomainError {
  readonly code = "INVALID_INVOICE";
}

/**
 * KID (MOD10) from the case number: the case id is a hash, so its first 56 bits read as a decimal number (17 digits)
 * are the KID base — unique in practice, and always the same for the same case.
 */
export function kidFor(caseId: string): string {
  const base = BigInt(`0x${createHash("sha256").update(caseId, "utf8").digest("hex").slice(0, 14)}`)
    .toString()
    .padStart(17, "0");
  return generateKid(base, "MOD10");
}

export function makeRegisterInvoice(deps: RegisterInvoiceDeps) {
  return async (tenantId: string, input: RegisterInvoiceInput): Promise<InvoiceRegistered> => {
    const tenant = await deps.tenants.get(tenantId);
    if (!tenant) throw new TenantNotFound(tenantId);
    const now = deps.clock.now();
    const caseId = caseIdFor(tenantId, input.invoiceNumber);

    const lines: InvoiceLine[] = input.lines?.length
      ? input.lines
      : [{ description: `Faktura ${input.invoiceNumber}`, amount: input.amount }];
    for (const line of lines) {
      if (line.amount.currency !== input.amount.currency)
        throw new InvalidInvoice("Every line must be in the invoice's currency.", { currency: input.amount.currency });
    }
    const linesTotal = sum(
      lines.map((l) => l.amount),
      input.amount.currency,
    );
    if (linesTotal.value !== input.amount.value) {
      throw new InvalidInvoice("The lines do not add up to the amount.", { amount: input.amount, linesTotal });
    }
    const customer: CustomerDetails = { ...input.customer };
    if (customer.phone !== undefined) {
      const phone = normalizePhone(customer.phone, tenant.country);
      if (!phone.ok)
        throw new InvalidInvoice("The customer's phone number is not valid.", {
          field: "customer.phone",
          reason: phone.reason,
        });
      customer.phone = phone.e164;
    }

    const domainCase = openCase({
      id: caseId,
      tenantId,
      creditorId: tenantId,
      invoiceNumber: input.invoiceNumber,
      country: tenant.country,
      currency: input.amount.currency,
      debtor: {
        ref: input.customer.customerId,
        kind: customer.nationalId === undefined && customer.orgNumber !== undefined ? "business" : "consumer",
      },
      lines,
      issueDate: input.issueDate,
      dueDate: input.dueDate,
      services: (input.services ?? []).map((s) => ({ serviceId: s.serviceId, kind: s.kind })),
    });
    const kid = kidFor(caseId);
    const at = now.toISOString();
    const record: CaseRecord = {
      schemaVersion: 1,
      caseId,
      tenantId,
      invoiceNumber: input.invoiceNumber,
      customerId: input.customer.customerId,
      kid,
      customer,
      case: domainCase,
      timeline: [
        {
          at,
          kind: "created",
          title: `Invoice ${input.invoiceNumber} handed over, due ${input.dueDate}`,
          details: { payLinkExpiresAt: payLinkExpiry(now) },
        },
      ],
      documents: [],
      sentKeys: [],
      createdAt: at,
      updatedAt: at,
    };
    // The case, its "created" event and the start of its orchestration are written together (the outbox): a crash
    // right after the write still starts the ladder and tells the creditor, through the outbox sweep.
    const written = await deps.cases.create(
      withOutbox(
        record,
        [
          ...eventMessages([
            caseEvent("case.created", record, "created", now, {
              invoiceNumber: input.invoiceNumber,
              kid,
              amount: input.amount,
              dueDate: input.dueDate,
              status: "open",
            }),
          ]),
          { kind: "start-workflow" },
        ],
        now,
      ),
    );

    const payLink = await issuePayLink(
      deps,
      { publicBaseUrl: deps.publicBaseUrl },
      { tenantId, caseIds: [caseId] },
      now,
    );
    await relayOutbox(deps, written);
    return { caseId, kid, status: "open", payLink: payLink.url };
  };
}

/** One item of a batch: created, or the error it failed with (the HTTP edge turns it into a problem). */
export type BatchItemOutcome =
  { index: number; ok: true; result: InvoiceRegistered } | { index: number; ok: false; error: unknown };

/**
 * A batch of invoices, each on its own: one bad item never sinks the others. `items` are either valid inputs or the
 * error their validation failed with; at most `concurrency` are registered at the same time, results in input order.
 */
export function makeRegisterInvoiceBatch(deps: RegisterInvoiceDeps, concurrency = 16) {
  return async (
    tenantId: string,
    items: ReadonlyArray<{ ok: true; input: RegisterInvoiceInput } | { ok: false; error: unknown }>,
  ): Promise<BatchItemOutcome[]> => {
    // The creditor is read once for the whole batch, not once per invoice.
    const tenant = deps.tenants.get(tenantId);
    const tenants: TenantStore = {
      create: (t, key) => deps.tenants.create(t, key),
      get: (id) => (id === tenantId ? tenant : deps.tenants.get(id)),
      findApiKey: (keyId) => deps.tenants.findApiKey(keyId),
      setPolicy: (id, policy, now) => deps.tenants.setPolicy(id, policy, now),
      setLetterhead: (id, letterhead, now) => deps.tenants.setLetterhead(id, letterhead, now),
    };
    const registerInvoice = makeRegisterInvoice({ ...deps, tenants });
    const outcomes = new Array<BatchItemOutcome>(items.length);
    let next = 0;
    const worker = async () => {
      while (next < items.length) {
        const index = next++;
        const item = items[index]!;
        if (!item.ok) {
          outcomes[index] = { index, ok: false, error: item.error };
          continue;
        }
        try {
          outcomes[index] = { index, ok: true, result: await registerInvoice(tenantId, item.input) };
        } catch (error) {
          outcomes[index] = { index, ok: false, error };
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
    return outcomes;
  };
}
