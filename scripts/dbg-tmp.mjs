import { checkoutMarks, copyOfWww, launchChromium, startSandbox } from "./bench-page.mjs";
const www = copyOfWww();
const shop = await startSandbox(www, 17380, 17381);
const browser = await launchChromium();
const SLOW_4G = { offline: false, latency: 150, downloadThroughput: (1.6e6 / 8) * 0.9, uploadThroughput: (750e3 / 8) * 0.9 };
for (let round = 0; round < 2; round++) {
const context = await browser.newContext();
const page = await context.newPage();
const cdp = await context.newCDPSession(page);
await cdp.send("Network.enable");
await cdp.send("Network.emulateNetworkConditions", SLOW_4G);
const t = {}; let t0;
cdp.on("Network.requestWillBeSent", (e) => { t0 ??= e.timestamp; t[e.requestId] = { url: e.request.method + " " + e.request.url.replace(/http:\/\/127.0.0.1:/, ":").slice(0, 70), start: e.timestamp }; });
cdp.on("Network.responseReceived", (e) => { if (t[e.requestId]) { t[e.requestId].resp = e.timestamp; t[e.requestId].enc = e.response.headers["content-encoding"] ?? ""; } });
cdp.on("Network.loadingFinished", (e) => { if (t[e.requestId]) { t[e.requestId].end = e.timestamp; t[e.requestId].bytes = e.encodedDataLength; } });
await page.addInitScript(checkoutMarks, false);
await page.addInitScript(() => {
  let v; Object.defineProperty(window, "__interactiveAt", { get: () => v, set: (x) => { v = x; document.querySelector('.paywasm-method[data-method="promptpay"]').click(); window.__tappedAt = performance.now(); } });
  document.addEventListener("load", (e) => { if (e.target.matches?.(".paywasm-qr img")) window.__qrAt ??= performance.now(); }, true);
});
await page.goto(shop + "/");
await page.waitForFunction(() => window.__qrAt !== undefined);
await page.waitForTimeout(300);
console.log(await page.evaluate(() => ({ tap: window.__tappedAt, live: window.__liveAt, qr: window.__qrAt })));
for (const r of Object.values(t).sort((a, b) => a.start - b.start)) console.log(((r.start - t0) * 1000).toFixed(0).padStart(6), (((r.resp ?? NaN) - t0) * 1000).toFixed(0).padStart(6), (((r.end ?? NaN) - t0) * 1000).toFixed(0).padStart(6), String(r.bytes).padStart(7), (r.enc ?? "").padEnd(5), r.url);
await context.close();
}
await browser.close();
process.exit(0);
