#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests, sourced by test.sh:
#   source scripts/postgres.sh   # sets PAYWASM_TEST_POSTGRES, stops the server on exit
# Installs Debian's PostgreSQL when this machine has none (as ensure-tools.sh does Chromium),
# makes a cluster in a temporary folder, trusted on loopback only, and starts it on a free
# port. PostgreSQL refuses to run as root: as root the cluster belongs to the `postgres` user
# the package creates.

paywasm_pg_bin() {
  local initdb
  initdb=$(ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -1)
  [ -n "$initdb" ] && dirname "$initdb"
}

if [ -z "$(paywasm_pg_bin)" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "== installing Debian's PostgreSQL (for the merchant library's tests)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  else
    echo "paywasm: the merchant library's tests need PostgreSQL: sudo apt-get install postgresql" >&2
    return 1 2>/dev/null || exit 1
  fi
fi

PAYWASM_PG_BIN=$(paywasm_pg_bin)
PAYWASM_PG_DIR=$(mktemp -d /tmp/paywasm-pg.XXXXXX)
PAYWASM_PG_PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
if [ "$(id -u)" = 0 ]; then
  chown postgres "$PAYWASM_PG_DIR"
  paywasm_pg() { runuser -u postgres -- "$@"; }
else
  paywasm_pg() { "$@"; }
fi
paywasm_pg "$PAYWASM_PG_BIN/initdb" -D "$PAYWASM_PG_DIR/data" -U postgres --auth=trust \
  --no-sync -E UTF8 >/dev/null
# TLS with a certificate made for this server: a test CA (PAYWASM_TEST_POSTGRES_CA, for
# sslrootcert) that signs one for localhost and 127.0.0.1. Plain connections are accepted too.
paywasm_pg_tls="$PAYWASM_PG_DIR/tls"
mkdir -p "$paywasm_pg_tls"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=paywasm test CA" \
  -keyout "$paywasm_pg_tls/ca.key" -out "$paywasm_pg_tls/ca.pem" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" \
  -keyout "$paywasm_pg_tls/server.key" -out "$paywasm_pg_tls/server.csr" 2>/dev/null
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n' > "$paywasm_pg_tls/server.ext"
openssl x509 -req -days 2 -in "$paywasm_pg_tls/server.csr" -CA "$paywasm_pg_tls/ca.pem" \
  -CAkey "$paywasm_pg_tls/ca.key" -CAcreateserial -extfile "$paywasm_pg_tls/server.ext" \
  -out "$paywasm_pg_tls/server.pem" 2>/dev/null
chmod 600 "$paywasm_pg_tls/server.key"
[ "$(id -u)" = 0 ] && chown -R postgres "$paywasm_pg_tls"
# fsync stays on: the tests kill instances and count what was kept. Connections: two shop
# instances with their pools and listeners, and the contract tests', side by side.
paywasm_pg "$PAYWASM_PG_BIN/pg_ctl" -D "$PAYWASM_PG_DIR/data" -l "$PAYWASM_PG_DIR/log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $PAYWASM_PG_PORT -k $PAYWASM_PG_DIR -c max_connections=200 -c ssl=on -c ssl_cert_file=$paywasm_pg_tls/server.pem -c ssl_key_file=$paywasm_pg_tls/server.key" \
  start >/dev/null
paywasm_pg_stop() {
  paywasm_pg "$PAYWASM_PG_BIN/pg_ctl" -D "$PAYWASM_PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$PAYWASM_PG_DIR"
}
trap paywasm_pg_stop EXIT
export PAYWASM_TEST_POSTGRES="postgres://postgres@127.0.0.1:$PAYWASM_PG_PORT/postgres"
export PAYWASM_TEST_POSTGRES_CA="$paywasm_pg_tls/ca.pem"
echo "== PostgreSQL $("$PAYWASM_PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PAYWASM_PG_PORT (throwaway, $PAYWASM_PG_DIR)"
