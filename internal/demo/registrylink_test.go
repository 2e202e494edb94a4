package demo_test

import (
	"context"
	"testing"
	"time"

	"jiceng/internal/casework"
	"jiceng/internal/core"
	"jiceng/internal/demo"
	"jiceng/internal/fieldset"
	"jiceng/internal/workflow"
)

// TestTicketsLinkToRegistries builds a demo street with its registries and
// checks that a realistic share of the tickets link to a registry record
// by casework.LinkTicket, for each reason, and that the linkage of the
// demo persons leaves a bounded clerical-review queue.
func TestTicketsLinkToRegistries(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	end := time.Date(2026, 11, 26, 12, 0, 0, 0, core.StreetTime)
	if _, err := demo.Build(ctx, db, demo.Options{Seed: 1, End: end, Tickets: 3000}, fakeHash); err != nil {
		t.Fatal(err)
	}
	if _, err := demo.LoadRecords(ctx, db, t.TempDir(), demo.RecordsOptions{Seed: 1, End: end}); err != nil {
		t.Fatal(err)
	}
	byComm := map[string][]core.Record{}
	var firms []core.Record
	if err := db.ScanRecords(ctx, core.RecordFilter{Status: core.RecordActive}, func(r core.Record) error {
		if r.Kind == fieldset.KindEnterprise {
			firms = append(firms, r)
		} else {
			byComm[r.Community] = append(byComm[r.Community], r)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	ts, total, err := db.Tickets(ctx, core.TicketFilter{Limit: core.MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	for off := len(ts); off < total; off += core.MaxLimit {
		more, _, err := db.Tickets(ctx, core.TicketFilter{Offset: off, Limit: core.MaxLimit})
		if err != nil {
			t.Fatal(err)
		}
		ts = append(ts, more...)
	}
	person, kinds, reasons := 0, map[string]int{}, map[string]int{}
	for _, tk := range ts {
		cands := append(append([]core.Record(nil), byComm[tk.Community]...), firms...)
		seen := map[string]bool{}
		for _, l := range casework.LinkTicket(tk, cands) {
			if !seen[l.Record.Kind] {
				seen[l.Record.Kind] = true
				kinds[l.Record.Kind]++
				if l.Record.Kind == fieldset.KindPerson {
					reasons[l.Reason]++
				}
			}
		}
		if seen[fieldset.KindPerson] {
			person++
		}
	}
	share := float64(person) / float64(len(ts))
	t.Logf("%d tickets: person %d (%.1f%%, by reason %v), house %d, enterprise %d", len(ts), person, 100*share, reasons,
		kinds[fieldset.KindHouse], kinds[fieldset.KindEnterprise])
	if share < 0.08 || share > 0.3 {
		t.Errorf("%.1f%% of tickets link to a person, want about 10–20%%", 100*share)
	}
	for _, why := range []string{casework.ReasonPhone, casework.ReasonIDNumber, casework.ReasonNameAddress} {
		if reasons[why] < 10 {
			t.Errorf("%d tickets link to a person %s, want ≥ 10", reasons[why], why)
		}
	}
	if kinds[fieldset.KindHouse] < len(ts)/20 {
		t.Errorf("%d tickets link to a house, want ≥ %d", kinds[fieldset.KindHouse], len(ts)/20)
	}
	if kinds[fieldset.KindEnterprise] < 10 {
		t.Errorf("%d tickets link to an enterprise, want ≥ 10", kinds[fieldset.KindEnterprise])
	}

	s := &casework.Service{Store: db, Workflow: &workflow.Engine{}, Clock: func() time.Time { return end }}
	run, err := s.LinkRecords(ctx, core.User{Username: "admin", Role: core.RoleAdmin}, fieldset.KindPerson)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("person linkage: %d records, %d clusters, %d review pairs", run.Records, run.Clusters, run.Review)
	if run.Clusters == 0 {
		t.Error("linkage found no clusters")
	}
	if run.Review < 1 || run.Review > 200 {
		t.Errorf("%d review pairs, want 1–200", run.Review)
	}
}
