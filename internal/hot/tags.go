package hot

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"jiceng/internal/core"
)

// Tag is one entry of the high-frequency problem tag library (高频问题标签
// 库): a problem phrase staff accepted, the top-level category it belongs
// to ("" for any), and the phrases merged into it.
type Tag struct {
	Name      string
	Category1 string
	Aliases   []string
}

// Tag library limits: a tag is a phrase, not a sentence.
const (
	MaxTagRunes = 20
	MaxTags     = 5000
)

// ReadTags reads a tag library file: CSV (UTF-8) with the columns 标签,
// 一级分类, 别名 (aliases separated by 、), a header row first. Every bad row is
// reported at once (core.RowErrors); a name or alias given twice is one.
func ReadTags(b []byte) ([]Tag, error) {
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\ufeff"))))
	r.FieldsPerRecord = -1
	head, err := r.Read()
	if err != nil {
		return nil, core.Errorf(core.EINVALID, "标签库文件为空或不是 CSV")
	}
	if len(head) < 1 || strings.TrimSpace(head[0]) != "标签" {
		return nil, core.Errorf(core.EINVALID, "标签库文件的第一行应为表头：标签,一级分类,别名")
	}
	var (
		out  []Tag
		bad  core.RowErrors
		seen = map[string]int{} // phrase: row
	)
	for row := 2; ; row++ {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, core.Errorf(core.EINVALID, "标签库文件第 %d 行不是有效的 CSV", row)
		}
		cell := func(i int) string {
			if i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		t := Tag{Name: cell(0), Category1: cell(1)}
		for _, a := range strings.FieldsFunc(cell(2), func(r rune) bool { return r == '、' || r == '|' }) {
			if a = strings.TrimSpace(a); a != "" && a != t.Name && !slices.Contains(t.Aliases, a) {
				t.Aliases = append(t.Aliases, a)
			}
		}
		if t.Name == "" && len(t.Aliases) == 0 && t.Category1 == "" {
			continue // a blank line
		}
		reason := ""
		for _, p := range append([]string{t.Name}, t.Aliases...) {
			switch n := utf8.RuneCountInString(p); {
			case p == "":
				reason = "缺少标签"
			case n > MaxTagRunes:
				reason = fmt.Sprintf("标签或别名 %q 超过 %d 个字", clipTag(p), MaxTagRunes)
			case seen[p] != 0:
				reason = fmt.Sprintf("%q 已在第 %d 行出现", clipTag(p), seen[p])
			}
			if reason != "" {
				break
			}
		}
		if reason != "" {
			bad = append(bad, core.RowError{Row: row, Reason: reason})
			continue
		}
		for _, p := range append([]string{t.Name}, t.Aliases...) {
			seen[p] = row
		}
		out = append(out, t)
		if len(out) > MaxTags {
			return nil, core.Errorf(core.EINVALID, "标签库超过 %d 个标签", MaxTags)
		}
	}
	if err := bad.Err("标签库文件"); err != nil {
		return nil, err
	}
	return out, nil
}

func clipTag(s string) string {
	if r := []rune(s); len(r) > MaxTagRunes {
		return string(r[:MaxTagRunes]) + "…"
	}
	return s
}

// WriteTags writes tags as a file ReadTags reads.
func WriteTags(tags []Tag) []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	_ = w.Write([]string{"标签", "一级分类", "别名"})
	for _, t := range tags {
		_ = w.Write([]string{t.Name, t.Category1, strings.Join(t.Aliases, "、")})
	}
	w.Flush()
	return b.Bytes()
}

// Known reports whether phrase is a tag's name or alias.
func Known(tags []Tag, phrase string) bool {
	for _, t := range tags {
		if t.Name == phrase || slices.Contains(t.Aliases, phrase) {
			return true
		}
	}
	return false
}

// MatchTags returns the names of the tags whose name or an alias the text
// contains, of the ticket's category (or of any category), in library
// order.
func MatchTags(tags []Tag, category1, text string) []string {
	var out []string
	for _, t := range tags {
		if t.Category1 != "" && category1 != "" && t.Category1 != category1 {
			continue
		}
		if strings.Contains(text, t.Name) || slices.ContainsFunc(t.Aliases, func(a string) bool { return strings.Contains(text, a) }) {
			out = append(out, t.Name)
		}
	}
	return out
}
