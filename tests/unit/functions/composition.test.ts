import { InvocationContext } from "@azure/functions";
import { beforeAll, describe, expect, it } from "vitest";
import { installFunctionsCore } from "../../../devhost/functions-core";
import { forInvocation } from "../../../functions/deps";
import { testWorld } from "./api/api-fixtures";

let root: typeof import("../../../functions/index");

beforeAll(async () => {
  installFunctionsCore();
  root = await import("../../../functions/index");
});

describe("the composition root", () => {
  it("hands every area the ports it was configured with, built once", () => {
    const { deps } = testWorld();
    root.configureApp({ deps });
    expect(root.rootDeps()).toBe(deps);
    expect(root.rootDeps()).toBe(root.rootDeps());
  });

  it("reads time from the clock a host gives it instead of the system clock", () => {
    const at = new Date("2031-02-03T04:05:06Z");
    const { deps } = testWorld();
    root.configureApp({ deps: { ...deps, clock: { now: () => at } } });
    expect(root.rootDeps().clock.now().toISOString()).toBe("2031-02-03T04:05:06.000Z");
  });
});

describe("the deps of one invocation", () => {
  it("reach the durable client only when the workflow is used, so spreading the deps is safe", async () => {
    const { deps } = testWorld();
    const perRequest = forInvocation(
      {
        ...deps,
        workflowFor: () => {
          throw new Error("no durable client input");
        },
      },
      new InvocationContext(),
    );
    expect(() => ({ ...perRequest })).not.toThrow();
    // A function without the durable client input cannot start an orchestration: it fails loudly when it tries.
    await expect(perRequest.workflow.start("c_x")).rejects.toThrow();
  });

  it("use the workflow bound to the invocation", async () => {
    const world = testWorld();
    await forInvocation(world.deps, new InvocationContext()).workflow.start("c_y");
    expect(world.workflowCalls).toEqual([{ op: "start", caseId: "c_y" }]);
  });
});
