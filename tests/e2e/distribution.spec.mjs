// The ways merchants embed paywasm, each under a strict Content Security Policy: the script tag
// from a CDN on another origin (the gateway's versioned /pkg/, pinned by its integrity hash),
// the hosted page served by a plain static server on a third origin (HOSTED) in the shop's
// iframe, and the npm package in a Vite app.
import { test, expect } from "@playwright/test";
import { readFileSync } from "node:fs";
import { gatewayGet, gatewayPost, onAuthorizePage } from "./gateway.mjs";
import { GATEWAY, HOSTED, SHOP, VITE_APP } from "../../playwright.config.mjs";

function noCspViolations(page) {
  const violations = [];
  page.on("console", (m) => /Content Security Policy/i.test(m.text()) && violations.push(m.text()));
  page.on("pageerror", (e) => violations.push(e.message));
  return violations;
}

test("script tag: merchant code written for Omise.js creates a source unchanged", async ({ page }) => {
  const violations = noCspViolations(page);
  const response = await page.goto("/examples/script-tag");
  expect(response.headers()["content-security-policy"]).toContain(`script-src 'self' ${GATEWAY} 'wasm-unsafe-eval'`);
  const sent = page.waitForRequest((r) => r.url().endsWith("/sources") && r.method() === "POST");
  await page.getByRole("button", { name: "Create a PromptPay source" }).click();
  const result = page.getByText(/^200 src_test_/);
  await expect(result).toBeVisible();
  // Omise.js sends no Omise-Version; we do
  expect((await sent).headers()["omise-version"]).toBe("2017-11-02");
  const sourceId = (await result.textContent()).split(" ")[1];
  const source = await gatewayGet(`/sources/${sourceId}`);
  expect(source.status).toBe(200);
  expect(source.body.type).toBe("promptpay");
  expect(violations).toEqual([]);
});

test("script tag: the cashier's view brings the cashier's stylesheet, pinned by its hash; a checkout's page never downloads it", async ({ page }) => {
  const violations = noCspViolations(page);
  const stylesheets = [];
  page.on("request", (r) => r.resourceType() === "stylesheet" && stylesheets.push(new URL(r.url()).pathname));
  await page.goto("/examples/script-tag");
  await expect(page.getByRole("button", { name: "PromptPay", exact: true })).toBeVisible();
  expect(stylesheets.filter((path) => path.endsWith("paywasm-pos.css"))).toEqual([]);
  await page.evaluate(() => {
    const till = document.createElement("div");
    till.id = "till";
    document.body.append(till);
    return Paywasm.mount(till, { mode: "pos", amount: 40000, currency: "THB", posUrl: "/pos/charges", chargeUrl: "/checkout/charges", storeId: "store_1234", storeName: "Silom", terminalId: "POS-01" });
  });
  const code = page.locator("#till").getByRole("textbox");
  await expect(code).toBeVisible();
  await expect(page.locator('link[href$="/paywasm-pos.css"]')).toHaveAttribute("integrity", /^sha256-/);
  // Its rules in force: the code a cashier reads at arm's length is large.
  await expect(code).toHaveCSS("font-size", "24px");
  expect(violations).toEqual([]);
});

for (const file of ["paywasm.js", "paywasm_bg.wasm"]) {
  test(`script tag: ${file} changed on the CDN is refused, since embed.js carries its hash`, async ({ page }) => {
    const logged = [];
    page.on("console", (m) => logged.push(m.text()));
    // A compromised CDN serves a changed copy (one byte more, at the end).
    await page.route(`${GATEWAY}/pkg/0.1.0/${file}`, async (route) => {
      const response = await route.fetch();
      const body = Buffer.concat([await response.body(), Buffer.from(file.endsWith(".js") ? "\n" : [0])]);
      await route.fulfill({ response, body });
    });
    await page.goto("/examples/script-tag");
    await expect.poll(() => logged.join("\n")).toMatch(new RegExp(`integrity[\\s\\S]*${file.replace(".", "\\.")}|${file.replace(".", "\\.")}[\\s\\S]*integrity`, "i"));
    await page.waitForTimeout(500);
    await expect(page.getByRole("button", { name: "PromptPay", exact: true })).toHaveCount(0);
  });
}

test("script tag: Omise.createSource passes the gateway's refusal to the callback as Omise.js does", async ({ page }) => {
  await page.goto("/examples/script-tag");
  const answer = await page.evaluate(
    () => new Promise((resolve) => window.Omise.createSource("promptpay", { amount: 100, currency: "THB" }, (status, response) => resolve({ status, response }))),
  );
  expect(answer.status).toBe(400);
  expect(answer.response.object).toBe("error");
  expect(answer.response.code).toBe("invalid_amount");
  // without a callback it is a Promise, rejected with the error object
  const rejected = await page.evaluate(() => window.Omise.createSource("bitcoin", { amount: 2000, currency: "THB" }).catch((e) => e.response.code));
  expect(rejected).toBe("bad_request");
  // a secret key is refused in the page
  const refused = await page.evaluate(() => { try { window.Omise.setPublicKey("skey_test_x"); return "accepted"; } catch (e) { return e.message; } });
  expect(refused).toContain("secret key");
});

test("every entry point refuses either gateway's secret key, by policy.js's one rule, and names its version", async ({ page }) => {
  const { GATEWAYS, VERSION } = await import("../../pkg/policy.js");
  await page.goto("/examples/script-tag");
  const tries = await page.evaluate(async (keys) => {
    const attempt = async (call) => { try { await call(); return "accepted"; } catch (e) { return e.message; } };
    const { mountFrame } = await import(new URL("frame.js", document.querySelector("script[src$='embed.js']").src).href);
    const out = {};
    for (const key of keys) {
      out[key] = {
        setPublicKey: await attempt(() => window.Omise.setPublicKey(key)),
        mountFrame: await attempt(() => mountFrame(document.body, { publicKey: key, amount: 100, currency: "THB" })),
        mount: await attempt(() => window.Paywasm.mount(document.createElement("div"), { publicKey: key, amount: 100, currency: "THB", chargeUrl: "/c", order: "o" })),
      };
    }
    return { out, version: window.Paywasm.version };
  }, [`${GATEWAYS.omise.secretKey}test_x`, `${GATEWAYS.wooshpay.secretKey}test_x`]);
  for (const gateway of [GATEWAYS.omise, GATEWAYS.wooshpay]) {
    for (const [entry, message] of Object.entries(tries.out[`${gateway.secretKey}test_x`])) {
      expect(message, entry).toContain(`secret key (${gateway.secretKey}...)`);
      expect(message, entry).toContain(`public key (${gateway.publicKey}...)`);
    }
  }
  expect(tries.version).toBe(VERSION);
  const manifest = await (await fetch(`${GATEWAY}/pkg/${VERSION}/package.json`)).json();
  expect(manifest.version).toBe(VERSION);
});

for (const csp of ["with", "without"]) {
  test(`script tag from a CDN on another origin, ${csp} a strict CSP: a declarative checkout takes a PromptPay payment`, async ({ page }) => {
    const violations = noCspViolations(page);
    // Every file of the widget comes from the CDN's versioned path, as CORS requests.
    const loads = [];
    page.on("response", (r) => r.url().startsWith(`${GATEWAY}/pkg/`) && loads.push(r));
    const response = await page.goto(csp === "with" ? "/examples/script-tag" : "/examples/script-tag?csp=off");
    expect(new URL(page.url()).origin).not.toBe(GATEWAY);
    expect(response.headers()["content-security-policy"] === undefined).toBe(csp === "without");
    const created = page
      .waitForResponse((r) => r.url() === `${SHOP}/checkout/charges` && r.request().method() === "POST")
      .then((r) => r.json());
    // the widget's styles applied: the method buttons are laid out by paywasm.css
    const methods = page.getByRole("group", { name: /method/i });
    await expect(methods).toHaveCSS("display", "grid");
    await page.getByRole("button", { name: "PromptPay", exact: true }).click();
    await expect(page.getByRole("img", { name: /QR/ })).toBeVisible();
    const files = loads.map((r) => new URL(r.url()).pathname);
    for (const file of ["embed.js", "paywasm.js", "paywasm_bg.wasm", "paywasm.css"]) {
      expect(files).toContain(`/pkg/0.1.0/${file}`);
    }
    for (const load of loads) {
      expect(load.status(), load.url()).toBe(200);
      expect(load.headers()["access-control-allow-origin"]).toBe("*");
      expect(load.headers()["cache-control"]).toBe("public, max-age=31536000, immutable");
      // compressed as a CDN sends them, brotli (the wasm: 73 KB instead of 212; 85 gzip), and
      // cached per encoding
      expect(load.headers()["content-encoding"], load.url()).toBe("br");
      expect(load.headers()["vary"], load.url()).toMatch(/accept-encoding/i);
    }
    await gatewayPost(`/charges/${(await created).id}/mark_as_paid`);
    const checkout = page.getByRole("region", { name: "Declarative checkout" });
    await expect(checkout.getByRole("status")).toContainText("successful");
    expect(violations).toEqual([]);
  });
}

test("hosted page: served by a plain static server on a third origin, the checkout runs in the shop's iframe and the shop hears the outcome", async ({ page }) => {
  const violations = noCspViolations(page);
  await page.goto("/examples/iframe");
  // neither the shop's origin nor the gateway's: the hosted page from pkg/hosted/, as any static server serves it
  const src = new URL(await page.getByTitle("Payment").getAttribute("src"));
  expect(`${src.origin}${src.pathname}`).toBe(`${HOSTED}/hosted/`);
  const frame = page.getByTitle("Payment").contentFrame();
  const created = page
    .waitForResponse((r) => r.url() === `${SHOP}/checkout/charges` && r.request().method() === "POST")
    .then((r) => r.json());
  await frame.getByRole("button", { name: "PromptPay" }).click();
  await expect(frame.getByRole("img", { name: /QR/ })).toBeVisible();
  // the frame grew to its content: the whole QR panel shows without scrolling inside it
  // (the frame says its new height by postMessage, which may land just after the QR shows)
  await expect.poll(async () => Number(await page.getByTitle("Payment").getAttribute("height"))).toBeGreaterThan(300);
  const charge = await created;
  await gatewayPost(`/charges/${charge.id}/mark_as_paid`);
  await expect(frame.getByRole("status")).toContainText("successful");
  await expect(page.getByText(`successful (${charge.id})`)).toBeVisible();
  expect(violations).toEqual([]);
});

test("hosted page: Alipay breaks out to the top window's authorize page and returns", async ({ page }) => {
  await page.goto("/examples/iframe");
  await page.getByTitle("Payment").contentFrame().getByRole("button", { name: "Alipay" }).click();
  await page.waitForURL(onAuthorizePage);
  await page.getByRole("button", { name: "Succeed" }).click();
  await page.waitForURL(`${SHOP}/return?order=*`);
  await expect(page.getByRole("status")).toContainText("successful");
});

test("hosted page: messages from another origin or another window are ignored", async ({ page }) => {
  await page.goto("/examples/iframe");
  const frame = page.getByTitle("Payment").contentFrame();
  await expect(frame.getByRole("button", { name: "PromptPay" })).toBeVisible();
  // A hostile script in the shop's page forges the frame's messages: wrong source window.
  await page.evaluate(() => {
    window.postMessage({ protocol: "paywasm", version: 1, type: "redirect", url: "https://evil.example/" }, "*");
    window.postMessage({ protocol: "paywasm", version: 1, type: "complete", charge: { id: "chrg_forged", status: "successful" } }, "*");
  });
  await page.waitForTimeout(300);
  expect(page.url()).toContain("/examples/iframe");
  await expect(page.getByText("chrg_forged")).toHaveCount(0);
  // The hosted page opened directly, not framed by the origin it names, refuses to run.
  await page.goto(`${HOSTED}/hosted/?origin=https%3A%2F%2Fevil.example`);
  await expect(page.getByText("opens inside a shop's page")).toBeVisible();
  await expect(page.getByRole("button", { name: "PromptPay" })).toHaveCount(0);
});

test("hosted page: WooshPay runs framed too (gateway and clientSecret pass), Alipay breaks out and the return page shows success", async ({ page }) => {
  const wasm = [];
  page.on("request", (r) => r.url().endsWith(".wasm") && wasm.push(new URL(r.url()).pathname));
  await page.goto("/examples/iframe?gateway=wooshpay");
  const frame = page.getByTitle("Payment").contentFrame();
  await expect(frame.getByRole("button", { name: "Alipay" })).toBeEnabled();
  // the frame loads the checkout's build for the gateway its options name, and only that one
  expect(wasm).toEqual(["/paywasm_wooshpay_bg.wasm"]);
  const created = page.waitForResponse((r) => r.url() === `${SHOP}/wooshpay/payment_intents` && r.request().method() === "POST");
  await frame.getByRole("button", { name: "Alipay" }).click();
  // the frame (on the static server's origin) asked the shop for the PaymentIntent, across origins
  expect((await (await created).request().allHeaders())["origin"]).toBe(HOSTED);
  await page.waitForURL(`${GATEWAY}/**`);
  await expect(page.getByRole("heading", { name: "Scan with Alipay to pay" })).toBeVisible();
  await page.getByRole("button", { name: "Succeed" }).click();
  await page.waitForURL(`${SHOP}/wooshpay/return?**`);
  await expect(page.getByRole("status")).toHaveText("Payment successful. Thank you!");
});

test("hosted page: the parent passes every option the checkout has (its TypeScript MountOptions, but mode and the callbacks)", async () => {
  const declared = readFileSync("pkg/paywasm.d.ts", "utf8").match(/export interface MountOptions \{([\s\S]*?)\n\}/)[1];
  const options = [...declared.matchAll(/^\s+(\w+)\??:/gm)].map((m) => m[1]);
  const passed = options.filter((name) => name !== "mode" && !/^on[A-Z]/.test(name));
  const { FRAME_OPTIONS } = await import("../../pkg/policy.js");
  expect([...FRAME_OPTIONS].sort()).toEqual(passed.sort());
});

test("hosted page: a redirect to a page that is not the gateway's is not followed by the parent", async ({ page }) => {
  await page.goto("/examples/iframe");
  const frame = page.getByTitle("Payment").contentFrame();
  await expect(frame.getByRole("button", { name: "PromptPay" })).toBeVisible();
  // Script in the hosted page itself (a compromised copy) asks the parent to go elsewhere.
  await frame.locator("body").evaluate(() => {
    const origin = new URLSearchParams(location.search).get("origin");
    for (const url of ["https://evil.example/", `${location.origin}/phish`, "javascript:alert(1)"]) {
      window.parent.postMessage({ protocol: "paywasm", version: 1, type: "redirect", url }, origin);
    }
  });
  await page.waitForTimeout(300);
  expect(page.url()).toContain("/examples/iframe");
});

test("hosted page: options the checkout cannot use tell the customer what to do and the shop why", async ({ page }) => {
  // The shop's page passes an amount the checkout refuses.
  await page.addInitScript(() => {
    new MutationObserver((_, observer) => {
      const config = document.getElementById("checkout-config");
      if (!config?.textContent) return;
      config.textContent = JSON.stringify({ ...JSON.parse(config.textContent), amount: -5 });
      observer.disconnect();
    }).observe(document, { childList: true, subtree: true, characterData: true });
  });
  await page.goto("/examples/iframe");
  const frame = page.getByTitle("Payment").contentFrame();
  await expect(frame.getByRole("alert")).toHaveText("This checkout could not start. Please go back to the shop and try again.");
  await expect(page.getByText("error invalid_options")).toBeVisible();
});

test("npm package: a plain Vite app that imports it by path builds and runs", async ({ page }) => {
  const errors = noCspViolations(page);
  const response = await page.goto(VITE_APP);
  expect(response.headers()["content-security-policy"]).toContain("script-src 'self' 'wasm-unsafe-eval'");
  await expect(page.getByRole("button", { name: "PromptPay", exact: true })).toBeVisible();
  await expect(page).toHaveTitle(/0\.1\.0$/);
  await page.getByRole("button", { name: "Create a PromptPay source" }).click();
  const result = page.getByText(/^created src_test_/);
  await expect(result).toBeVisible();
  const source = await gatewayGet(`/sources/${(await result.textContent()).split(" ")[1]}`);
  expect(source.body.amount).toBe(129000);
  expect(errors).toEqual([]);
});

test("each build answers a fraction where text belongs with the field's own sentence (their float formatting is emptied: serde's messages, its one user, are never shown)", async ({ page }) => {
  await page.goto("/");
  const cases = [
    ["paywasm.js", { publicKey: 1.5, amount: 100, currency: "THB", chargeUrl: "/c", order: "o" }, "publicKey must be a string"],
    ["paywasm.js", { publicKey: "pkey_test_x", amount: 100, currency: "THB", chargeUrl: "/c", order: "o", methods: [0.5] }, "methods must be an array of method names"],
    ["paywasm_wooshpay.js", { gateway: "wooshpay", publicKey: "pk_test_x", amount: 100, currency: "CNY", chargeUrl: "/c", order: -2.75 }, "order must be a string"],
    ["paywasm_pos.js", { mode: "pos", publicKey: "pkey_test_x", storeId: "store_1", storeName: 1e-7, terminalId: "POS-1" }, "storeName must be a string"],
  ];
  const messages = await page.evaluate(async (cases) => {
    const out = [];
    for (const [file, options] of cases) {
      const build = await import(`/pkg/${file}`);
      await build.default();
      try {
        build.mount(document.createElement("div"), options);
        out.push("mounted");
      } catch (error) {
        out.push(`${error.constructor.name}: ${error.message}`);
      }
    }
    return out;
  }, cases);
  // An Error with the sentence, not a WebAssembly RuntimeError (a trap) nor a mounted checkout.
  cases.forEach(([file, , sentence], i) => {
    expect(messages[i], file).toMatch(/^Error: /);
    expect(messages[i], file).toContain(sentence);
  });
});

test("the checkout's build without Opn's other methods, imported directly and handed one, says which build has it", async ({ page }) => {
  await page.goto("/");
  const answers = await page.evaluate(async () => {
    const options = { publicKey: "pkey_test_x", amount: 100, currency: "THB", chargeUrl: "/c", order: "o", methods: ["promptpay", "truemoney"] };
    const out = [];
    for (const file of ["paywasm.js", "paywasm_methods.js"]) {
      const build = await import(`/pkg/${file}`);
      await build.default();
      try {
        build.mount(document.createElement("div"), options).unmount();
        out.push("mounted");
      } catch (error) {
        out.push(error.message);
      }
    }
    return out;
  });
  expect(answers[0]).toContain("methods: unknown payment method 'truemoney'");
  expect(answers[0]).toContain("paywasm_methods.js, which mount loads");
  expect(answers[1]).toBe("mounted");
});

test("the hosted page is refused on the shop's own origin, where the iframe's sandbox would not hold", async ({ page }) => {
  await page.goto("/examples/iframe");
  await expect(page.getByTitle("Payment").contentFrame().getByRole("button", { name: "PromptPay" })).toBeVisible();
  const refused = await page.evaluate(async () => {
    const { mountFrame } = await import("/pkg/frame.js");
    const config = JSON.parse(document.getElementById("checkout-config").textContent);
    try {
      mountFrame(document.body, { ...config, frameUrl: `${location.origin}/pkg/hosted/`, title: "Same origin" });
      return "mounted";
    } catch (error) {
      return error.message;
    }
  });
  expect(refused).toContain("another origin than this page");
  await expect(page.getByTitle("Same origin")).toHaveCount(0);
});

test("without data-paywasm-declarative on its script tag, embed.js mounts no markup injected into the page", async ({ page }) => {
  await page.goto("/examples/script-tag");
  await expect(page.locator("[data-paywasm-amount]").getByRole("button", { name: "PromptPay" })).toBeVisible();
  const src = await page.locator("script[src$='embed.js']").getAttribute("src");
  // A page with embed.js, not opted in, into which someone injected a checkout's markup.
  await page.setContent(`<!doctype html><div id="injected" data-paywasm-amount="129000" data-paywasm-currency="THB" data-paywasm-public-key="pkey_test_attacker" data-paywasm-charge-url="/c" data-paywasm-order="o"></div><div id="merchants"></div><script src="${src}"></script>`);
  await page.waitForFunction(() => window.Paywasm && window.Omise);
  // The merchant's own mount, by script: once it shows, the widget has loaded, and a declared
  // element would have been mounted by then.
  await page.evaluate(() => window.Paywasm.mount("#merchants", { publicKey: "pkey_test_merchant", amount: 129000, currency: "THB", chargeUrl: "/c", order: "o", locale: "en" }));
  await expect(page.locator("#merchants").getByRole("button", { name: "PromptPay" })).toBeVisible();
  await expect(page.locator("#injected")).toBeEmpty();
});

// The builds speak English; each way of loading them fetches the words of the one language the
// customer reads (paywasm-words-<subtag>.js), and no other, and the checkout speaks it through
// to the QR's wait (words only the widget draws, never the server's first view).
for (const [locale, way, url, fetched, waiting] of [
  ["th-TH", "script tag from a CDN", "/examples/script-tag", "paywasm-words-th.js", "กำลังรอการชำระเงิน"],
  ["ja-JP", "hosted page", "/examples/iframe", "paywasm-words-ja.js", "お支払いをお待ちしています"],
  ["zh-CN", "npm package", "/", "paywasm-words-zh.js", "正在等待付款"],
  ["zh-TW", "npm package", "/", null, "Waiting for your payment"],
  ["en-US", "script tag from a CDN", "/examples/script-tag", null, "Waiting for your payment"],
]) {
  test.describe(`in ${locale}`, () => {
    test.use({ locale });
    test(`${way}: the words of the customer's language only are fetched, and spoken`, async ({ page, context }) => {
      const words = [];
      context.on("request", (r) => /paywasm-words-/.test(r.url()) && words.push(new URL(r.url()).pathname.split("/").pop()));
      await page.goto(url);
      const checkout =
        url === "/examples/iframe"
          ? page.getByTitle("Payment").contentFrame()
          : url === "/examples/script-tag"
            ? page.getByRole("region", { name: "Declarative checkout" })
            : page;
      await checkout.getByRole("button", { name: "PromptPay", exact: true }).click();
      await expect(checkout.getByRole("status")).toContainText(waiting);
      expect(words).toEqual(fetched ? [fetched] : []);
    });
  });
}
