package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"
	_ "time/tzdata" // -tz and mapping zones on a machine without a zone database

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
	fs := newFlagSet(e, "import", "import [-db DSN] [-mapping FILE] [-tz ZONE] [-fields FILE] [-sheet NAME] [-model FILE] [-dictionary FILE] FILE...")
	dsn := fs.String("db", defaultDSN(), "数据库：SQLite 文件路径或 postgres:// URL")
	mappingFile := fs.String("mapping", "", "列映射文件（CSV：列名,字段[,格式[,时区]]），用于字段集不认识的列名、一列对应多个字段、声明日期格式与时区")
	tz := fs.String("tz", os.Getenv(tzEnv), "不带时区的日期时间按此时区读取（如 Asia/Shanghai、America/New_York、+08:00；默认 $"+tzEnv+"，再默认北京时间 UTC+8）")
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
	zone, err := fieldset.LoadZone(*tz)
	if err != nil {
		return fmt.Errorf("-tz: %w", err)
	}
	mapping, err := loadMappingFile(*mappingFile, set)
	if err != nil {
		return err
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
			Fields: set, Mapping: mapping, Zone: zone, Sheet: *sheet, BatchSize: *batch, Log: e.log, Clean: storeCleaner(policy, set),
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
			writeMappingHelp(e.stderr, file, *mappingFile, sum)
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
	if len(sum.Unmapped) > 0 && len(sum.Missing) == 0 {
		fmt.Fprintf(e.stderr, "%s: 以下列不对应任何字段，已作为附加信息保存: %s\n", base, listSome(sum.Unmapped, 30))
	}
	if len(sum.Repeated) > 0 && len(sum.Missing) == 0 {
		fmt.Fprintf(e.stderr, "%s: 以下列与前面的列对应同一字段，已作为附加信息保存: %s\n", base, listSome(sum.Repeated, 30))
	}
	if sum.HeaderRepeats > 0 {
		fmt.Fprintf(e.stderr, "%s: 跳过与表头相同的行 %d 行\n", base, sum.HeaderRepeats)
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

// tzEnv names the zone of naive datetimes when -tz is not given.
const tzEnv = "JICENG_TZ"

// writeMappingHelp follows the error of a file refused because required
// fields found no column: it lists the file's columns and shows the
// mapping lines that would fix it, with the best guess of each column.
// mappingFile is the -mapping given, if any: the lines are then appended
// to it.
func writeMappingHelp(w io.Writer, file, mappingFile string, sum importer.Summary) {
	if len(sum.Guesses) == 0 {
		return
	}
	base := filepath.Base(file)
	switch {
	case len(sum.Columns) > 0 && sum.HeaderRow > 0:
		fmt.Fprintf(w, "%s: 文件的列（第 %d 行）: %s\n", base, sum.HeaderRow, listSome(sum.Columns, 60))
	case len(sum.Columns) > 0:
		fmt.Fprintf(w, "%s: 文件的列: %s\n", base, listSome(sum.Columns, 60))
	}
	var lines strings.Builder
	unknown := false
	for _, g := range sum.Guesses {
		col := g.Column
		if col == "" {
			col, unknown = "列名", true
		}
		lines.WriteString(mappingLine(col, g.Field))
	}
	target, redirect := "map.csv", ">"
	if mappingFile != "" {
		target, redirect = mappingFile, ">>"
	}
	fmt.Fprintf(w, "%s: 指定必填字段所在的列后重新导入（列是推测的，请核对", base)
	if unknown {
		fmt.Fprint(w, "；把“列名”换成实际的列名")
	}
	fmt.Fprint(w, "）:\n")
	fmt.Fprintf(w, "  printf %s %s %s; jiceng import -mapping %s %s\n",
		shellQuote(printfEscape(lines.String())), redirect, shellQuote(target), shellQuote(target), shellQuote(file))
	fmt.Fprintf(w, "%s: 映射文件每行 列名,字段[,格式[,时区]]，字段可写名称或中文名: %s\n", base, guessFields(sum.Guesses))
}

// mappingLine is one line of a mapping file, the column quoted as CSV
// needs (a line break in a header folds away, as it does in matching).
func mappingLine(col, field string) string {
	col = strings.NewReplacer("\r", "", "\n", "").Replace(col)
	if strings.ContainsAny(col, ",\"") || strings.HasPrefix(col, "#") || strings.HasPrefix(col, " ") {
		col = `"` + strings.ReplaceAll(col, `"`, `""`) + `"`
	}
	return col + "," + field + "\n"
}

func guessFields(gs []importer.Guess) string {
	var parts []string
	for _, g := range gs {
		parts = append(parts, g.Field+"（"+g.Label+"）")
	}
	return strings.Join(parts, "、")
}

// printfEscape writes s as the format of printf(1): % and \ stand for
// themselves, a line break is \n.
func printfEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, "%", "%%", "\n", `\n`).Replace(s)
}

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	safe := s != ""
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./=:@+", r) || r > 0x7f) {
			safe = false
			break
		}
	}
	if safe {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
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

// loadMappingFile reads a column mapping file (-mapping) for set; "" is no
// mapping.
func loadMappingFile(path string, set *fieldset.Set) (importer.Mapping, error) {
	if path == "" {
		return nil, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("无法打开映射文件 %s", filepath.Base(path))
	}
	defer f.Close()
	return importer.LoadMapping(f, set)
}
