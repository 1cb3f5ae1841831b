/**
 * How a partner connection is kept by a store (Cosmos DB, memory): the document, and — when a SecretVault is
 * configured — its secrets moved out of it into the vault.
 *
 * THE DOCUMENT (`PartnerConnectionDocument`) is the port's `StoredPartnerConnection` in which each secret is either
 * inline (no vault: the shape every document had before, still read as it is) or a reference to a vault secret by
 * name: `auth.secretRef` (HMAC), `auth.clientSecretRef` (OAuth2), `callbackSecretRef`. A document never has both.
 *
 * SEALING (a put with a vault): the secrets are written to the vault under names new for this put
 * (`partner-{tenant}-{8 hex of its hash}-{12 random hex}-auth|callback`), then the document with the references is
 * written. A name is never reused: a concurrent writer cannot overwrite the secrets another writer's document refers
 * to, and Key Vault's soft delete (a deleted name stays taken until purged) never blocks a new connection. The secrets
 * the replaced document referred to are deleted afterwards (best effort: a leftover stays in the vault, unreferenced).
 *
 * OPENING (every read): references are resolved through the vault (which caches). A vault that is down, a secret that
 * is missing, or a document with references but no vault configured: `PartnerUnavailable` with reason `vault` — the
 * command sender retries it like a partner outage, the HTTP edge answers 503. Never a secret in an error.
 */
import { createHash } from "node:crypto";
import { z } from "zod";
import { StoredPartnerConnection } from "../../ports/partner-connection-store";
import {
  PartnerHmacAuth,
  PartnerOAuth2Auth,
  PartnerUnavailable,
  StandardWebhooksSecret,
} from "../../ports/partner-gateway";
import type { Random } from "../../ports/random";
import { SECRET_NAME, type SecretVault } from "../../ports/secret-vault";

const SecretName = z.string().regex(SECRET_NAME);

/** A partner connection as a store keeps it: secrets inline, or references to secrets in the vault. */
export const PartnerConnectionDocument = StoredPartnerConnection.extend({
  auth: z.discriminatedUnion("kind", [
    PartnerHmacAuth.extend({ secret: StandardWebhooksSecret.optional(), secretRef: SecretName.optional() }),
    PartnerOAuth2Auth.extend({ clientSecret: z.string().min(1).optional(), clientSecretRef: SecretName.optional() }),
  ]),
  callbackSecretRef: SecretName.optional(),
}).superRefine((document, ctx) => {
  const [inline, ref] =
    document.auth.kind === "hmac"
      ? [document.auth.secret, document.auth.secretRef]
      : [document.auth.clientSecret, document.auth.clientSecretRef];
  if ((inline === undefined) === (ref === undefined))
    ctx.addIssue({ code: "custom", path: ["auth"], message: "Exactly one of the secret and its vault reference" });
  if (document.callbackSecret !== undefined && document.callbackSecretRef !== undefined)
    ctx.addIssue({ code: "custom", path: ["callbackSecretRef"], message: "Not both the secret and its reference" });
});
export type PartnerConnectionDocument = z.infer<typeof PartnerConnectionDocument>;

/** The vault names a document refers to (none for a document with its secrets inline). */
export function secretNamesOf(document: PartnerConnectionDocument): string[] {
  const auth = document.auth.kind === "hmac" ? document.auth.secretRef : document.auth.clientSecretRef;
  return [auth, document.callbackSecretRef].filter((name): name is string => name !== undefined);
}

/** Secret names for one put of `tenantId`'s connection: letters, digits and dashes, unique per put. */
export function newSecretNames(tenantId: string, random: Random): { auth: string; callback: string } {
  const readable = tenantId
    .toLowerCase()
    .replace(/[^a-z0-9]+/gu, "-")
    .replace(/^-+|-+$/gu, "")
    .slice(0, 40);
  // Two tenant ids that read the same once mapped (t_a, t-a) still get different names.
  const tenant = createHash("sha256").update(tenantId).digest("hex").slice(0, 8);
  const put = Buffer.from(random.bytes(6)).toString("hex");
  const base = `partner-${readable === "" ? "" : `${readable}-`}${tenant}-${put}`;
  return { auth: `${base}-auth`, callback: `${base}-callback` };
}

export interface PartnerConnectionSecretsOptions {
  /** Where the secrets go; without one they stay in the document (the behaviour before Key Vault). */
  vault?: SecretVault;
  random: Random;
}

/** Moves a connection's secrets into the vault and back; shared by every PartnerConnectionStore adapter. */
export class PartnerConnectionSecrets {
  readonly #vault: SecretVault | undefined;
  readonly #random: Random;

  constructor(options: PartnerConnectionSecretsOptions) {
    this.#vault = options.vault;
    this.#random = options.random;
  }

  /** Names for one put (generated once, reused when the put is retried after a concurrent write). */
  namesFor(tenantId: string): { auth: string; callback: string } {
    return newSecretNames(tenantId, this.#random);
  }

  /**
   * The document to store for `record`: with a vault, its secrets are written there first (SecretVaultUnavailable,
   * 503, when that fails — nothing is stored then) and the document refers to them.
   */
  async seal(
    record: StoredPartnerConnection,
    names: { auth: string; callback: string },
  ): Promise<PartnerConnectionDocument> {
    const vault = this.#vault;
    if (vault === undefined) return PartnerConnectionDocument.parse(record);
    const { callbackSecret, auth, ...rest } = record;
    const authSecret = auth.kind === "hmac" ? auth.secret : auth.clientSecret;
    await vault.set(names.auth, authSecret);
    if (callbackSecret !== undefined) await vault.set(names.callback, callbackSecret);
    const sealedAuth: PartnerConnectionDocument["auth"] =
      auth.kind === "hmac"
        ? { kind: "hmac", secretRef: names.auth }
        : {
            kind: "oauth2",
            tokenUrl: auth.tokenUrl,
            clientId: auth.clientId,
            clientSecretRef: names.auth,
            ...(auth.scope === undefined ? {} : { scope: auth.scope }),
          };
    return PartnerConnectionDocument.parse({
      ...rest,
      auth: sealedAuth,
      ...(callbackSecret === undefined ? {} : { callbackSecretRef: names.callback }),
    });
  }

  /** The connection with its secrets in clear: references resolved through the vault (PartnerUnavailable on failure). */
  async open(document: PartnerConnectionDocument): Promise<StoredPartnerConnection> {
    if (secretNamesOf(document).length === 0) return StoredPartnerConnection.parse(document);
    const { auth, callbackSecretRef, ...rest } = document;
    const callbackSecret = callbackSecretRef === undefined ? rest.callbackSecret : await this.#read(callbackSecretRef);
    // Checked as a whole below (a secret the document had inline was checked when it was decoded).
    let clearAuth: Record<string, unknown>;
    if (auth.kind === "hmac") {
      clearAuth = {
        kind: "hmac",
        secret: auth.secretRef === undefined ? auth.secret : await this.#read(auth.secretRef),
      };
    } else {
      const { clientSecretRef, clientSecret, ...oauth } = auth;
      clearAuth = {
        ...oauth,
        clientSecret: clientSecretRef === undefined ? clientSecret : await this.#read(clientSecretRef),
      };
    }
    const opened = StoredPartnerConnection.safeParse({
      ...rest,
      auth: clearAuth,
      ...(callbackSecret === undefined ? {} : { callbackSecret }),
    });
    // Never the value, nor zod's issues (they could quote it): only that the vault holds something unusable.
    if (!opened.success)
      throw new PartnerUnavailable("A secret of the partner connection in the secret vault is not valid", "vault");
    return opened.data;
  }

  /** Deletes the secrets `document` refers to (a connection deleted). */
  async deleteAll(document: PartnerConnectionDocument): Promise<void> {
    const vault = this.#vault;
    if (vault === undefined) return;
    for (const name of secretNamesOf(document)) await vault.delete(name);
  }

  /**
   * After `replaced` was replaced by `current`: deletes the secrets only `replaced` referred to. Best effort — a
   * failure leaves an unreferenced secret in the vault and does not undo the replacement.
   */
  async deleteReplaced(replaced: PartnerConnectionDocument | undefined, current: PartnerConnectionDocument) {
    const vault = this.#vault;
    if (vault === undefined || replaced === undefined) return;
    const kept = new Set(secretNamesOf(current));
    for (const name of secretNamesOf(replaced)) {
      if (kept.has(name)) continue;
      try {
        await vault.delete(name);
      } catch {
        // Left in the vault, referenced by nothing; the replacement stands.
      }
    }
  }

  async #read(name: string): Promise<string> {
    const vault = this.#vault;
    if (vault === undefined)
      throw new PartnerUnavailable(
        "The partner connection's secrets are in a secret vault, and none is configured",
        "vault",
      );
    let value: string | undefined;
    try {
      value = await vault.get(name);
    } catch {
      throw new PartnerUnavailable("The partner connection's secrets could not be read from the secret vault", "vault");
    }
    if (value === undefined)
      throw new PartnerUnavailable("A secret of the partner connection is missing from the secret vault", "vault");
    return value;
  }
}
