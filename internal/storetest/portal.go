package storetest

import (
	"context"
	"strings"
	"testing"
	"time"

	"jiceng/internal/core"
)

func testPortalRequests(t *testing.T, s core.Store, c *Clock) {
	ctx := context.Background()
	upsert(t, s, "test", ticket("P1", 0), ticket("P2", 1), ticket("P3", 2), ticket("P4", 3))
	id := func(n string) int64 {
		t.Helper()
		tk, err := s.TicketByNumber(ctx, n)
		if err != nil {
			t.Fatal(err)
		}
		return tk.ID
	}
	hash := func(b byte) string { return strings.Repeat(string(rune('a'+b)), 64) }
	adds := []core.PortalRequest{
		{TicketID: id("P1"), CodeHash: hash(0), Resident: "wei", Contact: core.ContactSMS},
		{TicketID: id("P2"), CodeHash: hash(1), Contact: core.ContactNone},
		{TicketID: id("P3"), CodeHash: hash(2), Resident: "wei", Contact: core.ContactCall},
	}
	for i, r := range adds {
		if err := s.AddPortalRequest(ctx, r); err != nil {
			t.Fatalf("AddPortalRequest %d: %v", i, err)
		}
		c.Advance(time.Minute)
	}
	refused := []struct {
		name string
		r    core.PortalRequest
		code string
	}{
		{"ticket twice", core.PortalRequest{TicketID: id("P1"), CodeHash: hash(5), Contact: core.ContactSMS}, core.ECONFLICT},
		{"hash twice", core.PortalRequest{TicketID: id("P4"), CodeHash: hash(1), Contact: core.ContactSMS}, core.ECONFLICT},
		{"no ticket", core.PortalRequest{CodeHash: hash(6), Contact: core.ContactSMS}, core.EINVALID},
		{"missing ticket", core.PortalRequest{TicketID: 999999, CodeHash: hash(7), Contact: core.ContactSMS}, core.EINVALID},
		{"bad hash", core.PortalRequest{TicketID: id("P2"), CodeHash: "ABC", Contact: core.ContactSMS}, core.EINVALID},
		{"bad contact", core.PortalRequest{TicketID: id("P2"), CodeHash: hash(8), Contact: "微信"}, core.EINVALID},
	}
	for _, tt := range refused {
		t.Run(tt.name, func(t *testing.T) {
			err := s.AddPortalRequest(ctx, tt.r)
			if err == nil {
				t.Fatal("stored")
			}
			if core.ErrorCode(err) != tt.code {
				t.Errorf("error %v (%s), want %s", err, core.ErrorCode(err), tt.code)
			}
		})
	}

	got, err := s.PortalRequestByCode(ctx, hash(1))
	if err != nil {
		t.Fatal(err)
	}
	if got.TicketID != id("P2") || got.Resident != "" || got.Contact != core.ContactNone || !got.CreatedAt.Equal(start.Add(time.Minute)) || !got.RatedAt.IsZero() {
		t.Errorf("by code: %+v", got)
	}
	if _, err := s.PortalRequestByCode(ctx, hash(9)); core.ErrorCode(err) != core.ENOTFOUND {
		t.Errorf("unknown code: %v, want not found", err)
	}

	mine, err := s.PortalRequests(ctx, "wei", 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(mine) != 2 || mine[0].TicketID != id("P3") || mine[1].TicketID != id("P1") {
		t.Errorf("wei's requests: %+v, want P3, P1", mine)
	}
	if one, err := s.PortalRequests(ctx, "wei", 1); err != nil || len(one) != 1 {
		t.Errorf("limit 1: %d, %v", len(one), err)
	}
	if other, err := s.PortalRequests(ctx, "li", 0); err != nil || len(other) != 0 {
		t.Errorf("li's requests: %+v, %v", other, err)
	}
	if _, err := s.PortalRequests(ctx, "", 0); core.ErrorCode(err) != core.EINVALID {
		t.Errorf("no resident: %v, want invalid", err)
	}

	at := start.Add(48 * time.Hour)
	if err := s.MarkPortalRated(ctx, id("P2"), at); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkPortalRated(ctx, id("P2"), at.Add(time.Hour)); core.ErrorCode(err) != core.ECONFLICT {
		t.Errorf("second rating: %v, want conflict", err)
	}
	if err := s.MarkPortalRated(ctx, 999999, at); core.ErrorCode(err) != core.ENOTFOUND {
		t.Errorf("unknown request: %v, want not found", err)
	}
	if got, err := s.PortalRequestByCode(ctx, hash(1)); err != nil || !got.RatedAt.Equal(at) {
		t.Errorf("rated at %v (%v), want %v", got.RatedAt, err, at)
	}
}
