package storetest

import (
	"context"
	"slices"
	"syscall"
	"testing"
	"time"

	"jiceng/internal/core"
)

// cpuTime is the CPU time (user and system) the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchUpsert measures the import stage on s: batches of batch new,
// realistic tickets per UpsertTickets call. It reports tickets/s (wall
// time) and tickets/cpu-s (tickets per second of the process's CPU time,
// which is what a busy, shared machine does not distort).
func BenchUpsert(b *testing.B, s core.Store, batch int) {
	ctx := context.Background()
	g := NewGen(1)
	n := 0
	var wall, cpu time.Duration
	for b.Loop() {
		b.StopTimer()
		ts := g.Tickets(n, batch)
		n += batch
		b.StartTimer()
		t0, c0 := time.Now(), cpuTime()
		res, err := s.UpsertTickets(ctx, ts, "import:bench")
		wall += time.Since(t0)
		cpu += cpuTime() - c0
		if err != nil || res.Created != batch {
			b.Fatalf("UpsertTickets: %+v, %v", res, err)
		}
	}
	b.ReportMetric(float64(n)/wall.Seconds(), "tickets/s")
	b.ReportMetric(float64(n)/cpu.Seconds(), "tickets/cpu-s")
}

// BenchUnchanged measures re-importing a stored batch: read, compare, write
// nothing.
func BenchUnchanged(b *testing.B, s core.Store, batch int) {
	ctx := context.Background()
	ts := NewGen(1).Tickets(0, batch)
	if _, err := s.UpsertTickets(ctx, ts, "import:bench"); err != nil {
		b.Fatal(err)
	}
	n := 0
	t0 := time.Now()
	for b.Loop() {
		res, err := s.UpsertTickets(ctx, ts, "import:bench")
		if err != nil || res.Unchanged != batch {
			b.Fatalf("UpsertTickets: %+v, %v", res, err)
		}
		n += batch
	}
	b.ReportMetric(float64(n)/time.Since(t0).Seconds(), "tickets/s")
}

// Fill stores n generated tickets in s (numbers 0 to n-1) in batches,
// calling progress after each batch.
func Fill(ctx context.Context, s core.Store, n, batch int, progress func(done int)) error {
	g := NewGen(1)
	for i := 0; i < n; i += batch {
		k := min(batch, n-i)
		if _, err := s.UpsertTickets(ctx, g.Tickets(i, k), "import:bench"); err != nil {
			return err
		}
		if progress != nil {
			progress(i + k)
		}
	}
	if ix, ok := s.(core.SearchIndexer); ok {
		if _, err := ix.IndexSearch(ctx); err != nil {
			return err
		}
	}
	return nil
}

// QueryMix is a mix of filtered first pages as the workbench asks them, for
// a store filled by Fill with n tickets.
func QueryMix(n int) []struct {
	Name string
	F    core.TicketFilter
} {
	g := NewGen(1)
	mid := g.Start.Add(time.Duration(n/2) * Interval)
	type q = struct {
		Name string
		F    core.TicketFilter
	}
	return []q{
		{"newest", core.TicketFilter{}},
		{"status", core.TicketFilter{Status: core.StatusHandling}},
		{"community+month", core.TicketFilter{Community: "第07社区", From: mid, To: mid.AddDate(0, 1, 0)}},
		{"community+year", core.TicketFilter{Community: "第12社区", From: mid, To: mid.AddDate(1, 0, 0)}},
		{"category1", core.TicketFilter{Category1: "一级分类1"}},
		{"category3", core.TicketFilter{Category3: "三级分类42"}},
		{"unit", core.TicketFilter{Unit: "U17"}},
		{"intent", core.TicketFilter{Intent: "投诉"}},
		{"channel", core.TicketFilter{Channel: "网格巡查"}},
		{"keyword 2", core.TicketFilter{Keyword: "漏水"}},
		{"keyword 4", core.TicketFilter{Keyword: "电梯故障"}},
		{"keyword common", core.TicketFilter{Keyword: "噪音"}},
		{"keyword rare", core.TicketFilter{Keyword: "加装电梯"}},
		{"keyword 1", core.TicketFilter{Keyword: "灯", From: mid, To: mid.AddDate(0, 1, 0)}},
		{"status+community+month", core.TicketFilter{Status: core.StatusResolved, Community: "第03社区", From: mid, To: mid.AddDate(0, 1, 0)}},
		{"category1+intent+keyword", core.TicketFilter{Category1: "一级分类2", Intent: "求助", Keyword: "噪音"}},
		{"unit+status", core.TicketFilter{Unit: "U05", Status: core.StatusReceived}},
		{"page 20", core.TicketFilter{Status: core.StatusClosed, Offset: 1000}},
	}
}

// BenchQueries runs the query mix on s rounds times and reports p50 and p95
// of the latency of one Tickets call (page and count), over all queries;
// with verbose, the median of each query is logged.
func BenchQueries(b *testing.B, s core.Store, n int) {
	ctx := context.Background()
	mix := QueryMix(n)
	var all []time.Duration
	per := make([][]time.Duration, len(mix))
	for b.Loop() {
		for i, q := range mix {
			t0 := time.Now()
			_, total, err := s.Tickets(ctx, q.F)
			d := time.Since(t0)
			if err != nil {
				b.Fatalf("%s: %v", q.Name, err)
			}
			if total == 0 {
				b.Fatalf("%s: no tickets match", q.Name)
			}
			all = append(all, d)
			per[i] = append(per[i], d)
		}
	}
	for i, q := range mix {
		_, total, _ := s.Tickets(ctx, q.F)
		b.Logf("%-26s p50 %6.1f ms  p95 %6.1f ms  (%d matches)", q.Name, ms(pct(per[i], 50)), ms(pct(per[i], 95)), total)
	}
	b.ReportMetric(ms(pct(all, 50)), "p50-ms")
	b.ReportMetric(ms(pct(all, 95)), "p95-ms")
	b.ReportMetric(ms(pct(all, 100)), "max-ms")
}

func pct(ds []time.Duration, p int) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	i := (len(s)*p + 99) / 100
	return s[max(0, min(len(s)-1, i-1))]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// BenchPutPredictions measures PutPredictions on s: batches of batch full
// predictions per call, for tickets stored beforehand (a few batches' worth,
// cycled, so that later batches replace earlier predictions as re-imports
// do). It reports predictions/s (wall time) and predictions/cpu-s.
func BenchPutPredictions(b *testing.B, s core.Store, batch int) {
	ctx := context.Background()
	const rounds = 4
	g := NewGen(1)
	var ids []int64
	for r := range rounds {
		ts := g.Tickets(r*batch, batch)
		if _, err := s.UpsertTickets(ctx, ts, "import:bench"); err != nil {
			b.Fatal(err)
		}
		for _, t := range ts {
			tk, err := s.TicketByNumber(ctx, t.Number)
			if err != nil {
				b.Fatal(err)
			}
			ids = append(ids, tk.ID)
		}
	}
	ps := make([]core.Prediction, batch)
	n := 0
	var wall, cpu time.Duration
	for b.Loop() {
		off := (n / batch % rounds) * batch
		for i := range ps {
			ps[i] = fullPrediction(ids[off+i])
		}
		t0, c0 := time.Now(), cpuTime()
		err := s.PutPredictions(ctx, ps)
		wall += time.Since(t0)
		cpu += cpuTime() - c0
		if err != nil {
			b.Fatalf("PutPredictions: %v", err)
		}
		n += batch
	}
	b.ReportMetric(float64(n)/wall.Seconds(), "predictions/s")
	b.ReportMetric(float64(n)/cpu.Seconds(), "predictions/cpu-s")
}
