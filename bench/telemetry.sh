#!/usr/bin/env bash
# What telemetry costs: the shared harness measures three Caravans side by side against the same fake
# upstream: "bare" (no call metrics, no tracing), "metrics" (the default: Prometheus metrics and the
# dashboard's figures) and "traced" (metrics plus one OpenTelemetry trace per request, exported over
# OTLP to a sink that drops them, bench/otlp-sink.mjs).
#
#   bench/telemetry.sh                          # scenario fast
#   SCENARIOS="fast slow" bench/telemetry.sh
#   ORDER="traced metrics bare" bench/telemetry.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
shared=${SHARED_BENCH:-$root/../shared/bench}
harness=$here/.harness
sink_port=${OTLP_SINK_PORT:-14318}

[[ -x $shared/run.sh ]] || { echo "bench: no harness at $shared (set SHARED_BENCH)" >&2; exit 1; }
[[ -f $root/target/caravan.jar ]] || (cd "$root" && mvn -B -q package -DskipTests)
mkdir -p "$harness"
(cd "$shared" && tar cf - --exclude=./results --exclude=./.run --exclude=./portkey/node_modules .) | (cd "$harness" && tar xf -)

node "$here/otlp-sink.mjs" "$sink_port" >"$harness/otlp-sink.log" 2>&1 &
sink=$!
trap 'kill $sink 2>/dev/null || true' EXIT

java_opts=${CARAVAN_JAVA_OPTS--XX:+UseSerialGC -Xmx256m}
caravan() { # port, extra environment
  echo "cd '$root' && GATEWAY_PORT=$1 OPENAI_BASE_URL=\$BENCH_UPSTREAM_URL OPENAI_API_KEY=sk-bench $2 exec java $java_opts -jar '$root/target/caravan.jar'"
}
export TARGETS=${TARGETS:-direct}
export SCENARIOS=${SCENARIOS:-fast}
export WARMUP=${WARMUP:-40}
# ORDER: the rows in measuring order; the JIT keeps improving, so a second run in reverse shows the noise
declare -A extra=([bare]="GATEWAY_METRICS=false" [metrics]="" [traced]="OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:$sink_port")
declare -A port=([bare]=18091 [metrics]=18092 [traced]=18093)
n=""
for row in ${ORDER:-bare metrics traced}; do
  export "GATEWAY${n}_URL=http://127.0.0.1:${port[$row]}" "GATEWAY${n}_NAME=caravan-$row"
  export "GATEWAY${n}_CMD=$(caravan "${port[$row]}" "${extra[$row]}")"
  n=$(( ${n:-1} + 1 ))
done
"$harness/run.sh"
