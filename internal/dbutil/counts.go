package dbutil

import (
	"cmp"
	"slices"

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

// CountDeltas are the changes of a transaction to the pre-aggregated
// counts. The zero value is ready to use.
type CountDeltas struct {
	Days  map[DayKey]int
	Hours map[HourKey]int
}

// Add counts the change from old to t; old is nil for a new ticket.
func (d *CountDeltas) Add(old, t *core.Ticket) {
	if old != nil && old.ReceivedAt.Equal(t.ReceivedAt) && old.Community == t.Community &&
		old.Category1 == t.Category1 && old.Category2 == t.Category2 {
		return
	}
	if d.Days == nil {
		d.Days, d.Hours = map[DayKey]int{}, map[HourKey]int{}
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
