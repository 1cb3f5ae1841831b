import { describe, expect, it } from "vitest";
import { decodeDocument, UndecodableDocument } from "../../../../shared/adapters/cosmos/cosmos-errors.cosmos";
import { BankPayment } from "../../../../shared/ports/bank-payment-store";
import { PaymentAttempt } from "../../../../shared/ports/payment-attempt-store";
import { Tenant } from "../../../../shared/ports/tenant-store";

const tenant: Tenant = {
  schemaVersion: 1,
  tenantId: "tenant-1",
  name: "Nordlys Energi AS",
  senderName: "Nordlys",
  orgNumber: "923609016",
  country: "NO",
  policy: null,
  createdAt: "2025-03-01T08:00:00.000Z",
  updatedAt: "2025-03-01T08:00:00.000Z",
};
const systemFields = { _rid: "abc", _self: "dbs/x", _etag: '"0001"', _ts: 1741000000, _attachments: "attachments/" };
const where = { container: "tenants", storageOnly: ["id", "type"] };

function problemOf(run: () => unknown): UndecodableDocument {
  try {
    run();
  } catch (error) {
    if (error instanceof UndecodableDocument) return error;
    throw error;
  }
  throw new Error("expected the document not to decode");
}

describe("decoding a stored document", () => {
  it("gives back exactly the record: no system properties, no storage-only fields", () => {
    expect(decodeDocument(Tenant, { ...tenant, ...systemFields, id: "tenant-1", type: "tenant" }, where)).toEqual(
      tenant,
    );
  });

  it("refuses a document written by an unknown schemaVersion before looking at its shape", () => {
    expect(() => decodeDocument(Tenant, { ...tenant, schemaVersion: 2, id: "tenant-1" }, where)).toThrow(
      "Unknown schemaVersion 2 in a tenants document",
    );
  });

  it("names the container, the id and every failing path, and never a value found there", () => {
    const doc = { ...tenant, id: "tenant-1", type: "tenant", name: 42, country: "FI", orgNumber: undefined };
    const problem = problemOf(() => decodeDocument(Tenant, doc, where));
    expect(problem.container).toBe("tenants");
    expect(problem.documentId).toBe("tenant-1");
    expect(problem.problems).toEqual([
      "name: expected string",
      "orgNumber: expected string",
      "country: not one of the allowed values",
    ]);
    expect(problem.message).toBe(
      "A tenants document (id tenant-1) does not decode: name: expected string; orgNumber: expected string; country: not one of the allowed values",
    );
    expect(problem.message).not.toContain("42");
    expect(problem.message).not.toContain("FI");
  });

  it("points into nested records (money, arrays) by path", () => {
    const attempt = {
      schemaVersion: 1,
      id: "pfu-0001",
      type: "payment-attempt",
      reference: "pfu-0001",
      provider: "vipps",
      method: "vipps",
      tenantId: "tenant-1",
      tokenHash: "hash",
      option: "full",
      amount: { value: 100.5, currency: "NOK" },
      parts: [{ caseId: "c_1", amount: { value: 10_050 } }],
      valueDate: "2025-02-30",
      state: "created",
      appliedTo: [],
      createdAt: "2025-03-17T09:00:00.000Z",
      updatedAt: "2025-03-17T09:00:00.000Z",
    };
    const problem = problemOf(() =>
      decodeDocument(PaymentAttempt, attempt, { container: "payment-attempts", storageOnly: ["id", "type"] }),
    );
    expect(problem.problems).toEqual([
      "amount.value: expected int",
      "parts.0.amount.currency: not one of the allowed values",
      "valueDate: fails its check",
    ]);
    expect(problem.message).not.toContain("100.5");
    expect(problem.message).not.toContain("2025-02-30");
  });

  it("decodes each kind of a union by its discriminator and refuses an unknown kind", () => {
    const payment = {
      schemaVersion: 1,
      paymentId: "ocr-1",
      kid: "1234567890",
      amount: { value: 5_000, currency: "NOK" },
      paidOn: "2025-03-17",
      source: "ocr.txt",
      importedAt: "2025-03-17T09:00:00.000Z",
      recordedAt: "2025-03-17T09:00:00.000Z",
    };
    const bankWhere = { container: "bank-payments", storageOnly: ["id", "type"] };
    const matched = { ...payment, status: "matched", tenantId: "tenant-1", caseId: "c_1" };
    expect(decodeDocument(BankPayment, { ...matched, id: "ocr-1", type: "bank-payment" }, bankWhere)).toEqual(matched);
    const problem = problemOf(() =>
      decodeDocument(BankPayment, { ...payment, id: "ocr-1", status: "lost" }, bankWhere),
    );
    expect(problem.problems).toEqual(["status: matches none of the allowed shapes"]);
  });
});
