package casework

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"jiceng/internal/core"
)

// TestIssueAPIKey: only administrators issue, list and revoke keys; a
// secret is "jc_" and 52 base32 characters, its prefix kept; share keys
// must name known fields and communities (codes become names).
func TestIssueAPIKey(t *testing.T) {
	s, _ := recordService(t)
	ctx := context.Background()
	share := core.APIKey{Name: " 区民政局 ", Purpose: core.APIKeyShare, Fields: []string{"person.name", "person.phone", "person.name", "ticket.category1"},
		Communities: []string{"QHW01", "望春园社区"}}
	for _, name := range []string{"staff", "leader", "cw01", "hd01", "resident"} {
		if _, _, err := s.IssueAPIKey(ctx, users[name], share); core.ErrorCode(err) != core.EFORBIDDEN {
			t.Errorf("%s issues: %v, want EFORBIDDEN", name, err)
		}
		if _, err := s.APIKeys(ctx, users[name]); core.ErrorCode(err) != core.EFORBIDDEN {
			t.Errorf("%s lists: %v, want EFORBIDDEN", name, err)
		}
		if err := s.RevokeAPIKey(ctx, users[name], 1); core.ErrorCode(err) != core.EFORBIDDEN {
			t.Errorf("%s revokes: %v, want EFORBIDDEN", name, err)
		}
	}
	k, secret, err := s.IssueAPIKey(ctx, users["admin"], share)
	if err != nil {
		t.Fatal(err)
	}
	if len(secret) != 3+52 || !strings.HasPrefix(secret, "jc_") || strings.ToLower(secret) != secret || k.Prefix != secret[:8] {
		t.Errorf("secret %q, prefix %q", secret, k.Prefix)
	}
	if k.Name != "区民政局" || k.CreatedBy != "admin" || !k.CreatedAt.Equal(now) ||
		!slices.Equal(k.Fields, []string{"person.name", "person.phone", "ticket.category1"}) || !slices.Equal(k.Communities, []string{"望春园社区"}) {
		t.Errorf("issued %+v", k)
	}
	_, secret2, err := s.IssueAPIKey(ctx, users["admin"], core.APIKey{Name: "FixMyStreet", Purpose: core.APIKeyOpen311, Fields: []string{"person.name"}})
	if err != nil {
		t.Fatal(err)
	}
	if secret2 == secret {
		t.Error("two keys with the same secret")
	}
	list, err := s.APIKeys(ctx, users["admin"])
	if err != nil || len(list) != 2 {
		t.Fatalf("APIKeys: %d, %v", len(list), err)
	}
	if o := list[slices.IndexFunc(list, func(k core.APIKey) bool { return k.Purpose == core.APIKeyOpen311 })]; len(o.Fields) != 0 || o.Communities != nil {
		t.Errorf("open311 key keeps a share scope: %+v", o)
	}
	for _, tc := range []struct {
		name string
		k    core.APIKey
	}{
		{"no name", core.APIKey{Purpose: core.APIKeyShare, Fields: []string{"person.name"}}},
		{"bad purpose", core.APIKey{Name: "x", Purpose: "admin", Fields: []string{"person.name"}}},
		{"unknown field", core.APIKey{Name: "x", Purpose: core.APIKeyShare, Fields: []string{"person.salary"}}},
		{"field without kind", core.APIKey{Name: "x", Purpose: core.APIKeyShare, Fields: []string{"phone"}}},
		{"no field", core.APIKey{Name: "x", Purpose: core.APIKeyShare}},
		{"unknown community", core.APIKey{Name: "x", Purpose: core.APIKeyShare, Fields: []string{"person.name"}, Communities: []string{"火星社区"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, _, err := s.IssueAPIKey(ctx, users["admin"], tc.k); core.ErrorCode(err) != core.EINVALID {
				t.Errorf("err = %v, want EINVALID", err)
			}
		})
	}
	if err := s.RevokeAPIKey(ctx, users["admin"], 999); core.ErrorCode(err) != core.ENOTFOUND {
		t.Errorf("revoke unknown: %v, want ENOTFOUND", err)
	}
}

// TestAPIClient: a key is accepted for its purpose only, until revoked;
// unknown, malformed, revoked and other-purpose keys answer alike; issue
// and revoke are in the audit log, never the secret.
func TestAPIClient(t *testing.T) {
	s, _ := recordService(t)
	ctx := context.Background()
	k, secret, err := s.IssueAPIKey(ctx, users["admin"], core.APIKey{Name: "区民政局", Purpose: core.APIKeyShare, Fields: []string{"person.name"}})
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.APIClient(ctx, secret, core.APIKeyShare)
	if err != nil || got.ID != k.ID || got.Name != "区民政局" {
		t.Fatalf("APIClient = %+v, %v", got, err)
	}
	other, _ := NewAPISecret()
	for _, tc := range []struct{ name, secret, purpose string }{
		{"other purpose", secret, core.APIKeyOpen311},
		{"unknown", other, core.APIKeyShare},
		{"empty", "", core.APIKeyShare},
		{"cut", secret[:len(secret)-1], core.APIKeyShare},
		{"no prefix", "xx" + secret[2:], core.APIKeyShare},
		{"upper case", strings.ToUpper(secret), core.APIKeyShare},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := s.APIClient(ctx, tc.secret, tc.purpose); !errors.Is(err, ErrBadAPIKey) || core.ErrorCode(err) != core.EUNAUTHORIZED {
				t.Errorf("err = %v, want ErrBadAPIKey", err)
			}
		})
	}
	if err := s.RevokeAPIKey(ctx, users["admin"], k.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.RevokeAPIKey(ctx, users["admin"], k.ID); err != nil {
		t.Errorf("second revoke: %v", err)
	}
	if _, err := s.APIClient(ctx, secret, core.APIKeyShare); !errors.Is(err, ErrBadAPIKey) {
		t.Errorf("revoked key: %v, want ErrBadAPIKey", err)
	}
	entries, _, err := s.Audit.Audit(ctx, core.AuditFilter{Action: core.AuditAPIKey})
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 2 {
		t.Fatalf("%d audit entries, want 2 (issue, revoke once): %+v", len(entries), entries)
	}
	for _, e := range entries {
		if e.Actor != "admin" || strings.Contains(e.Detail, secret[3:12]) || !strings.Contains(e.Detail, "区民政局") {
			t.Errorf("audit entry %+v", e)
		}
	}
}
