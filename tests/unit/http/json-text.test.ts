import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalJson, locateJsonSyntaxError } from "../../../shared/http/json-text";

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

describe("locating a JSON syntax error", () => {
  it("points at the first character that cannot continue the document", () => {
    expect(locateJsonSyntaxError('{"a":1,}')).toMatchObject({
      offset: 7,
      line: 1,
      column: 8,
      reason: "expected a double-quoted property name",
    });
    expect(locateJsonSyntaxError("[1,2")).toMatchObject({ offset: 4, reason: "unexpected end of input" });
    expect(locateJsonSyntaxError('{"a": }')).toMatchObject({
      offset: 6,
      reason: "unexpected character (expected a JSON value)",
    });
    expect(locateJsonSyntaxError('"a\nb"')).toMatchObject({
      offset: 2,
      line: 1,
      reason: "control character in a string (escape it)",
    });
    expect(locateJsonSyntaxError("01")).toMatchObject({ offset: 1, reason: "invalid number" });
    expect(locateJsonSyntaxError("{}\n x")).toMatchObject({
      offset: 4,
      line: 2,
      column: 2,
      reason: "unexpected data after the JSON value",
    });
  });

  it("survives nesting far deeper than a recursive parser could", () => {
    expect(locateJsonSyntaxError("[".repeat(200_000))).toMatchObject({
      offset: 200_000,
      reason: "unexpected end of input",
    });
  });

  it("finds an error exactly when JSON.parse rejects the text (property)", () => {
    const almostJson = fc
      .tuple(fc.json(), fc.nat(), fc.constantFrom("", "}", "]", ",", ":", '"', "\\", "0", "-", "\n", "x"))
      .map(([text, at, insert]) => {
        const i = at % (text.length + 1);
        return text.slice(0, i) + insert + text.slice(i);
      });
    fc.assert(
      fc.property(fc.oneof(fc.json(), almostJson), (text) => {
        expect(locateJsonSyntaxError(text) === undefined).toBe(parses(text));
      }),
      { numRuns: 2000 },
    );
  });
});

describe("canonical JSON", () => {
  it("sorts members, drops whitespace and keeps arrays in order", () => {
    expect(canonicalJson(JSON.parse('{ "b": [3, 1], "a": { "d": null, "c": "x" } }'))).toBe(
      '{"a":{"c":"x","d":null},"b":[3,1]}',
    );
  });

  it("serialises numbers and strings as ECMAScript does (RFC 8785)", () => {
    expect(canonicalJson(JSON.parse('[1.0, 1e3, -0, "\\u00f8", "\\u001f"]'))).toBe('[1,1000,0,"ø","\\u001f"]');
  });
});
