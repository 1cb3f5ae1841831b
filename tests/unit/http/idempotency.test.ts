import type { HttpResponseInit } from "@azure/functions";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MemoryIdempotencyStore } from "../../../shared/adapters/memory/idempotency-store.memory";
import { DomainError } from "../../../shared/domain/errors";
import { withIdempotency, requestHash, type IdempotencyDeps } from "../../../shared/http/idempotency";
import { handler } from "../../../shared/http/parse";
import { ProblemType } from "../../../shared/http/problem";
import { IDEMPOTENCY_LOCK_MS, IDEMPOTENCY_RETENTION_MS } from "../../../shared/ports/idempotency-store";
import { contextWithLog, jsonRequest, read } from "./http-fixtures";

class DuplicateInvoiceNumber extends DomainError {
  readonly code = "DUPLICATE_INVOICE_NUMBER";
}

/** A clock the test moves by hand. */
function manualClock(start = "2026-11-23T09:00:00Z") {
  let now = new Date(start);
  return { now: () => new Date(now), advance: (ms: number) => (now = new Date(now.getTime() + ms)) };
}

/** A "register invoice" endpoint behind withIdempotency that counts how often it really ran. */
function sut(options: { required?: boolean } = {}) {
  const clock = manualClock();
  const store = new MemoryIdempotencyStore();
  const deps: IdempotencyDeps = { store, clock, ...options };
  let executions = 0;
  const register = async (body: unknown) => {
    executions += 1;
    return {
      status: 201,
      headers: { location: `/api/v1/cases/case-${String(executions)}`, "x-execution": String(executions) },
      jsonBody: { caseId: `case-${String(executions)}`, received: body },
    };
  };
  const call = async (
    body: unknown,
    key: string | undefined,
    tenant = "tenant-a",
    fn: () => Promise<HttpResponseInit> = () => register(body),
  ) => {
    const headers: Record<string, string> = key === undefined ? {} : { "idempotency-key": key };
    const request = jsonRequest(body, { headers });
    const wrapped = handler(async (req, context) => withIdempotency(req, tenant, fn, { ...deps, log: context }));
    return read(await wrapped(request, contextWithLog().context));
  };
  return { call, clock, store, executions: () => executions };
}

const invoice = { invoiceNumber: "10042", amount: { value: 129900, currency: "NOK" } };

describe("Idempotency-Key", () => {
  it("replays the first response byte for byte for the same key and body, without running again", async () => {
    const { call, executions } = sut();
    const first = await call(invoice, "key-1");
    const again = await call(invoice, "key-1");

    expect(executions()).toBe(1);
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.text).toBe(first.text);
    for (const name of ["content-type", "location", "x-execution"])
      expect(again.headers.get(name)).toBe(first.headers.get(name));
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(first.headers.get("idempotent-replayed")).toBeNull();
  });

  it("treats a body with its members in another order as the same request", async () => {
    const { call, executions } = sut();
    await call(invoice, "key-1");
    const reordered = await call({ amount: { currency: "NOK", value: 129900 }, invoiceNumber: "10042" }, "key-1");
    expect(executions()).toBe(1);
    expect(reordered.headers.get("idempotent-replayed")).toBe("true");
  });

  it("answers the same key with another body with 409 naming the header", async () => {
    const { call, executions } = sut();
    await call(invoice, "key-1");
    const other = await call({ ...invoice, amount: { value: 129901, currency: "NOK" } }, "key-1");

    expect(executions()).toBe(1);
    expect(other.status).toBe(409);
    expect(other.json).toMatchObject({
      type: ProblemType.idempotencyKeyReused,
      errors: [{ pointer: "#/header/Idempotency-Key", code: "IDEMPOTENCY_KEY_REUSED" }],
    });
  });

  it("answers a retry while the first request is still running with 409 and retry-after", async () => {
    const { call, executions } = sut();
    let release!: () => void;
    let entered!: () => void;
    const running = new Promise<void>((resolve) => (entered = resolve));
    const slow = async () => {
      entered();
      await new Promise<void>((resolve) => (release = resolve));
      return { status: 201, jsonBody: { caseId: "slow" } };
    };
    const first = call(invoice, "key-1", "tenant-a", slow);
    await running;

    const retry = await call(invoice, "key-1");
    expect(retry.status).toBe(409);
    expect(retry.headers.get("retry-after")).toBe("1");
    expect(retry.json.type).toBe(ProblemType.requestInProgress);

    release();
    expect((await first).json).toEqual({ caseId: "slow" });
    expect((await call(invoice, "key-1")).json).toEqual({ caseId: "slow" });
    expect(executions()).toBe(0); // `register` never ran: the slow first request answered, then its replay
  });

  it("treats an expired key as new", async () => {
    const { call, clock, executions } = sut();
    await call(invoice, "key-1");
    clock.advance(IDEMPOTENCY_RETENTION_MS - 1);
    expect((await call(invoice, "key-1")).headers.get("idempotent-replayed")).toBe("true");
    clock.advance(1);
    const later = await call({ ...invoice, invoiceNumber: "10043" }, "key-1");
    expect(later.status).toBe(201);
    expect(later.headers.get("idempotent-replayed")).toBeNull();
    expect(executions()).toBe(2);
  });

  it("frees a key whose first request never finished once its lock lapses", async () => {
    const { call, clock, store, executions } = sut();
    await store.begin("tenant-a", "key-1", "hash-of-a-crashed-request", clock.now());
    expect((await call(invoice, "key-1")).status).toBe(409);
    clock.advance(IDEMPOTENCY_LOCK_MS);
    expect((await call(invoice, "key-1")).status).toBe(201);
    expect(executions()).toBe(1);
  });

  it("remembers a 4xx outcome and replays it", async () => {
    const { call } = sut();
    let attempts = 0;
    const duplicate = async () => {
      attempts += 1;
      throw new DuplicateInvoiceNumber("Invoice 10042 is already registered.");
    };
    const first = await call(invoice, "key-1", "tenant-a", duplicate);
    const again = await call(invoice, "key-1", "tenant-a", duplicate);
    expect(first.status).toBe(409);
    expect(again.text).toBe(first.text);
    expect(attempts).toBe(1);
  });

  it("releases the key after an unexpected error so the retry runs again", async () => {
    const { call, executions } = sut();
    const failing = async () => {
      throw new Error("transient");
    };
    const failed = await call(invoice, "key-1", "tenant-a", failing);
    expect(failed.status).toBe(500);
    expect(failed.text).not.toContain("transient");
    const retried = await call(invoice, "key-1");
    expect(retried.status).toBe(201);
    expect(executions()).toBe(1);
  });

  it("keeps the keys of different tenants apart", async () => {
    const { call, executions } = sut();
    await call(invoice, "key-1", "tenant-a");
    const otherTenant = await call({ other: true }, "key-1", "tenant-b");
    expect(otherTenant.status).toBe(201);
    expect(otherTenant.headers.get("idempotent-replayed")).toBeNull();
    expect(executions()).toBe(2);
  });

  it("refuses keys that are empty, too long or not visible ASCII with 400 naming the header", async () => {
    const { call, executions } = sut();
    for (const key of ["a".repeat(256), "two words", "nøkkel"]) {
      const response = await call(invoice, key);
      expect(response.status).toBe(400);
      expect(response.json.errors).toEqual([
        { pointer: "#/header/Idempotency-Key", code: "INVALID_IDEMPOTENCY_KEY", detail: expect.any(String) },
      ]);
    }
    expect((await call(invoice, "a".repeat(255))).status).toBe(201);
    expect((await call(invoice, "~!#")).status).toBe(201);
    expect(executions()).toBe(2);
  });

  it("runs every request without a key, and demands one when required", async () => {
    const optional = sut();
    await optional.call(invoice, undefined);
    await optional.call(invoice, undefined);
    expect(optional.executions()).toBe(2);

    const required = sut({ required: true });
    const response = await required.call(invoice, undefined);
    expect(response.status).toBe(400);
    expect(response.json.errors[0]).toMatchObject({ pointer: "#/header/Idempotency-Key", code: "REQUIRED" });
    expect(required.executions()).toBe(0);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// The request hash

/** The same JSON value with every object's members rotated by amounts taken from `turns`. */
function reorder(value: unknown, turns: number[], depth = 0): unknown {
  if (Array.isArray(value)) return value.map((item, i) => reorder(item, turns, depth + i + 1));
  if (value === null || typeof value !== "object") return value;
  const entries = Object.entries(value as Record<string, unknown>).map(
    ([k, v], i) => [k, reorder(v, turns, depth + i + 1)] as const,
  );
  const turn = turns.length === 0 || entries.length === 0 ? 0 : (turns[depth % turns.length] ?? 0) % entries.length;
  return Object.fromEntries([...entries.slice(turn), ...entries.slice(0, turn)].reverse());
}

/** Every path in a JSON value (the root included). */
function paths(value: unknown, at: Array<string | number> = []): Array<Array<string | number>> {
  const children = Array.isArray(value)
    ? value.flatMap((item, i) => paths(item, [...at, i]))
    : value !== null && typeof value === "object"
      ? Object.entries(value).flatMap(([k, v]) => paths(v, [...at, k]))
      : [];
  return [at, ...children];
}

/** A value that is certainly different as JSON. */
function changed(value: unknown): unknown {
  if (typeof value === "number") return value === 0 ? 1 : -value;
  if (typeof value === "string") return `${value}x`;
  if (typeof value === "boolean") return !value;
  if (value === null) return 0;
  if (Array.isArray(value)) return [...value, null];
  const record = value as Record<string, unknown>;
  return Object.fromEntries([...Object.entries(record), ["\u0000added" in record ? "\u0000added2" : "\u0000added", 1]]);
}

function replaceAt(value: unknown, path: Array<string | number>): unknown {
  const [head, ...rest] = path;
  if (head === undefined) return changed(value);
  if (Array.isArray(value)) return value.map((item, i) => (i === head ? replaceAt(item, rest) : item));
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, k === head ? replaceAt(v, rest) : v]),
  );
}

describe("the request hash", () => {
  const hash = (body: unknown) => requestHash("POST", "/api/v1/invoices", JSON.stringify(body));

  it("does not depend on member order or whitespace (property)", () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.array(fc.nat({ max: 50 }), { maxLength: 8 }), (value, turns) => {
        expect(hash(reorder(value, turns))).toBe(hash(value));
        expect(requestHash("POST", "/api/v1/invoices", JSON.stringify(value, null, 2))).toBe(hash(value));
      }),
      { numRuns: 500 },
    );
  });

  it("changes with any change of a value anywhere in the body (property)", () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.nat(), (value, pick) => {
        const all = paths(value);
        const path = all[pick % all.length] ?? [];
        expect(hash(replaceAt(value, path))).not.toBe(hash(value));
      }),
      { numRuns: 500 },
    );
  });

  it("changes with the method and the path", () => {
    const body = JSON.stringify(invoice);
    const base = requestHash("POST", "/api/v1/invoices", body);
    expect(requestHash("PUT", "/api/v1/invoices", body)).not.toBe(base);
    expect(requestHash("POST", "/api/v1/invoices/batch", body)).not.toBe(base);
  });

  it("hashes a body that is not JSON by its exact bytes", () => {
    expect(requestHash("POST", "/x", "not json")).not.toBe(requestHash("POST", "/x", "not  json"));
    expect(requestHash("POST", "/x", "")).toBe(requestHash("POST", "/x", new Uint8Array()));
  });
});
