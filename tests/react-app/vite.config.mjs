// Builds the React example into target/react-app (out of the source tree).
import { defineConfig } from "vite";
import { fileURLToPath } from "node:url";

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  base: "./",
  logLevel: "warn",
  preview: {
    // The app and its merchant server on one origin, as a merchant deploys them: the app's
    // charge requests go to the demo shop behind it.
    proxy: { "/checkout": "http://127.0.0.1:17071" },
    headers: {
      "Content-Security-Policy":
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; " +
        "connect-src 'self' http://127.0.0.1:17070 http://127.0.0.1:17071; img-src 'self' data: http://127.0.0.1:17070",
    },
  },
  build: {
    outDir: fileURLToPath(new URL("../../target/react-app", import.meta.url)),
    emptyOutDir: true,
    target: "es2022",
  },
});
