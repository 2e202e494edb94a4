package policy

import (
	"errors"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"jiceng/internal/core"
	"jiceng/internal/tabfile"
)

// Sheets: a 问/答 sheet (ReadQA), whose every row is a question and its
// answer, and a sheet of documents (ReadRows), whose every row is one
// document's text. Both read the rows of a tabfile.RowReader, as
// importer.Open returns for a CSV (UTF-8, GBK, GB18030) or XLSX file.

// Skip is a row a sheet reader left out, and why (in Chinese, quoting no
// content).
type Skip struct {
	Row    int
	Reason string
}

// maxHeaderSearch is how many rows above the header a sheet may have (a
// title row, a note).
const maxHeaderSearch = 10

// Column names of a 问/答 sheet, each with its aliases.
var (
	qaQuestion = []string{"问", "问题", "提问", "咨询问题", "常见问题", "question", "q"}
	qaAnswer   = []string{"答", "答案", "回答", "解答", "答复", "answer", "a"}
	qaColumns  = map[string][]string{
		"title":  {"标题", "政策名称", "文件名称", "title"},
		"issuer": {"发文机关", "发布机关", "发文单位", "issuer"},
		"number": {"文号", "发文字号", "number"},
		"date":   {"日期", "成文日期", "发布日期", "date"},
		"source": {"来源", "出处", "链接", "source"},
		"status": {"时效性", "效力", "状态", "validity"},
	}
)

// findColumn returns the index of the first header cell that is one of
// names (spaces and case aside), or -1.
func findColumn(header []string, names []string) int {
	for i, h := range header {
		h = strings.ToLower(strings.Join(strings.Fields(h), ""))
		h = strings.TrimSuffix(strings.TrimSuffix(h, "："), ":")
		for _, n := range names {
			if h == n {
				return i
			}
		}
	}
	return -1
}

func cellAt(cells []string, i int) string {
	if i < 0 || i >= len(cells) {
		return ""
	}
	return strings.TrimSpace(cleanControls(cells[i]))
}

// ReadQA reads a 问/答 sheet: a header row with a question column (问,
// 问题) and an answer column (答, 答案, 回答), and optionally 标题,
// 发文机关, 文号, 日期, 来源 and 时效性; rows above the header are allowed
// (a one-cell row there is the sheet's title). Every row becomes a passage
// with its Question and its answer as Text, Format "qa"; rows of the same
// 标题, 发文机关, 文号, 日期 and 来源 form one document. The documents are
// named id, or id/1, id/2, ... when the sheet holds several.
//
// A row the reader refuses, or with a question but no answer or the other
// way round, is skipped and listed; empty rows are passed over. Errors are
// *core.Error: no header, no row at all, too many passages.
func ReadQA(id string, rows tabfile.RowReader, opt Options) ([]Document, []Skip, error) {
	header, sheetTitle, err := findHeader(rows, func(h []string) bool {
		return findColumn(h, qaQuestion) >= 0 && findColumn(h, qaAnswer) >= 0
	})
	if err != nil {
		return nil, nil, err
	}
	if header == nil {
		return nil, nil, core.Errorf(core.EINVALID, "问答表前 %d 行中没有同时含“问题”和“答案”列的表头", maxHeaderSearch)
	}
	qc, ac := findColumn(header, qaQuestion), findColumn(header, qaAnswer)
	cols := map[string]int{}
	for k, names := range qaColumns {
		cols[k] = findColumn(header, names)
	}
	var (
		groups []*Document
		byKey  = map[string]*Document{}
		total  int
	)
	skips, err := eachPair(rows, qc, ac, "有答案没有问题", "有问题没有答案", func(cells []string, q, a string) (string, error) {
		if total >= MaxPassages {
			return "", core.Errorf(core.EINVALID, "问答表超过 %d 个段落的上限", MaxPassages)
		}
		total += (runes(a) + TargetRunes - 1) / TargetRunes
		title, issuer := cellAt(cells, cols["title"]), cellAt(cells, cols["issuer"])
		number, date := cellAt(cells, cols["number"]), cellAt(cells, cols["date"])
		source, status := cellAt(cells, cols["source"]), cellAt(cells, cols["status"])
		key := strings.Join([]string{title, issuer, number, date, source, status}, "\x00")
		d := byKey[key]
		if d == nil {
			d = &Document{Title: first(title, sheetTitle), Issuer: issuer, Number: number, Source: source, Format: FormatQA}
			d.Date, _ = sheetDate(date)
			var m meta
			m.statusWord(status)
			d.Validity = validity(m.status, m.supersededBy, time.Time{}, opt.Now)
			d.SupersededBy = m.supersededBy
			byKey[key] = d
			groups = append(groups, d)
		}
		// A long answer is split like a long article, each part with its
		// question.
		for _, part := range splitLong(a) {
			d.Passages = append(d.Passages, Passage{Question: q, Text: part})
		}
		return "", nil
	})
	if err != nil {
		return nil, nil, err
	}
	if len(groups) == 0 {
		return nil, skips, core.Errorf(core.EINVALID, "问答表中没有一行同时有问题和答案")
	}
	docs := make([]Document, len(groups))
	for k, d := range groups {
		d.ID = id
		if len(groups) > 1 {
			d.ID = id + "/" + strconv.Itoa(k+1)
		}
		for i := range d.Passages {
			d.Passages[i].ID = d.ID + "#" + strconv.Itoa(i+1)
		}
		docs[k] = *d
	}
	return docs, skips, nil
}

// findHeader reads rows until one that isHeader accepts, within the first
// maxHeaderSearch, and returns a copy of it with the sheet's title (a
// one-cell row above it), or a nil header when there is none.
func findHeader(rows tabfile.RowReader, isHeader func([]string) bool) (header []string, title string, err error) {
	seen := false
	for range maxHeaderSearch {
		row, err := rows.Read()
		if err == io.EOF && seen {
			return nil, "", nil
		}
		if err == io.EOF {
			return nil, "", core.Errorf(core.EINVALID, "表格是空的")
		}
		if err != nil {
			return nil, "", readFailure(err)
		}
		if row.Err != "" {
			continue
		}
		if isHeader(row.Cells) {
			return append([]string(nil), row.Cells...), title, nil
		}
		var filled []string
		for _, c := range row.Cells {
			if c = strings.TrimSpace(c); c != "" {
				filled = append(filled, c)
			}
		}
		seen = seen || len(filled) > 0
		if len(filled) == 1 && title == "" && utf8.RuneCountInString(filled[0]) <= 100 {
			title = filled[0]
		}
	}
	return nil, "", nil
}

// eachPair reads the rows below a sheet's header to the end and calls f
// with the cells of the row and, trimmed, those of its columns ca and cb.
// A row the reader refuses is skipped and listed with the reader's
// reason, one without cell a with noA, one without cell b with noB; a
// row with neither is passed over. f returns why its row is skipped ("" to
// keep it), or an error that stops the reading.
func eachPair(rows tabfile.RowReader, ca, cb int, noA, noB string, f func(cells []string, a, b string) (string, error)) ([]Skip, error) {
	var skips []Skip
	for {
		row, err := rows.Read()
		if err == io.EOF {
			return skips, nil
		}
		if err != nil {
			return nil, readFailure(err)
		}
		a, b := cellAt(row.Cells, ca), cellAt(row.Cells, cb)
		reason := row.Err
		switch {
		case reason != "":
		case a == "" && b == "":
			continue
		case a == "":
			reason = noA
		case b == "":
			reason = noB
		default:
			if reason, err = f(row.Cells, a, b); err != nil {
				return nil, err
			}
		}
		if reason != "" {
			skips = append(skips, Skip{row.Num, reason})
		}
	}
}

func readFailure(err error) error {
	var e *core.Error
	if errors.As(err, &e) {
		return e
	}
	return core.Errorf(core.EINVALID, "读取表格失败（文件损坏或被截断）")
}

// sheetDate reads a date cell: a Chinese or ISO date, or the day number a
// spreadsheet stores (days since 1899-12-30).
func sheetDate(s string) (time.Time, bool) {
	if t, ok := parseDate(s); ok {
		return t, true
	}
	if n, err := strconv.ParseFloat(s, 64); err == nil && n > 20000 && n < 80000 {
		return time.Date(1899, 12, 30, 0, 0, 0, 0, core.StreetTime).AddDate(0, 0, int(n)), true
	}
	return time.Time{}, false
}

// RowColumns name the columns of a sheet of documents: by their header
// text, or by their number from 1.
type RowColumns struct {
	ID, Text string
	// Title is optional; without it a document's title is found in its
	// text, as for a .txt file.
	Title string
}

// ReadRows reads a sheet whose every row is one document: its id from
// column cols.ID, its text from cols.Text, read, structured and split like
// a .txt file, and its title from cols.Title when given. Rows without an
// id or a text, rows whose id came before, and rows whose text cannot be
// read are skipped and listed. Errors are *core.Error: a column that the
// header does not have, no document at all.
func ReadRows(rows tabfile.RowReader, cols RowColumns, opt Options) ([]Document, []Skip, error) {
	if cols.ID == "" || cols.Text == "" {
		return nil, nil, core.Errorf(core.EINVALID, "请指定编号列和正文列")
	}
	row, err := rows.Read()
	if err == io.EOF {
		return nil, nil, core.Errorf(core.EINVALID, "表格是空的")
	}
	if err != nil {
		return nil, nil, readFailure(err)
	}
	header := append([]string(nil), row.Cells...)
	idc, err := column(header, cols.ID)
	if err != nil {
		return nil, nil, err
	}
	tc, err := column(header, cols.Text)
	if err != nil {
		return nil, nil, err
	}
	titlec := -1
	if cols.Title != "" {
		if titlec, err = column(header, cols.Title); err != nil {
			return nil, nil, err
		}
	}
	var docs []Document
	seen := map[string]bool{}
	total := 0
	skips, err := eachPair(rows, idc, tc, "没有编号", "没有正文", func(cells []string, id, text string) (string, error) {
		if seen[id] {
			return "编号与前面的行重复", nil
		}
		seen[id] = true
		d := readPlain(text)
		title := cellAt(cells, titlec)
		if title != "" {
			d.meta = append(d.meta, "标题："+title)
		}
		doc, err := d.build(id, FormatTXT, opt)
		if err != nil {
			return core.ErrorMessage(err), nil
		}
		if total += len(doc.Passages); total > MaxPassages {
			return "", core.Errorf(core.EINVALID, "表格超过 %d 个段落的上限", MaxPassages)
		}
		docs = append(docs, doc)
		return "", nil
	})
	if err != nil {
		return nil, nil, err
	}
	if len(docs) == 0 {
		return nil, skips, core.Errorf(core.EINVALID, "表格中没有一行同时有编号和正文")
	}
	return docs, skips, nil
}

// column finds a column by its header text or its number from 1.
func column(header []string, name string) (int, error) {
	if i := findColumn(header, []string{strings.ToLower(strings.Join(strings.Fields(name), ""))}); i >= 0 {
		return i, nil
	}
	if n, err := strconv.Atoi(name); err == nil && n >= 1 && n <= len(header) {
		return n - 1, nil
	}
	return -1, core.Errorf(core.EINVALID, "表头中没有“%s”列", name)
}
