package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"jiceng/internal/core"
	"jiceng/internal/sqlite"
)

// TestExportAudited: "jiceng export" is in the audit log, by "cli", with
// its role, count and filter, and without the keyword's text.
func TestExportAudited(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "src.csv")
	if err := os.WriteFile(src, []byte(exportFixture), 0o644); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "a.db")
	jc(t, "import", "-db", db, src)
	jc(t, "export", "-role", "admin", "-db", db, "-community", "幸福社区", "-keyword", "张三")
	jc(t, "export", "-role", "admin", "-db", db, "-format", "xlsx", "-out", filepath.Join(dir, "a.xlsx"))

	st, err := sqlite.Open(context.Background(), db, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	es, total, err := st.Audit(context.Background(), core.AuditFilter{Action: core.AuditExport})
	if err != nil || total != 2 {
		t.Fatalf("%d export entries (%v), want 2", total, err)
	}
	xlsx, csv := es[0], es[1]
	if csv.Actor != "cli" || csv.Role != core.RoleAdmin || csv.Address != "" ||
		!strings.Contains(csv.Detail, "社区 幸福社区") || !strings.Contains(csv.Detail, "关键词（内容未记录）") || strings.Contains(csv.Detail, "张三") ||
		!strings.Contains(csv.Detail, "按角色 admin 脱敏") {
		t.Errorf("CSV export entry %+v", csv)
	}
	if xlsx.Actor != "cli" || !strings.Contains(xlsx.Detail, "格式 xlsx") || !strings.Contains(xlsx.Detail, "3 条") {
		t.Errorf("XLSX export entry %+v", xlsx)
	}
}
