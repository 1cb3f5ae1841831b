/**
 * CaseWorkflow on Durable Functions: one orchestration instance per case, its id derived from the case id
 * (`instanceIdFor`), so every client that knows the case id reaches the same instance.
 *
 * - `start`: starts the case's orchestration unless it is already pending or running (a finished instance — completed,
 *   failed, terminated — is replaced by a fresh one, as the extension does for a non-running instance id). A start
 *   racing another start loses with HTTP 409, which is "already running": ignored.
 * - `caseChanged`: raises `CaseChanged` to a running instance; a case whose orchestration is not running (finished,
 *   failed, missing) gets it started instead, so a change after the ladder ended (a deferral, a resumed hold) is planned
 *   — unless the change closed the case (paid, cancelled): then there is nothing to plan, and a running instance is
 *   told so in the event (`closed`) and ends without reading the case.
 * - `state`: the instance's runtime status; an unknown instance (HTTP 404) is "missing". Other errors are thrown: the
 *   caller cannot know the state (the healer counts them and tries again on its next run).
 *
 * The client comes from the invocation (`df.getClient(context)` in a function with the durable client input).
 */
import type * as df from "durable-functions";
import type {
  CaseChange,
  CaseChangedEventData,
  CaseWorkflow,
  FirstPlan,
  WorkflowState,
} from "../../ports/case-workflow";
import {
  CASE_CHANGED_EVENT,
  CASE_ORCHESTRATION,
  instanceIdFor,
  type CaseOrchestrationInput,
} from "../../ports/case-workflow";

export class DurableCaseWorkflow implements CaseWorkflow {
  constructor(private readonly client: df.DurableClient) {}

  async start(caseId: string, planned?: FirstPlan): Promise<void> {
    if ((await this.state(caseId)) === "running") return;
    const input: CaseOrchestrationInput = planned === undefined ? { caseId } : { caseId, planned };
    try {
      await this.client.startNew(CASE_ORCHESTRATION, { instanceId: instanceIdFor(caseId), input });
    } catch (err) {
      if (isConflict(err)) return; // started meanwhile by someone else: already running
      throw err;
    }
  }

  async caseChanged(caseId: string, reason: string, change?: CaseChange): Promise<void> {
    const closed = change?.closed === true;
    if ((await this.state(caseId)) !== "running") {
      // A closed case has nothing left to plan: no orchestration to start for it.
      if (!closed) await this.start(caseId);
      return;
    }
    const data: CaseChangedEventData = closed ? { reason, closed } : { reason };
    await this.client.raiseEvent(instanceIdFor(caseId), CASE_CHANGED_EVENT, data);
  }

  async state(caseId: string): Promise<WorkflowState> {
    let status: df.DurableOrchestrationStatus;
    try {
      status = await this.client.getStatus(instanceIdFor(caseId));
    } catch (err) {
      if (isNotFound(err)) return "missing";
      throw err;
    }
    return stateOf(status.runtimeStatus);
  }
}

export function stateOf(status: df.OrchestrationRuntimeStatus | string | undefined): WorkflowState {
  switch (status) {
    case "Running":
    case "Pending":
    case "ContinuedAsNew":
    case "Suspended":
      return "running";
    case "Completed":
      return "completed";
    case "Failed":
      return "failed";
    case "Terminated":
    case "Canceled":
      return "terminated";
    default:
      return "missing";
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The SDK reports an unknown instance as "…HTTP 404 response…" (getStatus). */
function isNotFound(err: unknown): boolean {
  return /\b404\b/u.test(messageOf(err));
}

/** The SDK reports a refused start as "…unexpected status code: 409…". */
function isConflict(err: unknown): boolean {
  return /\b409\b/u.test(messageOf(err));
}
