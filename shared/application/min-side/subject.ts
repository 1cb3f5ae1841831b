/**
 * Min side (issue 15): who is signed in, and what they may see. The contract between the sign-in layer (sessions,
 * OIDC with BankID, case number + PIN — it resolves a request's cookie into a `MinSideSession`) and the pages and
 * actions built on it (they receive the session and never read cookies themselves).
 *
 * - A **person** signed in with BankID through OpenID Connect: every case, of every creditor, whose customer carries
 *   the national id from the ID token.
 * - A **case** signed in with the case number and PIN printed on its letters: that one case only.
 *
 * The national id lives in the session on the server side only: never in a URL, a cookie value, a log line or a page's
 * markup beyond what the person already typed.
 */
import { timingSafeEqual } from "node:crypto";
import type { CaseRecord } from "../../ports/case-store";

export type MinSideSubject =
  { kind: "person"; nationalId: string } | { kind: "case"; tenantId: string; caseId: string };

export type MinSideLang = "nb" | "en";

export interface MinSideSession {
  /** Opaque, random; the cookie carries it (signed). Safe to log as a hash only. */
  sessionId: string;
  subject: MinSideSubject;
  /** The token every form must echo (`<input type="hidden" name="csrf">`); checked with `csrfMatches`. */
  csrfToken: string;
  lang: MinSideLang;
}

/** Just enough of a request to read its cookies and headers (Azure Functions' HttpRequest has it). */
export interface RequestHeaders {
  headers: { get(name: string): string | null };
}

/** Resolves a request's session cookie: undefined when absent, forged, expired or idle too long (→ sign-in). */
export type ResolveMinSideSession = (request: RequestHeaders) => Promise<MinSideSession | undefined>;

/** Who did a debtor action, for the case's timeline and the creditor's webhook: never the national id itself. */
export interface MinSideActor {
  kind: "debtor-bankid" | "debtor-case-pin";
  /** The session's id hashed: ties the actions of one sign-in together without naming the person. */
  sessionRef: string;
}

/** Whether the signed-in subject may see (and act on) this case: the rule every Min side page and action applies. */
export function mayAccessCase(
  subject: MinSideSubject,
  record: Pick<CaseRecord, "tenantId" | "caseId" | "customer">,
): boolean {
  if (subject.kind === "case") return record.tenantId === subject.tenantId && record.caseId === subject.caseId;
  const nid = record.customer.nationalId;
  return nid !== undefined && nid.length > 0 && nid === subject.nationalId;
}

/** Constant-time comparison of a form's CSRF field with the session's token. */
export function csrfMatches(session: MinSideSession, submitted: string | null | undefined): boolean {
  if (typeof submitted !== "string" || submitted.length === 0) return false;
  const a = Buffer.from(session.csrfToken, "utf8");
  const b = Buffer.from(submitted, "utf8");
  return a.length === b.length && timingSafeEqual(a, b);
}
