#!/usr/bin/env bash
# Quick start, part 1: install what is missing, build the release binary, run the console on
# SQLite (data/webhooks.db). Extra arguments go to `webhooks-console serve`, e.g.
#   scripts/run.sh --admin-email you@example.com --admin-password 'a long password'
# Without them, the server logs a one-time /setup link for creating the administrator.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/build.sh
exec target/release/webhooks-console serve "$@"
