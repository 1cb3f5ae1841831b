/** Checks every CaseStore adapter makes, so the memory and Cosmos stores refuse the same mistakes. */
import { caseIdFor } from "../domain/case-id";
import type { CaseRecord } from "../ports/case-store";

/** The id must be the one derived from (tenantId, invoiceNumber): duplicate detection relies on it. */
export function assertDerivedId(record: CaseRecord): void {
  if (record.caseId !== caseIdFor(record.tenantId, record.invoiceNumber)) {
    throw new Error("CaseRecord.caseId must be caseIdFor(tenantId, invoiceNumber): duplicate detection relies on it");
  }
}

/** `update` may change anything but what identifies the case. */
export function assertSameIdentity(current: CaseRecord, next: CaseRecord): void {
  if (next.caseId !== current.caseId || next.tenantId !== current.tenantId || next.invoiceNumber !== current.invoiceNumber) {
    throw new Error("CaseStore.update may not change caseId, tenantId or invoiceNumber");
  }
}
