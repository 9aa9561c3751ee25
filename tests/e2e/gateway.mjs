// The test's own view of the sandbox gateway: what a merchant's back office (or the test
// dashboard's Actions) would do, over the real HTTP API with the secret key.
import { GATEWAY } from "../../playwright.config.mjs";

export const SECRET_KEY = "skey_test_5paywasmsandbox0demo0";
const auth = { Authorization: "Basic " + Buffer.from(`${SECRET_KEY}:`).toString("base64") };

export async function gatewayPost(path, form = {}) {
  const response = await fetch(`${GATEWAY}${path}`, {
    method: "POST",
    headers: { ...auth, "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(form),
  });
  return { status: response.status, body: await response.json() };
}

export async function gatewayGet(path) {
  const response = await fetch(`${GATEWAY}${path}`, { headers: auth });
  return { status: response.status, body: await response.json() };
}

/** The sandbox's WooshPay test secret key (seed 004's API, under /v1/). */
export const WOOSHPAY_SECRET_KEY = "sk_test_paywasm0sandbox0wooshpay";

/** A WooshPay API call with the secret key (Bearer), JSON both ways. */
export async function wooshpay(method, path, body) {
  const response = await fetch(`${GATEWAY}${path}`, {
    method,
    headers: { Authorization: `Bearer ${WOOSHPAY_SECRET_KEY}`, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

/** Whether `url` is the gateway's authorize page for a charge (`/payments/{id}/authorize`, any query). */
export function onAuthorizePage(url) {
  return url.origin === GATEWAY && /^\/payments\/pay2_test_[0-9a-z]+\/authorize$/.test(url.pathname);
}
