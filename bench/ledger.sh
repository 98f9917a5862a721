#!/usr/bin/env bash
# What the usage ledger costs (README "Accounting and the ledger"): the shared harness measures Caravans
# against the same fake upstream in one run: "ledger-off" (GATEWAY_LEDGER=off), "ledger" (the default:
# one record per call, journalled, and on the embedded H2 a block per segment appended to a day file) and
# "ledger-slow" (the same, every store write made 200 ms slower, as a slow database would be: request latency must not move).
# Each gateway starts the harness's way (GATEWAY_CMD), with a data folder of its own.
#
#   bench/ledger.sh                      # scenario fast
#   SCENARIOS="fast slow" bench/ledger.sh
#   ORDER="ledger ledger-off" bench/ledger.sh
#   ORDER="ledger-off ledger ledger-off ledger" bench/ledger.sh   # each row in two positions
set -euo pipefail
source "$(dirname "$0")/harness.sh"

export TARGETS=${TARGETS:-direct nginx portkey}
export SCENARIOS=${SCENARIOS:-fast}
declare -A extra=([ledger-off]="GATEWAY_LEDGER=off" [ledger]="" [ledger-slow]="GATEWAY_LEDGER_WRITE_DELAY_MS=200")
# a row may be named twice (ORDER="ledger-off ledger ledger-off ledger"): the harness's throughput moves with a
# target's position in the run, so an A/B is read from both positions; each gateway has its own port
i=1
declare -A seen=()
for row in ${ORDER:-ledger-off ledger ledger-slow}; do
  [[ -v "extra[$row]" ]] || { echo "ledger.sh: unknown row '$row' in ORDER" >&2; exit 1; }
  seen[$row]=$(( ${seen[$row]:-0} + 1 ))
  name=caravan-$row; (( seen[$row] == 1 )) || name+="-${seen[$row]}"
  caravan_row "$i" "$name" "$root/target/caravan.jar" "${extra[$row]}"
  i=$(( i + 1 ))
done
"$harness/run.sh"
