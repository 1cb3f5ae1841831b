/**
 * JSON text helpers for the HTTP edge: where a body stopped being JSON, and one canonical serialisation.
 */

export interface JsonSyntaxError {
  /** 0-based offset in UTF-16 code units (what `String.prototype` indexes count). */
  offset: number;
  /** 1-based. */
  line: number;
  /** 1-based, in UTF-16 code units. */
  column: number;
  /** Short English reason; never quotes the input (which may carry personal data). */
  reason: string;
}

/**
 * The first syntax error in `text` according to RFC 8259, or undefined when it is valid JSON.
 *
 * Used only after `JSON.parse` has failed, to say where: V8's own messages differ between Node versions, sometimes
 * carry no position, and sometimes quote the input. Iterative (an explicit stack), so deep nesting cannot overflow.
 */
export function locateJsonSyntaxError(text: string): JsonSyntaxError | undefined {
  type Expect = "value" | "value-or-close" | "key" | "key-or-close" | "colon" | "comma-or-close" | "end";
  const stack: Array<"{" | "["> = [];
  let expect: Expect = "value";
  let i = 0;

  const fail = (offset: number, reason: string): JsonSyntaxError => ({
    offset,
    reason,
    ...lineAndColumn(text, offset),
  });
  const afterValue = (): Expect => (stack.length === 0 ? "end" : "comma-or-close");

  while (true) {
    while (i < text.length && (text[i] === " " || text[i] === "\t" || text[i] === "\n" || text[i] === "\r")) i++;
    if (i >= text.length) {
      return expect === "end" ? undefined : fail(i, "unexpected end of input");
    }
    const ch = text[i];
    switch (expect) {
      case "end":
        return fail(i, "unexpected data after the JSON value");
      case "colon":
        if (ch !== ":") return fail(i, "expected ':' after the property name");
        i++;
        expect = "value";
        continue;
      case "comma-or-close": {
        const open = stack[stack.length - 1];
        if (ch === ",") {
          i++;
          expect = open === "{" ? "key" : "value";
        } else if ((ch === "}" && open === "{") || (ch === "]" && open === "[")) {
          i++;
          stack.pop();
          expect = afterValue();
        } else {
          return fail(
            i,
            open === "{" ? "expected ',' or '}' after a property value" : "expected ',' or ']' after an array element",
          );
        }
        continue;
      }
      case "key-or-close":
      case "key": {
        if (expect === "key-or-close" && ch === "}") {
          i++;
          stack.pop();
          expect = afterValue();
          continue;
        }
        if (ch !== '"') return fail(i, "expected a double-quoted property name");
        const end = scanString(text, i);
        if (typeof end !== "number") return fail(end.offset, end.reason);
        i = end;
        expect = "colon";
        continue;
      }
      case "value-or-close":
      case "value": {
        if (expect === "value-or-close" && ch === "]") {
          i++;
          stack.pop();
          expect = afterValue();
          continue;
        }
        if (ch === "{" || ch === "[") {
          stack.push(ch);
          i++;
          expect = ch === "{" ? "key-or-close" : "value-or-close";
          continue;
        }
        let end: number | { offset: number; reason: string };
        if (ch === '"') end = scanString(text, i);
        else if (ch === "-" || (ch !== undefined && ch >= "0" && ch <= "9")) end = scanNumber(text, i);
        else end = scanLiteral(text, i);
        if (typeof end !== "number") return fail(end.offset, end.reason);
        i = end;
        expect = afterValue();
        continue;
      }
    }
  }
}

type ScanResult = number | { offset: number; reason: string };

function scanString(text: string, start: number): ScanResult {
  let i = start + 1;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    if (code === 0x22) return i + 1;
    if (code < 0x20) return { offset: i, reason: "control character in a string (escape it)" };
    if (code === 0x5c) {
      const next = text[i + 1];
      if (next === "u") {
        if (!/^[0-9a-fA-F]{4}$/u.test(text.slice(i + 2, i + 6))) return { offset: i, reason: "invalid \\u escape" };
        i += 6;
        continue;
      }
      if (next === undefined || !'"\\/bfnrt'.includes(next)) return { offset: i, reason: "invalid escape sequence" };
      i += 2;
      continue;
    }
    i++;
  }
  return { offset: text.length, reason: "unterminated string" };
}

function scanNumber(text: string, start: number): ScanResult {
  const match = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/u.exec(text.slice(start, start + 400));
  if (!match || match[0] === "-") return { offset: start, reason: "invalid number" };
  const end = start + match[0].length;
  // "01", "1.", "1e" and the like: the valid prefix is followed by what should have continued the number.
  const next = text[end];
  if (next !== undefined && /[0-9.eE+-]/u.test(next)) return { offset: end, reason: "invalid number" };
  return end;
}

function scanLiteral(text: string, start: number): ScanResult {
  for (const literal of ["true", "false", "null"]) {
    if (text.startsWith(literal, start)) return start + literal.length;
  }
  return { offset: start, reason: "unexpected character (expected a JSON value)" };
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === "\n") {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/**
 * The canonical JSON text of a parsed JSON value, per the JSON Canonicalization Scheme (RFC 8785) for values that
 * came out of `JSON.parse`: object members sorted by their names' UTF-16 code units, no whitespace, strings and
 * numbers serialised as ECMAScript's `JSON.stringify` does (which is what RFC 8785 prescribes). So two bodies that
 * differ only in member order or whitespace have the same canonical form.
 *
 * Caveat shared with every JSON number canonicalisation: numbers beyond IEEE-754 precision collapse (2^53 + 1 and
 * 2^53 read the same); the API's amounts are safe integers, so this cannot merge two valid requests.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") {
    const text = JSON.stringify(value);
    // undefined, functions and symbols have no JSON form; they cannot come from JSON.parse.
    if (text === undefined) throw new TypeError("canonicalJson: value has no JSON representation");
    return text;
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const record = value as Record<string, unknown>;
  const members = Object.keys(record)
    .filter((key) => record[key] !== undefined)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`);
  return `{${members.join(",")}}`;
}
