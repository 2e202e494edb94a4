package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"regexp"
	"slices"
	"testing"

	"jiceng/internal/casework"
	"jiceng/internal/core"
	"jiceng/internal/sqlite"
)

var (
	demoOpen311KeyRE = regexp.MustCompile(`(?m)^\s+Open311 接口密钥：(jc_[a-z2-7]{52})\s`)
	demoShareKeyRE   = regexp.MustCompile(`(?m)^\s+数据共享接口密钥：(jc_[a-z2-7]{52})\s`)
)

// TestDemoKeys: the demo prints an Open311 key and the 区民政局's share
// key of person.name, phone and address for the whole street; both work
// for their purposes only, and the fields are the service's.
func TestDemoKeys(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "demo.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var out bytes.Buffer
	e := &env{stdout: &out, stderr: io.Discard, log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	demoKeys(ctx, e, db)
	o := demoOpen311KeyRE.FindStringSubmatch(out.String())
	sh := demoShareKeyRE.FindStringSubmatch(out.String())
	if o == nil || sh == nil {
		t.Fatalf("output lacks the two keys:\n%s", out.String())
	}
	svc := &casework.Service{Store: db}
	if k, err := svc.Open311Client(ctx, o[1]); err != nil || k.Name != "市民随手拍" {
		t.Errorf("Open311 key: %+v %v", k, err)
	}
	k, err := svc.APIClient(ctx, sh[1], core.APIKeyShare)
	if err != nil {
		t.Fatal(err)
	}
	if k.Name != "区民政局" || !slices.Equal(k.Fields, demoShareFields) || k.Communities != nil {
		t.Errorf("share key %+v, want 区民政局 with %v for the whole street", k, demoShareFields)
	}
	for _, f := range demoShareFields {
		if !slices.Contains(svc.ShareFieldNames(), f) {
			t.Errorf("%s is not a share field", f)
		}
	}
	if _, err := svc.APIClient(ctx, sh[1], core.APIKeyOpen311); err == nil {
		t.Error("the share key is taken for Open311")
	}
	if entries, _, err := db.Audit(ctx, core.AuditFilter{Action: core.AuditAPIKey}); err != nil || len(entries) != 2 {
		t.Errorf("audit: %d entries, %v; want 2", len(entries), err)
	}
}
