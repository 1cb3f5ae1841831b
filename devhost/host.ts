/**
 * The dev host: runs the app's own registrations (captured from `functions/index`) on this machine, with local
 * stand-ins for Cosmos DB, Blob/Queue/Table storage, Service Bus, ACS SMS and Email and Vipps MobilePay, Key Vault (with an App
 * Service managed identity endpoint), a partner system (service orders), Digipost, a Durable Functions engine and a virtual clock. A stand-in starts only when its setting points at this machine; a setting that names a real Azure resource
 * is used as it is.
 */
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { asString } from "./text";
import { installFunctionsCore, type FunctionRegistry } from "./functions-core";
import { VirtualClock } from "./clock";
import {
  DEMO_TENANT_ID,
  SECOND_DEMO_TENANT,
  seedDemoPartnerConnection,
  seedDemoPeopleClaims,
  seedDemoTenant,
} from "./demo-tenant";
import { OidcProviderStandIn } from "./oidc/oidc-provider-stand-in";
import { realSleep, WorkTracker } from "./work-tracker";
import { createLogger, type DevLogger } from "./logger";
import { Invoker } from "./invoker";
import { DevHttpServer } from "./http-server";
import { TimerTriggers } from "./timers";
import { clockRoutes } from "./clock-routes";
import type { DevRouteHandler } from "./dev-routes";
import { sendJson } from "./dev-routes";
import {
  applySettings,
  clockStartFrom,
  isLoopbackUrl,
  loadLocalSettings,
  parseConnectionString,
  portOf,
} from "./settings";
import { DurableEngine } from "./durable/engine";
import { loadServiceBusEntities } from "./service-bus/broker";
import { startBroker, type BrokerHandle } from "./service-bus/broker-thread";
import { startServiceBusTriggers } from "./service-bus/triggers-thread";
import { readDurableHostSettings } from "./durable/host-settings";
import { readServiceBusHostSettings } from "./service-bus/host-settings";
import { startCosmos, type CosmosHandle } from "./cosmos/cosmos-thread";
import { AzuriteStandIn } from "./storage/azurite";
import { AcsSmsStandIn } from "./sms/acs-sms-stand-in";
import { AcsEmailStandIn } from "./email/acs-email-stand-in";
import { startVipps, type VippsHandle } from "./vipps/vipps-thread";
import { StandInThread, standInThreadsEnabled } from "./stand-in-thread";
import { PartnerSimulator } from "./partner/partner-simulator";
import { DigipostStandIn, ensureDevSigningKey } from "./digipost/digipost-stand-in";
import { KeyVaultStandIn } from "./key-vault/key-vault-stand-in";
import { ManagedIdentityEndpoint } from "./key-vault/managed-identity-endpoint";
import { BlobTriggers } from "./blob-triggers";
import { PrintHouseStandIn } from "./print/print-house-stand-in";
import { CLOSE_PRINT_BATCH_FUNCTION } from "../functions/print/names";
import { BlobServiceClient } from "@azure/storage-blob";
import { CosmosTenantStore } from "../shared/adapters/cosmos/tenant-store.cosmos";
import { CosmosPartnerConnectionStore } from "../shared/adapters/cosmos/partner-connection-store.cosmos";
import {
  createCosmosDatabase,
  disposeCosmosClients,
  ensureCosmosContainers,
  loadCosmosContainers,
} from "../shared/adapters/cosmos/database.cosmos";
import { Settings } from "../shared/config/settings";
import { KeyVaultSecretVault } from "../shared/adapters/key-vault/secret-vault.key-vault";

export interface DevHostOptions {
  /** Project root: where local.settings(.example).json and package.json are. */
  root: string;
  /** Module that registers the app's functions; default: package.json "main" resolved from root. */
  appEntry?: string;
  env?: NodeJS.ProcessEnv;
  /** HTTP port; default PORT, else Host.LocalHttpPort, else 7071. 0 = any free port. */
  port?: number;
  /** Start stand-ins on free ports instead of the ports in the settings (parallel test runs). */
  autoPorts?: boolean;
  /** Initial virtual time (ms since the epoch), ignoring a saved clock; default the DEVHOST_CLOCK_START setting, else real time. */
  startAt?: number;
  logger?: DevLogger;
}

export interface DevHostAddresses {
  http: string;
  functions: Array<{ name: string; trigger: string; route?: string; methods?: string[] }>;
  standIns: Record<string, string>;
  dataDir: string;
  settingsFile: string;
}

type Stoppable = { name: string; stop: () => Promise<void> | void };

/** The dev host's Event Grid retry delays (real time), shortened from Event Grid's schedule. */
const EVENT_GRID_RETRY_MS = [200, 1_000, 3_000];

export class DevHost {
  readonly tracker = new WorkTracker();
  readonly clock: VirtualClock;
  readonly logger: DevLogger;
  registry: FunctionRegistry | undefined;
  invoker: Invoker | undefined;
  durable: DurableEngine | undefined;
  sms: AcsSmsStandIn | undefined;
  email: AcsEmailStandIn | undefined;
  vipps: VippsHandle | undefined;
  partner: PartnerSimulator | undefined;
  digipost: DigipostStandIn | undefined;
  cosmos: CosmosHandle | undefined;
  serviceBus: BrokerHandle | undefined;
  print: PrintHouseStandIn | undefined;
  private http: DevHttpServer | undefined;
  private readonly stack: Stoppable[] = [];
  private stopping: Promise<void> | undefined;

  private clockFile: string | undefined;

  constructor(private readonly options: DevHostOptions) {
    this.clock = new VirtualClock(this.tracker, options.startAt);
    this.logger = options.logger ?? createLogger(undefined, () => this.clock.nowDate());
  }

  /**
   * The virtual clock's lead over real time is kept under the data folder, so that after a restart the orchestrations
   * and messages saved at virtual times are not in the clock's future.
   */
  private restoreClock(dataDir: string, env: NodeJS.ProcessEnv): void {
    // DEVHOST_CLOCK_START: a fresh clock starts there; a saved clock that is further on still wins (never backwards).
    // Read first: an invalid value stops the start before any clock is saved.
    const start = clockStartFrom(env);
    this.clockFile = path.join(dataDir, "clock.json");
    if (this.options.startAt !== undefined) return this.saveClock();
    if (start !== undefined) this.clock.startAt(start);
    try {
      const saved = JSON.parse(fs.readFileSync(this.clockFile, "utf8")) as { offsetMs?: number };
      if (typeof saved.offsetMs === "number") this.clock.restoreOffset(saved.offsetMs);
    } catch {
      /* first start */
    }
  }

  private saveClock(): void {
    if (!this.clockFile) return;
    fs.writeFileSync(
      this.clockFile,
      JSON.stringify({ offsetMs: this.clock.offset, savedAt: this.clock.nowDate().toISOString() }),
    );
  }

  async start(): Promise<DevHostAddresses> {
    const { root } = this.options;
    const env = this.options.env ?? process.env;
    const settings = loadLocalSettings(root);
    applySettings(settings.values, env);
    const setting = (name: string) => env[name];
    const dataDir = path.resolve(root, env.DEVHOST_DATA_DIR ?? ".data");
    fs.mkdirSync(dataDir, { recursive: true });
    this.restoreClock(dataDir, env);
    this.clock.onAdvanced(() => this.saveClock());
    const auto = this.options.autoPorts === true;
    const standIns: Record<string, string> = {};
    // The heaviest stand-ins run in a worker thread (stand-in-thread.ts): this thread's event loop is the app's.
    const threadDeps = { logger: this.logger, clock: this.clock, tracker: this.tracker };
    const threads = standInThreadsEnabled(env) ? StandInThread.start(threadDeps) : undefined;
    // Stopped last (the stack is stopped in reverse): its stand-ins stop first, each when its turn comes.
    if (threads) this.stack.push({ name: "stand-in thread", stop: () => threads.stop() });

    // Stand-ins first: the app's settings must name their real addresses before the app reads them.
    if (isLoopbackUrl(env.COSMOS_ENDPOINT)) {
      const cosmos = await startCosmos({ dataDir }, auto ? 0 : portOf(env.COSMOS_ENDPOINT!, 8081), threadDeps, threads);
      const { endpoint, key } = cosmos;
      env.COSMOS_ENDPOINT = endpoint;
      standIns.cosmos = endpoint;
      this.cosmos = cosmos;
      this.stack.push({ name: "cosmos", stop: () => cosmos.stop() });
      // The database and containers Bicep creates in Azure (declared in infra-bicep/cosmos-containers.json).
      const cosmosContainers = loadCosmosContainers(path.join(root, "infra-bicep", "cosmos-containers.json"));
      await ensureCosmosContainers(createCosmosDatabase(cosmosOptions(env, key)), cosmosContainers);
    }
    if (isLocalStorage(env.AzureWebJobsStorage)) {
      const azurite = new AzuriteStandIn({ dataDir, logger: this.logger });
      const started = await azurite.start(auto ? { blob: 0, queue: 0, table: 0 } : undefined);
      env.AzureWebJobsStorage = started.connectionString;
      standIns.blob = `http://127.0.0.1:${started.blobPort}/devstoreaccount1`;
      standIns.queue = `http://127.0.0.1:${started.queuePort}/devstoreaccount1`;
      standIns.table = `http://127.0.0.1:${started.tablePort}/devstoreaccount1`;
      this.stack.push({ name: "azurite", stop: () => azurite.stop() });
      // What Bicep provisions in Azure (infra-bicep/modules/storage.bicep), the dev host provisions locally.
      const blobService = BlobServiceClient.fromConnectionString(started.connectionString);
      const print = [env.PRINT_OUTBOX_CONTAINER, env.PRINT_RECEIPTS_CONTAINER, env.PRINT_RECEIPTS_REJECTED_CONTAINER];
      const uploads = env.DEBTOR_UPLOADS_CONTAINER ?? "debtor-uploads";
      for (const name of [
        env.LETTERS_CONTAINER ?? "letters",
        "ocr-incoming",
        uploads,
        env.INVOICE_DOCUMENTS_CONTAINER ?? "invoice-documents",
        ...print.filter((c) => c !== undefined),
      ])
        await blobService.getContainerClient(name).createIfNotExists();
    }
    const sbEndpoint = env.ServiceBusConnection
      ? parseConnectionString(env.ServiceBusConnection).get("endpoint")
      : undefined;
    if (sbEndpoint && isLoopbackUrl(sbEndpoint.replace(/^sb:/, "http:"))) {
      const broker = await startBroker(
        { entities: loadServiceBusEntities(path.join(root, "infra-bicep", "service-bus-entities.json")), dataDir },
        auto ? 0 : portOf(sbEndpoint.replace(/^sb:/, "http:"), 5672),
        threadDeps,
        threads,
      );
      const { port, connectionString } = broker;
      env.ServiceBusConnection = connectionString;
      standIns.serviceBus = `amqp://127.0.0.1:${port}`;
      this.serviceBus = broker;
      this.stack.push({ name: "service-bus", stop: () => broker.stop() });
    }
    const acs = env.ACS_CONNECTION_STRING ? parseConnectionString(env.ACS_CONNECTION_STRING) : undefined;
    if (acs && isLoopbackUrl(acs.get("endpoint"))) {
      // ACS Email on the SMS stand-in's endpoint: one connection string for both, as one ACS resource in Azure.
      const reportDelayMs = reportDelayFrom(env.DEVHOST_DELIVERY_REPORT_DELAY_MS);
      const email = new AcsEmailStandIn({
        dataDir,
        ...(reportDelayMs !== undefined ? { reportDelayMs } : {}),
        accessKey: acs.get("accesskey") ?? "",
        logger: this.logger,
        now: () => this.clock.nowDate(),
        onDeliveryReport: (event) => this.deliverEventGrid(event),
        track: (work) => this.tracker.track(work),
      });
      await email.load();
      this.email = email;
      this.stack.push({ name: "email", stop: () => email.stop() });
      const sms = new AcsSmsStandIn({
        dataDir,
        ...(reportDelayMs !== undefined ? { autoReportDelayMs: reportDelayMs } : {}),
        accessKey: acs.get("accesskey") ?? "",
        logger: this.logger,
        now: () => this.clock.nowDate(),
        onDeliveryReport: (event) => this.deliverEventGrid(event),
        track: (work) => this.tracker.track(work),
        acsRoutes: [email.handleAcsHttp],
      });
      const started = await sms.start(auto ? 0 : portOf(acs.get("endpoint")!, 7072));
      env.ACS_CONNECTION_STRING = started.connectionString;
      standIns.sms = started.endpoint;
      this.sms = sms;
      this.stack.push({ name: "sms", stop: () => sms.stop() });
    }
    if (isLoopbackUrl(env.VIPPS_BASE_URL)) {
      // Events and webhook signatures on the virtual clock (so the app's x-ms-date window check passes), webhook
      // deliveries tracked as work: in its thread too (vipps-thread.ts).
      const vipps = await startVipps(
        {
          dataDir,
          clientId: env.VIPPS_CLIENT_ID ?? "",
          clientSecret: env.VIPPS_CLIENT_SECRET ?? "",
          subscriptionKey: env.VIPPS_SUBSCRIPTION_KEY ?? "",
          merchantSerialNumber: env.VIPPS_MERCHANT_SERIAL_NUMBER ?? "",
        },
        auto ? 0 : portOf(env.VIPPS_BASE_URL!, 7073),
        threadDeps,
        threads,
      );
      env.VIPPS_BASE_URL = vipps.baseUrl;
      standIns.vipps = vipps.baseUrl;
      this.vipps = vipps;
      this.stack.push({ name: "vipps", stop: () => vipps.stop() });
    }
    if (isLoopbackUrl(env.PARTNER_SIMULATOR_URL)) {
      // A partner's provisioning system (TMF641 service orders); the dev host's settings alone name it, never the app's.
      const partner = new PartnerSimulator({
        dataDir,
        secret: env.PARTNER_SIMULATOR_SECRET ?? "",
        logger: this.logger,
        // Orders, tokens and callback signatures on the virtual clock; its steps and retries are scheduled there too.
        now: () => this.clock.nowDate(),
        schedule: (at, fire, label) => this.clock.schedule(at, fire, label),
      });
      const started = await partner.start(auto ? 0 : portOf(env.PARTNER_SIMULATOR_URL!, 7074));
      env.PARTNER_SIMULATOR_URL = started.baseUrl;
      standIns.partner = started.baseUrl;
      this.partner = partner;
      this.stack.push({ name: "partner", stop: () => partner.stop() });
    }
    if (isLoopbackUrl(env.DIGIPOST_API_URL)) {
      // Digipost (digital mailbox + print fallback). Without DIGIPOST_SIGNING_KEY the dev host makes a key pair once
      // (<dataDir>/digipost/dev-signing-key.pem) and hands the app the private half; the stand-in verifies with the
      // public half, as Digipost does with the uploaded enterprise certificate.
      env.DIGIPOST_SIGNING_KEY ??= ensureDevSigningKey(dataDir);
      env.DIGIPOST_SENDER_ID ??= "100042";
      const digipost = new DigipostStandIn({
        dataDir,
        senderId: env.DIGIPOST_SENDER_ID,
        publicKey: env.DIGIPOST_SIGNING_KEY.replace(/\\n/g, "\n"),
        logger: this.logger,
        now: () => this.clock.nowDate(),
      });
      const started = await digipost.start(auto ? 0 : portOf(env.DIGIPOST_API_URL!, 7077));
      env.DIGIPOST_API_URL = started.baseUrl;
      standIns.digipost = started.baseUrl;
      this.digipost = digipost;
      this.stack.push({ name: "digipost", stop: () => digipost.stop() });
    }

    if (isLoopbackUrl(env.KEY_VAULT_URL)) {
      // Key Vault for the partner connections' secrets, reached as in Azure: the SDK gets its token from the App
      // Service managed identity endpoint the environment names (IDENTITY_ENDPOINT + IDENTITY_HEADER), and trusts the
      // vault's certificate through KEY_VAULT_CA_FILE. Set before the app is loaded, so its credential finds them.
      const identity = new ManagedIdentityEndpoint({ logger: this.logger });
      const { identityEndpoint, identityHeader } = await identity.start(0);
      env.IDENTITY_ENDPOINT = identityEndpoint;
      env.IDENTITY_HEADER = identityHeader;
      this.stack.push({ name: "managed-identity", stop: () => identity.stop() });
      const vault = new KeyVaultStandIn({ dataDir, logger: this.logger, verifyToken: (t) => identity.verify(t) });
      const started = await vault.start(auto ? 0 : portOf(env.KEY_VAULT_URL!, 7075));
      env.KEY_VAULT_URL = started.vaultUrl;
      env.KEY_VAULT_CA_FILE = started.caFile;
      // 127.0.0.1 has no parent domain for the SDK's challenge check (in Azure: *.vault.azure.net).
      env.KEY_VAULT_VERIFY_CHALLENGE_RESOURCE = "false";
      standIns.keyVault = started.vaultUrl;
      standIns.managedIdentity = identityEndpoint;
      this.stack.push({ name: "key-vault", stop: () => vault.stop() });
    }

    if (isLoopbackUrl(env.MINSIDE_OIDC_ISSUER) && env.MINSIDE_OIDC_CLIENT_ID && env.MINSIDE_OIDC_CLIENT_SECRET) {
      // A BankID broker for Min side: an OpenID Connect provider whose sign-in page lists test persons. The app's
      // client and redirect URI (read when first used: the app's port is known only once it listens) are registered
      // there; the app finds it through MINSIDE_OIDC_ISSUER like any broker.
      const oidc = new OidcProviderStandIn({
        clientId: env.MINSIDE_OIDC_CLIENT_ID,
        clientSecret: env.MINSIDE_OIDC_CLIENT_SECRET,
        redirectUris: () => [
          env.MINSIDE_OIDC_REDIRECT_URI ??
            `${(env.PUBLIC_BASE_URL ?? "").replace(/\/+$/u, "")}/min-side/logg-inn/callback`,
        ],
        logger: this.logger,
        // The staff portal's sign-in (issue 16) at the same provider, standing in for Entra ID, when it points here.
        ...(isLoopbackUrl(env.PORTAL_OIDC_ISSUER) && env.PORTAL_OIDC_CLIENT_ID && env.PORTAL_OIDC_CLIENT_SECRET
          ? {
              staffClient: {
                clientId: env.PORTAL_OIDC_CLIENT_ID,
                clientSecret: env.PORTAL_OIDC_CLIENT_SECRET,
                redirectUris: () => [
                  env.PORTAL_OIDC_REDIRECT_URI ??
                    `${(env.PUBLIC_BASE_URL ?? "").replace(/\/+$/u, "")}/portal/logg-inn/callback`,
                ],
              },
            }
          : {}),
      });
      const started = await oidc.start(auto ? 0 : portOf(env.MINSIDE_OIDC_ISSUER!, 7078));
      env.MINSIDE_OIDC_ISSUER = started.issuer;
      if (isLoopbackUrl(env.PORTAL_OIDC_ISSUER)) env.PORTAL_OIDC_ISSUER = started.issuer;
      standIns.oidc = started.issuer;
      this.stack.push({ name: "oidc", stop: () => oidc.stop() });
    }

    // The app: capture its registrations.
    const registry = installFunctionsCore();
    const entry = this.options.appEntry ?? resolveMain(root);
    const appModule = createRequire(__filename)(entry) as {
      configureApp?: (configuration: { clock: { now(): Date } }) => void;
    };
    // The app reads time from its clock port: hand it the virtual clock through the composition root (`Date` in this
    // process stays real, as it is for the SDKs and for every peer that checks a signed timestamp).
    if (typeof appModule.configureApp === "function")
      appModule.configureApp({ clock: { now: () => this.clock.nowDate() } });
    else this.logger.warn("the app has no configureApp(): it runs on real time, not on the virtual clock");
    this.registry = registry;
    if (env.DEVHOST_DEMO_API_KEY) {
      // The demo creditor (its key is in the settings), straight into the app's tenant store, before any request.
      const tenants = new CosmosTenantStore({ database: createCosmosDatabase(cosmosOptions(env)) });
      const seeded = await seedDemoTenant(
        { tenants, clock: { now: () => this.clock.nowDate() } },
        env.DEVHOST_DEMO_API_KEY,
      );
      if (seeded.created) this.logger.info("demo creditor seeded", { tenantId: seeded.tenantId });
      if (env.DEVHOST_SECOND_DEMO_API_KEY) {
        const second = await seedDemoTenant(
          { tenants, clock: { now: () => this.clock.nowDate() } },
          env.DEVHOST_SECOND_DEMO_API_KEY,
          SECOND_DEMO_TENANT,
        );
        if (second.created) this.logger.info("demo creditor seeded", { tenantId: second.tenantId });
      }
    }
    const invoker = new Invoker(registry, this.tracker, this.logger);
    this.invoker = invoker;

    const durable = new DurableEngine({
      registry,
      invoker,
      clock: this.clock,
      tracker: this.tracker,
      logger: this.logger,
      dataDir,
      taskHubName: env.DURABLE_TASK_HUB ?? "PaymentFollowUpLocal",
      // Activities and episodes in parallel as host.json sets them for one Functions host instance in Azure.
      ...readDurableHostSettings(root),
    });
    this.durable = durable;

    const devRoutes: DevRouteHandler[] = [
      clockRoutes(this.clock),
      this.functionsRoute(),
      durable.handleHttp,
      durable.handleDevHttp,
    ];
    if (this.cosmos) devRoutes.push(this.cosmos.handleDevHttp);
    if (this.serviceBus) devRoutes.push(this.serviceBus.handleDevHttp);
    if (this.sms) devRoutes.push(this.sms.handleDevHttp);
    if (this.email) devRoutes.push(this.email.handleDevHttp);
    if (this.vipps) devRoutes.push(this.vipps.handleDevHttp);
    if (this.partner) devRoutes.push(this.partner.handleDevHttp);
    if (this.digipost) devRoutes.push(this.digipost.handleDevHttp);
    const closePrintBatch = registry.byName(CLOSE_PRINT_BATCH_FUNCTION);
    if (standIns.blob && env.AzureWebJobsStorage) {
      // The print house (docs/print-house.md): takes the app's batches from the print outbox, "posts" them on virtual
      // business days and writes the receipt files the app's blob trigger imports. GET /api/dev/print.
      const print = new PrintHouseStandIn({
        connectionString: env.AzureWebJobsStorage,
        outboxContainer: env.PRINT_OUTBOX_CONTAINER ?? "print-outbox",
        receiptsContainer: env.PRINT_RECEIPTS_CONTAINER ?? "print-receipts",
        dataDir,
        logger: this.logger,
        now: () => this.clock.nowDate(),
        schedule: (at, fire, label) => this.clock.schedule(at, fire, label),
        ...(closePrintBatch
          ? { closeBatch: () => invoker.invoke(closePrintBatch, { isPastDue: false }).then(() => undefined) }
          : {}),
      });
      await print.start();
      this.print = print;
      this.clock.addMomentPoller(() => print.pollNow());
      devRoutes.push(print.handleDevHttp);
      this.stack.push({ name: "print", stop: () => print.stop() });
    }
    const httpServer = new DevHttpServer({
      registry,
      invoker,
      logger: this.logger,
      keys: { functionKey: env.DEVHOST_FUNCTION_KEY, masterKey: env.DEVHOST_MASTER_KEY },
      devRoutes,
    });
    this.http = httpServer;
    const requestedPort =
      this.options.port ?? (env.PORT !== undefined ? Number(env.PORT) : (settings.localHttpPort ?? 7071));
    const port = await httpServer.listen(requestedPort);
    const baseUrl = `http://127.0.0.1:${port}`;
    // Pay links in SMS must point at the running host (with auto ports its port is not the one in the settings file).
    if (isLoopbackUrl(env.PUBLIC_BASE_URL)) env.PUBLIC_BASE_URL = baseUrl;
    if (this.vipps && env.VIPPS_WEBHOOK_SECRET) {
      // What an operator does once in Azure (POST /api/v1/ops/vipps/webhooks), with the secret the settings hold.
      await this.vipps.registerAppCallback(`${baseUrl}/api/callbacks/vipps`, env.VIPPS_WEBHOOK_SECRET);
    }
    if (this.partner && env.DEVHOST_DEMO_API_KEY && env.PARTNER_SIMULATOR_URL && env.PARTNER_SIMULATOR_SECRET) {
      // The demo creditor's partner connection (the simulator), and the simulator's hub pointed at our callback —
      // what a creditor does with PUT /api/v1/partner-connection and the partner with our callback URL.
      await seedDemoPartnerConnection(
        {
          // Through the app's own store and vault settings: with KEY_VAULT_URL the secret goes to Key Vault.
          partnerConnections: new CosmosPartnerConnectionStore({
            database: createCosmosDatabase(cosmosOptions(env)),
            ...vaultOption(env),
          }),
          clock: { now: () => this.clock.nowDate() },
        },
        { baseUrl: env.PARTNER_SIMULATOR_URL, secret: env.PARTNER_SIMULATOR_SECRET },
      );
      const callbackPath = `/api/callbacks/partners/${DEMO_TENANT_ID}`;
      await this.partner.registerHub({
        callback: `${baseUrl}${callbackPath}`,
        replaces: (url) => isLoopbackUrl(url) && new URL(url).pathname === callbackPath,
      });
    }
    this.stack.push({ name: "http", stop: () => httpServer.close() });
    durable.setBaseUrl(baseUrl);
    await durable.start();
    this.stack.push({ name: "durable", stop: () => durable.stop() });

    if (registry.byTrigger("serviceBusTrigger").length > 0 || hasOutput(registry, "serviceBus")) {
      // Concurrency and session idle time as host.json sets them for the Functions host in Azure.
      // Receiving and settling in a thread of their own, the functions here (triggers-thread.ts).
      const sbTriggers = await startServiceBusTriggers(
        { registry, invoker, setting, hostSettings: readServiceBusHostSettings(root) },
        threadDeps,
        threads,
      );
      this.stack.push({ name: "service-bus-triggers", stop: () => sbTriggers.stop() });
    }
    if (registry.byTrigger("blobTrigger").length > 0) {
      const blobTriggers = new BlobTriggers({
        registry,
        invoker,
        logger: this.logger,
        dataDir,
        setting,
        clock: this.clock,
      });
      await blobTriggers.start();
      this.clock.addMomentPoller(() => blobTriggers.pollNow());
      this.stack.push({ name: "blob-triggers", stop: () => blobTriggers.stop() });
    }
    const timers = new TimerTriggers({ registry, invoker, clock: this.clock, logger: this.logger, dataDir, setting });
    await timers.start();
    this.stack.push({ name: "timers", stop: () => timers.stop() });
    if (env.DEVHOST_DEMO_PEOPLE === "true" && env.DEVHOST_DEMO_API_KEY && env.DEVHOST_SECOND_DEMO_API_KEY) {
      // Min side's demo claims, through the app's partner API (as a creditor would hand them over).
      const created = await seedDemoPeopleClaims(
        baseUrl,
        { first: env.DEVHOST_DEMO_API_KEY, second: env.DEVHOST_SECOND_DEMO_API_KEY },
        this.clock.nowDate().toISOString().slice(0, 10),
      );
      if (created > 0) this.logger.info("Min side demo claims handed over", { invoices: created });
    }

    return {
      http: baseUrl,
      functions: registry.functions.map((f) => ({
        name: f.name,
        trigger: f.trigger.type,
        ...(f.trigger.type.toLowerCase() === "httptrigger"
          ? {
              route: asString(f.trigger.route ?? f.name),
              methods: (f.trigger.methods as string[] | undefined) ?? ["GET", "POST"],
            }
          : {}),
      })),
      standIns,
      dataDir,
      settingsFile: settings.file,
    };
  }

  /** Stops everything in reverse order of start, saving the stand-ins' and the engine's state. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.saveClock();
      this.clock.stop();
      for (const part of this.stack.reverse()) {
        try {
          await part.stop();
        } catch (err) {
          this.logger.error(`stopping ${part.name} failed`, {
            error: err instanceof Error ? err.message : String(err),
          });
        }
      }
      disposeCosmosClients();
    })();
    return this.stopping;
  }

  /** `GET /api/dev/functions`: what the dev host captured and serves. */
  private functionsRoute(): DevRouteHandler {
    return async (req, res, url) => {
      if (url.pathname !== "/api/dev/functions" || req.method !== "GET") return false;
      sendJson(
        res,
        200,
        (this.registry?.functions ?? []).map((f) => ({
          name: f.name,
          trigger: f.trigger.type,
          bindings: Object.values(f.metadata.bindings),
        })),
      );
      return true;
    };
  }

  /**
   * Delivers an Event Grid event (e.g. an SMS delivery report) to every Event Grid trigger, as Azure would — with
   * Event Grid's retries when the function fails (there 10 s, 30 s, 1 min… for 24 h; here a few seconds of real time,
   * then the event is given up with an error line, as Event Grid dead-letters it).
   */
  private async deliverEventGrid(event: unknown): Promise<void> {
    if (!this.registry || !this.invoker) return;
    for (const registration of this.registry.byTrigger("eventGridTrigger")) {
      for (let attempt = 0; ; attempt++) {
        try {
          await this.invoker.invoke(registration, event);
          break;
        } catch (err) {
          const delay = EVENT_GRID_RETRY_MS[attempt];
          if (delay === undefined) {
            this.logger.error("Event Grid event given up after its retries", {
              function: registration.name,
              attempts: attempt + 1,
              error: err instanceof Error ? err.message : String(err),
            });
            break;
          }
          await this.tracker.track(realSleep(delay));
        }
      }
    }
  }
}

/** The app's Cosmos connection, from the same settings the app reads (the stand-in's key when none is set). */
function cosmosOptions(env: NodeJS.ProcessEnv, standInKey?: string) {
  const s = Settings.pick({ COSMOS_ENDPOINT: true, COSMOS_DATABASE: true, COSMOS_ENDPOINT_DISCOVERY: true }).parse(env);
  const key = env.COSMOS_KEY ?? standInKey;
  return {
    endpoint: s.COSMOS_ENDPOINT,
    databaseId: s.COSMOS_DATABASE,
    endpointDiscovery: s.COSMOS_ENDPOINT_DISCOVERY,
    ...(key ? { key } : {}),
  };
}

/**
 * The app's secret vault from the same settings the app reads (none without KEY_VAULT_URL), built like
 * functions/composition.ts builds it (not imported from there: that module loads the Functions SDK, which must load
 * only after the dev host stands in for the Functions host).
 */
function vaultOption(env: NodeJS.ProcessEnv) {
  const s = Settings.pick({
    KEY_VAULT_URL: true,
    KEY_VAULT_CA_FILE: true,
    KEY_VAULT_VERIFY_CHALLENGE_RESOURCE: true,
  }).parse(env);
  if (!s.KEY_VAULT_URL) return {};
  const vault = new KeyVaultSecretVault({
    vaultUrl: s.KEY_VAULT_URL,
    ...(s.KEY_VAULT_CA_FILE ? { ca: fs.readFileSync(s.KEY_VAULT_CA_FILE, "utf8") } : {}),
    verifyChallengeResource: s.KEY_VAULT_VERIFY_CHALLENGE_RESOURCE,
  });
  return { vault };
}

function resolveMain(root: string): string {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { main?: string };
  if (!pkg.main)
    throw new Error('package.json has no "main": the dev host does not know which module registers the functions');
  const entry = path.resolve(root, pkg.main);
  if (!fs.existsSync(entry))
    throw new Error(`${pkg.main} does not exist yet: run "npm run build" first (npm start does)`);
  return entry;
}

function isLocalStorage(value: string | undefined): boolean {
  if (!value) return false;
  if (/^UseDevelopmentStorage=true/i.test(value.trim())) return true;
  const blob = parseConnectionString(value).get("blobendpoint");
  return blob !== undefined && isLoopbackUrl(blob);
}

function hasOutput(registry: FunctionRegistry, type: string): boolean {
  return registry.functions.some((f) =>
    Object.values(f.metadata.bindings).some(
      (b) => b.direction === "out" && b.type.toLowerCase() === type.toLowerCase(),
    ),
  );
}

/** `DEVHOST_DELIVERY_REPORT_DELAY_MS`: how long after a send the SMS and e-mail stand-ins report it delivered. */
function reportDelayFrom(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  const ms = Number(value);
  if (!Number.isInteger(ms) || ms < 0 || ms > 600_000)
    throw new Error(
      `DEVHOST_DELIVERY_REPORT_DELAY_MS must be a whole number of milliseconds (0–600000), not "${value}"`,
    );
  return ms;
}
