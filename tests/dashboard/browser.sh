#!/usr/bin/env bash
# Runs browser_check.mjs with puppeteer-core, installed once into CACHE (the build folder keeps
# it, as deploy/k8s/validate.sh keeps its npm packages), against Debian's chromium.
# Usage: browser.sh CACHE PLAN.json
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cache="$1"
# 22.x: supports Node.js 18 (Debian 12) and later, and drives the Chromium Debian ships.
packages=(puppeteer-core@22.15.0)
stamp="$cache/.installed-$(echo "${packages[*]}" | tr ' /@' '_+=')"
if [[ ! -e "$stamp" ]]; then
    mkdir -p "$cache"
    PUPPETEER_SKIP_DOWNLOAD=1 npm install --prefix "$cache" --no-audit --no-fund --silent "${packages[@]}"
    touch "$stamp"
fi
exec node "$here/browser_check.mjs" "$cache" "$2"
