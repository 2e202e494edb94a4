package postgres

import (
	"context"
	"testing"
	"time"

	"jiceng/internal/core"
	"jiceng/internal/storetest"
)

// TestKeywordProbe checks that keyword lists answered from the newest
// tickets (keywordProbe, here of the newest 300 of 2,500) are the lists of
// the keyword index: the same page, and the same total or, counting up to
// CountUpTo, one above Offset+CountUpTo where the total is.
func TestKeywordProbe(t *testing.T) {
	ctx := context.Background()
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	db := mustOpen(t, core.Clock(func() time.Time { return at }))
	const n = 2500
	if err := bulkFill(ctx, db, n, 1000, nil); err != nil {
		t.Fatal(err)
	}
	list := func(rows int, f core.TicketFilter) ([]core.Ticket, int) {
		t.Helper()
		old := keywordProbeRows
		keywordProbeRows = rows
		defer func() { keywordProbeRows = old }()
		ts, total, err := db.Tickets(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		return ts, total
	}
	filters := []core.TicketFilter{
		{Keyword: "噪音扰民"}, {Keyword: "噪音扰民", Offset: 40}, {Keyword: "噪音扰民", Offset: 400},
		{Keyword: "噪音", Status: core.StatusClosed}, {Keyword: "加装电梯"}, {Keyword: "扰民 路灯"}, {Keyword: "灯"},
		{Keyword: "没有这个词"}, {Keyword: "噪音扰民", Community: "第03社区", From: at.AddDate(-3, 6, 0), To: at.AddDate(-2, 0, 0)},
	}
	probed := 0
	for _, base := range filters {
		for _, upTo := range []int{0, 5, 1000} {
			f := base
			f.Limit, f.CountUpTo = 20, upTo
			want, wantTotal := list(0, f)
			got, total := list(300, f)
			if (upTo == 0 || wantTotal <= f.Offset+upTo) && total != wantTotal ||
				upTo > 0 && wantTotal > f.Offset+upTo && total <= f.Offset+upTo {
				t.Errorf("%+v: total %d, want %d", f, total, wantTotal)
			}
			if len(got) != len(want) {
				t.Errorf("%+v: %d tickets, want %d", f, len(got), len(want))
				continue
			}
			for i := range got {
				if got[i].ID != want[i].ID || got[i].Number != want[i].Number || got[i].Content != want[i].Content {
					t.Errorf("%+v: ticket %d is %d, want %d", f, i, got[i].ID, want[i].ID)
					break
				}
			}
			if len(want) == f.Limit && f.Offset < 100 {
				probed++
			}
		}
	}
	if probed == 0 {
		t.Error("no filter had a full page among the newest: the probe was not tried")
	}
	_ = storetest.ScaleSpan
}
