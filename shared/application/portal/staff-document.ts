/**
 * A document a staff user uploads to a case from the portal (issue 16): a PDF, PNG or JPEG of at most 10 MB, its type
 * decided from its first bytes as for Min side's uploads (`checkUpload`), never from the name or the browser's word.
 * Archived with the case's letters (write once) and listed with its documents, so the partner API's
 * `GET /api/v1/cases/{caseId}/documents/{documentId}` serves it too; on the case's timeline as done by the staff user.
 * The file and its name are personal data: stored, never logged.
 */
import type { CaseStore, DocumentRef, TimelineEntry } from "../../ports/case-store";
import type { Clock } from "../../ports/clock";
import { CaseNotFound } from "../../ports/errors";
import type { LetterArchive } from "../../ports/letter-archive";
import type { Random } from "../../ports/random";
import { checkUpload, type UploadRefusal } from "../min-side/uploads";
import { byStaff, type StaffActor } from "./staff-actor";

export const STAFF_UPLOAD_KIND = "staff-upload";

export type AttachOutcome = { kind: "attached"; documentId: string } | { kind: "refused"; code: UploadRefusal };

export function makeAttachStaffDocument(deps: {
  cases: CaseStore;
  letters: LetterArchive;
  clock: Clock;
  random: Random;
}) {
  return async (
    tenantId: string,
    caseId: string,
    input: { content: Uint8Array; fileName: string; actor: StaffActor },
  ): Promise<AttachOutcome> => {
    const check = checkUpload(input.content);
    if (!check.ok) return { kind: "refused", code: check.code };
    if (!(await deps.cases.get(tenantId, caseId))) throw new CaseNotFound(caseId);
    const now = deps.clock.now();
    const documentId = `staff-${Buffer.from(deps.random.bytes(10)).toString("hex")}`;
    await deps.letters.put({
      tenantId,
      caseId,
      documentId,
      kind: STAFF_UPLOAD_KIND,
      contentType: check.contentType,
      content: Buffer.from(input.content),
      createdAt: now,
    });
    const at = now.toISOString();
    const name = input.fileName.replace(/[^\p{L}\p{N} ._()-]/gu, "_").slice(0, 120) || "document";
    const ref: DocumentRef = { documentId, kind: STAFF_UPLOAD_KIND, createdAt: at, contentType: check.contentType };
    const entry: TimelineEntry = {
      at,
      kind: "document",
      title: `Document uploaded${byStaff(input.actor)}`,
      details: { action: "document-uploaded", documentId, name, actor: input.actor, via: "portal" },
    };
    await deps.cases.update(tenantId, caseId, (current) => ({
      ...current,
      documents: [...current.documents, ref],
      timeline: [...current.timeline, entry],
      updatedAt: at,
    }));
    return { kind: "attached", documentId };
  };
}
