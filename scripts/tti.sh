#!/usr/bin/env bash
# Time to interactive of the webhook form on a throttled connection (1.6 Mbps, 150 ms): starts the
# release binary as the end-to-end tests do (end2end/fixtures/start-server.sh, demo data) and runs
# end2end/bench/tti.mjs against it. Build first (scripts/build.sh) or run after scripts/test.sh.
#   scripts/tti.sh [RUNS]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export E2E_PORT="${E2E_PORT:-3237}" E2E_RECEIVER_PORT="${E2E_RECEIVER_PORT:-3238}" E2E_OAUTH_PORT="${E2E_OAUTH_PORT:-3239}"
(cd end2end && exec bash fixtures/start-server.sh) >/dev/null 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null' EXIT
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$E2E_PORT/healthz" >/dev/null 2>&1 && break
  sleep 0.2
done
(cd end2end && node bench/tti.mjs "http://127.0.0.1:$E2E_PORT" "${1:-5}")
