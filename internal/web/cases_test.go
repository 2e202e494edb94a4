package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"jiceng/internal/core"
)

// TestSimilarAPI: a ticket's similar answered cases and its reply draft,
// for those who see the ticket, the cases in their scope only.
func TestSimilarAPI(t *testing.T) {
	f := newFixture(t)
	// A new ticket like fixture ticket 1 (楼道灯不亮, 望春园社区, answered).
	if _, err := f.store.UpsertTickets(context.Background(), []core.Ticket{{Number: "QHW2502200009", Channel: "12345",
		ReceivedAt: at("2025-02-20 10:00"), Community: "望春园社区", Category1: "城乡建设", Category2: "市政设施",
		Title: "楼道灯坏了", Content: "3号楼楼道灯不亮好几天了，晚上看不见。", Status: core.StatusReceived}}, "import"); err != nil {
		t.Fatal(err)
	}
	newT, err := f.store.TicketByNumber(context.Background(), "QHW2502200009")
	if err != nil {
		t.Fatal(err)
	}
	f.server.caseIndex.building = true
	f.server.buildCases(true, f.server.Clock.Now()) // what start-up does behind
	path := "/api/v1/tickets/" + strconv.FormatInt(newT.ID, 10) + "/similar"
	for _, tt := range []struct {
		user   string
		status int
		want   string // the first case's number
	}{
		{"staff", 200, fixtureNumbers["1"]},
		{"cw01", 200, fixtureNumbers["1"]},
		{"hd00", 404, ""},
		{"hd01", 404, ""},
	} {
		r := f.get(t, f.login(t, tt.user), path)
		if r.status != tt.status {
			t.Errorf("%s: status %d, want %d", tt.user, r.status, tt.status)
			continue
		}
		if r.status != http.StatusOK {
			continue
		}
		s := decode[similarJSON](t, r)
		if !s.Ready || len(s.Cases) == 0 || s.Cases[0].Number != tt.want || s.Cases[0].Reply != "已更换灯泡。" ||
			!strings.Contains(s.Draft, "已更换灯泡") || len(s.Sources) == 0 {
			t.Errorf("%s: %+v", tt.user, s)
		}
		for _, c := range s.Cases {
			if c.Number == "QHW2502200009" {
				t.Errorf("%s: the ticket is its own case", tt.user)
			}
		}
	}
	if r := f.get(t, f.login(t, "staff"), "/tickets/"+strconv.FormatInt(newT.ID, 10)); r.status != 200 || !strings.Contains(string(r.body), `id="reply-draft"`) {
		t.Errorf("ticket page without the similar cases: %d", r.status)
	}
}
