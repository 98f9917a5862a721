#!/usr/bin/env bash
# What the usage ledger costs (README "Accounting and the ledger"): the shared harness measures Caravans
# against the same fake upstream in one run: "ledger-off" (GATEWAY_LEDGER=off), "ledger" (the default:
# one record per call, journalled and written to the embedded H2 a block per segment) and "ledger-slow" (the same,
# every store write made 200 ms slower, as a slow database would be: request latency must not move).
# Each gateway starts the harness's way (GATEWAY_CMD), with a data folder of its own.
#
#   bench/ledger.sh                      # scenario fast
#   SCENARIOS="fast slow" bench/ledger.sh
#   ORDER="ledger ledger-off" bench/ledger.sh
set -euo pipefail
source "$(dirname "$0")/harness.sh"

caravan() { # port, extra environment
  local data; data=$(mktemp -d)
  echo "cd '$root' && GATEWAY_PORT=$1 GATEWAY_DATA_DIR='$data' OPENAI_BASE_URL=\$BENCH_UPSTREAM_URL OPENAI_API_KEY=sk-bench $2 exec java $java_opts -jar '$root/target/caravan.jar'"
}
export TARGETS=${TARGETS:-direct nginx portkey}
export SCENARIOS=${SCENARIOS:-fast}
declare -A extra=([ledger-off]="GATEWAY_LEDGER=off" [ledger]="" [ledger-slow]="GATEWAY_LEDGER_WRITE_DELAY_MS=200")
declare -A port=([ledger-off]=18091 [ledger]=18092 [ledger-slow]=18093)
n=""
for row in ${ORDER:-ledger-off ledger ledger-slow}; do
  export "GATEWAY${n}_URL=http://127.0.0.1:${port[$row]}" "GATEWAY${n}_NAME=caravan-$row"
  export "GATEWAY${n}_CMD=$(caravan "${port[$row]}" "${extra[$row]}")"
  n=$(( ${n:-1} + 1 ))
done
"$harness/run.sh"
