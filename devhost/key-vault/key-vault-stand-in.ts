/**
 * A local Azure Key Vault (secrets only) that the real `SecretClient` talks to, over HTTPS (the SDK refuses to send a
 * bearer token over http) with a certificate made at start by `selfsigned`; its PEM is written to
 * `<dataDir>/key-vault/ca.pem` for the app to trust (the KEY_VAULT_CA_FILE setting).
 *
 * - Authentication as Key Vault does it: a request without a bearer token is answered 401 with
 *   `WWW-Authenticate: Bearer authorization="https://login.microsoftonline.com/{tenant}", resource="{vault origin}"`;
 *   the SDK then gets a token for that resource from its credential and sends the request again. Only tokens of the
 *   dev host's managed identity endpoint for this vault are accepted (401 otherwise).
 * - `PUT /secrets/{name}` (a new version), `GET /secrets/{name}[/{version}]`, `DELETE /secrets/{name}` (soft delete:
 *   the name stays taken — a PUT is 409 — until purged), `GET /deletedsecrets/{name}`, `DELETE /deletedsecrets/{name}`
 *   (purge); `api-version` required; names of letters, digits and dashes (1–127). Errors in Key Vault's shape
 *   `{ error: { code, message } }`.
 * - Kept across restarts in `<dataDir>/key-vault/secrets.json` (atomic writes, before the answer). Values are stored as
 *   they are: this is a developer's machine. Logs carry secret names and versions, never values.
 */
import { randomBytes } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import { join } from "node:path";
import { generate } from "selfsigned";
import { z } from "zod";
import { CoalescingWriter, readJsonFile, writeFileAtomic } from "../atomic-file";
import { readBody } from "../dev-routes";
import { closeServer, listen } from "../listen";
import type { DevLogger } from "../logger";

const NAME = /^[0-9A-Za-z-]{1,127}$/u;
/** The tenant the challenge names (the dev host's "directory"). */
const TENANT_ID = "00000000-0000-0000-0000-0000000d0e00";
const RECOVERABLE_DAYS = 90;

const SecretVersion = z.object({
  version: z.string(),
  value: z.string(),
  contentType: z.string().optional(),
  tags: z.record(z.string(), z.string()).optional(),
  created: z.number(),
});
type SecretVersion = z.infer<typeof SecretVersion>;
const StoredSecret = z.object({ versions: z.array(SecretVersion).min(1), deletedAt: z.number().optional() });
type StoredSecret = z.infer<typeof StoredSecret>;
const SecretsFile = z.object({ version: z.literal(1), secrets: z.record(z.string(), StoredSecret) });

const SetSecretBody = z.object({
  value: z.string(),
  contentType: z.string().optional(),
  tags: z.record(z.string(), z.string()).optional(),
  attributes: z.object({ enabled: z.boolean().optional() }).passthrough().optional(),
});

export interface KeyVaultStandInOptions {
  dataDir: string;
  logger: DevLogger;
  /** Whether a bearer token is one the dev host's managed identity issued for `resource`. */
  verifyToken: (token: string) => { resource: string } | undefined;
}

class KeyVaultError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export class KeyVaultStandIn {
  readonly #dir: string;
  readonly #file: string;
  readonly #writer: CoalescingWriter;
  #secrets: Record<string, StoredSecret> = {};
  #server: Server | undefined;
  #origin = "";

  constructor(private readonly options: KeyVaultStandInOptions) {
    this.#dir = join(options.dataDir, "key-vault");
    this.#file = join(this.#dir, "secrets.json");
    this.#writer = new CoalescingWriter(() =>
      writeFileAtomic(this.#file, JSON.stringify({ version: 1, secrets: this.#secrets })),
    );
  }

  /** Starts on 127.0.0.1 (port 0: any free port); returns the vault URL and the file of the CA to trust. */
  async start(port = 0): Promise<{ vaultUrl: string; caFile: string }> {
    await mkdir(this.#dir, { recursive: true });
    const saved = await readJsonFile(this.#file);
    if (saved !== undefined) this.#secrets = SecretsFile.parse(saved).secrets;
    const pems = await generate([{ name: "commonName", value: "127.0.0.1" }], {
      keySize: 2048,
      algorithm: "sha256",
      notAfterDate: new Date(Date.now() + 365 * 86_400_000),
      extensions: [
        { name: "basicConstraints", cA: true },
        { name: "keyUsage", digitalSignature: true, keyEncipherment: true, keyCertSign: true },
        { name: "extKeyUsage", serverAuth: true },
        {
          name: "subjectAltName",
          altNames: [
            { type: 7, ip: "127.0.0.1" },
            { type: 2, value: "localhost" },
          ],
        },
      ],
    });
    const caFile = join(this.#dir, "ca.pem");
    await writeFile(caFile, pems.cert);
    const server = createServer({ key: pems.private, cert: pems.cert }, (req, res) => {
      void this.#handle(req, res);
    });
    const bound = await listen(server, port);
    this.#server = server;
    this.#origin = `https://127.0.0.1:${String(bound)}`;
    return { vaultUrl: this.#origin, caFile };
  }

  async stop(): Promise<void> {
    if (this.#server) await closeServer(this.#server);
    this.#server = undefined;
    await this.#writer.idle();
  }

  /** The names of the secrets that are not deleted (tests, dev). */
  names(): string[] {
    return Object.entries(this.#secrets)
      .filter(([, s]) => s.deletedAt === undefined)
      .map(([name]) => name)
      .sort();
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const send = (status: number, body?: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers });
      res.end(body === undefined ? undefined : JSON.stringify(body));
    };
    try {
      const body = await readBody(req);
      const url = new URL(req.url ?? "/", this.#origin);
      const authorization = req.headers.authorization;
      if (!authorization?.startsWith("Bearer ")) {
        return send(
          401,
          { error: { code: "Unauthorized", message: "AKV10000: Request is missing a Bearer or PoP token." } },
          {
            "www-authenticate": `Bearer authorization="https://login.microsoftonline.com/${TENANT_ID}", resource="${this.#origin}"`,
          },
        );
      }
      const claims = this.options.verifyToken(authorization.slice("Bearer ".length));
      if (claims === undefined || claims.resource.replace(/\/+$/u, "") !== this.#origin) {
        this.options.logger.warn("key vault: a request with a token not issued for this vault was refused");
        throw new KeyVaultError(401, "Unauthorized", "AKV10032: Invalid issuer or audience.");
      }
      if (!url.searchParams.get("api-version"))
        throw new KeyVaultError(400, "BadParameter", "The api-version query parameter is required.");
      const [collection, name, version, ...rest] = url.pathname.split("/").filter(Boolean);
      if (rest.length > 0 || name === undefined || !NAME.test(name))
        throw new KeyVaultError(400, "BadParameter", "The request URI contains an invalid name.");
      if (collection === "secrets") return send(200, await this.#secret(req.method ?? "GET", name, version, body));
      if (collection === "deletedsecrets" && version === undefined) {
        const result = await this.#deleted(req.method ?? "GET", name);
        return result === undefined ? send(204) : send(200, result);
      }
      throw new KeyVaultError(404, "NotFound", "No such operation.");
    } catch (error) {
      if (error instanceof KeyVaultError)
        return send(error.status, { error: { code: error.code, message: error.message } });
      this.options.logger.error("key vault: request failed", { error: (error as Error).message });
      send(500, { error: { code: "InternalServerError", message: "The stand-in failed." } });
    }
  }

  async #secret(method: string, name: string, version: string | undefined, body: Buffer): Promise<unknown> {
    const stored = this.#secrets[name];
    if (method === "PUT" && version === undefined) {
      if (stored?.deletedAt !== undefined)
        throw new KeyVaultError(
          409,
          "Conflict",
          `Secret ${name} is currently in a deleted but recoverable state, and its name cannot be reused; in this state, the secret can only be recovered or purged.`,
        );
      const parsed = SetSecretBody.safeParse(JSON.parse(body.toString("utf8") || "null"));
      if (!parsed.success) throw new KeyVaultError(400, "BadParameter", "The request body is not a secret.");
      const next: SecretVersion = {
        version: randomBytes(16).toString("hex"),
        value: parsed.data.value,
        created: Math.floor(Date.now() / 1000),
        ...(parsed.data.contentType === undefined ? {} : { contentType: parsed.data.contentType }),
        ...(parsed.data.tags === undefined ? {} : { tags: parsed.data.tags }),
      };
      this.#secrets[name] = { versions: [...(stored?.versions ?? []), next] };
      await this.#writer.request();
      this.options.logger.info("key vault: secret set", { name, version: next.version });
      return this.#bundle(name, next);
    }
    if (stored === undefined || stored.deletedAt !== undefined)
      throw new KeyVaultError(
        404,
        "SecretNotFound",
        `A secret with (name/id) ${name} was not found in this key vault.`,
      );
    if (method === "GET") {
      const found = version === undefined ? stored.versions.at(-1) : stored.versions.find((v) => v.version === version);
      if (found === undefined)
        throw new KeyVaultError(
          404,
          "SecretNotFound",
          `A secret with (name/id) ${name}/${version ?? ""} was not found.`,
        );
      return this.#bundle(name, found);
    }
    if (method === "DELETE" && version === undefined) {
      stored.deletedAt = Math.floor(Date.now() / 1000);
      await this.#writer.request();
      this.options.logger.info("key vault: secret deleted", { name });
      return this.#deletedBundle(name, stored);
    }
    throw new KeyVaultError(405, "MethodNotAllowed", `${method} is not allowed here.`);
  }

  async #deleted(method: string, name: string): Promise<unknown> {
    const stored = this.#secrets[name];
    if (stored?.deletedAt === undefined)
      throw new KeyVaultError(404, "SecretNotFound", `Deleted Secret not found: ${name}`);
    if (method === "GET") return this.#deletedBundle(name, stored);
    if (method === "DELETE") {
      delete this.#secrets[name];
      await this.#writer.request();
      this.options.logger.info("key vault: deleted secret purged", { name });
      return undefined;
    }
    throw new KeyVaultError(405, "MethodNotAllowed", `${method} is not allowed here.`);
  }

  #bundle(name: string, version: SecretVersion) {
    return {
      value: version.value,
      id: `${this.#origin}/secrets/${name}/${version.version}`,
      ...(version.contentType === undefined ? {} : { contentType: version.contentType }),
      ...(version.tags === undefined ? {} : { tags: version.tags }),
      attributes: {
        enabled: true,
        created: version.created,
        updated: version.created,
        recoveryLevel: "Recoverable+Purgeable",
        recoverableDays: RECOVERABLE_DAYS,
      },
    };
  }

  #deletedBundle(name: string, stored: StoredSecret) {
    const deletedAt = stored.deletedAt ?? 0;
    const { value: _value, ...bundle } = this.#bundle(name, stored.versions.at(-1)!);
    return {
      ...bundle,
      recoveryId: `${this.#origin}/deletedsecrets/${name}`,
      deletedDate: deletedAt,
      scheduledPurgeDate: deletedAt + RECOVERABLE_DAYS * 86_400,
    };
  }
}
