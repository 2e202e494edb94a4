package web

import (
	"net/http"
	"slices"
	"strings"
	"testing"
)

// TestScope: community workers and handlers with a unit see the tickets of
// their community or unit, in lists and details; others see the street.
func TestScope(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		user      string
		list      []string // ticket numbers of the list, newest first
		forbidden []string // ticket ids whose detail is refused
		allowed   []string
	}{
		{"cw01", []string{"QHW2502100003", "QHW2501050001"}, []string{"2"}, []string{"1", "3"}},
		{"hd01", []string{"QHW2501200002"}, []string{"1", "3"}, []string{"2"}},
		{"handler", []string{"QHW2501050001"}, []string{"2", "3"}, []string{"1"}},
		{"hd00", nil, []string{"1", "2", "3"}, nil}, // no unit: nothing (fail closed)
		{"staff", []string{"QHW2502100003", "QHW2501200002", "QHW2501050001"}, nil, []string{"1", "2", "3"}},
	}
	for _, tt := range tests {
		t.Run(tt.user, func(t *testing.T) {
			c := f.login(t, tt.user)
			list := decode[ticketListJSON](t, f.get(t, c, "/api/v1/tickets"))
			var got []string
			for _, it := range list.Items {
				got = append(got, it.Number)
			}
			if !slices.Equal(got, tt.list) || list.Total != len(tt.list) {
				t.Errorf("list = %v (total %d), want %v", got, list.Total, tt.list)
			}
			// A filter for another community does not widen the scope.
			if other := decode[ticketListJSON](t, f.get(t, c, "/api/v1/tickets?community=柳荫里社区")); tt.user == "cw01" && other.Total != 0 {
				t.Errorf("cw01 sees %d tickets of another community", other.Total)
			}
			page := string(f.get(t, c, "/tickets").body)
			for _, n := range tt.list {
				if !strings.Contains(page, n) {
					t.Errorf("list page lacks %s", n)
				}
			}
			// A ticket out of scope answers exactly as a missing one.
			missingAPI, missingPage := f.get(t, c, "/api/v1/tickets/999"), f.get(t, c, "/tickets/999")
			for _, id := range tt.forbidden {
				if r := f.get(t, c, "/api/v1/tickets/"+id); r.status != http.StatusNotFound || string(r.body) != string(missingAPI.body) {
					t.Errorf("ticket %s: %d %s, want 404 %s", id, r.status, r.body, missingAPI.body)
				}
				if r := f.get(t, c, "/tickets/"+id); r.status != http.StatusNotFound || !strings.Contains(string(r.body), "工单不存在") ||
					string(r.body) != string(missingPage.body) {
					t.Errorf("ticket page %s: status %d, want 404 as for a missing ticket", id, r.status)
				}
			}
			for _, id := range tt.allowed {
				if r := f.get(t, c, "/api/v1/tickets/"+id); r.status != http.StatusOK {
					t.Errorf("ticket %s: status %d, want 200", id, r.status)
				}
			}
		})
	}
}

// TestTicketByNumber: staff find a ticket by the number they read on the
// phone, in the search box and in the address; out of scope it is missing.
func TestTicketByNumber(t *testing.T) {
	f := newFixture(t)
	const number = "QHW2501050001" // ticket 1, 望春园社区
	tests := []struct {
		user string
		sees bool
	}{{"staff", true}, {"handler", true}, {"hd01", false}}
	for _, tt := range tests {
		t.Run(tt.user, func(t *testing.T) {
			c := f.login(t, tt.user)
			list := decode[ticketListJSON](t, f.get(t, c, "/api/v1/tickets?q="+number))
			if got := list.Total == 1 && len(list.Items) == 1 && list.Items[0].Number == number; got != tt.sees {
				t.Errorf("API q=number: %+v, want found %v", list, tt.sees)
			}
			page := f.get(t, c, "/tickets?q="+number)
			if redirected := page.status == http.StatusSeeOther && page.header.Get("Location") == "/tickets/1"; redirected != tt.sees {
				t.Errorf("search box: %d %q, want the ticket opened: %v", page.status, page.header.Get("Location"), tt.sees)
			}
			byNumber, byID := f.get(t, c, "/api/v1/tickets/"+number), f.get(t, c, "/api/v1/tickets/1")
			if byNumber.status != byID.status || string(byNumber.body) != string(byID.body) {
				t.Errorf("by number %d, by id %d: want the same answer", byNumber.status, byID.status)
			}
			if want := map[bool]int{true: 200, false: 404}[tt.sees]; f.get(t, c, "/tickets/"+number).status != want {
				t.Errorf("page by number: want %d", want)
			}
		})
	}
	c := f.login(t, "staff")
	if r := f.get(t, c, "/tickets/NOPE-0000"); r.status != http.StatusNotFound {
		t.Errorf("unknown number: %d", r.status)
	}
}
