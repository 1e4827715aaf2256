#!/usr/bin/env bash
# Checks the systemd units offline: `systemd-analyze verify` must pass without a word for the
# system unit and the user unit, the system unit's exposure score (`systemd-analyze security`)
# must stay at 2.0 or below, and a unit with a misspelled key must be caught (so the check can
# fail). Usage: verify_units.sh MEMEOPS_BINARY. verify wants ExecStart's binary to exist, so it
# reads copies that run MEMEOPS_BINARY instead of /usr/local/bin/memeops.
set -euo pipefail
binary="${1:?usage: verify_units.sh MEMEOPS_BINARY}"
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/system" "$work/user" "$work/broken" "$work/runtime"
chmod 700 "$work/runtime"

copy() {  # copy UNIT DIR: the unit with the binary under test
    sed "s|/usr/local/bin/memeops|$binary|g" "$1" > "$2/memeops.service"
}

# Prints what verify says about a unit; the exit code is verify's.
verify() {  # verify DIR [--user]
    XDG_RUNTIME_DIR="$work/runtime" HOME="$work" systemd-analyze ${2:-} verify --man=no "$1/memeops.service" 2>&1
}

must_be_silent() {  # must_be_silent DIR [--user]
    local said
    if ! said="$(verify "$@")" || [[ -n "$said" ]]; then
        echo "FAIL: systemd-analyze verify on $1/memeops.service: $said" >&2
        exit 1
    fi
}

copy "$here/memeops.service" "$work/system"
copy "$here/user/memeops.service" "$work/user"
must_be_silent "$work/system"
must_be_silent "$work/user" --user
systemd-analyze security --offline=true --threshold=20 "$work/system/memeops.service" | tail -1

copy "$here/memeops.service" "$work/broken"
sed -i 's/^NoNewPrivileges=/NoNewPrivilege=/' "$work/broken/memeops.service"
if ! verify "$work/broken" | grep -q "Unknown key 'NoNewPrivilege'"; then
    echo "FAIL: a misspelled key went unnoticed" >&2
    exit 1
fi
echo "units verified"
