/**
 * The case id is DERIVED from (tenantId, invoiceNumber): `c_` + the first 26 characters of the base32 (RFC 4648,
 * lower case) SHA-256 of the pair, i.e. 130 bits.
 *
 * Why: the case store is partitioned by /caseId (see shared/adapters/cosmos/case-store.cosmos.ts), and a Cosmos
 * unique key only holds within one logical partition, so "one case per invoice number per tenant" cannot be a
 * unique-key constraint. With a deterministic id it needs none: the second create of the same invoice hits the
 * same id and fails with 409 — atomically, in one write, with no claim document that a crash could orphan.
 *
 * The id is not a secret (anyone knowing a tenant id and an invoice number can compute it); isolation never rests
 * on it: every tenant-facing read is scoped by tenant, and another tenant's case is "not found".
 *
 * Domain, not application: the stores check ids against it (`assertDerivedId` beside the CaseStore port) and the use case
 * derives them, so it must sit where both may import it. `createHash` is node:crypto's deterministic SHA-256 — no I/O,
 * no randomness, the same output on every host — so the domain stays pure with it (ids already stored depend on
 * exactly this digest; a hand-written SHA-256 would be code to trust for no gain).
 */
import { createHash } from "node:crypto";

const BASE32 = "abcdefghijklmnopqrstuvwxyz234567";

export function caseIdFor(tenantId: string, invoiceNumber: string): string {
  // JSON of the pair: unambiguous whatever characters either part holds.
  const digest = createHash("sha256")
    .update(JSON.stringify([tenantId, invoiceNumber]), "utf8")
    .digest();
  return `c_${base32(digest).slice(0, 26)}`;
}

function base32(bytes: Uint8Array): string {
  let out = "";
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += BASE32[(buffer << (5 - bits)) & 31];
  return out;
}
