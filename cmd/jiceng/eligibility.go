package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"jiceng/internal/casework"
	"jiceng/internal/core"
	"jiceng/internal/eligibility"
	"jiceng/internal/fieldset"
	"jiceng/internal/importer"
	"jiceng/internal/tabfile"
)

// Lists of "jiceng eligibility -list".
const (
	listService = "service"
	listPolicy  = "policy"
	listVisits  = "visits"
	listNear    = "near"
	listSummary = "summary"
)

// runEligibility implements "jiceng eligibility": the key-population
// service lists (重点人群精准服务) of a persons file.
func runEligibility(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "eligibility", "eligibility -in persons.csv [-rules FILE] [-asof 2026-12-01] [-workers grid_workers.csv] [-visits FILE] [-list service|policy|visits|near|summary] [-community X] [-grid X] [-worker X] [-warn 7] [-explain]\n       jiceng eligibility -default-rules > rules.csv")
	dsn := fs.String("db", "", "改为读本街道数据库中的人口记录（在册）和已登记的服务记录：SQLite 文件路径或 postgres:// URL；与 -in 二选一")
	in := fs.String("in", "", "人员文件（CSV/XLSX，首行为表头：人口字段集的字段名或中文名，如 身份证号、出生日期、重点人群、是否独居）")
	rulesFile := fs.String("rules", "", "本街道的规则文件（CSV：编号,名称,条件,服务类型,周期,责任人,政策依据,说明）；不给则用数据库中设置的精准服务规则（-db），否则默认规则")
	asof := fs.String("asof", "", "统计日（如 2026-12-01），年龄和走访到期按这一天计算；默认今天")
	workersFile := fs.String("workers", "", "可选：网格责任人表（CSV/XLSX：网格,责任人,工作人员；责任人为空表示该网格的全部岗位）；不给时 -db 用数据库中设置的网格员表")
	visitsFile := fs.String("visits", "", "可选：服务记录（CSV/XLSX：身份证号,规则编号,服务日期），用于计算下次到期和状态")
	list := fs.String("list", listService, "输出哪张清单：service 服务清单，policy 政策推送清单，visits 到期走访，near 差一项符合的人员及原因，summary 按社区、网格、工作人员和规则计数")
	community := fs.String("community", "", "可选：只列这个社区")
	grid := fs.String("grid", "", "可选：只列这个网格")
	worker := fs.String("worker", "", "可选：只列这位工作人员负责的（与 -workers 或 -db 一起用）")
	warn := fs.Int("warn", 7, "距到期不超过这么多天为“即将到期”")
	explain := fs.Bool("explain", false, "加一列“依据”：哪些事实符合了哪个条件")
	printDefault := fs.Bool("default-rules", false, "输出默认规则文件（可在此基础上修改）")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *printDefault {
		if *in != "" || fs.NArg() > 0 {
			fs.Usage()
			return errUsage
		}
		_, err := e.stdout.Write(eligibility.DefaultRulesCSV())
		return err
	}
	switch *list {
	case listService, listPolicy, listVisits, listNear, listSummary:
	default:
		fs.Usage()
		return errUsage
	}
	if (*in == "") == (*dsn == "") || fs.NArg() > 0 || *warn < 0 || *worker != "" && *workersFile == "" && *dsn == "" {
		fs.Usage()
		return errUsage
	}
	day := e.clock.Now().In(core.StreetTime)
	if *asof != "" {
		t, err := fieldset.ParseDateTimeIn(*asof, core.StreetTime)
		if err != nil {
			return fmt.Errorf("统计日「%s」无法识别，应如 2026-12-01", *asof)
		}
		day = t
	}
	// With -db and no -rules, the rules (and, without -workers, the grid
	// workers) are the database's settings, read by readStorePersons.
	l := &eligibility.Lister{AsOf: day, WarnDays: *warn}
	if *dsn == "" {
		l.Rules = eligibility.DefaultRules()
	}
	if *rulesFile != "" {
		rs, err := loadRulesFile(*rulesFile)
		if err != nil {
			return err
		}
		l.Rules = rs
	}
	if *workersFile != "" {
		recs, err := readRecords(*workersFile)
		if err != nil {
			return err
		}
		if l.Workers, err = eligibility.LoadWorkers(recs); err != nil {
			return err
		}
	}
	if *visitsFile != "" {
		recs, err := readRecords(*visitsFile)
		if err != nil {
			return err
		}
		if l.Visits, err = eligibility.LoadVisits(recs); err != nil {
			return err
		}
	}
	var entries []eligibility.Entry
	keep := func(es []eligibility.Entry) {
		for _, en := range es {
			if (*community == "" || en.Community == *community) && (*grid == "" || en.Grid == *grid) && (*worker == "" || en.Worker == *worker) {
				entries = append(entries, en)
			}
		}
	}
	person := func(p map[string]string) {
		if *list == listNear {
			keep(l.Near(p))
		} else {
			keep(l.Entries(p))
		}
	}
	var (
		persons, skipped int
		err              error
	)
	if *dsn != "" {
		persons, err = readStorePersons(ctx, e, *dsn, l, *visitsFile == "", person)
	} else {
		persons, skipped, err = readPersons(ctx, *in, person)
	}
	if err != nil {
		return err
	}
	if skipped > 0 {
		fmt.Fprintf(e.stderr, "%d 行无法读取，已跳过\n", skipped)
	}
	switch *list {
	case listPolicy:
		entries = eligibility.PolicyList(entries)
	case listVisits:
		entries = eligibility.DueVisits(entries)
	default:
		eligibility.SortServiceList(entries)
	}
	if l.Rules == nil { // -db read no person
		l.Rules = eligibility.DefaultRules()
	}
	fmt.Fprintf(e.stderr, "人员 %d 人，规则 %d 条，清单 %d 行（统计日 %s）\n", persons, len(l.Rules.List), len(entries), day.Format(time.DateOnly))
	if l.Workers != nil {
		unserved := map[string]int{}
		for _, en := range entries {
			if en.Worker == "" {
				unserved[en.Role]++
			}
		}
		for _, role := range slices.Sorted(maps.Keys(unserved)) {
			fmt.Fprintf(e.stderr, "责任人「%s」：%d 行在网格责任人表中没有对应的工作人员\n", cmp.Or(role, "（未填）"), unserved[role])
		}
	}
	if *list == listSummary {
		return writeSummary(e.stdout, eligibility.Summarize(entries))
	}
	return writeEligibility(e.stdout, *list, entries, *explain)
}

// readStorePersons calls person for every active person record of the
// database at dsn. With storedVisits the services recorded in the
// database (core.VisitStore) are the visits of l, by the person keys of
// the lists. Rules and Workers of l that are nil are the database's
// settings (精准服务规则 else the default rules; 网格员), as the page
// uses them.
func readStorePersons(ctx context.Context, e *env, dsn string, l *eligibility.Lister, storedVisits bool, person func(map[string]string)) (int, error) {
	if err := checkSQLiteExists(dsn); err != nil {
		return 0, err
	}
	st, err := openStore(ctx, dsn, e.clock)
	if err != nil {
		return 0, err
	}
	defer st.Close()
	svc := &casework.Service{Store: st, Clock: e.clock}
	if l.Rules == nil {
		rs, version, err := svc.ServiceRules(ctx)
		if err != nil {
			return 0, err
		}
		l.Rules = rs
		if version > 0 {
			fmt.Fprintf(e.stderr, "精准服务规则：数据库中设置的第 %d 版\n", version)
		}
	}
	if l.Workers == nil {
		gw, version, err := svc.GridWorkers(ctx)
		if err != nil {
			return 0, err
		}
		if l.Workers, err = gridWorkersOf(gw); err != nil {
			return 0, err
		}
		if version > 0 {
			fmt.Fprintf(e.stderr, "网格员：数据库中设置的第 %d 版（%d 个网格）\n", version, len(gw.Rows()))
		}
	}
	last := map[int64]map[string]time.Time{}
	if storedVisits {
		vs, err := st.Visits(ctx, core.VisitFilter{})
		if err != nil {
			return 0, err
		}
		for _, v := range vs {
			if last[v.PersonID] == nil {
				last[v.PersonID] = map[string]time.Time{}
			}
			if v.Date.After(last[v.PersonID][v.Rule]) {
				last[v.PersonID][v.Rule] = v.Date
			}
		}
		l.Visits = eligibility.Visits{}
	}
	n := 0
	err = st.ScanRecords(ctx, core.RecordFilter{Kind: fieldset.KindPerson, Status: core.RecordActive}, func(r core.Record) error {
		if rules := last[r.ID]; len(rules) > 0 {
			f := eligibility.FactsOf(r.Values, l.AsOf)
			if key := eligibility.PersonOf(r.Values, &f).Key; key != "" {
				for rule, d := range rules {
					if d.After(l.Visits[eligibility.VisitKey{Person: key, Rule: rule}]) {
						l.Visits[eligibility.VisitKey{Person: key, Rule: rule}] = d
					}
				}
			}
		}
		// A stored record holds no empty value; the file's columns are all
		// there: an absent field reads as an empty cell, as -in reads it.
		if r.Values == nil {
			r.Values = map[string]string{}
		}
		for _, fd := range eligibility.Fields() {
			if _, ok := r.Values[fd.Name]; !ok && fd.Name != "" {
				r.Values[fd.Name] = ""
			}
		}
		n++
		person(r.Values)
		return nil
	})
	return n, err
}

// writeSummary writes the counts of a service list as CSV.
func writeSummary(w io.Writer, counts []eligibility.Count) error {
	cw, err := tabfile.NewCSVWriter(w, tabfile.UTF8)
	if err != nil {
		return err
	}
	if err := cw.Write([]string{"社区", "网格", "责任人", "工作人员", "规则编号", "规则名称", "服务类型", "周期", "人数", "已逾期", "待首次服务", "即将到期"}); err != nil {
		return err
	}
	for _, c := range counts {
		row := []string{c.Community, c.Grid, c.Role, c.Worker, c.Rule.ID, c.Rule.Name, c.Rule.Service, c.Rule.Cycle.String(),
			strconv.Itoa(c.Persons), strconv.Itoa(c.Overdue), strconv.Itoa(c.First), strconv.Itoa(c.Near)}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	return cw.Close()
}

// loadRulesFile reads a rule file in UTF-8, GBK or GB18030.
func loadRulesFile(path string) (*eligibility.Rules, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, core.Errorf(core.EINVALID, "无法打开文件 %s", filepath.Base(path))
	}
	defer f.Close()
	text, err := tabfile.ReadSmall(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Base(path), err)
	}
	rs, err := eligibility.LoadRules(strings.NewReader(text))
	if err != nil {
		return nil, &core.Error{Code: core.EINVALID, Message: filepath.Base(path) + "：" + core.ErrorMessage(err), Err: err}
	}
	return rs, nil
}

// readPersons calls person for every readable data row of the persons
// file, as field-set names → values (the map is reused between calls). It
// returns the persons read and the rows refused by the reader.
func readPersons(ctx context.Context, path string, person func(map[string]string)) (n, skipped int, err error) {
	rr, _, err := importer.Open(path, importer.ReadOptions{})
	if err != nil {
		return 0, 0, err
	}
	defer rr.Close()
	head, err := rr.Read()
	if err != nil {
		return 0, 0, fmt.Errorf("%s: 没有表头", filepath.Base(path))
	}
	names := make([]string, len(head.Cells))
	known := 0
	for i, h := range head.Cells {
		if names[i] = eligibility.PersonField(h); names[i] != "" {
			known++
		}
	}
	if known == 0 {
		return 0, 0, fmt.Errorf("%s: 表头中没有人口字段（如 身份证号、出生日期、重点人群）", filepath.Base(path))
	}
	p := make(map[string]string, known)
	for {
		r, err := rr.Read()
		if errors.Is(err, io.EOF) {
			return n, skipped, nil
		}
		if err != nil {
			return n, skipped, fmt.Errorf("%s: %w", filepath.Base(path), err)
		}
		if r.Err != "" {
			skipped++
			continue
		}
		if n%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return n, skipped, err
			}
		}
		clear(p)
		for i, c := range r.Cells {
			if i < len(names) && names[i] != "" {
				p[names[i]] = c
			}
		}
		for _, name := range names {
			if _, ok := p[name]; !ok && name != "" {
				p[name] = ""
			}
		}
		n++
		person(p)
	}
}

// writeEligibility writes a list as CSV (UTF-8 with BOM, cells guarded
// against formulas).
func writeEligibility(w io.Writer, list string, entries []eligibility.Entry, explain bool) error {
	cw, err := tabfile.NewCSVWriter(w, tabfile.UTF8)
	if err != nil {
		return err
	}
	var head []string
	switch list {
	case listPolicy:
		head = []string{"社区", "网格", "责任人", "工作人员", "规则编号", "规则名称", "政策依据", "说明", "姓名", "年龄", "联系电话", "居住地址"}
	case listVisits:
		head = []string{"状态", "下次到期", "剩余", "社区", "网格", "责任人", "工作人员", "规则编号", "规则名称", "服务类型", "周期", "姓名", "年龄", "联系电话", "居住地址", "上次服务"}
	case listNear:
		head = []string{"社区", "网格", "责任人", "工作人员", "规则编号", "规则名称", "姓名", "年龄", "联系电话", "居住地址", "未满足"}
	default:
		head = []string{"社区", "网格", "责任人", "工作人员", "规则编号", "规则名称", "服务类型", "周期", "姓名", "年龄", "联系电话", "居住地址", "上次服务", "下次到期", "状态"}
	}
	if explain && list != listNear {
		head = append(head, "依据")
	}
	if err := cw.Write(head); err != nil {
		return err
	}
	date := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.Format(time.DateOnly)
	}
	for _, en := range entries {
		age := ""
		if en.Person.AgeKnown {
			age = strconv.Itoa(en.Person.Age)
		}
		p := en.Person
		var row []string
		switch list {
		case listPolicy:
			row = []string{en.Community, en.Grid, en.Role, en.Worker, en.Rule.ID, en.Rule.Name, en.Rule.Policy, en.Rule.Note, p.Name, age, p.Phone, p.Address}
		case listVisits:
			days := ""
			switch d := en.Visit.Days; {
			case en.Visit.Due.IsZero():
			case d < 0:
				days = "逾期 " + strconv.Itoa(-d) + " 天"
			case d == 0:
				days = "今天到期"
			default:
				days = "还有 " + strconv.Itoa(d) + " 天"
			}
			row = []string{en.Visit.State, date(en.Visit.Due), days, en.Community, en.Grid, en.Role, en.Worker, en.Rule.ID, en.Rule.Name, en.Rule.Service, en.Rule.Cycle.String(), p.Name, age, p.Phone, p.Address, date(en.Visit.Last)}
		case listNear:
			row = []string{en.Community, en.Grid, en.Role, en.Worker, en.Rule.ID, en.Rule.Name, p.Name, age, p.Phone, p.Address, strings.Join(en.Reasons, "；")}
		default:
			row = []string{en.Community, en.Grid, en.Role, en.Worker, en.Rule.ID, en.Rule.Name, en.Rule.Service, en.Rule.Cycle.String(), p.Name, age, p.Phone, p.Address, date(en.Visit.Last), date(en.Visit.Due), en.Visit.State}
		}
		if explain && list != listNear {
			row = append(row, strings.Join(en.Reasons, "；"))
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	return cw.Close()
}

// gridWorkersOf is the grid → worker table of the settings as the lists'
// workers: each grid's worker for every role; nil for no table.
func gridWorkersOf(gw *eligibility.GridWorkers) (*eligibility.Workers, error) {
	if len(gw.Rows()) == 0 {
		return nil, nil
	}
	recs := [][]string{{"社区", "网格", "工作人员"}}
	for _, w := range gw.Rows() {
		recs = append(recs, []string{w.Community, w.Grid, w.Name})
	}
	return eligibility.LoadWorkers(recs)
}
