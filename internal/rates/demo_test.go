package rates

import (
	"slices"
	"sync"
	"testing"
	"time"

	"jiceng/internal/core"
	"jiceng/internal/demo"
)

// demoEnd is the last day of the demo history used in tests: its months
// 2025-01 … 2025-06 are complete.
var demoEnd = time.Date(2025, 6, 30, 0, 0, 0, 0, loc)

var demoCache struct {
	sync.Once
	tickets []core.Ticket
}

// demoTickets returns n demo tickets (generated once per n used), IDs from 1.
func demoTickets(tb testing.TB, n int) []core.Ticket {
	tb.Helper()
	gen := func() []core.Ticket {
		var out []core.Ticket
		err := demo.Tickets(demo.NewStreet(1), demo.Options{Seed: 1, End: demoEnd, Tickets: n}, func(t core.Ticket) error {
			t.ID = int64(len(out) + 1)
			t.Content, t.Title, t.Reply = "", "", "" // not needed; keeps memory small
			out = append(out, t)
			return nil
		})
		if err != nil {
			tb.Fatal(err)
		}
		return out
	}
	if n != 50000 {
		return gen()
	}
	demoCache.Do(func() { demoCache.tickets = gen() })
	return demoCache.tickets
}

// TestDrillDown checks on demo tickets that the IDs behind every figure
// add up: numerators are counted, inside their denominators, and the
// groups of a kind partition the street.
func TestDrillDown(t *testing.T) {
	tickets := demoTickets(t, 20000)
	byID := map[int64]*core.Ticket{}
	for i := range tickets {
		byID[tickets[i].ID] = &tickets[i]
	}
	for _, basis := range []string{BasisReceived, BasisCallback} {
		t.Run(basis, func(t *testing.T) {
			cfg := DefaultConfig()
			cfg.PeriodBasis = basis
			r, err := Compute(tickets, Month(2025, 5), cfg)
			if err != nil {
				t.Fatal(err)
			}
			if r.Street.Name != "清河湾街道" || len(r.Units) < 10 || len(r.Communities) < 5 {
				t.Fatalf("street %q, %d units, %d communities", r.Street.Name, len(r.Units), len(r.Communities))
			}
			s := &r.Street
			if s.Response.Den < 500 || s.Resolution.Den < 500 || s.Satisfaction.Den < 500 {
				t.Fatalf("too few tickets: %+v", s.Summary)
			}
			checkGroupIDs(t, s)
			for _, kind := range [][]Group{r.Units, r.Communities} {
				var resp, res, sat []int64
				for i := range kind {
					g := &kind[i]
					checkGroupIDs(t, g)
					resp = append(resp, g.Response.DenIDs...)
					res = append(res, g.Resolution.DenIDs...)
					sat = append(sat, g.Satisfaction.DenIDs...)
					for _, id := range g.Response.DenIDs {
						if tk := byID[id]; tk.Unit != g.Name && tk.Community != g.Name {
							t.Fatalf("ticket %d of %s in %s", id, tk.Unit, g.Name)
						}
					}
				}
				for _, x := range []struct {
					name string
					ids  []int64
					f    Figure
				}{{"response", resp, s.Response}, {"resolution", res, s.Resolution}, {"satisfaction", sat, s.Satisfaction}} {
					slices.Sort(x.ids)
					if !slices.Equal(x.ids, x.f.DenIDs) {
						t.Errorf("%s: groups hold %d tickets, street %d", x.name, len(x.ids), len(x.f.DenIDs))
					}
				}
			}
			// Each ID's ticket meets the figure's definition.
			mar, apr := Month(2025, 5).Start(loc), Month(2025, 5).End(loc)
			in := func(tm time.Time) bool { return !tm.Before(mar) && tm.Before(apr) }
			for _, id := range s.Response.DenIDs {
				if tk := byID[id]; !in(tk.ReceivedAt) || tk.ContactedAt.IsZero() && !dispatched(tk) {
					t.Fatalf("ticket %d in the response base", id)
				}
			}
			for _, id := range s.Resolution.NumIDs {
				tk := byID[id]
				when := tk.ReceivedAt
				if basis == BasisCallback {
					when = tk.CallbackAt
				}
				if !in(when) || tk.Resolved == nil || !*tk.Resolved {
					t.Fatalf("ticket %d counted resolved", id)
				}
			}
			checkLostAddsUp(t, r)
			if len(r.Lost) == 0 || r.Lost[0].Points <= r.Lost[len(r.Lost)-1].Points {
				t.Errorf("lost list: %d tickets", len(r.Lost))
			}
		})
	}
}

func checkGroupIDs(t *testing.T, g *Group) {
	t.Helper()
	for _, f := range []Figure{g.Response, g.Resolution, g.Satisfaction} {
		if len(f.DenIDs) != f.Den || !slices.IsSorted(f.DenIDs) || !slices.IsSorted(f.NumIDs) {
			t.Fatalf("%s: %d IDs for %d, sorted %v", g.Name, len(f.DenIDs), f.Den, slices.IsSorted(f.DenIDs))
		}
		for _, id := range f.NumIDs {
			if _, ok := slices.BinarySearch(f.DenIDs, id); !ok {
				t.Fatalf("%s: numerator ticket %d not in the denominator", g.Name, id)
			}
		}
	}
	if float64(len(g.Response.NumIDs)) != g.Response.Num || float64(len(g.Resolution.NumIDs)) != g.Resolution.Num {
		t.Fatalf("%s: numerator IDs do not match the counts", g.Name)
	}
	if len(g.SatisfiedIDs) != g.Satisfied || len(g.BasicSatisfiedIDs) != g.BasicSatisfied || len(g.DissatisfiedIDs) != g.Dissatisfied ||
		g.Satisfied+g.BasicSatisfied+g.Dissatisfied != g.Satisfaction.Den ||
		len(g.Satisfaction.NumIDs) != g.Satisfied+g.BasicSatisfied {
		t.Fatalf("%s: satisfaction IDs do not add up", g.Name)
	}
	all := slices.Concat(g.SatisfiedIDs, g.BasicSatisfiedIDs, g.DissatisfiedIDs)
	slices.Sort(all)
	if !slices.Equal(all, g.Satisfaction.DenIDs) {
		t.Fatalf("%s: satisfaction answers are not the denominator", g.Name)
	}
}

// BenchmarkComputeMonth computes a month with a year of trend over 50,000
// demo tickets (two years of a street).
func BenchmarkComputeMonth(b *testing.B) {
	tickets := demoTickets(b, 50000)
	cfg := DefaultConfig()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Compute(tickets, Month(2025, 5), cfg); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkComputeMonth50kInMonth computes one month holding all 50,000
// tickets: each ticket is moved, all its times together, into 2025-05.
func BenchmarkComputeMonth50kInMonth(b *testing.B) {
	src := demoTickets(b, 50000)
	tickets := make([]core.Ticket, len(src))
	p := Month(2025, 5)
	for i, t := range src {
		r := t.ReceivedAt.In(loc)
		shift := p.Start(loc).Sub(time.Date(r.Year(), r.Month(), 1, 0, 0, 0, 0, loc))
		for _, tm := range []*time.Time{&t.ReceivedAt, &t.ContactedAt, &t.ResolvedAt, &t.CallbackAt, &t.Deadline} {
			if !tm.IsZero() {
				*tm = tm.Add(shift)
			}
		}
		tickets[i] = t
	}
	cfg := DefaultConfig()
	r, err := Compute(tickets, p, cfg)
	if err != nil {
		b.Fatal(err)
	}
	if r.Street.Received != len(tickets) {
		b.Fatalf("%d tickets in the month, want %d", r.Street.Received, len(tickets))
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Compute(tickets, p, cfg); err != nil {
			b.Fatal(err)
		}
	}
}
