import { afterEach, describe, expect, it } from "vitest";
import { InvocationContext } from "@azure/functions";
import { appDeps, letterheadFrom, requestDeps, setAppDepsForTests } from "../../../functions/composition";
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

describe("the letterhead setting", () => {
  const base = testWorld().deps.settings;
  const valid = { address: { lines: ["Postboks 1"], postalCode: "0101", city: "Oslo" }, accountNumber: "12345678903", contact: { email: "post@example.test" } };

  it("is absent when LETTERHEAD is not set", () => {
    expect(letterheadFrom(base)).toBeUndefined();
  });

  it("parses the JSON value", () => {
    expect(letterheadFrom({ ...base, LETTERHEAD: JSON.stringify(valid) } as typeof base)).toEqual(valid);
  });

  it("fails naming the setting and the bad member, never echoing the value", () => {
    const bad = JSON.stringify({ ...valid, accountNumber: "12345678900" });
    expect(() => letterheadFrom({ ...base, LETTERHEAD: bad } as typeof base)).toThrow(/LETTERHEAD: accountNumber/);
    expect(() => letterheadFrom({ ...base, LETTERHEAD: "{nope" } as typeof base)).toThrow(/^Invalid settings: LETTERHEAD is not valid JSON$/);
  });
});
