package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"jiceng/internal/areas"
	"jiceng/internal/casework"
	"jiceng/internal/core"
	"jiceng/internal/deid"
	"jiceng/internal/export"
	"jiceng/internal/fieldset"
	"jiceng/internal/importer"
	"jiceng/internal/notify"
	"jiceng/internal/quality"
	"jiceng/internal/tabfile"
)

// runQuality implements "jiceng quality check|eval|checks".
func runQuality(ctx context.Context, e *env, args []string) error {
	const usageText = `用法: jiceng quality check|eval|checks [参数]
  check  -kind person -in FILE [-in FILE ...] [-checks FILE] [-owners FILE] [-areas FILE] [-prev RUN.json] [-xlsx OUT] [-json]
         按字段集和检查文件检查人口/房屋/企业/组织数据文件（CSV/XLSX），输出中文汇总表；
         -json 输出本次运行结果（JSON，可作为下次的 -prev），-xlsx 写质量报告
  eval   [-n 100000] [-seed 1] [-min 0.95]
         生成带已知缺陷的数据，按检查维度输出检出的精确率和召回率；低于 -min 时返回错误
  run    [-db DSN] [-checks FILE] [-xlsx OUT] [-webhook URL]
         检查数据库中的全部基础数据（与页面“立即检查”相同），保存本次结果；
         不给 -checks 时按本街道在设置页面上传的检查规则（数据质量检查规则），没有则用内置检查文件；
         -webhook 把各责任部门的质量报告推送出去
  checks [-db DSN]
         输出内置检查文件（可复制修改后用 -checks 指定，或在设置页面上传）；
         -db 输出该数据库中正在使用的检查规则
运行 jiceng quality 子命令 -h 查看参数。`
	return runSubcommand(e, "quality", usageText, args, []subcommand{
		{"check", func(args []string) error { return qualityCheck(ctx, e, args) }},
		{"eval", func(args []string) error { return qualityEval(e, args) }},
		{"run", func(args []string) error { return qualityRun(ctx, e, args) }},
		{"checks", func(args []string) error { return qualityChecks(ctx, e, args) }},
	})
}

// fileList is a repeatable -in flag.
type fileList []string

func (l *fileList) String() string     { return strings.Join(*l, ",") }
func (l *fileList) Set(v string) error { *l = append(*l, v); return nil }

func qualityCheck(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "quality check", "quality check -kind person -in FILE [-in FILE ...] [-checks FILE] [-owners FILE] [-areas FILE] [-prev RUN.json] [-xlsx OUT] [-json]")
	kind := fs.String("kind", fieldset.KindPerson, "数据类别：person 人口、house 房屋、enterprise 企业、organisation 组织；某个文件另属一类时写 -in house=FILE")
	var ins fileList
	fs.Var(&ins, "in", "数据文件（CSV/XLSX，表头按字段集别名识别），可多次指定；来源名取文件名")
	checksFile := fs.String("checks", "", "检查文件；默认内置（jiceng quality checks 可查看）")
	ownersFile := fs.String("owners", "", "责任部门文件（列：来源,责任部门）")
	areasFile := fs.String("areas", "", "区域文件（列：街道,社区,网格），用于网格与社区一致性检查")
	prevFile := fs.String("prev", "", "上次运行的 JSON（-json 的输出），用于趋势和数据量变化")
	xlsxOut := fs.String("xlsx", "", "写 XLSX 质量报告到该文件")
	asJSON := fs.Bool("json", false, "在标准输出写本次运行结果（JSON），不写汇总表")
	role := fs.String("role", "leader", "问题记录中的值按脱敏字典的哪个角色脱敏")
	dictionaryFile := addDictionaryFlag(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	ins = append(ins, fs.Args()...)
	if len(ins) == 0 || fieldset.KindLabel[*kind] == "" {
		fs.Usage()
		return errUsage
	}
	checks := quality.DefaultChecks()
	if *checksFile != "" {
		b, err := os.ReadFile(*checksFile)
		if err != nil {
			return fmt.Errorf("无法读取检查文件 %s", filepath.Base(*checksFile))
		}
		if checks, err = quality.ParseChecks(string(b)); err != nil {
			return fmt.Errorf("%s: %w", filepath.Base(*checksFile), err)
		}
	}
	dict, err := loadDictionary(*dictionaryFile)
	if err != nil {
		return err
	}
	if err := checkRole(dict, *role); err != nil {
		return err
	}
	opt := quality.Options{Now: e.clock.Now(), Checks: checks, Mask: registryMask(dict, *role)}
	if *ownersFile != "" {
		rows, err := readRecords(*ownersFile)
		if err != nil {
			return err
		}
		opt.Owners = map[string]string{}
		for i, r := range rows {
			if i == 0 || len(r) < 2 || strings.TrimSpace(r[0]) == "" {
				continue
			}
			opt.Owners[strings.TrimSpace(r[0])] = strings.TrimSpace(r[1])
		}
	}
	if *areasFile != "" {
		rows, err := readRecords(*areasFile)
		if err != nil {
			return err
		}
		a, err := areas.FromRows(rows)
		if err != nil {
			return fmt.Errorf("%s: %w", filepath.Base(*areasFile), err)
		}
		opt.Refs = &quality.Refs{Areas: quality.AreasOf(a)}
	}
	if *prevFile != "" {
		b, err := os.ReadFile(*prevFile)
		if err != nil {
			return fmt.Errorf("无法读取上次运行结果 %s", filepath.Base(*prevFile))
		}
		var prev quality.Run
		if err := json.Unmarshal(b, &prev); err != nil {
			return fmt.Errorf("%s 不是质量检查的 JSON 结果", filepath.Base(*prevFile))
		}
		opt.Previous = &prev
	}
	var recs []quality.Record
	for _, in := range ins {
		k, path := *kind, in
		if pre, rest, ok := strings.Cut(in, "="); ok && fieldset.KindLabel[pre] != "" {
			k, path = pre, rest
		}
		rs, err := readRegistryFile(ctx, k, path)
		if err != nil {
			return err
		}
		recs = append(recs, rs...)
	}
	run, err := quality.Measure(recs, opt)
	if err != nil {
		return err
	}
	if *xlsxOut != "" {
		if err := writeQualityXLSX(e, *xlsxOut, run); err != nil {
			return err
		}
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(run)
	}
	return printQuality(e.stdout, run)
}

// qualityRun implements "jiceng quality run": the checks over the
// database's registries, stored like a run from the page, by the service.
func qualityRun(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "quality run", "quality run [-db DSN] [-checks FILE] [-xlsx OUT] [-webhook URL]")
	dsn := fs.String("db", defaultDSN(), "数据库：SQLite 文件路径或 postgres:// URL")
	checksFile := fs.String("checks", "", "检查文件；默认为数据库中设置的数据质量检查规则，没有则内置（jiceng quality checks -db 可查看）")
	xlsxOut := fs.String("xlsx", "", "把质量报告写入此 XLSX 文件")
	hook := fs.String("webhook", "", "把各责任部门的质量报告推送到此 webhook（签名密钥取环境变量 "+webhookSecretEnv+"）")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return errUsage
	}
	var checks []quality.Check
	if *checksFile != "" {
		b, err := os.ReadFile(*checksFile)
		if err != nil {
			return fmt.Errorf("无法读取检查文件 %s", filepath.Base(*checksFile))
		}
		if checks, err = quality.ParseChecks(string(b)); err != nil {
			return fmt.Errorf("%s: %w", filepath.Base(*checksFile), err)
		}
	}
	st, err := openStore(ctx, *dsn, e.clock)
	if err != nil {
		return err
	}
	defer st.Close()
	svc := &casework.Service{Store: st, Clock: e.clock}
	v, err := svc.RunQuality(ctx, core.User{Username: "system", Name: "system", Role: core.RoleAdmin}, checks)
	if err != nil {
		return err
	}
	if *xlsxOut != "" {
		if err := writeQualityXLSX(e, *xlsxOut, v.Run); err != nil {
			return err
		}
	}
	if *hook != "" {
		h := &notify.Webhook{URL: *hook, Secret: []byte(os.Getenv(webhookSecretEnv)), Now: e.clock.Now}
		reports := casework.QualityReports(v, "")
		if err := h.SendQuality(ctx, reports); err != nil {
			return err
		}
		fmt.Fprintf(e.stderr, "已向 %d 个责任部门推送质量报告\n", len(reports))
	}
	fmt.Fprintf(e.stderr, "第 %d 次检查已保存\n", v.ID)
	return printQuality(e.stdout, v.Run)
}

// qualityChecks implements "jiceng quality checks": the built-in check
// file, or with -db the one the database's street uses (its
// quality_checks setting as uploaded, else the built-in file).
func qualityChecks(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "quality checks", "quality checks [-db DSN]")
	dsn := fs.String("db", "", "输出该数据库（SQLite 文件路径或 postgres:// URL）中正在使用的检查规则")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return errUsage
	}
	if *dsn == "" {
		_, err := io.WriteString(e.stdout, quality.DefaultChecksText())
		return err
	}
	if err := checkSQLiteExists(*dsn); err != nil {
		return err
	}
	st, err := openStore(ctx, *dsn, e.clock)
	if err != nil {
		return err
	}
	defer st.Close()
	content, version, err := st.Setting(ctx, core.SettingQualityChecks)
	switch {
	case core.ErrorCode(err) == core.ENOTFOUND:
		fmt.Fprintln(e.stderr, "本街道未上传数据质量检查规则，使用内置检查文件")
		_, err = io.WriteString(e.stdout, quality.DefaultChecksText())
		return err
	case err != nil:
		return err
	}
	if _, err := casework.ParseQualityChecks(content); err != nil {
		fmt.Fprintf(e.stderr, "注意：第 %d 版无法载入：%s\n", version, core.ErrorMessage(err))
	}
	fmt.Fprintf(e.stderr, "本街道的数据质量检查规则第 %d 版\n", version)
	_, err = e.stdout.Write(content)
	return err
}

// writeQualityXLSX writes run's report to path.
func writeQualityXLSX(e *env, path string, run *quality.Run) error {
	out, err := tabfile.Create(path)
	if err != nil {
		return err
	}
	defer out.Abort()
	if err := export.QualityXLSX(out, run, "数据质量报告 "+run.At.In(core.StreetTime).Format("2006-01-02")); err != nil {
		return err
	}
	if err := out.Commit(); err != nil {
		return fmt.Errorf("写入质量报告失败: %w", err)
	}
	fmt.Fprintf(e.stderr, "质量报告已写入 %s\n", path)
	return nil
}

// registryMask masks a failing value for the samples as role sees it on
// the registry pages (casework.MaskRecord).
func registryMask(p *deid.Dictionary, role string) func(kind, field, value string) string {
	return func(kind, field, value string) string { return maskRecordValue(p, kind, role, field, value) }
}

// readRegistryFile reads a registry file of kind: the header is the row
// (of the first ten) naming the most fields of the kind's field set; each
// later row is a record whose source is the file's name.
func readRegistryFile(ctx context.Context, kind, path string) ([]quality.Record, error) {
	set := fieldset.Records(kind)
	rr, _, err := importer.Open(path, importer.ReadOptions{})
	if err != nil {
		return nil, err
	}
	defer rr.Close()
	base := filepath.Base(path)
	source := strings.TrimSuffix(base, filepath.Ext(base))
	var pre []importer.Row
	for len(pre) < 10 {
		row, err := rr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		row.Cells = append([]string(nil), row.Cells...)
		pre = append(pre, row)
	}
	h := importer.HeaderRow(pre, func(c string) bool { return set.Lookup(c) != nil })
	if h < 0 {
		return nil, core.Errorf(core.EINVALID, "%s: 没有找到%s字段的表头", base, fieldset.KindLabel[kind])
	}
	cols := make([]string, len(pre[h].Cells))
	for i, c := range pre[h].Cells {
		if f := set.Lookup(c); f != nil {
			cols[i] = f.Name
		}
	}
	var out []quality.Record
	add := func(r importer.Row) {
		v := make(map[string]string, len(cols))
		for i, c := range r.Cells {
			if i < len(cols) && cols[i] != "" && strings.TrimSpace(c) != "" {
				if _, dup := v[cols[i]]; !dup {
					v[cols[i]] = c
				}
			}
		}
		if len(v) == 0 {
			return
		}
		key, _, _ := fieldset.RecordKey(kind, v)
		out = append(out, quality.Record{ID: source + "#" + strconv.Itoa(r.Num), Kind: kind, Source: source, Key: key, Values: v})
	}
	for _, r := range pre[h+1:] {
		add(r)
	}
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		r, err := rr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		if r.Err == "" {
			add(r)
		}
	}
	return out, nil
}

// printQuality writes the Chinese summary of a run.
func printQuality(w io.Writer, run *quality.Run) error {
	var kinds []string
	for _, k := range fieldset.RecordKinds {
		if n := run.Rows[k]; n > 0 {
			kinds = append(kinds, fmt.Sprintf("%s %d 条", fieldset.KindLabel[k], n))
		}
	}
	fmt.Fprintf(w, "数据质量检查  %s  %s\n", run.At.In(core.StreetTime).Format("2006-01-02 15:04"), strings.Join(kinds, "，"))
	fmt.Fprintf(w, "总体得分 %.2f；检查 %d 项：通过 %d，警告 %d，不合格 %d，未执行 %d\n\n",
		run.Score, len(run.Results), run.Pass, run.Warn, run.Fail, run.Skip)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "结果\t类别\t维度\t检查项\t问题/检查\t问题率\t趋势")
	for _, r := range run.Results {
		if r.Status == quality.StatusPass && r.Failing == 0 {
			continue
		}
		kind := fieldset.KindLabel[r.RecordKind]
		if kind == "" {
			kind = map[string]string{"ticket": "工单", "area": "区域"}[r.RecordKind]
		}
		detail := fmt.Sprintf("%d/%d", r.Failing, r.Checked)
		if r.Status == quality.StatusSkip {
			detail = r.Note
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%.2f%%\t%s\n", quality.StatusLabel[r.Status], kind, quality.KindLabel[r.Kind], r.Name, detail, 100*r.Rate, quality.TrendLabel[r.Trend])
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w, "\n（全部通过且无问题的检查项未列出；-json 或 -xlsx 查看全部）")
	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "来源\t责任部门\t记录数\t得分\t上次")
	for _, s := range run.Sources {
		prev := "-"
		if s.Prev != nil {
			prev = fmt.Sprintf("%.2f", *s.Prev)
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%.2f\t%s\n", s.Name, s.Owner, s.Rows, s.Score, prev)
	}
	return tw.Flush()
}

func qualityEval(e *env, args []string) error {
	fs := newFlagSet(e, "quality eval", "quality eval [-n 100000] [-seed 1] [-min 0.95]")
	n := fs.Int("n", 100000, "生成的人口记录数（另有其 1/3 的房屋、1/10 的企业、1/5 的工单）")
	seed := fs.Uint64("seed", 1, "随机种子")
	minFig := fs.Float64("min", 0.95, "各维度精确率和召回率的下限，低于它返回错误")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *n <= 0 || fs.NArg() > 0 {
		fs.Usage()
		return errUsage
	}
	now := e.clock.Now()
	g := quality.Generate(quality.GenOptions{Persons: *n, Seed: *seed, Now: now})
	start := time.Now()
	figs, run, err := quality.Evaluate(g, now)
	if err != nil {
		return err
	}
	took := time.Since(start)
	rows := 0
	for _, c := range run.Rows {
		rows += c
	}
	fmt.Fprintf(e.stdout, "生成 %d 条记录（注入缺陷 %d 处），检查 %d 项，用时 %.1f 秒（%.0f 条/秒）\n\n",
		len(g.Records), total(g.Injected), len(run.Results), took.Seconds(), float64(rows)/took.Seconds())
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "维度\t注入\t检出\t命中\t精确率\t召回率")
	var low []string
	for _, f := range figs {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%.4f\t%.4f\n", quality.KindLabel[f.Kind], f.Truth, f.Found, f.Hits, f.Precision, f.Recall)
		if f.Precision < *minFig || f.Recall < *minFig {
			low = append(low, quality.KindLabel[f.Kind])
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, "\n注入的缺陷：")
	for _, name := range g.InjectedNames() {
		fmt.Fprintf(e.stdout, "  %-32s %d\n", name, g.Injected[name])
	}
	if len(low) > 0 {
		return fmt.Errorf("%s 的精确率或召回率低于 %.2f", strings.Join(low, "、"), *minFig)
	}
	return nil
}

func total(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}
