package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"time"

	"jiceng/internal/importer"
	"jiceng/internal/linkage"
	"jiceng/internal/tabfile"
)

const linkUsage = `用法: jiceng link eval|-in FILE ... [参数]
  eval [-n 1000000] [-seed 1] [-pseudo]
        一人一档评估：生成 N 条两部门来源的人口记录（错字、同音字、缺项、搬家、换号、15 位身份证、
        多种日期格式、来源内重复），链接并输出各阶段用时、峰值堆内存、候选对数，
        以及 Fellegi–Sunter 与“身份证号精确匹配”基线的精确率、召回率、F1
  -in A.csv -in B.csv -out pairs.csv [-kind people|enterprise|house] [-id COL]
        链接真实文件：按字段名或中文表头（姓名、身份证号、联系电话、出生日期、性别、住址……）取列，
        输出匹配和待人工复核的记录对（只有来源、记录编号、概率和各字段的比对结果，不含个人信息）
运行 jiceng link eval -h 查看参数。`

// runLink implements "jiceng link": record linkage (一人一档).
func runLink(ctx context.Context, e *env, args []string) error {
	if len(args) > 0 && strings.HasPrefix(args[0], "-") && args[0] != "-h" && args[0] != "-help" && args[0] != "--help" {
		return linkFiles(ctx, e, args)
	}
	return runSubcommand(e, "link", linkUsage, args, []subcommand{
		{"eval", func(args []string) error { return linkEval(ctx, e, args) }},
	})
}

// peakHeap samples the live heap until stop is called and returns the
// largest value seen.
func peakHeap() (stop func() uint64) {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	var mu sync.Mutex
	var peak uint64
	read := func() {
		metrics.Read(sample)
		if v := sample[0].Value.Uint64(); v > peak {
			peak = v
		}
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				mu.Lock()
				read()
				mu.Unlock()
			}
		}
	}()
	return func() uint64 {
		close(done)
		wg.Wait()
		read()
		return peak
	}
}

// cpuSeconds is the CPU time (user and system) of this process so far,
// from /proc/self/stat; -1 where there is no /proc. Beside the wall time it
// shows what a run costs on a machine shared with other work.
func cpuSeconds() float64 {
	b, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		return -1
	}
	// Fields after the command name (which may contain spaces, inside
	// parentheses): utime and stime are the 12th and 13th, in clock ticks
	// of 1/100 s on Linux.
	rest := string(b)
	if k := strings.LastIndexByte(rest, ')'); k >= 0 {
		rest = rest[k+1:]
	}
	f := strings.Fields(rest)
	if len(f) < 13 {
		return -1
	}
	u, err1 := strconv.ParseFloat(f[11], 64)
	s, err2 := strconv.ParseFloat(f[12], 64)
	if err1 != nil || err2 != nil {
		return -1
	}
	return (u + s) / 100
}

func linkEval(_ context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "link eval", "link eval [-n 1000000] [-seed 1] [-pseudo] [-upper 0.8] [-lower 0.2]")
	n := fs.Int("n", 1000000, "生成的记录数（两个来源合计）")
	seed := fs.Uint64("seed", 1, "随机种子（相同种子生成相同数据）")
	pseudo := fs.Bool("pseudo", false, "先把身份证号和电话换成假名化令牌（HMAC-SHA256），检验在假名化数据上的链接")
	upper := fs.Float64("upper", 0, "匹配概率阈值（默认 0.8）")
	lower := fs.Float64("lower", 0, "人工复核下限（默认 0.2）")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *n < 2 || fs.NArg() > 0 || *upper < 0 || *upper >= 1 || *lower < 0 || *lower >= 1 {
		fs.Usage()
		return errUsage
	}
	w := e.stdout
	start := time.Now()
	recs, truth := linkage.GeneratePeople(linkage.GenConfig{Records: *n, Seed: *seed})
	if *pseudo {
		linkage.Pseudonymise(recs, []byte("jiceng link eval pseudonymisation key"))
	}
	gen := time.Since(start)
	runtime.GC()
	cfg := linkage.PeopleConfig()
	cfg.Upper, cfg.Lower = *upper, *lower
	stop := peakHeap()
	cpu0 := cpuSeconds()
	start = time.Now()
	l, err := linkage.Link(cfg, recs)
	if err != nil {
		return err
	}
	took := time.Since(start)
	cpu := cpuSeconds() - cpu0
	peak := stop()
	r := l.Result()
	fmt.Fprintf(w, "records           %d (generated in %v, seed %d, GOMAXPROCS %d)\n", len(recs), gen.Round(time.Millisecond), *seed, runtime.GOMAXPROCS(0))
	if *pseudo {
		fmt.Fprintln(w, "keys              ID numbers and phones pseudonymised (hex HMAC-SHA256; exact-only comparison)")
	}
	fmt.Fprintf(w, "candidate pairs   %d", r.Stats.Candidates)
	for i, rule := range cfg.Blocking {
		fmt.Fprintf(w, "%s %s %d", map[bool]string{true: " (", false: ","}[i == 0], rule.Name, r.Stats.PerRule[i])
	}
	fmt.Fprintf(w, "); blocks skipped %d\n", r.Stats.SkippedBlocks)
	for _, s := range r.Stats.Stages {
		fmt.Fprintf(w, "  %-15s %v\n", s.Name, s.Time.Round(time.Millisecond))
	}
	if cpu >= 0 && cpu0 >= 0 {
		fmt.Fprintf(w, "link time         %v wall, %.1f s CPU\n", took.Round(time.Millisecond), cpu)
	} else {
		fmt.Fprintf(w, "link time         %v wall\n", took.Round(time.Millisecond))
	}
	fmt.Fprintf(w, "peak heap         %d MiB (input records included)\n", peak>>20)
	fmt.Fprintf(w, "EM                %d iterations, converged %v, λ %.4f, %d comparison patterns\n", r.Model.Iters, r.Model.Converged, r.Model.Lambda, r.Stats.Patterns)
	fmt.Fprintf(w, "thresholds        match ≥ %.2f, review [%.2f, %.2f): %d matches, %d for review, %d clusters\n", r.Upper, r.Lower, r.Upper, r.Stats.Matches, r.Stats.Review, r.Stats.Clusters)
	fmt.Fprintf(w, "\n%-34s %9s %9s %9s %10s %10s\n", "method", "precision", "recall", "F1", "predicted", "true pairs")
	row := func(name string, q linkage.Quality) {
		fmt.Fprintf(w, "%-34s %9.4f %9.4f %9.4f %10d %10d\n", name, q.Precision, q.Recall, q.F1, q.PredictedPairs, q.TruePairs)
	}
	row("Fellegi–Sunter, pairwise", linkage.EvaluatePairs(r, truth))
	row("Fellegi–Sunter, clusters", linkage.EvaluateClusters(r.Cluster, truth))
	row("exact ID number (baseline)", linkage.EvaluateClusters(linkage.ExactKeyClusters(recs, 1), truth))
	fmt.Fprintln(w, "\nfitted weights log2(m/u) per level:")
	for f, fd := range r.Model.Fields {
		var parts []string
		for lv, name := range fd.Kind.Levels() {
			if lv == 0 {
				continue
			}
			parts = append(parts, fmt.Sprintf("%s %+.1f", name, r.Model.Weight(f, uint8(lv))))
		}
		fmt.Fprintf(w, "  %-11s %s\n", fd.Name, strings.Join(parts, ", "))
	}
	return nil
}

// linkHeaders are the header names accepted for each field, beside the
// field's own name.
var linkHeaders = map[string][]string{
	"name":         {"姓名", "名字", "人员姓名", "居民姓名", "企业名称", "单位名称", "名称"},
	"id_number":    {"身份证号", "身份证号码", "公民身份号码", "证件号码", "身份证"},
	"phone":        {"联系电话", "电话", "手机", "手机号", "手机号码", "联系方式"},
	"birth_date":   {"出生日期", "生日", "出生年月日"},
	"gender":       {"性别"},
	"address":      {"住址", "地址", "居住地址", "现住址", "家庭住址", "房屋地址", "注册地址", "经营地址"},
	"uscc":         {"统一社会信用代码", "信用代码", "社会信用代码"},
	"legal_person": {"法定代表人", "法人", "法人代表"},
	"owner":        {"产权人", "房主", "业主", "户主"},
}

type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

func linkFiles(_ context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "link", "link -in A.csv -in B.csv [-in ...] -out pairs.csv [-kind people|enterprise|house] [-id COL] [-upper 0.8] [-lower 0.2]")
	var ins multiFlag
	fs.Var(&ins, "in", "输入文件（CSV/XLSX，首行为表头），可重复；一个文件时只做来源内去重")
	out := fs.String("out", "", "输出的记录对文件（CSV）")
	kind := fs.String("kind", "people", "记录类型：people 人口、enterprise 企业、house 房屋")
	idCol := fs.String("id", "", "可选：记录编号列（默认用行号）")
	upper := fs.Float64("upper", 0, "匹配概率阈值（默认 0.8）")
	lower := fs.Float64("lower", 0, "人工复核下限（默认 0.2）")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var cfg linkage.Config
	switch *kind {
	case "people":
		cfg = linkage.PeopleConfig()
	case "enterprise":
		cfg = linkage.EnterpriseConfig()
	case "house":
		cfg = linkage.HouseConfig()
	default:
		fs.Usage()
		return errUsage
	}
	if len(ins) == 0 || *out == "" || fs.NArg() > 0 || *upper < 0 || *upper >= 1 || *lower < 0 || *lower >= 1 {
		fs.Usage()
		return errUsage
	}
	cfg.Upper, cfg.Lower = *upper, *lower
	var recs []linkage.Record
	for _, in := range ins {
		rs, found, refused, err := readLinkFile(in, cfg, *idCol)
		if err != nil {
			return err
		}
		for _, msg := range refused {
			fmt.Fprintf(e.stderr, "%s: %s\n", filepath.Base(in), msg)
		}
		if len(found) < 2 {
			return fmt.Errorf("%s: 只找到 %d 个可比对的列（%s），至少需要 2 个", filepath.Base(in), len(found), strings.Join(found, "、"))
		}
		fmt.Fprintf(e.stderr, "%s: %d 条记录，比对列 %s\n", filepath.Base(in), len(rs), strings.Join(found, "、"))
		recs = append(recs, rs...)
	}
	l, err := linkage.Link(cfg, recs)
	if err != nil {
		return err
	}
	r := l.Result()
	o, err := tabfile.Create(*out)
	if err != nil {
		return err
	}
	defer o.Abort()
	cw, err := tabfile.NewCSVWriter(o, tabfile.UTF8)
	if err != nil {
		return err
	}
	head := []string{"source_a", "id_a", "source_b", "id_b", "probability", "weight", "decision", "cluster"}
	for _, f := range cfg.Fields {
		head = append(head, f.Name)
	}
	if err := cw.Write(head); err != nil {
		return err
	}
	for _, p := range r.Pairs {
		a, b := recs[p.A], recs[p.B]
		decision := "review"
		if p.Prob >= r.Upper {
			decision = "match"
		}
		row := []string{a.Source, a.ID, b.Source, b.ID, strconv.FormatFloat(p.Prob, 'f', 4, 64), strconv.FormatFloat(p.Weight, 'f', 2, 64), decision, strconv.Itoa(int(r.Cluster[p.A]))}
		for _, c := range l.Explain(p) {
			cell := fmt.Sprintf("%s %+.1f", c.Level, c.Weight)
			if c.Shared {
				cell += " shared" // agreed, but counted with its correlated field
			}
			row = append(row, cell)
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	if err := cw.Close(); err != nil {
		return err
	}
	if err := o.Commit(); err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "%d 条记录，%d 个候选对：%d 对匹配，%d 对待复核，%d 个多记录档案\n", len(recs), r.Stats.Candidates, r.Stats.Matches, r.Stats.Review, r.Stats.Clusters)
	return nil
}

// readLinkFile reads the records of one file for cfg's fields, matching
// columns by field name or Chinese header. It returns the fields found and,
// for each row the reader refused (an oversized cell, a formula without a
// value), its number and the reason — never its content.
func readLinkFile(path string, cfg linkage.Config, idCol string) (recs []linkage.Record, found, refused []string, err error) {
	rr, _, err := importer.Open(path, importer.ReadOptions{})
	if err != nil {
		return nil, nil, nil, err
	}
	defer rr.Close()
	head, err := rr.Read()
	if err != nil {
		return nil, nil, nil, fmt.Errorf("%s: 没有表头", filepath.Base(path))
	}
	index := map[string]int{}
	for i, h := range head.Cells {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		if _, dup := index[h]; !dup {
			index[h] = i
		}
	}
	cols := make([]int, len(cfg.Fields))
	for f, fd := range cfg.Fields {
		cols[f] = -1
		for _, h := range append([]string{fd.Name}, linkHeaders[fd.Name]...) {
			if i, ok := index[h]; ok {
				cols[f] = i
				found = append(found, h)
				break
			}
		}
	}
	idAt := -1
	if idCol != "" {
		i, ok := index[idCol]
		if !ok {
			return nil, nil, nil, fmt.Errorf("%s: 找不到列 %q", filepath.Base(path), idCol)
		}
		idAt = i
	}
	source := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	for {
		row, err := rr.Read()
		if errors.Is(err, io.EOF) {
			return recs, found, refused, nil
		}
		if err != nil {
			return nil, nil, nil, fmt.Errorf("%s: %w", filepath.Base(path), err)
		}
		if row.Err != "" {
			refused = append(refused, fmt.Sprintf("第 %d 行未读入：%s", row.Num, row.Err))
			continue
		}
		r := linkage.Record{Source: source, ID: strconv.Itoa(row.Num), Values: make([]string, len(cfg.Fields))}
		if idAt >= 0 && idAt < len(row.Cells) {
			r.ID = strings.TrimSpace(row.Cells[idAt])
		}
		for f, c := range cols {
			if c >= 0 && c < len(row.Cells) {
				r.Values[f] = strings.TrimSpace(row.Cells[c])
			}
		}
		recs = append(recs, r)
	}
}

var _ flag.Value = (*multiFlag)(nil)
