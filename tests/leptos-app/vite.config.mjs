// Serves the built Leptos app (target/leptos-app, scripts/build-leptos-app.sh) for the
// end-to-end tests, under the strict policy a careful merchant uses. `/checkout` goes to the
// demo shop, as a merchant's own server would answer it on the app's origin.
import { defineConfig } from "vite";
import { fileURLToPath } from "node:url";

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  logLevel: "warn",
  preview: {
    proxy: { "/checkout": "http://127.0.0.1:17071" },
    headers: {
      "Content-Security-Policy":
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; " +
        "connect-src 'self' http://127.0.0.1:17070 http://127.0.0.1:17071; img-src 'self' data: http://127.0.0.1:17070",
    },
  },
  build: { outDir: fileURLToPath(new URL("../../target/leptos-app", import.meta.url)) },
});
