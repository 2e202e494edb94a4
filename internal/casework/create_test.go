package casework

import (
	"context"
	"errors"
	"strings"
	"testing"

	"jiceng/internal/core"
)

// TestCreate: who takes tickets in, for which community, and what is
// stored of them.
func TestCreate(t *testing.T) {
	ctx := context.Background()
	const card = "6222021234567890123"
	base := core.Ticket{Title: "楼道灯坏了", Content: "3号楼楼道灯坏了，退款打到我的卡" + card, CallerName: "钱七", CallerPhone: "13612345678"}
	with := func(f func(*core.Ticket)) core.Ticket {
		tk := base
		f(&tk)
		return tk
	}
	tests := []struct {
		name      string
		user      string
		ticket    core.Ticket
		code      string
		field     string
		community string // of the stored ticket
	}{
		{"staff takes a call", "staff", with(func(t *core.Ticket) { t.Community, t.Channel = "柳荫里社区", core.ChannelHotline }), "", "", "柳荫里社区"},
		{"admin, no community", "admin", base, "", "", ""},
		{"community worker: their community by default", "cw01", base, "", "", "望春园社区"},
		{"community worker: their own community", "cw02", with(func(t *core.Ticket) { t.Community = "柳荫里社区" }), "", "", "柳荫里社区"},
		{"community worker: not another community", "cw01", with(func(t *core.Ticket) { t.Community = "柳荫里社区" }), core.EINVALID, "community", ""},
		{"handler may not", "hd01", base, core.EFORBIDDEN, "", ""},
		{"leader may not", "leader", base, core.EFORBIDDEN, "", ""},
		{"resident may not (the portal comes with its own rules)", "resident", base, core.EFORBIDDEN, "", ""},
		{"account without a unit", "hdNone", base, core.EFORBIDDEN, "", ""},
		{"no text", "staff", with(func(t *core.Ticket) { t.Title, t.Content = " ", "" }), core.EINVALID, "content", ""},
		{"unknown channel", "staff", with(func(t *core.Ticket) { t.Channel = "飞鸽传书" }), core.EINVALID, "channel", ""},
		{"unknown community", "staff", with(func(t *core.Ticket) { t.Community = "不存在社区" }), core.EINVALID, "community", ""},
		{"number that exists: a conflict, not an update", "staff", with(func(t *core.Ticket) { t.Number = number["T1"] }), core.ECONFLICT, "", ""},
		{"number badly formed", "staff", with(func(t *core.Ticket) { t.Number = "工单 1" }), core.EINVALID, "number", ""},
		{"given number", "staff", with(func(t *core.Ticket) { t.Number = "12345-2503-0009" }), "", "", ""},
		{"life-cycle fields are the workflow's", "staff", with(func(t *core.Ticket) {
			t.Status, t.Unit, t.Reply, t.Satisfaction = core.StatusClosed, "城市管理办公室", "已办", core.Satisfied
		}), "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, ids, changed := newService(t)
			u := users[tt.user]
			before, _ := s.Store.TicketEvents(ctx, ids["T1"])
			got, err := s.Create(ctx, u, tt.ticket)
			if code := core.ErrorCode(err); code != tt.code {
				t.Fatalf("code %q (%v), want %q", code, err, tt.code)
			}
			var fe *core.FieldError
			if tt.field != "" && (!errors.As(err, &fe) || fe.Field != tt.field) {
				t.Errorf("error %v, want one about %s", err, tt.field)
			}
			if err != nil {
				if changed.Load() != 0 {
					t.Error("Changed called after a refusal")
				}
				if after, _ := s.Store.TicketEvents(ctx, ids["T1"]); len(after) != len(before) {
					t.Error("a refused create changed T1")
				}
				if _, total, _ := s.Store.Tickets(ctx, core.TicketFilter{Limit: 1}); total != 3 {
					t.Errorf("%d tickets after a refusal, want 3", total)
				}
				return
			}
			if changed.Load() != 1 {
				t.Errorf("Changed called %d times", changed.Load())
			}
			if got.ID == 0 || got.Status != core.StatusReceived || got.Unit != "" || got.Reply != "" || got.Satisfaction != "" {
				t.Errorf("created %+v: want a received ticket with no unit", got)
			}
			if got.Community != tt.community || !got.ReceivedAt.Equal(now) {
				t.Errorf("community %q received %v, want %q at %v", got.Community, got.ReceivedAt, tt.community, now)
			}
			if want := tt.ticket.Number; want != "" && got.Number != want {
				t.Errorf("number %q, want %q", got.Number, want)
			} else if want == "" && (!strings.HasPrefix(got.Number, "JC20250303") || len(got.Number) != 16) {
				t.Errorf("made number %q", got.Number)
			}
			// Stored per the store role: the contact kept (for the
			// callback), the bank card masked; history by the user.
			raw, err := s.Store.Ticket(ctx, got.ID)
			if err != nil {
				t.Fatal(err)
			}
			if raw.CallerPhone != "13612345678" || strings.Contains(raw.Content, card) || !strings.Contains(raw.Content, "退款打到我的卡") {
				t.Errorf("stored phone %q content %q", raw.CallerPhone, raw.Content)
			}
			events, _ := s.Store.TicketEvents(ctx, got.ID)
			if len(events) != 1 || events[0].Action != core.EventCreate || events[0].Actor != tt.user {
				t.Errorf("history %+v, want one create by %s", events, tt.user)
			}
			// The creator sees it, masked for their role.
			v, err := s.View(ctx, u, got.ID)
			if err != nil {
				t.Fatalf("creator cannot view: %v", err)
			}
			if u.Role == core.RoleCommunity && v.Ticket.CallerPhone != "136****5678" {
				t.Errorf("community worker sees phone %q", v.Ticket.CallerPhone)
			}
		})
	}
}
