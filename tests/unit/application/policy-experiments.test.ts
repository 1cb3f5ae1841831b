/** `PUT /api/v1/policy`'s use case with A/B experiments: validated with the ladder, and fixed once started. */
import { describe, expect, it } from "vitest";
import { makeGetPolicy, makePutPolicy, UnlawfulPolicy } from "../../../shared/application/policy";
import { defaultPolicy, type LadderPolicy } from "../../../shared/domain/policy";
import { seedTenant, testWorld } from "../functions/api/api-fixtures";

const B_TEXT = "Hei! {creditor} minner om {amount}. Betal her: {link}";

function withExperiment(overrides: Record<string, unknown> = {}): LadderPolicy {
  return {
    ...defaultPolicy("NO", "Fjordnett"),
    experiments: [
      {
        id: "lets-pay-tone",
        step: "lets-pay-sms",
        startsOn: "2026-11-10",
        split: { A: 50, B: 50 },
        variants: { A: { sendAt: "09:00" }, B: { text: B_TEXT, sendAt: "17:00" } },
        ...overrides,
      },
    ],
  };
}

async function rejection(p: Promise<unknown>): Promise<UnlawfulPolicy> {
  const error = await p.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(UnlawfulPolicy);
  return error as UnlawfulPolicy;
}

describe("a ladder policy with an A/B experiment", () => {
  it("is stored and read back with its experiment", async () => {
    const world = testWorld({ now: "2026-11-02T10:00:00Z" });
    const { tenantId } = await seedTenant(world);
    await makePutPolicy(world.deps)(tenantId, withExperiment());
    const view = await makeGetPolicy(world.deps)(tenantId);
    expect(view.policy.experiments).toEqual(withExperiment().experiments);
  });

  it("is refused as UNLAWFUL_POLICY naming the experiment and variant when a text drops the pay link", async () => {
    const world = testWorld();
    const { tenantId } = await seedTenant(world);
    const error = await rejection(
      makePutPolicy(world.deps)(
        tenantId,
        withExperiment({ variants: { A: {}, B: { text: "{creditor}: betal {amount} i dag" } } }),
      ),
    );
    expect(error.code).toBe("UNLAWFUL_POLICY");
    expect(error.problems).toEqual([
      expect.objectContaining({
        step: null,
        experiment: { id: "lets-pay-tone", variant: "B" },
        reason: expect.stringContaining("must contain {link}"),
      }),
    ]);
  });

  it("keeps a started experiment's split and variants: changing them is refused, ending it is not", async () => {
    const world = testWorld({ now: "2026-11-02T10:00:00Z" });
    const { tenantId } = await seedTenant(world);
    const put = makePutPolicy(world.deps);
    await put(tenantId, withExperiment());
    // before it starts it may still change
    await put(tenantId, withExperiment({ split: { A: 30, B: 70 } }));
    world.clock.set("2026-11-12T10:00:00Z");
    const error = await rejection(put(tenantId, withExperiment({ split: { A: 50, B: 50 } })));
    expect(error.problems).toEqual([
      expect.objectContaining({
        experiment: { id: "lets-pay-tone" },
        reason: expect.stringContaining("its split can no longer change"),
      }),
    ]);
    await put(tenantId, withExperiment({ split: { A: 30, B: 70 }, endsOn: "2026-11-30" }));
    expect((await makeGetPolicy(world.deps)(tenantId)).policy.experiments?.[0]?.endsOn).toBe("2026-11-30");
  });
});
