#!/usr/bin/env bash
# bench-pg.sh measures the ticket workbench's queries on PostgreSQL at N
# generated tickets (issue 17): BenchmarkScale in internal/postgres builds a
# database of N tickets with COPY (once per server, keyed by N and schema
# version) and logs and reports p50/p95 of each list, filter, keyword
# search, the 三率 of a month and the dashboard. BenchmarkReadsDuringImport
# times list pages while UpsertTickets imports on other connections.
#
# The server is scripts/with-pg.sh's throw-away one, unless JICENG_TEST_PG
# points at a kept server (then the filled database is reused next time).
# Everything runs under nice -n 19.
#
# Usage: scripts/bench-pg.sh N [go test flags]   e.g. scripts/bench-pg.sh 1000000
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000000}
shift || true
export JICENG_BENCH_PG_N=$n
if [ "${1:-}" = "--run" ]; then
	shift
	nice -n 19 go test -count=1 -run '^$' -bench 'Scale$' -benchtime 30x -timeout 180m -v "$@" ./internal/postgres
	exec nice -n 19 go test -count=1 -run '^$' -bench 'ReadsDuringImport$' -benchtime 1x -timeout 60m -v "$@" ./internal/postgres
fi
if [ -n "${JICENG_TEST_PG:-}" ]; then
	exec "$0" "$n" --run "$@"
fi
exec nice -n 19 scripts/with-pg.sh "$0" "$n" --run "$@"
