/**
 * Staff sessions (issue 16), the twin of Min side's (`min-side/sessions.ts`): a random 256-bit id in the cookie
 * `__Host-portal`, signed with `PORTAL_SESSION_SECRET` (HMAC-SHA256), and a server-side document found by the id's
 * SHA-256 holding the staff identity, the CSRF token every form echoes, the language and the times (idle timeout,
 * absolute lifetime). A missing, forged, unknown, expired or idle cookie resolves to nothing: the pages send the
 * browser to sign-in. Signing out deletes the document. A sign-in under way is a document of its own behind
 * `__Host-portal-login`, used once, valid for 10 minutes.
 */
import { timingSafeEqual } from "node:crypto";
import type { Clock } from "../../ports/clock";
import type { Random } from "../../ports/random";
import type { StaffSessionStore, StoredStaffLogin, StoredStaffSession } from "../../ports/staff-session-store";
import {
  hashId,
  LOGIN_TRANSACTION_SECONDS,
  readCookie,
  signCookieValue,
  verifyCookieValue,
  type CookieToSet,
} from "../min-side/sessions";
import type { RequestHeaders } from "../min-side/subject";
import type { Staff } from "./access";

export const PORTAL_COOKIE = "__Host-portal";
export const PORTAL_LOGIN_COOKIE = "__Host-portal-login";
const TOUCH_EVERY_MS = 60_000;

export type PortalLang = "nb" | "en";

export interface StaffSession {
  sessionId: string;
  staff: Staff;
  csrfToken: string;
  lang: PortalLang;
}

export interface StaffSessionConfig {
  secret: string;
  idleSeconds: number;
  absoluteSeconds: number;
}

export interface StaffSessionDeps {
  sessions: StaffSessionStore;
  clock: Clock;
  random: Random;
}

function toSession(sessionId: string, doc: StoredStaffSession): StaffSession {
  return {
    sessionId,
    staff: {
      subject: doc.staff.subject,
      displayName: doc.staff.displayName,
      roles: doc.staff.roles,
      ...(doc.staff.creditorTenantId ? { creditorTenantId: doc.staff.creditorTenantId } : {}),
    },
    csrfToken: doc.csrfToken,
    lang: doc.lang,
  };
}

export function makeStaffSessions(deps: StaffSessionDeps, config: StaffSessionConfig) {
  const newId = (): string => Buffer.from(deps.random.bytes(32)).toString("base64url");
  const ttlFor = (seconds: number) => Math.max(60, Math.ceil(seconds) + 60);

  return {
    async resolve(request: RequestHeaders): Promise<StaffSession | undefined> {
      const id = verifyCookieValue(readCookie(request, PORTAL_COOKIE), config.secret);
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
      return toSession(id, doc);
    },

    /** A new session (a new id whatever came before: no session fixation). */
    async start(staff: Staff, lang: PortalLang): Promise<{ session: StaffSession; cookie: CookieToSet }> {
      const id = newId();
      const now = deps.clock.now();
      const doc: StoredStaffSession = {
        schemaVersion: 1,
        id: hashId(id),
        type: "session",
        staff: {
          subject: staff.subject,
          displayName: staff.displayName,
          roles: [...staff.roles],
          ...(staff.creditorTenantId ? { creditorTenantId: staff.creditorTenantId } : {}),
        },
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
        cookie: { name: PORTAL_COOKIE, value: signCookieValue(id, config.secret) },
      };
    },

    async end(request: RequestHeaders): Promise<CookieToSet> {
      const id = verifyCookieValue(readCookie(request, PORTAL_COOKIE), config.secret);
      if (id) await deps.sessions.delete(hashId(id));
      return { name: PORTAL_COOKIE, value: "", maxAge: 0 };
    },

    async beginLogin(
      transaction: { state: string; nonce: string; codeVerifier: string },
      lang: PortalLang,
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
        name: PORTAL_LOGIN_COOKIE,
        value: signCookieValue(id, config.secret),
        maxAge: LOGIN_TRANSACTION_SECONDS,
      };
    },

    async takeLogin(request: RequestHeaders): Promise<StoredStaffLogin | undefined> {
      const id = verifyCookieValue(readCookie(request, PORTAL_LOGIN_COOKIE), config.secret);
      if (!id) return undefined;
      const doc = await deps.sessions.get(hashId(id));
      if (!doc || doc.type !== "login") return undefined;
      await deps.sessions.delete(doc.id);
      return deps.clock.now().getTime() < Date.parse(doc.expiresAt) ? doc : undefined;
    },
  };
}

export type StaffSessions = ReturnType<typeof makeStaffSessions>;

/** Does a form's CSRF token match the session's (constant time)? */
export function staffCsrfMatches(session: StaffSession, submitted: string | null | undefined): boolean {
  if (typeof submitted !== "string" || submitted.length === 0) return false;
  const a = Buffer.from(session.csrfToken, "utf8");
  const b = Buffer.from(submitted, "utf8");
  return a.length === b.length && timingSafeEqual(a, b);
}
