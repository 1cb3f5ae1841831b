/**
 * Min side's sessions (issue 15): a random session id (256 bits) in the cookie `__Host-minside`, signed with the
 * `MINSIDE_SESSION_SECRET` (HMAC-SHA256), and a server-side document found by the id's SHA-256. The document holds
 * who is signed in, the CSRF token every form echoes, the language, and the times: an idle timeout (no request for
 * `idleSeconds`) and an absolute lifetime (`absoluteSeconds` after sign-in). A cookie that is missing, forged
 * (bad signature), unknown, expired or idle too long resolves to nothing: the pages send the browser to sign-in and
 * say nothing more. Signing out deletes the document, so the cookie is dead even if it was copied.
 *
 * A BankID sign-in under way is a document of its own (the OIDC state, nonce and PKCE verifier), behind the cookie
 * `__Host-minside-login`, used once and valid for 10 minutes.
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { Clock } from "../../ports/clock";
import type { MinSideSessionStore, StoredMinSideLogin, StoredMinSideSession } from "../../ports/min-side-session-store";
import type { Random } from "../../ports/random";
import type {
  MinSideActor,
  MinSideLang,
  MinSideSession,
  MinSideSubject,
  RequestHeaders,
  ResolveMinSideSession,
} from "./subject";

export const MINSIDE_COOKIE = "__Host-minside";
export const MINSIDE_LOGIN_COOKIE = "__Host-minside-login";
/** How long a BankID sign-in may take from the button to the callback. */
export const LOGIN_TRANSACTION_SECONDS = 600;
/** lastSeenAt is written at most this often (a write per request would double the cost of every page). */
const TOUCH_EVERY_MS = 60_000;

export interface MinSideSessionConfig {
  /** `MINSIDE_SESSION_SECRET`: signs the cookie. */
  secret: string;
  /** No request for this long ends the session (default 15 minutes). */
  idleSeconds: number;
  /** The session ends this long after sign-in, whatever the activity. */
  absoluteSeconds: number;
}

export interface MinSideSessionDeps {
  sessions: MinSideSessionStore;
  clock: Clock;
  random: Random;
}

/** A cookie to set (the HTTP layer adds Path=/, Secure, HttpOnly, SameSite=Lax: `__Host-` requires them). */
export interface CookieToSet {
  name: string;
  value: string;
  /** 0 clears it; absent: a browser-session cookie. */
  maxAge?: number;
}

/** Hex SHA-256: how ids are stored. */
export function hashId(id: string): string {
  return createHash("sha256").update(id, "utf8").digest("hex");
}

/** The session as the actor of a debtor action: a hash that ties one sign-in's actions together, never the person. */
export function actorOf(session: MinSideSession): MinSideActor {
  return {
    kind: session.subject.kind === "person" ? "debtor-bankid" : "debtor-case-pin",
    sessionRef: hashId(`actor:${session.sessionId}`).slice(0, 32),
  };
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

function toSession(sessionId: string, doc: StoredMinSideSession): MinSideSession {
  const subject: MinSideSubject =
    doc.subject.kind === "person"
      ? { kind: "person", nationalId: doc.subject.nationalId }
      : { kind: "case", tenantId: doc.subject.tenantId, caseId: doc.subject.caseId };
  return { sessionId, subject, csrfToken: doc.csrfToken, lang: doc.lang };
}

export function makeMinSideSessions(deps: MinSideSessionDeps, config: MinSideSessionConfig) {
  const newId = (): string => Buffer.from(deps.random.bytes(32)).toString("base64url");
  const ttlFor = (seconds: number) => Math.max(60, Math.ceil(seconds) + 60);

  /** The stored document behind the request's cookie, when the signature holds and it is within its times. */
  async function lookup(request: RequestHeaders): Promise<{ id: string; doc: StoredMinSideSession } | undefined> {
    const id = verifyCookieValue(readCookie(request, MINSIDE_COOKIE), config.secret);
    if (!id) return undefined;
    const doc = await deps.sessions.get(hashId(id));
    if (!doc || doc.type !== "session") return undefined;
    const now = deps.clock.now().getTime();
    const idleUntil = Date.parse(doc.lastSeenAt) + config.idleSeconds * 1000;
    if (now >= Date.parse(doc.expiresAt) || now >= idleUntil) {
      await deps.sessions.delete(doc.id);
      return undefined;
    }
    return { id, doc };
  }

  const resolve: ResolveMinSideSession = async (request) => {
    const found = await lookup(request);
    if (!found) return undefined;
    const { id, doc } = found;
    const now = deps.clock.now();
    if (now.getTime() - Date.parse(doc.lastSeenAt) >= TOUCH_EVERY_MS) {
      const remaining = Math.min(config.idleSeconds, (Date.parse(doc.expiresAt) - now.getTime()) / 1000);
      await deps.sessions.put({ ...doc, lastSeenAt: now.toISOString(), ttl: ttlFor(remaining) });
    }
    return toSession(id, doc);
  };

  return {
    resolve,

    /** Signs a subject in: a new session (a new id, whatever cookie came before: no session fixation). */
    async start(subject: MinSideSubject, lang: MinSideLang): Promise<{ session: MinSideSession; cookie: CookieToSet }> {
      const id = newId();
      const now = deps.clock.now();
      const doc: StoredMinSideSession = {
        schemaVersion: 1,
        id: hashId(id),
        type: "session",
        subject,
        csrfToken: newId(),
        lang,
        createdAt: now.toISOString(),
        lastSeenAt: now.toISOString(),
        expiresAt: new Date(now.getTime() + config.absoluteSeconds * 1000).toISOString(),
        ttl: ttlFor(config.idleSeconds),
      };
      await deps.sessions.put(doc);
      return {
        session: toSession(id, doc),
        cookie: { name: MINSIDE_COOKIE, value: signCookieValue(id, config.secret) },
      };
    },

    /** Signs out: the session document is deleted and the cookie cleared. */
    async end(request: RequestHeaders): Promise<CookieToSet> {
      const id = verifyCookieValue(readCookie(request, MINSIDE_COOKIE), config.secret);
      if (id) await deps.sessions.delete(hashId(id));
      return { name: MINSIDE_COOKIE, value: "", maxAge: 0 };
    },

    /** Keeps an OIDC transaction for the callback; the cookie names it. */
    async beginLogin(
      transaction: { state: string; nonce: string; codeVerifier: string },
      lang: MinSideLang,
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
      return {
        name: MINSIDE_LOGIN_COOKIE,
        value: signCookieValue(id, config.secret),
        maxAge: LOGIN_TRANSACTION_SECONDS,
      };
    },

    /** The request's OIDC transaction, once: it is deleted as it is read. Undefined when missing, forged or stale. */
    async takeLogin(request: RequestHeaders): Promise<StoredMinSideLogin | undefined> {
      const id = verifyCookieValue(readCookie(request, MINSIDE_LOGIN_COOKIE), config.secret);
      if (!id) return undefined;
      const doc = await deps.sessions.get(hashId(id));
      if (!doc || doc.type !== "login") return undefined;
      await deps.sessions.delete(doc.id);
      return deps.clock.now().getTime() < Date.parse(doc.expiresAt) ? doc : undefined;
    },
  };
}

export type MinSideSessions = ReturnType<typeof makeMinSideSessions>;
