// The checkout's colours follow the page it is on (theme "auto"): the page's own color-scheme,
// and the customer's system only where the page offers both; "light" and "dark" fix them. A
// light shop never shows a dark box, and the hosted frame follows its shop.
import { test, expect } from "@playwright/test";
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const WHITE = "rgb(255, 255, 255)";
const DARK = "rgb(21, 23, 28)";

/** Mounts a checkout in a container with the page's `scheme` (the demo shop's own, "light
 * dark", taken away: the page declares only what the case says); its panel's background. */
async function mounted(page, { scheme, theme }) {
  return page.evaluate(async ({ scheme, theme }) => {
    document.documentElement.style.colorScheme = "normal";
    const { mount } = await import("/pkg/index.js");
    const { widget } = JSON.parse(document.getElementById("checkout-config").textContent);
    const holder = document.createElement("div");
    if (scheme) holder.style.colorScheme = scheme;
    document.body.append(holder);
    await mount(holder, theme ? { ...widget, theme } : widget);
    const panel = holder.firstElementChild;
    return getComputedStyle(panel).backgroundColor;
  }, { scheme, theme });
}

for (const [system, scheme, theme, expected] of [
  ["dark", undefined, undefined, WHITE], // a page that declares nothing is light: so is the checkout
  ["dark", "light", undefined, WHITE],
  ["dark", "dark", undefined, DARK],
  ["dark", "light dark", undefined, DARK], // the page offers both: the system decides
  ["light", "light dark", undefined, WHITE],
  ["light", undefined, "dark", DARK],
  ["dark", "light dark", "light", WHITE],
  ["light", "dark", "auto", DARK],
]) {
  test(`system ${system}, page color-scheme ${scheme ?? "undeclared"}, theme ${theme ?? "default"}: ${expected === WHITE ? "light" : "dark"}`, async ({ page }) => {
    await page.emulateMedia({ colorScheme: system });
    await page.goto("/");
    expect(await mounted(page, { scheme, theme })).toBe(expected);
  });
}

test("the dark checkout is one padded panel and passes axe-core's contrast rules", async ({ page }) => {
  await page.emulateMedia({ colorScheme: "dark" });
  await page.goto("/");
  await mounted(page, { scheme: "dark" });
  const panel = page.locator("body > div").last();
  const title = panel.getByRole("heading");
  await expect(title).toBeVisible();
  const [panelBox, titleBox] = [await panel.locator(":scope > *").boundingBox(), await title.boundingBox()];
  expect(titleBox.x - panelBox.x).toBeGreaterThanOrEqual(12);
  expect(titleBox.y - panelBox.y).toBeGreaterThanOrEqual(12);
  await page.evaluate(AXE);
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document.body.lastElementChild, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa"] } });
    return result.violations.map((v) => v.id);
  });
  expect(violations).toEqual([]);
});

test("an unknown theme is refused with what it must be", async ({ page }) => {
  await page.goto("/");
  const message = await page.evaluate(async () => {
    const { mount } = await import("/pkg/index.js");
    const { widget } = JSON.parse(document.getElementById("checkout-config").textContent);
    return mount(document.body.appendChild(document.createElement("div")), { ...widget, theme: "blue" }).then(() => "mounted", (e) => e.message);
  });
  expect(message).toBe('paywasm: theme must be "light", "dark" or "auto" (the page\'s own colours)');
});

test("hosted page: on a light shop in a dark system the frame's checkout is light, and dark on a dark shop", async ({ page }) => {
  await page.emulateMedia({ colorScheme: "dark" });
  // A light shop: the demo shop's stylesheet, which offers both schemes, made light-only.
  await page.route("**/assets/shop.css", async (route) => {
    const response = await route.fetch();
    await route.fulfill({ response, body: (await response.text()) + ":root { color-scheme: light; }" });
  });
  await page.goto("/examples/iframe");
  const frame = page.getByTitle("Payment").contentFrame();
  await expect(frame.getByRole("button", { name: "PromptPay" })).toBeVisible();
  const background = () => frame.locator("#checkout > *").evaluate((panel) => getComputedStyle(panel).backgroundColor);
  expect(await background()).toBe(WHITE);
  // the same shop page declaring dark: a new frame follows it
  await page.evaluate(async () => {
    const { mountFrame } = await import("/pkg/frame.js");
    const config = JSON.parse(document.getElementById("checkout-config").textContent);
    const holder = document.createElement("div");
    holder.style.colorScheme = "dark";
    document.body.append(holder);
    mountFrame(holder, { ...config, title: "Dark payment" });
  });
  const dark = page.getByTitle("Dark payment").contentFrame();
  await expect(dark.getByRole("button", { name: "PromptPay" })).toBeVisible();
  expect(await dark.locator("#checkout > *").evaluate((panel) => getComputedStyle(panel).backgroundColor)).toBe(DARK);
});
