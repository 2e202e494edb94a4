package main

import (
	"bytes"
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"jiceng/internal/casework"
	"jiceng/internal/core"
	"jiceng/internal/sqlite"
)

// keySecretRE is a whole standard output of keys issue: the secret alone.
var keySecretRE = regexp.MustCompile(`^jc_[a-z2-7]{52}\n$`)

// TestKeysCommands issues keys at the terminal, lists and revokes them,
// step by step on one database, with the exit codes of every refusal.
func TestKeysCommands(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "street.db")
	if code := run(ctx, []string{"keys", "list", "-db", path}, strings.NewReader(""), &bytes.Buffer{}, &bytes.Buffer{}); code != 1 {
		t.Fatalf("a missing database: exit %d, want 1", code)
	}
	db, err := sqlite.Open(ctx, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.ReplaceAreas(ctx, core.Areas{Streets: []core.Street{{Code: "QHW", Name: "清河湾街道"}},
		Communities: []core.Community{{Code: "QHW01", Name: "望春园社区", Street: "QHW"}, {Code: "QHW02", Name: "柳荫里社区", Street: "QHW"}}}); err != nil {
		t.Fatal(err)
	}
	db.Close()

	secrets := map[string]string{} // by the step that printed it
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantOut  string // in stdout
		wantErr  string // in stderr
		secret   bool   // stdout is the secret alone
	}{
		{"issue a share key", []string{"keys", "issue", "-db", path, "-name", "区民政局", "-purpose", "share", "-fields", "person.name, person.phone", "-communities", "QHW01"},
			0, "", "已签发接口密钥 #1：区民政局（数据共享）", true},
		{"issue an Open311 key", []string{"keys", "issue", "-db", path, "-name", "市民随手拍", "-purpose", "open311"}, 0, "", "只显示这一次", true},
		{"an Open311 key reads no share data", []string{"keys", "issue", "-db", path, "-name", "x", "-purpose", "open311", "-fields", "person.name"}, 1, "", "不要给 -fields", false},
		{"an unknown field", []string{"keys", "issue", "-db", path, "-name", "区民政局", "-purpose", "share", "-fields", "person.salary"}, 1, "", "字段“person.salary”不存在", false},
		{"an unknown community", []string{"keys", "issue", "-db", path, "-name", "区民政局", "-purpose", "share", "-fields", "person.name", "-communities", "火星社区"}, 1, "", "社区“火星社区”不在本街道", false},
		{"a share key without fields", []string{"keys", "issue", "-db", path, "-name", "区民政局", "-purpose", "share"}, 1, "", "请至少选择一个共享字段", false},
		{"no purpose", []string{"keys", "issue", "-db", path, "-name", "区民政局"}, 2, "", "请用 -purpose 指定用途", false},
		{"no name", []string{"keys", "issue", "-db", path, "-purpose", "open311"}, 2, "", "请用 -name 指定使用单位名称", false},
		{"list", []string{"keys", "list", "-db", path}, 0, "区民政局", "", false},
		{"revoke", []string{"keys", "revoke", "-db", path, "-id", "1"}, 0, "", "已停用接口密钥 #1", false},
		{"revoke twice changes nothing", []string{"keys", "revoke", "-db", path, "-id", "1"}, 0, "", "已停用接口密钥 #1", false},
		{"revoke an unknown key", []string{"keys", "revoke", "-db", path, "-id", "99"}, 1, "", "接口密钥 #99 不存在", false},
		{"revoke without an id", []string{"keys", "revoke", "-db", path}, 2, "", "请用 -id 指定密钥编号", false},
		{"list after revoking", []string{"keys", "list", "-db", path}, 0, "已停用", "", false},
		{"an unknown subcommand", []string{"keys", "delete", "-db", path}, 2, "", "未知子命令", false},
	}
	for _, tt := range tests {
		var stdout, stderr bytes.Buffer
		code := run(ctx, tt.args, strings.NewReader(""), &stdout, &stderr)
		if code != tt.wantCode || !strings.Contains(stdout.String(), tt.wantOut) || !strings.Contains(stderr.String(), tt.wantErr) {
			t.Fatalf("%s: exit %d (want %d)\nstdout:\n%s\nstderr:\n%s", tt.name, code, tt.wantCode, stdout.String(), stderr.String())
		}
		if tt.secret != keySecretRE.MatchString(stdout.String()) {
			t.Fatalf("%s: stdout %q, want the secret alone: %v", tt.name, stdout.String(), tt.secret)
		}
		if tt.secret {
			secrets[tt.name] = strings.TrimSpace(stdout.String())
		}
		for _, s := range secrets {
			if !tt.secret && (strings.Contains(stdout.String(), s) || strings.Contains(stderr.String(), s)) {
				t.Fatalf("%s shows a secret again", tt.name)
			}
		}
		if tt.name == "list" {
			for _, want := range []string{"市民随手拍", "Open311", "数据共享", "person.name,person.phone", "望春园社区", "在用", "cli",
				secrets["issue a share key"][:8]} {
				if !strings.Contains(stdout.String(), want) {
					t.Errorf("list lacks %q:\n%s", want, stdout.String())
				}
			}
		}
	}

	// The secrets printed are the keys, for their purposes, until revoked;
	// issuing and revoking are in the audit log as the command line's.
	db, err = sqlite.Open(ctx, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	svc := &casework.Service{Store: db}
	if _, err := svc.APIClient(ctx, secrets["issue a share key"], core.APIKeyShare); err != casework.ErrBadAPIKey {
		t.Errorf("the revoked share key: %v, want refused", err)
	}
	k, err := svc.Open311Client(ctx, secrets["issue an Open311 key"])
	if err != nil || k.Name != "市民随手拍" || k.CreatedBy != cliUser.Username {
		t.Errorf("the Open311 key: %+v %v", k, err)
	}
	keys, err := svc.APIKeys(ctx, cliUser) // newest first
	if err != nil || len(keys) != 2 {
		t.Fatalf("%d keys, %v; want 2 (refusals issue none)", len(keys), err)
	}
	if share := keys[1]; strings.Join(share.Fields, ",") != "person.name,person.phone" || strings.Join(share.Communities, ",") != "望春园社区" {
		t.Errorf("share key %+v", share)
	}
	entries, _, err := db.Audit(ctx, core.AuditFilter{Action: core.AuditAPIKey})
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 3 { // two issued, one revoked (the second revoke changes nothing)
		t.Errorf("%d audit entries, want 3: %+v", len(entries), entries)
	}
	for _, e := range entries {
		if e.Actor != cliUser.Username {
			t.Errorf("audit entry by %q, want %q", e.Actor, cliUser.Username)
		}
		for _, s := range secrets {
			if strings.Contains(e.Detail, s) {
				t.Errorf("audit entry shows a secret: %+v", e)
			}
		}
	}
}

// TestReportSharing checks that a monthly report of the command line has
// the 数据共享 section of the sharing keys' uses, as the web report has,
// and that a quarterly one has none.
func TestReportSharing(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "street.db")
	db, err := sqlite.Open(ctx, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.ReplaceAreas(ctx, core.Areas{Streets: []core.Street{{Code: "QHW", Name: "清河湾街道"}},
		Communities: []core.Community{{Code: "QHW01", Name: "望春园社区", Street: "QHW"}}}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if code := run(ctx, []string{"keys", "issue", "-db", path, "-name", "区民政局", "-purpose", "share", "-fields", "person.name"},
		strings.NewReader(""), &bytes.Buffer{}, &bytes.Buffer{}); code != 0 {
		t.Fatalf("keys issue: exit %d", code)
	}
	db, err = sqlite.Open(ctx, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2025, 3, 10, 9, 0, 0, 0, time.UTC)
	for _, u := range []core.APIUse{
		{KeyID: 1, At: at, Method: "GET", Path: "/api/v1/share/person", Status: 200, Rows: 7},
		{KeyID: 1, At: at.Add(time.Hour), Method: "GET", Path: "/api/v1/share/person", Status: 403},
	} {
		if err := db.LogAPIUse(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()

	tests := []struct {
		name string
		args []string
		want bool // the section is there
	}{
		{"monthly", []string{"report", "monthly", "-month", "2025-03"}, true},
		{"quarterly", []string{"report", "quarterly", "-quarter", "2025Q1"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			args := append(tt.args, "-db", path, "-out", "-", "-format", "html")
			if code := run(ctx, args, strings.NewReader(""), &stdout, &stderr); code != 0 {
				t.Fatalf("exit %d\n%s", code, stderr.String())
			}
			html := stdout.String()
			if got := strings.Contains(html, "数据共享") && strings.Contains(html, "区民政局"); got != tt.want {
				t.Errorf("数据共享 section with 区民政局: %v, want %v", got, tt.want)
			}
		})
	}
}
