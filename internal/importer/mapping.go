package importer

import (
	"encoding/csv"
	"io"
	"strings"

	"jiceng/internal/core"
	"jiceng/internal/fieldset"
)

// Mapping maps column headers, folded by fieldset.NormalizeHeader, onto
// field names.
type Mapping map[string]string

// LoadMapping reads a mapping file: CSV lines "column,field" in UTF-8 or
// GBK, where field is a field's name, label or alias in set. A first line
// whose field names no field is taken as a header and skipped; lines
// starting with # are comments.
func LoadMapping(r io.Reader, set *fieldset.Set) (Mapping, error) {
	text, err := decodeSmall(r)
	if err != nil {
		return nil, core.Errorf(core.EINVALID, "映射文件: %s", core.ErrorMessage(err))
	}
	cr := csv.NewReader(strings.NewReader(text))
	cr.FieldsPerRecord = -1
	cr.Comment = '#'
	cr.TrimLeadingSpace = true
	m := Mapping{}
	for line := 1; ; line++ {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, core.Errorf(core.EINVALID, "映射文件第 %d 行格式错误", line)
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		if len(rec) != 2 {
			return nil, core.Errorf(core.EINVALID, "映射文件第 %d 行应为 列名,字段 两列", line)
		}
		col, field := strings.TrimSpace(rec[0]), strings.TrimSpace(rec[1])
		f := set.Lookup(field)
		if f == nil {
			if line == 1 {
				continue // a header line such as "column,field" or "列名,字段"
			}
			return nil, core.Errorf(core.EINVALID, "映射文件第 %d 行: 未知字段 %q", line, field)
		}
		key := fieldset.NormalizeHeader(col)
		if key == "" {
			return nil, core.Errorf(core.EINVALID, "映射文件第 %d 行: 列名为空", line)
		}
		m[key] = f.Name
	}
	if len(m) == 0 {
		return nil, core.Errorf(core.EINVALID, "映射文件没有任何对应关系")
	}
	return m, nil
}
