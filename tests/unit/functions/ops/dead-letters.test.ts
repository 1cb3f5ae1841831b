import { readFileSync } from "node:fs";
import { join } from "node:path";
import { HttpRequest } from "@azure/functions";
import { describe, expect, it } from "vitest";
import { makeDeadLetterFunctions } from "../../../../functions/ops/http-ops-dead-letters";
import { DEAD_LETTER_QUEUES } from "../../../../functions/ops/names";
import { MemoryDeadLetters } from "../../../../shared/adapters/memory/dead-letters.memory";
import { read } from "../../http/http-fixtures";
import { OPERATOR_KEY, context } from "../api/api-fixtures";

function world() {
  const deadLetters = new MemoryDeadLetters();
  deadLetters.add({
    queue: "payments",
    sequenceNumber: "42",
    messageId: "vipps:pfu-1:AUTHORIZED",
    sessionId: null,
    subject: null,
    enqueuedAt: "2026-12-07T08:00:00.000Z",
    deliveryCount: 10,
    reason: "MaxDeliveryCountExceeded",
    description: "Message could not be consumed after 10 delivery attempts.",
    body: { kind: "provider-event" },
  });
  const fns = makeDeadLetterFunctions(() => ({ deadLetters, operatorApiKey: OPERATOR_KEY }));
  const request = (method: string, path: string, params: Record<string, string>, key = OPERATOR_KEY) =>
    new HttpRequest({
      method,
      url: `http://localhost/api/v1/ops/dead-letters/${path}`,
      headers: { "x-api-key": key },
      params,
    });
  return { deadLetters, fns, request };
}

describe("dead letters for operators", () => {
  it("covers exactly the app's queues (infra-bicep/service-bus-entities.json)", () => {
    const entities = JSON.parse(
      readFileSync(join(__dirname, "../../../../infra-bicep/service-bus-entities.json"), "utf8"),
    ) as { queues: Array<{ name: string }> };
    expect([...DEAD_LETTER_QUEUES].sort()).toEqual(entities.queues.map((q) => q.name).sort());
  });

  it("lists a queue's dead letters with the reason, and replays one back to its queue once", async () => {
    const { deadLetters, fns, request } = world();
    const listed = await read(await fns.list(request("GET", "payments", { queue: "payments" }), context()));
    expect(listed.status).toBe(200);
    expect(listed.json.items).toEqual([
      expect.objectContaining({ sequenceNumber: "42", reason: "MaxDeliveryCountExceeded", deliveryCount: 10 }),
    ]);
    const replay = (n: string) =>
      fns.replay(request("POST", `payments/${n}/replay`, { queue: "payments", sequenceNumber: n }), context());
    expect((await read(await replay("42"))).json).toEqual({ replayed: true });
    expect(deadLetters.replayed.map((l) => l.sequenceNumber)).toEqual(["42"]);
    const again = await read(await replay("42"));
    expect(again.status).toBe(404);
    expect(again.headers.get("content-type")).toContain("application/problem+json");
  });

  it("answers 401 without the operator key and 404 for a queue the app does not have", async () => {
    const { fns, request } = world();
    expect(
      (await read(await fns.list(request("GET", "payments", { queue: "payments" }, "nope"), context()))).status,
    ).toBe(401);
    expect((await read(await fns.list(request("GET", "orders", { queue: "orders" }), context()))).status).toBe(404);
    const bad = await read(
      await fns.replay(request("POST", "payments/x/replay", { queue: "payments", sequenceNumber: "x" }), context()),
    );
    expect(bad.status).toBe(400);
  });
});
