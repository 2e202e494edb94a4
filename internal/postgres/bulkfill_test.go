package postgres

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"jiceng/internal/core"
	"jiceng/internal/dbutil"
	"jiceng/internal/storetest"
)

// bulkActor is the actor of the create events of bulk-filled tickets, as
// storetest.Fill's.
const bulkActor = "import:bench"

// scaleChunk is chunk c (tickets c*size to c*size+size-1, fewer in the
// last) of a store of n tickets: storetest.ScaleTickets of a generator of
// its own, so that chunks can be made in parallel and each is the same
// whoever makes it.
func scaleChunk(n, size, c int) []core.Ticket {
	return storetest.ScaleTickets(storetest.NewGen(uint64(c)+1), n, c*size, min(size, n-c*size))
}

// bulkFill stores the n tickets of scaleChunk in db, which must have none,
// as fast as PostgreSQL takes them: the secondary indexes of tickets and
// ticket_events dropped, the chunks written with COPY on two connections
// (tickets with their keyword index column and ids 1..n, their create
// events), the pre-aggregated counts written once, the indexes built again
// and the tables vacuumed and analysed. The result is what UpsertTickets
// of the same chunks in order writes (TestBulkFillMatchesUpsert checks
// it), in a fraction of the time. progress, if not nil, is called with the
// tickets written so far.
func bulkFill(ctx context.Context, db *DB, n, size int, progress func(done int)) error {
	var have int
	if err := db.pool.QueryRow(ctx, "SELECT count(*) FROM tickets").Scan(&have); err != nil {
		return err
	}
	if have > 0 {
		return fmt.Errorf("bulk fill: the database has %d tickets already", have)
	}
	// The secondary indexes, built again at the end.
	rows, err := db.pool.Query(ctx, `SELECT indexname, indexdef FROM pg_indexes
		WHERE schemaname = current_schema() AND tablename IN ('tickets', 'ticket_events')
		AND indexname NOT IN (SELECT conname FROM pg_constraint) ORDER BY indexname`)
	if err != nil {
		return err
	}
	type index struct{ name, def string }
	indexes, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (index, error) {
		var ix index
		return ix, r.Scan(&ix.name, &ix.def)
	})
	if err != nil {
		return err
	}
	for _, ix := range indexes {
		if _, err := db.pool.Exec(ctx, "DROP INDEX "+pgx.Identifier{ix.name}.Sanitize()); err != nil {
			return err
		}
	}

	now := dbutil.Micro(db.now())
	chunks := (n + size - 1) / size
	type batch struct {
		tickets, events [][]any
		counts          dbutil.CountDeltas
		len             int
	}
	todo := make(chan int)
	made := make(chan batch, 2)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		mu    sync.Mutex
		first error
	)
	fail := func(err error) {
		mu.Lock()
		if first == nil {
			first = err
		}
		mu.Unlock()
		cancel()
	}
	go func() {
		defer close(todo)
		for c := range chunks {
			select {
			case todo <- c:
			case <-ctx.Done():
				return
			}
		}
	}()
	var makers sync.WaitGroup
	for range max(1, runtime.GOMAXPROCS(0)) {
		makers.Go(func() {
			for c := range todo {
				ts := scaleChunk(n, size, c)
				bt := batch{tickets: make([][]any, len(ts)), events: make([][]any, len(ts)), len: len(ts)}
				for i := range ts {
					t := &ts[i]
					dbutil.Normalize(t)
					t.ID = int64(c*size + i + 1)
					t.CreatedAt, t.UpdatedAt = now, now
					bt.tickets[i] = append(append([]any{t.ID}, ticketArgs(t)...), searchVector(t.Title, t.Content))
					bt.events[i] = []any{t.ID, now, bulkActor, core.EventCreate, nil}
					bt.counts.Add(nil, t)
				}
				select {
				case made <- bt:
				case <-ctx.Done():
					return
				}
			}
		})
	}
	go func() { makers.Wait(); close(made) }()

	var (
		counts  dbutil.CountDeltas
		done    int
		writers sync.WaitGroup
	)
	cols := append(append([]string{"id"}, ticketCols...), "search")
	for range 2 {
		writers.Go(func() {
			for bt := range made {
				err := db.inTx(ctx, func(tx pgx.Tx) error {
					if _, err := tx.CopyFrom(ctx, pgx.Identifier{"tickets"}, cols, pgx.CopyFromRows(bt.tickets)); err != nil {
						return fmt.Errorf("copy tickets: %w", err)
					}
					_, err := tx.CopyFrom(ctx, pgx.Identifier{"ticket_events"}, []string{"ticket_id", "at", "actor", "action", "changes"},
						pgx.CopyFromRows(bt.events))
					return err
				})
				if err != nil {
					fail(err)
					return
				}
				mu.Lock()
				if counts.Days == nil {
					counts.Days, counts.Hours, counts.Urgent = map[dbutil.DayKey]int{}, map[dbutil.HourKey]int{}, map[dbutil.UrgentKey]int{}
				}
				for k, v := range bt.counts.Days {
					counts.Days[k] += v
				}
				for k, v := range bt.counts.Hours {
					counts.Hours[k] += v
				}
				for k, v := range bt.counts.Urgent {
					counts.Urgent[k] += v
				}
				done += bt.len
				if progress != nil {
					progress(done)
				}
				mu.Unlock()
			}
		})
	}
	writers.Wait()
	if first != nil {
		return first
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := db.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT setval(pg_get_serial_sequence('tickets', 'id'), $1)", n); err != nil {
			return err
		}
		return db.writeDayCounts(ctx, tx, &counts)
	}); err != nil {
		return fmt.Errorf("bulk fill counts: %w", err)
	}

	// The indexes, two at a time (one per core), the largest first.
	jobs := make(chan index)
	var builders sync.WaitGroup
	for range 2 {
		builders.Go(func() {
			conn, err := db.pool.Acquire(ctx)
			if err != nil {
				fail(err)
				return
			}
			defer conn.Release()
			if _, err := conn.Exec(ctx, "SET maintenance_work_mem = '512MB'"); err != nil {
				fail(err)
				return
			}
			for ix := range jobs {
				if _, err := conn.Exec(ctx, ix.def); err != nil {
					fail(fmt.Errorf("%s: %w", ix.name, err))
					return
				}
			}
		})
	}
	for _, ix := range indexes {
		if ix.name == "tickets_search" {
			jobs <- ix
		}
	}
	for _, ix := range indexes {
		if ix.name != "tickets_search" {
			select {
			case jobs <- ix:
			case <-ctx.Done():
			}
		}
	}
	close(jobs)
	builders.Wait()
	if first != nil {
		return first
	}
	// Visibility maps (index-only counts) and planner statistics, as
	// autovacuum leaves them after a load.
	_, err = db.pool.Exec(ctx, "VACUUM ANALYZE tickets, ticket_events, day_counts, day_totals, hour_counts, urgent_hour_counts, month_totals, month_hours")
	return err
}

// TestBulkFillMatchesUpsert checks that bulkFill stores what UpsertTickets
// stores for the same tickets: the same rows in tickets (every column, the
// keyword index included), ticket_events (but their ids) and each
// pre-aggregated count, the same indexes, the same next ticket id, and so
// the same answers to the workbench's lists.
func TestBulkFillMatchesUpsert(t *testing.T) {
	ctx := context.Background()
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	clock := core.Clock(func() time.Time { return at })
	const n, size = 2500, 700 // chunks of 700: the last one is short
	up, bulk := mustOpen(t, clock), mustOpen(t, clock)
	for c := range (n + size - 1) / size {
		if _, err := up.UpsertTickets(ctx, scaleChunk(n, size, c), bulkActor); err != nil {
			t.Fatal(err)
		}
	}
	var calls, last int
	if err := bulkFill(ctx, bulk, n, size, func(done int) { calls, last = calls+1, done }); err != nil {
		t.Fatal(err)
	}
	if calls != 4 || last != n {
		t.Errorf("progress called %d times, last with %d; want 4, %d", calls, last, n)
	}
	digests := map[string]string{
		"tickets": "SELECT count(*) || ' ' || md5(string_agg(t::text, E'\\n' ORDER BY id)) FROM tickets t",
		"ticket_events": `SELECT count(*) || ' ' || md5(string_agg(concat_ws('|', ticket_id, at, actor, action, note, changes), E'\n'
			ORDER BY ticket_id, id)) FROM ticket_events`,
		"indexes": `SELECT string_agg(indexdef, E'\n' ORDER BY indexname) FROM pg_indexes
			WHERE schemaname = current_schema() AND tablename IN ('tickets', 'ticket_events')`,
		"next id": "SELECT nextval(pg_get_serial_sequence('tickets', 'id'))::text",
	}
	for _, table := range []string{"day_counts", "day_totals", "hour_counts", "urgent_hour_counts", "month_totals", "month_hours"} {
		digests[table] = "SELECT count(*) || ' ' || md5(string_agg(c::text, E'\\n' ORDER BY c::text)) FROM " + table + " c"
	}
	for name, q := range digests {
		var a, b string
		if err := up.pool.QueryRow(ctx, q).Scan(&a); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if err := bulk.pool.QueryRow(ctx, q).Scan(&b); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if a != b {
			t.Errorf("%s: bulk fill has %.200q, UpsertTickets %.200q", name, b, a)
		}
		if name == "tickets" && a[:len("2500 ")] != "2500 " {
			t.Errorf("tickets: %q, want 2500 rows", a)
		}
	}
	for _, q := range storetest.ScaleQueries(n, 0) {
		for i := range 3 {
			f := q.F(i)
			want, wantTotal, err := up.Tickets(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			got, total, err := bulk.Tickets(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			if total != wantTotal || len(got) != len(want) {
				t.Errorf("%s %d: bulk fill lists %d of %d, UpsertTickets %d of %d", q.Name, i, len(got), total, len(want), wantTotal)
				continue
			}
			for j := range got {
				if got[j].ID != want[j].ID {
					t.Errorf("%s %d: row %d is ticket %d, want %d", q.Name, i, j, got[j].ID, want[j].ID)
					break
				}
			}
		}
	}
}
