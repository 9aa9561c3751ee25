#!/usr/bin/env bash
# Benchmark: requests per second and latency percentiles of the sandbox gateway for
# POST /charges (PromptPay, source inline) and GET /charges/:id, measured with wrk (Debian's
# package) against a release build storing to a fresh --data folder (SQLite, synchronous=FULL).
#   bash scripts/bench-sandbox.sh [seconds=10] [connections=32]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}
connections=${2:-32}
command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
cargo build -q --release -p paywasm-sandbox

data=$(mktemp -d)
port_gateway=17170
port_shop=17171
target/release/paywasm-sandbox --gateway 127.0.0.1:$port_gateway --shop 127.0.0.1:$port_shop --data "$data" --rate-limit 0 >/dev/null 2>&1 &
sandbox=$!
trap 'kill $sandbox 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 50); do curl -sf -o /dev/null "http://127.0.0.1:$port_shop/assets/shop.css" && break; sleep 0.1; done

auth="Basic $(printf 'skey_test_5paywasmsandbox0demo0:' | base64)"
base="http://127.0.0.1:$port_gateway"
script=$(mktemp --suffix=.lua)
cat > "$script" <<LUA
wrk.method = "POST"
wrk.body = "amount=400000&currency=THB&source[type]=promptpay"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Authorization"] = "$auth"
LUA
echo "== POST /charges: ${seconds}s, ${connections} connections, 2 threads ($(nproc) cores)"
wrk -t2 -c"$connections" -d"${seconds}s" --latency -s "$script" "$base/charges" | grep -E "Requests/sec|Latency|50%|90%|99%|Non-2xx|requests in"

id=$(curl -s -u skey_test_5paywasmsandbox0demo0: "$base/charges" -d amount=400000 -d currency=THB -d 'source[type]=promptpay' | sed -E 's/.*"id":"(chrg_test_[a-z0-9]+)".*/\1/')
echo "== GET /charges/$id: ${seconds}s, ${connections} connections"
wrk -t2 -c"$connections" -d"${seconds}s" --latency -H "Authorization: $auth" "$base/charges/$id" | grep -E "Requests/sec|Latency|50%|90%|99%|Non-2xx|requests in"
rm -f "$script"
