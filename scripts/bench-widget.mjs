// Benchmark: time from navigation to an interactive widget (the PromptPay button in the DOM
// and enabled), in headless Chromium with a fresh context per run, against a release sandbox
// started here on test ports; side by side, in the same run, the same page with the checkout as
// static HTML (the buttons written in the page, no script): the baseline the widget is held
// to. Both pages come from the same server over HTTP (the static one as a file of a copy of
// www/), so neither is spared the network.
//   npm run build && cargo build --release -p paywasm-sandbox && node scripts/bench-widget.mjs [runs=20]
// Prints a summary, then one JSON line per figure (read by scripts/bench.mjs).
import { chromium } from "@playwright/test";
import { spawn } from "node:child_process";
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const runs = Number(process.argv[2] ?? 20);
const shop = "http://127.0.0.1:17271";
const www = mkdtempSync(join(tmpdir(), "paywasm-bench-www-"));
cpSync("www", www, { recursive: true });
const sandbox = spawn(
  "target/release/paywasm-sandbox",
  ["--gateway", "127.0.0.1:17270", "--shop", "127.0.0.1:17271", "--www", www],
  { stdio: ["ignore", "pipe", "inherit"] },
);
await new Promise((resolve) => sandbox.stdout.on("data", (d) => String(d).includes("shop:") && resolve()));
process.on("exit", () => {
  sandbox.kill();
  rmSync(www, { recursive: true, force: true });
});

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});

// The product page as the shop serves it, with the widget's markup written in instead of the
// script that mounts it: what "equivalent static HTML" costs to show.
const page0 = await (await fetch(`${shop}/`)).text();
const staticPage = page0
  .replace(/<script type="module"[^>]*><\/script>/, "")
  .replace(/<link rel="modulepreload"[^>]*>/g, "")
  .replace(/<link rel="preload"[^>]*>/g, "")
  .replace(
    '<div id="checkout" class="checkout"></div>',
    '<div id="checkout" class="checkout"><section class="paywasm"><h2 class="paywasm-title">Pay THB 1,290.00</h2>' +
      '<div class="paywasm-methods" role="group"><button type="button" class="paywasm-method">PromptPay</button>' +
      '<button type="button" class="paywasm-method">Alipay</button></div><p class="paywasm-status" role="status"></p></section></div>',
  );
writeFileSync(join(www, "static-checkout.html"), staticPage);

async function measure(url) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    // Records, inside the page, when the first enabled method button appears.
    await page.addInitScript(() => {
      const check = (observer) => {
        const button = document.querySelector(".paywasm-method");
        if (button && !button.disabled && window.__interactiveAt === undefined) {
          window.__interactiveAt = performance.now();
          observer?.disconnect();
        }
      };
      new MutationObserver((_, observer) => check(observer)).observe(document, { childList: true, subtree: true });
      document.addEventListener("DOMContentLoaded", () => check());
    });
    await page.goto(url);
    await page.waitForFunction(() => window.__interactiveAt !== undefined);
    times.push(await page.evaluate(() => window.__interactiveAt));
    await context.close();
  }
  times.sort((a, b) => a - b);
  return (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))];
}

// Interleaved warm-up of both, then the measured runs.
await measure(`${shop}/assets/static-checkout.html`);
await measure(`${shop}/`);
const widget = await measure(`${shop}/`);
const html = await measure(`${shop}/assets/static-checkout.html`);
await browser.close();
const ratio = widget(0.5) / html(0.5);
console.log(`navigation -> interactive, ${runs} fresh contexts each:`);
console.log(`  widget:      median ${widget(0.5).toFixed(0)} ms, p95 ${widget(0.95).toFixed(0)} ms`);
console.log(`  static HTML: median ${html(0.5).toFixed(0)} ms, p95 ${html(0.95).toFixed(0)} ms (widget/static ${ratio.toFixed(2)}x)`);
console.log(JSON.stringify({ name: "time to interactive (median)", value: Math.round(widget(0.5)), unit: "ms", target: `<= 1.5x static (${Math.round(1.5 * html(0.5))})`, baseline: `${Math.round(html(0.5))} (static HTML)` }));
console.log(JSON.stringify({ name: "time to interactive / static HTML", value: Number(ratio.toFixed(2)), unit: "x", target: "<= 1.5", baseline: "" }));
process.exit(0);
