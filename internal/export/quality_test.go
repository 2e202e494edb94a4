package export

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"jiceng/internal/quality"
)

func TestQualityXLSX(t *testing.T) {
	now := time.Date(2026, 6, 1, 10, 0, 0, 0, time.UTC)
	g := quality.Generate(quality.GenOptions{Persons: 300, Seed: 2, Now: now, Rate: 0.03})
	run, err := quality.Measure(g.Records, quality.Options{Now: now, Refs: g.Refs,
		Owners: map[string]string{"公安户籍": "派出所"},
		Mask:   func(_, _, v string) string { return "***" }})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := QualityXLSX(&b, run, "东湖街道数据质量报告"); err != nil {
		t.Fatal(err)
	}
	raw := bytes.Clone(b.Bytes())
	f, err := excelize.OpenReader(&b)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); strings.Join(got, ",") != strings.Join(QualitySheets, ",") {
		t.Fatalf("sheets %v", got)
	}
	get := func(sheet, c string) string {
		v, err := f.GetCellValue(sheet, c)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	if get("概览", "A1") != "东湖街道数据质量报告" || get("概览", "A4") != "总体得分" {
		t.Errorf("overview: %q %q", get("概览", "A1"), get("概览", "A4"))
	}
	rows, _ := f.GetRows("检查结果")
	if len(rows) != len(run.Results)+1 {
		t.Errorf("%d result rows, want %d", len(rows)-1, len(run.Results))
	}
	samples := 0
	for _, r := range run.Results {
		samples += len(r.Samples)
	}
	rows, _ = f.GetRows("问题记录")
	if samples == 0 || len(rows) != samples+1 {
		t.Errorf("%d sample rows, want %d", len(rows)-1, samples)
	}
	for _, row := range rows[1:] {
		if len(row) > 5 && row[5] != "" && row[5] != "***" {
			t.Errorf("unmasked value %q", row[5])
		}
	}
	rows, _ = f.GetRows("字段得分")
	if len(rows) != len(run.Fields)+1 {
		t.Errorf("%d field rows, want %d", len(rows)-1, len(run.Fields))
	}
	if !bytes.Contains(raw, []byte("xl/charts/chart1.xml")) {
		t.Error("no chart in the workbook")
	}
}
