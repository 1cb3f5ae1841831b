/**
 * Min side (issue 15): who is signed in, and what they may see. The contract between the sign-in layer (sessions,
 * OIDC with BankID, case number + PIN — it resolves a request's cookie into a `MinSideSession`) and the pages and
 * actions built on it (they receive the session and never read cookies themselves).
 *
 * - A **person** signed in with BankID through OpenID Connect: every case, of every creditor, whose customer carries
 *   the national id from the ID token.
 * - A **case** signed in with the case number and PIN printed on its letters: that one case only.
 * - A person signed in with BankID also reaches the claims of those who gave them a power of attorney
 *   (`/min-side/fullmakter`): `read` sees them, `act` may also act on them (`caseAccess`, `mayActOnCase`).
 *
 * The national id lives in the session on the server side only: never in a URL, a cookie value, a log line or a page's
 * markup beyond what the person already typed.
 */
import { csrfTokenMatches, type RequestHeaders } from "../cookie-sessions";
import type { CaseRecord } from "../../ports/case-store";

export type MinSideSubject =
  | {
      kind: "person";
      nationalId: string;
      /**
       * The powers of attorney this person holds NOW (unrevoked, within their dates on the clock port): set for each
       * request by the session resolver (power-of-attorney.ts `withHeldGrants`), never stored in the session.
       */
      held?: readonly HeldGrant[];
    }
  | { kind: "case"; tenantId: string; caseId: string };

/** A power of attorney as the grantee's request holds it (never the grantee's own national id). */
export interface HeldGrant {
  grantId: string;
  grantorNationalId: string;
  grantorName: string;
  scope: "read" | "act";
  cases: "all" | ReadonlyArray<{ tenantId: string; caseId: string }>;
  /** The first and the last day it holds (Oslo). */
  validFrom: string;
  validUntil: string;
}

export type MinSideLang = "nb" | "en";

export interface MinSideSession {
  /** Opaque, random; the cookie carries it (signed). Safe to log as a hash only. */
  sessionId: string;
  subject: MinSideSubject;
  /** The token every form must echo (`<input type="hidden" name="csrf">`); checked with `csrfMatches`. */
  csrfToken: string;
  lang: MinSideLang;
}

export type { RequestHeaders } from "../cookie-sessions";

/** Resolves a request's session cookie: undefined when absent, forged, expired or idle too long (→ sign-in). */
export type ResolveMinSideSession = (request: RequestHeaders) => Promise<MinSideSession | undefined>;

/** Who did a debtor action, for the case's timeline and the creditor's webhook: never the national id itself. */
export interface MinSideActor {
  kind: "debtor-bankid" | "debtor-case-pin" | "debtor-attorney";
  /** The session's id hashed: ties the actions of one sign-in together without naming the person. */
  sessionRef: string;
  /** `debtor-attorney`: the power of attorney the person acted under (its id, never a national id). */
  grantRef?: string;
}

/** How the subject reaches a case: its own, or through a power of attorney it holds (read or act). */
export type CaseAccess = { kind: "own" } | { kind: "attorney"; grant: HeldGrant };

/**
 * How the signed-in subject may reach this case, or undefined: the ONE rule every Min side page and action applies.
 * Own cases first (a person's national id on the case, or the one case of a PIN sign-in); then a held power of
 * attorney whose grantor is the case's debtor and which covers it (all claims or this one).
 */
export function caseAccess(
  subject: MinSideSubject,
  record: Pick<CaseRecord, "tenantId" | "caseId" | "customer">,
): CaseAccess | undefined {
  if (subject.kind === "case")
    return record.tenantId === subject.tenantId && record.caseId === subject.caseId ? { kind: "own" } : undefined;
  const nid = record.customer.nationalId;
  if (nid === undefined || nid.length === 0) return undefined;
  if (nid === subject.nationalId) return { kind: "own" };
  const covering = (subject.held ?? []).filter(
    (g) =>
      g.grantorNationalId === nid &&
      (g.cases === "all" || g.cases.some((c) => c.tenantId === record.tenantId && c.caseId === record.caseId)),
  );
  const grant = covering.find((g) => g.scope === "act") ?? covering[0];
  return grant ? { kind: "attorney", grant } : undefined;
}

/** Whether the signed-in subject may see this case (own, or any power of attorney for it). */
export function mayAccessCase(
  subject: MinSideSubject,
  record: Pick<CaseRecord, "tenantId" | "caseId" | "customer">,
): boolean {
  return caseAccess(subject, record) !== undefined;
}

/** Whether the subject may act on this case (pay, deferral, plan, dispute, "I have paid"): own, or `act` scope. */
export function mayActOnCase(
  subject: MinSideSubject,
  record: Pick<CaseRecord, "tenantId" | "caseId" | "customer">,
): boolean {
  const access = caseAccess(subject, record);
  return access !== undefined && (access.kind === "own" || access.grant.scope === "act");
}

/** Constant-time comparison of a form's CSRF field with the session's token. */
export function csrfMatches(session: MinSideSession, submitted: string | null | undefined): boolean {
  return csrfTokenMatches(session.csrfToken, submitted);
}
