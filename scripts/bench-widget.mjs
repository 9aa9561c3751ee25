// Benchmark: time from navigation to an interactive checkout (a method button in the DOM,
// enabled, and a tap on it taken: by the widget, or by the first view the shop renders into
// the page, whose inline script takes a tap until the widget runs), in headless Chromium with a
// fresh context per run, against a release sandbox started here on test ports; side by side,
// in the same run, the same page as static HTML (its scripts taken out, the buttons left): the
// baseline the widget is held to. Also the time until the widget itself runs (WebAssembly
// mounted). Both pages come from the same server over HTTP (the static one as a file of a copy
// of www/), so neither is spared the network.
//   npm run build && cargo build --release -p paywasm-sandbox && node scripts/bench-widget.mjs [runs=20]
// Prints a summary, then one JSON line per figure (read by scripts/bench.mjs).
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { checkoutMarks, copyOfWww, launchChromium, startSandbox } from "./bench-page.mjs";

const runs = Number(process.argv[2] ?? 20);
const www = copyOfWww();
const shop = await startSandbox(www, 17270, 17271);
const browser = await launchChromium();

// The product page as the shop serves it, with its scripts taken out: the checkout's first
// view (the method buttons the shop renders into the page) stays, as static HTML that nothing
// will ever make work: what "equivalent static HTML" costs to show.
const page0 = await (await fetch(`${shop}/`)).text();
const staticPage = page0
  .replace(/<script type="module"[^>]*><\/script>/, "")
  .replace(/<link rel="modulepreload"[^>]*>/g, "")
  .replace(/<link rel="preload"[^>]*>/g, "")
  .replace(/(<\/section>)<script>[^<]*<\/script>/, "$1");
if (staticPage.includes("<script>") || !staticPage.includes('class="paywasm-method"')) {
  throw new Error("the product page no longer has the shape this benchmark expects");
}
writeFileSync(join(www, "static-checkout.html"), staticPage);

async function measure(url, isStatic) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.addInitScript(checkoutMarks, isStatic);
    await page.goto(url);
    await page.waitForFunction((isStatic) => window.__interactiveAt !== undefined && (isStatic || window.__liveAt !== undefined), isStatic);
    times.push(await page.evaluate(() => [window.__interactiveAt, window.__liveAt]));
    await context.close();
  }
  const quantile = (values) => {
    values.sort((a, b) => a - b);
    return (q) => values[Math.min(values.length - 1, Math.floor(q * values.length))];
  };
  return [quantile(times.map((t) => t[0])), quantile(times.map((t) => t[1]))];
}

// Interleaved warm-up of both, then the measured runs.
await measure(`${shop}/assets/static-checkout.html`, true);
await measure(`${shop}/`, false);
const [widget, live] = await measure(`${shop}/`, false);
const [html] = await measure(`${shop}/assets/static-checkout.html`, true);
await browser.close();
const ratio = widget(0.5) / html(0.5);
console.log(`navigation -> interactive, ${runs} fresh contexts each:`);
console.log(`  widget:      median ${widget(0.5).toFixed(0)} ms, p95 ${widget(0.95).toFixed(0)} ms`);
console.log(`  widget running (WebAssembly mounted): median ${live(0.5).toFixed(0)} ms, p95 ${live(0.95).toFixed(0)} ms`);
console.log(`  static HTML: median ${html(0.5).toFixed(0)} ms, p95 ${html(0.95).toFixed(0)} ms (widget/static ${ratio.toFixed(2)}x)`);
console.log(JSON.stringify({ name: "time to interactive (median)", value: Math.round(widget(0.5)), unit: "ms", target: `<= 1.5x static (${Math.round(1.5 * html(0.5))})`, baseline: `${Math.round(html(0.5))} (static HTML)` }));
console.log(JSON.stringify({ name: "time to the widget running (median)", value: Math.round(live(0.5)), unit: "ms", target: "measured", baseline: "" }));
console.log(JSON.stringify({ name: "time to interactive / static HTML", value: Number(ratio.toFixed(2)), unit: "x", target: "<= 1.5", baseline: "" }));
process.exit(0);
