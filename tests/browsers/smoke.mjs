// The smoke suite where customers are: every browser on an iPhone runs WebKit, and the
// Playwright suite runs Chromium only. The checkout's main paths, driven as a person would
// (buttons and fields by their names), in Debian's WebKitGTK (WebKitWebDriver and its
// MiniBrowser, in a virtual display) and in Firefox ESR (over WebDriver BiDi): PromptPay shown,
// paid and announced; a failure; an expired QR; Alipay to the authorize page and back; the
// cashier's scan. Against a sandbox of its own (target/debug/paywasm-sandbox).
//
//   xvfb-run -a node tests/browsers/smoke.mjs [webkit|firefox ...]
//
// Prints one line per browser and path, and exits non-zero when one fails.
import { spawn } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import puppeteer from "puppeteer-core";
import { Builder, Key } from "selenium-webdriver";

const GATEWAY = "http://127.0.0.1:17090";
const SHOP = "http://127.0.0.1:17091";
const SECRET_KEY = "skey_test_5paywasmsandbox0demo0";
const STAFF_PIN = "2580";
const MINIBROWSER = "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser";

// In the page: the visible element of `role` whose accessible name is `name` (its aria-label,
// its label's text, or its own text), as a person finds a button or a field.
const FIND = `
  const role = arguments[0], name = arguments[1];
  const visible = (element) => element.getClientRects().length > 0 && getComputedStyle(element).visibility !== "hidden";
  const text = (element) => (element.textContent || "").replace(/\\s+/g, " ").trim();
  const nameOf = (element) => {
    if (element.getAttribute("aria-label")) return element.getAttribute("aria-label").trim();
    const labelledBy = element.getAttribute("aria-labelledby");
    if (labelledBy) return labelledBy.split(" ").map((id) => text(document.getElementById(id))).join(" ");
    if (element.labels && element.labels.length) return text(element.labels[0]);
    return text(element) || element.value || "";
  };
  const selector = role === "button" ? "button, [role=button], input[type=submit]" : "input, textarea, [role=textbox]";
  return [...document.querySelectorAll(selector)].find((element) => visible(element) && nameOf(element) === name) || null;
`;

/** Firefox ESR over WebDriver BiDi (puppeteer-core). */
async function firefox() {
  const browser = await puppeteer.launch({
    browser: "firefox",
    executablePath: "/usr/bin/firefox-esr",
    headless: true,
    protocol: "webDriverBiDi",
  });
  const page = await browser.newPage();
  const find = async (role, name) => {
    const handle = await page.evaluateHandle(new Function(FIND), role, name);
    return handle.asElement();
  };
  return {
    goto: (url) => page.goto(url),
    url: () => page.url(),
    evaluate: (body) => page.evaluate(new Function(body)),
    find,
    click: (element) => element.click(),
    type: async (element, text) => {
      await element.type(text);
      await page.keyboard.press("Enter");
    },
    close: () => browser.close(),
  };
}

/** WebKitGTK's MiniBrowser through WebKitWebDriver (selenium-webdriver), in the virtual display. */
async function webkit() {
  const port = 17095;
  const server = spawn("WebKitWebDriver", [`--port=${port}`], { stdio: "ignore" });
  const exited = new Promise((resolve) => server.once("exit", resolve));
  // Until it listens: a fixed half second was not always enough on a loaded machine (a
  // clean-clone CI run found nothing listening at the fourth path and failed it).
  await until(
    "WebKitWebDriver to listen",
    async () => (await fetch(`http://127.0.0.1:${port}/status`).catch(() => null))?.ok,
    20_000,
  );
  const driver = await new Builder()
    .usingServer(`http://127.0.0.1:${port}`)
    .withCapabilities({ browserName: "MiniBrowser", "webkitgtk:browserOptions": { binary: MINIBROWSER, args: ["--automation"] } })
    .build();
  return {
    goto: (url) => driver.get(url),
    url: () => driver.getCurrentUrl(),
    evaluate: (body) => driver.executeScript(body),
    find: (role, name) => driver.executeScript(FIND, role, name),
    click: (element) => element.click(),
    type: (element, text) => element.sendKeys(text, Key.ENTER),
    close: async () => {
      await driver.quit().catch(() => {});
      server.kill();
      // Gone before the next path starts another on the same port.
      await exited;
    },
  };
}

/** Waits until `check` (async, truthy when done) holds, or fails naming `what`. */
async function until(what, check, timeoutMs = 15_000) {
  const end = Date.now() + timeoutMs;
  let last;
  while (Date.now() < end) {
    try {
      last = await check();
      if (last) return last;
    } catch (error) {
      last = error;
    }
    await sleep(150);
  }
  throw new Error(`${what} did not happen (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
}

const statusText = (browser) =>
  browser.evaluate(`const status = document.querySelector("[role=status]"); return status ? status.textContent : "";`);

/** Presses the button `name`, found anew until the press lands (as Playwright's locators do):
 * the shop's server-rendered first view is replaced by the widget's own once it runs. */
async function press(browser, name) {
  await until(`the button "${name}" to be pressed`, async () => {
    const button = await browser.find("button", name);
    if (!button) return false;
    await browser.click(button);
    return true;
  });
}

async function gateway(method, path, form) {
  const response = await fetch(`${GATEWAY}${path}`, {
    method,
    headers: { Authorization: "Basic " + Buffer.from(`${SECRET_KEY}:`).toString("base64") },
    body: form ? new URLSearchParams(form) : undefined,
  });
  return response.json();
}

/** Opens the shop's product page and waits for the checkout to run: the page's first view,
 * rendered by the shop, is replaced by the widget's own (the Playwright suite waits the same). */
async function openShop(browser) {
  await browser.goto(`${SHOP}/`);
  await until("the checkout to run", () =>
    browser.evaluate(`return !document.querySelector("[data-paywasm-first-view]") && !!document.querySelector(".paywasm");`),
  );
}

/** Opens the shop, picks PromptPay, and waits for the QR to show: the charge it made. */
async function showQr(browser) {
  await openShop(browser);
  const before = (await gateway("GET", "/charges?limit=1")).data[0]?.id;
  await press(browser, "PromptPay");
  await until("the QR to show", () =>
    browser.evaluate(`const img = [...document.images].find((i) => /QR/.test(i.alt) && i.getClientRects().length); return !!img && img.complete && img.naturalWidth > 0;`),
  );
  return until("the charge to be made", async () => {
    const [newest] = (await gateway("GET", "/charges?limit=1")).data;
    return newest && newest.id !== before && newest.source.type === "promptpay" ? newest : null;
  });
}

async function announced(browser, words) {
  await until(`the checkout to say "${words}"`, async () => (await statusText(browser)).includes(words));
}

const PATHS = {
  "PromptPay: the QR shows, is paid, and the payment is announced": async (browser) => {
    const charge = await showQr(browser);
    await gateway("POST", `/charges/${charge.id}/mark_as_paid`);
    await announced(browser, "successful");
  },
  "PromptPay: a failed payment is announced with its reason": async (browser) => {
    const charge = await showQr(browser);
    await gateway("POST", `/charges/${charge.id}/mark_as_failed`, { failure_code: "insufficient_balance" });
    await announced(browser, "balance is insufficient");
  },
  "PromptPay: an expired QR says so and offers a new one": async (browser) => {
    const charge = await showQr(browser);
    await gateway("POST", `/charges/${charge.id}/expire`);
    await announced(browser, "expired");
    await until('the button "New QR code" to show', () => browser.find("button", "New QR code"));
  },
  "Alipay: to the authorize page and back to the shop, paid": async (browser) => {
    await openShop(browser);
    await press(browser, "Alipay");
    await until("the gateway's authorize page", async () => /\/payments\/[^/]+\/authorize$/.test(new URL(await browser.url()).pathname));
    await press(browser, "Succeed");
    await until("the return page", async () => (await browser.url()).startsWith(`${SHOP}/return?order=`));
    await announced(browser, "successful");
  },
  "Point of sale: the cashier signs in, scans the customer's code, and the sale is paid": async (browser) => {
    await browser.goto(`${SHOP}/pos`);
    const pin = await until('the field "Staff PIN"', () => browser.find("textbox", "Staff PIN"));
    await browser.type(pin, STAFF_PIN);
    const field = await until(`the field "Customer's payment code"`, () => browser.find("textbox", "Customer's payment code"));
    // An Alipay code (28...) that the test wallet pays on the spot (...90).
    const code = "28" + String(Date.now()).slice(-14).padStart(14, "0") + "90";
    await browser.type(field, code);
    await announced(browser, "Payment successful");
  },
};

/** Starts the sandbox on the suite's ports; resolves once the shop answers. */
async function startSandbox() {
  const sandbox = spawn("target/debug/paywasm-sandbox", ["--gateway", "127.0.0.1:17090", "--shop", "127.0.0.1:17091"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  await until(
    "the sandbox to start",
    async () => (await fetch(`${SHOP}/assets/shop.css`).catch(() => null))?.ok,
    60_000,
  );
  return sandbox;
}

const BROWSERS = { webkit, firefox };
const chosen = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(BROWSERS);
const sandbox = await startSandbox();
let failed = 0;
try {
  for (const name of chosen) {
    for (const [path, run] of Object.entries(PATHS)) {
      const started = Date.now();
      let browser;
      try {
        browser = await BROWSERS[name]();
        await run(browser);
        console.log(`ok    ${name}: ${path} (${Date.now() - started} ms)`);
      } catch (error) {
        failed++;
        console.log(`FAIL  ${name}: ${path}\n      ${error.message}`);
      } finally {
        await browser?.close().catch(() => {});
      }
    }
  }
} finally {
  sandbox.kill("SIGTERM");
}
if (failed) {
  console.log(`${failed} smoke path(s) failed`);
  process.exit(1);
}
