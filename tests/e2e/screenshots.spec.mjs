// Seen, not assumed: every state of the checkout, on a desktop and a phone, light
// and dark, in its four languages, and of the cashier's view, compared with the committed
// pictures (`npx playwright test screenshots --update-snapshots` redraws them; look at every
// changed one before committing it). What changes from run to run is masked (the QR, a new
// charge each time; the countdown and its bar) or replaced by a fixed value of the same shape
// (the receipt's reference and time). Each state
// is also checked with axe-core (WCAG 2 A and AA, colour contrast included).
import { test, expect } from "@playwright/test";
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { SHOP } from "../../playwright.config.mjs";
import { gatewayPost } from "./gateway.mjs";
import { chargeCreated } from "./shop.mjs";
import { signIn } from "./staff.mjs";
import { IPHONE_UA } from "./user-agents.mjs";

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const DEVICES = {
  desktop: { viewport: { width: 1000, height: 800 } },
  phone: { viewport: { width: 390, height: 844 }, userAgent: IPHONE_UA, isMobile: true, hasTouch: true },
};
const LANGUAGES = { en: "en-US", th: "th-TH", ja: "ja-JP", zh: "zh-CN" };

/** The checkout's panel: the one element with the method group, the QR or the outcome. */
const panel = (page) => page.locator("#checkout > section");

async function looksRight(page, target, name, mask = []) {
  await page.evaluate(() => document.fonts.ready);
  await expect(target).toHaveScreenshot(`${name}.png`, { animations: "disabled", scale: "css", mask, maxDiffPixelRatio: 0.01 });
  await page.evaluate(AXE);
  const violations = await target.evaluate(async (element) => {
    const result = await window.axe.run(element, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa"] } });
    return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(", ")}`);
  });
  expect(violations, `axe-core in ${name}`).toEqual([]);
}

/** The widget has replaced the server's first view. */
async function live(page) {
  await page.goto("/");
  await expect(page.locator("#checkout > section:not([data-paywasm-first-view])")).toBeVisible();
}

for (const [device, use] of Object.entries(DEVICES)) {
  for (const scheme of ["light", "dark"]) {
    for (const [lang, locale] of Object.entries(LANGUAGES)) {
      test.describe(`checkout, ${device}, ${scheme}, ${lang}`, () => {
        test.use({ ...use, locale, colorScheme: scheme, timezoneId: "Asia/Bangkok" });

        test("every state looks as drawn and passes axe-core", async ({ page }) => {
          const name = (state) => `checkout-${device}-${scheme}-${lang}-${state}`;
          const moving = () => [panel(page).locator("img"), panel(page).getByRole("timer"), panel(page).locator("progress")];

          // Choosing, then starting (the shop's answer held), waiting, paid.
          await live(page);
          await looksRight(page, page.locator("body"), name("page"));
          await looksRight(page, panel(page), name("choosing"));
          let release;
          const held = new Promise((resolve) => (release = resolve));
          await page.route(`${SHOP}/checkout/charges`, async (route) => {
            await held;
            await route.continue();
          });
          const created = chargeCreated(page);
          await page.getByRole("button", { name: "PromptPay", exact: true }).click();
          await expect(page.getByRole("status")).not.toBeEmpty();
          await looksRight(page, panel(page), name("starting"));
          release();
          await expect(page.getByRole("img", { name: /QR/ })).toBeVisible();
          await page.unroute(`${SHOP}/checkout/charges`);
          await looksRight(page, panel(page), name("waiting"), moving());
          let charge = await created;
          await gatewayPost(`/charges/${charge.id}/mark_as_paid`);
          const receipt = panel(page).locator("dl");
          await expect(receipt).toBeVisible();
          // The reference and the time change with each run: a fixed one of each, of the same
          // shape, so that the lines wrap the same way every time.
          await receipt.locator("dd").nth(3).evaluate((dd) => (dd.textContent = "chrg_test_5xk2m9q4w7r1t8y3u6pa"));
          await receipt.locator("dd").nth(4).evaluate((dd) => {
            const when = new Date("2026-12-01T09:30:00Z");
            dd.textContent = when.toLocaleString(dd.closest("[lang]").lang, { dateStyle: "medium", timeStyle: "short" });
          });
          await looksRight(page, panel(page), name("successful"));

          // Failed, with the way to try again; then expired, with the way to a new QR.
          await live(page);
          let next = chargeCreated(page);
          await page.getByRole("button", { name: "PromptPay", exact: true }).click();
          charge = await next;
          await gatewayPost(`/charges/${charge.id}/mark_as_failed`, { failure_code: "insufficient_balance" });
          await expect(panel(page)).toHaveAttribute("data-state", "failed");
          await looksRight(page, panel(page), name("failed"));
          next = chargeCreated(page);
          await panel(page).getByRole("button").click(); // try again: the methods
          await page.getByRole("button", { name: "PromptPay", exact: true }).click();
          charge = await next;
          await gatewayPost(`/charges/${charge.id}/expire`);
          await expect(panel(page)).toHaveAttribute("data-state", "expired");
          await looksRight(page, panel(page), name("expired"));

          // The shop refuses to start: the error, with what to do.
          await live(page);
          await page.route(`${SHOP}/checkout/charges`, (route) =>
            route.fulfill({ status: 400, json: { object: "error", location: "", code: "bad_request", message: "refused" } }),
          );
          await page.getByRole("button", { name: "PromptPay", exact: true }).click();
          await expect(panel(page)).toHaveAttribute("data-state", "error");
          await looksRight(page, panel(page), name("error"));
        });
      });
    }
  }
}

/** A fresh sandbox test code of Alipay ending in `ending` (README: the ending decides). */
function code(ending) {
  let middle = "";
  while (middle.length < 14) middle += Math.floor(Math.random() * 10);
  return "28" + middle + ending;
}

for (const [device, use] of Object.entries({ tablet: { viewport: { width: 1024, height: 768 } }, phone: DEVICES.phone })) {
  for (const scheme of ["light", "dark"]) {
    test.describe(`cashier's view, ${device}, ${scheme}`, () => {
      test.use({ ...use, colorScheme: scheme });

      test("every state looks as drawn and passes axe-core", async ({ page }) => {
        const name = (state) => `pos-${device}-${scheme}-${state}`;
        const view = page.locator("#checkout > section");
        const field = page.getByRole("textbox", { name: "Customer's payment code" });
        const scan = async (value) => {
          await field.fill(value);
          await field.press("Enter");
        };
        await signIn(page);
        await page.goto("/pos");
        await expect(field).toBeFocused();
        await looksRight(page, view, name("ready"));
        await scan("12345");
        await expect(view).toHaveAttribute("data-state", "refused");
        await looksRight(page, view, name("refused"));
        await scan(code("13"));
        await expect(view).toHaveAttribute("data-state", "failed");
        await looksRight(page, view, name("failed"));
        await page.goto("/pos");
        await scan(code("00"));
        await expect(view).toHaveAttribute("data-state", "successful");
        await looksRight(page, view, name("successful"));
      });
    });
  }
}
