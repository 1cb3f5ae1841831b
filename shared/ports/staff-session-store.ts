/**
 * The creditor portal's and customer-service console's server-side staff sessions (issue 16): one document per
 * signed-in browser and one per sign-in under way, by the SHA-256 of the random id the cookie carries (container
 * `staff-sessions`). The same shape of document as Min side's, holding a staff identity instead of a person.
 */
import { z } from "zod";
import { StoredLoginTransaction } from "./login-transaction";
import { STAFF_ROLES } from "./staff-identity-provider";

export const StoredStaff = z.object({
  subject: z.string().min(1).max(200),
  displayName: z.string().max(200),
  roles: z.array(z.enum(STAFF_ROLES)),
  creditorTenantId: z.string().min(1).max(100).optional(),
});
export type StoredStaff = z.infer<typeof StoredStaff>;

export const StoredStaffSession = z.object({
  schemaVersion: z.literal(1),
  id: z.string().regex(/^[a-f0-9]{64}$/u),
  type: z.literal("session"),
  staff: StoredStaff,
  csrfToken: z.string().min(16),
  lang: z.enum(["nb", "en"]),
  createdAt: z.string(),
  lastSeenAt: z.string(),
  expiresAt: z.string(),
  ttl: z.number().int().positive(),
});
export type StoredStaffSession = z.infer<typeof StoredStaffSession>;

export const StoredStaffLogin = StoredLoginTransaction;
export type StoredStaffLogin = z.infer<typeof StoredStaffLogin>;

export const StoredStaffDocument = z.discriminatedUnion("type", [StoredStaffSession, StoredStaffLogin]);
export type StoredStaffDocument = z.infer<typeof StoredStaffDocument>;

export interface StaffSessionStore {
  get(id: string): Promise<StoredStaffDocument | undefined>;
  put(doc: StoredStaffDocument): Promise<void>;
  delete(id: string): Promise<void>;
}
