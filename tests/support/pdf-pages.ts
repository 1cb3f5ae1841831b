/**
 * Test helper: a PDF's pages as a person sees them — each text item with its box (baseline origin, y down from the
 * top of an A4 page) and every image decoded to RGBA (for jsQR), read with pdfjs-dist's legacy build (no canvas).
 */
import path from "node:path";

export const PAGE = { width: 595.28, height: 841.89 };
/** pdfjs reads the metrics of the 14 standard fonts from files shipped in its package. */
const STANDARD_FONTS = `${path.dirname(require.resolve("pdfjs-dist/package.json"))}/standard_fonts/`;

export interface Item {
  str: string;
  x: number;
  y: number;
  width: number;
  height: number;
}
export interface Page {
  items: Item[];
  images: { width: number; height: number; rgba: Uint8ClampedArray }[];
}

type Pdfjs = typeof import("pdfjs-dist");

/** Opens a PDF with pdfjs-dist's legacy build (Node, no canvas), the standard fonts from its package. */
export async function openPdf(bytes: Uint8Array) {
  const pdfjs = (await import("pdfjs-dist/legacy/build/pdf.mjs")) as Pdfjs;
  const document = await pdfjs.getDocument({
    data: new Uint8Array(bytes),
    standardFontDataUrl: STANDARD_FONTS,
    useSystemFonts: false,
    isEvalSupported: false,
    isOffscreenCanvasSupported: false,
    isImageDecoderSupported: false,
  }).promise;
  return { pdfjs, document };
}

/** The text items (baseline-origin boxes, y down from the top) and the decoded images of every page. */
export async function readPdf(bytes: Uint8Array): Promise<Page[]> {
  const { pdfjs, document } = await openPdf(bytes);
  const pages: Page[] = [];
  for (let n = 1; n <= document.numPages; n++) {
    const page = await document.getPage(n);
    const content = await page.getTextContent();
    const items = (content.items as { str?: string; transform: number[]; width: number; height: number }[])
      .filter((i) => typeof i.str === "string" && i.str.trim() !== "")
      .map((i) => ({
        str: i.str ?? "",
        x: i.transform[4] ?? 0,
        y: PAGE.height - (i.transform[5] ?? 0),
        width: i.width,
        height: i.height || Math.abs(i.transform[3] ?? 0),
      }));
    const ops = await page.getOperatorList();
    const images: Page["images"] = [];
    for (let k = 0; k < ops.fnArray.length; k++) {
      if (ops.fnArray[k] !== pdfjs.OPS.paintImageXObject) continue;
      const name = (ops.argsArray[k] as [string])[0];
      const img = await new Promise<PdfImage>((resolve) => page.objs.get(name, (data: PdfImage) => resolve(data)));
      images.push({ width: img.width, height: img.height, rgba: toRgba(img) });
    }
    pages.push({ items, images });
  }
  await document.destroy();
  return pages;
}

interface PdfImage {
  width: number;
  height: number;
  kind: number;
  data: Uint8Array;
}

/** pdfjs gives 1 bit grey (kind 1), RGB (kind 2) or RGBA (kind 3) pixels; jsQR wants RGBA. */
function toRgba(img: PdfImage): Uint8ClampedArray {
  const out = new Uint8ClampedArray(img.width * img.height * 4);
  for (let p = 0; p < img.width * img.height; p++) {
    let v: [number, number, number];
    if (img.kind === 3) v = [img.data[p * 4] ?? 0, img.data[p * 4 + 1] ?? 0, img.data[p * 4 + 2] ?? 0];
    else if (img.kind === 2) v = [img.data[p * 3] ?? 0, img.data[p * 3 + 1] ?? 0, img.data[p * 3 + 2] ?? 0];
    else {
      const row = Math.floor(p / img.width);
      const col = p % img.width;
      const byte = img.data[row * Math.ceil(img.width / 8) + (col >> 3)] ?? 0;
      const bit = (byte >> (7 - (col & 7))) & 1;
      v = bit ? [255, 255, 255] : [0, 0, 0];
    }
    out.set([...v, 255], p * 4);
  }
  return out;
}
