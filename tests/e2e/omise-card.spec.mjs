// OmiseCard, Omise.js's prebuilt form, on a page written for Omise.js (/examples/omise-card):
// its script-in-a-form mode, configureButton/attach and open, the dialog's accessibility
// (a named modal, focus kept inside, Escape, axe-core), four languages, the refusal of card
// payments, and beyond Omise.js the QR and the wait in the dialog with a charge URL.
import { test, expect } from "@playwright/test";
import { gatewayGet, gatewayPost } from "./gateway.mjs";
import { axeViolations } from "./axe.mjs";
import { GATEWAY, SHOP } from "../../playwright.config.mjs";
import { IPHONE_UA } from "./user-agents.mjs";

function pageErrors(page) {
  const errors = [];
  page.on("console", (m) => /Content Security Policy/i.test(m.text()) && errors.push(m.text()));
  page.on("pageerror", (e) => errors.push(e.message));
  return errors;
}

test("script in a form: the pay button, the dialog, and the form posted with the source the customer chose", async ({ page }) => {
  const errors = pageErrors(page);
  await page.goto("/examples/omise-card");
  await page.getByRole("button", { name: "Pay with PromptPay or Alipay" }).click();
  const dialog = page.getByRole("dialog", { name: "paywasm demo shop" });
  await expect(dialog).toBeVisible();
  await expect(dialog).toHaveAccessibleDescription("Hand-woven silk scarf");
  await expect(dialog.getByText("THB 1,290.00")).toBeVisible();
  const promptpay = dialog.getByRole("button", { name: "PromptPay" });
  const alipay = dialog.getByRole("button", { name: "Alipay" });
  await expect(promptpay).toHaveAttribute("aria-pressed", "true");
  await expect(promptpay).toBeFocused();
  expect(await axeViolations(page, "dialog")).toEqual([]);
  await alipay.click();
  await expect(alipay).toHaveAttribute("aria-pressed", "true");
  await expect(promptpay).toHaveAttribute("aria-pressed", "false");
  const posted = page.waitForRequest((r) => r.url() === `${SHOP}/examples/omise-card` && r.method() === "POST");
  await dialog.getByRole("button", { name: "Pay now" }).click();
  const form = new URLSearchParams((await posted).postData());
  expect(form.get("omiseSource")).toMatch(/^src_test_/);
  expect(form.get("omiseToken")).toBe("");
  await expect(page.getByRole("status")).toHaveText(
    new RegExp(`^The shop received source ${form.get("omiseSource")} for order ord_\\w+: alipay_cn, THB 1,290\\.00\\.$`),
  );
  const source = await gatewayGet(`/sources/${form.get("omiseSource")}`);
  expect([source.body.type, source.body.amount, source.body.currency]).toEqual(["alipay_cn", 129000, "THB"]);
  expect(errors).toEqual([]);
});

test("configureButton and attach: the source's id to onCreateTokenSuccess; Escape closes, focus returns, onFormClosed", async ({ page }) => {
  const errors = pageErrors(page);
  await page.goto("/examples/omise-card");
  const opener = page.getByRole("button", { name: "Checkout" });
  await opener.click();
  const dialog = page.getByRole("dialog", { name: "paywasm demo shop" });
  await expect(dialog).toBeVisible();
  // Focus stays inside the dialog, both ways round.
  for (const key of ["Tab", "Tab", "Tab", "Tab", "Tab", "Shift+Tab", "Shift+Tab", "Shift+Tab", "Shift+Tab", "Shift+Tab", "Shift+Tab"]) {
    await page.keyboard.press(key);
    expect(await page.evaluate(() => Boolean(document.activeElement?.closest("dialog")))).toBe(true);
  }
  await page.keyboard.press("Escape");
  await expect(dialog).toHaveCount(0);
  await expect(opener).toBeFocused();
  await expect(page.getByText("form closed")).toBeVisible();

  await opener.click();
  await page.getByRole("dialog").getByRole("button", { name: "Pay", exact: true }).click();
  const result = page.getByText(/^created src_test_\w+$/);
  await expect(result).toBeVisible();
  await expect(page.getByRole("dialog")).toHaveCount(0);
  const source = await gatewayGet(`/sources/${(await result.textContent()).split(" ")[1]}`);
  expect([source.body.type, source.body.amount]).toEqual(["promptpay", 129000]);
  expect(errors).toEqual([]);
});

test("with a charge URL the dialog shows the QR, waits, and calls back with the charge", async ({ page }) => {
  const errors = pageErrors(page);
  await page.goto("/examples/omise-card");
  await page.getByRole("button", { name: "Pay and wait here" }).click();
  const dialog = page.getByRole("dialog", { name: "paywasm demo shop" });
  const created = page
    .waitForResponse((r) => r.url() === `${SHOP}/checkout/charges` && r.request().method() === "POST")
    .then((r) => r.json());
  await dialog.getByRole("button", { name: "Pay", exact: true }).click();
  // the chosen method started at once: no second choice in the widget
  await expect(dialog.getByRole("img", { name: /PromptPay QR/ })).toBeVisible();
  const charge = await created;
  await gatewayPost(`/charges/${charge.id}/mark_as_paid`);
  await expect(dialog.getByRole("status")).toContainText("successful");
  await expect(page.getByText(`successful (${charge.id})`)).toBeVisible();
  expect(await axeViolations(page, "dialog")).toEqual([]);
  // closing stops the widget: no more requests for the charge
  await dialog.getByRole("button", { name: "Close" }).click();
  await expect(page.getByRole("dialog")).toHaveCount(0);
  expect(errors).toEqual([]);
});

for (const [locale, names] of Object.entries({
  en: { methods: "Payment method", pay: "Pay", close: "Close", title: "Payment" },
  th: { methods: "วิธีชำระเงิน", pay: "ชำระเงิน", close: "ปิด", title: "ชำระเงิน" },
  ja: { methods: "お支払い方法", pay: "支払う", close: "閉じる", title: "お支払い" },
  zh: { methods: "支付方式", pay: "付款", close: "关闭", title: "付款" },
})) {
  test(`the dialog speaks ${locale}`, async ({ page }) => {
    await page.goto("/examples/omise-card");
    await page.evaluate((locale) => OmiseCard.open({ amount: 129000, frameLabel: undefined, locale }), locale);
    const dialog = page.getByRole("dialog", { name: names.title, exact: true });
    await expect(dialog).toHaveAttribute("lang", locale);
    await expect(dialog.getByRole("group", { name: names.methods })).toBeVisible();
    await expect(dialog.getByRole("button", { name: names.close })).toBeVisible();
    await expect(dialog.getByRole("button", { name: names.pay, exact: true })).toBeVisible();
  });
}

// The dialog chooses its language as the checkout does (the locale, then the browser's
// languages; Chinese in simplified script only), so that the two agree on every page.
for (const [browser, locale, lang, title] of [
  ["zh-TW", undefined, "en", "Payment"],
  ["ja-JP", "ko", "ja", "お支払い"],
  ["th-TH", undefined, "th", "ชำระเงิน"],
]) {
  test.describe(`in a ${browser} browser`, () => {
    test.use({ locale: browser });
    test(`the dialog${locale ? ` given locale "${locale}"` : ""} speaks the checkout's language, ${lang}`, async ({ page }) => {
      await page.goto("/examples/omise-card");
      await page.evaluate((locale) => OmiseCard.open({ amount: 129000, frameLabel: undefined, locale }), locale);
      await expect(page.getByRole("dialog", { name: title, exact: true })).toHaveAttribute("lang", lang);
    });
  });
}

test("card payments are refused with a message naming what is available", async ({ page }) => {
  const logged = [];
  page.on("console", (m) => m.type() === "error" && logged.push(m.text()));
  await page.goto("/examples/omise-card");
  await page.evaluate(() => OmiseCard.open({ amount: 129000, defaultPaymentMethod: "credit_card" }));
  await expect.poll(() => logged.join("\n")).toContain("card payments (credit_card) are not offered");
  expect(logged.join("\n")).toContain("Available: promptpay, paynow, alipay_cn");
  await expect(page.getByRole("dialog")).toHaveCount(0);
  const token = await page.evaluate(
    () => new Promise((resolve) => Omise.createToken("card", { number: "4242424242424242" }, (status, response) => resolve({ status, response }))),
  );
  expect(token.status).toBe(400);
  expect(token.response.code).toBe("not_supported");
  expect(token.response.message).toContain("one of promptpay, paynow, alipay_cn");
});

/** Opens OmiseCard's dialog on the example page with `options`; the dialog, named by its
 *  frameLabel. The id of the source it makes is kept for `paid`. */
async function openDialog(page, options) {
  await page.goto("/examples/omise-card");
  await page.evaluate((options) => OmiseCard.open({ ...options, onCreateTokenSuccess: (id) => (window.madeSource = id) }), options);
  return page.getByRole("dialog", { name: options.frameLabel });
}

/** The dialog's method buttons, in the order offered. */
const methodButtons = (dialog) => dialog.getByRole("group", { name: "Payment method" }).getByRole("button");

/** Presses Pay; once the dialog has closed, the source the gateway made, as it keeps it. */
async function paid(page, dialog) {
  await dialog.getByRole("button", { name: "Pay", exact: true }).click();
  await expect(page.getByRole("dialog")).toHaveCount(0);
  const id = await page.waitForFunction(() => window.madeSource).then((handle) => handle.jsonValue());
  return (await gatewayGet(`/sources/${id}`)).body;
}

test("in Singapore dollars the dialog offers PayNow and Alipay, not PromptPay, and PayNow makes an SGD source", async ({ page }) => {
  const errors = pageErrors(page);
  const dialog = await openDialog(page, {
    amount: 520000,
    currency: "SGD",
    frameLabel: "Singapore order",
    // As a merchant selling in both currencies names them: PromptPay cannot take SGD.
    defaultPaymentMethod: "paynow",
    otherPaymentMethods: ["alipay_cn", "promptpay"],
  });
  await expect(dialog.getByText("SGD 5,200.00")).toBeVisible();
  await expect(methodButtons(dialog)).toHaveText(["PayNow", "Alipay"]);
  await expect(dialog.getByRole("button", { name: "PayNow" })).toHaveAttribute("aria-pressed", "true");
  const source = await paid(page, dialog);
  expect([source.type, source.amount, source.currency]).toEqual(["paynow", 520000, "SGD"]);
  expect(errors).toEqual([]);
});

test("otherPaymentMethods takes Opn's other methods: a ringgit dialog offers GrabPay and Touch 'n Go, and GrabPay makes a MYR source", async ({ page }) => {
  const errors = pageErrors(page);
  const dialog = await openDialog(page, {
    amount: 18900,
    currency: "MYR",
    frameLabel: "Malaysian order",
    otherPaymentMethods: ["grabpay", "touch_n_go", "paypay", "promptpay"],
  });
  // PayPay takes yen and PromptPay baht: not offered for ringgit.
  await expect(methodButtons(dialog)).toHaveText(["GrabPay", "Touch 'n Go eWallet"]);
  const source = await paid(page, dialog);
  expect([source.type, source.flow, source.amount, source.currency]).toEqual(["grabpay", "redirect", 18900, "MYR"]);
  expect(errors).toEqual([]);
});

/** The dialog naming a Thai bank's app and both of ShopeePay's ways. */
const shopeePayBothWays = (page) =>
  openDialog(page, {
    amount: 129000,
    currency: "THB",
    frameLabel: "Thai order",
    otherPaymentMethods: ["promptpay", "mobile_banking_kbank", "shopeepay", "shopeepay_jumpapp"],
  });

test("on a desktop the dialog offers what the checkout does: no bank's app, and ShopeePay once, by its QR page", async ({ page }) => {
  const errors = pageErrors(page);
  const dialog = await shopeePayBothWays(page);
  await expect(methodButtons(dialog)).toHaveText(["PromptPay", "ShopeePay"]);
  await dialog.getByRole("button", { name: "ShopeePay" }).click();
  const source = await paid(page, dialog);
  expect([source.type, source.flow, source.platform_type]).toEqual(["shopeepay", "redirect", "WEB"]);
  expect(errors).toEqual([]);
});

test.describe("on an iPhone", () => {
  test.use({ userAgent: IPHONE_UA, viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });

  test("the dialog offers the bank's app, and ShopeePay once, by its app", async ({ page }) => {
    const errors = pageErrors(page);
    const dialog = await shopeePayBothWays(page);
    await expect(methodButtons(dialog)).toHaveText(["PromptPay", "K PLUS", "ShopeePay"]);
    await dialog.getByRole("button", { name: "ShopeePay" }).click();
    const source = await paid(page, dialog);
    expect([source.type, source.flow, source.platform_type]).toEqual(["shopeepay_jumpapp", "app_redirect", "IOS"]);
    expect(errors).toEqual([]);
  });
});

test("without a charge URL the dialog asks TrueMoney Wallet's mobile number itself, refuses one that is not Thai at the field, and makes the source with the one given", async ({ page }) => {
  const errors = pageErrors(page);
  const sources = [];
  page.on("request", (r) => r.url() === `${GATEWAY}/sources` && r.method() === "POST" && sources.push(r.postDataJSON()));
  const dialog = await openDialog(page, {
    amount: 129000,
    currency: "THB",
    frameLabel: "Thai order",
    otherPaymentMethods: ["truemoney", "promptpay", "rabbit_linepay"],
  });
  await expect(methodButtons(dialog)).toHaveText(["PromptPay", "TrueMoney Wallet", "Rabbit LINE Pay"]);
  const number = dialog.getByRole("textbox", { name: "Your TrueMoney Wallet mobile number" });
  // Not asked for PromptPay, the first method; asked, with the focus, once TrueMoney Wallet is chosen.
  await expect(number).toBeHidden();
  await dialog.getByRole("button", { name: "TrueMoney Wallet" }).click();
  await expect(number).toBeFocused();
  expect(await axeViolations(page, ".paywasm-card")).toEqual([]);
  await number.fill("12345");
  await dialog.getByRole("button", { name: "Pay", exact: true }).click();
  expect(await number.evaluate((input) => input.validationMessage)).toBe("Enter a Thai mobile number, such as 0812345678.");
  await expect(dialog).toBeVisible();
  expect(sources).toEqual([]);
  await number.fill("081 234-5678");
  const source = await paid(page, dialog);
  expect([source.type, source.amount, source.phone_number]).toEqual(["truemoney", 129000, "0812345678"]);
  expect(sources).toHaveLength(1);
  expect(errors).toEqual([]);
});

test("an order no method can take: the customer is told to contact the shop, the merchant what each method takes", async ({ page }) => {
  const logged = [];
  page.on("console", (m) => ["error", "warning"].includes(m.type()) && logged.push(m.text()));
  await page.goto("/examples/omise-card");
  await page.evaluate(() => OmiseCard.open({ amount: 520000, currency: "SGD", defaultPaymentMethod: "promptpay", otherPaymentMethods: [] }));
  const dialog = page.getByRole("dialog", { name: "paywasm demo shop" });
  await expect(dialog.getByRole("alert")).toHaveText("This order cannot be paid with the methods offered here. Please contact the shop.");
  await expect(dialog.getByRole("button", { name: "Pay", exact: true })).toHaveCount(0);
  await expect(dialog.getByRole("button", { name: "Close" })).toBeFocused();
  // Intl writes a no-break space between the currency and the number.
  const said = logged.join("\n").replaceAll("\u00a0", " ");
  expect(said).toContain("no method can take SGD 5,200.00 (promptpay: THB; each within its limits)");
  expect(said).toContain("promptpay cannot take SGD 5,200.00");
  expect(await axeViolations(page, "dialog")).toEqual([]);
});

test("the dialog's files come from the CDN under the page's strict policy", async ({ page }) => {
  const errors = pageErrors(page);
  const loads = [];
  page.on("response", (r) => r.url().startsWith(`${GATEWAY}/pkg/`) && loads.push(new URL(r.url()).pathname));
  await page.goto("/examples/omise-card");
  await page.getByRole("button", { name: "Checkout" }).click();
  await expect(page.getByRole("dialog")).toBeVisible();
  expect(loads).toEqual(expect.arrayContaining(["/pkg/0.1.0/embed.js", "/pkg/0.1.0/omise-card.js", "/pkg/0.1.0/omise-card.css"]));
  // no build of the checkout is downloaded until a payment needs it
  expect(loads.filter((path) => path.endsWith(".wasm"))).toEqual([]);
  expect(errors).toEqual([]);
});

test("on a slow network the dialog waits for its stylesheet instead of showing unstyled", async ({ page }) => {
  let release;
  const held = new Promise((resolve) => (release = resolve));
  await page.route(`${GATEWAY}/pkg/0.1.0/omise-card.css`, async (route) => {
    const response = await route.fetch();
    await held;
    await route.fulfill({ response });
  });
  // Not until "load": when the stylesheet is asked for before the page's load event, that
  // event waits for it, and it is held until after the click (a run timed out this way).
  await page.goto("/examples/omise-card", { waitUntil: "domcontentloaded" });
  await page.getByRole("button", { name: "Checkout" }).click();
  await page.waitForTimeout(500);
  // Nothing half-drawn: no dialog at all while its look is still on the way.
  await expect(page.getByRole("dialog")).toHaveCount(0);
  release();
  const dialog = page.getByRole("dialog", { name: "paywasm demo shop" });
  await expect(dialog).toBeVisible();
  // Drawn with its stylesheet: the rounded panel, not the browser's default dialog box.
  expect(await dialog.evaluate((node) => getComputedStyle(node).borderRadius)).toBe("12px");
  await expect(dialog.getByRole("button", { name: "PromptPay" })).toBeFocused();
});

test("a tap on Checkout before the dialog's code has arrived is not lost: the dialog opens when it does", async ({ page }) => {
  let release;
  const held = new Promise((resolve) => (release = resolve));
  await page.route(`${GATEWAY}/pkg/0.1.0/omise-card.js`, async (route) => {
    const response = await route.fetch();
    await held;
    await route.fulfill({ response });
  });
  await page.goto("/examples/omise-card", { waitUntil: "domcontentloaded" });
  // The customer taps at once, on a slow network.
  await page.getByRole("button", { name: "Checkout" }).click();
  release();
  await expect(page.getByRole("dialog", { name: "paywasm demo shop" })).toBeVisible();
  await expect(page.getByRole("dialog")).toHaveCount(1);
});

test("a source the gateway refuses is explained in the dialog, which stays open to try again", async ({ page }) => {
  await page.goto("/examples/omise-card");
  // A public key the gateway does not know: refused by the gateway, not foreseeable here.
  await page.evaluate(() => OmiseCard.open({ amount: 129000, publicKey: "pkey_test_5notthisaccount0000" }));
  const dialog = page.getByRole("dialog", { name: "paywasm demo shop" });
  await dialog.getByRole("button", { name: "Pay", exact: true }).click();
  await expect(dialog.getByRole("alert")).toContainText(/^The payment could not start: .*key.*Please try again\.$/);
  await expect(dialog.getByRole("button", { name: "Pay", exact: true })).toBeEnabled();
  await expect(page.getByText(/^created src_/)).toHaveCount(0);
});

test("image, hideAmount, and submitAuto off: the form is filled but not submitted", async ({ page }) => {
  await page.goto("/examples/omise-card");
  const logo = "data:image/svg+xml," + encodeURIComponent('<svg xmlns="http://www.w3.org/2000/svg" width="48" height="48"><rect width="48" height="48" fill="#0f7b5f"/></svg>');
  await page.evaluate((image) => OmiseCard.open({
    amount: 129000, image, hideAmount: true, submitFormTarget: "#checkout-form", submitAuto: false,
  }), logo);
  const dialog = page.getByRole("dialog", { name: "paywasm demo shop" });
  await expect(dialog.locator("img")).toHaveAttribute("src", logo);
  await expect(dialog.getByText("THB 1,290.00")).toHaveCount(0);
  await dialog.getByRole("button", { name: "Pay", exact: true }).click();
  await expect(page.getByRole("dialog")).toHaveCount(0);
  const source = await page.locator('#checkout-form input[name="omiseSource"]').inputValue();
  expect(source).toMatch(/^src_test_/);
  expect(new URL(page.url()).pathname).toBe("/examples/omise-card");
});
