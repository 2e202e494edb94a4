package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

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

// writeDayCounts applies d to day_counts, day_totals and hour_counts (and
// month_totals and month_hours), one statement each, rows in key order (concurrent imports lock them in the same order).
func (db *DB) writeDayCounts(ctx context.Context, tx pgx.Tx, d *dbutil.CountDeltas) error {
	if !db.dayCounts {
		return nil
	}
	days, dn := d.DayRows()
	if len(days) > 0 {
		day, n := make([]int32, len(days)), make([]int32, len(days))
		com, c1, c2 := make([]string, len(days)), make([]string, len(days)), make([]string, len(days))
		for i, k := range days {
			day[i], com[i], c1[i], c2[i], n[i] = int32(k.Day), k.Community, k.Category1, k.Category2, int32(dn[i])
		}
		if _, err := tx.Exec(ctx, `INSERT INTO day_counts (day, community, category1, category2, n)
			SELECT * FROM unnest($1::integer[], $2::text[], $3::text[], $4::text[], $5::integer[])
			ON CONFLICT (day, community, category1, category2) DO UPDATE SET n = day_counts.n + excluded.n`,
			day, com, c1, c2, n); err != nil {
			return fmt.Errorf("update day counts: %w", err)
		}
	}
	if totals, tn := d.TotalRows(); len(totals) > 0 {
		day, n := make([]int32, len(totals)), make([]int32, len(totals))
		com, c1 := make([]string, len(totals)), make([]string, len(totals))
		for i, k := range totals {
			day[i], com[i], c1[i], n[i] = int32(k.Day), k.Community, k.Category1, int32(tn[i])
		}
		if _, err := tx.Exec(ctx, `INSERT INTO day_totals (day, community, category1, n)
			SELECT * FROM unnest($1::integer[], $2::text[], $3::text[], $4::integer[])
			ON CONFLICT (day, community, category1) DO UPDATE SET n = day_totals.n + excluded.n`,
			day, com, c1, n); err != nil {
			return fmt.Errorf("update day totals: %w", err)
		}
	}
	hours, hn := d.HourRows()
	if len(hours) > 0 {
		day, hour, n := make([]int32, len(hours)), make([]int32, len(hours)), make([]int32, len(hours))
		com := make([]string, len(hours))
		for i, k := range hours {
			day[i], hour[i], com[i], n[i] = int32(k.Day), int32(k.Hour), k.Community, int32(hn[i])
		}
		if _, err := tx.Exec(ctx, `INSERT INTO hour_counts (day, hour, community, n)
			SELECT * FROM unnest($1::integer[], $2::integer[], $3::text[], $4::integer[])
			ON CONFLICT (day, hour, community) DO UPDATE SET n = hour_counts.n + excluded.n`,
			day, hour, com, n); err != nil {
			return fmt.Errorf("update hour counts: %w", err)
		}
	}
	if urgent, un := d.UrgentRows(); db.urgentCounts && len(urgent) > 0 {
		day, hour, n := make([]int32, len(urgent)), make([]int32, len(urgent)), make([]int32, len(urgent))
		com, c1 := make([]string, len(urgent)), make([]string, len(urgent))
		for i, k := range urgent {
			day[i], hour[i], com[i], c1[i], n[i] = int32(k.Day), int32(k.Hour), k.Community, k.Category1, int32(un[i])
		}
		if _, err := tx.Exec(ctx, `INSERT INTO urgent_hour_counts (day, hour, community, category1, n)
			SELECT * FROM unnest($1::integer[], $2::integer[], $3::text[], $4::text[], $5::integer[])
			ON CONFLICT (day, hour, community, category1) DO UPDATE SET n = urgent_hour_counts.n + excluded.n`,
			day, hour, com, c1, n); err != nil {
			return fmt.Errorf("update urgent hour counts: %w", err)
		}
	}
	if !db.months {
		return nil
	}
	if months, mn := d.MonthRows(); len(months) > 0 {
		day, n := make([]int32, len(months)), make([]int32, len(months))
		com, c1 := make([]string, len(months)), make([]string, len(months))
		for i, k := range months {
			day[i], com[i], c1[i], n[i] = int32(k.Day), k.Community, k.Category1, int32(mn[i])
		}
		if _, err := tx.Exec(ctx, `INSERT INTO month_totals (day, community, category1, n)
			SELECT * FROM unnest($1::integer[], $2::text[], $3::text[], $4::integer[])
			ON CONFLICT (day, community, category1) DO UPDATE SET n = month_totals.n + excluded.n`,
			day, com, c1, n); err != nil {
			return fmt.Errorf("update month totals: %w", err)
		}
	}
	if mh, mn := d.MonthHourRows(); len(mh) > 0 {
		day, wd, hour, n := make([]int32, len(mh)), make([]int32, len(mh)), make([]int32, len(mh)), make([]int32, len(mh))
		com := make([]string, len(mh))
		for i, k := range mh {
			day[i], wd[i], hour[i], com[i], n[i] = int32(k.Month), int32(k.Weekday), int32(k.Hour), k.Community, int32(mn[i])
		}
		if _, err := tx.Exec(ctx, `INSERT INTO month_hours (day, weekday, hour, community, n)
			SELECT * FROM unnest($1::integer[], $2::integer[], $3::integer[], $4::text[], $5::integer[])
			ON CONFLICT (day, weekday, hour, community) DO UPDATE SET n = month_hours.n + excluded.n`,
			day, wd, hour, com, n); err != nil {
			return fmt.Errorf("update month hours: %w", err)
		}
	}
	return nil
}

// UrgentHourCounts implements core.UrgentCountStore.
func (db *DB) UrgentHourCounts(ctx context.Context, q core.CountQuery) ([]core.UrgentHourCount, error) {
	query, args := dbutil.CountSQL{Postgres: true}.Urgent(q)
	rows, err := db.pool.Query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("urgent hour counts: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (core.UrgentHourCount, error) { return dbutil.ScanUrgent(q.By, r.Scan) })
	if err != nil {
		return nil, fmt.Errorf("urgent hour counts: %w", err)
	}
	return out, nil
}

// DayCounts implements core.CountStore.
func (db *DB) DayCounts(ctx context.Context, q core.CountQuery) ([]core.DayCount, error) {
	query, args := dbutil.CountSQL{Postgres: true, Months: db.months}.Days(q)
	rows, err := db.pool.Query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("day counts: %w", err)
	}
	scan := dbutil.DayScanner(q.By)
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (core.DayCount, error) { return scan(r.Scan) })
	if err != nil {
		return nil, fmt.Errorf("day counts: %w", err)
	}
	return out, nil
}

// HourCounts implements core.CountStore.
func (db *DB) HourCounts(ctx context.Context, q core.CountQuery) ([]core.HourCount, error) {
	query, args := dbutil.CountSQL{Postgres: true, Months: db.months}.Hours(q)
	rows, err := db.pool.Query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("hour counts: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (core.HourCount, error) { return dbutil.ScanHour(q.By, r.Scan) })
	if err != nil {
		return nil, fmt.Errorf("hour counts: %w", err)
	}
	return out, nil
}
