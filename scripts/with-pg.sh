#!/usr/bin/env bash
# with-pg.sh runs a command next to a throw-away PostgreSQL server: it starts
# the server on 127.0.0.1 (installing Debian's postgresql package first if the
# server binaries are missing), exports JICENG_TEST_PG with its URL, runs the
# command and removes the server again, keeping the command's exit code.
#
# Usage: scripts/with-pg.sh COMMAND [ARGS...]
#   e.g. scripts/with-pg.sh go test ./internal/postgres   (scripts/test.sh does this)
set -euo pipefail

cd "$(dirname "$0")/.."

log() { echo "with-pg.sh: $*" >&2; }

# as_root runs a command as root: directly when we are root, else with sudo.
as_root() {
	if [ "$(id -u)" -eq 0 ]; then
		"$@"
	else
		sudo "$@"
	fi
}

# pg_bin prints the bin directory of the newest installed PostgreSQL server,
# or nothing.
pg_bin() {
	local p
	p=$(ls -d /usr/lib/postgresql/*/bin/postgres 2>/dev/null | sort -V | tail -n 1 || true)
	[ -n "$p" ] && dirname "$p"
	return 0
}

bin=$(pg_bin)
if [ -z "$bin" ]; then
	log "PostgreSQL server not found; installing Debian's postgresql package"
	as_root apt-get update
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql
	bin=$(pg_bin)
	if [ -z "$bin" ]; then
		log "postgresql installed but no /usr/lib/postgresql/*/bin/postgres found"
		exit 1
	fi
fi

# PostgreSQL refuses to run as root: as root, the server runs as the
# postgres user (created by the package) in a directory it owns; anyone else
# runs it as themselves.
tmp=$(mktemp -d "${TMPDIR:-/tmp}/jiceng-pg.XXXXXX")
if [ "$(id -u)" -eq 0 ]; then
	chown postgres: "$tmp"
	as_pg() { runuser -u postgres -- "$@"; }
else
	as_pg() { "$@"; }
fi

cleanup() {
	if [ -f "$tmp/data/postmaster.pid" ]; then
		as_pg "$bin/pg_ctl" -D "$tmp/data" -m immediate -w stop >/dev/null 2>&1 || true
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A free port: one nobody answers on.
port=""
for _ in $(seq 1 50); do
	p=$((20000 + RANDOM % 40000))
	if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
		port=$p
		break
	fi
done
if [ -z "$port" ]; then
	log "no free port found"
	exit 1
fi

as_pg mkdir -p "$tmp/data" "$tmp/sock"
as_pg "$bin/initdb" -D "$tmp/data" -U postgres -A trust -E UTF8 --locale=C >"$tmp/initdb.log" 2>&1 || {
	cat "$tmp/initdb.log" >&2
	exit 1
}
# fsync=off: the server lives only as long as the tests.
if ! as_pg "$bin/pg_ctl" -D "$tmp/data" -l "$tmp/server.log" -w -t 60 \
	-o "-c listen_addresses=127.0.0.1 -p $port -k $tmp/sock -c fsync=off -c max_connections=200" start >/dev/null; then
	cat "$tmp/server.log" >&2 || true
	exit 1
fi
for _ in $(seq 1 60); do
	if "$bin/pg_isready" -q -h 127.0.0.1 -p "$port"; then
		break
	fi
	sleep 0.5
done
"$bin/pg_isready" -q -h 127.0.0.1 -p "$port" || {
	log "PostgreSQL did not become ready"
	cat "$tmp/server.log" >&2 || true
	exit 1
}
export JICENG_TEST_PG="postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"
log "$("$bin/postgres" --version) on 127.0.0.1:$port"

code=0
"$@" || code=$?
exit "$code"
