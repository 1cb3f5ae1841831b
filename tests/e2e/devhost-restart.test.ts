import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CosmosClient } from "@azure/cosmos";
import { BlobServiceClient } from "@azure/storage-blob";
import { ServiceBusClient } from "@azure/service-bus";
import { SmsClient } from "@azure/communication-sms";
import { makeDataDir, ROOT, startDevHost, type DevHostProcess } from "../support/devhost-process";
import { json } from "../support/http";

const settings = JSON.parse(fs.readFileSync(path.join(ROOT, "local.settings.example.json"), "utf8")).Values as Record<
  string,
  string
>;
const AZURITE_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
const accessKey = /accesskey=([^;]+)/.exec(settings.ACS_CONNECTION_STRING!)![1]!;

const cosmos = (h: DevHostProcess) =>
  new CosmosClient({
    endpoint: h.standIns.cosmos!,
    key: settings.COSMOS_KEY!,
    connectionPolicy: { enableEndpointDiscovery: false },
  });
const blobs = (h: DevHostProcess) =>
  BlobServiceClient.fromConnectionString(
    `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${AZURITE_KEY};BlobEndpoint=${h.standIns.blob};`,
  );
const bus = (h: DevHostProcess) =>
  new ServiceBusClient(
    `Endpoint=sb://${new URL(h.standIns.serviceBus!).host};SharedAccessKeyName=local;SharedAccessKey=local;UseDevelopmentEmulator=true`,
  );

const dataDir = makeDataDir("devhost-restart-");
let host: DevHostProcess | undefined;
afterAll(async () => {
  await host?.stop();
});

describe("stopping and starting npm start", () => {
  it("keeps Cosmos documents, blobs, queued messages and the SMS outbox", async () => {
    host = await startDevHost(dataDir);
    const { database } = await cosmos(host).databases.createIfNotExists({ id: "restart-test" });
    const { container } = await database.containers.createIfNotExists({
      id: "things",
      partitionKey: { paths: ["/pk"] },
    });
    await container.items.create({ id: "doc-1", pk: "p", amount: { value: 12_345, currency: "NOK" } });
    const letters = blobs(host).getContainerClient("restart-test");
    await letters.createIfNotExists();
    await letters.getBlockBlobClient("t/c/letter.pdf").upload("%PDF-1.7 test", 13, { metadata: { kind: "reminder" } });
    const sb = bus(host);
    const sender = sb.createSender("webhook-deliveries");
    await sender.scheduleMessages(
      { body: { attempt: 3 }, messageId: "restart-msg" },
      new Date(Date.now() + 365 * 86_400_000),
    );
    await sender.close();
    await sb.close();
    const sms = new SmsClient(`endpoint=${host.standIns.sms};accesskey=${accessKey}`, {
      allowInsecureConnection: true,
    });
    const [sent] = await sms.send({
      from: "Kraftverk",
      to: ["+4791234567"],
      message: "Hei! Betal her: http://127.0.0.1/p/x",
    });
    expect(sent?.successful).toBe(true);

    expect(await host.stop()).toBe(0);
    host = await startDevHost(dataDir);

    const { resource } = await cosmos(host).database("restart-test").container("things").item("doc-1", "p").read();
    expect(resource?.amount).toEqual({ value: 12_345, currency: "NOK" });
    const blob = blobs(host).getContainerClient("restart-test").getBlockBlobClient("t/c/letter.pdf");
    expect((await blob.downloadToBuffer()).toString()).toBe("%PDF-1.7 test");
    expect((await blob.getProperties()).metadata).toEqual({ kind: "reminder" });
    const sb2 = bus(host);
    const receiver = sb2.createReceiver("webhook-deliveries");
    const peeked = await receiver.peekMessages(10);
    expect(peeked.map((m) => m.messageId)).toContain("restart-msg");
    await receiver.close();
    await sb2.close();
    const outbox = await json(await fetch(`${host.base}/api/dev/sms`, { headers: { accept: "application/json" } }));
    const messages = Array.isArray(outbox) ? outbox : outbox.messages;
    expect(messages.some((m: { messageId: string }) => m.messageId === sent!.messageId)).toBe(true);
  });
});
