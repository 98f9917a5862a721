# Sourced by the bench scripts: the shared harness (../shared/bench, or SHARED_BENCH) copied to
# bench/.harness (gitignored), keeping what it installed (Portkey) and measured there, and the jar built.
here=$(cd "$(dirname "${BASH_SOURCE[1]}")" && pwd)
root=$(dirname "$here")
shared=${SHARED_BENCH:-$root/../shared/bench}
harness=$here/.harness

[[ -x $shared/run.sh ]] || { echo "bench: no harness at $shared (set SHARED_BENCH)" >&2; exit 1; }
[[ -f $root/target/caravan.jar ]] || (cd "$root" && mvn -B -q package -DskipTests)
mkdir -p "$harness"
(cd "$shared" && tar cf - --exclude=./results --exclude=./.run --exclude=./portkey/node_modules .) | (cd "$harness" && tar xf -)
# the gateway's JVM options (default: those of the README's run command; the class-data archive that
# `mvn package` builds fits target/caravan.jar only: for any other jar the JVM warns once and runs without it)
java_opts=${CARAVAN_JAVA_OPTS--XX:SharedArchiveFile=$root/target/caravan.jsa -XX:+UseParallelGC -Xmx200m}
# the JIT needs ~30 s of load on 2 cores before the hot path is compiled (README: "Benchmarks")
export WARMUP=${WARMUP:-40}

# One Caravan row of a side-by-side run: exports the harness's GATEWAY<n>_URL, _NAME and _CMD (row 1 is
# GATEWAY_*, row 2 GATEWAY2_*, ...), the jar started the harness's way on port 18090+row with a data folder
# of its own and the given environment ("VAR=value VAR2=value").
caravan_row() { # row, name, jar, environment
  local suffix="" port=$(( 18090 + $1 )) data
  (( $1 == 1 )) || suffix=$1
  data=$(mktemp -d)
  export "GATEWAY${suffix}_URL=http://127.0.0.1:$port" "GATEWAY${suffix}_NAME=$2"
  export "GATEWAY${suffix}_CMD=cd '$root' && GATEWAY_PORT=$port GATEWAY_DATA_DIR='$data' OPENAI_BASE_URL=\$BENCH_UPSTREAM_URL OPENAI_API_KEY=sk-bench $4 exec java $java_opts -jar '$3'"
}
