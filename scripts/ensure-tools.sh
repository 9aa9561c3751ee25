#!/usr/bin/env bash
# Installs what building and testing paywasm needs, and skips what is already there:
# the wasm32 target, the wasm-bindgen CLI of exactly the version in Cargo.lock, the npm dev
# dependencies (wasm-opt from npm's binaryen, Playwright), and with "browser" Debian's
# Chromium and ChromeDriver (as root); with "nightly-wasm", see below.
set -euo pipefail
cd "$(dirname "$0")/.."

# The nightly the smallest widget is built with, pinned by its date: two machines build the
# same bytes only on the same compiler, and a newer nightly may change every hash a CDN and
# the script tags carry (scripts/check-reproducible.sh). Move it on purpose, with the size
# budgets and the reproducibility check.
NIGHTLY_DATE=2026-05-20

# "nightly-wasm": prints the name of the pinned nightly toolchain and succeeds when it can build
# the smallest widget (its wasm32 target and rust-src, installed here when missing): the
# machine's own "nightly" when it is that date's, else "nightly-$NIGHTLY_DATE", installed when
# missing. Fails, installing nothing else, when neither can be had (the build then uses
# stable).
if [ "${1:-}" = nightly-wasm ]; then
  channel_date() {
    local sysroot
    sysroot=$(rustc "+$1" --print sysroot 2>/dev/null) || return 1
    awk -F'"' '/^date = / { print $2; exit }' "$sysroot/lib/rustlib/multirust-channel-manifest.toml" 2>/dev/null
  }
  if rustup toolchain list | grep -q '^nightly-x86_64' && [ "$(channel_date nightly)" = "$NIGHTLY_DATE" ]; then
    toolchain=nightly
  else
    toolchain=nightly-$NIGHTLY_DATE
    if ! rustup toolchain list | grep -q "^$toolchain"; then
      echo "== installing the pinned $toolchain (the machine's nightly is $(channel_date nightly || echo none))" >&2
      rustup toolchain install "$toolchain" --profile minimal >&2 || exit 1
    fi
  fi
  if ! rustup "+$toolchain" target list --installed | grep -qx wasm32-unknown-unknown; then
    echo "== installing the $toolchain wasm32-unknown-unknown target" >&2
    rustup target add wasm32-unknown-unknown --toolchain "$toolchain" >&2 || exit 1
  fi
  if ! rustup "+$toolchain" component list --installed | grep -q '^rust-src'; then
    echo "== installing the $toolchain rust-src (to rebuild std for the smallest wasm)" >&2
    rustup component add rust-src --toolchain "$toolchain" >&2 || exit 1
  fi
  echo "$toolchain"
  exit 0
fi

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  echo "== installing the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

wanted=$(awk '$0 == "name = \"wasm-bindgen\"" { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
have=$(wasm-bindgen --version 2>/dev/null | awk '{ print $2 }' || true)
if [ "$have" != "$wanted" ]; then
  echo "== installing wasm-bindgen-cli $wanted (have: ${have:-none}); takes about 3 minutes"
  # no --locked: its lock file wants a crate version the registry no longer serves
  cargo install wasm-bindgen-cli --version "$wanted"
fi

# The tool that cuts a widget build at its split points (the code a payment runs after the tap,
# src/flow.rs) into a second module fetched at the tap; the version of the runtime crate in
# Cargo.lock reads the markers it writes, so both move together.
SPLIT_VERSION=0.2.4
# (The tool prints no version: the installed one is recorded beside it.)
split_marker=$HOME/.cargo/wasm-split-cli.version
if ! command -v wasm-split-cli >/dev/null || [ "$(cat "$split_marker" 2>/dev/null || true)" != "$SPLIT_VERSION" ]; then
  echo "== installing wasm-split-cli $SPLIT_VERSION (wasm_split_cli_support); takes about 2 minutes"
  cargo install --locked wasm_split_cli_support --version "$SPLIT_VERSION" --features build-binary
  echo "$SPLIT_VERSION" > "$split_marker"
fi

if [ ! -x node_modules/.bin/wasm-opt ] || [ ! -d node_modules/@playwright/test ] \
   || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "== installing npm dev dependencies"
  npm ci --no-audit --no-fund
fi

# The browser tests: Debian's Chromium, and the fonts the screenshot baselines were drawn with
# (Thai, Japanese and Chinese text in tofu boxes would change every picture); for the smoke
# suite, Debian's WebKitGTK (its WebDriver and MiniBrowser, in a virtual display) and Firefox ESR.
if [ "${1:-}" = browser ]; then
  missing=()
  command -v chromium >/dev/null || missing+=(chromium)
  command -v chromedriver >/dev/null || missing+=(chromium-driver)
  smoke=()
  command -v firefox-esr >/dev/null || smoke+=(firefox-esr)
  command -v WebKitWebDriver >/dev/null || smoke+=(webkit2gtk-driver)
  command -v xvfb-run >/dev/null || smoke+=(xvfb xauth)
  [ -n "$(fc-list :lang=th 2>/dev/null)" ] || missing+=(fonts-thai-tlwg)
  [ -n "$(fc-list :lang=ja 2>/dev/null)" ] || missing+=(fonts-noto-cjk)
  if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ]; then
      echo "== installing ${missing[*]}"
      apt-get update -qq
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    else
      echo "paywasm: the browser tests need: sudo apt-get install ${missing[*]}" >&2
      exit 1
    fi
  fi
  if [ ${#smoke[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ]; then
      echo "== installing ${smoke[*]}"
      [ ${#missing[@]} -gt 0 ] || apt-get update -qq
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${smoke[@]}" >/dev/null
    else
      echo "paywasm: the smoke suite needs: sudo apt-get install --no-install-recommends ${smoke[*]}" >&2
      exit 1
    fi
  fi
fi
