// The widget's life in the page, independent of payment methods.
import { test, expect } from "@playwright/test";

test("the checkout stays mounted when the page drops the handle mount() returned", async ({ page }) => {
  // The demo shop's script, like most merchants' code, ignores mount()'s return value; a
  // garbage collection must not take the checkout off the page.
  await page.goto("/");
  await expect(page.getByRole("button", { name: "PromptPay" })).toBeVisible();
  for (let i = 0; i < 3; i++) {
    await page.evaluate(() => window.gc());
    await page.waitForTimeout(200);
  }
  await expect(page.getByRole("button", { name: "PromptPay" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Alipay" })).toBeVisible();
});
