// Builds the Vite example into target/vite-app (out of the source tree).
import { defineConfig } from "vite";
import { fileURLToPath } from "node:url";

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  base: "./",
  logLevel: "warn",
  // Served under the strict policy a careful merchant uses (issue: CSP for every way).
  preview: {
    headers: {
      "Content-Security-Policy":
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; " +
        "connect-src 'self' http://127.0.0.1:17070 http://127.0.0.1:17071; img-src 'self' data: http://127.0.0.1:17070",
    },
  },
  build: {
    outDir: fileURLToPath(new URL("../../target/vite-app", import.meta.url)),
    emptyOutDir: true,
    target: "es2022",
  },
});
