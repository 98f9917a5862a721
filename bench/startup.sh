#!/usr/bin/env bash
# Time from `java -jar` to the first answered chat completion (the echo provider answers: no upstream),
# RUNS times, with the README's JVM options (CARAVAN_JAVA_OPTS overrides them). Prints each run and the median.
#
#   bench/startup.sh            # 5 runs
#   RUNS=10 bench/startup.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
port=${CARAVAN_BENCH_PORT:-18090}
runs=${RUNS:-5}
java_opts=${CARAVAN_JAVA_OPTS--XX:SharedArchiveFile=$root/target/caravan.jsa -XX:+UseParallelGC -Xmx200m}
[[ -f $root/target/caravan.jar ]] || (cd "$root" && mvn -B -q package -DskipTests)

request='{"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}'
times=()
for ((run = 1; run <= runs; run++)); do
  started=$(date +%s%N)
  # no provider key: the echo provider stands in, so nothing but the gateway is measured
  (cd "$root" && exec env -u OPENAI_API_KEY GATEWAY_PORT=$port java $java_opts -jar target/caravan.jar) >/dev/null 2>&1 &
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
