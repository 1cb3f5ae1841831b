/**
 * Server-side sessions behind a signed cookie — the one mechanism Min side's debtors (issue 15) and the portal's staff
 * (issue 16) both sign in through; each names its cookies and what its session document holds about who is signed in.
 *
 * A random session id (256 bits) goes in a `__Host-` cookie, signed with a secret setting (HMAC-SHA256); the document
 * is found by the id's SHA-256, so what is stored cannot be turned back into a cookie. It holds who is signed in, the
 * CSRF token every form echoes, the language, and the times: an idle timeout (no request for `idleSeconds`) and an
 * absolute lifetime (`absoluteSeconds` after sign-in). A cookie that is missing, forged (bad signature), unknown,
 * expired or idle too long resolves to nothing; the pages then send the browser to sign-in and say nothing more.
 * Signing out deletes the document, so the cookie is dead even if it was copied.
 *
 * An OpenID Connect sign-in under way is a document of its own (state, nonce, PKCE verifier) behind a second cookie,
 * used once and valid for `LOGIN_TRANSACTION_SECONDS`.
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { Clock } from "../ports/clock";
import type { StoredLoginTransaction } from "../ports/login-transaction";
import type { Random } from "../ports/random";

/** How long a sign-in may take from the button to the callback. */
export const LOGIN_TRANSACTION_SECONDS = 600;
/** lastSeenAt is written at most this often (a write per request would double the cost of every page). */
const TOUCH_EVERY_MS = 60_000;

/** Just enough of a request to read its cookies and headers (Azure Functions' HttpRequest has it). */
export interface RequestHeaders {
  headers: { get(name: string): string | null };
}

/** A cookie to set (the HTTP layer adds Path=/, Secure, HttpOnly, SameSite=Lax: `__Host-` requires them). */
export interface CookieToSet {
  name: string;
  value: string;
  /** 0 clears it; absent: a browser-session cookie. */
  maxAge?: number;
}

export type SessionLang = "nb" | "en";

/** What every stored session document has, whoever it signs in. */
export interface SessionDocument {
  schemaVersion: 1;
  id: string;
  type: "session";
  csrfToken: string;
  lang: SessionLang;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  ttl: number;
}

/** A sign-in under way: what the OIDC callback must find again (ports/login-transaction.ts). */
export type LoginTransactionDocument = StoredLoginTransaction;

export interface SessionDocumentStore<S extends SessionDocument> {
  get(id: string): Promise<S | LoginTransactionDocument | undefined>;
  put(doc: S | LoginTransactionDocument): Promise<void>;
  delete(id: string): Promise<void>;
}

export interface CookieSessionConfig {
  /** Signs the cookies (a secret setting, ≥ 32 characters). */
  secret: string;
  /** No request for this long ends the session. */
  idleSeconds: number;
  /** The session ends this long after sign-in, whatever the activity. */
  absoluteSeconds: number;
  /** The session's cookie and the sign-in transaction's (both `__Host-`). */
  cookie: string;
  loginCookie: string;
}

/** Hex SHA-256: how ids are stored. */
export function hashId(id: string): string {
  return createHash("sha256").update(id, "utf8").digest("hex");
}

function mac(secret: string, id: string): string {
  return createHmac("sha256", secret).update(id, "utf8").digest("base64url");
}

/** `id.mac`: what the cookie carries. */
export function signCookieValue(id: string, secret: string): string {
  return `${id}.${mac(secret, id)}`;
}

/** The id from a signed cookie value; undefined when the signature does not match (forged or another secret). */
export function verifyCookieValue(value: string | undefined, secret: string): string | undefined {
  if (!value) return undefined;
  const dot = value.indexOf(".");
  if (dot <= 0 || value.length > 200) return undefined;
  const id = value.slice(0, dot);
  if (!/^[A-Za-z0-9_-]{43}$/u.test(id)) return undefined;
  const given = Buffer.from(value.slice(dot + 1), "utf8");
  const expected = Buffer.from(mac(secret, id), "utf8");
  return given.length === expected.length && timingSafeEqual(given, expected) ? id : undefined;
}

/** One cookie's value from the request's `cookie` header. */
export function readCookie(request: RequestHeaders, name: string): string | undefined {
  const header = request.headers.get("cookie");
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() !== name) continue;
    const raw = part.slice(eq + 1).trim();
    try {
      return decodeURIComponent(raw);
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** Constant-time comparison of a form's CSRF field with the session's token. */
export function csrfTokenMatches(expected: string, submitted: string | null | undefined): boolean {
  if (typeof submitted !== "string" || submitted.length === 0) return false;
  const a = Buffer.from(expected, "utf8");
  const b = Buffer.from(submitted, "utf8");
  return a.length === b.length && timingSafeEqual(a, b);
}

export function makeCookieSessions<S extends SessionDocument>(
  deps: { sessions: SessionDocumentStore<S>; clock: Clock; random: Random },
  config: CookieSessionConfig,
) {
  const newId = (): string => Buffer.from(deps.random.bytes(32)).toString("base64url");
  const ttlFor = (seconds: number) => Math.max(60, Math.ceil(seconds) + 60);

  return {
    /** The session behind the request's cookie, within its times (its lastSeenAt moved on at most once a minute). */
    async resolve(request: RequestHeaders): Promise<{ id: string; doc: S } | undefined> {
      const id = verifyCookieValue(readCookie(request, config.cookie), config.secret);
      if (!id) return undefined;
      const doc = await deps.sessions.get(hashId(id));
      if (!doc || doc.type !== "session") return undefined;
      const now = deps.clock.now();
      const idleUntil = Date.parse(doc.lastSeenAt) + config.idleSeconds * 1000;
      if (now.getTime() >= Date.parse(doc.expiresAt) || now.getTime() >= idleUntil) {
        await deps.sessions.delete(doc.id);
        return undefined;
      }
      if (now.getTime() - Date.parse(doc.lastSeenAt) >= TOUCH_EVERY_MS) {
        const remaining = Math.min(config.idleSeconds, (Date.parse(doc.expiresAt) - now.getTime()) / 1000);
        await deps.sessions.put({ ...doc, lastSeenAt: now.toISOString(), ttl: ttlFor(remaining) });
      }
      return { id, doc };
    },

    /** A new session (a new id, whatever cookie came before: no session fixation); `who` adds who is signed in. */
    async start(
      lang: SessionLang,
      who: (base: SessionDocument) => S,
    ): Promise<{ id: string; doc: S; cookie: CookieToSet }> {
      const id = newId();
      const now = deps.clock.now();
      const doc = who({
        schemaVersion: 1,
        id: hashId(id),
        type: "session",
        csrfToken: newId(),
        lang,
        createdAt: now.toISOString(),
        lastSeenAt: now.toISOString(),
        expiresAt: new Date(now.getTime() + config.absoluteSeconds * 1000).toISOString(),
        ttl: ttlFor(config.idleSeconds),
      });
      await deps.sessions.put(doc);
      return { id, doc, cookie: { name: config.cookie, value: signCookieValue(id, config.secret) } };
    },

    /** Signs out: the session document is deleted and the cookie cleared. */
    async end(request: RequestHeaders): Promise<CookieToSet> {
      const id = verifyCookieValue(readCookie(request, config.cookie), config.secret);
      if (id) await deps.sessions.delete(hashId(id));
      return { name: config.cookie, value: "", maxAge: 0 };
    },

    /** Keeps an OIDC transaction for the callback; the login cookie names it. */
    async beginLogin(
      transaction: { state: string; nonce: string; codeVerifier: string },
      lang: SessionLang,
    ): Promise<CookieToSet> {
      const id = newId();
      const now = deps.clock.now();
      await deps.sessions.put({
        schemaVersion: 1,
        id: hashId(id),
        type: "login",
        ...transaction,
        lang,
        createdAt: now.toISOString(),
        expiresAt: new Date(now.getTime() + LOGIN_TRANSACTION_SECONDS * 1000).toISOString(),
        ttl: ttlFor(LOGIN_TRANSACTION_SECONDS),
      });
      return { name: config.loginCookie, value: signCookieValue(id, config.secret), maxAge: LOGIN_TRANSACTION_SECONDS };
    },

    /** The request's OIDC transaction, once: it is deleted as it is read. Undefined when missing, forged or stale. */
    async takeLogin(request: RequestHeaders): Promise<LoginTransactionDocument | undefined> {
      const id = verifyCookieValue(readCookie(request, config.loginCookie), config.secret);
      if (!id) return undefined;
      const doc = await deps.sessions.get(hashId(id));
      if (!doc || doc.type !== "login") return undefined;
      await deps.sessions.delete(doc.id);
      return deps.clock.now().getTime() < Date.parse(doc.expiresAt) ? doc : undefined;
    },
  };
}
