#!/usr/bin/env bash
# `npm start`: builds the widget and the sandbox, then runs the sandbox gateway and the demo
# shop until Ctrl-C. Arguments go to paywasm-sandbox (see its --help).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build-widget.sh
cargo build -p paywasm-sandbox
exec target/debug/paywasm-sandbox "$@"
