/**
 * Response compression for the server-rendered pages (pay page, receipt, notices): the Functions host does not
 * compress what a function returns, and a debtor on a phone on a weak connection waits for every kilobyte. Brotli
 * when the client accepts it (quality 5: a 5 KB page in well under a millisecond), else gzip, else as is; bodies below
 * 1 KB are sent as they are (the headers would outweigh the saving). Always `vary: accept-encoding`, so a cache in
 * between never hands a compressed body to a client that did not ask for it.
 */
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

const MIN_BYTES = 1024;

/** The encoding to use for this `Accept-Encoding` header: `br`, `gzip` or none (q=0 refuses one). */
export function negotiateEncoding(acceptEncoding: string | null | undefined): "br" | "gzip" | undefined {
  if (!acceptEncoding) return undefined;
  const accepted = new Map<string, number>();
  for (const part of acceptEncoding.toLowerCase().split(",")) {
    const [name, ...params] = part.trim().split(";");
    if (!name) continue;
    const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/u.exec(p)?.[1]).find((v) => v !== undefined);
    accepted.set(name.trim(), q === undefined ? 1 : Number(q));
  }
  const weight = (name: string) => accepted.get(name) ?? (accepted.has("*") ? accepted.get("*")! : 0);
  if (weight("br") > 0) return "br";
  if (weight("gzip") > 0) return "gzip";
  return undefined;
}

/** The body compressed for the client (with its `content-encoding`), or as is; `vary` is always set. */
export function compressBody(
  body: string,
  acceptEncoding: string | null | undefined,
): { body: string | Uint8Array; headers: Record<string, string> } {
  const vary = { vary: "accept-encoding" };
  const bytes = Buffer.from(body, "utf8");
  const encoding = bytes.length >= MIN_BYTES ? negotiateEncoding(acceptEncoding) : undefined;
  if (encoding === undefined) return { body, headers: vary };
  const compressed =
    encoding === "br"
      ? brotliCompressSync(bytes, {
          params: {
            [constants.BROTLI_PARAM_QUALITY]: 5,
            [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
            [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
          },
        })
      : gzipSync(bytes, { level: 6 });
  return { body: new Uint8Array(compressed), headers: { ...vary, "content-encoding": encoding } };
}
