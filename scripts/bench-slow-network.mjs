// Benchmark: the checkout on a slow phone network (Chromium's network emulation, slow 4G:
// 150 ms round trip, 1.6 Mbit/s down, 750 kbit/s up; a fresh context per run, so nothing is
// cached): time from navigation to the first view taking a tap and to the widget running,
// beside, in the same run and from the same local server, Adyen Web's published bundle (npm
// @adyen/adyen-web: its core and its PromptPay and WeChat Pay QR components, bundled and
// minified with rolldown as a merchant's bundler would, plus its CSS), timed until its code has
// loaded and run. Both travel gzip -9, as a CDN serves them (before 2026-12-03, uncompressed).
//   npm run build && cargo build --release -p paywasm-sandbox && node scripts/bench-slow-network.mjs [runs=5]
// Prints a summary, then one JSON line per figure (read by scripts/bench.mjs).
import { execFileSync } from "node:child_process";
import { cpSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { join } from "node:path";
import { checkoutMarks, copyOfWww, launchChromium, startSandbox } from "./bench-page.mjs";

const runs = Number(process.argv[2] ?? 5);
const SLOW_4G = { offline: false, latency: 150, downloadThroughput: (1.6e6 / 8) * 0.9, uploadThroughput: (750e3 / 8) * 0.9 };
const www = copyOfWww();

// The shop serves its assets from www/shop/ (at /assets/): Adyen's files go there.
const assets = join(www, "shop");

// Adyen Web as a merchant ships it: the components a QR checkout needs, tree-shaken.
// (The entry sits in target/, where the project's node_modules resolve.)
const entry = join(process.cwd(), "target", "bench-adyen-entry.mjs");
writeFileSync(entry, `import { AdyenCheckout, PromptPay, WeChat } from "@adyen/adyen-web";\nwindow.__adyen = { AdyenCheckout, PromptPay, WeChat };\nwindow.__adyenRanAt = performance.now();\n`);
execFileSync("node_modules/.bin/rolldown", [entry, "--file", join(assets, "assets-adyen.js"), "--minify", "--format", "iife", "--platform", "browser"], {
  stdio: ["ignore", "ignore", "inherit"],
});
cpSync(join(assets, "assets-adyen.js"), join(assets, "adyen.js"));
rmSync(entry);
cpSync("node_modules/@adyen/adyen-web/dist/es/adyen.css", join(assets, "adyen.css"));
writeFileSync(
  join(assets, "adyen.html"),
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Adyen Web</title><link rel="stylesheet" href="/assets/adyen.css"><script defer src="/assets/adyen.js"></script></head><body><main><h1>Checkout</h1><div id="checkout"></div></main></body></html>`,
);
// Served gzip as the widget's files are (the sandbox sends a file's .gz copy when there is one).
const adyenGzip = ["adyen.js", "adyen.css"]
  .map((f) => {
    const gzip = gzipSync(readFileSync(join(assets, f)), { level: 9 });
    writeFileSync(join(assets, `${f}.gz`), gzip);
    return gzip.length;
  })
  .reduce((a, b) => a + b);

const shop = await startSandbox(www, 17370, 17371);
const browser = await launchChromium();

/** Milliseconds from navigation to each mark the page sets, over `runs` fresh contexts. */
async function measure(url, marks, initScript) {
  const times = marks.map(() => []);
  for (let i = 0; i < runs; i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send("Network.enable");
    await cdp.send("Network.emulateNetworkConditions", SLOW_4G);
    if (initScript) await page.addInitScript(initScript, false);
    await page.goto(url);
    await page.waitForFunction((marks) => marks.every((m) => window[m] !== undefined), marks, { timeout: 60_000 });
    const values = await page.evaluate((marks) => marks.map((m) => window[m]), marks);
    values.forEach((v, k) => times[k].push(v));
    await context.close();
  }
  return times.map((values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]);
}

// The shop's product page: when its first view takes a tap and when the widget runs.
await measure(`${shop}/`, ["__liveAt"], checkoutMarks); // warm-up of the server
const [tap, live] = await measure(`${shop}/`, ["__interactiveAt", "__liveAt"], checkoutMarks);
const [adyen] = await measure(`${shop}/assets/adyen.html`, ["__adyenRanAt"]);
await browser.close();

console.log(`slow 4G (150 ms RTT, 1.6 Mbit/s), median of ${runs} fresh contexts:`);
console.log(`  paywasm: first view takes a tap ${tap.toFixed(0)} ms, widget running ${live.toFixed(0)} ms`);
console.log(`  Adyen Web (core + PromptPay + WeChat Pay, ${(adyenGzip / 1024).toFixed(1)} KB gzip with its CSS): code loaded and run ${adyen.toFixed(0)} ms`);
console.log(JSON.stringify({ name: "slow 4G: first view takes a tap (median)", value: Math.round(tap), unit: "ms", target: "measured", baseline: "" }));
console.log(JSON.stringify({ name: "slow 4G: widget running (median)", value: Math.round(live), unit: "ms", target: "measured", baseline: `Adyen Web loaded and run: ${Math.round(adyen)} ms (${(adyenGzip / 1024).toFixed(1)} KB gzip)` }));
process.exit(0);
