/** A short pay link `/p/{token}`: only the token's SHA-256 is stored; the token itself (≥ 128 random bits) is in the SMS. */
export interface PayLink {
  tokenHash: string;
  tenantId: string;
  caseIds: string[];
  createdAt: string;
  expiresAt: string;
}

export interface PayLinkStore {
  put(link: PayLink): Promise<void>;
  /** Undefined when unknown; expiry is the caller's decision (it knows the time). */
  get(tokenHash: string): Promise<PayLink | undefined>;
}
