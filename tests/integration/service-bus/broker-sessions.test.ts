import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ServiceBusClient, type ServiceBusSessionReceiver } from "@azure/service-bus";
import { type Harness, startHarness } from "./harness";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

async function receiveAll(r: ServiceBusSessionReceiver, count: number): Promise<string[]> {
  const bodies: string[] = [];
  while (bodies.length < count) {
    const ms = await r.receiveMessages(count - bodies.length, { maxWaitTimeInMs: 5_000 });
    if (ms.length === 0) break;
    for (const m of ms) {
      bodies.push(String(m.body));
      await r.completeMessage(m);
    }
  }
  return bodies;
}

describe("local Service Bus broker: sessions", () => {
  it("delivers each session's messages in order when two sessions are interleaved", async () => {
    const sender = h.client.createSender("ordered");
    const interleaved = [];
    for (let i = 1; i <= 4; i++) {
      interleaved.push({ body: `A${i}`, sessionId: "service-A" });
      interleaved.push({ body: `B${i}`, sessionId: "service-B" });
    }
    for (const m of interleaved) await sender.sendMessages(m);

    const b = await h.client.acceptSession("ordered", "service-B");
    expect(b.sessionId).toBe("service-B");
    expect(await receiveAll(b, 4)).toEqual(["B1", "B2", "B3", "B4"]);
    const a = await h.client.acceptSession("ordered", "service-A");
    expect(await receiveAll(a, 4)).toEqual(["A1", "A2", "A3", "A4"]);
    await a.close();
    await b.close();
    await sender.close();
  });

  it("gives acceptNextSession a session that has messages and keeps an abandoned message first in its session", async () => {
    const sender = h.client.createSender("ordered");
    await sender.sendMessages([
      { body: "C1", sessionId: "service-C" },
      { body: "C2", sessionId: "service-C" },
    ]);
    const r = await h.client.acceptNextSession("ordered");
    expect(r.sessionId).toBe("service-C");
    const [first] = await r.receiveMessages(1, { maxWaitTimeInMs: 5_000 });
    expect(first?.body).toBe("C1");
    await r.abandonMessage(first!);
    const again = await receiveAll(r, 2);
    expect(again).toEqual(["C1", "C2"]);
    await r.close();
    await sender.close();
  });

  it("lets only one receiver hold a session at a time", async () => {
    const sender = h.client.createSender("ordered");
    await sender.sendMessages({ body: "D1", sessionId: "service-D" });
    const holder = await h.client.acceptSession("ordered", "service-D");
    await expect(h.client.acceptSession("ordered", "service-D")).rejects.toMatchObject({
      code: "SessionCannotBeLocked",
    });
    expect(await receiveAll(holder, 1)).toEqual(["D1"]);
    await holder.close();
    const next = await h.client.acceptSession("ordered", "service-D");
    await next.close();
    await sender.close();
  });

  it("waits in acceptNextSession until a session with messages arrives", async () => {
    const pending = h.client.acceptNextSession("ordered");
    const sender = h.client.createSender("ordered");
    await sender.sendMessages({ body: "E1", sessionId: "service-E" });
    const r = await pending;
    expect(r.sessionId).toBe("service-E");
    expect(await receiveAll(r, 1)).toEqual(["E1"]);
    await r.close();
    await sender.close();
  });

  it("gives up acceptNextSession with ServiceTimeout when no session arrives within the client's timeout", async () => {
    const impatient = new ServiceBusClient(h.connectionString, { retryOptions: { timeoutInMs: 1_500, maxRetries: 0 } });
    await expect(impatient.acceptNextSession("ordered")).rejects.toMatchObject({ code: "ServiceTimeout" });
    expect(h.tracker.pending).toBe(0);
    await impatient.close();
  });

  it("stores session state and renews the session lock", async () => {
    const sender = h.client.createSender("ordered");
    await sender.sendMessages({ body: "F1", sessionId: "service-F" });
    const r = await h.client.acceptSession("ordered", "service-F");
    expect(await r.getSessionState()).toBeFalsy();
    await r.setSessionState({ lastApplied: 41 });
    expect(await r.getSessionState()).toEqual({ lastApplied: 41 });
    const before = r.sessionLockedUntilUtc.getTime();
    const renewed = await r.renewSessionLock();
    expect(renewed.getTime()).toBeGreaterThanOrEqual(before);
    expect(await receiveAll(r, 1)).toEqual(["F1"]);
    await r.close();
    await sender.close();
  });

  it("peeks a session's messages only", async () => {
    const sender = h.client.createSender("ordered");
    await sender.sendMessages([
      { body: "G1", sessionId: "service-G" },
      { body: "H1", sessionId: "service-H" },
    ]);
    const g = await h.client.acceptSession("ordered", "service-G");
    expect((await g.peekMessages(10)).map((m) => m.body)).toEqual(["G1"]);
    expect(await receiveAll(g, 1)).toEqual(["G1"]);
    await g.close();
    const hr = await h.client.acceptSession("ordered", "service-H");
    expect(await receiveAll(hr, 1)).toEqual(["H1"]);
    await hr.close();
    await sender.close();
  });
});
