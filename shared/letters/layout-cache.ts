/**
 * Text layout (shaping) shared by every letter a process renders. pdfkit lays out each word of a document with
 * fontkit — cmap lookups, the GSUB and GPOS features — and caches it per document only, so every letter shaped the
 * same words again: most of a letter's rendering time.
 *
 * What one layout of a text gives is the same for every document but for one thing: the glyph objects belong to the
 * document's own font object, and each remembers the characters it was FIRST asked for in that document (a space and
 * a no-break space share a glyph; the PDF's text layer says the characters remembered). So a layout is recorded with
 * every glyph request it made (id and characters, in order), and a document that needs the same text replays those
 * requests on its own font — leaving that font exactly as if it had laid the text out itself — and gets its own
 * glyphs with fresh copies of the recorded positions (pdfkit scales them in place). The bytes of a letter do not depend
 * on what was rendered before it.
 */
import type { Font } from "fontkit";

interface GlyphRequest {
  id: number;
  codePoints: number[] | undefined;
}

interface RecordedLayout {
  /**
   * A GlyphRun as fontkit returned it (its prototype gives `advanceWidth` and friends), with its positions untouched
   * and the ids of its glyphs in place of the glyph objects.
   */
  run: Record<string, unknown> & { glyphs: Array<{ id: number }>; positions: Array<Record<string, number>> };
  requests: GlyphRequest[];
}

interface FontWithGlyphs {
  layout(text: string, ...rest: unknown[]): unknown;
  getGlyph(id: number, codePoints?: number[]): unknown;
}

/**
 * The words the letters share (their texts, labels, the creditor's details) and the last letters' own ones, at ~4 KB
 * a word at most 8 MiB; past it the cache starts again (the output is the same).
 */
const MAX_ENTRIES = 2_000;

/** One cache per font file (its decoded tables are shared too): text → recorded layout. */
export type LayoutCache = Map<string, RecordedLayout>;

export function newLayoutCache(): LayoutCache {
  return new Map();
}

/** Makes `font` (one document's font object) take its plain layouts from `cache`, recording what is not there yet. */
export function shareLayouts(font: Font, cache: LayoutCache): void {
  const f = font as unknown as FontWithGlyphs;
  const layout = f.layout.bind(f);
  const getGlyph = f.getGlyph.bind(f);
  f.layout = (text: string, ...rest: unknown[]) => {
    if (rest.some((arg) => arg !== undefined)) return layout(text, ...rest); // features, script…: not shared
    const known = cache.get(text);
    if (known) return replay(known, getGlyph);
    // Only the first request for an id can create a glyph (later ones get that glyph back): those are kept.
    const requests: GlyphRequest[] = [];
    const requested = new Set<number>();
    f.getGlyph = (id: number, codePoints?: number[]) => {
      if (!requested.has(id)) {
        requested.add(id);
        requests.push({ id, codePoints: codePoints === undefined ? undefined : [...codePoints] });
      }
      return getGlyph(id, codePoints);
    };
    let run: RecordedLayout["run"];
    try {
      run = layout(text) as RecordedLayout["run"];
    } finally {
      delete (f as Partial<FontWithGlyphs>).getGlyph; // the prototype's again
    }
    if (cache.size >= MAX_ENTRIES) cache.clear();
    // Glyph ids only: a glyph object holds its document's font, and with it everything that document laid out.
    cache.set(text, {
      run: copyRun(
        run,
        run.glyphs.map((g) => ({ id: g.id })),
      ),
      requests,
    });
    return run;
  };
}

function replay(recorded: RecordedLayout, getGlyph: FontWithGlyphs["getGlyph"]): unknown {
  for (const r of recorded.requests) getGlyph(r.id, r.codePoints === undefined ? undefined : [...r.codePoints]);
  // Each id was requested above, so these are the glyph objects the requests left in this document's font.
  const glyphs = recorded.run.glyphs.map((g) => getGlyph(g.id) as { id: number });
  return copyRun(recorded.run, glyphs);
}

/** A GlyphRun with the given glyphs and copies of the run's positions. */
function copyRun(run: RecordedLayout["run"], glyphs: Array<{ id: number }>): RecordedLayout["run"] {
  const copy = Object.create(Object.getPrototypeOf(run) as object) as RecordedLayout["run"];
  Object.assign(copy, run);
  copy.glyphs = glyphs;
  copy.positions = run.positions.map((p) =>
    Object.assign(Object.create(Object.getPrototypeOf(p) as object) as Record<string, number>, p),
  );
  return copy;
}
