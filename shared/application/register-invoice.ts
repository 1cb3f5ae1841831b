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
import type { CaseRecord, CaseStore, CustomerDetails, OutboxMessage } from "../ports/case-store";
import type { CaseWorkflow } from "../ports/case-workflow";
import type { Clock } from "../ports/clock";
import type { EventPublisher } from "../ports/event-publisher";
import type { PayLink, PayLinkStore } from "../ports/pay-link-store";
import type { Random } from "../ports/random";
import type { Tenant, TenantStore } from "../ports/tenant-store";
import { caseEvent } from "./case-context";
import { issuePayLink, newPayLink, payLinkExpiry } from "./pay-links";
import { eventMessages, relayOutbox, relayOutboxes, withOutbox, type FirstPlanOf } from "./outbox";
import { rulesWithEnteredRates, type RulesOn } from "./interest-rates";
import { planDecision, type PlanDecision } from "./plan-next-step";
import type { InterestRateStore } from "../ports/interest-rate-store";
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
  /** The operators' entered late-interest rates, for the first plan (the seed alone without it). */
  interestRates?: InterestRateStore;
}

/**
 * The first plan of a case just created, on the record as written — its orchestration starts with it instead of
 * reading the case to plan (issue 14: one Cosmos read less per invoice). A case the planner cannot plan here is left
 * to the orchestration, which plans it itself (and fails, and is retried, where that is due).
 */
async function firstPlans(
  deps: RegisterInvoiceDeps,
  written: readonly CaseRecord[],
  tenant: Tenant,
  now: Date,
): Promise<FirstPlanOf | undefined> {
  let rulesOn: RulesOn;
  try {
    rulesOn = await rulesWithEnteredRates(deps);
  } catch {
    return undefined; // the rates could not be read: the orchestrations plan by themselves
  }
  const plans = new Map<string, PlanDecision>();
  for (const record of written) {
    try {
      plans.set(record.caseId, planDecision(record, tenant, now, rulesOn));
    } catch {
      // no first plan: the orchestration plans
    }
  }
  return (caseId) => plans.get(caseId);
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
    const opened = openInvoiceCase(tenant, input, now);
    const written = await deps.cases.create(opened.record);
    const payLink = await issuePayLink(
      deps,
      { publicBaseUrl: deps.publicBaseUrl },
      { tenantId, caseIds: [opened.record.caseId] },
      now,
    );
    await relayOutbox(deps, written, await firstPlans(deps, [written], tenant, now));
    return { caseId: opened.record.caseId, kid: opened.kid, status: "open", payLink: payLink.url };
  };
}

/**
 * The case an invoice opens, as the store is to create it: with its `case.created` event and the start of its
 * orchestration in the outbox, written together with it — a crash right after the write still starts the ladder and
 * tells the creditor, through the outbox sweep. Throws InvalidInvoice when the invoice does not add up.
 */
function openInvoiceCase(tenant: Tenant, input: RegisterInvoiceInput, now: Date): { record: CaseRecord; kid: string } {
  const tenantId = tenant.tenantId;
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
  const outbox: OutboxMessage[] = [
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
  ];
  return { record: withOutbox(record, outbox, now), kid };
}

/** One item of a batch: created, or the error it failed with (the HTTP edge turns it into a problem). */
export type BatchItemOutcome =
  { index: number; ok: true; result: InvoiceRegistered } | { index: number; ok: false; error: unknown };

/**
 * A batch of invoices, each on its own: one bad item never sinks the others. `items` are either valid inputs or the
 * error their validation failed with; results in input order, each as `makeRegisterInvoice` would answer it.
 *
 * The creditor is read once. The cases are created `concurrency` at a time, each in its own write (a case and its
 * outbox are one transaction, in the case's partition); then the pay links of all cases created are stored in one
 * call, and their outboxes relayed together (one publish for all events, one call removing what was relayed) — for a
 * store like Cosmos DB a few bulk requests instead of two requests per invoice. An item whose pay link could not be
 * stored fails with that error, as a single hand-over would; its case exists, and its outbox is relayed all the same.
 */
export function makeRegisterInvoiceBatch(deps: RegisterInvoiceDeps, concurrency = 16) {
  return async (
    tenantId: string,
    items: ReadonlyArray<{ ok: true; input: RegisterInvoiceInput } | { ok: false; error: unknown }>,
  ): Promise<BatchItemOutcome[]> => {
    const outcomes = new Array<BatchItemOutcome>(items.length);
    let tenant: Tenant | undefined;
    let tenantError: unknown;
    try {
      tenant = await deps.tenants.get(tenantId);
      if (tenant === undefined) tenantError = new TenantNotFound(tenantId);
    } catch (error) {
      tenantError = error; // every valid item fails with it, as each would have alone
    }
    const created: Array<{ index: number; written: CaseRecord; kid: string; now: Date }> = [];
    await inParallel(
      items.map((item, index) => ({ item, index })),
      concurrency,
      async ({ item, index }) => {
        if (!item.ok) {
          outcomes[index] = { index, ok: false, error: item.error };
          return;
        }
        try {
          if (tenant === undefined) throw tenantError;
          const now = deps.clock.now();
          const opened = openInvoiceCase(tenant, item.input, now);
          created.push({ index, written: await deps.cases.create(opened.record), kid: opened.kid, now });
        } catch (error) {
          outcomes[index] = { index, ok: false, error };
        }
      },
    );
    created.sort((a, b) => a.index - b.index);

    const links = created.map(({ written, now }) =>
      newPayLink(deps, { publicBaseUrl: deps.publicBaseUrl }, { tenantId, caseIds: [written.caseId] }, now),
    );
    const linkErrors = await storePayLinks(
      deps.payLinks,
      links.map((l) => l.stored),
      concurrency,
    );
    const written = created.map((c) => c.written);
    await relayOutboxes(
      deps,
      written,
      concurrency,
      tenant === undefined || written.length === 0
        ? undefined
        : await firstPlans(deps, written, tenant, deps.clock.now()),
    );
    created.forEach(({ index, written, kid }, i) => {
      const linkError = linkErrors.get(i);
      outcomes[index] =
        linkError !== undefined
          ? { index, ok: false, error: linkError }
          : { index, ok: true, result: { caseId: written.caseId, kid, status: "open", payLink: links[i]!.issued.url } };
    });
    return outcomes;
  };
}

/**
 * Stores the links in one call; when that fails, each on its own (a `put` again is harmless), so that only the links
 * that really could not be stored fail. Answers the errors by the link's position.
 */
async function storePayLinks(
  payLinks: PayLinkStore,
  links: readonly PayLink[],
  concurrency: number,
): Promise<Map<number, unknown>> {
  const errors = new Map<number, unknown>();
  if (links.length === 0) return errors;
  try {
    await payLinks.putMany(links);
  } catch {
    await inParallel(
      links.map((link, i) => ({ link, i })),
      concurrency,
      async ({ link, i }) => {
        await payLinks.put(link).catch((error: unknown) => errors.set(i, error));
      },
    );
  }
  return errors;
}

/** Runs `task` for every item, at most `limit` at a time. */
async function inParallel<T>(items: readonly T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await task(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
