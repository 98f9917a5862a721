#!/usr/bin/env bash
# Installs promtool (Debian's `prometheus` package) when it is not on PATH, then prints
# `promtool --version`. Idempotent and quick once done. Never leaves a Prometheus server listening
# on :9090 behind: Debian's postinst would start one through the init system, so a policy-rc.d
# denies service starts during the install, and any prometheus server found afterwards is stopped.
# QUIET=1 silences everything but errors. Needs root only when promtool is missing.
set -euo pipefail

log() { [ -n "${QUIET:-}" ] || echo "install-promtool: $*" >&2; }

port_9090_busy() {
  command -v ss >/dev/null 2>&1 && ss -ltnp 2>/dev/null | grep -q ':9090\b'
}

stop_prometheus_server() {
  # The package's init script/service first, then any stray server process.
  if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
    systemctl stop prometheus >/dev/null 2>&1 || true
    systemctl disable prometheus >/dev/null 2>&1 || true
  fi
  if [ -x /etc/init.d/prometheus ]; then
    /etc/init.d/prometheus stop >/dev/null 2>&1 || true
  fi
  if pgrep -x prometheus >/dev/null 2>&1; then
    pkill -x prometheus || true
    for _ in 1 2 3 4 5 6 7 8 9 10; do
      pgrep -x prometheus >/dev/null 2>&1 || break
      sleep 0.5
    done
  fi
  if port_9090_busy && ss -ltnp 2>/dev/null | grep ':9090\b' | grep -q '"prometheus"'; then
    echo "install-promtool: a prometheus server still listens on :9090" >&2
    ss -ltnp | grep ':9090\b' >&2
    exit 1
  fi
}

if ! command -v promtool >/dev/null 2>&1; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "install-promtool: promtool is missing and installing it needs root" \
         "(apt-get install prometheus); re-run as root or with sudo" >&2
    exit 1
  fi
  log "promtool not found; installing Debian's prometheus package"
  export DEBIAN_FRONTEND=noninteractive
  # policy-rc.d exit 101 tells invoke-rc.d not to start services during install.
  policy=/usr/sbin/policy-rc.d
  created_policy=
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' > "$policy"
    chmod +x "$policy"
    created_policy=1
  fi
  trap 'if [ -n "$created_policy" ]; then rm -f "$policy"; fi' EXIT
  if [ -n "${QUIET:-}" ]; then
    apt-get -o DPkg::Lock::Timeout=600 update -qq >/dev/null
    apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends prometheus >/dev/null
  else
    apt-get -o DPkg::Lock::Timeout=600 update
    apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends prometheus
  fi
  # Only right after our own install: a server someone started on purpose later is left alone.
  stop_prometheus_server
  command -v promtool >/dev/null 2>&1 || {
    echo "install-promtool: prometheus installed but promtool is not on PATH" >&2
    exit 1
  }
fi

if [ -n "${QUIET:-}" ]; then
  promtool --version >/dev/null 2>&1
else
  promtool --version
fi
