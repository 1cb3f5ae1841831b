/**
 * The OpenAPI document as a contract, end to end: through `npm start`'s dev host, EVERY operation of the document
 * served at `GET /api/openapi.json` (read at run time, so a new operation is covered without touching this test) is
 * driven with requests generated from the document itself (fast-check, tests/support/openapi-contract.ts):
 *
 * - VALID requests: path, query, header and body values from their schemas (examples drawn often, so that values with
 *   a meaning beyond their schema — an organisation number, a phone number — often pass), the creditor's key (or the
 *   operator's, as the operation's `security` says), real ids from a setup mixed with generated ones;
 * - INVALID requests, one defect each: a body member missing, of the wrong type, out of range, too long, not in its
 *   enum, breaking its pattern or format, or unknown where members are closed (each checked invalid with ajv against
 *   the document); a bad path or query parameter, a bad Idempotency-Key, invalid JSON, a wrong content type, a missing
 *   or wrong API key.
 *
 * Every answer must have a status the operation documents, never a 5xx; an error must be `application/problem+json`
 * with `type`, `title` and the HTTP `status` (a 400/422 for a bad part of the request naming it in `errors`); a success
 * must match the documented response schema (ajv, JSON Schema 2020-12); an invalid request is never a success.
 * Seeded (`CONTRACT_SEED`, default below) and deterministic in what it sends; the seed is in every failure. One
 * summary line is printed and written to test-artifacts/contract-summary.json, with the statuses per operation and
 * the app's HTTP routes the document does not describe (the pay pages, the Vipps and partner callbacks, the operators'
 * routes, health): those have no documented contract to hold them to, so they are listed, not driven.
 */
import fs from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeDataDir, ROOT, startDevHost, type DevHostProcess } from "../support/devhost-process";
import { json } from "../support/http";
import { type Json, type OpenApiDocument, pointerOf, SchemaKit } from "../support/openapi-contract";

const SEED = Number(process.env.CONTRACT_SEED ?? 20_261_102);
/** Requests per operation: generated valid ones, and generated invalid ones (one defect each). */
const VALID_RUNS = Number(process.env.CONTRACT_VALID_RUNS ?? 40);
const INVALID_RUNS = Number(process.env.CONTRACT_INVALID_RUNS ?? 50);

const settings = JSON.parse(fs.readFileSync(path.join(ROOT, "local.settings.example.json"), "utf8")) as {
  Values: Record<string, string>;
};
const OPERATOR_KEY = settings.Values.OPERATOR_API_KEY!;
const WRONG_KEY = "pfu_test_0000000000000000_NotAKeyThisPlatformEverIssued000000000";
/** In this order on each path: what creates a resource before what reads it, what deletes it last. */
const METHODS = ["put", "post", "patch", "get", "delete"] as const;

interface Operation {
  method: string;
  path: string;
  operationId: string;
  spec: Json;
  /** Which key the operation's `security` asks for. */
  auth: "tenant" | "operator" | "none";
  parameters: Array<{ name: string; in: string; required: boolean; schema: Json }>;
  body?: Json;
}

/** One request to send, and what it is meant to test. */
interface Plan {
  operation: Operation;
  params: Record<string, string>;
  query: Array<[string, string]>;
  headers: Record<string, string>;
  body?: string;
  /** "valid", or the one defect the request carries. */
  variant: string;
  /** For an invalid request: the pointer its problem should name in `errors` (when it is a 400/422). */
  pointer?: string;
}

let host: DevHostProcess;
let document: OpenApiDocument;
let kit: SchemaKit;
let tenantKey: string;
let today: string;
/** Ids that exist, by path parameter name; the first is the current operation's own fresh resource. */
const pools: Record<string, string[]> = {};

const summary = {
  seed: SEED,
  requests: 0,
  validRequests: 0,
  invalidRequests: 0,
  validAnsweredSuccess: 0,
  operations: 0,
  operationsInDocument: 0,
  operationsWithSuccess: 0,
  undocumentedStatuses: 0,
  serverErrors: 0,
  schemaMismatches: 0,
  problemShapeErrors: 0,
  invalidAccepted: 0,
  fieldNotNamed: 0,
  statuses: {} as Record<string, number>,
  /** HTTP routes the dev host registers that the document does not describe (no contract to hold them to). */
  routesNotInDocument: [] as string[],
  perOperation: {} as Record<string, Record<string, number>>,
  durationMs: 0,
};
const findings: string[] = [];

async function send(plan: Plan): Promise<{ status: number; contentType: string; text: string }> {
  const url = new URL(
    `${host.base}/api${plan.operation.path.replace(/\{(\w+)\}/gu, (_, name: string) => encodeURIComponent(plan.params[name] ?? ""))}`,
  );
  for (const [name, value] of plan.query) url.searchParams.append(name, value);
  const res = await fetch(url, {
    method: plan.operation.method.toUpperCase(),
    headers: plan.headers,
    ...(plan.body === undefined ? {} : { body: plan.body }),
  });
  return { status: res.status, contentType: res.headers.get("content-type") ?? "", text: await res.text() };
}

async function call(method: string, route: string, body?: unknown, key = tenantKey): Promise<Json> {
  const res = await fetch(`${host.base}/api${route}`, {
    method,
    headers: { "x-api-key": key, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`setup: ${method} ${route} answered ${res.status}: ${text}`);
  return (text ? JSON.parse(text) : {}) as Json;
}

let invoices = 0;
/** A fresh case (with a broadband service) of a fresh customer; returns [caseId, customerId]. */
async function freshCase(dates: { issueDate: string; dueDate: string } = { issueDate: today, dueDate: today }) {
  const n = ++invoices;
  const customerId = `cust-contract-${n}`;
  const created = await call("POST", "/v1/invoices", {
    invoiceNumber: `CONTRACT-${n}`,
    customer: {
      customerId,
      name: "Kari Kontrakt",
      phone: "+4791234567",
      address: { lines: ["Storgata 1"], postalCode: "0155", city: "Oslo", country: "NO" },
      consent: { sms: true, email: false },
    },
    amount: { value: 50_000, currency: "NOK" },
    ...dates,
    services: [{ serviceId: "svc-1", kind: "broadband" }],
  });
  return [created.caseId as string, customerId] as const;
}

/** What some operations need before they can succeed at all (a dispute to resolve, a hold to resume…). */
const PREPARE: Record<string, (caseId: string) => Promise<unknown>> = {
  resolveCaseDispute: (id) => call("POST", `/v1/cases/${id}/dispute`, { reason: "The debtor objects" }),
  resumeCase: (id) => call("POST", `/v1/cases/${id}/hold`, { reason: "Waiting for the debtor" }),
  unblockCaseService: (id) =>
    call("POST", `/v1/cases/${id}/services/svc-1/block`, { reason: "Customer service blocks it" }),
};

async function eventually<T>(check: () => Promise<T | undefined | false>, what: string, timeoutMs = 30_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > until) throw new Error(`setup: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function operationsOf(doc: OpenApiDocument): Operation[] {
  const operations: Operation[] = [];
  for (const [route, item] of Object.entries(doc.paths)) {
    for (const method of METHODS) {
      const spec = item[method];
      if (!spec) continue;
      const security = (spec.security ?? []) as Array<Record<string, unknown>>;
      const schemes = security.flatMap((s) => Object.keys(s));
      const parameters = [
        ...((item.parameters as unknown as unknown[]) ?? []),
        ...((spec.parameters as unknown[]) ?? []),
      ]
        .map((p) => kit.resolve<{ name: string; in: string; required?: boolean; schema: Json }>(p))
        .map((p) => ({ name: p.name, in: p.in, required: p.required ?? p.in === "path", schema: p.schema }));
      const requestBody = spec.requestBody
        ? kit.resolve<{ content: Record<string, { schema: Json }> }>(spec.requestBody)
        : undefined;
      const body = requestBody?.content["application/json"]?.schema;
      operations.push({
        method,
        path: route,
        operationId: String(spec.operationId),
        spec,
        auth: schemes.includes("OperatorKey") ? "operator" : schemes.includes("ApiKey") ? "tenant" : "none",
        parameters,
        ...(body ? { body } : {}),
      });
    }
  }
  return operations;
}

const keyFor = (operation: Operation) =>
  operation.auth === "operator" ? OPERATOR_KEY : operation.auth === "tenant" ? tenantKey : undefined;

const asParameterText = (value: unknown) => (typeof value === "string" ? value : JSON.stringify(value));

/** Valid requests for an operation. */
function validPlans(operation: Operation): fc.Arbitrary<Plan> {
  const params: Record<string, fc.Arbitrary<string>> = {};
  const query: Record<string, fc.Arbitrary<string>> = {};
  let idempotency: fc.Arbitrary<string> | undefined;
  for (const p of operation.parameters) {
    const generated = kit.arbitrary(p.schema).map(asParameterText);
    if (p.in === "path") {
      const known = pools[p.name] ?? [];
      params[p.name] =
        known.length > 0
          ? fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...known) }, { weight: 1, arbitrary: generated })
          : generated;
    } else if (p.in === "query") query[p.name] = generated;
    else if (p.in === "header" && p.name.toLowerCase() === "idempotency-key")
      // A few keys, so that some come again: a replay, or a key reused for another request (409).
      idempotency = fc.oneof(
        { weight: 1, arbitrary: fc.constantFrom("contract-key-1", "contract-key-2") },
        { weight: 3, arbitrary: generated },
      );
  }
  return fc
    .record({
      params: fc.record(params),
      query: fc.record(query, { requiredKeys: [] }),
      // A key on about one request in four.
      idempotency: idempotency
        ? fc.oneof({ weight: 3, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: idempotency })
        : fc.constant(null),
      body: operation.body ? kit.arbitrary(operation.body) : fc.constant(undefined),
    })
    .map(({ params: p, query: q, idempotency: key, body }) => {
      const apiKey = keyFor(operation);
      return {
        operation,
        params: p,
        query: Object.entries(q).filter((e): e is [string, string] => e[1] !== undefined),
        headers: {
          ...(apiKey ? { "x-api-key": apiKey } : {}),
          ...(key === null ? {} : { "idempotency-key": key }),
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        variant: "valid",
      };
    });
}

/** The ways one valid request can be made invalid, as functions of it (none when the operation has no such part). */
function defects(operation: Operation, plan: Plan): Array<() => Plan | undefined> {
  const out: Array<() => Plan | undefined> = [];
  const body = plan.body === undefined ? undefined : (JSON.parse(plan.body) as unknown);
  if (operation.body && body !== undefined) {
    for (const m of kit.mutations(operation.body, body))
      out.push(() => ({
        ...plan,
        body: JSON.stringify(m.value),
        variant: `body ${m.kind} at ${pointerOf(m.path) || "/"}`,
        pointer: pointerOf(m.path),
      }));
    out.push(() => {
      let text = plan.body!.slice(0, Math.max(1, Math.floor(plan.body!.length / 2)));
      if (parses(text)) text = `${plan.body!},`;
      return { ...plan, body: text, variant: "invalid JSON", pointer: "" };
    });
    out.push(() => ({ ...plan, body: "", variant: "empty body" }));
    for (const type of ["text/plain", "application/x-www-form-urlencoded", "application/json; charset=iso-8859-1"])
      out.push(() => ({
        ...plan,
        headers: { ...plan.headers, "content-type": type },
        variant: `content type ${type}`,
      }));
  }
  for (const p of operation.parameters) {
    const value =
      p.in === "path"
        ? plan.params[p.name]
        : p.in === "query"
          ? plan.query.find(([n]) => n === p.name)?.[1]
          : plan.headers[p.name.toLowerCase()];
    const base = value ?? asParameterText(fc.sample(kit.arbitrary(p.schema), { numRuns: 1, seed: SEED })[0]);
    const typed = p.schema.type === "integer" || p.schema.type === "number" ? Number(base) : base;
    for (const m of kit.mutations(p.schema, typed)) {
      let text = asParameterText(m.value);
      if (p.in === "header") text = text.replace(/[\0\r\n]/gu, "");
      // As the text it travels as, the value must still be invalid (the number 12 is "12" in a URL), and a path
      // segment must not be empty (that is another route).
      const asText = p.schema.type === "integer" || p.schema.type === "number" ? Number(text) : text;
      if (kit.isValid(p.schema, asText) || (p.in === "path" && text === "")) continue;
      const pointer = `#/${p.in}/${p.name}`;
      const variant = `${p.in} ${p.name} ${m.kind}`;
      if (p.in === "path") out.push(() => ({ ...plan, params: { ...plan.params, [p.name]: text }, variant, pointer }));
      else if (p.in === "query")
        out.push(() => ({
          ...plan,
          query: [...plan.query.filter(([n]) => n !== p.name), [p.name, text]],
          variant,
          pointer,
        }));
      else if (p.in === "header")
        out.push(() => ({ ...plan, headers: { ...plan.headers, [p.name.toLowerCase()]: text }, variant, pointer }));
    }
  }
  if (operation.auth !== "none") {
    const { "x-api-key": _, ...without } = plan.headers;
    out.push(() => ({ ...plan, headers: without, variant: "no API key" }));
    out.push(() => ({ ...plan, headers: { ...plan.headers, "x-api-key": WRONG_KEY }, variant: "unknown API key" }));
    out.push(() => ({
      ...plan,
      headers: { ...plan.headers, "x-api-key": operation.auth === "operator" ? tenantKey : OPERATOR_KEY },
      variant:
        operation.auth === "operator"
          ? "a creditor's key on an operator route"
          : "the operator key on a creditor route",
    }));
  }
  return out;
}

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** Invalid requests for an operation: a valid one with one defect. */
function invalidPlans(operation: Operation): fc.Arbitrary<Plan> {
  return fc
    .tuple(validPlans(operation), fc.nat())
    .map(([plan, pick]) => {
      const options = defects(operation, plan);
      return options.length === 0 ? undefined : options[pick % options.length]!();
    })
    .filter((plan): plan is Plan => plan !== undefined);
}

/** The documented responses of an operation: status → { content type → schema } (empty for no body). */
function documented(operation: Operation): Map<string, Record<string, Json | undefined>> {
  const out = new Map<string, Record<string, Json | undefined>>();
  for (const [status, ref] of Object.entries((operation.spec.responses ?? {}) as Json)) {
    const response = kit.resolve<{ content?: Record<string, { schema?: Json }> }>(ref);
    out.set(
      status,
      Object.fromEntries(Object.entries(response.content ?? {}).map(([type, media]) => [type, media.schema])),
    );
  }
  return out;
}

function check(plan: Plan, res: { status: number; contentType: string; text: string }): string[] {
  const problems: string[] = [];
  const responses = documented(plan.operation);
  const entry =
    responses.get(String(res.status)) ?? responses.get(`${String(res.status)[0]}XX`) ?? responses.get("default");
  if (!entry) {
    summary.undocumentedStatuses++;
    problems.push(`undocumented status ${res.status}`);
  }
  if (res.status >= 500) {
    summary.serverErrors++;
    problems.push(`server error ${res.status}`);
  }
  const essence = res.contentType.split(";")[0]!.trim().toLowerCase();
  if (res.status >= 400) {
    let body: Json | undefined;
    try {
      body = JSON.parse(res.text) as Json;
    } catch {
      /* reported below */
    }
    const shape: string[] = [];
    if (essence !== "application/problem+json") shape.push(`content-type ${res.contentType || "(none)"}`);
    if (!body || typeof body.type !== "string" || typeof body.title !== "string") shape.push("no type/title");
    else if (body.status !== res.status) shape.push(`status member ${String(body.status)}`);
    const problemSchema = document.components.schemas!.Problem!;
    if (body && !kit.isValid(problemSchema, body)) shape.push(`not a Problem: ${kit.check(problemSchema, body)}`);
    if (shape.length > 0) {
      summary.problemShapeErrors++;
      problems.push(`problem+json expected: ${shape.join("; ")}`);
    }
    if (body && plan.pointer !== undefined && (res.status === 400 || res.status === 422)) {
      const pointers = Array.isArray(body.errors)
        ? (body.errors as Array<{ pointer?: string }>).map((e) => String(e.pointer).toLowerCase())
        : [];
      const wanted = plan.pointer.toLowerCase();
      const named = pointers.some(
        (p) =>
          p === wanted ||
          (p !== "" && wanted.startsWith(`${p}/`)) ||
          (wanted !== "" && p.startsWith(`${wanted}/`)) ||
          (p === "" && wanted === ""),
      );
      if (!named) {
        summary.fieldNotNamed++;
        problems.push(`errors do not name ${plan.pointer || '""'}: ${JSON.stringify(pointers)}`);
      }
    }
  } else if (res.status >= 200 && res.status < 300 && entry) {
    const types = Object.keys(entry);
    if (types.length === 0) {
      if (res.text !== "") problems.push(`a body where none is documented: ${res.text.slice(0, 100)}`);
    } else if (!types.includes(essence)) {
      summary.schemaMismatches++;
      problems.push(`content-type ${res.contentType}, documented ${types.join(", ")}`);
    } else if (essence.endsWith("json")) {
      const schema = entry[essence];
      const error = schema ? kit.check(schema, parseOr(res.text)) : undefined;
      if (error) {
        summary.schemaMismatches++;
        problems.push(`response does not match its schema: ${error}`);
      }
    }
  }
  if (plan.variant !== "valid" && res.status < 400 && !refusedPerItem(plan, res)) {
    summary.invalidAccepted++;
    problems.push(`invalid request accepted with ${res.status}`);
  }
  return problems;
}

/**
 * A 207 (a batch: each item succeeds or fails on its own, as the operation documents) for a request whose one defect
 * is inside item N: right when result N is a problem naming the defect (its pointer inside the item, or the whole one).
 */
function refusedPerItem(plan: Plan, res: { status: number; text: string }): boolean {
  const item = /^(\/[^/]+\/(\d+))(\/.*)?$/u.exec(plan.pointer ?? "");
  if (res.status !== 207 || !item) return false;
  const results = (parseOr(res.text) as { results?: Array<{ index: number; status: number; problem?: Json }> }).results;
  const result = results?.find((r) => r.index === Number(item[2]));
  if (!result || result.status < 400 || !result.problem) return false;
  const inner = item[3] ?? "";
  const pointers = ((result.problem.errors ?? []) as Array<{ pointer: string }>).map((e) => e.pointer);
  return pointers.some(
    (p) =>
      p === inner ||
      p === plan.pointer ||
      inner.startsWith(`${p}/`) ||
      p.startsWith(`${inner}/`) ||
      (p === "" && inner === ""),
  );
}

function parseOr(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function describePlan(plan: Plan): string {
  const query = plan.query.length ? `?${new URLSearchParams(plan.query).toString()}` : "";
  const url = plan.operation.path.replace(/\{(\w+)\}/gu, (_, n: string) => encodeURIComponent(plan.params[n] ?? ""));
  const headers = Object.entries(plan.headers)
    .filter(([n]) => n !== "x-api-key")
    .map(([n, v]) => `${n}: ${v}`)
    .join(", ");
  return `${plan.operation.method.toUpperCase()} /api${url}${query} [${plan.variant}] {${headers}} ${(plan.body ?? "").slice(0, 300)}`;
}

/** The app's HTTP routes (from the dev host's function list) that are not operations of the document. */
async function routesNotInDocument(operations: Operation[]): Promise<string[]> {
  const functions = await json<
    Array<{ trigger: string; bindings: Array<{ type: string; route?: string; methods?: string[] }> }>
  >(await fetch(`${host.base}/api/dev/functions`));
  const documented = new Set(operations.map((o) => `${o.method.toUpperCase()} api${o.path}`));
  return functions
    .filter((f) => f.trigger === "httpTrigger")
    .flatMap((f) => {
      const trigger = f.bindings.find((b) => b.type === "httpTrigger");
      const route = (trigger?.route ?? "").replace(/\{(\w+)(?::[^}]*)?\}/gu, "{$1}");
      return (trigger?.methods ?? ["GET"]).map((method) => `${method.toUpperCase()} ${route}`);
    })
    .filter((r) => !documented.has(r))
    .sort();
}

/** Per operation, a seed of its own (from the run's seed and the operation id): adding one changes no other's requests. */
function seedFor(operationId: string): number {
  let h = SEED >>> 0;
  for (const ch of operationId) h = (Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0) & 0x7fffffff;
  return h;
}

beforeAll(async () => {
  host = await startDevHost(makeDataDir("contract-"));
  const res = await fetch(`${host.base}/api/openapi.json`);
  expect(res.status).toBe(200);
  document = await json<OpenApiDocument>(res);
  kit = new SchemaKit(document);

  const tenant = await call(
    "POST",
    "/v1/tenants",
    { name: "Kontrakt Kreditor AS", senderName: "Kontrakt", orgNumber: "974760673", country: "NO" },
    OPERATOR_KEY,
  );
  tenantKey = tenant.apiKey as string;
  const now = (await json<{ now: string }>(await fetch(`${host.base}/api/dev/clock`))).now;
  today = new Date(now).toISOString().slice(0, 10);
  // A case with a letter to fetch: due in 3 days, the reminder is out 17 days later.
  const addDays = (date: string, days: number) =>
    new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
  const [letterCase, letterCustomer] = await freshCase({ issueDate: addDays(today, -11), dueDate: addDays(today, 3) });
  const advance = await fetch(`${host.base}/api/dev/clock`, {
    method: "POST",
    body: JSON.stringify({ advance: "P17D" }),
  });
  expect(advance.status).toBe(200);
  today = new Date((await json<{ now: string }>(advance)).now).toISOString().slice(0, 10);
  const letters = await eventually(async () => {
    const list = await call("GET", `/v1/cases/${letterCase}/documents`);
    const items = list.items as Array<{ documentId: string }>;
    return items.length > 0 && items;
  }, "a letter on the case");
  pools.caseId = [letterCase];
  pools.customerId = [letterCustomer];
  pools.serviceId = ["svc-1"];
  pools.documentId = letters.map((l) => l.documentId);
  pools.webhookId = [];
}, 120_000);

afterAll(async () => {
  await host?.stop();
});

describe("the OpenAPI document as a contract, every operation", () => {
  it("answers generated valid and invalid requests only with documented statuses, problem+json errors and documented bodies", async () => {
    const started = Date.now();
    const operations = operationsOf(document);
    summary.operationsInDocument = operations.length;
    expect(operations.length).toBeGreaterThan(20);

    for (const operation of operations) {
      // The operation's own fresh resources first in the pools (the letter case stays as a second choice).
      const names = operation.parameters.filter((p) => p.in === "path").map((p) => p.name);
      if (names.includes("caseId") || names.includes("customerId")) {
        const [caseId, customerId] = await freshCase();
        await PREPARE[operation.operationId]?.(caseId);
        pools.caseId = [caseId, pools.caseId!.at(-1)!];
        pools.customerId = [customerId, pools.customerId!.at(-1)!];
      }
      if (names.includes("webhookId"))
        pools.webhookId = [
          (await call("POST", "/v1/webhooks", { url: "http://127.0.0.1:9/hook", events: ["case.paid"] })).id as string,
        ];

      const seed = seedFor(operation.operationId);
      const plans = [
        ...fc.sample(validPlans(operation), { numRuns: VALID_RUNS, seed }),
        ...fc.sample(invalidPlans(operation), { numRuns: INVALID_RUNS, seed: seed + 1 }),
      ];
      const counts: Record<string, number> = {};
      for (const plan of plans) {
        const res = await send(plan);
        summary.requests++;
        if (plan.variant === "valid") {
          summary.validRequests++;
          if (res.status < 300) summary.validAnsweredSuccess++;
          else if (process.env.CONTRACT_DEBUG)
            console.log(`${operation.operationId} valid → ${res.status} ${res.text.slice(0, 300)}`);
        } else summary.invalidRequests++;
        counts[res.status] = (counts[res.status] ?? 0) + 1;
        summary.statuses[res.status] = (summary.statuses[res.status] ?? 0) + 1;
        for (const problem of check(plan, res))
          findings.push(
            `${operation.operationId}: ${problem}\n    ${describePlan(plan)}\n    → ${res.status} ${res.text.slice(0, 400)}`,
          );
      }
      summary.perOperation[`${operation.method.toUpperCase()} ${operation.path}`] = counts;
      summary.operations++;
      if (Object.keys(counts).some((s) => s.startsWith("2"))) summary.operationsWithSuccess++;
    }
    summary.durationMs = Date.now() - started;
    summary.routesNotInDocument = await routesNotInDocument(operations);

    const line =
      `contract: ${summary.requests} requests over ${summary.operations} operations (seed ${SEED}), ` +
      `${summary.undocumentedStatuses} undocumented statuses, ${summary.serverErrors} × 5xx, ` +
      `${summary.schemaMismatches} schema mismatches, ${summary.problemShapeErrors} malformed problems, ` +
      `${summary.invalidAccepted} invalid requests accepted, ${summary.fieldNotNamed} fields not named; ` +
      `${summary.operationsWithSuccess}/${summary.operations} operations answered a 2xx ` +
      `(${summary.validAnsweredSuccess} of ${summary.validRequests} valid requests)`;
    console.log(line);
    fs.mkdirSync(path.join(ROOT, "test-artifacts"), { recursive: true });
    fs.writeFileSync(
      path.join(ROOT, "test-artifacts", "contract-summary.json"),
      `${JSON.stringify({ ...summary, line, findings }, null, 2)}\n`,
    );

    expect(summary.operations).toBe(operations.length);
    // The generated requests reach success, so that success bodies are checked too (not only refusals).
    expect(summary.operationsWithSuccess, "operations that answered a 2xx").toBeGreaterThanOrEqual(
      Math.ceil(operations.length * 0.9),
    );
    expect(findings, `seed ${SEED} (CONTRACT_SEED=${SEED} reproduces it)`).toEqual([]);
  }, 240_000);
});
