/**
 * Holds recorded HTTP exchanges to a vendor's published OpenAPI 3.0 documents (docs/vendor/…), for contract tests:
 * finds the operation a request is for, and validates with ajv its path, query and header parameters, its body, and
 * the response's status and body against what the document says. OpenAPI 3.0 schemas are JSON Schema draft-04/07
 * plus `nullable` (ajv understands it) and annotations (`example`, `x-…`: ignored); the formats the documents use are
 * defined below so a wrong `uuid` or `date-time` is an error, not a silent pass.
 */
import { dereference } from "@readme/openapi-parser";
import Ajv, { type ValidateFunction } from "ajv";

export type Json = Record<string, unknown>;

export interface RecordedExchange {
  method: string;
  /** Path without the query, as sent. */
  path: string;
  query: URLSearchParams;
  /** Lower-case header names. */
  headers: Record<string, string>;
  body: unknown;
  status: number;
  responseBody: unknown;
}

/** A correction to a vendor document, applied after loading, with the reason it is needed (printed by the test). */
export interface Erratum {
  why: string;
  patch: (api: { components: { schemas: Record<string, Json> } }) => void;
}

export interface VendorDocument {
  name: string;
  file: string;
  /** What the document's server URL adds before its paths (the Webhooks API's servers end in `/webhooks`). */
  prefix?: string;
  /** The document's problem schema: an error status the operation does not list must still answer one. */
  problemSchema?: string;
  errata?: Erratum[];
}

interface Parameter {
  name: string;
  in: "path" | "query" | "header" | "cookie";
  required?: boolean;
  schema?: Json;
}

interface Operation {
  document: string;
  problem?: Json;
  operationId: string;
  method: string;
  template: string;
  pattern: RegExp;
  names: string[];
  parameters: Parameter[];
  requestBody?: Json;
  responses: Record<string, Json>;
}

/** What one check found wrong; empty when the exchange holds to the document. */
export type Findings = string[];

const FORMATS: Record<string, RegExp | ((value: string) => boolean)> = {
  uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/iu,
  guid: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/iu,
  "date-time": (v) =>
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/iu.test(v) && !isNaN(Date.parse(v)),
  uri: (v) => {
    try {
      return new URL(v).protocol.length > 1;
    } catch {
      return false;
    }
  },
  byte: /^[A-Za-z0-9+/._-]*={0,2}$/u,
};

export class VendorContract {
  readonly #ajv: Ajv;
  readonly #operations: Operation[] = [];
  readonly #compiled = new Map<Json, ValidateFunction>();
  /** operationId → how many exchanges were checked against it. */
  readonly operationsSeen = new Map<string, number>();
  /** Bodies (request, response, webhook) validated against a schema. */
  payloadsValidated = 0;
  /** Every finding so far, each prefixed with where it was found. */
  readonly findings: string[] = [];
  /** Error answers with a status the operation does not list (their body checked against the problem schema). */
  readonly undocumentedErrors: string[] = [];
  /** Free-text `format`s the documents use (e.g. the Report API's "DateTime"): ajv ignores them; listed here. */
  readonly unknownFormats: string[] = [];
  /** The errata applied, `document: why`. */
  readonly errata: string[] = [];

  private constructor() {
    const noteFormat = (message: unknown) => {
      const format = /unknown format "([^"]+)"/u.exec(String(message))?.[1];
      if (format === undefined) console.warn(message);
      else if (!this.unknownFormats.includes(format)) this.unknownFormats.push(format);
    };
    this.#ajv = new Ajv({
      strict: false,
      allErrors: true,
      validateFormats: true,
      logger: { log: () => undefined, warn: noteFormat, error: (m: unknown) => console.error(m) },
    });
    for (const [name, format] of Object.entries(FORMATS)) this.#ajv.addFormat(name, format);
    this.#ajv.addFormat("int32", {
      type: "number",
      validate: (n: number) => Number.isInteger(n) && Math.abs(n) < 2 ** 31,
    });
    this.#ajv.addFormat("int64", { type: "number", validate: (n: number) => Number.isSafeInteger(n) });
  }

  static async load(documents: VendorDocument[]): Promise<VendorContract> {
    const contract = new VendorContract();
    for (const doc of documents) {
      const api = (await load(doc.file)) as {
        paths: Record<string, Record<string, unknown>>;
        components: { schemas: Record<string, Json> };
      };
      for (const erratum of doc.errata ?? []) {
        erratum.patch(api);
        contract.errata.push(`${doc.name}: ${erratum.why}`);
      }
      const problem = doc.problemSchema ? api.components.schemas[doc.problemSchema] : undefined;
      for (const [template, item] of Object.entries(api.paths)) {
        const shared = (item.parameters as Parameter[] | undefined) ?? [];
        for (const method of ["get", "post", "put", "patch", "delete"]) {
          const op = item[method] as Json | undefined;
          if (!op) continue;
          const full = `${doc.prefix ?? ""}${template}`;
          const names = [...full.matchAll(/\{([^}]+)\}/gu)].map((m) => m[1]!);
          const own = (op.parameters as Parameter[] | undefined) ?? [];
          const parameters = [...shared.filter((p) => !own.some((o) => o.name === p.name && o.in === p.in)), ...own];
          contract.#operations.push({
            document: doc.name,
            ...(problem ? { problem } : {}),
            operationId: (op.operationId as string | undefined) ?? `${method.toUpperCase()} ${full}`,
            method: method.toUpperCase(),
            template: full,
            pattern: new RegExp(`^${full.replace(/\{[^}]+\}/gu, "([^/]+)")}$`, "u"),
            names,
            parameters,
            ...(op.requestBody ? { requestBody: op.requestBody as Json } : {}),
            responses: op.responses as Record<string, Json>,
          });
        }
      }
    }
    return contract;
  }

  /** A named schema of a loaded document (`components.schemas.<name>`), e.g. the ePayment `WebhookEvent`. */
  static async schema(file: string, name: string): Promise<Json> {
    const api = (await load(file)) as { components: { schemas: Record<string, Json> } };
    const schema = api.components.schemas[name];
    if (!schema) throw new Error(`${file} has no schema ${name}`);
    return schema;
  }

  /** Validates `value` against `schema`; counts it as a payload; returns what is wrong. */
  validate(schema: Json, value: unknown, where: string): Findings {
    this.payloadsValidated += 1;
    return this.#record(where, this.#check(schema, value));
  }

  /**
   * Checks one recorded exchange against its operation; returns what is wrong (also kept in `findings`). A request
   * sent invalid on purpose (`invalidRequest`, to see it refused) must be found invalid by the document instead.
   */
  check(exchange: RecordedExchange, options: { invalidRequest?: boolean } = {}): Findings {
    const where = `${exchange.method} ${exchange.path} → ${exchange.status}`;
    const match = this.#operations
      .map((op) => ({ op, m: exchange.method === op.method ? op.pattern.exec(exchange.path) : null }))
      .find((x) => x.m);
    if (!match?.m) return this.#record(where, ["no operation in the documents has this method and path"]);
    const { op, m } = match;
    this.operationsSeen.set(op.operationId, (this.operationsSeen.get(op.operationId) ?? 0) + 1);
    const found: string[] = [];
    const pathValues = new Map(op.names.map((name, i) => [name, decodeURIComponent(m[i + 1]!)]));
    for (const p of op.parameters) {
      const value =
        p.in === "path"
          ? pathValues.get(p.name)
          : p.in === "query"
            ? (exchange.query.get(p.name) ?? undefined)
            : p.in === "header"
              ? exchange.headers[p.name.toLowerCase()]
              : undefined;
      if (value === undefined) {
        if (p.required) found.push(`request: required ${p.in} parameter ${p.name} missing`);
        continue;
      }
      if (p.schema) {
        const typed = p.schema.type === "integer" || p.schema.type === "number" ? Number(value) : value;
        found.push(...this.#check(p.schema, typed).map((e) => `request ${p.in} ${p.name}: ${e}`));
      }
    }
    const requestSchema = jsonSchemaOf(op.requestBody);
    if (requestSchema) {
      if (exchange.body === undefined) {
        if (op.requestBody?.required) found.push("request: required body missing");
      } else {
        this.payloadsValidated += 1;
        found.push(...this.#check(requestSchema, exchange.body).map((e) => `request body: ${e}`));
      }
    } else if (exchange.body !== undefined && op.method !== "GET") {
      found.push("request: a body the operation does not take");
    }
    if (options.invalidRequest) {
      const requestProblems = found.splice(0, found.length); // all found so far is about the request
      if (requestProblems.length === 0) found.push("request: sent as invalid, but the document accepts it");
    }
    const response =
      op.responses[String(exchange.status)] ?? op.responses[`${String(exchange.status)[0]}XX`] ?? op.responses.default;
    if (!response && exchange.status >= 400 && op.problem) {
      this.undocumentedErrors.push(`${op.document} ${op.operationId} → ${exchange.status}`);
      this.payloadsValidated += 1;
      found.push(...this.#check(op.problem, exchange.responseBody).map((e) => `undocumented error's problem: ${e}`));
    } else if (!response) {
      found.push(`response: status ${exchange.status} is not documented (${Object.keys(op.responses).join(", ")})`);
    } else {
      const schema = jsonSchemaOf(response);
      if (schema && exchange.responseBody !== undefined) {
        this.payloadsValidated += 1;
        found.push(...this.#check(schema, exchange.responseBody).map((e) => `response body: ${e}`));
      } else if (schema && exchange.status !== 204) {
        found.push("response: the document gives a body, none came");
      }
    }
    return this.#record(`${op.document} ${op.operationId}: ${where}`, found);
  }

  #check(schema: Json, value: unknown): string[] {
    let validate = this.#compiled.get(schema);
    if (!validate) {
      validate = this.#ajv.compile(schema);
      this.#compiled.set(schema, validate);
    }
    if (validate(value)) return [];
    return (validate.errors ?? []).map((e) => `${e.instancePath || "(root)"} ${e.message ?? e.keyword}`);
  }

  #record(where: string, found: string[]): Findings {
    for (const f of found) this.findings.push(`${where}: ${f}`);
    return found;
  }
}

/**
 * A document with every internal `$ref` replaced by what it points to. External references are not fetched (tests
 * run offline): each is left open (`{}`, any value) and listed in `EXTERNAL_REFS_LEFT_OPEN` — in the ePayment
 * document only `CreatePaymentRequest.receipt` (the Order Management API's `Receipt`), which the adapter never sends.
 */
async function load(file: string): Promise<unknown> {
  const api = await dereference(file, { resolve: { external: false } });
  return openExternalRefs(api);
}

export const EXTERNAL_REFS_LEFT_OPEN: string[] = [];

function openExternalRefs(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(openExternalRefs);
  if (node === null || typeof node !== "object") return node;
  const ref = (node as Json).$ref;
  if (typeof ref === "string" && !ref.startsWith("#")) {
    if (!EXTERNAL_REFS_LEFT_OPEN.includes(ref)) EXTERNAL_REFS_LEFT_OPEN.push(ref);
    return {};
  }
  for (const [key, value] of Object.entries(node)) (node as Json)[key] = openExternalRefs(value);
  return node;
}

/** The JSON schema of a request body or response (any JSON media type), if the document gives one. */
function jsonSchemaOf(part: Json | undefined): Json | undefined {
  const content = part?.content as Record<string, { schema?: Json }> | undefined;
  if (!content) return undefined;
  const media = Object.keys(content).find((type) => /json/u.test(type));
  return media ? content[media]!.schema : undefined;
}
