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

function validator() {
  // OpenAPI keywords beyond JSON Schema (example, discriminator…) are annotations: not strict about them.
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
  ajv.addSchema({ $id: DOC_ID, components: document.components });
  return ajv;
}

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

  it("accepts what the API accepts: an invoice hand-over, a case id, a country code", () => {
    const ajv = validator();
    const paths = document.paths as Record<string, Record<string, Json>>;
    const invoiceSchema = (paths["/v1/invoices"]!.post!.requestBody as { content: Record<string, { schema: Json }> })
      .content["application/json"]!.schema;
    const validInvoice = ajv.compile(absolute(invoiceSchema));
    expect(validInvoice(invoiceBody()), ajv.errorsText(validInvoice.errors)).toBe(true);
    expect(validInvoice({ ...invoiceBody(), invoiceNumber: undefined }), "a required member missing").toBe(false);
    const byPattern = (p: RegExp) => patterns(document).find((x) => p.test(x));
    expect(new RegExp(byPattern(/^\^c_/u)!, "u").test("c_dvylt4timeyy6cknvug6ppdi2u")).toBe(true);
    expect(new RegExp(byPattern(/^\^\[A-Z\]\{2\}\$/u)!, "u").test("NO")).toBe(true);
  });
});
