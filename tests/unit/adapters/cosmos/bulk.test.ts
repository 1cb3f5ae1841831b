/**
 * `bulkWrite`: many single-partition writes in bulk requests of 100, and what bulk did not carry out written again on
 * its own (where the SDK's retry policy applies) — so the caller sees every item written or the error of one that
 * could not be. The container is a literal: only `items.bulk` is used.
 */
import { BulkOperationType, type Container, type OperationInput, type OperationResponse } from "@azure/cosmos";
import { describe, expect, it } from "vitest";
import { bulkWrite } from "../../../../shared/adapters/cosmos/bulk.cosmos";

/** A container whose bulk answers each operation with `status(id)`, or fails whole calls as `failCall` says. */
function container(options: { status?: (id: string) => number; failCall?: (call: number) => boolean } = {}) {
  const calls: string[][] = [];
  const fake = {
    items: {
      bulk: async (operations: OperationInput[]): Promise<OperationResponse[]> => {
        calls.push(operations.map((o) => (o as { id: string }).id));
        if (options.failCall?.(calls.length) === true) throw new Error("503 Service Unavailable");
        return operations.map((o) => ({
          statusCode: options.status?.((o as { id: string }).id) ?? 204,
          requestCharge: 1,
        }));
      },
    },
  };
  return { container: fake as unknown as Container, calls };
}

const ids = (n: number) => Array.from({ length: n }, (_, i) => `doc-${i}`);

function write(target: Container, items: string[], one: (id: string) => Promise<void>) {
  return bulkWrite(target, items, {
    operation: (id) => ({ operationType: BulkOperationType.Delete, id, partitionKey: id }),
    done: (status) => (status >= 200 && status < 300) || status === 404,
    one,
  });
}

describe("bulkWrite", () => {
  it("sends 100 operations to a call and writes nothing on its own when bulk did everything", async () => {
    const { container: target, calls } = container();
    const alone: string[] = [];
    await write(target, ids(250), async (id) => void alone.push(id));
    expect(calls.map((c) => c.length).sort((a, b) => b - a)).toEqual([100, 100, 50]);
    expect(calls.flat().sort()).toEqual(ids(250).sort());
    expect(alone).toEqual([]);
  });

  it("writes on its own each operation bulk answered with a failure (throttled, timed out), and only those", async () => {
    const { container: target } = container({
      status: (id) => (id === "doc-3" ? 429 : id === "doc-7" ? 408 : id === "doc-9" ? 404 : 204),
    });
    const alone: string[] = [];
    await write(target, ids(10), async (id) => void alone.push(id));
    expect(alone.sort()).toEqual(["doc-3", "doc-7"]); // 404 counts as done here
  });

  it("writes every item of a failed call on its own", async () => {
    const { container: target } = container({ failCall: (call) => call === 1 });
    const alone: string[] = [];
    await write(target, ids(150), async (id) => void alone.push(id));
    expect(alone).toHaveLength(100);
  });

  it("rejects with the error of an item that could not be written on its own either, after trying every other", async () => {
    const { container: target } = container({ status: (id) => (id === "doc-1" || id === "doc-2" ? 503 : 204) });
    const alone: string[] = [];
    const outcome = write(target, ids(5), async (id) => {
      alone.push(id);
      if (id === "doc-1") throw Object.assign(new Error("Request rate is large"), { code: 429 });
    });
    await expect(outcome).rejects.toMatchObject({ code: 429 });
    expect(alone.sort()).toEqual(["doc-1", "doc-2"]);
  });

  it("does nothing for no items", async () => {
    const { container: target, calls } = container();
    await write(target, [], async () => undefined);
    expect(calls).toEqual([]);
  });
});
