/**
 * SecretVault on Azure Key Vault (`@azure/keyvault-secrets`), reached with the Function App's managed identity
 * (DefaultAzureCredential: in Azure Functions the App Service identity endpoint, `IDENTITY_ENDPOINT` +
 * `IDENTITY_HEADER`; on a developer's machine `az login` works too). The identity needs the role "Key Vault Secrets
 * Officer" on the vault (infra-bicep/modules/key-vault.bicep).
 *
 * - `get` reads the current version; a secret that does not exist (or is deleted) is undefined. Values are cached in
 *   this instance's memory for `cacheSeconds` (5 minutes): a partner command or callback does not cost a vault call.
 *   The names the app writes are never reused for another value (partner-connection-secrets.ts), so a cached value
 *   is never a stale one; `set` and `delete` update the cache of this instance.
 * - `delete` starts Key Vault's delete (soft delete: the secret is recoverable until the vault purges it) and does not
 *   wait for it to finish; a secret that does not exist is not an error.
 * - Every failure — the vault down or throttling, the identity refused, the network — is `SecretVaultUnavailable`
 *   with the vault's status when it answered: never the SDK's error (its request could carry the value being set).
 *
 * `ca` (PEM) is a certificate authority to trust besides the system's, for a vault with a private certificate (the
 * dev host's stand-in; unset in Azure). `verifyChallengeResource: false` turns off the SDK's check that the vault's
 * authentication challenge names a parent domain of the vault's host (`*.vault.azure.net`): a vault on an address
 * like 127.0.0.1 has no such parent. Never off in Azure.
 */
import { DefaultAzureCredential, type TokenCredential } from "@azure/identity";
import { SecretClient } from "@azure/keyvault-secrets";
import type { Clock } from "../../ports/clock";
import { assertSecretName, SecretVaultUnavailable, type SecretVault } from "../../ports/secret-vault";

export interface KeyVaultSecretVaultOptions {
  /** e.g. `https://kv-payment-follow-up.vault.azure.net`. */
  vaultUrl: string;
  /** DefaultAzureCredential unless given. */
  credential?: TokenCredential;
  /** A certificate authority (PEM) to trust for the vault's TLS certificate. */
  ca?: string;
  /** Default true. */
  verifyChallengeResource?: boolean;
  /** How long a value read stays cached (default 300 s); 0 turns the cache off. */
  cacheSeconds?: number;
  /** For the cache's expiry (the system clock unless given). */
  clock?: Clock;
  /** The SDK's retries of a failed call (default: the SDK's). */
  maxRetries?: number;
}

const systemClock: Clock = { now: () => new Date() };

/** The HTTP status of an SDK error (RestError.statusCode), if it has one. */
function statusOf(error: unknown): number | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const status = (error as { statusCode?: unknown }).statusCode;
  return typeof status === "number" ? status : undefined;
}

export class KeyVaultSecretVault implements SecretVault {
  readonly #client: SecretClient;
  readonly #cache = new Map<string, { value: string; until: number }>();
  readonly #cacheMs: number;
  readonly #clock: Clock;

  constructor(options: KeyVaultSecretVaultOptions) {
    // vaultUri from Bicep ends with a slash; the SDK appends its paths to the URL as given.
    this.#client = new SecretClient(
      options.vaultUrl.replace(/\/+$/u, ""),
      options.credential ?? new DefaultAzureCredential(),
      {
        ...(options.ca === undefined ? {} : { tlsOptions: { ca: options.ca } }),
        ...(options.verifyChallengeResource === false ? { disableChallengeResourceVerification: true } : {}),
        ...(options.maxRetries === undefined ? {} : { retryOptions: { maxRetries: options.maxRetries } }),
      },
    );
    this.#cacheMs = (options.cacheSeconds ?? 300) * 1000;
    this.#clock = options.clock ?? systemClock;
  }

  async get(name: string): Promise<string | undefined> {
    assertSecretName(name);
    const now = this.#clock.now().getTime();
    const cached = this.#cache.get(name);
    if (cached !== undefined && cached.until > now) return cached.value;
    this.#cache.delete(name);
    let value: string | undefined;
    try {
      value = (await this.#client.getSecret(name)).value;
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw new SecretVaultUnavailable("get", statusOf(error));
    }
    if (value !== undefined && this.#cacheMs > 0) this.#cache.set(name, { value, until: now + this.#cacheMs });
    return value;
  }

  async set(name: string, value: string): Promise<void> {
    assertSecretName(name);
    this.#cache.delete(name);
    try {
      await this.#client.setSecret(name, value, { contentType: "text/plain" });
    } catch (error) {
      throw new SecretVaultUnavailable("set", statusOf(error));
    }
    if (this.#cacheMs > 0) this.#cache.set(name, { value, until: this.#clock.now().getTime() + this.#cacheMs });
  }

  async delete(name: string): Promise<void> {
    assertSecretName(name);
    this.#cache.delete(name);
    try {
      await this.#client.beginDeleteSecret(name);
    } catch (error) {
      if (statusOf(error) === 404) return;
      throw new SecretVaultUnavailable("delete", statusOf(error));
    }
  }
}
