#!/usr/bin/env bash
# Streaming time to first chunk (issue 17): the fake upstream streaming 20 chunks 5 ms apart, driven
# directly, through nginx (the harness's proxy config) and through Caravan, with bench/ttfc.mjs at 1 and at
# 8 concurrent streams. Each target is first warmed up at 64 streams for WARMUP seconds (40): at one
# connection a warm-up is too few calls for the JIT to compile the gateway's streaming path.
#
#   bench/ttfc.sh
#   DURATION=30 bench/ttfc.sh
set -euo pipefail
source "$(dirname "$0")/harness.sh"
upstream_port=${UPSTREAM_PORT:-18081}
nginx_port=${NGINX_PORT:-18085}
port=${CARAVAN_BENCH_PORT:-18090}
run=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; [[ -f $run/nginx/nginx.pid ]] && kill "$(cat "$run/nginx/nginx.pid")" 2>/dev/null; rm -rf "$run"' EXIT

node "$harness/fake-upstream.mjs" --port="$upstream_port" --chunks=20 --chunk-delay-ms=5 >"$run/upstream.log" 2>&1 &
pids+=($!)
mkdir -p "$run/nginx/tmp"
sed "s/__WORKERS__/1/; s/__UPSTREAM_PORT__/$upstream_port/; s/__PORT__/$nginx_port/" "$harness/nginx/proxy.conf" >"$run/nginx/nginx.conf"
nginx -p "$run/nginx/" -c nginx.conf &
pids+=($!)
(cd "$root" && exec env -u GATEWAY_LEDGER GATEWAY_PORT=$port GATEWAY_DATA_DIR="$run/data" \
  OPENAI_BASE_URL=http://127.0.0.1:$upstream_port/v1 OPENAI_API_KEY=sk-bench java $java_opts -jar target/caravan.jar) \
  >"$run/caravan.log" 2>&1 &
pids+=($!)
until curl -s -o /dev/null "http://127.0.0.1:$port/readyz"; do sleep 0.2; done

path=/v1/chat/completions
for connections in 1 8; do
  echo "== $connections concurrent streams (warm-up ${WARMUP}s at 64, then ${DURATION:-15}s measured)"
  CONNECTIONS=$connections WARMUP_CONNECTIONS=64 DURATION=${DURATION:-15} node "$here/ttfc.mjs" \
    "http://127.0.0.1:$upstream_port$path" "http://127.0.0.1:$nginx_port$path" "http://127.0.0.1:$port$path"
done
