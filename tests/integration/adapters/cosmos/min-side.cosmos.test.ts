/**
 * Min side's stores on the Cosmos DB stand-in: sessions in `min-side-sessions` (point reads and writes by the id's
 * hash, deleted on sign-out, with their own ttl) and a person's cases across creditors by national id.
 */
import type { Database } from "@azure/cosmos";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CosmosCaseStore } from "../../../../shared/adapters/cosmos/case-store.cosmos";
import { CosmosMinSideSessionStore } from "../../../../shared/adapters/cosmos/min-side-session-store.cosmos";
import { makeMinSideSessions, MINSIDE_COOKIE } from "../../../../shared/application/min-side/sessions";
import { seededRandom } from "../../../support/random";
import { aCaseRecord, CosmosHarness } from "./store-fixtures";

const harness = new CosmosHarness();
let database: Database;

beforeAll(async () => {
  await harness.start();
  database = await harness.database();
});
afterAll(() => harness.stop());

describe("Min side on Cosmos DB", () => {
  it("keeps a session by its hashed id with a ttl, resolves it, and deletes it on sign-out", async () => {
    const store = new CosmosMinSideSessionStore({ database });
    const sessions = makeMinSideSessions(
      { sessions: store, clock: { now: () => new Date("2026-11-02T10:00:00Z") }, random: seededRandom(3) },
      { secret: "a-session-secret-of-at-least-32-characters", idleSeconds: 900, absoluteSeconds: 14_400 },
    );
    const { cookie, session } = await sessions.start({ kind: "person", nationalId: "12038512356" }, "nb");
    const request = { headers: { get: (n: string) => (n === "cookie" ? `${MINSIDE_COOKIE}=${cookie.value}` : null) } };
    expect((await sessions.resolve(request))?.csrfToken).toBe(session.csrfToken);
    const items = (await database.container("min-side-sessions").items.readAll().fetchAll()).resources;
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ type: "session", ttl: 960 });
    expect(items[0]!.id).not.toBe(cookie.value.split(".")[0]);
    await sessions.end(request);
    expect(await sessions.resolve(request)).toBeUndefined();
  });

  it("lists a person's cases across creditors by national id, newest first, and nobody else's", async () => {
    const cases = new CosmosCaseStore({ database });
    const withId = (tenantId: string, n: string, nationalId: string | undefined, createdAt: string) => {
      const r = aCaseRecord(tenantId, n, { createdAt, kid: `55${n.replace(/\D/gu, "")}1` });
      return { ...r, customer: { ...r.customer, ...(nationalId ? { nationalId } : {}) } };
    };
    await cases.create(withId("t_a", "P-1", "12038512356", "2026-10-01T00:00:00.000Z"));
    await cases.create(withId("t_b", "P-2", "12038512356", "2026-10-02T00:00:00.000Z"));
    await cases.create(withId("t_a", "P-3", "23079112305", "2026-10-03T00:00:00.000Z"));
    await cases.create(withId("t_a", "P-4", undefined, "2026-10-04T00:00:00.000Z"));
    const found = await cases.listByNationalId("12038512356", 10);
    expect(found.map((r) => r.invoiceNumber)).toEqual(["P-2", "P-1"]);
    expect(await cases.listByNationalId("05056712358", 10)).toEqual([]);
  });
});
