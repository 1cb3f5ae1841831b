/**
 * Each tenant's connection to its partner system (at most one per tenant): the `PartnerConnection` the gateway is
 * called with, plus when it was created and last replaced. The record schema is what a store's adapter decodes what
 * it read with (shared/adapters/cosmos/partner-connection-store.cosmos.ts): a stored document that does not match —
 * a base URL that is not http(s), a secret that is not `whsec_…`, an unknown role — is refused, never cast.
 *
 * SECRETS: the record holds the HMAC secret or the OAuth2 client secret, and the callback secret, in clear, because
 * the gateway needs them to sign requests, fetch tokens and verify callbacks. They are never logged, never put in an
 * error message and never returned by the API after the answer that created them. Where they are KEPT is the
 * adapter's business: given a SecretVault (Key Vault in Azure, setting `KEY_VAULT_URL`) the stored document holds
 * only references and the secrets live in the vault, resolved on every `get` (cached by the vault adapter); a vault
 * that cannot give them is `PartnerUnavailable` (reason `vault`), a vault that cannot take them on `put`
 * `SecretVaultUnavailable`; `delete` deletes them too. Without a vault they stay in the document, and documents of
 * either shape are read (shared/adapters/secret-vault/partner-connection-secrets.ts).
 */
import { z } from "zod";
import { DomainError } from "../domain/errors";
import { PartnerConnection } from "./partner-gateway";

/** The connection as stored: one document per tenant. */
export const StoredPartnerConnection = PartnerConnection.extend({
  schemaVersion: z.literal(1),
  /** ISO instants. `createdAt` survives a replacement; `updatedAt` is the last PUT. */
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type StoredPartnerConnection = z.infer<typeof StoredPartnerConnection>;

/** The connection the gateway is called with (the stored record without its bookkeeping). */
export function connectionOf(stored: StoredPartnerConnection): PartnerConnection {
  const { schemaVersion: _version, createdAt: _created, updatedAt: _updated, ...connection } = stored;
  return PartnerConnection.parse(connection);
}

export interface PartnerConnectionStore {
  /** The tenant's connection, or undefined when it has none. */
  get(tenantId: string): Promise<StoredPartnerConnection | undefined>;
  /**
   * Creates or replaces the tenant's connection. `next` gets what is stored now (undefined when nothing is) and
   * returns the record to store, whose `tenantId` must be `tenantId`. Optimistic concurrency, like the case store's
   * `update`: the write is conditioned on what `next` saw (create-if-absent, replace-if-unchanged), and `next` runs
   * again when another writer got there first. Throws PartnerConnectionConflict when that keeps happening.
   */
  put(
    tenantId: string,
    next: (current: StoredPartnerConnection | undefined) => StoredPartnerConnection,
  ): Promise<StoredPartnerConnection>;
  /** Removes the tenant's connection; false when it had none. */
  delete(tenantId: string): Promise<boolean>;
}

/** `put` must not move a connection to another tenant (the store's own check, the same in every adapter). */
export function assertSameTenant(tenantId: string, record: StoredPartnerConnection): void {
  if (record.tenantId !== tenantId) throw new Error("A partner connection is stored under its own tenant id only");
}

/** The tenant has no partner connection (HTTP 404). */
export class PartnerConnectionNotFound extends DomainError {
  readonly code = "PARTNER_CONNECTION_NOT_FOUND";
  override readonly title = "No partner connection";
  constructor(tenantId: string) {
    super(`Tenant ${tenantId} has no partner connection`, { tenantId });
  }
}

/** The connection kept changing while it was being replaced (optimistic concurrency gave up; HTTP 409). */
export class PartnerConnectionConflict extends DomainError {
  readonly code = "PARTNER_CONNECTION_CONFLICT";
  constructor(tenantId: string) {
    super(`The partner connection of tenant ${tenantId} changed too often while it was being replaced; try again`, {
      tenantId,
    });
  }
}
