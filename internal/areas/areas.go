// Package areas reads a street's own areas (街道 → 社区 → 网格) and list of
// units (承办单位) from the records of a CSV or XLSX file, so a street can
// load its own instead of the demo's. (The base-data registries of people,
// houses, enterprises and organisations are another matter.) Records are decoded text (UTF-8);
// callers read the file and decode GBK first.
package areas

import (
	"fmt"
	"strings"

	"jiceng/internal/core"
)

// readTable takes records with a header row and returns, for each data row, a
// map from canonical column name to value. columns maps each accepted header
// (after trimming spaces and a BOM) to its canonical name; required lists the
// canonical names that must be present in the header.
func readTable(rows [][]string, what string, columns map[string]string, required ...string) ([]map[string]string, error) {
	if len(rows) < 2 {
		return nil, fmt.Errorf("%s文件没有数据行", what)
	}
	idx := map[string]int{}
	for i, h := range rows[0] {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		if name, ok := columns[h]; ok {
			if _, dup := idx[name]; dup {
				return nil, fmt.Errorf("%s文件表头第 %d 列与前面的列重复", what, i+1)
			}
			idx[name] = i
		}
	}
	for _, name := range required {
		if _, ok := idx[name]; !ok {
			return nil, fmt.Errorf("%s文件表头缺少列 %s", what, name)
		}
	}
	out := make([]map[string]string, 0, len(rows)-1)
	for _, row := range rows[1:] {
		m := make(map[string]string, len(idx))
		for name, i := range idx {
			if i < len(row) {
				m[name] = strings.TrimSpace(row[i])
			}
		}
		out = append(out, m)
	}
	return out, nil
}

// FromRows reads an area registry from its records (a header row, then
// one row per grid, or per community when the grid is empty), as read from a
// CSV or XLSX file. The columns are 街道,社区,网格 and optionally
// 街道编码,社区编码,网格编码. Missing codes default to the names. A community
// or grid is listed once however many rows name it.
func FromRows(records [][]string) (core.Areas, error) {
	rows, err := readTable(records, "区域", map[string]string{
		"街道": "街道", "社区": "社区", "网格": "网格",
		"街道编码": "街道编码", "社区编码": "社区编码", "网格编码": "网格编码",
		"street": "街道", "community": "社区", "grid": "网格",
		"street_code": "街道编码", "community_code": "社区编码", "grid_code": "网格编码",
	}, "街道", "社区")
	if err != nil {
		return core.Areas{}, err
	}
	var a core.Areas
	var bad core.RowErrors
	streets, comms, grids := map[string]bool{}, map[string]string{}, map[string]bool{}
	for i, m := range rows {
		line := i + 2
		sc, cc, gc := or(m["街道编码"], m["街道"]), or(m["社区编码"], m["社区"]), or(m["网格编码"], m["网格"])
		if m["街道"] == "" || m["社区"] == "" {
			bad = append(bad, core.RowError{Row: line, Reason: "街道和社区不能为空"})
			continue
		}
		if !streets[sc] {
			streets[sc] = true
			a.Streets = append(a.Streets, core.Street{Code: sc, Name: m["街道"]})
		}
		if st, ok := comms[cc]; !ok {
			comms[cc] = sc
			a.Communities = append(a.Communities, core.Community{Code: cc, Name: m["社区"], Street: sc})
		} else if st != sc {
			bad = append(bad, core.RowError{Row: line, Reason: fmt.Sprintf("社区编码 %s 属于两个街道", cc)})
			continue
		}
		if m["网格"] == "" {
			continue
		}
		if grids[gc] {
			bad = append(bad, core.RowError{Row: line, Reason: fmt.Sprintf("网格编码 %s 重复", gc)})
			continue
		}
		grids[gc] = true
		a.Grids = append(a.Grids, core.Grid{Code: gc, Name: m["网格"], Community: cc})
	}
	if err := bad.Err("区域文件"); err != nil {
		return core.Areas{}, err
	}
	return a, nil
}

// UnitsFromRows reads a list of units from its records (a header row, then
// one row per unit), as read from a CSV or XLSX file. The columns are 名称 and
// optionally 编码,类型,所属社区,电话. The type is one of 社区, 街道科室,
// 外部单位 (default 街道科室); a missing code defaults to the name.
func UnitsFromRows(records [][]string) ([]core.Unit, error) {
	rows, err := readTable(records, "承办单位", map[string]string{
		"编码": "编码", "名称": "名称", "类型": "类型", "所属社区": "所属社区", "电话": "电话",
		"单位编码": "编码", "单位名称": "名称", "承办单位": "名称", "单位类型": "类型", "联系电话": "电话",
		"code": "编码", "name": "名称", "kind": "类型", "community": "所属社区", "phone": "电话",
	}, "名称")
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var bad core.RowErrors
	units := make([]core.Unit, 0, len(rows))
	for i, m := range rows {
		line := i + 2
		u := core.Unit{Code: or(m["编码"], m["名称"]), Name: m["名称"], Kind: or(m["类型"], core.UnitDepartment),
			Community: m["所属社区"], Phone: m["电话"]}
		if u.Name == "" {
			bad = append(bad, core.RowError{Row: line, Reason: "名称不能为空"})
			continue
		}
		switch u.Kind {
		case core.UnitCommunity, core.UnitDepartment, core.UnitAgency:
		default:
			bad = append(bad, core.RowError{Row: line, Reason: "类型应为 社区、街道科室 或 外部单位"})
			continue
		}
		if seen[u.Code] {
			bad = append(bad, core.RowError{Row: line, Reason: fmt.Sprintf("编码 %s 重复", u.Code)})
			continue
		}
		seen[u.Code] = true
		units = append(units, u)
	}
	if err := bad.Err("承办单位文件"); err != nil {
		return nil, err
	}
	return units, nil
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
