/**
 * The `LETTERHEAD` setting: JSON `{ address: { lines, postalCode, city }, accountNumber, contact: { phone?, email?,
 * web? } }` — the sender block printed on letters. Without it letters are not produced (letter steps wait and say
 * so). A value that does not parse fails the start, naming the setting and never echoing its value.
 */
import { z } from "zod";
import type { Letterhead } from "../application/execute-step";
import { NorwegianAccount } from "../domain/identifiers/bank-account";
import { CreditorContact, PostalAddress } from "../letters/letter-model";

const LetterheadSetting = z.object({ address: PostalAddress, accountNumber: NorwegianAccount, contact: CreditorContact });

export function letterheadFrom(raw: string | undefined): Letterhead | undefined {
  if (raw === undefined || raw.trim() === "") return undefined;
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new Error("Invalid settings: LETTERHEAD is not valid JSON");
  }
  const parsed = LetterheadSetting.safeParse(json);
  if (!parsed.success) {
    throw new Error(`Invalid settings: LETTERHEAD: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  }
  return parsed.data;
}
