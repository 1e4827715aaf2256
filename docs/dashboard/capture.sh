#!/usr/bin/env bash
# Takes the README's dashboard screenshots: runs `memeops demo --serve` on a free loopback port
# in a scratch home, then photographs its pages in Debian's headless chromium (puppeteer-core,
# installed once into the build folder as the browser tests do), and stops the demo.
# Usage: docs/dashboard/capture.sh [MEMEOPS_BINARY] [OUT_DIR]   (after ./install.sh --test)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
memeops="$(realpath "${1:-build/memeops}")"
out="$(realpath "${2:-$here}")"
cache="$(dirname "$memeops")/dash-npm"
scratch="$(mktemp -d)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
HOME="$scratch" MEMEOPS_DB="$scratch/archive.db" "$memeops" demo --serve --listen "127.0.0.1:$port" >"$scratch/demo.log" 2>&1 &
demo=$!
trap 'kill $demo 2>/dev/null || true; wait $demo 2>/dev/null || true; rm -rf "$scratch"' EXIT
for _ in $(seq 300); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
[[ -d "$cache/node_modules/puppeteer-core" ]] || \
  PUPPETEER_SKIP_DOWNLOAD=1 npm install --prefix "$cache" --no-audit --no-fund --silent puppeteer-core@22.15.0
node "$here/capture.mjs" "$cache" "http://127.0.0.1:$port" "$out" "$(command -v chromium)"
