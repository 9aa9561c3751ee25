// What the page around the widget trusts, in one place: the hosted page's parent (frame.js), the
// hosted page (hosted/hosted.js) and the widget itself (build.rs reads GATEWAY_PAGES into Rust)
// use these lists and no copies of them. Both values are JSON, so that build.rs can read them.

/**
 * The options of `mount` that a parent passes to the hosted page (all but the callbacks, which
 * become messages): every option the customer's checkout has.
 */
export const FRAME_OPTIONS = /* JSON */ [
  "gateway", "publicKey", "amount", "currency", "gatewayUrl", "chargeUrl", "order", "chargeId",
  "clientSecret", "locale", "merchantName", "methods", "theme"
];

/**
 * The origins each production gateway sends customers to besides its own: Omise's payment pages;
 * for WooshPay, Alipay's cashier and its app hand-over, as the seeds' URLs show. Any other
 * gateway (a sandbox) sends customers to its own origin only.
 */
export const GATEWAY_PAGES = /* JSON */ {
  "https://api.omise.co": ["https://pay.omise.co"],
  "https://api.wooshpay.com": ["https://open-sea.alipayplus.com", "https://render.alipay.com"]
};

function isLoopback(hostname) {
  return hostname === "localhost" || hostname === "[::1]" || /^127(\.\d{1,3}){3}$/.test(hostname);
}

/** Whether a URL may carry a customer's payment: HTTPS, or HTTP on loopback (a sandbox); no user name. */
export function isSecure(url) {
  return (url.protocol === "https:" || (url.protocol === "http:" && isLoopback(url.hostname))) && !url.username;
}

/**
 * `url` as a URL if it is one of the pages the gateway at `gatewayUrl` sends customers to
 * (HTTPS, or HTTP on a loopback test gateway; no user name), else null. The widget applies the
 * same rule (src/redirect.rs) before it hands a URL out.
 */
export function gatewayPage(url, gatewayUrl) {
  let target, gateway;
  try {
    target = new URL(url);
    gateway = new URL(gatewayUrl);
  } catch {
    return null;
  }
  const origins = [gateway.origin, ...(GATEWAY_PAGES[gateway.origin] ?? [])];
  return isSecure(target) && origins.includes(target.origin) ? target : null;
}
