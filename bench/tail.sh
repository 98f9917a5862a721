#!/usr/bin/env bash
# The tail-latency runs of README "Benchmarks" (issue: nginx-class p99), each one run of the shared harness
# with direct, nginx and Portkey beside Caravan:
#   1. fast at one connection (CONNECTIONS=1 THREADS=1): what one caller waiting on each answer adds;
#   2. slow: 256 connections on a 50 ms upstream, closest to real model traffic;
#   3. stream at 1 024 connections (STREAM_CONNECTIONS): every frame checked by the harness.
#
#   bench/tail.sh                 # all three
#   RUNS="one stream" bench/tail.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
for run in ${RUNS:-one slow stream}; do
  case $run in
    one) SCENARIOS=fast CONNECTIONS=1 THREADS=1 "$here/run.sh" ;;
    slow) SCENARIOS=slow "$here/run.sh" ;;
    stream) SCENARIOS=stream STREAM_CONNECTIONS=${STREAM_CONNECTIONS:-1024} "$here/run.sh" ;;
    *) echo "tail.sh: runs are one, slow and stream, not '$run'" >&2; exit 2 ;;
  esac
done
