package web

import (
	"net/http"
	"strings"
	"testing"
)

// TestCreateTicketAPI: POST /api/v1/tickets takes a ticket in from text
// values, checked by the field set as an import row is.
func TestCreateTicketAPI(t *testing.T) {
	f := newFixture(t)
	type apiError struct {
		Error struct{ Code, Message, Field string }
	}
	tests := []struct {
		name      string
		user      string
		body      any
		status    int
		field     string // of a refusal
		phone     string // shown in the answer
		community string
		flagged   bool
	}{
		{"staff takes a call", "staff", map[string]string{"title": "楼道灯不亮", "content": "3号楼楼道灯不亮", "caller_phone": "13812345678",
			"community": "柳荫里社区", "channel": "12345"}, http.StatusCreated, "", "13812345678", "柳荫里社区", false},
		{"community worker: their community, phone masked", "cw01", map[string]string{"content": "路灯坏了", "caller_phone": "13812345678"},
			http.StatusCreated, "", "138****5678", "望春园社区", false},
		{"a bad phone is kept, flagged", "staff", map[string]string{"content": "路灯坏了", "caller_phone": "12"}, http.StatusCreated, "", "12", "", true},
		{"a bad received time is refused", "staff", map[string]string{"content": "路灯坏了", "received_at": "昨天下午"}, http.StatusBadRequest, "received_at", "", "", false},
		{"a badly formed number is refused", "staff", map[string]string{"content": "路灯坏了", "number": "bad number!"}, http.StatusBadRequest, "number", "", "", false},
		{"unknown field", "staff", map[string]string{"content": "路灯坏了", "mood": "angry"}, http.StatusBadRequest, "mood", "", "", false},
		{"another community", "cw01", map[string]string{"content": "路灯坏了", "community": "柳荫里社区"}, http.StatusBadRequest, "community", "", "", false},
		{"no text", "staff", map[string]string{"caller_phone": "13812345678"}, http.StatusBadRequest, "content", "", "", false},
		{"not an object of texts", "staff", map[string]any{"content": 3}, http.StatusBadRequest, "content", "", "", false},
		{"leader may not", "leader", map[string]string{"content": "路灯坏了"}, http.StatusForbidden, "", "", "", false},
		{"handler may not", "hd01", map[string]string{"content": "路灯坏了"}, http.StatusForbidden, "", "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := f.postJSON(t, f.login(t, tt.user), "/api/v1/tickets", tt.body)
			if r.status != tt.status {
				t.Fatalf("status %d, want %d: %s", r.status, tt.status, r.body)
			}
			if tt.status != http.StatusCreated {
				e := decode[apiError](t, r)
				if e.Error.Message == "" || e.Error.Field != tt.field {
					t.Errorf("error %+v, want one about %q", e.Error, tt.field)
				}
				return
			}
			d := decode[ticketDetailJSON](t, r)
			if d.Status != "受理" || d.CallerPhone != tt.phone || d.Community != tt.community || d.ReceivedAt == nil {
				t.Errorf("created %+v", d.ticketJSON)
			}
			if !strings.HasPrefix(d.Number, "JC") || len(d.Events) != 1 || d.Events[0].Actor != tt.user {
				t.Errorf("number %q, events %+v", d.Number, d.Events)
			}
			if flagged := len(d.Flags) > 0; flagged != tt.flagged {
				t.Errorf("flags %v, want flagged %v", d.Flags, tt.flagged)
			}
			// The creator reads it back as GET does.
			if g := f.get(t, f.login(t, tt.user), "/api/v1/tickets/"+d.Number); g.status != http.StatusOK {
				t.Errorf("GET the new ticket: %d", g.status)
			}
		})
	}
}
