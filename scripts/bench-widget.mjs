// Benchmark: time from navigation to an interactive widget (the PromptPay button in the DOM
// and enabled), in headless Chromium with a fresh context per run, against a sandbox started
// here on test ports. Prints median and p95 over N runs.
//   npm run build && node scripts/bench-widget.mjs [runs=20]
import { chromium } from "@playwright/test";
import { spawn } from "node:child_process";

const runs = Number(process.argv[2] ?? 20);
const shop = "http://127.0.0.1:17271";
const sandbox = spawn("target/debug/paywasm-sandbox", ["--gateway", "127.0.0.1:17270", "--shop", "127.0.0.1:17271"], {
  stdio: ["ignore", "pipe", "inherit"],
});
await new Promise((resolve) => sandbox.stdout.on("data", (d) => String(d).includes("shop:") && resolve()));

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const interactive = [];
for (let i = 0; i < runs; i++) {
  const context = await browser.newContext();
  const page = await context.newPage();
  // Records, inside the page, when the first enabled method button appears.
  await page.addInitScript(() => {
    new MutationObserver((_, observer) => {
      const button = document.querySelector(".paywasm-method");
      if (button && !button.disabled) {
        window.__interactiveAt = performance.now();
        observer.disconnect();
      }
    }).observe(document, { childList: true, subtree: true });
  });
  await page.goto(shop);
  await page.waitForFunction(() => window.__interactiveAt !== undefined);
  interactive.push(await page.evaluate(() => window.__interactiveAt));
  await context.close();
}
await browser.close();
sandbox.kill();
interactive.sort((a, b) => a - b);
const at = (q) => interactive[Math.min(interactive.length - 1, Math.floor(q * interactive.length))];
console.log(`navigation -> interactive widget, ${runs} fresh contexts: median ${at(0.5).toFixed(0)} ms, p95 ${at(0.95).toFixed(0)} ms`);
