/**
 * Writes that each touch their own logical partition (a batch's pay links, the outbox entries of many cases), in
 * few requests: the SDK's bulk, which groups operations by partition key range, 100 operations per call, a few calls
 * in flight. Bulk is not transactional: each operation succeeds or fails on its own. One that bulk did not carry
 * out (throttled with 429, timed out, or its whole call failed) is done again ON ITS OWN, through the SDK's ordinary
 * request and so its retry policy; the caller therefore gets every item written, or the error of one that could not
 * be, as with one request per item.
 *
 * Why `items.bulk` and not its successor `executeBulkOperations` (@azure/cosmos 4.x): the successor's congestion
 * control starts narrow and widens on a one-second timer, so a few hundred operations wait about a second. Upserts
 * of 2 000 pay-link documents into the stand-in, at load ~6 on 2 cores: ~250 docs/s with executeBulkOperations in
 * groups of 16 and ~1 700 docs/s with all 2 000 at once; 2 900–6 800 docs/s with `items.bulk`; 400–770 docs/s with
 * one upsert per document, 16 in flight.
 */
import type { Container, OperationInput, OperationResponse } from "@azure/cosmos";

/** Operations per bulk call: the service's limit for one partition key range. */
const OPERATIONS_PER_CALL = 100;
const CALLS_IN_FLIGHT = 4;
/** Items written on their own at the same time (the fallback). */
const SINGLES_IN_FLIGHT = 16;

export interface BulkWriteOptions<T> {
  /** The bulk operation for an item (with its `partitionKey`). */
  operation: (item: T) => OperationInput;
  /** Whether the operation's status means the item is done (e.g. 2xx; for a delete also 404). */
  done: (statusCode: number) => boolean;
  /** Writes one item on its own (the fallback); throws when it cannot. */
  one: (item: T) => Promise<void>;
}

/** Writes every item; rejects with the first error of an item that could not be written even on its own. */
export async function bulkWrite<T>(
  container: Container,
  items: readonly T[],
  options: BulkWriteOptions<T>,
): Promise<void> {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += OPERATIONS_PER_CALL) chunks.push(items.slice(i, i + OPERATIONS_PER_CALL));
  const left: T[] = [];
  await inParallel(chunks, CALLS_IN_FLIGHT, async (chunk) => {
    let results: OperationResponse[];
    try {
      // Deprecated in favour of executeBulkOperations, on purpose: see above.
      results = await container.items.bulk(chunk.map(options.operation));
    } catch {
      left.push(...chunk);
      return;
    }
    chunk.forEach((item, i) => {
      const status = results[i]?.statusCode;
      if (status === undefined || !options.done(status)) left.push(item);
    });
  });
  const errors: unknown[] = [];
  await inParallel(left, SINGLES_IN_FLIGHT, async (item) => {
    await options.one(item).catch((error: unknown) => errors.push(error));
  });
  if (errors.length > 0) throw errors[0];
}

/** Runs `task` for every item, at most `limit` at a time. */
async function inParallel<T>(items: readonly T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await task(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
