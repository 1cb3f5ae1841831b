import { z } from "zod";

/** A short pay link `/p/{token}`: only the token's SHA-256 is stored; the token itself (≥ 128 random bits) is in the SMS. */
export const PayLink = z.object({
  tokenHash: z.string(),
  tenantId: z.string(),
  caseIds: z.array(z.string()),
  createdAt: z.string(),
  expiresAt: z.string(),
  /** The ladder step whose message carried this link (the KPI funnel: "pay page opened" per message). */
  issuedBy: z.object({ caseId: z.string(), stepKey: z.string(), step: z.string(), channel: z.string() }).optional(),
  /** When the link was first opened (set once, by the first view; later views write nothing). */
  openedAt: z.string().optional(),
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
  /** Records the link's first open (`openedAt`). Optional: a store without it (a test's literal port) counts no opens. */
  markOpened?(tokenHash: string, at: string): Promise<void>;
}
