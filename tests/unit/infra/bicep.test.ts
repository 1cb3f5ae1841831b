/**
 * Static checks of infra-bicep/. No Bicep compiler runs here (no Azure CLI, and the Bicep CLI is not on the npm
 * registry), so these tests read the templates as text and check what can be checked without compiling them:
 * wiring between main.bicep and its modules, that every Service Bus entity in service-bus-entities.json and every
 * Cosmos DB container in cosmos-containers.json is created, that the Function App gets every setting it needs and
 * no secrets, and the security switches.
 * When `web-tree-sitter` and `tree-sitter-bicep` are installed, every file is also parsed for syntax errors.
 */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { format } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { InvocationContext } from "@azure/functions";
import { makeHealCaseOrchestrations } from "../../../functions/cases/timer-heal-orchestrations";
import { makeRelayOutbox } from "../../../functions/cases/timer-relay-outbox";
import { MemoryCaseStore } from "../../../shared/adapters/memory/case-store.memory";
import { caseEvent } from "../../../shared/application/case-context";
import { eventMessages, withOutbox } from "../../../shared/application/outbox";
import { aCaseRecord } from "../../integration/adapters/cosmos/store-fixtures";
import {
  PAY_PAGE_FUNCTION,
  PAY_SUBMIT_FUNCTION,
  UNMATCHED_PROVIDER_PAYMENT_EVENT,
  VIPPS_CALLBACK_FUNCTION,
  VIPPS_CALLBACK_ROUTE,
} from "../../../functions/payments/names";
import { makeDeliverWebhookHandler } from "../../../functions/webhooks/sb-deliver-webhook";
import { makeFanOutCaseEventsHandler } from "../../../functions/webhooks/sb-fan-out-case-events";
import type { DeliverWebhook } from "../../../shared/application/webhooks/deliver-webhook";
import type { WorkflowState } from "../../../shared/ports/case-workflow";
import type { WebhookDeliveryMessage } from "../../../shared/ports/webhook-delivery-queue";
import { WEBHOOK_EVENT_TYPES } from "../../../shared/ports/webhook-store";

const repoRoot = resolve(__dirname, "../../..");
const infraDir = join(repoRoot, "infra-bicep");
const read = (relative: string): string => readFileSync(join(infraDir, relative), "utf8");

/** Every setting the Function App reads in Azure. Keep in step with shared/config and the APP SETTINGS block. */
const REQUIRED_APP_SETTINGS = [
  "AzureWebJobsStorage__accountName",
  "AzureWebJobsStorage__credential",
  "AzureWebJobsStorage__clientId",
  "APPLICATIONINSIGHTS_CONNECTION_STRING",
  "APPLICATIONINSIGHTS_AUTHENTICATION_STRING",
  "AZURE_CLIENT_ID",
  "DURABLE_TASK_HUB",
  "DURABLE_TASK_SCHEDULER_CONNECTION_STRING",
  "COSMOS_ENDPOINT",
  "COSMOS_DATABASE",
  "COSMOS_ENDPOINT_DISCOVERY",
  "ServiceBusConnection__fullyQualifiedNamespace",
  "ServiceBusConnection__credential",
  "ServiceBusConnection__clientId",
  "ACS_ENDPOINT",
  "BLOB_ACCOUNT_URL",
  "LETTERS_CONTAINER",
  "PUBLIC_BASE_URL",
  "LETTERHEAD",
  "OPERATOR_API_KEY",
  "VIPPS_BASE_URL",
  "VIPPS_MERCHANT_SERIAL_NUMBER",
  "VIPPS_CLIENT_ID",
  "VIPPS_CLIENT_SECRET",
  "VIPPS_SUBSCRIPTION_KEY",
] as const;

/** Settings that must come from Key Vault, never a literal or a deployment output. */
const KEY_VAULT_SETTINGS = [
  "OPERATOR_API_KEY",
  "VIPPS_CLIENT_ID",
  "VIPPS_CLIENT_SECRET",
  "VIPPS_SUBSCRIPTION_KEY",
  "VIPPS_WEBHOOK_SECRET",
  "DIGIPOST_SIGNING_KEY",
  "MINSIDE_SESSION_SECRET",
  "MINSIDE_PIN_SECRET",
  "MINSIDE_OIDC_CLIENT_SECRET",
  "PORTAL_SESSION_SECRET",
  "PORTAL_OIDC_CLIENT_SECRET",
];

/** Settings the Flex Consumption plan rejects or ignores, and local-only secrets that must not reach Azure. */
const FORBIDDEN_APP_SETTINGS = [
  "FUNCTIONS_EXTENSION_VERSION",
  "FUNCTIONS_WORKER_RUNTIME",
  "FUNCTIONS_WORKER_RUNTIME_VERSION",
  "WEBSITE_RUN_FROM_PACKAGE",
  "WEBSITE_CONTENTSHARE",
  "WEBSITE_CONTENTAZUREFILECONNECTIONSTRING",
  "WEBSITE_NODE_DEFAULT_VERSION",
  "AzureWebJobsStorage",
  "ServiceBusConnection",
  "COSMOS_KEY",
  "ACS_CONNECTION_STRING",
];

// ---- A small reader for Bicep text ------------------------------------------------------------------------------

/** Removes // and /* *\/ comments, leaving strings (single-quoted, with \' escapes, and ''' blocks) intact. */
function stripComments(source: string): string {
  let out = "";
  let i = 0;
  while (i < source.length) {
    if (source.startsWith("'''", i)) {
      const end = source.indexOf("'''", i + 3);
      const stop = end === -1 ? source.length : end + 3;
      out += source.slice(i, stop);
      i = stop;
    } else if (source[i] === "'") {
      let j = i + 1;
      while (j < source.length && source[j] !== "'") j += source[j] === "\\" ? 2 : 1;
      out += source.slice(i, j + 1);
      i = j + 1;
    } else if (source.startsWith("//", i)) {
      while (i < source.length && source[i] !== "\n") i += 1;
    } else if (source.startsWith("/*", i)) {
      const end = source.indexOf("*/", i + 2);
      i = end === -1 ? source.length : end + 2;
    } else {
      out += source[i];
      i += 1;
    }
  }
  return out;
}

/** Given the index of an opening brace/bracket, returns the text between it and its matching closer. */
function bracketBody(source: string, openIndex: number): string {
  const open = source[openIndex];
  const close = open === "{" ? "}" : open === "[" ? "]" : ")";
  let depth = 0;
  for (let i = openIndex; i < source.length; i += 1) {
    const ch = source[i];
    if (ch === "'") {
      let j = i + 1;
      while (j < source.length && source[j] !== "'") j += source[j] === "\\" ? 2 : 1;
      i = j;
      continue;
    }
    if (ch === open) depth += 1;
    if (ch === close) {
      depth -= 1;
      if (depth === 0) return source.slice(openIndex + 1, i);
    }
  }
  throw new Error(`unbalanced ${open} at ${openIndex}`);
}

/** Top-level `key: value` entries of an object body (the text between its braces). Values are raw text. */
function topLevelEntries(body: string): Map<string, string> {
  const entries = new Map<string, string>();
  let depth = 0;
  let lineStart = true;
  for (let i = 0; i < body.length; i += 1) {
    const ch = body[i] ?? "";
    const quotedKey = lineStart && depth === 0 && /^'[^']+'\s*:/.test(body.slice(i, i + 300));
    if (ch === "'" && !quotedKey) {
      let j = i + 1;
      while (j < body.length && body[j] !== "'") j += body[j] === "\\" ? 2 : 1;
      i = j;
      lineStart = false;
      continue;
    }
    if ("{[(".includes(ch)) depth += 1;
    if ("}])".includes(ch)) depth -= 1;
    if (ch === "\n") {
      lineStart = true;
      continue;
    }
    if (lineStart && depth === 0 && !/\s/.test(ch)) {
      lineStart = false;
      const match = /^(?:'([^']+)'|([A-Za-z_$][\w$]*))\s*:\s*/.exec(body.slice(i));
      if (match) {
        const key = match[1] ?? match[2] ?? "";
        const valueStart = i + match[0].length;
        let valueEnd = valueStart;
        let valueDepth = 0;
        for (; valueEnd < body.length; valueEnd += 1) {
          const vc = body[valueEnd] ?? "";
          if (vc === "'") {
            let j = valueEnd + 1;
            while (j < body.length && body[j] !== "'") j += body[j] === "\\" ? 2 : 1;
            valueEnd = j;
            continue;
          }
          if ("{[(".includes(vc)) valueDepth += 1;
          if ("}])".includes(vc)) valueDepth -= 1;
          if (vc === "\n" && valueDepth === 0) break;
        }
        entries.set(key, body.slice(valueStart, valueEnd).trim());
        if (match[1] !== undefined) i += match[1].length + 1; // past a quoted key's closing quote
      }
    } else if (!/\s/.test(ch)) {
      lineStart = false;
    }
  }
  return entries;
}

interface ParamDecl {
  name: string;
  type: string;
  required: boolean;
  decorators: string;
}

function params(source: string): ParamDecl[] {
  const lines = source.split("\n");
  const result: ParamDecl[] = [];
  lines.forEach((line, index) => {
    const match = /^param\s+(\w+)\s+(\S+)(\s*=.*)?$/.exec(line.trim());
    if (!match) return;
    const decoratorLines: string[] = [];
    for (let j = index - 1; j >= 0; j -= 1) {
      const previous = (lines[j] ?? "").trim();
      if (previous === "" || /^(param|var|resource|module|output|type|func|targetScope)\b/.test(previous)) break;
      decoratorLines.unshift(previous);
    }
    result.push({
      name: match[1] ?? "",
      type: match[2] ?? "",
      required: match[3] === undefined && !(match[2] ?? "").endsWith("?"),
      decorators: decoratorLines.join("\n"),
    });
  });
  return result;
}

function outputs(source: string): string[] {
  return [...source.matchAll(/^output\s+(\w+)\s/gm)].map((m) => m[1] ?? "");
}

interface ModuleCall {
  symbol: string;
  path: string;
  params: Map<string, string>;
}

function moduleCalls(source: string): ModuleCall[] {
  const calls: ModuleCall[] = [];
  for (const match of source.matchAll(/^module\s+(\w+)\s+'([^']+)'\s*=\s*(?:if\s*\([^)]*\)\s*)?\{/gm)) {
    const body = bracketBody(source, (match.index ?? 0) + match[0].length - 1);
    const paramsMatch = /(^|\n)\s*params:\s*\{/.exec(body);
    const paramsBody = paramsMatch ? bracketBody(body, (paramsMatch.index ?? 0) + paramsMatch[0].length - 1) : "";
    calls.push({ symbol: match[1] ?? "", path: match[2] ?? "", params: topLevelEntries(paramsBody) });
  }
  return calls;
}

interface ResourceDecl {
  symbol: string;
  type: string;
  header: string;
  body: string;
}

function resources(source: string): ResourceDecl[] {
  const found: ResourceDecl[] = [];
  for (const match of source.matchAll(/^resource\s+(\w+)\s+'([^'@]+)@[^']+'\s*(?:existing\s*)?=\s*([^{\n]*)\{/gm)) {
    const body = bracketBody(source, (match.index ?? 0) + match[0].length - 1);
    found.push({ symbol: match[1] ?? "", type: match[2] ?? "", header: (match[3] ?? "").trim(), body });
  }
  return found;
}

/** Keys of a Bicep user-defined object type: name → optional? */
function typeKeys(source: string, typeName: string): Map<string, boolean> {
  const match = new RegExp(`^type\\s+${typeName}\\s*=\\s*\\{`, "m").exec(source);
  if (!match) throw new Error(`type ${typeName} not found`);
  const body = bracketBody(source, (match.index ?? 0) + match[0].length - 1);
  const keys = new Map<string, boolean>();
  for (const [key, value] of topLevelEntries(body.replace(/^\s*@.*$/gm, ""))) keys.set(key, value.endsWith("?"));
  return keys;
}

/** Elements of an array body (the text between its brackets), separated by newlines or commas. Raw text. */
function arrayElements(body: string): string[] {
  const elements: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i <= body.length; i += 1) {
    const ch = body[i] ?? "\n";
    if (ch === "'") {
      let j = i + 1;
      while (j < body.length && body[j] !== "'") j += body[j] === "\\" ? 2 : 1;
      i = j;
      continue;
    }
    if ("{[(".includes(ch)) depth += 1;
    if ("}])".includes(ch)) depth -= 1;
    if (depth === 0 && (ch === "\n" || ch === ",")) {
      const element = body.slice(start, i).trim();
      if (element !== "") elements.push(element);
      start = i + 1;
    }
  }
  return elements;
}

/** The raw value reached from an object or array literal by keys (objects) and indexes (arrays). */
function valueAt(literal: string, ...path: Array<string | number>): string | undefined {
  let current: string | undefined = literal.trim();
  for (const step of path) {
    if (current === undefined) return undefined;
    if (typeof step === "string") {
      current = current.startsWith("{") ? topLevelEntries(bracketBody(current, 0)).get(step) : undefined;
    } else {
      current = current.startsWith("[") ? arrayElements(bracketBody(current, 0))[step] : undefined;
    }
  }
  return current;
}

// ---- The files ----------------------------------------------------------------------------------------------------

const bicepFiles = [
  "main.bicep",
  ...readdirSync(join(infraDir, "modules"))
    .filter((f) => f.endsWith(".bicep"))
    .map((f) => `modules/${f}`),
];
const sources = new Map(bicepFiles.map((f) => [f, stripComments(read(f))]));
const source = (file: string): string => {
  const text = sources.get(file);
  if (text === undefined) throw new Error(`${file} is not a Bicep file in infra-bicep/`);
  return text;
};
const main = source("main.bicep");
const mainRaw = read("main.bicep");

interface CorrelationFilterJson {
  [key: string]: unknown;
}
interface RuleJson {
  name: string;
  sqlFilter?: string;
  correlationFilter?: CorrelationFilterJson;
}
interface SubscriptionJson {
  name: string;
  maxDeliveryCount?: number;
  lockDurationSeconds?: number;
  requiresSession?: boolean;
  rules?: RuleJson[];
}
interface TopicJson {
  name: string;
  duplicateDetectionWindowMinutes?: number;
  subscriptions?: SubscriptionJson[];
}
interface QueueJson {
  name: string;
  maxDeliveryCount?: number;
  lockDurationSeconds?: number;
  requiresSession?: boolean;
  duplicateDetectionWindowMinutes?: number;
}
interface ContainerJson {
  id: string;
  partitionKeyPath: string;
  uniqueKeys?: string[][];
  defaultTtlSeconds?: number;
}
const entityFile = JSON.parse(read("service-bus-entities.json")) as { queues?: QueueJson[]; topics?: TopicJson[] };
/** The file with the defaults the broker and the Bicep module both apply. */
const entities = {
  queues: (entityFile.queues ?? []).map((q) => ({
    maxDeliveryCount: 10,
    lockDurationSeconds: 60,
    requiresSession: false,
    ...q,
  })),
  topics: (entityFile.topics ?? []).map((t) => ({
    ...t,
    subscriptions: (t.subscriptions ?? []).map((s) => ({
      maxDeliveryCount: 10,
      lockDurationSeconds: 60,
      requiresSession: false,
      ...s,
      rules: s.rules ?? [],
    })),
  })),
};

function appSettings(): Map<string, string> {
  const match = /^var\s+appSettings\s*=\s*\{/m.exec(main);
  if (!match) throw new Error("main.bicep has no `var appSettings = {`");
  return topLevelEntries(bracketBody(main, (match.index ?? 0) + match[0].length - 1));
}

// ---- Tests --------------------------------------------------------------------------------------------------------

describe("infra-bicep wiring", () => {
  it("loads the Service Bus entities from service-bus-entities.json with loadJsonContent", () => {
    expect(main).toMatch(/^var\s+serviceBusEntities\s*=\s*loadJsonContent\('(\.\/)?service-bus-entities\.json'\)/m);
    const serviceBus = moduleCalls(main).find((m) => m.path === "modules/service-bus.bicep");
    expect(serviceBus?.params.get("queues")).toBe("serviceBusEntities.queues");
    expect(serviceBus?.params.get("topics")).toBe("serviceBusEntities.topics");
  });

  it("references only module files that exist", () => {
    for (const file of bicepFiles) {
      for (const call of moduleCalls(source(file))) {
        expect(existsSync(join(infraDir, dirname(file), call.path)), `${file} → ${call.path}`).toBe(true);
      }
    }
    expect(moduleCalls(main).length).toBeGreaterThanOrEqual(8);
  });

  it("passes every module exactly the parameters it declares, including all required ones", () => {
    for (const call of moduleCalls(main)) {
      const declared = params(source(call.path));
      const declaredNames = new Set(declared.map((p) => p.name));
      for (const passed of call.params.keys()) {
        expect(declaredNames.has(passed), `${call.path} has no param ${passed}`).toBe(true);
      }
      for (const p of declared.filter((d) => d.required)) {
        expect(call.params.has(p.name), `${call.symbol} must pass required param ${p.name}`).toBe(true);
      }
    }
  });

  it("reads only module outputs that the modules declare", () => {
    const calls = new Map(moduleCalls(main).map((c) => [c.symbol, c.path]));
    const used = [...main.matchAll(/\b(\w+)\.outputs\.(\w+)/g)];
    expect(used.length).toBeGreaterThan(10);
    for (const [, symbol = "", output = ""] of used) {
      const path = calls.get(symbol);
      expect(path, `${symbol} is not a module`).toBeDefined();
      expect(outputs(source(path ?? "")), `${path} output ${output}`).toContain(output);
    }
  });

  it("describes every parameter of every template", () => {
    for (const file of bicepFiles) {
      for (const p of params(source(file))) {
        expect(p.decorators, `${file}: param ${p.name} needs @description`).toMatch(/@description\(/);
      }
    }
  });

  it("has a parameters file that supplies every required parameter of main.bicep and nothing unknown", () => {
    const file = JSON.parse(read("main.parameters.json")) as { parameters: Record<string, { value: unknown }> };
    const declared = params(main);
    const declaredNames = new Set(declared.map((p) => p.name));
    for (const name of Object.keys(file.parameters)) expect(declaredNames.has(name), name).toBe(true);
    for (const p of declared.filter((d) => d.required)) expect(file.parameters, p.name).toHaveProperty(p.name);
  });

  it("outputs the function app, Cosmos endpoint, Service Bus namespace and ACS endpoint", () => {
    expect(outputs(main)).toEqual(
      expect.arrayContaining([
        "functionAppName",
        "functionAppHostName",
        "cosmosEndpoint",
        "serviceBusNamespace",
        "acsEndpoint",
      ]),
    );
  });

  it("documents the deploy command", () => {
    expect(read("README.md")).toContain("az deployment group create");
  });
});

describe("Service Bus entities from service-bus-entities.json", () => {
  const module = source("modules/service-bus.bicep");
  const declared = resources(module);
  const loopOver = (type: string): string | undefined =>
    declared
      .find((r) => r.type === `Microsoft.ServiceBus/namespaces/${type}`)
      ?.header.match(/^\[for\s+\w+\s+in\s+(\w+)\s*:/)?.[1];

  it("creates one queue per JSON queue, one topic per JSON topic, by iterating over them", () => {
    expect(loopOver("queues")).toBe("queues");
    expect(loopOver("topics")).toBe("topics");
    expect(entities.queues.length).toBeGreaterThan(0);
    expect(entities.topics.length).toBeGreaterThan(0);
  });

  it("creates every subscription of every topic and every rule of every subscription", () => {
    expect(loopOver("topics/subscriptions")).toBe("subscriptionList");
    expect(loopOver("topics/subscriptions/rules")).toBe("ruleList");
    expect(module).toMatch(
      /var\s+subscriptionList\s*=\s*flatten\(map\(range\(0,\s*length\(topics\)\),\s*(\w+)\s*=>\s*map\(topics\[\1\]\.\?subscriptions \?\? \[\],/,
    );
    expect(module).toMatch(
      /var\s+ruleList\s*=\s*flatten\(map\(range\(0,\s*length\(subscriptionList\)\),\s*(\w+)\s*=>\s*map\(subscriptionList\[\1\]\.spec\.\?rules \?\? \[\],/,
    );

    // What the flattening yields for the current JSON: every subscription and rule, under its own parent.
    const subscriptionList = entities.topics.flatMap((t, topicIndex) =>
      t.subscriptions.map((spec) => ({ topicIndex, spec })),
    );
    const ruleList = subscriptionList.flatMap((s, subscriptionIndex) =>
      s.spec.rules.map((spec) => ({ subscriptionIndex, spec })),
    );
    const created = ruleList.map((r) => {
      const s = subscriptionList[r.subscriptionIndex];
      return `${entities.topics[s?.topicIndex ?? -1]?.name}/${s?.spec.name}/${r.spec.name}`;
    });
    const expected = entities.topics.flatMap((t) =>
      t.subscriptions.flatMap((s) => s.rules.map((r) => `${t.name}/${s.name}/${r.name}`)),
    );
    expect(created).toEqual(expected);
    expect(subscriptionList.length).toBe(entities.topics.reduce((n, t) => n + t.subscriptions.length, 0));
  });

  it("matches the JSON to the module's declared types (the same check Bicep makes on the parameters)", () => {
    const conforms = (value: Record<string, unknown>, typeName: string, where: string): void => {
      const keys = typeKeys(module, typeName);
      for (const key of Object.keys(value)) expect(keys.has(key), `${where}: ${typeName} has no ${key}`).toBe(true);
      for (const [key, optional] of keys) if (!optional) expect(value, `${where} needs ${key}`).toHaveProperty(key);
    };
    expect(
      Object.keys(entityFile)
        .filter((k) => k !== "$schema")
        .sort(),
    ).toEqual(["queues", "topics"]);
    for (const q of entityFile.queues ?? []) conforms({ ...q }, "queueSpec", `queue ${q.name}`);
    for (const t of entityFile.topics ?? []) {
      conforms({ ...t }, "topicSpec", `topic ${t.name}`);
      for (const s of t.subscriptions ?? []) {
        conforms({ ...s }, "subscriptionSpec", `subscription ${t.name}/${s.name}`);
        for (const r of s.rules ?? []) {
          conforms({ ...r }, "ruleSpec", `rule ${s.name}/${r.name}`);
          if (r.correlationFilter) conforms(r.correlationFilter, "correlationFilterSpec", `rule ${r.name}`);
        }
      }
    }
  });

  it("gives every rule exactly one filter, and maps every correlation filter property to ARM", () => {
    for (const t of entities.topics)
      for (const s of t.subscriptions)
        for (const r of s.rules)
          expect(
            [r.sqlFilter, r.correlationFilter].filter((f) => f !== undefined),
            r.name,
          ).toHaveLength(1);
    for (const key of typeKeys(module, "correlationFilterSpec").keys()) {
      expect(module, `correlationFilter.${key} is not mapped`).toMatch(
        new RegExp(`\\.\\?correlationFilter\\.\\?${key}\\b`),
      );
    }
    expect(module).toMatch(
      /label:\s*r\.spec\.\?correlationFilter\.\?subject \?\? r\.spec\.\?correlationFilter\.\?label/,
    );
    expect(module).toMatch(/properties:\s*r\.spec\.\?correlationFilter\.\?applicationProperties/);
  });

  it("keeps every entity within Service Bus limits", () => {
    const entityName = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
    const withLock = [...entities.queues, ...entities.topics.flatMap((t) => t.subscriptions)];
    for (const e of withLock) {
      expect(e.lockDurationSeconds, e.name).toBeGreaterThanOrEqual(5);
      expect(e.lockDurationSeconds, e.name).toBeLessThanOrEqual(300);
      expect(e.maxDeliveryCount, e.name).toBeGreaterThanOrEqual(1);
    }
    for (const e of [...entities.queues, ...entities.topics]) {
      expect(e.name).toMatch(entityName);
      expect(e.name.length).toBeLessThanOrEqual(260);
      const window = e.duplicateDetectionWindowMinutes ?? 0;
      expect(window === 0 || (window >= 1 && window <= 7 * 24 * 60), e.name).toBe(true);
    }
    for (const t of entities.topics)
      for (const s of t.subscriptions) {
        expect(s.name).toMatch(entityName);
        expect(s.name.length).toBeLessThanOrEqual(50);
        for (const r of s.rules) expect(r.name.length).toBeLessThanOrEqual(50);
      }
    const names = [...entities.queues, ...entities.topics].map((e) => e.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it("turns seconds and minutes into ISO 8601 durations and sessions/duplicate detection into flags", () => {
    expect(module).toContain("lockDuration: 'PT${q.?lockDurationSeconds ?? 60}S'");
    expect(module).toContain("lockDuration: 'PT${s.spec.?lockDurationSeconds ?? 60}S'");
    expect(module).toMatch(/maxDeliveryCount:\s*q\.\?maxDeliveryCount \?\? 10/);
    expect(module).toMatch(/maxDeliveryCount:\s*s\.spec\.\?maxDeliveryCount \?\? 10/);
    expect(module).toMatch(/requiresSession:\s*q\.\?requiresSession \?\? false/);
    expect(module).toMatch(/requiresSession:\s*s\.spec\.\?requiresSession \?\? false/);
    expect(module).toMatch(/requiresDuplicateDetection:\s*\(q\.\?duplicateDetectionWindowMinutes \?\? 0\) > 0/);
    expect(module).toMatch(/requiresDuplicateDetection:\s*\(t\.\?duplicateDetectionWindowMinutes \?\? 0\) > 0/);
    expect(module).toContain("'PT${q.?duplicateDetectionWindowMinutes ?? 0}M'");
    expect(module).toContain("'PT${t.?duplicateDetectionWindowMinutes ?? 0}M'");
  });

  it("uses the Standard tier with SAS keys disabled", () => {
    const namespace = declared.find((r) => r.type === "Microsoft.ServiceBus/namespaces");
    expect(namespace?.body).toMatch(/name:\s*'Standard'/);
    expect(namespace?.body).toMatch(/disableLocalAuth:\s*true/);
  });
});

describe("azd up (azure.yaml)", () => {
  it("provisions infra-bicep/main.bicep and deploys the service api to the Function App tagged for it", () => {
    const yaml = readFileSync(join(repoRoot, "azure.yaml"), "utf8");
    expect(yaml).toMatch(/^infra:\n\s+provider: bicep\n\s+path: infra-bicep\n\s+module: main$/mu);
    expect(yaml).toMatch(/^services:\n\s+api:\n\s+project: \.\n\s+language: ts\n\s+host: function$/mu);
    expect(existsSync(join(repoRoot, "infra-bicep", "main.parameters.json"))).toBe(true);
    const functionApp = source("modules/function-app.bicep");
    expect(functionApp).toMatch(/tags: union\(tags, \{ 'azd-service-name': 'api' \}\)/u);
    // The package is what .funcignore leaves: never the dev host or the tests.
    const funcignore = readFileSync(join(repoRoot, ".funcignore"), "utf8");
    for (const path of ["/devhost/", "/tests/", "/dist/devhost/", "/dist/tests/"]) expect(funcignore).toContain(path);
  });
});

describe("alerts: escalation, not silence (issue 11)", () => {
  const module = source("modules/alerts.bicep");
  const declared = resources(module);
  const call = moduleCalls(main).find((m) => m.path === "modules/alerts.bicep");
  const resource = (type: string): ResourceDecl => {
    const found = declared.find((r) => r.type === type);
    if (!found) throw new Error(`modules/alerts.bicep declares no ${type}`);
    return found;
  };
  const reopenRule = resource("Microsoft.Insights/scheduledQueryRules");
  const deadLetterRule = resource("Microsoft.Insights/metricAlerts");
  const actionGroup = resource("Microsoft.Insights/actionGroups");
  const at = (r: ResourceDecl, ...path: Array<string | number>): string | undefined => valueAt(`{${r.body}}`, ...path);

  /** The rule's KQL: a var holding a ''' block (multi-line strings cannot be interpolated). */
  const query = ((): string => {
    const name = at(reopenRule, "properties", "criteria", "allOf", 0, "query") ?? "";
    const match = new RegExp(`^var\\s+${name}\\s*=\\s*'''([\\s\\S]*?)'''`, "m").exec(module);
    if (!match) throw new Error(`the rule's query ${name} is not a var holding a ''' string`);
    return (match[1] ?? "").trim();
  })();

  interface Trace {
    message: string;
    customDimensions: Record<string, string>;
  }
  /**
   * Whether the query's one `where` keeps a trace. Understands the terms the rule uses, joined by `or`; any other term
   * fails the test rather than being guessed at. In KQL `==` is case-sensitive and `startswith` is not.
   */
  function keeps(trace: Trace): boolean {
    const wheres = query.split(/\n(?=\|)/).filter((step) => /^\|\s*where\b/.test(step));
    expect(wheres).toHaveLength(1);
    return (wheres[0] ?? "")
      .replace(/^\|\s*where\s+/, "")
      .trim()
      .split(/\s+or\s+/)
      .some((term) => {
        const equals = /^message\s*==\s*"([^"]*)"$/.exec(term);
        if (equals) return trace.message === equals[1];
        const starts = /^message\s+startswith\s+"([^"]*)"$/.exec(term);
        if (starts) return trace.message.toLowerCase().startsWith((starts[1] ?? "").toLowerCase());
        const dimension = /^tostring\(customDimensions\["(\w+)"\]\)\s*==\s*"([^"]*)"$/.exec(term);
        if (dimension) return trace.customDimensions[dimension[1] ?? ""] === dimension[2];
        throw new Error(`the test cannot evaluate the query term: ${term}`);
      });
  }
  const ids = { tenantId: "tenant-1", caseId: "case-1", serviceId: "svc-1", commandId: "cmd-1" };
  /** What the Functions Node.js worker stores for context.warn(...args): util.format(...args), host dimensions only. */
  const warned = (...args: unknown[]): Trace => ({
    message: format(...args),
    customDimensions: { Category: "Function.partnerCommands.User", LogLevel: "Warning" },
  });

  it("raises a severity 1 alert when a service.reopen_delayed trace reached Application Insights in the last 5 minutes, checked every minute", () => {
    expect(call, "main.bicep must call modules/alerts.bicep").toBeDefined();
    expect(call?.params.get("appInsightsName")).toBe("monitoring.outputs.appInsightsName");
    expect(module).toMatch(
      /^resource\s+appInsights\s+'Microsoft\.Insights\/components@[^']+'\s+existing\s*=\s*\{\s*name:\s*appInsightsName\s*\}/m,
    );
    expect(at(reopenRule, "kind")).toBe("'LogAlert'");
    expect(at(reopenRule, "properties", "scopes", 0)).toBe("appInsights.id");
    expect(at(reopenRule, "properties", "scopes", 1)).toBeUndefined();
    expect(at(reopenRule, "properties", "enabled")).toBe("true");
    expect(at(reopenRule, "properties", "severity")).toBe("1");
    expect(at(reopenRule, "properties", "evaluationFrequency")).toBe("'PT1M'");
    expect(at(reopenRule, "properties", "windowSize")).toBe("'PT5M'");
    expect(at(reopenRule, "properties", "criteria", "allOf", 1)).toBeUndefined();
    expect(at(reopenRule, "properties", "criteria", "allOf", 0, "timeAggregation")).toBe("'Count'");
    expect(at(reopenRule, "properties", "criteria", "allOf", 0, "operator")).toBe("'GreaterThan'");
    expect(at(reopenRule, "properties", "criteria", "allOf", 0, "threshold")).toBe("0");
    expect(query.split("\n")[0]).toBe("traces");
  });

  it("counts the trace context.warn('service.reopen_delayed', {...}) writes, whatever its severity, and no other event", () => {
    const delayed = { event: "service.reopen_delayed", ...ids };
    expect(warned("service.reopen_delayed", delayed).message).toMatch(/^service\.reopen_delayed \{/);
    expect(keeps(warned("service.reopen_delayed", delayed))).toBe(true);
    expect(keeps(warned("service.reopen_delayed", JSON.stringify(delayed)))).toBe(true);
    expect(keeps(warned("service.reopen_delayed"))).toBe(true);
    // A logger that sends the event as a property (customDimensions) rather than in the message.
    expect(keeps({ message: "Reopen not confirmed", customDimensions: { event: "service.reopen_delayed" } })).toBe(
      true,
    );

    expect(keeps(warned("service.reopen_confirmed", { ...ids, event: "service.reopen_confirmed" }))).toBe(false);
    expect(keeps(warned("service.reopen_delayed_resolved", ids))).toBe(false);
    expect(keeps(warned("service.suspend_delayed", ids))).toBe(false);
    expect(query).not.toMatch(/severityLevel\s*(==|>|<|in\b)/);
  });

  it("alerts on the daily check's interest_rate.missing warning, and on no other trace", () => {
    const rule = declared.filter((r) => r.type === "Microsoft.Insights/scheduledQueryRules")[1];
    expect(rule, "a second log search alert rule for interest_rate.missing").toBeDefined();
    const name = at(rule!, "properties", "criteria", "allOf", 0, "query") ?? "";
    const kql = new RegExp(`^var\\s+${name}\\s*=\\s*'''([\\s\\S]*?)'''`, "m").exec(module)?.[1]?.trim() ?? "";
    expect(kql.split("\n")[0]).toBe("traces");
    expect(kql).toContain('message == "interest_rate.missing"');
    expect(kql).toContain('message startswith "interest_rate.missing "');
    expect(kql).not.toContain("reopen_delayed");
    expect(at(rule!, "properties", "scopes", 0)).toBe("appInsights.id");
    expect(at(rule!, "properties", "windowSize")).toBe("'P1D'");
    expect(call?.params.get("interestRateMissingAlertName")).toBe("names.interestRateMissingAlert");
    const missing = { event: "interest_rate.missing", country: "NO", validFrom: "2027-01-01", daysUntil: 30 };
    expect(warned("interest_rate.missing", missing).message).toMatch(/^interest_rate\.missing \{/);
  });

  it("alerts (severity 1) on money at the payment provider that no case expected, and on no other trace", () => {
    const rule = declared
      .filter((r) => r.type === "Microsoft.Insights/scheduledQueryRules")
      .find((r) => at(r, "name") === "unmatchedPaymentAlertName");
    expect(rule, "a log search alert rule for payment.unmatched_provider_payment").toBeDefined();
    const name = at(rule!, "properties", "criteria", "allOf", 0, "query") ?? "";
    const kql = new RegExp(`^var\\s+${name}\\s*=\\s*'''([\\s\\S]*?)'''`, "m").exec(module)?.[1]?.trim() ?? "";
    expect(kql.split("\n")[0]).toBe("traces");
    expect(kql).toContain('message == "payment.unmatched_provider_payment"');
    expect(kql).toContain('message startswith "payment.unmatched_provider_payment "');
    expect(at(rule!, "properties", "severity")).toBe("1");
    expect(at(rule!, "properties", "scopes", 0)).toBe("appInsights.id");
    expect(call?.params.get("unmatchedPaymentAlertName")).toBe("names.unmatchedPaymentAlert");
    // The app writes exactly that name (functions/payments/sb-apply-payment.ts).
    expect(UNMATCHED_PROVIDER_PAYMENT_EVENT).toBe("payment.unmatched_provider_payment");
  });

  it("watches the dead-letter queue of every queue the app has: partner-commands by one rule, the others by a second", () => {
    const others = [...(call?.params.get("otherQueueNames") ?? "").matchAll(/'([^']+)'/gu)].map((m) => m[1]);
    expect([...others, "partner-commands"].sort()).toEqual(entities.queues.map((q) => q.name).sort());
    const second = declared.filter((r) => r.type === "Microsoft.Insights/metricAlerts")[1];
    expect(second, "a second metric alert rule").toBeDefined();
    const criterion = (...path: Array<string | number>) => at(second!, "properties", "criteria", "allOf", 0, ...path);
    expect(criterion("metricName")).toBe("'DeadletteredMessages'");
    expect(criterion("dimensions", 0, "values")).toBe("otherQueueNames");
    expect(criterion("timeAggregation")).toBe("'Maximum'");
    expect(criterion("threshold")).toBe("0");
    expect(call?.params.get("queuesDeadLetterAlertName")).toBe("names.queuesDeadLetterAlert");
  });

  it("alerts while partner commands sit in the dead-letter queue of partner-commands (DeadletteredMessages > 0)", () => {
    expect(main).toMatch(/^var\s+partnerCommandsQueueName\s*=\s*'partner-commands'$/m);
    expect(entities.queues.map((q) => q.name)).toContain("partner-commands");
    expect(call?.params.get("partnerCommandsQueueName")).toBe("partnerCommandsQueueName");
    expect(call?.params.get("serviceBusNamespaceName")).toBe("serviceBus.outputs.name");
    expect(module).toMatch(
      /^resource\s+serviceBus\s+'Microsoft\.ServiceBus\/namespaces@[^']+'\s+existing\s*=\s*\{\s*name:\s*serviceBusNamespaceName\s*\}/m,
    );

    expect(at(deadLetterRule, "location")).toBe("'global'");
    expect(at(deadLetterRule, "properties", "scopes", 0)).toBe("serviceBus.id");
    expect(at(deadLetterRule, "properties", "severity")).toBe("1");
    expect(at(deadLetterRule, "properties", "enabled")).toBe("true");
    expect(at(deadLetterRule, "properties", "evaluationFrequency")).toBe("'PT1M'");
    expect(at(deadLetterRule, "properties", "criteria", "odata.type")).toBe(
      "'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'",
    );
    expect(at(deadLetterRule, "properties", "criteria", "allOf", 1)).toBeUndefined();
    const criterion = (...path: Array<string | number>): string | undefined =>
      at(deadLetterRule, "properties", "criteria", "allOf", 0, ...path);
    expect(criterion("criterionType")).toBe("'StaticThresholdCriterion'");
    expect(criterion("metricNamespace")).toBe("'Microsoft.ServiceBus/namespaces'");
    expect(criterion("metricName")).toBe("'DeadletteredMessages'");
    expect(criterion("dimensions", 0, "name")).toBe("'EntityName'");
    expect(criterion("dimensions", 0, "operator")).toBe("'Include'");
    expect(criterion("dimensions", 0, "values", 0)).toBe("partnerCommandsQueueName");
    expect(criterion("dimensions", 0, "values", 1)).toBeUndefined();
    expect(criterion("dimensions", 1)).toBeUndefined();
    // DeadletteredMessages is a gauge with Average, Minimum and Maximum only: Total would be rejected.
    expect(criterion("timeAggregation")).toBe("'Maximum'");
    expect(criterion("operator")).toBe("'GreaterThan'");
    expect(criterion("threshold")).toBe("0");
  });

  it("e-mails alertEmail through one action group, and deploys both rules without one when alertEmail is empty", () => {
    expect(main).toMatch(/^param\s+alertEmail\s+string\s*=\s*''$/m);
    expect(call?.params.get("alertEmail")).toBe("alertEmail");
    expect(actionGroup.header).toBe("if (!empty(alertEmail))");
    expect(at(actionGroup, "location")).toBe("'global'");
    expect(at(actionGroup, "properties", "emailReceivers", 0, "emailAddress")).toBe("alertEmail");
    expect(module).toMatch(/^var\s+actionGroupIds\s*=\s*empty\(alertEmail\)\s*\?\s*\[\]\s*:\s*\[actionGroup\.id\]$/m);
    expect(at(reopenRule, "properties", "actions", "actionGroups")).toBe("actionGroupIds");
    expect(at(deadLetterRule, "properties", "actions")).toBe("map(actionGroupIds, id => { actionGroupId: id })");
    // groupShortName takes at most 12 characters, and environmentName alone may have 12.
    expect(call?.params.get("actionGroupShortName")).toBe("names.actionGroupShort");
    expect(main).toMatch(/actionGroupShort:\s*take\([^\n]*,\s*12\)/);
  });

  it("keeps partner-commands in order per service, deduplicated, and dead-lettered after at most 10 deliveries", () => {
    const queue = entities.queues.find((q) => q.name === "partner-commands");
    expect(queue?.requiresSession).toBe(true);
    expect(queue?.duplicateDetectionWindowMinutes ?? 0).toBeGreaterThanOrEqual(10);
    expect(queue?.maxDeliveryCount).toBeGreaterThan(1);
    expect(queue?.maxDeliveryCount).toBeLessThanOrEqual(10);
    // The queue resource takes these fields from the JSON entry (the durations are checked above).
    const queueResource = resources(source("modules/service-bus.bicep")).find(
      (r) => r.type === "Microsoft.ServiceBus/namespaces/queues",
    );
    const property = (key: string): string | undefined => valueAt(`{${queueResource?.body ?? ""}}`, "properties", key);
    expect(property("requiresSession")).toBe("q.?requiresSession ?? false");
    expect(property("maxDeliveryCount")).toBe("q.?maxDeliveryCount ?? 10");
    expect(property("requiresDuplicateDetection")).toBe("(q.?duplicateDetectionWindowMinutes ?? 0) > 0");
  });
});

// ---- The operations alerts: orchestrations, 5xx, Vipps callbacks, webhooks ---------------------------------------

interface LoggedTrace {
  message: string;
  customDimensions: Record<string, string>;
}

/**
 * Whether a log search query's single `where` keeps a trace. Understands the terms the rules use — `==`, `startswith`
 * (case-insensitive, as in KQL), `matches regex @"..."` and `in (...)`, on `message` or
 * `tostring(customDimensions["k"])`, joined by `or`, with parenthesised `and` groups. Any other term fails the test
 * rather than being guessed at.
 */
function whereKeeps(kql: string, trace: LoggedTrace): boolean {
  const wheres = kql.split(/\n(?=\|)/).filter((step) => /^\|\s*where\b/.test(step));
  expect(wheres).toHaveLength(1);
  /** Splits on a top-level `or` / `and` (outside parentheses and strings). */
  const splitTop = (text: string, word: "or" | "and"): string[] => {
    const separator = new RegExp(`^\\s+${word}\\s+`);
    const parts: string[] = [];
    let depth = 0;
    let inString = false;
    let start = 0;
    for (let i = 0; i < text.length; i += 1) {
      const ch = text[i] ?? "";
      if (ch === '"') inString = !inString;
      if (inString) continue;
      if (ch === "(") depth += 1;
      if (ch === ")") depth -= 1;
      const found = depth === 0 && /\s/.test(ch) ? separator.exec(text.slice(i)) : null;
      if (found) {
        parts.push(text.slice(start, i).trim());
        i += found[0].length - 1;
        start = i + 1;
      }
    }
    parts.push(text.slice(start).trim());
    return parts;
  };
  const value = (subject: string): string => {
    if (subject === "message") return trace.message;
    const dimension = /^tostring\(customDimensions\["(\w+)"\]\)$/.exec(subject);
    if (dimension) return trace.customDimensions[dimension[1] ?? ""] ?? "";
    throw new Error(`the test cannot evaluate the subject: ${subject}`);
  };
  const subject = String.raw`(message|tostring\(customDimensions\["\w+"\]\))`;
  const term = (text: string): boolean => {
    const t = text.trim();
    if (t.startsWith("(") && t.endsWith(")")) return splitTop(t.slice(1, -1), "and").every(term);
    const equals = new RegExp(`^${subject}\\s*==\\s*"([^"]*)"$`).exec(t);
    if (equals) return value(equals[1] ?? "") === equals[2];
    const starts = new RegExp(`^${subject}\\s+startswith\\s+"([^"]*)"$`).exec(t);
    if (starts)
      return value(starts[1] ?? "")
        .toLowerCase()
        .startsWith((starts[2] ?? "").toLowerCase());
    const regex = new RegExp(`^${subject}\\s+matches regex\\s+@"([^"]*)"$`).exec(t);
    if (regex) return new RegExp(regex[2] ?? "$^").test(value(regex[1] ?? ""));
    const inList = new RegExp(`^${subject}\\s+in\\s+\\(([^)]*)\\)$`).exec(t);
    if (inList) return [...(inList[2] ?? "").matchAll(/"([^"]*)"/g)].some((m) => m[1] === value(inList[1] ?? ""));
    throw new Error(`the test cannot evaluate the query term: ${t}`);
  };
  return splitTop((wheres[0] ?? "").replace(/^\|\s*where\s+/, "").trim(), "or").some(term);
}

/** An InvocationContext that records what the Functions Node.js worker stores: util.format(...args) per call. */
function capturingContext(): { context: InvocationContext; traces: LoggedTrace[] } {
  const traces: LoggedTrace[] = [];
  const context = new InvocationContext({
    invocationId: "inv-1",
    functionName: "test",
    logHandler: (level, ...args) => traces.push({ message: format(...args), customDimensions: { LogLevel: level } }),
  });
  return { context, traces };
}

describe("alerts: orchestrations, 5xx, Vipps callbacks and webhooks", () => {
  const module = source("modules/alerts.bicep");
  const call = moduleCalls(main).find((m) => m.path === "modules/alerts.bicep");
  const logRules = resources(module).filter((r) => r.type === "Microsoft.Insights/scheduledQueryRules");
  const at = (r: ResourceDecl, ...path: Array<string | number>): string | undefined => valueAt(`{${r.body}}`, ...path);
  const rule = (nameParam: string): ResourceDecl => {
    const found = logRules.find((r) => at(r, "name") === nameParam);
    if (!found) throw new Error(`modules/alerts.bicep has no log search alert named by ${nameParam}`);
    return found;
  };
  const kqlOf = (r: ResourceDecl): string => {
    const name = at(r, "properties", "criteria", "allOf", 0, "query") ?? "";
    const match = new RegExp(`^var\\s+${name}\\s*=\\s*'''([\\s\\S]*?)'''`, "m").exec(module);
    if (!match) throw new Error(`the query ${name} is not a var holding a ''' string`);
    return (match[1] ?? "").trim();
  };

  const expected = [
    {
      param: "orchestrationFailedAlertName",
      name: "orchestration-failed",
      severity: "2",
      every: "PT5M",
      window: "PT15M",
    },
    { param: "http5xxAlertName", name: "http-5xx", severity: "1", every: "PT5M", window: "PT15M" },
    { param: "vippsCallbackAuthAlertName", name: "vipps-callback-auth", severity: "2", every: "PT5M", window: "PT15M" },
    { param: "webhookDisabledAlertName", name: "webhook-disabled", severity: "2", every: "PT15M", window: "PT30M" },
    { param: "webhookFailingAlertName", name: "webhook-failing", severity: "3", every: "PT15M", window: "PT30M" },
    { param: "outboxStuckAlertName", name: "outbox-stuck", severity: "2", every: "PT5M", window: "PT10M" },
  ];

  it("creates each rule on Application Insights, named in main.bicep, with its severity and schedule, notifying the action group", () => {
    for (const e of expected) {
      const r = rule(e.param);
      const key = e.param.replace(/Name$/, "");
      expect(call?.params.get(e.param), e.param).toBe(`names.${key}`);
      expect(main).toContain(`${key}: 'alert-\${appName}-\${env}-${e.name}'`);
      expect(params(module).find((p) => p.name === e.param)?.required, e.param).toBe(true);
      expect(at(r, "kind"), e.param).toBe("'LogAlert'");
      expect(at(r, "location"), e.param).toBe("location");
      expect(at(r, "properties", "scopes", 0), e.param).toBe("appInsights.id");
      expect(at(r, "properties", "scopes", 1), e.param).toBeUndefined();
      expect(at(r, "properties", "enabled"), e.param).toBe("true");
      expect(at(r, "properties", "severity"), e.param).toBe(e.severity);
      expect(at(r, "properties", "evaluationFrequency"), e.param).toBe(`'${e.every}'`);
      expect(at(r, "properties", "windowSize"), e.param).toBe(`'${e.window}'`);
      expect(at(r, "properties", "actions", "actionGroups"), e.param).toBe("actionGroupIds");
      expect((at(r, "properties", "description") ?? "").length, `${e.param} needs a real description`).toBeGreaterThan(
        150,
      );
      expect(at(r, "properties", "criteria", "allOf", 1), e.param).toBeUndefined();
    }
  });

  it("alerts on the Durable extension's Failed/Terminated orchestrator trace, and on no other lifecycle event", () => {
    const r = rule("orchestrationFailedAlertName");
    const kql = kqlOf(r);
    expect(kql.split("\n")[0]).toBe("traces");
    const durable = (state: string, functionType = "Orchestrator", category = "Host.Triggers.DurableTask") => ({
      message: `case-c_1: Function 'caseLadder (${functionType})' ${state.toLowerCase()}.`,
      customDimensions: {
        Category: category,
        prop__functionName: "caseLadder",
        prop__functionType: functionType,
        prop__instanceId: "case-c_1",
        prop__state: state,
      },
    });
    expect(whereKeeps(kql, durable("Failed"))).toBe(true);
    expect(whereKeeps(kql, durable("Terminated"))).toBe(true);
    for (const state of ["Scheduled", "Started", "Awaited", "Listening", "Completed"])
      expect(whereKeeps(kql, durable(state)), state).toBe(false);
    // An activity that fails is retried by the orchestration's retry policy: not an alert by itself.
    expect(whereKeeps(kql, durable("Failed", "Activity"))).toBe(false);
    expect(whereKeeps(kql, durable("Failed", "Orchestrator", "Function.caseLadder.User"))).toBe(false);
    expect(at(r, "properties", "criteria", "allOf", 0, "timeAggregation")).toBe("'Count'");
    expect(at(r, "properties", "criteria", "allOf", 0, "threshold")).toBe("0");
  });

  it("alerts on what the self-healing timer logs when it finds orchestrations to restart or cannot check cases, not on a clean run", async () => {
    const kql = kqlOf(rule("orchestrationFailedAlertName"));
    const run = async (states: Array<WorkflowState | "throws">): Promise<LoggedTrace[]> => {
      const ids = states.map((_, i) => `c_${String(i)}`);
      const heal = makeHealCaseOrchestrations(
        () =>
          ({
            cases: { listActiveCaseIds: async () => ({ items: ids }) },
            workflowFor: () => ({
              state: async (caseId: string) => {
                const state = states[ids.indexOf(caseId)];
                if (state === "throws") throw new Error("store down");
                return state;
              },
              start: async () => undefined,
            }),
          }) as never,
      );
      const { context, traces } = capturingContext();
      await heal({} as never, context);
      return traces;
    };
    const clean = await run(["running", "running", "completed"]);
    expect(clean.map((t) => t.message)).toEqual([
      "Self-healing: 3 active case(s) checked, 0 without a live orchestration, 0 restarted, 0 error(s)",
    ]);
    expect(clean.some((t) => whereKeeps(kql, t))).toBe(false);

    const restarted = await run(["running", "failed", "terminated", "missing"]);
    expect(restarted.filter((t) => whereKeeps(kql, t)).map((t) => t.message)).toEqual([
      "Self-healing: 4 active case(s) checked, 3 without a live orchestration, 3 restarted, 0 error(s)",
    ]);

    const broken = await run(["running", "throws"]);
    expect(broken.filter((t) => whereKeeps(kql, t)).map((t) => t.message)).toEqual([
      "Self-healing: 1 case(s) could not be checked or restarted; retried on the next run",
    ]);
  });

  it("alerts when the outbox sweep leaves entries it could not relay, not on a sweep that relayed everything", async () => {
    const r = rule("outboxStuckAlertName");
    const kql = kqlOf(r);
    expect(kql.split("\n")[0]).toBe("traces");
    expect(at(r, "properties", "criteria", "allOf", 0, "threshold")).toBe("2");
    const sweep = async (publishing: boolean): Promise<LoggedTrace[]> => {
      const cases = new MemoryCaseStore();
      const record = aCaseRecord("tenant-a", "INV-1");
      const at0 = new Date("2026-11-20T10:00:00Z");
      await cases.create(
        withOutbox(record, eventMessages([caseEvent("case.created", record, "created", at0, {})]), at0),
      );
      const relay = makeRelayOutbox(
        () =>
          ({
            cases,
            clock: { now: () => new Date("2026-11-20T10:05:00Z") },
            events: {
              publish: async () => {
                if (!publishing) throw new Error("Service Bus: server busy");
              },
            },
            workflowFor: () => ({}),
          }) as never,
      );
      const { context, traces } = capturingContext();
      await relay({} as never, context);
      return traces;
    };
    const stuck = await sweep(false);
    expect(stuck.filter((t) => whereKeeps(kql, t)).map((t) => t.message)).toEqual([
      "outbox.relay_failed: 1 entr(ies) of 1 case(s) could not be relayed; retried on the next run",
    ]);
    const relayed = await sweep(true);
    expect(relayed.map((t) => t.message)).toEqual(["Outbox: 1 entr(ies) of 1 case(s) relayed, 0 left"]);
    expect(relayed.some((t) => whereKeeps(kql, t))).toBe(false);
  });

  it("computes the 5xx share of HTTP requests only, from 20 requests on, and alerts above the threshold parameter", () => {
    const r = rule("http5xxAlertName");
    const kql = kqlOf(r);
    expect(kql.split("\n")[0]).toBe("requests");
    expect(kql).toContain("| where isnotempty(url)");
    expect(kql).toContain("total = sum(itemCount)");
    expect(kql).toContain("failed = sumif(itemCount, toint(resultCode) >= 500)");
    expect(kql).toContain("| where total >= 20");
    expect(kql).toContain("| extend failedPercent = 100.0 * failed / total");
    const criterion = (key: string) => at(r, "properties", "criteria", "allOf", 0, key);
    expect(criterion("metricMeasureColumn")).toBe("'failedPercent'");
    expect(criterion("timeAggregation")).toBe("'Maximum'");
    expect(criterion("operator")).toBe("'GreaterThan'");
    expect(criterion("threshold")).toBe("http5xxPercentThreshold");
    expect(module).toMatch(/^param\s+http5xxPercentThreshold\s+int\s*=\s*5$/m);
  });

  it("counts 401 answers of the Vipps callback function (the unsampled request rows), above a threshold parameter", () => {
    const r = rule("vippsCallbackAuthAlertName");
    const kql = kqlOf(r);
    expect(kql.split("\n")[0]).toBe("requests");
    // The function and route the app registers (functions/payments/names.ts).
    expect(VIPPS_CALLBACK_FUNCTION).toBe("vippsCallback");
    expect(VIPPS_CALLBACK_ROUTE).toBe("api/callbacks/vipps");
    expect(kql).toContain(`| where name == "${VIPPS_CALLBACK_FUNCTION}" or url has "/${VIPPS_CALLBACK_ROUTE}"`);
    expect(kql).toContain('| where resultCode == "401"');
    expect(at(r, "properties", "criteria", "allOf", 0, "timeAggregation")).toBe("'Count'");
    expect(at(r, "properties", "criteria", "allOf", 0, "threshold")).toBe("vippsCallbackAuthFailureThreshold");
    expect(module).toMatch(/^param\s+vippsCallbackAuthFailureThreshold\s+int\s*=\s*10$/m);
  });

  describe("webhook subscriptions", () => {
    const delivery: WebhookDeliveryMessage = {
      schemaVersion: 1,
      tenantId: "t_a",
      subscriptionId: "wh_1",
      attempt: 8,
      event: {
        id: "evt_1",
        type: "case.paid",
        tenantId: "t_a",
        caseId: "c_1",
        occurredAt: "2026-11-23T10:00:00.000Z",
        data: {},
      },
      failures: [],
    };
    const logsOf = async (outcome: Awaited<ReturnType<DeliverWebhook>>): Promise<LoggedTrace[]> => {
      const { context, traces } = capturingContext();
      await makeDeliverWebhookHandler(async () => outcome)(delivery, context).catch(() => undefined);
      return traces;
    };
    const exhausted = (disabled: boolean, redelivered = false) =>
      logsOf({ kind: "exhausted", reason: "HTTP 500", delivery, redelivered, disabled });
    const kept = (kql: string, traces: LoggedTrace[]) =>
      traces.filter((t) => whereKeeps(kql, t)).map((t) => t.message.split(" {")[0]);

    it("alerts when the app disables a subscription (webhook.disabled, or the receiver's 410 Gone), not when it is only failing", async () => {
      const kql = kqlOf(rule("webhookDisabledAlertName"));
      expect(kql.split("\n")[0]).toBe("traces");
      expect(kept(kql, await exhausted(true))).toEqual(["webhook.disabled"]);
      expect(kept(kql, await exhausted(false))).toEqual([]);
      expect(kept(kql, await logsOf({ kind: "gone", why: "receiver-gone" }))).toEqual([
        "webhook receiver answered 410 Gone: not retried",
      ]);
      expect(kept(kql, await logsOf({ kind: "gone", why: "unsubscribed" }))).toEqual([]);
      expect(kept(kql, await logsOf({ kind: "delivered", status: 200 }))).toEqual([]);
    });

    it("alerts when a delivery failed its last attempt (the subscription is marked failing), not on a retry", async () => {
      const kql = kqlOf(rule("webhookFailingAlertName"));
      expect(kql.split("\n")[0]).toBe("traces");
      expect(kept(kql, await exhausted(false))).toEqual(["webhook delivery failed on its last attempt"]);
      const retry = await logsOf({
        kind: "retry",
        at: new Date("2026-11-23T10:05:00Z"),
        reason: "HTTP 500",
        next: { ...delivery, attempt: 2 },
      });
      expect(kept(kql, retry)).toEqual([]);
      // A redelivery of an exhausted last attempt logs nothing new.
      expect(kept(kql, await exhausted(false, true))).toEqual([]);
    });
  });
});

describe("operations workbook (health and payment funnel)", () => {
  const module = source("modules/operations-workbook.bicep");
  const call = moduleCalls(main).find((m) => m.path === "modules/operations-workbook.bicep");
  const workbookResource = resources(module).find((r) => r.type === "Microsoft.Insights/workbooks");
  const at = (...path: Array<string | number>): string | undefined =>
    valueAt(`{${workbookResource?.body ?? ""}}`, ...path);
  const loaded = /loadTextContent\('([^']+)'\)/.exec(module)?.[1] ?? "";
  const workbookPath = join(infraDir, "modules", loaded);

  interface WorkbookItem {
    type: number;
    name: string;
    content: { version?: string; query?: string; queryType?: number; resourceType?: string; resourceIds?: string[] };
  }
  const workbook = (): { version: string; items: WorkbookItem[] } =>
    JSON.parse(readFileSync(workbookPath, "utf8")) as { version: string; items: WorkbookItem[] };
  const item = (name: string): WorkbookItem => {
    const found = workbook().items.find((i) => i.name === name);
    if (!found) throw new Error(`the workbook has no item ${name}`);
    return found;
  };

  it("is a shared workbook on Application Insights, named by a deterministic guid(), loading the JSON file that exists", () => {
    expect(call, "main.bicep must call modules/operations-workbook.bicep").toBeDefined();
    expect(call?.params.get("appInsightsName")).toBe("monitoring.outputs.appInsightsName");
    expect(call?.params.get("serviceBusNamespaceName")).toBe("serviceBus.outputs.name");
    expect(workbookResource, "a Microsoft.Insights/workbooks resource").toBeDefined();
    expect(at("name")).toBe("guid(appInsights.id, 'operations-workbook')");
    expect(at("kind")).toBe("'shared'");
    expect(at("location")).toBe("location");
    expect(at("properties", "sourceId")).toBe("appInsights.id");
    expect(at("properties", "category")).toBe("'workbook'");
    expect(at("properties", "displayName")).toBe("displayName");
    expect(at("properties", "serializedData")).toBe("serializedWorkbook");
    expect(loaded).toBe("../workbooks/operations.workbook.json");
    expect(existsSync(workbookPath)).toBe(true);
    expect(module).toMatch(
      /var\s+serializedWorkbook\s*=\s*replace\(\s*loadTextContent\('\.\.\/workbooks\/operations\.workbook\.json'\),\s*'__SERVICE_BUS_NAMESPACE_ID__',\s*serviceBus\.id\s*\)/,
    );
  });

  it("is valid Notebook/1.0 JSON whose log queries run on Application Insights and whose metrics name the namespace placeholder", () => {
    const wb = workbook();
    expect(wb.version).toBe("Notebook/1.0");
    expect(wb.items.length).toBeGreaterThan(8);
    const names = wb.items.map((i) => i.name);
    expect(new Set(names).size).toBe(names.length);
    for (const i of wb.items.filter((x) => x.type === 3)) {
      expect(i.content.version, i.name).toBe("KqlItem/1.0");
      expect(i.content.queryType, i.name).toBe(0);
      expect(i.content.resourceType, i.name).toBe("microsoft.insights/components");
      expect((i.content.query ?? "").length, i.name).toBeGreaterThan(20);
    }
    expect(item("health-dead-letters").content.resourceIds).toEqual(["__SERVICE_BUS_NAMESPACE_ID__"]);
    expect(JSON.stringify(item("health-dead-letters").content)).toContain(
      "microsoft.servicebus/namespaces--DeadletteredMessages",
    );
  });

  it("has the health view: 5xx, exceptions, dead letters, orchestration failures, unmatched payments, reopen delays", () => {
    const alerts = source("modules/alerts.bicep");
    const alertQuery = (name: string): string =>
      new RegExp(`^var\\s+${name}\\s*=\\s*'''([\\s\\S]*?)'''`, "m").exec(alerts)?.[1]?.trim() ?? "";
    expect(item("health-requests-5xx").content.query).toContain("toint(resultCode) >= 500");
    expect(item("health-exceptions").content.query?.split("\n")[0]).toBe("exceptions");
    // The same filters as the alerts, so the panel shows what fired.
    const where = (kql: string) => kql.split(/\n(?=\|)/).find((s) => /^\|\s*where\b/.test(s));
    expect(where(item("health-orchestration-failures").content.query ?? "")).toBe(
      where(alertQuery("orchestrationFailedQuery")),
    );
    expect(where(item("health-unmatched-payments").content.query ?? "")).toBe(
      where(alertQuery("unmatchedPaymentQuery")),
    );
    expect(where(item("health-reopen-delays").content.query ?? "")).toBe(where(alertQuery("reopenDelayedQuery")));
  });

  it("counts the funnel from names the app really logs: SMS sent, pay page opened, payment started, received, case paid", async () => {
    const funnel = item("funnel").content.query ?? "";
    // SMS: the caseLadderExecuteStep activity's line for an executed step delivered by SMS.
    const smsRegex = /matches regex @"([^"]+)"/.exec(funnel)?.[1] ?? "$^";
    expect(readFileSync(join(repoRoot, "functions/cases/execute-step.activity.ts"), "utf8")).toContain(
      "context.log(`case ${caseId}: ${action.kind} ${outcome.kind}${detail}`);",
    );
    expect(new RegExp(smsRegex).test("case c_1: lets-pay-sms executed (sms sent)")).toBe(true);
    expect(new RegExp(smsRegex).test("case c_1: reminder executed (sms-alert sent)")).toBe(false);
    expect(new RegExp(smsRegex).test("case c_1: lets-pay-sms executed (sms failed)")).toBe(false);
    // The pay page and its submit, by the function names the app registers.
    expect(funnel).toContain(`name == "${PAY_PAGE_FUNCTION}" and resultCode == "200"`);
    expect(funnel).toContain(`name == "${PAY_SUBMIT_FUNCTION}" and resultCode == "303"`);
    // Payment received and case paid: the fan-out's trace for those case events, as the worker formats it.
    const { context, traces } = capturingContext();
    const fanOut = makeFanOutCaseEventsHandler(async () => []);
    for (const type of ["payment.received", "case.paid"] as const)
      await fanOut(
        { id: `evt_${type}`, type, tenantId: "t_a", caseId: "c_1", occurredAt: "2026-11-23T10:00:00.000Z", data: {} },
        context,
      );
    for (const [index, type] of ["payment.received", "case.paid"].entries()) {
      const needle = `message has "type: '${type}'"`;
      expect(funnel).toContain(`message startswith "case event fanned out to webhooks" and ${needle}`);
      expect(traces[index]?.message.startsWith("case event fanned out to webhooks")).toBe(true);
      expect(traces[index]?.message).toContain(`type: '${type}'`);
    }
    expect(WEBHOOK_EVENT_TYPES).toEqual(expect.arrayContaining(["payment.received", "case.paid"]));
  });
});

describe("Cosmos DB containers from cosmos-containers.json", () => {
  const module = source("modules/cosmos.bicep");
  const declaration = JSON.parse(read("cosmos-containers.json")) as {
    containers: Array<Record<string, unknown> & ContainerJson>;
  };

  it("loads the containers from cosmos-containers.json with loadJsonContent and passes them to the module", () => {
    expect(main).toMatch(/^var\s+cosmosContainers\s*=\s*loadJsonContent\('(\.\/)?cosmos-containers\.json'\)/m);
    expect(
      moduleCalls(main)
        .find((m) => m.path === "modules/cosmos.bicep")
        ?.params.get("containers"),
    ).toBe("cosmosContainers.containers");
    expect(params(module).find((p) => p.name === "containers")?.type).toBe("containerSpec[]");
  });

  it("creates one container per JSON entry by iterating over them, with the entry's partition key, unique keys and TTL", () => {
    const containers = resources(module).find(
      (r) => r.type === "Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers",
    );
    expect(containers?.header).toMatch(/^\[for\s+c\s+in\s+containers\s*:/);
    expect(containers?.body).toMatch(/name:\s*c\.id\b/);
    expect(containers?.body).toMatch(/id:\s*c\.id\b/);
    expect(containers?.body).toMatch(/paths:\s*\[\s*c\.partitionKeyPath\s*\]/);
    expect(containers?.body).toMatch(/kind:\s*'Hash'/);
    expect(containers?.body).toContain(
      "uniqueKeyPolicy: { uniqueKeys: map(c.?uniqueKeys ?? [], paths => { paths: paths }) }",
    );
    expect(containers?.body).toContain("c.?defaultTtlSeconds == null ? {} : { defaultTtl: c.?defaultTtlSeconds }");
  });

  it("matches the JSON to the module's declared type (the same check Bicep makes on the parameter)", () => {
    const keys = typeKeys(module, "containerSpec");
    expect(Object.keys(declaration).filter((k) => k !== "$schema")).toEqual(["containers"]);
    for (const c of declaration.containers) {
      for (const key of Object.keys(c)) expect(keys.has(key), `${c.id}: containerSpec has no ${key}`).toBe(true);
      for (const [key, optional] of keys) if (!optional) expect(c, `${c.id} needs ${key}`).toHaveProperty(key);
    }
  });

  it("declares the containers the stores use, each with its partition key, and TTL only on idempotency records, Min side and staff sessions and the webhook delivery log", () => {
    const summary = declaration.containers.map((c) => ({
      id: c.id,
      path: c.partitionKeyPath,
      ttl: c.defaultTtlSeconds ?? null,
    }));
    expect(summary).toEqual([
      { id: "cases", path: "/caseId", ttl: null },
      { id: "tenants", path: "/tenantId", ttl: null },
      { id: "api-keys", path: "/keyId", ttl: null },
      { id: "idempotency", path: "/key", ttl: 604800 },
      { id: "pay-links", path: "/tokenHash", ttl: null },
      { id: "webhooks", path: "/tenantId", ttl: null },
      { id: "payment-attempts", path: "/reference", ttl: null },
      { id: "bank-payments", path: "/paymentId", ttl: null },
      { id: "partner-connections", path: "/tenantId", ttl: null },
      { id: "interest-rates", path: "/country", ttl: null },
      { id: "deliveries", path: "/id", ttl: null },
      { id: "debtor-contacts", path: "/id", ttl: null },
      { id: "min-side-sessions", path: "/id", ttl: 86400 },
      { id: "powers-of-attorney", path: "/granteeRef", ttl: null },
      { id: "message-threads", path: "/caseId", ttl: null },
      { id: "staff-sessions", path: "/id", ttl: 86400 },
      { id: "staff-audit", path: "/partition", ttl: null },
      { id: "webhook-delivery-log", path: "/subscriptionId", ttl: 2592000 },
      { id: "work-items", path: "/queue", ttl: null },
      { id: "kpi-buckets", path: "/pk", ttl: null },
    ]);
  });

  it("keeps every container within Cosmos DB limits", () => {
    const ids = declaration.containers.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const c of declaration.containers) {
      expect(c.id).toMatch(/^[a-z0-9][a-z0-9-]{0,254}$/);
      expect(c.partitionKeyPath).toMatch(/^\/[A-Za-z_][A-Za-z0-9_]*$/);
      const ttl = c.defaultTtlSeconds;
      expect(ttl === undefined || ttl === -1 || (Number.isInteger(ttl) && ttl > 0), c.id).toBe(true);
      for (const uniqueKey of c.uniqueKeys ?? []) for (const path of uniqueKey) expect(path, c.id).toMatch(/^\//);
    }
  });
});

describe("Function App settings", () => {
  const settings = appSettings();

  it("sets every setting the app needs, in the one marked APP SETTINGS block", () => {
    expect(mainRaw).toMatch(/\/\/ APP SETTINGS/);
    for (const name of REQUIRED_APP_SETTINGS) expect(settings.has(name), name).toBe(true);
    const functionApp = moduleCalls(main).find((m) => m.path === "modules/function-app.bicep");
    expect(functionApp?.params.get("appSettings")).toBe("appSettings");
  });

  it("sets nothing Flex Consumption rejects and no local-only connection string or key", () => {
    for (const name of FORBIDDEN_APP_SETTINGS) expect(settings.has(name), name).toBe(false);
  });

  it("reaches Storage and Service Bus with the managed identity", () => {
    expect(settings.get("AzureWebJobsStorage__credential")).toBe("'managedidentity'");
    expect(settings.get("ServiceBusConnection__credential")).toBe("'managedidentity'");
    for (const name of ["AzureWebJobsStorage__clientId", "ServiceBusConnection__clientId", "AZURE_CLIENT_ID"]) {
      expect(settings.get(name), name).toBe("identity.outputs.clientId");
    }
    expect(settings.get("COSMOS_ENDPOINT_DISCOVERY")).toBe("'true'");
    expect(settings.get("LETTERS_CONTAINER")).toBe("storage.outputs.lettersContainerName");
    expect(settings.get("APPLICATIONINSIGHTS_AUTHENTICATION_STRING")).toContain("Authorization=AAD");
  });

  it("takes secrets from Key Vault references only", () => {
    for (const name of KEY_VAULT_SETTINGS) {
      expect(settings.get(name), name).toMatch(/^'@Microsoft\.KeyVault\(SecretUri=\$\{keyVaultSecretUri\}[^']+\/\)'$/);
    }
    expect(main).toMatch(/var\s+keyVaultSecretUri\s*=\s*'\$\{keyVault\.outputs\.vaultUri\}secrets\/'/);
    for (const [name, value] of settings) {
      if (
        /KEY|SECRET|PASSWORD|CONNECTION_STRING/.test(name) &&
        // No secret in these: an ingestion endpoint with a key that cannot ingest alone (local auth is off), a vault
        // URL, and the scheduler's endpoint with the identity's client id (checked in full below).
        ![
          "APPLICATIONINSIGHTS_CONNECTION_STRING",
          "KEY_VAULT_URL",
          "DURABLE_TASK_SCHEDULER_CONNECTION_STRING",
        ].includes(name)
      ) {
        expect(KEY_VAULT_SETTINGS, `${name} looks secret but is not a Key Vault reference`).toContain(name);
      }
      expect(value, name).not.toMatch(/AccountKey=|SharedAccessKey|accesskey=/i);
    }
    expect(source("modules/function-app.bicep")).toMatch(/keyVaultReferenceIdentity:\s*identityId/);
  });

  it("runs on Flex Consumption with Node, HTTPS only, as the user-assigned identity", () => {
    const module = source("modules/function-app.bicep");
    expect(module).toMatch(/tier:\s*'FlexConsumption'/);
    expect(module).toMatch(/name:\s*'FC1'/);
    expect(module).toMatch(/functionAppConfig:\s*\{/);
    expect(module).toMatch(/runtime:\s*\{\s*name:\s*'node'\s*version:\s*nodeVersion\s*\}/);
    expect(module).toMatch(/httpsOnly:\s*true/);
    expect(module).toMatch(/type:\s*'UserAssigned'/);
    expect(module).toMatch(/type:\s*'UserAssignedIdentity'/);
    expect(main).toMatch(/param\s+nodeVersion\s+string\s*=\s*'20'/);
    expect(main).toMatch(/param\s+maximumInstanceCount\s+int\b/);
    expect(main).toMatch(/param\s+instanceMemoryMB\s+int\b/);
  });
});

describe("Durable Task Scheduler (the orchestrations' backend in Azure)", () => {
  const module = source("modules/durable-task-scheduler.bicep");
  const declared = resources(module);
  const call = moduleCalls(main).find((m) => m.path === "modules/durable-task-scheduler.bicep");
  const hostJson = JSON.parse(readFileSync(join(repoRoot, "host.json"), "utf8")) as {
    extensionBundle: { id: string; version: string };
    extensions: { durableTask: { hubName: string; storageProvider?: Record<string, unknown> } };
  };
  const find = (type: string): ResourceDecl => {
    const found = declared.find((r) => r.type === type);
    if (!found) throw new Error(`modules/durable-task-scheduler.bicep declares no ${type}`);
    return found;
  };
  const at = (r: ResourceDecl, ...path: Array<string | number>): string | undefined => valueAt(`{${r.body}}`, ...path);

  it("is wired in main.bicep: the scheduler named per environment, the task hub named by DURABLE_TASK_HUB, the app identity", () => {
    expect(call, "main.bicep must call modules/durable-task-scheduler.bicep").toBeDefined();
    expect(call?.params.get("name")).toBe("names.durableTaskScheduler");
    expect(main).toContain("durableTaskScheduler: 'dts-${appName}-${env}-${resourceToken}'");
    expect(call?.params.get("taskHubName")).toBe("durableTaskHubName");
    expect(call?.params.get("principalId")).toBe("identity.outputs.principalId");
    expect(call?.params.get("skuName")).toBe("durableTaskSchedulerSku");
    expect(call?.params.get("ipAllowlist")).toBe("durableTaskSchedulerIpAllowlist");
    expect(main).toMatch(/^param\s+durableTaskSchedulerSku\s+string\s*=\s*'Consumption'$/m);
    expect(appSettings().get("DURABLE_TASK_HUB")).toBe("durableTaskScheduler.outputs.taskHubName");
  });

  it("creates the scheduler with its SKU and a never-empty IP allow list, and the task hub under it", () => {
    const scheduler = find("Microsoft.DurableTask/schedulers");
    const taskHub = find("Microsoft.DurableTask/schedulers/taskHubs");
    expect(at(scheduler, "name")).toBe("name");
    expect(at(scheduler, "properties", "ipAllowlist")).toBe("ipAllowlist");
    expect(at(scheduler, "properties", "sku")).toBe("sku");
    expect(module).toMatch(
      /^var\s+sku\s*=\s*skuName == 'Dedicated' \? \{ name: 'Dedicated', capacity: dedicatedCapacity \} : \{ name: 'Consumption' \}$/m,
    );
    expect(params(module).find((p) => p.name === "skuName")?.decorators).toMatch(/'Consumption'\s+'Dedicated'/);
    const allowlist = params(module).find((p) => p.name === "ipAllowlist");
    expect(allowlist?.decorators).toMatch(/@minLength\(1\)/);
    expect(module).toMatch(/param\s+ipAllowlist\s+array\s*=\s*\[\s*'0\.0\.0\.0\/0'\s*\]/);
    expect(at(taskHub, "parent")).toBe("scheduler");
    expect(at(taskHub, "name")).toBe("taskHubName");
    expect(outputs(module)).toEqual(expect.arrayContaining(["endpoint", "taskHubName", "name"]));
    expect(module).toMatch(/^output\s+endpoint\s+string\s*=\s*scheduler\.properties\.endpoint$/m);
    expect(module).toMatch(/^output\s+taskHubName\s+string\s*=\s*taskHub\.name$/m);
  });

  it("grants the app identity the built-in Durable Task Data Contributor role on the task hub", () => {
    const assignments = declared.filter((r) => r.type === "Microsoft.Authorization/roleAssignments");
    const app = assignments.find((r) => at(r, "properties", "principalId") === "principalId");
    expect(app, "a role assignment for principalId").toBeDefined();
    expect(at(app!, "scope")).toBe("taskHub");
    expect(at(app!, "properties", "principalType")).toBe("'ServicePrincipal'");
    expect(at(app!, "properties", "roleDefinitionId")).toBe(
      "subscriptionResourceId('Microsoft.Authorization/roleDefinitions', durableTaskDataContributorRoleId)",
    );
    // https://learn.microsoft.com/azure/role-based-access-control/built-in-roles/integration#durable-task-data-contributor
    expect(module).toMatch(/^var\s+durableTaskDataContributorRoleId\s*=\s*'0ad04412-c4d5-4796-b79c-f76d14c8d402'$/m);
  });

  it("gives the app the scheduler's endpoint and its identity in DURABLE_TASK_SCHEDULER_CONNECTION_STRING, no key", () => {
    expect(appSettings().get("DURABLE_TASK_SCHEDULER_CONNECTION_STRING")).toBe(
      "'Endpoint=${durableTaskScheduler.outputs.endpoint};Authentication=ManagedIdentity;ClientID=${identity.outputs.clientId}'",
    );
  });

  it("selects the scheduler in host.json (storageProvider azureManaged) with a bundle that carries its extension", () => {
    expect(hostJson.extensions.durableTask.hubName).toBe("%DURABLE_TASK_HUB%");
    expect(hostJson.extensions.durableTask.storageProvider).toEqual({
      type: "azureManaged",
      connectionStringName: "DURABLE_TASK_SCHEDULER_CONNECTION_STRING",
    });
    const connection = String(hostJson.extensions.durableTask.storageProvider?.["connectionStringName"]);
    expect(appSettings().has(connection), `main.bicep sets ${connection}`).toBe(true);
    expect(REQUIRED_APP_SETTINGS).toContain(connection);
    // Microsoft.Azure.WebJobs.Extensions.DurableTask.AzureManaged is in the GA bundle from 4.30.0 on.
    expect(hostJson.extensionBundle.id).toBe("Microsoft.Azure.Functions.ExtensionBundle");
    const range = /^\[(\d+)\.(\d+)\.(\d+), 5\.0\.0\)$/.exec(hostJson.extensionBundle.version);
    expect(range, `bundle range ${hostJson.extensionBundle.version} must name its lower bound`).not.toBeNull();
    const [major, minor] = [Number(range?.[1]), Number(range?.[2])];
    expect(major === 4 && minor >= 30).toBe(true);
  });
});

describe("data services", () => {
  it("creates the Cosmos database serverless and keyless, with the data-plane role for the identity", () => {
    const module = source("modules/cosmos.bicep");
    expect(module).toMatch(/name:\s*'EnableServerless'/);
    expect(module).toMatch(/disableLocalAuth:\s*true/);
    expect(module).toContain("'00000000-0000-0000-0000-000000000002'");
    expect(
      moduleCalls(main)
        .find((m) => m.path === "modules/cosmos.bicep")
        ?.params.get("databaseName"),
    ).toBe("'payment-follow-up'");
  });

  it("creates the storage containers, a WORM policy on letters, versioning and soft delete, with shared keys off", () => {
    const module = source("modules/storage.bicep");
    const p = new Map(params(module).map((d) => [d.name, d]));
    expect(module).toMatch(/param\s+lettersContainerName\s+string\s*=\s*'letters'/);
    expect(module).toMatch(/param\s+ocrIncomingContainerName\s+string\s*=\s*'ocr-incoming'/);
    expect(module).toMatch(/param\s+deploymentsContainerName\s+string\s*=\s*'deployments'/);
    expect(p.has("letterRetentionDays")).toBe(true);
    const worm = resources(module).find((r) => r.type.endsWith("/containers/immutabilityPolicies"));
    expect(worm?.body).toMatch(/parent:\s*lettersContainer\b/);
    expect(worm?.body).toMatch(/immutabilityPeriodSinceCreationInDays:\s*letterRetentionDays/);
    expect(worm?.body).toMatch(/allowProtectedAppendWrites:\s*false/);
    expect(module).toMatch(/isVersioningEnabled:\s*true/);
    expect(module).toMatch(/deleteRetentionPolicy:\s*\{\s*enabled:\s*true/);
    expect(module).toMatch(/minimumTlsVersion:\s*'TLS1_2'/);
    expect(module).toMatch(/allowBlobPublicAccess:\s*false/);
    expect(module).toMatch(/allowSharedKeyAccess:\s*false/);
  });

  it("grants the identity the data roles Durable Functions, Service Bus, ACS and Key Vault need", () => {
    const roles: Record<string, string[]> = {
      "modules/storage.bicep": [
        "b7e6dc6d-f1e8-4753-8033-0f276bb0955b", // Storage Blob Data Owner
        "974c5e8b-45b9-4653-ba55-5f855dd0fb88", // Storage Queue Data Contributor
        "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3", // Storage Table Data Contributor
      ],
      "modules/service-bus.bicep": ["69a216fc-b8fb-44d8-bc22-1f3c2552a45a", "4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0"],
      "modules/communication.bicep": ["b24988ac-6180-42a0-ab88-20f7382dd24c"],
      "modules/key-vault.bicep": ["4633458b-17de-408a-b874-0445c86b69e6"],
      "modules/monitoring.bicep": ["3913510d-42f4-4e42-8a64-420c390055eb"],
    };
    for (const [file, ids] of Object.entries(roles))
      for (const id of ids) expect(source(file), `${file} ${id}`).toContain(`'${id}'`);
    expect(source("modules/key-vault.bicep")).toMatch(/enableRbacAuthorization:\s*true/);
    // The app itself sets and deletes the partner connections' secrets: Key Vault Secrets Officer for its identity.
    const officer = resources(source("modules/key-vault.bicep")).find((r) => r.symbol === "appSecretsOfficer");
    expect(officer?.body).toMatch(/principalId:\s*principalId\b/);
    expect(officer?.body).toContain("roleIds.keyVaultSecretsOfficer");
    expect(appSettings().get("KEY_VAULT_URL")).toBe("keyVault.outputs.vaultUri");
    expect(source("modules/communication.bicep")).toMatch(/dataLocation:\s*dataLocation/);
    expect(main).toMatch(/param\s+acsDataLocation\s+string\s*=\s*'Norway'/);
  });
});

describe("no keys, named role assignments", () => {
  it("never reads keys, connection strings or SAS from any resource", () => {
    // The one exception: Event Grid can deliver BlobCreated to a Flex Consumption blob trigger only through the
    // Functions host's `blobs_extension` system key (a key of our own app's host, not of a data service).
    const HOST_BLOB_EXTENSION_KEY =
      /listKeys\('\$\{site\.id\}\/host\/default', '[\d-]+'\)\.systemKeys\.blobs_extension/gu;
    for (const [file, raw] of sources) {
      const text = /(ocr|print)-blob-events\.bicep$/u.test(file) ? raw.replace(HOST_BLOB_EXTENSION_KEY, "") : raw;
      expect(text, file).not.toMatch(/\blist(Keys|ConnectionStrings|AccountSas|ServiceSas|Secrets)\s*\(/);
      expect(text, file).not.toMatch(
        /AccountKey=|SharedAccessKey=|primaryMasterKey|primaryConnectionString|primaryKey\b/,
      );
    }
  });

  it("names every role assignment guid(scope, principal, role)", () => {
    let count = 0;
    for (const [file, text] of sources) {
      for (const r of resources(text).filter((d) => /\/(roleAssignments|sqlRoleAssignments)$/.test(d.type))) {
        count += 1;
        expect(topLevelEntries(r.body).get("name"), `${file} ${r.symbol}`).toMatch(
          /^guid\(\w+\.id,\s*\w+,\s*[\w.]+\)$/,
        );
      }
    }
    expect(count).toBeGreaterThanOrEqual(7);
  });
});

// Syntax check with the tree-sitter Bicep grammar (dev dependencies web-tree-sitter and tree-sitter-bicep; the grammar
// ships as wasm, so nothing is compiled). There is no Bicep compiler on the registries these machines reach.
type SyntaxNode = {
  type: string;
  isMissing: boolean;
  startPosition: { row: number; column: number };
  children: SyntaxNode[];
};
type BicepParser = { parse(text: string): { rootNode: SyntaxNode } | null };

async function loadBicepParser(): Promise<BicepParser | undefined> {
  const wasm = join(repoRoot, "node_modules", "tree-sitter-bicep", "tree-sitter-bicep.wasm");
  if (!existsSync(wasm) || !existsSync(join(repoRoot, "node_modules", "web-tree-sitter"))) return undefined;
  const moduleName = "web-tree-sitter"; // a variable, so TypeScript does not look for the optional package
  const treeSitter = (await import(moduleName)) as {
    Parser: { init(): Promise<void>; new (): BicepParser & { setLanguage(l: unknown): void } };
    Language: { load(path: string): Promise<unknown> };
  };
  await treeSitter.Parser.init();
  const parser = new treeSitter.Parser();
  parser.setLanguage(await treeSitter.Language.load(wasm));
  return parser;
}

describe("Bicep syntax (tree-sitter-bicep)", () => {
  let parser: BicepParser | undefined;
  beforeAll(async () => {
    parser = await loadBicepParser();
  });

  it("parses every template without a syntax error", () => {
    expect(parser, "web-tree-sitter and tree-sitter-bicep are dev dependencies: run npm ci").toBeDefined();
    for (const file of bicepFiles) {
      const tree = parser?.parse(read(file));
      const errors: string[] = [];
      const walk = (node: SyntaxNode): void => {
        if (node.type === "ERROR" || node.isMissing)
          errors.push(`${file}:${node.startPosition.row + 1}:${node.startPosition.column + 1}`);
        node.children.forEach(walk);
      };
      if (tree) walk(tree.rootNode);
      expect(errors).toEqual([]);
    }
  });
});
