#!/usr/bin/env bash
# Measures Caravan side by side with going direct, nginx and Portkey's gateway, in one run of the
# shared harness (../shared/bench). The harness is copied to bench/.harness (gitignored) so its
# installs and results stay out of shared/; it starts the jar itself (GATEWAY_CMD) and stops it.
#
#   bench/run.sh                                   # scenarios fast and slow
#   SCENARIOS="fast slow stream" bench/run.sh      # every scenario
#   SCENARIOS=stream STREAM_CONNECTIONS=512 bench/run.sh
#
# Any setting of the harness (see ../shared/bench/run.sh --help) passes through. CARAVAN_JAVA_OPTS
# sets the gateway's JVM options (default: those of the README's run command).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
shared=${SHARED_BENCH:-$root/../shared/bench}
harness=$here/.harness
port=${CARAVAN_BENCH_PORT:-18090}

[[ -x $shared/run.sh ]] || { echo "bench: no harness at $shared (set SHARED_BENCH)" >&2; exit 1; }
[[ -f $root/target/caravan.jar ]] || (cd "$root" && mvn -B -q package -DskipTests)

mkdir -p "$harness"
# refresh the harness, keeping what it installed (Portkey) and what it measured
(cd "$shared" && tar cf - --exclude=./results --exclude=./.run --exclude=./portkey/node_modules .) | (cd "$harness" && tar xf -)

java_opts=${CARAVAN_JAVA_OPTS--XX:+UseSerialGC -Xmx256m}
export GATEWAY_URL=http://127.0.0.1:$port
export GATEWAY_NAME=${GATEWAY_NAME:-caravan}
export GATEWAY_CMD="cd '$root' && GATEWAY_EVENT_LOOPS=${GATEWAY_EVENT_LOOPS:-0} GATEWAY_PORT=$port OPENAI_BASE_URL=\$BENCH_UPSTREAM_URL OPENAI_API_KEY=sk-bench \
exec java $java_opts -jar '$root/target/caravan.jar'"
# the JIT needs ~30 s of load on 2 cores before the hot path is compiled (README: "Benchmarks")
export WARMUP=${WARMUP:-40}
exec "$harness/run.sh"
