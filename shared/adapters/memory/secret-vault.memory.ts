/** In-memory SecretVault (unit tests): the same contract as Key Vault's adapter, plus a switch to simulate an outage. */
import { assertSecretName, SecretVaultUnavailable, type SecretVault } from "../../ports/secret-vault";

export class MemorySecretVault implements SecretVault {
  readonly #secrets = new Map<string, string>();
  /** While true every call fails with SecretVaultUnavailable (503), as a vault that is down would. */
  down = false;

  async get(name: string): Promise<string | undefined> {
    assertSecretName(name);
    this.#available("get");
    return this.#secrets.get(name);
  }

  async set(name: string, value: string): Promise<void> {
    assertSecretName(name);
    this.#available("set");
    this.#secrets.set(name, value);
  }

  async delete(name: string): Promise<void> {
    assertSecretName(name);
    this.#available("delete");
    this.#secrets.delete(name);
  }

  /** The names of the secrets held now (tests: what a PUT stored, what a DELETE left). */
  names(): string[] {
    return [...this.#secrets.keys()].sort();
  }

  /** Every value held now (tests: that a document or an answer carries none of them). */
  values(): string[] {
    return [...this.#secrets.values()];
  }

  #available(operation: "get" | "set" | "delete"): void {
    if (this.down) throw new SecretVaultUnavailable(operation, 503);
  }
}
