package importer

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"sort"
	"strings"

	"jiceng/internal/core"
	"jiceng/internal/fieldset"
)

// Mapping maps column headers, folded by fieldset.NormalizeHeader, onto the
// fields their values go to: one column may feed several fields (a type
// column to both category1 and title). A column the mapping names takes
// precedence over the field set's aliases.
type Mapping map[string][]Target

// A Target is one field a column's values go to, with how its dates are
// read.
type Target struct {
	// Column is the header as written in the mapping (Mapping's key is its
	// folded form).
	Column string
	// Field is the field's name in the field set.
	Field string
	// Format and Zone declare how a datetime field's values are read (see
	// fieldset.DateForm and fieldset.LoadZone); "" reads every built-in
	// form in the import's zone.
	Format, Zone string
}

// MaxMappingLines bounds a mapping file.
const MaxMappingLines = 2000

// Add sends column to t.Field, after the targets column has already.
// A target for a field the column has already replaces it.
func (m Mapping) Add(t Target) {
	key := fieldset.NormalizeHeader(t.Column)
	for i, old := range m[key] {
		if old.Field == t.Field {
			m[key][i] = t
			return
		}
	}
	m[key] = append(m[key], t)
}

// Check validates m against set: every field exists, every format and zone
// reads. Errors are *core.Error in Chinese.
func (m Mapping) Check(set *fieldset.Set) error {
	for key, ts := range m {
		if key == "" {
			return core.Errorf(core.EINVALID, "映射: 列名为空")
		}
		for _, t := range ts {
			if _, err := t.form(set); err != nil {
				return core.Errorf(core.EINVALID, "映射: 列 %s: %s", t.Column, err.Error())
			}
		}
	}
	return nil
}

// form returns the date form of t, or nil for a field that is no datetime
// or a target that declares nothing.
func (t Target) form(set *fieldset.Set) (*fieldset.DateForm, error) {
	f := set.Field(t.Field)
	if f == nil {
		return nil, fmt.Errorf("未知字段 %q", t.Field)
	}
	if t.Format == "" && t.Zone == "" {
		return nil, nil
	}
	if f.Type != fieldset.TypeDateTime {
		return nil, fmt.Errorf("字段 %s 不是日期字段，不能声明格式或时区", f.Name)
	}
	return fieldset.NewDateForm(t.Format, t.Zone)
}

// LoadMapping reads a mapping file in UTF-8 or GBK: CSV lines
//
//	列名,字段[,格式[,时区]]
//
// where 字段 is a field's name, label or alias in set, 格式 a date format
// (see fieldset.DateForm: auto, iso, excel, unix, unixms, a pattern such as
// MM/DD/YYYY hh:mm:ss AM, or a Go layout) and 时区 the zone of its values
// without an offset (Asia/Shanghai, America/New_York, UTC, +08:00). A
// column named on several lines goes to each field. A first line whose
// field names no field is taken as a header and skipped; lines starting
// with # are comments. LoadMapping reads back what Mapping.WriteTo writes.
func LoadMapping(r io.Reader, set *fieldset.Set) (Mapping, error) {
	m, err := loadMapping(r, set)
	if err == nil && len(m) == 0 {
		return nil, core.Errorf(core.EINVALID, "映射文件没有任何对应关系")
	}
	return m, err
}

// NoField is the field of a mapping line that keeps a column as extra
// information even when its header names a field ("编号,-").
const NoField = "-"

// loadMapping is LoadMapping, an empty mapping included.
func loadMapping(r io.Reader, set *fieldset.Set) (Mapping, error) {
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
		if line > MaxMappingLines {
			return nil, core.Errorf(core.EINVALID, "映射文件超过 %d 行", MaxMappingLines)
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		for len(rec) > 2 && strings.TrimSpace(rec[len(rec)-1]) == "" {
			rec = rec[:len(rec)-1] // "列名,字段,," as spreadsheets save it
		}
		if len(rec) < 2 || len(rec) > 4 {
			return nil, core.Errorf(core.EINVALID, "映射文件第 %d 行应为 列名,字段[,格式[,时区]]", line)
		}
		col, field := strings.TrimSpace(rec[0]), strings.TrimSpace(rec[1])
		key := fieldset.NormalizeHeader(col)
		if ts, named := m[key]; named && (field == NoField) != (len(ts) == 0) {
			return nil, core.Errorf(core.EINVALID, "映射文件第 %d 行: 列 %q 不能既对应字段又标为不导入（-）", line, col)
		}
		if field == NoField {
			if key == "" {
				return nil, core.Errorf(core.EINVALID, "映射文件第 %d 行: 列名为空", line)
			}
			m[key] = []Target{}
			continue
		}
		f := set.Lookup(field)
		if f == nil {
			if line == 1 {
				continue // a header line such as "column,field" or "列名,字段,格式,时区"
			}
			return nil, core.Errorf(core.EINVALID, "映射文件第 %d 行: 未知字段 %q", line, field)
		}
		if key == "" {
			return nil, core.Errorf(core.EINVALID, "映射文件第 %d 行: 列名为空", line)
		}
		t := Target{Column: col, Field: f.Name}
		if len(rec) > 2 {
			t.Format = strings.TrimSpace(rec[2])
		}
		if len(rec) > 3 {
			t.Zone = strings.TrimSpace(rec[3])
		}
		if _, err := t.form(set); err != nil {
			return nil, core.Errorf(core.EINVALID, "映射文件第 %d 行: %s", line, err.Error())
		}
		m.Add(t)
	}
	return m, nil
}

// WriteTo writes m in the form LoadMapping reads: a header line
// 列名,字段,格式,时区 and one line a target, by column and then in the
// column's order, UTF-8 without BOM.
func (m Mapping) WriteTo(w io.Writer) (int64, error) {
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	cw.Write([]string{"列名", "字段", "格式", "时区"})
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if len(m[k]) == 0 {
			cw.Write([]string{mappingColumn(k), NoField})
		}
		for _, t := range m[k] {
			col := t.Column
			if fieldset.NormalizeHeader(col) != k {
				col = k
			}
			rec := []string{mappingColumn(col), t.Field}
			switch {
			case t.Zone != "":
				rec = append(rec, t.Format, t.Zone)
			case t.Format != "":
				rec = append(rec, t.Format)
			}
			cw.Write(rec)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return 0, err
	}
	n, err := w.Write(buf.Bytes())
	return int64(n), err
}

// mappingColumn is col as a mapping line's first cell: a header starting
// with # gets a leading space (quoted, so not a comment; the space folds
// away).
func mappingColumn(col string) string {
	if strings.HasPrefix(col, "#") {
		return " " + col
	}
	return col
}

// MappingText is m as WriteTo writes it.
func (m Mapping) MappingText() string {
	var b strings.Builder
	m.WriteTo(&b)
	return b.String()
}
