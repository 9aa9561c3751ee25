// paywasm, the npm package's entry: loads the WebAssembly once, then a Promise API with typed
// errors. The wasm is found next to this file (bundlers such as Vite follow the URL). The
// customer's checkout, the same with Opn's methods beyond its own (named in `methods`), the
// checkout on WooshPay (gateway "wooshpay") and the cashier's view (mode "pos") are four
// builds, each imported only when a page mounts it (or calls createSource, which is the
// checkout's), so that a page downloads only the one it runs.

// The values below are crates/core/policy.json's, written in by the build (scripts/policy.mjs).

/** The package's version (the script tag's `Paywasm.version` too). */
export const version = "__POLICY:VERSION__";

/** Production gateway, used when no `gatewayUrl` is given. */
export const DEFAULT_GATEWAY_URL = "__POLICY:GATEWAYS/omise/url__";

const CHECKOUT_METHODS = "__POLICY:CHECKOUT_METHODS__";

const builds = {};

// The literal `import("./...")` of each build, so that bundlers see every one.
const importers = {
  checkout: () => import("./paywasm.js"),
  methods: () => import("./paywasm_methods.js"),
  wooshpay: () => import("./paywasm_wooshpay.js"),
  pos: () => import("./paywasm_pos.js"),
};

// The loader of each checkout build's payment module (the code a payment runs after the tap, a
// second wasm module fetched at the tap), literal for bundlers as above.
const paymentLoaders = {
  checkout: () => import("./paywasm_split.js"),
  methods: () => import("./paywasm_methods_split.js"),
  wooshpay: () => import("./paywasm_wooshpay_split.js"),
};

/** A tap on a method of the server's first view in `target`, before build `name` has loaded:
 * its payment module is fetched at once, beside the build, instead of after it. */
function prefetchOnTap(name, target) {
  const element = typeof target == "string" ? document.querySelector(target) : target;
  const view = element?.querySelector?.("[data-paywasm-first-view]");
  if (!view || !paymentLoaders[name]) return;
  const prefetch = () => paymentLoaders[name]().then((loader) => loader.prefetch_payment(), () => {});
  if (view.hasAttribute("data-chosen")) prefetch();
  else view.addEventListener("click", (event) => event.target.closest?.("[data-method]") && prefetch());
}

/** Imports a build and instantiates its WebAssembly, once per build. */
function loadBuild(name, wasmUrl) {
  builds[name] ??= importers[name]().then(async (build) => {
    await build.default(wasmUrl ? { module_or_path: wasmUrl } : undefined);
    return build;
  });
  return builds[name];
}

/** Loads the checkout's WebAssembly (once); `mount` and `createSource` call it for you. */
export function load(wasmUrl) {
  return loadBuild("checkout", wasmUrl);
}

/** Loads the checkout's build with Opn's methods beyond its own (once); `mount` calls it for
 * you when `methods` names one (TrueMoney, GrabPay, PayPay...) or `chargeId` is given. */
export async function loadMethods(wasmUrl) {
  return (await loadBuild("methods", wasmUrl)).mount;
}

/** Loads the cashier view's build (once); `mount` with `mode: "pos"` calls it for you. */
export async function loadPos(wasmUrl) {
  return (await loadBuild("pos", wasmUrl)).mount;
}

/** Loads the checkout's build for WooshPay (once); `mount` with `gateway: "wooshpay"` calls it for you. */
export async function loadWooshpay(wasmUrl) {
  return (await loadBuild("wooshpay", wasmUrl)).mount;
}

/** The build that mounts `options`: the cashier's view, the checkout on WooshPay, the checkout
 * with Opn's other methods (policy.js's needsOtherMethods: named, or a charge to wait for, which
 * may be of any method), or the checkout. */
function buildFor(options) {
  if (options?.mode === "pos") return "pos";
  if (options?.gateway === "wooshpay") return "wooshpay";
  if (options?.chargeId || (Array.isArray(options?.methods) && options.methods.some((name) => !CHECKOUT_METHODS.includes(name)))) {
    return "methods";
  }
  return "checkout";
}

// The checkout's words in Thai, Japanese and Chinese, beside the builds (which speak English):
// a page fetches the one its customer reads, while its build loads.
const WORDS = {
  th: () => import("./paywasm-words-th.js"),
  ja: () => import("./paywasm-words-ja.js"),
  zh: () => import("./paywasm-words-zh.js"),
};
const words = {};

/** The words (a module's text) a checkout with `locale` needs in this browser, or null: English,
 * or the file could not be had (the checkout then speaks English). policy.js's wordsLanguage. */
function wordsFor(locale) {
  for (const tag of [locale, ...(navigator.languages ?? [])]) {
    const primary = typeof tag == "string" ? tag.split(/[-_]/)[0].toLowerCase() : "";
    if (primary == "en") return null;
    if (primary == "th" || primary == "ja" || (primary == "zh" && !/Hant|TW$|HK$/.test(tag))) {
      return (words[primary] ??= WORDS[primary]().then((module) => module.default, () => null));
    }
  }
  return null;
}

/** An error with the gateway's (or merchant server's) code. */
export class PaywasmError extends Error {
  constructor(code, message, status = 0, response = undefined) {
    super(message);
    this.name = "PaywasmError";
    this.code = code;
    this.status = status;
    this.response = response;
  }
}

/** Mounts the checkout into `target` (an element or a CSS selector). */
export async function mount(target, options) {
  // Imported on a server (server-side rendering), the package loads; mounting waits for a page.
  if (typeof document == "undefined") throw new PaywasmError("no_browser", "paywasm: mount needs a browser; call it on the client");
  const name = buildFor(options);
  prefetchOnTap(name, target);
  const [build, text] = await Promise.all([loadBuild(name), name == "pos" ? null : wordsFor(options?.locale)]);
  try {
    if (text) build.useWords(text);
    return build.mount(target, options);
  } catch (error) {
    throw new PaywasmError("invalid_options", error.message);
  }
}

/** Creates a payment source with the public key; resolves to the source. */
export async function createSource(type, params, { publicKey, gatewayUrl = DEFAULT_GATEWAY_URL }) {
  const checkout = await load();
  let result;
  try {
    result = await checkout.createSource(gatewayUrl, publicKey, type, params ?? {});
  } catch (error) {
    throw new PaywasmError("invalid_options", error.message);
  }
  if (result.status >= 200 && result.status < 300) return result.response;
  const response = result.response ?? {};
  throw new PaywasmError(
    response.code ?? "create_source_error",
    response.message ?? response.error ?? "the source could not be created",
    result.status,
    response,
  );
}
