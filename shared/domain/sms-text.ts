/**
 * SMS text that stays in the GSM 03.38 (7-bit) alphabet. One character outside it — typically a no-break space or a
 * Unicode minus that number formatting inserts — turns the whole message into UCS-2, where a segment holds 70
 * characters instead of 160: a friendly reminder of 150 characters then costs three SMS instead of one.
 * Norwegian, Danish and Swedish letters (æ ø å Æ Ø Å ä ö Ä Ö é) are in the 7-bit alphabet and stay as they are.
 */

const GSM7_BASIC =
  "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u001BÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
const GSM7_EXTENDED = "^{}\\[~]|€\f";

/** Typographic characters with a plain 7-bit equivalent. */
const REPLACEMENTS: Record<string, string> = {
  "\u00A0": " ", // no-break space (nb-NO thousands separator)
  "\u202F": " ", // narrow no-break space
  "\u2009": " ", // thin space
  "\u2212": "-", // minus sign (Intl negative amounts)
  "\u2010": "-",
  "\u2011": "-",
  "\u2013": "-", // en dash
  "\u2014": "-", // em dash
  "\u2018": "'",
  "\u2019": "'",
  "\u201C": '"',
  "\u201D": '"',
  "\u00AB": '"', // «
  "\u00BB": '"', // »
  "\u2026": "...",
};

/** The text with typographic characters replaced by their 7-bit equivalents; other characters are kept. */
export function toGsm7Friendly(text: string): string {
  let out = "";
  for (const ch of text) out += REPLACEMENTS[ch] ?? ch;
  return out;
}

export function isGsm7(text: string): boolean {
  for (const ch of text) if (!GSM7_BASIC.includes(ch) && !GSM7_EXTENDED.includes(ch)) return false;
  return true;
}

/** How many SMS segments the text takes: GSM-7 160/153 per segment, else UCS-2 70/67. */
export function smsSegments(text: string): number {
  if (isGsm7(text)) {
    let septets = 0;
    for (const ch of text) septets += GSM7_EXTENDED.includes(ch) ? 2 : 1;
    return septets <= 160 ? 1 : Math.ceil(septets / 153);
  }
  const units = text.length;
  return units <= 70 ? 1 : Math.ceil(units / 67);
}
