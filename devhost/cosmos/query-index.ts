/**
 * Indexes for the Cosmos stand-in's queries, so that a query answers in time proportional to what it matches rather
 * than to the container.
 *
 * `@vercel/cosmosdb-server` answers every query by handing the whole container to `@zeit/cosmosdb-query`'s executor,
 * and that executor first copies the documents into a new array one document at a time with `[...acc, doc]`, which is
 * quadratic in the container's size. With the cases container at 10 000 cases, a query for one debtor's cases (the pay
 * link's) took ~280 ms, and each page of a paged query (the daily self-healing walk over every active case) as much
 * again: the ladder grew much faster than the number of cases.
 *
 * Two changes, both leaving every answer exactly as the server gives it:
 *
 * 1. CANDIDATES FROM AN INDEX. When the WHERE clause is a conjunction (AND) that contains `<alias>.<path> = <value>`
 *    or `<alias>.<path> IN (<values>)` with values that are string, number, boolean or null constants or parameters,
 *    and the FROM clause is the container itself with no JOIN, the executor is handed only the documents whose value
 *    at that path is one of those values — taken from an equality index on the path, built on the path's first use
 *    and kept up to date on every write — instead of every document. Of several such conjuncts the one with the
 *    fewest candidates is used. Every other part of the query (the rest of the WHERE, ORDER BY, TOP, OFFSET/LIMIT,
 *    aggregates, projections, continuation tokens) is still evaluated by the executor, now over the candidates.
 *    Why the answer cannot change: a document left out fails a conjunct of the WHERE (the executor's `=` is false or
 *    undefined for a value of another type, and `IN` is `Array.prototype.includes`, i.e. `===`), so it is not in the
 *    filtered set the rest of the query works on; and the executor sorts the filtered set by `_rid` (or by the ORDER
 *    BY, then `_rid`) before anything else, so the order the candidates come in does not matter. Any other query
 *    (OR, NOT, JOIN, a subquery, a range only, a parameter that is an object or missing) scans the container as
 *    before.
 * 2. A LINEAR COPY. The executor's generated code for a plain `FROM c` — every query of that shape, and the read feed
 *    (readAll, which the stand-in's snapshot reads page by page), which the server answers as `SELECT * FROM c` —
 *    starts with `$c.reduce(($, c) => typeof c !== "undefined" ? [...$, { c: c }] : $, [])`; it is replaced by the
 *    equivalent `$c.filter(c => typeof c !== "undefined").map(c => ({ c: c }))` (same elements, same order). Code of
 *    any other shape runs as generated.
 *
 * The indexes hang off the server's own classes (`Documents`: `_set` and `delete`, which every create, replace,
 * upsert, patch, batch operation and snapshot restore goes through, `query` and `read`). Those classes are undocumented
 * internals of a pinned version; `installQueryIndexes` checks they have the shape this relies on and otherwise leaves
 * the server as it is (and says so). `tests/integration/stand-ins/cosmos-query-index.test.ts` compares indexed answers
 * with the server's own after creates, replaces, deletes, patches, batches and a restart from the snapshot.
 */
import Documents from "@vercel/cosmosdb-server/lib/account/documents";
import Items from "@vercel/cosmosdb-server/lib/account/items";

type Doc = Record<string, unknown> & { _rid: string };
type DocumentsInstance = InstanceType<typeof Documents>;
type Query = ReturnType<DocumentsInstance["_getQuery"]>;
type Parameters = Array<{ name: string; value: unknown }> | undefined;
/** The methods of the server's document collection this file wraps, with their receiver. */
interface DocumentMethods {
  query: (
    this: DocumentsInstance,
    params: { query: string; parameters?: Array<{ name: string; value: unknown }> },
    options: { maxItemCount?: number | null; continuation?: { token: string } | null },
  ) => unknown;
  read: (
    this: DocumentsInstance,
    options?: { maxItemCount?: number | null; continuation?: { token: string } | null },
  ) => unknown;
  _set: (this: DocumentsInstance, data: Doc) => Doc;
  delete: (this: DocumentsInstance, idOrRid: string, partition: unknown) => void;
}
type Node = Record<string, unknown> & { type?: string };

/** At most this many indexed paths per container (each costs a map entry per document). */
const MAX_INDEXES_PER_CONTAINER = 32;

/** One path's equality index: value key → the documents with that value (by `_rid`). */
class FieldIndex {
  readonly buckets = new Map<string, Map<string, Doc>>();
  /** The key each document was filed under, so a removal finds it whatever happened to the object since. */
  private readonly keyByRid = new Map<string, string>();

  constructor(readonly path: readonly string[]) {}

  add(doc: Doc): void {
    const key = valueKey(valueAt(doc, this.path));
    if (key === undefined) return;
    let bucket = this.buckets.get(key);
    if (!bucket) this.buckets.set(key, (bucket = new Map<string, Doc>()));
    bucket.set(doc._rid, doc);
    this.keyByRid.set(doc._rid, key);
  }

  remove(rid: string): void {
    const key = this.keyByRid.get(rid);
    if (key === undefined) return;
    this.keyByRid.delete(rid);
    const bucket = this.buckets.get(key);
    bucket?.delete(rid);
    if (bucket?.size === 0) this.buckets.delete(key);
  }
}

/** The indexes of one container, by path (JSON of the path's segments). */
const indexesOf = new WeakMap<DocumentsInstance, Map<string, FieldIndex>>();
const linearQueries = new WeakMap<Query, Query>();

let installed = false;
let enabled = true;
const stats = { indexed: 0, scanned: 0 };

/**
 * Puts the indexes and the linear copy into the server's document collections (once per process). Returns false —
 * and changes nothing — when the server's classes do not have the shape this relies on (another version).
 */
export function installQueryIndexes(): boolean {
  if (installed) return true;
  const base = Items.prototype as unknown as Record<string, unknown>;
  const shapeOk =
    ["query", "read", "_set", "delete", "_item", "_getQuery", "_userDefinedFunctions"].every(
      (name) => typeof base[name] === "function",
    ) && Object.getPrototypeOf(Documents.prototype) === Items.prototype;
  if (!shapeOk) return false;
  const items = Items.prototype as unknown as DocumentMethods;
  const { query: itemsQuery, read: itemsRead, _set: itemsSet, delete: itemsDelete } = items;
  const proto = Documents.prototype as unknown as DocumentMethods;

  proto._set = function (data) {
    const stored = itemsSet.call(this, data);
    const indexes = indexesOf.get(this);
    if (indexes) for (const index of indexes.values()) index.add(stored);
    return stored;
  };

  proto.delete = function (idOrRid, partition) {
    const doc = this._item("/id", idOrRid, partition).read() as unknown as Doc | undefined;
    itemsDelete.call(this, idOrRid, partition);
    const indexes = indexesOf.get(this);
    if (doc && indexes) for (const index of indexes.values()) index.remove(doc._rid);
  };

  proto.query = function (params, options) {
    if (!enabled) return itemsQuery.call(this, params, options);
    // As Items.prototype.query does, over the candidates and with the linear copy.
    const parent = this._parent.read() as unknown as Record<string, unknown> | undefined;
    if (!parent) return null;
    const q = this._getQuery(params.query);
    let data = candidates(this, q.ast, params.parameters);
    if (data) stats.indexed++;
    else {
      stats.scanned++;
      data = [...this._data.values()].map((item) => item.read() as unknown as Doc);
    }
    const policy = parent.indexingPolicy as { compositeIndexes?: unknown } | undefined;
    const compositeIndexes = ((policy ? policy.compositeIndexes : null) || []) as never;
    try {
      return linear(q).exec(data, {
        parameters: params.parameters,
        udf: this._userDefinedFunctions(),
        maxItemCount: options.maxItemCount as never,
        continuation: options.continuation as never,
        compositeIndexes,
      }) as unknown;
    } catch (err) {
      (err as { badRequest?: boolean }).badRequest = true;
      throw err;
    }
  };
  // The read feed (readAll, and the stand-in's own snapshot) is `SELECT * FROM c` over every document, page by page:
  // as Items.prototype.read does, with the linear copy.
  proto.read = function (options = {}) {
    if (!enabled) return itemsRead.call(this, options);
    if (!this._parent.read()) return null;
    const data = [...this._data.values()].map((item) => item.read() as unknown as Doc);
    return linear(this._getQuery("SELECT * FROM c")).exec(data, {
      maxItemCount: options.maxItemCount as never,
      continuation: options.continuation as never,
    }) as unknown;
  };
  installed = true;
  return true;
}

/**
 * Off: every query runs exactly as the server runs it (full scan, generated code as it is) — for tests comparing the
 * two. The indexes are still kept up to date meanwhile.
 */
export function setQueryIndexing(on: boolean): void {
  enabled = on;
}

/** Queries answered from an index / by a scan since the start (all stand-ins of this process). */
export function queryIndexStats(): { indexed: number; scanned: number } {
  return { ...stats };
}

/** The documents to hand the executor, or undefined when the query must scan the container. */
function candidates(documents: DocumentsInstance, ast: Node, parameters: Parameters): Doc[] | undefined {
  const body = ast.body as Node | undefined;
  if (ast.type !== "sql" || body?.type !== "select_query") return undefined;
  const from = body.from as Node | null | undefined;
  const where = body.where as Node | null | undefined;
  if (!from || !where || (from.joins as unknown[] | undefined)?.length) return undefined;
  const source = from.source as Node;
  const collection = source.expression as Node;
  const root = collection.expression as Node | undefined;
  if (collection.type !== "collection_expression" || root?.type !== "identifier") return undefined;
  const alias = ((source.alias as Node | null)?.name ?? root.name) as string;

  let best: { index: FieldIndex; keys: string[]; count: number } | undefined;
  for (const conjunct of conjuncts(where.condition as Node)) {
    const lookup = equalityOf(conjunct, alias, parameters);
    if (!lookup) continue;
    const index = indexFor(documents, lookup.path);
    if (!index) continue;
    const count = lookup.keys.reduce((n, key) => n + (index.buckets.get(key)?.size ?? 0), 0);
    if (!best || count < best.count) best = { index, keys: lookup.keys, count };
    if (count === 0) break;
  }
  if (!best) return undefined;
  const out: Doc[] = [];
  for (const key of best.keys) {
    const bucket = best.index.buckets.get(key);
    if (bucket) for (const doc of bucket.values()) out.push(doc);
  }
  return out;
}

/** The conjuncts of a condition: the operands of nested ANDs, or the condition itself. */
function conjuncts(node: Node): Node[] {
  if (node.type === "scalar_binary_expression" && node.operator === "AND")
    return [...conjuncts(node.left as Node), ...conjuncts(node.right as Node)];
  return [node];
}

/** `alias.path = value`, `value = alias.path` or `alias.path IN (values)`: the path and the value keys, if usable. */
function equalityOf(node: Node, alias: string, parameters: Parameters): { path: string[]; keys: string[] } | undefined {
  let member: Node;
  let values: Node[];
  if (node.type === "scalar_binary_expression" && node.operator === "=") {
    const left = node.left as Node;
    const right = node.right as Node;
    if (pathOf(left, alias)) [member, values] = [left, [right]];
    else [member, values] = [right, [left]];
  } else if (node.type === "scalar_in_expression") {
    member = node.value as Node;
    values = node.list as Node[];
  } else return undefined;
  const path = pathOf(member, alias);
  if (!path || values.length === 0) return undefined;
  const keys = new Set<string>();
  for (const v of values) {
    const resolved = constantOf(v, parameters);
    if (!resolved.ok) return undefined;
    const key = valueKey(resolved.value);
    if (key === undefined) return undefined;
    keys.add(key);
  }
  return { path, keys: [...keys] };
}

/** `alias.a.b` / `alias["a"].b` → ["a", "b"]; anything else (an array index, another root) → undefined. */
function pathOf(node: Node, alias: string): string[] | undefined {
  const path: string[] = [];
  let current = node;
  while (current.type === "scalar_member_expression") {
    const property = current.property as Node;
    if (!current.computed && property.type === "identifier") path.unshift(property.name as string);
    else if (current.computed && property.type === "string_constant") path.unshift(property.value as string);
    else return undefined;
    current = current.object as Node;
  }
  if (current.type !== "identifier" || current.name !== alias || path.length === 0) return undefined;
  return path;
}

function constantOf(node: Node, parameters: Parameters): { ok: true; value: unknown } | { ok: false } {
  switch (node.type) {
    case "string_constant":
    case "number_constant":
    case "boolean_constant":
      return { ok: true, value: node.value };
    case "null_constant":
      return { ok: true, value: null };
    case "parameter_name": {
      const found = (parameters ?? []).find((p) => p.name === node.name);
      return found === undefined ? { ok: false } : { ok: true, value: found.value };
    }
    default:
      return { ok: false };
  }
}

/** A key that two values share exactly when the executor's `=` (and `IN`) holds between them; primitives only. */
function valueKey(value: unknown): string | undefined {
  if (value === null) return "null";
  switch (typeof value) {
    case "string":
      return `s:${value}`;
    case "number":
      return Number.isNaN(value) ? undefined : `n:${String(value)}`; // 0 and -0 share "0", as === has them
    case "boolean":
      return `b:${String(value)}`;
    default:
      return undefined; // undefined, objects, arrays: never indexed, never looked up
  }
}

function valueAt(doc: unknown, path: readonly string[]): unknown {
  let value = doc;
  for (const key of path) {
    if (typeof value !== "object" || value === null) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** The container's index on `path`, built from its documents on first use; undefined past the per-container cap. */
function indexFor(documents: DocumentsInstance, path: string[]): FieldIndex | undefined {
  let indexes = indexesOf.get(documents);
  if (!indexes) indexesOf.set(documents, (indexes = new Map<string, FieldIndex>()));
  const name = JSON.stringify(path);
  let index = indexes.get(name);
  if (index) return index;
  if (indexes.size >= MAX_INDEXES_PER_CONTAINER) return undefined;
  index = new FieldIndex(path);
  for (const item of documents._data.values()) index.add(item.read());
  indexes.set(name, index);
  return index;
}

/** The query with the linear copy in place of the quadratic one, when its code has that shape. */
function linear(q: Query): Query {
  let found = linearQueries.get(q);
  if (found) return found;
  const code = q.code;
  const rewritten = code.replace(QUADRATIC_COPY, (_all, item: string, name: string) => {
    return `$c.filter((${item}) => typeof ${item} !== "undefined").map((${item}) => ({ ${name}: ${item} }))`;
  });
  found = rewritten === code ? q : Object.assign(Object.create(q) as Query, { _code: rewritten });
  linearQueries.set(q, found);
  return found;
}

/** `$c.reduce(($, c) => typeof c !== "undefined" ? [...$, { c: c }] : $, [])`, as @babel/generator prints it. */
const QUADRATIC_COPY =
  /\$c\.reduce\(\(\$, ([A-Za-z_][\w$]*)\) => typeof \1 !== "undefined" \? \[\.\.\.\$, \{\s*([A-Za-z_][\w$]*): \1\s*\}\] : \$, \[\]\)/u;
