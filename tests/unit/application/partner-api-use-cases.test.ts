import { describe, expect, it } from "vitest";
import { makeCancelCase, makeHoldCase } from "../../../shared/application/case-status";
import { makeIssueCreditNote } from "../../../shared/application/credit-note";
import { makeListDocuments } from "../../../shared/application/documents";
import { makeGetCase, makeListCases } from "../../../shared/application/get-case";
import { makeAddNote } from "../../../shared/application/notes";
import { makeGetPolicy, makePutPolicy, UnlawfulPolicy } from "../../../shared/application/policy";
import { makeRecordDirectPayment } from "../../../shared/application/record-direct-payment";
import {
  kidFor,
  makeRegisterInvoice,
  makeRegisterInvoiceBatch,
  type RegisterInvoiceInput,
} from "../../../shared/application/register-invoice";
import { makeRegisterTenant } from "../../../shared/application/register-tenant";
import { DEMO_TENANT_ID, makeSeedDemoTenant } from "../../../devhost/demo-tenant";
import { isValidKid } from "../../../shared/domain/identifiers/kid";
import { defaultPolicy } from "../../../shared/domain/policy";
import { generateApiKey, hashApiKey } from "../../../shared/http/api-keys";
import { seedTenant, testWorld } from "../functions/api/api-fixtures";
import { payLinkTokenHash } from "../../../shared/application/pay-links";
import { caseIdFor } from "../../../shared/domain/case-id";
import type { CaseEventMessage } from "../../../shared/ports/event-publisher";
import type { PayLink } from "../../../shared/ports/pay-link-store";

function invoice(overrides: Partial<RegisterInvoiceInput> = {}): RegisterInvoiceInput {
  return {
    invoiceNumber: "INV-1",
    customer: { customerId: "cust-1", name: "Kari Nordmann", phone: "912 34 567" },
    amount: { value: 50000, currency: "NOK" },
    issueDate: "2026-10-20",
    dueDate: "2026-11-05",
    ...overrides,
  };
}

describe("registerTenant", () => {
  it("stores the tenant with no policy of its own and only the hash of its key", async () => {
    const world = testWorld();
    const key = generateApiKey("live");
    const { tenantId, apiKey } = await makeRegisterTenant({ ...world.deps, newApiKey: () => key })({
      name: "Fjordnett AS",
      senderName: "Fjordnett",
      orgNumber: "974760673",
      country: "NO",
    });
    expect(apiKey).toBe(key.apiKey);
    expect((await world.deps.tenants.get(tenantId))?.policy).toBeNull();
    expect(await world.deps.tenants.findApiKey(key.keyId)).toMatchObject({ tenantId, keyHash: hashApiKey(key.apiKey) });
  });
});

describe("seedDemoTenant", () => {
  it("creates the demo creditor once, whatever the number of calls", async () => {
    const world = testWorld();
    const key = generateApiKey("test");
    const seed = makeSeedDemoTenant(world.deps);
    const results = await Promise.all([seed(key), seed(key)]);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect((await world.deps.tenants.findApiKey(key.keyId))?.tenantId).toBe(DEMO_TENANT_ID);
    expect((await seed(key)).created).toBe(false);
  });
});

describe("policy", () => {
  it("is the lawful default for the creditor's country until one is set, with its sender name", async () => {
    const world = testWorld();
    const { tenantId } = await seedTenant(world);
    const view = await makeGetPolicy(world.deps)(tenantId);
    expect(view.isDefault).toBe(true);
    expect(view.policy).toEqual(defaultPolicy("NO", "Fjordnett"));
  });

  it("refuses a ladder for another country and one that breaks the law, listing every problem", async () => {
    const world = testWorld();
    const { tenantId } = await seedTenant(world);
    const put = makePutPolicy(world.deps);
    await expect(put(tenantId, defaultPolicy("SE", "Fjordnett"))).rejects.toBeInstanceOf(UnlawfulPolicy);
    const policy = defaultPolicy("NO", "Fjordnett");
    const noNotice = { ...policy, steps: policy.steps.filter((s) => s.kind !== "collection-notice") };
    const error = await put(tenantId, noNotice).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnlawfulPolicy);
    expect((error as UnlawfulPolicy).problems.some((p) => p.kind === "payment-demand")).toBe(true);
  });
});

describe("registerInvoice", () => {
  it("opens the case with a valid MOD10 KID, the phone in E.164, the customer on the record and a 'created' timeline entry", async () => {
    const world = testWorld();
    const { tenantId } = await seedTenant(world);
    const created = await makeRegisterInvoice(world.deps)(tenantId, invoice());
    expect(isValidKid(created.kid, "MOD10")).toBe(true);
    expect(created.kid).toBe(kidFor(created.caseId));
    const record = await world.deps.cases.get(tenantId, created.caseId);
    expect(record?.customer.phone).toBe("+4791234567");
    expect(record?.case).toMatchObject({
      status: "open",
      stage: "invoiced",
      dueDate: "2026-11-05",
      debtor: { ref: "cust-1", kind: "consumer" },
    });
    expect(record?.timeline.map((e) => e.kind)).toEqual(["created"]);
  });

  it("refuses lines that do not add up to the amount (422) without creating anything", async () => {
    const world = testWorld();
    const { tenantId } = await seedTenant(world);
    const lines = [{ description: "Broadband", amount: { value: 100, currency: "NOK" as const } }];
    await expect(makeRegisterInvoice(world.deps)(tenantId, invoice({ lines }))).rejects.toMatchObject({
      code: "INVALID_INVOICE",
    });
    expect(world.workflowCalls).toEqual([]);
    expect(world.events.published).toEqual([]);
  });

  it("registers a batch item by item: a duplicate inside the batch fails alone", async () => {
    const world = testWorld();
    const { tenantId } = await seedTenant(world);
    const outcomes = await makeRegisterInvoiceBatch(world.deps, 2)(tenantId, [
      { ok: true, input: invoice({ invoiceNumber: "A" }) },
      { ok: false, error: new Error("invalid") },
      { ok: true, input: invoice({ invoiceNumber: "B" }) },
      { ok: true, input: invoice({ invoiceNumber: "A" }) },
    ]);
    expect(outcomes.map((o) => [o.index, o.ok])).toEqual([
      [0, true],
      [1, false],
      [2, true],
      [3, false],
    ]);
    expect(outcomes[3]).toMatchObject({ ok: false, error: { code: "DUPLICATE_INVOICE_NUMBER" } });
  });

  it("stores a batch's pay links in one call and relays its cases together: one publish, every orchestration started", async () => {
    const world = testWorld();
    const { tenantId } = await seedTenant(world);
    const calls = { putMany: 0, put: 0, publish: 0, removeOutboxes: 0 };
    const payLinks = world.deps.payLinks;
    const deps = {
      ...world.deps,
      payLinks: {
        get: (hash: string) => payLinks.get(hash),
        put: (link: PayLink) => (calls.put++, payLinks.put(link)),
        putMany: (links: readonly PayLink[]) => (calls.putMany++, payLinks.putMany(links)),
      },
      events: { publish: (events: CaseEventMessage[]) => (calls.publish++, world.deps.events.publish(events)) },
      cases: new Proxy(world.deps.cases, {
        get(target, name) {
          if (name === "removeOutboxes") calls.removeOutboxes++;
          const value = Reflect.get(target, name, target) as unknown;
          return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
        },
      }),
    };
    const numbers = Array.from({ length: 40 }, (_, i) => `N-${i}`);
    const outcomes = await makeRegisterInvoiceBatch(deps, 4)(
      tenantId,
      numbers.map((n) => ({ ok: true, input: invoice({ invoiceNumber: n }) })),
    );
    expect(outcomes.every((o) => o.ok)).toBe(true);
    expect(calls).toEqual({ putMany: 1, put: 0, publish: 1, removeOutboxes: 1 });
    expect(world.events.ofType("case.created")).toHaveLength(40);
    expect(new Set(world.workflowCalls.filter((c) => c.op === "start").map((c) => c.caseId)).size).toBe(40);
    for (const outcome of outcomes) {
      if (!outcome.ok) continue;
      const token = outcome.result.payLink.split("/p/")[1]!;
      expect((await payLinks.get(payLinkTokenHash(token)))?.caseIds).toEqual([outcome.result.caseId]);
    }
    expect((await world.deps.cases.pendingOutbox("9999-01-01T00:00:00.000Z", { limit: 100 })).items).toEqual([]);
  });

  it("fails only the batch item whose pay link could not be stored; its case exists and its orchestration starts", async () => {
    const world = testWorld();
    const { tenantId } = await seedTenant(world);
    const payLinks = world.deps.payLinks;
    const failing = caseIdFor(tenantId, "N-1");
    const deps = {
      ...world.deps,
      payLinks: {
        get: (hash: string) => payLinks.get(hash),
        put: async (link: PayLink) => {
          if (link.caseIds[0] === failing) throw new Error("Cosmos DB: 503 service unavailable");
          await payLinks.put(link);
        },
        putMany: async () => {
          throw new Error("Cosmos DB: 503 service unavailable");
        },
      },
    };
    const outcomes = await makeRegisterInvoiceBatch(deps)(
      tenantId,
      ["N-0", "N-1", "N-2"].map((n) => ({ ok: true, input: invoice({ invoiceNumber: n }) })),
    );
    expect(outcomes.map((o) => o.ok)).toEqual([true, false, true]);
    expect(outcomes[1]).toMatchObject({ index: 1, error: { message: "Cosmos DB: 503 service unavailable" } });
    expect(await world.deps.cases.get(tenantId, failing)).toBeDefined();
    expect(world.workflowCalls).toContainEqual({ op: "start", caseId: failing });
  });

  it("fails every valid batch item with TENANT_NOT_FOUND for an unknown creditor, and keeps each item's own error", async () => {
    const world = testWorld();
    const outcomes = await makeRegisterInvoiceBatch(world.deps)("t_unknown", [
      { ok: true, input: invoice({ invoiceNumber: "A" }) },
      { ok: false, error: new Error("invalid") },
    ]);
    expect(outcomes).toMatchObject([
      { index: 0, ok: false, error: { code: "TENANT_NOT_FOUND" } },
      { index: 1, ok: false, error: { message: "invalid" } },
    ]);
  });
});

describe("getCase and listCases", () => {
  it("counts the balance as of today in Oslo: late in the UTC evening it is already tomorrow there", async () => {
    const world = testWorld();
    const { tenantId } = await seedTenant(world);
    const { caseId } = await makeRegisterInvoice(world.deps)(tenantId, invoice());
    const getCase = makeGetCase(world.deps);
    world.clock.set("2026-12-05T22:30:00Z"); // 23:30 in Oslo, 5 December
    const before = (await getCase(tenantId, caseId)).balance.interest.value;
    world.clock.set("2026-12-05T23:30:00Z"); // 00:30 in Oslo, 6 December
    const after = (await getCase(tenantId, caseId)).balance.interest.value;
    expect(after).toBeGreaterThan(before);
  });

  it("filters by status and customer and pages with a continuation token", async () => {
    const world = testWorld();
    const { tenantId } = await seedTenant(world);
    const register = makeRegisterInvoice(world.deps);
    for (const n of ["1", "2", "3"]) await register(tenantId, invoice({ invoiceNumber: n }));
    await register(tenantId, invoice({ invoiceNumber: "4", customer: { customerId: "other", name: "Ola" } }));
    const list = makeListCases(world.deps);
    const first = await list(tenantId, { customerId: "cust-1", limit: 2 });
    expect(first.items).toHaveLength(2);
    expect(first.continuationToken).not.toBeNull();
    const second = await list(tenantId, {
      customerId: "cust-1",
      limit: 2,
      continuationToken: first.continuationToken!,
    });
    expect(second.items).toHaveLength(1);
    expect(second.continuationToken).toBeNull();
    expect((await list(tenantId, { status: "paid" })).items).toEqual([]);
  });
});

describe("case actions", () => {
  it("a partial direct payment keeps the case open and publishes payment.received once per reference", async () => {
    const world = testWorld();
    const { tenantId } = await seedTenant(world);
    const { caseId } = await makeRegisterInvoice(world.deps)(tenantId, invoice());
    const pay = makeRecordDirectPayment(world.deps);
    const input = { amount: { value: 10000, currency: "NOK" as const }, paidAt: "2026-11-02", reference: "r-1" };
    const view = await pay(tenantId, caseId, input);
    await pay(tenantId, caseId, input);
    expect(view.status).toBe("open");
    expect(view.balance.principal.value).toBe(40000);
    expect(world.events.ofType("payment.received")).toHaveLength(1);
    expect(world.events.ofType("case.paid")).toEqual([]);
  });

  it("a credit note of the whole invoice settles the case", async () => {
    const world = testWorld();
    const { tenantId } = await seedTenant(world);
    const { caseId } = await makeRegisterInvoice(world.deps)(tenantId, invoice());
    const view = await makeIssueCreditNote(world.deps)(tenantId, caseId, {
      amount: { value: 50000, currency: "NOK" },
      reference: "CN-1",
    });
    expect(view.status).toBe("paid");
    expect(world.events.ofType("case.status_changed")).toEqual([
      expect.objectContaining({ data: { from: "open", to: "paid" } }),
    ]);
  });

  it("hold and cancel tell the orchestration; a note lands on the timeline; documents start empty", async () => {
    const world = testWorld();
    const { tenantId } = await seedTenant(world);
    const { caseId } = await makeRegisterInvoice(world.deps)(tenantId, invoice());
    await makeHoldCase(world.deps)(tenantId, caseId, { reason: "talking to the customer" });
    await makeCancelCase(world.deps)(tenantId, caseId, { reason: "sent in error" });
    expect(world.workflowCalls.map((c) => c.reason ?? c.op)).toEqual(["start", "hold", "cancel"]);
    const note = await makeAddNote(world.deps)(tenantId, caseId, { text: "Customer moved" });
    expect((await world.deps.cases.get(tenantId, caseId))?.timeline.at(-1)).toEqual(note);
    expect(await makeListDocuments(world.deps)(tenantId, caseId)).toEqual([]);
  });
});
