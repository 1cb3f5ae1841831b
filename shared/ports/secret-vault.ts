/**
 * A vault for secrets the app must use in clear but must not keep in its database: the partner systems' HMAC and
 * OAuth2 client secrets and their callback secrets. In Azure it is Key Vault (shared/adapters/key-vault/), reached
 * with the Function App's managed identity; tests use the memory vault.
 *
 * NAMES are Key Vault's: 1–127 characters, letters, digits and dashes (`SECRET_NAME`). A name is not a secret (it may
 * appear in a stored document), a value always is: an adapter never logs one and never puts one in an error.
 */
import { DomainError } from "../domain/errors";

/** Key Vault's rule for a secret's name. */
export const SECRET_NAME = /^[0-9A-Za-z-]{1,127}$/u;

export interface SecretVault {
  /** The secret's current value; undefined when there is no such secret (or it was deleted). */
  get(name: string): Promise<string | undefined>;
  /** Creates the secret, or gives it a new current value. */
  set(name: string, value: string): Promise<void>;
  /** Deletes the secret (every version of it); deleting one that does not exist is not an error. */
  delete(name: string): Promise<void>;
}

/** The vault could not be reached or refused us (down, throttled, a missing permission): try again later (503). */
export class SecretVaultUnavailable extends DomainError {
  readonly code = "SECRET_VAULT_UNAVAILABLE";
  override readonly title = "The secret vault is unavailable";
  constructor(
    operation: "get" | "set" | "delete",
    /** The vault's HTTP status, when it answered. */
    readonly status?: number,
  ) {
    super(
      `The secret vault could not ${operation} a secret${status === undefined ? "" : ` (status ${String(status)})`}`,
      status === undefined ? { operation } : { operation, vaultStatus: status },
    );
  }
}

/** Refuses a name Key Vault would refuse (a programming error: names are made by the code, never by a caller). */
export function assertSecretName(name: string): void {
  if (!SECRET_NAME.test(name)) throw new Error(`Not a valid secret name (letters, digits and dashes, 1–127): ${name}`);
}
