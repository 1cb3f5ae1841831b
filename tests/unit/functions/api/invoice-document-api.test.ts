import { describe, expect, it } from "vitest";
import { HttpRequest, HttpResponse } from "@azure/functions";
import { makeInvoiceDocumentFunctions } from "../../../../functions/api/http-case-invoice-document";
import { makeInvoiceFunctions } from "../../../../functions/api/http-invoices";
import { read } from "../../http/http-fixtures";
import { context, invoiceBody, seedTenant, testWorld, type TestWorld } from "./api-fixtures";

const BASE = "http://localhost/api/v1";
const PDF = Buffer.from("%PDF-1.7\n% the creditor's invoice\n%%EOF\n");

async function registerInvoice(world: TestWorld, apiKey: string): Promise<string> {
  const res = await read(
    await makeInvoiceFunctions(world.resolve).registerInvoice(
      new HttpRequest({
        method: "POST",
        url: `${BASE}/invoices`,
        headers: { "content-type": "application/json", "x-api-key": apiKey },
        body: { string: JSON.stringify(invoiceBody()) },
      }),
      context(),
    ),
  );
  expect(res.status).toBe(201);
  return res.json.caseId as string;
}

async function put(world: TestWorld, apiKey: string, caseId: string, body: Buffer, contentType = "application/pdf") {
  return read(
    await makeInvoiceDocumentFunctions(world.resolve).putInvoiceDocument(
      new HttpRequest({
        method: "PUT",
        url: `${BASE}/cases/${caseId}/invoice-document`,
        headers: { "content-type": contentType, "x-api-key": apiKey },
        body: { bytes: new Uint8Array(body) },
        params: { caseId },
      }),
      context(),
    ),
  );
}

async function get(world: TestWorld, apiKey: string, caseId: string) {
  const result = await makeInvoiceDocumentFunctions(world.resolve).getInvoiceDocument(
    new HttpRequest({
      method: "GET",
      url: `${BASE}/cases/${caseId}/invoice-document`,
      headers: { "x-api-key": apiKey },
      params: { caseId },
    }),
    context(),
  );
  const response = new HttpResponse(result);
  return { status: response.status, headers: response.headers, body: Buffer.from(await response.arrayBuffer()) };
}

describe("PUT /api/v1/cases/{caseId}/invoice-document", () => {
  it("stores the creditor's PDF (201), gives it back byte for byte, and notes it on the timeline", async () => {
    const world = testWorld();
    const { tenantId, apiKey } = await seedTenant(world);
    const caseId = await registerInvoice(world, apiKey);
    const created = await put(world, apiKey, caseId, PDF);
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ caseId, contentType: "application/pdf", bytes: PDF.length });
    const back = await get(world, apiKey, caseId);
    expect(back.status).toBe(200);
    expect(back.body.equals(PDF)).toBe(true);
    expect(back.headers.get("content-disposition")).toMatch(/^attachment;/u);
    const record = await world.deps.cases.get(tenantId, caseId);
    expect(record!.timeline.filter((e) => e.kind === "document").map((e) => e.title)).toEqual([
      "The creditor's PDF of the invoice was received",
    ]);
  });

  it("replaces it with other bytes (200, one more timeline entry) and changes nothing for the same bytes", async () => {
    const world = testWorld();
    const { tenantId, apiKey } = await seedTenant(world);
    const caseId = await registerInvoice(world, apiKey);
    await put(world, apiKey, caseId, PDF);
    expect((await put(world, apiKey, caseId, PDF)).status).toBe(200);
    const other = Buffer.from("%PDF-1.4\n% corrected\n%%EOF\n");
    expect((await put(world, apiKey, caseId, other)).status).toBe(200);
    expect((await get(world, apiKey, caseId)).body.equals(other)).toBe(true);
    const record = await world.deps.cases.get(tenantId, caseId);
    expect(record!.timeline.filter((e) => e.kind === "document")).toHaveLength(2);
  });

  it("refuses what is not a PDF, naming what is wrong: the content type (415), the body (422, 400)", async () => {
    const world = testWorld();
    const { apiKey } = await seedTenant(world);
    const caseId = await registerInvoice(world, apiKey);
    const html = await put(world, apiKey, caseId, Buffer.from("<html><script>alert(1)</script></html>"));
    expect(html.status).toBe(422);
    expect(html.headers.get("content-type")).toBe("application/problem+json");
    expect(html.json.errors).toEqual([expect.objectContaining({ pointer: "", code: "NOT_A_PDF" })]);
    const typed = await put(world, apiKey, caseId, PDF, "text/html");
    expect(typed.status).toBe(415);
    expect(typed.json.errors).toEqual([expect.objectContaining({ pointer: "#/header/Content-Type" })]);
    const empty = await put(world, apiKey, caseId, Buffer.alloc(0));
    expect(empty.status).toBe(400);
    expect(empty.json.errors).toEqual([expect.objectContaining({ code: "FILE_EMPTY" })]);
    const tooLarge = await put(world, apiKey, caseId, Buffer.concat([PDF, Buffer.alloc(10 * 1024 * 1024)]));
    expect(tooLarge.status).toBe(413);
    expect((await get(world, apiKey, caseId)).status).toBe(404);
  });

  it("answers another creditor's case as not found, for upload and download", async () => {
    const world = testWorld();
    const { apiKey } = await seedTenant(world, "t_alpha");
    const other = await seedTenant(world, "t_beta");
    const caseId = await registerInvoice(world, apiKey);
    await put(world, apiKey, caseId, PDF);
    expect((await put(world, other.apiKey, caseId, PDF)).status).toBe(404);
    expect((await get(world, other.apiKey, caseId)).status).toBe(404);
  });
});
