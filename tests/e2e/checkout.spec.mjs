// The customer's checkout on the demo shop, PromptPay and Alipay, end to end in Chromium.
import { test, expect } from "@playwright/test";
import jsQR from "jsqr";
import { PNG } from "pngjs";
import { GATEWAY, SHOP } from "../../playwright.config.mjs";
import { gatewayGet, gatewayPost, onAuthorizePage } from "./gateway.mjs";
import { chargeCreated } from "./shop.mjs";
import { IPHONE_UA } from "./user-agents.mjs";

/** CRC-16/CCITT-FALSE, written independently of the Rust core, to check what the camera read. */
function crc16(text) {
  let crc = 0xffff;
  for (const byte of Buffer.from(text, "utf8")) {
    crc ^= byte << 8;
    for (let i = 0; i < 8; i++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc.toString(16).toUpperCase().padStart(4, "0");
}

/** What a phone's camera reads of the QR on screen: its rendered pixels, decoded by an
 * independent decoder, checked as an EMVCo payload with an amount and a valid CRC. */
async function scanned(qr) {
  await expect.poll(() => qr.evaluate((img) => img.complete && img.naturalWidth)).toBeGreaterThan(0);
  const png = PNG.sync.read(await qr.screenshot());
  const decoded = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
  expect(decoded, "the QR on screen must decode").not.toBeNull();
  const payload = decoded.data;
  expect(payload.startsWith("000201010212")).toBe(true); // EMVCo, dynamic (with amount)
  expect(payload.slice(-4)).toBe(crc16(payload.slice(0, -4)));
  return payload;
}

test("PromptPay: the QR appears, scans as a Thai QR for the amount, and payment is announced", async ({ page }) => {
  await page.goto("/");
  const created = chargeCreated(page);
  await page.getByRole("button", { name: "PromptPay" }).click();
  const qr = page.getByRole("img", { name: /QR/ });
  await expect(qr).toBeVisible();
  await expect(qr).toHaveAccessibleName(/THB 1,290\.00/);
  await expect(page.getByRole("status")).toContainText("Waiting for your payment");
  const payload = await scanned(qr);
  expect(payload).toContain("A00000067701011"); // PromptPay application id
  expect(payload).toContain("5303764"); // THB
  expect(payload).toContain("54071290.00"); // the order's amount

  const charge = await created;
  expect(charge.status).toBe("pending");
  const paid = await gatewayPost(`/charges/${charge.id}/mark_as_paid`);
  expect(paid.status).toBe(200);
  await expect(page.getByRole("status")).toContainText("successful");
  await expect(qr).toBeHidden();
});

test("PayNow: the Singapore page's QR scans as an SGQR PayNow code for the amount, and payment is announced", async ({ page }) => {
  await page.goto("/sg");
  await expect(page.getByText("Shipping to Singapore")).toBeVisible();
  const created = chargeCreated(page, "/sg");
  // PromptPay takes baht only: the Singapore dollar checkout offers PayNow in its place.
  await expect(page.getByRole("button", { name: "PromptPay" })).toHaveCount(0);
  await page.getByRole("button", { name: "PayNow" }).click();
  const qr = page.getByRole("img", { name: /PayNow QR/ });
  await expect(qr).toBeVisible();
  await expect(qr).toHaveAccessibleName(/SGD 52\.00/);
  const payload = await scanned(qr);
  expect(payload).toMatch(/^00020101021226\d\d0009SG\.PAYNOW010120210\w{10}03010/); // PayNow to a UEN, amount fixed
  expect(payload).toContain("5303702"); // SGD
  expect(payload).toContain("540552.00"); // the order's amount
  expect(payload).toContain("5802SG");

  const charge = await created;
  expect(charge.status).toBe("pending");
  expect(charge.source.type).toBe("paynow");
  expect([charge.amount, charge.currency.toUpperCase()]).toEqual([5200, "SGD"]);
  const paid = await gatewayPost(`/charges/${charge.id}/mark_as_paid`);
  expect(paid.status).toBe(200);
  await expect(page.getByRole("status")).toContainText("successful");
  await expect(qr).toBeHidden();
});

test("PayNow: a failed payment is announced with the reason", async ({ page }) => {
  await page.goto("/sg");
  const created = chargeCreated(page, "/sg");
  await page.getByRole("button", { name: "PayNow" }).click();
  await expect(page.getByRole("img", { name: /PayNow QR/ })).toBeVisible();
  const charge = await created;
  await gatewayPost(`/charges/${charge.id}/mark_as_failed`, { failure_code: "insufficient_balance" });
  await expect(page.getByRole("status")).toContainText("failed");
  await expect(page.getByRole("status")).toContainText("balance is insufficient");
  await expect(page.getByRole("button", { name: "Try again" })).toBeVisible();
});

test("PromptPay: a failed payment is announced with the reason and a way to try again", async ({ page }) => {
  await page.goto("/");
  const created = chargeCreated(page);
  await page.getByRole("button", { name: "PromptPay" }).click();
  await expect(page.getByRole("img", { name: /QR/ })).toBeVisible();
  const charge = await created;
  await gatewayPost(`/charges/${charge.id}/mark_as_failed`, { failure_code: "insufficient_balance" });
  await expect(page.getByRole("status")).toContainText("failed");
  await expect(page.getByRole("status")).toContainText("balance is insufficient");
  await page.getByRole("button", { name: "Try again" }).click();
  await expect(page.getByRole("button", { name: "PromptPay" })).toBeEnabled();
});

test("Alipay: Succeed on the authorize page lands on the return page, which shows success", async ({ page }) => {
  await page.goto("/");
  await page.getByRole("button", { name: "Alipay" }).click();
  await page.waitForURL(onAuthorizePage);
  await expect(page.getByText("THB")).toBeVisible();
  await page.getByRole("button", { name: "Succeed" }).click();
  await page.waitForURL(`${SHOP}/return?order=*`);
  await expect(page.getByRole("status")).toContainText("successful");
});

test("Alipay: Fail on the authorize page ends as failed on the return page", async ({ page }) => {
  await page.goto("/");
  await page.getByRole("button", { name: "Alipay" }).click();
  await page.waitForURL(onAuthorizePage);
  await page.getByRole("button", { name: "Fail" }).click();
  await page.waitForURL(`${SHOP}/return?order=*`);
  await expect(page.getByRole("status")).toContainText("failed");
  const charges = await gatewayGet("/charges?limit=20");
  const returnOrder = new URL(page.url()).searchParams.get("order");
  const charge = charges.body.data.find((c) => c.metadata.order_id === returnOrder);
  expect(charge.status).toBe("failed");
  expect(charge.failure_code).toBe("payment_rejected");
});

test.describe("on an iPhone", () => {
  test.use({ userAgent: IPHONE_UA, viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });

  test("Alipay's source is created with platform_type IOS", async ({ page }) => {
    await page.goto("/");
    const sourceRequest = page.waitForRequest((r) => r.url() === `${GATEWAY}/sources` && r.method() === "POST");
    await page.getByRole("button", { name: "Alipay" }).click();
    expect((await sourceRequest).postDataJSON().platform_type).toBe("IOS");
    await page.waitForURL(onAuthorizePage);
    // What the gateway recorded, read back through its API.
    const chargeId = await page.getByText(/^chrg_test_/).textContent();
    const charge = await gatewayGet(`/charges/${chargeId}`);
    expect(charge.body.source.type).toBe("alipay_cn");
    expect(charge.body.source.platform_type).toBe("IOS");
  });
});
