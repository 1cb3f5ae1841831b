import { afterEach, describe, expect, it } from "vitest";
import { InvocationContext } from "@azure/functions";
import { appDeps, requestDeps, setAppDepsForTests } from "../../../functions/composition";
import { testWorld } from "./api/api-fixtures";

afterEach(() => setAppDepsForTests(undefined));

describe("the composition root", () => {
  it("hands out the ports set for tests, once", () => {
    const { workflow: _workflow, ...deps } = testWorld().deps;
    setAppDepsForTests(deps);
    expect(appDeps()).toBe(deps);
    expect(appDeps()).toBe(appDeps());
  });

  it("reaches the durable client only when the workflow is used, so spreading the deps is safe", async () => {
    const { workflow: _workflow, ...deps } = testWorld().deps;
    setAppDepsForTests(deps);
    const perRequest = requestDeps(new InvocationContext());
    expect(() => ({ ...perRequest })).not.toThrow();
    // A function without the durable client input cannot start an orchestration: it fails loudly when it tries.
    await expect(perRequest.workflow.start("c_x")).rejects.toThrow();
  });

  it("uses the workflow given for tests", async () => {
    const world = testWorld();
    const { workflow, ...deps } = world.deps;
    setAppDepsForTests(deps, { workflow });
    await requestDeps(new InvocationContext()).workflow.start("c_y");
    expect(world.workflowCalls).toEqual([{ op: "start", caseId: "c_y" }]);
  });
});
