package open311

import (
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"jiceng/internal/core"
)

// ServiceDef is one service the street offers over Open311 (a row of the
// open311 setting): its code, the taxonomy path its requests are filed
// under (一级/二级[/三级]), its name, group and keywords, and its
// attributes.
type ServiceDef struct {
	Code       string
	Category   [3]string
	Name       string
	Group      string
	Keywords   []string
	Attributes []Attribute
}

// Service is the entry of GET services.
func (d ServiceDef) Service() Service {
	desc := strings.Join(slices.DeleteFunc(slices.Clone(d.Category[:]), func(s string) bool { return s == "" }), " / ")
	return Service{ServiceCode: d.Code, ServiceName: d.Name, Description: desc, Metadata: len(d.Attributes) > 0,
		Type: TypeRealtime, Keywords: strings.Join(d.Keywords, ","), Group: d.Group}
}

// Definition is the document of GET services/{code}.
func (d ServiceDef) Definition() Definition {
	return Definition{ServiceCode: d.Code, Attributes: d.Attributes}
}

// Config is the street's Open311 service list, in the order of the
// setting.
type Config []ServiceDef

// Service returns the service of code.
func (c Config) Service(code string) (ServiceDef, bool) {
	for _, d := range c {
		if d.Code == code {
			return d, true
		}
	}
	return ServiceDef{}, false
}

// OfCategory returns the service whose taxonomy path is the longest
// prefix of the categories (a ticket's), if any.
func (c Config) OfCategory(c1, c2, c3 string) (ServiceDef, bool) {
	best, n := ServiceDef{}, 0
	for _, d := range c {
		m := 0
		switch {
		case d.Category[0] != c1:
			continue
		case d.Category[1] == "":
			m = 1
		case d.Category[1] != c2:
			continue
		case d.Category[2] == "":
			m = 2
		case d.Category[2] == c3:
			m = 3
		default:
			continue
		}
		if m > n {
			best, n = d, m
		}
	}
	return best, n > 0
}

// The columns of the open311 setting.
var configHeader = []string{"service_code", "taxonomy", "name", "group", "keywords", "attributes"}

// ConfigHint describes the setting's file for the settings page.
const ConfigHint = "CSV（UTF-8），列：service_code,taxonomy,name,group,keywords,attributes。taxonomy 为问题分类路径（一级/二级/三级，可只写到一级或二级）；keywords 用顿号或逗号分隔；" +
	"attributes 为附加字段，多个用分号分隔，每个写作 代码|类型|是否必填|说明|选项，类型为 string、number、datetime、text、singlevaluelist 或 multivaluelist，选项写作 键=名称,键=名称（仅列表类型）。"

// ReadConfig reads the open311 setting from CSV (UTF-8, a BOM allowed).
// With cats (the taxonomy in force) every row's path must be a category
// of it. Bad rows are core.RowErrors.
func ReadConfig(b []byte, cats []core.Category) (Config, error) {
	b = bytes.TrimPrefix(b, []byte("\ufeff"))
	r := csv.NewReader(bytes.NewReader(b))
	r.FieldsPerRecord = -1
	var rows [][]string
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return nil, core.RowErrors{{Row: pe.Line, Reason: "CSV 格式错误：" + pe.Err.Error()}}.Err("Open311 服务表")
		}
		if err != nil {
			return nil, err
		}
		rows = append(rows, rec)
	}
	return ReadConfigRows(rows, cats)
}

// ReadConfigRows reads the rows of the open311 setting (a first row of
// column names, English or as the settings page shows them, is skipped).
func ReadConfigRows(rows [][]string, cats []core.Category) (Config, error) {
	var (
		out  Config
		errs core.RowErrors
	)
	seen := map[string]bool{}
	for i, rec := range rows {
		line := i + 1
		if line == 1 && len(rec) > 0 && (strings.TrimSpace(rec[0]) == configHeader[0] || strings.TrimSpace(rec[0]) == ConfigColumns[0]) {
			continue
		}
		if len(rec) == 0 || (len(rec) == 1 && strings.TrimSpace(rec[0]) == "") {
			continue
		}
		d, reason := configRow(slices.Clone(rec), cats)
		if reason == "" && seen[d.Code] {
			reason = fmt.Sprintf("服务代码 %s 重复", d.Code)
		}
		if reason != "" {
			errs = append(errs, core.RowError{Row: line, Reason: reason})
			continue
		}
		seen[d.Code] = true
		out = append(out, d)
	}
	if err := errs.Err("Open311 服务表"); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, core.Errorf(core.EINVALID, "Open311 服务表没有服务")
	}
	return out, nil
}

// ConfigColumns are the column names of the setting as the settings page
// shows them (and its download writes them).
var ConfigColumns = []string{"服务代码", "分类路径", "名称", "分组", "关键词", "附加字段"}

func configRow(rec []string, cats []core.Category) (ServiceDef, string) {
	if len(rec) < 3 || len(rec) > len(configHeader) {
		return ServiceDef{}, fmt.Sprintf("应有 3 到 %d 列（%s），本行 %d 列", len(configHeader), strings.Join(configHeader, ","), len(rec))
	}
	for i := range rec {
		if !utf8.ValidString(rec[i]) {
			return ServiceDef{}, "不是合法的 UTF-8 文本"
		}
		rec[i] = strings.TrimSpace(rec[i])
	}
	rec = append(rec, make([]string, len(configHeader)-len(rec))...)
	d := ServiceDef{Code: rec[0], Name: rec[2], Group: rec[3]}
	if d.Code == "" || len(d.Code) > 40 || strings.Trim(d.Code, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") != "" {
		return ServiceDef{}, fmt.Sprintf("服务代码 %q 无效：只能用字母、数字、- 和 _，最多 40 个字符", d.Code)
	}
	if d.Name == "" {
		return ServiceDef{}, "缺少服务名称"
	}
	parts := strings.Split(rec[1], "/")
	if rec[1] == "" || len(parts) > 3 || slices.Contains(parts, "") {
		return ServiceDef{}, fmt.Sprintf("分类路径 %q 无效：应为 一级/二级/三级（可只写到一级或二级）", rec[1])
	}
	for i, p := range parts {
		d.Category[i] = strings.TrimSpace(p)
	}
	if len(cats) > 0 && !slices.ContainsFunc(cats, func(c core.Category) bool {
		return c.Level1 == d.Category[0] && (d.Category[1] == "" || c.Level2 == d.Category[1]) && (d.Category[2] == "" || c.Level3 == d.Category[2])
	}) {
		return ServiceDef{}, fmt.Sprintf("分类路径「%s」不在问题分类中", rec[1])
	}
	for _, k := range strings.FieldsFunc(rec[4], func(r rune) bool { return r == ',' || r == '、' || r == '，' }) {
		if k = strings.TrimSpace(k); k != "" {
			d.Keywords = append(d.Keywords, k)
		}
	}
	if rec[5] != "" {
		for i, a := range strings.Split(rec[5], ";") {
			attr, reason := configAttribute(strings.TrimSpace(a), i+1)
			if reason != "" {
				return ServiceDef{}, fmt.Sprintf("第 %d 个附加字段：%s", i+1, reason)
			}
			if slices.ContainsFunc(d.Attributes, func(x Attribute) bool { return x.Code == attr.Code }) {
				return ServiceDef{}, fmt.Sprintf("附加字段代码 %s 重复", attr.Code)
			}
			d.Attributes = append(d.Attributes, attr)
		}
	}
	return d, ""
}

func configAttribute(s string, order int) (Attribute, string) {
	f := strings.Split(s, "|")
	if len(f) < 2 || len(f) > 5 {
		return Attribute{}, "应写作 代码|类型|是否必填|说明|选项"
	}
	f = append(f, make([]string, 5-len(f))...)
	for i := range f {
		f[i] = strings.TrimSpace(f[i])
	}
	a := Attribute{Variable: true, Code: f[0], Datatype: f[1], Order: order, Description: f[3]}
	if a.Code == "" || strings.ContainsAny(a.Code, "[]=,") || utf8.RuneCountInString(a.Code) > 100 {
		return Attribute{}, fmt.Sprintf("代码 %q 无效", a.Code)
	}
	if !slices.Contains(Datatypes, a.Datatype) {
		return Attribute{}, fmt.Sprintf("类型 %q 无效，应为 %s 之一", a.Datatype, strings.Join(Datatypes, "、"))
	}
	switch strings.ToLower(f[2]) {
	case "是", "yes", "true", "必填":
		a.Required = true
	case "", "否", "no", "false", "选填":
	default:
		return Attribute{}, fmt.Sprintf("是否必填应为 是 或 否，不是 %q", f[2])
	}
	list := a.Datatype == DatatypeSingleValueList || a.Datatype == DatatypeMultiValueList
	if f[4] != "" && !list {
		return Attribute{}, "只有列表类型有选项"
	}
	for _, kv := range strings.Split(f[4], ",") {
		if kv = strings.TrimSpace(kv); kv == "" {
			continue
		}
		k, n, ok := strings.Cut(kv, "=")
		if !ok {
			n = k
		}
		k, n = strings.TrimSpace(k), strings.TrimSpace(n)
		if k == "" || n == "" || slices.ContainsFunc(a.Values, func(v Value) bool { return v.Key == k }) {
			return Attribute{}, fmt.Sprintf("选项 %q 无效或重复", kv)
		}
		a.Values = append(a.Values, Value{Key: k, Name: n})
	}
	if list && len(a.Values) == 0 {
		return Attribute{}, "列表类型需要选项"
	}
	return a, ""
}

// WriteConfig writes c as the open311 setting reads it.
func WriteConfig(c Config) []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write(configHeader)
	for _, d := range c {
		w.Write(ConfigRow(d))
	}
	w.Flush()
	return b.Bytes()
}

// ConfigRow is d as a row of the setting.
func ConfigRow(d ServiceDef) []string {
	path := strings.Join(slices.DeleteFunc(slices.Clone(d.Category[:]), func(s string) bool { return s == "" }), "/")
	attrs := make([]string, len(d.Attributes))
	for i, a := range d.Attributes {
		req := "否"
		if a.Required {
			req = "是"
		}
		vals := make([]string, len(a.Values))
		for j, v := range a.Values {
			vals[j] = v.Key + "=" + v.Name
		}
		attrs[i] = strings.Join([]string{a.Code, a.Datatype, req, a.Description, strings.Join(vals, ",")}, "|")
	}
	return []string{d.Code, path, d.Name, d.Group, strings.Join(d.Keywords, "、"), strings.Join(attrs, ";")}
}

// Category3Attribute is the code of the default services' attribute that
// picks the third-level category.
const Category3Attribute = "category3"

// DefaultConfig is the service list made from the taxonomy when the street
// has no open311 setting: one service per second-level category (its
// group the first level), with a singlevaluelist of its third-level
// categories. A service's code is made from its path ("s" and 8 hex
// digits of its SHA-256), so that it stays when the taxonomy grows.
func DefaultConfig(cats []core.Category) Config {
	var out Config
	index := map[[2]string]int{}
	for _, c := range cats {
		if c.Level1 == "" || c.Level2 == "" {
			continue
		}
		k := [2]string{c.Level1, c.Level2}
		i, ok := index[k]
		if !ok {
			sum := sha256.Sum256([]byte(c.Level1 + "/" + c.Level2))
			i = len(out)
			index[k] = i
			out = append(out, ServiceDef{Code: "s" + hex.EncodeToString(sum[:4]), Category: [3]string{c.Level1, c.Level2},
				Name: c.Level2, Group: c.Level1})
		}
		if c.Level3 == "" || strings.ContainsAny(c.Level3, "|;,=") {
			continue
		}
		d := &out[i]
		if len(d.Attributes) == 0 {
			d.Attributes = []Attribute{{Variable: true, Code: Category3Attribute, Datatype: DatatypeSingleValueList, Order: 1,
				Description: "具体问题分类（三级分类）"}}
		}
		d.Attributes[0].Values = append(d.Attributes[0].Values, Value{Key: c.Level3, Name: c.Level3})
		d.Keywords = append(d.Keywords, c.Level3)
	}
	return out
}
