/**
 * Staff sessions (issue 16): the shared cookie sessions (`../cookie-sessions.ts`: a signed random id in the cookie
 * `__Host-portal` under `PORTAL_SESSION_SECRET`, a server-side document with the CSRF token, an idle timeout and an
 * absolute lifetime, sign-out deleting it) holding the staff identity. A sign-in under way sits behind
 * `__Host-portal-login`, used once, valid for 10 minutes.
 */
import type { Clock } from "../../ports/clock";
import type { Random } from "../../ports/random";
import type { StaffSessionStore, StoredStaffLogin, StoredStaffSession } from "../../ports/staff-session-store";
import { csrfTokenMatches, makeCookieSessions, type CookieToSet, type RequestHeaders } from "../cookie-sessions";
import type { Staff } from "./access";

export const PORTAL_COOKIE = "__Host-portal";
export const PORTAL_LOGIN_COOKIE = "__Host-portal-login";

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
  const sessions = makeCookieSessions<StoredStaffSession>(deps, {
    ...config,
    cookie: PORTAL_COOKIE,
    loginCookie: PORTAL_LOGIN_COOKIE,
  });

  return {
    async resolve(request: RequestHeaders): Promise<StaffSession | undefined> {
      const found = await sessions.resolve(request);
      return found ? toSession(found.id, found.doc) : undefined;
    },

    /** A new session (a new id whatever came before: no session fixation). */
    async start(staff: Staff, lang: PortalLang): Promise<{ session: StaffSession; cookie: CookieToSet }> {
      const { id, doc, cookie } = await sessions.start(lang, (base) => ({
        ...base,
        staff: {
          subject: staff.subject,
          displayName: staff.displayName,
          roles: [...staff.roles],
          ...(staff.creditorTenantId ? { creditorTenantId: staff.creditorTenantId } : {}),
        },
      }));
      return { session: toSession(id, doc), cookie };
    },

    end: (request: RequestHeaders): Promise<CookieToSet> => sessions.end(request),
    beginLogin: (transaction: { state: string; nonce: string; codeVerifier: string }, lang: "nb" | "en") =>
      sessions.beginLogin(transaction, lang),
    takeLogin: (request: RequestHeaders): Promise<StoredStaffLogin | undefined> => sessions.takeLogin(request),
  };
}

export type StaffSessions = ReturnType<typeof makeStaffSessions>;

/** Does a form's CSRF token match the session's (constant time)? */
export function staffCsrfMatches(session: StaffSession, submitted: string | null | undefined): boolean {
  return csrfTokenMatches(session.csrfToken, submitted);
}
