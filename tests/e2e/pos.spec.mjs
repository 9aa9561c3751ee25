// The cashier view (in-store, B scan C) on the demo shop's /pos page, with the sandbox's
// documented test codes: the scanner types the code and Enter, as a keyboard wedge does.
import { test, expect } from "@playwright/test";
import { gatewayGet, gatewayPost } from "./gateway.mjs";

const ALIPAY_PAYS = "281234567890123490";
const ALIPAY_WAITS = "281234567890123401";
const ALIPAY_TIMEOUT = "281234567890123415";
const WECHAT_INSUFFICIENT = "134567890123456714";
const WECHAT_WAITS = "134567890123456701";

async function scan(page, code) {
  const field = page.getByRole("textbox", { name: "Customer's payment code" });
  await field.fill(code);
  await field.press("Enter");
}

test("Alipay: a scanned code is charged once, even with a double Enter, and can be refunded in part", async ({ page }) => {
  await page.goto("/pos?amount=40000");
  await expect(page.getByRole("heading", { name: "Charge THB 400.00" })).toBeVisible();
  await expect(page.getByText("paywasm demo shop (Silom) (store_1234) · Terminal POS-01")).toBeVisible();
  const charges = [];
  page.on("request", (r) => r.url().endsWith("/pos/charges") && r.method() === "POST" && charges.push(r));
  const field = page.getByRole("textbox", { name: "Customer's payment code" });
  await field.fill(ALIPAY_PAYS);
  await field.press("Enter");
  await page.keyboard.press("Enter"); // the scanner sends a second Enter
  await expect(page.getByRole("status")).toContainText("Payment successful: THB 400.00 with Alipay");
  expect(charges.length).toBeLessThanOrEqual(2);
  const keys = new Set(charges.map((r) => r.headers()["idempotency-key"]));
  expect(keys.size).toBe(1);
  const list = await gatewayGet("/charges?limit=100");
  const mine = list.body.data.filter((c) => c.source.barcode === ALIPAY_PAYS);
  expect(mine).toHaveLength(1);
  expect(mine[0].source.terminal_id).toBe("POS-01");

  await page.getByRole("textbox", { name: "Refund amount" }).fill("100.00");
  await page.getByRole("button", { name: "Refund" }).click();
  await expect(page.getByText(/^Refunded THB 100\.00 \(rfnd_test_/)).toBeVisible();
  await page.getByRole("textbox", { name: "Refund amount" }).fill("400.00");
  await page.getByRole("button", { name: "Refund" }).click();
  await expect(page.getByText(/Refund refused: .*at most 30000/)).toBeVisible();
});

test("a code that is not a wallet's is refused at once, without a request", async ({ page }) => {
  await page.goto("/pos");
  let requests = 0;
  page.on("request", (r) => r.url().includes("/pos/charges") && requests++);
  await scan(page, "8850999320014");
  await expect(page.getByRole("status")).toContainText("not an Alipay or WeChat Pay payment code");
  expect(requests).toBe(0);
});

test("WeChat Pay: insufficient funds tells the cashier to ask for another method", async ({ page }) => {
  await page.goto("/pos");
  await scan(page, WECHAT_INSUFFICIENT);
  await expect(page.getByRole("status")).toContainText("balance is insufficient. Ask for another payment method");
});

test("WeChat Pay: waiting for the customer, then the cashier cancels", async ({ page }) => {
  await page.goto("/pos");
  await scan(page, WECHAT_WAITS);
  await expect(page.getByRole("status")).toContainText("Waiting for the customer to confirm in WeChat Pay");
  await page.getByRole("button", { name: "Cancel payment" }).click();
  await expect(page.getByRole("status")).toContainText("Cancelled");
  // a new scan is a new charge, not the cancelled one again
  await scan(page, ALIPAY_PAYS);
  await expect(page.getByRole("status")).toContainText("Payment successful");
});

test("Alipay: the customer confirms in the app while the cashier waits", async ({ page }) => {
  await page.goto("/pos");
  const created = page.waitForResponse((r) => r.url().endsWith("/pos/charges")).then((r) => r.json());
  await scan(page, ALIPAY_WAITS);
  await expect(page.getByRole("status")).toContainText("Waiting for the customer to confirm in Alipay");
  const charge = await created;
  await gatewayPost(`/charges/${charge.id}/mark_as_paid`);
  await expect(page.getByRole("status")).toContainText("Payment successful");
});

test("Alipay: a timeout asks for a new code", async ({ page }) => {
  await page.goto("/pos");
  await scan(page, ALIPAY_TIMEOUT);
  await expect(page.getByRole("status")).toContainText("did not confirm in time. Ask them to show a new code");
});

test("the cashier view has no accessibility violations (axe-core)", async ({ page }) => {
  const { readFileSync } = await import("node:fs");
  const { createRequire } = await import("node:module");
  const axe = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
  await page.goto("/pos");
  await expect(page.getByRole("textbox", { name: "Customer's payment code" })).toBeVisible();
  await page.evaluate(axe);
  const violations = await page.evaluate(async () =>
    (await window.axe.run(document.querySelector(".paywasm"), { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"] } }))
      .violations.map((v) => v.id),
  );
  expect(violations).toEqual([]);
});
