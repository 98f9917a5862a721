#!/usr/bin/env bash
# Added time to first chunk through each codec (caravan.bench.CodecTtfcBench): a fake upstream per wire
# format streams 50 events; the client's time to its first event is measured straight from the upstream
# and through the packaged gateway (its own JVM). Prints a Markdown table.
#
#   bench/codec-ttfc.sh                    # -Dwarmup=60 (seconds, 16 streams at a time) -Druns=300
#   JAVA_OPTS="-Dwarmup=30 -Druns=200 -Dformats=anthropic,openai" bench/codec-ttfc.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
[[ -f target/caravan.jar ]] || mvn -B -q package -DskipTests
mvn -B -q test-compile dependency:build-classpath -Dmdep.outputFile=target/test.classpath -Dmdep.includeScope=test
exec java ${JAVA_OPTS:-} -cp "target/test-classes:target/classes:$(cat target/test.classpath)" caravan.bench.CodecTtfcBench 2>/dev/null
