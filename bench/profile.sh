#!/usr/bin/env bash
# Profiles the gateway under load with Java Flight Recorder: starts the bench's fake upstream and the
# jar, drives it with wrk, and prints where CPU time goes (top frames by self time and by
# inclusive time in Caravan and Camel code). The recording stays in target/profile.jfr for JDK Mission Control.
#
#   bench/profile.sh                 # non-streamed, 64 connections, 20 s after a 10 s warm-up
#   BENCH_STREAM=1 bench/profile.sh  # streamed
#   PROFILE_KEY='{"tenant":"t","rpm":1000000000,"budget_usd":1000000}' bench/profile.sh   # through a virtual key
#   PROFILE_ENV='REDIS_URL=redis://127.0.0.1:6379' PROFILE_KEY=... bench/profile.sh        # with limits in Redis
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
harness=$here/.harness
upstream_port=${UPSTREAM_PORT:-18081}
port=${CARAVAN_BENCH_PORT:-18090}
connections=${CONNECTIONS:-64}
duration=${DURATION:-20}
jfr=$root/target/profile.jfr

[[ -f $harness/fake-upstream.mjs ]] || { echo "profile: run bench/run.sh once first (it installs the harness)" >&2; exit 1; }
[[ -f $root/target/caravan.jar ]] || (cd "$root" && mvn -B -q package -DskipTests)

pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done' EXIT
node "$harness/fake-upstream.mjs" --port="$upstream_port" --chunks=20 --chunk-delay-ms=5 >/dev/null 2>&1 &
pids+=($!)
master=sk-profile-master
data=$(mktemp -d)
(cd "$root" && exec env ${PROFILE_ENV-} GATEWAY_PORT=$port GATEWAY_DATA_DIR="$data" \
  ${PROFILE_KEY:+GATEWAY_MASTER_KEY=$master GATEWAY_HOST=127.0.0.1} \
  OPENAI_BASE_URL=http://127.0.0.1:$upstream_port/v1 OPENAI_API_KEY=sk-profile \
  java ${CARAVAN_JAVA_OPTS-} -jar target/caravan.jar) >/dev/null 2>&1 &
gateway=$!
pids+=($gateway)
until curl -s -o /dev/null "http://127.0.0.1:$port/readyz"; do sleep 0.2; done
if [[ -n ${PROFILE_KEY-} ]]; then
  BENCH_AUTH=$(curl -fs "http://127.0.0.1:$port/admin/keys" -H "Authorization: Bearer $master" \
    -H 'Content-Type: application/json' -d "$PROFILE_KEY" | sed -E 's/.*"key":"([^"]+)".*/\1/')
  export BENCH_AUTH
fi

url=http://127.0.0.1:$port/v1/chat/completions
wrk -t2 -c"$connections" -d10s -s "$harness/post.lua" "$url" >/dev/null
jcmd "$gateway" JFR.start name=caravan settings=profile filename="$jfr" >/dev/null
wrk -t2 -c"$connections" -d"${duration}s" -s "$harness/post.lua" "$url" | grep -E "Requests/sec|Latency"
jcmd "$gateway" JFR.stop name=caravan >/dev/null

jfr print --events jdk.ExecutionSample --stack-depth 64 "$jfr" | python3 "$here/top-frames.py"
