package importer_test

import (
	"context"
	"encoding/csv"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"jiceng/internal/core"
	"jiceng/internal/dbutil"
	"jiceng/internal/importer"
)

// memRecords is a RecordUpserter in memory with the stores' merge rules
// (dbutil.ApplyUpsert); failAfter > 0 fails the batch after that many.
type memRecords struct {
	recs      map[[3]string]*core.Record
	loads     []core.RecordLoad
	batches   int
	failAfter int
	nextID    int64
}

func newMem() *memRecords { return &memRecords{recs: map[[3]string]*core.Record{}} }

func (m *memRecords) UpsertRecords(_ context.Context, recs []core.RecordUpsert, actor string, at time.Time) ([]core.RecordUpsertResult, error) {
	if m.failAfter > 0 && m.batches >= m.failAfter {
		return nil, errors.New("disk full")
	}
	m.batches++
	out := make([]core.RecordUpsertResult, len(recs))
	for i, u := range recs {
		if err := core.CheckRecordUpsert(u); err != nil {
			return nil, err
		}
		k := [3]string{u.Kind, u.Source, u.Key}
		next, _, res := dbutil.ApplyUpsert(m.recs[k], u, actor, at)
		if next.ID == 0 {
			m.nextID++
			next.ID, res.ID = m.nextID, m.nextID
		}
		m.recs[k] = &next
		out[i] = res
	}
	return out, nil
}

func (m *memRecords) AddRecordLoad(_ context.Context, l core.RecordLoad) (int64, error) {
	m.loads = append(m.loads, l)
	return int64(len(m.loads)), nil
}

func (m *memRecords) byKey(kind, source, key string) *core.Record {
	return m.recs[[3]string{kind, source, key}]
}

func copyTestdata(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func readRejects(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cr := csv.NewReader(f)
	cr.FieldsPerRecord = -1
	rows, err := cr.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

var personsOpt = importer.RecordOptions{Kind: "person", Source: "民政科", BatchSize: 2,
	Now: func() time.Time { return time.Date(2025, 3, 10, 9, 0, 0, 0, core.StreetTime) }}

func TestImportRecordsPersons(t *testing.T) {
	p := copyTestdata(t, "records_persons.csv")
	st := newMem()
	sum, err := importer.ImportRecords(context.Background(), st, []string{p}, personsOpt)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Rows != 7 || sum.Created != 4 || sum.Rejected != 3 || sum.Duplicates != 1 || sum.Flagged != 2 || sum.LoadID != 1 {
		t.Fatalf("summary %+v", sum)
	}
	fs := sum.Files[0]
	if fs.HeaderRow != 2 || fs.TitleRows != 1 || fs.BlankRows != 1 || !reflect.DeepEqual(fs.Unmapped, []string{"籍贯"}) || fs.Format != "csv" ||
		fs.RejectsFile != importer.RejectsPath(p) {
		t.Errorf("file summary %+v", fs)
	}

	zhang := st.byKey("person", "民政科", "110105194501010022")
	want := map[string]string{"name": "张秀英", "id_number": "110105194501010022", "phone": "13800000001", "gender": "女",
		"birth_date": "1945-01-01", "address": "幸福路1号", "community": "东风社区", "grid": "东风一网格", "marks": "独居老人",
		"living_alone": "是", "updated_at": "2025-01-05 00:00:00"}
	if zhang == nil || !reflect.DeepEqual(zhang.Values, want) || zhang.Flags != nil {
		t.Fatalf("张秀英: %+v", zhang)
	}
	wang := st.byKey("person", "民政科", "110105195002020037")
	if wang == nil || wang.Flags["id_number"] == "" || wang.Flags["phone"] == "" || wang.Values["phone"] != "138000" ||
		wang.Values["birth_date"] != "1950-02-02" || wang.Values["marks"] != "低保、残疾人" {
		t.Errorf("王建国 (bad ID check digit, short phone kept with flags): %+v", wang)
	}
	if li := st.byKey("person", "民政科", "李桂兰|1938-03-03"); li == nil {
		t.Error("李桂兰 not keyed by name and birth date")
	}
	if chen := st.byKey("person", "民政科", "110105199012120055"); chen == nil || chen.Flags["gender"] == "" || chen.Values["gender"] != "未知" {
		t.Errorf("陈明 (unknown gender kept, flagged): %+v", chen)
	}

	rej := readRejects(t, sum.Files[0].RejectsFile)
	if got := rej[0][len(rej[0])-2:]; !reflect.DeepEqual(got, []string{"行号", "拒绝原因"}) {
		t.Fatalf("rejects header %q", rej[0])
	}
	var got []string
	for _, r := range rej[1:] {
		got = append(got, r[len(r)-2]+" "+r[len(r)-1])
	}
	wantRej := []string{
		"5 缺少必填字段 姓名",
		"7 缺少记录键：需要 身份证号；或 姓名+出生日期；或 姓名+联系电话",
		"9 记录键（身份证号）与第 3 行重复",
	}
	if !reflect.DeepEqual(got, wantRej) {
		t.Errorf("rejects\n got %q\nwant %q", got, wantRej)
	}
	if len(st.loads) != 1 || st.loads[0].Rows != 7 || st.loads[0].Created != 4 || !reflect.DeepEqual(st.loads[0].Files, []string{"records_persons.csv"}) {
		t.Errorf("load %+v", st.loads)
	}

	// Loading the same file again changes nothing.
	again, err := importer.ImportRecords(context.Background(), st, []string{p}, personsOpt)
	if err != nil {
		t.Fatal(err)
	}
	if again.Unchanged != 4 || again.Created+again.Updated != 0 || again.Rejected != 3 || len(st.recs) != 4 {
		t.Errorf("second load %+v, %d records", again, len(st.recs))
	}
}

// TestImportRecordsFixKept: a load over a steward's fix keeps it and says so.
func TestImportRecordsFixKept(t *testing.T) {
	p := copyTestdata(t, "records_persons.csv")
	st := newMem()
	if _, err := importer.ImportRecords(context.Background(), st, []string{p}, personsOpt); err != nil {
		t.Fatal(err)
	}
	wang := st.byKey("person", "民政科", "110105195002020037")
	fixed, _, err := dbutil.ApplyFix(*wang, core.RecordFix{Values: map[string]string{"phone": "13800000002"}, Actor: "steward", Version: wang.Version}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	*wang = fixed
	sum, err := importer.ImportRecords(context.Background(), st, []string{p}, personsOpt)
	if err != nil {
		t.Fatal(err)
	}
	if sum.FixKept != 1 || sum.Unchanged != 4 {
		t.Errorf("summary %+v", sum)
	}
	if st.byKey("person", "民政科", "110105195002020037").Values["phone"] != "13800000002" {
		t.Error("the load undid the fix")
	}
	if st.loads[1].FixKept != 1 {
		t.Errorf("load %+v", st.loads[1])
	}
}

// TestImportRecordsCrash: a load that fails half-way keeps its committed
// batches; running it again completes it with the same records.
func TestImportRecordsCrash(t *testing.T) {
	p := copyTestdata(t, "records_persons.csv")
	st := newMem()
	st.failAfter = 1
	opt := personsOpt
	opt.BatchSize = 1
	sum, err := importer.ImportRecords(context.Background(), st, []string{p}, opt)
	if err == nil || !strings.Contains(core.ErrorMessage(err), "重新运行同一命令即可继续") {
		t.Fatalf("err %v", err)
	}
	if len(st.recs) != 1 || sum.Created != 1 || len(st.loads) != 0 || sum.LoadID != 0 {
		t.Fatalf("after the crash: %d records, %+v, loads %d", len(st.recs), sum, len(st.loads))
	}
	if _, err := os.Stat(importer.RejectsPath(p)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a failed load left a rejects file: %v", err)
	}
	st.failAfter = 0
	sum, err = importer.ImportRecords(context.Background(), st, []string{p}, opt)
	if err != nil {
		t.Fatal(err)
	}
	if len(st.recs) != 4 || sum.Created != 3 || sum.Unchanged != 1 || sum.Rejected != 3 {
		t.Errorf("after the re-run: %d records, %+v", len(st.recs), sum)
	}
}

// TestImportRecordsEncodings: the same rows in GBK and in XLSX give the
// same records as in UTF-8.
func TestImportRecordsEncodings(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("testdata", "records_persons.csv"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	utf := filepath.Join(dir, "utf8.csv")
	if err := os.WriteFile(utf, src, 0o644); err != nil {
		t.Fatal(err)
	}
	gbk, err := simplifiedchinese.GBK.NewEncoder().Bytes(src)
	if err != nil {
		t.Fatal(err)
	}
	gbkPath := filepath.Join(dir, "gbk.csv")
	if err := os.WriteFile(gbkPath, gbk, 0o644); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(strings.NewReader(string(src))).ReadAll()
	if err != nil {
		// The title row has one field: read leniently.
		cr := csv.NewReader(strings.NewReader(string(src)))
		cr.FieldsPerRecord = -1
		if rows, err = cr.ReadAll(); err != nil {
			t.Fatal(err)
		}
	}
	x := excelize.NewFile()
	for i, r := range rows {
		for j, v := range r {
			cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
			x.SetCellStr("Sheet1", cell, v)
		}
	}
	xlsxPath := filepath.Join(dir, "persons.xlsx")
	if err := x.SaveAs(xlsxPath); err != nil {
		t.Fatal(err)
	}
	load := func(p string) map[string]map[string]string {
		st := newMem()
		sum, err := importer.ImportRecords(context.Background(), st, []string{p}, personsOpt)
		if err != nil {
			t.Fatalf("%s: %v", filepath.Base(p), err)
		}
		if sum.Created != 4 || sum.Rejected != 2+1 {
			t.Errorf("%s: %+v", filepath.Base(p), sum)
		}
		out := map[string]map[string]string{}
		for k, r := range st.recs {
			out[k[2]] = r.Values
		}
		return out
	}
	want := load(utf)
	for _, p := range []string{gbkPath, xlsxPath} {
		if got := load(p); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: records differ from UTF-8's\n got %v\nwant %v", filepath.Base(p), got, want)
		}
	}
}

func TestImportRecordsFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	a := write("a.csv", "企业名称,统一社会信用代码,法人,经营地址,执照起始日期,执照截止日期\n"+
		"幸福超市,91110105MA01ABCD13,张三,幸福路1号,2020-01-01,2019-12-31\n"+
		"和平饭店,91110105MA01ABCD14,李四,和平街2号,,\n")
	b := write("b.csv", "名称,信用代码\n幸福超市,91110105MA01ABCD13\n无照小店,\n")
	noName := write("c.csv", "信用代码,法人\n91110105MA01ABCD13,张三\n")
	unknown := write("d.csv", "甲,乙\n1,2\n")
	empty := write("e.csv", "")
	opt := importer.RecordOptions{Kind: "enterprise", Source: "市场监管所"}
	st := newMem()
	sum, err := importer.ImportRecords(context.Background(), st, []string{a, b}, opt)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Created != 3 || sum.Duplicates != 1 || sum.Rejected != 1 || len(sum.Files) != 2 || sum.Files[1].Rejected != 1 {
		t.Fatalf("summary %+v", sum)
	}
	shop := st.byKey("enterprise", "市场监管所", "91110105MA01ABCD13")
	if shop == nil || shop.Flags["licence_to"] != "早于执照起始日期" {
		t.Errorf("licence dates the wrong way round: %+v", shop)
	}
	if h := st.byKey("enterprise", "市场监管所", "91110105MA01ABCD14"); h == nil || h.Flags["uscc"] == "" {
		t.Errorf("bad USCC check character not flagged: %+v", h)
	}
	if st.byKey("enterprise", "市场监管所", "无照小店") == nil {
		t.Error("an enterprise without a code is not keyed by name")
	}
	rej := readRejects(t, sum.Files[1].RejectsFile)
	if len(rej) != 2 || rej[1][len(rej[1])-1] != "记录键（统一社会信用代码）与本次导入的第 1 个文件第 2 行重复" {
		t.Errorf("rejects %q", rej)
	}

	for _, tt := range []struct {
		name  string
		paths []string
		opt   importer.RecordOptions
		want  string
	}{
		{"required column missing", []string{noName}, opt, "缺少必填字段的列：企业名称"},
		{"no header", []string{unknown}, opt, "找不到表头"},
		{"empty file", []string{empty}, opt, "空文件"},
		{"unknown kind", []string{a}, importer.RecordOptions{Kind: "car", Source: "x"}, "未知的基础数据类别"},
		{"no source", []string{a}, importer.RecordOptions{Kind: "house"}, "来源名称不能为空"},
		{"no files", nil, opt, "没有要导入的文件"},
		{"missing file", []string{filepath.Join(dir, "nope.csv")}, opt, "无法打开文件"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			st := newMem()
			_, err := importer.ImportRecords(context.Background(), st, tt.paths, tt.opt)
			if err == nil || !strings.Contains(core.ErrorMessage(err), tt.want) {
				t.Fatalf("err %v, want %q", err, tt.want)
			}
			if len(st.recs) != 0 || len(st.loads) != 0 {
				t.Errorf("stored %d records, %d loads", len(st.recs), len(st.loads))
			}
		})
	}
}

// TestImportRecordsMapping: a mapping names a column the aliases do not
// know, and a rejects file loaded again drops its own columns.
func TestImportRecordsMapping(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "h.csv")
	if err := os.WriteFile(p, []byte("门牌,房东,行号,拒绝原因\n幸福路1号,张三,4,缺少记录键\n幸福路2号,,5,x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	m := importer.Mapping{}
	m.Add(importer.Target{Column: "门牌", Field: "address"})
	m.Add(importer.Target{Column: "房东", Field: "owner_name"})
	st := newMem()
	sum, err := importer.ImportRecords(context.Background(), st, []string{p}, importer.RecordOptions{Kind: "house", Source: "住建科", Mapping: m})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Created != 2 || len(sum.Files[0].Unmapped) != 0 {
		t.Fatalf("summary %+v", sum)
	}
	h := st.byKey("house", "住建科", "幸福路1号")
	if h == nil || !reflect.DeepEqual(h.Values, map[string]string{"address": "幸福路1号", "owner_name": "张三"}) {
		t.Errorf("house %+v", h)
	}
}

func TestRecordParserColumns(t *testing.T) {
	p := importer.NewRecordParser("person", nil, nil, []string{"姓名", "手机", "电话", "籍贯", ""})
	s := p.Summary()
	if !reflect.DeepEqual(s.Unmapped, []string{"籍贯"}) || !reflect.DeepEqual(s.Repeated, []string{"第 3 列 电话"}) || len(s.Missing) != 0 {
		t.Errorf("summary %+v", s)
	}
	u, reason := p.Parse(importer.Row{Num: 2, Cells: []string{"张三", "13800000000", "010-1234567", "北京", ""}})
	if reason != "" || u.Key != "张三|13800000000" || u.Kind != "person" || len(u.Values) != 2 {
		t.Errorf("parse: %+v, %q", u, reason)
	}
	_, reason = p.Parse(importer.Row{Num: 3, Cells: []string{"张\uFFFD", "13800000000"}})
	if !strings.Contains(reason, "第 1 列 姓名") {
		t.Errorf("mojibake reason %q", reason)
	}
}
