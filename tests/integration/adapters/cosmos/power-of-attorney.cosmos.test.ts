/**
 * Powers of attorney on the Cosmos DB stand-in (container `powers-of-attorney`, partition key /granteeRef): a
 * grantee's grants are found by the HMAC of their national id, a grantor's by theirs, a revocation replaces the
 * document, and the grantee's national id is nowhere in what is stored.
 */
import type { Database } from "@azure/cosmos";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CosmosPowerOfAttorneyStore } from "../../../../shared/adapters/cosmos/power-of-attorney-store.cosmos";
import { personRef } from "../../../../shared/application/min-side/power-of-attorney";
import type { StoredPowerOfAttorney } from "../../../../shared/ports/power-of-attorney-store";
import { CosmosHarness } from "./store-fixtures";

const harness = new CosmosHarness();
let database: Database;
const SECRET = "a-session-secret-of-at-least-32-characters";
const KARI = "12038512356";
const OLA = "23079112305";
const PER = "05056712358";

beforeAll(async () => {
  await harness.start();
  database = await harness.database();
});
afterAll(() => harness.stop());

const aGrant = (id: string, grantee: string, grantor = KARI): StoredPowerOfAttorney => ({
  schemaVersion: 1,
  id,
  granteeRef: personRef(SECRET, grantee),
  grantorRef: personRef(SECRET, grantor),
  grantorNationalId: grantor,
  grantorName: "Kari Nordmann",
  granteeName: "Someone",
  scope: "read",
  cases: [{ tenantId: "t_a", caseId: "c_1" }],
  validFrom: "2026-11-02",
  validUntil: "2027-01-31",
  createdAt: "2026-11-02T10:00:00.000Z",
  updatedAt: "2026-11-02T10:00:00.000Z",
});

describe("powers of attorney on Cosmos DB", () => {
  it("finds a grantee's grants and a grantor's by their HMACs, and keeps a revocation", async () => {
    const store = new CosmosPowerOfAttorneyStore({ database });
    await store.put(aGrant("poa-000000000000000000000001", OLA));
    await store.put(aGrant("poa-000000000000000000000002", PER));
    await store.put(aGrant("poa-000000000000000000000003", OLA, PER));
    expect((await store.listByGrantee(personRef(SECRET, OLA))).map((g) => g.id).sort()).toEqual([
      "poa-000000000000000000000001",
      "poa-000000000000000000000003",
    ]);
    expect((await store.listByGrantor(personRef(SECRET, KARI))).map((g) => g.id).sort()).toEqual([
      "poa-000000000000000000000001",
      "poa-000000000000000000000002",
    ]);
    await store.put({ ...aGrant("poa-000000000000000000000001", OLA), revokedAt: "2026-11-03T08:00:00.000Z" });
    const [revoked] = (await store.listByGrantee(personRef(SECRET, OLA))).filter((g) => g.grantorNationalId === KARI);
    expect(revoked?.revokedAt).toBe("2026-11-03T08:00:00.000Z");
    const raw = (await database.container("powers-of-attorney").items.readAll().fetchAll()).resources;
    expect(raw).toHaveLength(3);
    expect(JSON.stringify(raw)).not.toContain(OLA);
  });
});
