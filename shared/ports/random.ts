/**
 * The one source of randomness for use cases: ids, tokens, secrets, jitter. Cryptographically strong in production
 * (`cryptoRandom`, shared/adapters/node/random.crypto.ts); tests pass a seeded or fixed one.
 */
export interface Random {
  /** `n` random bytes (strong enough for secrets and bearer tokens). */
  bytes(n: number): Uint8Array;
  /** A number in [0, 1). */
  fraction(): number;
}
