package casework

import (
	"context"
	"testing"
	"time"

	"jiceng/internal/core"
)

// TestAPIKeyLog: administrators read a key's uses, newest first and at
// most limit, and only that key's; others are refused; an unknown key is
// missing.
func TestAPIKeyLog(t *testing.T) {
	s, _ := recordService(t)
	ctx := context.Background()
	_, a := issueKey(t, s, "随手拍", core.APIKeyOpen311)
	_, b := issueKey(t, s, "区民政局", core.APIKeyShare)
	for i := range 5 {
		if err := s.LogAPIUse(ctx, core.APIUse{KeyID: a.ID, At: now.Add(time.Duration(i) * time.Minute), Method: "POST", Path: "/open311/v2/requests.xml", Status: 201, Rows: 1}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.LogAPIUse(ctx, core.APIUse{KeyID: b.ID, At: now, Method: "GET", Path: "/api/share/v1/persons", Status: 200, Rows: 7}); err != nil {
		t.Fatal(err)
	}
	k, uses, err := s.APIKeyLog(ctx, users["admin"], a.ID, 3)
	if err != nil {
		t.Fatal(err)
	}
	if k.ID != a.ID || k.Name != "随手拍" || k.LastUsedAt.IsZero() {
		t.Errorf("key %+v", k)
	}
	if len(uses) != 3 {
		t.Fatalf("%d uses, want 3", len(uses))
	}
	for i, u := range uses {
		if u.KeyID != a.ID || !u.At.Equal(now.Add(time.Duration(4-i)*time.Minute)) {
			t.Errorf("use %d: %+v, want key %d at +%d min", i, u, a.ID, 4-i)
		}
	}
	if _, all, err := s.APIKeyLog(ctx, users["admin"], b.ID, 0); err != nil || len(all) != 1 || all[0].Rows != 7 {
		t.Errorf("share key's log: %+v %v", all, err)
	}
	for _, name := range []string{"staff", "leader", "cw01", "hd01", "resident"} {
		if _, _, err := s.APIKeyLog(ctx, users[name], a.ID, 0); core.ErrorCode(err) != core.EFORBIDDEN {
			t.Errorf("%s: %v, want EFORBIDDEN", name, err)
		}
	}
	if _, _, err := s.APIKeyLog(ctx, users["admin"], 999, 0); core.ErrorCode(err) != core.ENOTFOUND {
		t.Errorf("unknown key: %v, want ENOTFOUND", err)
	}
}
