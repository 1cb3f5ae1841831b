/**
 * Reminder letters (purring) rendered and handed to their channel, end to end the way the platform does it: the
 * application's own `makeExecuteStep` with the ports the composition root builds (`buildAppDeps` in
 * functions/composition.ts, turned into the use case's deps by the executeStep activity's `executeStepDepsFrom`)
 * against freshly started stand-ins, as the dev host starts them: Cosmos DB (cases, tenants, pay links, delivery
 * index, interest rates), Azurite (the `letters` archive and the `print-outbox` container), ACS SMS + e-mail
 * (one endpoint, `@azure/communication-email` / `@azure/communication-sms`) and the Service Bus broker (the
 * `case-events` topic the step publishes to). No Durable engine: the step is called as the activity calls it.
 *
 * 1. Preparation (not timed). One tenant on the default Norwegian ladder; N cases (default 1 000), each its own
 *    debtor with SMS consent; every other one also with an e-mail address and consent to e-mail (→ e-mail with the
 *    PDF attached), the rest by post (→ print outbox). The Let's pay SMS step is executed for each at due + 7 days.
 * 2. The measured phase. The virtual clock is set to due + 14 days, when the reminder is due, and the reminder step
 *    is executed for every case, IN_FLIGHT at a time (the Functions host's activity concurrency): plan again, issue
 *    a pay link, render the PDF (pdfkit, QR code), archive it, send the SMS alert, record the step, hand the letter
 *    to its channel (e-mail sent and its operation polled to the end, or the PDF + recipient put in the print outbox),
 *    record the delivery, publish the events.
 * 3. Correctness (not timed): every case read back has its reminder step recorded and exactly one reminder delivery
 *    `dispatched` on the expected channel; the e-mail stand-in's outbox and the print outbox hold one letter each.
 *    Anything else throws (the bench reports FAILED).
 *
 * The stages' own times come from thin timing wrappers around the real adapters (archive, SMS, e-mail, print).
 * Nothing here asserts a speed. The phase is CPU-bound in this one process (rendering — pdfkit parses the embedded
 * fonts again for every letter — and the in-process stand-ins): 1 000 letters took ~135 s of phase and ~160 s in all
 * on 2 busy cores (load ~4), longer than the other benches; BENCH_LETTERS sets a smaller number.
 *
 *   npm run bench -- letters                       1 000 letters, 16 in flight
 *   BENCH_LETTERS=200 npm run bench -- letters     another number of letters
 *   BENCH_LETTERS_IN_FLIGHT=4 npm run bench -- letters
 */
import { BlobServiceClient } from "@azure/storage-blob";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { VirtualClock } from "../../devhost/clock";
import { CosmosStandIn } from "../../devhost/cosmos/cosmos-stand-in";
import { AcsEmailStandIn } from "../../devhost/email/acs-email-stand-in";
import { silentLogger } from "../../devhost/logger";
import { LocalServiceBus, loadServiceBusEntities } from "../../devhost/service-bus/broker";
import { AcsSmsStandIn } from "../../devhost/sms/acs-sms-stand-in";
import { AzuriteStandIn } from "../../devhost/storage/azurite";
import { WorkTracker } from "../../devhost/work-tracker";
import { executeStepDepsFrom } from "../../functions/cases/execute-step.activity";
import { buildAppDeps } from "../../functions/composition";
import {
  createCosmosDatabase,
  disposeCosmosClients,
  ensureCosmosContainers,
  loadCosmosContainers,
} from "../../shared/adapters/cosmos/database.cosmos";
import { makeExecuteStep, type ExecuteStepDeps, type StepOutcome } from "../../shared/application/execute-step";
import { parseSettings } from "../../shared/config/settings";
import { openCase } from "../../shared/domain/case";
import { caseIdFor } from "../../shared/domain/case-id";
import { generateKid } from "../../shared/domain/identifiers/kid";
import { money } from "../../shared/domain/money";
import type { CaseRecord, CustomerDetails } from "../../shared/ports/case-store";
import type { Tenant } from "../../shared/ports/tenant-store";
import { inParallel, pct } from "./helpers";

const TENANT_ID = "t_bench_letters";
const DUE = "2026-11-20";
/** Due + 7 at 09:00 Oslo: the Let's pay SMS of the default Norwegian ladder. */
const SMS_TIME = "2026-11-27T08:00:00.000Z";
/** Due + 14 at 09:00 Oslo: the reminder. */
const REMINDER_TIME = "2026-12-04T08:00:00.000Z";
const SMS_STEP = { kind: "lets-pay-sms" as const, stepIndex: 0, serviceIds: [] };
const REMINDER_STEP = { kind: "reminder" as const, stepIndex: 1, serviceIds: [] };
const PREPARE_IN_FLIGHT = 16;
const ROOT = join(__dirname, "..", "..", "..");

type Channel = "email" | "print";

export async function run(): Promise<Record<string, number | string>> {
  const count = positiveInt("BENCH_LETTERS", 1_000);
  const inFlight = positiveInt("BENCH_LETTERS_IN_FLIGHT", 16);
  const dataDir = await mkdtemp(join(tmpdir(), "bench-letters-"));
  const stops: Array<() => Promise<void>> = [];
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
  try {
    // ---- stand-ins, as the dev host starts them -------------------------------------------------------------------
    const cosmos = new CosmosStandIn({ dataDir, logger: silentLogger, saveIntervalMs: 0 });
    const { endpoint: cosmosEndpoint, key: cosmosKey } = await cosmos.start(0);
    stops.push(() => cosmos.stop());
    const azurite = new AzuriteStandIn({ dataDir, logger: silentLogger });
    const { connectionString: storage } = await azurite.start({ blob: 0, queue: 0, table: 0 });
    stops.push(() => azurite.stop());
    const blobService = BlobServiceClient.fromConnectionString(storage);
    for (const name of ["letters", "print-outbox"]) await blobService.getContainerClient(name).createIfNotExists();
    const accessKey = randomBytes(32).toString("base64");
    const email = new AcsEmailStandIn({ dataDir, accessKey, logger: silentLogger });
    await email.load();
    stops.push(() => email.stop());
    const sms = new AcsSmsStandIn({ dataDir, accessKey, logger: silentLogger, acsRoutes: [email.handleAcsHttp] });
    const { connectionString: acs } = await sms.start(0);
    stops.push(() => sms.stop());
    const tracker = new WorkTracker();
    const broker = new LocalServiceBus({
      entities: loadServiceBusEntities(join(ROOT, "infra-bicep", "service-bus-entities.json")),
      dataDir,
      clock: new VirtualClock(tracker),
      tracker,
      logger: silentLogger,
    });
    const { connectionString: serviceBus } = await broker.start(0);
    stops.push(() => broker.stop());

    // ---- the app's ports, built by the composition root -----------------------------------------------------------
    const example = JSON.parse(readFileSync(join(ROOT, "local.settings.example.json"), "utf8")) as {
      Values: Record<string, string>;
    };
    const settings = parseSettings({
      COSMOS_ENDPOINT: cosmosEndpoint,
      COSMOS_KEY: cosmosKey,
      COSMOS_DATABASE: "bench",
      COSMOS_ENDPOINT_DISCOVERY: "false",
      AzureWebJobsStorage: storage,
      ServiceBusConnection: serviceBus,
      ACS_CONNECTION_STRING: acs,
      ACS_EMAIL_SENDER: example.Values.ACS_EMAIL_SENDER,
      LETTERS_CONTAINER: "letters",
      PRINT_OUTBOX_CONTAINER: "print-outbox",
      LETTERHEAD: example.Values.LETTERHEAD,
      PUBLIC_BASE_URL: "https://pay.example.test",
    });
    await ensureCosmosContainers(
      createCosmosDatabase({
        endpoint: cosmosEndpoint,
        key: cosmosKey,
        databaseId: "bench",
        endpointDiscovery: false,
      }),
      loadCosmosContainers(join(ROOT, "infra-bicep", "cosmos-containers.json")),
    );
    let now = new Date(SMS_TIME);
    const app = buildAppDeps(settings, { clock: { now: () => new Date(now) } });
    stops.push(async () => {
      await (app.events as unknown as { close?: () => Promise<void> }).close?.();
    });
    const timing = new Timing();
    const real = executeStepDepsFrom(app);
    if (!real.channels?.email || !real.channels.printHouse) throw new Error("e-mail or print is not configured");
    const deps: ExecuteStepDeps = { ...real, ...timing.wrap(real) };
    const executeStep = makeExecuteStep(deps);

    // ---- 1. preparation -------------------------------------------------------------------------------------------
    const t0 = performance.now();
    await app.tenants.create(tenant(), {
      keyId: "bench-letters",
      tenantId: TENANT_ID,
      keyHash: "x",
      createdAt: tenant().createdAt,
    });
    const channelOf = (i: number): Channel => (i % 2 === 0 ? "email" : "print");
    const caseIds = await inParallel(count, PREPARE_IN_FLIGHT, async (i) => {
      const record = await app.cases.create(caseRecord(i, channelOf(i) === "email"));
      const outcome = await executeStep(record.caseId, SMS_STEP);
      if (outcome.kind !== "executed") throw new Error(`the Let's pay SMS step was ${outcome.kind}`);
      return record.caseId;
    });
    const prepareSeconds = (performance.now() - t0) / 1000;
    timing.reset();

    // ---- 2. the measured phase ------------------------------------------------------------------------------------
    now = new Date(REMINDER_TIME);
    const perLetter: Array<{ channel: Channel; start: number; end: number; outcome: StepOutcome }> = [];
    const cpu0 = process.cpuUsage();
    const wall0 = performance.now();
    await inParallel(count, inFlight, async (i) => {
      const start = performance.now();
      const outcome = await executeStep(caseIds[i]!, REMINDER_STEP);
      perLetter[i] = { channel: channelOf(i), start, end: performance.now(), outcome };
    });
    const wallMs = performance.now() - wall0;
    const cpu = process.cpuUsage(cpu0);

    // ---- 3. correctness -------------------------------------------------------------------------------------------
    const outcomes = new Map<string, number>();
    for (const l of perLetter) {
      const word =
        l.outcome.kind === "executed"
          ? `executed (${l.outcome.delivery.channel} ${l.outcome.delivery.status})`
          : l.outcome.kind;
      outcomes.set(word, (outcomes.get(word) ?? 0) + 1);
    }
    const records = await inParallel(count, PREPARE_IN_FLIGHT, (i) => app.cases.getById(caseIds[i]!));
    let correct = 0;
    const wrong: string[] = [];
    records.forEach((r, i) => {
      const recorded =
        r?.sentKeys.includes("executed:step:1:reminder") &&
        r.case.steps.some((s) => s.kind === "reminder" && s.stepIndex === 1);
      const deliveries = (r?.deliveries ?? []).filter((d) => d.kind === "reminder");
      const ok =
        recorded &&
        deliveries.length === 1 &&
        deliveries[0]!.state === "dispatched" &&
        deliveries[0]!.channel === channelOf(i);
      if (ok) correct++;
      else if (wrong.length < 3)
        wrong.push(
          `case #${i}: step ${recorded ? "recorded" : "missing"}, deliveries ${deliveries.map((d) => `${d.channel}/${d.state}`).join(",") || "none"}`,
        );
    });
    const expectedEmail = perLetter.filter((l) => l.channel === "email").length;
    const emailed = email.outbox().filter((m) => m.attachments.some((a) => a.contentType === "application/pdf"));
    let printed = 0;
    for await (const blob of blobService.getContainerClient("print-outbox").listBlobsFlat({ prefix: "pending/" }))
      if (blob.name.endsWith(".pdf")) printed++;

    // ---- figures --------------------------------------------------------------------------------------------------
    const figures: Record<string, number | string> = {};
    figures["letters (reminders, default Norwegian ladder, one tenant)"] = count;
    figures["concurrency: steps in flight (Functions host activity concurrency)"] = inFlight;
    figures["preparation (cases + Let's pay SMS step, not timed), s"] = prepareSeconds.toFixed(1);
    figures["wall time, s"] = (wallMs / 1000).toFixed(1);
    figures["letters/s overall"] = count / (wallMs / 1000);
    const all = perLetter.map((l) => l.end - l.start);
    figures["ms per letter, all: p50 / p95 / max"] = fmtPct(all);
    for (const channel of ["email", "print"] as const) {
      const mine = perLetter.filter((l) => l.channel === channel);
      if (mine.length === 0) continue;
      const span = (Math.max(...mine.map((l) => l.end)) - Math.min(...mine.map((l) => l.start))) / 1000;
      const label = channel === "email" ? "e-mail (PDF attached, ACS)" : "post (print outbox, Blob)";
      figures[`${label}: letters / letters/s (over its own span)`] =
        `${mine.length} / ${(mine.length / span).toFixed(1)}`;
      figures[`${label}: ms per letter p50 / p95 / max`] = fmtPct(mine.map((l) => l.end - l.start));
    }
    for (const [stage, ms] of timing.stages())
      figures[`  stage ${stage}: calls / ms p50 / p95 (inside the letter)`] =
        `${ms.length} / ${pct(ms, 50).toFixed(0)} / ${pct(ms, 95).toFixed(0)}`;
    figures["PDF bytes, average"] = Math.round(timing.pdfBytes.reduce((a, b) => a + b, 0) / timing.pdfBytes.length);
    figures["CPU seconds of this process in the phase (user + system)"] = ((cpu.user + cpu.system) / 1e6).toFixed(1);
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    figures["peak RSS, MiB (this process: bench, Cosmos/ACS/Service Bus stand-ins; azurite apart)"] = Math.round(
      peakRss / 2 ** 20,
    );
    for (const [word, n] of outcomes) figures[`outcome: ${word}`] = n;
    figures["check: reminder recorded + one delivery dispatched on its channel"] = `${correct} of ${count}`;
    figures["check: e-mails with a PDF in the ACS outbox / PDFs in the print outbox"] =
      `${emailed.length} of ${expectedEmail} / ${printed} of ${count - expectedEmail}`;
    if (correct !== count || emailed.length !== expectedEmail || printed !== count - expectedEmail)
      throw new Error(
        `letters: ${correct} of ${count} cases correct, ${emailed.length} e-mails, ${printed} printed; ${wrong.join("; ")}`,
      );
    return figures;
  } finally {
    clearInterval(sampler);
    disposeCosmosClients();
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    await rm(dataDir, { recursive: true, force: true });
  }
}

// ---- the cases ----------------------------------------------------------------------------------------------------

function tenant(): Tenant {
  return {
    schemaVersion: 1,
    tenantId: TENANT_ID,
    name: "Fjordkraft Demo AS",
    senderName: "Fjordkraft",
    orgNumber: "923609016",
    country: "NO",
    policy: null, // the default Norwegian ladder
    createdAt: "2026-11-01T00:00:00.000Z",
    updatedAt: "2026-11-01T00:00:00.000Z",
  };
}

/** Case `i`: a debtor of its own, NOK 1 250 due DUE; with an e-mail address and consent to e-mail when `byEmail`. */
function caseRecord(i: number, byEmail: boolean): CaseRecord {
  const invoiceNumber = `LTR-${i}`;
  const customer: CustomerDetails = {
    customerId: `bench-debtor-${i}`,
    name: "Kari Nordmann",
    phone: "+4791234567",
    address: { lines: ["Storgata 1"], postalCode: "0150", city: "Oslo", country: "NO" },
    ...(byEmail ? { email: `debtor-${i}@example.no` } : {}),
    consent: { sms: true, email: byEmail },
  };
  const caseId = caseIdFor(TENANT_ID, invoiceNumber);
  const at = "2026-11-01T08:00:00.000Z";
  return {
    schemaVersion: 1,
    caseId,
    tenantId: TENANT_ID,
    invoiceNumber,
    customerId: customer.customerId,
    kid: generateKid(String(1_000_000 + i), "MOD10"),
    customer,
    case: openCase({
      id: caseId,
      tenantId: TENANT_ID,
      creditorId: TENANT_ID,
      invoiceNumber,
      country: "NO",
      currency: "NOK",
      debtor: { ref: customer.customerId, kind: "consumer" },
      lines: [{ description: "Strøm for oktober 2026", amount: money(1250_00, "NOK") }],
      issueDate: "2026-11-01",
      dueDate: DUE,
    }),
    timeline: [{ at, kind: "created", title: `Invoice ${invoiceNumber} handed over` }],
    documents: [],
    sentKeys: [],
    createdAt: at,
    updatedAt: at,
  };
}

// ---- measuring ----------------------------------------------------------------------------------------------------

/** Thin timing wrappers around the real adapters: how long each stage of a letter took, and the PDFs' sizes. */
class Timing {
  private readonly ms = new Map<string, number[]>();
  pdfBytes: number[] = [];

  reset(): void {
    this.ms.clear();
    this.pdfBytes = [];
  }

  stages(): Array<[string, number[]]> {
    return [...this.ms.entries()];
  }

  wrap(d: ExecuteStepDeps): Pick<ExecuteStepDeps, "letters" | "sms" | "channels"> {
    const { letters, sms } = d;
    const email = d.channels!.email!;
    const printHouse = d.channels!.printHouse!;
    return {
      letters: {
        put: (letter) => {
          this.pdfBytes.push(letter.content.length);
          return this.time("archive put (Blob)", () => letters.put(letter));
        },
        get: (...a) => this.time("archive read back (Blob)", () => letters.get(...a)),
        list: (...a) => letters.list(...a),
      },
      sms: { send: (m) => this.time("SMS alert send (ACS)", () => sms.send(m)) },
      channels: {
        ...d.channels,
        email: { send: (m) => this.time("e-mail send + poll to the end (ACS)", () => email.send(m)) },
        printHouse: { submit: (l) => this.time("print outbox submit (Blob)", () => printHouse.submit(l)) },
      },
    };
  }

  private async time<T>(stage: string, op: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await op();
    } finally {
      const list = this.ms.get(stage) ?? [];
      list.push(performance.now() - started);
      this.ms.set(stage, list);
    }
  }
}

function fmtPct(values: number[]): string {
  if (values.length === 0) return "n/a";
  return [pct(values, 50), pct(values, 95), Math.max(...values)].map((v) => v.toFixed(0)).join(" / ");
}

function positiveInt(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive whole number`);
  return value;
}
