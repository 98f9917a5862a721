#!/usr/bin/env bash
# What telemetry costs: the shared harness measures Caravans against the same fake upstream: "bare" (no
# call metrics, no tracing), "metrics" (the default: Prometheus metrics and the dashboard's figures),
# "traced" (metrics plus one OpenTelemetry trace per request, exported over OTLP to a sink that drops
# them, bench/otlp-sink.mjs) and "sampled" (the same, 10% of traces sampled by the standard
# OTEL_TRACES_SAMPLER). Rows in one run share the two cores with each other's idle JVMs; for figures
# to compare, measure one row per run (ORDER=bare, ORDER=traced, ...).
#
#   bench/telemetry.sh                          # scenario fast
#   SCENARIOS="fast slow" bench/telemetry.sh
#   ORDER="traced metrics bare" bench/telemetry.sh
#   for row in bare metrics traced sampled; do ORDER=$row bench/telemetry.sh; done
set -euo pipefail
source "$(dirname "$0")/harness.sh"
sink_port=${OTLP_SINK_PORT:-14318}

node "$here/otlp-sink.mjs" "$sink_port" >"$harness/otlp-sink.log" 2>&1 &
sink=$!
trap 'kill $sink 2>/dev/null || true' EXIT

caravan() { # port, extra environment
  echo "cd '$root' && GATEWAY_PORT=$1 OPENAI_BASE_URL=\$BENCH_UPSTREAM_URL OPENAI_API_KEY=sk-bench $2 exec java $java_opts -jar '$root/target/caravan.jar'"
}
export TARGETS=${TARGETS:-direct}
export SCENARIOS=${SCENARIOS:-fast}
# ORDER: the rows in measuring order; the JIT keeps improving, so a second run in reverse shows the noise
otlp="OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:$sink_port"
declare -A extra=([bare]="GATEWAY_METRICS=false" [metrics]="" [traced]="$otlp"
                  [sampled]="$otlp OTEL_TRACES_SAMPLER=parentbased_traceidratio OTEL_TRACES_SAMPLER_ARG=0.1")
declare -A port=([bare]=18091 [metrics]=18092 [traced]=18093 [sampled]=18095)
n=""
for row in ${ORDER:-bare metrics traced}; do
  export "GATEWAY${n}_URL=http://127.0.0.1:${port[$row]}" "GATEWAY${n}_NAME=caravan-$row"
  export "GATEWAY${n}_CMD=$(caravan "${port[$row]}" "${extra[$row]}")"
  n=$(( ${n:-1} + 1 ))
done
"$harness/run.sh"
