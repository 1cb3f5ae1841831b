import { describe, expect, it } from "vitest";
import { HttpRequest } from "@azure/functions";
import { makeInvoiceFunctions } from "../../../../functions/api/http-invoices";
import {
  makePlaceUnmatchedPaymentFunction,
  makeUnmatchedPaymentsFunction,
} from "../../../../functions/payments/http-ops-unmatched-payments";
import type { BankPayment } from "../../../../shared/ports/bank-payment-store";
import { getRequest, jsonRequest, read } from "../../http/http-fixtures";
import { OPERATOR_KEY, context, invoiceBody, seedTenant, testWorld } from "../api/api-fixtures";

const URL = "http://localhost/api/v1/ops/unmatched-payments";

function payment(paymentId: string, status: "matched" | "unmatched", kid = "99999998"): BankPayment {
  const common = {
    schemaVersion: 1 as const,
    paymentId,
    kid,
    amount: { value: 300_00, currency: "NOK" as const },
    paidOn: "2026-11-20",
    source: "OCR.20261120.txt",
    importedAt: "2026-11-21T06:00:00.000Z",
    recordedAt: "2026-11-21T06:00:01.000Z",
  };
  return status === "matched"
    ? { ...common, status, tenantId: "t_alpha", caseId: "c_1" }
    : { ...common, status, why: "unknown-kid" };
}

async function seeded() {
  const world = testWorld();
  await world.deps.bankPayments.record(payment("ocr-1", "unmatched"));
  await world.deps.bankPayments.record(payment("ocr-2", "matched"));
  await world.deps.bankPayments.record(payment("ocr-3", "unmatched", "12345"));
  return { world, list: makeUnmatchedPaymentsFunction(world.resolve) };
}

describe("GET /api/v1/ops/unmatched-payments", () => {
  it("refuses a request without the operator key, or with a creditor's, with 401 problem+json", async () => {
    const { list } = await seeded();
    for (const headers of [{}, { "x-api-key": "not-the-operator-key" }] as Array<Record<string, string>>) {
      const res = await read(await list(getRequest(URL, { headers }), context()));
      expect(res.status).toBe(401);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
      expect(res.text).not.toContain("99999998");
    }
  });

  it("lists the unmatched bank payments for operators, not the matched ones", async () => {
    const { list } = await seeded();
    const res = await read(await list(getRequest(URL, { headers: { "x-api-key": OPERATOR_KEY } }), context()));
    expect(res.status).toBe(200);
    expect(
      res.json.items.map((p: { paymentId: string; why: string; kid: string }) => [p.paymentId, p.why, p.kid]),
    ).toEqual([
      ["ocr-1", "unknown-kid", "99999998"],
      ["ocr-3", "unknown-kid", "12345"],
    ]);
    expect(res.json.items[0]).toMatchObject({
      amount: { value: 300_00, currency: "NOK" },
      paidOn: "2026-11-20",
      source: "OCR.20261120.txt",
    });
    expect(res.json.continuationToken).toBeUndefined();
  });

  it("pages with limit and continuationToken", async () => {
    const { list } = await seeded();
    const headers = { "x-api-key": OPERATOR_KEY };
    const first = await read(await list(getRequest(`${URL}?limit=1`, { headers }), context()));
    expect(first.json.items.map((p: { paymentId: string }) => p.paymentId)).toEqual(["ocr-1"]);
    const token = first.json.continuationToken as string;
    const second = await read(
      await list(getRequest(`${URL}?limit=1&continuationToken=${encodeURIComponent(token)}`, { headers }), context()),
    );
    expect(second.json.items.map((p: { paymentId: string }) => p.paymentId)).toEqual(["ocr-3"]);
    expect(second.json.continuationToken).toBeUndefined();
  });

  it("answers a bad limit with 400 problem+json naming it, and a foreign continuation token with a client-error problem", async () => {
    const { list } = await seeded();
    const headers = { "x-api-key": OPERATOR_KEY };
    const badLimit = await read(await list(getRequest(`${URL}?limit=0`, { headers }), context()));
    expect(badLimit.status).toBe(400);
    expect(badLimit.headers.get("content-type")).toContain("application/problem+json");
    expect(badLimit.text).toContain("limit");
    const badToken = await read(await list(getRequest(`${URL}?continuationToken=nonsense`, { headers }), context()));
    // the partner API's own mapping of INVALID_CONTINUATION_TOKEN (a client error, as GET /api/v1/cases answers it)
    expect(badToken.status).toBeGreaterThanOrEqual(400);
    expect(badToken.status).toBeLessThan(500);
    expect(badToken.headers.get("content-type")).toContain("application/problem+json");
    expect(badToken.text).toContain("continuation token");
  });
});

describe("POST /api/v1/ops/unmatched-payments/{paymentId}/apply", () => {
  async function withCase() {
    const world = testWorld();
    const { apiKey } = await seedTenant(world);
    const registered = await read(
      await makeInvoiceFunctions(world.resolve).registerInvoice(
        jsonRequest(invoiceBody(), { headers: { "x-api-key": apiKey } }),
        context(),
      ),
    );
    expect(registered.status).toBe(201);
    const caseId = registered.json.caseId as string;
    await world.deps.bankPayments.record(payment("ocr-9", "unmatched"));
    const place = makePlaceUnmatchedPaymentFunction(world.resolve);
    const apply = (paymentId: string, body: unknown, key = OPERATOR_KEY) =>
      new HttpRequest({
        method: "POST",
        url: `http://localhost/api/v1/ops/unmatched-payments/${paymentId}/apply`,
        headers: { "content-type": "application/json", "x-api-key": key },
        body: { string: JSON.stringify(body) },
        params: { paymentId },
      });
    return { world, caseId, place, apply };
  }

  it("places an unmatched bank payment on the case the operator names, once: the second time is 409", async () => {
    const { world, caseId, place, apply } = await withCase();
    const res = await read(await place(apply("ocr-9", { tenantId: "t_alpha", caseId }), context()));
    expect(res.status, res.text).toBe(200);
    expect(res.json).toMatchObject({ paymentId: "ocr-9", caseId, amount: { value: 300_00 }, applied: true });
    const record = (await world.deps.cases.get("t_alpha", caseId))!;
    expect(record.case.ledger.filter((e) => e.type === "payment")).toHaveLength(1);
    expect((await world.deps.bankPayments.listUnmatched({ limit: 10 })).items).toEqual([]);

    const again = await read(await place(apply("ocr-9", { tenantId: "t_alpha", caseId }), context()));
    expect(again.status).toBe(409);
    expect(again.headers.get("content-type")).toContain("application/problem+json");
    const after = (await world.deps.cases.get("t_alpha", caseId))!;
    expect(after.case.ledger.filter((e) => e.type === "payment")).toHaveLength(1); // credited once
    expect(world.workflowCalls).toContainEqual(expect.objectContaining({ op: "caseChanged", caseId }));
  });

  it("answers 401 without the operator key, 404 for an unknown payment or case, 400 naming a missing field", async () => {
    const { caseId, place, apply } = await withCase();
    expect((await read(await place(apply("ocr-9", { tenantId: "t_alpha", caseId }, "nope"), context()))).status).toBe(
      401,
    );
    expect((await read(await place(apply("ocr-404", { tenantId: "t_alpha", caseId }), context()))).status).toBe(404);
    expect(
      (await read(await place(apply("ocr-9", { tenantId: "t_alpha", caseId: "c_unknown" }), context()))).status,
    ).toBe(404);
    const missing = await read(await place(apply("ocr-9", { tenantId: "t_alpha" }), context()));
    expect(missing.status).toBe(400);
    expect(missing.text).toContain("/caseId");
  });
});
