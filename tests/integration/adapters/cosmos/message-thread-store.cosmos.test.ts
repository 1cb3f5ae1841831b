/**
 * Min side's message threads on the Cosmos DB stand-in (`message-threads`): one document per case by its id, written
 * with If-Match — two writers that read the same version both get their message in (the second reads again) — and
 * another creditor asking for the same case id sees nothing.
 */
import type { Database } from "@azure/cosmos";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CosmosMessageThreadStore } from "../../../../shared/adapters/cosmos/message-thread-store.cosmos";
import { emptyThread, type MessageThread } from "../../../../shared/ports/message-thread-store";
import { CosmosHarness } from "./store-fixtures";

const harness = new CosmosHarness();
let database: Database;

beforeAll(async () => {
  await harness.start();
  database = await harness.database();
});
afterAll(() => harness.stop());

const AT = "2026-12-07T10:00:00.000Z";
const withMessage =
  (id: string) =>
  (t: MessageThread | undefined): MessageThread => {
    const thread = t ?? emptyThread("tenant-a", "c_thread1", AT);
    return { ...thread, messages: [...thread.messages, { messageId: id, from: "debtor", text: `text ${id}`, at: AT }] };
  };

describe("message threads on Cosmos DB", () => {
  it("creates a thread, keeps concurrent writers' messages, and answers only its own creditor", async () => {
    const store = new CosmosMessageThreadStore({ database });
    expect(await store.get("tenant-a", "c_thread1")).toBeUndefined();
    await store.update("tenant-a", "c_thread1", withMessage("m1"));
    await Promise.all([
      store.update("tenant-a", "c_thread1", withMessage("m2")),
      store.update("tenant-a", "c_thread1", withMessage("m3")),
    ]);
    const thread = await store.get("tenant-a", "c_thread1");
    expect(thread?.messages.map((m) => m.messageId).sort()).toEqual(["m1", "m2", "m3"]);
    expect(await store.get("tenant-b", "c_thread1")).toBeUndefined();
    const unchanged = await store.update("tenant-a", "c_thread1", (t) => t);
    expect(unchanged?.messages).toHaveLength(3);
  });
});
