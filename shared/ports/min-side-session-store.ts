/**
 * Min side's server-side sessions (issue 15): one small document per signed-in browser, and one per BankID sign-in
 * under way (the OpenID Connect transaction: state, nonce, PKCE verifier). Stored by the SHA-256 of the random id the
 * cookie carries, so what is stored cannot be turned back into a cookie. The subject (the national id of a person
 * signed in with BankID) lives here, on the server side only.
 */
import { z } from "zod";
import { StoredLoginTransaction } from "./login-transaction";

export const StoredMinSideSubject = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("person"), nationalId: z.string().regex(/^[0-9]{11}$/u) }),
  z.object({ kind: z.literal("case"), tenantId: z.string().min(1), caseId: z.string().min(1) }),
]);

export const StoredMinSideSession = z.object({
  schemaVersion: z.literal(1),
  /** Hex SHA-256 of the session id (the cookie's id). */
  id: z.string().regex(/^[a-f0-9]{64}$/u),
  type: z.literal("session"),
  subject: StoredMinSideSubject,
  csrfToken: z.string().min(16),
  lang: z.enum(["nb", "en"]),
  createdAt: z.string(),
  /** The last request seen (written at most once a minute): the idle timeout counts from it. */
  lastSeenAt: z.string(),
  /** The absolute end, whatever the activity. */
  expiresAt: z.string(),
  /** Seconds Cosmos keeps the document after its last write (the store's clean-up; expiry is checked on read). */
  ttl: z.number().int().positive(),
});
export type StoredMinSideSession = z.infer<typeof StoredMinSideSession>;

/** A BankID sign-in under way: what the callback must find again (never the national id: there is none yet). */
export const StoredMinSideLogin = StoredLoginTransaction;
export type StoredMinSideLogin = z.infer<typeof StoredMinSideLogin>;

export const StoredMinSideDocument = z.discriminatedUnion("type", [StoredMinSideSession, StoredMinSideLogin]);
export type StoredMinSideDocument = z.infer<typeof StoredMinSideDocument>;

export interface MinSideSessionStore {
  get(id: string): Promise<StoredMinSideDocument | undefined>;
  /** Creates or replaces. */
  put(doc: StoredMinSideDocument): Promise<void>;
  /** Gone already is no error. */
  delete(id: string): Promise<void>;
}
