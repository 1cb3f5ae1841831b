import { describe, expect, it } from "vitest";
import { CONTRAST_PAIRS, PAGE_CSP, PAGE_CSS, PALETTE } from "../../../shared/web/layout";

function luminance(hex: string): number {
  const channels = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255);
  const [r, g, b] = channels.map((c) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4)) as [
    number,
    number,
    number,
  ];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

describe("the page shell's colours and CSS", () => {
  it("computes contrast like WCAG does", () => {
    expect(contrast("#000000", "#ffffff")).toBeCloseTo(21, 5);
    // white on Vipps orange is not enough for normal text: the button uses dark text
    expect(contrast("#ffffff", "#ff5b24")).toBeLessThan(4.5);
  });

  it.each(CONTRAST_PAIRS.map(([what, fg, bg]) => [what, fg, bg] as const))("%s reach 4.5:1", (_what, fg, bg) => {
    expect(contrast(PALETTE[fg], PALETTE[bg])).toBeGreaterThanOrEqual(4.5);
  });

  it("styles the Vipps button in Vipps orange and shows a visible focus ring", () => {
    expect(PALETTE.vipps).toBe("#ff5b24");
    expect(PAGE_CSS).toContain(`.vipps{background:#ff5b24;color:${PALETTE.vippsText}}`);
    expect(PAGE_CSS).toMatch(/:focus-visible\{outline:3px solid/u);
    expect(PAGE_CSS).toMatch(/min-height:4[4-8]px/u);
  });

  it("offers a CSP that allows the inline style by hash and nothing else but images", () => {
    expect(PAGE_CSP).toMatch(/default-src 'none'; style-src 'sha256-[A-Za-z0-9+/=]+'; img-src https: data:/u);
  });
});
