#!/usr/bin/env bash
# Installs whatever this machine is missing to build and test webhooks-console, and nothing it
# already has: the wasm32 target, cargo-leptos, the wasm-bindgen CLI, Debian's chromium, and the
# npm packages of end2end/ (Playwright, oauth2-mock-server, binaryen's wasm-opt for release
# builds) and the Python test peers (httpbin, gunicorn, botocore, smpplib).
# Source it (`. scripts/setup.sh`) to also get wasm-opt on PATH.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

CARGO_LEPTOS_VERSION=0.3.10
# Must equal the wasm-bindgen version pinned in Cargo.toml / Cargo.lock.
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/[" ]/,""); sub("version=",""); print; exit}' Cargo.lock)

say() { printf '\033[1m[setup]\033[0m %s\n' "$*" >&2; }
export PATH="$HOME/.cargo/bin:$PATH"

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if ! cargo leptos --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION"; then
  say "installing cargo-leptos $CARGO_LEPTOS_VERSION (about 12 minutes on 2 cores, once)"
  # no_downloads: never fetch tools from the internet; without LTO the install is ~8 min faster.
  # 0.3.11 needs rustc 1.96 with --locked.
  CARGO_PROFILE_RELEASE_LTO=off CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
    cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked --features no_downloads
fi

if ! wasm-bindgen --version 2>/dev/null | grep -q "$WASM_BINDGEN_VERSION"; then
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 3 minutes, once)"
  # Not --locked: its lockfile names a webpki-roots release the registry here lacks.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

if [ ! -x /usr/bin/chromium ]; then
  say "installing Debian's chromium"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi

# npm packages: reinstalled only when package-lock.json changed since the last install.
stamp=end2end/node_modules/.installed-lock
if [ ! -f "$stamp" ] || ! cmp -s end2end/package-lock.json "$stamp"; then
  say "installing end2end npm packages"
  (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
  cp end2end/package-lock.json "$stamp"
fi

# Real test peers from PyPI (httpbin under gunicorn for Basic/Digest, botocore to re-sign SigV4,
# smpplib as a real ESME for the SMPP listener),
# in a venv beside the cargo cache; reinstalled only when their requirements change.
cache="${WEBHOOKS_CONSOLE_CACHE:-$HOME/.cache/webhooks-console}"
venv="$cache/venv"
req=server/tests/peers/requirements.txt
if [ ! -x "$venv/bin/python" ] || ! cmp -s "$req" "$venv/.installed-requirements"; then
  say "installing the Python test peers ($req)"
  mkdir -p "$cache"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$req"
  cp "$req" "$venv/.installed-requirements"
fi
# The cargo tests start the peers with this interpreter.
export WEBHOOKS_TEST_PYTHON="$venv/bin/python"

# wasm-opt from npm binaryen (Debian's binaryen 108 breaks hydration: never use it).
export PATH="$PWD/end2end/node_modules/.bin:$PATH"
