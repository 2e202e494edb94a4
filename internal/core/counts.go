package core

import (
	"context"
	"time"
)

// DayCount is a number of tickets received on one street day (00:00–24:00
// in StreetTime) in one community and category: the pre-aggregated counts
// that the dashboard, the risk alerts and the reports read instead of the
// tickets. Tickets without a receipt time are not counted.
type DayCount struct {
	Day       time.Time // 00:00 of the day in StreetTime
	Community string
	Category1 string
	Category2 string
	N         int
}

// HourCount is a number of tickets received in one hour of a street day
// (Hour 0–23) in one community.
type HourCount struct {
	Day       time.Time
	Hour      int
	Community string
	N         int
}

// CountQuery selects pre-aggregated counts: the days From (inclusive) to To
// (exclusive), both taken as street days, in the listed communities (nil:
// every community, and tickets of none).
type CountQuery struct {
	From, To    time.Time
	Communities []string
}

// CountStore reads the pre-aggregated counts. The stores keep them in the
// same transaction as every change of a ticket's receipt time, community
// or category (imports, intake, transitions), so they always equal a
// count of the tickets.
type CountStore interface {
	DayCounts(ctx context.Context, q CountQuery) ([]DayCount, error)
	HourCounts(ctx context.Context, q CountQuery) ([]HourCount, error)
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
