package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"jiceng/internal/core"
	"jiceng/internal/dbutil"
)

// countsVersion is the schema version that brought day_counts,
// monthsVersion the one that brought month_totals and month_hours,
// urgentVersion the one that brought urgent_hour_counts.
const (
	countsVersion = 12
	monthsVersion = 15
	urgentVersion = 16
)

// writeDayCounts applies d to day_counts, day_totals and hour_counts, with
// months to month_totals and month_hours, and to urgent_hour_counts unless
// noUrgent (a test's database stopped before 0016).
func writeDayCounts(ctx context.Context, tx *sql.Tx, d *dbutil.CountDeltas, months, noUrgent bool) error {
	if !noUrgent {
		if err := writeUrgentCounts(ctx, tx, d); err != nil {
			return err
		}
	}
	days, dn := d.DayRows()
	hours, hn := d.HourRows()
	if len(days) == 0 && len(hours) == 0 {
		return nil
	}
	err := upsertCounts(ctx, tx, "day counts", `INSERT INTO day_counts (day, community, category1, category2, n) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (day, community, category1, category2) DO UPDATE SET n = n + excluded.n`, len(days), func(i int) []any {
		k := days[i]
		return []any{k.Day, k.Community, k.Category1, k.Category2, dn[i]}
	})
	if err != nil {
		return err
	}
	totals, tn := d.TotalRows()
	err = upsertCounts(ctx, tx, "day totals", `INSERT INTO day_totals (day, community, category1, n) VALUES (?, ?, ?, ?)
		ON CONFLICT (day, community, category1) DO UPDATE SET n = n + excluded.n`, len(totals), func(i int) []any {
		k := totals[i]
		return []any{k.Day, k.Community, k.Category1, tn[i]}
	})
	if err != nil {
		return err
	}
	err = upsertCounts(ctx, tx, "hour counts", `INSERT INTO hour_counts (day, hour, community, n) VALUES (?, ?, ?, ?)
		ON CONFLICT (day, hour, community) DO UPDATE SET n = n + excluded.n`, len(hours), func(i int) []any {
		k := hours[i]
		return []any{k.Day, k.Hour, k.Community, hn[i]}
	})
	if err != nil || !months {
		return err
	}
	mt, mn := d.MonthRows()
	err = upsertCounts(ctx, tx, "month totals", `INSERT INTO month_totals (day, community, category1, n) VALUES (?, ?, ?, ?)
		ON CONFLICT (day, community, category1) DO UPDATE SET n = n + excluded.n`, len(mt), func(i int) []any {
		k := mt[i]
		return []any{k.Day, k.Community, k.Category1, mn[i]}
	})
	if err != nil {
		return err
	}
	mh, mhn := d.MonthHourRows()
	return upsertCounts(ctx, tx, "month hours", `INSERT INTO month_hours (day, weekday, hour, community, n) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (day, weekday, hour, community) DO UPDATE SET n = n + excluded.n`, len(mh), func(i int) []any {
		k := mh[i]
		return []any{k.Month, k.Weekday, k.Hour, k.Community, mhn[i]}
	})
}

func writeUrgentCounts(ctx context.Context, tx *sql.Tx, d *dbutil.CountDeltas) error {
	keys, n := d.UrgentRows()
	if len(keys) == 0 {
		return nil
	}
	return upsertCounts(ctx, tx, "urgent hour counts", `INSERT INTO urgent_hour_counts (day, hour, community, category1, n) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (day, hour, community, category1) DO UPDATE SET n = n + excluded.n`, len(keys), func(i int) []any {
		k := keys[i]
		return []any{k.Day, k.Hour, k.Community, k.Category1, n[i]}
	})
}

// upsertCounts adds rows changes to a count table with the statement
// upsert, executed once a row with args(i), the i-th's values; what names
// the table in errors.
func upsertCounts(ctx context.Context, tx *sql.Tx, what, upsert string, rows int, args func(i int) []any) error {
	st, err := tx.PrepareContext(ctx, upsert)
	if err != nil {
		return fmt.Errorf("prepare: %w", err)
	}
	defer st.Close()
	for i := range rows {
		if _, err := st.ExecContext(ctx, args(i)...); err != nil {
			return fmt.Errorf("update %s: %w", what, err)
		}
	}
	return nil
}

// readCounts runs query and reads its rows with scan; what names the read
// in errors.
func readCounts[C any](ctx context.Context, db *DB, what, query string, args []any, scan func(func(dest ...any) error) (C, error)) ([]C, error) {
	rows, err := db.read.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	defer rows.Close()
	var out []C
	for rows.Next() {
		c, err := scan(rows.Scan)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// UrgentHourCounts implements core.UrgentCountStore.
func (db *DB) UrgentHourCounts(ctx context.Context, q core.CountQuery) ([]core.UrgentHourCount, error) {
	query, args := dbutil.CountSQL{}.Urgent(q)
	return readCounts(ctx, db, "urgent hour counts", query, args, func(scan func(dest ...any) error) (core.UrgentHourCount, error) {
		return dbutil.ScanUrgent(q.By, scan)
	})
}

// DayCounts implements core.CountStore.
func (db *DB) DayCounts(ctx context.Context, q core.CountQuery) ([]core.DayCount, error) {
	query, args := dbutil.CountSQL{Months: db.months}.Days(q)
	return readCounts(ctx, db, "day counts", query, args, dbutil.DayScanner(q.By))
}

// HourCounts implements core.CountStore.
func (db *DB) HourCounts(ctx context.Context, q core.CountQuery) ([]core.HourCount, error) {
	query, args := dbutil.CountSQL{Months: db.months}.Hours(q)
	return readCounts(ctx, db, "hour counts", query, args, func(scan func(dest ...any) error) (core.HourCount, error) {
		return dbutil.ScanHour(q.By, scan)
	})
}
