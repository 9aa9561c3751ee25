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
 * An init script (run in the page, with `isStatic`): records when the first enabled method
 * button appears in a checkout that takes a tap (`__interactiveAt`: the widget's own, or the
 * server's first view once its script, the element after it, is there; any button on a static
 * page) and when the widget itself runs (`__liveAt`: the first view replaced by the mounted
 * WebAssembly).
 */
export function checkoutMarks(isStatic) {
  const check = () => {
    const button = document.querySelector(".paywasm-method");
    const view = document.querySelector(".paywasm");
    const firstView = view?.hasAttribute("data-paywasm-first-view");
    const takesTaps = isStatic || !firstView || view.nextElementSibling?.tagName === "SCRIPT";
    if (button && !button.disabled && takesTaps) window.__interactiveAt ??= performance.now();
    if (button && !button.disabled && !firstView) window.__liveAt ??= performance.now();
  };
  new MutationObserver(check).observe(document, { childList: true, subtree: true });
  document.addEventListener("DOMContentLoaded", check);
}
