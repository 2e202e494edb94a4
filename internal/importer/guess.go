package importer

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"jiceng/internal/core"
	"jiceng/internal/fieldset"
)

// A Guess is, for a required field no column names, the column of the
// file that most likely holds it: by its header (a label or alias of the
// field inside it, or a word such as 时间 or 内容) and by the values of the
// first rows (dates for a datetime field, long text for a text field).
type Guess struct {
	Field  string // the field's name
	Label  string // its label
	Column string // the file's column header; "" when no column looks like it
}

// missing refuses a file whose header lacks required fields: it notes the
// columns and the guesses for the message (sample: the rows read after the
// header).
func (im *importer) missing(sample []Row) error {
	im.sum.Columns = append([]string(nil), im.header...)
	free := make([]bool, len(im.header))
	for c := range im.header {
		free[c] = im.colField[c] < 0 && im.header[c] != ""
	}
	var names []string
	var fields []*fieldset.Field
	for i, f := range im.set.Fields {
		if f.Required && im.fieldCol[i] < 0 {
			names = append(names, f.Label+"（"+f.Name+"）")
			fields = append(fields, f)
		}
	}
	im.sum.Guesses = guess(fields, im.sum.Columns, free, sample)
	return core.Errorf(core.EINVALID, "%s: 没有找到必填字段 %s 的列（表头在第 %d 行），文件未导入；"+
		"请用 -mapping 指定这些字段在哪一列", im.base, strings.Join(names, "、"), im.sum.HeaderRow)
}

// noHeader refuses a file none of whose first rows names a field. The row
// with the most cells is taken for the header it should have been, unless
// it looks like data (dates, numbers, long text): then the file most likely
// lacks a header row, and no cell of it is repeated in the summary.
func (im *importer) noHeader(pre []Row) error {
	best, n := -1, 0
	for i, r := range pre {
		k := 0
		for _, c := range r.Cells {
			if strings.TrimSpace(c) != "" {
				k++
			}
		}
		if k > n {
			best, n = i, k
		}
	}
	var fields []*fieldset.Field
	for _, f := range im.set.Fields {
		if f.Required {
			im.sum.Missing = append(im.sum.Missing, f.Label)
			fields = append(fields, f)
		}
	}
	scanned := min(headerScan, len(pre))
	if best < 0 {
		return core.Errorf(core.EINVALID, "%s: 前 %d 行都是空行，找不到表头，文件未导入", im.base, scanned)
	}
	if looksLikeData(pre[best].Cells) {
		return core.Errorf(core.EINVALID, "%s: 找不到表头——前 %d 行中没有任何已知列名，第 %d 行看起来是数据而不是列名；"+
			"请在数据上方加一行列名（如 工单编号、来电时间、诉求内容），文件未导入", im.base, scanned, pre[best].Num)
	}
	cols := make([]string, len(pre[best].Cells))
	free := make([]bool, len(cols))
	for c, v := range pre[best].Cells {
		cols[c] = strings.TrimSpace(strings.TrimPrefix(v, "\ufeff"))
		free[c] = cols[c] != ""
	}
	for len(cols) > 0 && cols[len(cols)-1] == "" {
		cols = cols[:len(cols)-1]
	}
	im.sum.Columns = cols
	im.sum.HeaderRow = pre[best].Num
	im.sum.Guesses = guess(fields, cols, free, pre[best+1:])
	return core.Errorf(core.EINVALID, "%s: 找不到表头——前 %d 行中没有任何已知列名（如 工单编号、来电时间、诉求内容），文件未导入；"+
		"请用 -mapping 指定列名与字段的对应关系", im.base, scanned)
}

// looksLikeData reports whether a row is more likely data than a header:
// a cell that is a date, a number of three digits or more, or long text.
func looksLikeData(cells []string) bool {
	for _, c := range cells {
		c = strings.TrimSpace(c)
		if c == "" {
			continue
		}
		if utf8.RuneCountInString(c) > 30 {
			return true
		}
		digits := 0
		for _, r := range c {
			if r >= '0' && r <= '9' {
				digits++
			}
		}
		if digits >= 3 && digits*2 >= len(c) {
			return true
		}
		if _, err := fieldset.ParseDateTime(c); err == nil {
			return true
		}
	}
	return false
}

// guessWords are header words that suggest a field by its name or, for
// fields without their own entry, by its type.
var guessWords = map[string][]string{
	"number":              {"编号", "单号", "序号", "流水", "编码", "号", "id", "no", "code", "key"},
	"received_at":         {"时间", "日期", "时刻", "提交", "创建", "发布", "time", "date", "created"},
	fieldset.TypeDateTime: {"时间", "日期", "时刻", "time", "date"},
	"content":             {"内容", "详情", "描述", "正文", "诉求", "问题", "详细", "说明", "反映", "留言", "text", "detail", "body", "desc", "message", "msg", "content"},
	fieldset.TypeText:     {"内容", "详情", "描述", "正文", "说明", "text", "detail"},
}

// guess returns, for each of fields, the free column of header that most
// likely holds it, each column guessed at most once.
func guess(fields []*fieldset.Field, header []string, free []bool, sample []Row) []Guess {
	var out []Guess
	taken := make([]bool, len(header))
	for _, f := range fields {
		g := Guess{Field: f.Name, Label: f.Label}
		best, bestScore := -1, 0.0
		for c, h := range header {
			if !free[c] || taken[c] {
				continue
			}
			if s := score(f, h, c, sample); s > bestScore {
				best, bestScore = c, s
			}
		}
		if best >= 0 {
			g.Column = header[best]
			taken[best] = true
		}
		out = append(out, g)
	}
	return out
}

// score rates how likely column c, headed h, holds field f.
func score(f *fieldset.Field, h string, c int, sample []Row) float64 {
	key := fieldset.NormalizeHeader(h)
	s := 0.0
	for _, a := range append([]string{f.Name, f.Label}, f.Aliases...) {
		if a = fieldset.NormalizeHeader(a); utf8.RuneCountInString(a) >= 2 && strings.Contains(key, a) {
			s = 3
			break
		}
	}
	words, ok := guessWords[f.Name]
	if !ok {
		words = guessWords[f.Type]
	}
	for _, w := range words {
		if strings.Contains(key, w) {
			s = max(s, 2)
			break
		}
	}
	// The values of the first rows.
	n, hits, runes := 0, 0, 0
	seen := map[string]bool{}
	unique := true
	for _, r := range sample {
		if c >= len(r.Cells) {
			continue
		}
		v := strings.TrimSpace(r.Cells[c])
		if v == "" {
			continue
		}
		n++
		runes += utf8.RuneCountInString(v)
		unique = unique && !seen[v]
		seen[v] = true
		switch f.Type {
		case fieldset.TypeDateTime:
			if _, err := fieldset.ParseDateTime(v); err == nil {
				hits++
			}
		case fieldset.TypeString:
			if _, err := f.Normalize(v); err == nil && hasDigit(v) {
				hits++
			}
		}
	}
	if n == 0 {
		return s
	}
	switch f.Type {
	case fieldset.TypeDateTime:
		s += 2 * float64(hits) / float64(n)
	case fieldset.TypeText:
		if avg := runes / n; avg >= 10 {
			s += min(float64(avg)/50, 1.5)
		}
	case fieldset.TypeString:
		if unique && hits == n {
			s += 1
		}
	}
	return s
}

func hasDigit(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return r >= '0' && r <= '9' })
}

// isHeader reports whether row repeats the header (every non-empty header
// cell, in its place).
func (im *importer) isHeader(row Row) bool {
	first := -1
	for c, h := range im.header {
		if h != "" {
			first = c
			break
		}
	}
	if first < 0 || first >= len(row.Cells) || strings.TrimSpace(row.Cells[first]) != im.header[first] {
		return false
	}
	for c, h := range im.header {
		if h == "" {
			continue
		}
		if c >= len(row.Cells) || strings.TrimSpace(strings.TrimPrefix(row.Cells[c], "\ufeff")) != h {
			return false
		}
	}
	return true
}

// dateReason adds to the reason a datetime value of field fi was refused
// for the value itself (masked when the field holds personal data) and the
// forms that would have been read.
func (im *importer) dateReason(fi int, reason, value string) string {
	f := im.set.Fields[fi]
	if f.Type != fieldset.TypeDateTime {
		return reason
	}
	switch reason {
	case fieldset.ErrDate.Error(), fieldset.ErrDateDay.Error(), fieldset.ErrDateForm.Error():
	default:
		return reason
	}
	v := strings.TrimSpace(value)
	if utf8.RuneCountInString(v) > 40 {
		v = string([]rune(v)[:40]) + "…"
	}
	if f.Sensitivity == fieldset.SensPersonal || f.Sensitivity == fieldset.SensSensitive {
		if im.opt.Mask != nil {
			v = im.opt.Mask(f.Name, v)
		} else {
			v = maskShape(v)
		}
	}
	form := im.forms[fi]
	if form == nil || form.Describe() == fieldset.DateForms {
		return fmt.Sprintf("%s：“%s”（可识别的形式: %s；其他形式请在映射文件中声明该列的格式）", reason, v, fieldset.DateForms)
	}
	return fmt.Sprintf("%s：“%s”（该列%s）", reason, v, form.Describe())
}

// maskShape hides a personal value quoted in a reason but keeps its shape:
// every digit and letter becomes *, separators and the words of dates
// (年 月 日 时 分 秒 上午 下午) stay, so that the reader still sees why it
// was not read.
func maskShape(v string) string {
	return strings.Map(func(r rune) rune {
		if strings.ContainsRune("年月日号时点分秒上下午", r) {
			return r
		}
		if unicode.IsDigit(r) || unicode.IsLetter(r) {
			return '*'
		}
		return r
	}, v)
}
