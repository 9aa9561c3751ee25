// The first view: the shop renders the checkout's method buttons into its product page
// (paywasm_core::first_view), so a customer can tap one before the widget's WebAssembly has
// loaded, and "Confirming your payment…" into its return page. Each test holds the
// WebAssembly back to be sure of that order.
import { test, expect } from "@playwright/test";
import { GATEWAY, SHOP } from "../../playwright.config.mjs";
import { chargeCreated, holdShopScript, widgetIsLive } from "./shop.mjs";
import { gatewayGet, onAuthorizePage } from "./gateway.mjs";
import { LINE_ANDROID } from "./user-agents.mjs";

/** Holds every request for a checkout build's WebAssembly (Omise's or WooshPay's) until
 * `release()`; `released` tells, `requested` lists the files asked for. */
async function holdWasm(page) {
  const held = { released: false, requested: [] };
  const gate = new Promise((resolve) => (held.release = () => ((held.released = true), resolve())));
  await page.route(/\/pkg\/paywasm(_methods|_wooshpay)?_bg\.wasm$/, async (route) => {
    held.requested.push(new URL(route.request().url()).pathname);
    await gate;
    await route.continue();
  });
  return held;
}

test("a method tapped before the widget has loaded is started as soon as it has", async ({ page }) => {
  const violations = [];
  page.on("console", (message) => /Content Security Policy/.test(message.text()) && violations.push(message.text()));
  const wasm = await holdWasm(page);
  await page.goto("/");
  const created = chargeCreated(page);

  await page.getByRole("button", { name: "PromptPay" }).click();
  // Answered at once, as the widget itself answers a tap, while its code is still on the way.
  await expect(page.getByRole("status")).toHaveText("Preparing your payment with PromptPay…");
  await expect(page.getByRole("button", { name: "Alipay" })).toBeDisabled();
  expect(wasm.released).toBe(false);

  wasm.release();
  const qr = page.getByRole("img", { name: /QR/ });
  await expect(qr).toBeVisible();
  await expect(qr).toHaveAccessibleName(/THB 1,290\.00/);
  expect((await created).source.type).toBe("promptpay");
  // One checkout on the page, not the server's and the widget's.
  await expect(page.getByRole("status")).toHaveCount(1);
  expect(violations).toEqual([]);
});

test("PromptPay tapped before the widget has loaded: its source, its charge and its QR image are asked for while the widget loads, once each", async ({ page }) => {
  const wasm = await holdWasm(page);
  const sources = [];
  const charges = [];
  const images = [];
  page.on("request", (r) => r.url() === `${GATEWAY}/sources` && r.method() === "POST" && sources.push(r));
  page.on("request", (r) => r.url() === `${SHOP}/checkout/charges` && r.method() === "POST" && charges.push(r));
  page.on("request", (r) => r.resourceType() === "image" && r.url().includes("/downloads/") && images.push(r.url()));
  await page.goto("/");
  const early = page.waitForResponse((r) => r.url() === `${GATEWAY}/sources` && r.request().method() === "POST");
  const charged = page.waitForResponse((r) => r.url() === `${SHOP}/checkout/charges` && r.request().method() === "POST");

  await page.getByRole("button", { name: "PromptPay" }).click();
  // The gateway has made the source, and the shop the charge, before the widget's code has
  // even arrived; the charge's QR image is on its way too.
  const source = await (await early).json();
  expect(source).toMatchObject({ object: "source", type: "promptpay", amount: 129000, currency: "THB" });
  const order = JSON.parse(await page.locator("#checkout-config").textContent()).widget.order;
  expect((await charged).request().postDataJSON()).toEqual({ source: source.id, order });
  const charge = await (await charged).json();
  expect(charge).toMatchObject({ status: "pending", amount: 129000, source: { type: "promptpay" } });
  const image = charge.source.scannable_code.image.download_uri;
  await expect.poll(() => images).toEqual([image]);
  expect(wasm.released).toBe(false);

  wasm.release();
  const qr = page.getByRole("img", { name: /QR/ });
  await expect(qr).toBeVisible();
  // The widget shows that charge's QR, from the image already loaded, without asking again.
  await expect(qr).toHaveAttribute("src", image);
  expect(await qr.evaluate((img) => img.complete && img.naturalWidth > 0)).toBe(true);
  expect(sources).toHaveLength(1);
  expect(charges).toHaveLength(1);
  expect(images).toEqual([image]);
});

test("the charge the first view asked for is made but its answer lost: the widget asks again for that source, and the customer pays the one charge", async ({ page }) => {
  const wasm = await holdWasm(page);
  let posts = 0;
  let lost;
  await page.route(`${SHOP}/checkout/charges`, async (route) => {
    if (route.request().method() !== "POST") return route.continue();
    posts += 1;
    if (posts > 1) return route.continue();
    lost = await (await route.fetch()).json(); // the shop made the charge...
    return route.abort("connectionreset"); // ...but its answer never reached the page
  });
  await page.goto("/");
  const order = JSON.parse(await page.locator("#checkout-config").textContent()).widget.order;
  await page.getByRole("button", { name: "PromptPay" }).click();
  await expect.poll(() => posts).toBe(1);
  wasm.release();
  const qr = page.getByRole("img", { name: /QR/ });
  await expect(qr).toBeVisible();
  expect(posts).toBe(2);
  // The repeat named the same source: the shop answered with the charge it had made.
  await expect(qr).toHaveAttribute("src", lost.source.scannable_code.image.download_uri);
  const { body } = await gatewayGet("/charges?limit=100&order=reverse_chronological");
  expect(body.data.filter((charge) => charge.metadata?.order_id === order)).toHaveLength(1);
});

test("the payment's module is asked for at the tap, before the page's script has run, and downloaded once", async ({ page }) => {
  const script = await holdShopScript(page);
  // What reaches the network (an answer taken from the preload does not).
  const modules = [];
  await page.route("**/pkg/paywasm_payment.wasm", (route) => (modules.push(route.request()), route.continue()));
  await page.goto("/", { waitUntil: "commit" });

  const asked = page.waitForRequest((r) => r.url() === `${SHOP}/pkg/paywasm_payment.wasm`);
  await page.getByRole("button", { name: "PromptPay" }).click();
  // Asked for by the first view itself, while the widget's script is still held back.
  await asked;
  expect(script.released).toBe(false);

  script.release();
  await expect(page.getByRole("img", { name: /QR/ })).toBeVisible();
  // The widget's loader took that answer (same address, same hash) instead of asking again.
  expect(modules).toHaveLength(1);
});

test("if the source the first view asked for does not arrive, the customer is told and a second try pays", async ({ page }) => {
  const wasm = await holdWasm(page);
  let refused = 0;
  await page.route(`${GATEWAY}/sources`, (route) =>
    route.request().method() === "POST" && refused++ === 0 ? route.abort("connectionreset") : route.continue(),
  );
  await page.goto("/");
  await page.getByRole("button", { name: "PromptPay" }).click();
  await expect.poll(() => refused).toBe(1);
  wasm.release();
  await expect(page.getByRole("status")).toContainText("could not reach the payment service");
  // The methods are offered again; the second tap makes a source of its own.
  await page.getByRole("button", { name: "PromptPay" }).click();
  await expect(page.getByRole("img", { name: /QR/ })).toBeVisible();
});

test("Alipay tapped before the widget has loaded: the widget makes its source, for this platform", async ({ page }) => {
  const wasm = await holdWasm(page);
  const sources = [];
  page.on("request", (r) => r.url() === `${GATEWAY}/sources` && r.method() === "POST" && sources.push(r.postDataJSON()));
  await page.goto("/");
  await page.getByRole("button", { name: "Alipay" }).click();
  await expect(page.getByRole("status")).toHaveText("Preparing your payment with Alipay…");
  wasm.release();
  await page.waitForURL(onAuthorizePage);
  // One source, the widget's: Alipay's says the customer's platform, which only the widget
  // knows for certain.
  expect(sources).toEqual([{ type: "alipay_cn", amount: 129000, currency: "THB", platform_type: "WEB" }]);
});

test("the first view is the widget's own first step: same roles, names and language", async ({ page }) => {
  const wasm = await holdWasm(page);
  await page.goto("/");
  const checkout = page.locator("#checkout");
  const before = await checkout.ariaSnapshot();
  expect(before).toContain('button "PromptPay"');

  wasm.release();
  await widgetIsLive(page);
  expect(await checkout.ariaSnapshot()).toBe(before);
  await expect(page.getByRole("button", { name: "PromptPay" })).toBeEnabled();
});

test.describe("in LINE's own browser", () => {
  test.use({
    userAgent: LINE_ANDROID,
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
  });
  test("the first view gives the widget's advice before the widget has loaded, in the same words", async ({ page }) => {
    const wasm = await holdWasm(page);
    await page.goto("/");
    await expect(page.getByText("Payment apps may not open from LINE")).toBeVisible();
    const checkout = page.locator("#checkout");
    const before = await checkout.ariaSnapshot();

    wasm.release();
    await widgetIsLive(page);
    expect(await checkout.ariaSnapshot()).toBe(before);
  });
});

test.describe("in Thai", () => {
  test.use({ locale: "th-TH" });
  test("the first view speaks the browser's language before the widget has loaded", async ({ page }) => {
    await holdWasm(page);
    await page.goto("/");
    await expect(page.getByRole("heading", { name: /^เลือกวิธีชำระเงิน THB 1,290\.00$/ })).toBeVisible();
    await expect(page.locator("#checkout section")).toHaveAttribute("lang", "th");
  });
});

test("if the widget never loads, a customer who tapped is told to check the connection and reload", async ({ page }) => {
  await page.clock.install();
  await page.route("**/pkg/paywasm_bg.wasm", (route) => route.abort("connectionfailed"));
  await page.goto("/");
  await page.getByRole("button", { name: "PromptPay" }).click();
  await expect(page.getByRole("status")).toHaveText("Preparing your payment with PromptPay…");
  await page.clock.fastForward(15_000);
  await expect(page.getByRole("status")).toHaveText(
    "Your payment is taking long to start. Check your connection, then reload the page.",
  );
});

test("the WooshPay shop's Alipay button, tapped before the widget has loaded, leads to Alipay", async ({ page }) => {
  const wasm = await holdWasm(page);
  await page.goto("/wooshpay");
  await page.getByRole("button", { name: "Alipay" }).click();
  await expect(page.getByRole("status")).toHaveText("Preparing your payment with Alipay…");
  expect(wasm.released).toBe(false);
  await expect.poll(() => wasm.requested).toEqual(["/pkg/paywasm_wooshpay_bg.wasm"]);
  wasm.release();
  await expect(page.getByRole("heading", { name: "Scan with Alipay to pay" })).toBeVisible();
});

test("back from Alipay, the return page says it is confirming before the widget has loaded, then the outcome", async ({ page }) => {
  await page.goto("/");
  await page.getByRole("button", { name: "Alipay" }).click();
  await page.waitForURL(onAuthorizePage);
  const wasm = await holdWasm(page);
  await page.getByRole("button", { name: "Succeed" }).click();
  await page.waitForURL(`${SHOP}/return?order=*`);

  await expect(page.getByRole("status")).toHaveText("Confirming your payment…");
  expect(wasm.released).toBe(false);
  wasm.release();
  await expect(page.getByRole("status")).toContainText("successful");
  // The widget took the server's view over: one checkout on the page.
  await expect(page.getByRole("status")).toHaveCount(1);
});
