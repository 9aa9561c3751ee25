// The test's view of the demo shop: what the widget asked of it, and when it took over the
// page's first view.
import { SHOP } from "../../playwright.config.mjs";

/** Resolves to the charge the shop creates when the customer picks a method (on the page of
 * the market at `market`: `""` Thailand, `"/sg"` Singapore). */
export function chargeCreated(page, market = "") {
  return page
    .waitForResponse((r) => r.url() === `${SHOP}${market}/checkout/charges` && r.request().method() === "POST")
    .then((r) => r.json());
}

/** Holds the shop's script (which mounts the widget, and would ask for the payment's module
 * itself) until `release()`; `released` tells. */
export async function holdShopScript(page) {
  const held = { released: false };
  const gate = new Promise((resolve) => (held.release = () => ((held.released = true), resolve())));
  await page.route("**/assets/shop.js", async (route) => (await gate, route.continue()));
  return held;
}

/** Resolves once the widget runs: the first view the shop rendered into the page (the same
 * markup, so nothing a customer sees) replaced by the widget's own. A test that measures or
 * holds an element of the checkout waits for it, or may hold a node about to be replaced. */
export function widgetIsLive(page) {
  return page.waitForFunction(() => !document.querySelector("[data-paywasm-first-view]") && document.querySelector(".paywasm"));
}
