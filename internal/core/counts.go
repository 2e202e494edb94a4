package core

import (
	"context"
	"time"
)

// DayCount is a number of tickets received on one street day (00:00–24:00
// in StreetTime) in one community and category: the pre-aggregated counts
// that the dashboard, the risk alerts and the reports read instead of the
// tickets. Tickets without a receipt time are not counted. The fields a
// query does not group by are zero.
type DayCount struct {
	Day       time.Time // 00:00 of the day in StreetTime
	Community string
	Category1 string
	Category2 string
	N         int
}

// HourCount is a number of tickets received in one hour (0–23) of one
// weekday (0 Monday … 6 Sunday), in one community when the query groups
// by community.
type HourCount struct {
	Weekday   int
	Hour      int
	Community string
	N         int
}

// CountBy says what counts are grouped by; counts are summed over the rest.
type CountBy uint8

// The groupings of CountQuery.By.
const (
	ByDay CountBy = 1 << iota
	ByCommunity
	ByCategory1
	ByCategory2
	ByAll = ByDay | ByCommunity | ByCategory1 | ByCategory2
)

// CountQuery selects pre-aggregated counts: the days From (inclusive) to To
// (exclusive), both taken as street days, in the listed communities (nil:
// every community, and tickets of none), grouped By (0: one total).
type CountQuery struct {
	From, To    time.Time
	Communities []string
	By          CountBy
}

// CountStore reads the pre-aggregated counts. The stores keep them in the
// same transaction as every change of a ticket's receipt time, community
// or category (imports, intake, transitions), so they always equal a
// count of the tickets. Rows come in the order of their groups.
type CountStore interface {
	DayCounts(ctx context.Context, q CountQuery) ([]DayCount, error)
	// HourCounts groups by weekday and hour, and by community when q.By
	// has ByCommunity (its other groupings do not apply).
	HourCounts(ctx context.Context, q CountQuery) ([]HourCount, error)
}

// CountColumns returns the columns of the groups of by, in order, with the
// day first.
func CountColumns(by CountBy) []string {
	var cols []string
	for _, c := range []struct {
		b    CountBy
		name string
	}{{ByDay, "day"}, {ByCommunity, "community"}, {ByCategory1, "category1"}, {ByCategory2, "category2"}} {
		if by&c.b != 0 {
			cols = append(cols, c.name)
		}
	}
	return cols
}

// StreetDay returns the number of the street day of t: days since
// 1970-01-01 in StreetTime.
func StreetDay(t time.Time) int {
	sec := t.Unix() + 8*3600
	d := sec / 86400
	if sec%86400 < 0 {
		d--
	}
	return int(d)
}

// DayStart returns 00:00 in StreetTime of the street day number day.
func DayStart(day int) time.Time {
	return time.Unix(int64(day)*86400-8*3600, 0).In(StreetTime)
}

// Hourly counts of urgent tickets (urgent_hour_counts). A ticket is urgent
// when its urgency's time limit is a day or less: 紧急 (2 hours by default)
// and 加急 (24 hours). A daily count sees a rise of them only the morning
// after, when their limits have passed, so the risk alerts count them by
// hour too.

// UrgentHourly reports whether tickets of urgency u are counted by hour.
func UrgentHourly(u Urgency) bool { return u == UrgencyEmergency || u == UrgencyHurry }

// UrgentHourCount is a number of urgent tickets received in one hour of one
// street day in one community and top-level category. The fields a query
// does not group by (CountQuery.By: ByCommunity, ByCategory1; the hour is
// always a group) are zero.
type UrgentHourCount struct {
	Hour      time.Time // the hour's start in StreetTime
	Community string
	Category1 string
	N         int
}

// UrgentCountStore reads the hourly counts of urgent tickets, kept like the
// day counts in the same transaction as every write of a ticket. Rows come
// by hour, then community and category.
type UrgentCountStore interface {
	UrgentHourCounts(ctx context.Context, q CountQuery) ([]UrgentHourCount, error)
}
