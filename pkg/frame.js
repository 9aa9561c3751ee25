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
