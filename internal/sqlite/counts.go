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
	st, err := tx.PrepareContext(ctx, `INSERT INTO day_counts (day, community, category1, category2, n) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (day, community, category1, category2) DO UPDATE SET n = n + excluded.n`)
	if err != nil {
		return fmt.Errorf("prepare: %w", err)
	}
	defer st.Close()
	for i, k := range days {
		if _, err := st.ExecContext(ctx, k.Day, k.Community, k.Category1, k.Category2, dn[i]); err != nil {
			return fmt.Errorf("update day counts: %w", err)
		}
	}
	totals, tn := d.TotalRows()
	stt, err := tx.PrepareContext(ctx, `INSERT INTO day_totals (day, community, category1, n) VALUES (?, ?, ?, ?)
		ON CONFLICT (day, community, category1) DO UPDATE SET n = n + excluded.n`)
	if err != nil {
		return fmt.Errorf("prepare: %w", err)
	}
	defer stt.Close()
	for i, k := range totals {
		if _, err := stt.ExecContext(ctx, k.Day, k.Community, k.Category1, tn[i]); err != nil {
			return fmt.Errorf("update day totals: %w", err)
		}
	}
	sh, err := tx.PrepareContext(ctx, `INSERT INTO hour_counts (day, hour, community, n) VALUES (?, ?, ?, ?)
		ON CONFLICT (day, hour, community) DO UPDATE SET n = n + excluded.n`)
	if err != nil {
		return fmt.Errorf("prepare: %w", err)
	}
	defer sh.Close()
	for i, k := range hours {
		if _, err := sh.ExecContext(ctx, k.Day, k.Hour, k.Community, hn[i]); err != nil {
			return fmt.Errorf("update hour counts: %w", err)
		}
	}
	if !months {
		return nil
	}
	mt, mn := d.MonthRows()
	sm, err := tx.PrepareContext(ctx, `INSERT INTO month_totals (day, community, category1, n) VALUES (?, ?, ?, ?)
		ON CONFLICT (day, community, category1) DO UPDATE SET n = n + excluded.n`)
	if err != nil {
		return fmt.Errorf("prepare: %w", err)
	}
	defer sm.Close()
	for i, k := range mt {
		if _, err := sm.ExecContext(ctx, k.Day, k.Community, k.Category1, mn[i]); err != nil {
			return fmt.Errorf("update month totals: %w", err)
		}
	}
	mh, mhn := d.MonthHourRows()
	smh, err := tx.PrepareContext(ctx, `INSERT INTO month_hours (day, weekday, hour, community, n) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (day, weekday, hour, community) DO UPDATE SET n = n + excluded.n`)
	if err != nil {
		return fmt.Errorf("prepare: %w", err)
	}
	defer smh.Close()
	for i, k := range mh {
		if _, err := smh.ExecContext(ctx, k.Month, k.Weekday, k.Hour, k.Community, mhn[i]); err != nil {
			return fmt.Errorf("update month hours: %w", err)
		}
	}
	return nil
}

func writeUrgentCounts(ctx context.Context, tx *sql.Tx, d *dbutil.CountDeltas) error {
	keys, n := d.UrgentRows()
	if len(keys) == 0 {
		return nil
	}
	st, err := tx.PrepareContext(ctx, `INSERT INTO urgent_hour_counts (day, hour, community, category1, n) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (day, hour, community, category1) DO UPDATE SET n = n + excluded.n`)
	if err != nil {
		return fmt.Errorf("prepare: %w", err)
	}
	defer st.Close()
	for i, k := range keys {
		if _, err := st.ExecContext(ctx, k.Day, k.Hour, k.Community, k.Category1, n[i]); err != nil {
			return fmt.Errorf("update urgent hour counts: %w", err)
		}
	}
	return nil
}

// UrgentHourCounts implements core.UrgentCountStore.
func (db *DB) UrgentHourCounts(ctx context.Context, q core.CountQuery) ([]core.UrgentHourCount, error) {
	query, args := dbutil.CountSQL{}.Urgent(q)
	rows, err := db.read.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("urgent hour counts: %w", err)
	}
	defer rows.Close()
	var out []core.UrgentHourCount
	for rows.Next() {
		c, err := dbutil.ScanUrgent(q.By, rows.Scan)
		if err != nil {
			return nil, fmt.Errorf("urgent hour counts: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// DayCounts implements core.CountStore.
func (db *DB) DayCounts(ctx context.Context, q core.CountQuery) ([]core.DayCount, error) {
	query, args := dbutil.CountSQL{Months: db.months}.Days(q)
	rows, err := db.read.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("day counts: %w", err)
	}
	defer rows.Close()
	var out []core.DayCount
	scan := dbutil.DayScanner(q.By)
	for rows.Next() {
		c, err := scan(rows.Scan)
		if err != nil {
			return nil, fmt.Errorf("day counts: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// HourCounts implements core.CountStore.
func (db *DB) HourCounts(ctx context.Context, q core.CountQuery) ([]core.HourCount, error) {
	query, args := dbutil.CountSQL{Months: db.months}.Hours(q)
	rows, err := db.read.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("hour counts: %w", err)
	}
	defer rows.Close()
	var out []core.HourCount
	for rows.Next() {
		c, err := dbutil.ScanHour(q.By, rows.Scan)
		if err != nil {
			return nil, fmt.Errorf("hour counts: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
