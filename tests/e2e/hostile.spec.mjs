// The browser boundary: every string the merchant or the gateway supplies is shown as
// text, never run as markup. The pages' configuration and the shop's answers are rewritten on
// the way to the browser with hostile markup; a script that ran would set window.__xss.
import { test, expect } from "@playwright/test";
import { gatewayPost, wooshpay } from "./gateway.mjs";
import { signIn } from "./staff.mjs";

const HOSTILE = `<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>`;

/**
 * Rewrites a field of the configuration the shop writes into its page, as the parser inserts it
 * (fulfilling the document from the test instead would make Chromium treat the page as public
 * and refuse its calls to the loopback gateway).
 */
async function withConfig(page, field, value) {
  await page.addInitScript(
    ([field, value]) => {
      new MutationObserver((_, observer) => {
        const config = document.getElementById("checkout-config");
        if (!config?.textContent) return;
        const parsed = JSON.parse(config.textContent);
        parsed.widget[field] = value;
        config.textContent = JSON.stringify(parsed);
        observer.disconnect();
      }).observe(document, { childList: true, subtree: true, characterData: true });
    },
    [field, value],
  );
}

test("a hostile merchant name and failure code are shown as text in the checkout", async ({ page }) => {
  await withConfig(page, "merchantName", HOSTILE);
  let created;
  await page.route("**/checkout/charges**", async (route) => {
    const request = route.request();
    if (request.method() === "POST") {
      const response = await route.fetch();
      const body = await response.text();
      created = JSON.parse(body);
      return route.fulfill({ response, body });
    }
    // The shop's answer while waiting: a failure whose code and message are markup.
    const response = await route.fetch();
    const charge = await response.json();
    if (charge.status === "failed") {
      charge.failure_code = HOSTILE;
      charge.failure_message = HOSTILE;
    }
    return route.fulfill({ response, json: charge });
  });
  await page.goto("/");
  await page.getByRole("button", { name: "PromptPay" }).click();
  await expect(page.getByRole("img", { name: /QR/ })).toBeVisible();
  // The name is on the page, as the characters the merchant typed (in the QR panel's "Pay to"
  // line; the receipt, made once and hidden until a payment succeeds, holds it too).
  await expect(page.getByText(`Pay to ${HOSTILE}`)).toBeVisible();
  expect((await gatewayPost(`/charges/${created.id}/mark_as_failed`, { failure_code: "payment_rejected" })).status).toBe(200);
  await expect(page.getByRole("status")).toContainText("failed");
  expect(await page.evaluate(() => window.__xss)).toBeUndefined();
});

test("a hostile store name is shown as text in the cashier view", async ({ page }) => {
  await withConfig(page, "storeName", HOSTILE);
  await signIn(page);
  await page.goto("/pos?amount=40000");
  await expect(page.getByRole("textbox", { name: "Customer's payment code" })).toBeVisible();
  await expect(page.getByText(HOSTILE, { exact: false })).toBeVisible();
  expect(await page.evaluate(() => window.__xss)).toBeUndefined();
});

test("hostile item names on the gateway's hosted Checkout Session page are shown as text", async ({ page }) => {
  // The merchant names the items; the gateway's page lists them to the customer.
  const { status, body: session } = await wooshpay("POST", "/v1/checkout/sessions", {
    mode: "payment",
    success_url: "http://127.0.0.1:17071/?checkout=success",
    cancel_url: "http://127.0.0.1:17071/?checkout=cancelled",
    payment_method_types: ["alipay"],
    line_items: [
      { price_data: { currency: "CNY", unit_amount: 1000, product_data: { name: HOSTILE } }, quantity: 1 },
      { price_data: { currency: "CNY", unit_amount: 500, product_data: { name: `tea</span></li><script>window.__xss=3</script>` } }, quantity: 2 },
    ],
  });
  expect(status).toBe(200);
  await page.goto(session.url);
  await expect(page.getByText(HOSTILE, { exact: false })).toBeVisible();
  await expect(page.getByText("tea</span></li><script>window.__xss=3</script>", { exact: false })).toBeVisible();
  await expect(page.getByRole("img", { name: "Alipay QR code" })).toBeVisible();
  expect(await page.evaluate(() => window.__xss)).toBeUndefined();
});
