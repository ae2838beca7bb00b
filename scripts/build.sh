#!/usr/bin/env bash
# Builds the self-contained release binary: target/release/webhooks-console.
# --precompress makes cargo-leptos build the site first and the server after it, so the binary
# embeds the finished site (a plain --release build races and can embed a stale one), and it
# writes .br/.gz twins that the server sends to browsers that accept them.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/setup.sh
cargo leptos build --release --precompress
ls -l target/release/webhooks-console target/site/pkg/ >&2
