package dbutil

import (
	"cmp"
	"database/sql"
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
func (d *CountDeltas) DayRows() ([]DayKey, []int) { return sortedRows(d.Days, compareDays) }

// TotalRows returns the changes to day_totals (DayRows summed over
// category 2; Category2 empty), in key order.
func (d *CountDeltas) TotalRows() ([]DayKey, []int) {
	sum := map[DayKey]int{}
	for k, n := range d.Days {
		k.Category2 = ""
		sum[k] += n
	}
	return sortedRows(sum, compareDays)
}

// compareDays orders DayKeys by day, community, category 1 and category 2.
func compareDays(a, b DayKey) int {
	return cmp.Or(cmp.Compare(a.Day, b.Day), cmp.Compare(a.Community, b.Community),
		cmp.Compare(a.Category1, b.Category1), cmp.Compare(a.Category2, b.Category2))
}

// sortedRows returns the keys of m whose change is not zero, sorted by
// compare, and their changes: the rows of a pre-aggregated count table to
// write.
func sortedRows[K comparable](m map[K]int, compare func(a, b K) int) ([]K, []int) {
	keys := make([]K, 0, len(m))
	for k, n := range m {
		if n != 0 {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, compare)
	ns := make([]int, len(keys))
	for i, k := range keys {
		ns[i] = m[k]
	}
	return keys, ns
}

// MonthStart returns the street day number of the first day of the month
// of street day day.
func MonthStart(day int) int {
	t := core.DayStart(day)
	return core.StreetDay(time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, core.StreetTime))
}

// MonthRows returns the changes to month_totals (TotalRows summed over the
// days of each month; Day the month's first day), in key order.
func (d *CountDeltas) MonthRows() ([]DayKey, []int) {
	sum := map[DayKey]int{}
	for k, n := range d.Days {
		k.Day, k.Category2 = MonthStart(k.Day), ""
		sum[k] += n
	}
	return sortedRows(sum, compareDays)
}

// MonthHourKey is a row of month_hours: the hours of a weekday (0 Monday)
// over the days of a month (Month its first day).
type MonthHourKey struct {
	Month, Weekday, Hour int
	Community            string
}

// MonthHourRows returns the changes to month_hours (HourRows summed over
// the days of each month by weekday), in key order.
func (d *CountDeltas) MonthHourRows() ([]MonthHourKey, []int) {
	sum := map[MonthHourKey]int{}
	for k, n := range d.Hours {
		sum[MonthHourKey{MonthStart(k.Day), Weekday(k.Day), k.Hour, k.Community}] += n
	}
	return sortedRows(sum, func(a, b MonthHourKey) int {
		return cmp.Or(cmp.Compare(a.Month, b.Month), cmp.Compare(a.Weekday, b.Weekday), cmp.Compare(a.Hour, b.Hour),
			cmp.Compare(a.Community, b.Community))
	})
}

// Weekday returns the weekday of street day day, 0 Monday (day 0,
// 1970-01-01, was a Thursday), as the queries compute it.
func Weekday(day int) int { return ((day % 7) + 10) % 7 }

func (d *CountDeltas) HourRows() ([]HourKey, []int) {
	return sortedRows(d.Hours, func(a, b HourKey) int {
		return cmp.Or(cmp.Compare(a.Day, b.Day), cmp.Compare(a.Hour, b.Hour), cmp.Compare(a.Community, b.Community))
	})
}

// UrgentRows returns the changes to urgent_hour_counts in key order.
func (d *CountDeltas) UrgentRows() ([]UrgentKey, []int) {
	return sortedRows(d.Urgent, func(a, b UrgentKey) int {
		return cmp.Or(cmp.Compare(a.Day, b.Day), cmp.Compare(a.Hour, b.Hour), cmp.Compare(a.Community, b.Community),
			cmp.Compare(a.Category1, b.Category1))
	})
}

// CountSQL builds the queries of core.CountStore for one dialect: SQLite's
// ? placeholders and IN lists, or PostgreSQL's $n and = ANY. With Months
// (the schema has month_totals and month_hours, 0015_months.sql) the whole
// months of a range are read from the monthly rollups and only the days
// before the first and after the last from the day tables: a year is about
// 12 months and 30 days of rows instead of 365 days.
type CountSQL struct{ Postgres, Months bool }

func (d CountSQL) ph(i int) string {
	if d.Postgres {
		return "$" + strconv.Itoa(i)
	}
	return "?"
}

// communities is the clause of q's communities over column community,
// its placeholders numbered from next.
func (d CountSQL) communities(q core.CountQuery, next int) (string, []any) {
	switch {
	case q.Communities == nil:
		return "", nil
	case len(q.Communities) == 0:
		return " AND false", nil
	case d.Postgres:
		return " AND community = ANY(" + d.ph(next) + ")", []any{q.Communities}
	}
	args := make([]any, len(q.Communities))
	for i, c := range q.Communities {
		args[i] = c
	}
	return " AND community IN (?" + strings.Repeat(", ?", len(q.Communities)-1) + ")", args
}

func (d CountSQL) where(q core.CountQuery) (string, []any) {
	where, args := d.DayRange(q)
	return "n <> 0 AND " + where, args
}

// DayRange is the WHERE clause of q's days and communities over a table
// with columns day and community.
func (d CountSQL) DayRange(q core.CountQuery) (string, []any) {
	where := "day >= " + d.ph(1) + " AND day < " + d.ph(2)
	com, cargs := d.communities(q, 3)
	return where + com, append([]any{core.StreetDay(q.From), core.StreetDay(q.To)}, cargs...)
}

// months returns the first days of the first and the last whole month of
// q's range (last exclusive: the day after the last whole month), ok false
// when the range holds no whole month or the rollups are not used.
func (d CountSQL) months(q core.CountQuery) (first, end int, ok bool) {
	if !d.Months || q.By&core.ByDay != 0 {
		return 0, 0, false
	}
	from, to := core.StreetDay(q.From), core.StreetDay(q.To)
	first = MonthStart(from)
	if first < from {
		first = MonthStart(first + 31)
	}
	end = MonthStart(to)
	return first, end, first < end
}

// split is the WHERE clauses of q over a day table (the days of [from,
// first) and of [end, to)) and over a month table ([first, end)), with
// their arguments: three range reads of the tables' keys.
func (d CountSQL) split(q core.CountQuery, first, end int) (head, tail, months string, args []any) {
	from, to := core.StreetDay(q.From), core.StreetDay(q.To)
	if d.Postgres {
		// Each placeholder once in the arguments, used in several places.
		com, cargs := d.communities(q, 5)
		rng := func(a, b int) string { return "n <> 0 AND day >= " + d.ph(a) + " AND day < " + d.ph(b) + com }
		return rng(1, 2), rng(3, 4), rng(2, 3), append([]any{from, first, end, to}, cargs...)
	}
	com, cargs := d.communities(q, 0)
	rng := "n <> 0 AND day >= ? AND day < ?" + com
	for _, r := range [][2]int{{from, first}, {end, to}, {first, end}} {
		args = append(append(args, r[0], r[1]), cargs...)
	}
	return rng, rng, rng, args
}

// Days returns the query of DayCounts: the grouped columns of q.By, then
// the sum.
func (d CountSQL) Days(q core.CountQuery) (string, []any) {
	cols := core.CountColumns(q.By)
	sel, group := "sum(n)", ""
	if len(cols) > 0 {
		sel = strings.Join(cols, ", ") + ", sum(n)"
		group = " GROUP BY " + strings.Join(cols, ", ") + " ORDER BY " + strings.Join(cols, ", ")
	}
	// A grouping by every column of a table's key reads its rows as they
	// are, in the key's order: nothing to sum or sort.
	if q.By == core.ByAll || q.By == core.ByAll&^core.ByCategory2 {
		sel, group = strings.Join(cols, ", ")+", n", " ORDER BY "+strings.Join(cols, ", ")
	}
	if q.By&core.ByCategory2 != 0 {
		where, args := d.where(q)
		return "SELECT " + sel + " FROM day_counts WHERE " + where + group, args
	}
	// day_totals: the same sums, from a fifth of the rows.
	first, end, ok := d.months(q)
	if !ok {
		where, args := d.where(q)
		return "SELECT " + sel + " FROM day_totals WHERE " + where + group, args
	}
	head, tail, months, args := d.split(q, first, end)
	inner := "SELECT " + strings.Join(append(slices.Clone(cols), "n"), ", ")
	return "SELECT " + sel + " FROM (" + inner + " FROM day_totals WHERE " + head + " UNION ALL " + inner + " FROM day_totals WHERE " + tail +
		" UNION ALL " + inner + " FROM month_totals WHERE " + months + ") AS t" + group, args
}

// Hours returns the query of HourCounts: weekday (0 Monday; day 0,
// 1970-01-01, was a Thursday), hour, [community], sum.
func (d CountSQL) Hours(q core.CountQuery) (string, []any) {
	first, end, ok := d.months(q)
	if !ok {
		where, args := d.where(q)
		cols := "((day % 7) + 10) % 7, hour"
		if q.By&core.ByCommunity != 0 {
			cols += ", community"
		}
		return "SELECT " + cols + ", sum(n) FROM hour_counts WHERE " + where + " GROUP BY " + cols + " ORDER BY " + cols, args
	}
	cols := "weekday, hour"
	if q.By&core.ByCommunity != 0 {
		cols += ", community"
	}
	head, tail, months, args := d.split(q, first, end)
	days := "SELECT ((day % 7) + 10) % 7 AS weekday, hour, community, n FROM hour_counts WHERE "
	return "SELECT " + cols + ", sum(n) FROM (" + days + head + " UNION ALL " + days + tail +
		" UNION ALL SELECT weekday, hour, community, n FROM month_hours WHERE " + months + ") AS t GROUP BY " +
		cols + " ORDER BY " + cols, args
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

// DayScanner returns a reader of the rows of Days into core.DayCounts,
// for one query (it reuses its destinations: not for concurrent use). The
// strings of the communities and categories read are shared between rows:
// a board reads thousands of rows of a few dozen names.
func DayScanner(by core.CountBy) func(scan func(dest ...any) error) (core.DayCount, error) {
	var day int64
	var com, c1, c2 sql.RawBytes
	var sum sql.NullInt64 // NULL: a total of no rows
	var dest []any
	for _, col := range core.CountColumns(by) {
		switch col {
		case "day":
			dest = append(dest, &day)
		case "community":
			dest = append(dest, &com)
		case "category1":
			dest = append(dest, &c1)
		case "category2":
			dest = append(dest, &c2)
		}
	}
	dest = append(dest, &sum)
	names := map[string]string{}
	name := func(b []byte) string {
		if s, ok := names[string(b)]; ok {
			return s
		}
		s := string(b)
		names[s] = s
		return s
	}
	return func(scan func(dest ...any) error) (core.DayCount, error) {
		var c core.DayCount
		if err := scan(dest...); err != nil {
			return c, err
		}
		if by&core.ByDay != 0 {
			c.Day = core.DayStart(int(day))
		}
		if by&core.ByCommunity != 0 {
			c.Community = name(com)
		}
		if by&core.ByCategory1 != 0 {
			c.Category1 = name(c1)
		}
		if by&core.ByCategory2 != 0 {
			c.Category2 = name(c2)
		}
		c.N = int(sum.Int64)
		return c, nil
	}
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
