#!/usr/bin/env bash
# What a virtual key costs (README "Benchmarks"): `fast` through the master key, through a virtual key
# with an RPM and TPM limit and a budget that never trip (limits in memory), and through a second
# gateway whose limits and budget reservations live in Redis, in one run of the shared harness beside
# direct, nginx and Portkey.
#
#   bench/keys.sh                       # scenario fast
#   SCENARIOS="fast slow" bench/keys.sh
#   BENCH_REDIS_URL=redis://127.0.0.1:6379 bench/keys.sh
set -euo pipefail
source "$(dirname "$0")/harness.sh"
upstream_port=${UPSTREAM_PORT:-18081}
redis_url=${BENCH_REDIS_URL:-redis://127.0.0.1:6379}
master=sk-bench-master-$RANDOM$RANDOM
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true' EXIT

start_gateway() { # port, extra environment...
    local port=$1; shift
    local data; data=$(mktemp -d)
    env "$@" GATEWAY_PORT="$port" GATEWAY_MASTER_KEY="$master" GATEWAY_HOST=127.0.0.1 GATEWAY_DATA_DIR="$data" \
        OPENAI_BASE_URL="http://127.0.0.1:$upstream_port/v1" OPENAI_API_KEY=sk-bench \
        java $java_opts -jar "$root/target/caravan.jar" > "$data/gateway.log" 2>&1 &
    pids+=($!)
    for _ in $(seq 1 120); do
        curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && return 0
        sleep 0.5
    done
    echo "keys.sh: the gateway on port $port did not start; see $data/gateway.log" >&2
    exit 1
}

# limits and a budget far above what the bench can reach: every call is checked, none is refused
new_key() { # port
    curl -fs "http://127.0.0.1:$1/admin/keys" -H "Authorization: Bearer $master" -H 'Content-Type: application/json' \
        -d '{"name":"bench","tenant":"bench","rpm":1000000000,"tpm":10000000000,"budget_usd":1000000,"budget_period":"total"}' \
        | sed -E 's/.*"key":"([^"]+)".*/\1/'
}

start_gateway 18090
start_gateway 18091 REDIS_URL="$redis_url"
export GATEWAY_URL=http://127.0.0.1:18090 GATEWAY_NAME=caravan-master GATEWAY_AUTH=$master
export GATEWAY2_URL=http://127.0.0.1:18090 GATEWAY2_NAME=caravan-key GATEWAY2_AUTH=$(new_key 18090)
export GATEWAY3_URL=http://127.0.0.1:18091 GATEWAY3_NAME=caravan-key-redis GATEWAY3_AUTH=$(new_key 18091)
export SCENARIOS=${SCENARIOS:-fast}
"$harness/run.sh"
