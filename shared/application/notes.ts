/** Free-text notes on a case's timeline, from the creditor. Notes may hold personal data: stored, never logged. */
import type { CaseStore, TimelineEntry } from "../ports/case-store";
import type { Clock } from "../ports/clock";
import { CaseNotFound } from "../ports/errors";

export interface NoteInput {
  text: string;
}

export function makeAddNote(deps: { cases: CaseStore; clock: Clock }) {
  return async (tenantId: string, caseId: string, input: NoteInput): Promise<TimelineEntry> => {
    if (!(await deps.cases.get(tenantId, caseId))) throw new CaseNotFound(caseId);
    const at = deps.clock.now().toISOString();
    const entry: TimelineEntry = { at, kind: "note", title: "Note from the creditor", details: { text: input.text } };
    await deps.cases.update(tenantId, caseId, (current) => ({
      ...current,
      timeline: [...current.timeline, entry],
      updatedAt: at,
    }));
    return entry;
  };
}
