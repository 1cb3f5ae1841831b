/**
 * Test helper: the text of a PDF, extracted with pdfjs-dist (legacy build, runs on Node 20 without a canvas).
 * Lines are rebuilt from the text items' positions, and no-break spaces become plain spaces so assertions can
 * say "1 234,50".
 */
import { openPdf } from "../../support/pdf-pages";

interface TextItemLike {
  str: string;
  transform: number[];
  width: number;
}

export interface PdfText {
  pages: string[];
  /** All pages, joined with newlines. */
  text: string;
  /** The text with every run of whitespace collapsed to one space — for phrases that wrap across lines. */
  flat: string;
  /** The document information dictionary (Title, Author, CreationDate, …). */
  info: Record<string, unknown>;
}

export async function pdfText(bytes: Uint8Array): Promise<PdfText> {
  const { document } = await openPdf(bytes);
  const pages: string[] = [];
  for (let n = 1; n <= document.numPages; n++) {
    const page = await document.getPage(n);
    const content = await page.getTextContent();
    const lines = new Map<number, { x: number; width: number; str: string }[]>();
    for (const item of content.items as TextItemLike[]) {
      if (typeof item.str !== "string" || item.str.length === 0) continue;
      const y = Math.round(item.transform[5] ?? 0);
      const x = item.transform[4] ?? 0;
      const key = [...lines.keys()].find((k) => Math.abs(k - y) <= 2) ?? y;
      lines.set(key, [...(lines.get(key) ?? []), { x, width: item.width, str: item.str }]);
    }
    const ordered = [...lines.entries()]
      .sort((a, b) => b[0] - a[0])
      .map(([, parts]) => joinLine(parts.sort((a, b) => a.x - b.x)));
    pages.push(ordered.join("\n").replace(/\u00a0/g, " "));
  }
  const metadata = await document.getMetadata();
  const info = { ...(metadata.info as Record<string, unknown>) };
  await document.destroy();
  const text = pages.join("\n");
  return { pages, text, flat: text.replace(/\s+/g, " "), info };
}

/** Joins the items of one line, with a space wherever there is a visible gap between two items. */
function joinLine(parts: readonly { x: number; width: number; str: string }[]): string {
  let line = "";
  let end = Number.NEGATIVE_INFINITY;
  for (const part of parts) {
    if (line.length > 0 && part.x - end > 1.5 && !/\s$/.test(line) && !/^\s/.test(part.str)) line += " ";
    line += part.str;
    end = part.x + part.width;
  }
  return line;
}
