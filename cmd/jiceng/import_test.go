package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/csv"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/xuri/excelize/v2"
	"time"

	"github.com/jackc/pgx/v5"

	"jiceng/internal/core"
	"jiceng/internal/importer/importtest"
)

// buildJiceng builds the jiceng binary into a temporary directory.
func buildJiceng(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "jiceng")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// testPG returns a DSN of a fresh PostgreSQL database when JICENG_TEST_PG
// is set; without it the caller skips, except in CI.
func testPG(t *testing.T) string {
	t.Helper()
	dsn := os.Getenv("JICENG_TEST_PG")
	if dsn == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("JICENG_TEST_PG is not set: run the tests with scripts/test.sh")
		}
		t.Skip("JICENG_TEST_PG not set: PostgreSQL skipped (scripts/test.sh runs it)")
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatalf("connect to JICENG_TEST_PG: %v", err)
	}
	defer conn.Close(ctx)
	b := make([]byte, 6)
	rand.Read(b)
	name := "jiceng_import_" + hex.EncodeToString(b)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("create database: %v", err)
	}
	t.Cleanup(func() {
		conn, err := pgx.Connect(ctx, dsn)
		if err != nil {
			return
		}
		defer conn.Close(ctx)
		conn.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
	})
	u, _ := url.Parse(dsn)
	u.Path = "/" + name
	return u.String()
}

var savedLine = regexp.MustCompile(`已保存 (\d+) 条`)

// startAndKill runs "jiceng import" and SIGKILLs it as soon as it reports a
// committed batch beyond after tickets; it returns the count reported.
func startAndKill(t *testing.T, bin, dsn, file string, after int) int {
	t.Helper()
	cmd := exec.Command(bin, "import", "-db", dsn, "-progress", "0", "-batch", "2000", file)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	saved := -1
	sc := bufio.NewScanner(stderr)
	for sc.Scan() {
		if m := savedLine.FindStringSubmatch(sc.Text()); m != nil {
			n, _ := strconv.Atoi(m[1])
			if n > after {
				cmd.Process.Signal(syscall.SIGKILL)
				saved = n
				break
			}
		}
	}
	go func() {
		for sc.Scan() {
		}
	}()
	err = cmd.Wait()
	if saved < 0 {
		t.Fatalf("import ended before a batch was committed: %v", err)
	}
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() {
		t.Fatalf("import was not killed: %v", err)
	}
	return saved
}

// TestImportKilled kills a running import twice after committed batches
// and checks that running the same command again ends with exactly the
// rows of the file.
func TestImportKilled(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildJiceng(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "工单明细.csv")
	const n = 30000
	f, err := os.Create(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := importtest.WriteCSV(f, 0, n); err != nil {
		t.Fatal(err)
	}
	f.Close()

	for _, db := range []struct {
		name string
		dsn  func(t *testing.T) string
	}{
		{"sqlite", func(t *testing.T) string { return filepath.Join(t.TempDir(), "k.db") }},
		{"postgres", testPG},
	} {
		t.Run(db.name, func(t *testing.T) {
			dsn := db.dsn(t)
			first := startAndKill(t, bin, dsn, file, 0)
			second := startAndKill(t, bin, dsn, file, first)
			t.Logf("killed after %d, then after %d committed tickets", first, second)

			cmd := exec.Command(bin, "import", "-db", dsn, file)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Run(); err != nil {
				t.Fatalf("rerun: %v\n%s", err, stderr.String())
			}
			var created, updated, rejected, unchanged int
			if _, err := fmt.Sscanf(stdout.String(), "imported %d, updated %d, rejected %d\n", &created, &updated, &rejected); err != nil {
				t.Fatalf("summary %q: %v", stdout.String(), err)
			}
			if m := regexp.MustCompile(`未变化 (\d+) 条`).FindStringSubmatch(stderr.String()); m != nil {
				unchanged, _ = strconv.Atoi(m[1])
			}
			if created+unchanged != n || updated != 0 || rejected != 0 || unchanged < second {
				t.Errorf("rerun: imported %d, updated %d, rejected %d, unchanged %d; want imported+unchanged = %d, unchanged >= %d",
					created, updated, rejected, unchanged, n, second)
			}
			checkNumbers(t, dsn, n)
		})
	}
}

// checkNumbers checks that the store at dsn holds exactly the tickets
// 0..n-1 of importtest.
func checkNumbers(t *testing.T, dsn string, n int) {
	t.Helper()
	ctx := context.Background()
	st, err := openStore(ctx, dsn, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	_, total, err := st.Tickets(ctx, core.TicketFilter{Limit: 1})
	if err != nil || total != n {
		t.Fatalf("store holds %d tickets (%v), want %d", total, err, n)
	}
	var got []string
	if err := st.EachTicket(ctx, core.TicketFilter{}, func(tk core.Ticket) error {
		got = append(got, tk.Number)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	sort.Strings(got)
	for i := range n {
		if got[i] != importtest.Number(i) {
			t.Fatalf("ticket %d is %s, want %s", i, got[i], importtest.Number(i))
		}
	}
}

// jc runs jiceng in-process and returns its stdout, failing on error.
func jc(t *testing.T, args ...string) string {
	t.Helper()
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), args, strings.NewReader(""), &stdout, &stderr); code != 0 {
		t.Fatalf("jiceng %s: exit %d\n%s", strings.Join(args, " "), code, stderr.String())
	}
	return stdout.String()
}

// exportFixture has every kind of value: extra columns, flagged values kept
// raw, multi-line text, quotes, tags, coordinates.
const exportFixture = "2024年3月工单明细\n" +
	"工单编号,来电时间,来电人,联系电话,身份证号,诉求内容,问题分类,诉求类型,承办单位,所属社区,工单状态,办理时限,办结时间,是否解决,满意度,经度,纬度,标签,备注,,网格员\n" +
	"E001,2024-03-05 08:30,张三,138 1234 5678,11010519491231002X,\"楼道灯坏了，\n请尽快\",市政设施,求助,城管科,幸福社区,已办结,2024-03-06,2024/3/6 10:00,是,非常满意,116.39,39.9,照明、楼道,请回电,无名列,李四\n" +
	"E002,2024年3月5日 9时,王五,12345,123,\"带\"\"引号\"\"的内容\",环境保护,投诉类,环保科,和平社区,办理中,下周,2024-03-01,部分,还行,200,,噪音,,,\n" +
	"E003,45356.5,,,,\"=HYPERLINK(\"\"http://evil.example\"\",\"\"点我\"\")\",,,,,,,,,,,,,+cmd|' /C calc'!A0,,\n"

// TestExportNeutralisesFormulas: a caller's text that a spreadsheet would
// run as a formula comes out of a CSV export guarded by an apostrophe, and
// as a text cell (never a formula) in XLSX.
func TestExportNeutralisesFormulas(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "src.csv")
	os.WriteFile(src, []byte(exportFixture), 0o644)
	db := filepath.Join(dir, "f.db")
	jc(t, "import", "-db", db, src)
	out := jc(t, "export", "-role", "admin", "-db", db)
	for _, want := range []string{`"'=HYPERLINK(""http://evil.example"",""点我"")"`, `'+cmd|' /C calc'!A0`} {
		if !strings.Contains(out, want) {
			t.Errorf("CSV export lacks the guarded cell %s:\n%s", want, out)
		}
	}
	if strings.Contains(out, ",=HYPERLINK") || strings.Contains(out, ",+cmd") || strings.Contains(out, `"=HYPERLINK`) {
		t.Errorf("CSV export has a live formula:\n%s", out)
	}
	xp := filepath.Join(dir, "f.xlsx")
	jc(t, "export", "-role", "admin", "-db", db, "-format", "xlsx", "-out", xp)
	x, err := excelize.OpenFile(xp)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	rows, _ := x.GetRows("Sheet1")
	found := false
	for r, row := range rows {
		for c, v := range row {
			cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
			if f, _ := x.GetCellFormula("Sheet1", cell); f != "" {
				t.Errorf("XLSX cell %s is a formula %q", cell, f)
			}
			if v == `=HYPERLINK("http://evil.example","点我")` {
				found = true
				if typ, _ := x.GetCellType("Sheet1", cell); typ == excelize.CellTypeFormula {
					t.Errorf("XLSX cell %s typed as formula", cell)
				}
			}
		}
	}
	if !found {
		t.Errorf("XLSX export lacks the text as it was: %v", rows)
	}
}

// TestExportRoundTrip exports imported tickets as CSV (UTF-8 and GBK) and
// XLSX and imports each into a new database: the tickets must be equal. It
// runs on SQLite, and on PostgreSQL when JICENG_TEST_PG is set.
func TestExportRoundTrip(t *testing.T) {
	for _, db := range []struct {
		name string
		dsn  func(t *testing.T) string
	}{
		{"sqlite", func(t *testing.T) string { return filepath.Join(t.TempDir(), "rt.db") }},
		{"postgres", testPG},
	} {
		t.Run(db.name, func(t *testing.T) { testRoundTrip(t, db.dsn) })
	}
}

func testRoundTrip(t *testing.T, newDSN func(t *testing.T) string) {
	dir := t.TempDir()
	src := filepath.Join(dir, "src.csv")
	os.WriteFile(src, []byte(exportFixture), 0o644)
	db1 := newDSN(t)
	if got := jc(t, "import", "-db", db1, src); got != "imported 3, updated 0, rejected 0\n" {
		t.Fatalf("import: %q", got)
	}
	want := dump(t, db1)
	if len(want) != 3 || want[1].Extra["满意度（原值）"] != "还行" || len(want[1].Flags) == 0 || want[0].Extra["第20列"] != "无名列" {
		t.Fatalf("fixture did not import as expected: %+v", want)
	}
	for _, tc := range []struct {
		name, file string
		args       []string
	}{
		{"csv utf8", "out.csv", nil},
		{"csv gbk", "out-gbk.csv", []string{"-encoding", "gbk"}},
		{"xlsx", "out.xlsx", []string{"-format", "xlsx"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(dir, tc.file)
			jc(t, append([]string{"export", "-role", "admin", "-db", db1, "-out", out}, tc.args...)...)
			db2 := newDSN(t)
			if got := jc(t, "import", "-db", db2, out); got != "imported 3, updated 0, rejected 0\n" {
				t.Fatalf("re-import: %q", got)
			}
			if got := dump(t, db2); !reflect.DeepEqual(got, want) {
				for i := range got {
					g, w := reflect.ValueOf(got[i]), reflect.ValueOf(want[i])
					for k := 0; k < g.NumField(); k++ {
						if !reflect.DeepEqual(g.Field(k).Interface(), w.Field(k).Interface()) {
							t.Errorf("ticket %s field %s after round trip: got %#v, want %#v",
								want[i].Number, g.Type().Field(k).Name, g.Field(k).Interface(), w.Field(k).Interface())
						}
					}
				}
			}
			// Exporting the copy gives the same bytes for CSV.
			if tc.args == nil {
				out2 := filepath.Join(t.TempDir(), "again.csv")
				jc(t, "export", "-role", "admin", "-db", db2, "-out", out2)
				a, _ := os.ReadFile(out)
				b, _ := os.ReadFile(out2)
				if !bytes.Equal(a, b) {
					t.Errorf("second export differs from the first")
				}
			}
		})
	}
}

func TestExportFiltersAndStdout(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "src.csv")
	os.WriteFile(src, []byte(exportFixture), 0o644)
	db := filepath.Join(dir, "one.db")
	jc(t, "import", "-db", db, src)
	out := jc(t, "export", "-role", "admin", "-db", db, "-community", "幸福社区")
	if !strings.HasPrefix(out, "\ufeff工单编号,") || !strings.Contains(out, "E001") || strings.Contains(out, "E002") {
		t.Errorf("filtered export:\n%s", out)
	}
	out = jc(t, "export", "-role", "admin", "-db", db, "-from", "2024-03-05 09:00", "-to", "2024-03-06")
	if strings.Contains(out, "E001") || !strings.Contains(out, "E002") {
		t.Errorf("export by time:\n%s", out)
	}
}

// dump returns the tickets of a database by number, without the fields a
// store assigns (ID, created and updated times) and with times in UTC.
func dump(t *testing.T, dsn string) []core.Ticket {
	t.Helper()
	ctx := context.Background()
	st, err := openStore(ctx, dsn, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var out []core.Ticket
	utc := func(tm *time.Time) {
		if !tm.IsZero() {
			*tm = tm.UTC()
		}
	}
	err = st.EachTicket(ctx, core.TicketFilter{}, func(tk core.Ticket) error {
		tk.ID, tk.CreatedAt, tk.UpdatedAt = 0, time.Time{}, time.Time{}
		utc(&tk.ReceivedAt)
		utc(&tk.Deadline)
		utc(&tk.ContactedAt)
		utc(&tk.ResolvedAt)
		utc(&tk.CallbackAt)
		out = append(out, tk)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Number < out[j].Number })
	return out
}

// importFixture copies the importer's testdata/name into dir.
func importFixture(t *testing.T, dir, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "internal", "importer", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// jcRun runs jiceng in-process in dir and returns its exit code, stdout
// and stderr.
func jcRun(t *testing.T, dir string, args ...string) (int, string, string) {
	t.Helper()
	t.Chdir(dir)
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(""), &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// TestImportUnmappedRequired: a file whose required fields find no column
// is refused with a non-zero exit, the file's columns and the mapping line
// that fixes it, and no rejects file; running the printed line imports it.
func TestImportUnmappedRequired(t *testing.T) {
	tests := []struct {
		name    string
		file    string
		mapping string // text of a -mapping file, if any
		want    []string
		wantNot []string
		fixLine string // the printf line printed, run to fix the file
		fixed   string // stdout of the import after the fix
	}{
		{
			name: "unknown headers",
			file: "unknownheaders.csv",
			want: []string{"找不到表头", "文件的列（第 1 行）: 记录号、提问者、提问日期、提问正文、类别",
				"printf '记录号,number\\n提问日期,received_at\\n提问正文,content\\n' > map.csv; jiceng import -mapping map.csv unknownheaders.csv"},
			fixLine: "printf '记录号,number\\n提问日期,received_at\\n提问正文,content\\n' > map.csv",
			fixed:   "imported 2, updated 0, rejected 0\n",
		},
		{
			name:    "a mapping that leaves fields out is appended to",
			file:    "unknownheaders.csv",
			mapping: "记录号,number\n",
			want: []string{"没有找到必填字段 受理时间（received_at）、诉求内容（content） 的列",
				"printf '提问日期,received_at\\n提问正文,content\\n' >> given.csv; jiceng import -mapping given.csv unknownheaders.csv"},
			wantNot: []string{"已作为附加信息保存"},
			fixLine: "printf '提问日期,received_at\\n提问正文,content\\n' >> given.csv",
			fixed:   "imported 2, updated 0, rejected 0\n",
		},
		{
			name:    "no guess for a column",
			file:    "noheader.csv",
			want:    []string{"文件的列（第 1 行）: 甲、乙、丙", "把“列名”换成实际的列名", "printf '甲,number\\n列名,received_at\\n列名,content\\n' > map.csv"},
			wantNot: []string{"第1列"},
		},
		{
			name:    "headerless data is not listed",
			file:    "headerless.csv",
			want:    []string{"看起来是数据而不是列名"},
			wantNot: []string{"H001", "文件的列", "printf"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			p := importFixture(t, dir, tt.file)
			db := filepath.Join(dir, "t.db")
			args := []string{"import", "-db", db}
			if tt.mapping != "" {
				os.WriteFile(filepath.Join(dir, "given.csv"), []byte(tt.mapping), 0o644)
				args = append(args, "-mapping", "given.csv")
			}
			code, stdout, stderr := jcRun(t, dir, append(args, tt.file)...)
			if code == 0 {
				t.Errorf("exit 0, want non-zero\n%s", stderr)
			}
			if stdout != "imported 0, updated 0, rejected 0\n" {
				t.Errorf("stdout %q", stdout)
			}
			for _, w := range tt.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, stderr)
				}
			}
			for _, w := range tt.wantNot {
				if strings.Contains(stderr, w) {
					t.Errorf("stderr has %q:\n%s", w, stderr)
				}
			}
			if _, err := os.Stat(p + ".rejects.csv"); err == nil {
				t.Errorf("rejects file written for a refused file")
			}
			if tt.fixLine == "" {
				return
			}
			sh := exec.Command("sh", "-c", tt.fixLine)
			sh.Dir = dir
			if out, err := sh.CombinedOutput(); err != nil {
				t.Fatalf("%s: %v\n%s", tt.fixLine, err, out)
			}
			m := "map.csv"
			if tt.mapping != "" {
				m = "given.csv"
			}
			code, stdout, stderr = jcRun(t, dir, "import", "-db", db, "-mapping", m, tt.file)
			if code != 0 || stdout != tt.fixed {
				t.Errorf("after the fix: exit %d, stdout %q\n%s", code, stdout, stderr)
			}
		})
	}
}

// TestImportZone: -tz and $JICENG_TZ read naive times in a zone, a value
// with an offset keeps its instant, and a bad zone is refused.
func TestImportZone(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		env      string
		received string // of US001, UTC
		resolved string
		code     int
		stderr   string
	}{
		{"default street time", nil, "", "2024-03-05T12:30:15Z", "2024-03-06T04:00:00Z", 1, "日期无法识别：“13/07/2024 10:00:00 AM”"},
		{"-tz", []string{"-tz", "America/New_York"}, "", "2024-03-06T01:30:15Z", "2024-03-06T04:00:00Z", 1, ""},
		{"JICENG_TZ", nil, "UTC", "2024-03-05T20:30:15Z", "2024-03-06T04:00:00Z", 1, ""},
		{"-tz over JICENG_TZ", []string{"-tz", "+08:00"}, "UTC", "2024-03-05T12:30:15Z", "2024-03-06T04:00:00Z", 1, ""},
		{"bad zone", []string{"-tz", "Mars/Olympus"}, "", "", "", 1, "未知时区"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("JICENG_TZ", tt.env)
			dir := t.TempDir()
			importFixture(t, dir, "ampm.csv")
			db := filepath.Join(dir, "t.db")
			args := append(append([]string{"import", "-db", db}, tt.args...), "ampm.csv")
			code, stdout, stderr := jcRun(t, dir, args...)
			if tt.received == "" {
				if code == 0 || !strings.Contains(stderr, tt.stderr) {
					t.Errorf("exit %d, stderr %s", code, stderr)
				}
				return
			}
			if stdout != "imported 3, updated 0, rejected 1\n" {
				t.Errorf("stdout %q\n%s", stdout, stderr)
			}
			rej, _ := os.ReadFile(filepath.Join(dir, "ampm.csv.rejects.csv"))
			if !strings.Contains(string(rej), tt.stderr) {
				t.Errorf("rejects lack %q:\n%s", tt.stderr, rej)
			}
			ts := dump(t, db)
			if got := ts[0].ReceivedAt.Format(time.RFC3339); got != tt.received {
				t.Errorf("received %s, want %s", got, tt.received)
			}
			if got := ts[0].ResolvedAt.Format(time.RFC3339); got != tt.resolved {
				t.Errorf("resolved %s, want %s", got, tt.resolved)
			}
		})
	}
}

// TestImportNewFieldsEndToEnd: a 问政 export's poster, reply time,
// supports and opposes are stored, exported for the administrator and
// masked by the dictionary for a leader.
func TestImportNewFieldsEndToEnd(t *testing.T) {
	dir := t.TempDir()
	importFixture(t, dir, "wenzheng-gbk.csv")
	db := filepath.Join(dir, "t.db")
	if got := jc(t, "import", "-db", db, filepath.Join(dir, "wenzheng-gbk.csv")); got != "imported 3, updated 0, rejected 0\n" {
		t.Fatalf("import: %q", got)
	}
	rows := func(role string) map[string]map[string]string {
		out := jc(t, "export", "-role", role, "-db", db)
		recs, err := csvRows(strings.TrimPrefix(out, "\ufeff"))
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]map[string]string{}
		for _, r := range recs[1:] {
			row := map[string]string{}
			for i, h := range recs[0] {
				row[h] = r[i]
			}
			m[r[0]] = row
		}
		return m
	}
	admin := rows("admin")["100017"]
	for h, want := range map[string]string{"留言用户": "A00090519", "答复时间": "2024-03-08 10:02:11", "点赞数": "12", "反对数": "0"} {
		if admin[h] != want {
			t.Errorf("admin export %s = %q, want %q", h, admin[h], want)
		}
	}
	leader := rows("leader")["100017"]
	if leader["留言用户"] != "A******19" || leader["点赞数"] != "12" || leader["答复时间"] != "2024-03-08 10:02:11" {
		t.Errorf("leader export: 留言用户 %q, 点赞数 %q, 答复时间 %q", leader["留言用户"], leader["点赞数"], leader["答复时间"])
	}
}

func csvRows(s string) ([][]string, error) {
	cr := csv.NewReader(strings.NewReader(s))
	cr.FieldsPerRecord = -1
	return cr.ReadAll()
}
