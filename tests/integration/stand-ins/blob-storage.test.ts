import {
  AccountSASPermissions,
  AccountSASResourceTypes,
  AccountSASServices,
  BlobServiceClient,
  generateAccountSASQueryParameters,
  SASProtocol,
  StorageSharedKeyCredential,
  type ContainerClient,
} from "@azure/storage-blob";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { silentLogger } from "../../../devhost/logger";
import { AZURITE_ACCOUNT_KEY, AZURITE_ACCOUNT_NAME, AzuriteStandIn } from "../../../devhost/storage/azurite";
import { BlobLetterArchive, tagValue } from "../../../shared/adapters/blob/letter-archive.blob";

let dataDir: string;
let azurite: AzuriteStandIn;
let connectionString: string;
let service: BlobServiceClient;
let files: ContainerClient;

async function startAzurite(): Promise<void> {
  azurite = new AzuriteStandIn({ dataDir, logger: silentLogger });
  ({ connectionString } = await azurite.start({ blob: 0, queue: 0, table: 0 }));
  service = BlobServiceClient.fromConnectionString(connectionString);
  files = service.getContainerClient("files");
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "azurite-stand-in-"));
  await startAzurite();
  await files.create();
});

afterAll(async () => {
  await azurite?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

function letter(
  overrides: Partial<Parameters<BlobLetterArchive["put"]>[0]> = {},
): Parameters<BlobLetterArchive["put"]>[0] {
  return {
    tenantId: "tenant-a",
    caseId: "case-1",
    documentId: "doc-1",
    kind: "reminder",
    contentType: "application/pdf",
    content: Buffer.from("%PDF-1.7 reminder"),
    createdAt: new Date("2026-11-01T10:00:00Z"),
    ...overrides,
  };
}

describe("azurite stand-in through @azure/storage-blob", () => {
  it("hands out a full connection string for blob, queue and table", () => {
    expect(connectionString).toMatch(
      /^DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=[^;]+;BlobEndpoint=http:\/\/127\.0\.0\.1:\d+\/devstoreaccount1;QueueEndpoint=http:\/\/127\.0\.0\.1:\d+\/devstoreaccount1;TableEndpoint=http:\/\/127\.0\.0\.1:\d+\/devstoreaccount1;$/,
    );
  });

  it("uploads and downloads a blob with its content type and metadata", async () => {
    const blob = files.getBlockBlobClient("a/b/hello.txt");
    await blob.uploadData(Buffer.from("hei verden"), {
      blobHTTPHeaders: { blobContentType: "text/plain; charset=utf-8" },
      metadata: { purpose: "test" },
    });
    expect((await blob.downloadToBuffer()).toString()).toBe("hei verden");
    const properties = await blob.getProperties();
    expect(properties.contentType).toBe("text/plain; charset=utf-8");
    expect(properties.metadata).toEqual({ purpose: "test" });
  });

  it("finds blobs by their index tags", async () => {
    await files.getBlockBlobClient("tagged/1").uploadData(Buffer.from("1"), { tags: { batch: "b-42", kind: "x" } });
    await files.getBlockBlobClient("tagged/2").uploadData(Buffer.from("2"), { tags: { batch: "b-42", kind: "y" } });
    await files.getBlockBlobClient("tagged/3").uploadData(Buffer.from("3"), { tags: { batch: "b-43", kind: "x" } });
    const found: string[] = [];
    for await (const b of service.findBlobsByTags(`"batch"='b-42' AND "kind"='x'`)) found.push(b.name);
    expect(found).toEqual(["tagged/1"]);
  });

  it("refuses a conditional upload over an existing blob with 409", async () => {
    const blob = files.getBlockBlobClient("once");
    await blob.uploadData(Buffer.from("first"), { conditions: { ifNoneMatch: "*" } });
    await expect(blob.uploadData(Buffer.from("second"), { conditions: { ifNoneMatch: "*" } })).rejects.toMatchObject({
      statusCode: 409,
    });
    expect((await blob.downloadToBuffer()).toString()).toBe("first");
  });
});

describe("BlobLetterArchive", () => {
  let archive: BlobLetterArchive;

  beforeAll(() => {
    archive = new BlobLetterArchive({ connectionString, containerName: "letters", createContainerIfMissing: true });
  });

  it("archives a letter and reads it back with its content type and metadata", async () => {
    await archive.put(letter());
    const read = await archive.get("tenant-a", "case-1", "doc-1");
    expect(read?.content.toString()).toBe("%PDF-1.7 reminder");
    expect(read?.contentType).toBe("application/pdf");
    expect(read?.metadata).toMatchObject({
      tenantid: "tenant-a",
      caseid: "case-1",
      documentid: "doc-1",
      kind: "reminder",
      createdat: "2026-11-01T10:00:00.000Z",
    });
  });

  it("refuses to overwrite an archived letter with different content", async () => {
    await archive.put(letter({ documentId: "doc-2" }));
    await expect(archive.put(letter({ documentId: "doc-2", content: Buffer.from("forged") }))).rejects.toMatchObject({
      code: "LETTER_ALREADY_ARCHIVED",
    });
    expect((await archive.get("tenant-a", "case-1", "doc-2"))?.content.toString()).toBe("%PDF-1.7 reminder");
  });

  it("accepts the same letter again, so that a retried archive step succeeds", async () => {
    await archive.put(letter({ documentId: "doc-3" }));
    await expect(archive.put(letter({ documentId: "doc-3" }))).resolves.toBeUndefined();
  });

  it("lists a case's letters oldest first, and only that case's", async () => {
    await archive.put(
      letter({
        caseId: "case-list",
        documentId: "late",
        kind: "collection-notice",
        createdAt: new Date("2026-11-20T00:00:00Z"),
      }),
    );
    await archive.put(
      letter({ caseId: "case-list", documentId: "early", createdAt: new Date("2026-11-05T00:00:00Z") }),
    );
    await archive.put(letter({ caseId: "case-list-2", documentId: "other" }));
    expect(await archive.list("tenant-a", "case-list")).toEqual([
      {
        documentId: "early",
        kind: "reminder",
        contentType: "application/pdf",
        createdAt: new Date("2026-11-05T00:00:00Z"),
      },
      {
        documentId: "late",
        kind: "collection-notice",
        contentType: "application/pdf",
        createdAt: new Date("2026-11-20T00:00:00Z"),
      },
    ]);
  });

  it("tags letters with tenant, case and kind so they can be found across cases", async () => {
    await archive.put(letter({ tenantId: "tenant-tags", caseId: "c-1", documentId: "n-1", kind: "collection-notice" }));
    await archive.put(letter({ tenantId: "tenant-tags", caseId: "c-2", documentId: "n-2", kind: "collection-notice" }));
    await archive.put(letter({ tenantId: "tenant-tags", caseId: "c-2", documentId: "r-1", kind: "reminder" }));
    const found: string[] = [];
    for await (const b of service.findBlobsByTags(`"tenant"='tenant-tags' AND "kind"='collection-notice'`))
      found.push(b.name);
    expect(found.sort()).toEqual(["tenant-tags/c-1/n-1", "tenant-tags/c-2/n-2"]);
    const tags = await service.getContainerClient("letters").getBlobClient("tenant-tags/c-2/r-1").getTags();
    expect(tags.tags).toEqual({ tenant: "tenant-tags", case: "c-2", kind: "reminder" });
  });

  it("keeps tag values within the characters Azure allows", () => {
    expect(tagValue("tenant-a")).toBe("tenant-a");
    expect(tagValue("Ålesund AS")).toMatch(/^b64:[A-Za-z0-9_-]+$/);
  });

  it("answers undefined for a letter that is not archived and an empty list for an unknown case", async () => {
    expect(await archive.get("tenant-a", "case-1", "missing")).toBeUndefined();
    expect(await archive.list("tenant-a", "no-such-case")).toEqual([]);
  });

  it("rejects ids that would change the blob path", async () => {
    await expect(archive.put(letter({ caseId: "a/b" }))).rejects.toThrow(TypeError);
  });
});

describe("azurite queue and table services", () => {
  // No queue/table SDK is installed; an account SAS signed by the blob SDK authorises plain REST calls instead.
  const sas = () =>
    generateAccountSASQueryParameters(
      {
        expiresOn: new Date(Date.now() + 3_600_000),
        permissions: AccountSASPermissions.parse("rwdlacup"),
        resourceTypes: AccountSASResourceTypes.parse("sco").toString(),
        services: AccountSASServices.parse("qt").toString(),
        protocol: SASProtocol.HttpsAndHttp,
      },
      new StorageSharedKeyCredential(AZURITE_ACCOUNT_NAME, AZURITE_ACCOUNT_KEY),
    ).toString();
  const endpoint = (name: "Queue" | "Table") => new RegExp(`${name}Endpoint=([^;]+)`).exec(connectionString)![1]!;

  it("creates a queue, enqueues a message and reads it back", async () => {
    const queue = `${endpoint("Queue")}/reminders`;
    expect((await fetch(`${queue}?${sas()}`, { method: "PUT" })).status).toBe(201);
    const text = Buffer.from("case-1").toString("base64");
    const put = await fetch(`${queue}/messages?${sas()}`, {
      method: "POST",
      body: `<QueueMessage><MessageText>${text}</MessageText></QueueMessage>`,
    });
    expect(put.status).toBe(201);
    const got = await fetch(`${queue}/messages?${sas()}`);
    expect(got.status).toBe(200);
    expect(await got.text()).toContain(`<MessageText>${text}</MessageText>`);
  });

  it("creates a table, inserts an entity and reads it by its keys", async () => {
    const table = endpoint("Table");
    const headers = { "content-type": "application/json", accept: "application/json;odata=nometadata" };
    const created = await fetch(`${table}/Tables?${sas()}`, {
      method: "POST",
      headers,
      body: JSON.stringify({ TableName: "cases" }),
    });
    expect(created.status).toBe(201);
    const inserted = await fetch(`${table}/cases?${sas()}`, {
      method: "POST",
      headers,
      body: JSON.stringify({ PartitionKey: "tenant-a", RowKey: "case-1", status: "open" }),
    });
    expect(inserted.status).toBe(201);
    const read = await fetch(`${table}/cases(PartitionKey='tenant-a',RowKey='case-1')?${sas()}`, { headers });
    expect(read.status).toBe(200);
    expect(await read.json()).toMatchObject({ PartitionKey: "tenant-a", RowKey: "case-1", status: "open" });
  });
});

describe("azurite restart", () => {
  it("keeps blobs, metadata and tags across a restart on the same data directory", async () => {
    const archive = new BlobLetterArchive({
      connectionString,
      containerName: "letters",
      createContainerIfMissing: true,
    });
    await archive.put(letter({ caseId: "case-restart", documentId: "kept" }));
    await azurite.stop();

    await startAzurite();
    const again = new BlobLetterArchive({ connectionString, containerName: "letters" });
    const read = await again.get("tenant-a", "case-restart", "kept");
    expect(read?.content.toString()).toBe("%PDF-1.7 reminder");
    expect(read?.metadata.kind).toBe("reminder");
    expect((await files.getBlobClient("a/b/hello.txt").downloadToBuffer()).toString()).toBe("hei verden");
    const tags = await service.getContainerClient("letters").getBlobClient("tenant-a/case-restart/kept").getTags();
    expect(tags.tags).toMatchObject({ case: "case-restart" });
  });
});
