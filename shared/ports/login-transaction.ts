/**
 * An OpenID Connect sign-in under way (Min side's BankID, the portal's staff sign-in): what the callback must find
 * again — state, nonce, PKCE verifier — stored by the SHA-256 of the random id its cookie carries, used once. Never
 * who is signing in: nobody is known yet.
 */
import { z } from "zod";

export const StoredLoginTransaction = z.object({
  schemaVersion: z.literal(1),
  id: z.string().regex(/^[a-f0-9]{64}$/u),
  type: z.literal("login"),
  state: z.string().min(16),
  nonce: z.string().min(16),
  codeVerifier: z.string().min(43),
  lang: z.enum(["nb", "en"]),
  createdAt: z.string(),
  expiresAt: z.string(),
  ttl: z.number().int().positive(),
});
export type StoredLoginTransaction = z.infer<typeof StoredLoginTransaction>;
