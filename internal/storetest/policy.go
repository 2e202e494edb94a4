package storetest

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"jiceng/internal/core"
)

// testPolicyFiles checks the policy base's files: stored and replaced by
// ID (the first upload's creation kept), listed with or without content,
// deleted.
func testPolicyFiles(t *testing.T, s core.Store, c *Clock) {
	ps, ok := s.(core.PolicyStore)
	if !ok {
		t.Skip("store keeps no policy files")
	}
	ctx := context.Background()
	t0 := start
	big := bytes.Repeat([]byte("第一条 为了保障困难群众基本生活。\n"), 20000) // ~1 MB
	for _, f := range []core.PolicyFile{
		{ID: "dibao", Name: "低保办法.md", Content: []byte("# 海川区最低生活保障办法\n第一条 ……"), CreatedBy: "admin", CreatedAt: t0, UpdatedAt: t0},
		{ID: "faq", Name: "问答.csv", Content: []byte("问,答\n低保怎么申请,到社区\n"), CreatedBy: "staff", CreatedAt: t0, UpdatedAt: t0},
		{ID: "big", Name: "big.txt", Content: big, CreatedBy: "staff", CreatedAt: t0, UpdatedAt: t0},
		{ID: "nul", Name: "nul.pdf", Content: []byte("%PDF-1.4\x00\xff\xfe binary"), CreatedBy: "staff", CreatedAt: t0, UpdatedAt: t0},
	} {
		if err := ps.PutPolicyFile(ctx, f); err != nil {
			t.Fatal(err)
		}
	}
	// A new upload of dibao by someone else, later, marked repealed.
	t1 := t0.Add(48 * time.Hour)
	if err := ps.PutPolicyFile(ctx, core.PolicyFile{ID: "dibao", Name: "低保办法（修订）.md", Content: []byte("# 修订"),
		Validity: "废止", SupersededBy: "海民发〔2025〕3号", CreatedBy: "staff", CreatedAt: t1, UpdatedAt: t1}); err != nil {
		t.Fatal(err)
	}
	f, err := ps.PolicyFile(ctx, "dibao")
	if err != nil {
		t.Fatal(err)
	}
	if f.Name != "低保办法（修订）.md" || string(f.Content) != "# 修订" || f.Validity != "废止" || f.SupersededBy != "海民发〔2025〕3号" ||
		f.CreatedBy != "admin" || !f.CreatedAt.Equal(t0) || !f.UpdatedAt.Equal(t1) {
		t.Errorf("replaced file: %+v", f)
	}
	for _, tt := range []struct {
		id   string
		want []byte
	}{{"big", big}, {"nul", []byte("%PDF-1.4\x00\xff\xfe binary")}} {
		f, err := ps.PolicyFile(ctx, tt.id)
		if err != nil || !bytes.Equal(f.Content, tt.want) {
			t.Errorf("%s: %d bytes, %v; want %d", tt.id, len(f.Content), err, len(tt.want))
		}
	}
	for _, content := range []bool{false, true} {
		list, err := ps.PolicyFiles(ctx, content)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, f := range list {
			ids = append(ids, f.ID)
			if (f.Content != nil) != content {
				t.Errorf("content %v: %s has %d bytes", content, f.ID, len(f.Content))
			}
		}
		if got := strings.Join(ids, " "); got != "big dibao faq nul" {
			t.Errorf("files %s", got)
		}
	}
	if err := ps.DeletePolicyFile(ctx, "faq"); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		err  error
	}{
		{"deleted", func() error { _, err := ps.PolicyFile(ctx, "faq"); return err }()},
		{"deleted twice", ps.DeletePolicyFile(ctx, "faq")},
		{"unknown", func() error { _, err := ps.PolicyFile(ctx, "none"); return err }()},
	} {
		if core.ErrorCode(tt.err) != core.ENOTFOUND {
			t.Errorf("%s: %v, want ENOTFOUND", tt.name, tt.err)
		}
	}
}
