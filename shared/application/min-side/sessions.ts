/**
 * Min side's sessions (issue 15): the shared cookie sessions (`../cookie-sessions.ts`: a signed random id in the
 * cookie `__Host-minside` under `MINSIDE_SESSION_SECRET`, a server-side document with the CSRF token, an idle timeout
 * and an absolute lifetime, sign-out deleting it) holding who signed in: a person (BankID) or one case (KID + PIN).
 * A BankID sign-in under way sits behind `__Host-minside-login`, used once and valid for 10 minutes.
 */
import type { Clock } from "../../ports/clock";
import type { MinSideSessionStore, StoredMinSideLogin, StoredMinSideSession } from "../../ports/min-side-session-store";
import type { Random } from "../../ports/random";
import { hashId, makeCookieSessions, type CookieToSet } from "../cookie-sessions";
import type {
  MinSideActor,
  MinSideLang,
  MinSideSession,
  MinSideSubject,
  RequestHeaders,
  ResolveMinSideSession,
} from "./subject";

export {
  hashId,
  LOGIN_TRANSACTION_SECONDS,
  readCookie,
  signCookieValue,
  verifyCookieValue,
  type CookieToSet,
} from "../cookie-sessions";

export const MINSIDE_COOKIE = "__Host-minside";
export const MINSIDE_LOGIN_COOKIE = "__Host-minside-login";

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

/** The session as the actor of a debtor action: a hash that ties one sign-in's actions together, never the person. */
export function actorOf(session: MinSideSession): MinSideActor {
  return {
    kind: session.subject.kind === "person" ? "debtor-bankid" : "debtor-case-pin",
    sessionRef: hashId(`actor:${session.sessionId}`).slice(0, 32),
  };
}

function toSession(sessionId: string, doc: StoredMinSideSession): MinSideSession {
  const subject: MinSideSubject =
    doc.subject.kind === "person"
      ? { kind: "person", nationalId: doc.subject.nationalId }
      : { kind: "case", tenantId: doc.subject.tenantId, caseId: doc.subject.caseId };
  return { sessionId, subject, csrfToken: doc.csrfToken, lang: doc.lang };
}

/** Min side's sessions: the shared cookie sessions (cookie-sessions.ts) holding who signed in to Min side. */
export function makeMinSideSessions(deps: MinSideSessionDeps, config: MinSideSessionConfig) {
  const sessions = makeCookieSessions<StoredMinSideSession>(deps, {
    ...config,
    cookie: MINSIDE_COOKIE,
    loginCookie: MINSIDE_LOGIN_COOKIE,
  });

  const resolve: ResolveMinSideSession = async (request) => {
    const found = await sessions.resolve(request);
    return found ? toSession(found.id, found.doc) : undefined;
  };

  return {
    resolve,

    /** Signs a subject in: a new session (a new id, whatever cookie came before: no session fixation). */
    async start(subject: MinSideSubject, lang: MinSideLang): Promise<{ session: MinSideSession; cookie: CookieToSet }> {
      const { id, doc, cookie } = await sessions.start(lang, (base) => ({ ...base, subject }));
      return { session: toSession(id, doc), cookie };
    },

    /** Signs out: the session document is deleted and the cookie cleared. */
    end: (request: RequestHeaders): Promise<CookieToSet> => sessions.end(request),

    /** Keeps an OIDC transaction for the callback; the cookie names it. */
    beginLogin: (transaction: { state: string; nonce: string; codeVerifier: string }, lang: "nb" | "en") =>
      sessions.beginLogin(transaction, lang),

    /** The request's OIDC transaction, once: it is deleted as it is read. Undefined when missing, forged or stale. */
    takeLogin: (request: RequestHeaders): Promise<StoredMinSideLogin | undefined> => sessions.takeLogin(request),
  };
}

export type MinSideSessions = ReturnType<typeof makeMinSideSessions>;
