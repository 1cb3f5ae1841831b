/**
 * The part of `fontkit` (a dependency of pdfkit, pinned beside it; it ships no types) that render-letter.ts uses:
 * parsing a font file once, to hand pdfkit the parsed font.
 */
declare module "fontkit" {
  /** A parsed font: pdfkit lays text out and makes each document's subset from it. */
  export interface Font {
    readonly postscriptName: string;
    layout(text: string, features?: unknown): unknown;
  }
  export function create(buffer: Uint8Array, postscriptName?: string): Font;
}
