/**
 * What a creditor's letters print about it beyond its name and organisation number: the postal address, how debtors
 * reach it, and the account payments go to (the case's KID identifies the payment). Each tenant may carry its own;
 * the platform's LETTERHEAD setting is the default for one that does not.
 */
import { z } from "zod";
import { NorwegianAccount } from "./identifiers/bank-account";

const Text = z.string().trim().min(1).max(200);

export const PostalAddress = z.object({
  /** Street and any c/o lines, at most three so the address fits an envelope window. */
  lines: z.array(Text.max(60)).min(1).max(3),
  postalCode: z.string().trim().min(1).max(10),
  city: Text.max(40),
  /** Printed only when given (for addresses abroad). */
  country: Text.max(40).optional(),
});
export type PostalAddress = z.infer<typeof PostalAddress>;

export const CreditorContact = z
  .object({
    phone: Text.max(30).optional(),
    email: z.email().optional(),
    web: Text.max(80).optional(),
  })
  .refine((c) => c.phone !== undefined || c.email !== undefined || c.web !== undefined, {
    message: "the creditor needs at least one way to be contacted (phone, e-mail or web)",
  });
export type CreditorContact = z.infer<typeof CreditorContact>;

export const Letterhead = z.object({
  address: PostalAddress,
  accountNumber: NorwegianAccount,
  contact: CreditorContact,
});
export type Letterhead = z.infer<typeof Letterhead>;
