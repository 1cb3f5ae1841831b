/**
 * The `LETTERHEAD` setting: JSON `{ name?, address: { lines, postalCode, city }, accountNumber, contact: { phone?,
 * email?, web? } }` — the sender block printed on letters, and the agency running the platform: the pay pages and
 * receipts show its contact details under its `name` (optional) beside the creditor's. Without it letters are not produced (letter steps wait and say
 * so). A value that does not parse fails the start, naming the setting and never echoing its value.
 */
import { z } from "zod";
import { Letterhead } from "../letters/letter-model";

/** The platform's letterhead: a creditor's letterhead plus, optionally, the agency's name as debtors know it. */
export const PlatformLetterhead = Letterhead.extend({ name: z.string().trim().min(1).max(100).optional() });
export type PlatformLetterhead = z.infer<typeof PlatformLetterhead>;

export function letterheadFrom(raw: string | undefined): PlatformLetterhead | undefined {
  if (raw === undefined || raw.trim() === "") return undefined;
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new Error("Invalid settings: LETTERHEAD is not valid JSON");
  }
  const parsed = PlatformLetterhead.safeParse(json);
  if (!parsed.success) {
    throw new Error(
      `Invalid settings: LETTERHEAD: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
    );
  }
  return parsed.data;
}
