/**
 * The characters the letters can print. The renderer uses the PDF standard fonts (Helvetica), whose WinAnsi
 * encoding covers Norwegian, Danish, Swedish and most Western European text — but NOT the Sami letters ŋ, č, đ, ŧ
 * (š and ž are covered). pdfkit prints such characters as garbage and garbles the rest of the line, so a model
 * containing them is refused up front instead of producing a wrong legal letter.
 */

/** Windows-1252 characters in 0x80–0x9F, the part of WinAnsi outside Latin-1. */
const CP1252_EXTRAS = "€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ";

function isPrintableChar(ch: string): boolean {
  const code = ch.codePointAt(0) ?? 0;
  if (code === 0x0a) return true;
  if (code >= 0x20 && code <= 0x7e) return true;
  if (code >= 0xa0 && code <= 0xff) return true;
  return CP1252_EXTRAS.includes(ch);
}

/** True when every character of `text` can be printed with the standard fonts. */
export function isPrintable(text: string): boolean {
  for (const ch of text) if (!isPrintableChar(ch)) return false;
  return true;
}
