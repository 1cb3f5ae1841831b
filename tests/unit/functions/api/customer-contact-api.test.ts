import { describe, expect, it } from "vitest";
import { HttpRequest } from "@azure/functions";
import { makeCustomerFunctions } from "../../../../functions/api/http-customers";
import { makeInvoiceFunctions } from "../../../../functions/api/http-invoices";
import { makeCaseStatusFunctions } from "../../../../functions/api/http-case-status";
import { read } from "../../http/http-fixtures";
import { context, invoiceBody, seedTenant, testWorld, type TestWorld } from "./api-fixtures";

const BASE = "http://localhost/api/v1";

function request(
  method: "POST" | "PATCH",
  path: string,
  body: unknown,
  headers: Record<string, string>,
  params: Record<string, string> = {},
): HttpRequest {
  return new HttpRequest({
    method,
    url: `${BASE}${path}`,
    headers: { "content-type": "application/json", ...headers },
    body: { string: typeof body === "string" ? body : JSON.stringify(body) },
    params,
  });
}

async function registerInvoice(world: TestWorld, apiKey: string, overrides: Record<string, unknown> = {}) {
  const res = await read(
    await makeInvoiceFunctions(world.resolve).registerInvoice(
      request("POST", "/invoices", invoiceBody(overrides), { "x-api-key": apiKey }),
      context(),
    ),
  );
  expect(res.status).toBe(201);
  return res.json.caseId as string;
}

async function patchCase(world: TestWorld, apiKey: string, caseId: string, body: unknown, headers = {}) {
  return read(
    await makeCustomerFunctions(world.resolve).updateCaseCustomer(
      request("PATCH", `/cases/${caseId}/customer`, body, { "x-api-key": apiKey, ...headers }, { caseId }),
      context(),
    ),
  );
}

async function patchCustomer(world: TestWorld, apiKey: string, customerId: string, body: unknown) {
  return read(
    await makeCustomerFunctions(world.resolve).updateCustomer(
      request("PATCH", `/customers/${customerId}`, body, { "x-api-key": apiKey }, { customerId }),
      context(),
    ),
  );
}

describe("PATCH /api/v1/cases/{caseId}/customer", () => {
  it("200 with the updated customer; the timeline names the changed fields without their values", async () => {
    const world = testWorld();
    const { apiKey } = await seedTenant(world);
    const caseId = await registerInvoice(world, apiKey);
    const address = { lines: ["Storgata 1"], postalCode: "0150", city: "Oslo", country: "NO" };
    const res = await patchCase(world, apiKey, caseId, {
      email: "kari@example.no",
      phone: "912 34 568",
      address,
      consent: { sms: false },
    });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      caseId,
      customer: {
        customerId: "cust-1",
        name: "Kari Nordmann",
        email: "kari@example.no",
        phone: "+4791234568",
        address,
        consent: { sms: false, email: false },
      },
      changed: ["email", "phone", "address", "consent.sms"],
    });
    const record = (await world.deps.cases.getById(caseId))!;
    expect(record.customer).toEqual(res.json.customer);
    const entry = record.timeline.at(-1)!;
    expect(entry).toMatchObject({
      kind: "customer",
      details: { fields: ["email", "phone", "address", "consent.sms"] },
    });
    expect(JSON.stringify(record.timeline)).not.toMatch(/kari@example\.no|4791234568|Storgata|0150/u);
    expect(world.events.ofType("case.customer_updated")).toHaveLength(1);

    const removed = await patchCase(world, apiKey, caseId, { email: null });
    expect(removed.status).toBe(200);
    expect(removed.json.customer).not.toHaveProperty("email");
    expect(removed.json.changed).toEqual(["email"]);
  });

  it("422 naming /email for an invalid e-mail and /phone for an invalid phone; nothing is changed", async () => {
    const world = testWorld();
    const { apiKey } = await seedTenant(world);
    const caseId = await registerInvoice(world, apiKey);
    const before = (await world.deps.cases.getById(caseId))!;

    const email = await patchCase(world, apiKey, caseId, { email: "not-an-address" });
    expect(email.status).toBe(422);
    expect(email.headers.get("content-type")).toBe("application/problem+json");
    expect(email.json.errors).toEqual([expect.objectContaining({ pointer: "/email" })]);

    const phone = await patchCase(world, apiKey, caseId, { phone: "12" });
    expect(phone.status).toBe(422);
    expect(phone.json.errors).toEqual([expect.objectContaining({ pointer: "/phone", code: "INVALID_PHONE" })]);
    expect(JSON.stringify(phone.json)).not.toContain('"12"');

    expect(await world.deps.cases.getById(caseId)).toEqual(before);
  });

  it("400 for an empty patch, an empty consent and an unknown member", async () => {
    const world = testWorld();
    const { apiKey } = await seedTenant(world);
    const caseId = await registerInvoice(world, apiKey);
    for (const body of [{}, { consent: {} }, { name: "Someone Else" }]) {
      const res = await patchCase(world, apiKey, caseId, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.headers.get("content-type")).toBe("application/problem+json");
    }
    expect((await world.deps.cases.getById(caseId))!.timeline).toHaveLength(1);
  });

  it("404 for an unknown case and for another tenant's case, which stays as it was; 401 without a key", async () => {
    const world = testWorld();
    const alpha = await seedTenant(world, "t_alpha");
    const beta = await seedTenant(world, "t_beta");
    const caseId = await registerInvoice(world, alpha.apiKey);
    const before = (await world.deps.cases.getById(caseId))!;
    expect((await patchCase(world, beta.apiKey, caseId, { email: "x@example.no" })).status).toBe(404);
    expect(
      (await patchCase(world, alpha.apiKey, "c_abcdefghijklmnopqrstuvwxyz", { email: "x@example.no" })).status,
    ).toBe(404);
    expect((await patchCase(world, "nope", caseId, { email: "x@example.no" })).status).toBe(401);
    expect(await world.deps.cases.getById(caseId)).toEqual(before);
  });

  it("honours Idempotency-Key: the same PATCH again is replayed, another body with the key is 409", async () => {
    const world = testWorld();
    const { apiKey } = await seedTenant(world);
    const caseId = await registerInvoice(world, apiKey);
    const key = { "idempotency-key": "patch-1" };
    const first = await patchCase(world, apiKey, caseId, { consent: { sms: false } }, key);
    const again = await patchCase(world, apiKey, caseId, { consent: { sms: false } }, key);
    expect(again.status).toBe(200);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.text).toBe(first.text);
    expect((await patchCase(world, apiKey, caseId, { consent: { sms: true } }, key)).status).toBe(409);
  });
});

describe("PATCH /api/v1/customers/{customerId}", () => {
  it("updates every open case of the customer at this creditor, not closed ones, other customers' or other tenants'", async () => {
    const world = testWorld();
    const alpha = await seedTenant(world, "t_alpha");
    const beta = await seedTenant(world, "t_beta");
    const first = await registerInvoice(world, alpha.apiKey, { invoiceNumber: "INV-1" });
    const second = await registerInvoice(world, alpha.apiKey, { invoiceNumber: "INV-2" });
    const cancelled = await registerInvoice(world, alpha.apiKey, { invoiceNumber: "INV-3" });
    const other = await registerInvoice(world, alpha.apiKey, {
      invoiceNumber: "INV-4",
      customer: { customerId: "cust-2", name: "Ola Nordmann", phone: "+4791234569" },
    });
    const betas = await registerInvoice(world, beta.apiKey, { invoiceNumber: "INV-1" });
    const cancel = await makeCaseStatusFunctions(world.resolve).cancelCase(
      request(
        "POST",
        `/cases/${cancelled}/cancel`,
        { reason: "x" },
        { "x-api-key": alpha.apiKey },
        { caseId: cancelled },
      ),
      context(),
    );
    expect((await read(cancel)).status).toBe(200);

    const res = await patchCustomer(world, alpha.apiKey, "cust-1", { email: "kari@example.no" });
    expect(res.status).toBe(200);
    expect(res.json.customerId).toBe("cust-1");
    expect(res.json.cases.map((c: { caseId: string }) => c.caseId).sort()).toEqual([first, second].sort());
    for (const c of res.json.cases) {
      expect(c).toMatchObject({ customer: { customerId: "cust-1", email: "kari@example.no" }, changed: ["email"] });
    }
    for (const id of [cancelled, other, betas]) {
      expect((await world.deps.cases.getById(id))!.customer.email).toBeUndefined();
    }
    const entries = (await world.deps.cases.getById(first))!.timeline.filter((e) => e.kind === "customer");
    expect(entries).toEqual([expect.objectContaining({ details: { fields: ["email"] } })]);
    expect(JSON.stringify(entries)).not.toContain("kari@example.no");
  });

  it("422 naming the field, 400 for an empty patch, 404 for an unknown customer and another tenant's", async () => {
    const world = testWorld();
    const alpha = await seedTenant(world, "t_alpha");
    const beta = await seedTenant(world, "t_beta");
    await registerInvoice(world, alpha.apiKey);
    const email = await patchCustomer(world, alpha.apiKey, "cust-1", { email: "@" });
    expect(email.status).toBe(422);
    expect(email.json.errors).toEqual([expect.objectContaining({ pointer: "/email" })]);
    const phone = await patchCustomer(world, alpha.apiKey, "cust-1", { phone: "+47 123" });
    expect(phone.status).toBe(422);
    expect(phone.json.errors).toEqual([expect.objectContaining({ pointer: "/phone" })]);
    expect((await patchCustomer(world, alpha.apiKey, "cust-1", {})).status).toBe(400);
    expect((await patchCustomer(world, alpha.apiKey, "cust-unknown", { email: "x@example.no" })).status).toBe(404);
    const foreign = await patchCustomer(world, beta.apiKey, "cust-1", { email: "x@example.no" });
    expect(foreign.status).toBe(404);
    expect(foreign.json.code).toBe("CUSTOMER_NOT_FOUND");
  });
});
