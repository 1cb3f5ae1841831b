import { describe, expect, it } from "vitest";
import { HttpRequest, HttpResponse } from "@azure/functions";
import { makeCaseFunctions } from "../../../../functions/api/http-cases";
import { makeCaseStatusFunctions } from "../../../../functions/api/http-case-status";
import { makeDocumentFunctions } from "../../../../functions/api/http-case-documents";
import { makeInvoiceFunctions } from "../../../../functions/api/http-invoices";
import { makeNoteFunctions } from "../../../../functions/api/http-case-notes";
import { makePaymentFunctions } from "../../../../functions/api/http-case-payments";
import { makePolicyFunctions } from "../../../../functions/api/http-policy";
import { makeLetterheadFunctions } from "../../../../functions/api/http-letterhead";
import { makeTenantFunctions } from "../../../../functions/api/http-tenants";
import { defaultPolicy } from "../../../../shared/domain/policy";
import { StoredPartnerConnection } from "../../../../shared/ports/partner-connection-store";
import { generateApiKey } from "../../../../shared/http/api-keys";
import { read } from "../../http/http-fixtures";
import { OPERATOR_KEY, context, invoiceBody, seedTenant, testWorld, type TestWorld } from "./api-fixtures";

const BASE = "http://localhost/api/v1";

function post(
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
  params: Record<string, string> = {},
): HttpRequest {
  return new HttpRequest({
    method: "POST",
    url: `${BASE}${path}`,
    headers: { "content-type": "application/json", ...headers },
    body: { string: typeof body === "string" ? body : JSON.stringify(body) },
    params,
  });
}

function get(path: string, headers: Record<string, string>, params: Record<string, string> = {}): HttpRequest {
  return new HttpRequest({ method: "GET", url: `${BASE}${path}`, headers, params });
}

async function registerInvoice(
  world: TestWorld,
  apiKey: string,
  body = invoiceBody(),
  headers: Record<string, string> = {},
) {
  return read(
    await makeInvoiceFunctions(world.resolve).registerInvoice(
      post("/invoices", body, { "x-api-key": apiKey, ...headers }),
      context(),
    ),
  );
}

describe("POST /api/v1/tenants", () => {
  it("onboards a creditor with the operator key and returns a key that authenticates", async () => {
    const world = testWorld();
    const body = { name: "Fjordnett AS", senderName: "Fjordnett", orgNumber: "974760673", country: "NO" };
    const res = await read(
      await makeTenantFunctions(world.resolve).registerTenant(
        post("/tenants", body, { "x-api-key": OPERATOR_KEY }),
        context(),
      ),
    );
    expect(res.status).toBe(201);
    expect(res.json.apiKey).toMatch(/^pfu_live_[0-9a-f]{16}_/);
    const stored = await world.deps.tenants.findApiKey(res.json.apiKey.split("_")[2]);
    expect(stored?.tenantId).toBe(res.json.tenantId);
    expect(JSON.stringify(stored)).not.toContain(res.json.apiKey);
    const policy = await read(
      await makePolicyFunctions(world.resolve).getPolicy(get("/policy", { "x-api-key": res.json.apiKey }), context()),
    );
    expect(policy.status).toBe(200);
    expect(policy.json.isDefault).toBe(true);
  });

  it("refuses a creditor's key (401) and names a bad org number (422)", async () => {
    const world = testWorld();
    const { apiKey } = await seedTenant(world);
    const fns = makeTenantFunctions(world.resolve);
    const body = { name: "X AS", senderName: "X", orgNumber: "974760672", country: "NO" };
    expect(
      (await read(await fns.registerTenant(post("/tenants", body, { "x-api-key": apiKey }), context()))).status,
    ).toBe(401);
    const bad = await read(await fns.registerTenant(post("/tenants", body, { "x-api-key": OPERATOR_KEY }), context()));
    expect(bad.status).toBe(422);
    expect(bad.json.errors).toEqual([expect.objectContaining({ pointer: "/orgNumber", code: "INVALID_ORG_NUMBER" })]);
  });
});

describe("POST /api/v1/tenants with a letterhead", () => {
  const letterhead = {
    address: { lines: ["Postboks 123 Sentrum"], postalCode: "0102", city: "Oslo" },
    accountNumber: "12345678903",
    contact: { email: "kundeservice@fjordnett.no" },
  };

  it("stores the creditor's letterhead for its letters", async () => {
    const world = testWorld();
    const body = { name: "Fjordnett AS", senderName: "Fjordnett", orgNumber: "974760673", country: "NO", letterhead };
    const res = await read(
      await makeTenantFunctions(world.resolve).registerTenant(
        post("/tenants", body, { "x-api-key": OPERATOR_KEY }),
        context(),
      ),
    );
    expect(res.status).toBe(201);
    expect((await world.deps.tenants.get(res.json.tenantId))?.letterhead).toEqual(letterhead);
  });

  it("refuses a letterhead with a wrong account number or no way to be contacted (422)", async () => {
    const world = testWorld();
    const body = {
      name: "Fjordnett AS",
      senderName: "Fjordnett",
      orgNumber: "974760673",
      country: "NO",
      letterhead: { ...letterhead, accountNumber: "12345678904", contact: {} },
    };
    const res = await read(
      await makeTenantFunctions(world.resolve).registerTenant(
        post("/tenants", body, { "x-api-key": OPERATOR_KEY }),
        context(),
      ),
    );
    expect(res.status).toBe(422);
    const pointers = (res.json.errors as { pointer: string }[]).map((e) => e.pointer);
    expect(pointers).toEqual(expect.arrayContaining(["/letterhead/accountNumber", "/letterhead/contact"]));
  });
});

describe("PUT /api/v1/letterhead", () => {
  const letterhead = {
    address: { lines: ["Kraftveien 7"], postalCode: "5003", city: "Bergen" },
    accountNumber: "15038754324",
    contact: { phone: "55 00 11 22" },
  };
  const put = (body: unknown, apiKey: string) =>
    new HttpRequest({
      method: "PUT",
      url: `${BASE}/letterhead`,
      headers: { "content-type": "application/json", "x-api-key": apiKey },
      body: { string: JSON.stringify(body) },
    });

  it("replaces the default on the creditor's letters with its own, and GET shows which is in force", async () => {
    const world = testWorld();
    const { apiKey, tenantId } = await seedTenant(world);
    const fns = makeLetterheadFunctions(world.resolve);
    const before = await read(await fns.getLetterhead(get("/letterhead", { "x-api-key": apiKey }), context()));
    expect(before.json).toEqual({ letterhead: null, isDefault: true });
    const res = await read(await fns.putLetterhead(put(letterhead, apiKey), context()));
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ letterhead, isDefault: false });
    expect((await world.deps.tenants.get(tenantId))?.letterhead).toEqual(letterhead);
    const after = await read(await fns.getLetterhead(get("/letterhead", { "x-api-key": apiKey }), context()));
    expect(after.json).toEqual({ letterhead, isDefault: false });
  });

  it("refuses an account number that fails its check digit (422) and leaves the letterhead as it was", async () => {
    const world = testWorld();
    const { apiKey, tenantId } = await seedTenant(world);
    const fns = makeLetterheadFunctions(world.resolve);
    const res = await read(
      await fns.putLetterhead(put({ ...letterhead, accountNumber: "15038754325" }, apiKey), context()),
    );
    expect(res.status).toBe(422);
    expect((await world.deps.tenants.get(tenantId))?.letterhead).toBeUndefined();
  });
});

describe("POST /api/v1/invoices", () => {
  it("creates the case: 201 with case id, MOD10 KID, open, a pay link; publishes case.created and starts the orchestration", async () => {
    const world = testWorld();
    const { apiKey, tenantId } = await seedTenant(world);
    const res = await registerInvoice(world, apiKey);
    expect(res.status).toBe(201);
    expect(res.json).toEqual({
      caseId: expect.stringMatching(/^c_/),
      kid: expect.stringMatching(/^\d{18}$/),
      status: "open",
      payLink: expect.stringMatching(/^https:\/\/pay\.example\.test\/p\/[A-Za-z0-9_-]{27}$/),
    });
    expect(res.headers.get("location")).toBe(`/api/v1/cases/${res.json.caseId}`);
    expect(world.events.ofType("case.created")).toEqual([
      expect.objectContaining({ tenantId, caseId: res.json.caseId }),
    ]);
    expect(world.workflowCalls).toEqual([{ op: "start", caseId: res.json.caseId }]);
  });

  it("answers a bad body with problem+json naming the field", async () => {
    const world = testWorld();
    const { apiKey } = await seedTenant(world);
    const res = await registerInvoice(
      world,
      apiKey,
      invoiceBody({ customer: { customerId: "c", name: "N", phone: "12" } }),
    );
    expect(res.status).toBe(422);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(res.json.errors).toEqual([expect.objectContaining({ pointer: "/customer/phone", code: "INVALID_PHONE" })]);
    const missing = await registerInvoice(world, apiKey, invoiceBody({ amount: undefined }));
    expect(missing.status).toBe(400);
    expect(missing.json.errors).toEqual([expect.objectContaining({ pointer: "/amount", code: "REQUIRED" })]);
  });

  it("refuses a second invoice with the same number for the same creditor (409)", async () => {
    const world = testWorld();
    const { apiKey } = await seedTenant(world);
    expect((await registerInvoice(world, apiKey)).status).toBe(201);
    const again = await registerInvoice(world, apiKey, invoiceBody({ amount: { value: 5000, currency: "NOK" } }));
    expect(again.status).toBe(409);
    expect(again.json.code).toBe("DUPLICATE_INVOICE_NUMBER");
  });

  it("replays the first response for a repeated Idempotency-Key, and answers 409 for the same key with another body", async () => {
    const world = testWorld();
    const { apiKey } = await seedTenant(world);
    const first = await registerInvoice(world, apiKey, invoiceBody(), { "idempotency-key": "k-1" });
    const replay = await registerInvoice(world, apiKey, invoiceBody(), { "idempotency-key": "k-1" });
    expect(first.status).toBe(201);
    expect(replay.status).toBe(201);
    expect(replay.text).toBe(first.text);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(world.workflowCalls).toHaveLength(1);
    const other = await registerInvoice(world, apiKey, invoiceBody({ invoiceNumber: "INV-2" }), {
      "idempotency-key": "k-1",
    });
    expect(other.status).toBe(409);
    expect(other.json.type).toContain("idempotency-key-reused");
  });

  it("401 without a valid key", async () => {
    const world = testWorld();
    await seedTenant(world);
    expect((await registerInvoice(world, generateApiKey("test").apiKey)).status).toBe(401);
  });
});

describe("POST /api/v1/invoices/batch", () => {
  it("answers 207 and creates every good invoice when one item is bad", async () => {
    const world = testWorld();
    const { apiKey, tenantId } = await seedTenant(world);
    const invoices = [
      invoiceBody({ invoiceNumber: "B-1" }),
      invoiceBody({ invoiceNumber: "B-2", dueDate: "2026-13-01" }),
      invoiceBody({ invoiceNumber: "B-3" }),
    ];
    const res = await read(
      await makeInvoiceFunctions(world.resolve).registerInvoiceBatch(
        post("/invoices/batch", { invoices }, { "x-api-key": apiKey }),
        context(),
      ),
    );
    expect(res.status).toBe(207);
    expect(res.json.results.map((r: { index: number; status: number }) => [r.index, r.status])).toEqual([
      [0, 201],
      [1, 422],
      [2, 201],
    ]);
    expect(res.json.results[1].problem.errors[0].pointer).toBe("/invoices/1/dueDate");
    expect((await world.deps.cases.list(tenantId, {}, { limit: 10 })).items).toHaveLength(2);
  });

  it("rejects more than 1 000 invoices as a whole (422)", async () => {
    const world = testWorld();
    const { apiKey } = await seedTenant(world);
    const invoices = Array.from({ length: 1001 }, () => ({}));
    const res = await read(
      await makeInvoiceFunctions(world.resolve).registerInvoiceBatch(
        post("/invoices/batch", { invoices }, { "x-api-key": apiKey }),
        context(),
      ),
    );
    expect(res.status).toBe(422);
    expect(res.json.errors[0].pointer).toBe("/invoices");
  });
});

describe("tenant isolation", () => {
  it("another tenant's key sees none of it: 404 for the case, its documents, payments and status changes; nothing in the list", async () => {
    const world = testWorld();
    const alpha = await seedTenant(world, "t_alpha");
    const beta = await seedTenant(world, "t_beta");
    const { caseId } = (await registerInvoice(world, alpha.apiKey)).json;
    const h = { "x-api-key": beta.apiKey };
    const params = { caseId };
    const cases = makeCaseFunctions(world.resolve);
    const one = await read(await cases.getCase(get(`/cases/${caseId}`, h, params), context()));
    expect(one.status).toBe(404);
    expect(JSON.stringify(one.json)).not.toContain("INV-1");
    expect((await read(await cases.listCases(get("/cases", h), context()))).json.items).toEqual([]);
    expect(
      (
        await read(
          await makeDocumentFunctions(world.resolve).listDocuments(
            get(`/cases/${caseId}/documents`, h, params),
            context(),
          ),
        )
      ).status,
    ).toBe(404);
    const pay = { amount: { value: 100, currency: "NOK" }, paidAt: "2026-11-01", reference: "r" };
    expect(
      (
        await read(
          await makePaymentFunctions(world.resolve).recordPayment(
            post(`/cases/${caseId}/payments`, pay, h, params),
            context(),
          ),
        )
      ).status,
    ).toBe(404);
    expect(
      (
        await read(
          await makeCaseStatusFunctions(world.resolve).cancelCase(
            post(`/cases/${caseId}/cancel`, { reason: "x" }, h, params),
            context(),
          ),
        )
      ).status,
    ).toBe(404);
    expect(
      (
        await read(
          await makeNoteFunctions(world.resolve).addNote(
            post(`/cases/${caseId}/notes`, { text: "x" }, h, params),
            context(),
          ),
        )
      ).status,
    ).toBe(404);
    // and the owner still sees it
    expect(
      (await read(await cases.getCase(get(`/cases/${caseId}`, { "x-api-key": alpha.apiKey }, params), context())))
        .status,
    ).toBe(200);
  });
});

describe("GET /api/v1/cases/{caseId}", () => {
  it("shows the balance as of today with interest, the next action with its legal basis, and the timeline", async () => {
    const world = testWorld();
    const { apiKey } = await seedTenant(world);
    const { caseId } = (await registerInvoice(world, apiKey)).json;
    world.clock.set("2026-11-20T10:00:00Z");
    const res = await read(
      await makeCaseFunctions(world.resolve).getCase(
        get(`/cases/${caseId}`, { "x-api-key": apiKey }, { caseId }),
        context(),
      ),
    );
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      caseId,
      invoiceNumber: "INV-1",
      status: "open",
      stage: "invoiced",
      currency: "NOK",
    });
    expect(res.json.balance.principal).toEqual({ value: 129900, currency: "NOK" });
    expect(res.json.balance.interest.value).toBeGreaterThan(0);
    expect(res.json.balance.total.value).toBe(129900 + res.json.balance.interest.value);
    // due 2026-11-05, read on the 20th: the reminder's day (due + 14) has come, so it is next and the Let's pay SMS
    // (due + 7) is passed over (catch-up without bursts)
    expect(res.json.nextAction).toMatchObject({ kind: "reminder", legalBasis: expect.any(String) });
    expect(res.json.timeline[0]).toMatchObject({ kind: "created" });
    expect(res.json.payLink).toEqual({ issued: true, expiresAt: expect.any(String) });
  });

  it("400 naming the path parameter for a malformed case id", async () => {
    const world = testWorld();
    const { apiKey } = await seedTenant(world);
    const res = await read(
      await makeCaseFunctions(world.resolve).getCase(
        get("/cases/nope", { "x-api-key": apiKey }, { caseId: "nope" }),
        context(),
      ),
    );
    expect(res.status).toBe(400);
    expect(res.json.errors[0].pointer).toBe("#/path/caseId");
  });
});

describe("POST /api/v1/cases/{caseId}/payments", () => {
  it("a direct payment of the whole balance makes the case paid, publishes payment.received and case.paid, and tells the orchestration — once per reference", async () => {
    const world = testWorld();
    const { apiKey } = await seedTenant(world);
    const { caseId } = (await registerInvoice(world, apiKey)).json;
    const h = { "x-api-key": apiKey };
    const fns = makePaymentFunctions(world.resolve);
    const body = { amount: { value: 129900, currency: "NOK" }, paidAt: "2026-11-02", reference: "bank-1" };
    const res = await read(await fns.recordPayment(post(`/cases/${caseId}/payments`, body, h, { caseId }), context()));
    expect(res.status).toBe(200);
    expect(res.json.status).toBe("paid");
    expect(res.json.balance.total.value).toBe(0);
    expect(res.json.nextAction).toBeNull();
    expect(res.json.paused).toBeNull(); // done, not waiting for anything
    expect(world.events.ofType("payment.received")).toHaveLength(1);
    expect(world.events.ofType("case.paid")).toHaveLength(1);
    expect(world.workflowCalls).toContainEqual({ op: "caseChanged", caseId, reason: "payment" });
    const again = await read(
      await fns.recordPayment(post(`/cases/${caseId}/payments`, body, h, { caseId }), context()),
    );
    expect(again.status).toBe(200);
    expect(again.json.timeline.filter((e: { kind: string }) => e.kind === "payment")).toHaveLength(1);
  });

  it("refuses a payment dated in the future (422)", async () => {
    const world = testWorld();
    const { apiKey } = await seedTenant(world);
    const { caseId } = (await registerInvoice(world, apiKey)).json;
    const body = { amount: { value: 100, currency: "NOK" }, paidAt: "2027-01-01", reference: "r" };
    const res = await read(
      await makePaymentFunctions(world.resolve).recordPayment(
        post(`/cases/${caseId}/payments`, body, { "x-api-key": apiKey }, { caseId }),
        context(),
      ),
    );
    expect(res.status).toBe(422);
    expect(res.json.code).toBe("PAYMENT_IN_THE_FUTURE");
  });
});

describe("hold, resume, cancel", () => {
  it("holds and resumes an open case; holding a cancelled one is 409", async () => {
    const world = testWorld();
    const { apiKey } = await seedTenant(world);
    const { caseId } = (await registerInvoice(world, apiKey)).json;
    const h = { "x-api-key": apiKey };
    const fns = makeCaseStatusFunctions(world.resolve);
    const held = await read(
      await fns.holdCase(post(`/cases/${caseId}/hold`, { reason: "customer called" }, h, { caseId }), context()),
    );
    expect(held.json.status).toBe("on-hold");
    const resumed = await read(
      await fns.resumeCase(
        new HttpRequest({ method: "POST", url: `${BASE}/cases/${caseId}/resume`, headers: h, params: { caseId } }),
        context(),
      ),
    );
    expect(resumed.status).toBe(200);
    expect(resumed.json.status).toBe("open");
    const cancelled = await read(
      await fns.cancelCase(post(`/cases/${caseId}/cancel`, { reason: "sent in error" }, h, { caseId }), context()),
    );
    expect(cancelled.json.status).toBe("cancelled");
    expect(world.events.ofType("case.closed")).toHaveLength(1);
    const late = await read(
      await fns.holdCase(post(`/cases/${caseId}/hold`, { reason: "x" }, h, { caseId }), context()),
    );
    expect(late.status).toBe(409);
    expect(late.json.code).toBe("CASE_ACTION_NOT_ALLOWED");
  });
});

describe("PUT /api/v1/policy", () => {
  it("refuses an unlawful ladder with 422 and the reasons per step", async () => {
    const world = testWorld();
    const { apiKey } = await seedTenant(world);
    const policy = defaultPolicy("NO", "Fjordnett");
    const unlawful = {
      ...policy,
      steps: policy.steps.map((s) => (s.kind === "reminder" ? { ...s, offsetDays: 3 } : s)),
    };
    const req = new HttpRequest({
      method: "PUT",
      url: `${BASE}/policy`,
      headers: { "content-type": "application/json", "x-api-key": apiKey },
      body: { string: JSON.stringify(unlawful) },
    });
    const res = await read(await makePolicyFunctions(world.resolve).putPolicy(req, context()));
    expect(res.status).toBe(422);
    expect(res.json.code).toBe("UNLAWFUL_POLICY");
    expect(res.json.context.problems).toContainEqual(
      expect.objectContaining({
        step: 1,
        kind: "reminder",
        reason: expect.any(String),
        legalBasis: expect.any(String),
      }),
    );
  });

  it("stores the creditor's SMS interval and refuses one outside 1–168 hours with a problem naming the field", async () => {
    const world = testWorld();
    const { apiKey } = await seedTenant(world);
    const put = async (body: unknown) =>
      read(
        await makePolicyFunctions(world.resolve).putPolicy(
          new HttpRequest({
            method: "PUT",
            url: `${BASE}/policy`,
            headers: { "content-type": "application/json", "x-api-key": apiKey },
            body: { string: JSON.stringify(body) },
          }),
          context(),
        ),
      );
    const policy = defaultPolicy("NO", "Fjordnett");
    const stored = await put({ ...policy, minSmsIntervalHours: 48 });
    expect(stored.status).toBe(200);
    expect(stored.json.policy.minSmsIntervalHours).toBe(48);
    const { minSmsIntervalHours: _omitted, ...withoutInterval } = policy;
    expect((await put(withoutInterval)).json.policy.minSmsIntervalHours).toBe(24);
    for (const bad of [0, 169, 1.5, "24"]) {
      const refused = await put({ ...policy, minSmsIntervalHours: bad });
      expect([400, 422]).toContain(refused.status);
      expect(refused.headers.get("content-type")).toContain("problem+json");
      expect(JSON.stringify(refused.json)).toContain("minSmsIntervalHours");
    }
  });

  it("stores a lawful ladder", async () => {
    const world = testWorld();
    const { apiKey } = await seedTenant(world);
    const policy = defaultPolicy("NO", "Fjordnett");
    const req = new HttpRequest({
      method: "PUT",
      url: `${BASE}/policy`,
      headers: { "content-type": "application/json", "x-api-key": apiKey },
      body: { string: JSON.stringify(policy) },
    });
    const res = await read(await makePolicyFunctions(world.resolve).putPolicy(req, context()));
    expect(res.status).toBe(200);
    expect(res.json.isDefault).toBe(false);
  });

  it("refuses a power retailer's ladder that disconnects power meters, naming forbrukerkjøpsloven § 48 a", async () => {
    const world = testWorld();
    const { apiKey, tenantId } = await seedTenant(world);
    await world.deps.partnerConnections.put(tenantId, () =>
      StoredPartnerConnection.parse({
        schemaVersion: 1,
        tenantId,
        baseUrl: "https://retail.example.no",
        auth: { kind: "hmac", secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" },
        role: "power-retailer",
        createdAt: "2026-11-02T10:00:00.000Z",
        updatedAt: "2026-11-02T10:00:00.000Z",
      }),
    );
    const req = new HttpRequest({
      method: "PUT",
      url: `${BASE}/policy`,
      headers: { "content-type": "application/json", "x-api-key": apiKey },
      body: { string: JSON.stringify(defaultPolicy("NO", "Fjordnett")) },
    });
    const res = await read(await makePolicyFunctions(world.resolve).putPolicy(req, context()));
    expect(res.status).toBe(422);
    expect(JSON.stringify(res.json)).toMatch(/48 a/);
  });
});

describe("documents", () => {
  it("lists the case's letters and returns one as PDF bytes", async () => {
    const world = testWorld();
    const { apiKey, tenantId } = await seedTenant(world);
    const { caseId } = (await registerInvoice(world, apiKey)).json;
    const pdf = Buffer.from("%PDF-1.7 test");
    await world.deps.letters.put({
      tenantId,
      caseId,
      documentId: "reminder-1",
      kind: "reminder",
      contentType: "application/pdf",
      content: pdf,
      createdAt: new Date(),
    });
    await world.deps.cases.update(tenantId, caseId, (r) => ({
      ...r,
      documents: [
        {
          documentId: "reminder-1",
          kind: "reminder",
          createdAt: "2026-11-20T08:00:00.000Z",
          contentType: "application/pdf",
        },
      ],
    }));
    const h = { "x-api-key": apiKey };
    const fns = makeDocumentFunctions(world.resolve);
    const list = await read(await fns.listDocuments(get(`/cases/${caseId}/documents`, h, { caseId }), context()));
    expect(list.json.items).toEqual([
      {
        documentId: "reminder-1",
        kind: "reminder",
        createdAt: "2026-11-20T08:00:00.000Z",
        contentType: "application/pdf",
      },
    ]);
    const one = new HttpResponse(
      await fns.getDocument(
        get(`/cases/${caseId}/documents/reminder-1`, h, { caseId, documentId: "reminder-1" }),
        context(),
      ),
    );
    expect(one.status).toBe(200);
    expect(one.headers.get("content-type")).toBe("application/pdf");
    expect(Buffer.from(await one.arrayBuffer()).toString()).toBe("%PDF-1.7 test");
    const missing = await read(
      await fns.getDocument(get(`/cases/${caseId}/documents/nope`, h, { caseId, documentId: "nope" }), context()),
    );
    expect(missing.status).toBe(404);
  });
});
