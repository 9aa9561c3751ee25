// Opn's methods beyond the checkout's own, on the demo shop's pages that name them: Malaysia's
// (`/my`, ringgit: Touch 'n Go eWallet, ShopeePay, GrabPay, DuitNow QR) and Japan's (`/jp`, yen:
// PayPay). Each sends the customer to its page, paid or failed there, and the shop's return page
// tells how it ended; their marks come from `paywasm-methods.css`, which only these pages link.
import { test, expect } from "@playwright/test";
import jsQR from "jsqr";
import { PNG } from "pngjs";
import { GATEWAY, SHOP } from "../../playwright.config.mjs";
import { axeViolations } from "./axe.mjs";
import { gatewayGet, onAuthorizePage } from "./gateway.mjs";
import { widgetIsLive } from "./shop.mjs";
import { ANDROID_CHROME, IPHONE_UA } from "./user-agents.mjs";

const MALAYSIA = ["Touch 'n Go eWallet", "ShopeePay", "GrabPay", "DuitNow QR"];

/** The names of the method buttons offered in `scope` (a page, or the element of one of its
 * checkouts), in their order. */
function offered(scope) {
  return scope.getByRole("group", { name: /method/i }).getByRole("button").allTextContents();
}

/** The image drawn as the mark of the button named `name` in `scope`, as the browser resolved it. */
function markOf(scope, name) {
  return scope
    .getByRole("button", { name })
    .locator(".paywasm-mark")
    .evaluate((mark) => getComputedStyle(mark).backgroundImage);
}

/** On the method's page (the sandbox's stand-in for the wallet or bank): `decision` ("Succeed"
 * or "Fail"), then back on the shop's return page. */
async function decideOnItsPage(page, decision) {
  await page.getByRole("button", { name: decision }).click();
  await page.waitForURL(`${SHOP}/return?order=*`);
}

/** The gateway's record of the charge the return page (`?order=`) waited for. */
async function chargeOfReturnPage(page) {
  const order = new URL(page.url()).searchParams.get("order");
  const charges = await gatewayGet("/charges?limit=50");
  return charges.body.data.find((charge) => charge.metadata.order_id === order);
}

test("Malaysia's page offers its wallets and DuitNow QR, each with its mark, before and after the widget runs", async ({ page }) => {
  await page.goto("/my");
  await expect(page.getByText("MYR 189.00").first()).toBeVisible();
  expect(await offered(page)).toEqual(MALAYSIA);
  // The first view, before the widget: the page linked the marks.
  for (const name of MALAYSIA) expect(await markOf(page, name)).toContain("data:image/svg+xml");
  await widgetIsLive(page);
  expect(await offered(page)).toEqual(MALAYSIA);
  for (const name of MALAYSIA) expect(await markOf(page, name)).toContain("data:image/svg+xml");
  for (const scheme of ["light", "dark"]) {
    await page.emulateMedia({ colorScheme: scheme });
    expect(await axeViolations(page, "body"), scheme).toEqual([]);
  }
});

test("The pages that offer only the checkout's own methods download neither the other methods' code nor their marks; Malaysia's page, only that build", async ({ page }) => {
  const asked = [];
  page.on("request", (request) => asked.push(new URL(request.url()).pathname));
  for (const path of ["/", "/sg"]) {
    await page.goto(path);
    await widgetIsLive(page);
  }
  expect(asked.filter((path) => path.includes("paywasm-methods.css") || path.includes("paywasm_methods"))).toEqual([]);
  expect(asked).toContain("/pkg/paywasm_bg.wasm");
  asked.length = 0;
  await page.goto("/my");
  await widgetIsLive(page);
  expect(asked).toContain("/pkg/paywasm_methods_bg.wasm");
  expect(asked).not.toContain("/pkg/paywasm_bg.wasm");
});

test("ShopeePay on a desktop, which Malaysia's page names both ways: its page with the QR, not the app's hand-over", async ({ page }) => {
  await page.goto("/my");
  await widgetIsLive(page);
  await expect(page.getByRole("button", { name: "ShopeePay" })).toHaveCount(1);
  const sourceRequest = page.waitForRequest((r) => r.url() === `${GATEWAY}/sources` && r.method() === "POST");
  await page.getByRole("button", { name: "ShopeePay" }).click();
  expect((await sourceRequest).postDataJSON()).toMatchObject({ type: "shopeepay", currency: "MYR", platform_type: "WEB" });
  await page.waitForURL(onAuthorizePage);
});

test("GrabPay (redirect): Succeed on its page lands on the return page, which shows success", async ({ page }) => {
  await page.goto("/my");
  const chargeAsked = page.waitForRequest((r) => r.url() === `${SHOP}/my/checkout/charges` && r.method() === "POST");
  await page.getByRole("button", { name: "GrabPay" }).click();
  // Malaysia's own checkout charges it (its orders are in ringgit).
  await chargeAsked;
  await page.waitForURL(onAuthorizePage);
  await expect(page.getByText("MYR 189.00")).toBeVisible();
  await decideOnItsPage(page, "Succeed");
  await expect(page.getByRole("status")).toContainText("successful");
  const recorded = await chargeOfReturnPage(page);
  expect([recorded.source.type, recorded.source.flow, recorded.status]).toEqual(["grabpay", "redirect", "successful"]);
  expect([recorded.amount, recorded.currency]).toEqual([18900, "MYR"]);
});

test("DuitNow QR (redirect to its QR page): Fail there ends as failed on the return page", async ({ page }) => {
  await page.goto("/my");
  await page.getByRole("button", { name: "DuitNow QR" }).click();
  await page.waitForURL(onAuthorizePage);
  // Opn's hosted page shows the QR to scan with the bank's app.
  await expect(page.getByRole("img", { name: /QR/ })).toBeVisible();
  await decideOnItsPage(page, "Fail");
  await expect(page.getByRole("status")).toContainText("failed");
  const recorded = await chargeOfReturnPage(page);
  expect([recorded.source.type, recorded.status]).toEqual(["duitnow_qr", "failed"]);
});

test.describe("on an iPhone", () => {
  test.use({ userAgent: IPHONE_UA, viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });

  test("Touch 'n Go (app redirect): its source says IOS, and Succeed ends as successful", async ({ page }) => {
    await page.goto("/my");
    const sourceRequest = page.waitForRequest((r) => r.url() === `${GATEWAY}/sources` && r.method() === "POST");
    await page.getByRole("button", { name: "Touch 'n Go eWallet" }).click();
    expect((await sourceRequest).postDataJSON()).toMatchObject({ type: "touch_n_go", amount: 18900, currency: "MYR", platform_type: "IOS" });
    await page.waitForURL(onAuthorizePage);
    await decideOnItsPage(page, "Succeed");
    await expect(page.getByRole("status")).toContainText("successful");
    expect((await chargeOfReturnPage(page)).source.flow).toBe("app_redirect");
  });

  test("ShopeePay, which Malaysia's page names both ways, is one button, and on a phone it hands over to the app", async ({ page }) => {
    await page.goto("/my");
    await widgetIsLive(page);
    expect(await offered(page)).toEqual(["ShopeePay", "Touch 'n Go eWallet", "GrabPay", "DuitNow QR"]);
    const sourceRequest = page.waitForRequest((r) => r.url() === `${GATEWAY}/sources` && r.method() === "POST");
    await page.getByRole("button", { name: "ShopeePay" }).click();
    expect((await sourceRequest).postDataJSON()).toMatchObject({ type: "shopeepay_jumpapp", amount: 18900, currency: "MYR", platform_type: "IOS" });
    await page.waitForURL(onAuthorizePage);
    await decideOnItsPage(page, "Succeed");
    await expect(page.getByRole("status")).toContainText("successful");
    expect((await chargeOfReturnPage(page)).source.type).toBe("shopeepay_jumpapp");
  });

  test.describe("in Japanese", () => {
    test.use({ locale: "ja-JP" });

  test("PayPay in yen (app redirect): Succeed ends as successful, in Japanese for a Japanese phone", async ({ page }) => {
    await page.goto("/jp");
    await expect(page.getByRole("button", { name: "PayPay" })).toBeVisible();
    await page.getByRole("button", { name: "PayPay" }).click();
    await page.waitForURL(onAuthorizePage);
    await expect(page.getByText("JPY 6,200")).toBeVisible();
    await decideOnItsPage(page, "Succeed");
    const recorded = await chargeOfReturnPage(page);
    expect([recorded.source.type, recorded.amount, recorded.currency, recorded.source.platform_type]).toEqual(["paypay", 6200, "JPY", "IOS"]);
    await expect(page.getByRole("status")).toContainText("お支払いが完了しました");
  });
  });
});

test("PayPay on a desktop: its page shows the QR for the phone, and Fail ends as failed", async ({ page }) => {
  await page.goto("/jp");
  await widgetIsLive(page);
  expect(await offered(page)).toEqual(["PayPay"]);
  await page.getByRole("button", { name: "PayPay" }).click();
  await page.waitForURL(onAuthorizePage);
  await expect(page.getByRole("img", { name: /QR/ })).toBeVisible();
  await decideOnItsPage(page, "Fail");
  await expect(page.getByRole("status")).toContainText("failed");
  expect((await chargeOfReturnPage(page)).source.platform_type).toBe("WEB");
});

/** The shop's script-tag example (embed.js from the CDN, pinned by its hash, with
 * <paywasm-checkout> defined), with a <paywasm-checkout> naming `methods` for `order` (one of
 * the shop's baht orders) added as a merchant's page would have it, in `locale`; the element. */
async function pageNaming(page, order, methods, locale = "en") {
  await page.goto("/examples/script-tag");
  await page.waitForFunction(() => customElements.get("paywasm-checkout"));
  await page.evaluate(({ order, methods, locale, SHOP }) => {
    const checkout = document.createElement("paywasm-checkout");
    for (const [name, value] of Object.entries({
      "public-key": "pkey_test_5paywasmsandbox0demo0", amount: order.amount, currency: order.currency,
      "charge-url": `${SHOP}/checkout/charges`, order: order.order, locale, methods,
    })) checkout.setAttribute(name, value);
    document.querySelector("main").append(checkout);
  }, { order, methods, locale, SHOP });
  return page.locator("paywasm-checkout");
}

/** A new baht order of the demo shop, as its product page gives it to the widget. */
async function shopOrder(request) {
  const page = await (await request.get(SHOP)).text();
  return JSON.parse(page.match(/id="checkout-config">([^<]*)<\/script>/)[1]).widget;
}

const THAI = "promptpay mobile_banking_kbank mobile_banking_scb truemoney_jumpapp rabbit_linepay";

test("A script-tag page naming the Thai banks' apps offers them on phones only: on a desktop, the others it names", async ({ page, request }) => {
  // The marks come a second late (a slow CDN), after the widget the page runs already: the
  // buttons are drawn with their marks all the same, never bare first.
  await page.route("**/paywasm-methods.css", async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await route.continue();
  });
  const checkout = await pageNaming(page, await shopOrder(request), THAI);
  await expect(checkout.getByRole("button", { name: "TrueMoney" })).toBeVisible();
  expect(await markOf(checkout, "TrueMoney")).toContain("data:image/svg+xml");
  expect(await offered(checkout)).toEqual(["PromptPay", "TrueMoney", "Rabbit LINE Pay"]);
  // embed.js linked the marks from the CDN, and the build that draws these methods, pinned by
  // their hash like every file it loads.
  expect(await page.locator('link[href$="/paywasm-methods.css"]').getAttribute("integrity")).toMatch(/^sha256-/);
  expect(await page.locator('link[href$="/paywasm_methods.js"]').getAttribute("integrity")).toMatch(/^sha256-/);
});

test.describe("on an Android phone", () => {
  test.use({
    userAgent: ANDROID_CHROME,
    viewport: { width: 412, height: 915 },
    hasTouch: true,
    isMobile: true,
  });

  test("K PLUS (a bank's app): offered with its mark, its source says ANDROID, and Succeed in the app ends as successful", async ({ page, request }) => {
    const order = await shopOrder(request);
    const checkout = await pageNaming(page, order, THAI);
    await expect(checkout.getByRole("button", { name: "K PLUS" })).toBeVisible();
    expect(await offered(checkout)).toEqual(["PromptPay", "TrueMoney", "K PLUS", "SCB Easy", "Rabbit LINE Pay"]);
    expect(await markOf(checkout, "K PLUS")).toContain("data:image/svg+xml");
    const sourceRequest = page.waitForRequest((r) => r.url() === `${GATEWAY}/sources` && r.method() === "POST");
    await checkout.getByRole("button", { name: "K PLUS" }).click();
    expect((await sourceRequest).postDataJSON()).toMatchObject({ type: "mobile_banking_kbank", amount: order.amount, currency: "THB", platform_type: "ANDROID" });
    await page.waitForURL(onAuthorizePage);
    await decideOnItsPage(page, "Succeed");
    await expect(page.getByRole("status")).toContainText("successful");
    const recorded = await chargeOfReturnPage(page);
    expect([recorded.source.type, recorded.source.flow, recorded.amount, recorded.status]).toEqual(["mobile_banking_kbank", "app_redirect", order.amount, "successful"]);
  });
});

/** What a phone's camera reads of the QR image `qr` on screen (its rendered pixels). */
async function scannedText(qr) {
  await expect.poll(() => qr.evaluate((img) => img.complete && img.naturalWidth)).toBeGreaterThan(0);
  const png = PNG.sync.read(await qr.screenshot());
  const decoded = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
  expect(decoded, "the QR on screen must decode").not.toBeNull();
  return decoded.data;
}

/** The gateway's charge of `order`. */
async function chargeOf(order) {
  const charges = await gatewayGet("/charges?limit=50");
  return charges.body.data.find((charge) => charge.metadata.order_id === order.order);
}

/** The TrueMoney app: scans `qr` (the sandbox's TrueMoney QR leads to its test page) and
 * decides `decision` there. Not a tab of the checkout's browser, which would hide the
 * checkout's page (a hidden page does not ask for its charge until it is shown again). */
async function payInTheApp(browser, qr, decision) {
  const url = await scannedText(qr);
  expect(url.startsWith(`${GATEWAY}/`), url).toBe(true);
  const app = await browser.newContext();
  const page = await app.newPage();
  await page.goto(url);
  await page.getByRole("button", { name: decision }).click();
  await app.close();
}

test("TrueMoney QR beside PromptPay: its own QR, name, mark and words, and the TrueMoney app that scans it pays", async ({ page, request, browser }) => {
  const order = await shopOrder(request);
  const checkout = await pageNaming(page, order, "promptpay truemoney_qr");
  await expect(checkout.getByRole("button", { name: "TrueMoney QR" })).toBeVisible();
  expect(await offered(checkout)).toEqual(["PromptPay", "TrueMoney QR"]);
  expect(await markOf(checkout, "TrueMoney QR")).toContain("data:image/svg+xml");
  await checkout.getByRole("button", { name: "TrueMoney QR" }).click();
  const qr = checkout.getByRole("img", { name: /^TrueMoney QR code to pay THB / });
  await expect(qr).toBeVisible();
  await expect(checkout.getByText("TrueMoney QR", { exact: true }).filter({ visible: true })).toHaveCount(1);
  // The panel's mark is TrueMoney QR's, not PromptPay's.
  const panelMark = checkout.locator('.paywasm-scheme[data-method="truemoney_qr"] .paywasm-mark');
  expect(await panelMark.evaluate((mark) => getComputedStyle(mark).backgroundImage)).toContain("data:image/svg+xml");
  await expect(checkout.getByText(/^Open the TrueMoney app, scan this QR code/)).toBeVisible();
  await expect(checkout.getByRole("status")).toContainText("Scan the QR code with the TrueMoney app.");
  const charge = await chargeOf(order);
  expect([charge.source.type, charge.source.flow, charge.amount, charge.currency.toUpperCase(), charge.status]).toEqual(["truemoney_qr", "offline", order.amount, "THB", "pending"]);
  await payInTheApp(browser, qr, "Succeed");
  await expect(checkout.getByRole("status")).toContainText("successful");
  expect((await chargeOf(order)).status).toBe("successful");
});

test("The hosted page in a shop's iframe, naming TrueMoney QR: it loads only the build with Opn's methods, draws the marks with the buttons though they come late, and shows TrueMoney's QR", async ({ page }) => {
  const wasm = [];
  page.on("request", (r) => r.url().endsWith(".wasm") && wasm.push(new URL(r.url()).pathname));
  // The shop names TrueMoney QR beside PromptPay for its frame.
  await page.addInitScript(() => {
    new MutationObserver((_, observer) => {
      const config = document.getElementById("checkout-config");
      if (!config?.textContent) return;
      config.textContent = JSON.stringify({ ...JSON.parse(config.textContent), methods: ["promptpay", "truemoney_qr"] });
      observer.disconnect();
    }).observe(document, { childList: true, subtree: true, characterData: true });
  });
  // The marks come a second late: the buttons are drawn with them all the same, never bare.
  await page.route("**/paywasm-methods.css", async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await route.continue();
  });
  await page.goto("/examples/iframe");
  const frame = page.getByTitle("Payment").contentFrame();
  await expect(frame.getByRole("button", { name: "TrueMoney QR" })).toBeVisible();
  expect(await markOf(frame, "TrueMoney QR")).toContain("data:image/svg+xml");
  expect(await offered(frame)).toEqual(["PromptPay", "TrueMoney QR"]);
  expect(wasm).toEqual(["/paywasm_methods_bg.wasm"]);
  await frame.getByRole("button", { name: "TrueMoney QR" }).click();
  await expect(frame.getByRole("img", { name: /^TrueMoney QR code to pay THB / })).toBeVisible();
  await expect(frame.getByRole("status")).toContainText("Scan the QR code with the TrueMoney app.");
});

test("PromptPay in a checkout that also offers TrueMoney QR still shows PromptPay's QR and the banking app's words", async ({ page, request }) => {
  const order = await shopOrder(request);
  const checkout = await pageNaming(page, order, "promptpay truemoney_qr");
  await checkout.getByRole("button", { name: "PromptPay" }).click();
  await expect(checkout.getByRole("img", { name: /^PromptPay QR code to pay THB / })).toBeVisible();
  await expect(checkout.getByText(/^Open your banking app, scan this QR code/)).toBeVisible();
  await expect(checkout.getByRole("status")).toContainText("Scan the QR code with your banking app.");
});

test.describe("TrueMoney QR on an Android phone, in Thai", () => {
  test.use({ userAgent: ANDROID_CHROME, viewport: { width: 412, height: 915 }, hasTouch: true, isMobile: true });

  test("the QR saves as truemoney-qr.png, and Fail in the app ends as failed", async ({ page, request, browser }) => {
    const order = await shopOrder(request);
    const checkout = await pageNaming(page, order, "truemoney_qr", "th");
    await checkout.getByRole("button", { name: "TrueMoney QR" }).click();
    const qr = checkout.getByRole("img", { name: /^คิวอาร์โค้ด \(QR\) TrueMoney สำหรับชำระ THB / });
    await expect(qr).toBeVisible();
    await expect(checkout.getByText(/^เปิดแอป TrueMoney สแกนคิวอาร์โค้ดนี้/)).toBeVisible();
    const download = page.waitForEvent("download");
    await checkout.getByRole("button", { name: "บันทึกคิวอาร์โค้ด" }).click();
    expect((await download).suggestedFilename()).toBe("truemoney-qr.png");
    await payInTheApp(browser, qr, "Fail");
    await expect(checkout.getByRole("status")).toContainText("ไม่สำเร็จ");
    expect((await chargeOf(order)).status).toBe("failed");
  });
});

test("TrueMoney Wallet asks for the customer's mobile number, refuses one that is not Thai, and pays with the one given", async ({ page, request }) => {
  const order = await shopOrder(request);
  const checkout = await pageNaming(page, order, "promptpay truemoney");
  await expect(checkout.getByRole("button", { name: "TrueMoney Wallet" })).toBeVisible();
  expect(await offered(checkout)).toEqual(["PromptPay", "TrueMoney Wallet"]);
  expect(await markOf(checkout, "TrueMoney Wallet")).toContain("data:image/svg+xml");
  const sources = [];
  page.on("request", (r) => { if (r.url() === `${GATEWAY}/sources` && r.method() === "POST") sources.push(r.postDataJSON()); });
  await checkout.getByRole("button", { name: "TrueMoney Wallet" }).click();
  const field = checkout.getByRole("textbox", { name: "Your TrueMoney Wallet mobile number" });
  await expect(field).toBeFocused();
  for (const scheme of ["light", "dark"]) {
    await page.emulateMedia({ colorScheme: scheme });
    expect(await axeViolations(page, "paywasm-checkout"), scheme).toEqual([]);
  }
  await field.fill("12345");
  await checkout.getByRole("button", { name: "Continue" }).click();
  expect(await field.evaluate((input) => input.validationMessage)).toBe("Enter a Thai mobile number, such as 0812345678.");
  expect(sources).toEqual([]);
  await field.fill("081 234-5678");
  const sourceRequest = page.waitForRequest((r) => r.url() === `${GATEWAY}/sources` && r.method() === "POST");
  await checkout.getByRole("button", { name: "Continue" }).click();
  expect((await sourceRequest).postDataJSON()).toMatchObject({ type: "truemoney", amount: order.amount, currency: "THB", phone_number: "0812345678" });
  await page.waitForURL(onAuthorizePage);
  await decideOnItsPage(page, "Succeed");
  await expect(page.getByRole("status")).toContainText("successful");
  const recorded = await chargeOfReturnPage(page);
  expect([recorded.source.type, recorded.source.flow, recorded.source.phone_number, recorded.amount, recorded.status]).toEqual(["truemoney", "redirect", "0812345678", order.amount, "successful"]);
});

test("Choosing another method after TrueMoney Wallet hides its question", async ({ page, request }) => {
  const checkout = await pageNaming(page, await shopOrder(request), "promptpay truemoney");
  await checkout.getByRole("button", { name: "TrueMoney Wallet" }).click();
  const field = checkout.getByRole("textbox", { name: "Your TrueMoney Wallet mobile number" });
  await expect(field).toBeVisible();
  await checkout.getByRole("button", { name: "PromptPay" }).click();
  await expect(checkout.getByRole("img", { name: /^PromptPay QR code to pay THB / })).toBeVisible();
  await expect(field).toBeHidden();
});

test.describe("TrueMoney Wallet on an iPhone, in Thai", () => {
  test.use({ userAgent: IPHONE_UA, viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });

  test("the question and the refusal are in Thai, and Fail on its page ends as failed", async ({ page, request }) => {
    const order = await shopOrder(request);
    const checkout = await pageNaming(page, order, "truemoney", "th");
    await checkout.getByRole("button", { name: "TrueMoney Wallet" }).click();
    const field = checkout.getByRole("textbox", { name: "หมายเลขโทรศัพท์มือถือที่ใช้กับ TrueMoney Wallet" });
    await field.fill("0212345678");
    await checkout.getByRole("button", { name: "ดำเนินการต่อ" }).click();
    expect(await field.evaluate((input) => input.validationMessage)).toBe("กรอกหมายเลขโทรศัพท์มือถือไทย เช่น 0812345678");
    await field.fill("+66912345678");
    await checkout.getByRole("button", { name: "ดำเนินการต่อ" }).click();
    await page.waitForURL(onAuthorizePage);
    await decideOnItsPage(page, "Fail");
    // The shop's return page, in the shop's language.
    await expect(page.getByRole("status")).toContainText("failed");
    const recorded = await chargeOfReturnPage(page);
    expect([recorded.source.type, recorded.source.phone_number, recorded.source.platform_type, recorded.status]).toEqual(["truemoney", "+66912345678", "IOS", "failed"]);
  });
});

/** The gateway's capability, as the browser receives it, with the account's methods limited
 * to `names`. */
async function accountTaking(page, names) {
  const asked = [];
  await page.route("**/capability", async (route) => {
    asked.push(route.request().headers().authorization);
    const response = await route.fetch();
    const capability = await response.json();
    capability.payment_methods = capability.payment_methods.filter((method) => names.includes(method.name));
    await route.fulfill({ response, json: capability });
  });
  return asked;
}

test("The checkout asks the account's methods once and takes off the ones the account does not take", async ({ page, request }) => {
  const asked = await accountTaking(page, ["promptpay", "alipay_cn", "grabpay"]);
  const checkout = await pageNaming(page, await shopOrder(request), "promptpay truemoney_qr rabbit_linepay");
  await expect.poll(() => offered(checkout)).toEqual(["PromptPay"]);
  // Once for each checkout on the page (the example's own, and this one), with the public key.
  await expect.poll(() => asked.length).toBe(2);
  expect(new Set(asked)).toEqual(new Set([`Basic ${Buffer.from("pkey_test_5paywasmsandbox0demo0:").toString("base64")}`]));
  await checkout.getByRole("button", { name: "PromptPay" }).click();
  await expect(checkout.getByRole("img", { name: /^PromptPay QR code to pay THB / })).toBeVisible();
});

test("An account that takes none of the methods a page names: the checkout says it cannot take the order", async ({ page, request }) => {
  await accountTaking(page, ["promptpay"]);
  const checkout = await pageNaming(page, await shopOrder(request), "truemoney_qr rabbit_linepay");
  await expect(checkout.getByRole("status")).toContainText("THB 1,290.00");
  await expect(checkout.getByRole("status")).toContainText("No payment method here can take");
  expect(await offered(checkout)).toEqual([]);
});

test("Without an answer from the capability, the checkout offers what the page names", async ({ page, request }) => {
  await page.route("**/capability", (route) => route.abort());
  const checkout = await pageNaming(page, await shopOrder(request), "promptpay truemoney_qr");
  await expect(checkout.getByRole("button", { name: "TrueMoney QR" })).toBeVisible();
  expect(await offered(checkout)).toEqual(["PromptPay", "TrueMoney QR"]);
});

test("A script-tag page whose methods is not an array is told so by the widget, not by a TypeError of embed.js", async ({ page, request }) => {
  const order = await shopOrder(request);
  await page.goto("/examples/script-tag");
  await page.waitForFunction(() => window.Paywasm);
  const told = await page.evaluate(({ order, SHOP }) => {
    const target = document.createElement("div");
    document.querySelector("main").append(target);
    return window.Paywasm.mount(target, {
      publicKey: "pkey_test_5paywasmsandbox0demo0", amount: order.amount, currency: order.currency,
      chargeUrl: `${SHOP}/checkout/charges`, order: order.order, methods: "grabpay",
    }).then(() => "mounted", (error) => error.message);
  }, { order, SHOP });
  expect(told).toContain("methods must be an array");
});
