#!/usr/bin/env bash
# The benchmark of the real binary: starts target/release/webhooks-console on a fresh SQLite
# database beside an HTTPS keep-alive receiver in its own process, drives it through its HTTP
# API, and prints a table of medians (also Markdown with --markdown FILE). See BENCHMARKS.md.
#   scripts/bench.sh SCENARIO... [--runs N --events N --markdown FILE ...]
#   scenarios: dispatch latency isolation footprint console all, and instances (PostgreSQL);  --help lists the options.
# Builds the release binary first (scripts/build.sh; skip with BENCH_NO_BUILD=1). On a shared
# machine run it under the build lock, so nothing builds while it measures:
#   flock /tmp/webhooks-build.lock scripts/bench.sh dispatch
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [ "${BENCH_NO_BUILD:-0}" != 1 ]; then
  scripts/build.sh >&2
fi
exec cargo bench -q -p webhooks-console --bench bench -- "$@"
