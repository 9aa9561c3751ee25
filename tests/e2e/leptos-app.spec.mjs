// A Leptos app that renders paywasm's checkout from Rust (tests/leptos-app, README "In a
// Leptos app"), paid with PromptPay against the sandbox in Chromium.
import { test, expect } from "@playwright/test";
import { LEPTOS_APP } from "../../playwright.config.mjs";
import { gatewayPost } from "./gateway.mjs";

test("a Leptos app renders the checkout from Rust and a PromptPay payment completes it", async ({ page }) => {
  const violations = [];
  page.on("console", (message) => message.text().includes("Content Security Policy") && violations.push(message.text()));
  // The shop makes the order (its product page does); the app is given its reference.
  await page.goto("/");
  const { widget } = JSON.parse(await page.locator("#checkout-config").textContent());
  await page.goto(`${LEPTOS_APP}/?order=${widget.order}`);
  await expect(page.getByRole("heading", { name: "Leptos shop" })).toBeVisible();
  const created = page.waitForResponse((r) => r.url() === `${LEPTOS_APP}/checkout/charges` && r.request().method() === "POST");
  await page.getByRole("button", { name: "PromptPay" }).click();
  const qr = page.getByRole("img", { name: /QR.*THB 1,290\.00/ });
  await expect(qr).toBeVisible();
  await expect(page.getByText("Pay to Leptos shop")).toBeVisible();
  const charge = await (await created).json();
  expect(charge.amount).toBe(129000);
  expect((await gatewayPost(`/charges/${charge.id}/mark_as_paid`)).status).toBe(200);
  await expect(page.getByRole("status")).toContainText("successful");
  // The app's own on_complete callback received the charge, from Rust.
  await expect(page.getByText(`Order successful: ${charge.id}`)).toBeVisible();
  expect(violations).toEqual([]);
});

test("a Leptos app that depends on paywasm without js-api exports none of the JavaScript API", async () => {
  const { readFileSync } = await import("node:fs");
  const glue = readFileSync("target/leptos-app/leptos_app.js", "utf8");
  const exported = [...glue.matchAll(/export (?:function|class|const) (\w+)/g)].map((m) => m[1]);
  expect(exported).not.toContain("mount");
  expect(exported).not.toContain("createSource");
  expect(exported).not.toContain("MountedCheckout");
  // ...while the JavaScript build does export them.
  const widget = readFileSync("pkg/paywasm.js", "utf8");
  expect(widget).toMatch(/mount/);
  expect(widget).toMatch(/createSource/);
});
