#!/usr/bin/env bash
# `npm test`: every test. Installs what is missing first (see ensure-tools.sh).
#   1. format and lints
#   2. native unit and integration tests (core, the merchant library against a throwaway
#      PostgreSQL server, sandbox over real HTTP), each published crate built from its package,
#      and the official omise-python client against the sandbox
#   3. wasm-bindgen tests of the widget in headless Chromium
#   4. the widget's release build, the npm package's types (tsc), a Vite app and a Leptos app
#      that use it, and Playwright end-to-end tests in Chromium
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-tools.sh browser
source scripts/postgres.sh  # installs PostgreSQL when missing; stopped when this script ends

echo "== format and lints"
cargo fmt --all --check
node scripts/check-architecture.mjs  # the crates' allowed dependencies, no import circle (docs/ARCHITECTURE.md)
cargo clippy --workspace --all-targets -q -- -D warnings
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps -q  # every doc link resolves
for gateway in "" "--features wooshpay"; do  # the tests of each gateway's checkout
  cargo clippy -p paywasm --target wasm32-unknown-unknown --all-targets $gateway -q -- -D warnings
done
for build in omise,split methods,split wooshpay,split pos; do  # the four builds of the widget, each alone
  cargo clippy -p paywasm --target wasm32-unknown-unknown --no-default-features --features "$build" -q -- -D warnings
done

echo "== core, merchant library and sandbox tests"
cargo test -p paywasm-core --all-features -p paywasm-store -p paywasm-merchant -p paywasm-shop -p paywasm-sandbox
# That build made target/debug/paywasm-sandbox, with the features the tests unify; a plain
# `cargo build -p paywasm-sandbox` would build tokio, rusqlite, axum and the rest a second time
# with fewer, a gigabyte of disk and minutes of CI for nothing.
export PAYWASM_SANDBOX_BUILT=1

echo "== the merchant library with each store alone (a merchant builds only the one it runs)"
for records in sqlite postgres; do
  cargo clippy -p paywasm-merchant --all-targets --no-default-features --features "$records" -q -- -D warnings
  cargo test -q -p paywasm-merchant --no-default-features --features "$records" --lib --tests
done

echo "== each published crate builds alone from its package (cargo package)"
# Nothing outside a crate's folder is read when it builds. Without debug info: the packages'
# builds share nothing with the tests', and would take 3 GB of disk with it.
# Cargo unpacks the packages into a local registry under CARGO_HOME and reuses what it unpacked
# before under the same version, and it takes a registry package it compiled before under the
# same version for unchanged (registry packages never change): a run after the crates changed
# would build the old sources, or link what the old ones compiled to. So the packages are built
# in a target folder of their own, from which their earlier builds are dropped first (the
# third-party crates' stay).
rm -rf "${CARGO_HOME:-$HOME/.cargo}"/registry/src/-*/paywasm-*
package_target=target/packages
rm -rf "$package_target"/debug/.fingerprint/paywasm-* "$package_target"/debug/build/paywasm-* \
  "$package_target"/debug/deps/*paywasm*
CARGO_TARGET_DIR=$package_target CARGO_PROFILE_DEV_DEBUG=false \
  cargo package --workspace --exclude paywasm-leptos-app --allow-dirty -q

echo "== the official Omise Python client against the sandbox"
bash scripts/test-clients.sh

echo "== widget tests in headless Chromium (wasm-bindgen-test)"
CHROMEDRIVER=$(command -v chromedriver) cargo test -p paywasm --target wasm32-unknown-unknown
CHROMEDRIVER=$(command -v chromedriver) cargo test -p paywasm --target wasm32-unknown-unknown --features wooshpay

echo "== end-to-end tests in Chromium (Playwright)"
bash scripts/build-widget.sh
node scripts/size.mjs --check
echo "== the npm package as its ecosystem checks it (publint, arethetypeswrong)"
npx publint --strict pkg
# Only the modules: the stylesheet, the SRI list and the wasm files are assets, not imports.
(cd pkg && npx attw --pack . --profile esm-only --format ascii \
  --exclude-entrypoints paywasm.css paywasm-pos.css paywasm-methods.css integrity.json paywasm_bg.wasm paywasm_methods_bg.wasm paywasm_wooshpay_bg.wasm paywasm_pos_bg.wasm \
    paywasm_payment.wasm paywasm_methods_payment.wasm paywasm_wooshpay_payment.wasm)
echo "== the npm package's TypeScript declarations (tsc --strict), and a Vite app that imports it"
npx tsc -p tests/types
npx vite build --config tests/vite-app/vite.config.mjs
npx vite build --config tests/react-app/vite.config.mjs
echo "== a Leptos app that renders the checkout from Rust (tests/leptos-app)"
bash scripts/build-leptos-app.sh
npx playwright test
echo "== smoke: the main paths in WebKit (WebKitGTK, as every iPhone browser) and Firefox ESR"
xvfb-run -a node tests/browsers/smoke.mjs
