package dispatch

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"jiceng/internal/core"
	"jiceng/internal/importer"
	"jiceng/internal/tabfile"
)

// Columns of a catalogue file, by header. Other columns (序号, ...) are
// ignored.
const (
	colCat1 = iota
	colCat2
	colCat3
	colKeywords
	colCommunity
	colUnit
	colCoUnits
	colPriority
	colNote
	nCols
)

// headers are the accepted header texts of each column, the standard one
// first.
var headers = [nCols][]string{
	colCat1:      {"一级分类", "一级", "问题分类一级"},
	colCat2:      {"二级分类", "二级", "问题分类二级"},
	colCat3:      {"三级分类", "三级", "问题分类三级"},
	colKeywords:  {"关键词", "关键字"},
	colCommunity: {"社区", "所属社区"},
	colUnit:      {"承办单位", "主办单位", "责任单位"},
	colCoUnits:   {"协办单位", "配合单位"},
	colPriority:  {"优先级"},
	colNote:      {"备注", "说明"},
}

// Limits of a catalogue file.
const (
	maxCell     = 200  // characters of one cell
	maxKeywords = 50   // per rule
	maxPriority = 9999 // |priority|
	maxRules    = 10000
	headerScan  = 10 // rows searched for the header
)

// RowError is a rejected row of a catalogue file.
type RowError struct {
	Row    int    // 1-based row number, as the spreadsheet shows it
	Reason string // in Chinese
}

func (e RowError) Error() string { return fmt.Sprintf("第%d行：%s", e.Row, e.Reason) }

// columns maps each column to its cell index in a row, -1 if absent.
type columns [nCols]int

// findColumns recognises a header row; ok is false if the row has no
// 承办单位 column or no condition column.
func findColumns(cells []string) (columns, bool) {
	var cols columns
	for i := range cols {
		cols[i] = -1
	}
	for j, cell := range cells {
		h := strings.TrimSpace(strings.TrimPrefix(cell, "\ufeff"))
		h = strings.Trim(h, "*＊ ")
		for c, names := range headers {
			for _, n := range names {
				if h == n && cols[c] < 0 {
					cols[c] = j
				}
			}
		}
	}
	cond := cols[colCat1] >= 0 || cols[colKeywords] >= 0 || cols[colCommunity] >= 0
	return cols, cols[colUnit] >= 0 && cond
}

// LoadCatalogue reads a dispatch catalogue from a CSV (UTF-8, GBK or
// GB18030) or XLSX file with the header 一级分类, 二级分类, 三级分类,
// 关键词, 社区, 承办单位, 协办单位, 优先级, 备注 (in any order; 承办单位 and
// at least one condition column are required; the header may follow a few
// title rows). Keywords and co-units are separated by 、 ; , or spaces. It
// returns the good rules in file order and the rejected rows with their
// reasons; the error is for a file that cannot be read at all, as a
// *core.Error with a Chinese message.
func LoadCatalogue(path string) ([]core.DispatchRule, []RowError, error) {
	rules, _, bad, err := LoadCatalogueRows(path)
	return rules, bad, err
}

// ReadCatalogue is LoadCatalogue followed by Check against reg: bad holds
// every row the file or the registry refuses, by row, so that a clerk can
// fix them all in one go.
func ReadCatalogue(path string, reg Registry) ([]core.DispatchRule, []RowError, error) {
	rules, rows, bad, err := LoadCatalogueRows(path)
	if err != nil {
		return nil, nil, err
	}
	bad = append(bad, Check(rules, rows, reg)...)
	slices.SortStableFunc(bad, func(a, b RowError) int { return a.Row - b.Row })
	return rules, bad, nil
}

// LoadCatalogueRows is LoadCatalogue that also returns each good rule's
// row in the file, for Check.
func LoadCatalogueRows(path string) ([]core.DispatchRule, []int, []RowError, error) {
	rr, _, err := importer.Open(path, importer.ReadOptions{})
	if err != nil {
		return nil, nil, nil, err
	}
	defer rr.Close()
	name := filepath.Base(path)
	var (
		cols    columns
		found   bool
		rules   []core.DispatchRule
		rows    []int
		bad     []RowError
		seen    = map[string]int{} // condition key → row
		scanned int
	)
	for {
		row, err := rr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, nil, nil, core.Errorf(core.EINVALID, "%s: %s", name, core.ErrorMessage(err))
		}
		if !found {
			if cols, found = findColumns(row.Cells); !found {
				if scanned++; scanned >= headerScan {
					break
				}
			}
			continue
		}
		if row.Err != "" {
			bad = append(bad, RowError{row.Num, row.Err})
			continue
		}
		if blank(row.Cells) {
			continue
		}
		r, reason := parseRule(cols, row.Cells)
		if reason == "" {
			key := conditionKey(r)
			if first, dup := seen[key]; dup {
				reason = fmt.Sprintf("与第%d行的条件完全相同", first)
			} else {
				seen[key] = row.Num
			}
		}
		if reason != "" {
			bad = append(bad, RowError{row.Num, reason})
			continue
		}
		if len(rules) == maxRules {
			return nil, nil, nil, core.Errorf(core.EINVALID, "%s: 派单目录超过 %d 条，请拆分或精简", name, maxRules)
		}
		rules = append(rules, r)
		rows = append(rows, row.Num)
	}
	if !found {
		return nil, nil, nil, core.Errorf(core.EINVALID,
			"%s: 前 %d 行中找不到表头；派单目录需要“承办单位”列和至少一个条件列（一级分类、关键词或社区）", name, headerScan)
	}
	return rules, rows, bad, nil
}

func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// conditionKey identifies a rule's conditions, to find duplicates.
func conditionKey(r core.DispatchRule) string {
	kws := make([]string, len(r.Keywords))
	for i, k := range r.Keywords {
		kws[i] = keyForm(k)
	}
	return strings.Join([]string{r.Category1, r.Category2, r.Category3, r.Community,
		strings.Join(kws, "\x00"), strconv.Itoa(r.Priority)}, "\x01")
}

// parseRule turns one row into a rule, or returns why it cannot.
func parseRule(cols columns, cells []string) (core.DispatchRule, string) {
	cell := func(c int) string {
		if cols[c] < 0 || cols[c] >= len(cells) {
			return ""
		}
		return strings.TrimSpace(cells[cols[c]])
	}
	for c := range nCols {
		v := cell(c)
		if !utf8.ValidString(v) {
			return core.DispatchRule{}, fmt.Sprintf("“%s”含有无法识别的字符", headers[c][0])
		}
		if utf8.RuneCountInString(v) > maxCell {
			return core.DispatchRule{}, fmt.Sprintf("“%s”超过 %d 个字", headers[c][0], maxCell)
		}
	}
	r := core.DispatchRule{
		Category1: cell(colCat1),
		Category2: cell(colCat2),
		Category3: cell(colCat3),
		Keywords:  splitList(cell(colKeywords)),
		Community: cell(colCommunity),
		Unit:      cell(colUnit),
		Note:      cell(colNote),
	}
	switch {
	case r.Unit == "":
		return r, "承办单位为空"
	case r.Category2 != "" && r.Category1 == "":
		return r, "填写了二级分类，但一级分类为空"
	case r.Category3 != "" && r.Category2 == "":
		return r, "填写了三级分类，但二级分类为空"
	case r.Category1 == "" && len(r.Keywords) == 0 && r.Community == "":
		return r, "分类、关键词、社区都为空：这条规则会匹配所有工单"
	case len(r.Keywords) > maxKeywords:
		return r, fmt.Sprintf("关键词超过 %d 个", maxKeywords)
	}
	if strings.ContainsAny(r.Unit, "、;；,，") {
		return r, "承办单位只能填一个；其余单位请填在“协办单位”列"
	}
	for _, k := range r.Keywords {
		if keyForm(k) == "" {
			return r, fmt.Sprintf("关键词“%s”不含文字", k)
		}
	}
	for _, u := range splitList(cell(colCoUnits)) {
		if u != r.Unit && !contains(r.CoUnits, u) {
			r.CoUnits = append(r.CoUnits, u)
		}
	}
	if p := cell(colPriority); p != "" {
		n, err := strconv.Atoi(strings.TrimSuffix(strings.Map(halfWidthDigit, p), ".0"))
		if err != nil {
			return r, fmt.Sprintf("优先级“%s”不是整数", p)
		}
		if n < -maxPriority || n > maxPriority {
			return r, fmt.Sprintf("优先级 %d 超出范围（-%d 到 %d）", n, maxPriority, maxPriority)
		}
		r.Priority = n
	}
	return r, ""
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

func halfWidthDigit(r rune) rune {
	switch {
	case r >= '０' && r <= '９':
		return r - '０' + '0'
	case r == '－':
		return '-'
	}
	return r
}

// splitList splits a cell at 、 ; ； , ， and whitespace, dropping empty
// items and repeats, keeping the order.
func splitList(s string) []string {
	parts := strings.FieldsFunc(s, func(r rune) bool {
		return r == '、' || r == ';' || r == '；' || r == ',' || r == '，' || unicode.IsSpace(r)
	})
	var out []string
	for _, p := range parts {
		if !contains(out, p) {
			out = append(out, p)
		}
	}
	return out
}

// WriteCatalogue writes rules as an XLSX file with the standard header, in
// their order, as LoadCatalogue reads it back: a version of the catalogue
// can be downloaded, edited and uploaded again.
func WriteCatalogue(w io.Writer, rules []core.DispatchRule) error {
	xw, err := tabfile.NewXLSXWriter(w)
	if err != nil {
		return err
	}
	defer tabfile.Discard(xw)
	head := make([]string, nCols)
	for c := range nCols {
		head[c] = headers[c][0]
	}
	if err := xw.Write(head); err != nil {
		return err
	}
	for _, r := range rules {
		prio := ""
		if r.Priority != 0 {
			prio = strconv.Itoa(r.Priority)
		}
		row := []string{r.Category1, r.Category2, r.Category3, strings.Join(r.Keywords, "、"), r.Community, r.Unit,
			strings.Join(r.CoUnits, "、"), prio, r.Note}
		if err := xw.Write(row); err != nil {
			return err
		}
	}
	return xw.Close()
}
