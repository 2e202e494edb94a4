package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"jiceng/internal/account"
	"jiceng/internal/casework"
	"jiceng/internal/classify"
	"jiceng/internal/core"
	"jiceng/internal/demo"
	"jiceng/internal/fieldset"
	"jiceng/internal/sqlite"
	"jiceng/internal/understand"
	"jiceng/internal/workflow"
)

// demoTicketsEnv overrides the number of demo tickets (0 or unset: the
// realistic ~45,000 over two years). Tests and quick looks use a small one.
const demoTicketsEnv = "JICENG_DEMO_TICKETS"

// runDemo builds a fresh demo street in a SQLite file and serves it. The
// file is deleted and rebuilt on every run, so the demo always starts from
// the same state and always ends on today.
func runDemo(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "demo", "demo [-addr 127.0.0.1:8080] [-db FILE] [-seed N]")
	addr := fs.String("addr", defaultAddr, "监听地址；端口为 0 时自动选择空闲端口")
	path := fs.String("db", "jiceng-demo.db", "演示数据库文件（每次运行都会删除并重建）")
	seed := fs.Int64("seed", 1, "随机种子：同一种子生成同样的演示数据")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	tickets := 0
	if v := os.Getenv(demoTicketsEnv); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return fmt.Errorf("环境变量 %s 应为非负整数", demoTicketsEnv)
		}
		tickets = n
	}

	if err := removeDemoDB(*path); err != nil {
		return err
	}
	ln, err := listen(*addr)
	if err != nil {
		return err
	}
	defer ln.Close() // in case building fails; Serve closes it otherwise
	fmt.Fprintf(e.stdout, "正在生成演示数据库 %s（每次运行都会删除并重建）……\n", *path)
	db, err := sqlite.Open(ctx, *path, e.clock)
	if err != nil {
		return fmt.Errorf("创建演示数据库: %w", err)
	}
	defer db.Close()
	start := e.clock.Now()
	st, err := demo.Build(ctx, db, demo.Options{Seed: *seed, End: start, Tickets: tickets}, account.HashPassword)
	if err != nil {
		return fmt.Errorf("生成演示数据: %w", err)
	}
	if _, err := db.ReplaceDispatchRules(ctx, demo.DispatchCatalogue(st), core.CatalogueVersion{CreatedAt: start, CreatedBy: "demo", Source: "演示派单目录"}); err != nil {
		return fmt.Errorf("载入演示派单目录: %w", err)
	}
	_, total, err := db.Tickets(ctx, core.TicketFilter{Limit: 1})
	if err != nil {
		return fmt.Errorf("统计演示工单: %w", err)
	}
	e.log.Info("demo database built", "tickets", total, "took", e.clock.Now().Sub(start).Round(1e6))
	records, err := loadDemoRecords(ctx, e, db, *path, *seed, start)
	if err != nil {
		return err
	}
	if err := seedDemoSettings(ctx, e, db); err != nil {
		return err
	}
	// A first data-quality run, so that the 数据质量 page has a report.
	qv, err := (&casework.Service{Store: db, Clock: e.clock}).RunQuality(ctx, core.User{Username: "system", Name: "system", Role: core.RoleAdmin}, nil)
	if err != nil {
		return fmt.Errorf("演示数据质量检查: %w", err)
	}
	fmt.Fprintf(e.stdout, "数据质量: %d 项检查，%d 项需处理，得分 %.1f\n", qv.Checks, qv.Failed, qv.Score)
	if err := linkDemoRecords(ctx, e, db); err != nil {
		return err
	}
	u, err := demoUnderstander(ctx, e, db, st.Areas)
	if err != nil {
		return err
	}

	street := ""
	if len(st.Areas.Streets) > 0 {
		street = st.Areas.Streets[0].Name
	}
	fmt.Fprintf(e.stdout, "演示街道: %s，%d 件工单，%d 条基础数据记录\n\n演示账号（密码不保密，仅供本机演示）:\n", street, total, records)
	rows := [][]string{{"用户名", "密码", "角色", "姓名"}}
	for _, l := range st.Logins {
		rows = append(rows, []string{l.Username, l.Password, core.RoleLabels[l.Role], l.Name})
	}
	writeTable(e.stdout, rows)
	demoKeys(ctx, e, db)
	fmt.Fprintf(e.stdout, "\n演示地址: %s  （按 Ctrl+C 停止）\n", siteURL(ln.Addr(), false))
	d, err := startDispatch(ctx, e, db)
	if err != nil {
		return err
	}
	return serveStore(ctx, e, db, serveOptions{understand: u, dispatch: d, workflow: &workflow.Engine{}}, ln)
}

// demoTrainTickets is how many of the newest labelled demo tickets train
// the demo's category model: like a street that trains on its last months.
const demoTrainTickets = 10000

// demoUnderstander trains the demo street's category model on its own
// labelled history, as a real street would (jiceng classify train -db).
// With too little history it predicts with the rules alone.
func demoUnderstander(ctx context.Context, e *env, db core.Store, areas core.Areas) (*understand.Understander, error) {
	o := understand.Options{Areas: areas, Now: e.clock}
	t0 := e.clock.Now()
	docs, _, err := historyDocs(ctx, db, demoTrainTickets)
	if err != nil {
		return nil, err
	}
	m, err := classify.Train(docs, classify.Config{Seed: 1})
	if err != nil {
		e.log.Warn("demo category model not trained", "tickets", len(docs), "err", err)
	} else {
		o.Model, o.ModelName = m, "demo"
		fmt.Fprintf(e.stdout, "分类模型: 用最近 %d 件已分类工单训练，用时 %s（智能研判在后台进行）\n", len(docs), since(e, t0).Round(time.Millisecond))
	}
	return understand.New(o), nil
}

// sqliteMagic starts every SQLite database file.
var sqliteMagic = []byte("SQLite format 3\x00")

// removeDemoDB deletes a previous demo database and its WAL files. It
// refuses a file that is not a SQLite database, so that a mistyped -db
// cannot destroy a document.
func removeDemoDB(path string) error {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("演示数据库 %s: %w", path, err)
	}
	head := make([]byte, len(sqliteMagic))
	n, _ := io.ReadFull(f, head)
	f.Close()
	if n > 0 && !bytes.Equal(head[:n], sqliteMagic[:n]) || n > 0 && n < len(sqliteMagic) {
		return core.Errorf(core.EINVALID, "文件 %s 不是 SQLite 数据库，为安全起见不删除它；请用 -db 指定另一个文件", path)
	}
	for _, p := range []string{path, path + "-wal", path + "-shm", path + "-journal"} {
		if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("删除旧的演示数据库: %w", err)
		}
	}
	return nil
}

// loadDemoRecords loads the demo street's base registries (人口, 房屋, 企业,
// 组织) from its departments' spreadsheets (demo.RecordFiles), which are
// written to DB.records next to the database for a look at what the
// departments send; it returns the number of records.
func loadDemoRecords(ctx context.Context, e *env, db core.RecordStore, path string, seed int64, end time.Time) (int, error) {
	t0 := e.clock.Now()
	dir := path + ".records"
	if err := clearDemoRecordDir(dir); err != nil {
		return 0, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return 0, fmt.Errorf("演示基础数据目录: %w", err)
	}
	if _, err := demo.LoadRecords(ctx, db, dir, demo.RecordsOptions{Seed: seed, End: end}); err != nil {
		return 0, fmt.Errorf("载入演示基础数据: %w", err)
	}
	n, err := db.CountRecords(ctx, core.RecordFilter{})
	if err != nil {
		return 0, err
	}
	fmt.Fprintf(e.stdout, "基础数据: 6 个部门报表各导入两次，共 %d 条记录，用时 %s（报表在 %s）\n", n, since(e, t0).Round(time.Millisecond), dir)
	return n, nil
}

// clearDemoRecordDir removes the files of an earlier demo's record
// directory: only spreadsheets and rejects files, and the directory when
// that leaves it empty, so that a mistyped -db cannot destroy a folder.
func clearDemoRecordDir(dir string) error {
	ents, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("演示基础数据目录 %s: %w", dir, err)
	}
	for _, en := range ents {
		name := en.Name()
		if en.IsDir() || !(strings.HasSuffix(name, ".csv") || strings.HasSuffix(name, ".xlsx") || strings.HasSuffix(name, ".tmp")) {
			return core.Errorf(core.EINVALID, "目录 %s 中有不是演示报表的文件 %s，为安全起见不删除；请用 -db 指定另一个文件", dir, name)
		}
	}
	for _, en := range ents {
		if err := os.Remove(filepath.Join(dir, en.Name())); err != nil {
			return fmt.Errorf("删除旧的演示报表: %w", err)
		}
	}
	return nil
}

// linkDemoRecords runs the record linkage of each kind that has a model
// (as "records link" does), so that 一人一档 and its review queue have
// content at start.
func linkDemoRecords(ctx context.Context, e *env, db core.Store) error {
	svc := &casework.Service{Store: db, Clock: e.clock}
	for _, kind := range []string{fieldset.KindPerson, fieldset.KindHouse, fieldset.KindEnterprise} {
		run, err := svc.LinkRecords(ctx, core.User{Username: "system", Name: "system", Role: core.RoleAdmin}, kind)
		if err != nil {
			return fmt.Errorf("演示一人一档链接（%s）: %w", kind, err)
		}
		fmt.Fprintf(e.stdout, "一人一档 %s: 记录 %d，%d 组，待核对 %d 对\n", kind, run.Records, run.Clusters, run.Review)
	}
	return nil
}
