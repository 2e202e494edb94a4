#!/usr/bin/env bash
# bench-import.sh measures the import of N generated tickets (default
# 1,000,000) from CSV into a fresh SQLite database and into a throw-away
# PostgreSQL: the import stage (tickets/s), the keyword-index stage, the
# whole command and its peak memory (from GNU time). The figures in the
# README's Performance section come from this script.
#
# Usage: scripts/bench-import.sh [N] [sqlite|postgres|both]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000000}
which=${2:-both}
dir=$(mktemp -d "${TMPDIR:-/tmp}/jiceng-bench.XXXXXX")
trap 'rm -rf "$dir"' EXIT

if [ ! -x /usr/bin/time ]; then
	echo "bench-import.sh: needs GNU time (Debian package time)" >&2
	exit 1
fi
go build -o "$dir/jiceng" ./cmd/jiceng
echo "== generate $n tickets"
/usr/bin/time -f "generate: %e s wall, peak RSS %M KB" "$dir/jiceng" generate -n "$n" -end 2025-06-30 -out "$dir/t.csv"
ls -l "$dir/t.csv" | awk '{printf "file: %.0f MB\n", $5/1e6}'

run() {
	local what=$1 db=$2
	echo "== import into $what"
	/usr/bin/time -f "$what whole command: %e s wall, %U s user, %S s sys, peak RSS %M KB" \
		"$dir/jiceng" import -db "$db" -progress 1h "$dir/t.csv" 2>&1 | grep -v '^jiceng' || true
}
if [ "$which" != postgres ]; then
	run SQLite "$dir/bench.db"
	run "SQLite, the same file again" "$dir/bench.db"
	ls -l "$dir/bench.db" | awk '{printf "SQLite file: %.0f MB\n", $5/1e6}'
	rm -f "$dir"/bench.db*
fi
if [ "$which" != sqlite ]; then
	export -f run
	export dir
	scripts/with-pg.sh bash -c 'run PostgreSQL "$JICENG_TEST_PG"'
fi
