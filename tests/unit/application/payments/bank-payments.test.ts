/** KID payments from the bank: importing an OCR giro file onto the payments queue, and applying what comes off it. */
import { describe, expect, it } from "vitest";
import { MemoryBankPaymentStore } from "../../../../shared/adapters/memory/bank-payment-store.memory";
import { MemoryPaymentQueue } from "../../../../shared/adapters/memory/payment-queue.memory";
import { makeApplyBankPayment } from "../../../../shared/application/payments/apply-bank-payment";
import { makeImportOcrGiro } from "../../../../shared/application/payments/import-ocr-giro";
import { completeOcrGiro, writeOcrGiro, type OcrGiroTransaction } from "../../../../shared/domain/bank/ocr-giro";
import { balanceOf } from "../../../../shared/domain/case";
import { checkDigitMod10, generateKid } from "../../../../shared/domain/identifiers/kid";
import type { BankPaymentMessage } from "../../../../shared/ports/payment-queue";
import { caseRecord, world } from "../case-ladder-fixtures";

const KID_A = generateKid("10000011", "MOD10");
const KID_B = generateKid("10000022", "MOD10");
const UNKNOWN_KID = generateKid("99999999", "MOD10");
const BAD_CHECK_KID = `10000011${(checkDigitMod10("10000011") + 1) % 10}`;

function tx(
  number: number,
  kid: string,
  value: number,
  overrides: Partial<OcrGiroTransaction> = {},
): OcrGiroTransaction {
  return {
    type: 10,
    number,
    netsDate: "2026-11-20",
    amount: { value, currency: "NOK" },
    kid,
    centreId: "13",
    dayCode: 20,
    partialSettlement: 1,
    serialNumber: "01464",
    formNumber: "9636827194",
    archiveReference: `09903856${number}`,
    reserved: "0000000",
    bankDate: "2026-11-19",
    debitAccount: "12345678903",
    ...overrides,
  };
}

function ocrFile(transactions: OcrGiroTransaction[], transmissionNumber = "0170031"): string {
  return writeOcrGiro(
    completeOcrGiro({
      transmission: { number: transmissionNumber, dataTransmitter: "00008080", recipient: "00010200" },
      netsDate: "2026-11-20",
      assignments: [{ agreementId: "001008566", number: "0000002", account: "99991042764", transactions }],
    }),
  );
}

const FILE = ocrFile([
  tx(1, KID_A, 1250_00),
  tx(2, UNKNOWN_KID, 300_00),
  tx(3, BAD_CHECK_KID, 100_00),
  tx(4, KID_B, 500_00),
]);

async function bankWorld() {
  const w = await world("2026-11-21T06:00:00Z");
  await w.cases.create({ ...caseRecord("INV-A", "2026-11-25"), kid: KID_A });
  await w.cases.create({ ...caseRecord("INV-B", "2026-11-25"), kid: KID_B });
  const bankPayments = new MemoryBankPaymentStore();
  const queue = new MemoryPaymentQueue();
  const workflowCalls: string[] = [];
  const deps = {
    ...w.deps,
    bankPayments,
    workflow: {
      start: async () => undefined,
      caseChanged: async (caseId: string) => void workflowCalls.push(caseId),
      state: async () => "running" as const,
    },
  };
  return {
    ...w,
    bankPayments,
    queue,
    workflowCalls,
    importFile: makeImportOcrGiro({ paymentQueue: queue, clock: w.clock }),
    apply: makeApplyBankPayment(deps),
  };
}

const bankMessages = (queue: MemoryPaymentQueue) =>
  queue.drain().filter((m): m is BankPaymentMessage => m.kind === "bank-payment");

describe("importing an OCR giro file", () => {
  it("enqueues one bank payment per transaction, matched and unmatched KIDs alike, and sums the file", async () => {
    const w = await bankWorld();
    const result = await w.importFile("OCR.20261120.txt", FILE);
    expect(result).toEqual({
      ok: true,
      summary: {
        source: "OCR.20261120.txt",
        transmissionNumber: "0170031",
        assignments: 1,
        transactions: 4,
        total: { value: 2150_00, currency: "NOK" },
        withoutKid: 0,
        reversals: 0,
      },
    });
    const messages = bankMessages(w.queue);
    expect(messages.map((m) => [m.kid, m.amount.value, m.paidOn, m.source])).toEqual([
      [KID_A, 1250_00, "2026-11-20", "OCR.20261120.txt"],
      [UNKNOWN_KID, 300_00, "2026-11-20", "OCR.20261120.txt"],
      [BAD_CHECK_KID, 100_00, "2026-11-20", "OCR.20261120.txt"],
      [KID_B, 500_00, "2026-11-20", "OCR.20261120.txt"],
    ]);
    expect(new Set(messages.map((m) => m.id)).size).toBe(4);
    expect(messages[0]!.details).toMatchObject({
      importedAt: "2026-11-21T06:00:00.000Z",
      transmissionNumber: "0170031",
      assignmentNumber: "0000002",
      archiveReference: "099038561",
    });
  });

  it("enqueues nothing new when the same file is imported again, even later", async () => {
    const w = await bankWorld();
    await w.importFile("OCR.20261120.txt", FILE);
    const first = w.queue.messages.map((m) => m.id);
    w.clock.set("2026-11-22T06:00:00Z");
    const again = await w.importFile("OCR.20261120-copy.txt", FILE);
    expect(again.ok).toBe(true);
    expect(w.queue.messages.map((m) => m.id)).toEqual(first);
  });

  it("gives the same transaction number in another transmission its own identity", async () => {
    const w = await bankWorld();
    await w.importFile("a.txt", ocrFile([tx(1, KID_A, 100_00)], "0170031"));
    await w.importFile("b.txt", ocrFile([tx(1, KID_A, 100_00)], "0170032"));
    expect(w.queue.messages).toHaveLength(2);
  });

  it("refuses a malformed file whole, with the line and the problem, and enqueues nothing", async () => {
    const w = await bankWorld();
    const lines = FILE.trimEnd().split("\n");
    lines[lines.length - 2] = lines[lines.length - 2]!.replace("0000000000215000", "0000000000215001");
    const result = await w.importFile("broken.txt", lines.join("\n"));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe("OCR_GIRO_FORMAT");
    expect(result.error.line).toBe(lines.length - 1);
    expect(result.error.message).toContain("total of 215001 øre, but its transactions add up to 215000 øre");
    expect(w.queue.messages).toEqual([]);
  });
});

describe("applying a bank payment", () => {
  it("places a KID payment on its case: the balance drops and payment.received says channel kid", async () => {
    const w = await bankWorld();
    await w.importFile("OCR.20261120.txt", FILE);
    const [toA] = bankMessages(w.queue);
    const before = balanceOf((await w.cases.findByKid(KID_A))!.case).total.value;

    expect(await w.apply(toA!)).toEqual({ outcome: "applied", caseId: (await w.cases.findByKid(KID_A))!.caseId });

    const after = await w.cases.findByKid(KID_A);
    expect(balanceOf(after!.case).total.value).toBe(before - 1250_00);
    expect(after!.case.status).toBe("paid");
    const received = w.events.ofType("payment.received");
    expect(received).toHaveLength(1);
    expect(received[0]!.data).toMatchObject({
      channel: "kid",
      reference: toA!.id,
      amount: { value: 1250_00, currency: "NOK" },
      paidAt: "2026-11-20",
    });
    expect(JSON.stringify(received[0]!.data)).not.toContain("12345678903"); // the payer's account stays with operators
    expect(w.workflowCalls).toEqual([after!.caseId]);
    expect(await w.bankPayments.get(toA!.id)).toMatchObject({
      status: "matched",
      tenantId: after!.tenantId,
      caseId: after!.caseId,
      kid: KID_A,
      paidOn: "2026-11-20",
      source: "OCR.20261120.txt",
    });
  });

  it("credits a payment delivered twice once", async () => {
    const w = await bankWorld();
    await w.importFile("OCR.20261120.txt", FILE);
    const [toA] = bankMessages(w.queue);
    const before = balanceOf((await w.cases.findByKid(KID_A))!.case).total.value;
    await w.apply(toA!);
    const second = await w.apply(toA!);
    expect(second.outcome).toBe("already-applied");
    expect(balanceOf((await w.cases.findByKid(KID_A))!.case).total.value).toBe(before - 1250_00);
    expect(w.events.ofType("payment.received")).toHaveLength(1);
    expect(w.bankPayments.all()).toHaveLength(1);
  });

  it("lists a payment with an unknown KID or a wrong check digit as unmatched, and leaves every case alone", async () => {
    const w = await bankWorld();
    await w.importFile("OCR.20261120.txt", FILE);
    const [, unknown, badCheck] = bankMessages(w.queue);
    const casesBefore = [await w.cases.findByKid(KID_A), await w.cases.findByKid(KID_B)];

    expect(await w.apply(unknown!)).toEqual({ outcome: "unmatched", why: "unknown-kid" });
    expect(await w.apply(badCheck!)).toEqual({ outcome: "unmatched", why: "invalid-kid" });

    const listed = await w.bankPayments.listUnmatched({ limit: 10 });
    expect(listed.items.map((p) => [p.kid, p.why, p.amount.value])).toEqual([
      [UNKNOWN_KID, "unknown-kid", 300_00],
      [BAD_CHECK_KID, "invalid-kid", 100_00],
    ]);
    expect([await w.cases.findByKid(KID_A), await w.cases.findByKid(KID_B)]).toEqual(casesBefore);
    expect(w.events.ofType("payment.received")).toEqual([]);
  });

  it("never applies a reversal or a payment without KID: both wait for an operator", async () => {
    const w = await bankWorld();
    await w.importFile(
      "r.txt",
      ocrFile([
        tx(1, KID_A, 500_00),
        tx(2, KID_A, 500_00, { type: 18 }),
        tx(3, "", 200_00, { type: 21, text: "Betaling faktura 1" }),
      ]),
    );
    const [, reversal, noKid] = bankMessages(w.queue);
    expect(await w.apply(reversal!)).toEqual({ outcome: "unmatched", why: "reversal" });
    expect(await w.apply(noKid!)).toEqual({ outcome: "unmatched", why: "missing-kid" });
    expect(w.events.ofType("payment.received")).toEqual([]);
  });
});
