#!/usr/bin/env bash
# The edge checked from outside (README: "Limits and protections"): the packaged jar with the README's
# flags, a master key and the shared harness's fake upstream, under a 1024 open-file limit, driven by
# bench/hostile.mjs: stalled uploads beside ordinary traffic, 1,100 idle sockets, 20,000 fuzzed bad
# requests, 3,000 made-up model names. Prints one line of figures per check, and the gateway's RSS.
#
#   bench/hostile.sh                  # every check
#   bench/hostile.sh fuzz labels      # some of them
set -euo pipefail
source "$(dirname "$0")/harness.sh"
port=${CARAVAN_BENCH_PORT:-18090}
upstream_port=${UPSTREAM_PORT:-18081}
key=sk-hostile-check
log=$harness/hostile-gateway.log

node "$harness/fake-upstream.mjs" --port="$upstream_port" > "$harness/hostile-upstream.log" 2>&1 &
upstream=$!
(ulimit -n 1024; cd "$root" && GATEWAY_PORT=$port GATEWAY_MASTER_KEY=$key OPENAI_BASE_URL=http://127.0.0.1:$upstream_port/v1 \
  OPENAI_API_KEY=sk-bench exec java $java_opts -jar "$root/target/caravan.jar") > "$log" 2>&1 &
gateway=$!
trap 'kill $gateway $upstream 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/readyz" > /dev/null && break; sleep 0.2; done

node "$here/hostile.mjs" "http://127.0.0.1:$port" "$key" "$@"
echo "gateway: RSS $(( $(awk '/VmRSS/ {print $2}' /proc/$gateway/status) / 1024 )) MB, open files limit $(awk '/Max open files/ {print $4}' /proc/$gateway/limits), \
$(grep -c 'OutOfMemoryError' "$log" || true) OutOfMemoryError, $(grep -c '^\s*at ' "$log" || true) stack-trace lines in its log ($log)"
