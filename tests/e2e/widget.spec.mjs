// The widget as a customer meets it: languages, the countdown, expiry and a new QR, a hidden
// tab, a flaky network, errors, saving the QR on a phone, and accessibility (axe-core).
import { test, expect } from "@playwright/test";
import { readFileSync } from "node:fs";
import jsQR from "jsqr";
import { PNG } from "pngjs";
import { GATEWAY } from "../../playwright.config.mjs";
import { gatewayPost } from "./gateway.mjs";
import { chargeCreated } from "./shop.mjs";
import { axeViolations } from "./axe.mjs";
import { IPHONE_UA } from "./user-agents.mjs";

async function showQr(page) {
  await page.goto("/");
  const created = chargeCreated(page);
  await page.getByRole("button", { name: "PromptPay" }).click();
  await expect(page.getByRole("img", { name: /QR/ })).toBeVisible();
  return created;
}

test("the QR shows the merchant, the amount and a countdown to the charge's real expiry", async ({ page }) => {
  const charge = await showQr(page);
  await expect(page.getByText("Pay to paywasm demo shop")).toBeVisible();
  const timer = page.getByRole("timer");
  await expect(timer).toHaveText(/^23:59:\d\d$/); // PromptPay charges expire after 24 h
  const expiresInSeconds = (Date.parse(charge.expires_at) - Date.now()) / 1000;
  const [h, m, s] = (await timer.textContent()).split(":").map(Number);
  expect(Math.abs(h * 3600 + m * 60 + s - expiresInSeconds)).toBeLessThan(5);
});

test("an expired QR is replaced by a clear expired state and one tap makes a new one", async ({ page }) => {
  const charge = await showQr(page);
  await gatewayPost(`/charges/${charge.id}/expire`);
  await expect(page.getByRole("status")).toContainText("expired");
  await expect(page.getByRole("img", { name: /QR/ })).toBeHidden();
  const next = chargeCreated(page);
  await page.getByRole("button", { name: "New QR code" }).click();
  await expect(page.getByRole("img", { name: /QR/ })).toBeVisible();
  expect((await next).id).not.toBe(charge.id);
});

test("a cancelled payment says so and offers the methods again", async ({ page }) => {
  const charge = await showQr(page);
  await gatewayPost(`/charges/${charge.id}/mark_as_failed`, { failure_code: "payment_cancelled" });
  await expect(page.getByRole("status")).toContainText("cancelled");
  await expect(page.getByRole("status")).toBeFocused();
  await page.getByRole("button", { name: "Try again" }).click();
  await expect(page.getByRole("button", { name: "Alipay" })).toBeEnabled();
});

test("a hidden tab asks nothing, and asks at once when it is visible again", async ({ page }) => {
  await page.goto("/");
  // The customer switches to the banking app: the page is hidden before the wait starts.
  await page.evaluate(() => {
    window.__hidden = false;
    Object.defineProperty(document, "hidden", { configurable: true, get: () => window.__hidden });
  });
  const statusRequests = [];
  page.on("request", (r) => {
    if (/\/checkout\/charges\/chrg_/.test(r.url())) statusRequests.push(r.url());
  });
  const created = chargeCreated(page);
  await page.evaluate(() => {
    window.__hidden = true;
    document.dispatchEvent(new Event("visibilitychange"));
  });
  await page.getByRole("button", { name: "PromptPay" }).click();
  const charge = await created;
  await gatewayPost(`/charges/${charge.id}/mark_as_paid`);
  await page.waitForTimeout(1500);
  expect(statusRequests).toEqual([]);
  await expect(page.getByRole("status")).not.toContainText("successful");
  const started = Date.now();
  await page.evaluate(() => {
    window.__hidden = false;
    document.dispatchEvent(new Event("visibilitychange"));
  });
  await expect(page.getByRole("status")).toContainText("successful");
  expect(Date.now() - started).toBeLessThan(2000);
});

test("a flaky network shows that it is reconnecting, then the result", async ({ page }) => {
  // Every status request fails from the start: the connection is reset.
  await page.route("**/checkout/charges/chrg_*", (route) => route.abort("connectionreset"));
  const charge = await showQr(page);
  await expect(page.getByRole("status")).toContainText("Reconnecting", { timeout: 10_000 });
  await expect(page.getByRole("img", { name: /QR/ })).toBeVisible(); // the QR stays up meanwhile
  await page.unroute("**/checkout/charges/chrg_*");
  await gatewayPost(`/charges/${charge.id}/mark_as_paid`);
  await expect(page.getByRole("status")).toContainText("successful", { timeout: 20_000 });
});

test("a refusal from the payment service is explained with a next step", async ({ page }) => {
  await page.route(`${GATEWAY}/sources`, (route) =>
    route.request().method() === "POST"
      ? route.fulfill({
          status: 400,
          contentType: "application/json",
          headers: { "access-control-allow-origin": "*" },
          body: JSON.stringify({ object: "error", location: "x", code: "invalid_amount", message: "amount is too small" }),
        })
      : route.continue(),
  );
  await page.goto("/");
  await page.getByRole("button", { name: "PromptPay" }).click();
  await expect(page.getByRole("status")).toContainText("could not start the payment");
  await expect(page.getByRole("status")).toContainText("try again");
  await expect(page.getByRole("button", { name: "PromptPay" })).toBeEnabled();
});

test("no accessibility violations while choosing, waiting and after payment (axe-core)", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("button", { name: "PromptPay" })).toBeVisible();
  expect(await axeViolations(page, ".paywasm")).toEqual([]);
  const created = chargeCreated(page);
  await page.getByRole("button", { name: "PromptPay" }).click();
  await expect(page.getByRole("img", { name: /QR/ })).toBeVisible();
  expect(await axeViolations(page, ".paywasm")).toEqual([]);
  await gatewayPost(`/charges/${(await created).id}/mark_as_paid`);
  await expect(page.getByRole("status")).toContainText("successful");
  expect(await axeViolations(page, ".paywasm")).toEqual([]);
});

test.describe("in Thai", () => {
  test.use({ locale: "th-TH" });

  test("the browser's language is spoken, through to the outcome", async ({ page }) => {
    const charge = await showQr(page);
    await expect(page.getByRole("status")).toContainText("กำลังรอการชำระเงิน");
    await gatewayPost(`/charges/${charge.id}/mark_as_paid`);
    await expect(page.getByRole("status")).toHaveText("ชำระเงินสำเร็จ ขอบคุณค่ะ");
  });
});

for (const [locale, heading] of [["ja-JP", "お支払い方法を選択してください"], ["zh-CN", "请选择支付"]]) {
  test.describe(`in ${locale}`, () => {
    test.use({ locale });
    test("the method list speaks the browser's language", async ({ page }) => {
      await page.goto("/");
      await expect(page.getByRole("heading", { name: new RegExp(heading) })).toBeVisible();
    });
  });
}

test.describe("on an iPhone", () => {
  test.use({ userAgent: IPHONE_UA, viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });

  test("Save QR code downloads an image that still scans, for the banking app", async ({ page }) => {
    await showQr(page);
    const download = page.waitForEvent("download");
    await page.getByRole("button", { name: "Save QR code" }).click();
    const file = await (await download).path();
    const png = PNG.sync.read(readFileSync(file));
    const decoded = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
    expect(decoded, "the saved image must decode").not.toBeNull();
    expect(decoded.data).toContain("54071290.00");
  });
});

test("the whole checkout works from the keyboard", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("button", { name: "PromptPay" })).toBeVisible();
  for (let i = 0; i < 10 && !(await page.getByRole("button", { name: "PromptPay" }).evaluate((b) => b === document.activeElement)); i++) {
    await page.keyboard.press("Tab");
  }
  await expect(page.getByRole("button", { name: "PromptPay" })).toBeFocused();
  const created = chargeCreated(page);
  await page.keyboard.press("Enter");
  await expect(page.getByRole("img", { name: /QR/ })).toBeVisible();
  await gatewayPost(`/charges/${(await created).id}/mark_as_failed`, { failure_code: "payment_rejected" });
  await expect(page.getByRole("status")).toBeFocused();
  await page.keyboard.press("Tab");
  await expect(page.getByRole("button", { name: "Try again" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("button", { name: "PromptPay" })).toBeVisible();
});

test("nothing on the page shifts while the widget loads and changes state (CLS)", async ({ page }) => {
  await page.addInitScript(() => {
    window.__layoutShift = 0;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) if (!entry.hadRecentInput) window.__layoutShift += entry.value;
    }).observe({ type: "layout-shift", buffered: true });
  });
  const charge = await showQr(page);
  await gatewayPost(`/charges/${charge.id}/mark_as_paid`);
  await expect(page.getByRole("status")).toContainText("successful");
  // 0.1 is the "good" threshold of Core Web Vitals
  expect(await page.evaluate(() => window.__layoutShift)).toBeLessThan(0.1);
});
