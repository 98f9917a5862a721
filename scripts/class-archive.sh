#!/usr/bin/env bash
# Builds target/caravan.jsa, the class-data archive that the README's run command hands the JVM
# (-XX:SharedArchiveFile=target/caravan.jsa): the classes a start loads (Camel, Vert.x, the routes' own),
# already parsed and verified, mapped from the file instead of read from the jar, which makes the start to
# the first answer about a third shorter (README "Benchmarks"). `mvn package` runs it once the jar is built:
# it starts the jar as the README does (the `java` on PATH, from this folder, so that routes/ is read), with a
# data folder of its own and no provider key, no master key and no services, asks it one chat completion (the
# echo provider answers), then the same through a provider that calls an upstream, whole and streamed (groq,
# pointed at the gateway itself, whose echo answers it: the HTTP client and the codecs' classes are then in
# the archive too, as a gateway in production meets its first call), stops it, and the JVM writes the
# archive as it exits (JDK 13+).
#
# Best effort: whatever fails, it says so and leaves no archive, and the gateway then starts without one (the
# JVM ignores a missing archive without a word, and one made for another jar or JVM after a one-line warning).
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
jar=$root/target/caravan.jar
archive=$root/target/caravan.jsa
rm -f "$archive"
[[ -f $jar ]] || { echo "class-archive: no $jar" >&2; exit 0; }
command -v curl >/dev/null || { echo "class-archive: needs curl to ask the gateway; the jar starts without an archive" >&2; exit 0; }
work=$(mktemp -d)
gateway=
cleanup() {
  [[ -n $gateway ]] && kill -9 "$gateway" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

# a port nothing listens on
for _ in $(seq 50); do
  port=$(( 20000 + RANDOM % 20000 ))
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || break
done
request='{"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}'
(cd "$root" && exec env -u OPENAI_API_KEY -u GATEWAY_MASTER_KEY -u DATABASE_URL -u REDIS_URL -u GATEWAY_GUARDRAILS \
  GATEWAY_PORT="$port" GATEWAY_DATA_DIR="$work/data" GROQ_BASE_URL="http://127.0.0.1:$port/v1" GROQ_API_KEY=gsk-archive \
  java -XX:ArchiveClassesAtExit="$archive" -XX:+UseParallelGC -Xmx200m -jar "$jar") > "$work/gateway.log" 2>&1 &
gateway=$!
answered=
for _ in $(seq 1200); do
  kill -0 "$gateway" 2>/dev/null || break
  if curl -sf -o /dev/null "http://127.0.0.1:$port/v1/chat/completions" -H 'Content-Type: application/json' \
      -d "$request"; then
    answered=yes
    break
  fi
  sleep 0.05
done
if [[ -z $answered ]]; then
  echo "class-archive: the gateway did not answer (log below); the jar starts without an archive" >&2
  tail -n 20 "$work/gateway.log" >&2
  exit 0
fi
for body in '{"model":"groq/openai/gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}' \
    '{"model":"groq/openai/gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"hi"}]}'; do
  # best effort: an archive without these classes is still an archive
  curl -sf --max-time 30 -o /dev/null "http://127.0.0.1:$port/v1/chat/completions" -H 'Content-Type: application/json' -d "$body" \
    || echo "class-archive: the call through an upstream failed; the archive holds the echo's classes only" >&2
done
# a stop as SIGTERM makes it: Camel stops, the JVM exits and writes the archive
kill -TERM "$gateway"
for _ in $(seq 1200); do
  kill -0 "$gateway" 2>/dev/null || break
  sleep 0.05
done
if kill -0 "$gateway" 2>/dev/null || [[ ! -s $archive ]]; then
  echo "class-archive: no archive was written; the jar starts without one" >&2
  rm -f "$archive"
  exit 0
fi
gateway=
echo "class-archive: $archive ($(( $(stat -c %s "$archive") / 1048576 )) MB)"
