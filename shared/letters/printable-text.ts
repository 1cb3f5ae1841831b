/**
 * The characters the letters can print. The renderer embeds DejaVu Sans Condensed, which covers all of Latin-1,
 * Latin Extended-A and -B (so the Sami letters ŋ, č, đ, ŧ, š, ž, á print as written, as do Polish, Czech, Baltic
 * and Turkish names) and the typographic punctuation of Windows-1252. Anything else — another script, emoji, a
 * control character — is refused up front rather than printed as an empty box in a legal letter.
 */

/** Windows-1252 characters in 0x80–0x9F, the part of WinAnsi outside Latin-1 (typographic quotes, dashes, €, …). */
const CP1252_EXTRAS = "€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ";

function isPrintableChar(ch: string): boolean {
  const code = ch.codePointAt(0) ?? 0;
  if (code === 0x0a) return true;
  if (code >= 0x20 && code <= 0x7e) return true;
  if (code >= 0xa0 && code <= 0x24f) return true; // Latin-1 Supplement, Latin Extended-A and -B
  return CP1252_EXTRAS.includes(ch);
}

/** True when every character of `text` can be printed with the letter font. */
export function isPrintable(text: string): boolean {
  for (const ch of text) if (!isPrintableChar(ch)) return false;
  return true;
}
