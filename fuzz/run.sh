#!/usr/bin/env bash
# Builds the libFuzzer targets of fuzz/ with clang + AddressSanitizer + UBSan and runs each for
# a bounded time, starting from its committed seed corpus (fuzz/corpus/<target>/). Fails on any
# crash, sanitizer report, leak, timeout or out-of-memory, naming the input that caused it.
set -euo pipefail

usage() {
    cat <<'USAGE'
Usage: fuzz/run.sh [--seconds N] [--build-dir DIR] [--no-build] [TARGET…]

Builds the fuzz targets (clang-14, -fsanitize=fuzzer,address,undefined) in DIR (default
build-fuzz/) and runs each TARGET (default: all) for N seconds (default 20, or $FUZZ_SECONDS).
New inputs the fuzzer finds go to DIR/corpus/<target>/, never into the committed corpus; a
crashing input is saved as DIR/artifacts/<target>/crash-… and reported.

Targets: event webhook_github webhook_gitlab metrics_log predictions config search_query
caption ref

Reproduce a finding: DIR/fuzz/fuzz_<target> DIR/artifacts/<target>/crash-…
USAGE
}

seconds="${FUZZ_SECONDS:-20}"
build_dir=build-fuzz
build=1
targets=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --seconds) seconds="${2:?--seconds needs a number}"; shift ;;
        --build-dir) build_dir="${2:?--build-dir needs a folder}"; shift ;;
        --no-build) build=0 ;;
        -h|--help) usage; exit 0 ;;
        -*) echo "fuzz/run.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
        *) targets+=("$1") ;;
    esac
    shift
done
[[ "$seconds" =~ ^[1-9][0-9]*$ ]] || { echo "fuzz/run.sh: --seconds takes a whole number > 0" >&2; exit 2; }

cd "$(dirname "$0")/.."
root=$PWD
say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
[[ ${#targets[@]} -eq 0 ]] && targets=($(ls fuzz/corpus))

if [[ $build -eq 1 ]]; then
    say "Building the fuzz targets in $build_dir/"
    launcher=()
    command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
    export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$root}"
    export CCACHE_NOHASHDIR="${CCACHE_NOHASHDIR:-1}"  # hits across clones, debug info included
    CXX=clang++-14 cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMEMEOPS_SANITIZE=ON \
        -DMEMEOPS_FUZZ=ON -DMEMEOPS_BUILD_TESTS=OFF -DMEMEOPS_BUILD_BENCH=OFF "${launcher[@]}" >/dev/null
    cmake --build "$build_dir" -j "$(nproc)" --target "${targets[@]/#/fuzz_}"
fi

# Sanitizer reports with function names and lines (llvm-14, from install.sh).
[[ -x /usr/lib/llvm-14/bin/llvm-symbolizer ]] && export ASAN_SYMBOLIZER_PATH=/usr/lib/llvm-14/bin/llvm-symbolizer
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
export LSAN_OPTIONS="${LSAN_OPTIONS:-suppressions=$root/tests/lsan.supp:print_suppressions=0}"

failed=()
for target in "${targets[@]}"; do
    [[ -d fuzz/corpus/$target ]] || { echo "fuzz/run.sh: no target $target (see --help)" >&2; exit 2; }
    corpus="$build_dir/corpus/$target"
    artifacts="$build_dir/artifacts/$target"
    mkdir -p "$corpus" "$artifacts"
    say "Fuzzing $target for ${seconds}s"
    # New inputs go to the first folder; the committed seeds are only read.
    if "$build_dir/fuzz/fuzz_$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -max_len=65536 -print_final_stats=1 -artifact_prefix="$artifacts/" \
        "$corpus" "fuzz/corpus/$target" >"$build_dir/fuzz-$target.log" 2>&1; then
        grep -E '^stat::number_of_executed_units' "$build_dir/fuzz-$target.log" || true
    else
        tail -n 60 "$build_dir/fuzz-$target.log"
        failed+=("$target")
    fi
done

if [[ ${#failed[@]} -gt 0 ]]; then
    echo "fuzz/run.sh: findings in: ${failed[*]} (inputs in $build_dir/artifacts/)" >&2
    exit 1
fi
say "Fuzzing: ${#targets[@]} targets, ${seconds}s each, no findings"
