#!/usr/bin/env bash
# The official Omise client libraries against the sandbox, unchanged (tests/clients/).
# Installs omise-python into a virtualenv under target/ when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=target/clients-venv
if ! "$venv/bin/python" -c "import omise" 2>/dev/null; then
  echo "== installing the omise Python client (PyPI) into $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "omise==0.16.0"
fi
# `npm test` built the sandbox already, with its tests (scripts/test.sh).
[ -n "${PAYWASM_SANDBOX_BUILT:-}" ] || cargo build -q -p paywasm-sandbox
"$venv/bin/python" -m unittest discover -s tests/clients -p "test_*.py" -v
