import { z } from "zod";

/** A short pay link `/p/{token}`: only the token's SHA-256 is stored; the token itself (≥ 128 random bits) is in the SMS. */
export const PayLink = z.object({
  tokenHash: z.string(),
  tenantId: z.string(),
  caseIds: z.array(z.string()),
  createdAt: z.string(),
  expiresAt: z.string(),
});
export type PayLink = z.infer<typeof PayLink>;

export interface PayLinkStore {
  put(link: PayLink): Promise<void>;
  /**
   * Several links at once (a batch of invoices), each as `put` would store it, in as few requests as the store
   * allows. Rejects when any could not be stored (the others may have been: `put` again is harmless).
   */
  putMany(links: readonly PayLink[]): Promise<void>;
  /** Undefined when unknown; expiry is the caller's decision (it knows the time). */
  get(tokenHash: string): Promise<PayLink | undefined>;
}
