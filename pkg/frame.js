// paywasm's parent-side helper for the hosted checkout: puts the gateway's checkout page in an
// iframe and speaks protocol "paywasm" version 1 with it (see README.md). Messages are sent to
// the gateway's origin only, and accepted only from that iframe, from that origin, in the
// protocol's shape.
//
//   import { mountFrame } from "paywasm/frame.js";
//   mountFrame("#checkout", { gatewayUrl, publicKey, amount, currency, chargeUrl, order,
//                             onComplete, onError, onStateChange });
//
// The iframe is sandboxed with "allow-scripts allow-same-origin allow-forms allow-downloads":
// scripts run on the gateway's own origin (same-origin with itself, not with the shop), forms
// and the Save QR download work; it may not navigate the shop's page. For Alipay it sends a
// "redirect" message and this helper navigates the top window, after checking the URL is one
// of the gateway's pages.

const PROTOCOL = "paywasm";
const VERSION = 1;
const DEFAULT_GATEWAY_URL = "https://api.omise.co";
const PASSED = ["publicKey", "amount", "currency", "chargeUrl", "order", "chargeId", "locale", "merchantName", "methods"];

function pageOrigins(gateway) {
  return gateway.origin === "https://api.omise.co" ? [gateway.origin, "https://pay.omise.co"] : [gateway.origin];
}

function isLoopback(hostname) {
  return hostname === "localhost" || hostname === "[::1]" || /^127(\.\d{1,3}){3}$/.test(hostname);
}

/** Mounts the hosted checkout in an iframe inside `target`; returns `{ iframe, destroy() }`. */
export function mountFrame(target, options) {
  const element = typeof target === "string" ? document.querySelector(target) : target;
  if (!element) throw new Error(`paywasm: no element matches ${target}`);
  if (typeof options.publicKey === "string" && options.publicKey.startsWith("skey_")) {
    throw new Error("paywasm: that is a secret key (skey_...). Never put it in a web page; use the public key (pkey_...).");
  }
  const gateway = new URL(options.gatewayUrl ?? DEFAULT_GATEWAY_URL);
  const chargeUrl = new URL(options.chargeUrl, location.href).href;
  const iframe = document.createElement("iframe");
  iframe.src = `${gateway.origin}/hosted/checkout?v=${VERSION}&origin=${encodeURIComponent(location.origin)}`;
  iframe.title = options.title ?? "Payment";
  iframe.className = "paywasm-frame";
  iframe.setAttribute("sandbox", "allow-scripts allow-same-origin allow-forms allow-downloads");
  iframe.height = "160";

  function send(type, fields) {
    iframe.contentWindow?.postMessage({ protocol: PROTOCOL, version: VERSION, type, ...fields }, gateway.origin);
  }

  function onMessage(event) {
    const data = event.data;
    if (event.source !== iframe.contentWindow || event.origin !== gateway.origin) return;
    if (data === null || typeof data !== "object" || data.protocol !== PROTOCOL || data.version !== VERSION) return;
    switch (data.type) {
      case "ready": {
        const passed = Object.fromEntries(PASSED.filter((key) => key in options).map((key) => [key, options[key]]));
        send("init", { options: { ...passed, chargeUrl } });
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
        let url;
        try {
          url = new URL(data.url);
        } catch {
          return;
        }
        const secure = url.protocol === "https:" || (url.protocol === "http:" && isLoopback(url.hostname));
        if (secure && !url.username && pageOrigins(gateway).includes(url.origin)) location.assign(url.href);
        break;
      }
    }
  }

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
  const securePage = page.protocol === "https:" || (page.protocol === "http:" && isLoopback(page.hostname));
  if (!securePage || page.username) throw new Error("paywasm: url must be the Checkout Session's https:// url");
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
        let url;
        try {
          url = new URL(data.url);
        } catch {
          return;
        }
        const secure = url.protocol === "https:" || (url.protocol === "http:" && isLoopback(url.hostname));
        if (secure && !url.username && url.origin === page.origin) location.assign(url.href);
        break;
      }
    }
  }

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
