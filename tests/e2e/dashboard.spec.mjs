// The gateway's test-mode dashboard as a developer uses it in Chromium: sign in with the
// secret key, watch the shop's charge appear, pay it from its page and see the checkout learn
// it; the same with JavaScript off; keyboard only; axe-core in light and dark, at phone width.
// And the checkout's "Simulate payment" link in test mode, which pays a QR without a phone.
import { test, expect } from "@playwright/test";
import { GATEWAY } from "../../playwright.config.mjs";
import { SECRET_KEY, gatewayPost, wooshpay } from "./gateway.mjs";
import { axeViolations } from "./axe.mjs";

async function signIn(page) {
  await page.goto(`${GATEWAY}/dashboard`);
  await expect(page.getByRole("heading", { name: "Sign in to the test-mode dashboard" })).toBeVisible();
  await page.getByLabel("Secret key").fill(SECRET_KEY);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Charges" })).toBeVisible();
}

/** A customer on the shop chooses PromptPay: the order and the QR's charge. */
async function customerAtQr(page) {
  await page.goto("/");
  const config = JSON.parse(await page.locator("#checkout-config").textContent());
  const created = page.waitForResponse((r) => r.url().endsWith("/checkout/charges") && r.request().method() === "POST");
  await page.getByRole("button", { name: "PromptPay" }).click();
  const charge = await (await created).json();
  await expect(page.getByRole("img", { name: /QR/ })).toBeVisible();
  return { order: config.widget.order, charge };
}

test("the public key does not sign in, and says which key does", async ({ page }) => {
  await page.goto(`${GATEWAY}/dashboard/sign-in`);
  await page.getByLabel("Secret key").fill("pkey_test_5paywasmsandbox0demo0");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert")).toContainText("That is the public key");
  await expect(page.getByLabel("Secret key")).toHaveAttribute("aria-invalid", "true");
});

test("a charge the shop makes appears in the open list; Mark as paid on its page, and the customer's checkout says paid", async ({ browser, page }) => {
  const dashboard = await browser.newPage();
  await signIn(dashboard);
  const { order, charge } = await customerAtQr(page);
  // No reload: the list follows the gateway.
  const row = dashboard.getByRole("row", { name: new RegExp(order) });
  await expect(row).toBeVisible();
  await expect(row).toContainText("pending");
  await row.getByRole("link", { name: charge.id }).click();
  await expect(dashboard.getByRole("heading", { name: `Charge ${charge.id}` })).toBeVisible();
  await expect(dashboard.getByRole("img", { name: `QR code of ${charge.id}` })).toBeVisible();
  await dashboard.getByRole("button", { name: "Mark as paid" }).click();
  await expect(dashboard.getByRole("status")).toHaveText("Marked as paid. The merchant's webhook endpoint is told.");
  await expect(dashboard.getByText("charge.complete")).toBeVisible();
  await expect(page.getByRole("status")).toContainText("successful");
  // The webhook sent again, as a developer does after fixing their endpoint.
  await dashboard.getByRole("button", { name: /^Resend charge\.complete / }).click();
  await expect(dashboard.getByRole("status")).toHaveText("Sent again to the merchant's webhook endpoint.");
  await dashboard.close();
});

/** A WooshPay PaymentIntent waiting at Alipay: its cashier (`WEB`) or its app (`APP`). */
async function alipayIntent(terminal = "WEB") {
  const { status, body } = await wooshpay("POST", "/v1/payment_intents", {
    amount: 8800, currency: "CNY", confirm: true,
    payment_method_data: { type: "alipay" }, payment_method_types: ["alipay"],
    payment_method_options: { alipay: { terminal_type: terminal, ...(terminal === "APP" ? { os_type: "ANDROID" } : {}) } },
    return_url: "https://example.com/orders/7",
  });
  expect(status).toBe(200);
  return body;
}

test("the WooshPay section: a PaymentIntent set processing, then settled, from its page; its webhooks, Events and Requests beside", async ({ page }) => {
  const intent = await alipayIntent();
  await signIn(page);
  await page.getByRole("navigation", { name: "Dashboard" }).getByRole("link", { name: "WooshPay" }).click();
  await expect(page.getByRole("heading", { name: "WooshPay", level: 1 })).toBeVisible();
  const row = page.getByRole("row", { name: new RegExp(intent.id) });
  await expect(row).toContainText("CNY 88.00");
  await expect(row).toContainText("requires_action");
  await row.getByRole("link", { name: intent.id }).click();
  await page.getByRole("button", { name: "Processing" }).click();
  await expect(page.getByRole("status")).toHaveText("Processing: Alipay settles it next (Settle below).");
  await page.getByRole("button", { name: "Settle: succeed" }).click();
  await expect(page.getByRole("status")).toHaveText("Succeeded. The merchant's webhook endpoints are told.");
  await expect(page.getByRole("heading", { name: /^payment_intent\.succeeded / })).toBeVisible();
  // What the shop's endpoint answered, attempt by attempt.
  await expect(page.getByRole("region", { name: /^Delivery attempts of evt_/ }).first()).toContainText("HTTP 200");

  await page.getByRole("navigation", { name: "Dashboard" }).getByRole("link", { name: "Requests" }).click();
  await expect(page.getByRole("heading", { name: "Requests" })).toBeVisible();
  await expect(page.getByRole("row", { name: /WooshPay POST \/v1\/payment_intents/ }).first()).toContainText("secret key");
  await page.getByRole("navigation", { name: "Dashboard" }).getByRole("link", { name: "Events" }).click();
  await expect(page.getByRole("heading", { name: "Events and webhooks" })).toBeVisible();
});

test("test mode: Simulate payment beside the QR opens the gateway's page in a new tab; Fail there, and the waiting checkout says so", async ({ page, context }) => {
  await customerAtQr(page);
  await expect(page.getByText("Test mode.")).toBeVisible();
  const opened = context.waitForEvent("page");
  await page.getByRole("link", { name: "Simulate payment" }).click();
  const phone = await opened;
  await expect(phone.getByRole("heading", { name: "Simulate payment" })).toBeVisible();
  expect(new URL(phone.url()).origin).toBe(GATEWAY);
  await phone.getByRole("button", { name: "Fail" }).click();
  await expect(phone.getByRole("status")).toHaveText("Declined. The checkout showing this QR says so now.");
  await expect(page.getByRole("status")).toContainText("Payment failed");
  await phone.close();
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("Mark as failed with one of the method's codes, by plain forms", async ({ page }) => {
    const { body: charge } = await gatewayPost("/charges", {
      amount: "129000", currency: "THB", "source[type]": "promptpay", "metadata[order_id]": "ord_nojs",
    });
    await signIn(page);
    await page.getByLabel("Charge or order").fill("ord_nojs");
    await page.getByRole("button", { name: "Filter" }).click();
    await page.getByRole("link", { name: charge.id }).click();
    await page.getByLabel("Failure code").selectOption("insufficient_balance");
    await page.getByRole("button", { name: "Mark as failed" }).click();
    await expect(page.getByRole("status")).toHaveText("Marked as failed. The merchant's webhook endpoint is told.");
    await expect(page.getByText("insufficient_balance: the customer's balance is insufficient")).toBeVisible();
    // Ended: no action is offered any more.
    await expect(page.getByRole("button", { name: "Mark as paid" })).toHaveCount(0);
    await expect(page.getByText("Nothing to do: this charge is failed.")).toBeVisible();
  });
});

test("keyboard only: sign in, open a charge and expire it", async ({ page }) => {
  const { body: charge } = await gatewayPost("/charges", {
    amount: "129000", currency: "THB", "source[type]": "promptpay", "metadata[order_id]": "ord_keys",
  });
  await page.goto(`${GATEWAY}/dashboard/sign-in`);
  await page.keyboard.press("Tab"); // the brand link
  await page.keyboard.press("Tab");
  await expect(page.getByLabel("Secret key")).toBeFocused();
  await page.keyboard.type(SECRET_KEY);
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { name: "Charges" })).toBeVisible();
  await page.getByRole("link", { name: charge.id }).focus();
  await page.keyboard.press("Enter");
  await page.getByRole("button", { name: "Expire" }).focus();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("status")).toHaveText("Expired. The merchant's webhook endpoint is told.");
});

for (const colorScheme of ["light", "dark"]) {
  test.describe(`axe-core, ${colorScheme}, phone width`, () => {
    test.use({ colorScheme, viewport: { width: 390, height: 844 } });

    test("the sign-in form, the list and a charge's page have no violations", async ({ page }) => {
      await page.goto(`${GATEWAY}/dashboard/sign-in`);
      expect(await axeViolations(page, "body")).toEqual([]);
      await gatewayPost("/charges", { amount: "129000", currency: "THB", "source[type]": "promptpay" });
      await signIn(page);
      expect(await axeViolations(page, "body")).toEqual([]);
      await page.getByRole("link", { name: /^chrg_test_/ }).first().click();
      await expect(page.getByRole("heading", { name: /^Charge / })).toBeVisible();
      expect(await axeViolations(page, "body")).toEqual([]);
      // Nothing is wider than the phone: tables scroll inside their card.
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);
    });

    test("Events, Requests, WooshPay and a PaymentIntent's page have no violations and fit the phone", async ({ page }) => {
      const intent = await alipayIntent();
      await signIn(page);
      for (const path of ["/dashboard/events", "/dashboard/requests", "/dashboard/wooshpay", `/dashboard/wooshpay/payment_intents/${intent.id}`]) {
        await page.goto(`${GATEWAY}${path}`);
        await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
        expect(await axeViolations(page, "body"), path).toEqual([]);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        expect(overflow, path).toBeLessThanOrEqual(0);
      }
    });

    test("the gateway's test pages (the authorize page, Simulate payment, Alipay's cashier and app) share the look and have no violations", async ({ page }) => {
      const { body: alipay } = await gatewayPost("/charges", {
        amount: "150000", currency: "SGD", "source[type]": "alipay_cn", "source[platform_type]": "WEB",
        return_uri: "https://example.com/orders/1/complete",
      });
      await page.goto(alipay.authorize_uri);
      await expect(page.getByRole("heading", { name: "Test payment" })).toBeVisible();
      await expect(page.getByText("Test mode · no money moves")).toBeVisible();
      expect(await axeViolations(page, "body")).toEqual([]);
      const { body: promptpay } = await gatewayPost("/charges", { amount: "129000", currency: "THB", "source[type]": "promptpay" });
      await page.goto(`${promptpay.source.scannable_code.image.download_uri}/simulate`);
      await expect(page.getByRole("heading", { name: "Simulate payment" })).toBeVisible();
      expect(await axeViolations(page, "body")).toEqual([]);
      const cashier = await alipayIntent();
      await page.goto(cashier.next_action.alipay_handle_redirect.url);
      await expect(page.getByRole("heading", { name: "Scan with Alipay to pay" })).toBeVisible();
      await expect(page.getByRole("img", { name: "Alipay QR code" })).toBeVisible();
      await expect(page.getByText("Test mode · no money moves")).toBeVisible();
      expect(await axeViolations(page, "body")).toEqual([]);
      await page.getByRole("button", { name: "Processing" }).click();
      await expect(page.getByRole("status")).toHaveText("This payment is processing: Alipay settles it.");
      expect(await axeViolations(page, "body")).toEqual([]);
      const app = await alipayIntent("APP");
      await page.goto(app.next_action.alipay_handle_redirect.url);
      await expect(page.getByRole("heading", { name: "Alipay" })).toBeVisible();
      await expect(page.getByRole("button", { name: "Pay" })).toBeVisible();
      expect(await axeViolations(page, "body")).toEqual([]);
    });
  });
}
