#!/usr/bin/env bash
# Quick start, part 2: install what is missing, build the release binary once, then run every
# test: the cargo tests (unit, store, HTTP, CLI, property tests), schemathesis against the REST
# API of that binary, and the Playwright end-to-end tests in Debian's chromium against it, copied
# alone into an empty folder.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
start=$(date +%s)
. scripts/setup.sh

echo "== format and lints (before the long steps) ==" >&2
cargo fmt --all -- --check
# The server side (app with ssr, server, tests, benches), then the browser side (app with
# hydrate): code behind each feature is linted on its own target. Lints: [workspace.lints].
cargo clippy --all-targets -- -D warnings
cargo clippy -p frontend --target wasm32-unknown-unknown -- -D warnings

scripts/build.sh

echo "== cargo tests ==" >&2
# --release reuses the dependencies the release binary was just built with.
cargo test --release

echo "== cargo tests again, on PostgreSQL (a fresh database per test) ==" >&2
# TEST_DATABASE=postgres: the store tests and every spawned app run on wc_test_<random> databases
# of the server at TEST_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/postgres; .ci/run
# starts the local one), each dropped after its test.
TEST_DATABASE=postgres cargo test --release

echo "== schemathesis: every REST operation, generated requests, no 5xx ==" >&2
scripts/schemathesis.sh target/release/webhooks-console

echo "== Playwright end-to-end tests ==" >&2
(cd end2end && npx playwright test)

echo "== all tests passed in $(( $(date +%s) - start ))s ==" >&2
