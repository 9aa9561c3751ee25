// Benchmark: the checkout on a slow phone network (Chromium's network emulation, slow 4G:
// 150 ms round trip, 1.6 Mbit/s down, 750 kbit/s up; a fresh context per run, so nothing is
// cached): time from navigation to the first view taking a tap and to the widget running,
// beside, in the same run and from the same local server, Adyen Web's published bundle (npm
// @adyen/adyen-web: its core and its PromptPay and WeChat Pay QR components, bundled and
// minified with rolldown as a merchant's bundler would, plus its CSS), timed until its code has
// loaded and run. Both travel brotli 11, as a CDN serves them to a browser that takes it
// (before 2026-12-06, gzip -9; before 2026-12-03, uncompressed).
//
// Then the time to QR: a customer who taps PromptPay at the first moment the page takes a tap,
// from navigation until the QR image has loaded, in paired rounds (which page goes first
// alternates). Ours: the shop's product page (its first view takes the tap and makes the source
// at the gateway and the charge at the shop, and loads the charge's QR image, while the widget
// loads; the widget shows it). Ours again, tapped once the widget itself runs (a customer who
// taps after the page has loaded: the widget makes every request), beside the same rounds'
// Adyen Web.
// Adyen's: the same bundle mounting its PromptPay component (`showPayButton`), whose
// `onSubmit` posts to the merchant's own origin; that merchant (this script's server, which
// also serves the page and its files, compressed as the shop's) makes a PromptPay charge at
// the same gateway with its secret key and answers Adyen's QR action; Adyen's component then
// loads the image from Adyen's API (`utility/v1/barcode.png`, another origin: this script's
// second server), which hands over the gateway's image of that charge, the same bytes ours
// shows. Emulation delays each request by the round trip (not each connection), so what counts
// is the number of requests made one after the other, and the bytes.
//   npm run build && cargo build --release -p paywasm-sandbox && node scripts/bench-slow-network.mjs [runs=5] [qr-rounds=9]
// Prints a summary, then one JSON line per figure (read by scripts/bench.mjs).
// BENCH_TRACE=1: each visit's requests, when each started and ended, on stderr.
// BENCH_LOCALE=th-TH: the browser's language (default en-US, whose page fetches no words file;
// a Thai page fetches the checkout's Thai words beside the build). Adyen's page is the same.
import { execFileSync } from "node:child_process";
import { cpSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, get } from "node:http";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { join } from "node:path";
import { checkoutMarks, copyOfWww, launchChromium, startSandbox } from "./bench-page.mjs";

const runs = Number(process.argv[2] ?? 5);
const qrRounds = Number(process.argv[3] ?? 9);
const locale = process.env.BENCH_LOCALE ?? "en-US";
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
// Compressed as the widget's files are (the sandbox sends a file's .br or .gz copy when there is
// one and the browser accepts it: Chromium takes brotli), by the same script.
execFileSync("node", ["scripts/precompress.mjs", assets]);
const compressedSize = (suffix) =>
  ["adyen.js", "adyen.css"].map((f) => readFileSync(join(assets, f + suffix)).length).reduce((a, b) => a + b);
const adyenGzip = compressedSize(".gz");
const adyenBrotli = compressedSize(".br");

const shop = await startSandbox(www, 17370, 17371);
const browser = await launchChromium();

/** Milliseconds from navigation to each mark the page sets, over `runs` fresh contexts. */
async function measure(url, marks, initScript) {
  const times = marks.map(() => []);
  for (let i = 0; i < runs; i++) {
    const context = await browser.newContext({ locale });
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

// --- Time to QR ---

/** An init script: taps the PromptPay button the moment the page takes a tap, and marks when
 * the QR image has loaded (`__qrAt`). `adyen`: Adyen's page, which takes a tap once its pay
 * button shows, styled; otherwise the shop's page, whose `__interactiveAt` (`checkoutMarks`)
 * says when. */
function tapPromptPay(mode) {
  const adyen = mode === "adyen";
  const tap = () => {
    const button = adyen
      ? document.querySelector("#checkout button.adyen-checkout__button")
      : document.querySelector('.paywasm-method[data-method="promptpay"]');
    button.click();
    window.__tappedAt = performance.now();
  };
  if (adyen) {
    const check = () => {
      const button = document.querySelector("#checkout button.adyen-checkout__button");
      const styled = [...document.querySelectorAll('link[rel="stylesheet"]')].every((link) => link.sheet);
      if (button && styled && window.__tappedAt === undefined) {
        window.__interactiveAt = performance.now();
        tap();
      }
    };
    new MutationObserver(check).observe(document, { childList: true, subtree: true });
    document.addEventListener("load", check, true);
  } else {
    // "first": at the first view's first chance; "live": once the widget itself runs (a
    // customer who taps after the page has loaded: the widget makes every request itself).
    let at;
    Object.defineProperty(window, mode === "live" ? "__liveAt" : "__interactiveAt", {
      get: () => at,
      set: (value) => {
        at = value;
        tap();
      },
    });
  }
  document.addEventListener(
    "load",
    (event) => {
      const image = event.target;
      const isQr = adyen ? image.matches?.('img[data-testid="promptpay-qr-image"]') : image.matches?.(".paywasm-qr img");
      if (isQr && image.naturalWidth > 0) window.__qrAt ??= performance.now();
    },
    true,
  );
}

const gateway = "http://127.0.0.1:17370"; // startSandbox above
const SECRET_KEY = "skey_test_5paywasmsandbox0demo0";

// Adyen's API (another origin): the QR image of the charge named in `data`, as the gateway
// draws it; the checkout attempt's id its analytics ask for, and "pending" to the status
// polls its QR view makes; nothing else (its logos: not found).
const adyenApi = createServer(async (request, response) => {
  const url = new URL(request.url, "http://x");
  const cors = { "Access-Control-Allow-Origin": "*", "Access-Control-Allow-Headers": "Content-Type", "Access-Control-Allow-Methods": "GET, POST" };
  for await (const _ of request);
  const json = (body) => response.writeHead(200, { ...cors, "Content-Type": "application/json" }).end(JSON.stringify(body));
  if (request.method === "OPTIONS") {
    response.writeHead(204, cors).end();
  } else if (url.pathname.endsWith("/utility/v1/barcode.png")) {
    // The gateway's bytes as they came, compressed as the browser asked: the same on the wire.
    const image = await new Promise((resolve, reject) =>
      get(url.searchParams.get("data"), { headers: { "Accept-Encoding": request.headers["accept-encoding"] ?? "" } }, resolve).on("error", reject),
    );
    const headers = { ...cors, "Content-Type": image.headers["content-type"] };
    if (image.headers["content-encoding"]) headers["Content-Encoding"] = image.headers["content-encoding"];
    response.writeHead(200, headers);
    image.pipe(response);
  } else if (url.pathname.includes("/analytics")) {
    json({ checkoutAttemptId: "bench-attempt" });
  } else if (url.pathname.endsWith("/status")) {
    json({ type: "pending", resultCode: "pending", payload: "" });
  } else {
    response.writeHead(404, cors).end();
  }
});
await new Promise((resolve) => adyenApi.listen(17372, "127.0.0.1", resolve));

// The merchant of Adyen's page: the page and its files (brotli 11 or gzip -9, as the shop serves
// ours), and
// `POST /payments`, which makes the charge at the gateway and answers Adyen's QR action.
const adyenPage = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Adyen Web</title><link rel="stylesheet" href="/adyen.css"><script defer src="/adyen.js"></script><script defer src="/checkout.js"></script></head><body><main><h1>Checkout</h1><div id="checkout"></div></main></body></html>`;
const adyenCheckout = `(async () => {
  const { AdyenCheckout, PromptPay } = window.__adyen;
  // Its path says "test": Adyen refuses a test client key against an address that does not.
  const api = "http://127.0.0.1:17372/test/checkoutshopper/";
  const checkout = await AdyenCheckout({
    clientKey: "test_PAYWASMBENCHMARK0000000000000000",
    environment: "test",
    _environmentUrls: { api, analytics: api, cdn: { images: api, translations: api } },
    analytics: { enabled: false },
    locale: "en-US",
    countryCode: "TH",
    amount: { value: 129000, currency: "THB" },
    paymentMethodsResponse: { paymentMethods: [{ type: "promptpay", name: "PromptPay" }] },
    onSubmit: async (state, component, actions) => {
      const answer = await fetch("/payments", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(state.data) });
      actions.resolve(await answer.json());
    },
    onError: (error) => console.error(error),
  });
  new PromptPay(checkout, { showPayButton: true }).mount("#checkout");
})();`;
// Compressed once, here: brotli 11 of Adyen's bundle takes longer than a round trip.
const adyenFiles = Object.fromEntries(
  [
    ["/adyen.html", "text/html; charset=utf-8", adyenPage],
    ["/adyen.js", "text/javascript", readFileSync(join(assets, "adyen.js"))],
    ["/checkout.js", "text/javascript", adyenCheckout],
    ["/adyen.css", "text/css", readFileSync(join(assets, "adyen.css"))],
  ].map(([path, type, bytes]) => [
    path,
    { type, br: brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }), gzip: gzipSync(bytes, { level: 9 }) },
  ]),
);
const adyenMerchant = createServer(async (request, response) => {
  if (request.method === "POST" && request.url === "/payments") {
    for await (const _ of request);
    const charge = await (
      await fetch(`${gateway}/charges`, {
        method: "POST",
        headers: { Authorization: `Basic ${Buffer.from(`${SECRET_KEY}:`).toString("base64")}`, "Content-Type": "application/json" },
        body: JSON.stringify({ amount: 129000, currency: "THB", source: { type: "promptpay" } }),
      })
    ).json();
    const image = charge.source?.scannable_code?.image?.download_uri;
    if (!image) throw new Error(`the gateway made no QR: ${JSON.stringify(charge)}`);
    response.writeHead(200, { "Content-Type": "application/json" });
    response.end(JSON.stringify({ resultCode: "Pending", action: { type: "qrCode", paymentMethodType: "promptpay", qrCodeData: image, paymentData: charge.id } }));
    return;
  }
  const file = adyenFiles[request.url];
  if (!file) return response.writeHead(404).end();
  const encoding = /\bbr\b/.test(request.headers["accept-encoding"] ?? "") ? "br" : "gzip";
  response.writeHead(200, { "Content-Type": file.type, "Content-Encoding": encoding });
  response.end(file[encoding]);
});
await new Promise((resolve) => adyenMerchant.listen(17373, "127.0.0.1", resolve));

/** One visit of `url` tapping PromptPay at once (`mode`: "adyen", or ours tapped at the
 * "first" chance or once the widget is "live"): [tap taken, QR loaded], ms from navigation. */
async function timeToQr(url, mode) {
  const adyen = mode === "adyen";
  const context = await browser.newContext({ locale });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.emulateNetworkConditions", SLOW_4G);
  if (!adyen) await page.addInitScript(checkoutMarks, false);
  await page.addInitScript(tapPromptPay, mode);
  // DEBUG=1: the pages' console, for when a page stops showing its QR.
  if (process.env.DEBUG) page.on("console", (message) => console.error(`${adyen ? "adyen" : "paywasm"}: ${message.text()}`));
  await page.goto(url);
  await page.waitForFunction(() => window.__qrAt !== undefined, null, { timeout: 60_000 });
  const marks = await page.evaluate(() => [window.__tappedAt, window.__qrAt]);
  // BENCH_TRACE=1: where the time went, each request's start and end (ms from navigation).
  if (process.env.BENCH_TRACE) {
    const requests = await page.evaluate(() =>
      performance.getEntriesByType("resource").map((r) => `${Math.round(r.startTime)}-${Math.round(r.responseEnd)} ${r.initiatorType} ${r.name.replace(location.origin, "")}`),
    );
    console.error(`${adyen ? "adyen" : `paywasm (${mode})`}: tap ${Math.round(marks[0])}, QR ${Math.round(marks[1])}\n  ${requests.join("\n  ")}`);
  }
  await context.close();
  return marks;
}

const ours = [];
const oursLive = [];
const theirs = [];
await timeToQr(`${shop}/`, "first"); // warm-up of both servers
await timeToQr("http://127.0.0.1:17373/adyen.html", "adyen");
for (let round = 0; round < qrRounds; round++) {
  const visits = [
    async () => ours.push(await timeToQr(`${shop}/`, "first")),
    async () => theirs.push(await timeToQr("http://127.0.0.1:17373/adyen.html", "adyen")),
    async () => oursLive.push(await timeToQr(`${shop}/`, "live")),
  ];
  // Each page first, second and third in turn.
  for (let i = 0; i < visits.length; i++) await visits[(round + i) % visits.length]();
}
await browser.close();
adyenApi.close();
adyenMerchant.close();

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const range = (values) => `${Math.round(Math.min(...values))}-${Math.round(Math.max(...values))}`;
const oursQr = ours.map((m) => m[1]);
const theirsQr = theirs.map((m) => m[1]);
// Paired: each round's difference, so that a slower moment of the machine weighs on both.
const ahead = ours.map((m, i) => theirs[i][1] - m[1]);
const oursLiveQr = oursLive.map((m) => m[1]);
const aheadLive = oursLive.map((m, i) => theirs[i][1] - m[1]);

console.log(`slow 4G (150 ms RTT, 1.6 Mbit/s), median of ${runs} fresh contexts:`);
console.log(`  paywasm: first view takes a tap ${tap.toFixed(0)} ms, widget running ${live.toFixed(0)} ms`);
console.log(`  Adyen Web (core + PromptPay + WeChat Pay, ${(adyenGzip / 1024).toFixed(1)} KB gzip, ${(adyenBrotli / 1024).toFixed(1)} KB brotli with its CSS): code loaded and run ${adyen.toFixed(0)} ms`);
console.log(`time to QR (PromptPay tapped at the first chance, until its QR image has loaded), ${qrRounds} paired rounds:`);
console.log(`  paywasm:   tapped at ${median(ours.map((m) => m[0])).toFixed(0)} ms, QR at median ${median(oursQr).toFixed(0)} ms (${range(oursQr)})`);
console.log(`  Adyen Web: tapped at ${median(theirs.map((m) => m[0])).toFixed(0)} ms, QR at median ${median(theirsQr).toFixed(0)} ms (${range(theirsQr)})`);
console.log(`  ours ahead by, median of the rounds: ${median(ahead).toFixed(0)} ms (${range(ahead)})`);
console.log(`  paywasm tapped once the widget runs: tapped at ${median(oursLive.map((m) => m[0])).toFixed(0)} ms, QR at median ${median(oursLiveQr).toFixed(0)} ms (${range(oursLiveQr)}); ahead of Adyen Web by ${median(aheadLive).toFixed(0)} ms (${range(aheadLive)})`);
console.log(JSON.stringify({ name: "slow 4G: first view takes a tap (median)", value: Math.round(tap), unit: "ms", target: "measured", baseline: "" }));
console.log(JSON.stringify({ name: "slow 4G: widget running (median)", value: Math.round(live), unit: "ms", target: "measured", baseline: `Adyen Web loaded and run: ${Math.round(adyen)} ms (${(adyenGzip / 1024).toFixed(1)} KB gzip, ${(adyenBrotli / 1024).toFixed(1)} brotli)` }));
console.log(JSON.stringify({ name: `slow 4G: time to QR, PromptPay (median of ${qrRounds} paired rounds)`, value: Math.round(median(oursQr)), unit: "ms", target: "ahead of Adyen Web", baseline: `Adyen Web: ${Math.round(median(theirsQr))} ms (${range(theirsQr)}); ours ahead by ${Math.round(median(ahead))} ms (${range(ahead)})` }));
console.log(JSON.stringify({ name: `slow 4G: time to QR, PromptPay tapped once the widget runs (median of ${qrRounds} paired rounds)`, value: Math.round(median(oursLiveQr)), unit: "ms", target: "measured", baseline: `Adyen Web (tapped at its first chance): ${Math.round(median(theirsQr))} ms; ours ahead by ${Math.round(median(aheadLive))} ms (${range(aheadLive)})` }));
process.exit(0);
