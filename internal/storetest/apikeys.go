package storetest

import (
	"context"
	"crypto/sha256"
	"reflect"
	"testing"
	"time"

	"jiceng/internal/core"
)

// testAPIKeys: keys round-trip with their fields and communities (nil: the
// whole street, empty: none), are found by the hash of their secret only,
// list newest first, revoke once (a second revoke keeps the first time),
// and the usage log filters by key and time and sets LastUsedAt.
func testAPIKeys(t *testing.T, s core.Store, c *Clock) {
	ctx := context.Background()
	hash := func(secret string) []byte { h := sha256.Sum256([]byte(secret)); return h[:] }
	keys := []core.APIKey{
		{Name: "区民政局", Purpose: core.APIKeyShare, Fields: []string{"person.name", "person.phone", "ticket.category"},
			Communities: []string{"东风社区"}, Prefix: "jc_aaaaa", CreatedBy: "admin"},
		{Name: "FixMyStreet", Purpose: core.APIKeyOpen311, Prefix: "jc_bbbbb", CreatedBy: "admin"},
		{Name: "区卫健委", Purpose: core.APIKeyShare, Fields: []string{}, Communities: []string{}, Prefix: "jc_ccccc"},
	}
	ids := make([]int64, len(keys))
	for i, k := range keys {
		id, err := s.CreateAPIKey(ctx, k, hash(k.Prefix+"-secret"))
		if err != nil {
			t.Fatalf("CreateAPIKey %d: %v", i, err)
		}
		ids[i] = id
		keys[i].ID, keys[i].CreatedAt = id, c.Now()
		c.Advance(time.Minute)
	}
	if keys[1].Fields == nil {
		keys[1].Fields = []string{}
	}
	same := func(t *testing.T, g, w core.APIKey) {
		t.Helper()
		if g.ID != w.ID || g.Name != w.Name || g.Purpose != w.Purpose || g.Prefix != w.Prefix || g.CreatedBy != w.CreatedBy ||
			!reflect.DeepEqual(g.Fields, w.Fields) || !reflect.DeepEqual(g.Communities, w.Communities) ||
			(g.Communities == nil) != (w.Communities == nil) ||
			!g.CreatedAt.Equal(w.CreatedAt) || !g.RevokedAt.Equal(w.RevokedAt) || !g.LastUsedAt.Equal(w.LastUsedAt) {
			t.Errorf("key = %+v, want %+v", g, w)
		}
	}
	for i, k := range keys {
		g, err := s.APIKeyByHash(ctx, hash(k.Prefix+"-secret"))
		if err != nil {
			t.Fatalf("APIKeyByHash %d: %v", i, err)
		}
		same(t, g, k)
	}
	if _, err := s.APIKeyByHash(ctx, hash("jc_unknown")); core.ErrorCode(err) != core.ENOTFOUND {
		t.Errorf("unknown hash: %v, want ENOTFOUND", err)
	}
	if _, err := s.CreateAPIKey(ctx, core.APIKey{Name: "重复", Purpose: core.APIKeyShare, Prefix: "jc_ddddd"}, hash(keys[0].Prefix+"-secret")); core.ErrorCode(err) != core.ECONFLICT {
		t.Errorf("same hash twice: %v, want ECONFLICT", err)
	}
	for i, bad := range []core.APIKey{
		{Purpose: core.APIKeyShare, Prefix: "jc_eeeee"},
		{Name: "x", Purpose: "other", Prefix: "jc_eeeee"},
		{Name: "x", Purpose: core.APIKeyShare, Prefix: "jc"},
	} {
		if _, err := s.CreateAPIKey(ctx, bad, hash("bad")); core.ErrorCode(err) != core.EINVALID {
			t.Errorf("bad key %d: %v, want EINVALID", i, err)
		}
	}
	if _, err := s.CreateAPIKey(ctx, core.APIKey{Name: "x", Purpose: core.APIKeyShare, Prefix: "jc_fffff"}, nil); core.ErrorCode(err) != core.EINVALID {
		t.Errorf("no hash: %v, want EINVALID", err)
	}

	// Revoke: once, the first time kept.
	revokedAt := c.Now()
	if err := s.RevokeAPIKey(ctx, ids[2], revokedAt); err != nil {
		t.Fatal(err)
	}
	if err := s.RevokeAPIKey(ctx, ids[2], revokedAt.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	keys[2].RevokedAt = revokedAt
	if err := s.RevokeAPIKey(ctx, 99999, revokedAt); core.ErrorCode(err) != core.ENOTFOUND {
		t.Errorf("revoke unknown: %v, want ENOTFOUND", err)
	}

	// Usage log.
	t0 := c.Now()
	uses := []core.APIUse{
		{KeyID: ids[0], At: t0, Method: "GET", Path: "/api/share/v1/records", Status: 200, Rows: 20},
		{KeyID: ids[0], At: t0.Add(time.Hour), Method: "GET", Path: "/api/share/v1/records/7", Status: 200, Rows: 1, Ticket: "T20250301001"},
		{KeyID: ids[1], At: t0.Add(2 * time.Hour), Method: "POST", Path: "/open311/v2/requests.xml", Status: 201, Rows: 1},
		{KeyID: ids[0], At: t0.Add(3 * time.Hour), Method: "GET", Path: "/api/share/v1/tickets", Status: 403},
	}
	for i, u := range uses {
		if err := s.LogAPIUse(ctx, u); err != nil {
			t.Fatalf("LogAPIUse %d: %v", i, err)
		}
	}
	// An older use logged late does not move LastUsedAt back.
	if err := s.LogAPIUse(ctx, core.APIUse{KeyID: ids[1], At: t0, Method: "GET", Path: "/open311/v2/services.xml", Status: 200}); err != nil {
		t.Fatal(err)
	}
	uses = append(uses, core.APIUse{KeyID: ids[1], At: t0, Method: "GET", Path: "/open311/v2/services.xml", Status: 200})
	keys[0].LastUsedAt, keys[1].LastUsedAt = t0.Add(3*time.Hour), t0.Add(2*time.Hour)

	list, err := s.APIKeys(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 3 {
		t.Fatalf("APIKeys: %d keys, want 3", len(list))
	}
	for i, want := range []int{2, 1, 0} {
		same(t, list[i], keys[want])
	}

	tests := []struct {
		name     string
		key      int64
		from, to time.Time
		limit    int
		want     []int // indexes into uses
	}{
		{"all", 0, time.Time{}, time.Time{}, 0, []int{3, 2, 1, 4, 0}},
		{"key", ids[0], time.Time{}, time.Time{}, 0, []int{3, 1, 0}},
		{"from", 0, t0.Add(time.Hour), time.Time{}, 0, []int{3, 2, 1}},
		{"to excluded", ids[0], time.Time{}, t0.Add(time.Hour), 0, []int{0}},
		{"range", 0, t0.Add(time.Hour), t0.Add(3 * time.Hour), 0, []int{2, 1}},
		{"limit", 0, time.Time{}, time.Time{}, 2, []int{3, 2}},
		{"other key", 99999, time.Time{}, time.Time{}, 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.APIUses(ctx, tt.key, tt.from, tt.to, tt.limit)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %d uses, want %d: %+v", len(got), len(tt.want), got)
			}
			for i, g := range got {
				w := uses[tt.want[i]]
				if g.ID == 0 || g.KeyID != w.KeyID || !g.At.Equal(w.At) || g.Method != w.Method || g.Path != w.Path ||
					g.Status != w.Status || g.Rows != w.Rows || g.Ticket != w.Ticket {
					t.Errorf("use %d = %+v, want %+v", i, g, w)
				}
			}
		})
	}
}
