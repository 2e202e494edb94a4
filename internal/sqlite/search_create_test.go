package sqlite

import (
	"context"
	"fmt"
	"testing"
	"time"

	"jiceng/internal/core"
)

// TestCreateIndexesWhenComplete: a few tickets created with their history
// (the form, the API) while the keyword index is complete go into it with
// them, so that keyword searches leave no tail to scan; after an import
// that left a tail, or for a large batch, indexing waits for IndexSearch.
func TestCreateIndexesWhenComplete(t *testing.T) {
	ctx := context.Background()
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, core.StreetTime)
	history := func(n int, prefix string) []core.TicketHistory {
		hs := make([]core.TicketHistory, n)
		for i := range hs {
			hs[i] = core.TicketHistory{Ticket: core.Ticket{Number: fmt.Sprintf("%s%04d", prefix, i), ReceivedAt: at,
				Title: "楼道灯不亮", Content: "三号楼楼道灯不亮一周了"},
				Events: []core.Event{{At: at, Actor: "staff", Action: core.EventCreate}}}
		}
		return hs
	}
	tail := func(db *DB) bool {
		_, tail, err := db.searchTail(ctx, "楼道")
		if err != nil {
			t.Fatal(err)
		}
		return tail
	}
	tests := []struct {
		name     string
		imported int // tickets upserted first (an import: not indexed)
		created  int
		wantTail bool
	}{
		{"one ticket, index complete", 0, 1, false},
		{"a hundred tickets", 0, indexWithCreate, false},
		{"a large batch waits", 0, indexWithCreate + 1, true},
		{"after an import's tail", 3, 1, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := mustOpen(t, nil)
			if tt.imported > 0 {
				var ts []core.Ticket
				for _, h := range history(tt.imported, "IM") {
					ts = append(ts, h.Ticket)
				}
				if _, err := db.UpsertTickets(ctx, ts, "import"); err != nil {
					t.Fatal(err)
				}
			}
			if n, err := db.CreateWithHistory(ctx, history(tt.created, "JC")); err != nil || n != tt.created {
				t.Fatalf("CreateWithHistory = %d, %v", n, err)
			}
			if got := tail(db); got != tt.wantTail {
				t.Errorf("tail = %v, want %v", got, tt.wantTail)
			}
			// Found by keyword either way, and, once indexed, by the index.
			if _, total, err := db.Tickets(ctx, core.TicketFilter{Keyword: "楼道灯"}); err != nil || total != tt.imported+tt.created {
				t.Errorf("keyword total %d, %v; want %d", total, err, tt.imported+tt.created)
			}
			if _, err := db.IndexSearch(ctx); err != nil {
				t.Fatal(err)
			}
			if _, total, err := db.Tickets(ctx, core.TicketFilter{Keyword: "楼道灯"}); err != nil || total != tt.imported+tt.created || tail(db) {
				t.Errorf("after IndexSearch: keyword total %d, %v; want %d", total, err, tt.imported+tt.created)
			}
		})
	}
}
