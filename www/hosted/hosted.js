// The hosted checkout, inside the merchant's iframe, on the origin it is served from (the
// merchant's payments subdomain, a CDN; the sandbox serves it at /pkg/hosted/). The build copies
// this folder to pkg/hosted/, beside the widget it imports.
//
// Protocol "paywasm" version 1 (documented in README.md): every message is an object
// {protocol: "paywasm", version: 1, type, ...}. The parent names its origin in the frame's
// URL (?origin=); the frame sends only to that origin and accepts only messages from its
// parent window with that origin and the protocol's shape.
//   parent -> frame: init {options}
//   frame -> parent: ready, resize {height}, state {state}, complete {charge},
//                    error {error: {code, message}}, redirect {url}
import { FRAME_OPTIONS, namesOtherMethods, needsOtherMethods, wordsLanguage } from "../policy.js";

// Each gateway's checkout is its own build (paywasm.js, or paywasm_methods.js where the shop
// names Opn's other methods, or paywasm_wooshpay.js): the frame imports the one its options
// name, once they arrive, and never downloads the others' wasm. The builds speak English; the
// words of another language the customer reads are fetched beside it, and handed over.
async function mountFor(options) {
  const language = wordsLanguage(options.locale);
  const words = language && import(`../paywasm-words-${language}.js`).then((module) => module.default, () => null);
  const build =
    options.gateway === "wooshpay"
      ? await import("../paywasm_wooshpay.js")
      : needsOtherMethods(options)
        ? await import("../paywasm_methods.js")
        : await import("../paywasm.js");
  await build.default();
  const text = await words;
  if (text) build.useWords(text);
  return build.mount;
}

const PROTOCOL = "paywasm";
const VERSION = 1;
const parentOrigin = new URLSearchParams(location.search).get("origin");
const root = document.getElementById("checkout");
const ancestors = location.ancestorOrigins;
const framedByThatOrigin =
  parentOrigin && window.parent !== window && (!ancestors || ancestors.length === 0 || ancestors[0] === parentOrigin);

function post(type, fields) {
  window.parent.postMessage({ protocol: PROTOCOL, version: VERSION, type, ...fields }, parentOrigin);
}

function fromParent(event) {
  const data = event.data;
  return (
    event.origin === parentOrigin &&
    event.source === window.parent &&
    data !== null && typeof data === "object" &&
    data.protocol === PROTOCOL && data.version === VERSION && typeof data.type === "string"
  );
}

if (!framedByThatOrigin) {
  root.textContent = "This checkout opens inside a shop's page. Please go back to the shop.";
} else {
  let mounted = false;
  window.addEventListener("message", async (event) => {
    if (!fromParent(event) || event.data.type !== "init" || mounted) return;
    const given = event.data.options;
    if (given === null || typeof given !== "object") return;
    mounted = true;
    // Only the checkout's own options: a parent cannot switch the frame to another mode.
    const options = Object.fromEntries(FRAME_OPTIONS.filter((key) => key in given).map((key) => [key, given[key]]));
    // The page's colour scheme as the parent resolved it (frame.js), so that the frame's
    // canvas matches the shop's and stays transparent around the checkout.
    const schemes = { light: "light", dark: "dark", auto: "light dark" };
    document.documentElement.style.colorScheme = schemes[options.theme] ?? "light";
    Object.assign(options, {
      // The widget checks every page it hands out against the gateway's (js/policy.js), and
      // the parent checks it again before it navigates.
      onStateChange: (state) => post("state", { state }),
      onComplete: (charge) => post("complete", { charge }),
      onError: (error) => post("error", { error: { code: error.code, message: error.message } }),
      onRedirect: (url) => post("redirect", { url }),
    });
    // The marks of Opn's methods beyond the checkout's own, where the shop names one, in
    // force (or failed: the checkout works without them) before the buttons are drawn.
    let marksInForce = null;
    if (namesOtherMethods(options)) {
      const marks = document.createElement("link");
      marks.rel = "stylesheet";
      marks.href = "../paywasm-methods.css";
      marksInForce = new Promise((settle) => {
        marks.addEventListener("load", settle);
        marks.addEventListener("error", settle);
      });
      document.head.append(marks);
    }
    try {
      const [mountBuild] = await Promise.all([mountFor(options), marksInForce]);
      mountBuild(root, options);
    } catch (error) {
      // The shop's page passed options the checkout cannot use (or its build did not load):
      // the shop hears why, the customer what to do (an empty frame would tell them nothing).
      const notice = document.createElement("p");
      notice.setAttribute("role", "alert");
      notice.textContent = "This checkout could not start. Please go back to the shop and try again.";
      root.replaceChildren(notice);
      post("error", { error: { code: "invalid_options", message: error.message } });
    }
  });
  new ResizeObserver(() => post("resize", { height: Math.ceil(document.documentElement.scrollHeight) })).observe(document.body);
  post("ready", {});
}
