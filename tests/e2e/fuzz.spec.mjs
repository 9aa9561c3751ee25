// Hostile input at the browser boundary, fuzzed with seeded random values:
// - the widget's options: what a merchant page passes to `mount`, and what the hosted frame's
//   parent sends in its "init" message, for the checkout and the cashier view;
// - the messages of protocol "paywasm" between the hosted frame and the parent helper
//   (`pkg/frame.js`), both ways, sent from the right window and origin, so that only the
//   shape checks stand between a message and the page.
// Every case must end in a checkout or a clear error: never a WebAssembly trap (a panic), an
// uncaught exception, a navigation, or a callback given something other than what it promises.
//
//   PAYWASM_FUZZ_CASES (cases per test, default 300) and PAYWASM_FUZZ_SEED (default: the day's
//   number, printed, so that a failure can be replayed) change the runs; the documented long run is
//   PAYWASM_FUZZ_CASES=5000 npx playwright test tests/e2e/fuzz.spec.mjs
import { test, expect } from "@playwright/test";
import { GATEWAY, HOSTED, SHOP } from "../../playwright.config.mjs";

const CASES = Number(process.env.PAYWASM_FUZZ_CASES ?? 300);
// The default changes every day (new cases) but is the same in every worker of a run.
const SEED = Number(process.env.PAYWASM_FUZZ_SEED ?? Math.floor(Date.now() / 86_400_000));
const HOSTILE_MARKUP = `<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>`;

/** mulberry32: small, seeded, good enough to pick cases. */
function generator(seed) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  const int = (n) => Math.floor(next() * n);
  const pick = (list) => list[int(list.length)];
  return { next, int, pick };
}

const OPTION_KEYS = [
  "publicKey", "amount", "currency", "chargeUrl", "order", "chargeId", "locale", "merchantName",
  "methods", "gateway", "gatewayUrl", "mode", "onComplete", "onError", "onStateChange",
  "onRedirect", "storeId", "storeName", "terminalId", "title",
];
const MESSAGE_TYPES = ["ready", "init", "resize", "state", "complete", "error", "redirect", "expired", "cancel"];
// URLs a message may ask the parent to open: none of them is one of the gateway's pages.
const URLS = [
  "https://evil.example/", "javascript:window.__xss=3", "data:text/html,<script>window.__xss=4</script>",
  `${GATEWAY.replace("http://", "http://user:pw@")}/payments/x/authorize`, "http://127.0.0.1.evil.example/",
  `${SHOP}/return`, "/payments/x/authorize", "", "ftp://127.0.0.1:17070/", "http://[::1]:17070/",
  "//evil.example/x", "https://api.omise.co.evil.example/",
];
// Values that are not JSON: markers replaced in the page (see `decode`).
const SPECIAL = ["NaN", "Infinity", "-Infinity", "-0", "undefined", "bigint", "function", "symbol", "throwingGetter", "date", "regexp"];

/** A random value, JSON with markers for what JSON cannot carry. */
function anyValue(random, depth = 0) {
  const strings = [
    "", " ", "THB", "thb", "JPY", "SGD", "XXX", "promptpay", "alipay_cn", "wechat_pay_upm", "pos",
    "omise", "wooshpay", "th", "ja", "zh-CN", "en", "pkey_test_x", "pkey_", "skey_test_5paywasmsandbox0demo0",
    "sk_test_x", HOSTILE_MARKUP, "\u0000", "\ud800", "💳".repeat(40), "x".repeat(20000), ...URLS,
    String(random.int(1e9)), `ord_${random.int(1e6)}`, `chrg_test_${random.int(1e6)}`,
  ];
  const numbers = [0, -1, 1, 0.5, 40000, 129000, 2 ** 31, 2 ** 53 + 2, 1e21, -1e308, Number.MAX_SAFE_INTEGER, random.int(1e7)];
  const roll = random.next();
  if (roll < 0.1) return { $: random.pick(SPECIAL) };
  if (roll < 0.35) return random.pick(strings);
  if (roll < 0.55) return random.pick(numbers);
  if (roll < 0.62) return random.pick([null, true, false]);
  if (depth >= 3 || roll < 0.8) {
    return depth >= 3 ? random.pick(strings) : Array.from({ length: random.int(4) }, () => anyValue(random, depth + 1));
  }
  const object = {};
  for (let i = random.int(5); i > 0; i--) {
    object[random.next() < 0.6 ? random.pick(OPTION_KEYS.concat(["code", "message", "id", "status", "height"])) : random.pick(strings).slice(0, 20)] = anyValue(random, depth + 1);
  }
  return object;
}

/** Valid options with one to three of them broken, or (one case in ten) anything at all. */
function optionsCase(random, valid) {
  if (random.next() < 0.1) return anyValue(random);
  const options = { ...valid };
  if (random.next() < 0.2) Object.assign(options, { mode: "pos", storeId: "store_1", terminalId: "POS-1" });
  for (let i = 1 + random.int(3); i > 0; i--) {
    const key = random.pick(OPTION_KEYS);
    if (random.next() < 0.25) delete options[key];
    else options[key] = anyValue(random);
  }
  return options;
}

function messageCase(random) {
  if (random.next() < 0.25) return anyValue(random);
  const message = { protocol: "paywasm", version: random.next() < 0.9 ? 1 : anyValue(random), type: random.next() < 0.9 ? random.pick(MESSAGE_TYPES) : anyValue(random) };
  for (const field of ["height", "state", "charge", "error", "url", "options", "session"]) {
    if (random.next() < 0.4) message[field] = field === "url" && random.next() < 0.7 ? random.pick(URLS) : anyValue(random);
  }
  return message;
}

/** Installs, in the page and its frames, the reviver of `anyValue`'s markers. */
function installDecode() {
  window.__decode = function decode(value) {
    if (Array.isArray(value)) return value.map(decode);
    if (value === null || typeof value !== "object") return value;
    if (typeof value.$ === "string" && Object.keys(value).length === 1) {
      switch (value.$) {
        case "NaN": return NaN;
        case "Infinity": return Infinity;
        case "-Infinity": return -Infinity;
        case "-0": return -0;
        case "undefined": return undefined;
        case "bigint": return 12345678901234567890n;
        case "function": return function hostile() { window.__called = true; return { then: 1 }; };
        case "symbol": return Symbol("hostile");
        case "throwingGetter":
          return new Proxy({}, {
            get() { throw new Error("hostile getter"); },
            has() { throw new Error("hostile has"); },
            ownKeys() { throw new Error("hostile keys"); },
          });
        case "date": return new Date(NaN);
        case "regexp": return /x/g;
      }
    }
    const object = {};
    for (const [key, inner] of Object.entries(value)) object[key] = decode(inner);
    return object;
  };
}

function collectErrors(page) {
  const errors = [];
  page.on("pageerror", (error) => errors.push(error.message));
  return errors;
}

test.describe("fuzz", () => {
  test("random options: every mount is a checkout or a clear error, never a trap", async ({ page }) => {
    test.setTimeout(120_000);
    const errors = collectErrors(page);
    await page.addInitScript(installDecode);
    await page.goto("/examples/iframe");
    const valid = await page.evaluate(() => JSON.parse(document.getElementById("checkout-config").textContent));
    const random = generator(SEED);
    const cases = Array.from({ length: CASES }, () => optionsCase(random, valid));
    const outcome = await page.evaluate(
      async (cases) => {
        const decode = window.__decode;
        const { mount } = await import("/pkg/index.js");
        const counts = { mounted: 0, refused: 0 };
        const wrong = [];
        // What must be refused whatever else the options say: a mode that is neither view, and
        // (in the checkout) a callback that is not a function, which would never be called.
        const mustRefuse = (options) => {
          if (options === null || typeof options !== "object" || Array.isArray(options)) return true;
          const given = (value) => value !== undefined && value !== null;
          if (given(options.mode) && options.mode !== "checkout" && options.mode !== "pos") return true;
          const callbacks = ["onComplete", "onError", "onStateChange", "onRedirect"];
          return options.mode !== "pos" && callbacks.some((key) => given(options[key]) && typeof options[key] !== "function");
        };
        for (const [index, encoded] of cases.entries()) {
          const target = document.createElement("div");
          document.body.append(target);
          const options = decode(encoded);
          const plain = encoded === null || typeof encoded !== "object" || encoded.$ === undefined;
          try {
            const mounted = await mount(target, options);
            counts.mounted++;
            mounted.unmount();
            if (plain && mustRefuse(options)) wrong.push({ index, error: "mounted, should have been refused", options: JSON.stringify(encoded).slice(0, 300) });
          } catch (error) {
            const clear =
              error instanceof Error &&
              error.name !== "RuntimeError" &&
              !/unreachable|panicked|RuntimeError|null pointer|recursive use/i.test(error.message) &&
              error.message.length >= 10;
            if (clear) counts.refused++;
            else wrong.push({ index, error: `${error?.name}: ${error?.message ?? error}`, options: JSON.stringify(encoded).slice(0, 300) });
          }
          target.remove();
        }
        return { counts, wrong };
      },
      cases,
    );
    console.log(`fuzz options: ${CASES} cases, ${outcome.counts.mounted} mounted, ${outcome.counts.refused} refused with a clear error, ${outcome.wrong.length} wrong (seed ${SEED})`);
    expect(outcome.wrong).toEqual([]);
    // The cases reach both ends: the generator is not only producing what is refused at once.
    expect(outcome.counts.mounted).toBeGreaterThan(CASES / 20);
    expect(outcome.counts.refused).toBeGreaterThan(CASES / 20);
    expect(await page.evaluate(() => window.__xss)).toBeUndefined();
    expect(errors).toEqual([]);
    // After all that the widget still works: the page's own hosted checkout, and a new mount.
    await page.evaluate(async (valid) => {
      const { mount } = await import("/pkg/index.js");
      const target = document.createElement("div");
      target.id = "after-fuzz";
      document.body.append(target);
      await mount(target, { ...valid, gatewayUrl: valid.gatewayUrl });
    }, valid);
    await expect(page.locator("#after-fuzz").getByRole("button", { name: "PromptPay" })).toBeVisible();
  });

  test("random messages both ways between the hosted frame and its parent are ignored or handled safely", async ({ page }) => {
    test.setTimeout(120_000);
    const errors = collectErrors(page);
    await page.addInitScript(installDecode);
    await page.goto("/examples/iframe");
    const before = page.url();
    // A second frame mounted by the test with callbacks that record what they are given.
    await page.evaluate(async () => {
      const { mountFrame } = await import("/pkg/frame.js");
      const config = JSON.parse(document.getElementById("checkout-config").textContent);
      const holder = document.createElement("div");
      document.body.append(holder);
      window.__given = { bad: [], complete: 0, error: 0, state: 0 };
      const given = window.__given;
      window.__fuzzFrame = mountFrame(holder, {
        ...config,
        title: "Fuzzed payment",
        onComplete: (charge) => (charge !== null && typeof charge === "object" ? given.complete++ : given.bad.push(["complete", String(charge)])),
        onError: (error) => (typeof error?.code === "string" ? given.error++ : given.bad.push(["error", String(error)])),
        onStateChange: (state) => (typeof state === "string" ? given.state++ : given.bad.push(["state", String(state)])),
      }).iframe;
    });
    const frame = page.getByTitle("Fuzzed payment").contentFrame();
    await expect(frame.getByRole("button", { name: "PromptPay" })).toBeVisible();
    const frameHandle = await page.getByTitle("Fuzzed payment").elementHandle();
    const inFrame = await frameHandle.contentFrame();
    await inFrame.evaluate(() => {
      window.__errors = [];
      addEventListener("error", (event) => window.__errors.push(event.message));
      addEventListener("unhandledrejection", (event) => window.__errors.push(String(event.reason)));
    });

    const random = generator(SEED ^ 0x5eed);
    const toParent = Array.from({ length: CASES }, () => messageCase(random));
    const toFrame = Array.from({ length: CASES }, () => messageCase(random));
    // From the frame itself (right window, right origin) to the parent helper.
    const sentUp = await inFrame.evaluate(
      (messages) => {
        const decode = window.__decode;
        let sent = 0;
        for (const message of messages) {
          try {
            window.parent.postMessage(decode(message), "*");
            sent++;
          } catch {
            // not cloneable (a function, a symbol, a throwing getter): cannot be sent at all
          }
        }
        return sent;
      },
      toParent,
    );
    // From the parent (right window, right origin) to the frame, "init" with random options
    // included: the frame is mounted already and must stay as it is.
    const sentDown = await page.evaluate(
      ([messages, gateway]) => {
        const decode = window.__decode;
        let sent = 0;
        for (const message of messages) {
          try {
            window.__fuzzFrame.contentWindow.postMessage(decode(message), gateway);
            sent++;
          } catch {
            // not cloneable
          }
        }
        return sent;
      },
      [toFrame, HOSTED],
    );
    await page.waitForTimeout(500);
    console.log(`fuzz messages: ${sentUp} sent by the frame to its parent, ${sentDown} by the parent to the frame (seed ${SEED})`);
    expect(sentUp).toBeGreaterThan(CASES / 2);
    expect(sentDown).toBeGreaterThan(CASES / 2);

    expect(page.url()).toBe(before);
    const given = await page.evaluate(() => window.__given);
    expect(given.bad).toEqual([]);
    // The cases reached the handlers, not only the shape checks.
    expect(given.complete + given.error + given.state).toBeGreaterThan(0);
    const height = await page.evaluate(() => Number(window.__fuzzFrame.height));
    expect(height).toBeGreaterThanOrEqual(80);
    expect(height).toBeLessThanOrEqual(4000);
    expect(await page.evaluate(() => window.__xss)).toBeUndefined();
    expect(await inFrame.evaluate(() => [window.__xss, window.__errors])).toEqual([undefined, []]);
    expect(errors).toEqual([]);
    // The frame still takes the customer's order.
    await expect(frame.getByRole("button", { name: "PromptPay" })).toBeVisible();
    await frame.getByRole("button", { name: "PromptPay" }).click();
    await expect(frame.getByRole("img", { name: /PromptPay QR/i })).toBeVisible();
  });
});
