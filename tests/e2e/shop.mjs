// The test's view of the demo shop: what the widget asked of it.
import { SHOP } from "../../playwright.config.mjs";

/** Resolves to the charge the shop creates when the customer picks a method. */
export function chargeCreated(page) {
  return page
    .waitForResponse((r) => r.url() === `${SHOP}/checkout/charges` && r.request().method() === "POST")
    .then((r) => r.json());
}
