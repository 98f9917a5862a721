#!/usr/bin/env bash
# What the default guardrail set costs (README "Guardrails"): `fast` at 16 connections with a prompt of about
# 2,000 tokens (8 KB of support-desk prose, nothing in it to redact or block), through one gateway with
# GATEWAY_GUARDRAILS=pii:redact,secrets:block,injection:block and one without, in one run of the shared
# harness beside direct and nginx. The difference of the two Caravan rows is the guardrails' added latency
# (p50, p99) and throughput.
#
#   bench/guardrails.sh                                  # fast, 16 connections
#   CONNECTIONS=64 bench/guardrails.sh                   # fast at the harness's usual 64
#   GUARDRAILS=pii:redact bench/guardrails.sh            # another set
set -euo pipefail
source "$(dirname "$0")/harness.sh"
upstream_port=${UPSTREAM_PORT:-18081}
guardrails=${GUARDRAILS:-pii:redact,secrets:block,injection:block}
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
    echo "guardrails.sh: the gateway on port $port did not start; see $data/gateway.log" >&2
    exit 1
}

# (any answer says which guardrails ran, even before the harness starts its fake upstream)
# the harness's request with its user turn grown to ~2,000 tokens: what the pre-stage guardrails read
python3 - "$harness/request.json" <<'PY'
import json, sys
path = sys.argv[1]
request = json.load(open(path))
paragraph = ("I ordered two paperbacks last Tuesday and the tracking page still says the parcel is being prepared. "
             "Could you check whether the warehouse has shipped it, and if not, whether I can change the delivery "
             "address to my office? The second book was a gift, so I would also like to know if you can wrap it. ")
user = next(m for m in request["messages"] if m["role"] == "user")
user["content"] = (paragraph * 28).strip()
json.dump(request, open(path, "w"), indent=2)
PY

start_gateway 18090
start_gateway 18091 GATEWAY_GUARDRAILS="$guardrails"
curl -s http://127.0.0.1:18091/v1/chat/completions -H 'Content-Type: application/json' -d @"$harness/request.json" \
    -D - -o /dev/null | grep -i '^x-caravan-guardrails' >&2 || { echo "guardrails.sh: no guardrail ran" >&2; exit 1; }
export GATEWAY_URL=http://127.0.0.1:18090 GATEWAY_NAME=caravan-no-guardrails
export GATEWAY2_URL=http://127.0.0.1:18091 GATEWAY2_NAME=caravan-guardrails
export TARGETS=${TARGETS:-direct nginx}
export SCENARIOS=${SCENARIOS:-fast} CONNECTIONS=${CONNECTIONS:-16}
"$harness/run.sh"
