/** Offset continuation tokens for the in-memory stores (opaque to callers, like Cosmos DB's). */
import { InvalidContinuationToken } from "../../ports/errors";
import type { Page } from "../../ports/case-store";

export function pageOf<T>(all: T[], page: { limit: number; continuationToken?: string }): Page<T> {
  const start = page.continuationToken === undefined ? 0 : decode(page.continuationToken);
  const limit = Math.min(1000, Math.max(1, Math.floor(Number.isFinite(page.limit) ? page.limit : 1)));
  const items = all.slice(start, start + limit);
  const next = start + items.length;
  return next < all.length ? { items, continuationToken: encode(next) } : { items };
}

function encode(offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset }), "utf8").toString("base64url");
}

function decode(token: string): number {
  try {
    const parsed = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as { o?: unknown };
    if (typeof parsed.o === "number" && Number.isInteger(parsed.o) && parsed.o >= 0) return parsed.o;
  } catch {
    // fall through
  }
  throw new InvalidContinuationToken();
}
