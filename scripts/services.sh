#!/usr/bin/env bash
# Makes sure the services the tests use answer on this machine:
#   PostgreSQL on 127.0.0.1:5432, user postgres with trust authentication (no password)
#   Redis      on 127.0.0.1:6379, and the redis-server program (tests start private ones)
# A service that already answers is left alone, and then the script prints nothing. Otherwise, on
# Debian, it installs the package (postgresql, redis-server; as root, or through sudo), starts it, lets
# user postgres in from 127.0.0.1 without a password (pg_hba.conf), and waits up to 60 s for it to
# answer. Exits non-zero, saying why, when it cannot.
set -euo pipefail

PG_PORT=5432
REDIS_PORT=6379
WAIT_SECONDS=60
# first match wins in pg_hba.conf: these lines go on top, marked so that a second run finds them
HBA_MARK="# caravan: the tests connect as postgres from this machine without a password"

log() { echo "services.sh: $*" >&2; }
fail() { echo "services.sh: $*" >&2; exit 1; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        fail "installing or configuring a service needs root, and sudo is missing: run as root, or start PostgreSQL and Redis yourself"
    fi
}

port_open() {
    timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null
}

postgres_answers() {
    if command -v psql >/dev/null 2>&1; then
        # -w: never prompt, so a server that wants a password fails here instead of waiting
        PGCONNECT_TIMEOUT=3 psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -w -Atqc 'SELECT 1' >/dev/null 2>&1
    else
        port_open "$PG_PORT"
    fi
}

redis_answers() {
    if command -v redis-cli >/dev/null 2>&1; then
        [ "$(timeout 2 redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" = "PONG" ]
    else
        redis_ping_over_tcp 2>/dev/null
    fi
}

# a subshell: a failed exec redirection ends it, not the script
redis_ping_over_tcp() (
    exec 3<>"/dev/tcp/127.0.0.1/$REDIS_PORT"
    printf 'PING\r\n' >&3
    IFS= read -r -t 2 reply <&3
    [ "${reply%$'\r'}" = "+PONG" ]
)

wait_for() {
    local what="$1" check="$2" deadline=$((SECONDS + WAIT_SECONDS))
    until "$check"; do
        [ "$SECONDS" -lt "$deadline" ] || fail "$what does not answer after ${WAIT_SECONDS} s"
        sleep 0.5
    done
}

apt_install() {
    command -v apt-get >/dev/null 2>&1 \
        || fail "$1 is missing and this is no Debian machine (no apt-get): install and start it yourself"
    log "installing $1 (apt-get)"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 update -qq >/dev/null
    as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "$1" >/dev/null
}

# "<version> <cluster>" of the Debian cluster on PG_PORT; a new one when there is no cluster at all
postgres_cluster() {
    local cluster
    cluster="$(pg_lsclusters --no-header 2>/dev/null | awk -v port="$PG_PORT" '$3 == port { print $1, $2; exit }')"
    if [ -z "$cluster" ]; then
        [ -z "$(pg_lsclusters --no-header 2>/dev/null)" ] \
            || fail "PostgreSQL clusters exist but none on port $PG_PORT (pg_lsclusters): start one there yourself"
        local version
        version="$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' | sort -n | tail -1)"
        [ -n "$version" ] || fail "no PostgreSQL server under /usr/lib/postgresql"
        log "creating PostgreSQL cluster $version/main on port $PG_PORT"
        as_root pg_createcluster "$version" main -p "$PG_PORT" >/dev/null
        cluster="$version main"
    fi
    echo "$cluster"
}

ensure_postgres() {
    postgres_answers && return 0
    command -v pg_ctlcluster >/dev/null 2>&1 || apt_install postgresql
    local cluster version name
    cluster="$(postgres_cluster)"
    read -r version name <<<"$cluster"

    local hba="/etc/postgresql/$version/$name/pg_hba.conf" trusted=
    as_root test -f "$hba" || fail "cannot find $hba"
    if ! as_root grep -qxF "$HBA_MARK" "$hba"; then
        log "letting user postgres in from 127.0.0.1 without a password ($hba)"
        as_root sed -i "1i $HBA_MARK\nhost all postgres 127.0.0.1/32 trust\nhost all postgres ::1/128 trust" "$hba"
        trusted=1
    fi

    if pg_lsclusters --no-header | awk -v v="$version" -v n="$name" '$1 == v && $2 == n && $4 == "online" { up = 1 } END { exit !up }'; then
        [ -n "$trusted" ] \
            || fail "PostgreSQL $version/$name runs but user postgres cannot connect from 127.0.0.1:$PG_PORT without a password"
        as_root pg_ctlcluster "$version" "$name" reload
    else
        log "starting PostgreSQL $version/$name"
        as_root pg_ctlcluster "$version" "$name" start
    fi
    wait_for "PostgreSQL on 127.0.0.1:$PG_PORT" postgres_answers
}

ensure_redis() {
    # the tests also start private redis-server processes (outages, restarts): the binary must be here
    # even when another Redis already answers on the port
    command -v redis-server >/dev/null 2>&1 || apt_install redis-server
    redis_answers && return 0
    # the package's own service may have come up meanwhile
    if ! port_open "$REDIS_PORT"; then
        log "starting Redis on 127.0.0.1:$REDIS_PORT"
        redis-server --daemonize yes --save '' --appendonly no --bind 127.0.0.1 --port "$REDIS_PORT" >/dev/null
    fi
    wait_for "Redis on 127.0.0.1:$REDIS_PORT" redis_answers
}

main() {
    ensure_postgres
    ensure_redis
}

# sourced (to try one part on other ports), it only defines the functions
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    main "$@"
fi
