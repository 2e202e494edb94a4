package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"jiceng/internal/casework"
	"jiceng/internal/core"
	"jiceng/internal/fieldset"
	"jiceng/internal/importer"
)

// runImport implements "jiceng import": it stores the tickets of CSV and
// XLSX files, writing the rows it cannot store to FILE.rejects.csv, and
// prints "imported N, updated M, rejected K" on stdout.
func runImport(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "import", "import [-db DSN] [-mapping FILE] [-fields FILE] [-sheet NAME] [-model FILE] [-dictionary FILE] FILE...")
	dsn := fs.String("db", defaultDSN(), "数据库：SQLite 文件路径或 postgres:// URL")
	mappingFile := fs.String("mapping", "", "列映射文件（CSV：列名,字段），用于字段集不认识的列名")
	fieldsFile := fs.String("fields", "", "字段集声明文件（CSV，格式同内置 tickets.csv）；默认用内置标准字段集")
	sheet := fs.String("sheet", "", "XLSX 工作表名称；默认第一个工作表")
	batch := fs.Int("batch", importer.DefaultBatch, "每个事务保存的工单数")
	every := fs.Duration("progress", 2*time.Second, "非终端时输出进度行的间隔（0 表示每批一行）")
	modelPath := addModelPathFlag(fs)
	dictionaryFile := addDictionaryFlag(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	files := fs.Args()
	if len(files) == 0 {
		fmt.Fprintln(e.stderr, "jiceng import: 请指定要导入的文件")
		fs.Usage()
		return errUsage
	}
	set, err := loadFields(*fieldsFile)
	if err != nil {
		return err
	}
	var mapping importer.Mapping
	if *mappingFile != "" {
		f, err := os.Open(*mappingFile)
		if err != nil {
			return fmt.Errorf("无法打开映射文件 %s", filepath.Base(*mappingFile))
		}
		mapping, err = importer.LoadMapping(f, set)
		f.Close()
		if err != nil {
			return err
		}
	}
	// The policy's store role decides what is stored in clear.
	policy, err := loadDictionary(*dictionaryFile)
	if err != nil {
		return err
	}
	if err := checkRole(policy, casework.StoreRole); err != nil {
		return err
	}
	st, err := openStore(ctx, *dsn, e.clock)
	if err != nil {
		return err
	}
	defer st.Close()

	// The model is loaded before the import, so that a bad file is found
	// before the work, not after it.
	u, err := newUnderstander(ctx, st, *modelPath, e.clock)
	if err != nil {
		return err
	}
	started := e.clock.Now()
	var total importer.Summary
	var firstErr error
	for _, file := range files {
		sum, err := importFile(ctx, e, st, file, importer.Options{
			Fields: set, Mapping: mapping, Sheet: *sheet, BatchSize: *batch, Log: e.log, Clean: storeCleaner(policy, set),
		}, *every)
		total.Created += sum.Created
		total.Updated += sum.Updated
		total.Unchanged += sum.Unchanged
		total.Rejected += sum.Rejected
		if err != nil {
			if msg := userMessage(err); strings.HasPrefix(msg, filepath.Base(file)) {
				fmt.Fprintln(e.stderr, msg) // the importer named the file already
			} else {
				fmt.Fprintf(e.stderr, "%s: %s\n", filepath.Base(file), msg)
			}
			if firstErr == nil {
				firstErr = err
			}
		}
	}
	stored := total.Created + total.Updated + total.Unchanged
	fmt.Fprintf(e.stderr, "导入阶段用时 %s%s\n", since(e, started).Round(time.Millisecond), rate(stored, since(e, started)))
	// The keyword index is built behind the rows (see core.SearchIndexer):
	// a run killed here leaves correct rows, and the next run or the
	// server finishes the index.
	if ix, ok := st.(core.SearchIndexer); ok && ctx.Err() == nil {
		t0 := e.clock.Now()
		n, err := ix.IndexSearch(ctx)
		if err != nil {
			return err
		}
		if n > 0 {
			fmt.Fprintf(e.stderr, "关键词检索索引: 新增 %d 条，用时 %s%s\n", n, since(e, t0).Round(time.Millisecond), rate(n, since(e, t0)))
		}
	}
	// Predictions, like the index, come behind the rows: human labels are
	// stored as imported, and a run killed here is finished by the next
	// import or by the server.
	if ctx.Err() == nil {
		if err := fillPredictions(ctx, e, st, u); err != nil {
			return err
		}
	}
	fmt.Fprintf(e.stdout, "imported %d, updated %d, rejected %d\n", total.Created, total.Updated, total.Rejected)
	if firstErr != nil {
		return core.Errorf(core.EINVALID, "导入未全部完成，见上方信息")
	}
	return nil
}

// importFile imports one file, showing progress on stderr: a progress bar
// on a terminal, plain lines otherwise.
func importFile(ctx context.Context, e *env, st core.TicketStore, file string, opt importer.Options, every time.Duration) (importer.Summary, error) {
	base := filepath.Base(file)
	var bar *progressbar.ProgressBar
	var read int64
	var stop chan struct{}
	if f, ok := e.stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		size := int64(-1)
		if fi, err := os.Stat(file); err == nil && !strings.HasSuffix(strings.ToLower(file), ".xlsx") {
			size = fi.Size()
		}
		bar = progressbar.NewOptions64(size,
			progressbar.OptionSetWriter(e.stderr),
			progressbar.OptionSetDescription("导入 "+base),
			progressbar.OptionShowBytes(true),
			progressbar.OptionThrottle(200*time.Millisecond),
			progressbar.OptionClearOnFinish())
		opt.Counter = &read
		stop = make(chan struct{})
		go func() {
			t := time.NewTicker(200 * time.Millisecond)
			defer t.Stop()
			for {
				select {
				case <-stop:
					return
				case <-t.C:
					bar.Set64(atomic.LoadInt64(&read))
				}
			}
		}()
	} else {
		last := e.clock.Now()
		opt.Progress = func(p importer.Progress) {
			if now := e.clock.Now(); every <= 0 || now.Sub(last) >= every {
				last = now
				fmt.Fprintf(e.stderr, "%s: 已处理 %d 行，已保存 %d 条，拒绝 %d 行\n", base, p.Rows, p.Stored, p.Rejected)
			}
		}
	}
	sum, err := importer.Import(ctx, st, file, opt)
	if bar != nil {
		close(stop)
		bar.Finish()
	}
	if sum.TitleRows > 0 {
		fmt.Fprintf(e.stderr, "%s: 表头在第 %d 行，跳过其上方 %d 行标题\n", base, sum.HeaderRow, sum.TitleRows)
	}
	if len(sum.Unmapped) > 0 {
		fmt.Fprintf(e.stderr, "%s: 以下列不对应任何字段，已作为附加信息保存: %s\n", base, listSome(sum.Unmapped, 30))
	}
	if len(sum.Repeated) > 0 {
		fmt.Fprintf(e.stderr, "%s: 以下列与前面的列对应同一字段，已作为附加信息保存: %s\n", base, listSome(sum.Repeated, 30))
	}
	if len(sum.Missing) > 0 {
		fmt.Fprintf(e.stderr, "%s: 缺少必填列 %s，相关行均被拒绝\n", base, strings.Join(sum.Missing, "、"))
	}
	if sum.BlankRows > 0 {
		fmt.Fprintf(e.stderr, "%s: 跳过空行 %d 行\n", base, sum.BlankRows)
	}
	if sum.Unchanged > 0 {
		fmt.Fprintf(e.stderr, "%s: 未变化 %d 条\n", base, sum.Unchanged)
	}
	if sum.RejectsFile != "" {
		fmt.Fprintf(e.stderr, "%s: 拒绝 %d 行，原因见 %s（含个人信息，仅本账户可读，用完请删除）\n", base, sum.Rejected, sum.RejectsFile)
	}
	e.log.Debug("import done", "file", base, "created", sum.Created, "updated", sum.Updated,
		"unchanged", sum.Unchanged, "rejected", sum.Rejected, "hash_bytes", sum.HashBytes)
	return sum, err
}

// listSome joins the first n of names with 、, and says how many more.
func listSome(names []string, n int) string {
	if len(names) <= n {
		return strings.Join(names, "、")
	}
	return fmt.Sprintf("%s 等 %d 列", strings.Join(names[:n], "、"), len(names))
}

func since(e *env, t time.Time) time.Duration { return e.clock.Now().Sub(t) }

// rate is "（N 条/秒）" for runs long enough for the figure to mean something.
func rate(n int, d time.Duration) string {
	if d < time.Second {
		return ""
	}
	return fmt.Sprintf("（%.0f 条/秒）", float64(n)/d.Seconds())
}

// loadFields returns the field set declared in file, or the standard one
// for "".
func loadFields(file string) (*fieldset.Set, error) {
	if file == "" {
		return fieldset.Tickets(), nil
	}
	f, err := os.Open(file)
	if err != nil {
		return nil, fmt.Errorf("无法打开字段集文件 %s", filepath.Base(file))
	}
	defer f.Close()
	set, err := fieldset.Load(f)
	if err != nil {
		return nil, fmt.Errorf("字段集文件 %s: %w", filepath.Base(file), err)
	}
	return set, nil
}
