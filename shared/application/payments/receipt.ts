/**
 * The receipt page `/p/{token}/receipt?ref=…` the provider sends the debtor back to. It says "paid" as soon as the
 * payment is applied to the cases; until then it is "pending" and refreshes itself. While pending it also asks the
 * provider directly, and queues what it learns as an event — so a lost or late webhook does not leave the debtor
 * waiting (applying stays in one place: the queue's trigger).
 */
import { balanceOf } from "../../domain/case";
import type { PaymentAttempt } from "../../ports/payment-attempt-store";
import type { PaymentQueue } from "../../ports/payment-queue";
import type { ReceiptView } from "./pay-page-model";
import { payLinkTokenHash } from "../pay-links";
import { openPayLink } from "./pay-link-session";
import { caseToPay } from "./pay-options";
import type { PayPageDeps } from "./pay-page";
import { pollProvider } from "./reconcile-payments";
import { servicesProgress } from "../services/service-progress";
import { rulesWithEnteredRates } from "../interest-rates";
import { todayIn } from "../case-context";
import { planCase } from "../plan-next-step";
import { add, money, type Money } from "../../domain/money";
import type { CaseRecord } from "../../ports/case-store";
import type { Tenant } from "../../ports/tenant-store";
import type { PaymentCoverage } from "./pay-page-model";
import { contactsOf, type AgencyContact } from "./debtor-view";
import { ledgerReference } from "./apply-payment";
import type { RulesOn } from "../interest-rates";

export interface ReceiptDeps extends PayPageDeps {
  paymentQueue: PaymentQueue;
  /** The agency running the pages (the platform's letterhead), shown with its contact details. */
  agency?: AgencyContact;
}

export type ReceiptResult = { kind: "unknown" } | { kind: "ok"; view: ReceiptView };

const REFRESH_SECONDS = 2;
/** While a paid-for service is being reopened (the partner usually confirms within seconds). */
const SERVICE_REFRESH_SECONDS = 3;
/** While a reopen is late (operations alerted): still refreshing, less often, so the page tells when it is open. */
const DELAYED_REFRESH_SECONDS = 15;

function stateOf(attempt: PaymentAttempt | undefined): ReceiptView["state"] {
  if (!attempt) return "pending";
  if (attempt.state === "applied") return "paid";
  if (attempt.state === "failed") return "failed";
  return "pending";
}

/** What the payment with the ledger reference `reference` covered on these cases: their ledgers' allocation of it, summed. */
export function coverageOf(
  records: readonly CaseRecord[],
  reference: string,
  currency: Money["currency"],
): PaymentCoverage {
  const zero = money(0, currency);
  return records
    .flatMap((r) => r.case.ledger)
    .reduce<PaymentCoverage>(
      (acc, e) =>
        e.type === "payment" && e.reference === reference
          ? {
              fees: add(acc.fees, e.allocation.fees),
              interest: add(acc.interest, e.allocation.interest),
              principal: add(acc.principal, e.allocation.principal),
              credit: add(acc.credit, e.allocation.credit),
            }
          : acc,
      { fees: zero, interest: zero, principal: zero, credit: zero },
    );
}

/** The planner's next step for a case that still owes: what and on which day (none when it waits or is done). */
function nextStep(record: CaseRecord, tenant: Tenant, now: Date, rules: RulesOn): ReceiptView["cases"][number]["next"] {
  const next = planCase(record, tenant, now, rules).plan;
  if (next.kind === "act") return { kind: next.action.kind, on: next.action.on };
  if (next.kind === "wait") return { kind: next.next.kind, on: todayIn(record.case.country, next.next.at) };
  return undefined;
}

export function makeLoadReceipt(deps: ReceiptDeps) {
  return async (token: string, reference: string | undefined): Promise<ReceiptResult> => {
    const session = await openPayLink(deps, token, { allowExpired: true });
    if (session.kind !== "ok") return { kind: "unknown" };
    let attempt = reference ? await deps.paymentAttempts.get(reference) : undefined;
    if (attempt && attempt.tokenHash !== payLinkTokenHash(token)) attempt = undefined;

    if (attempt && (attempt.state === "created" || attempt.state === "authorized" || attempt.state === "captured")) {
      try {
        // One poll per page load and second: the refreshes while the debtor waits are the polling.
        await pollProvider(deps, attempt, deps.clock.now().toISOString().slice(0, 19));
      } catch {
        // The provider could not be asked now: the webhook or the next refresh will tell.
      }
    }

    const now = deps.clock.now();
    const rulesOn = await rulesWithEnteredRates(deps);
    const paidCases = attempt
      ? session.records.filter((r) => attempt.parts.some((p) => p.caseId === r.caseId))
      : session.records;
    const state = attempt
      ? stateOf(attempt)
      : session.records.every((r) => r.case.status === "paid")
        ? "paid"
        : "pending";
    // A reopen confirmed before this payment was made is an earlier story, not this receipt's.
    const services =
      state === "failed"
        ? []
        : paidCases.flatMap((r) => servicesProgress(r.case, attempt ? new Date(attempt.createdAt) : undefined));
    const refreshSeconds =
      state === "pending" && attempt
        ? REFRESH_SECONDS
        : state === "paid" && services.some((s) => s.kind === "reopening")
          ? SERVICE_REFRESH_SECONDS
          : state === "paid" && services.some((s) => s.kind === "reopen-delayed")
            ? DELAYED_REFRESH_SECONDS
            : undefined;
    const cases = paidCases.map((r) => {
      const credit = balanceOf(r.case).credit;
      const balance = caseToPay(r.caseId, r.case, now, rulesOn).total;
      const owing = balance.value > 0 && r.case.status !== "paid";
      const next = owing && state === "paid" ? nextStep(r, session.tenant, now, rulesOn) : undefined;
      return {
        invoiceNumber: r.invoiceNumber,
        balance,
        status: r.case.status,
        ...(credit.value > 0 ? { credit } : {}),
        ...(next ? { next } : {}),
      };
    });
    const applied = attempt?.state === "applied";
    const view: ReceiptView = {
      token,
      creditor: { name: session.tenant.name, ...(session.tenant.logoUrl ? { logoUrl: session.tenant.logoUrl } : {}) },
      state,
      ...(attempt
        ? {
            payment: {
              reference: attempt.reference,
              amount: attempt.amount,
              method: attempt.method,
              ...(attempt.failureReason ? { failureReason: attempt.failureReason } : {}),
              // Applied: the attempt's last write is the moment the money was on the cases.
              ...(applied ? { paidAt: attempt.updatedAt } : {}),
              ...(applied
                ? {
                    covered: coverageOf(
                      paidCases,
                      ledgerReference(attempt.method, attempt.reference),
                      attempt.amount.currency,
                    ),
                  }
                : {}),
            },
          }
        : {}),
      ...(state === "paid" ? { partial: cases.some((c) => c.balance.value > 0 && c.status !== "paid") } : {}),
      cases,
      services,
      ...contactsOf(session.tenant, deps.agency),
      ...(refreshSeconds ? { refreshSeconds } : {}),
    };
    return { kind: "ok", view };
  };
}
