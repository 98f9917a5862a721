#!/usr/bin/env bash
# Jars side by side in one run of the shared harness: each row names a jar (and, optionally, environment for
# it), so a change is read against the jar before it in the same run, on the same machine, in more than one
# position (the harness's throughput moves with a target's place in the run by up to a quarter). Each row
# starts the harness's way (GATEWAY_CMD), on a port and with a data folder of its own, with the README's
# JVM options (CARAVAN_JAVA_OPTS to change them).
#
#   cp target/caravan.jar /tmp/before.jar   # then change, and build again
#   ROWS="before=/tmp/before.jar after=target/caravan.jar before2=/tmp/before.jar after2=target/caravan.jar" bench/ab.sh
#   ROWS="off=target/caravan.jar:GATEWAY_LEDGER=off on=target/caravan.jar" TARGETS="direct nginx" bench/ab.sh
#
# A row is name=jar or name=jar:VAR=value,VAR2=value (environment after the first colon, comma-separated).
# TARGETS (default "direct") and SCENARIOS (default "fast") as for the harness.
set -euo pipefail
source "$(dirname "$0")/harness.sh"

[[ -n ${ROWS:-} ]] || { echo "ab.sh: set ROWS=\"name=jar[:ENV=value] ...\"" >&2; exit 1; }
export TARGETS=${TARGETS:-direct}
export SCENARIOS=${SCENARIOS:-fast}
i=1
for row in $ROWS; do
  name=${row%%=*}; rest=${row#*=}; jar=${rest%%:*}; env=""
  [[ $rest == *:* ]] && env=${rest#*:} && env=${env//,/ }
  [[ $jar == /* ]] || jar=$root/$jar
  [[ -f $jar ]] || { echo "ab.sh: no jar at $jar (row $name)" >&2; exit 1; }
  caravan_row "$i" "$name" "$jar" "$env"
  i=$(( i + 1 ))
done
"$harness/run.sh"
