package main

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"jiceng/internal/casework"
	"jiceng/internal/classify"
	"jiceng/internal/hot"
	"jiceng/internal/importer"
	"jiceng/internal/text"
)

// runClassify implements "jiceng classify train|predict|eval".
func runClassify(ctx context.Context, e *env, args []string) error {
	const usageText = `用法: jiceng classify train|predict|eval [参数]
  train    -in FILE -text COL[,COL...] -label COL -out MODEL    训练分类模型
           -db DSN [-recent N] [-street-tags] -out MODEL       用本街道数据库中已分类的工单（及标签库）训练
           -tags FILE                                          标签库文件：标签及其别名作为分类特征
  predict  -model MODEL -in FILE -text COL[,COL...] -id COL     批量分类，CSV 输出 id,label,score
  eval     -in FILE -text COL[,COL...] -label COL -folds 5      交叉验证：各类精确率/召回率/F1、宏平均 F1、混淆矩阵
运行 jiceng classify 子命令 -h 查看参数。`
	return runSubcommand(e, "classify", usageText, args, []subcommand{
		{"train", func(args []string) error { return classifyTrain(ctx, e, args) }},
		{"predict", func(args []string) error { return classifyPredict(e, args) }},
		{"eval", func(args []string) error { return classifyEval(e, args) }},
	})
}

// subcommand is one subcommand of a command with several (classify,
// alerts).
type subcommand struct {
	name string
	run  func(args []string) error
}

// runSubcommand runs the subcommand args[0] of command name, or prints its
// usage: for -h, or (as a usage error) for no or an unknown subcommand.
func runSubcommand(e *env, name, usage string, args []string, subs []subcommand) error {
	if len(args) == 0 {
		fmt.Fprintln(e.stderr, usage)
		return errUsage
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		fmt.Fprintln(e.stderr, usage)
		return nil
	}
	var names []string
	for _, sc := range subs {
		if sc.name == args[0] {
			return sc.run(args[1:])
		}
		names = append(names, sc.name)
	}
	fmt.Fprintf(e.stderr, "jiceng %s: 未知子命令 %q（可选 %s）\n", name, args[0], strings.Join(names, "、"))
	return errUsage
}

// modelFlags are the training options shared by train and eval.
type modelFlags struct {
	kind        *string
	c           *float64
	classWeight *string
	seed        *uint64
	tags        *string
}

func addModelFlags(fs interface {
	String(string, string, string) *string
	Float64(string, float64, string) *float64
	Uint64(string, uint64, string) *uint64
}) modelFlags {
	return modelFlags{
		kind:        fs.String("model", "ensemble", "模型：ensemble（默认，svm 与 nbsvm 的平均）、svm 或 nbsvm"),
		c:           fs.Float64("c", 2, "SVM 参数 C"),
		classWeight: fs.String("class-weight", "balanced", "类别权重：balanced（按类别频率反比加权）或 none"),
		seed:        fs.Uint64("seed", 1, "随机种子"),
		tags: fs.String("tags", "", "高频问题标签库文件（CSV：标签,一级分类,别名，即 /tags 页面或设置页下载的文件）："+
			"文本含某标签或其别名时，该标签作为一个分类特征（合并的别名共用一个特征）；标签库随模型保存"),
	}
}

// config returns the training configuration, with the tag library of -tags
// when given.
func (f modelFlags) config() (classify.Config, error) {
	cfg := classify.Config{Model: *f.kind, C: *f.c, ClassWeight: *f.classWeight, Seed: *f.seed}
	if *f.tags != "" {
		b, err := os.ReadFile(*f.tags)
		if err != nil {
			return cfg, fmt.Errorf("无法读取标签库文件 %s", filepath.Base(*f.tags))
		}
		tags, err := hot.ReadTags(b)
		if err != nil {
			return cfg, fmt.Errorf("%s: %w", filepath.Base(*f.tags), err)
		}
		cfg.Features.Tags = classifyTags(tags)
	}
	return cfg, nil
}

// classifyTags converts the street's tag library into the classifier's
// phrase vocabulary: each tag's name and aliases, one feature per tag. The
// tag's category is left out: the model learns what a tag says.
func classifyTags(tags []hot.Tag) []classify.Tag {
	out := make([]classify.Tag, len(tags))
	for i, t := range tags {
		out[i] = classify.Tag{Name: t.Name, Aliases: t.Aliases}
	}
	return out
}

// streetTags reads the tag library in force in the database at dsn (the
// tags setting, curated at /tags); none is an empty library.
func streetTags(ctx context.Context, e *env, dsn string) ([]hot.Tag, error) {
	st, err := openStore(ctx, dsn, e.clock)
	if err != nil {
		return nil, fmt.Errorf("打开数据库: %w", err)
	}
	defer st.Close()
	tags, err := casework.TagLibrary(ctx, st)
	if err != nil {
		return nil, fmt.Errorf("读取标签库: %w", err)
	}
	return tags, nil
}

// labelledRows reads the text and label columns of a CSV/XLSX file. Rows
// the reader refuses, or without a level-1 label, are skipped and counted.
func labelledRows(path, textCols, labelCols string) (docs []classify.Doc, skipped int, err error) {
	err = readColumns(path, textCols, labelCols, func(text string, labels []string, bad bool) {
		if bad || labels[0] == "" || (len(labels) > 2 && labels[1] == "" && labels[2] != "") {
			skipped++
			return
		}
		var d classify.Doc
		d.Text = text
		copy(d.Labels[:], labels)
		docs = append(docs, d)
	})
	return docs, skipped, err
}

// readColumns calls row for every data row of the file at path with the
// text columns joined and the values of the other columns. The file is read
// with the importer's reader: CSV in UTF-8, GBK or GB18030, or XLSX, with
// the first record as header.
func readColumns(path, textCols, otherCols string, row func(text string, other []string, bad bool)) error {
	rr, _, err := importer.Open(path, importer.ReadOptions{})
	if err != nil {
		return err
	}
	defer rr.Close()
	head, err := rr.Read()
	if err != nil {
		return fmt.Errorf("%s: 没有表头", filepath.Base(path))
	}
	index := map[string]int{}
	for i, h := range head.Cells {
		index[strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))] = i
	}
	cols := func(spec string) ([]int, error) {
		var out []int
		for _, name := range strings.Split(spec, ",") {
			name = strings.TrimSpace(name)
			if name == "" {
				continue
			}
			i, ok := index[name]
			if !ok {
				return nil, fmt.Errorf("%s: 找不到列 %q", filepath.Base(path), name)
			}
			out = append(out, i)
		}
		return out, nil
	}
	tc, err := cols(textCols)
	if err != nil {
		return err
	}
	if len(tc) == 0 {
		return errors.New("请用 -text 指定文本列")
	}
	oc, err := cols(otherCols)
	if err != nil {
		return err
	}
	cell := func(cells []string, i int) string {
		if i < len(cells) {
			return strings.TrimSpace(cells[i])
		}
		return ""
	}
	other := make([]string, len(oc))
	for {
		r, err := rr.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: %w", filepath.Base(path), err)
		}
		parts := make([]string, 0, len(tc))
		for _, i := range tc {
			if s := cell(r.Cells, i); s != "" {
				parts = append(parts, s)
			}
		}
		for j, i := range oc {
			other[j] = cell(r.Cells, i)
		}
		row(strings.Join(parts, "。"), other, r.Err != "")
	}
}

// otherColumns lists the other columns to ask readColumns for: required,
// then those of optional that are named, in order. get returns a row's
// value of optional[i], "" where it was not named. A column name with a
// comma is an error: readColumns splits the list at commas.
func otherColumns(required []string, optional ...string) (cols string, get func(other []string, i int) string, err error) {
	names := append([]string(nil), required...)
	at := make([]int, len(optional))
	for i, c := range optional {
		at[i] = -1
		if c != "" {
			at[i] = len(names)
			names = append(names, c)
		}
	}
	for _, c := range names {
		if strings.Contains(c, ",") {
			return "", nil, fmt.Errorf("列名 %q 不能含逗号", c)
		}
	}
	get = func(other []string, i int) string {
		if at[i] < 0 {
			return ""
		}
		return other[at[i]]
	}
	return strings.Join(names, ","), get, nil
}

func classifyTrain(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "classify train", "classify train (-in FILE -text COL[,COL...] -label COL[,COL2,COL3] | -db DSN [-recent N] [-street-tags]) [-tags FILE] -out MODEL")
	in := fs.String("in", "", "训练数据文件（CSV/XLSX，首行为表头）")
	textCols := fs.String("text", "", "文本列，多个列用逗号分隔（如 标题,诉求内容）")
	labelCols := fs.String("label", "", "分类列：一级分类，可再跟二级、三级分类列，用逗号分隔")
	dsn := fs.String("db", "", "改为用本街道数据库中已分类的工单（标题+内容，一至三级分类）训练：SQLite 文件路径或 postgres:// URL")
	recent := fs.Int("recent", 0, "与 -db 一起用：只用最近的 N 件已分类工单（0 表示全部）")
	withStreetTags := fs.Bool("street-tags", false, "与 -db 一起用：以本街道在用的高频问题标签库（/tags 页面维护）作为分类特征，代替 -tags")
	out := fs.String("out", "", "输出模型文件")
	mf := addModelFlags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	fromFile := *in != "" && *textCols != "" && *labelCols != ""
	if fromFile == (*dsn != "") || *out == "" || (*withStreetTags && (*dsn == "" || *mf.tags != "")) {
		fs.Usage()
		return errUsage
	}
	cfg, err := mf.config()
	if err != nil {
		return err
	}
	if *withStreetTags {
		tags, err := streetTags(ctx, e, *dsn)
		if err != nil {
			return err
		}
		cfg.Features.Tags = classifyTags(tags)
	}
	var (
		docs    []classify.Doc
		skipped int
	)
	if fromFile {
		if n := len(strings.Split(*labelCols, ",")); n > 3 {
			return errors.New("-label 最多三列（一级、二级、三级分类）")
		}
		docs, skipped, err = labelledRows(*in, *textCols, *labelCols)
	} else {
		docs, skipped, err = trainingHistory(ctx, e, *dsn, *recent)
	}
	if err != nil {
		return err
	}
	start := time.Now()
	m, err := classify.Train(docs, cfg)
	if err != nil {
		return err
	}
	took := time.Since(start)
	f, err := os.Create(*out)
	if err != nil {
		return fmt.Errorf("无法创建模型文件 %s", filepath.Base(*out))
	}
	if err := m.Save(f); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("写入模型文件 %s 失败: %w", filepath.Base(*out), err)
	}
	fmt.Fprintf(e.stderr, "trained on %d rows (%d skipped) in %s; %d level-1 classes; %d tags; model %s\n",
		len(docs), skipped, took.Round(time.Millisecond), len(m.Labels()), len(cfg.Features.Tags), *out)
	return nil
}

func classifyPredict(e *env, args []string) error {
	fs := newFlagSet(e, "classify predict", "classify predict -model MODEL -in FILE -text COL[,COL...] -id COL")
	modelPath := fs.String("model", "", "模型文件（由 classify train 生成）")
	in := fs.String("in", "", "待分类文件（CSV/XLSX，首行为表头）")
	textCols := fs.String("text", "", "文本列，多个列用逗号分隔")
	idCol := fs.String("id", "", "编号列，原样输出")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *modelPath == "" || *in == "" || *textCols == "" || *idCol == "" {
		fs.Usage()
		return errUsage
	}
	f, err := os.Open(*modelPath)
	if err != nil {
		return fmt.Errorf("无法打开模型文件 %s", filepath.Base(*modelPath))
	}
	m, err := classify.Load(f)
	f.Close()
	if err != nil {
		return err
	}
	w := csv.NewWriter(e.stdout)
	w.Write([]string{"id", "label", "score"})
	bad, empty := 0, 0
	err = readColumns(*in, *textCols, *idCol, func(text string, other []string, refused bool) {
		if refused {
			bad++
			w.Write([]string{other[0], "", ""})
			return
		}
		if !hasContent(text) {
			empty++
			w.Write([]string{other[0], "", ""})
			return
		}
		p := m.Predict(text, 1)[0]
		w.Write([]string{other[0], pathLabel(p.Labels), strconv.FormatFloat(p.Score, 'f', 4, 64)})
	})
	w.Flush()
	if err != nil {
		return err
	}
	if bad > 0 {
		fmt.Fprintf(e.stderr, "%d 行无法读取，其分类留空\n", bad)
	}
	if empty > 0 {
		fmt.Fprintf(e.stderr, "%d 行文本为空，其分类留空\n", empty)
	}
	return w.Error()
}

// hasContent reports whether text has a letter, digit or ideograph: a model
// has nothing to say about a row without one.
func hasContent(s string) bool {
	for _, r := range s {
		if text.KindOf(text.Fold(r)) != text.Skip {
			return true
		}
	}
	return false
}

// pathLabel joins the levels of a predicted category with "/".
func pathLabel(l [3]string) string {
	s := l[0]
	for _, x := range l[1:] {
		if x == "" {
			break
		}
		s += "/" + x
	}
	return s
}

func classifyEval(e *env, args []string) error {
	fs := newFlagSet(e, "classify eval", "classify eval -in FILE -text COL[,COL...] -label COL[,COL2,COL3] -folds 5")
	in := fs.String("in", "", "带分类的数据文件（CSV/XLSX，首行为表头）")
	textCols := fs.String("text", "", "文本列，多个列用逗号分隔")
	labelCols := fs.String("label", "", "分类列：一级分类，可再跟二级、三级分类列")
	folds := fs.Int("folds", 5, "交叉验证折数")
	fast := fs.Bool("fast", false, "不校准概率（快约 4 倍；F1 不变，但 log-loss、ECE 无意义）")
	mf := addModelFlags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *in == "" || *textCols == "" || *labelCols == "" {
		fs.Usage()
		return errUsage
	}
	docs, skipped, err := labelledRows(*in, *textCols, *labelCols)
	if err != nil {
		return err
	}
	cfg, err := mf.config()
	if err != nil {
		return err
	}
	if *fast {
		cfg.CalibFolds = -1 // the ranking, and so the F1, does not depend on it
	}
	start := time.Now()
	r, err := classify.CrossValidate(docs, *folds, *mf.seed, cfg)
	if err != nil {
		return err
	}
	took := time.Since(start)
	fmt.Fprintf(e.stdout, "%d rows (%d skipped), %d-fold stratified cross-validation in %s\n",
		len(docs), skipped, *folds, took.Round(time.Millisecond))
	if err := r.WriteText(e.stdout); err != nil {
		return err
	}
	// Throughput: a model on all rows, then one goroutine predicting every
	// row once (featurising and explanation included).
	m, err := classify.Train(docs, cfg)
	if err != nil {
		return err
	}
	start = time.Now()
	for _, d := range docs {
		m.Predict(d.Text, 1)
	}
	el := time.Since(start)
	fmt.Fprintf(e.stdout, "throughput %.0f tickets/s on one goroutine\n", float64(len(docs))/el.Seconds())
	return nil
}
