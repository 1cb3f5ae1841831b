/**
 * Overpayments, host-free: two tabs both paid with Vipps, so the case holds the second payment as credit. The creditor
 * sees it on the overpayment list and refunds it through the provider (once, whatever the retries), or keeps it; a
 * refund above the credit or above what the provider payment holds is refused with 422 and changes nothing.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { applyIncomingPayment } from "../../../../shared/application/payments/apply-payment";
import {
  makeKeepCredit,
  makeListOverpayments,
  makeRefundOverpayment,
  NoProviderPayment,
  RefundExceedsCaptured,
} from "../../../../shared/application/payments/overpayments";
import { makeGetCase } from "../../../../shared/application/get-case";
import { makeRegisterInvoice } from "../../../../shared/application/register-invoice";
import { makeRecordDirectPayment } from "../../../../shared/application/record-direct-payment";
import { RefundExceedsCredit } from "../../../../shared/domain/case";
import { FakePaymentProvider } from "../../../support/fake-payment-provider";
import { seedTenant, testWorld, type TestWorld } from "../../functions/api/api-fixtures";

let w: TestWorld;
let provider: FakePaymentProvider;
let tenantId: string;
const nok = (value: number) => ({ value, currency: "NOK" as const });

const deps = () => ({ ...w.deps, paymentProvider: provider });

/** A Vipps payment of `value` captured at the provider and applied to the case, as the payment path does. */
async function payWithVipps(caseId: string, reference: string, value: number): Promise<void> {
  await provider.create({
    reference,
    amount: nok(value),
    method: "vipps",
    description: "test",
    returnUrl: "https://pay.example.test/r",
  } as never);
  provider.approve(reference);
  await provider.capture(reference, nok(value), `capture-${reference}`);
  await applyIncomingPayment(w.deps, {
    tenantId,
    caseId,
    reference,
    channel: "vipps",
    amount: nok(value),
    receivedOn: "2026-11-02",
  });
}

async function overpaidCase(invoiceNumber = "INV-1"): Promise<string> {
  const { caseId } = await makeRegisterInvoice(w.deps)(tenantId, {
    invoiceNumber,
    customer: { customerId: `cust-${invoiceNumber}`, name: "Kari Nordmann" },
    amount: nok(50_000),
    issueDate: "2026-10-20",
    dueDate: "2026-11-15",
  });
  await payWithVipps(caseId, `ref-${invoiceNumber}-a`, 50_000); // the first tab
  await payWithVipps(caseId, `ref-${invoiceNumber}-b`, 50_000); // the second tab
  return caseId;
}

beforeEach(async () => {
  w = testWorld({ now: "2026-11-02T10:00:00Z" });
  provider = new FakePaymentProvider();
  ({ tenantId } = await seedTenant(w));
});

describe("overpayments", () => {
  it("shows the second payment as credit, lists the case, and refunds it through Vipps once whatever the retries", async () => {
    const caseId = await overpaidCase();
    const view = await makeGetCase(w.deps)(tenantId, caseId);
    expect(view.status).toBe("paid");
    expect(view.balance.total.value).toBe(0);
    expect(view.balance.credit).toEqual(nok(50_000));
    expect(view.overpayment).toEqual({ credit: nok(50_000), kept: null, refunds: [] });
    const listed = await makeListOverpayments(w.deps)(tenantId, { limit: 10 });
    expect(listed.items.map((o) => [o.caseId, o.credit.value, o.refundable])).toEqual([
      [
        caseId,
        50_000,
        [
          { reference: "ref-INV-1-b", amount: nok(50_000) },
          { reference: "ref-INV-1-a", amount: nok(50_000) },
        ],
      ],
    ]);

    const refund = makeRefundOverpayment(deps());
    const after = await refund(tenantId, caseId, { reference: "R-1" });
    expect(after.balance.credit.value).toBe(0);
    expect(after.overpayment?.refunds).toEqual([
      { reference: "R-1", amount: nok(50_000), on: "2026-11-02", via: "provider" },
    ]);
    expect((await provider.get("ref-INV-1-b")).refunded).toEqual(nok(50_000)); // the newest payment
    expect((await provider.get("ref-INV-1-a")).refunded).toEqual(nok(0));
    // The same refund again (a client's retry): nothing more goes back.
    await refund(tenantId, caseId, { reference: "R-1" });
    expect(provider.refunds).toBe(1);
    // Another refund now: nothing is left to refund, and the answer says so.
    await expect(refund(tenantId, caseId, { reference: "R-2" })).rejects.toMatchObject({
      code: "NO_CREDIT_TO_REFUND",
      message: expect.stringContaining("holds no credit to refund"),
    });
    expect((await makeListOverpayments(w.deps)(tenantId, { limit: 10 })).items).toEqual([]);
    expect(w.events.ofType("payment.refunded").map((e) => e.data["amount"])).toEqual([nok(50_000)]);
  });

  it("refunds once when the answer was lost after the provider refunded (a retry with the same reference)", async () => {
    const caseId = await overpaidCase();
    const lost = deps();
    const failingCases = {
      get: (t: string, c: string) => lost.cases.get(t, c),
      update: async () => Promise.reject(new Error("Cosmos DB: 503")),
    };
    await expect(
      makeRefundOverpayment({ ...lost, cases: failingCases as never })(tenantId, caseId, { reference: "R-9" }),
    ).rejects.toThrow("503");
    expect(provider.refunds).toBe(1); // the provider refunded; the case does not know yet
    const after = await makeRefundOverpayment(deps())(tenantId, caseId, { reference: "R-9" });
    expect(provider.refunds).toBe(1);
    expect((await provider.get("ref-INV-1-b")).refunded).toEqual(nok(50_000));
    expect(after.balance.credit.value).toBe(0);
  });

  it("refuses a refund above the credit or above what the provider payment holds with 422, changing nothing", async () => {
    const caseId = await overpaidCase();
    const refund = makeRefundOverpayment(deps());
    await expect(refund(tenantId, caseId, { reference: "R-2", amount: nok(50_001) })).rejects.toBeInstanceOf(
      RefundExceedsCredit,
    );
    // The provider already refunded part of the payment elsewhere (e.g. in the Vipps portal).
    await provider.refund("ref-INV-1-b", nok(30_000), "portal");
    await provider.refund("ref-INV-1-a", nok(30_000), "portal-a");
    await expect(refund(tenantId, caseId, { reference: "R-3", amount: nok(40_000) })).rejects.toBeInstanceOf(
      RefundExceedsCaptured,
    );
    expect(provider.refunds).toBe(2);
    expect((await makeGetCase(w.deps)(tenantId, caseId)).balance.credit).toEqual(nok(50_000));
    const partial = await refund(tenantId, caseId, { reference: "R-4", amount: nok(20_000) });
    expect(partial.balance.credit).toEqual(nok(30_000));
  });

  it("records a refund the creditor paid by bank transfer, and refuses the provider way for a bank payment", async () => {
    const { caseId } = await makeRegisterInvoice(w.deps)(tenantId, {
      invoiceNumber: "INV-B",
      customer: { customerId: "cust-b", name: "Ola Nordmann" },
      amount: nok(10_000),
      issueDate: "2026-10-20",
      dueDate: "2026-11-15",
    });
    await makeRecordDirectPayment(w.deps)(tenantId, caseId, {
      reference: "bank-1",
      amount: nok(12_500),
      paidAt: "2026-11-02",
    });
    const refund = makeRefundOverpayment(deps());
    await expect(refund(tenantId, caseId, { reference: "R-5" })).rejects.toBeInstanceOf(NoProviderPayment);
    const after = await refund(tenantId, caseId, { reference: "R-5", method: "bank-transfer" });
    expect(after.balance.credit.value).toBe(0);
    expect(after.overpayment?.refunds[0]).toMatchObject({ amount: nok(2_500), via: "bank-transfer" });
    expect(provider.refunds).toBe(0);
  });

  it("keeps the credit by the creditor's choice: off the list until more credit comes in", async () => {
    const caseId = await overpaidCase();
    const kept = await makeKeepCredit(w.deps)(tenantId, caseId);
    expect(kept.overpayment).toMatchObject({ credit: nok(50_000), kept: nok(50_000) });
    expect((await makeListOverpayments(w.deps)(tenantId, { limit: 10 })).items).toEqual([]);
    await payWithVipps(caseId, "ref-INV-1-c", 5_000); // a third payment: new credit, a new choice to make
    const listed = await makeListOverpayments(w.deps)(tenantId, { limit: 10 });
    expect(listed.items.map((o) => [o.credit.value, o.kept.value])).toEqual([[55_000, 50_000]]);
  });

  it("refuses to keep credit on a case that holds none (409)", async () => {
    const { caseId } = await makeRegisterInvoice(w.deps)(tenantId, {
      invoiceNumber: "INV-C",
      customer: { customerId: "cust-c", name: "Per Hansen" },
      amount: nok(10_000),
      issueDate: "2026-10-20",
      dueDate: "2026-11-15",
    });
    await expect(makeKeepCredit(w.deps)(tenantId, caseId)).rejects.toMatchObject({ code: "CASE_ACTION_NOT_ALLOWED" });
  });
});
