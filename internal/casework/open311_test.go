package casework

import (
	"context"
	"strings"
	"testing"

	"jiceng/internal/core"
	"jiceng/internal/open311"
)

var open311Cats = []core.Category{{Level1: "城乡建设", Level2: "市政设施", Level3: "路灯照明"}, {Level1: "城乡建设", Level2: "市政设施", Level3: "井盖"}}

// issueKey issues a key of purpose through the service, as an
// administrator does, and returns its secret and the key.
func issueKey(t *testing.T, s *Service, name, purpose string) (string, core.APIKey) {
	t.Helper()
	k := core.APIKey{Name: name, Purpose: purpose}
	if purpose == core.APIKeyShare {
		k.Fields = []string{"person.name"}
	}
	k, secret, err := s.IssueAPIKey(context.Background(), users["admin"], k)
	if err != nil {
		t.Fatal(err)
	}
	return secret, k
}

// TestOpen311Client: only an Open311 key in force is a client; a share
// key, a revoked, unknown, malformed or empty one is refused with 403
// (EFORBIDDEN), as the Open311 specification answers a bad api_key.
func TestOpen311Client(t *testing.T) {
	s, _, _ := newService(t)
	ctx := context.Background()
	good, k := issueKey(t, s, "随手拍", core.APIKeyOpen311)
	share, _ := issueKey(t, s, "民政局", core.APIKeyShare)
	revoked, rk := issueKey(t, s, "旧客户端", core.APIKeyOpen311)
	if err := s.RevokeAPIKey(ctx, users["admin"], rk.ID); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Open311Client(ctx, good); err != nil || got.ID != k.ID || got.Name != "随手拍" {
		t.Fatalf("good key: %+v %v", got, err)
	}
	unknown, err := NewAPISecret()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, secret string }{
		{"share", share},
		{"revoked", revoked},
		{"unknown", unknown},
		{"malformed", "no-such-key"},
		{"prefix only", good[:8]},
		{"upper case", strings.ToUpper(good)},
		{"empty", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.Open311Client(ctx, tc.secret)
			if core.ErrorCode(err) != core.EFORBIDDEN || err != errBadKey {
				t.Errorf("err = %v, want the Open311 forbidden error", err)
			}
		})
	}
}

// A request goes through the one life cycle: dispatched with its time
// limit (expected_datetime), supervised, an extension asked; each shows
// in its status notes.
func TestOpen311LifeCycle(t *testing.T) {
	s, _, changed := newService(t)
	ctx := context.Background()
	_, k := issueKey(t, s, "随手拍", core.APIKeyOpen311)
	cfg := open311.DefaultConfig(open311Cats)
	c := open311.Create{ServiceCode: cfg[0].Code, AddressString: "望春园一区5号楼3单元201", Description: "井盖丢了\n很危险",
		Phone: "13600001111", Email: "a@example.org", Attributes: map[string][]string{"category3": {"井盖"}}}
	tk, err := s.CreateOpen311(ctx, k, cfg, c)
	if err != nil {
		t.Fatal(err)
	}
	if changed.Load() == 0 {
		t.Error("Changed not called: the caches would not see the ticket")
	}
	if tk.Channel != core.ChannelOpen311 || tk.Category3 != "井盖" || tk.Title != "井盖丢了" {
		t.Fatalf("ticket %+v", tk)
	}
	staff := users["staff"]
	check := func(status, notes string, expected bool) {
		t.Helper()
		r, err := s.Open311Request(ctx, cfg, tk.Number)
		if err != nil {
			t.Fatal(err)
		}
		if r.Status != status || !strings.Contains(r.StatusNotes, notes) || (r.ExpectedDatetime != "") != expected || r.ServiceCode != cfg[0].Code {
			t.Errorf("request %+v, want %s with %q", r, status, notes)
		}
		if strings.Contains(r.Description+r.StatusNotes+r.Address, "13600001111") || strings.Contains(r.Address, "3单元201") {
			t.Errorf("personal data shown: %+v", r)
		}
	}
	check(open311.StatusOpen, "已受理", false)
	for _, step := range []struct {
		tr    core.Transition
		notes string
	}{
		{core.Transition{Action: core.ActionDispatch, Unit: "城市管理办公室"}, "已派单"},
		{core.Transition{Action: core.ActionSupervise, Note: "尽快处理"}, "已督办 1 次"},
	} {
		if _, _, err := s.Transition(ctx, staff, tk.ID, step.tr); err != nil {
			t.Fatalf("%s: %v", step.tr.Action, err)
		}
		check(open311.StatusOpen, step.notes, true)
	}
	// A hotline ticket answers as a missing one.
	if _, err := s.Open311Request(ctx, cfg, number["T1"]); err != ErrNoTicket {
		t.Errorf("hotline ticket: %v", err)
	}
	// An unknown service and a bad attribute are invalid.
	for _, bad := range []open311.Create{{ServiceCode: "nope", AddressID: "A"},
		{ServiceCode: cfg[0].Code, AddressID: "A", Attributes: map[string][]string{"category3": {"火箭"}}}} {
		if _, err := s.CreateOpen311(ctx, k, cfg, bad); core.ErrorCode(err) != core.EINVALID {
			t.Errorf("%+v: %v, want invalid", bad, err)
		}
	}
}

func TestOpen311Status(t *testing.T) {
	for _, st := range core.Statuses {
		want := open311.StatusOpen
		switch st {
		case core.StatusResolved, core.StatusCallback, core.StatusClosed:
			want = open311.StatusClosed
		}
		if got := open311Status(st); got != want {
			t.Errorf("%s: %s, want %s", st, got, want)
		}
		if statusNotes[st] == "" {
			t.Errorf("%s has no status notes", st)
		}
	}
}
