package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"jiceng/internal/core"
	"jiceng/internal/deid"
	"jiceng/internal/fieldset"
	"jiceng/internal/importer"
	"jiceng/internal/tabfile"
)

const deidUsage = `deid spans [-min-score S] < 文本        每行一篇文本，输出每行识别到的个人信息（JSON 行）
       jiceng deid mask [-dictionary 脱敏字典.csv] [-role 角色] [-field 字段] < 文本
       jiceng deid mask [-dictionary 脱敏字典.csv] [-role 角色] -in 文件.csv|xlsx [-out 输出.csv]`

// runDeid implements "jiceng deid": "spans" lists the personal data the
// recognizers find in each line of standard input; "mask" applies the
// masking dictionary for one role to lines of text or to a CSV/XLSX file.
// Without a subcommand the flags are those of mask (the older form), and
// -spans selects spans.
func runDeid(ctx context.Context, e *env, args []string) error {
	if len(args) > 0 {
		switch args[0] {
		case "spans":
			return runDeidSpans(ctx, e, args[1:])
		case "mask":
			return runDeidMask(ctx, e, args[1:])
		}
		if !strings.HasPrefix(args[0], "-") {
			fmt.Fprintf(e.stderr, "jiceng deid: 未知子命令 %q（可用: spans, mask）\n", args[0])
			fmt.Fprintf(e.stderr, "用法: jiceng %s\n", deidUsage)
			return errUsage
		}
		for _, a := range args {
			if a == "-spans" || a == "--spans" {
				rest := make([]string, 0, len(args))
				for _, b := range args {
					if b != a {
						rest = append(rest, b)
					}
				}
				return runDeidSpans(ctx, e, rest)
			}
		}
	}
	return runDeidMask(ctx, e, args)
}

// spanJSON is one span in the output of "jiceng deid spans"; offsets are
// in code points.
type spanJSON struct {
	Type  string  `json:"type"`
	Start int     `json:"start"`
	End   int     `json:"end"`
	Text  string  `json:"text"`
	Score float64 `json:"score"`
	Rule  string  `json:"rule"`
}

// runDeidSpans writes one JSON object per input line: {"spans":[...]}.
func runDeidSpans(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "deid spans", "deid spans [-min-score S] < 文本")
	minScore := fs.Float64("min-score", deid.DefaultMinScore, "片段的最低置信度（0–1）")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if fs.NArg() != 0 {
		fs.Usage()
		return errUsage
	}
	w := bufio.NewWriter(e.stdout)
	defer w.Flush()
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	var out struct {
		Spans []spanJSON `json:"spans"`
	}
	return eachLine(ctx, e.stdin, func(text string) error {
		out.Spans = out.Spans[:0]
		for _, s := range deid.SpansMin(text, *minScore) {
			out.Spans = append(out.Spans, spanJSON{string(s.Type), s.Start, s.End, s.Text, s.Score, s.Rule})
		}
		if out.Spans == nil {
			out.Spans = []spanJSON{}
		}
		return enc.Encode(&out)
	})
}

// eachLine calls fn for every line of r, without its line end.
func eachLine(ctx context.Context, r io.Reader, fn func(string) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 16*1024*1024)
	line := 0
	for sc.Scan() {
		if err := ctx.Err(); err != nil {
			return err
		}
		line++
		if err := fn(strings.TrimSuffix(sc.Text(), "\r")); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("读取标准输入第 %d 行之后: %w", line, err)
	}
	return nil
}

// runDeidMask masks lines of standard input as values of one field, or
// the cells of a CSV/XLSX file by the field each column names.
func runDeidMask(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "deid mask", deidUsage)
	role := fs.String("role", "share", "角色（脱敏字典的列）: admin, leader, staff, community, handler, resident, export, share, store")
	field := fs.String("field", "content", "标准输入每行作为哪个字段的值（如 content、address、caller_phone）")
	dictionaryFile := addDictionaryFlag(fs)
	in := fs.String("in", "", "要脱敏的 CSV/XLSX 文件（任何导入支持的编码）；不指定则读标准输入的文本行")
	out := fs.String("out", "-", "输出 CSV 文件（UTF-8）；- 表示标准输出")
	sheet := fs.String("sheet", "", "XLSX 工作表名称；默认第一个工作表")
	fieldsFile := fs.String("fields", "", "字段集声明文件；默认用内置标准字段集")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if fs.NArg() != 0 {
		fs.Usage()
		return errUsage
	}
	p, err := loadDictionary(*dictionaryFile)
	if err != nil {
		return err
	}
	if err := checkRole(p, *role); err != nil {
		return err
	}
	if *in == "" {
		w := bufio.NewWriter(e.stdout)
		defer w.Flush()
		return eachLine(ctx, e.stdin, func(text string) error {
			_, err := fmt.Fprintln(w, p.Text(*role, *field, text))
			return err
		})
	}
	set, err := loadFields(*fieldsFile)
	if err != nil {
		return err
	}
	return maskFile(ctx, e, p, *role, set, *in, *sheet, *out)
}

// maskFile writes the file at path as CSV with every cell as role may see
// it: columns are mapped onto fields through the field set's aliases (as
// the importer does), other columns fall to the policy's "*" row. Rows
// above the header (titles) are treated as unknown columns too.
func maskFile(ctx context.Context, e *env, p *deid.Dictionary, role string, set *fieldset.Set, path, sheet, out string) error {
	rr, _, err := importer.Open(path, importer.ReadOptions{Sheet: sheet})
	if err != nil {
		return err
	}
	defer rr.Close()
	var pre []importer.Row
	for len(pre) < 10 {
		row, err := rr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		row.Cells = append([]string(nil), row.Cells...)
		pre = append(pre, row)
	}
	if len(pre) == 0 {
		return core.Errorf(core.EINVALID, "%s 是空文件", filepath.Base(path))
	}
	// The header is the row naming the most fields; the first row when
	// none names any.
	h := max(0, importer.HeaderRow(pre, func(c string) bool { return set.Lookup(c) != nil }))
	var names []string
	for _, c := range pre[h].Cells {
		c = strings.TrimSpace(strings.TrimPrefix(c, "\ufeff"))
		if f := set.Lookup(c); f != nil {
			names = append(names, f.Name)
		} else {
			names = append(names, "*"+c) // never a field name: the "*" row
		}
	}

	var dst *tabfile.Output
	var w tabfile.RowWriter
	if out == "-" {
		w, err = tabfile.NewCSVWriter(e.stdout, tabfile.UTF8)
	} else {
		if dst, err = tabfile.Create(out); err != nil {
			return err
		}
		defer dst.Abort()
		w, err = tabfile.NewCSVWriter(dst, tabfile.UTF8)
	}
	if err != nil {
		return err
	}
	var cells []string
	// mask writes a data row (columns mapped by names), the header (as is)
	// or a title row (every cell an unknown column).
	mask := func(r importer.Row, names []string, header bool) error {
		if header {
			return w.Write(r.Cells)
		}
		cells = cells[:0]
		for i, c := range r.Cells {
			name := "*"
			if i < len(names) {
				name = names[i]
			}
			cells = append(cells, p.Text(role, name, c))
		}
		return w.Write(cells)
	}
	n := 0
	for i, r := range pre {
		cols := names
		if i < h {
			cols = nil
		}
		if err := mask(r, cols, i == h); err != nil {
			return err
		}
	}
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		r, err := rr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		n++
		if err := mask(r, names, false); err != nil {
			return err
		}
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("写入脱敏文件失败: %w", err)
	}
	if dst != nil {
		if err := dst.Commit(); err != nil {
			return fmt.Errorf("写入脱敏文件失败: %w", err)
		}
		fmt.Fprintf(e.stderr, "已按角色 %s 脱敏 %d 行到 %s\n", role, n+len(pre)-h-1, out)
	}
	return nil
}
