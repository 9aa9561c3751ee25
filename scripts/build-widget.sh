#!/usr/bin/env bash
# Builds the widget into pkg/: release wasm -> wasm-bindgen (the CLI of the crate's exact
# version) -> wasm-opt -Oz (npm's binaryen; never Debian's, whose output breaks in Chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-tools.sh

cargo build --release --target wasm32-unknown-unknown -p paywasm
mkdir -p pkg
wasm-bindgen --target web --out-dir pkg --out-name paywasm \
  target/wasm32-unknown-unknown/release/paywasm.wasm
node_modules/.bin/wasm-opt -Oz pkg/paywasm_bg.wasm -o pkg/paywasm_bg.wasm
cp src/components/checkout/checkout.css pkg/paywasm.css
echo "== widget built: $(wc -c < pkg/paywasm_bg.wasm) bytes of wasm, $(wc -c < pkg/paywasm.js) bytes of JS"
