/**
 * The dependency direction (docs: /work/shared/architecture.md, "Dependency direction"), as code: list every import
 * of every .ts file under the given roots, classify both ends into layers, and report each arrow against the rules as
 * "file:line imports X: rule".
 *
 * Layers: shared/domain, shared/ports, shared/application, shared/adapters (all technologies), shared/http,
 * shared/web, shared/letters, shared/config, functions/index.ts (the composition root), functions/composition.ts
 * (the composition root's builder, for now), functions/<area>, devhost, tests. Imports of packages are named by
 * package ("zod", "@azure/functions", "node:crypto").
 *
 * What each layer may import (everything else is reported):
 * - domain: domain; zod and the pure libraries luxon, date-holidays, libphonenumber-js; of node's builtins only
 *   node:crypto, for deterministic hashing (the case id is a digest; randomness is forbidden by a second test).
 * - ports: ports; domain (types, and the schemas a stored record is decoded with); zod (record and message schemas).
 * - application: domain, ports, application, letters; the pure libraries, standardwebhooks (HMAC) and node:crypto
 *   (createHash only: a second test forbids randomBytes/randomUUID/Math.random there). Never adapters, config, web,
 *   http, functions, devhost, @azure/* or durable-functions.
 * - adapters: adapters, ports, domain and any package (SDKs). Never application, config, functions, devhost.
 * - http: http, domain, ports, application (its errors), packages. web: web, http, letters, domain, ports, packages.
 *   letters: letters, domain, ports, packages. config: config, domain, letters (the letterhead setting is parsed
 *   with the letters' own schema), zod, package.json. web may also import the application's view models.
 * - functions/<area>: its own area, another area's names.ts / openapi.ts, application, http, web, letters, domain,
 *   ports, shared/config/app-info.ts (compiled-in name and version), packages. Never adapters, config (settings),
 *   functions/index.ts or functions/composition.ts.
 * - functions/index.ts and functions/composition.ts (the composition root): anything in functions/ and shared/.
 * - devhost: anything but tests/. tests: anything. Nothing in functions/ or shared/ imports devhost/ or tests/.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { builtinModules } from "node:module";
import { dirname, join, relative, resolve, sep } from "node:path";
import ts from "typescript";

export interface ImportEdge {
  /** Repository-relative path with forward slashes. */
  file: string;
  line: number;
  /** The specifier as written. */
  specifier: string;
  /** The file it resolves to (relative imports), repository-relative; undefined for packages. */
  target?: string;
  /** Every imported name is a type (`import type`, `export type … from`, or all members `type`). */
  typeOnly: boolean;
}

export type Layer =
  | "domain"
  | "ports"
  | "application"
  | "adapters"
  | "http"
  | "web"
  | "letters"
  | "config"
  | "root"
  | "composition"
  | `functions/${string}`
  | "devhost"
  | "tests"
  | "other";

export interface Violation {
  file: string;
  line: number;
  specifier: string;
  rule: string;
}

export function toPosix(path: string): string {
  return path.split(sep).join("/");
}

/** Every .ts file under `dirs` (relative to `repo`), declaration files and node_modules left out. */
export function listSourceFiles(repo: string, dirs: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      if (name === "node_modules" || name === "dist") continue;
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith(".ts") && !name.endsWith(".d.ts")) out.push(toPosix(relative(repo, path)));
    }
  };
  for (const d of dirs) {
    const abs = join(repo, d);
    try {
      if (statSync(abs).isDirectory()) walk(abs);
    } catch {
      // a root that does not exist has no imports
    }
  }
  return out.sort();
}

function resolveRelative(repo: string, fromFile: string, specifier: string): string | undefined {
  const base = resolve(repo, dirname(fromFile), specifier);
  for (const candidate of [base, `${base}.ts`, join(base, "index.ts")]) {
    try {
      if (statSync(candidate).isFile()) return toPosix(relative(repo, candidate));
    } catch {
      // try the next candidate
    }
  }
  return undefined;
}

function allNamedTypeOnly(bindings: ts.NamedImportBindings | ts.NamedExportBindings | undefined): boolean {
  if (bindings === undefined) return false;
  if (ts.isNamedImports(bindings) || ts.isNamedExports(bindings)) {
    return bindings.elements.length > 0 && bindings.elements.every((e) => e.isTypeOnly);
  }
  return false;
}

/** The imports (static, re-exports, dynamic `import()` and `require()` of literals) of one file. */
export function importsOf(repo: string, file: string): ImportEdge[] {
  const text = readFileSync(join(repo, file), "utf8");
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const edges: ImportEdge[] = [];
  const add = (node: ts.Node, specifier: string, typeOnly: boolean): void => {
    const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
    const target = specifier.startsWith(".") ? resolveRelative(repo, file, specifier) : undefined;
    edges.push({ file, line, specifier, typeOnly, ...(target !== undefined ? { target } : {}) });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const typeOnly =
        clause !== undefined &&
        (clause.isTypeOnly || (clause.name === undefined && allNamedTypeOnly(clause.namedBindings)));
      add(node, node.moduleSpecifier.text, typeOnly);
    } else if (
      ts.isExportDeclaration(node) &&
      node.moduleSpecifier !== undefined &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      add(node, node.moduleSpecifier.text, node.isTypeOnly || allNamedTypeOnly(node.exportClause));
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      const expr = node.moduleReference.expression;
      if (ts.isStringLiteral(expr)) add(node, expr.text, node.isTypeOnly);
    } else if (ts.isCallExpression(node)) {
      const [arg] = node.arguments;
      const isImport = node.expression.kind === ts.SyntaxKind.ImportKeyword;
      const isRequire = ts.isIdentifier(node.expression) && node.expression.text === "require";
      if ((isImport || isRequire) && arg !== undefined && ts.isStringLiteralLike(arg)) add(node, arg.text, false);
    } else if (
      ts.isImportTypeNode(node) &&
      ts.isLiteralTypeNode(node.argument) &&
      ts.isStringLiteral(node.argument.literal)
    ) {
      add(node, node.argument.literal.text, true);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return edges;
}

export function layerOf(file: string): Layer {
  const parts = file.split("/");
  if (parts[0] === "shared") {
    switch (parts[1]) {
      case "domain":
      case "ports":
      case "application":
      case "adapters":
      case "http":
      case "web":
      case "letters":
      case "config":
        return parts[1];
      default:
        return "other";
    }
  }
  if (parts[0] === "functions") {
    if (file === "functions/index.ts") return "root";
    if (file === "functions/composition.ts") return "composition";
    return parts.length > 2 ? `functions/${parts[1]!}` : "other";
  }
  if (parts[0] === "devhost") return "devhost";
  if (parts[0] === "tests") return "tests";
  return "other";
}

const NODE_BUILTINS = new Set(builtinModules);

/** "node:crypto" for builtins (with or without the prefix), the package name for packages ("@azure/functions"). */
export function packageOf(specifier: string): string {
  if (specifier.startsWith("node:")) return specifier;
  const [first, second] = specifier.split("/");
  if (NODE_BUILTINS.has(first!)) return `node:${first!}`;
  return first!.startsWith("@") ? `${first!}/${second ?? ""}` : first!;
}

// ---------------------------------------------------------------------------------------------------------------
// The rules. Each answers why an import is against the direction, or undefined when it is allowed.

/** Packages that are pure computation (no I/O, no clock, no randomness): allowed wherever domain code may go. */
const PURE_PACKAGES = new Set(["zod", "luxon", "date-holidays", "libphonenumber-js"]);

/**
 * Packages and builtins the application may use: pure ones, `standardwebhooks` (HMAC signing, no I/O) and
 * `node:crypto` — for `createHash` only (randomness comes from the Random port; the test of the real tree checks
 * that no application file names randomBytes/randomUUID/Math.random).
 */
const APPLICATION_PACKAGES = new Set([...PURE_PACKAGES, "standardwebhooks", "node:crypto"]);

/** Domain: zod (and the pure date/phone libraries it is built on) and itself; no builtin at all. */
const DOMAIN_PACKAGES = new Set([...PURE_PACKAGES, "node:crypto"]);

/** The app's name and version, compiled in from package.json: no setting, so any function may show it. */
const APP_INFO = "shared/config/app-info.ts";

/** What an area may take from another: its constant names and its OpenAPI contribution (the API document gathers them). */
const SHARED_AREA_FILES = /^functions\/[^/]+\/(names|openapi)\.ts$/u;

const PRODUCT_NEVER = new Set<Layer>(["devhost", "tests"]);

function isFunctionsArea(layer: Layer): boolean {
  return layer.startsWith("functions/");
}

export function ruleFor(edge: ImportEdge): string | undefined {
  const from = layerOf(edge.file);
  const relativeImport = edge.specifier.startsWith(".");
  if (relativeImport && edge.target === undefined) return "the import does not resolve to a file";
  const to: Layer | undefined = edge.target !== undefined ? layerOf(edge.target) : undefined;
  const pkg = to === undefined ? packageOf(edge.specifier) : undefined;

  if (from === "tests") return undefined; // tests may import anything
  if (to !== undefined && PRODUCT_NEVER.has(to) && from !== "devhost")
    return `nothing in functions/ or shared/ imports ${to}/`;
  if (from === "devhost") return to === "tests" ? "nothing imports tests/" : undefined;

  switch (from) {
    case "domain":
      if (pkg !== undefined)
        return DOMAIN_PACKAGES.has(pkg) ? undefined : `domain imports only zod and pure libraries, not ${pkg}`;
      return to === "domain" ? undefined : `domain imports only domain, not ${to!}`;
    case "ports":
      if (pkg !== undefined)
        return PURE_PACKAGES.has(pkg) ? undefined : `ports import no package but zod (schemas), not ${pkg}`;
      if (to === "ports") return undefined; // values too: the constants a message schema is built from
      if (to === "domain") return undefined; // types, and the schemas a stored record is decoded with
      return `ports import only domain types and ports, not ${to!}`;
    case "application":
      if (pkg !== undefined) {
        if (pkg.startsWith("@azure/") || pkg === "durable-functions")
          return `application never imports an SDK (${pkg})`;
        return APPLICATION_PACKAGES.has(pkg) ? undefined : `application imports no I/O package (${pkg})`;
      }
      if (to === "domain" || to === "ports" || to === "application" || to === "letters") return undefined;
      return `application imports domain, ports and letters only, not ${to!}`;
    case "adapters":
      if (pkg !== undefined) return undefined; // SDKs are what adapters are for
      if (to === "domain" || to === "ports" || to === "adapters") return undefined;
      return `adapters import ports, domain and SDKs only, not ${to!}`;
    case "http":
    case "web":
    case "letters":
      if (pkg !== undefined) return undefined;
      if (to === "domain" || to === "ports" || to === from) return undefined;
      if (from === "http" && to === "application") return undefined; // error mapping knows the use cases' errors
      if (from === "web" && (to === "http" || to === "letters" || to === "application")) return undefined; // view models
      return `shared/${from} imports domain, ports and itself only, not ${to!}`;
    case "config":
      if (pkg !== undefined) return PURE_PACKAGES.has(pkg) ? undefined : `config imports only zod, not ${pkg}`;
      if (edge.target === "package.json") return undefined; // the app's name and version, compiled in
      return to === "domain" || to === "config" || to === "letters"
        ? undefined
        : `config imports only domain and letters, not ${to!}`;
    case "root":
    case "composition":
      return undefined; // the composition root builds adapters from config and wires every area
    case "other":
      return undefined;
    default:
      if (isFunctionsArea(from)) {
        if (pkg !== undefined) return undefined; // @azure/functions, durable-functions, zod
        if (to === "root" || to === "composition")
          return "a function area never imports the composition root: it receives its deps";
        if (to === "adapters") return "a function area never imports adapters: the composition root builds them";
        if (to === "config" && edge.target !== APP_INFO)
          return "a function area never reads settings: the composition root does";
        if (to === from) return undefined;
        if (to !== undefined && isFunctionsArea(to) && !SHARED_AREA_FILES.test(edge.target!))
          return `a function area imports no other area (${to})`;
        return undefined; // application, http, web, domain, ports, letters
      }
      return undefined;
  }
}

/** Every violation in the tree under `repo` (roots default to the product and the dev host). */
export function findViolations(
  repo: string,
  roots: readonly string[] = ["functions", "shared", "devhost"],
): Violation[] {
  const violations: Violation[] = [];
  for (const file of listSourceFiles(repo, roots)) {
    for (const edge of importsOf(repo, file)) {
      const rule = ruleFor(edge);
      if (rule !== undefined) violations.push({ file: edge.file, line: edge.line, specifier: edge.specifier, rule });
    }
  }
  return violations;
}

export function formatViolation(v: Violation): string {
  return `${v.file}:${String(v.line)} imports ${v.specifier}: ${v.rule}`;
}
