/**
 * Paying from a pay link, host-free with literal ports: the page's options, refused choices, a Vipps payment from
 * start to applied, callbacks that come twice, out of order or forged, partial payments, and one link for two cases.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { signVippsWebhook } from "../../../../shared/adapters/vipps/webhook-signature.vipps";
import { VippsWebhookVerifier } from "../../../../shared/adapters/vipps/webhook-verifier.vipps";
import { MemoryPaymentAttemptStore } from "../../../../shared/adapters/memory/payment-attempt-store.memory";
import type { MemoryPaymentQueue } from "../../../../shared/adapters/memory/payment-queue.memory";
import { makeApplyProviderEvent } from "../../../../shared/application/payments/apply-provider-event";
import {
  makePlaceUnmatchedPayment,
  makeRefundUnmatchedPayment,
  PaymentAlreadyPlaced,
} from "../../../../shared/application/payments/place-unmatched-payment";
import { RefundExceedsCaptured } from "../../../../shared/application/payments/overpayments";
import { caseIdsForLink, issuePayLink } from "../../../../shared/application/pay-links";
import { makeLoadPayPage, makeStartPayment } from "../../../../shared/application/payments/pay-page";
import {
  CallbackRejected,
  makeReceiveProviderCallback,
} from "../../../../shared/application/payments/provider-callback";
import { makeLoadReceipt } from "../../../../shared/application/payments/receipt";
import { makeReconcilePayments } from "../../../../shared/application/payments/reconcile-payments";
import { makeRegisterInvoice } from "../../../../shared/application/register-invoice";
import type { CaseRecord } from "../../../../shared/ports/case-store";
import type { ProviderEventMessage } from "../../../../shared/ports/payment-queue";
import { FakePaymentProvider } from "../../../support/fake-payment-provider";
import { seedTenant, testWorld, type TestWorld } from "../../functions/api/api-fixtures";

const SECRET = "unit-test-vipps-webhook-secret";
const CONFIG = { publicBaseUrl: "https://pay.example.test", accountNumber: "12345678903" };

let w: TestWorld;
let provider: FakePaymentProvider;
let tenantId: string;

function deps() {
  return {
    ...w.deps,
    paymentProvider: provider,
    paymentWebhooks: new VippsWebhookVerifier({ secret: SECRET }),
  };
}

function tokenOf(url: string): string {
  return url.split("/p/")[1]!;
}

async function register(
  invoiceNumber: string,
  amount: number,
  dueDate = "2026-11-05",
  issueDate = "2026-10-20",
): Promise<{ caseId: string; token: string }> {
  const r = await makeRegisterInvoice(w.deps)(tenantId, {
    invoiceNumber,
    customer: {
      customerId: "cust-1",
      name: "Kari Nordmann",
      phone: "+4791234567",
      consent: { sms: true, email: false },
    },
    amount: { value: amount, currency: "NOK" },
    issueDate,
    dueDate,
  });
  return { caseId: r.caseId, token: tokenOf(r.payLink) };
}

/** Moves a case into collection (as the ladder would after the collection notice). */
async function toCollection(caseId: string): Promise<void> {
  await w.deps.cases.update(tenantId, caseId, (r: CaseRecord) => ({
    ...r,
    case: { ...r.case, stage: "collection-notice" },
  }));
}

function event(reference: string, name: string): ProviderEventMessage {
  return {
    kind: "provider-event",
    id: `vipps:${reference}:${name}`,
    receivedAt: w.clock.now().toISOString(),
    event: { provider: "vipps", reference, name },
  };
}

async function balanceOf(caseId: string): Promise<{ total: number; status: string; payments: number }> {
  const r = (await w.deps.cases.getById(caseId))!;
  const page = await makeLoadPayPage(
    deps(),
    CONFIG,
  )((await issuePayLink(w.deps, CONFIG, { tenantId, caseIds: [caseId] }, w.clock.now())).url.split("/p/")[1]!);
  if (page.kind !== "ok") throw new Error("no page");
  return {
    total: page.view.cases[0]!.balance.total.value,
    status: r.case.status,
    payments: r.case.ledger.filter((l) => l.type === "payment").length,
  };
}

beforeEach(async () => {
  w = testWorld({ now: "2026-11-12T10:00:00Z" });
  provider = new FakePaymentProvider();
  ({ tenantId } = await seedTenant(w));
});

describe("the pay page", () => {
  it("shows the claim with its KID and offers the full amount with Vipps and card", async () => {
    const { token } = await register("INV-1", 129_900);
    const page = await makeLoadPayPage(deps(), CONFIG)(token);
    expect(page.kind).toBe("ok");
    if (page.kind !== "ok") return;
    expect(page.view.creditor.name).toBe("Creditor t_alpha");
    expect(page.view.cases[0]!.invoiceNumber).toBe("INV-1");
    expect(page.view.cases[0]!.kid).toMatch(/^\d+$/u);
    expect(page.view.methods).toEqual(["vipps", "card"]);
    expect(page.view.options.map((o) => o.kind)).toEqual(["full"]);
    expect(page.view.total.value).toBeGreaterThanOrEqual(129_900); // late interest since the due date
    // An invoice handed over without lines is described as "Faktura INV-1": the heading says that already.
    expect(page.view.cases[0]!.description).toBe("");
  });

  it("offers no pay buttons when no payment provider is configured, but still shows the KID", async () => {
    const { token } = await register("INV-1", 129_900);
    const page = await makeLoadPayPage({ ...w.deps }, CONFIG)(token);
    expect(page.kind === "ok" && page.view.methods).toEqual([]);
    expect(page.kind === "ok" && page.view.accountNumber).toBe("1234.56.78903");
  });

  it("says unknown for a made-up token and expired for a link past its 30 days", async () => {
    const { token } = await register("INV-1", 129_900);
    expect((await makeLoadPayPage(deps(), CONFIG)("x".repeat(27))).kind).toBe("unknown");
    expect((await makeLoadPayPage(deps(), CONFIG)("../../etc/passwd")).kind).toBe("unknown");
    w.clock.set("2026-12-13T10:00:00Z");
    const page = await makeLoadPayPage(deps(), CONFIG)(token);
    expect(page).toEqual({ kind: "expired", creditorName: "Creditor t_alpha" });
  });

  it("adds Betal nå's any-amount option from NOK 100 once the claim is in collection", async () => {
    const { caseId, token } = await register("INV-1", 129_900);
    await toCollection(caseId);
    const page = await makeLoadPayPage(deps(), CONFIG)(token);
    if (page.kind !== "ok") throw new Error(page.kind);
    const custom = page.view.options.find((o) => o.kind === "custom");
    expect(custom).toMatchObject({ kind: "custom", min: { value: 10_000, currency: "NOK" } });
    expect(custom?.kind === "custom" && custom.max.value).toBe(page.view.total.value);
  });

  it("offers the amount that reopens a suspended service today", async () => {
    const { caseId, token } = await register("INV-1", 129_900);
    await w.deps.tenants.setPolicy(
      tenantId,
      {
        ...(await import("../../../../shared/domain/policy")).defaultPolicy("NO", "Fjordnett"),
        reopenMinimum: { value: 50_000, currency: "NOK" },
      },
      w.clock.now(),
    );
    await w.deps.cases.update(tenantId, caseId, (r) => ({
      ...r,
      case: {
        ...r.case,
        stage: "suspension",
        services: [
          {
            serviceId: "bb-1",
            kind: "broadband",
            state: "suspended",
            blockers: [{ kind: "overdue", since: "2026-01-01T00:00:00.000Z" }],
            lastCommand: null,
          },
        ],
      },
    }));
    const page = await makeLoadPayPage(deps(), CONFIG)(token);
    if (page.kind !== "ok") throw new Error(page.kind);
    const reopen = page.view.options.find((o) => o.kind === "reopen");
    expect(reopen?.kind === "reopen" && reopen.amount.value).toBe(page.view.total.value - 50_000);
    expect(page.view.cases[0]!.serviceSuspended).toBe(true);
  });
});

describe("starting a payment", () => {
  it("refuses an amount under the creditor's minimum with the minimum named, and creates nothing", async () => {
    const { caseId, token } = await register("INV-1", 129_900);
    await toCollection(caseId);
    const result = await makeStartPayment(deps(), CONFIG)(
      token,
      { method: "vipps", option: "custom", amount: "50" },
      "nb",
    );
    expect(result).toMatchObject({
      kind: "invalid",
      error: { field: "amount", code: "AMOUNT_BELOW_MINIMUM", params: { min: { value: 10_000 } } },
      values: { amount: "50" },
    });
    expect((w.deps.paymentAttempts as MemoryPaymentAttemptStore).all()).toHaveLength(0);
    expect(provider.payments.size).toBe(0);
  });

  it("refuses amounts that are not amounts, above the balance, and unknown methods or options", async () => {
    const { caseId, token } = await register("INV-1", 129_900);
    await toCollection(caseId);
    const start = makeStartPayment(deps(), CONFIG);
    expect(await start(token, { method: "vipps", option: "custom", amount: "12,345" }, "nb")).toMatchObject({
      error: { code: "AMOUNT_INVALID" },
    });
    expect(await start(token, { method: "vipps", option: "custom", amount: "" }, "nb")).toMatchObject({
      error: { code: "AMOUNT_MISSING" },
    });
    expect(await start(token, { method: "vipps", option: "custom", amount: "999999" }, "nb")).toMatchObject({
      error: { code: "AMOUNT_ABOVE_BALANCE" },
    });
    expect(await start(token, { method: "bitcoin", option: "full" }, "nb")).toMatchObject({
      error: { field: "method", code: "METHOD_INVALID" },
    });
    expect(await start(token, { method: "vipps", option: "instalment" }, "nb")).toMatchObject({
      error: { field: "option", code: "OPTION_UNAVAILABLE" },
    });
    expect(
      await start(token, { method: "vipps", option: "custom", amount: "200", cover: "everything" }, "nb"),
    ).toMatchObject({ error: { field: "cover" } });
  });

  it("creates the payment at the provider for the balance and redirects there, returning to the receipt", async () => {
    const { token } = await register("INV-1", 129_900);
    const result = await makeStartPayment(deps(), CONFIG)(token, { method: "card", option: "full" }, "en");
    expect(result.kind).toBe("redirect");
    if (result.kind !== "redirect") return;
    expect(result.url).toBe(`https://provider.test/landing/${result.reference}`);
    const created = provider.payments.get(result.reference)!;
    expect(created.request.method).toBe("card");
    expect(created.request.returnUrl).toBe(
      `https://pay.example.test/p/${token}/receipt?ref=${result.reference}&lang=en`,
    );
    expect(created.request.description).toContain("INV-1");
    expect(created.request.reference).toMatch(/^[a-zA-Z0-9-]{8,50}$/u);
  });

  it("shows the form again when the provider refuses, and marks the attempt failed", async () => {
    const { token } = await register("INV-1", 129_900);
    provider.failNextCreate = 400;
    const result = await makeStartPayment(deps(), CONFIG)(token, { method: "vipps", option: "full" }, "nb");
    expect(result).toMatchObject({ kind: "invalid", error: { code: "PROVIDER_UNAVAILABLE" } });
    expect((w.deps.paymentAttempts as MemoryPaymentAttemptStore).all()[0]!.state).toBe("failed");
  });
});

describe("applying a Vipps payment", () => {
  async function paid(
    option: "full" | "custom",
    amount?: string,
  ): Promise<{ caseId: string; token: string; reference: string }> {
    const { caseId, token } = await register("INV-1", 129_900);
    if (option === "custom") await toCollection(caseId);
    const result = await makeStartPayment(deps(), CONFIG)(
      token,
      { method: "vipps", option, ...(amount ? { amount } : {}) },
      "nb",
    );
    if (result.kind !== "redirect") throw new Error(JSON.stringify(result));
    provider.approve(result.reference);
    return { caseId, token, reference: result.reference };
  }

  it("captures, closes the case at once, and says paid on the receipt", async () => {
    const { caseId, token, reference } = await paid("full");
    const receiptBefore = await makeLoadReceipt({ ...deps(), paymentQueue: w.deps.paymentQueue })(token, reference);
    expect(receiptBefore).toMatchObject({ kind: "ok", view: { state: "pending", refreshSeconds: 2 } });
    const outcome = await makeApplyProviderEvent(deps())(event(reference, "AUTHORIZED"));
    expect(outcome).toEqual({ outcome: "applied", reference, caseIds: [caseId] });
    expect(provider.payments.get(reference)!.captured.value).toBe(provider.payments.get(reference)!.amount.value);
    expect(await balanceOf(caseId)).toEqual({ total: 0, status: "paid", payments: 1 });
    const receipt = await makeLoadReceipt({ ...deps(), paymentQueue: w.deps.paymentQueue })(token, reference);
    expect(receipt).toMatchObject({
      kind: "ok",
      view: { state: "paid", cases: [{ invoiceNumber: "INV-1", balance: { value: 0 }, status: "paid" }] },
    });
    const types = w.events.published.map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(["payment.received", "case.paid", "case.closed"]));
    expect(w.workflowCalls).toContainEqual({ op: "caseChanged", caseId, reason: "payment" });
  });

  it("tells on the receipt how the paid-for service is doing, refreshing itself until it is open", async () => {
    const { caseId, token, reference } = await paid("full");
    await makeApplyProviderEvent(deps())(event(reference, "AUTHORIZED"));
    const setService = (state: "reopening" | "escalated" | "active", confirmedAt?: string) =>
      w.deps.cases.update(tenantId, caseId, (r) => ({
        ...r,
        case: {
          ...r.case,
          services: [
            {
              serviceId: "bb-1",
              kind: "broadband",
              state,
              blockers: [],
              lastCommand: {
                commandId: `${caseId}.0.2`,
                target: "active",
                sequence: 2,
                issuedAt: w.clock.now().toISOString(),
                partnerState: confirmedAt ? "completed" : null,
                attempts: 1,
                ...(confirmedAt ? { confirmedAt } : {}),
              },
            },
          ],
        },
      }));
    const load = () => makeLoadReceipt({ ...deps(), paymentQueue: w.deps.paymentQueue })(token, reference);

    await setService("reopening");
    expect(await load()).toMatchObject({
      view: { state: "paid", services: [{ kind: "reopening" }], refreshSeconds: 3 },
    });
    await setService("escalated");
    expect(await load()).toMatchObject({
      view: { state: "paid", services: [{ kind: "reopen-delayed" }], refreshSeconds: 15 },
    });
    const confirmedAt = new Date(w.clock.now().getTime() + 90_000).toISOString();
    await setService("active", confirmedAt);
    const opened = await load();
    const oslo = new Intl.DateTimeFormat("nb-NO", {
      timeZone: "Europe/Oslo",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    }).format(new Date(confirmedAt));
    expect(opened).toMatchObject({ view: { services: [{ kind: "reopened", time: oslo }] } });
    expect(opened.kind === "ok" && opened.view.refreshSeconds).toBeUndefined();
  });

  it("credits exactly once when the callback comes ten times and CAPTURED arrives before AUTHORIZED", async () => {
    const { caseId, reference } = await paid("full");
    const apply = makeApplyProviderEvent(deps());
    await apply(event(reference, "CAPTURED"));
    for (let i = 0; i < 10; i += 1) await apply(event(reference, "AUTHORIZED"));
    await Promise.all([apply(event(reference, "AUTHORIZED")), apply(event(reference, "CAPTURED"))]);
    expect(provider.captures).toBe(1);
    expect(await balanceOf(caseId)).toMatchObject({ total: 0, payments: 1 });
    expect(w.events.published.filter((e) => e.type === "payment.received")).toHaveLength(1);
  });

  it("leaves the right balance after a partial payment, and the ladder is told to re-plan", async () => {
    const { caseId, reference } = await paid("custom", "500,00");
    const before = (await balanceOf(caseId)).total;
    await makeApplyProviderEvent(deps())(event(reference, "AUTHORIZED"));
    const after = await balanceOf(caseId);
    expect(after).toMatchObject({ status: "open", payments: 1 });
    expect(after.total).toBe(before - 50_000);
    expect(w.workflowCalls.filter((c) => c.op === "caseChanged" && c.reason === "payment")).toHaveLength(1);
  });

  it("marks a declined payment failed and changes nothing on the case", async () => {
    const { caseId, token } = await register("INV-1", 129_900);
    const result = await makeStartPayment(deps(), CONFIG)(token, { method: "vipps", option: "full" }, "nb");
    if (result.kind !== "redirect") throw new Error(result.kind);
    provider.decline(result.reference);
    expect(await makeApplyProviderEvent(deps())(event(result.reference, "ABORTED"))).toMatchObject({
      outcome: "failed",
    });
    // A forged AUTHORIZED after that does not credit: the provider says ABORTED.
    expect(await makeApplyProviderEvent(deps())(event(result.reference, "AUTHORIZED"))).toMatchObject({
      outcome: "failed",
    });
    expect(await balanceOf(caseId)).toMatchObject({ status: "open", payments: 0 });
    const receipt = await makeLoadReceipt({ ...deps(), paymentQueue: w.deps.paymentQueue })(token, result.reference);
    expect(receipt).toMatchObject({ view: { state: "failed" } });
  });

  it("reads a payment cancelled on the portal after authorization (Vipps: still AUTHORIZED, cancelledAmount set) as cancelled, and the debtor can pay again", async () => {
    const { caseId, token, reference } = await paid("full");
    const before = await balanceOf(caseId);
    await provider.cancel(reference); // what a cancel on portal.vipps.no does: the state stays AUTHORIZED
    const cancelled = await provider.get(reference);
    expect(cancelled).toMatchObject({ state: "AUTHORIZED", captured: { value: 0 } });
    expect(cancelled.cancelled.value).toBe(cancelled.authorized.value);
    expect(await makeApplyProviderEvent(deps())(event(reference, "AUTHORIZED"))).toEqual({
      outcome: "failed",
      reference,
      state: "CANCELLED",
    });
    expect(provider.captures).toBe(0);
    expect(await balanceOf(caseId)).toEqual({ ...before, payments: 0 });
    const receipt = await makeLoadReceipt({ ...deps(), paymentQueue: w.deps.paymentQueue })(token, reference);
    expect(receipt).toMatchObject({ view: { state: "failed" } });
    const again = await makeStartPayment(deps(), CONFIG)(token, { method: "vipps", option: "full" }, "nb");
    expect(again.kind).toBe("redirect");
  });

  it("finds such a cancelled payment in the sweep too, queued as CANCELLED and marked failed", async () => {
    const { caseId, reference } = await paid("full");
    await provider.cancel(reference);
    w.clock.set("2026-11-12T10:03:00Z");
    const queue = w.deps.paymentQueue as MemoryPaymentQueue;
    expect(await makeReconcilePayments({ ...deps(), paymentQueue: queue })()).toMatchObject({ queued: 1 });
    const [message] = queue.drain();
    expect(message).toMatchObject({ event: { reference, name: "CANCELLED" } });
    expect(await makeApplyProviderEvent(deps())(message as ProviderEventMessage)).toMatchObject({ outcome: "failed" });
    expect(await balanceOf(caseId)).toMatchObject({ status: "open", payments: 0 });
  });

  it("does not credit an AUTHORIZED event for a payment the debtor has not approved", async () => {
    const { caseId, token } = await register("INV-1", 129_900);
    const result = await makeStartPayment(deps(), CONFIG)(token, { method: "vipps", option: "full" }, "nb");
    if (result.kind !== "redirect") throw new Error(result.kind);
    expect(await makeApplyProviderEvent(deps())(event(result.reference, "AUTHORIZED"))).toMatchObject({
      outcome: "waiting",
    });
    expect(await balanceOf(caseId)).toMatchObject({ payments: 0 });
  });

  it("pays every case on a link that covers two invoices, the oldest first for a partial amount", async () => {
    const a = await register("INV-OLD", 40_000, "2026-10-01", "2026-09-15");
    const b = await register("INV-NEW", 80_000, "2026-11-05");
    await toCollection(a.caseId);
    const link = await issuePayLink(w.deps, CONFIG, { tenantId, caseIds: [b.caseId, a.caseId] }, w.clock.now());
    const token = tokenOf(link.url);
    const page = await makeLoadPayPage(deps(), CONFIG)(token);
    if (page.kind !== "ok") throw new Error(page.kind);
    expect(page.view.cases.map((c) => c.invoiceNumber).sort()).toEqual(["INV-NEW", "INV-OLD"]);
    const oldTotal = page.view.cases.find((c) => c.invoiceNumber === "INV-OLD")!.balance.total.value;
    const result = await makeStartPayment(deps(), CONFIG)(
      token,
      { method: "vipps", option: "custom", amount: String((oldTotal + 10_000) / 100) },
      "nb",
    );
    if (result.kind !== "redirect") throw new Error(JSON.stringify(result));
    provider.approve(result.reference);
    await makeApplyProviderEvent(deps())(event(result.reference, "AUTHORIZED"));
    expect(await balanceOf(a.caseId)).toMatchObject({ total: 0, status: "paid" });
    const newer = await balanceOf(b.caseId);
    expect(newer.status).toBe("open");
    expect(newer.payments).toBe(1);

    const full = await makeStartPayment(deps(), CONFIG)(token, { method: "vipps", option: "full" }, "nb");
    if (full.kind !== "redirect") throw new Error(full.kind);
    provider.approve(full.reference);
    await makeApplyProviderEvent(deps())(event(full.reference, "AUTHORIZED"));
    expect(await balanceOf(b.caseId)).toMatchObject({ total: 0, status: "paid" });
  });
});

describe("the Vipps callback", () => {
  const PATH = "/api/callbacks/vipps";
  function signed(body: string, at: Date, secret = SECRET) {
    const headers = signVippsWebhook({
      secret,
      pathAndQuery: PATH,
      host: "pay.example.test",
      date: at.toUTCString(),
      body,
    });
    return { method: "POST", pathAndQuery: PATH, headers: { ...headers }, body };
  }
  const payload = (reference: string, name = "AUTHORIZED") =>
    JSON.stringify({
      msn: "123456",
      reference,
      pspReference: `psp-${name}`,
      name,
      amount: { currency: "NOK", value: 129900 },
      timestamp: "2026-11-12T10:00:00Z",
      idempotencyKey: null,
      success: true,
    });

  it("queues a well-signed callback once and acknowledges the same signed delivery again without queuing it", async () => {
    const receive = makeReceiveProviderCallback({ ...deps(), maxSkewSeconds: 300 });
    const request = signed(payload("pfu-abcdef123456"), w.clock.now());
    const { message, queued } = await receive(request);
    expect(queued).toBe(true);
    expect(message.event).toMatchObject({ provider: "vipps", reference: "pfu-abcdef123456", name: "AUTHORIZED" });
    expect(message.notBefore).toBeUndefined(); // applied at once
    expect(await receive(request)).toMatchObject({ disposition: "repeat", queued: false });
    expect((w.deps.paymentQueue as MemoryPaymentQueue).messages).toHaveLength(1);
  });

  /** Starts a Vipps payment for a new case, which the debtor approves. */
  async function approvedPayment(): Promise<{ caseId: string; reference: string }> {
    const { caseId, token } = await register("INV-1", 129_900);
    const result = await makeStartPayment(deps(), CONFIG)(token, { method: "vipps", option: "full" }, "nb");
    if (result.kind !== "redirect") throw new Error(result.kind);
    provider.approve(result.reference);
    return { caseId, reference: result.reference };
  }

  /** Receives each delivery, then applies whatever reached the queue (as its trigger would); the queue's calls. */
  async function receiveAndApply(requests: ReturnType<typeof signed>[]): Promise<number> {
    const receive = makeReceiveProviderCallback({ ...deps(), maxSkewSeconds: 300 });
    const queue = w.deps.paymentQueue as MemoryPaymentQueue;
    let calls = 0;
    const enqueue = queue.enqueue.bind(queue);
    queue.enqueue = async (messages) => {
      calls += messages.length;
      return enqueue(messages);
    };
    for (const request of requests) await receive(request);
    for (const message of queue.drain()) await makeApplyProviderEvent(deps())(message as ProviderEventMessage);
    return calls;
  }

  it("credits a payment once when Vipps delivers the same signed AUTHORIZED callback again (its 2xx was lost)", async () => {
    const { caseId, reference } = await approvedPayment();
    const request = signed(payload(reference), w.clock.now());
    expect(await receiveAndApply([request, request, request])).toBe(1);
    expect(await balanceOf(caseId)).toEqual({ total: 0, status: "paid", payments: 1 });
    expect(provider.captures).toBe(1);
    expect(w.events.published.filter((e) => e.type === "payment.received")).toHaveLength(1);
  });

  it("credits a payment once from a signed AUTHORIZED callback dated ten minutes ago, delivered twice", async () => {
    const { caseId, reference } = await approvedPayment();
    const request = signed(payload(reference), new Date(w.clock.now().getTime() - 10 * 60_000));
    expect(await receiveAndApply([request])).toBe(1);
    expect(await receiveAndApply([request])).toBe(0);
    expect(await balanceOf(caseId)).toEqual({ total: 0, status: "paid", payments: 1 });
    expect(w.events.published.filter((e) => e.type === "payment.received")).toHaveLength(1);
  });

  it("queues CAPTURED for 15 s later (after the AUTHORIZED handling that captured), and only acknowledges CREATED", async () => {
    const receive = makeReceiveProviderCallback({ ...deps(), maxSkewSeconds: 300 });
    const queue = w.deps.paymentQueue as MemoryPaymentQueue;
    const created = await receive(signed(payload("pfu-abcdef123456", "CREATED"), w.clock.now()));
    expect(created.queued).toBe(false);
    expect(queue.messages).toHaveLength(0);
    const captured = await receive(signed(payload("pfu-abcdef123456", "CAPTURED"), w.clock.now()));
    expect(captured.queued).toBe(true);
    expect(Date.parse(captured.message.notBefore!) - w.clock.now().getTime()).toBe(15_000);
    const aborted = await receive(signed(payload("pfu-abcdef123457", "ABORTED"), w.clock.now()));
    expect(aborted).toMatchObject({ queued: true, message: { event: { name: "ABORTED" } } });
    expect(aborted.message.notBefore).toBeUndefined();
    expect(queue.messages.map((m) => (m as ProviderEventMessage).event.name)).toEqual(["CAPTURED", "ABORTED"]);
  });

  it("refuses a wrongly signed, tampered or unsigned callback and queues nothing", async () => {
    const receive = makeReceiveProviderCallback({ ...deps(), maxSkewSeconds: 300 });
    await expect(
      receive(signed(payload("pfu-abcdef123456"), w.clock.now(), "another-secret-entirely")),
    ).rejects.toMatchObject({ code: "CALLBACK_NOT_AUTHENTICATED", reason: "bad-signature" });
    const tampered = signed(payload("pfu-abcdef123456"), w.clock.now());
    await expect(receive({ ...tampered, body: tampered.body.replace("129900", "999999") })).rejects.toMatchObject({
      code: "CALLBACK_NOT_AUTHENTICATED",
      reason: "bad-content-hash",
    });
    await expect(
      receive(signed(payload("pfu-abcdef123456"), w.clock.now(), "another-secret-entirely")),
    ).rejects.toBeInstanceOf(CallbackRejected);
    await expect(
      receive({ method: "POST", pathAndQuery: PATH, headers: {}, body: payload("pfu-abcdef123456") }),
    ).rejects.toMatchObject({ code: "CALLBACK_NOT_AUTHENTICATED", reason: "unsigned" });
    expect((w.deps.paymentQueue as MemoryPaymentQueue).messages).toHaveLength(0);
  });
});

describe("one link for a debtor's overdue cases", () => {
  it("covers the case it is sent about and the same debtor's other overdue, unpaid cases — not future or paid ones", async () => {
    const a = await register("INV-A", 40_000, "2026-11-01");
    const b = await register("INV-B", 50_000, "2026-11-05");
    const future = await register("INV-C", 60_000, "2026-12-20");
    const paidOne = await register("INV-D", 10_000, "2026-11-02");
    await w.deps.cases.update(tenantId, paidOne.caseId, (r) => ({ ...r, case: { ...r.case, status: "paid" } }));
    const record = (await w.deps.cases.getById(b.caseId))!;
    const ids = await caseIdsForLink(w.deps.cases, record, "2026-11-12");
    expect(ids[0]).toBe(b.caseId);
    expect(new Set(ids)).toEqual(new Set([a.caseId, b.caseId]));
    expect(ids).not.toContain(future.caseId);
  });
});

describe("payments whose webhook never came", () => {
  it("are found by the sweep after two minutes, and what the provider says is queued and applied", async () => {
    const { caseId, token } = await register("INV-1", 129_900);
    const result = await makeStartPayment(deps(), CONFIG)(token, { method: "vipps", option: "full" }, "nb");
    if (result.kind !== "redirect") throw new Error(result.kind);
    provider.approve(result.reference);
    const sweep = makeReconcilePayments({ ...deps(), paymentQueue: w.deps.paymentQueue });
    const queue = w.deps.paymentQueue as MemoryPaymentQueue;

    expect(await sweep()).toEqual({ checked: 0, queued: 0, errors: 0 }); // within the grace period: left to the webhook
    w.clock.set("2026-11-12T10:03:00Z");
    expect(await sweep()).toEqual({ checked: 1, queued: 1, errors: 0 });
    const [message] = queue.drain();
    expect(message).toMatchObject({
      kind: "provider-event",
      event: { reference: result.reference, name: "AUTHORIZED" },
    });
    await makeApplyProviderEvent(deps())(message as ProviderEventMessage);
    expect(await balanceOf(caseId)).toMatchObject({ total: 0, status: "paid" });

    w.clock.set("2026-11-12T10:09:00Z");
    expect(await sweep()).toEqual({ checked: 0, queued: 0, errors: 0 }); // applied: no longer swept
  });

  it("leaves a payment the debtor has not approved yet alone, and counts a provider failure without stopping", async () => {
    const { token } = await register("INV-1", 129_900);
    const a = await makeStartPayment(deps(), CONFIG)(token, { method: "vipps", option: "full" }, "nb");
    const b = await makeStartPayment(deps(), CONFIG)(token, { method: "card", option: "full" }, "nb");
    if (a.kind !== "redirect" || b.kind !== "redirect") throw new Error("not started");
    provider.payments.delete(b.reference); // the provider does not know it (an error when asked)
    w.clock.set("2026-11-12T10:05:00Z");
    expect(await makeReconcilePayments({ ...deps(), paymentQueue: w.deps.paymentQueue })()).toEqual({
      checked: 2,
      queued: 0,
      errors: 1,
    });
  });
});

describe("money at the provider for a reference no attempt here knows", () => {
  it("is listed as unmatched for operators with what the provider holds — once — and credited to no case", async () => {
    const { caseId, token } = await register("INV-1", 129_900);
    const started = await makeStartPayment(deps(), CONFIG)(token, { method: "vipps", option: "full" }, "nb");
    if (started.kind !== "redirect") throw new Error(started.kind);
    provider.approve(started.reference);
    // The attempt record is lost (a store rolled back after a crash): the provider still holds the money.
    const lost = new MemoryPaymentAttemptStore();
    const held = (await provider.get(started.reference)).authorized; // the balance with interest to today
    const apply = makeApplyProviderEvent({ ...deps(), paymentAttempts: lost, bankPayments: w.deps.bankPayments });
    expect(await apply(event(started.reference, "AUTHORIZED"))).toEqual({
      outcome: "unmatched",
      reference: started.reference,
      amount: held,
      state: "AUTHORIZED",
    });
    expect(held.value).toBeGreaterThan(129_900);
    await apply(event(started.reference, "CAPTURED")); // the provider's retries: still one entry
    const listed = await w.deps.bankPayments.listUnmatched({ limit: 10 });
    expect(listed.items).toEqual([
      expect.objectContaining({
        paymentId: `vipps:${started.reference}`,
        why: "unknown-provider-payment",
        amount: held,
        source: "vipps",
        details: expect.objectContaining({ reference: started.reference, state: "AUTHORIZED" }),
      }),
    ]);
    expect(await balanceOf(caseId)).toMatchObject({ status: "open", payments: 0 });

    // An operator places it on the case: the authorized money is captured first, then credited — once.
    const place = makePlaceUnmatchedPayment({ ...deps(), bankPayments: w.deps.bankPayments });
    const placed = await place(`vipps:${started.reference}`, { tenantId, caseId });
    expect(placed).toMatchObject({ applied: true, amount: held });
    expect((await provider.get(started.reference)).captured).toEqual(held);
    expect(await balanceOf(caseId)).toMatchObject({ status: "paid", payments: 1 });
    await expect(place(`vipps:${started.reference}`, { tenantId, caseId })).rejects.toBeInstanceOf(
      PaymentAlreadyPlaced,
    );
    expect(provider.captures).toBe(1);
  });

  it("can be refunded instead: captured money goes back once, more than captured is 422, and the entry leaves the list", async () => {
    const { caseId, token } = await register("INV-1", 129_900);
    const started = await makeStartPayment(deps(), CONFIG)(token, { method: "vipps", option: "full" }, "nb");
    if (started.kind !== "redirect") throw new Error(started.kind);
    provider.approve(started.reference);
    const held = (await provider.get(started.reference)).authorized;
    await provider.capture(started.reference, held, "captured-by-an-earlier-run");
    const lost = new MemoryPaymentAttemptStore();
    const apply = makeApplyProviderEvent({ ...deps(), paymentAttempts: lost, bankPayments: w.deps.bankPayments });
    await apply(event(started.reference, "CAPTURED"));
    const id = `vipps:${started.reference}`;
    const refund = makeRefundUnmatchedPayment({ ...deps(), bankPayments: w.deps.bankPayments });
    await expect(refund(id, { amount: { value: held.value + 1, currency: "NOK" } })).rejects.toBeInstanceOf(
      RefundExceedsCaptured,
    );
    expect(provider.refunds).toBe(0);
    expect(await refund(id, {})).toEqual({ paymentId: id, refunded: held, via: "provider" });
    expect((await provider.get(started.reference)).refunded).toEqual(held);
    expect((await w.deps.bankPayments.listUnmatched({ limit: 10 })).items).toEqual([]);
    await expect(refund(id, {})).rejects.toMatchObject({ code: "PAYMENT_ALREADY_REFUNDED_CONFLICT" });
    const place = makePlaceUnmatchedPayment({ ...deps(), bankPayments: w.deps.bankPayments });
    await expect(place(id, { tenantId, caseId })).rejects.toMatchObject({ code: "PAYMENT_ALREADY_REFUNDED_CONFLICT" });
    expect(provider.refunds).toBe(1);
    expect(await balanceOf(caseId)).toMatchObject({ status: "open", payments: 0 });
  });

  it("cancels an authorization that was never captured instead of refunding", async () => {
    const { token } = await register("INV-1", 129_900);
    const started = await makeStartPayment(deps(), CONFIG)(token, { method: "vipps", option: "full" }, "nb");
    if (started.kind !== "redirect") throw new Error(started.kind);
    provider.approve(started.reference);
    const held = (await provider.get(started.reference)).authorized;
    const apply = makeApplyProviderEvent({
      ...deps(),
      paymentAttempts: new MemoryPaymentAttemptStore(),
      bankPayments: w.deps.bankPayments,
    });
    await apply(event(started.reference, "AUTHORIZED"));
    const refund = makeRefundUnmatchedPayment({ ...deps(), bankPayments: w.deps.bankPayments });
    expect(await refund(`vipps:${started.reference}`, {})).toMatchObject({ refunded: held, via: "provider" });
    expect((await provider.get(started.reference)).cancelled).toEqual(held);
    expect(provider.refunds).toBe(0);
    expect(provider.captures).toBe(0);
  });

  it("ignores a reference for which the provider holds no money", async () => {
    const { token } = await register("INV-1", 129_900);
    const started = await makeStartPayment(deps(), CONFIG)(token, { method: "vipps", option: "full" }, "nb");
    if (started.kind !== "redirect") throw new Error(started.kind);
    const apply = makeApplyProviderEvent({ ...deps(), bankPayments: w.deps.bankPayments });
    expect(await apply(event("never-started-here", "AUTHORIZED"))).toMatchObject({ outcome: "ignored" });
    expect((await w.deps.bankPayments.listUnmatched({ limit: 10 })).items).toEqual([]);
  });
});
