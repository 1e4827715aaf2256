#!/usr/bin/env bash
# Validates deploy/k8s/base offline: renders it (objects.py), checks every object against the
# Kubernetes API schemas and the Prometheus Operator's CRDs (the kubernetes-models npm packages,
# installed once into CACHE), checks that the objects fit together, then makes sure a broken
# copy fails both checks. Usage: validate.sh [CACHE] (default ~/.cache/memeops/k8s-models).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cache="${1:-${XDG_CACHE_HOME:-$HOME/.cache}/memeops/k8s-models}"
# Versions 4.x: the last that run on Debian 12's Node.js 18.
models=(kubernetes-models@4.5.1 @kubernetes-models/prometheus-operator@4.4.4)
python="${PYTHON:-python3}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

stamp="$cache/.installed-$(echo "${models[*]}" | tr ' /@' '_+=')"
if [[ ! -e "$stamp" ]]; then
    mkdir -p "$cache"
    npm install --prefix "$cache" --no-audit --no-fund --silent "${models[@]}"
    touch "$stamp"
fi

"$python" "$here/objects.py" render "$here/base" > "$work/objects.json"
node "$here/validate.mjs" "$work/objects.json" "$cache"
"$python" "$here/objects.py" check "$work/objects.json"

"$python" "$here/objects.py" break "$work/objects.json" > "$work/broken.json"
if node "$here/validate.mjs" "$work/broken.json" "$cache" > "$work/said" ||
    ! grep -q 'INVALID StatefulSet/memeops: .*terminationGracePeriodSeconds must be integer' "$work/said"; then
    echo "FAIL: the schema check let a broken StatefulSet through: $(cat "$work/said")" >&2
    exit 1
fi
if "$python" "$here/objects.py" check "$work/broken.json" 2> "$work/said" ||
    ! grep -q 'readinessProbe must GET /healthz' "$work/said"; then
    echo "FAIL: the wiring check let a probe on the wrong path through: $(cat "$work/said")" >&2
    exit 1
fi
echo "broken copies rejected: kubernetes manifests valid"
