/**
 * The pay page's use cases: show what a link's cases owe and how they can be paid (`makeLoadPayPage`), and start a
 * payment the debtor chose (`makeStartPayment`): validate the choice against today's options and the creditor's
 * limits, record the attempt, create the payment at the provider and hand back where to send the browser.
 */
import { AllocationPart } from "../../domain/allocation";
import { formatAccount } from "../../domain/identifiers/bank-account";
import { parseMajorUnits, sum, type Money } from "../../domain/money";
import type { CaseRecord } from "../../ports/case-store";
import type { PaymentAttempt, PaymentAttemptStore, PayOptionKind } from "../../ports/payment-attempt-store";
import type { PaymentMethod, PaymentProvider } from "../../ports/payment-provider";
import type { Random } from "../../ports/random";
import type { Tenant } from "../../ports/tenant-store";
import type { PayFormError, PayFormValues, PayOptionView, PayPageCase, PayPageView } from "./pay-page-model";
import { ladderOf, todayIn } from "../case-context";
import { rulesWithEnteredRates } from "../interest-rates";
import { payLinkTokenHash } from "../pay-links";
import { openPayLink, type PayLinkDeps } from "./pay-link-session";
import type { EventPublisher } from "../../ports/event-publisher";
import { countFirstOpen } from "../kpis/message-events";
import {
  caseToPay,
  hasSuspendedService,
  inCollection,
  payOptions,
  splitOverCases,
  type CaseToPay,
  type PayOption,
} from "./pay-options";
import { repeatsInvoiceNumber } from "../../letters/letter-text";
import { contactsOf, debtorStage, feeLinesOf, furthestStage, type AgencyContact } from "./debtor-view";

export interface PayPageConfig {
  publicBaseUrl: string;
  /** The account KID payments go to (the letterhead's), shown beside the KID. */
  accountNumber?: string;
  /** The agency running the pages and sending the letters (the platform's letterhead): shown with its contact. */
  agency?: AgencyContact;
}

export interface PayPageDeps extends PayLinkDeps {
  /** The `case-events` topic: a link's first open is told there (`message.opened`, the KPI funnel). */
  events?: EventPublisher;
  paymentAttempts: PaymentAttemptStore;
  paymentProvider?: PaymentProvider;
  /** Provider references. */
  random: Random;
}

export type PayPageResult =
  | { kind: "unknown" }
  | { kind: "expired"; creditorName?: string }
  | { kind: "ok"; view: PayPageView; options: PayOption[]; cases: CaseToPay[]; tenant: Tenant; records: CaseRecord[] };

const METHODS: readonly PaymentMethod[] = ["vipps", "card"];

/** What the invoice is for; empty when its description only repeats the invoice number (shown as the heading). */
function description(record: CaseRecord): string {
  return record.case.lines
    .map((l) => l.description)
    .filter((d) => !repeatsInvoiceNumber(d, record.invoiceNumber))
    .join(", ");
}

function optionView(option: PayOption): PayOptionView {
  switch (option.kind) {
    case "full":
      return { kind: "full", amount: option.amount };
    case "instalment":
      return { kind: "instalment", amount: option.amount, dueDate: option.dueDate };
    case "reopen":
      return { kind: "reopen", amount: option.amount };
    case "custom":
      return { kind: "custom", min: option.min, max: option.max };
  }
}

export function makeLoadPayPage(deps: PayPageDeps, config: PayPageConfig) {
  return async (token: string): Promise<PayPageResult> => {
    const session = await openPayLink(deps, token);
    if (session.kind === "unknown") return { kind: "unknown" };
    if (session.kind === "expired")
      return session.tenant ? { kind: "expired", creditorName: session.tenant.name } : { kind: "expired" };
    const { link, tenant, records } = session;
    const now = deps.clock.now();
    // The first open of a step's link counts in the KPI funnel: one write then, none on later views.
    await countFirstOpen(deps, link, now);
    const rulesOn = await rulesWithEnteredRates(deps);
    const cases = records.map((r) => caseToPay(r.caseId, r.case, now, rulesOn));
    const options = payOptions(cases, ladderOf(tenant, tenant.country));
    const payable = records.filter(
      (r) => cases.find((c) => c.caseId === r.caseId)!.total.value > 0 || r.case.status === "paid",
    );
    const shown: PayPageCase[] = (payable.length > 0 ? payable : records).map((r) => {
      const c = cases.find((x) => x.caseId === r.caseId)!;
      const fees = feeLinesOf(r, c.fees);
      return {
        caseId: r.caseId,
        invoiceNumber: r.invoiceNumber,
        description: description(r),
        kid: r.kid,
        dueDate: r.case.dueDate,
        invoiced: sum(
          r.case.lines.map((l) => l.amount),
          r.case.currency,
        ),
        balance: { principal: c.principal, fees: c.fees, interest: c.interest, total: c.total },
        status: r.case.status,
        inCollection: inCollection(r.case),
        serviceSuspended: hasSuspendedService(r.case),
        stage: debtorStage(r.case),
        feeLines: fees.lines,
        feesPaid: fees.paid,
      };
    });
    const owing = shown.filter((c) => c.balance.total.value > 0);
    const currency = records[0]!.case.currency;
    const view: PayPageView = {
      token,
      creditor: { name: tenant.name, ...(tenant.logoUrl ? { logoUrl: tenant.logoUrl } : {}) },
      cases: shown,
      total: options[0]?.kind === "full" ? options[0].amount : sum([], currency),
      options: options.map(optionView),
      methods: deps.paymentProvider ? [...METHODS] : [],
      ...(config.accountNumber ? { accountNumber: formatAccount(config.accountNumber) } : {}),
      expiresAt: link.expiresAt,
      today: todayIn(tenant.country, now),
      stage: furthestStage((owing.length > 0 ? owing : shown).map((c) => c.stage)),
      ...contactsOf(tenant, config.agency),
    };
    return { kind: "ok", view, options, cases, tenant, records };
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Starting a payment
// ---------------------------------------------------------------------------------------------------------------

export type StartPaymentResult =
  | { kind: "unknown" }
  | { kind: "expired"; creditorName?: string }
  /** The choice was refused: show the page again (422) with the message beside the field. */
  | { kind: "invalid"; view: PayPageView; error: PayFormError; values: PayFormValues }
  | { kind: "redirect"; url: string; reference: string };

/** A new provider reference: "pfu-" + 96 random bits in hex (`^[a-zA-Z0-9-]{8,50}$`). */
export function newPaymentReference(random: Random): string {
  return `pfu-${Buffer.from(random.bytes(12)).toString("hex")}`;
}

/** "1 234,50", "1234.50", "1234" → minor units; undefined when it is not an amount. */
export function parseTypedAmount(input: string, currency: Money["currency"]): Money | undefined {
  const compact = input.replace(/[\s\u00a0\u202f]/gu, "").replace(/(kr|nok)$/iu, "");
  try {
    const m = parseMajorUnits(compact, currency);
    return m.value > 0 ? m : undefined;
  } catch {
    return undefined;
  }
}

function paymentDescription(tenant: Tenant, records: CaseRecord[], parts: { caseId: string }[]): string {
  const numbers = parts.map((p) => records.find((r) => r.caseId === p.caseId)?.invoiceNumber).filter(Boolean);
  const text = `${tenant.name}: faktura ${numbers.join(", ")}`;
  return text.length <= 100 ? text : `${text.slice(0, 99)}…`;
}

export function makeStartPayment(deps: PayPageDeps, config: PayPageConfig) {
  const load = makeLoadPayPage(deps, config);
  return async (token: string, form: PayFormValues, lang: "nb" | "en"): Promise<StartPaymentResult> => {
    const page = await load(token);
    if (page.kind !== "ok") return page;
    const { view, options, cases, tenant, records } = page;
    const values: PayFormValues = form;
    const invalid = (error: PayFormError): StartPaymentResult => ({ kind: "invalid", view, error, values });

    if (!deps.paymentProvider) return invalid({ field: "method", code: "PROVIDER_UNAVAILABLE" });
    const method = form.method === "vipps" || form.method === "card" ? form.method : undefined;
    if (!method) return invalid({ field: "method", code: "METHOD_INVALID" });
    const kind = (form.option ?? "full") as PayOptionKind;
    const option = options.find((o) => o.kind === kind);
    if (!option) return invalid({ field: "option", code: "OPTION_UNAVAILABLE" });

    let cover: AllocationPart | undefined;
    if (form.cover !== undefined && form.cover !== "") {
      const parsed = AllocationPart.safeParse(form.cover);
      if (!parsed.success) return invalid({ field: "cover", code: "COVER_INVALID" });
      cover = parsed.data;
    }

    let amount: Money;
    let parts: PaymentAttempt["parts"];
    if (option.kind === "custom") {
      if (form.amount === undefined || form.amount.trim() === "")
        return invalid({ field: "amount", code: "AMOUNT_MISSING", params: { min: option.min, max: option.max } });
      const typed = parseTypedAmount(form.amount, option.max.currency);
      if (!typed)
        return invalid({ field: "amount", code: "AMOUNT_INVALID", params: { min: option.min, max: option.max } });
      if (typed.value < option.min.value)
        return invalid({ field: "amount", code: "AMOUNT_BELOW_MINIMUM", params: { min: option.min, max: option.max } });
      if (typed.value > option.max.value)
        return invalid({ field: "amount", code: "AMOUNT_ABOVE_BALANCE", params: { min: option.min, max: option.max } });
      amount = typed;
      parts = splitOverCases(
        amount,
        cases.filter((c) => c.total.value > 0),
      );
    } else {
      amount = option.amount;
      parts = option.parts;
    }

    const now = deps.clock.now();
    const reference = newPaymentReference(deps.random);
    const tokenHash = payLinkTokenHash(token);
    const at = now.toISOString();
    const isPartial = option.kind !== "full";
    await deps.paymentAttempts.create({
      schemaVersion: 1,
      reference,
      provider: "vipps",
      method,
      tenantId: tenant.tenantId,
      tokenHash,
      option: option.kind,
      amount,
      parts,
      ...(cover && isPartial ? { allocationOrder: [cover] } : {}),
      valueDate: todayIn(tenant.country, now),
      state: "created",
      appliedTo: [],
      createdAt: at,
      updatedAt: at,
    });
    const base = config.publicBaseUrl.replace(/\/+$/u, "");
    const returnUrl = `${base}/p/${token}/receipt?ref=${reference}${lang === "en" ? "&lang=en" : ""}`;
    try {
      const created = await deps.paymentProvider.create({
        reference,
        amount,
        method,
        returnUrl,
        description: paymentDescription(tenant, records, parts),
        idempotencyKey: reference,
      });
      return { kind: "redirect", url: created.redirectUrl, reference };
    } catch (error) {
      await deps.paymentAttempts.update(reference, (a) => ({
        ...a,
        state: "failed",
        failureReason: "the payment provider did not accept the payment",
        updatedAt: deps.clock.now().toISOString(),
      }));
      if (error instanceof Error && "status" in error)
        return invalid({ field: "method", code: "PROVIDER_UNAVAILABLE" });
      throw error;
    }
  };
}
