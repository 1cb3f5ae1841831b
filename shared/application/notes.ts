/** Free-text notes on a case's timeline, from the creditor. Notes may hold personal data: stored, never logged. */
import type { CaseStore, TimelineEntry } from "../ports/case-store";
import type { Clock } from "../ports/clock";
import { CaseNotFound } from "../ports/errors";
import { byStaff, type StaffActor } from "./portal/staff-actor";

export interface NoteInput {
  text: string;
  /** Set when a staff user wrote it in the portal (issue 16): named on the timeline entry. */
  actor?: StaffActor;
}

export function makeAddNote(deps: { cases: CaseStore; clock: Clock }) {
  return async (tenantId: string, caseId: string, input: NoteInput): Promise<TimelineEntry> => {
    if (!(await deps.cases.get(tenantId, caseId))) throw new CaseNotFound(caseId);
    const at = deps.clock.now().toISOString();
    const entry: TimelineEntry = input.actor
      ? {
          at,
          kind: "note",
          title: `Note${byStaff(input.actor)}`,
          details: { text: input.text, actor: input.actor, via: "portal" },
        }
      : { at, kind: "note", title: "Note from the creditor", details: { text: input.text } };
    await deps.cases.update(tenantId, caseId, (current) => ({
      ...current,
      timeline: [...current.timeline, entry],
      updatedAt: at,
    }));
    return entry;
  };
}
