#!/usr/bin/env bash
# Installs what the dashboard's browser test needs: Debian's Chromium and the playwright-core npm package
# that drives it. Idempotent, and quick when both are already there. Playwright's own browser download is
# skipped: the test drives /usr/bin/chromium.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BROWSER_TEST_DIR="$ROOT/src/test/browser"

fail() {
    echo "install-browser.sh: $*" >&2
    exit 1
}

if [ ! -x /usr/bin/chromium ]; then
    if [ "$(id -u)" -ne 0 ]; then
        fail "/usr/bin/chromium is missing and this is not root: install it with 'sudo apt-get install -y --no-install-recommends chromium'"
    fi
    command -v apt-get >/dev/null 2>&1 || fail "/usr/bin/chromium is missing and there is no apt-get to install it"
    echo "install-browser.sh: installing Debian's chromium"
    export DEBIAN_FRONTEND=noninteractive
    apt-get -o DPkg::Lock::Timeout=600 update -q || fail "apt-get update failed"
    apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends chromium || fail "apt-get install chromium failed"
    [ -x /usr/bin/chromium ] || fail "chromium was installed but /usr/bin/chromium is still missing"
fi

if [ ! -f "$BROWSER_TEST_DIR/node_modules/playwright-core/package.json" ]; then
    command -v npm >/dev/null 2>&1 || fail "npm is missing: install Node.js 20 or newer (Debian: apt-get install -y nodejs npm)"
    echo "install-browser.sh: installing playwright-core in $BROWSER_TEST_DIR"
    (cd "$BROWSER_TEST_DIR" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund) \
        || fail "npm ci in $BROWSER_TEST_DIR failed"
fi

echo "install-browser.sh: chromium and playwright-core are ready"
