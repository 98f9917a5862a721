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
# the gateway's JVM options (default: those of the README's run command)
java_opts=${CARAVAN_JAVA_OPTS--XX:+UseParallelGC -Xmx200m}
# the JIT needs ~30 s of load on 2 cores before the hot path is compiled (README: "Benchmarks")
export WARMUP=${WARMUP:-40}
