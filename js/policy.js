// What paywasm's code shares, in one place: the package's version, each gateway's production
// API, key prefixes and API version, where each gateway may send a customer, and what the hosted
// page is passed. The JavaScript imports it (index.js, frame.js, hosted/hosted.js); embed.js, a
// classic script, gets VERSION and GATEWAYS stamped in by the build (scripts/integrity.mjs);
// the Rust crates read the same values at build time (crates/core/build.rs, into
// paywasm_core::policy). No file keeps a copy. Each `/* JSON */` value is JSON, for build.rs.

/** The package's version: the npm package (the build writes it into package.json), the script tag's `Paywasm.version`. */
export const VERSION = /* JSON */ "0.1.0";

/**
 * Each gateway's production API (the default `gatewayUrl`), its public and secret key prefixes,
 * and for Omise the API version every request names (`Omise-Version`).
 */
export const GATEWAYS = /* JSON */ {
  "omise": { "url": "https://api.omise.co", "publicKey": "pkey_", "secretKey": "skey_", "apiVersion": "2017-11-02" },
  "wooshpay": { "url": "https://api.wooshpay.com", "publicKey": "pk_", "secretKey": "sk_", "apiVersion": null }
};

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

/**
 * Why `key` must never be in a web page (it is one of the gateways' secret keys), or null: the
 * one rule every entry point applies before it uses a key.
 */
export function secretKeyRefusal(key) {
  if (typeof key !== "string") return null;
  for (const gateway of Object.values(GATEWAYS)) {
    if (key.startsWith(gateway.secretKey)) {
      return `paywasm: that is a secret key (${gateway.secretKey}...). Never put it in a web page; use the public key (${gateway.publicKey}...).`;
    }
  }
  return null;
}

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
