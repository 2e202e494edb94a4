// Package taxonomy reads the 3-level category taxonomy (问题分类) from CSV and
// ships a sound default: a real classification of citizen messages with 15
// top-level classes and 517 leaves. A street can load its own.
package taxonomy

import (
	_ "embed"
	"encoding/csv"
	"fmt"
	"io"
	"strings"

	"jiceng/internal/core"
)

//go:embed taxonomy.csv
var defaultCSV string

// Default returns the built-in taxonomy.
func Default() []core.Category {
	cats, err := Load(strings.NewReader(defaultCSV))
	if err != nil {
		panic("taxonomy: built-in taxonomy.csv: " + err.Error())
	}
	return cats
}

// Load reads a taxonomy from CSV with the header level1,level2,level3 (or
// 一级分类,二级分类,三级分类), one leaf per row. Level 3, and level 2, may be
// empty for a shallower taxonomy. Duplicate rows are an error.
func Load(r io.Reader) ([]core.Category, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	rows, err := cr.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("分类文件格式错误: %w", err)
	}
	return FromRows(rows)
}

// FromRows is Load on records already read, e.g. from XLSX.
func FromRows(rows [][]string) ([]core.Category, error) {
	if len(rows) < 2 {
		return nil, fmt.Errorf("分类文件没有数据行")
	}
	h := rows[0]
	if len(h) < 1 || !(strings.EqualFold(strings.TrimSpace(strings.TrimPrefix(h[0], "\ufeff")), "level1") ||
		strings.TrimSpace(strings.TrimPrefix(h[0], "\ufeff")) == "一级分类") {
		return nil, fmt.Errorf("分类文件表头应为 level1,level2,level3 或 一级分类,二级分类,三级分类")
	}
	seen := map[core.Category]bool{}
	var cats []core.Category
	var bad core.RowErrors
	for i, row := range rows[1:] {
		var c core.Category
		for j, p := range []*string{&c.Level1, &c.Level2, &c.Level3} {
			if j < len(row) {
				*p = strings.TrimSpace(row[j])
			}
		}
		if c.Level1 == "" || (c.Level2 == "" && c.Level3 != "") {
			bad = append(bad, core.RowError{Row: i + 2, Reason: "上级分类不能为空"})
			continue
		}
		if seen[c] {
			bad = append(bad, core.RowError{Row: i + 2, Reason: "分类重复"})
			continue
		}
		seen[c] = true
		cats = append(cats, c)
	}
	if err := bad.Err("分类文件"); err != nil {
		return nil, err
	}
	return cats, nil
}
