#!/usr/bin/env bash
# Builds tests/leptos-app (a Leptos app that renders paywasm's checkout from Rust) into
# target/leptos-app: a debug wasm (it shares the compiled Leptos of the widget's wasm tests),
# wasm-bindgen's glue, its page and the checkout's CSS. Served by Playwright for
# tests/e2e/leptos-app.spec.mjs.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build -p paywasm-leptos-app --target wasm32-unknown-unknown -q
out=target/leptos-app
rm -rf "$out" && mkdir -p "$out"
wasm-bindgen --target web --no-typescript --out-dir "$out" --out-name leptos_app \
  target/wasm32-unknown-unknown/debug/paywasm-leptos-app.wasm
cp tests/leptos-app/index.html tests/leptos-app/start.js "$out/"
cp src/components/checkout/checkout.css "$out/paywasm.css"
