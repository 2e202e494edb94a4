package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"jiceng/internal/fieldset"
	"jiceng/internal/hot"
)

// hotCluster is one hot issue as "jiceng hot" prints it. The callers
// themselves (phone numbers, names) are personal data and only counted.
type hotCluster struct {
	Label   string        `json:"label"`
	Heat    float64       `json:"heat"`
	First   string        `json:"first"`
	Last    string        `json:"last"`
	IDs     []string      `json:"ids"`
	Places  []string      `json:"places,omitempty"`
	Parts   hot.HeatParts `json:"parts"`
	Problem string        `json:"problem,omitempty"`
}

// runHot implements "jiceng hot": the hottest issues of a file of tickets.
func runHot(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "hot", "hot -in FILE -id COL -text COL[,COL...] -time COL [-top 5] [-window 30d] [-place COL] [-caller COL] [-category COL] [-supports COL]")
	in := fs.String("in", "", "工单文件（CSV/XLSX，首行为表头）")
	idCol := fs.String("id", "", "编号列，原样输出")
	textCols := fs.String("text", "", "文本列，多个列用逗号分隔（如 标题,诉求内容；标题放在前面）")
	timeCol := fs.String("time", "", "受理时间列")
	top := fs.Int("top", 5, "输出最热的 N 个热点问题")
	window := fs.String("window", "", "时间窗口，截至最后一件工单：如 30d、7d、12h（默认整个文件）")
	placeCol := fs.String("place", "", "可选：社区或小区列")
	callerCol := fs.String("caller", "", "可选：来电人列（电话或编号，只用于计数，不输出）")
	categoryCol := fs.String("category", "", "可选：问题分类列")
	supportsCol := fs.String("supports", "", "可选：点赞数或支持数列")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *in == "" || *idCol == "" || *textCols == "" || *timeCol == "" || *top <= 0 || fs.NArg() > 0 {
		fs.Usage()
		return errUsage
	}
	win, err := parseWindow(*window)
	if err != nil {
		return err
	}
	// The optional columns follow id and time in the other columns, in
	// this order; absent ones are skipped.
	cols, get, err := otherColumns([]string{*idCol, *timeCol}, *placeCol, *callerCol, *categoryCol, *supportsCol)
	if err != nil {
		return err
	}
	var docs []hot.Doc
	bad, noTime, empty := 0, 0, 0
	err = readColumns(*in, *textCols, cols, func(text string, other []string, refused bool) {
		switch {
		case refused:
			bad++
			return
		case !hasContent(text):
			empty++
			return
		}
		t, err := parseHotTime(other[1])
		if err != nil {
			noTime++
			return
		}
		d := hot.Doc{ID: other[0], Text: text, Time: t, Place: get(other, 0), Caller: get(other, 1), Category: get(other, 2)}
		if s := get(other, 3); s != "" {
			if n, err := strconv.Atoi(s); err == nil && n > 0 {
				d.Supports = n
			}
		}
		docs = append(docs, d)
	})
	if err != nil {
		return err
	}
	if bad > 0 {
		fmt.Fprintf(e.stderr, "%d 行无法读取，已跳过\n", bad)
	}
	if noTime > 0 {
		fmt.Fprintf(e.stderr, "%d 行受理时间无法识别（可用格式：%s），已跳过\n", noTime, fieldset.DateForms)
	}
	if empty > 0 {
		fmt.Fprintf(e.stderr, "%d 行文本为空，已跳过\n", empty)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	cs := hot.Clusters(docs, hot.ClusterOptions{Window: win})
	out := make([]hotCluster, 0, min(*top, len(cs)))
	for _, c := range cs[:min(*top, len(cs))] {
		out = append(out, hotCluster{Label: c.Label, Heat: c.Heat, First: fieldset.FormatDateTime(c.First),
			Last: fieldset.FormatDateTime(c.Last), IDs: c.IDs, Places: c.Places, Parts: c.Parts, Problem: c.Problem})
	}
	enc := json.NewEncoder(e.stdout)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// parseHotTime reads a received time with the field set's date parsing.
func parseHotTime(s string) (time.Time, error) { return fieldset.ParseDateTime(s) }

// parseWindow reads a window length: a number of days (30d), or a Go
// duration (12h, 90m). Empty is no window.
func parseWindow(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	bad := fmt.Errorf("时间窗口 %q 无法识别：请写成 30d（天）、12h（小时）这样的形式", s)
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.ParseFloat(days, 64)
		if err != nil || !(n > 0) || n > 36600 {
			return 0, bad
		}
		return time.Duration(n * float64(24*time.Hour)), nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, bad
	}
	return d, nil
}
