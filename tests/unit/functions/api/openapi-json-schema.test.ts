/**
 * The OpenAPI document as a client generator reads it: every schema compiles under JSON Schema 2020-12 (ajv), every
 * example the document gives validates against its schema, and the values the API accepts in its own tests validate
 * too — a pattern that matches nothing valid (a regex flag left in it, `^[A-Z]{2}$/u`) fails here.
 */
import Ajv2020 from "ajv/dist/2020";
import { describe, expect, it } from "vitest";
import { partnerApiDocument } from "../../../../functions/api/http-openapi";
import { invoiceBody } from "./api-fixtures";

type Json = Record<string, unknown>;
const document = partnerApiDocument() as unknown as Json & { components: { schemas: Record<string, Json> } };
const DOC_ID = "https://payment-follow-up.dev/openapi.json";

function validator({ formats = false } = {}) {
  // OpenAPI keywords beyond JSON Schema (example, discriminator…) are annotations: not strict about them.
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: formats });
  if (formats) for (const [name, format] of Object.entries(FORMATS)) ajv.addFormat(name, format);
  ajv.addSchema({ $id: DOC_ID, components: document.components });
  return ajv;
}

/** The formats the document uses, checked as the API checks them (zod's date, e-mail and URL). */
const FORMATS: Record<string, (value: string) => boolean> = {
  date: (v) => /^\d{4}-\d{2}-\d{2}$/u.test(v) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v),
  "date-time": (v) => !Number.isNaN(Date.parse(v)) && /^\d{4}-\d{2}-\d{2}T/u.test(v),
  email: (v) => /^[^\s@]+@[^\s@]+\.[^\s@]+$/u.test(v),
  uri: (v) => URL.canParse(v),
  binary: () => true,
};

const schemaRef = (name: string) => ({ $ref: `${DOC_ID}#/components/schemas/${name}` });

/** A schema of the document with its `#/components/…` references made absolute (to compile it on its own). */
function absolute(schema: unknown): Json {
  return JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', `"${DOC_ID}#/components/`)) as Json;
}

/** Each schema object (under `at`) that gives an `example` or `examples`, with them. */
function examplesIn(
  value: unknown,
  where: string,
  found: Array<{ where: string; schema: Json; example: unknown }> = [],
) {
  if (!value || typeof value !== "object" || Array.isArray(value)) return found;
  const schema = value as Json;
  if ("example" in schema) found.push({ where, schema, example: schema.example });
  if (Array.isArray(schema.examples)) for (const e of schema.examples) found.push({ where, schema, example: e });
  for (const [k, v] of Object.entries(schema)) {
    if (k === "example" || k === "examples") continue;
    examplesIn(v, `${where}/${k}`, found);
  }
  return found;
}

/** Follows a `#/components/…` reference inside the document (once; the document never chains them). */
function deref(value: unknown): Json {
  const ref = (value as Json | undefined)?.$ref;
  if (typeof ref !== "string") return value as Json;
  let target: unknown = document;
  for (const segment of ref.replace(/^#\//u, "").split("/"))
    target = (target as Json)[segment.replaceAll("~1", "/").replaceAll("~0", "~")];
  return target as Json;
}

interface ExampleUse {
  where: string;
  schema: Json;
  example: unknown;
}

/**
 * Every example the document gives, wherever OpenAPI allows one, each with the schema it must satisfy:
 * - in a schema (`example`, or JSON Schema's `examples` array) — inline in an operation or a component, at any depth;
 * - on a parameter or header (`example`, or an `examples` map of Example objects), against its `schema`;
 * - on a media type of a request body or a response (`example` / `examples` map), against the media type's `schema`.
 */
function everyExample(): ExampleUse[] {
  const found: ExampleUse[] = [];
  const examplesMap = (map: unknown, where: string, schema: Json) => {
    if (!map || typeof map !== "object") return;
    for (const [name, ex] of Object.entries(map as Json)) {
      const example = deref(ex);
      if ("value" in example) found.push({ where: `${where}/examples/${name}`, schema, example: example.value });
    }
  };
  const visitSchema = (value: unknown, where: string): void => {
    if (!value || typeof value !== "object") return;
    if (Array.isArray(value)) return value.forEach((v, i) => visitSchema(v, `${where}/${String(i)}`));
    const schema = value as Json;
    if ("example" in schema) found.push({ where: `${where}/example`, schema, example: schema.example });
    if (Array.isArray(schema.examples))
      schema.examples.forEach((e, i) => found.push({ where: `${where}/examples/${String(i)}`, schema, example: e }));
    for (const key of ["properties", "patternProperties", "$defs"] as const)
      for (const [name, sub] of Object.entries((schema[key] as Json | undefined) ?? {}))
        visitSchema(sub, `${where}/${key}/${name}`);
    for (const key of ["items", "additionalProperties", "not", "contains", "propertyNames"] as const)
      visitSchema(schema[key], `${where}/${key}`);
    for (const key of ["allOf", "anyOf", "oneOf", "prefixItems"] as const) visitSchema(schema[key], `${where}/${key}`);
  };
  const visitWithSchema = (value: unknown, where: string) => {
    const holder = deref(value);
    if (!holder || typeof holder !== "object") return;
    const schema = (holder.schema ?? {}) as Json;
    visitSchema(holder.schema, `${where}/schema`);
    if ("example" in holder) found.push({ where: `${where}/example`, schema, example: holder.example });
    examplesMap(holder.examples, where, schema);
  };
  const visitContent = (content: unknown, where: string) => {
    for (const [type, media] of Object.entries((content as Json | undefined) ?? {}))
      visitWithSchema(media, `${where}/content/${type}`);
  };
  const visitResponse = (value: unknown, where: string) => {
    const response = deref(value);
    visitContent(response.content, where);
    for (const [name, header] of Object.entries((response.headers as Json | undefined) ?? {}))
      visitWithSchema(header, `${where}/headers/${name}`);
  };
  const paths = document.paths as Record<string, Record<string, Json>>;
  for (const [path, item] of Object.entries(paths)) {
    for (const [method, operation] of Object.entries(item)) {
      const at = `#/paths/${path}/${method}`;
      if (method === "parameters") {
        (operation as unknown as unknown[]).forEach((p, i) =>
          visitWithSchema(p, `#/paths/${path}/parameters/${String(i)}`),
        );
        continue;
      }
      ((operation.parameters as unknown[] | undefined) ?? []).forEach((p, i) =>
        visitWithSchema(p, `${at}/parameters/${String(i)}`),
      );
      if (operation.requestBody) visitContent(deref(operation.requestBody).content, `${at}/requestBody`);
      for (const [status, response] of Object.entries((operation.responses as Json | undefined) ?? {}))
        visitResponse(response, `${at}/responses/${status}`);
    }
  }
  const components = document.components as Record<string, Json | undefined>;
  for (const [name, schema] of Object.entries(components.schemas ?? {}))
    visitSchema(schema, `#/components/schemas/${name}`);
  for (const kind of ["parameters", "headers"] as const)
    for (const [name, p] of Object.entries(components[kind] ?? {})) visitWithSchema(p, `#/components/${kind}/${name}`);
  for (const [name, body] of Object.entries(components.requestBodies ?? {}))
    visitContent(deref(body).content, `#/components/requestBodies/${name}`);
  for (const [name, response] of Object.entries(components.responses ?? {}))
    visitResponse(response, `#/components/responses/${name}`);
  return found;
}

/** Every `pattern` anywhere in the document. */
function patterns(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) patterns(v, found);
  else if (value && typeof value === "object")
    for (const [k, v] of Object.entries(value)) {
      if (k === "pattern" && typeof v === "string") found.push(v);
      else patterns(v, found);
    }
  return found;
}

describe("the OpenAPI document as JSON Schema 2020-12", () => {
  it("compiles every component schema", () => {
    const ajv = validator();
    const failures: string[] = [];
    for (const name of Object.keys(document.components.schemas)) {
      try {
        ajv.compile(schemaRef(name));
      } catch (err) {
        failures.push(`${name}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    expect(failures).toEqual([]);
    expect(Object.keys(document.components.schemas).length).toBeGreaterThan(20);
  });

  it("has patterns that are plain ECMA-262 regexes, without a JavaScript flag suffix", () => {
    const all = patterns(document);
    expect(all.length).toBeGreaterThan(3);
    expect(all.filter((p) => /\/[dgimsuvy]+$/u.test(p))).toEqual([]);
    for (const p of all) expect(() => new RegExp(p, "u")).not.toThrow();
  });

  it("validates every example the document gives (on a schema or one of its properties) against that schema", () => {
    const ajv = validator();
    const failures: string[] = [];
    const pairs = examplesIn(document.components.schemas, "components/schemas");
    for (const { where, schema, example } of pairs) {
      const validate = ajv.compile(absolute(schema));
      if (!validate(example)) failures.push(`${where}: ${ajv.errorsText(validate.errors)}`);
    }
    expect(failures).toEqual([]);
    expect(pairs.length, "the document gives examples").toBeGreaterThan(5);
  });

  it("validates every example anywhere in the document: parameters, request bodies, responses and their schemas", () => {
    const ajv = validator({ formats: true });
    const uses = everyExample();
    const failures: string[] = [];
    for (const { where, schema, example } of uses) {
      const validate = ajv.compile(absolute(schema));
      if (!validate(example))
        failures.push(`${where}: ${ajv.errorsText(validate.errors)} (${JSON.stringify(example)})`);
    }
    expect(failures).toEqual([]);
    expect(uses.filter((u) => u.schema.format !== undefined).length, "examples of a format, checked").toBeGreaterThan(
      0,
    );
    // Examples must not vanish unnoticed: in the components, and on the operations themselves (path parameters).
    expect(uses.length, "examples in the document").toBeGreaterThan(50);
    expect(uses.filter((u) => u.where.startsWith("#/paths/")).length, "examples on operations").toBeGreaterThan(10);
    expect(
      uses.filter((u) => /\/parameters\/\d+\/example$/u.test(u.where)).length,
      "parameter examples",
    ).toBeGreaterThan(5);
  });

  it("accepts what the API accepts and sends: an invoice hand-over, a case id, a country code, no letterhead", () => {
    const ajv = validator();
    const paths = document.paths as Record<string, Record<string, Json>>;
    const invoiceSchema = (paths["/v1/invoices"]!.post!.requestBody as { content: Record<string, { schema: Json }> })
      .content["application/json"]!.schema;
    const validInvoice = ajv.compile(absolute(invoiceSchema));
    expect(validInvoice(invoiceBody()), ajv.errorsText(validInvoice.errors)).toBe(true);
    expect(validInvoice({ ...invoiceBody(), invoiceNumber: undefined }), "a required member missing").toBe(false);
    // A nullable reference: the default letterhead is sent as null (the generator's allOf refused it).
    const letterheadView = ajv.compile(schemaRef("LetterheadView"));
    expect(letterheadView({ letterhead: null, isDefault: true }), ajv.errorsText(letterheadView.errors)).toBe(true);
    const example = document.components.schemas.Letterhead!.example;
    expect(letterheadView({ letterhead: example, isDefault: false }), ajv.errorsText(letterheadView.errors)).toBe(true);
    expect(letterheadView({ letterhead: "none", isDefault: false })).toBe(false);
    const byPattern = (p: RegExp) => patterns(document).find((x) => p.test(x));
    expect(new RegExp(byPattern(/^\^c_/u)!, "u").test("c_dvylt4timeyy6cknvug6ppdi2u")).toBe(true);
    expect(new RegExp(byPattern(/^\^\[A-Z\]\{2\}\$/u)!, "u").test("NO")).toBe(true);
  });
});
