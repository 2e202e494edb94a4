package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"jiceng/internal/casework"
	"jiceng/internal/core"
	"jiceng/internal/deid"
	"jiceng/internal/fieldset"
	"jiceng/internal/importer"
	"jiceng/internal/policy"
	"jiceng/internal/search"
)

// deidKeyEnv names the environment variable that holds the
// pseudonymisation key: configuration, never a flag (flags show in ps) and
// never the database.
const deidKeyEnv = "JICENG_DEID_KEY"

// addDictionaryFlag declares -dictionary on fs: the masking dictionary
// file; -policy, its earlier name, is accepted too.
func addDictionaryFlag(fs *flag.FlagSet) *string {
	file := fs.String("dictionary", "", "脱敏字典 CSV 文件（默认内置 policy.csv）")
	fs.StringVar(file, "policy", "", "同 -dictionary（旧名）")
	return file
}

// loadDictionary returns the masking dictionary in file, or the built-in one
// for "", with the pseudonymisation key of $JICENG_DEID_KEY when it is set.
func loadDictionary(file string) (*deid.Dictionary, error) {
	p := deid.DefaultDictionary()
	if file != "" {
		f, err := os.Open(file)
		if err != nil {
			return nil, fmt.Errorf("无法打开脱敏字典 %s", filepath.Base(file))
		}
		p, err = deid.LoadDictionary(f)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("脱敏字典 %s: %w", filepath.Base(file), err)
		}
	}
	if key := os.Getenv(deidKeyEnv); key != "" {
		var err error
		if p, err = p.WithKey([]byte(key)); err != nil {
			return nil, fmt.Errorf("环境变量 %s 中的假名化密钥太短：至少需要 %d 字节", deidKeyEnv, deid.MinKeyLen)
		}
	}
	return p, nil
}

// checkRole reports, in Chinese, why p cannot serve role: a role without
// a column in the dictionary, or a role that pseudonymises without a key.
func checkRole(p *deid.Dictionary, role string) error {
	roles := p.Roles()
	known := false
	for _, r := range roles {
		known = known || r == role
	}
	if !known {
		return core.Errorf(core.EINVALID, "脱敏字典中没有角色 %q（可用: %s）", role, strings.Join(roles, ", "))
	}
	if err := p.Check(role); errors.Is(err, deid.ErrNoKey) {
		return core.Errorf(core.EINVALID, "角色 %s 的规则需要假名化密钥：请设置环境变量 %s（至少 %d 字节）", role, deidKeyEnv, deid.MinKeyLen)
	}
	return nil
}

// cliUser is the operator of the command line: an administrator.
var cliUser = core.User{Username: "cli", Role: core.RoleAdmin}

// storeCleaner returns the importer's Clean hook: every value of a ticket,
// Extra included, as the dictionary's store role allows it to be stored
// (casework.MaskTicket, by the one table of ticket fields).
func storeCleaner(p *deid.Dictionary, fields *fieldset.Set) func(*core.Ticket) {
	return func(t *core.Ticket) { *t = casework.MaskTicket(p, fields, casework.StoreRole, *t) }
}

// The policy base (政策知识库) on the command line: jiceng policy index,
// search and eval. (The helpers above are the masking dictionary's, which
// its commands call -policy for history's sake.)

// policyIndexEnv names the environment variable of the default index
// directory.
const policyIndexEnv = "JICENG_POLICY_INDEX"

// defaultPolicyIndex is the index used when -index is not given:
// $JICENG_POLICY_INDEX, or policy.bleve in the working directory.
func defaultPolicyIndex() string {
	if v := os.Getenv(policyIndexEnv); v != "" {
		return v
	}
	return "policy.bleve"
}

func runPolicy(_ context.Context, e *env, args []string) error {
	usageText := `用法: jiceng policy index|search|eval [参数]
  index  -in FILE... [-index DIR]     导入政策文件（txt、md、html、docx、pdf；CSV/XLSX 问答表，
                                      或加 -id COL -text COL [-title COL] 每行一个文件）建立检索索引
  search [-index DIR] -k 5 -q "问题"   检索，每条结果一行 JSON；-answer 再输出摘录式解答；
                                      批量：-queries FILE -id COL -text COL，输出 CSV
  eval   [-index DIR] -queries FILE   在标注问题集上评估 recall@1、recall@5、MRR（与 SQLite FTS5 对比）
                                      和“无把握不作答”的阈值取舍
索引目录默认为 $` + policyIndexEnv + `，未设置时为当前目录下的 policy.bleve。
运行 jiceng policy 子命令 -h 查看参数。`
	return runSubcommand(e, "policy", usageText, args, []subcommand{
		{"index", func(args []string) error { return policyIndex(e, args) }},
		{"search", func(args []string) error { return policySearch(e, args) }},
		{"eval", func(args []string) error { return policyEval(e, args) }},
	})
}

// listFlag is a flag that may be given several times.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(s string) error { *l = append(*l, s); return nil }

// openPolicyIndex opens the index in dir; create says whether a missing
// one is created (with the default synonyms and those of synFile) or is
// an error.
func openPolicyIndex(e *env, dir, synFile string, create bool) (*search.Index, error) {
	opt := search.Options{Now: e.clock}
	if synFile != "" {
		f, err := os.Open(synFile)
		if err != nil {
			return nil, fmt.Errorf("无法打开同义词表 %s", filepath.Base(synFile))
		}
		own, err := search.ReadSynonyms(f)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("同义词表 %s: %w", filepath.Base(synFile), err)
		}
		opt.Synonyms = search.DefaultSynonyms().Merge(own)
	}
	var (
		ix  *search.Index
		err error
	)
	if create {
		ix, err = search.Open(dir, opt)
	} else {
		ix, err = search.OpenExisting(dir, opt)
	}
	switch {
	case errors.Is(err, search.ErrNoIndex):
		return nil, fmt.Errorf("政策索引 %s 不存在：请先运行 jiceng policy index -in 文件 -index %s", dir, dir)
	case err != nil:
		return nil, fmt.Errorf("无法打开政策索引 %s（目录不可用或不是本程序建立的索引）", dir)
	}
	return ix, nil
}

// isSheet reports whether the file at path is a table (CSV or XLSX) by its
// extension.
func isSheet(path string) bool {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv", ".xlsx", ".tsv":
		return true
	}
	return false
}

// docID is the ID of the document read from path: its file name without
// the extension.
func docID(path string) string {
	b := filepath.Base(path)
	return strings.TrimSuffix(b, filepath.Ext(b))
}

func policyIndex(e *env, args []string) error {
	fs := newFlagSet(e, "policy index", "policy index -in FILE... [-index DIR] [-id COL -text COL [-title COL]] [-synonyms FILE] [-rebuild]")
	var ins listFlag
	fs.Var(&ins, "in", "政策文件，可重复；也可直接列在参数后面（txt、md、html、docx、pdf，或 CSV/XLSX 问答表）")
	dir := fs.String("index", defaultPolicyIndex(), "索引目录（$"+policyIndexEnv+"）")
	idCol := fs.String("id", "", "CSV/XLSX 每行一个文件时：编号列")
	textCol := fs.String("text", "", "CSV/XLSX 每行一个文件时：正文列")
	titleCol := fs.String("title", "", "CSV/XLSX 每行一个文件时：可选的标题列")
	synFile := fs.String("synonyms", "", "本街道的同义词表（每行一组，空格或“/”分隔），与默认表合并；只在新建索引时生效")
	rebuild := fs.Bool("rebuild", false, "先删除已有索引再重建（改了同义词表后需要）")
	if err := fs.Parse(args); err != nil {
		return err
	}
	ins = append(ins, fs.Args()...)
	if len(ins) == 0 || (*idCol == "") != (*textCol == "") {
		fs.Usage()
		return errUsage
	}
	if *rebuild {
		if _, err := os.Stat(filepath.Join(*dir, "index_meta.json")); err == nil {
			if err := os.RemoveAll(*dir); err != nil {
				return fmt.Errorf("无法删除旧索引 %s", *dir)
			}
		}
	}
	opt := policy.Options{Now: e.clock.Now()}
	var docs []policy.Document
	failed := 0
	for _, in := range ins {
		ds, err := readPolicyFile(e, in, *idCol, *textCol, *titleCol, opt)
		if err != nil {
			// One bad file does not stop the others: it is named and
			// counted, and the command fails at the end.
			fmt.Fprintf(e.stderr, "跳过 %s\n", userMessage(err))
			failed++
			continue
		}
		docs = append(docs, ds...)
	}
	ix, err := openPolicyIndex(e, *dir, *synFile, true)
	if err != nil {
		return err
	}
	defer ix.Close()
	passages := 0
	for _, d := range docs {
		passages += len(d.Passages)
	}
	start := e.clock.Now()
	if err := ix.Index(docs); err != nil {
		return fmt.Errorf("写入政策索引 %s 失败: %s", *dir, userMessage(err))
	}
	took := e.clock.Now().Sub(start)
	n, _ := ix.Count()
	fmt.Fprintf(e.stderr, "已索引 %d 个文件、%d 个段落（%.0f 段/秒）；索引 %s 共 %d 个段落\n",
		len(docs), passages, float64(passages)/max(took.Seconds(), 1e-9), *dir, n)
	if failed > 0 {
		return fmt.Errorf("%d 个文件未能导入（见上）", failed)
	}
	return nil
}

// readPolicyFile reads the documents of one input file: a policy document,
// a 问/答 sheet, or (with idCol and textCol) a sheet of documents.
func readPolicyFile(e *env, path, idCol, textCol, titleCol string, opt policy.Options) ([]policy.Document, error) {
	if isSheet(path) || idCol != "" {
		rr, _, err := importer.Open(path, importer.ReadOptions{})
		if err != nil {
			return nil, err
		}
		defer rr.Close()
		var (
			docs  []policy.Document
			skips []policy.Skip
		)
		if idCol != "" {
			docs, skips, err = policy.ReadRows(rr, policy.RowColumns{ID: idCol, Text: textCol, Title: titleCol}, opt)
		} else {
			docs, skips, err = policy.ReadQA(docID(path), rr, opt)
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %s", filepath.Base(path), userMessage(err))
		}
		for _, s := range skips {
			fmt.Fprintf(e.stderr, "%s 第 %d 行跳过：%s\n", filepath.Base(path), s.Row, s.Reason)
		}
		return docs, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("无法打开文件 %s", filepath.Base(path))
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, policy.MaxInput+1))
	if err != nil {
		return nil, fmt.Errorf("读取 %s 失败", filepath.Base(path))
	}
	d, err := policy.Parse(docID(path), filepath.Base(path), b, opt)
	if err != nil {
		return nil, err
	}
	return []policy.Document{d}, nil
}

// policyHit is one line of jiceng policy search.
type policyHit struct {
	DocID     string  `json:"doc_id"`
	PassageID string  `json:"passage_id"`
	Title     string  `json:"title"`
	Number    string  `json:"number,omitempty"`
	Article   string  `json:"article"`
	Item      string  `json:"item,omitempty"`
	Validity  string  `json:"validity"`
	Score     float64 `json:"score"`
	Snippet   string  `json:"snippet"`
}

// policyAnswer is the last line of jiceng policy search -answer.
type policyAnswer struct {
	Answer    string   `json:"answer"`
	Confident bool     `json:"confident"`
	Reason    string   `json:"reason,omitempty"`
	Citations []string `json:"citations,omitempty"`
}

func policySearch(e *env, args []string) error {
	fs := newFlagSet(e, "policy search", `policy search [-index DIR] [-k 5] -q "问题" [-answer] [-issuer X] [-year N] [-format F] [-all] | -queries FILE -id COL -text COL`)
	dir := fs.String("index", defaultPolicyIndex(), "索引目录（$"+policyIndexEnv+"）")
	k := fs.Int("k", 5, "返回前 K 条（最多 100）")
	q := fs.String("q", "", "问题（引号内的部分须原样出现）")
	answer := fs.Bool("answer", false, "在结果之后再输出一行摘录式解答（JSON）")
	minScore := fs.Float64("min-score", search.DefaultMinScore, "与 -answer 一起用：最佳结果得分低于此值时不作答，转人工")
	issuer := fs.String("issuer", "", "只查这个发文机关的文件")
	year := fs.Int("year", 0, "只查这一年发布的文件")
	format := fs.String("format", "", "只查这种格式的文件（txt、md、html、docx、pdf、qa）")
	all := fs.Bool("all", false, "也查已废止、被替代、已失效的文件（默认只查有效文件）")
	queries := fs.String("queries", "", "批量：问题文件（CSV/XLSX，首行为表头）")
	idCol := fs.String("id", "", "批量：问题编号列")
	textCol := fs.String("text", "", "批量：问题文本列")
	if err := fs.Parse(args); err != nil {
		return err
	}
	batch := *queries != ""
	if batch == (*q != "") || batch && (*idCol == "" || *textCol == "") || *k <= 0 || fs.NArg() > 0 {
		fs.Usage()
		return errUsage
	}
	ix, err := openPolicyIndex(e, *dir, "", false)
	if err != nil {
		return err
	}
	defer ix.Close()
	base := search.Query{K: *k, Issuer: *issuer, Year: *year, Format: *format, ValidOnly: !*all}
	if batch {
		return policySearchBatch(e, ix, base, *queries, *idCol, *textCol)
	}
	base.Text = *q
	hits, err := ix.Search(base)
	if err != nil {
		return fmt.Errorf("检索失败: %w", err)
	}
	enc := json.NewEncoder(e.stdout)
	enc.SetEscapeHTML(false)
	for _, h := range hits {
		if err := enc.Encode(policyHit{h.DocID, h.PassageID, h.Title, h.Number, h.Article, h.Item, string(h.Validity), round4(h.Score), h.Snippet}); err != nil {
			return err
		}
	}
	if *answer {
		a := search.Answer(*q, hits, *minScore)
		out := policyAnswer{Answer: a.Text, Confident: a.Confident, Reason: a.Reason}
		for _, s := range a.Sentences {
			out.Citations = append(out.Citations, s.Citation)
		}
		return enc.Encode(out)
	}
	return nil
}

func round4(x float64) float64 { return math.Round(x*1e4) / 1e4 }

// policySearchBatch answers every question of a file: CSV on stdout,
// query_id,rank,doc_id,score, one row per hit.
func policySearchBatch(e *env, ix *search.Index, base search.Query, path, idCol, textCol string) error {
	w := csv.NewWriter(e.stdout)
	if err := w.Write([]string{"query_id", "rank", "doc_id", "score"}); err != nil {
		return err
	}
	var searchErr error
	err := readColumns(path, textCol, idCol, func(question string, other []string, bad bool) {
		if bad || searchErr != nil || question == "" {
			return
		}
		q := base
		q.Text = question
		hits, err := ix.Search(q)
		if err != nil {
			searchErr = err
			return
		}
		for i, h := range hits {
			w.Write([]string{other[0], strconv.Itoa(i + 1), h.DocID, strconv.FormatFloat(round4(h.Score), 'f', -1, 64)})
		}
	})
	if err != nil {
		return err
	}
	if searchErr != nil {
		return fmt.Errorf("检索失败: %w", searchErr)
	}
	w.Flush()
	return w.Error()
}

func policyEval(e *env, args []string) error {
	fs := newFlagSet(e, "policy eval", "policy eval [-index DIR] -queries FILE")
	dir := fs.String("index", defaultPolicyIndex(), "索引目录（$"+policyIndexEnv+"）")
	queries := fs.String("queries", "", "标注问题集 CSV：id,question,doc,article,item,kind,note（kind 为 none 表示库中没有答案）")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *queries == "" || fs.NArg() > 0 {
		fs.Usage()
		return errUsage
	}
	f, err := os.Open(*queries)
	if err != nil {
		return fmt.Errorf("无法打开问题集 %s", filepath.Base(*queries))
	}
	qs, err := search.ReadQuestions(f)
	f.Close()
	if err != nil {
		return fmt.Errorf("问题集 %s: %s", filepath.Base(*queries), userMessage(err))
	}
	ix, err := openPolicyIndex(e, *dir, "", false)
	if err != nil {
		return err
	}
	defer ix.Close()
	passages, err := ix.Passages()
	if err != nil {
		return fmt.Errorf("读取政策索引失败: %w", err)
	}
	fts, err := search.NewFTS5(passages)
	if err != nil {
		return fmt.Errorf("建立 FTS5 对照索引失败: %w", err)
	}
	defer fts.Close()
	runs := []struct {
		name string
		r    search.Retriever
	}{
		{"bleve 词+二元组", ix.Retriever(search.Query{})},
		{"bleve 只用词", ix.Retriever(search.Query{Analyzer: search.AnalyzerWords})},
		{"bleve 只用二元组", ix.Retriever(search.Query{Analyzer: search.AnalyzerBigrams})},
		{"SQLite FTS5（同样的词）", fts.Retriever()},
	}
	w := e.stdout
	fmt.Fprintf(w, "问题 %d 个，索引段落 %d 个\n\n", len(qs), len(passages))
	fmt.Fprintf(w, "%-24s %-12s %4s %9s %9s %6s\n", "检索", "类型", "n", "recall@1", "recall@5", "MRR")
	var first search.Evaluation
	for i, run := range runs {
		ev, err := search.Evaluate(run.name, qs, run.r)
		if err != nil {
			return fmt.Errorf("评估失败: %w", err)
		}
		if i == 0 {
			first = ev
		}
		row := func(kind string, m search.Metrics) {
			fmt.Fprintf(w, "%-24s %-12s %4d %9.3f %9.3f %6.3f\n", run.name, kind, m.N, m.Recall1, m.Recall5, m.MRR)
		}
		row("全部", ev.All)
		kinds := make([]string, 0, len(ev.ByKind))
		for k := range ev.ByKind {
			kinds = append(kinds, k)
		}
		sort.Strings(kinds)
		for _, k := range kinds {
			row(k, ev.ByKind[k])
		}
	}
	fmt.Fprintf(w, "\n无把握不作答（%s，最佳结果得分低于阈值时转人工）：\n", runs[0].name)
	fmt.Fprintf(w, "%8s %14s %14s %16s\n", "阈值", "无答案问题拒答", "有答案问题作答", "作答且首条正确")
	ts := first.Tradeoffs()
	step := max(1, len(ts)/12)
	best := first.BestThreshold()
	for i, t := range ts {
		if i%step == 0 || t.Threshold == best.Threshold {
			mark := ""
			if t.Threshold == best.Threshold {
				mark = "  ← 最佳（拒答率 + 首条正确作答率 最大）"
			}
			fmt.Fprintf(w, "%8.3f %13.0f%% %13.0f%% %15.0f%%%s\n", t.Threshold, 100*t.NoneRefused, 100*t.Answered, 100*t.AnsweredCorrectly, mark)
		}
	}
	d := first.TradeoffAt(search.DefaultMinScore)
	fmt.Fprintf(w, "默认阈值（-min-score）%.3f: 无答案问题拒答 %.0f%%，有答案问题作答 %.0f%%，作答且首条正确 %.0f%%\n",
		d.Threshold, 100*d.NoneRefused, 100*d.Answered, 100*d.AnsweredCorrectly)
	return nil
}
