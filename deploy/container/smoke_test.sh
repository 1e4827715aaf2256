#!/usr/bin/env bash
# Builds the image and runs it as far as this kind of machine allows (no registry, no cgroups):
#   1. the base image debian:bookworm-slim, made with debootstrap --variant=minbase and
#      `podman import` (reused when it is already there);
#   2. the Dockerfile, built with `podman build --isolation=chroot`;
#   3. the image's entrypoint, run in the image's file system (podman create + mount + chroot)
#      as the image's user with a host folder as the /data volume: without MEMEOPS_TOKEN it must
#      refuse to start; with one, /healthz (the image's own HEALTHCHECK) must answer, and a
#      posted event must end up in the archive on the volume.
# Prints the image's size. Run as root. MEMEOPS_DEBIAN_MIRROR picks the Debian mirror.
# The server listens on 127.0.0.1 (a free port) instead of the image's 0.0.0.0:8088, since a
# chroot shares the machine's network.
set -euo pipefail
cd "$(dirname "$0")/../.."
base=docker.io/library/debian:bookworm-slim
image=localhost/memeops:smoke
mirror="${MEMEOPS_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
fail() { echo "smoke test FAILED: $*" >&2; exit 1; }
started=$(date +%s)

work="$(mktemp -d /var/tmp/memeops-smoke.XXXXXX)"
container="" mounted="" server=""
cleanup() {
    [[ -n "$server" ]] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
    [[ -n "$mounted" ]] && umount "$mounted/data" 2>/dev/null
    [[ -n "$container" ]] && podman umount "$container" >/dev/null 2>&1 && podman rm "$container" >/dev/null 2>&1
    rm -rf "$work"
}
trap cleanup EXIT

make_base() {
    if podman image exists "$base"; then
        say "Base image $base: reusing the local one"
        return
    fi
    say "Base image $base: debootstrap --variant=minbase bookworm"
    debootstrap --variant=minbase bookworm "$work/rootfs" "$mirror" > "$work/debootstrap.log" 2>&1 ||
        { tail -20 "$work/debootstrap.log"; fail "debootstrap"; }
    rm -rf "$work/rootfs/var/cache/apt/archives/"*.deb "$work/rootfs/var/lib/apt/lists/"*
    tar -C "$work/rootfs" -c . | podman import --change 'CMD ["bash"]' - "$base" > /dev/null
    rm -rf "$work/rootfs"
}

build_image() {
    say "Building $image (podman build --isolation=chroot)"
    podman build --isolation=chroot --pull=never --layers -t "$image" -f Dockerfile . > "$work/build.log" 2>&1 ||
        { tail -30 "$work/build.log"; fail "podman build"; }
}

# The image's file system, with the host folder $work/data as its /data volume.
mount_image() {
    container="$(podman create "$image")"
    mounted="$(podman mount "$container")"
    mkdir -p "$work/data"
    chown "$(chroot "$mounted" id -u memeops):$(chroot "$mounted" id -g memeops)" "$work/data"
    chmod 0700 "$work/data"
    mount --bind "$work/data" "$mounted/data"
}

# Sets `argv` to the command that runs ARGS in the image as its user, with the image's Env and
# only that (plus EXTRA=VALUE words first). chroot and env exec, so its PID is the program's.
image_argv() {
    local env=() extra=()
    mapfile -t env < <(podman image inspect --format '{{range .Config.Env}}{{println .}}{{end}}' "$image" | sed '/^$/d')
    while [[ $# -gt 0 && "$1" == *=* ]]; do extra+=("$1"); shift; done
    argv=(chroot --userspec="$(podman image inspect --format '{{.Config.User}}' "$image")" "$mounted"
          /usr/bin/env -i "${env[@]}" "${extra[@]}" "$@")
}

in_image() {
    local argv=()
    image_argv "$@"
    "${argv[@]}"
}

# The image's ENTRYPOINT and CMD, one word a line.
entrypoint() {
    podman image inspect --format '{{range .Config.Entrypoint}}{{println .}}{{end}}{{range .Config.Cmd}}{{println .}}{{end}}' \
        "$image" | sed '/^$/d'
}

refuses_without_token() {
    local command=() refusing=""
    mapfile -t command < <(entrypoint)
    say "Entrypoint without MEMEOPS_TOKEN: ${command[*]}"
    local argv=()
    image_argv "${command[@]}"
    "${argv[@]}" > "$work/refused.log" 2>&1 &
    refusing=$!
    for _ in $(seq 100); do
        kill -0 "$refusing" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$refusing" 2>/dev/null; then
        kill "$refusing"
        fail "it started without MEMEOPS_TOKEN"
    fi
    wait "$refusing" && fail "it exited 0 without MEMEOPS_TOKEN"
    grep -q 'needs MEMEOPS_TOKEN' "$work/refused.log" || fail "unexpected refusal: $(cat "$work/refused.log")"
}

serves_and_archives() {
    local command=() port
    mapfile -t command < <(entrypoint)
    port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    command=("${command[@]/0.0.0.0:8088/127.0.0.1:$port}")
    say "Entrypoint with a token: ${command[*]}"
    local argv=()
    image_argv MEMEOPS_TOKEN=smoke-token "${command[@]}"
    "${argv[@]}" > "$work/serve.log" 2>&1 &
    server=$!
    for _ in $(seq 100); do
        in_image MEMEOPS_HEALTHCHECK_PORT="$port" /usr/local/bin/memeops-healthcheck 2>/dev/null && break
        kill -0 "$server" 2>/dev/null || fail "serve exited: $(cat "$work/serve.log")"
        sleep 0.1
    done
    in_image MEMEOPS_HEALTHCHECK_PORT="$port" /usr/local/bin/memeops-healthcheck || fail "/healthz did not answer 200"
    say "HEALTHCHECK passes; posting an event"
    local code
    code="$(curl -s -o "$work/post.json" -w '%{http_code}' -H 'Authorization: Bearer smoke-token' \
        -H 'Content-Type: application/json' --data '{"kind":"message","id":"smoke-1","text":"shipped from a container"}' \
        "http://127.0.0.1:$port/v1/events")"
    [[ "$code" == 202 ]] || fail "POST /v1/events answered $code: $(cat "$work/post.json")"
    kill -TERM "$server"
    wait "$server" || fail "serve did not stop cleanly on SIGTERM: $(tail -5 "$work/serve.log")"
    server=""
    [[ -s "$work/data/archive.db" ]] || fail "no archive on the volume"
    in_image /usr/local/bin/memeops history --json | grep -q 'shipped from a container' ||
        fail "the event is not in the archive on the volume"
    say "The event is archived in /data/archive.db on the volume"
}

make_base
build_image
mount_image
refuses_without_token
serves_and_archives
size="$(podman image inspect --format '{{.Size}}' "$image")"
say "Image $image: $((size / 1000000)) MB ($size bytes); smoke test took $(( $(date +%s) - started )) s"
