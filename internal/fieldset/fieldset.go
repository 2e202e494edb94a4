// Package fieldset declares the standard field set (标准字段集): for each field
// its name, Chinese label, type, format, whether it is required, its
// sensitivity level, its update cycle, what to do with an invalid value and
// the header aliases that name it in outside files.
//
// The declaration is a CSV file embedded in the binary (tickets.csv) that a
// street can replace with its own. Value parsing and validation of rows
// against a Set live here too, so that every way in (import, web form, API)
// applies the same rules.
package fieldset

import (
	_ "embed"
	"encoding/csv"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
)

// Field types.
const (
	TypeString   = "string"   // one line of text; Format is an optional regular expression
	TypeText     = "text"     // free text, may span lines
	TypeDateTime = "datetime" // date and time, many input formats
	TypePhone    = "phone"    // mobile or landline number
	TypeIDCard   = "idcard"   // resident ID number (GB 11643)
	TypeUSCC     = "uscc"     // unified social credit code (GB 32100), of enterprises and organisations
	TypeDate     = "date"     // a calendar date without a time (birth dates, licence dates)
	TypeEnum     = "enum"     // one of Format's values, separated by |
	TypeFloat    = "float"    // number; Format is an optional range "min..max"
	TypeInt      = "int"
	TypeBool     = "bool" // 是/否, yes/no, 1/0, 已解决/未解决
	TypeTags     = "tags" // list separated by , ， ; ； | or 、
)

// Sensitivity levels, lowest first. The masking dictionary decides per role
// what each level means.
const (
	SensPublic    = "public"    // 公开
	SensInternal  = "internal"  // 内部
	SensPersonal  = "personal"  // 个人信息
	SensSensitive = "sensitive" // 敏感个人信息
)

// What to do with a value that fails validation.
const (
	OnInvalidReject = "reject" // the whole row is rejected
	OnInvalidFlag   = "flag"   // the raw value is kept and a flag is attached
)

// Update cycles: how often a value is expected to be refreshed, for the
// stale-record ("僵尸数据") checks.
var UpdateCycles = []string{"event", "daily", "weekly", "monthly", "quarterly", "yearly", "never"}

// Field is the declaration of one field.
type Field struct {
	Name        string
	Label       string
	Type        string
	Format      string
	Required    bool
	Sensitivity string
	UpdateCycle string
	OnInvalid   string
	Aliases     []string

	pattern *regexp.Regexp
	enum    []string
}

// Set is a declared field set.
type Set struct {
	Fields []*Field
	byName map[string]*Field
	alias  map[string]*Field
}

//go:embed tickets.csv
var ticketsCSV string

// Tickets returns the built-in field set for tickets.
func Tickets() *Set {
	s, err := Load(strings.NewReader(ticketsCSV))
	if err != nil {
		panic("fieldset: built-in tickets.csv: " + err.Error())
	}
	return s
}

var header = []string{"name", "label", "type", "format", "required", "sensitivity", "update_cycle", "on_invalid", "aliases"}

// Load reads a field-set declaration in the CSV form of tickets.csv. It
// returns an error naming the line of the first bad declaration.
func Load(r io.Reader) (*Set, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = len(header)
	rows, err := cr.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("字段集文件格式错误: %w", err)
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("字段集文件为空")
	}
	for i, h := range header {
		if strings.TrimSpace(strings.TrimPrefix(rows[0][i], "\ufeff")) != h {
			return nil, fmt.Errorf("字段集文件表头第 %d 列应为 %q", i+1, h)
		}
	}
	s := &Set{byName: map[string]*Field{}, alias: map[string]*Field{}}
	for i, row := range rows[1:] {
		line := i + 2
		f := &Field{
			Name:        strings.TrimSpace(row[0]),
			Label:       strings.TrimSpace(row[1]),
			Type:        strings.TrimSpace(row[2]),
			Format:      strings.TrimSpace(row[3]),
			Sensitivity: strings.TrimSpace(row[5]),
			UpdateCycle: strings.TrimSpace(row[6]),
			OnInvalid:   strings.TrimSpace(row[7]),
		}
		switch strings.ToLower(strings.TrimSpace(row[4])) {
		case "yes", "true", "是", "1":
			f.Required = true
		case "no", "false", "否", "0", "":
		default:
			return nil, fmt.Errorf("字段集第 %d 行: required 应为 yes 或 no", line)
		}
		if err := f.check(); err != nil {
			return nil, fmt.Errorf("字段集第 %d 行 (%s): %w", line, f.Name, err)
		}
		if _, dup := s.byName[f.Name]; dup {
			return nil, fmt.Errorf("字段集第 %d 行: 字段 %s 重复", line, f.Name)
		}
		s.byName[f.Name] = f
		s.Fields = append(s.Fields, f)
		for _, a := range append([]string{f.Name, f.Label}, strings.Split(row[8], "|")...) {
			k := NormalizeHeader(a)
			if k == "" {
				continue
			}
			if g, ok := s.alias[k]; ok && g != f {
				return nil, fmt.Errorf("字段集第 %d 行: 别名 %q 已属于字段 %s", line, a, g.Name)
			}
			s.alias[k] = f
			if a != f.Name && a != f.Label {
				f.Aliases = append(f.Aliases, strings.TrimSpace(a))
			}
		}
	}
	for _, f := range s.Fields {
		if other, ok := strings.CutPrefix(f.Format, ">="); ok && (f.Type == TypeDateTime || f.Type == TypeDate) {
			if g := s.byName[other]; g == nil || g.Type != f.Type {
				return nil, fmt.Errorf("字段 %s: format 引用的 %s 不是日期字段", f.Name, other)
			}
		}
	}
	return s, nil
}

func (f *Field) check() error {
	if f.Name == "" {
		return fmt.Errorf("缺少字段名")
	}
	if f.Label == "" {
		f.Label = f.Name
	}
	switch f.Type {
	case TypeString, TypeText:
		if f.Format != "" {
			re, err := regexp.Compile(f.Format)
			if err != nil {
				return fmt.Errorf("格式不是合法的正则表达式: %w", err)
			}
			f.pattern = re
		}
	case TypeEnum:
		for _, v := range strings.Split(f.Format, "|") {
			if v = strings.TrimSpace(v); v != "" {
				f.enum = append(f.enum, v)
			}
		}
		if len(f.enum) == 0 {
			return fmt.Errorf("枚举字段需要在 format 中列出取值，用 | 分隔")
		}
	case TypeDateTime:
		// Format is empty or ">=other": the value must not be earlier than
		// field other (e.g. a resolve time before the receive time).
		if f.Format != "" && !strings.HasPrefix(f.Format, ">=") {
			return fmt.Errorf("日期字段的 format 应为空或 >=字段名")
		}
	case TypeFloat, TypeInt:
		// Format is empty or a range "min..max" (either end may be empty).
		if f.Format != "" {
			lo, hi, ok := strings.Cut(f.Format, "..")
			for _, e := range []string{lo, hi} {
				if _, err := strconv.ParseFloat(strings.TrimSpace(e), 64); ok && strings.TrimSpace(e) != "" && err != nil {
					ok = false
				}
			}
			if !ok {
				return fmt.Errorf("数值字段的 format 应为空或范围 最小..最大")
			}
		}
	case TypeDate:
		if f.Format != "" && !strings.HasPrefix(f.Format, ">=") {
			return fmt.Errorf("日期字段的 format 应为空或 >=字段名")
		}
	case TypePhone, TypeIDCard, TypeUSCC, TypeBool, TypeTags:
	default:
		return fmt.Errorf("未知类型 %q", f.Type)
	}
	switch f.Sensitivity {
	case SensPublic, SensInternal, SensPersonal, SensSensitive:
	default:
		return fmt.Errorf("未知敏感级别 %q", f.Sensitivity)
	}
	ok := false
	for _, c := range UpdateCycles {
		ok = ok || c == f.UpdateCycle
	}
	if !ok {
		return fmt.Errorf("未知更新周期 %q", f.UpdateCycle)
	}
	switch f.OnInvalid {
	case OnInvalidReject, OnInvalidFlag:
	default:
		return fmt.Errorf("on_invalid 应为 reject 或 flag")
	}
	return nil
}

// Field returns the field named name, or nil.
func (s *Set) Field(name string) *Field { return s.byName[name] }

// Lookup returns the field an outside column header names (by name, label or
// alias, after NormalizeHeader), or nil.
func (s *Set) Lookup(header string) *Field { return s.alias[NormalizeHeader(header)] }

// NormalizeHeader folds a column header for alias matching: it drops a BOM,
// spaces, required markers (*) and a parenthesised unit suffix, folds
// full-width ASCII to half-width and lower-cases.
func NormalizeHeader(h string) string {
	var b strings.Builder
	for _, r := range h {
		switch {
		case r == '\ufeff' || r == ' ' || r == '\t' || r == '\u3000' || r == '*' || r == '＊' || r == '\r' || r == '\n':
			continue
		case r >= '！' && r <= '～':
			r -= 0xFEE0
		}
		b.WriteRune(r)
	}
	return strings.ToLower(b.String())
}
