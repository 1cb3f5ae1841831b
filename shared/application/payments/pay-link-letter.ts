/**
 * A letter of one of a pay link's cases, for the debtor behind the link (`/p/{token}/letters/{caseId}/{documentId}`):
 * the pay page links each fee to the letter that added it. Only the link's own cases and their listed documents are
 * served; anything else is "unknown" (the page answers 404 without saying which part was wrong).
 */
import type { LetterArchive } from "../../ports/letter-archive";
import { openPayLink, type PayLinkDeps } from "./pay-link-session";

export type PayLinkLetterResult =
  | { kind: "unknown" }
  | { kind: "expired"; creditorName?: string }
  | { kind: "ok"; content: Buffer; contentType: string; fileName: string };

export function makeLoadPayLinkLetter(deps: PayLinkDeps & { letters: LetterArchive }) {
  return async (token: string, caseId: string, documentId: string): Promise<PayLinkLetterResult> => {
    const session = await openPayLink(deps, token);
    if (session.kind === "unknown") return { kind: "unknown" };
    if (session.kind === "expired")
      return session.tenant ? { kind: "expired", creditorName: session.tenant.name } : { kind: "expired" };
    const record = session.records.find((r) => r.caseId === caseId);
    const ref = record?.documents.find((d) => d.documentId === documentId);
    if (!record || !ref) return { kind: "unknown" };
    const letter = await deps.letters.get(record.tenantId, record.caseId, ref.documentId);
    if (!letter) return { kind: "unknown" };
    const safe = (s: string) => s.replace(/[^A-Za-z0-9._-]/gu, "_").slice(0, 40);
    return {
      kind: "ok",
      content: letter.content,
      contentType: letter.contentType,
      fileName: `${safe(ref.kind)}-${safe(record.invoiceNumber)}.pdf`,
    };
  };
}
