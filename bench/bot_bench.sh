#!/usr/bin/env bash
# Ingest and memory benchmark of `memeops serve`, with Prometheus Alertmanager as the peer in
# the same run (both from Debian: ./install.sh --bench-tools installs wrk and Alertmanager).
#
#   bench/bot_bench.sh [MEMEOPS_BINARY] [SECONDS] [CONNECTIONS]
#
# wrk posts one event per request (each a new event with its own id; 202 only once committed)
# to /v1/events, then the same number of connections post one alert per request to
# Alertmanager's /api/v2/alerts. Prints requests/s, p50 and p99 of each and MemeOps' ratios
# to Alertmanager, plus the bot's resident memory idle and under load.
set -euo pipefail
MEMEOPS=$(realpath "${1:-build/memeops}")
SECONDS_PER_RUN=${2:-10}
CONNECTIONS=${3:-32}
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$WORK"' EXIT
for tool in wrk prometheus-alertmanager; do
  command -v $tool >/dev/null || { echo "bot_bench: $tool is missing (./install.sh --bench-tools)" >&2; exit 1; }
done

rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_http() { for _ in $(seq 200); do curl -fs "$1" >/dev/null 2>&1 && return 0; sleep 0.05; done; echo "no answer from $1" >&2; exit 1; }

# wrk --latency output → "requests/s p50_ms p99_ms"
summarise() {
  awk '
    /Requests\/sec/ {rps=$2}
    function ms(v) { if (v ~ /us$/) return v/1000; if (v ~ /ms$/) return v+0; if (v ~ /s$/) return v*1000; return v }
    $1=="50%" {p50=ms($2)} $1=="99%" {p99=ms($2)}
    / Non-2xx/ {bad=$5}
    END {printf "%.0f %.2f %.2f %s\n", rps, p50, p99, (bad==""?0:bad)}' "$1"
}

# --- MemeOps -------------------------------------------------------------------------------
PORT=$(free_port)
MEMEOPS_DB="$WORK/archive.db" MEMEOPS_LOG=warn HOME="$WORK" \
  "$MEMEOPS" serve --listen "127.0.0.1:$PORT" >"$WORK/memeops.out" 2>"$WORK/memeops.err" &
BOT=$!
wait_http "http://127.0.0.1:$PORT/healthz"
sleep 1
IDLE_KB=$(rss_kb $BOT)
wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" --latency -s "$HERE/ingest_epoch.lua" "http://127.0.0.1:$PORT" >"$WORK/memeops.wrk" &
WRK=$!
PEAK_KB=0
while kill -0 $WRK 2>/dev/null; do
  now=$(rss_kb $BOT); [ "$now" -gt "$PEAK_KB" ] && PEAK_KB=$now; sleep 0.2
done
read -r M_RPS M_P50 M_P99 M_BAD < <(summarise "$WORK/memeops.wrk")
EVENTS=$(curl -fs "http://127.0.0.1:$PORT/metrics" | awk '/^memeops_events_total/ {n+=$2} END {print n+0}')
kill -TERM $BOT; wait $BOT 2>/dev/null || true

# --- Alertmanager --------------------------------------------------------------------------
APORT=$(free_port); CPORT=$(free_port)
cat >"$WORK/alertmanager.yml" <<YML
route:
  receiver: none
  group_by: [run]
receivers:
  - name: none
YML
prometheus-alertmanager --config.file="$WORK/alertmanager.yml" --storage.path="$WORK/am" \
  --web.listen-address="127.0.0.1:$APORT" --cluster.listen-address="127.0.0.1:$CPORT" >"$WORK/am.log" 2>&1 &
AM=$!
wait_http "http://127.0.0.1:$APORT/-/ready"
wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" --latency -s "$HERE/ingest_alert.lua" "http://127.0.0.1:$APORT" >"$WORK/am.wrk"
read -r A_RPS A_P50 A_P99 A_BAD < <(summarise "$WORK/am.wrk")
kill $AM; wait $AM 2>/dev/null || true

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "-"; else printf "x%.2f", a / b }'; }
echo "ingest: wrk -t2 -c$CONNECTIONS -d${SECONDS_PER_RUN}s, one event per request"
printf "%-24s %12s %10s %10s %8s\n" "" "requests/s" "p50 ms" "p99 ms" "non-2xx"
printf "%-24s %12s %10s %10s %8s\n" "memeops (durable 202)" "$M_RPS" "$M_P50" "$M_P99" "$M_BAD"
printf "%-24s %12s %10s %10s %8s\n" "alertmanager 0.25" "$A_RPS" "$A_P50" "$A_P99" "$A_BAD"
printf "%-24s %12s %10s %10s\n" "memeops / alertmanager" "$(ratio "$M_RPS" "$A_RPS")" "$(ratio "$M_P50" "$A_P50")" "$(ratio "$M_P99" "$A_P99")"
echo "events committed by memeops: $EVENTS"
echo "memeops RSS: idle $((IDLE_KB / 1024)) MB, under load (peak) $((PEAK_KB / 1024)) MB"
