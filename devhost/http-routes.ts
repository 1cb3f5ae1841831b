/**
 * Route templates of HTTP triggers, matched the way the Functions host (ASP.NET routing) does: case-insensitive
 * literals, `{name}` parameters with optional constraints (`{id:int}`, `{id:guid}`, `{flag:bool}`, `{name:alpha}`),
 * optional parameters (`{id?}`) and a trailing catch-all (`{*rest}`). More specific templates win: literals beat
 * constrained parameters, which beat plain parameters, which beat optional ones and the catch-all.
 */
import type { Registration } from "./functions-core";
import { asString } from "./text";

type Segment =
  | { kind: "literal"; value: string }
  | { kind: "param"; name: string; constraint?: string; optional: boolean; catchAll: boolean };

export interface CompiledRoute {
  registration: Registration;
  template: string;
  methods: ReadonlySet<string>;
  authLevel: "anonymous" | "function" | "admin";
  segments: Segment[];
  score: number[];
}

const CONSTRAINTS: Record<string, (v: string) => boolean> = {
  int: (v) => /^-?\d{1,10}$/.test(v),
  long: (v) => /^-?\d{1,19}$/.test(v),
  guid: (v) => /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i.test(v),
  alpha: (v) => /^[a-z]+$/i.test(v),
  bool: (v) => /^(true|false)$/i.test(v),
  datetime: (v) => !Number.isNaN(Date.parse(v)),
  decimal: (v) => /^-?\d+(\.\d+)?$/.test(v),
  double: (v) => /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(v),
};

export function compileRoute(registration: Registration): CompiledRoute {
  const trigger = registration.trigger;
  const template = asString(trigger.route ?? registration.name).replace(/^\/+|\/+$/g, "");
  const methods = new Set(((trigger.methods as string[] | undefined) ?? ["GET", "POST"]).map((m) => m.toUpperCase()));
  const authLevel =
    (asString(trigger.authLevel ?? "anonymous").toLowerCase() as CompiledRoute["authLevel"]) ?? "anonymous";
  const segments: Segment[] = template === "" ? [] : template.split("/").map(parseSegment);
  segments.forEach((s, i) => {
    if (s.kind === "param" && s.catchAll && i !== segments.length - 1) {
      throw new Error(`Route "${template}" of ${registration.name}: a catch-all parameter must be the last segment`);
    }
  });
  const score = segments.map((s) =>
    s.kind === "literal" ? 4 : s.catchAll ? 0 : s.optional ? 1 : s.constraint ? 3 : 2,
  );
  return { registration, template, methods, authLevel, segments, score };
}

function parseSegment(raw: string): Segment {
  const m = /^\{(\*)?([A-Za-z_][A-Za-z0-9_]*)(?::([A-Za-z]+)(?:\([^)]*\))?)?(\?)?\}$/.exec(raw);
  if (!m) {
    if (raw.includes("{")) throw new Error(`Unsupported route segment "${raw}"`);
    return { kind: "literal", value: raw.toLowerCase() };
  }
  return {
    kind: "param",
    catchAll: Boolean(m[1]),
    name: m[2]!,
    constraint: m[3]?.toLowerCase(),
    optional: Boolean(m[4]),
  };
}

/** Parameters when `path` (no query, no leading slash) matches the route, else undefined. */
export function matchRoute(route: CompiledRoute, path: string): Record<string, string> | undefined {
  const parts = path === "" ? [] : path.split("/").map(safeDecode);
  const params: Record<string, string> = {};
  let i = 0;
  for (const segment of route.segments) {
    if (segment.kind === "param" && segment.catchAll) {
      const rest = parts.slice(i).join("/");
      if (rest !== "") params[segment.name] = rest;
      return params;
    }
    const part = parts[i];
    if (part === undefined || part === "") {
      if (segment.kind === "param" && segment.optional) {
        i++;
        continue;
      }
      return undefined;
    }
    if (segment.kind === "literal") {
      if (part.toLowerCase() !== segment.value) return undefined;
    } else {
      const check = segment.constraint ? CONSTRAINTS[segment.constraint] : undefined;
      if (check && !check(part)) return undefined;
      params[segment.name] = part;
    }
    i++;
  }
  return i >= parts.length ? params : undefined;
}

/** Most specific first. */
export function sortRoutes(routes: CompiledRoute[]): CompiledRoute[] {
  return [...routes].sort((a, b) => {
    const n = Math.max(a.score.length, b.score.length);
    for (let i = 0; i < n; i++) {
      const d = (b.score[i] ?? -1) - (a.score[i] ?? -1);
      if (d !== 0) return d;
    }
    return a.template.localeCompare(b.template);
  });
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
