// axe-core in the page: the WCAG 2.2 A and AA rules' violations in one element, as
// "rule: targets" lines (an empty list when it passes).
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

export async function axeViolations(page, selector) {
  // Evaluated directly: a page's Content Security Policy rightly refuses injected script tags.
  await page.evaluate(AXE);
  return page.evaluate(async (selector) => {
    const result = await window.axe.run(document.querySelector(selector), {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"] },
    });
    return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  }, selector);
}
