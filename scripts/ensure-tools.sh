#!/usr/bin/env bash
# Installs what building and testing paywasm needs, and skips what is already there:
# the wasm32 target, the wasm-bindgen CLI of exactly the version in Cargo.lock, the npm dev
# dependencies (wasm-opt from npm's binaryen, Playwright), and with "browser" Debian's
# Chromium and ChromeDriver (as root); with "nightly-wasm", see below.
set -euo pipefail
cd "$(dirname "$0")/.."

# "nightly-wasm": succeeds when the nightly toolchain can build the smallest widget (its wasm32
# target and rust-src, installed here when missing); fails, installing nothing else, when this
# machine has no nightly toolchain or they cannot be installed (the build then uses stable).
if [ "${1:-}" = nightly-wasm ]; then
  rustup toolchain list | grep -q '^nightly' || exit 1
  if ! rustup +nightly target list --installed | grep -qx wasm32-unknown-unknown; then
    echo "== installing the nightly wasm32-unknown-unknown target" >&2
    rustup target add wasm32-unknown-unknown --toolchain nightly >&2 || exit 1
  fi
  if ! rustup +nightly component list --installed | grep -q '^rust-src'; then
    echo "== installing the nightly rust-src (to rebuild std for the smallest wasm)" >&2
    rustup component add rust-src --toolchain nightly >&2 || exit 1
  fi
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
