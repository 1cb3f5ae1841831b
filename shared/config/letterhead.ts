/**
 * The `LETTERHEAD` setting: JSON `{ address: { lines, postalCode, city }, accountNumber, contact: { phone?, email?,
 * web? } }` — the sender block printed on letters. Without it letters are not produced (letter steps wait and say
 * so). A value that does not parse fails the start, naming the setting and never echoing its value.
 */
import { Letterhead } from "../letters/letter-model";

export function letterheadFrom(raw: string | undefined): Letterhead | undefined {
  if (raw === undefined || raw.trim() === "") return undefined;
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new Error("Invalid settings: LETTERHEAD is not valid JSON");
  }
  const parsed = Letterhead.safeParse(json);
  if (!parsed.success) {
    throw new Error(
      `Invalid settings: LETTERHEAD: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
    );
  }
  return parsed.data;
}
