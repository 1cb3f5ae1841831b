import type * as df from "durable-functions";
import { describe, expect, it } from "vitest";
import { DurableCaseWorkflow } from "../../../../shared/adapters/durable/case-workflow.durable";

/** A literal Durable client: statuses by instance id, and the calls made. */
function client(statuses: Record<string, string | Error>, startError?: Error) {
  const calls: string[] = [];
  const fake = {
    getStatus: async (id: string) => {
      const s = statuses[id];
      if (s === undefined)
        throw new Error(`DurableClient error: Durable Functions extension replied with HTTP 404 response. (${id})`);
      if (s instanceof Error) throw s;
      return { runtimeStatus: s };
    },
    startNew: async (name: string, options: { instanceId: string; input: unknown }) => {
      calls.push(`start ${name} ${options.instanceId} ${JSON.stringify(options.input)}`);
      if (startError) throw startError;
      return options.instanceId;
    },
    raiseEvent: async (id: string, event: string, data: unknown) =>
      void calls.push(`raise ${id} ${event} ${JSON.stringify(data)}`),
  };
  return { workflow: new DurableCaseWorkflow(fake as unknown as df.DurableClient), calls };
}

describe("DurableCaseWorkflow", () => {
  it("starts the case's orchestration under the instance id derived from the case id, unless it already runs", async () => {
    const missing = client({});
    await missing.workflow.start("c_1");
    expect(missing.calls).toEqual(['start caseLadder case-c_1 {"caseId":"c_1"}']);
    const running = client({ "case-c_1": "Running" });
    await running.workflow.start("c_1");
    expect(running.calls).toEqual([]);
  });

  it("treats a start refused with 409 as already running, and passes other errors on", async () => {
    await expect(
      client({}, new Error("The operation failed with an unexpected status code: 409. Details: {}")).workflow.start(
        "c_1",
      ),
    ).resolves.toBeUndefined();
    await expect(
      client({}, new Error("The operation failed with an unexpected status code: 500.")).workflow.start("c_1"),
    ).rejects.toThrow("500");
  });

  it("raises CaseChanged to a running orchestration and starts a finished one again", async () => {
    const { workflow, calls } = client({ "case-c_1": "Running", "case-c_2": "Completed" });
    await workflow.caseChanged("c_1", "payment");
    await workflow.caseChanged("c_2", "resume");
    expect(calls).toEqual([
      'raise case-c_1 CaseChanged {"reason":"payment"}',
      'start caseLadder case-c_2 {"caseId":"c_2"}',
    ]);
  });

  it("tells a running orchestration that a change closed its case, and starts none for a closed case", async () => {
    const { workflow, calls } = client({ "case-c_1": "Running", "case-c_2": "Completed" });
    await workflow.caseChanged("c_1", "payment", { closed: true });
    await workflow.caseChanged("c_2", "payment", { closed: true });
    await workflow.caseChanged("c_3", "cancellation", { closed: true });
    expect(calls).toEqual(['raise case-c_1 CaseChanged {"reason":"payment","closed":true}']);
  });

  it("maps runtime statuses, reports an unknown instance as missing and other errors as errors", async () => {
    const { workflow } = client({
      "case-a": "Pending",
      "case-b": "Completed",
      "case-c": "Failed",
      "case-d": "Terminated",
      "case-e": new Error("The operation failed with an unexpected status code: 500."),
    });
    expect(await Promise.all(["a", "b", "c", "d", "x"].map((id) => workflow.state(id)))).toEqual([
      "running",
      "completed",
      "failed",
      "terminated",
      "missing",
    ]);
    await expect(workflow.state("e")).rejects.toThrow("500");
  });
});
