/** The letters of a case: listed from the case record, read from the letter archive. Another tenant's → 404. */
import type { CaseStore, DocumentRef } from "../ports/case-store";
import type { LetterArchive } from "../ports/letter-archive";
import { DocumentNotFound } from "./case-context";
import { CaseNotFound } from "../ports/errors";

export function makeListDocuments(deps: { cases: CaseStore }) {
  return async (tenantId: string, caseId: string): Promise<DocumentRef[]> => {
    const record = await deps.cases.get(tenantId, caseId);
    if (!record) throw new CaseNotFound(caseId);
    return record.documents;
  };
}

export function makeGetDocument(deps: { cases: CaseStore; letters: LetterArchive }) {
  return async (
    tenantId: string,
    caseId: string,
    documentId: string,
  ): Promise<{ content: Buffer; contentType: string; kind: string }> => {
    const record = await deps.cases.get(tenantId, caseId);
    if (!record) throw new CaseNotFound(caseId);
    const ref = record.documents.find((d) => d.documentId === documentId);
    if (!ref) throw new DocumentNotFound(`Document ${documentId} was not found`, { caseId, documentId });
    const letter = await deps.letters.get(tenantId, caseId, documentId);
    if (!letter) throw new DocumentNotFound(`Document ${documentId} was not found`, { caseId, documentId });
    return { content: letter.content, contentType: letter.contentType, kind: ref.kind };
  };
}
