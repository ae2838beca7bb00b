#!/usr/bin/env bash
# Dispatch throughput: drains N signed deliveries (default 20,000) from a temp SQLite file to a
# keep-alive HTTPS receiver on loopback (a separate process) and prints deliveries/s and the
# dispatcher's CPU time per delivery. Builds the release profile (minutes the first time).
#   scripts/bench.sh [--events N]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
exec cargo bench -p webhooks-console --bench dispatch -- "$@"
