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
source "$(dirname "$0")/harness.sh"
port=${CARAVAN_BENCH_PORT:-18090}
export GATEWAY_URL=http://127.0.0.1:$port
export GATEWAY_NAME=${GATEWAY_NAME:-caravan}
export GATEWAY_CMD="cd '$root' && GATEWAY_EVENT_LOOPS=${GATEWAY_EVENT_LOOPS:-0} GATEWAY_PORT=$port OPENAI_BASE_URL=\$BENCH_UPSTREAM_URL OPENAI_API_KEY=sk-bench \
exec java $java_opts -jar '$root/target/caravan.jar'"
exec "$harness/run.sh"
