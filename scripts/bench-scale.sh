#!/usr/bin/env bash
# bench-scale.sh measures jiceng's ticket ingest end to end on one generated
# file of N tickets (default 200,000) and puts it beside what the database
# engines do with the same rows, as ratios, so that the figure holds on a
# noisy machine (issue 17):
#
#   - jiceng import into a fresh SQLite file with a trained category model:
#     the import stage (decode, validate, de-identify, store with history),
#     the keyword index, the predictions, the whole command and its peak RSS;
#   - the C sqlite3 shell's .import of the same rows (the tickets table as
#     jiceng stored them, exported to CSV) into the same table with the same
#     indexes;
#   - the same two on a throw-away PostgreSQL (scripts/with-pg.sh): jiceng
#     import, and COPY of the same rows into a copy of the tickets table with
#     all its indexes.
#
# The model is trained on the first 20,000 rows (training is not ingest).
#
# Usage: scripts/bench-scale.sh [N] [sqlite|postgres|both]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-200000}
which=${2:-both}
dir=$(mktemp -d "${TMPDIR:-/tmp}/jiceng-scale.XXXXXX")
trap 'rm -rf "$dir"' EXIT
export dir n

for tool in /usr/bin/time sqlite3; do
	if ! command -v "$tool" >/dev/null; then
		echo "bench-scale.sh: needs $tool (Debian packages time, sqlite3)" >&2
		exit 1
	fi
done
go build -o "$dir/jiceng" ./cmd/jiceng
echo "== generate $n tickets"
"$dir/jiceng" generate -n "$n" -end 2025-06-30 -out "$dir/t.csv" >/dev/null 2>&1
ls -l "$dir/t.csv" | awk '{printf "file: %.0f MB\n", $5/1e6}'
head -n 20001 "$dir/t.csv" >"$dir/train.csv"
"$dir/jiceng" classify train -in "$dir/train.csv" -text 标题,诉求内容 -label 一级分类 -out "$dir/model.bin" >/dev/null 2>&1

# secs prints the seconds of a "用时 1m2.5s" / "2.5s" / "850ms" duration.
secs() {
	awk -v d="$1" 'BEGIN {
		t = 0
		if (match(d, /[0-9.]+h/)) { t += substr(d, RSTART, RLENGTH - 1) * 3600 }
		if (match(d, /[0-9.]+m[^s]/) || match(d, /[0-9.]+m$/)) { t += substr(d, RSTART, RLENGTH - 1) * 60 }
		if (match(d, /[0-9.]+ms/)) { t += substr(d, RSTART, RLENGTH - 2) / 1000 }
		else if (match(d, /[0-9.]+s/)) { t += substr(d, RSTART, RLENGTH - 1) }
		printf "%.3f", t
	}'
}
# stage prints the duration of a stage line of jiceng import's output.
stage() { grep "$1" "$2" | head -n 1 | sed -E 's/.*用时 ([0-9.hms]+).*/\1/'; }
# rate prints n / seconds.
rate() { awk -v n="$n" -v s="$1" 'BEGIN { if (s > 0) printf "%.0f", n / s; else print "-" }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f", a / b; else print "-" }'; }
export -f secs stage rate ratio

# jiceng_import DB LABEL runs jiceng import and prints its stages.
jiceng_import() {
	local db=$1 label=$2 out="$dir/import-$2.log"
	/usr/bin/time -f "wall %e user %U peak %M" -o "$dir/time-$label" \
		"$dir/jiceng" import -db "$db" -model "$dir/model.bin" -progress 1h "$dir/t.csv" >"$out" 2>&1
	local wall peak imp idx pred
	wall=$(awk '{print $2}' "$dir/time-$label")
	peak=$(awk '{printf "%.0f", $6 / 1024}' "$dir/time-$label")
	imp=$(secs "$(stage 导入阶段 "$out")")
	idx=$(secs "$(stage 关键词检索索引 "$out")")
	pred=$(secs "$(stage 智能研判 "$out")")
	printf '%s jiceng import: whole %.1f s = %s tickets/s, peak RSS %s MB\n' "$label" "$wall" "$(rate "$wall")" "$peak"
	printf '  stages: store %.1f s (%s/s), keyword index %.1f s (%s/s), predictions %.1f s (%s/s)\n' \
		"$imp" "$(rate "$imp")" "$idx" "$(rate "$idx")" "$pred" "$(rate "$pred")"
	echo "$wall" >"$dir/wall-$label"
}
export -f jiceng_import

if [ "$which" != postgres ]; then
	echo "== SQLite"
	jiceng_import "$dir/j.db" SQLite
	sqlite3 "$dir/j.db" ".schema tickets" >"$dir/schema.sql"
	sqlite3 -csv "$dir/j.db" "SELECT * FROM tickets" >"$dir/rows.csv"
	sqlite3 "$dir/c.db" "PRAGMA journal_mode=WAL;" ".read $dir/schema.sql" >/dev/null
	/usr/bin/time -f "%e %M" -o "$dir/time-shell" \
		sqlite3 "$dir/c.db" "PRAGMA synchronous=NORMAL;" ".import --csv $dir/rows.csv tickets"
	shell=$(awk '{print $1}' "$dir/time-shell")
	got=$(sqlite3 "$dir/c.db" "SELECT count(*) FROM tickets")
	[ "$got" = "$n" ] || { echo "bench-scale.sh: the shell loaded $got rows, not $n" >&2; exit 1; }
	printf 'SQLite sqlite3 shell .import, same rows, same table and indexes: %.1f s = %s tickets/s, peak RSS %.0f MB\n' \
		"$shell" "$(rate "$shell")" "$(awk '{print $2 / 1024}' "$dir/time-shell")"
	printf 'RATIO SQLite: jiceng end to end takes %sx the sqlite3 shell'"'"'s time\n' "$(ratio "$(cat "$dir/wall-SQLite")" "$shell")"
	rm -f "$dir"/j.db* "$dir"/c.db* "$dir/rows.csv"
fi

if [ "$which" != sqlite ]; then
	echo "== PostgreSQL"
	scripts/with-pg.sh bash -c '
		set -euo pipefail
		jiceng_import "$JICENG_TEST_PG" PostgreSQL
		cols=$(psql -qAt "$JICENG_TEST_PG" -c "SELECT string_agg(column_name, '"', '"' ORDER BY ordinal_position) FROM information_schema.columns WHERE table_name = '"'tickets'"' AND column_name <> '"'id'"'")
		psql -q "$JICENG_TEST_PG" -c "\\copy (SELECT $cols FROM tickets) TO '"'$dir/pg.csv'"' CSV"
		psql -q "$JICENG_TEST_PG" -c "CREATE TABLE tickets_copy (LIKE tickets INCLUDING ALL)"
		start=$(date +%s.%N)
		psql -q "$JICENG_TEST_PG" -c "\\copy tickets_copy ($cols) FROM '"'$dir/pg.csv'"' CSV"
		copy=$(awk -v a="$start" -v b="$(date +%s.%N)" "BEGIN { printf \"%.3f\", b - a }")
		printf "PostgreSQL COPY, same rows, a copy of the tickets table with all its indexes: %.1f s = %s tickets/s\n" "$copy" "$(rate "$copy")"
		printf "RATIO PostgreSQL: jiceng end to end takes %sx COPY'"'"'s time\n" "$(ratio "$(cat "$dir/wall-PostgreSQL")" "$copy")"
	'
fi
