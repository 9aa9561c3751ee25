// What the page benchmarks (bench-widget.mjs, bench-slow-network.mjs) share: a copy of www/ they
// may add pages to, a release sandbox serving it on their own ports, headless Chromium, and the
// marks a page of the shop's sets when its checkout takes a tap and when the widget runs.
import { chromium } from "@playwright/test";
import { spawn } from "node:child_process";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A copy of www/, removed when the process exits. */
export function copyOfWww() {
  const www = mkdtempSync(join(tmpdir(), "paywasm-bench-www-"));
  cpSync("www", www, { recursive: true });
  process.on("exit", () => rmSync(www, { recursive: true, force: true }));
  return www;
}

/** Starts the release sandbox with `www` on `gatewayPort` and `shopPort`; resolves once it serves. */
export async function startSandbox(www, gatewayPort, shopPort) {
  const sandbox = spawn(
    "target/release/paywasm-sandbox",
    ["--gateway", `127.0.0.1:${gatewayPort}`, "--shop", `127.0.0.1:${shopPort}`, "--www", www],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  process.on("exit", () => sandbox.kill());
  await new Promise((resolve) => sandbox.stdout.on("data", (d) => String(d).includes("shop:") && resolve()));
  return `http://127.0.0.1:${shopPort}`;
}

/** Debian's Chromium, without the background traffic that would reach outside hosts. */
export function launchChromium() {
  return chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

/**
 * An init script (run in the page, with `isStatic`): records when the checkout first shows an
 * enabled method button and takes a tap on it (`__interactiveAt`), and when the widget itself
 * runs (`__liveAt`: the first view replaced by the mounted WebAssembly).
 *
 * Shows: the button is in the DOM and every stylesheet has loaded (until then the browser
 * paints nothing). Takes a tap: on a static page, counted as soon as it shows; in the server's
 * first view, once its inline script has run, which is when it adds its click listener to the
 * view (a parser-inserted script waits for the stylesheets before it runs, so the script element
 * being in the DOM is not enough: on slow 4G that counted 250 ms too soon); the widget's own
 * view takes taps once mounted.
 */
export function checkoutMarks(isStatic) {
  let firstViewListens = false;
  const addEventListener = EventTarget.prototype.addEventListener;
  EventTarget.prototype.addEventListener = function (type, ...rest) {
    if (type === "click" && this instanceof Element && this.matches("[data-paywasm-first-view]")) {
      firstViewListens = true;
      queueMicrotask(check);
    }
    return addEventListener.call(this, type, ...rest);
  };
  const check = () => {
    const button = document.querySelector(".paywasm-method");
    const view = document.querySelector(".paywasm");
    const firstView = view?.hasAttribute("data-paywasm-first-view");
    const styled = [...document.querySelectorAll('link[rel="stylesheet"]')].every((link) => link.sheet);
    const takesTaps = isStatic || !firstView || firstViewListens;
    if (button && !button.disabled && styled && takesTaps) window.__interactiveAt ??= performance.now();
    if (button && !button.disabled && !firstView) window.__liveAt ??= performance.now();
  };
  new MutationObserver(check).observe(document, { childList: true, subtree: true });
  // A stylesheet's load changes nothing in the DOM: heard on its way down to the link.
  document.addEventListener("load", check, true);
  document.addEventListener("DOMContentLoaded", check);
}
