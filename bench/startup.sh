#!/usr/bin/env bash
# Time from `java -jar` to the first answered chat completion, RUNS times, with the README's JVM options
# (CARAVAN_JAVA_OPTS overrides them). Prints each run and the median. By default no provider is configured
# and the echo provider answers (it counts the call's tokens, so the first answer loads the token tables);
# UPSTREAM=1 configures the openai provider at the shared harness's fake upstream instead, as a gateway in
# production meets its first call (the provider reports the usage).
#
#   bench/startup.sh            # 5 runs
#   RUNS=10 bench/startup.sh
#   UPSTREAM=1 bench/startup.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
port=${CARAVAN_BENCH_PORT:-18090}
runs=${RUNS:-5}
java_opts=${CARAVAN_JAVA_OPTS--XX:SharedArchiveFile=$root/target/caravan.jsa -XX:+UseParallelGC -Xmx200m}
[[ -f $root/target/caravan.jar ]] || (cd "$root" && mvn -B -q package -DskipTests)

provider=(-u OPENAI_API_KEY -u OPENAI_BASE_URL)
if [[ ${UPSTREAM:-0} == 1 ]]; then
  upstream_port=${UPSTREAM_PORT:-18081}
  node "${SHARED_BENCH:-$root/../shared/bench}/fake-upstream.mjs" --port="$upstream_port" >/dev/null 2>&1 &
  upstream=$!
  trap 'kill $upstream 2>/dev/null' EXIT
  until curl -s -o /dev/null "http://127.0.0.1:$upstream_port/"; do
    kill -0 "$upstream" 2>/dev/null || { echo "startup: the fake upstream exited (port $upstream_port in use?)" >&2; exit 1; }
    sleep 0.05
  done
  provider=(OPENAI_BASE_URL="http://127.0.0.1:$upstream_port/v1" OPENAI_API_KEY=sk-bench)
fi

request='{"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}'
times=()
for ((run = 1; run <= runs; run++)); do
  started=$(date +%s%N)
  (cd "$root" && exec env "${provider[@]}" GATEWAY_PORT=$port java $java_opts -jar target/caravan.jar) >/dev/null 2>&1 &
  gateway=$!
  until curl -sf -o /dev/null "http://127.0.0.1:$port/v1/chat/completions" \
      -H 'Content-Type: application/json' -d "$request"; do
    kill -0 "$gateway" 2>/dev/null || { echo "startup: the gateway exited (port $port in use?)" >&2; exit 1; }
    sleep 0.01
  done
  answered=$(date +%s%N)
  kill "$gateway"; wait "$gateway" 2>/dev/null || true
  times+=($(( (answered - started) / 1000000 )))
  echo "run $run: ${times[-1]} ms"
done
printf '%s\n' "${times[@]}" | sort -n | awk '{ t[NR] = $1 } END { printf "median: %d ms over %d runs\n", t[int((NR + 1) / 2)], NR }'
