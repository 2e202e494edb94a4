package dbutil

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"

	"jiceng/internal/core"
)

// DayKey and HourKey are the rows of the pre-aggregated counts
// (core.DayCount, core.HourCount) by street day number.
type DayKey struct {
	Day                             int
	Community, Category1, Category2 string
}

type HourKey struct {
	Day, Hour int
	Community string
}

// UrgentKey is a row of urgent_hour_counts (core.UrgentHourCount).
type UrgentKey struct {
	Day, Hour            int
	Community, Category1 string
}

// CountDeltas are the changes of a transaction to the pre-aggregated
// counts. The zero value is ready to use.
type CountDeltas struct {
	Days   map[DayKey]int
	Hours  map[HourKey]int
	Urgent map[UrgentKey]int // tickets of core.UrgentHourly urgencies
}

// Add counts the change from old to t; old is nil for a new ticket.
func (d *CountDeltas) Add(old, t *core.Ticket) {
	if old != nil && old.ReceivedAt.Equal(t.ReceivedAt) && old.Community == t.Community &&
		old.Category1 == t.Category1 && old.Category2 == t.Category2 && old.Urgency == t.Urgency {
		return
	}
	if d.Days == nil {
		d.Days, d.Hours, d.Urgent = map[DayKey]int{}, map[HourKey]int{}, map[UrgentKey]int{}
	}
	if old != nil {
		d.count(old, -1)
	}
	d.count(t, 1)
}

func (d *CountDeltas) count(t *core.Ticket, n int) {
	if t.ReceivedAt.IsZero() {
		return
	}
	day := core.StreetDay(t.ReceivedAt)
	hour := t.ReceivedAt.In(core.StreetTime).Hour()
	d.Days[DayKey{day, t.Community, t.Category1, t.Category2}] += n
	d.Hours[HourKey{day, hour, t.Community}] += n
	if core.UrgentHourly(t.Urgency) {
		d.Urgent[UrgentKey{day, hour, t.Community, t.Category1}] += n
	}
}

// DayRows and HourRows return the changed rows in key order (so that
// concurrent writers lock them in the same order), zero changes left out.
func (d *CountDeltas) DayRows() ([]DayKey, []int) {
	keys := make([]DayKey, 0, len(d.Days))
	for k, n := range d.Days {
		if n != 0 {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, func(a, b DayKey) int {
		return cmp.Or(cmp.Compare(a.Day, b.Day), cmp.Compare(a.Community, b.Community),
			cmp.Compare(a.Category1, b.Category1), cmp.Compare(a.Category2, b.Category2))
	})
	ns := make([]int, len(keys))
	for i, k := range keys {
		ns[i] = d.Days[k]
	}
	return keys, ns
}

// TotalRows returns the changes to day_totals (DayRows summed over
// category 2; Category2 empty), in key order.
func (d *CountDeltas) TotalRows() ([]DayKey, []int) {
	sum := map[DayKey]int{}
	for k, n := range d.Days {
		k.Category2 = ""
		sum[k] += n
	}
	keys := make([]DayKey, 0, len(sum))
	for k, n := range sum {
		if n != 0 {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, func(a, b DayKey) int {
		return cmp.Or(cmp.Compare(a.Day, b.Day), cmp.Compare(a.Community, b.Community), cmp.Compare(a.Category1, b.Category1))
	})
	ns := make([]int, len(keys))
	for i, k := range keys {
		ns[i] = sum[k]
	}
	return keys, ns
}

func (d *CountDeltas) HourRows() ([]HourKey, []int) {
	keys := make([]HourKey, 0, len(d.Hours))
	for k, n := range d.Hours {
		if n != 0 {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, func(a, b HourKey) int {
		return cmp.Or(cmp.Compare(a.Day, b.Day), cmp.Compare(a.Hour, b.Hour), cmp.Compare(a.Community, b.Community))
	})
	ns := make([]int, len(keys))
	for i, k := range keys {
		ns[i] = d.Hours[k]
	}
	return keys, ns
}

// UrgentRows returns the changes to urgent_hour_counts in key order.
func (d *CountDeltas) UrgentRows() ([]UrgentKey, []int) {
	keys := make([]UrgentKey, 0, len(d.Urgent))
	for k, n := range d.Urgent {
		if n != 0 {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, func(a, b UrgentKey) int {
		return cmp.Or(cmp.Compare(a.Day, b.Day), cmp.Compare(a.Hour, b.Hour), cmp.Compare(a.Community, b.Community),
			cmp.Compare(a.Category1, b.Category1))
	})
	ns := make([]int, len(keys))
	for i, k := range keys {
		ns[i] = d.Urgent[k]
	}
	return keys, ns
}

// CountSQL builds the queries of core.CountStore for one dialect: SQLite's
// ? placeholders and IN lists, or PostgreSQL's $n and = ANY.
type CountSQL struct{ Postgres bool }

func (d CountSQL) where(q core.CountQuery) (string, []any) {
	where, args := d.DayRange(q)
	return "n <> 0 AND " + where, args
}

// DayRange is the WHERE clause of q's days and communities over a table
// with columns day and community.
func (d CountSQL) DayRange(q core.CountQuery) (string, []any) {
	ph := func(i int) string {
		if d.Postgres {
			return "$" + strconv.Itoa(i)
		}
		return "?"
	}
	where := "day >= " + ph(1) + " AND day < " + ph(2)
	args := []any{core.StreetDay(q.From), core.StreetDay(q.To)}
	switch {
	case q.Communities == nil:
	case len(q.Communities) == 0:
		where += " AND false"
	case d.Postgres:
		where += " AND community = ANY(" + ph(3) + ")"
		args = append(args, q.Communities)
	default:
		where += " AND community IN (?" + strings.Repeat(", ?", len(q.Communities)-1) + ")"
		for _, c := range q.Communities {
			args = append(args, c)
		}
	}
	return where, args
}

// Days returns the query of DayCounts: the grouped columns of q.By, then
// the sum.
func (d CountSQL) Days(q core.CountQuery) (string, []any) {
	where, args := d.where(q)
	cols := core.CountColumns(q.By)
	sel, group := "sum(n)", ""
	if len(cols) > 0 {
		sel = strings.Join(cols, ", ") + ", sum(n)"
		group = " GROUP BY " + strings.Join(cols, ", ") + " ORDER BY " + strings.Join(cols, ", ")
	}
	table := "day_counts"
	if q.By&core.ByCategory2 == 0 {
		table = "day_totals" // the same sums, from a fifth of the rows
	}
	return "SELECT " + sel + " FROM " + table + " WHERE " + where + group, args
}

// Hours returns the query of HourCounts: weekday (0 Monday; day 0,
// 1970-01-01, was a Thursday), hour, [community], sum.
func (d CountSQL) Hours(q core.CountQuery) (string, []any) {
	where, args := d.where(q)
	cols := "((day % 7) + 10) % 7, hour"
	if q.By&core.ByCommunity != 0 {
		cols += ", community"
	}
	return "SELECT " + cols + ", sum(n) FROM hour_counts WHERE " + where + " GROUP BY " + cols + " ORDER BY " + cols, args
}

// Urgent returns the query of UrgentHourCounts: day, hour, the grouped
// columns of q.By among community and category1, then the sum.
func (d CountSQL) Urgent(q core.CountQuery) (string, []any) {
	where, args := d.where(q)
	cols := "day, hour"
	if q.By&core.ByCommunity != 0 {
		cols += ", community"
	}
	if q.By&core.ByCategory1 != 0 {
		cols += ", category1"
	}
	return "SELECT " + cols + ", sum(n) FROM urgent_hour_counts WHERE " + where + " GROUP BY " + cols + " ORDER BY " + cols, args
}

// ScanUrgent reads a row of Urgent into a core.UrgentHourCount.
func ScanUrgent(by core.CountBy, scan func(dest ...any) error) (core.UrgentHourCount, error) {
	var c core.UrgentHourCount
	var day, hour, n int64
	dest := []any{&day, &hour}
	if by&core.ByCommunity != 0 {
		dest = append(dest, &c.Community)
	}
	if by&core.ByCategory1 != 0 {
		dest = append(dest, &c.Category1)
	}
	if err := scan(append(dest, &n)...); err != nil {
		return c, err
	}
	c.Hour, c.N = core.DayStart(int(day)).Add(time.Duration(hour)*time.Hour), int(n)
	return c, nil
}

// ScanDay reads a row of Days into a core.DayCount.
func ScanDay(by core.CountBy, scan func(dest ...any) error) (core.DayCount, error) {
	var c core.DayCount
	var day, n int64
	var dest []any
	for _, col := range core.CountColumns(by) {
		switch col {
		case "day":
			dest = append(dest, &day)
		case "community":
			dest = append(dest, &c.Community)
		case "category1":
			dest = append(dest, &c.Category1)
		case "category2":
			dest = append(dest, &c.Category2)
		}
	}
	var sum *int64 // NULL: a total of no rows
	if err := scan(append(dest, &sum)...); err != nil {
		return c, err
	}
	if by&core.ByDay != 0 {
		c.Day = core.DayStart(int(day))
	}
	if sum != nil {
		n = *sum
	}
	c.N = int(n)
	return c, nil
}

// ScanHour reads a row of Hours into a core.HourCount.
func ScanHour(by core.CountBy, scan func(dest ...any) error) (core.HourCount, error) {
	var c core.HourCount
	var wd, hour, n int64
	dest := []any{&wd, &hour}
	if by&core.ByCommunity != 0 {
		dest = append(dest, &c.Community)
	}
	if err := scan(append(dest, &n)...); err != nil {
		return c, err
	}
	c.Weekday, c.Hour, c.N = int(wd), int(hour), int(n)
	return c, nil
}

// AlertHour is the hour column of alert_states for s: its hour for an
// hourly alert, -1 for a daily one.
func AlertHour(s core.AlertState) int {
	if s.Hourly {
		return s.Hour
	}
	return -1
}
