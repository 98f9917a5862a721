#!/usr/bin/env bash
# What the response cache gives (README "Caching"): `fast` through a gateway without a cache (the proxied
# row), through one with GATEWAY_CACHE=exact in memory, and through one whose exact entries live in Redis,
# in one run of the shared harness beside direct, nginx and Portkey. The harness repeats one request, so
# after the first call every call of the cached rows is an exact hit: those rows measure a hit, the first
# the proxied call it replaces. Target: the in-memory hit at 64 connections at least 2x the proxied
# row's req/s, p99 under 2 ms.
#
# Then the semantic lookup (no harness): the embedding of a question by the model in process and the HNSW
# search of an index holding 100 000 entries, timed one at a time (target: p50 under 10 ms), and what the
# index holds in the heap and in its memory-mapped files.
#
#   bench/cache.sh                       # scenario fast, then the semantic lookup
#   BENCH_REDIS_URL=redis://127.0.0.1:6379 bench/cache.sh
#   SEMANTIC_ONLY=1 ENTRIES=100000 bench/cache.sh
set -euo pipefail
source "$(dirname "$0")/harness.sh"
upstream_port=${UPSTREAM_PORT:-18081}
redis_url=${BENCH_REDIS_URL:-redis://127.0.0.1:6379}
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true' EXIT

start_gateway() { # port, extra environment...
    local port=$1; shift
    local data; data=$(mktemp -d)
    env "$@" GATEWAY_PORT="$port" GATEWAY_HOST=127.0.0.1 GATEWAY_DATA_DIR="$data" \
        OPENAI_BASE_URL="http://127.0.0.1:$upstream_port/v1" OPENAI_API_KEY=sk-bench \
        java $java_opts -jar "$root/target/caravan.jar" > "$data/gateway.log" 2>&1 &
    pids+=($!)
    for _ in $(seq 1 120); do
        curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && return 0
        sleep 0.5
    done
    echo "cache.sh: the gateway on port $port did not start; see $data/gateway.log" >&2
    exit 1
}

semantic_lookup() {
    (cd "$root" && mvn -B -q test-compile -DskipTests)
    java $java_opts -DENTRIES="${ENTRIES:-100000}" -DLOOKUPS="${LOOKUPS:-1000}" \
        -cp "$root/target/caravan.jar:$root/target/test-classes" caravan.bench.SemanticLookupBench
}
if [[ ${SEMANTIC_ONLY:-0} == 1 ]]; then
    semantic_lookup
    exit 0
fi

start_gateway 18090
start_gateway 18091 GATEWAY_CACHE=exact
start_gateway 18092 GATEWAY_CACHE=exact REDIS_URL="$redis_url"
export GATEWAY_URL=http://127.0.0.1:18090 GATEWAY_NAME=caravan-proxied
export GATEWAY2_URL=http://127.0.0.1:18091 GATEWAY2_NAME=caravan-exact-hit
export GATEWAY3_URL=http://127.0.0.1:18092 GATEWAY3_NAME=caravan-exact-hit-redis
export SCENARIOS=${SCENARIOS:-fast}
"$harness/run.sh"
kill "${pids[@]}" 2>/dev/null || true
semantic_lookup
