package dbutil

import (
	"strconv"
	"strings"
	"time"

	"jiceng/internal/core"
)

// VisitColumns are the columns of service_visits, in the order ScanVisit
// reads them.
const VisitColumns = `id, person_id, rule, day, by_user, note, community, created_at`

// VisitDay is the stored form of a visit's date: its calendar day in
// core.StreetTime, YYYY-MM-DD (sorts as the dates do).
func VisitDay(t time.Time) string { return t.In(core.StreetTime).Format(time.DateOnly) }

// ParseVisitDay is the inverse of VisitDay: 00:00 of the day in
// core.StreetTime.
func ParseVisitDay(s string) (time.Time, error) {
	return time.ParseInLocation(time.DateOnly, s, core.StreetTime)
}

// VisitsSQL returns the query of core.VisitStore.Visits for f, with
// PostgreSQL's $n placeholders when postgres, else SQLite's ?.
func VisitsSQL(f core.VisitFilter, postgres bool) (string, []any) {
	var (
		where []string
		args  []any
	)
	ph := func(v any) string {
		args = append(args, v)
		if postgres {
			return "$" + strconv.Itoa(len(args))
		}
		return "?"
	}
	in := func(col string, n int, each func(i int) any, all any) {
		switch {
		case n == 0:
			where = append(where, "false")
		case postgres:
			where = append(where, col+" = ANY("+ph(all)+")")
		default:
			ps := make([]string, n)
			for i := range n {
				ps[i] = ph(each(i))
			}
			where = append(where, col+" IN ("+strings.Join(ps, ", ")+")")
		}
	}
	if f.PersonIDs != nil {
		in("person_id", len(f.PersonIDs), func(i int) any { return f.PersonIDs[i] }, f.PersonIDs)
	}
	if f.Communities != nil {
		in("community", len(f.Communities), func(i int) any { return f.Communities[i] }, f.Communities)
	}
	if f.Rule != "" {
		where = append(where, "rule = "+ph(f.Rule))
	}
	if !f.Since.IsZero() {
		where = append(where, "day >= "+ph(VisitDay(f.Since)))
	}
	if !f.Until.IsZero() {
		where = append(where, "day <= "+ph(VisitDay(f.Until)))
	}
	q := "SELECT " + VisitColumns + " FROM service_visits"
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY day DESC, id DESC"
	if f.Limit > 0 {
		q += " LIMIT " + strconv.Itoa(f.Limit)
	}
	return q, args
}
