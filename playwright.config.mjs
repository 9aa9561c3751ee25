// End-to-end tests in Debian's Chromium against a fresh sandbox on test ports.
import { defineConfig } from "@playwright/test";

export const GATEWAY = "http://127.0.0.1:17070";
export const SHOP = "http://127.0.0.1:17071";
/** A plain static server of pkg/ (scripts/static-server.mjs): the hosted page on a third origin. */
export const HOSTED = "http://127.0.0.1:17075";
/** The Vite example app (tests/vite-app), built by npm test into target/vite-app. */
export const VITE_APP = "http://127.0.0.1:17073";
/** The Leptos app (tests/leptos-app), built by npm test into target/leptos-app. */
export const LEPTOS_APP = "http://127.0.0.1:17074";
/** The React app (tests/react-app), built by npm test into target/react-app. */
export const REACT_APP = "http://127.0.0.1:17076";

export default defineConfig({
  testDir: "./tests/e2e",
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: true,
  workers: 2,
  // A failed test is run once more and, if it then passes, reported as flaky (the list shows
  // it): a flake is not a green test, but it should not hide the whole run's result. On
  // 2026-12-02 "the dialog's files come from the CDN" failed once in CI (the dialog did not
  // open within 10 s) and passed 48 times of 48 here; its cause is not known yet.
  retries: 1,
  reporter: [["list"]],
  use: {
    baseURL: SHOP,
    browserName: "chromium",
    launchOptions: {
      executablePath: "/usr/bin/chromium",
      args: [
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        // lets a test force garbage collection (window.gc)
        "--js-flags=--expose-gc",
      ],
    },
  },
  webServer: [
    {
      command: `target/debug/paywasm-sandbox --gateway 127.0.0.1:17070 --shop 127.0.0.1:17071 --hosted-page ${HOSTED}/hosted/`,
      url: `${SHOP}/assets/shop.css`,
      reuseExistingServer: false,
      stdout: "ignore",
      stderr: "pipe",
    },
    {
      command: "node scripts/static-server.mjs pkg 17075",
      url: `${HOSTED}/hosted/`,
      reuseExistingServer: false,
      stdout: "ignore",
      stderr: "pipe",
    },
    {
      command: "npx vite preview --config tests/vite-app/vite.config.mjs --host 127.0.0.1 --port 17073 --strictPort",
      url: `${VITE_APP}/`,
      reuseExistingServer: false,
      stdout: "ignore",
      stderr: "pipe",
    },
    {
      command: "npx vite preview --config tests/leptos-app/vite.config.mjs --host 127.0.0.1 --port 17074 --strictPort",
      url: `${LEPTOS_APP}/`,
      reuseExistingServer: false,
      stdout: "ignore",
      stderr: "pipe",
    },
    {
      command: "npx vite preview --config tests/react-app/vite.config.mjs --host 127.0.0.1 --port 17076 --strictPort",
      url: `${REACT_APP}/`,
      reuseExistingServer: false,
      stdout: "ignore",
      stderr: "pipe",
    },
  ],
});
