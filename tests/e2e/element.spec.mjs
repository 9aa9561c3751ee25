// <paywasm-checkout>, the custom element: a React 19 app pays with it (properties set by React,
// DOM events heard by the app), and embed.js defines it only for a page that opts in.
import { test, expect } from "@playwright/test";
import { REACT_APP, SHOP } from "../../playwright.config.mjs";
import { gatewayPost } from "./gateway.mjs";

/** An order of the demo shop and what it costs, as the shop's page gives them. */
async function shopOrder(request) {
  const page = await (await request.get(SHOP)).text();
  return JSON.parse(page.match(/id="checkout-config">([^<]*)<\/script>/)[1]).widget;
}

test("a React 19 app pays with <paywasm-checkout> and hears the state and the outcome as DOM events", async ({ page, request }) => {
  const order = await shopOrder(request);
  const created = page
    .waitForResponse((r) => r.url() === `${REACT_APP}/checkout/charges` && r.request().method() === "POST")
    .then((r) => r.json());
  await page.goto(`${REACT_APP}/?order=${encodeURIComponent(order.order)}&amount=${order.amount}`);
  await expect(page.getByRole("heading", { name: "paywasm in a React app" })).toBeVisible();
  const checkout = page.locator("paywasm-checkout");
  // React set the options as properties: the array of methods as an array, the amount a number.
  expect(await checkout.evaluate((element) => [element.amount, element.methods, element.getAttribute("amount")])).toEqual([
    order.amount,
    ["promptpay"],
    null,
  ]);
  await checkout.getByRole("button", { name: "PromptPay", exact: true }).click();
  await expect(checkout.getByRole("img", { name: /QR/ })).toBeVisible();
  await expect(page.getByText(/^The app heard the state: /)).not.toHaveText("The app heard the state: loading");
  const charge = await created;
  expect(charge.amount).toBe(order.amount);
  await gatewayPost(`/charges/${charge.id}/mark_as_paid`);
  await expect(checkout.getByRole("status")).toContainText("successful");
  await expect(page.getByText(`The app heard: ${charge.id} successful`)).toBeVisible();
  await expect(page.getByRole("alert")).toHaveCount(0);
});

/** A page of the shop's origin with the shop's embed.js, and `body` before it: a page of its
 * own, served to the browser by the test (a document written over another keeps that page's
 * state, and its elements are not upgraded). */
async function pageWithEmbed(page, body, scriptAttributes) {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>element</title></head><body>${body}<script src="/pkg/embed.js" ${scriptAttributes}></script></body></html>`;
  await page.route(`${SHOP}/test-page`, (route) => route.fulfill({ contentType: "text/html", body: html }));
  await page.goto("/test-page");
}

test("embed.js defines <paywasm-checkout> for a page that opts in: attributes mount it, a changed one mounts it anew, and a bad one is an error event", async ({ page }) => {
  await pageWithEmbed(
    page,
    `<paywasm-checkout public-key="pkey_test_5paywasmsandbox0demo0" amount="129000" currency="THB"
      charge-url="/checkout/charges" order="ord_element" locale="en" methods="promptpay alipay_cn"></paywasm-checkout>`,
    "data-paywasm-declarative",
  );
  const checkout = page.locator("paywasm-checkout");
  await expect(checkout.getByRole("button", { name: "PromptPay", exact: true })).toBeVisible();
  await expect(checkout.getByRole("button", { name: /Alipay/ })).toBeVisible();
  await expect(checkout.getByRole("heading", { name: "Choose how to pay THB 1,290.00" })).toBeVisible();

  await checkout.evaluate((element) => element.setAttribute("amount", "50000"));
  await expect(checkout.getByRole("heading", { name: "Choose how to pay THB 500.00" })).toBeVisible();
  // One checkout at a time in the element, whatever changed.
  await expect(checkout.getByRole("button", { name: "PromptPay", exact: true })).toHaveCount(1);

  const error = checkout.evaluate(
    (element) => new Promise((resolve) => element.addEventListener("error", (event) => resolve(event.detail), { once: true })),
  );
  await checkout.evaluate((element) => {
    element.publicKey = "skey_test_5paywasmsandbox0demo0";
  });
  const told = await error;
  expect(told.code).toBe("invalid_options");
  expect(told.message).toMatch(/secret key/i);
});

test("without data-paywasm-declarative, embed.js defines no <paywasm-checkout>: one injected into the page stays inert", async ({ page }) => {
  await pageWithEmbed(
    page,
    `<paywasm-checkout id="injected" public-key="pkey_test_attacker" amount="129000" currency="THB" charge-url="/c" order="o"></paywasm-checkout>
    <div id="merchants"></div>`,
    "",
  );
  await page.waitForFunction(() => window.Paywasm && window.Omise);
  await page.evaluate(() => window.Paywasm.mount("#merchants", { publicKey: "pkey_test_merchant", amount: 129000, currency: "THB", chargeUrl: "/c", order: "o", locale: "en" }));
  await expect(page.locator("#merchants").getByRole("button", { name: "PromptPay" })).toBeVisible();
  expect(await page.evaluate(() => customElements.get("paywasm-checkout"))).toBeUndefined();
  await expect(page.locator("#injected")).toBeEmpty();
});

test("<paywasm-checkout> takes every option the checkout and the cashier's view have (their TypeScript options, but the callbacks)", async () => {
  const { readFileSync } = await import("node:fs");
  const types = readFileSync("pkg/paywasm.d.ts", "utf8");
  const names = (name) => [...types.match(new RegExp(`export interface ${name} \\{([\\s\\S]*?)\\n\\}`))[1].matchAll(/^\s+(\w+)\??:/gm)].map((m) => m[1]);
  const declared = new Set([...names("MountOptions"), ...names("PosMountOptions")].filter((name) => !/^on[A-Z]/.test(name)));
  const { OPTIONS } = await import("../../pkg/custom-element.js");
  expect([...OPTIONS].sort()).toEqual([...declared].sort());
});
