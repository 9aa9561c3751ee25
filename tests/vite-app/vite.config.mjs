// Builds the Vite example into target/vite-app (out of the source tree).
import { defineConfig } from "vite";
import { fileURLToPath } from "node:url";

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  base: "./",
  logLevel: "warn",
  build: {
    outDir: fileURLToPath(new URL("../../target/vite-app", import.meta.url)),
    emptyOutDir: true,
    target: "es2022",
  },
});
