import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "./harness";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const HOUR = 60 * 60_000;

describe("local Service Bus broker: persistence across restarts", () => {
  it("keeps queued, scheduled, deferred and dead-lettered messages, session state and duplicate detection across a restart", async () => {
    const sender = h.client.createSender("orders");
    await sender.sendMessages([
      { body: { n: 1 }, messageId: "keep-1", applicationProperties: { tenant: "t1" } },
      { body: { n: 2 }, messageId: "keep-2" },
      { body: "to defer", messageId: "keep-deferred" },
      { body: "to dead-letter", messageId: "keep-dead" },
    ]);
    const [seqScheduled] = await sender.scheduleMessages(
      { body: "scheduled", messageId: "keep-scheduled" },
      new Date(h.clock.now() + HOUR),
    );
    expect(seqScheduled).toBeDefined();

    const receiver = h.client.createReceiver("orders");
    const locked = [];
    while (locked.length < 4)
      locked.push(...(await receiver.receiveMessages(4 - locked.length, { maxWaitTimeInMs: 5_000 })));
    const byId = Object.fromEntries(locked.map((m) => [String(m.messageId), m]));
    await receiver.abandonMessage(byId["keep-1"]!);
    await receiver.abandonMessage(byId["keep-2"]!);
    await receiver.deferMessage(byId["keep-deferred"]!);
    await receiver.deadLetterMessage(byId["keep-dead"]!, {
      deadLetterReason: "Kept",
      deadLetterErrorDescription: "for the restart test",
    });
    const deferredSeq = byId["keep-deferred"]!.sequenceNumber!;

    const sessions = h.client.createSender("ordered");
    await sessions.sendMessages({ body: "S1", sessionId: "svc" });
    const sr = await h.client.acceptSession("ordered", "svc");
    await sr.setSessionState("checkpoint-7");
    await sr.close();

    await h.restart();
    expect(existsSync(join(h.dataDir, "service-bus", "state.json"))).toBe(true);

    const r2 = h.client.createReceiver("orders");
    const back = [];
    while (back.length < 2) back.push(...(await r2.receiveMessages(2 - back.length, { maxWaitTimeInMs: 5_000 })));
    expect(back.map((m) => m.messageId)).toEqual(["keep-1", "keep-2"]);
    expect(back[0]!.body).toEqual({ n: 1 });
    expect(back[0]!.applicationProperties).toEqual({ tenant: "t1" });
    expect(back[0]!.deliveryCount).toBe(1);
    for (const m of back) await r2.completeMessage(m);

    const [deferred] = await r2.receiveDeferredMessages(deferredSeq);
    expect(deferred?.messageId).toBe("keep-deferred");
    await r2.completeMessage(deferred!);

    const dlq = h.client.createReceiver("orders", { subQueueType: "deadLetter" });
    const [dead] = await dlq.receiveMessages(1, { maxWaitTimeInMs: 5_000 });
    expect(dead?.messageId).toBe("keep-dead");
    expect(dead?.deadLetterReason).toBe("Kept");
    await dlq.completeMessage(dead!);

    const s2 = await h.client.acceptSession("ordered", "svc");
    expect(await s2.getSessionState()).toBe("checkpoint-7");
    const [s1] = await s2.receiveMessages(1, { maxWaitTimeInMs: 5_000 });
    expect(s1?.body).toBe("S1");
    await s2.completeMessage(s1!);
    await s2.close();

    const sender2 = h.client.createSender("orders");
    await sender2.sendMessages({ body: "duplicate after restart", messageId: "keep-1" });
    expect(await r2.receiveMessages(1, { maxWaitTimeInMs: 300 })).toEqual([]);

    await h.clock.advanceBy(HOUR);
    const [scheduled] = await r2.receiveMessages(1, { maxWaitTimeInMs: 5_000 });
    expect(scheduled?.messageId).toBe("keep-scheduled");
    expect(scheduled?.sequenceNumber?.toNumber()).toBe(seqScheduled!.toNumber());
    await r2.completeMessage(scheduled!);

    const [again] = await sender2.scheduleMessages({ body: "new after restart" }, new Date(h.clock.now() + HOUR));
    expect(again!.toNumber()).toBeGreaterThan(seqScheduled!.toNumber());
    await sender2.cancelScheduledMessages(again!);

    await dlq.close();
    await r2.close();
    await sender2.close();
  });
});
