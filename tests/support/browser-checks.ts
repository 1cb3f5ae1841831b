/**
 * What every browser test checks on a page (playwright-core in Chromium): axe-core's WCAG 2.1 A/AA rules, and that
 * nothing runs off the side of the screen (a phone's, usually).
 */
import fs from "node:fs";
import type { Page } from "playwright-core";

/** axe-core's WCAG 2.1 A/AA violations on the page as it is now: rule id, help text, how many elements. */
export async function axeViolations(page: Page): Promise<Array<{ id: string; help: string; nodes: number }>> {
  await page.evaluate(fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8"));
  const result = (await page.evaluate(() =>
    (globalThis as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<unknown> } }).axe.run(
      (globalThis as unknown as { document: unknown }).document,
      { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } },
    ),
  )) as { violations: Array<{ id: string; help: string; nodes: unknown[] }> };
  return result.violations.map((v) => ({ id: v.id, help: v.help, nodes: v.nodes.length }));
}

/** The elements reaching past the right edge of the viewport (tag, class and the start of their text). */
export async function offScreen(page: Page): Promise<string[]> {
  return page.evaluate(`(() => {
    const width = document.documentElement.clientWidth;
    return [...document.querySelectorAll("body *")]
      .filter((e) => e.getBoundingClientRect().right > width + 1)
      .map((e) => e.tagName.toLowerCase() + (e.className ? "." + e.className : "") + ": " + (e.textContent || "").trim().slice(0, 40));
  })()`);
}
