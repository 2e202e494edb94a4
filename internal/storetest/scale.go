package storetest

import (
	"fmt"
	"time"

	"jiceng/internal/core"
)

// ScaleSpan is how long the tickets of ScaleTickets span: three years,
// whatever their number, so that a district of ten million tickets has the
// months of one of a million, only fuller.
const ScaleSpan = 3 * 365 * 24 * time.Hour

// ScaleTickets returns tickets numbered from to from+k-1 of a store of n
// tickets: Gen's tickets (drawn from g in order) with their times moved so
// that the n tickets span ScaleSpan from g.Start (at a million tickets they
// are Gen's own).
func ScaleTickets(g *Gen, n, from, k int) []core.Ticket {
	ts := g.Tickets(from, k)
	if n == 1_000_000 {
		return ts
	}
	step := ScaleSpan / time.Duration(n)
	for i := range ts {
		t := &ts[i]
		d := g.Start.Add(time.Duration(from+i) * step).Sub(g.Start.Add(time.Duration(from+i) * Interval)).Truncate(time.Second)
		t.ReceivedAt, t.Deadline = t.ReceivedAt.Add(d), t.Deadline.Add(d)
		t.ContactedAt, t.ResolvedAt, t.CallbackAt = t.ContactedAt.Add(d), t.ResolvedAt.Add(d), t.CallbackAt.Add(d)
	}
	return ts
}

// ScaleQuery is one kind of ticket list the workbench asks for, as the
// filter of its round i: each round asks for other values (another status,
// community, month, keyword), so that a benchmark does not time the same
// query, whose pages the server keeps, over and over.
type ScaleQuery struct {
	Name string
	F    func(i int) core.TicketFilter
}

// Keywords of ScaleQueries: the common ones are the problems of about one
// ticket in 13 to one in 30 (Gen.issue), the rare ones about one in 3,000.
var (
	scaleCommon = []string{"噪音扰民", "路灯不亮", "垃圾清运", "停车位", "楼道堆物"}
	scaleRare   = []string{"加装电梯", "老旧小区改造", "电动车进楼", "供暖费退费", "防盗门损坏"}
)

// ScaleQueries are the lists of the ticket workbench (/tickets and
// /api/v1/tickets) on a store of n tickets from ScaleTickets: the first
// page without a filter, with each single filter, with two, with a common
// and a rare keyword, and page 21. countUpTo is the filter's CountUpTo (the
// workbench page's 1,000; 0 for the API's exact counts).
func ScaleQueries(n, countUpTo int) []ScaleQuery {
	start := NewGen(1).Start
	month := func(i int) (time.Time, time.Time) {
		m := start.AddDate(0, 1+i%34, 0)
		return m, m.AddDate(0, 1, 0)
	}
	community := func(i int) string { return fmt.Sprintf("第%02d社区", i%30) }
	q := func(name string, f func(i int) core.TicketFilter) ScaleQuery {
		return ScaleQuery{name, func(i int) core.TicketFilter {
			tf := f(i)
			tf.Limit, tf.CountUpTo = 50, countUpTo
			return tf
		}}
	}
	return []ScaleQuery{
		q("newest", func(int) core.TicketFilter { return core.TicketFilter{} }),
		q("status", func(i int) core.TicketFilter { return core.TicketFilter{Status: core.Statuses[i%len(core.Statuses)]} }),
		q("community", func(i int) core.TicketFilter { return core.TicketFilter{Community: community(i)} }),
		q("category1", func(i int) core.TicketFilter { return core.TicketFilter{Category1: fmt.Sprintf("一级分类%d", i%3)} }),
		q("unit", func(i int) core.TicketFilter { return core.TicketFilter{Unit: fmt.Sprintf("U%02d", i%60)} }),
		q("intent", func(i int) core.TicketFilter { return core.TicketFilter{Intent: core.Intents[i%len(core.Intents)]} }),
		q("channel", func(i int) core.TicketFilter { return core.TicketFilter{Channel: core.Channels[i%4]} }),
		q("month", func(i int) core.TicketFilter {
			from, to := month(i)
			return core.TicketFilter{From: from, To: to}
		}),
		q("status+community", func(i int) core.TicketFilter {
			return core.TicketFilter{Status: core.Statuses[i%len(core.Statuses)], Community: community(i * 7)}
		}),
		q("community+month", func(i int) core.TicketFilter {
			from, to := month(i)
			return core.TicketFilter{Community: community(i * 7), From: from, To: to}
		}),
		q("keyword common", func(i int) core.TicketFilter { return core.TicketFilter{Keyword: scaleCommon[i%len(scaleCommon)]} }),
		q("keyword rare", func(i int) core.TicketFilter { return core.TicketFilter{Keyword: scaleRare[i%len(scaleRare)]} }),
		q("keyword+community", func(i int) core.TicketFilter {
			return core.TicketFilter{Keyword: scaleCommon[i%len(scaleCommon)], Community: community(i * 7)}
		}),
		q("status page 21", func(i int) core.TicketFilter {
			return core.TicketFilter{Status: core.Statuses[i%len(core.Statuses)], Offset: 1000}
		}),
	}
}

// Latencies collects the durations of timed calls and reports their p50 and
// p95 (and max) in milliseconds.
type Latencies []time.Duration

// Time runs fn and records how long it took.
func (l *Latencies) Time(fn func() error) error {
	t0 := time.Now()
	err := fn()
	*l = append(*l, time.Since(t0))
	return err
}

// P returns the p-th percentile in milliseconds.
func (l Latencies) P(p int) float64 { return ms(pct(l, p)) }

// Report reports p50-ms, p95-ms and max-ms on b.
func (l Latencies) Report(b interface{ ReportMetric(float64, string) }) {
	b.ReportMetric(l.P(50), "p50-ms")
	b.ReportMetric(l.P(95), "p95-ms")
	b.ReportMetric(l.P(100), "max-ms")
}
