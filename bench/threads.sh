#!/usr/bin/env bash
# CPU per call of each of the gateway's threads (grouped by name, from /proc/<pid>/task: user + system time),
# for one jar under the `fast` load: where a step's cost lands when it runs off the event loops (the ledger's
# writer, the store, the collector). The shared harness's node fake upstream answers; wrk drives CONNECTIONS
# (16) for WARMUP (30 s), then DURATION (20 s) measured. Environment after the jar goes to the gateway.
#
#   bench/threads.sh                                   # target/caravan.jar, ledger on as by default
#   bench/threads.sh target/caravan.jar GATEWAY_LEDGER=off
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
shared=${SHARED_BENCH:-$root/../shared/bench}
jar=${1:-$root/target/caravan.jar}
shift || true
port=${CARAVAN_BENCH_PORT:-18090}
upstream_port=${UPSTREAM_PORT:-18081}
java_opts=${CARAVAN_JAVA_OPTS--XX:SharedArchiveFile=$root/target/caravan.jsa -XX:+UseParallelGC -Xmx200m}
[[ -f $jar ]] || (cd "$root" && mvn -B -q package -DskipTests)
command -v wrk >/dev/null || { echo "threads: needs wrk (apt-get install wrk)" >&2; exit 1; }

data=$(mktemp -d)
node "$shared/fake-upstream.mjs" --port="$upstream_port" >/dev/null 2>&1 &
upstream=$!
env GATEWAY_PORT=$port GATEWAY_DATA_DIR="$data" OPENAI_BASE_URL="http://127.0.0.1:$upstream_port/v1" OPENAI_API_KEY=sk-bench \
  "$@" java $java_opts -jar "$jar" >"$data/gateway.log" 2>&1 &
gateway=$!
trap 'kill $gateway $upstream 2>/dev/null; wait $gateway 2>/dev/null; rm -rf "$data"' EXIT
until curl -sf -o /dev/null "http://127.0.0.1:$port/healthz"; do
  kill -0 "$gateway" 2>/dev/null || { echo "threads: the gateway exited (port $port in use?); see its log" >&2; cat "$data/gateway.log" >&2; exit 1; }
  sleep 0.1
done

load() { wrk -t"$(( ${CONNECTIONS:-16} < 2 ? 1 : 2 ))" -c"${CONNECTIONS:-16}" -d"$1s" -s "$shared/post.lua" "http://127.0.0.1:$port/v1/chat/completions"; }
# ticks of each thread name (numbers folded: vert.x-eventloop-thread-0 and -1 are one line)
ticks() {
  for task in /proc/$gateway/task/*; do
    printf '%s %s\n' "$(tr ' ' '_' <"$task/comm" | sed -E 's/[0-9]+/N/g')" "$(awk '{ print $14 + $15 }' "$task/stat")"
  done | awk '{ t[$1] += $2 } END { for (n in t) print n, t[n] }' | sort
}
load "${WARMUP:-30}" >/dev/null
ticks >"$data/before"
out=$(load "${DURATION:-20}")
ticks >"$data/after"
calls=$(grep -oE '^ +[0-9]+ requests' <<<"$out" | grep -oE '[0-9]+')
hz=$(getconf CLK_TCK)
echo "$calls calls, $(grep -oE 'Requests/sec: +[0-9.]+' <<<"$out" | grep -oE '[0-9.]+$') a second, ${CONNECTIONS:-16} connections"
join "$data/before" "$data/after" | awk -v n="$calls" -v hz="$hz" \
  '{ us = ($3 - $2) * 1e6 / hz / n; if (us >= 0.05) printf "%-28s %7.2f us a call\n", $1, us }' | sort -k2 -rn
