/**
 * One contract for both store families: every test runs against the in-memory stores (what use-case unit tests
 * use) and against the Cosmos DB stores on the local stand-in, so the two behave — and fail — the same way.
 */
import { createHash } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { caseIdFor } from "../../../../shared/domain/case-id";
import { defaultPolicy } from "../../../../shared/domain/policy";
import type { CaseRecord } from "../../../../shared/ports/case-store";
import { caseEvent } from "../../../../shared/application/case-context";
import { eventMessages, withOutbox } from "../../../../shared/application/outbox";
import {
  IDEMPOTENCY_LOCK_MS,
  IDEMPOTENCY_RETENTION_MS,
  type StoredResponse,
} from "../../../../shared/ports/idempotency-store";
import {
  aCaseRecord,
  aPaymentAttempt,
  aTenant,
  aWebhook,
  CosmosHarness,
  memoryHarness,
  type StoreHarness,
  type Stores,
} from "./store-fixtures";

const harnesses: StoreHarness[] = [memoryHarness, new CosmosHarness()];

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code ?? "no code";
  }
}

async function allPages<T>(
  fetch: (token: string | undefined) => Promise<{ items: T[]; continuationToken?: string }>,
): Promise<T[][]> {
  const pages: T[][] = [];
  let token: string | undefined;
  do {
    const page = await fetch(token);
    pages.push(page.items);
    token = page.continuationToken;
  } while (token !== undefined);
  return pages;
}

const response = (body: string): StoredResponse => ({
  status: 201,
  headers: [["content-type", "application/json"]],
  bodyBase64: Buffer.from(body).toString("base64"),
});

describe.each(harnesses.map((h) => [h.name, h] as const))("%s stores", (_name, harness) => {
  let stores: Stores;

  beforeAll(() => harness.start());
  afterAll(() => harness.stop());
  beforeEach(async () => {
    stores = await harness.fresh();
  });

  describe("case store", () => {
    it("creates a case and reads it back, unchanged, by tenant and by id", async () => {
      const record = aCaseRecord("tenant-a", "INV-1");
      expect(await stores.cases.create(record)).toEqual(record);
      expect(await stores.cases.get("tenant-a", record.caseId)).toEqual(record);
      expect(await stores.cases.getById(record.caseId)).toEqual(record);
      expect(await stores.cases.getById("c_unknown")).toBeUndefined();
    });

    it("treats another tenant's case as not found: undefined on get, CASE_NOT_FOUND on update", async () => {
      const record = aCaseRecord("tenant-a", "INV-1");
      await stores.cases.create(record);
      expect(await stores.cases.get("tenant-b", record.caseId)).toBeUndefined();
      expect(await codeOf(stores.cases.update("tenant-b", record.caseId, (c) => ({ ...c, sentKeys: ["x"] })))).toBe(
        "CASE_NOT_FOUND",
      );
      expect((await stores.cases.get("tenant-a", record.caseId))?.sentKeys).toEqual([]);
    });

    it("answers CASE_NOT_FOUND when updating a case that does not exist", async () => {
      expect(await codeOf(stores.cases.update("tenant-a", caseIdFor("tenant-a", "nope"), (c) => c))).toBe(
        "CASE_NOT_FOUND",
      );
    });

    it("refuses a second case with the same invoice number for the same tenant with DUPLICATE_INVOICE_NUMBER", async () => {
      await stores.cases.create(aCaseRecord("tenant-a", "INV-1"));
      const again = aCaseRecord("tenant-a", "INV-1", { customerId: "someone-else" });
      expect(await codeOf(stores.cases.create(again))).toBe("DUPLICATE_INVOICE_NUMBER");
      expect((await stores.cases.get("tenant-a", again.caseId))?.customerId).toBe("cust-1");
    });

    it("lets two tenants use the same invoice number", async () => {
      await stores.cases.create(aCaseRecord("tenant-a", "INV-1"));
      await stores.cases.create(aCaseRecord("tenant-b", "INV-1"));
      expect(caseIdFor("tenant-a", "INV-1")).not.toBe(caseIdFor("tenant-b", "INV-1"));
      expect((await stores.cases.get("tenant-b", caseIdFor("tenant-b", "INV-1")))?.tenantId).toBe("tenant-b");
    });

    it("lets exactly one of several concurrent creates of the same invoice succeed", async () => {
      const outcomes = await Promise.all(
        Array.from({ length: 5 }, () => codeOf(stores.cases.create(aCaseRecord("tenant-a", "INV-1")))),
      );
      expect(outcomes.filter((o) => o === undefined)).toHaveLength(1);
      expect(outcomes.filter((o) => o === "DUPLICATE_INVOICE_NUMBER")).toHaveLength(4);
    });

    it("refuses a record whose case id is not derived from its tenant and invoice number", async () => {
      const record = { ...aCaseRecord("tenant-a", "INV-1"), caseId: "c_chosen-by-caller" };
      await expect(stores.cases.create(record)).rejects.toThrow(/caseIdFor/);
    });

    it("applies an update and returns the stored case", async () => {
      const record = aCaseRecord("tenant-a", "INV-1");
      await stores.cases.create(record);
      const updated = await stores.cases.update("tenant-a", record.caseId, (c) => ({
        ...c,
        sentKeys: [...c.sentKeys, "step:0:lets-pay-sms"],
        updatedAt: "2025-03-17T09:00:00.000Z",
      }));
      expect(updated.sentKeys).toEqual(["step:0:lets-pay-sms"]);
      expect(await stores.cases.get("tenant-a", record.caseId)).toEqual(updated);
    });

    it("lands all of ten concurrent updates that each append a timeline entry", async () => {
      const record = aCaseRecord("tenant-a", "INV-1");
      await stores.cases.create(record);
      await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          stores.cases.update("tenant-a", record.caseId, async (c) => {
            await new Promise((resolve) => setImmediate(resolve)); // let the others read the same version
            return {
              ...c,
              timeline: [...c.timeline, { at: "2025-03-17T09:00:00.000Z", kind: "note" as const, title: `note ${i}` }],
            };
          }),
        ),
      );
      const stored = await stores.cases.get("tenant-a", record.caseId);
      expect(stored?.timeline).toHaveLength(11);
      expect(new Set(stored?.timeline.map((t) => t.title))).toEqual(
        new Set(["Case created", ...Array.from({ length: 10 }, (_, i) => `note ${i}`)]),
      );
    });

    it("writes outbox entries with the case, keeps them out of every read, and lists them until removed", async () => {
      const record = aCaseRecord("tenant-a", "INV-1");
      const at = new Date("2025-03-17T09:00:00.000Z");
      const created = await stores.cases.create(
        withOutbox(
          record,
          [...eventMessages([caseEvent("case.created", record, "created", at, {})]), { kind: "start-workflow" }],
          at,
        ),
      );
      expect(created.outbox).toHaveLength(2);
      expect(await stores.cases.get("tenant-a", record.caseId)).toEqual(record); // no outbox on a read
      const later = new Date("2025-03-17T09:05:00.000Z");
      const updated = await stores.cases.update("tenant-a", record.caseId, (c) =>
        withOutbox({ ...c, sentKeys: ["x"] }, [{ kind: "case-changed", reason: "payment" }], later),
      );
      expect(updated.outbox?.map((e) => e.message.kind)).toEqual(["case-changed"]);
      expect((await stores.cases.get("tenant-a", record.caseId))?.sentKeys).toEqual(["x"]);
      // The case queries never see an outbox entry.
      expect((await stores.cases.list("tenant-a", {}, { limit: 10 })).items.map((c) => c.caseId)).toEqual([
        record.caseId,
      ]);
      expect((await stores.cases.listActiveCaseIds({ limit: 10 })).items).toEqual([record.caseId]);

      const pending = (await stores.cases.pendingOutbox("2025-03-17T10:00:00.000Z", { limit: 10 })).items;
      expect(pending.map((e) => e.message.kind).sort()).toEqual(["case-changed", "event", "start-workflow"]);
      const event = pending.find((e) => e.message.kind === "event")!;
      expect(event.message).toEqual({ kind: "event", event: caseEvent("case.created", record, "created", at, {}) });
      expect(event).toMatchObject({ caseId: record.caseId, tenantId: "tenant-a", createdAt: at.toISOString() });
      // Only entries written before the given instant.
      expect((await stores.cases.pendingOutbox("2025-03-17T09:01:00.000Z", { limit: 10 })).items).toHaveLength(2);

      await stores.cases.removeOutbox(record.caseId, [event.entryId, "0".repeat(32)]); // an unknown id is no error
      expect((await stores.cases.pendingOutbox("2025-03-17T10:00:00.000Z", { limit: 10 })).items).toHaveLength(2);
      await stores.cases.removeOutbox(
        record.caseId,
        pending.map((e) => e.entryId),
      ); // one gone already
      expect((await stores.cases.pendingOutbox("2025-03-17T10:00:00.000Z", { limit: 10 })).items).toEqual([]);
    });

    it("removes relayed outbox entries of many cases at once; entries gone already or unknown are no error", async () => {
      const at = new Date("2025-03-17T09:00:00.000Z");
      const records = Array.from({ length: 60 }, (_, i) => aCaseRecord("tenant-a", `INV-${i}`));
      for (const record of records) {
        await stores.cases.create(
          withOutbox(
            record,
            [...eventMessages([caseEvent("case.created", record, "created", at, {})]), { kind: "start-workflow" }],
            at,
          ),
        );
      }
      const pending = async () => (await stores.cases.pendingOutbox("2026-01-01T00:00:00.000Z", { limit: 500 })).items;
      const written = await pending();
      expect(written).toHaveLength(120);
      await stores.cases.removeOutbox(records[0]!.caseId, [
        written.find((e) => e.caseId === records[0]!.caseId)!.entryId,
      ]);
      // Every entry of the first 59 cases (one removed before), one of the last case's and one nobody wrote.
      const last = records[59]!.caseId;
      const removals = records.slice(0, 59).map(({ caseId }) => ({
        caseId,
        entryIds: written.filter((e) => e.caseId === caseId).map((e) => e.entryId),
      }));
      const lastEntries = written.filter((e) => e.caseId === last);
      removals.push({ caseId: last, entryIds: [lastEntries[0]!.entryId, "0".repeat(32)] });
      await stores.cases.removeOutboxes(removals);
      expect((await pending()).map((e) => e.entryId)).toEqual([lastEntries[1]!.entryId]);
      await stores.cases.removeOutboxes([{ caseId: last, entryIds: [lastEntries[1]!.entryId] }]);
      expect(await pending()).toEqual([]);
    });

    it("removes relayed outbox entries with the case's next write, even when one is gone already or nothing changes", async () => {
      const record = aCaseRecord("tenant-a", "INV-1");
      const at = new Date("2025-03-17T09:00:00.000Z");
      const messages = [
        ...eventMessages([caseEvent("case.created", record, "created", at, {})]),
        { kind: "start-workflow" as const },
      ];
      const created = await stores.cases.create(withOutbox(record, messages, at));
      const [event, start] = created.outbox!.map((e) => e.entryId);
      const pending = async () =>
        (await stores.cases.pendingOutbox("2026-01-01T00:00:00.000Z", { limit: 10 })).items.map((e) => e.entryId);

      // The next write takes the relayed entries with it, and may add entries of its own.
      const later = new Date("2025-03-17T09:05:00.000Z");
      const written = await stores.cases.update(
        "tenant-a",
        record.caseId,
        (c) => withOutbox({ ...c, sentKeys: ["x"] }, [{ kind: "case-changed", reason: "payment" }], later),
        created,
        [event!, start!],
      );
      expect((await stores.cases.get("tenant-a", record.caseId))?.sentKeys).toEqual(["x"]);
      const changed = written.outbox![0]!.entryId;
      expect(await pending()).toEqual([changed]);

      // One of them removed meanwhile (the sweep relayed it), one unknown: the write is made all the same.
      await stores.cases.removeOutbox(record.caseId, [changed]);
      const again = await stores.cases.update(
        "tenant-a",
        record.caseId,
        (c) => ({ ...c, sentKeys: ["x", "y"] }),
        written,
        [changed, "0".repeat(32)],
      );
      expect(again.sentKeys).toEqual(["x", "y"]);
      expect((await stores.cases.get("tenant-a", record.caseId))?.sentKeys).toEqual(["x", "y"]);

      // Nothing to write: the relayed entries are removed all the same.
      const third = await stores.cases.update("tenant-a", record.caseId, (c) =>
        withOutbox({ ...c, sentKeys: ["x", "y", "z"] }, [{ kind: "case-changed", reason: "again" }], at),
      );
      expect(await pending()).toHaveLength(1);
      await stores.cases.update("tenant-a", record.caseId, (c) => c, third, [third.outbox![0]!.entryId]);
      expect(await pending()).toEqual([]);
    });

    it("writes no outbox entry when the case write fails: a duplicate create, a conflicting update", async () => {
      const record = aCaseRecord("tenant-a", "INV-1");
      const at = new Date("2025-03-17T09:00:00.000Z");
      await stores.cases.create(record);
      const again = withOutbox(record, eventMessages([caseEvent("case.created", record, "again", at, {})]), at);
      expect(await codeOf(stores.cases.create(again))).toBe("DUPLICATE_INVOICE_NUMBER");
      expect((await stores.cases.pendingOutbox("2026-01-01T00:00:00.000Z", { limit: 10 })).items).toEqual([]);
      // An update that loses a race is re-applied: only the LAST run's entries are written.
      let runs = 0;
      await stores.cases.update("tenant-a", record.caseId, async (c) => {
        runs += 1;
        if (runs === 1) await stores.cases.update("tenant-a", record.caseId, (d) => ({ ...d, sentKeys: ["other"] }));
        return withOutbox(
          { ...c, sentKeys: [...c.sentKeys, "mine"] },
          [{ kind: "case-changed", reason: `run ${runs}` }],
          at,
        );
      });
      const pending = (await stores.cases.pendingOutbox("2026-01-01T00:00:00.000Z", { limit: 10 })).items;
      expect(pending.map((e) => e.message)).toEqual([{ kind: "case-changed", reason: "run 2" }]);
    });

    it("re-applies an update to the newer case when the case changed while the update was being computed", async () => {
      const record = aCaseRecord("tenant-a", "INV-1");
      await stores.cases.create(record);
      const seen: string[][] = [];
      await stores.cases.update("tenant-a", record.caseId, async (c) => {
        seen.push([...c.sentKeys]);
        if (seen.length === 1)
          await stores.cases.update("tenant-a", record.caseId, (d) => ({ ...d, sentKeys: [...d.sentKeys, "sms"] }));
        return { ...c, sentKeys: [...c.sentKeys, "letter"] };
      });
      expect(seen).toEqual([[], ["sms"]]);
      expect((await stores.cases.get("tenant-a", record.caseId))?.sentKeys).toEqual(["sms", "letter"]);
    });

    it("refuses an update that changes the case id, tenant or invoice number", async () => {
      const record = aCaseRecord("tenant-a", "INV-1");
      await stores.cases.create(record);
      await expect(
        stores.cases.update("tenant-a", record.caseId, (c) => ({ ...c, tenantId: "tenant-b" })),
      ).rejects.toThrow(/may not change/);
      expect((await stores.cases.get("tenant-a", record.caseId))?.tenantId).toBe("tenant-a");
    });

    it("lists a tenant's cases in pages with continuation tokens, each case exactly once and no other tenant's", async () => {
      const mine = Array.from({ length: 7 }, (_, i) => aCaseRecord("tenant-a", `INV-${i}`));
      for (const r of [...mine, aCaseRecord("tenant-b", "INV-0"), aCaseRecord("tenant-b", "INV-9")])
        await stores.cases.create(r);
      const pages = await allPages((token) =>
        stores.cases.list("tenant-a", {}, token === undefined ? { limit: 3 } : { limit: 3, continuationToken: token }),
      );
      for (const page of pages) expect(page.length).toBeLessThanOrEqual(3);
      const ids = pages.flat().map((r) => r.caseId);
      expect(ids.sort()).toEqual(mine.map((r) => r.caseId).sort());
      expect(pages.flat().every((r) => r.tenantId === "tenant-a")).toBe(true);
    });

    it("filters the list by status and by customer", async () => {
      await stores.cases.create(aCaseRecord("tenant-a", "INV-1", { status: "open", customerId: "cust-1" }));
      await stores.cases.create(aCaseRecord("tenant-a", "INV-2", { status: "paid", customerId: "cust-1" }));
      await stores.cases.create(aCaseRecord("tenant-a", "INV-3", { status: "open", customerId: "cust-2" }));
      await stores.cases.create(aCaseRecord("tenant-b", "INV-4", { status: "open", customerId: "cust-1" }));
      const invoices = async (filter: Parameters<Stores["cases"]["list"]>[1]) =>
        (await stores.cases.list("tenant-a", filter, { limit: 100 })).items.map((r) => r.invoiceNumber).sort();
      expect(await invoices({ status: "open" })).toEqual(["INV-1", "INV-3"]);
      expect(await invoices({ customerId: "cust-1" })).toEqual(["INV-1", "INV-2"]);
      expect(await invoices({ status: "open", customerId: "cust-1" })).toEqual(["INV-1"]);
      expect(await invoices({ status: "disputed" })).toEqual([]);
    });

    it("answers an empty page without a continuation token for a tenant with no cases", async () => {
      expect(await stores.cases.list("tenant-z", {}, { limit: 10 })).toEqual({ items: [] });
    });

    it("rejects a continuation token it did not issue with INVALID_CONTINUATION_TOKEN", async () => {
      await stores.cases.create(aCaseRecord("tenant-a", "INV-1"));
      expect(await codeOf(stores.cases.list("tenant-a", {}, { limit: 10, continuationToken: "not a token!" }))).toBe(
        "INVALID_CONTINUATION_TOKEN",
      );
    });

    it("finds a case by its KID, whatever the tenant, and nothing for an unknown KID", async () => {
      await stores.cases.create(aCaseRecord("tenant-a", "INV-1", { kid: "10000000018" }));
      await stores.cases.create(aCaseRecord("tenant-b", "INV-2", { kid: "20000000016" }));
      expect((await stores.cases.findByKid("20000000016"))?.invoiceNumber).toBe("INV-2");
      expect(await stores.cases.findByKid("99999999999")).toBeUndefined();
    });

    it("lists the ids of open, on-hold and disputed cases across tenants, in pages, and none of the closed ones", async () => {
      const statuses = ["open", "on-hold", "disputed", "paid", "cancelled", "handed-off", "open"] as const;
      const records: CaseRecord[] = statuses.map((status, i) =>
        aCaseRecord(i % 2 === 0 ? "tenant-a" : "tenant-b", `INV-${i}`, { status }),
      );
      for (const r of records) await stores.cases.create(r);
      const pages = await allPages((token) =>
        stores.cases.listActiveCaseIds(token === undefined ? { limit: 2 } : { limit: 2, continuationToken: token }),
      );
      const active = records
        .filter((r) => ["open", "on-hold", "disputed"].includes(r.case.status))
        .map((r) => r.caseId);
      expect(pages.flat().sort()).toEqual(active.sort());
      for (const page of pages) expect(page.length).toBeLessThanOrEqual(2);
    });
  });

  describe("tenant store", () => {
    it("creates a tenant with its API key, reads the tenant and finds the key by its id", async () => {
      const { tenant, apiKey } = aTenant("tenant-a");
      await stores.tenants.create(tenant, apiKey);
      expect(await stores.tenants.get("tenant-a")).toEqual(tenant);
      expect(await stores.tenants.findApiKey(apiKey.keyId)).toEqual(apiKey);
      expect(await stores.tenants.findApiKey("key-unknown")).toBeUndefined();
      expect(await stores.tenants.get("tenant-unknown")).toBeUndefined();
    });

    it("refuses a second tenant with the same id with TENANT_ALREADY_EXISTS", async () => {
      const { tenant, apiKey } = aTenant("tenant-a");
      await stores.tenants.create(tenant, apiKey);
      expect(await codeOf(stores.tenants.create(tenant, { ...apiKey, keyId: "key-other" }))).toBe(
        "TENANT_ALREADY_EXISTS",
      );
      expect(await stores.tenants.findApiKey("key-other")).toBeUndefined();
    });

    it("refuses a key id that is taken, and leaves no tenant behind without a key", async () => {
      const first = aTenant("tenant-a");
      await stores.tenants.create(first.tenant, first.apiKey);
      const second = aTenant("tenant-b");
      expect(await codeOf(stores.tenants.create(second.tenant, { ...second.apiKey, keyId: first.apiKey.keyId }))).toBe(
        "TENANT_ALREADY_EXISTS",
      );
      expect(await stores.tenants.get("tenant-b")).toBeUndefined();
      expect((await stores.tenants.findApiKey(first.apiKey.keyId))?.tenantId).toBe("tenant-a");
    });

    it("sets a tenant's ladder policy and stamps the time", async () => {
      const { tenant, apiKey } = aTenant("tenant-a");
      await stores.tenants.create(tenant, apiKey);
      const policy = defaultPolicy("NO", "Fjordnett");
      const updated = await stores.tenants.setPolicy("tenant-a", policy, new Date("2025-03-05T10:00:00.000Z"));
      expect(updated).toEqual({ ...tenant, policy, updatedAt: "2025-03-05T10:00:00.000Z" });
      expect(await stores.tenants.get("tenant-a")).toEqual(updated);
    });

    it("sets a tenant's letterhead and stamps the time, keeping its policy", async () => {
      const { tenant, apiKey } = aTenant("tenant-a");
      await stores.tenants.create(tenant, apiKey);
      const letterhead = {
        address: { lines: ["Kraftveien 7"], postalCode: "5003", city: "Bergen" },
        accountNumber: "15038754324",
        contact: { phone: "55 00 11 22" },
      };
      const updated = await stores.tenants.setLetterhead("tenant-a", letterhead, new Date("2025-03-05T10:00:00.000Z"));
      expect(updated).toEqual({ ...tenant, letterhead, updatedAt: "2025-03-05T10:00:00.000Z" });
      expect(await stores.tenants.get("tenant-a")).toEqual(updated);
    });

    it("refuses to set the policy of an unknown tenant with TENANT_NOT_FOUND", async () => {
      expect(await codeOf(stores.tenants.setPolicy("tenant-x", defaultPolicy("NO"), new Date()))).toBe(
        "TENANT_NOT_FOUND",
      );
    });
  });

  describe("case store, updating what was just read", () => {
    it("writes the case as read without reading it again, and re-applies to the newer one when it changed", async () => {
      const created = await stores.cases.create(aCaseRecord("tenant-a", "INV-READ"));
      const read = (await stores.cases.get("tenant-a", created.caseId))!;
      const before = harness.reads();
      const first = await stores.cases.update("tenant-a", created.caseId, (r) => ({ ...r, customerId: "k-2" }), read);
      if (before !== undefined) expect(harness.reads()).toBe(before); // a write only: no read before it
      expect(first.customerId).toBe("k-2");
      // The stale read again: refused underneath, read again, and the change applied to the newer case.
      const seen: string[] = [];
      const second = await stores.cases.update(
        "tenant-a",
        created.caseId,
        (r) => {
          seen.push(r.customerId);
          return { ...r, kid: "12345678903" };
        },
        read,
      );
      expect(seen.at(-1)).toBe("k-2");
      expect(second).toMatchObject({ customerId: "k-2", kid: "12345678903" });
      expect(await stores.cases.get("tenant-a", created.caseId)).toMatchObject({
        customerId: "k-2",
        kid: "12345678903",
      });
      // Another tenant's case is not found, whatever record is handed in.
      await expect(stores.cases.update("tenant-b", created.caseId, (r) => r, second)).rejects.toMatchObject({
        code: "CASE_NOT_FOUND",
      });
    });

    it("writes nothing when the change changes nothing", async () => {
      const created = await stores.cases.create(aCaseRecord("tenant-a", "INV-SAME"));
      const before = harness.writes();
      const same = await stores.cases.update("tenant-a", created.caseId, (r) => ({ ...r }));
      if (before !== undefined) expect(harness.writes()).toBe(before);
      expect(same).toEqual(await stores.cases.get("tenant-a", created.caseId));
    });
  });

  describe("payment-attempt store", () => {
    it("updates the attempt as read without reading it again, and re-applies to the newer one when it changed", async () => {
      const attempts = stores.paymentAttempts;
      await attempts.create(aPaymentAttempt("pfu-contract-0001"));
      const read = (await attempts.get("pfu-contract-0001"))!;
      const before = harness.reads();
      const authorized = await attempts.update(
        "pfu-contract-0001",
        (a) => ({ ...a, state: "authorized", providerState: "AUTHORIZED" }),
        read,
      );
      if (before !== undefined) expect(harness.reads()).toBe(before); // a write only: no read before it
      expect(authorized.state).toBe("authorized");
      // The same (now stale) read again: the store notices the change, reads the newer attempt and applies to it.
      const seen: string[] = [];
      const applied = await attempts.update(
        "pfu-contract-0001",
        (a) => {
          seen.push(a.state);
          return { ...a, state: "applied", appliedTo: [...a.appliedTo, "c_1"] };
        },
        read,
      );
      expect(seen.at(-1)).toBe("authorized");
      expect(applied).toMatchObject({ state: "applied", appliedTo: ["c_1"] });
      expect(await attempts.get("pfu-contract-0001")).toMatchObject({
        state: "applied",
        providerState: "AUTHORIZED",
        appliedTo: ["c_1"],
      });
      // What an update returned can be handed on to the next one.
      const next = await attempts.update("pfu-contract-0001", (a) => ({ ...a, providerState: "CAPTURED" }), applied);
      expect(next.providerState).toBe("CAPTURED");
      expect(await attempts.get("pfu-contract-0001")).toMatchObject({ state: "applied", providerState: "CAPTURED" });
    });

    it("refuses an update of an attempt that does not exist, with or without one read before", async () => {
      await expect(stores.paymentAttempts.update("pfu-contract-missing", (a) => a)).rejects.toThrow(
        /payment attempt/iu,
      );
    });
  });

  describe("pay-link store", () => {
    it("stores a pay link under its token hash, reads it back, and replaces it on a second put", async () => {
      const link = {
        tokenHash: "3a7bd3e2360a3d29eea436fcfb7e44c735d117c42d1c1835420b6b9942dd4f1b",
        tenantId: "tenant-a",
        caseIds: [caseIdFor("tenant-a", "INV-1")],
        createdAt: "2025-03-17T09:00:00.000Z",
        expiresAt: "2025-04-16T09:00:00.000Z",
      };
      await stores.payLinks.put(link);
      expect(await stores.payLinks.get(link.tokenHash)).toEqual(link);
      await stores.payLinks.put({ ...link, expiresAt: "2025-05-16T09:00:00.000Z" });
      expect((await stores.payLinks.get(link.tokenHash))?.expiresAt).toBe("2025-05-16T09:00:00.000Z");
      expect(await stores.payLinks.get("0".repeat(64))).toBeUndefined();
    });

    it("stores many pay links at once (more than one bulk request's worth), each as put would", async () => {
      const links = Array.from({ length: 230 }, (_, i) => ({
        tokenHash: createHash("sha256").update(`token-${i}`).digest("hex"),
        tenantId: "tenant-a",
        caseIds: [caseIdFor("tenant-a", `INV-${i}`)],
        createdAt: "2025-03-17T09:00:00.000Z",
        expiresAt: "2025-04-16T09:00:00.000Z",
      }));
      await stores.payLinks.put({ ...links[5]!, expiresAt: "2025-03-18T09:00:00.000Z" }); // replaced by putMany
      await stores.payLinks.putMany(links);
      for (const i of [0, 5, 99, 100, 229]) expect(await stores.payLinks.get(links[i]!.tokenHash)).toEqual(links[i]);
      await stores.payLinks.putMany([]);
    });
  });

  describe("webhook store", () => {
    it("lists a tenant's subscriptions oldest first and none of another tenant's", async () => {
      const second = aWebhook("tenant-a", "wh-2", "2025-03-02T08:00:00.000Z");
      const first = aWebhook("tenant-a", "wh-1", "2025-03-01T08:00:00.000Z");
      await stores.webhooks.create(second);
      await stores.webhooks.create(first);
      await stores.webhooks.create(aWebhook("tenant-b", "wh-3", "2025-03-01T07:00:00.000Z"));
      expect(await stores.webhooks.listForTenant("tenant-a")).toEqual([first, second]);
      expect(await stores.webhooks.listForTenant("tenant-c")).toEqual([]);
    });

    it("disables a subscription once (the first time and reason stay) and deletes only the tenant's own", async () => {
      const hook = aWebhook("tenant-d", "wh-9", "2025-03-01T08:00:00.000Z");
      await stores.webhooks.create(hook);
      const at = new Date("2025-03-05T10:00:00.000Z");
      expect(await stores.webhooks.disable("tenant-d", "wh-9", "the receiver answered 410 Gone", at)).toBe(true);
      expect(await stores.webhooks.disable("tenant-d", "wh-9", "later", new Date("2025-03-06T10:00:00.000Z"))).toBe(
        true,
      );
      expect(await stores.webhooks.listForTenant("tenant-d")).toEqual([
        { ...hook, disabledAt: at.toISOString(), disabledReason: "the receiver answered 410 Gone" },
      ]);
      expect(await stores.webhooks.disable("tenant-d", "wh-missing", "x", at)).toBe(false);
      expect(await stores.webhooks.delete("tenant-e", "wh-9")).toBe(false);
      expect(await stores.webhooks.delete("tenant-d", "wh-9")).toBe(true);
      expect(await stores.webhooks.delete("tenant-d", "wh-9")).toBe(false);
      expect(await stores.webhooks.listForTenant("tenant-d")).toEqual([]);
    });

    it("rotates a secret, keeping the old one with its end of validity", async () => {
      const hook = aWebhook("tenant-r", "wh-r", "2025-03-01T08:00:00.000Z");
      await stores.webhooks.create(hook);
      const until = new Date("2025-03-02T08:00:00.000Z");
      expect(await stores.webhooks.rotateSecret("tenant-r", "wh-r", "whsec_new", until)).toBe(true);
      expect(await stores.webhooks.listForTenant("tenant-r")).toEqual([
        { ...hook, secret: "whsec_new", previousSecret: hook.secret, previousSecretUntil: until.toISOString() },
      ]);
      expect(await stores.webhooks.rotateSecret("tenant-x", "wh-r", "whsec_other", until)).toBe(false);
    });

    it("keeps the first failing time until a success clears it", async () => {
      const hook = aWebhook("tenant-f", "wh-f", "2025-03-01T08:00:00.000Z");
      await stores.webhooks.create(hook);
      expect(await stores.webhooks.markFailing("tenant-f", "wh-f", new Date("2025-03-02T08:00:00.000Z"))).toBe(
        "2025-03-02T08:00:00.000Z",
      );
      expect(await stores.webhooks.markFailing("tenant-f", "wh-f", new Date("2025-03-04T08:00:00.000Z"))).toBe(
        "2025-03-02T08:00:00.000Z",
      );
      await stores.webhooks.markHealthy("tenant-f", "wh-f");
      expect(await stores.webhooks.listForTenant("tenant-f")).toEqual([hook]);
      expect(await stores.webhooks.markFailing("tenant-x", "wh-f", new Date())).toBeUndefined();
    });
  });

  describe("idempotency store", () => {
    const t0 = new Date("2025-03-17T09:00:00.000Z");
    const later = (ms: number) => new Date(t0.getTime() + ms);

    it("begins a new request, then replays its completed response for the same request", async () => {
      expect(await stores.idempotency.begin("tenant-a", "key-1", "hash-1", t0)).toEqual({ kind: "new" });
      await stores.idempotency.complete("tenant-a", "key-1", response('{"caseId":"c_1"}'), later(100));
      expect(await stores.idempotency.begin("tenant-a", "key-1", "hash-1", later(1_000))).toEqual({
        kind: "replay",
        response: response('{"caseId":"c_1"}'),
      });
    });

    it("answers conflict when the key is reused for another request", async () => {
      await stores.idempotency.begin("tenant-a", "key-1", "hash-1", t0);
      expect(await stores.idempotency.begin("tenant-a", "key-1", "hash-2", later(1))).toEqual({ kind: "conflict" });
      await stores.idempotency.complete("tenant-a", "key-1", response("{}"), later(2));
      expect(await stores.idempotency.begin("tenant-a", "key-1", "hash-2", later(3))).toEqual({ kind: "conflict" });
    });

    it("answers in-progress while the first request runs, and new once its lock has lapsed", async () => {
      await stores.idempotency.begin("tenant-a", "key-1", "hash-1", t0);
      expect(await stores.idempotency.begin("tenant-a", "key-1", "hash-1", later(1_000))).toEqual({
        kind: "in-progress",
      });
      expect(await stores.idempotency.begin("tenant-a", "key-1", "hash-1", later(IDEMPOTENCY_LOCK_MS + 1))).toEqual({
        kind: "new",
      });
    });

    it("forgets an abandoned request so that the client may retry with the same key", async () => {
      await stores.idempotency.begin("tenant-a", "key-1", "hash-1", t0);
      await stores.idempotency.abandon("tenant-a", "key-1", later(10));
      expect(await stores.idempotency.begin("tenant-a", "key-1", "hash-2", later(20))).toEqual({ kind: "new" });
    });

    it("keeps a completed response when abandon is called after completion", async () => {
      await stores.idempotency.begin("tenant-a", "key-1", "hash-1", t0);
      await stores.idempotency.complete("tenant-a", "key-1", response("{}"), later(10));
      await stores.idempotency.abandon("tenant-a", "key-1", later(20));
      expect((await stores.idempotency.begin("tenant-a", "key-1", "hash-1", later(30))).kind).toBe("replay");
    });

    it("starts afresh once a completed response has expired", async () => {
      await stores.idempotency.begin("tenant-a", "key-1", "hash-1", t0);
      await stores.idempotency.complete("tenant-a", "key-1", response("{}"), t0);
      expect(
        await stores.idempotency.begin("tenant-a", "key-1", "hash-2", later(IDEMPOTENCY_RETENTION_MS + 1)),
      ).toEqual({ kind: "new" });
    });

    it("keeps the same key of different tenants apart", async () => {
      await stores.idempotency.begin("tenant-a", "key-1", "hash-1", t0);
      expect(await stores.idempotency.begin("tenant-b", "key-1", "hash-2", t0)).toEqual({ kind: "new" });
    });

    it("lets exactly one of ten concurrent begins with the same key win", async () => {
      const outcomes = await Promise.all(
        Array.from({ length: 10 }, () => stores.idempotency.begin("tenant-a", "key-1", "hash-1", t0)),
      );
      expect(outcomes.filter((o) => o.kind === "new")).toHaveLength(1);
      expect(outcomes.filter((o) => o.kind === "in-progress")).toHaveLength(9);
    });

    it("lets exactly one of ten concurrent takeovers of a lapsed record win", async () => {
      await stores.idempotency.begin("tenant-a", "key-1", "hash-1", t0);
      const outcomes = await Promise.all(
        Array.from({ length: 10 }, () =>
          stores.idempotency.begin("tenant-a", "key-1", "hash-1", later(IDEMPOTENCY_LOCK_MS + 1)),
        ),
      );
      expect(outcomes.filter((o) => o.kind === "new")).toHaveLength(1);
      expect(outcomes.filter((o) => o.kind === "in-progress")).toHaveLength(9);
    });
  });
});
