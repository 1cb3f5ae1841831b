/**
 * Powers of attorney on Min side (issue 15): a debtor signed in with BankID (the grantor) lets another person (the
 * grantee: a debt adviser, a relative) see — `read` — or also act on — `act` — all of the grantor's claims or chosen
 * ones, for a period. One document per grant.
 *
 * The grantee's national id is never stored: only `granteeRef`, an HMAC of it under a settings secret (like the PIN),
 * which is how a grantee's sign-in finds the grants it holds (the partition key: one single-partition query). The
 * grantor's national id is kept, as a session keeps it: it finds the grantor's claims ("all claims", later ones too).
 * Neither ever leaves the server: pages show the names the grantor typed or the creditor sent, and the actor recorded
 * for an attorney's action is the session's hash and the grant's id.
 */
import { z } from "zod";
import { LocalDate } from "../domain/calendar";

export const AttorneyScope = z.enum(["read", "act"]);
export type AttorneyScope = z.infer<typeof AttorneyScope>;

const Hex64 = z.string().regex(/^[a-f0-9]{64}$/u);

export const AttorneyCaseRef = z.object({ tenantId: z.string().min(1).max(100), caseId: z.string().min(1).max(100) });
export type AttorneyCaseRef = z.infer<typeof AttorneyCaseRef>;

export const StoredPowerOfAttorney = z.object({
  schemaVersion: z.literal(1),
  /** Random (hex), the grant's reference on timelines and webhooks. */
  id: z.string().regex(/^poa-[a-f0-9]{24}$/u),
  /** HMAC-SHA256 (hex) of the grantee's national id: the partition key. */
  granteeRef: Hex64,
  /** HMAC-SHA256 (hex) of the grantor's national id: the grantor's list of grants given. */
  grantorRef: Hex64,
  grantorNationalId: z.string().regex(/^[0-9]{11}$/u),
  /** As on the grantor's claims (what the creditor sent). */
  grantorName: z.string().min(1).max(200),
  /** As the grantor typed it. */
  granteeName: z.string().min(1).max(200),
  scope: AttorneyScope,
  /** "all": every claim of the grantor's, those that come later too; else the chosen ones. */
  cases: z.union([z.literal("all"), z.array(AttorneyCaseRef).min(1).max(100)]),
  validFrom: LocalDate,
  /** The last day it holds (inclusive, Europe/Oslo). */
  validUntil: LocalDate,
  createdAt: z.string(),
  updatedAt: z.string(),
  revokedAt: z.string().optional(),
});
export type StoredPowerOfAttorney = z.infer<typeof StoredPowerOfAttorney>;

export interface PowerOfAttorneyStore {
  /** Creates or replaces. */
  put(grant: StoredPowerOfAttorney): Promise<void>;
  /** The grants a person holds (every state: the caller checks revocation and dates against its clock). */
  listByGrantee(granteeRef: string): Promise<StoredPowerOfAttorney[]>;
  /** The grants a person has given (every state). */
  listByGrantor(grantorRef: string): Promise<StoredPowerOfAttorney[]>;
}
