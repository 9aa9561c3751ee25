// What paywasm's code shares: the package's version, each gateway's production API, key
// prefixes and API version, where each gateway may send a customer, and what the hosted page is
// passed. The values are kept in one file, crates/core/policy.json, which paywasm-core packages
// and reads at build time (crates/core/build.rs, into paywasm_core::policy); the widget's build
// writes them in here, and into embed.js (a classic script) and index.js (scripts/policy.mjs),
// in place of each quoted __POLICY:NAME__. No file keeps a copy. The JavaScript imports this one
// (index.js, frame.js, hosted/hosted.js).

/** The package's version: the npm package (the build writes it into package.json), the script tag's `Paywasm.version`. */
export const VERSION = "__POLICY:VERSION__";

/**
 * Each gateway's production API (the default `gatewayUrl`), its public and secret key prefixes,
 * and for Omise the API version every request names (`Omise-Version`).
 */
export const GATEWAYS = "__POLICY:GATEWAYS__";

/**
 * The options of `mount` that a parent passes to the hosted page (all but the callbacks, which
 * become messages): every option the customer's checkout has.
 */
export const FRAME_OPTIONS = "__POLICY:FRAME_OPTIONS__";

/**
 * The checkout's own methods, whose marks are in `paywasm.css`: a page that names any other
 * (Opn's GrabPay, PayPay, ...) in `methods` links `paywasm-methods.css` for its mark, and
 * mounts the checkout's build with those methods (`namesOtherMethods`, `needsOtherMethods`).
 */
export const CHECKOUT_METHODS = "__POLICY:CHECKOUT_METHODS__";

/** Whether the `methods` of `options` names one of Opn's methods beyond the checkout's own
 * (anything but an array is the widget's to refuse, in its words). */
export function namesOtherMethods(options) {
  return Array.isArray(options?.methods) && options.methods.some((name) => !CHECKOUT_METHODS.includes(name));
}

/**
 * Whether the checkout of `options` (on Omise) needs its build with Opn's methods beyond its
 * own (paywasm_methods.js): its `methods` names one, or it waits for a charge (a return page,
 * whose charge may be of any method). Every other page mounts paywasm.js, which is lighter.
 * index.js and embed.js apply the same rule in their own copies: they stay one file each.
 */
export function needsOtherMethods(options) {
  return Boolean(options?.chargeId) || namesOtherMethods(options);
}

/**
 * The language of the words a checkout mounted with `locale` needs in this browser
 * (`paywasm-words-<subtag>.js`, beside the builds): "th", "ja", "zh", or null for English,
 * which every build carries. paywasm_core's `Language::choose`, which the widget applies: the
 * locale, then the browser's languages, by primary subtag; Chinese in simplified script only.
 * index.js and embed.js apply it in their own copies: they stay one file each.
 */
export function wordsLanguage(locale) {
  for (const tag of [locale, ...(globalThis.navigator?.languages ?? [])]) {
    const primary = typeof tag == "string" ? tag.split(/[-_]/)[0].toLowerCase() : "";
    if (primary == "en") return null;
    if (primary == "th" || primary == "ja" || (primary == "zh" && !/Hant|TW$|HK$/.test(tag))) return primary;
  }
  return null;
}

/**
 * The origins each production gateway sends customers to besides its own: Omise's payment pages;
 * for WooshPay, Alipay's cashier and its app hand-over, as the seeds' URLs show. Any other
 * gateway (a sandbox) sends customers to its own origin only.
 */
export const GATEWAY_PAGES = "__POLICY:GATEWAY_PAGES__";

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
