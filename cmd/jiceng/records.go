package main

import (
	"context"
	"fmt"
	"io"
	"jiceng/internal/casework"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"jiceng/internal/core"
	"jiceng/internal/deid"
	"jiceng/internal/fieldset"
	"jiceng/internal/importer"
)

// recordsCommands are the subcommands of "jiceng records".
var recordsCommands = map[string]struct {
	summary string
	run     func(ctx context.Context, e *env, args []string) error
}{
	"import":  {"导入一个来源（部门）的基础数据表（CSV/XLSX），每行保存或写入拒绝文件并注明原因", runRecordsImport},
	"list":    {"列出基础数据记录（按脱敏字典为 -role 角色脱敏，默认 staff）", runRecordsList},
	"sources": {"列出各类别的数据来源：记录数、有问题的记录数、最近两次导入", runRecordsSources},
	"link":    {"一人一档：链接一个类别的记录（跨来源识别同一人），保存聚类与待核对记录对", runRecordsLink},
}

// runRecords implements "jiceng records": the base-data registries (人口,
// 房屋, 企业, 组织) from the command line.
func runRecords(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		recordsUsage(e.stderr)
		if len(args) == 0 {
			return errUsage
		}
		return nil
	}
	c, ok := recordsCommands[args[0]]
	if !ok {
		fmt.Fprintf(e.stderr, "jiceng records: 未知子命令 %q\n\n", args[0])
		recordsUsage(e.stderr)
		return errUsage
	}
	return c.run(ctx, e, args[1:])
}

func recordsUsage(w io.Writer) {
	fmt.Fprintln(w, "用法: jiceng records 子命令 [-db DSN] [参数]")
	fmt.Fprintln(w, "\n子命令:")
	names := make([]string, 0, len(recordsCommands))
	for n := range recordsCommands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-8s %s\n", n, recordsCommands[n].summary)
	}
	fmt.Fprintf(w, "\n类别 -kind: %s\n", kindList())
}

func kindList() string {
	var ks []string
	for _, k := range fieldset.RecordKinds {
		ks = append(ks, k+"（"+fieldset.KindLabel[k]+"）")
	}
	return strings.Join(ks, "、")
}

// recordSet returns the field set of kind, from file when given.
func recordSet(kind, file string) (*fieldset.Set, error) {
	set := fieldset.Records(kind)
	if set == nil {
		return nil, core.Errorf(core.EINVALID, "-kind 应为 %s", kindList())
	}
	if file == "" {
		return set, nil
	}
	f, err := os.Open(file)
	if err != nil {
		return nil, fmt.Errorf("无法打开字段集文件 %s", filepath.Base(file))
	}
	defer f.Close()
	set, err = fieldset.Load(f)
	if err != nil {
		return nil, fmt.Errorf("字段集文件 %s: %w", filepath.Base(file), err)
	}
	return set, nil
}

// maskRecordValue returns a value of field of a record of kind as role
// may see it: by casework.MaskRecord, the one masking of registry records
// that the pages and the API use too.
func maskRecordValue(d *deid.Dictionary, kind, role, field, v string) string {
	if v == "" {
		return v
	}
	return casework.MaskRecord(d, role, core.Record{Kind: kind, Values: map[string]string{field: v}}).Values[field]
}

// runRecordsImport implements "jiceng records import".
func runRecordsImport(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "records import", "records import [-db DSN] -kind KIND -source 来源 [-mapping FILE] [-fields FILE] [-sheet NAME] FILE...")
	dsn := fs.String("db", defaultDSN(), "数据库：SQLite 文件路径或 postgres:// URL")
	kind := fs.String("kind", "", "基础数据类别："+kindList())
	source := fs.String("source", "", "数据来源（部门或报表名称，如 民政科）；同一来源再次导入时按记录键更新")
	mappingFile := fs.String("mapping", "", "列映射文件（CSV：列名,字段），用于字段集不认识的列名")
	fieldsFile := fs.String("fields", "", "字段集声明文件；默认用该类别的内置字段集")
	sheet := fs.String("sheet", "", "XLSX 工作表名称；默认第一个工作表")
	batch := fs.Int("batch", importer.DefaultBatch, "每个事务保存的记录数")
	dictionaryFile := addDictionaryFlag(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	files := fs.Args()
	if len(files) == 0 || *kind == "" || *source == "" {
		fmt.Fprintln(e.stderr, "jiceng records import: 请指定 -kind、-source 和要导入的文件")
		fs.Usage()
		return errUsage
	}
	set, err := recordSet(*kind, *fieldsFile)
	if err != nil {
		return err
	}
	mapping, err := loadMappingFile(*mappingFile, set)
	if err != nil {
		return err
	}
	policy, err := loadDictionary(*dictionaryFile)
	if err != nil {
		return err
	}
	if err := checkRole(policy, storeRole); err != nil {
		return err
	}
	st, err := openStore(ctx, *dsn, e.clock)
	if err != nil {
		return err
	}
	defer st.Close()
	started := e.clock.Now()
	sum, err := importer.ImportRecords(ctx, st, files, importer.RecordOptions{
		Kind: *kind, Source: *source, Fields: set, Mapping: mapping, Sheet: *sheet, BatchSize: *batch, Now: e.clock.Now, Log: e.log,
		Clean: func(u *core.RecordUpsert) {
			for f, v := range u.Values {
				if m := maskRecordValue(policy, *kind, storeRole, f, v); m != v {
					if m == "" {
						delete(u.Values, f)
					} else {
						u.Values[f] = m
					}
				}
			}
		},
	})
	for _, f := range sum.Files {
		if len(f.Unmapped) > 0 {
			fmt.Fprintf(e.stderr, "%s: 以下列不对应%s字段，未导入（可用 -mapping 指定）: %s\n", f.File, fieldset.KindLabel[*kind], strings.Join(f.Unmapped, "、"))
		}
		if len(f.Repeated) > 0 {
			fmt.Fprintf(e.stderr, "%s: 以下列与前面的列对应同一字段，未导入: %s\n", f.File, strings.Join(f.Repeated, "、"))
		}
		if f.RejectsFile != "" {
			fmt.Fprintf(e.stdout, "%s: 拒绝 %d 行，原因见 %s\n", f.File, f.Rejected, f.RejectsFile)
		}
	}
	fmt.Fprintf(e.stdout, "%s %s: 新增 %d，更新 %d，未变 %d，拒绝 %d（其中重复 %d）；含校验标记（值有问题、已保留）的记录 %d\n",
		fieldset.KindLabel[*kind], *source, sum.Created, sum.Updated, sum.Unchanged, sum.Rejected, sum.Duplicates, sum.Flagged)
	if sum.FixKept > 0 {
		fmt.Fprintf(e.stdout, "保留人工更正 %d 条：导入文件中的值与数据管理员的更正不同，未覆盖更正\n", sum.FixKept)
	}
	if sum.Retired > 0 {
		fmt.Fprintf(e.stdout, "已注销的记录 %d 条出现在本次导入中，仍为注销状态\n", sum.Retired)
	}
	fmt.Fprintf(e.stderr, "用时 %s%s\n", since(e, started).Round(time.Millisecond), rate(sum.Rows, since(e, started)))
	return err
}

// storeRole is the dictionary role of what is stored (see policy.csv).
const storeRole = "store"

// listColumns are the fields "records list" shows, per kind.
var listColumns = map[string][]string{
	fieldset.KindPerson:       {"name", "id_number", "phone", "gender", "birth_date", "address", "community", "grid", "marks"},
	fieldset.KindHouse:        {"address", "owner_name", "owner_phone", "use", "rented", "community", "grid"},
	fieldset.KindEnterprise:   {"name", "uscc", "legal_person", "phone", "address", "industry", "status", "community"},
	fieldset.KindOrganisation: {"name", "kind", "uscc", "leader", "phone", "address", "status", "community"},
}

// runRecordsList implements "jiceng records list".
func runRecordsList(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "records list", "records list [-db DSN] -kind KIND [-source 来源] [-community 社区] [-grid 网格] [-q 文字] [-flagged] [-retired] [-limit N] [-offset N] [-role ROLE]")
	dsn := fs.String("db", defaultDSN(), "数据库：SQLite 文件路径或 postgres:// URL")
	kind := fs.String("kind", "", "基础数据类别："+kindList())
	var f core.RecordFilter
	fs.StringVar(&f.Source, "source", "", "数据来源")
	fs.StringVar(&f.Community, "community", "", "社区")
	fs.StringVar(&f.Grid, "grid", "", "网格")
	fs.StringVar(&f.Query, "q", "", "名称或地址中的文字")
	fs.BoolVar(&f.Flagged, "flagged", false, "只列出有问题（校验标记）的记录")
	retired := fs.Bool("retired", false, "列出已注销的记录（默认只列在册记录）")
	fs.IntVar(&f.Limit, "limit", core.DefaultLimit, fmt.Sprintf("最多列出的条数（不超过 %d）", core.MaxLimit))
	fs.IntVar(&f.Offset, "offset", 0, "跳过前面的条数")
	role := fs.String("role", "staff", "脱敏字典中的角色：按该角色能看到的样子输出")
	fieldsFile := fs.String("fields", "", "字段集声明文件；默认用该类别的内置字段集")
	dictionaryFile := addDictionaryFlag(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(e.stderr, "jiceng records list: 多余的参数 %q\n", fs.Arg(0))
		fs.Usage()
		return errUsage
	}
	set, err := recordSet(*kind, *fieldsFile)
	if err != nil {
		return err
	}
	f.Kind = *kind
	f.Status = core.RecordActive
	if *retired {
		f.Status = core.RecordRetired
	}
	policy, err := loadDictionary(*dictionaryFile)
	if err != nil {
		return err
	}
	if err := checkRole(policy, *role); err != nil {
		return err
	}
	st, err := openStore(ctx, *dsn, e.clock)
	if err != nil {
		return err
	}
	defer st.Close()
	recs, total, err := st.Records(ctx, f)
	if err != nil {
		return err
	}
	cols := listColumns[*kind]
	tw := tabwriter.NewWriter(e.stdout, 2, 4, 2, ' ', 0)
	head := []string{"ID", "来源"}
	for _, c := range cols {
		if fd := set.Field(c); fd != nil {
			head = append(head, fd.Label)
		}
	}
	fmt.Fprintln(tw, strings.Join(append(head, "问题"), "\t"))
	for _, r := range recs {
		cells := []string{fmt.Sprint(r.ID), r.Source}
		for _, c := range cols {
			if set.Field(c) == nil {
				continue
			}
			v := maskRecordValue(policy, r.Kind, *role, c, r.Values[c])
			cells = append(cells, cell(v))
		}
		var probs []string
		for _, fd := range set.Fields {
			if why, ok := r.Flags[fd.Name]; ok {
				probs = append(probs, fd.Label+"："+why)
			}
		}
		cells = append(cells, cell(strings.Join(probs, "；")))
		fmt.Fprintln(tw, strings.Join(cells, "\t"))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "共 %d 条，显示第 %d–%d 条（角色 %s）\n", total, min(f.Offset+1, total), f.Offset+len(recs), *role)
	return nil
}

// cell is a value for one tab-separated cell: no tabs or line breaks, "-"
// for none.
func cell(v string) string {
	if v == "" {
		return "-"
	}
	return strings.NewReplacer("\t", " ", "\n", " ", "\r", " ").Replace(v)
}

// runRecordsSources implements "jiceng records sources".
func runRecordsSources(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "records sources", "records sources [-db DSN] [-kind KIND]")
	dsn := fs.String("db", defaultDSN(), "数据库：SQLite 文件路径或 postgres:// URL")
	kind := fs.String("kind", "", "基础数据类别（默认全部）："+kindList())
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *kind != "" && fieldset.Records(*kind) == nil {
		return core.Errorf(core.EINVALID, "-kind 应为 %s", kindList())
	}
	st, err := openStore(ctx, *dsn, e.clock)
	if err != nil {
		return err
	}
	defer st.Close()
	srcs, err := st.RecordSources(ctx, *kind)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "类别\t来源\t在册\t已注销\t有问题\t最近导入\t行数\t上次行数")
	for _, s := range srcs {
		last, prev := "-", "-"
		if s.Last.ID != 0 {
			last = s.Last.At.In(core.StreetTime).Format("2006-01-02 15:04")
		}
		if s.Previous.ID != 0 {
			prev = fmt.Sprint(s.Previous.Rows)
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%s\t%d\t%s\n", fieldset.KindLabel[s.Kind], s.Source, s.Active, s.Retired, s.Flagged, last, s.Last.Rows, prev)
	}
	return tw.Flush()
}
