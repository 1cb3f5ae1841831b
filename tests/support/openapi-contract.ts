/**
 * Requests generated from an OpenAPI 3.1 document, for the contract test (tests/e2e/contract.test.ts):
 *
 * - `SchemaKit.arbitrary(schema)`: a fast-check arbitrary of values VALID against a JSON Schema, for exactly the
 *   subset of JSON Schema the document uses (`KNOWN_KEYWORDS`). A keyword outside it throws, so the contract test
 *   fails when the document starts using one instead of silently generating the wrong values.
 * - `SchemaKit.mutations(schema, value)`: every way to make one valid value INVALID at one place — a required member
 *   left out, a wrong JSON type, a number out of range, a string too long or too short, an unknown enum value, a
 *   pattern or format broken, an unknown member where members are closed — each checked invalid with ajv, so the
 *   test only calls "invalid" what the document says is invalid.
 * - `SchemaKit.validate(schema, value)`: ajv (JSON Schema 2020-12) with the document's components, formats checked.
 */
import Ajv2020, { type ValidateFunction } from "ajv/dist/2020";
import fc from "fast-check";

export type Json = Record<string, unknown>;

export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, Json>>;
  components: Record<string, Record<string, Json>>;
}

const DOC_ID = "https://payment-follow-up.dev/openapi.json";

/** Annotations: no effect on which values are valid. */
const ANNOTATIONS = new Set(["description", "example", "examples", "default", "title", "deprecated"]);
/** The validation keywords the generator and the mutations understand (what the document uses). */
const KNOWN_KEYWORDS = new Set([
  "$ref",
  "type",
  "enum",
  "pattern",
  "minLength",
  "maxLength",
  "format",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "properties",
  "required",
  "additionalProperties",
  "items",
  "minItems",
  "maxItems",
  "oneOf",
  "anyOf",
  "allOf",
]);

/** The formats the document uses, checked the way the API checks them (zod's date, e-mail and URL). */
export const FORMATS: Record<string, (value: string) => boolean> = {
  date: (v) =>
    /^\d{4}-\d{2}-\d{2}$/u.test(v) && !Number.isNaN(Date.parse(v)) && new Date(v).toISOString().startsWith(v),
  "date-time": (v) => /^\d{4}-\d{2}-\d{2}T/u.test(v) && !Number.isNaN(Date.parse(v)),
  email: (v) => /^[^\s@]+@[^\s@]+\.[^\s@]+$/u.test(v),
  uri: (v) => URL.canParse(v),
  binary: () => true,
};

/** A place in a JSON value: the path segments, and the RFC 6901 pointer the API's problems use for a body. */
export type Segment = string | number;
export const pointerOf = (path: readonly Segment[]): string =>
  path.map((s) => `/${String(s).replaceAll("~", "~0").replaceAll("/", "~1")}`).join("");

export interface Mutation {
  kind:
    | "missing-required"
    | "wrong-type"
    | "fraction"
    | "below-minimum"
    | "above-maximum"
    | "too-short"
    | "too-long"
    | "too-few-items"
    | "too-many-items"
    | "unknown-enum"
    | "pattern"
    | "format"
    | "unknown-member";
  path: Segment[];
  /** The whole value after the mutation. */
  value: unknown;
}

const DELETE = Symbol("delete");

function setAt(root: unknown, path: readonly Segment[], replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const copy = structuredClone(root) as Record<Segment, unknown>;
  let parent = copy;
  for (const segment of path.slice(0, -1)) parent = parent[segment] as Record<Segment, unknown>;
  const last = path[path.length - 1]!;
  if (replacement === DELETE) {
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else delete parent[last];
  } else parent[last] = replacement;
  return copy;
}

/** `(?=…)` lookaheads are not supported by fc.stringMatching: generate without them, keep what the full regex accepts. */
function withoutLookaheads(pattern: string): string {
  return pattern.replace(/\(\?=[^()]*\)/gu, "");
}

const typesOf = (schema: Json): string[] =>
  Array.isArray(schema.type) ? (schema.type as string[]) : typeof schema.type === "string" ? [schema.type] : [];

export class SchemaKit {
  readonly ajv: Ajv2020;
  readonly #compiled = new Map<unknown, ValidateFunction>();

  constructor(readonly document: OpenApiDocument) {
    this.ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
    for (const [name, format] of Object.entries(FORMATS)) this.ajv.addFormat(name, format);
    this.ajv.addSchema({ $id: DOC_ID, components: document.components });
  }

  /** Follows `#/components/…` references (schemas, parameters, responses, request bodies). */
  resolve<T = Json>(value: unknown): T {
    let current = value as Json;
    for (let hops = 0; typeof current?.$ref === "string"; hops++) {
      if (hops > 10) throw new Error(`Reference loop at ${String(current.$ref)}`);
      let target: unknown = this.document;
      for (const segment of current.$ref.replace(/^#\//u, "").split("/"))
        target = (target as Json)[segment.replaceAll("~1", "/").replaceAll("~0", "~")];
      if (target === undefined) throw new Error(`Unresolvable reference ${current.$ref}`);
      current = target as Json;
    }
    return current as T;
  }

  validator(schema: Json): ValidateFunction {
    let validate = this.#compiled.get(schema);
    if (!validate) {
      const absolute = JSON.parse(
        JSON.stringify(schema).replaceAll('"#/components/', `"${DOC_ID}#/components/`),
      ) as Json;
      validate = this.ajv.compile(absolute);
      this.#compiled.set(schema, validate);
    }
    return validate;
  }

  /** Undefined when valid, else ajv's errors as text. */
  check(schema: Json, value: unknown): string | undefined {
    const validate = this.validator(schema);
    return validate(value) ? undefined : this.ajv.errorsText(validate.errors);
  }

  isValid(schema: Json, value: unknown): boolean {
    return this.check(schema, value) === undefined;
  }

  /** Throws on a keyword the generator does not understand. */
  #known(schema: Json): void {
    for (const key of Object.keys(schema))
      if (!KNOWN_KEYWORDS.has(key) && !ANNOTATIONS.has(key))
        throw new Error(`The contract generator does not know the JSON Schema keyword "${key}" (extend it)`);
  }

  // -------------------------------------------------------------------------------------------------------------
  // Valid values

  /** Values valid against `schema`; a valid `example` (or `default`) is drawn often (values with meaning: an org number). */
  arbitrary(input: Json): fc.Arbitrary<unknown> {
    const schema = this.resolve(input);
    this.#known(schema);
    const generated = this.#generate(schema);
    const samples = [schema.example, schema.default].filter((v) => v !== undefined && this.isValid(schema, v));
    return samples.length > 0
      ? fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...samples) }, { weight: 1, arbitrary: generated })
      : generated;
  }

  #generate(schema: Json): fc.Arbitrary<unknown> {
    if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]));
    if (Array.isArray(schema.oneOf) || Array.isArray(schema.anyOf)) {
      const branches = ((schema.oneOf ?? schema.anyOf) as Json[]).map((b) => this.arbitrary(b));
      return fc.oneof(...branches).filter((v) => this.isValid(schema, v));
    }
    if (Array.isArray(schema.allOf)) {
      const [first] = schema.allOf as Json[];
      return this.arbitrary(first!).filter((v) => this.isValid(schema, v));
    }
    const types = typesOf(schema);
    if (types.length > 1) return fc.oneof(...types.map((type) => this.#generate({ ...schema, type })));
    switch (types[0]) {
      case "null":
        return fc.constant(null);
      case "boolean":
        return fc.boolean();
      case "integer":
      case "number": {
        const min =
          typeof schema.exclusiveMinimum === "number"
            ? schema.exclusiveMinimum + 1
            : typeof schema.minimum === "number"
              ? schema.minimum
              : -1_000_000;
        const max = typeof schema.maximum === "number" ? schema.maximum : 100_000_000;
        return types[0] === "integer"
          ? fc.integer({ min, max })
          : fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
      }
      case "string":
        return this.#string(schema);
      case "array": {
        const minLength = typeof schema.minItems === "number" ? schema.minItems : 0;
        const maxLength = Math.min(typeof schema.maxItems === "number" ? schema.maxItems : 3, Math.max(minLength, 3));
        return fc.array(this.arbitrary((schema.items ?? {}) as Json), { minLength, maxLength });
      }
      case "object":
        return this.#object(schema);
      case undefined:
        return fc.jsonValue({ maxDepth: 2 });
      default:
        throw new Error(`The contract generator does not know the type ${String(types[0])}`);
    }
  }

  #string(schema: Json): fc.Arbitrary<unknown> {
    const minLength = typeof schema.minLength === "number" ? schema.minLength : 0;
    const maxLength = typeof schema.maxLength === "number" ? schema.maxLength : undefined;
    let arbitrary: fc.Arbitrary<string>;
    switch (schema.format) {
      case "date":
      case "date-time": {
        const date = fc.date({
          min: new Date("2020-01-01T00:00:00Z"),
          max: new Date("2030-12-31T23:59:59Z"),
          noInvalidDate: true,
        });
        arbitrary = date.map((d) => (schema.format === "date" ? d.toISOString().slice(0, 10) : d.toISOString()));
        break;
      }
      case "email":
        arbitrary = fc.emailAddress();
        break;
      case "uri":
        arbitrary = fc.webUrl({ validSchemes: ["https"] });
        break;
      case "binary":
      case undefined:
        arbitrary =
          typeof schema.pattern === "string"
            ? fc.stringMatching(new RegExp(withoutLookaheads(schema.pattern), "u"))
            : fc.oneof(
                fc.string({ minLength, maxLength: Math.min(maxLength ?? 40, Math.max(minLength, 40)) }),
                fc.string({
                  unit: "grapheme",
                  minLength,
                  maxLength: Math.min(maxLength ?? 12, Math.max(minLength, 12)),
                }),
              );
        break;
      default:
        throw new Error(`The contract generator does not know the format ${String(schema.format)}`);
    }
    return arbitrary.filter((v) => this.isValid(schema, v));
  }

  #object(schema: Json): fc.Arbitrary<unknown> {
    const properties = (schema.properties ?? {}) as Record<string, Json>;
    const required = new Set((schema.required ?? []) as string[]);
    const model: Record<string, fc.Arbitrary<unknown>> = {};
    for (const [name, property] of Object.entries(properties)) model[name] = this.arbitrary(property);
    const record = fc.record(model, { requiredKeys: [...required].filter((k) => k in model) });
    const extra = schema.additionalProperties;
    if (extra && typeof extra === "object" && Object.keys(properties).length === 0)
      return fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), this.arbitrary(extra as Json), { maxKeys: 3 });
    return record;
  }

  // -------------------------------------------------------------------------------------------------------------
  // Invalid values

  /** Every single-place mutation of the valid `value` that `schema` refuses (checked with ajv). */
  mutations(schema: Json, value: unknown): Mutation[] {
    const found: Mutation[] = [];
    this.#mutate(schema, value, [], value, found);
    return found.filter((m) => !this.isValid(schema, m.value));
  }

  #mutate(input: Json, value: unknown, path: Segment[], root: unknown, out: Mutation[]): void {
    const schema = this.resolve(input);
    const add = (kind: Mutation["kind"], replacement: unknown, at: Segment[] = path) =>
      out.push({ kind, path: at, value: setAt(root, at, replacement) });
    if (Array.isArray(schema.oneOf) || Array.isArray(schema.anyOf) || Array.isArray(schema.allOf)) {
      const branches = (schema.oneOf ?? schema.anyOf ?? schema.allOf) as Json[];
      const branch = branches.find((b) => this.isValid(b, value) && typesOf(this.resolve(b)).length > 0);
      if (branch) this.#mutate(branch, value, path, root, out);
      if (value !== null && typeof value !== "object") add("wrong-type", { not: "this" });
      return;
    }
    const types = typesOf(schema);
    // A JSON type the schema does not allow.
    const other = [
      ["string", "12"],
      ["integer", 12],
      ["number", 12],
      ["boolean", true],
      ["object", { wrong: "type" }],
      ["array", ["wrong", "type"]],
    ].find(
      ([type]) =>
        types.length > 0 && !types.includes(type as string) && !(type === "number" && types.includes("integer")),
    );
    if (other) add("wrong-type", other[1]);
    if (Array.isArray(schema.enum)) add("unknown-enum", `not-${String(schema.enum[0])}`);
    if (typeof value === "number") {
      if (types.includes("integer") && !types.includes("number")) add("fraction", value + 0.5);
      if (typeof schema.minimum === "number") add("below-minimum", schema.minimum - 1);
      if (typeof schema.exclusiveMinimum === "number") add("below-minimum", schema.exclusiveMinimum);
      if (typeof schema.maximum === "number") add("above-maximum", schema.maximum + 1);
    }
    if (typeof value === "string") {
      if (typeof schema.minLength === "number" && schema.minLength > 0) add("too-short", "");
      if (typeof schema.maxLength === "number") add("too-long", "x".repeat(schema.maxLength + 1));
      if (typeof schema.pattern === "string") add("pattern", `${value} ~\u0000`);
      if (typeof schema.format === "string" && schema.format !== "binary") add("format", `not a ${schema.format}`);
    }
    if (Array.isArray(value)) {
      if (typeof schema.minItems === "number" && schema.minItems > 0) add("too-few-items", []);
      if (typeof schema.maxItems === "number" && schema.maxItems <= 20 && value.length > 0)
        add(
          "too-many-items",
          Array.from({ length: schema.maxItems + 1 }, () => value[0]),
        );
      if (value.length > 0 && schema.items) this.#mutate(schema.items as Json, value[0], [...path, 0], root, out);
    }
    if (value !== null && typeof value === "object" && !Array.isArray(value)) {
      const present = value as Json;
      const properties = (schema.properties ?? {}) as Record<string, Json>;
      for (const name of (schema.required ?? []) as string[])
        if (name in present) add("missing-required", DELETE, [...path, name]);
      if (schema.additionalProperties === false) add("unknown-member", 1, [...path, "unexpectedMember"]);
      for (const [name, property] of Object.entries(properties))
        if (name in present) this.#mutate(property, present[name], [...path, name], root, out);
    }
  }
}
