// The checkout offers only what the merchant's account takes. The demo shop reads the
// account's methods from the gateway's Capability API through the merchant library
// (`paywasm_merchant::account`) and offers only those, in its first view and to the widget
// (its `methods` option). Each test runs a sandbox of its own whose account has only some
// methods (`--methods`).
import { test, expect } from "@playwright/test";
import { spawn } from "node:child_process";

/** A sandbox whose account takes `methods` only, on ports of its own, for the tests of this
 * describe block. */
function sandboxWith(methods, gatewayPort, shopPort) {
  const sandbox = { shop: `http://127.0.0.1:${shopPort}` };
  test.beforeAll(async () => {
    sandbox.process = spawn(
      "target/debug/paywasm-sandbox",
      ["--gateway", `127.0.0.1:${gatewayPort}`, "--shop", `127.0.0.1:${shopPort}`, "--methods", methods],
      { stdio: "ignore" },
    );
    await expect
      .poll(() => fetch(`${sandbox.shop}/assets/shop.css`).then((r) => r.ok, () => false), { timeout: 15_000 })
      .toBe(true);
  });
  test.afterAll(() => sandbox.process?.kill());
  return sandbox;
}

test.describe("an account that takes PromptPay and not Alipay", () => {
  // One worker for the block: its sandbox has ports of its own.
  test.describe.configure({ mode: "serial" });
  const sandbox = sandboxWith("promptpay", 17180, 17181);

  test("the baht checkout never shows Alipay, and PromptPay pays", async ({ page }) => {
    await page.goto(`${sandbox.shop}/`);
    const promptpay = page.getByRole("button", { name: "PromptPay" });
    await expect(promptpay).toBeVisible();
    await expect(page.getByRole("button", { name: "Alipay" })).toHaveCount(0);
    await page.waitForFunction(() => !document.querySelector("[data-paywasm-first-view]") && document.querySelector(".paywasm"));
    await expect(page.getByRole("button", { name: "Alipay" })).toHaveCount(0);
    await promptpay.click();
    await expect(page.getByRole("img", { name: /QR/ })).toBeVisible();
  });

  test("the hosted checkout in a frame offers PromptPay and not Alipay", async ({ page }) => {
    await page.goto(`${sandbox.shop}/examples/iframe`);
    const checkout = page.frameLocator("iframe");
    await expect(checkout.getByRole("button", { name: "PromptPay" })).toBeVisible();
    await expect(checkout.getByRole("button", { name: "Alipay" })).toHaveCount(0);
  });
});

test.describe("an account that takes none of the methods that fit the order", () => {
  const sandbox = sandboxWith("paynow", 17182, 17183);

  test("the baht checkout offers no method and says to contact the shop", async ({ page }) => {
    await page.goto(`${sandbox.shop}/`);
    await expect(page.getByRole("status")).toHaveText("No payment method here can take THB 1,290.00. Please contact the shop.");
    await expect(page.getByRole("button", { name: "PromptPay" })).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Alipay" })).toHaveCount(0);
  });
});
