/**
 * Heal orchestrations: every active case (open, on-hold, disputed) should have a running orchestration. Finds those
 * whose orchestration is missing, failed or terminated and starts it again (the orchestration re-plans from the
 * stored case, so nothing is lost or done twice). A completed orchestration of an active case is left alone: the
 * ladder ran to its end, and a later change to the case starts it again.
 *
 * Returns counts only — no case ids, no personal data — so the caller may log them as they are.
 */
import type { CaseStore } from "../ports/case-store";
import type { CaseWorkflow, WorkflowState } from "../ports/case-workflow";

export interface HealOrchestrationsDeps {
  cases: Pick<CaseStore, "listActiveCaseIds">;
  workflow: CaseWorkflow;
  /** Page size when walking the active cases (default 100). */
  pageSize?: number;
}

export interface HealReport {
  /** Active cases looked at. */
  checked: number;
  /** Of those, cases whose orchestration was missing, failed or terminated. */
  found: number;
  /** Of those, orchestrations started again. */
  restarted: number;
  /** Restarts (or state reads) that threw; they are tried again on the next run. */
  errors: number;
  byState: Partial<Record<WorkflowState, number>>;
}

const NEEDS_RESTART: ReadonlySet<WorkflowState> = new Set(["missing", "failed", "terminated"]);

export function makeHealOrchestrations(deps: HealOrchestrationsDeps): () => Promise<HealReport> {
  const limit = deps.pageSize ?? 100;
  return async () => {
    const report: HealReport = { checked: 0, found: 0, restarted: 0, errors: 0, byState: {} };
    let continuationToken: string | undefined;
    do {
      const page = await deps.cases.listActiveCaseIds({ limit, ...(continuationToken ? { continuationToken } : {}) });
      for (const caseId of page.items) {
        report.checked += 1;
        try {
          const state = await deps.workflow.state(caseId);
          report.byState[state] = (report.byState[state] ?? 0) + 1;
          if (!NEEDS_RESTART.has(state)) continue;
          report.found += 1;
          await deps.workflow.start(caseId);
          report.restarted += 1;
        } catch {
          report.errors += 1;
        }
      }
      continuationToken = page.continuationToken;
    } while (continuationToken);
    return report;
  };
}
