/**
 * Subscription rule filters: correlation filters and a small subset of Service Bus SQL filters.
 *
 * SQL subset: `1=1`, `1=0`, `TRUE`, `FALSE`; comparisons `property op literal` with `=`, `<>`, `!=`, `<`, `<=`, `>`,
 * `>=`; `property IS [NOT] NULL`; `property [NOT] IN (literal, …)`; `NOT`, `AND`, `OR` and parentheses. Properties are
 * application properties (`prop`, `user.prop`, `[prop-with-dashes]`) or system properties (`sys.label`,
 * `sys.subject`, `sys.messageId`, `sys.correlationId`, `sys.contentType`, `sys.to`, `sys.replyTo`, `sys.sessionId`,
 * `sys.replyToSessionId`; case-insensitive). Literals: 'strings' ('' escapes a quote), numbers, TRUE/FALSE, NULL.
 * A comparison with a missing property is false, as in SQL's three-valued logic collapsed to a match/no match.
 */
import type { CorrelationFilterDeclaration, RuleDeclaration } from "./entities";

/** The message fields filters can read. */
export interface FilterableMessage {
  messageId?: string;
  correlationId?: string;
  subject?: string;
  to?: string;
  replyTo?: string;
  sessionId?: string;
  replyToSessionId?: string;
  contentType?: string;
  applicationProperties: Record<string, unknown>;
}

export type MessagePredicate = (m: FilterableMessage) => boolean;

type Literal = string | number | boolean | null;

type Expr =
  | { kind: "const"; value: boolean }
  | { kind: "cmp"; prop: PropRef; op: "=" | "<>" | "<" | "<=" | ">" | ">="; value: Literal }
  | { kind: "literalCmp"; left: Literal; op: "=" | "<>" | "<" | "<=" | ">" | ">="; right: Literal }
  | { kind: "isNull"; prop: PropRef; negated: boolean }
  | { kind: "in"; prop: PropRef; values: Literal[]; negated: boolean }
  | { kind: "not"; expr: Expr }
  | { kind: "and" | "or"; left: Expr; right: Expr };

type PropRef = { scope: "sys" | "user"; name: string };

const SYSTEM_PROPERTIES: Record<string, keyof Omit<FilterableMessage, "applicationProperties">> = {
  label: "subject",
  subject: "subject",
  messageid: "messageId",
  correlationid: "correlationId",
  contenttype: "contentType",
  to: "to",
  replyto: "replyTo",
  sessionid: "sessionId",
  replytosessionid: "replyToSessionId",
};

type Token =
  | { t: "num"; v: number }
  | { t: "str"; v: string }
  | { t: "ident"; v: string }
  | { t: "op"; v: string }
  | { t: "punct"; v: "(" | ")" | "," };

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === "'") {
      let v = "";
      i++;
      for (;;) {
        if (i >= src.length) throw new Error("unterminated string literal");
        if (src[i] === "'") {
          if (src[i + 1] === "'") {
            v += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        v += src[i++];
      }
      out.push({ t: "str", v });
    } else if (/[0-9]/.test(c) || (c === "-" && /[0-9]/.test(src[i + 1] ?? ""))) {
      const m = /^-?[0-9]+(\.[0-9]+)?/.exec(src.slice(i))!;
      out.push({ t: "num", v: Number(m[0]) });
      i += m[0].length;
    } else if (c === "[") {
      const end = src.indexOf("]", i);
      if (end < 0) throw new Error("unterminated [identifier]");
      out.push({ t: "ident", v: src.slice(i + 1, end) });
      i = end + 1;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?/.exec(src.slice(i))!;
      out.push({ t: "ident", v: m[0] });
      i += m[0].length;
    } else if (c === "(" || c === ")" || c === ",") {
      out.push({ t: "punct", v: c });
      i++;
    } else {
      const m = /^(<>|!=|<=|>=|=|<|>)/.exec(src.slice(i));
      if (!m) throw new Error(`unexpected character "${c}" at ${i}`);
      out.push({ t: "op", v: m[0] === "!=" ? "<>" : m[0] });
      i += m[0].length;
    }
  }
  return out;
}

class Parser {
  private pos = 0;
  constructor(private readonly tokens: Token[]) {}

  parse(): Expr {
    const e = this.or();
    if (this.pos < this.tokens.length) throw new Error(`unexpected "${String(this.tokens[this.pos]!.v)}"`);
    return e;
  }

  private peek(): Token | undefined {
    return this.tokens[this.pos];
  }

  private keyword(word: string): boolean {
    const t = this.peek();
    if (t?.t === "ident" && t.v.toUpperCase() === word) {
      this.pos++;
      return true;
    }
    return false;
  }

  private expectPunct(v: "(" | ")" | ","): void {
    const t = this.peek();
    if (t?.t !== "punct" || t.v !== v) throw new Error(`expected "${v}"`);
    this.pos++;
  }

  private or(): Expr {
    let left = this.and();
    while (this.keyword("OR")) left = { kind: "or", left, right: this.and() };
    return left;
  }

  private and(): Expr {
    let left = this.unary();
    while (this.keyword("AND")) left = { kind: "and", left, right: this.unary() };
    return left;
  }

  private unary(): Expr {
    if (this.keyword("NOT")) return { kind: "not", expr: this.unary() };
    const t = this.peek();
    if (t?.t === "punct" && t.v === "(") {
      this.pos++;
      const e = this.or();
      this.expectPunct(")");
      return e;
    }
    return this.predicate();
  }

  private literal(): Literal {
    const t = this.peek();
    if (!t) throw new Error("unexpected end of filter");
    if (t.t === "str" || t.t === "num") {
      this.pos++;
      return t.v;
    }
    if (t.t === "ident") {
      const u = t.v.toUpperCase();
      if (u === "TRUE" || u === "FALSE") {
        this.pos++;
        return u === "TRUE";
      }
      if (u === "NULL") {
        this.pos++;
        return null;
      }
    }
    throw new Error(`expected a literal, got "${String(t.v)}"`);
  }

  private isLiteralStart(): boolean {
    const t = this.peek();
    if (!t) return false;
    if (t.t === "str" || t.t === "num") return true;
    return t.t === "ident" && ["TRUE", "FALSE", "NULL"].includes(t.v.toUpperCase());
  }

  private op(): "=" | "<>" | "<" | "<=" | ">" | ">=" {
    const t = this.peek();
    if (t?.t !== "op") throw new Error(`expected a comparison operator`);
    this.pos++;
    return t.v as "=" | "<>" | "<" | "<=" | ">" | ">=";
  }

  private predicate(): Expr {
    if (this.isLiteralStart()) {
      const left = this.literal();
      if (typeof left === "boolean" && this.peek()?.t !== "op") return { kind: "const", value: left };
      const op = this.op();
      return { kind: "literalCmp", left, op, right: this.literal() };
    }
    const t = this.peek();
    if (t?.t !== "ident") throw new Error(`expected a property name`);
    this.pos++;
    const prop = propRef(t.v);
    if (this.keyword("IS")) {
      const negated = this.keyword("NOT");
      if (!this.keyword("NULL")) throw new Error("expected NULL after IS");
      return { kind: "isNull", prop, negated };
    }
    const negatedIn = this.keyword("NOT");
    if (this.keyword("IN")) {
      this.expectPunct("(");
      const values: Literal[] = [this.literal()];
      while (this.peek()?.t === "punct" && this.peek()!.v === ",") {
        this.pos++;
        values.push(this.literal());
      }
      this.expectPunct(")");
      return { kind: "in", prop, values, negated: negatedIn };
    }
    if (negatedIn) throw new Error("expected IN after NOT");
    const op = this.op();
    return { kind: "cmp", prop, op, value: this.literal() };
  }
}

function propRef(ident: string): PropRef {
  const dot = ident.indexOf(".");
  if (dot > 0) {
    const scope = ident.slice(0, dot).toLowerCase();
    const rest = ident.slice(dot + 1);
    if (scope === "sys") {
      if (!(rest.toLowerCase() in SYSTEM_PROPERTIES)) throw new Error(`unsupported system property "${ident}"`);
      return { scope: "sys", name: rest.toLowerCase() };
    }
    if (scope === "user") return { scope: "user", name: rest };
  }
  return { scope: "user", name: ident };
}

function readProp(m: FilterableMessage, p: PropRef): unknown {
  if (p.scope === "sys") return m[SYSTEM_PROPERTIES[p.name]!];
  if (p.name in m.applicationProperties) return m.applicationProperties[p.name];
  const lower = p.name.toLowerCase();
  const key = Object.keys(m.applicationProperties).find((k) => k.toLowerCase() === lower);
  return key === undefined ? undefined : m.applicationProperties[key];
}

function compare(left: unknown, op: string, right: Literal): boolean {
  if (left === undefined || left === null || right === null) return false;
  let l: unknown = left;
  if (l instanceof Date) l = l.getTime();
  if (typeof l !== typeof right) {
    // Numbers compare with numbers; a numeric string property does not equal a number literal (as in the service).
    return op === "<>" ? true : false;
  }
  const a = l as string | number | boolean;
  const b = right;
  switch (op) {
    case "=":
      return a === b;
    case "<>":
      return a !== b;
    case "<":
      return a < b;
    case "<=":
      return a <= b;
    case ">":
      return a > b;
    case ">=":
      return a >= b;
    default:
      return false;
  }
}

function evaluate(e: Expr, m: FilterableMessage): boolean {
  switch (e.kind) {
    case "const":
      return e.value;
    case "cmp":
      return compare(readProp(m, e.prop), e.op, e.value);
    case "literalCmp":
      return compare(e.left, e.op, e.right);
    case "isNull": {
      const v = readProp(m, e.prop);
      const isNull = v === undefined || v === null;
      return e.negated ? !isNull : isNull;
    }
    case "in": {
      const v = readProp(m, e.prop);
      if (v === undefined || v === null) return false;
      const found = e.values.some((x) => compare(v, "=", x));
      return e.negated ? !found : found;
    }
    case "not":
      return !evaluate(e.expr, m);
    case "and":
      return evaluate(e.left, m) && evaluate(e.right, m);
    case "or":
      return evaluate(e.left, m) || evaluate(e.right, m);
  }
}

/** Parses a SQL filter; throws with a readable message when it is outside the supported subset. */
export function parseSqlFilter(sql: string): MessagePredicate {
  const expr = new Parser(tokenize(sql)).parse();
  return (m) => evaluate(expr, m);
}

export function correlationPredicate(f: CorrelationFilterDeclaration): MessagePredicate {
  const checks: MessagePredicate[] = [];
  const eq = (field: keyof Omit<FilterableMessage, "applicationProperties">, expected: string | undefined) => {
    if (expected !== undefined) checks.push((m) => m[field] === expected);
  };
  eq("correlationId", f.correlationId);
  eq("messageId", f.messageId);
  eq("to", f.to);
  eq("replyTo", f.replyTo);
  eq("subject", f.subject ?? f.label);
  eq("sessionId", f.sessionId);
  eq("replyToSessionId", f.replyToSessionId);
  eq("contentType", f.contentType);
  for (const [key, expected] of Object.entries(f.applicationProperties ?? {})) {
    checks.push((m) => m.applicationProperties[key] === expected);
  }
  return (m) => checks.every((c) => c(m));
}

/** A subscription matches when any of its rules matches; no rules means the `$Default` rule (`1=1`). */
export function subscriptionPredicate(rules: RuleDeclaration[]): MessagePredicate {
  if (rules.length === 0) return () => true;
  const predicates = rules.map((r) =>
    r.sqlFilter !== undefined ? parseSqlFilter(r.sqlFilter) : correlationPredicate(r.correlationFilter ?? {}),
  );
  return (m) => predicates.some((p) => p(m));
}
