#!/usr/bin/env bash
# Hostile input against the REST API (issue 10): schemathesis reads the OpenAPI document the
# binary serves (GET /api/v1/openapi.json, generated from the code) and sends every operation
# generated requests — malformed, oversized, wrong types, odd Unicode — with an API key. Any 5xx
# fails the run. Bounded: a few examples an operation and a time budget (~2 min on 2 cores).
#
# Why a network namespace of its own (unshare -n, loopback only): creating a webhook makes a
# test call to whatever URL was generated; inside the namespace nothing can leave the machine.
#
# Usage: scripts/schemathesis.sh [BINARY]   (default target/release/webhooks-console)
# Env: WEBHOOKS_TEST_PYTHON (the venv's python, from scripts/setup.sh), ST_MAX_EXAMPLES (10),
#      ST_MAX_TIME (seconds, 150).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [ "${1:-}" != "--inside" ]; then
  binary="$(realpath "${1:-target/release/webhooks-console}")"
  [ -x "$binary" ] || { echo "schemathesis.sh: no binary at $binary" >&2; exit 2; }
  python="${WEBHOOKS_TEST_PYTHON:?run scripts/setup.sh first (it sets WEBHOOKS_TEST_PYTHON)}"
  exec unshare --net -- "$0" --inside "$binary" "$python"
fi

binary="$2"
python="$3"
st="$(dirname "$python")/st"
ip link set lo up

work="$(mktemp -d)"
server=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

port=$("$python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
db="sqlite://$work/data/webhooks.db"
flags=(--database-url "$db" --secret-key-file "$work/secret.key")
key=$("$binary" "${flags[@]}" api-key create --name schemathesis)
# Demo assets, so that generated ids sometimes name real rows; short timeouts for test calls.
"$binary" "${flags[@]}" --listen "127.0.0.1:$port" --demo-data --request-timeout 1s \
  --admin-email admin@example.com --admin-password 'schemathesis only' \
  >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  sleep 0.1
done

status=0
# From the scratch folder: schemathesis keeps its example database in ./.schemathesis.
cd "$work"
"$st" run "http://127.0.0.1:$port/api/v1/openapi.json" \
  --url "http://127.0.0.1:$port" \
  -H "Authorization: Bearer $key" \
  --checks not_a_server_error \
  --max-examples "${ST_MAX_EXAMPLES:-10}" \
  --max-time "${ST_MAX_TIME:-150}" \
  --workers 2 \
  --seed "${ST_SEED:-10}" \
  --no-color || status=$?
if grep -q "panicked" "$work/server.log"; then
  echo "schemathesis.sh: the server panicked:" >&2
  grep -A3 "panicked" "$work/server.log" >&2
  status=1
fi
exit "$status"
