package storetest

import (
	"bytes"
	"context"
	"testing"
	"time"

	"jiceng/internal/core"
)

// testSettings checks the versions of a setting: put, stage, apply with
// its conflicts, the listing and the download of each version.
func testSettings(t *testing.T, s core.Store, c *Clock) {
	ctx := context.Background()
	at := c.Now()
	if _, _, err := s.Setting(ctx, core.SettingLimits); core.ErrorCode(err) != core.ENOTFOUND {
		t.Fatalf("Setting before any version: %v, want ENOTFOUND", err)
	}
	if vs, err := s.SettingVersions(ctx, core.SettingLimits, 10); err != nil || len(vs) != 0 {
		t.Fatalf("SettingVersions before any: %v %v", vs, err)
	}
	one := []byte("urgency,contact,resolve\n紧急,1h,2h\n")
	v1, err := s.PutSetting(ctx, core.SettingLimits, one, "时限表.csv", "cli", at)
	if err != nil || v1 != 1 {
		t.Fatalf("PutSetting: %d %v, want version 1", v1, err)
	}
	// Binary content (an XLSX) comes back byte for byte.
	bin := []byte{0, 0xff, 'P', 'K', 3, 4, 0, 0x80}
	if v, err := s.PutSetting(ctx, core.SettingUnits, bin, "单位.xlsx", "admin", at); err != nil || v != 1 {
		t.Fatalf("PutSetting units: %d %v, want version 1 (versions are per name)", v, err)
	}
	if got, v, err := s.Setting(ctx, core.SettingUnits); err != nil || v != 1 || !bytes.Equal(got, bin) {
		t.Fatalf("Setting units = %v %d %v, want %v 1", got, v, err, bin)
	}

	// Staged: not in force, not listed, readable by version.
	two := []byte("urgency,contact,resolve\n紧急,30min,2h\n")
	c.Advance(time.Minute)
	v2, err := s.StageSetting(ctx, core.SettingLimits, two, "新时限.csv", "admin", c.Now())
	if err != nil || v2 != 2 {
		t.Fatalf("StageSetting: %d %v, want 2", v2, err)
	}
	if got, v, err := s.Setting(ctx, core.SettingLimits); err != nil || v != 1 || !bytes.Equal(got, one) {
		t.Fatalf("Setting while staged = %q %d %v, want version 1", got, v, err)
	}
	if vs, _ := s.SettingVersions(ctx, core.SettingLimits, 10); len(vs) != 1 {
		t.Fatalf("staged version listed: %+v", vs)
	}
	sv, content, err := s.SettingVersion(ctx, core.SettingLimits, v2)
	if err != nil || !bytes.Equal(content, two) || !sv.AppliedAt.IsZero() || sv.CreatedBy != "admin" || sv.Size != len(two) {
		t.Fatalf("SettingVersion staged = %+v %q %v", sv, content, err)
	}

	// Only its uploader confirms it, and only over the version it was
	// compared with.
	wantCode(t, s.ApplySetting(ctx, core.SettingLimits, v2, 1, "staff", c.Now()), core.ENOTFOUND)
	wantCode(t, s.ApplySetting(ctx, core.SettingLimits, v2, 0, "admin", c.Now()), core.ECONFLICT)
	wantCode(t, s.ApplySetting(ctx, core.SettingLimits, 99, 1, "admin", c.Now()), core.ENOTFOUND)
	c.Advance(time.Minute)
	if err := s.ApplySetting(ctx, core.SettingLimits, v2, 1, "admin", c.Now()); err != nil {
		t.Fatalf("ApplySetting: %v", err)
	}
	wantCode(t, s.ApplySetting(ctx, core.SettingLimits, v2, 1, "admin", c.Now()), core.ENOTFOUND) // applied already
	if got, v, err := s.Setting(ctx, core.SettingLimits); err != nil || v != 2 || !bytes.Equal(got, two) {
		t.Fatalf("Setting after apply = %q %d %v, want version 2", got, v, err)
	}
	vs, err := s.SettingVersions(ctx, core.SettingLimits, 10)
	if err != nil || len(vs) != 2 || vs[0].Version != 2 || vs[1].Version != 1 {
		t.Fatalf("SettingVersions = %+v %v, want 2, 1", vs, err)
	}
	if got := vs[0]; got.Name != core.SettingLimits || got.Source != "新时限.csv" || got.CreatedBy != "admin" ||
		!got.CreatedAt.Equal(at.Add(time.Minute)) || !got.AppliedAt.Equal(at.Add(2*time.Minute)) || got.Size != len(two) {
		t.Errorf("version 2 = %+v", got)
	}
	if vs, _ := s.SettingVersions(ctx, core.SettingLimits, 1); len(vs) != 1 || vs[0].Version != 2 {
		t.Errorf("SettingVersions limit 1 = %+v", vs)
	}
	if _, _, err := s.SettingVersion(ctx, core.SettingLimits, 7); core.ErrorCode(err) != core.ENOTFOUND {
		t.Errorf("SettingVersion 7: %v, want ENOTFOUND", err)
	}

	// A new upload replaces the uploader's earlier one; numbers are never
	// reused, so that a stale preview cannot confirm another file.
	a, _ := s.StageSetting(ctx, core.SettingLimits, one, "a.csv", "admin", c.Now())
	b, _ := s.StageSetting(ctx, core.SettingLimits, two, "b.csv", "admin", c.Now())
	d, err := s.StageSetting(ctx, core.SettingLimits, one, "d.csv", "admin", c.Now())
	if err != nil || a != 3 || b != 4 || d != 5 {
		t.Fatalf("staged versions %d %d %d (%v), want 3 4 5", a, b, d, err)
	}
	if _, _, err := s.SettingVersion(ctx, core.SettingLimits, a); core.ErrorCode(err) != core.ENOTFOUND {
		t.Errorf("earlier staged version 3 kept: %v", err)
	}
	if err := s.ApplySetting(ctx, core.SettingLimits, d, 2, "admin", c.Now()); err != nil {
		t.Fatalf("ApplySetting 5: %v", err)
	}
	// A staged version over an older base is refused after another applied.
	wantCode(t, s.ApplySetting(ctx, core.SettingLimits, b, 2, "admin", c.Now()), core.ECONFLICT)

	wantCode(t, func() error { _, err := s.PutSetting(ctx, "No Such", one, "", "", at); return err }(), core.EINVALID)
	wantCode(t, func() error {
		_, err := s.PutSetting(ctx, core.SettingLimits, make([]byte, core.MaxSettingSize+1), "", "", at)
		return err
	}(), core.EINVALID)
}
