/**
 * The creditor's own PDF of an invoice (issue 15): uploaded through the partner API, kept one per case (a new
 * upload replaces it; the same bytes again change nothing), and offered on Min side as "Original invoice" instead of
 * the generated copy. Checked by content: at most `MAX_INVOICE_DOCUMENT_BYTES`, and it must start with `%PDF-` —
 * whatever the creditor's system called it. The case's timeline says when it came or was replaced (size and hash,
 * never the content). Tenant-scoped: a case of another tenant is "not found".
 */
import { createHash } from "node:crypto";
import type { CaseRecord, CaseStore, TimelineEntry } from "../ports/case-store";
import type { Clock } from "../ports/clock";
import { CaseNotFound } from "../ports/errors";
import type { InvoiceDocumentStore } from "../ports/invoice-document-store";

export const MAX_INVOICE_DOCUMENT_BYTES = 10 * 1024 * 1024;

export type InvoiceDocumentRefusal = "file-empty" | "file-too-large" | "not-a-pdf";

/** Size and `%PDF-` magic; undefined when the bytes are an acceptable PDF. */
export function refuseInvoiceDocument(content: Uint8Array): InvoiceDocumentRefusal | undefined {
  if (content.length === 0) return "file-empty";
  if (content.length > MAX_INVOICE_DOCUMENT_BYTES) return "file-too-large";
  const magic = [0x25, 0x50, 0x44, 0x46, 0x2d]; // %PDF-
  return magic.every((byte, i) => content[i] === byte) ? undefined : "not-a-pdf";
}

export type InvoiceDocumentInfo = NonNullable<CaseRecord["invoiceDocument"]>;

export interface InvoiceDocumentDeps {
  cases: CaseStore;
  clock: Clock;
  invoiceDocuments: InvoiceDocumentStore;
}

/**
 * Stores the PDF (checked by the caller with `refuseInvoiceDocument`) and notes it on the case. `created`: the first
 * one; `replaced`: other bytes than before; `unchanged`: the same bytes again (nothing written).
 */
export function makePutInvoiceDocument(deps: InvoiceDocumentDeps) {
  return async (
    tenantId: string,
    caseId: string,
    content: Buffer,
  ): Promise<{ outcome: "created" | "replaced" | "unchanged"; document: InvoiceDocumentInfo }> => {
    const current = await deps.cases.get(tenantId, caseId);
    if (!current) throw new CaseNotFound(caseId);
    const sha256 = createHash("sha256").update(content).digest("hex");
    if (current.invoiceDocument?.sha256 === sha256) return { outcome: "unchanged", document: current.invoiceDocument };
    await deps.invoiceDocuments.put(tenantId, caseId, content);
    const at = deps.clock.now().toISOString();
    const document: InvoiceDocumentInfo = { sha256, bytes: content.length, uploadedAt: at };
    let outcome: "created" | "replaced" = "created";
    await deps.cases.update(tenantId, caseId, (record) => {
      outcome = record.invoiceDocument ? "replaced" : "created";
      const entry: TimelineEntry = {
        at,
        kind: "document",
        title:
          outcome === "created"
            ? "The creditor's PDF of the invoice was received"
            : "The creditor's PDF of the invoice was replaced",
        details: { document: "original-invoice", bytes: content.length, sha256 },
      };
      return { ...record, invoiceDocument: document, timeline: [...record.timeline, entry], updatedAt: at };
    });
    return { outcome, document };
  };
}

/** The creditor's PDF of the case's invoice, or undefined when it sent none. */
export function makeGetInvoiceDocument(deps: Omit<InvoiceDocumentDeps, "clock">) {
  return async (record: CaseRecord): Promise<Buffer | undefined> =>
    record.invoiceDocument ? deps.invoiceDocuments.get(record.tenantId, record.caseId) : undefined;
}
