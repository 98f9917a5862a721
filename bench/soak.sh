#!/usr/bin/env bash
# A soak at `slow` load (README "Benchmarks"): the jar behind a fake upstream answering after 50 ms, driven
# by wrk at 256 connections for SOAK_MINUTES (30), the gateway's RSS sampled every minute. Prints the
# samples, the requests and errors, and the RSS growth per minute over the second half of the run (the
# first half lets the JIT and the heap settle; target: under 1 MB per minute), and the embedded database's
# bytes per call (the H2 file and the ledger's day files).
#
#   bench/soak.sh
#   SOAK_MINUTES=5 bench/soak.sh
set -euo pipefail
source "$(dirname "$0")/harness.sh"
minutes=${SOAK_MINUTES:-30}
connections=${SOAK_CONNECTIONS:-256}
upstream_port=${UPSTREAM_PORT:-18081}
port=${CARAVAN_BENCH_PORT:-18090}
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done' EXIT

node "$harness/fake-upstream.mjs" --port="$upstream_port" --delay-ms="${SLOW_DELAY_MS:-50}" >/dev/null 2>&1 &
pids+=($!)
data=$(mktemp -d)
(cd "$root" && exec env GATEWAY_PORT=$port GATEWAY_DATA_DIR="$data" OPENAI_BASE_URL=http://127.0.0.1:$upstream_port/v1 \
  OPENAI_API_KEY=sk-soak java $java_opts -jar target/caravan.jar) > "$data/gateway.log" 2>&1 &
gateway=$!
pids+=($gateway)
until curl -s -o /dev/null "http://127.0.0.1:$port/readyz"; do sleep 0.2; done

wrk -t2 -c"$connections" -d"${minutes}m" --timeout 10s -s "$harness/post.lua" \
  "http://127.0.0.1:$port/v1/chat/completions" > "$data/wrk.txt" &
load=$!
pids+=($load)
samples=()
echo "| minute | RSS MB |"
echo "|---:|---:|"
for minute in $(seq 1 "$minutes"); do
  sleep 60
  rss=$(( $(ps -o rss= -p "$gateway") / 1024 ))
  samples+=("$minute $rss")
  echo "| $minute | $rss |"
done
wait "$load" || true
grep -E "requests in|Socket errors|Non-2xx" "$data/wrk.txt" || true
printf '%s\n' "${samples[@]}" | awk -v half=$(( minutes / 2 )) '
  $1 > half { n++; sx += $1; sy += $2; sxx += $1 * $1; sxy += $1 * $2 }
  END { if (n > 1) printf "RSS growth over the second half: %.2f MB/minute (%d samples)\n", (n * sxy - sx * sy) / (n * sxx - sx * sx), n }'
# the embedded ledger's file (README "Accounting and the ledger"): what it took per call answered
calls=$(grep -oE '^ *[0-9]+ requests in' "$data/wrk.txt" | grep -oE '[0-9]+' | head -1 || true)
if [[ -f $data/caravan.mv.db && -n $calls && $calls -gt 0 ]]; then
  size=$(stat -c %s "$data/caravan.mv.db")
  days=$(du -cb "$data"/usage-ledger/*.jsonl 2>/dev/null | tail -n 1 | cut -f1); days=${days:-0}
  echo "H2 file: $size bytes and ledger day files: $days bytes after $calls calls, $(( (size + days) / calls )) bytes a call"
fi
