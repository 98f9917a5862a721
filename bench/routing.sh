#!/usr/bin/env bash
# What routing costs (README: "Benchmarks"): one Caravan, three rows of the shared harness against the
# same fake upstream, at a light load so latency is not queueing:
#   caravan-single    "model": "openai/gpt-4o-mini"
#   caravan-chain     a route with a three-model fallback chain whose primary (the same model) is healthy
#   caravan-failover  a route whose primary refuses connections (its breaker opens after the first calls)
#                     and whose second target is the same model
#   caravan-single-again   the first row once more
#
#   bench/routing.sh                 # CONNECTIONS=4 by default; any harness setting passes through
set -euo pipefail
source "$(dirname "$0")/harness.sh"
port=${CARAVAN_BENCH_PORT:-18094}

workdir=$(mktemp -d)
trap 'rm -rf "$workdir"' EXIT
cp -r "$root/routes" "$root/kamelets" "$workdir/"
cat >"$workdir/routes/policies/bench.yaml" <<'YAML'
- route:
    id: bench-chain
    group: policies
    from:
      uri: direct:bench-chain
      steps:
        - loadBalance:
            customLoadBalancer:
              ref: fallback
            steps:
              - to: model:openai/gpt-4o-mini
              - to: model:mistral/mistral-small-latest
              - to: model:together/meta-llama/Llama-3.3-70B-Instruct-Turbo
- route:
    id: bench-failover
    group: policies
    from:
      uri: direct:bench-failover
      steps:
        - loadBalance:
            customLoadBalancer:
              ref: fallback
            steps:
              - to: model:groq/refused-model
              - to: model:openai/gpt-4o-mini
YAML

export TARGETS=${TARGETS:-direct}
export SCENARIOS=${SCENARIOS:-fast}
export CONNECTIONS=${CONNECTIONS:-4}
export GATEWAY_URL=http://127.0.0.1:$port GATEWAY_NAME=caravan-single GATEWAY_MODEL=openai/gpt-4o-mini
# port 9 (discard) refuses connections on loopback
export GATEWAY_CMD="cd '$workdir' && GATEWAY_PORT=$port OPENAI_BASE_URL=\$BENCH_UPSTREAM_URL OPENAI_API_KEY=sk-bench \
MISTRAL_API_KEY=sk-bench TOGETHER_API_KEY=sk-bench GROQ_API_KEY=sk-bench GROQ_BASE_URL=http://127.0.0.1:9/v1 \
exec java $java_opts -jar '$root/target/caravan.jar'"
export GATEWAY2_URL=http://127.0.0.1:$port GATEWAY2_NAME=caravan-chain GATEWAY2_MODEL=bench-chain
export GATEWAY3_URL=http://127.0.0.1:$port GATEWAY3_NAME=caravan-failover GATEWAY3_MODEL=bench-failover
# the single-model row again, last: the JIT keeps improving through the run, so the first row alone would flatter the others
export GATEWAY4_URL=http://127.0.0.1:$port GATEWAY4_NAME=caravan-single-again GATEWAY4_MODEL=openai/gpt-4o-mini
"$harness/run.sh"
