package storetest

import (
	"context"
	"strings"
	"testing"
	"time"

	"jiceng/internal/core"
)

func testImportMappings(t *testing.T, s core.Store, c *Clock) {
	ctx := context.Background()
	ms, ok := s.(core.ImportMappingStore)
	if !ok {
		t.Fatal("the store keeps no import mappings (core.ImportMappingStore)")
	}
	if _, err := ms.ImportMapping(ctx, "问政平台导出"); core.ErrorCode(err) != core.ENOTFOUND {
		t.Errorf("missing mapping: err = %v, want ENOTFOUND", err)
	}
	if got, err := ms.ImportMappings(ctx); err != nil || len(got) != 0 {
		t.Errorf("ImportMappings of an empty store = %v, %v", got, err)
	}
	text := "列名,字段\n\"留言编号\",\"number\"\n\"编号\",\"-\"\n"
	a := core.ImportMapping{Name: "问政平台导出", Text: text, CreatedBy: "staff", UpdatedAt: start}
	b := core.ImportMapping{Name: "12345 工单明细", Text: "列名,字段\n事项号,number\n", CreatedBy: "admin"} // the clock's time
	for _, m := range []core.ImportMapping{a, b} {
		if err := ms.PutImportMapping(ctx, m); err != nil {
			t.Fatalf("PutImportMapping(%q): %v", m.Name, err)
		}
	}
	got, err := ms.ImportMapping(ctx, a.Name)
	if err != nil || got.Text != text || got.CreatedBy != "staff" || !got.UpdatedAt.Equal(start) {
		t.Errorf("ImportMapping = %+v, %v", got, err)
	}
	// Saving under a taken name replaces the mapping.
	c.Advance(time.Hour)
	a2 := core.ImportMapping{Name: a.Name, Text: "列名,字段\n留言编号,number\n", CreatedBy: "admin", UpdatedAt: c.Now()}
	if err := ms.PutImportMapping(ctx, a2); err != nil {
		t.Fatal(err)
	}
	all, err := ms.ImportMappings(ctx)
	if err != nil || len(all) != 2 {
		t.Fatalf("ImportMappings = %v, %v", all, err)
	}
	// By name, in code-point order on every backend.
	if all[0].Name != b.Name || all[1].Name != a.Name {
		t.Errorf("order %q, %q", all[0].Name, all[1].Name)
	}
	if all[0].UpdatedAt.IsZero() || !all[0].UpdatedAt.Equal(start) {
		t.Errorf("a zero UpdatedAt is the store's clock: %v", all[0].UpdatedAt)
	}
	if m := all[1]; m.Text != a2.Text || m.CreatedBy != "admin" || !m.UpdatedAt.Equal(start.Add(time.Hour)) {
		t.Errorf("replaced mapping = %+v", m)
	}
	for _, bad := range []core.ImportMapping{
		{Name: "", Text: "x"},
		{Name: " 前后空格 ", Text: "x"},
		{Name: "控制\x00字符", Text: "x"},
		{Name: strings.Repeat("名", core.MaxMappingName+1), Text: "x"},
		{Name: "空", Text: ""},
		{Name: "大", Text: strings.Repeat("a", core.MaxMappingText+1)},
	} {
		if err := ms.PutImportMapping(ctx, bad); core.ErrorCode(err) != core.EINVALID {
			t.Errorf("PutImportMapping(%.20q): err = %v, want EINVALID", bad.Name, err)
		}
	}
}
