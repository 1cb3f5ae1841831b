import { CosmosDeliveryIndex } from "../../../../shared/adapters/cosmos/delivery-index.cosmos";
import { CosmosDebtorContactStore } from "../../../../shared/adapters/cosmos/debtor-contact-store.cosmos";
import type { DebtorContact } from "../../../../shared/ports/debtor-contact-store";
/**
 * What only the Cosmos DB stores have to show: the containers come from the one declaration, documents carry
 * schemaVersion and no secrets, documents read are decoded (not cast), the etag loop gives up cleanly, and
 * idempotency completions are etag-conditioned.
 */
import { CosmosBankPaymentStore } from "../../../../shared/adapters/cosmos/bank-payment-store.cosmos";
import { CosmosPartnerConnectionStore } from "../../../../shared/adapters/cosmos/partner-connection-store.cosmos";
import { CosmosPaymentAttemptStore } from "../../../../shared/adapters/cosmos/payment-attempt-store.cosmos";
import type { Database } from "@azure/cosmos";
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { caseIdFor } from "../../../../shared/domain/case-id";
import { CosmosMessageThreadStore } from "../../../../shared/adapters/cosmos/message-thread-store.cosmos";
import { emptyThread } from "../../../../shared/ports/message-thread-store";
import { CosmosMinSideSessionStore } from "../../../../shared/adapters/cosmos/min-side-session-store.cosmos";
import { CosmosPowerOfAttorneyStore } from "../../../../shared/adapters/cosmos/power-of-attorney-store.cosmos";
import { CosmosStaffAuditLog } from "../../../../shared/adapters/cosmos/staff-audit-log.cosmos";
import { CosmosWebhookDeliveryLog } from "../../../../shared/adapters/cosmos/webhook-delivery-log.cosmos";
import type { WebhookDeliveryRecord } from "../../../../shared/ports/webhook-delivery-log";
import { CosmosWorkItemStore } from "../../../../shared/adapters/cosmos/work-item-store.cosmos";
import { CosmosKpiStore } from "../../../../shared/adapters/cosmos/kpi-store.cosmos";
import { CosmosStaffSessionStore } from "../../../../shared/adapters/cosmos/staff-session-store.cosmos";
import { CosmosCaseStore } from "../../../../shared/adapters/cosmos/case-store.cosmos";
import {
  COSMOS_CONTAINERS,
  createCosmosDatabase,
  ensureCosmosContainers,
  loadCosmosContainers,
} from "../../../../shared/adapters/cosmos/database.cosmos";
import { CosmosIdempotencyStore } from "../../../../shared/adapters/cosmos/idempotency-store.cosmos";
import { CosmosInterestRateStore } from "../../../../shared/adapters/cosmos/interest-rate-store.cosmos";
import { CosmosPayLinkStore } from "../../../../shared/adapters/cosmos/pay-link-store.cosmos";
import { CosmosTenantStore } from "../../../../shared/adapters/cosmos/tenant-store.cosmos";
import { CosmosWebhookStore } from "../../../../shared/adapters/cosmos/webhook-store.cosmos";
import { IDEMPOTENCY_LOCK_MS, IDEMPOTENCY_RETENTION_MS } from "../../../../shared/ports/idempotency-store";
import { aCaseRecord, aTenant, aWebhook, CONTAINERS_FILE, CosmosHarness } from "./store-fixtures";

const harness = new CosmosHarness();
let database: Database;

beforeAll(async () => {
  await harness.start();
  database = await harness.database();
});
afterAll(() => harness.stop());

async function allDocuments(containerId: string): Promise<Array<Record<string, unknown>>> {
  const { resources } = await database
    .container(containerId)
    .items.query<Record<string, unknown>>("SELECT * FROM c")
    .fetchAll();
  return resources;
}

describe("Cosmos DB containers", () => {
  it("creates every container of infra-bicep/cosmos-containers.json with its partition key and TTL, and is safe to run again", async () => {
    const declaration = loadCosmosContainers(CONTAINERS_FILE);
    await ensureCosmosContainers(database, declaration);
    for (const spec of declaration.containers) {
      const { resource } = await database.container(spec.id).read();
      expect(resource?.partitionKey?.paths, spec.id).toEqual([spec.partitionKeyPath]);
      if (spec.defaultTtlSeconds !== undefined) expect(resource?.defaultTtl, spec.id).toBe(spec.defaultTtlSeconds);
    }
  });

  it("applies a declaration's unique keys and TTL to the containers it creates", async () => {
    await ensureCosmosContainers(database, {
      containers: [
        { id: "probe-unique", partitionKeyPath: "/tenantId", uniqueKeys: [["/ref"]], defaultTtlSeconds: -1 },
      ],
    });
    const container = database.container("probe-unique");
    expect((await container.read()).resource?.defaultTtl).toBe(-1);
    await container.items.create({ id: "a", tenantId: "t", ref: "r-1" });
    await expect(container.items.create({ id: "b", tenantId: "t", ref: "r-1" })).rejects.toMatchObject({ code: 409 });
  });

  it("declares every container the stores use", () => {
    const declared = loadCosmosContainers(CONTAINERS_FILE).containers.map((c) => c.id);
    expect(declared).toEqual(expect.arrayContaining(Object.values(COSMOS_CONTAINERS)));
  });

  it("shares one client per process between databases made from the same options", () => {
    const options = {
      endpoint: "http://127.0.0.1:1/",
      key: "a2V5",
      databaseId: "payment-follow-up",
      endpointDiscovery: false,
    };
    expect(createCosmosDatabase(options).client).toBe(createCosmosDatabase({ ...options, databaseId: "other" }).client);
    expect(createCosmosDatabase(options).client).not.toBe(createCosmosDatabase({ ...options, key: "b3RoZXI=" }).client);
  });
});

describe("Cosmos DB documents", () => {
  it("carry schemaVersion in every container and never the raw API key or pay-link token", async () => {
    const rawApiKey = "pfu_live_key-doc-test.s3cr3t-part-never-stored";
    const rawToken = "tok_never-stored-anywhere";
    const { tenant, apiKey } = aTenant("tenant-doc");
    await new CosmosTenantStore({ database }).create(tenant, {
      ...apiKey,
      keyHash: createHash("sha256").update(rawApiKey).digest("hex"),
    });
    await new CosmosCaseStore({ database }).create(aCaseRecord("tenant-doc", "INV-1"));
    await new CosmosPayLinkStore({ database }).put({
      tokenHash: createHash("sha256").update(rawToken).digest("hex"),
      tenantId: "tenant-doc",
      caseIds: [caseIdFor("tenant-doc", "INV-1")],
      createdAt: "2025-03-17T09:00:00.000Z",
      expiresAt: "2025-04-16T09:00:00.000Z",
    });
    await new CosmosWebhookStore({ database }).create(aWebhook("tenant-doc", "wh-1", "2025-03-01T08:00:00.000Z"));
    await new CosmosIdempotencyStore({ database }).begin(
      "tenant-doc",
      "key-1",
      "hash-1",
      new Date("2025-03-17T09:00:00.000Z"),
    );
    await new CosmosPaymentAttemptStore({ database }).create({
      schemaVersion: 1,
      reference: "pfu-doc-test-0001",
      provider: "vipps",
      method: "vipps",
      tenantId: "tenant-doc",
      tokenHash: createHash("sha256").update(rawToken).digest("hex"),
      option: "full",
      amount: { value: 10_000, currency: "NOK" },
      parts: [{ caseId: caseIdFor("tenant-doc", "INV-1"), amount: { value: 10_000, currency: "NOK" } }],
      valueDate: "2025-03-17",
      state: "created",
      appliedTo: [],
      createdAt: "2025-03-17T09:00:00.000Z",
      updatedAt: "2025-03-17T09:00:00.000Z",
    });
    await new CosmosBankPaymentStore({ database }).record({
      schemaVersion: 1,
      paymentId: "ocr-doc-test-1",
      kid: "1234567890",
      amount: { value: 5_000, currency: "NOK" },
      paidOn: "2025-03-17",
      source: "ocr-doc-test.txt",
      importedAt: "2025-03-17T09:00:00.000Z",
      recordedAt: "2025-03-17T09:00:00.000Z",
      status: "unmatched",
      why: "unknown-kid",
    });
    await new CosmosPartnerConnectionStore({ database }).put("tenant-doc", () => ({
      schemaVersion: 1,
      tenantId: "tenant-doc",
      baseUrl: "https://provisioning.example.no",
      role: "broadband-provider",
      auth: { kind: "hmac", secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" },
      createdAt: "2025-03-17T09:00:00.000Z",
      updatedAt: "2025-03-17T09:00:00.000Z",
    }));
    await new CosmosInterestRateStore({ database }).put(anInterestRate("2027-01-01", 1200));
    await new CosmosDeliveryIndex({ database }).put("3f2a1c9e-0000-5000-8000-000000000001", {
      tenantId: "tenant-doc",
      caseId: caseIdFor("tenant-doc", "INV-1"),
      deliveryId: "step:1:reminder#1",
    });
    await new CosmosDebtorContactStore({ database }).put(
      aDebtorContact("doc-debtor", "2025-03-17T08:00:00.000Z"),
      null,
    );

    await new CosmosMinSideSessionStore({ database }).put({
      schemaVersion: 1,
      id: createHash("sha256").update("never-stored-anywhere-session-id").digest("hex"),
      type: "session",
      subject: { kind: "case", tenantId: "tenant-doc", caseId: caseIdFor("tenant-doc", "INV-1") },
      csrfToken: "csrf-token-for-the-doc-test",
      lang: "nb",
      createdAt: "2025-03-17T09:00:00.000Z",
      lastSeenAt: "2025-03-17T09:00:00.000Z",
      expiresAt: "2025-03-17T13:00:00.000Z",
      ttl: 960,
    });

    await new CosmosPowerOfAttorneyStore({ database }).put({
      schemaVersion: 1,
      id: "poa-0123456789abcdef01234567",
      granteeRef: createHash("sha256").update("grantee").digest("hex"),
      grantorRef: createHash("sha256").update("grantor").digest("hex"),
      grantorNationalId: "12038512356",
      grantorName: "Kari Nordmann",
      granteeName: "Ola Nordmann",
      scope: "read",
      cases: "all",
      validFrom: "2025-03-17",
      validUntil: "2025-06-17",
      createdAt: "2025-03-17T09:00:00.000Z",
      updatedAt: "2025-03-17T09:00:00.000Z",
    });
    await new CosmosMessageThreadStore({ database }).update("tenant-doc", caseIdFor("tenant-doc", "INV-1"), (t) => ({
      ...(t ?? emptyThread("tenant-doc", caseIdFor("tenant-doc", "INV-1"), "2025-03-17T09:00:00.000Z")),
      alertChannels: ["sms"],
    }));

    // The staff portal's session and audit entry (issue 16): a subject id, never a name or e-mail, in the audit.
    await new CosmosStaffSessionStore({ database }).put({
      schemaVersion: 1,
      id: createHash("sha256").update("never-stored-anywhere-staff-session-id").digest("hex"),
      type: "session",
      staff: {
        subject: "staff-subject-1",
        displayName: "Vera Visning",
        roles: ["creditor.viewer"],
        creditorTenantId: "tenant-doc",
      },
      csrfToken: "csrf-token-for-the-staff-doc-test",
      lang: "nb",
      createdAt: "2025-03-17T09:00:00.000Z",
      lastSeenAt: "2025-03-17T09:00:00.000Z",
      expiresAt: "2025-03-17T19:00:00.000Z",
      ttl: 1800,
    });
    await new CosmosStaffAuditLog({ database }).record({
      schemaVersion: 1,
      id: "audit-0001",
      partition: caseIdFor("tenant-doc", "INV-1"),
      at: "2025-03-17T09:01:00.000Z",
      subject: "staff-subject-1",
      roles: ["creditor.viewer"],
      action: "view-case",
      tenantId: "tenant-doc",
      caseId: caseIdFor("tenant-doc", "INV-1"),
    });
    await new CosmosWebhookDeliveryLog({ database }).record(aDeliveryRecord("wh_doc", "evt-doc", 1, "delivered"));
    await new CosmosWorkItemStore({ database }).open({
      schemaVersion: 1,
      id: `debtor-message:${caseIdFor("tenant-doc", "INV-1")}`,
      queue: "inbox",
      kind: "debtor-message",
      tenantId: "tenant-doc",
      caseId: caseIdFor("tenant-doc", "INV-1"),
      invoiceNumber: "INV-1",
      createdAt: "2025-03-17T09:02:00.000Z",
    });

    // The KPI projection (issue 16): a case's projection document and a bucket — ids, steps and counts only.
    const kpiStore = new CosmosKpiStore({ database });
    expect(
      await kpiStore.putCase(
        {
          tenantId: "tenant-doc",
          caseId: caseIdFor("tenant-doc", "INV-1"),
          createdAt: "2025-03-17T09:00:00.000Z",
          dueDate: "2025-03-10",
          messages: [{ stepIndex: 0, step: "lets-pay-sms", channel: "sms", sentAt: "2025-03-17T09:00:00.000Z" }],
          deliveries: [],
          opens: [],
          payments: [],
          reopens: [],
          seen: ["evt-1"],
          pending: [],
        },
        null,
      ),
    ).toEqual(expect.any(String));
    const bucketEtag = await kpiStore.putBucket(
      {
        tenantId: "tenant-doc",
        month: "2025-03",
        bucketId: "m|2025-03-17|lets-pay-sms|sms||",
        counts: { sent: 1 },
        applied: ["evt-1"],
      },
      null,
    );
    expect(bucketEtag).toEqual(expect.any(String));
    // a second writer with the same (or no) etag is refused; the month is one partition's query
    expect(
      await kpiStore.putBucket(
        {
          tenantId: "tenant-doc",
          month: "2025-03",
          bucketId: "m|2025-03-17|lets-pay-sms|sms||",
          counts: {},
          applied: [],
        },
        null,
      ),
    ).toBeNull();
    expect(await kpiStore.listBuckets("tenant-doc", "2025-03")).toEqual([
      {
        tenantId: "tenant-doc",
        month: "2025-03",
        bucketId: "m|2025-03-17|lets-pay-sms|sms||",
        counts: { sent: 1 },
        applied: [],
      },
    ]);
    expect((await kpiStore.getCase("tenant-doc", caseIdFor("tenant-doc", "INV-1")))?.doc.seen).toEqual(["evt-1"]);
    // a pay link's first open is one patch; the link reads back with it
    const links = new CosmosPayLinkStore({ database });
    const linkHash = createHash("sha256").update(rawToken).digest("hex");
    await links.markOpened(linkHash, "2025-03-18T10:00:00.000Z");
    expect((await links.get(linkHash))?.openedAt).toBe("2025-03-18T10:00:00.000Z");

    for (const containerId of Object.values(COSMOS_CONTAINERS)) {
      const docs = await allDocuments(containerId);
      expect(docs.length, containerId).toBeGreaterThan(0);
      for (const doc of docs) {
        expect(doc.schemaVersion, containerId).toBe(1);
        expect(JSON.stringify(doc), containerId).not.toContain("s3cr3t-part");
        expect(JSON.stringify(doc), containerId).not.toContain("never-stored-anywhere");
      }
    }
  });

  it("keep a subscription's webhook deliveries newest first, and read one back by id", async () => {
    const log = new CosmosWebhookDeliveryLog({ database });
    await log.record(aDeliveryRecord("wh_log", "evt-1", 1, "retrying", "2026-12-07T08:00:00.000Z"));
    await log.record(aDeliveryRecord("wh_log", "evt-1", 2, "delivered", "2026-12-07T08:00:05.000Z"));
    await log.record(aDeliveryRecord("wh_other", "evt-1", 1, "delivered", "2026-12-07T08:00:06.000Z"));
    const recent = await log.recent("wh_log", 10);
    expect(recent.map((r) => [r.attempt, r.outcome])).toEqual([
      [2, "delivered"],
      [1, "retrying"],
    ]);
    expect((await log.get("wh_log", "evt-1.1"))?.status).toBe(503);
    expect(await log.get("wh_log", "evt-9.1")).toBeUndefined();
  });

  it("add, list and revoke a tenant's API keys; another tenant's key id is not found", async () => {
    const store = new CosmosTenantStore({ database });
    const { tenant, apiKey } = aTenant("tenant-keys");
    await store.create(tenant, apiKey);
    await store.addApiKey({
      keyId: "0123456789abcdef",
      tenantId: "tenant-keys",
      keyHash: "f".repeat(64),
      createdAt: "2026-12-07T08:00:00.000Z",
      label: "Regnskap",
    });
    expect((await store.listApiKeys("tenant-keys")).map((k) => k.keyId).sort()).toEqual(
      [apiKey.keyId, "0123456789abcdef"].sort(),
    );
    expect(await store.revokeApiKey("tenant-other", "0123456789abcdef", new Date())).toBeUndefined();
    const revoked = await store.revokeApiKey("tenant-keys", "0123456789abcdef", new Date("2026-12-08T08:00:00.000Z"));
    expect(revoked?.revokedAt).toBe("2026-12-08T08:00:00.000Z");
    expect((await store.findApiKey("0123456789abcdef"))?.revokedAt).toBe("2026-12-08T08:00:00.000Z");
    expect((await store.findApiKey(apiKey.keyId))?.revokedAt).toBeUndefined();
  });

  it("take a debtor's SMS slot once: a second writer with the same or an older version is refused", async () => {
    const store = new CosmosDebtorContactStore({ database });
    const first = aDebtorContact("slot-debtor", "2026-12-07T08:00:00.000Z");
    expect(await store.put(first, null)).toEqual(expect.any(String));
    expect(await store.put(aDebtorContact("slot-debtor", "2026-12-07T08:00:01.000Z"), null)).toBeNull();
    const read = await store.get("slot-debtor");
    expect(read?.contact).toEqual(first);
    const next = aDebtorContact("slot-debtor", "2026-12-08T08:00:00.000Z");
    const etag = await store.put(next, read!.etag);
    expect(etag).toEqual(expect.any(String));
    expect(await store.put(aDebtorContact("slot-debtor", "2026-12-08T08:00:02.000Z"), read!.etag)).toBeNull();
    expect((await store.get("slot-debtor"))?.contact.lastSms.at).toBe("2026-12-08T08:00:00.000Z");
    // given back only at the version it was taken at
    await store.remove("slot-debtor", read!.etag);
    expect(await store.get("slot-debtor")).toBeDefined();
    await store.remove("slot-debtor", etag!);
    expect(await store.get("slot-debtor")).toBeUndefined();
    expect(await store.get("no-such-debtor")).toBeUndefined();
  });

  it("keep one interest rate per country and half-year: a second entry replaces the first, each country apart", async () => {
    const store = new CosmosInterestRateStore({ database });
    expect(await store.put(anInterestRate("2027-07-01", 1250))).toEqual({ created: true });
    expect(await store.put(anInterestRate("2027-07-01", 1275))).toEqual({ created: false });
    await store.put({ ...anInterestRate("2027-07-01", 1100), country: "SE" });
    const norway = (await store.list("NO")).filter((r) => r.validFrom === "2027-07-01");
    expect(norway.map((r) => r.rateBasisPoints)).toEqual([1275]);
    expect(
      (await store.list())
        .filter((r) => r.validFrom === "2027-07-01")
        .map((r) => r.country)
        .sort(),
    ).toEqual(["NO", "SE"]);
  });

  it("keep the case under its derived id, which is also its partition key", async () => {
    const record = aCaseRecord("tenant-ids", "INV-7");
    await new CosmosCaseStore({ database }).create(record);
    const { resource } = await database
      .container("cases")
      .item(record.caseId, record.caseId)
      .read<Record<string, unknown>>();
    expect(resource).toMatchObject({
      id: caseIdFor("tenant-ids", "INV-7"),
      caseId: caseIdFor("tenant-ids", "INV-7"),
      type: "case",
    });
  });

  it("of idempotency records are named by a hash of tenant and key and carry a ttl", async () => {
    await new CosmosIdempotencyStore({ database }).begin(
      "tenant-ttl",
      "key/with?odd#chars",
      "hash-1",
      new Date("2025-03-17T09:00:00.000Z"),
    );
    const doc = (await allDocuments("idempotency")).find((d) => d.scope === "tenant-ttl");
    expect(doc?.id).toMatch(/^[0-9a-f]{64}$/);
    expect(doc?.key).toBe(doc?.id);
    expect(doc?.ttl).toBe(IDEMPOTENCY_RETENTION_MS / 1000);
    expect(JSON.stringify(doc)).not.toContain("odd#chars");
  });
});

describe("Cosmos DB documents that do not decode", () => {
  it("are refused with the container, the id and the failing path, never the values found there", async () => {
    const record = aCaseRecord("tenant-broken", "INV-1");
    const store = new CosmosCaseStore({ database });
    await store.create(record);
    const cases = database.container(COSMOS_CONTAINERS.cases);
    const { resource } = await cases.item(record.caseId, record.caseId).read<Record<string, unknown>>();
    const broken = { ...resource, kid: 4711, customer: { customerId: "cust-1", phone: "+4791234567" } };
    await cases.item(record.caseId, record.caseId).replace(broken);

    const read = store.get("tenant-broken", record.caseId);
    await expect(read).rejects.toMatchObject({
      name: "UndecodableDocument",
      container: "cases",
      documentId: record.caseId,
    });
    const message = await read.catch((error: Error) => error.message);
    expect(message).toContain("kid: expected string");
    expect(message).toContain("customer.name: expected string");
    expect(message).not.toContain("4711");
    expect(message).not.toContain("+4791234567");
  });

  it("with a schemaVersion the store does not know are refused before decoding", async () => {
    await database
      .container(COSMOS_CONTAINERS.payLinks)
      .items.upsert({ id: "hash-v2", tokenHash: "hash-v2", type: "pay-link", schemaVersion: 2 });
    await expect(new CosmosPayLinkStore({ database }).get("hash-v2")).rejects.toThrow(
      "Unknown schemaVersion 2 in a pay-links document",
    );
  });
});

describe("Cosmos DB optimistic concurrency", () => {
  it("gives up with CASE_UPDATE_CONFLICT when the case changes under every attempt", async () => {
    const store = new CosmosCaseStore({ database, retry: { maxAttempts: 3, backoffMs: 1 } });
    const record = aCaseRecord("tenant-busy", "INV-1");
    await store.create(record);
    let attempts = 0;
    const outcome = store.update("tenant-busy", record.caseId, async (c) => {
      attempts += 1;
      await store.update("tenant-busy", record.caseId, (d) => ({
        ...d,
        sentKeys: [...d.sentKeys, `interleaved ${attempts}`],
      }));
      return { ...c, sentKeys: [...c.sentKeys, "never stored"] };
    });
    await expect(outcome).rejects.toMatchObject({ code: "CASE_UPDATE_CONFLICT" });
    expect(attempts).toBe(3);
    expect((await store.get("tenant-busy", record.caseId))?.sentKeys).toEqual([
      "interleaved 1",
      "interleaved 2",
      "interleaved 3",
    ]);
  });

  it("does not let a request whose idempotency lock lapsed overwrite the record another request took over", async () => {
    const t0 = new Date("2025-03-17T09:00:00.000Z");
    const slow = new CosmosIdempotencyStore({ database }); // two app instances
    const other = new CosmosIdempotencyStore({ database });
    expect(await slow.begin("tenant-lapse", "key-1", "hash-1", t0)).toEqual({ kind: "new" });
    const afterLapse = new Date(t0.getTime() + IDEMPOTENCY_LOCK_MS + 1);
    expect(await other.begin("tenant-lapse", "key-1", "hash-1", afterLapse)).toEqual({ kind: "new" });
    const response = (body: string) => ({
      status: 201,
      headers: [] as Array<[string, string]>,
      bodyBase64: Buffer.from(body).toString("base64"),
    });
    await slow.complete("tenant-lapse", "key-1", response("slow"), afterLapse);
    expect(await slow.begin("tenant-lapse", "key-1", "hash-1", afterLapse)).toEqual({ kind: "in-progress" });
    await other.complete("tenant-lapse", "key-1", response("other"), afterLapse);
    expect(await slow.begin("tenant-lapse", "key-1", "hash-1", afterLapse)).toEqual({
      kind: "replay",
      response: response("other"),
    });
  });
});

function anInterestRate(validFrom: "2027-01-01" | "2027-07-01", rateBasisPoints: number) {
  return {
    schemaVersion: 1 as const,
    country: "NO" as const,
    validFrom,
    validTo: validFrom === "2027-01-01" ? "2027-06-30" : "2027-12-31",
    rateBasisPoints,
    policyRateBasisPoints: rateBasisPoints - 800,
    source: "Finansdepartementet, forskrift om forsinkelsesrente (test)",
    confirmed: true,
    origin: "operator" as const,
    enteredAt: "2026-12-20T10:00:00.000Z",
  };
}

function aDebtorContact(id: string, at: string): DebtorContact {
  const step = {
    caseId: caseIdFor("tenant-doc", "INV-1"),
    key: "step:0:lets-pay-sms",
    kind: "lets-pay-sms" as const,
    invoiceNumber: "INV-1",
    amount: { value: 125000, currency: "NOK" as const },
  };
  return { schemaVersion: 1, id, tenantId: "tenant-doc", lastSms: { at, sender: step, steps: [step] } };
}

function aDeliveryRecord(
  subscriptionId: string,
  eventId: string,
  attempt: number,
  outcome: WebhookDeliveryRecord["outcome"],
  at = "2026-12-07T08:00:00.000Z",
): WebhookDeliveryRecord {
  const event = {
    id: eventId,
    type: "case.created" as const,
    tenantId: "tenant-doc",
    caseId: "c_doc",
    occurredAt: at,
    data: {},
  };
  return {
    schemaVersion: 1,
    id: `${eventId}.${String(attempt)}`,
    tenantId: "tenant-doc",
    subscriptionId,
    eventId,
    eventType: "case.created",
    at,
    attempt,
    outcome,
    ...(outcome === "delivered" ? { status: 204 } : { status: 503, reason: "HTTP 503" }),
    delivery: { schemaVersion: 1, tenantId: "tenant-doc", subscriptionId, attempt, event, failures: [] },
  };
}
