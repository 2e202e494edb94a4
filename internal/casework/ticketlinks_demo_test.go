package casework

import (
	"context"
	"os"
	"testing"
	"time"

	"jiceng/internal/core"
	"jiceng/internal/fieldset"
	"jiceng/internal/sqlite"
	"jiceng/internal/workflow"
)

// TestTicketLinksDemo reports how many of a demo street's tickets link to
// a person, a house and an enterprise, and the lookup time per ticket
// (a report, not an assertion). Opt-in, on a copy of a demo database:
//
//	go run ./cmd/jiceng demo   # builds jiceng-demo.db; stop it, then
//	JICENG_DEMO_DB=/path/to/jiceng-demo.db go test ./internal/casework -run TestTicketLinksDemo -v
//
// Every 20th ticket is looked up, as an administrator (the whole street).
func TestTicketLinksDemo(t *testing.T) {
	path := os.Getenv("JICENG_DEMO_DB")
	if path == "" {
		t.Skip("JICENG_DEMO_DB not set")
	}
	ctx := context.Background()
	st, err := sqlite.Open(ctx, path, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	s := &Service{Store: st, Workflow: &workflow.Engine{}, Clock: time.Now}
	admin := core.User{Username: "admin", Role: core.RoleAdmin}
	var ids []int64
	for off := 0; ; off += core.MaxLimit {
		ts, _, err := st.Tickets(ctx, core.TicketFilter{Offset: off, Limit: core.MaxLimit})
		if err != nil {
			t.Fatal(err)
		}
		for _, tk := range ts {
			ids = append(ids, tk.ID)
		}
		if len(ts) < core.MaxLimit {
			break
		}
	}
	n, linked := 0, map[string]int{}
	reasons := map[string]int{}
	var took time.Duration
	for i := 0; i < len(ids); i += 20 {
		start := time.Now()
		links, err := s.TicketRecords(ctx, admin, ids[i])
		took += time.Since(start)
		if err != nil {
			t.Fatal(err)
		}
		n++
		kinds := map[string]bool{}
		for _, l := range links {
			kinds[l.Record.Kind] = true
			reasons[l.Reason]++
		}
		for k := range kinds {
			linked[k]++
		}
	}
	t.Logf("%d tickets of %d looked up: person %d, house %d, enterprise %d; links by reason %v; %.2f ms per ticket",
		n, len(ids), linked[fieldset.KindPerson], linked[fieldset.KindHouse], linked[fieldset.KindEnterprise], reasons,
		float64(took.Microseconds())/1000/float64(max(n, 1)))
}
