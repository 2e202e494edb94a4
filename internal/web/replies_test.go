package web

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestRepliesAPI: the period's reply quality is computed behind, then
// listed for the board's roles; a ticket's page shows its reply's check.
func TestRepliesAPI(t *testing.T) {
	f := newFixture(t)
	staff := f.login(t, "staff")
	const path = "/api/v1/replies?from=2025-01-01&to=2025-02-28"
	var got replyReportJSON
	// The first request starts the computation; it is ready within the
	// cache's compute bound (a wait, not a timed assertion).
	for i := 0; i < 200; i++ {
		got = decode[replyReportJSON](t, f.get(t, staff, path))
		if got.Ready {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if !got.Ready || got.Checked != 1 || len(got.Worst) != 1 || got.Worst[0].Number != fixtureNumbers["1"] || len(got.Worst[0].Parts) == 0 {
		t.Fatalf("report %+v", got)
	}
	for _, tt := range []struct {
		user   string
		status int
	}{{"leader", 200}, {"cw01", 200}, {"hd01", 403}, {"resident", 403}} {
		if r := f.get(t, f.login(t, tt.user), path); r.status != tt.status {
			t.Errorf("%s: %d, want %d", tt.user, r.status, tt.status)
		}
	}
	if r := f.get(t, staff, "/replies?from=2025-01-01&to=2025-02-28"); r.status != 200 || !strings.Contains(string(r.body), fixtureNumbers["1"]) {
		t.Errorf("replies page: %d", r.status)
	}
	if r := f.get(t, staff, "/tickets/1"); r.status != http.StatusOK || !strings.Contains(string(r.body), `id="reply-check"`) {
		t.Errorf("ticket page without its reply check: %d", r.status)
	}
}
