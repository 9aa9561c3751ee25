// paywasm's parent-side helper for the hosted checkout: puts the hosted page (a static page
// the build writes into pkg/hosted/, served from any origin: the merchant's payments subdomain,
// a CDN) in an iframe and speaks protocol "paywasm" version 1 with it (see README.md). Messages
// are sent to the hosted page's origin only, and accepted only from that iframe, from that
// origin, in the protocol's shape.
//
//   import { mountFrame } from "paywasm/frame.js";
//   mountFrame("#checkout", { frameUrl, gatewayUrl, publicKey, amount, currency, chargeUrl,
//                             order, onComplete, onError, onStateChange });
//
// The iframe is sandboxed with "allow-scripts allow-same-origin allow-forms allow-downloads":
// scripts run on the hosted page's own origin (same-origin with itself, not with the shop),
// forms and the Save QR download work; it may not navigate the shop's page. For Alipay it sends
// a "redirect" message and this helper navigates the top window, after checking that the URL
// is one of the gateway's pages (js/policy.js, the list the widget checks too).
import { FRAME_OPTIONS, GATEWAYS, gatewayPage, isSecure, secretKeyRefusal } from "./policy.js";

const PROTOCOL = "paywasm";
const VERSION = 1;
/** The hosted page beside this file, where the package is served from. */
const DEFAULT_FRAME_URL = new URL("./hosted/", import.meta.url).href;

/** Puts `iframe` in `element`, listening with `onMessage`; the handle both helpers return. */
function attach(element, iframe, onMessage) {
  window.addEventListener("message", onMessage);
  element.appendChild(iframe);
  return {
    iframe,
    destroy() {
      window.removeEventListener("message", onMessage);
      iframe.remove();
    },
  };
}

/**
 * The theme for the frame, whose document cannot see this page's colours: "auto" becomes this
 * page's own choice where the checkout sits (its color-scheme: "dark" alone is dark, none or
 * "light" is light), and stays "auto" only where the page offers both.
 */
function theme(given, element) {
  if (given && given !== "auto") return given;
  const schemes = getComputedStyle(element).colorScheme.split(" ");
  if (schemes.includes("dark")) return schemes.includes("light") ? "auto" : "dark";
  return "light";
}

/**
 * Mounts the hosted checkout in an iframe inside `target`; returns `{ iframe, destroy() }`.
 * `options`: every option of `mount` (passed to the page: FRAME_OPTIONS), the callbacks, `title`
 * (the iframe's accessible name, default "Payment") and `frameUrl` (where the hosted page is
 * served; default: the `hosted/` folder beside this file).
 */
export function mountFrame(target, options) {
  const element = typeof target === "string" ? document.querySelector(target) : target;
  if (!element) throw new Error(`paywasm: no element matches ${target}`);
  const refusal = secretKeyRefusal(options.publicKey);
  if (refusal) throw new Error(refusal);
  // The gateway's production API unless given: WooshPay's for `gateway: "wooshpay"`.
  const production = GATEWAYS[options.gateway === "wooshpay" ? "wooshpay" : "omise"].url;
  const gatewayUrl = new URL(options.gatewayUrl ?? production, location.href).href;
  const page = new URL(options.frameUrl ?? DEFAULT_FRAME_URL, location.href);
  if (!isSecure(page)) throw new Error("paywasm: frameUrl must be the hosted page's https:// URL");
  // On this page's own origin the frame's scripts could reach this page and lift their own
  // sandbox ("allow-scripts allow-same-origin"): the hosted page lives on an origin of its own.
  if (page.origin === location.origin) {
    throw new Error("paywasm: frameUrl must be on another origin than this page (a payments subdomain or a CDN): on the same origin the iframe's sandbox does not hold");
  }
  page.searchParams.set("v", String(VERSION));
  page.searchParams.set("origin", location.origin);
  const chargeUrl = new URL(options.chargeUrl, location.href).href;
  const iframe = document.createElement("iframe");
  iframe.src = page.href;
  iframe.title = options.title ?? "Payment";
  iframe.className = "paywasm-frame";
  iframe.setAttribute("sandbox", "allow-scripts allow-same-origin allow-forms allow-downloads");
  iframe.height = "160";

  function send(type, fields) {
    iframe.contentWindow?.postMessage({ protocol: PROTOCOL, version: VERSION, type, ...fields }, page.origin);
  }

  function onMessage(event) {
    const data = event.data;
    if (event.source !== iframe.contentWindow || event.origin !== page.origin) return;
    if (data === null || typeof data !== "object" || data.protocol !== PROTOCOL || data.version !== VERSION) return;
    switch (data.type) {
      case "ready": {
        const passed = Object.fromEntries(FRAME_OPTIONS.filter((key) => key in options).map((key) => [key, options[key]]));
        send("init", { options: { ...passed, gatewayUrl, chargeUrl, theme: theme(options.theme, element) } });
        break;
      }
      case "resize":
        if (Number.isFinite(data.height)) iframe.height = String(Math.min(Math.max(Math.ceil(data.height), 80), 4000));
        break;
      case "state":
        if (typeof data.state === "string") options.onStateChange?.(data.state);
        break;
      case "complete":
        if (data.charge && typeof data.charge === "object") options.onComplete?.(data.charge);
        break;
      case "error":
        if (data.error && typeof data.error.code === "string") options.onError?.(data.error);
        break;
      case "redirect": {
        const url = gatewayPage(data.url, gatewayUrl);
        if (url) location.assign(url.href);
        break;
      }
    }
  }

  return attach(element, iframe, onMessage);
}

/**
 * Mounts a WooshPay Checkout Session's hosted page (the session's `url`) in an iframe inside
 * `target`; returns `{ iframe, destroy() }`. The page speaks the same protocol: "resize",
 * "complete" {session, url}, "expired" {session}, "cancel" {url}, and "redirect" {url} when the
 * customer is handed to the Alipay app. Messages are accepted only from that iframe and the
 * page's origin; this helper navigates only to the gateway's pages, or to the success/cancel
 * URL when it is on this page's own origin and no callback is given.
 *
 *   mountCheckoutSession("#checkout", { url: session.url, onComplete(session) {...} });
 */
export function mountCheckoutSession(target, options) {
  const element = typeof target === "string" ? document.querySelector(target) : target;
  if (!element) throw new Error(`paywasm: no element matches ${target}`);
  const page = new URL(options.url);
  if (!isSecure(page)) throw new Error("paywasm: url must be the Checkout Session's https:// url");
  page.searchParams.set("origin", location.origin);
  const iframe = document.createElement("iframe");
  iframe.src = page.href;
  iframe.title = options.title ?? "Payment";
  iframe.className = "paywasm-frame";
  iframe.setAttribute("sandbox", "allow-scripts allow-same-origin allow-forms");
  iframe.height = "480";

  function ownPage(url) {
    try {
      const parsed = new URL(url);
      return parsed.origin === location.origin ? parsed.href : null;
    } catch {
      return null;
    }
  }

  function onMessage(event) {
    const data = event.data;
    if (event.source !== iframe.contentWindow || event.origin !== page.origin) return;
    if (data === null || typeof data !== "object" || data.protocol !== PROTOCOL || data.version !== VERSION) return;
    const session = data.session && typeof data.session === "object" ? data.session : null;
    switch (data.type) {
      case "resize":
        if (Number.isFinite(data.height)) iframe.height = String(Math.min(Math.max(Math.ceil(data.height), 80), 4000));
        break;
      case "complete":
        if (options.onComplete) options.onComplete(session);
        else if (ownPage(data.url)) location.assign(ownPage(data.url));
        break;
      case "expired":
        options.onExpired?.(session);
        break;
      case "cancel":
        if (options.onCancel) options.onCancel();
        else if (ownPage(data.url)) location.assign(ownPage(data.url));
        break;
      case "redirect": {
        const url = gatewayPage(data.url, page.origin);
        if (url) location.assign(url.href);
        break;
      }
    }
  }

  return attach(element, iframe, onMessage);
}
