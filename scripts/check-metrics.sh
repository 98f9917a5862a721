#!/usr/bin/env bash
# Lints a Prometheus /metrics endpoint with `promtool check metrics`.
#
#   scripts/check-metrics.sh <url> [bearer-key]
#
# Installs promtool first when it is missing (scripts/install-promtool.sh, needs root). Fails on ANY
# line promtool prints, not only on its exit code: depending on the version, promtool exits 0 or 3 for
# lint findings and 1 for a parse error, and it exits 0 on an empty input, which this script also
# rejects. Exit codes: 0 clean, 1 promtool found problems, 2 usage/scrape/install failure.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

fail() {
    echo "check-metrics.sh: $*" >&2
    exit 2
}

[ $# -ge 1 ] && [ $# -le 2 ] || { echo "usage: $0 <url> [bearer-key]" >&2; exit 2; }
url="$1"
key="${2:-}"

if ! command -v promtool >/dev/null 2>&1; then
    log="$(mktemp)"
    if ! QUIET=1 bash "$ROOT/scripts/install-promtool.sh" >"$log" 2>&1; then
        cat "$log" >&2
        rm -f "$log"
        fail "promtool is missing and scripts/install-promtool.sh could not install it"
    fi
    rm -f "$log"
    command -v promtool >/dev/null 2>&1 || fail "promtool is still not on PATH after install-promtool.sh"
fi

body="$(mktemp)"
findings="$(mktemp)"
trap 'rm -f "$body" "$findings"' EXIT

# Ask for the classic text format (0.0.4): promtool's linter parses only that; an OpenMetrics answer
# (what a Prometheus server negotiates) fails it on OpenMetrics' escaped quotes in HELP lines.
curl_args=(-sS --fail --max-time 30 -H 'Accept: text/plain;version=0.0.4;q=1,*/*;q=0.1' -o "$body")
if [ -n "$key" ]; then
    curl_args+=(-H "Authorization: Bearer $key")
fi
curl "${curl_args[@]}" "$url" || fail "could not scrape $url"
[ -s "$body" ] || fail "$url answered an empty body (promtool would call that clean)"

set +e
promtool check metrics <"$body" >"$findings" 2>&1
rc=$?
set -e

families="$(grep -c '^# TYPE ' "$body" || true)"
problems="$(grep -c . "$findings" || true)"
if [ "$problems" -gt 0 ] || [ "$rc" -ne 0 ]; then
    cat "$findings"
    [ "$problems" -gt 0 ] || echo "promtool exited $rc without saying why"
    echo "check-metrics.sh: FAIL: promtool reported ${problems} problem line(s) (exit $rc) on $url ($families metric families)" >&2
    exit 1
fi
echo "check-metrics.sh: OK: promtool found no problems in $url ($families metric families)"
