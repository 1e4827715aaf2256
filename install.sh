#!/usr/bin/env bash
# Sets MemeOps up on Debian 12: installs the packages it builds with, builds it, installs the
# `memeops` binary, and optionally runs the test suite. Safe to run again: it only does what is
# still missing and rebuilds incrementally.
set -euo pipefail

usage() {
    cat <<'USAGE'
Usage: ./install.sh [--test] [--sanitize] [--bench-tools] [--service] [--prefix DIR] [--no-deps] [--build-dir DIR] [-h|--help]

Installs the Debian packages MemeOps needs (apt-get, non-interactive; only the missing ones),
configures and builds it with CMake, and installs `memeops` into PREFIX/bin.

  --test          also install the packages only the tests need (catch2, chromium, PyTorch, clang
                  for fuzzing, …), build the test suite and run it (ctest)
  --sanitize      build with AddressSanitizer + UBSan (in build-asan/) and do not install;
                  with --test, runs the suite under the sanitizers
  --bench-tools   also install wrk and prometheus-alertmanager, which the bot's benchmarks
                  (bench/bot_bench.sh, build/bench/burst_bench) use as load tool and peer,
                  and python3-matplotlib, the baseline of build/bench/card_bench
  --service       also install the bot as a systemd service: /etc/systemd/system/memeops.service
                  (deploy/systemd/, running PREFIX/bin/memeops) and /etc/memeops/memeops.env for
                  its secrets (mode 0600; an existing one is kept), then enable and start it
                  where systemd is running
  --prefix DIR    where to install (default /usr/local, so memeops lands in /usr/local/bin)
  --no-deps       skip the package step (the packages are already there)
  --build-dir DIR build folder (default build/, or build-asan/ with --sanitize)
  -h, --help      this help

Run as root, or as a user with sudo for the package and install steps.
USAGE
}

# What the product builds with. cairo and pango render the meme cards (PNG), libpng writes them;
# their Noto fonts draw Chinese and colour emoji.
PACKAGES=(build-essential cmake pkg-config git sqlite3 python3
          libgit2-dev libcpp-httplib-dev libmicrohttpd-dev libssl-dev nlohmann-json3-dev libsqlite3-dev libjemalloc-dev libicu-dev
          libcli11-dev ccache
          libcairo2-dev libpango1.0-dev libpng-dev fonts-noto-cjk fonts-noto-color-emoji)
# What only the tests need (--test, --sanitize), so a plain install stays small: catch2 (the
# suite), clang-14, its libFuzzer runtime (libclang-rt-14-dev, only recommended by clang-14) and
# llvm-14 (llvm-symbolizer, for readable sanitizer reports) for fuzz/run.sh, which CI runs; tmux,
# the terminal the tests of TTY output (widths, cutting with "…") run the CLI in;
# python3-torch (a real training loop), python3-pip, python3-setuptools, python3-yaml,
# python3-jsonschema, systemd (systemd-analyze) and nodejs with npm (the Kubernetes schema check)
# for the tests of clients/python and deploy/ (the Python package itself needs only the standard
# library); chromium, the headless browser the dashboard's tests drive (tests/dashboard/, with
# puppeteer-core from npm cached in the build folder; the dashboard itself needs no package).
TEST_PACKAGES=(catch2 tmux clang-14 libclang-rt-14-dev llvm-14
               python3-pip python3-setuptools python3-torch python3-yaml python3-jsonschema
               systemd nodejs chromium)

run_tests=0
sanitize=0
bench_tools=0
service=0
install_deps=1
prefix=/usr/local
build_dir=""
while [[ $# -gt 0 ]]; do
    case "$1" in
        --test) run_tests=1 ;;
        --sanitize) sanitize=1 ;;
        --bench-tools) bench_tools=1 ;;
        --service) service=1 ;;
        --no-deps) install_deps=0 ;;
        --prefix) prefix="${2:?--prefix needs a folder}"; shift ;;
        --build-dir) build_dir="${2:?--build-dir needs a folder}"; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "install.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done

if [[ $service -eq 1 && $sanitize -eq 1 ]]; then
    echo "install.sh: --service installs the product build; it does not go with --sanitize" >&2
    exit 2
fi

cd "$(dirname "$0")"
say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

as_root() {
    if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi
}

# The unit runs PREFIX/bin/memeops under a dynamic user; the env file holds the token and the
# webhook URLs, so it is created readable by root only (systemd reads it as root) and never
# overwritten: running install.sh again keeps the secrets.
install_service() {
    local unit=/etc/systemd/system/memeops.service env_file=/etc/memeops/memeops.env
    say "Installing the systemd service: $unit, $env_file"
    as_root install -d -m 0755 /etc/systemd/system /etc/memeops
    sed "s|/usr/local/bin/memeops|$prefix/bin/memeops|g" deploy/systemd/memeops.service |
        as_root install -m 0644 /dev/stdin "$unit"
    if as_root test -e "$env_file"; then
        say "Keeping the existing $env_file"
    else
        as_root install -m 0600 deploy/systemd/memeops.env "$env_file"
    fi
    if [[ ! -d /run/systemd/system ]]; then
        say "systemd is not running here (a container?): memeops.service is installed but not started;" \
            "on a machine booted with systemd: systemctl enable --now memeops"
        return
    fi
    as_root systemctl daemon-reload
    as_root systemctl enable --now memeops.service
    say "memeops.service enabled and started (systemctl status memeops; settings in $env_file)"
}

install_packages() {
    local missing=()
    for pkg in "${PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" ||
            missing+=("$pkg")
    done
    if [[ ${#missing[@]} -eq 0 ]]; then
        say "Packages: all present"
        return
    fi
    say "Installing packages: ${missing[*]}"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        "${missing[@]}" >/dev/null
}

[[ $bench_tools -eq 1 ]] && PACKAGES+=(wrk prometheus-alertmanager python3-matplotlib)
if [[ $run_tests -eq 1 || $sanitize -eq 1 ]]; then
    PACKAGES+=("${TEST_PACKAGES[@]}")
    # npm comes with some builds of nodejs (NodeSource's), where Debian's npm package would conflict.
    command -v npm >/dev/null || PACKAGES+=(npm)
fi
[[ $install_deps -eq 1 ]] && install_packages

if [[ -z "$build_dir" ]]; then
    build_dir=build
    [[ $sanitize -eq 1 ]] && build_dir=build-asan
fi
# The product builds optimised without debug info; the sanitizer build keeps debug info for
# readable reports and skips the benchmarks, which it would never run.
build_flags=(-DCMAKE_BUILD_TYPE=Release -DMEMEOPS_SANITIZE=OFF -DMEMEOPS_BUILD_TESTS=OFF)
[[ $run_tests -eq 1 ]] && build_flags[2]=-DMEMEOPS_BUILD_TESTS=ON
[[ $sanitize -eq 1 ]] && build_flags=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DMEMEOPS_SANITIZE=ON -DMEMEOPS_BUILD_BENCH=OFF -DMEMEOPS_BUILD_TESTS=ON)

# ccache keeps rebuilds of a clean clone (CI) cheap; base_dir makes its hits independent of
# where the clone lives, and nohashdir does the same for builds with debug info (whose file
# names are then relative to the build folder).
command -v ccache >/dev/null && build_flags+=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$PWD}"
export CCACHE_NOHASHDIR="${CCACHE_NOHASHDIR:-1}"

say "Building in $build_dir/"
cmake -S . -B "$build_dir" "${build_flags[@]}" -DCMAKE_INSTALL_PREFIX="$prefix" >/dev/null
cmake --build "$build_dir" -j "$(nproc)"

if [[ $run_tests -eq 1 ]]; then
    say "Running the test suite"
    ctest --test-dir "$build_dir" --output-on-failure -j "$(nproc)" --timeout 300
fi

if [[ $sanitize -eq 0 ]]; then
    say "Installing memeops and memeops-hook into $prefix/bin"
    if [[ -w "$prefix" || $(id -u) -eq 0 ]]; then
        cmake --install "$build_dir" >/dev/null
    else
        as_root cmake --install "$build_dir" >/dev/null
    fi
    say "Installed: $prefix/bin/memeops ($("$prefix/bin/memeops" --version))"
    if [[ $service -eq 1 ]]; then install_service; fi  # (an `[[ … ]] &&` here would end the script with 1)
fi
