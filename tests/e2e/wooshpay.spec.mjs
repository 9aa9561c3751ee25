// WooshPay's hosted Checkout Session page (seed 004) in Chromium: a desktop shows the Alipay
// QR (read off the screen, as a phone would), a phone hands over to the Alipay app; each to
// success, failure and cancel.
import { test, expect, devices } from "@playwright/test";
import jsQR from "jsqr";
import { PNG } from "pngjs";
import { GATEWAY, SHOP } from "../../playwright.config.mjs";
import { wooshpay } from "./gateway.mjs";

async function createSession() {
  const { status, body } = await wooshpay("POST", "/v1/checkout/sessions", {
    mode: "payment",
      success_url: `${SHOP}/?checkout=success`,
      cancel_url: `${SHOP}/?checkout=cancelled`,
      payment_method_types: ["alipay"],
      line_items: [
        { price_data: { currency: "CNY", unit_amount: 100000, product_data: { name: "taiwan fengli" } }, quantity: 1 },
        { price_data: { currency: "CNY", unit_amount: 2500, product_data: { name: "oolong tea" } }, quantity: 2 },
      ],
  });
  expect(status).toBe(200);
  return body;
}

/** The customer taps Alipay on the WooshPay shop, and Alipay's QR page shows: the order and
 *  the PaymentIntent the shop answered with. */
async function payWithAlipay(page) {
  let order, intent;
  await page.route("**/wooshpay/payment_intents", async (route) => {
    order = JSON.parse(route.request().postData()).order;
    const response = await route.fetch();
    intent = await response.json();
    await route.fulfill({ response });
  });
  await page.goto("/wooshpay");
  await page.getByRole("button", { name: "Alipay" }).click();
  await expect(page.getByRole("heading", { name: "Scan with Alipay to pay" })).toBeVisible();
  return { order, intent };
}

/** What the customer's phone does after scanning the desktop's QR: decides in the app. */
async function scanAndDecide(page, decision) {
  const qr = page.getByRole("img", { name: "Alipay QR code" });
  await expect(qr).toBeVisible();
  const png = PNG.sync.read(await qr.screenshot());
  const decoded = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
  expect(decoded, "the QR on screen must decode").not.toBeNull();
  expect(decoded.data).toMatch(/^2816[0-9A-Za-z]{32}$/);
  const response = await fetch(`${GATEWAY}/wooshpay/alipay/decide`, {
    method: "POST",
    body: new URLSearchParams({ codeValue: decoded.data, decision }),
    redirect: "manual",
  });
  expect(response.status).toBeLessThan(400);
  return decoded.data;
}

async function sessionStatus(id) {
  return (await wooshpay("GET", `/v1/checkout/sessions/${id}`)).body;
}

test.describe("on a desktop", () => {
  test("the items, the total and a QR that pays: the customer lands on success_url", async ({ page }) => {
    const session = await createSession();
    await page.goto(session.url);
    await expect(page.getByRole("heading", { name: "Pay with Alipay" })).toBeVisible();
    await expect(page.getByText("taiwan fengli × 1")).toBeVisible();
    await expect(page.getByText("oolong tea × 2")).toBeVisible();
    await expect(page.getByText("CNY 1,050.00")).toBeVisible();
    await scanAndDecide(page, "succeed");
    await page.waitForURL(`${SHOP}/?checkout=success`);
    const ended = await sessionStatus(session.id);
    expect([ended.status, ended.payment_status]).toEqual(["complete", "paid"]);
  });

  test("a declined payment can be tried again with a new QR", async ({ page }) => {
    const session = await createSession();
    await page.goto(session.url);
    const first = await scanAndDecide(page, "fail");
    await expect(page.getByRole("alert")).toContainText("The payment did not go through");
    await page.getByRole("button", { name: "Try again with Alipay" }).click();
    const second = await scanAndDecide(page, "succeed");
    expect(second).not.toBe(first);
    await page.waitForURL(`${SHOP}/?checkout=success`);
  });

  test("Cancel returns to cancel_url and the session can still be paid later", async ({ page }) => {
    const session = await createSession();
    await page.goto(session.url);
    await page.getByRole("link", { name: "Cancel and return to the shop" }).click();
    await page.waitForURL(`${SHOP}/?checkout=cancelled`);
    expect((await sessionStatus(session.id)).status).toBe("open");
  });

  test("an expired session says so and offers no way to pay", async ({ page }) => {
    const session = await createSession();
    await page.goto(session.url);
    await wooshpay("POST", `/v1/checkout/sessions/${session.id}/expire`);
    await expect(page.getByRole("status")).toContainText("This checkout has expired");
    await page.reload();
    await expect(page.getByRole("alert")).toContainText("This checkout has expired");
    await expect(page.getByRole("img", { name: "Alipay QR code" })).toHaveCount(0);
  });

  test("the page refuses a wrong key", async ({ page }) => {
    const session = await createSession();
    const response = await page.goto(session.url.replace(/key=[^&]+/, "key=pk_test_someoneelse"));
    expect(response.status()).toBe(404);
  });
});

test.describe("on a phone", () => {
  const { userAgent, viewport, hasTouch, isMobile, deviceScaleFactor } = devices["iPhone 13"];
  test.use({ userAgent, viewport, hasTouch, isMobile, deviceScaleFactor });

  test("Pay with Alipay hands over to the app, which returns to success_url", async ({ page }) => {
    const session = await createSession();
    await page.goto(session.url);
    await expect(page.getByRole("img", { name: "Alipay QR code" })).toHaveCount(0);
    await page.getByRole("button", { name: "Pay with Alipay" }).click();
    await expect(page.getByRole("heading", { name: "Alipay" })).toBeVisible();
    await expect(page.getByText("Pay CNY 1,050.00?")).toBeVisible();
    await page.getByRole("button", { name: "Pay" }).click();
    await page.waitForURL(`${SHOP}/?checkout=success`);
    const { body: intent } = await wooshpay("GET", `/v1/payment_intents/${session.payment_intent}`);
    expect(intent.payment_method_options.alipay).toEqual({ terminal_type: "APP", os_type: "IOS" });
  });

  test("cancelling in the app comes back to a page that can try again", async ({ page }) => {
    const session = await createSession();
    await page.goto(session.url);
    await page.getByRole("button", { name: "Pay with Alipay" }).click();
    await page.getByRole("button", { name: "Cancel" }).click();
    await expect(page.getByRole("alert")).toContainText("The payment did not go through");
    await page.getByRole("button", { name: "Try again with Alipay" }).click();
    await page.getByRole("button", { name: "Pay" }).click();
    await page.waitForURL(`${SHOP}/?checkout=success`);
  });
});

// The widget with `gateway: "wooshpay"` on the demo shop's WooshPay mode (/wooshpay): the shop
// creates and confirms the PaymentIntent for the customer's terminal, the widget follows
// next_action to Alipay and, back on the return page, polls the PaymentIntent at the gateway
// with the publishable key and the client secret.
async function orderOnReturnPage(page) {
  const order = new URL(page.url()).searchParams.get("order");
  expect(order).toMatch(/^ord_/);
  return order;
}

test("a WooshPay page downloads the checkout's WooshPay build only, and an Omise page never downloads it", async ({ page }) => {
  const files = [];
  page.on("request", (r) => r.url().includes("/pkg/") && files.push(new URL(r.url()).pathname));
  await page.goto("/wooshpay");
  await page.getByRole("button", { name: "Alipay" }).click();
  await expect(page.getByRole("heading", { name: "Scan with Alipay to pay" })).toBeVisible();
  expect(files).toContain("/pkg/paywasm_wooshpay_bg.wasm");
  files.length = 0;
  // the return page too preloads and runs the WooshPay build
  await page.getByRole("button", { name: "Succeed" }).click();
  await expect(page.getByRole("status")).toHaveText("Payment successful. Thank you!");
  expect(files).toContain("/pkg/paywasm_wooshpay_bg.wasm");
  expect(files).not.toContain("/pkg/paywasm_bg.wasm");
  files.length = 0;
  await page.goto("/");
  await page.getByRole("button", { name: "PromptPay", exact: true }).click();
  await expect(page.getByRole("img", { name: /QR/ })).toBeVisible();
  expect(files).toContain("/pkg/paywasm_bg.wasm");
  expect(files.filter((file) => file.includes("wooshpay"))).toEqual([]);
});

test.describe("the widget on WooshPay, desktop", () => {
  test("Alipay's QR page, Succeed, and the return page shows success; the shop marks the order paid", async ({ page }) => {
    const created = page.waitForResponse((r) => r.url().endsWith("/wooshpay/payment_intents") && r.request().method() === "POST");
    await page.goto("/wooshpay");
    await expect(page.getByRole("heading", { name: "Choose how to pay CNY 268.00" })).toBeVisible();
    await page.getByRole("button", { name: "Alipay" }).click();
    const request = JSON.parse((await created).request().postData());
    expect([request.terminal_type, request.os_type]).toEqual(["WEB", undefined]);
    await expect(page.getByRole("heading", { name: "Scan with Alipay to pay" })).toBeVisible();
    await expect(page.getByRole("img", { name: "Alipay QR code" })).toBeVisible();
    const polls = [];
    page.on("request", (r) => r.url().includes("/v1/payment_intents/") && polls.push(r));
    await page.getByRole("button", { name: "Succeed" }).click();
    await expect(page.getByRole("status")).toHaveText("Payment successful. Thank you!");
    // the browser read the PaymentIntent with the publishable key only
    expect(polls.length).toBeGreaterThan(0);
    for (const poll of polls) {
      expect(poll.headers()["authorization"]).toMatch(/^Bearer pk_test_/);
      expect(poll.url()).toContain("client_secret=pi_");
    }
    const order = await orderOnReturnPage(page);
    // The signed webhook reached the shop, which re-read the PaymentIntent: the order is paid.
    await expect
      .poll(async () => (await fetch(`${SHOP}/wooshpay/payment_intents`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ order, terminal_type: "WEB" }),
      })).status)
      .toBe(422);
  });

  test("Fail at Alipay ends as failed on the return page", async ({ page }) => {
    await page.goto("/wooshpay");
    await page.getByRole("button", { name: "Alipay" }).click();
    await page.getByRole("button", { name: "Fail" }).click();
    await expect(page.getByRole("status")).toContainText("Payment failed");
  });

  test("a PaymentIntent the merchant cancels while the customer is away ends as expired", async ({ page }) => {
    const { order, intent } = await payWithAlipay(page);
    const cancelled = await wooshpay("POST", `/v1/payment_intents/${intent.id}/cancel`);
    expect(cancelled.status).toBe(200);
    await page.goto(cancelled.body.return_url);
    await expect(page.getByRole("status")).toContainText("The payment expired");
  });

  test("an order's reference alone does not resume its payment: the client secret goes only to the return URL the gateway was given", async ({ page, request }) => {
    const { order, intent } = await payWithAlipay(page);
    const secret = intent.client_secret;
    expect(secret).toBeTruthy();

    for (const guess of [`/wooshpay/return?order=${order}`, `/wooshpay/return?order=${order}&token=${"0".repeat(64)}`, `/wooshpay/return?order=${order}&token=zz`]) {
      const html = await (await request.get(guess)).text();
      expect(html, guess).not.toContain(secret);
    }
    await page.goto(`/wooshpay/return?order=${order}`);
    await expect(page.getByText("We could not find this order's payment")).toBeVisible();

    const { body } = await wooshpay("GET", `/v1/payment_intents/${intent.id}`);
    expect(new URL(body.return_url).searchParams.get("order")).toBe(order);
    expect(await (await request.get(body.return_url)).text()).toContain(secret);
    await page.goto(body.return_url);
    await expect(page.getByRole("status")).toHaveText("Confirming your payment…");
  });
});

test.describe("the widget on WooshPay, iPhone", () => {
  const { userAgent, viewport, hasTouch, isMobile, deviceScaleFactor } = devices["iPhone 13"];
  test.use({ userAgent, viewport, hasTouch, isMobile, deviceScaleFactor });

  test("the Alipay app is asked for (APP, IOS), Pay returns to success", async ({ page }) => {
    const created = page.waitForResponse((r) => r.url().endsWith("/wooshpay/payment_intents"));
    await page.goto("/wooshpay");
    await page.getByRole("button", { name: "Alipay" }).click();
    const request = JSON.parse((await created).request().postData());
    expect([request.terminal_type, request.os_type]).toEqual(["APP", "IOS"]);
    await expect(page.getByText("Pay CNY 268.00?")).toBeVisible();
    await page.getByRole("button", { name: "Pay" }).click();
    await expect(page.getByRole("status")).toHaveText("Payment successful. Thank you!");
  });

  test("Cancel in the app returns to a failed payment", async ({ page }) => {
    await page.goto("/wooshpay");
    await page.getByRole("button", { name: "Alipay" }).click();
    await page.getByRole("button", { name: "Cancel" }).click();
    await expect(page.getByRole("status")).toContainText("Payment failed");
  });
});

test("the shop's WooshPay page can also send the customer to the hosted Checkout Session", async ({ page }) => {
  await page.goto("/wooshpay");
  await page.getByRole("button", { name: "Pay on WooshPay's checkout page" }).click();
  await expect(page.getByText("Hand-woven silk scarf × 1")).toBeVisible();
  await scanAndDecide(page, "succeed");
  await page.waitForURL(/\/wooshpay\/return\?order=ord_/);
  await expect(page.getByRole("status")).toHaveText("Payment successful. Thank you!");
});

test.describe("the hosted Checkout Session in the shop's iframe", () => {
  test("desktop: the QR in the frame pays, the shop hears it and moves on", async ({ page }) => {
    await page.goto("/examples/wooshpay-session");
    await page.getByRole("button", { name: "Pay with WooshPay in this page" }).click();
    const frame = page.getByTitle("Payment").contentFrame();
    const qr = frame.getByRole("img", { name: "Alipay QR code" });
    await expect(qr).toBeVisible();
    // A message that does not come from the frame is not believed.
    await page.evaluate(() =>
      window.postMessage({ protocol: "paywasm", version: 1, type: "complete", session: { id: "cs_fake", payment_status: "paid" } }, "*"),
    );
    await page.waitForTimeout(300);
    await expect(page.getByRole("status")).toHaveText("");
    const png = PNG.sync.read(await qr.screenshot());
    const decoded = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
    await fetch(`${GATEWAY}/wooshpay/alipay/decide`, {
      method: "POST",
      body: new URLSearchParams({ codeValue: decoded.data, decision: "succeed" }),
      redirect: "manual",
    });
    await page.waitForURL(/\/wooshpay\/return\?order=ord_/);
    await expect(page.getByRole("status")).toHaveText("Payment successful. Thank you!");
  });

  test("phone: the frame hands the customer to the Alipay app through the parent", async ({ browser }) => {
    const { userAgent, viewport, hasTouch, isMobile, deviceScaleFactor } = devices["iPhone 13"];
    const context = await browser.newContext({ userAgent, viewport, hasTouch, isMobile, deviceScaleFactor, baseURL: SHOP });
    const page = await context.newPage();
    await page.goto("/examples/wooshpay-session");
    await page.getByRole("button", { name: "Pay with WooshPay in this page" }).click();
    await page.getByTitle("Payment").contentFrame().getByRole("button", { name: "Pay with Alipay" }).click();
    // the top window is now at the gateway's app page, not the iframe
    await expect(page.getByRole("heading", { name: "Alipay" })).toBeVisible();
    expect(new URL(page.url()).origin).toBe(GATEWAY);
    await page.getByRole("button", { name: "Pay" }).click();
    await page.waitForURL(/\/wooshpay\/return\?order=ord_/);
    await expect(page.getByRole("status")).toHaveText("Payment successful. Thank you!");
    await context.close();
  });
});

test("the Omise checkout's build alone (paywasm.js) refuses gateway \"wooshpay\" and names the build that has it", async ({ page }) => {
  await page.goto("/");
  const message = await page.evaluate(async () => {
    const checkout = await import("/pkg/paywasm.js");
    await checkout.default();
    try {
      checkout.mount(document.createElement("div"), {
        gateway: "wooshpay", publicKey: "pk_test_paywasm0sandbox0wooshpay", amount: 26800, currency: "CNY",
        chargeUrl: "/wooshpay/payment_intents", order: "ord_1",
      });
      return "mounted";
    } catch (error) {
      return error.message;
    }
  });
  expect(message).toContain("paywasm_wooshpay.js");
});
