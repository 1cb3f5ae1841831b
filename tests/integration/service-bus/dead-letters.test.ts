/**
 * The operators' dead-letter adapter through the real Service Bus SDK against the local broker: a message dead-lettered
 * with a reason is listed (peeked, nothing removed), and a replay sends it back to its queue — same id and body — and
 * empties the dead-letter queue; an unknown sequence number replays nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ServiceBusDeadLetters } from "../../../shared/adapters/service-bus/dead-letters.service-bus";
import { type Harness, startHarness } from "./harness";

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h?.close();
});

describe("dead letters for operators", () => {
  it("lists a dead letter with its reason, replays it to its queue once, and finds nothing for an unknown number", async () => {
    const sender = h.client.createSender("plain");
    await sender.sendMessages([
      { messageId: "keep", body: { n: 1 } },
      { messageId: "dead-1", body: { kind: "payment", n: 2 }, subject: "payment" },
    ]);
    const receiver = h.client.createReceiver("plain");
    const received = await receiver.receiveMessages(2, { maxWaitTimeInMs: 2_000 });
    for (const m of received) {
      if (m.messageId === "dead-1")
        await receiver.deadLetterMessage(m, { deadLetterReason: "ProviderDown", deadLetterErrorDescription: "503" });
      else await receiver.completeMessage(m);
    }

    const deadLetters = new ServiceBusDeadLetters(h.client);
    const listed = await deadLetters.list("plain", 10);
    expect(listed).toEqual([
      expect.objectContaining({
        queue: "plain",
        messageId: "dead-1",
        subject: "payment",
        reason: "ProviderDown",
        description: "503",
        body: { kind: "payment", n: 2 },
      }),
    ]);
    expect(await deadLetters.list("plain", 10)).toHaveLength(1); // listing removes nothing

    expect(await deadLetters.replay("plain", "999999")).toBe(false);
    expect(await deadLetters.list("plain", 10)).toHaveLength(1);
    expect(await deadLetters.replay("plain", listed[0]!.sequenceNumber)).toBe(true);
    expect(await deadLetters.list("plain", 10)).toEqual([]);
    const [back] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 2_000 });
    expect(back).toMatchObject({ messageId: "dead-1", body: { kind: "payment", n: 2 } });
    expect(back?.applicationProperties?.["replayedFromDeadLetter"]).toBe(true);
    await receiver.completeMessage(back!);
    await receiver.close();
    await sender.close();
  });
});
