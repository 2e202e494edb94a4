package export

import (
	"bytes"
	"context"
	"io"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"jiceng/internal/casework"
	"jiceng/internal/core"
	"jiceng/internal/fieldset"
	"jiceng/internal/sqlite"
	"jiceng/internal/tabfile"
)

var admin = core.User{Username: "test", Role: core.RoleAdmin}

// service returns a casework service over a new SQLite store holding
// tickets.
func service(t *testing.T, tickets ...core.Ticket) *casework.Service {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "e.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.UpsertTickets(ctx, tickets, "test"); err != nil {
		t.Fatal(err)
	}
	return &casework.Service{Store: st}
}

func ticket(num, community, cat string, day int, extra map[string]string) core.Ticket {
	return core.Ticket{
		Number: num, Channel: "导入", ReceivedAt: time.Date(2024, 3, day, 8, 30, 0, 0, core.StreetTime),
		Community: community, Category1: cat, Content: "楼道灯坏了 " + num, Extra: extra,
	}
}

// readCSV reads the rows of CSV bytes as tabfile does for an import.
func readCSV(t *testing.T, b []byte) [][]string {
	t.Helper()
	r, err := tabfile.NewCSVReader(bytes.NewReader(b), io.NopCloser(nil))
	if err != nil {
		t.Fatal(err)
	}
	var rows [][]string
	for {
		row, err := r.Read()
		if err == io.EOF {
			return rows
		}
		if err != nil || row.Err != "" {
			t.Fatal(err, row.Err)
		}
		rows = append(rows, append([]string(nil), row.Cells...))
	}
}

func TestTickets(t *testing.T) {
	svc := service(t,
		ticket("E001", "幸福社区", "市政设施", 5, map[string]string{"满意度（原值）": "还行", "备注2": "=1+2"}),
		ticket("E002", "幸福社区", "市政设施", 6, nil),
		ticket("E003", "和平社区", "环境保护", 7, map[string]string{"第20列": "无名列"}),
	)
	set := fieldset.Tickets()
	var wantHeader []string
	for _, f := range set.Fields {
		wantHeader = append(wantHeader, f.Label)
	}
	extras := []string{"满意度（原值）", "备注2", "第20列"}
	sort.Strings(extras)
	wantHeader = append(wantHeader, extras...)
	col := func(label string) int {
		for i, h := range wantHeader {
			if h == label {
				return i
			}
		}
		t.Fatalf("no column %s", label)
		return -1
	}

	tests := []struct {
		name   string
		filter core.TicketFilter
		qi     string
		rows   int
		k      int
		nclass int
	}{
		{"all, default quasi-identifiers", core.TicketFilter{}, DefaultQI, 3, 1, 2},
		{"by community", core.TicketFilter{}, "community", 3, 1, 2},
		{"generalised to the year", core.TicketFilter{}, "received_at:year", 3, 3, 1},
		{"no quasi-identifiers", core.TicketFilter{}, "", 3, 3, 1},
		{"raw value named like its field", core.TicketFilter{}, "satisfaction", 3, 3, 1},
		{"filtered", core.TicketFilter{Community: "幸福社区"}, DefaultQI, 2, 2, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			w, err := tabfile.NewCSVWriter(&buf, tabfile.UTF8)
			if err != nil {
				t.Fatal(err)
			}
			res, err := Tickets(context.Background(), svc, admin, core.RoleAdmin, tt.filter, Options{Fields: set, Format: FormatCSV, QI: tt.qi}, w)
			if err != nil {
				t.Fatal(err)
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			if res.Rows != tt.rows || res.Classes.Records() != tt.rows || res.Classes.K() != tt.k || res.Classes.Len() != tt.nclass || res.QI != tt.qi {
				t.Errorf("result rows %d, k=%d, %d classes over %q; want %d, k=%d, %d",
					res.Rows, res.Classes.K(), res.Classes.Len(), res.QI, tt.rows, tt.k, tt.nclass)
			}
			rows := readCSV(t, buf.Bytes())
			if len(rows) != tt.rows+1 {
				t.Fatalf("%d rows, want %d", len(rows), tt.rows+1)
			}
			if tt.filter == (core.TicketFilter{}) && !reflect.DeepEqual(rows[0], wantHeader) {
				t.Errorf("header %q, want %q", rows[0], wantHeader)
			}
			if rows[1][0] != "E001" || rows[1][col("备注2")] != "=1+2" || rows[1][col("满意度（原值）")] != "还行" {
				t.Errorf("first row %q", rows[1])
			}
			if bytes.Contains(buf.Bytes(), []byte(",=1+2")) {
				t.Errorf("live formula in the CSV:\n%s", buf.Bytes())
			}
		})
	}
}

func TestTicketsRefuses(t *testing.T) {
	long := ticket("E009", "幸福社区", "市政设施", 5, nil)
	long.Content = strings.Repeat("楼", tabfile.MaxXLSXCell+1)
	svc := service(t, ticket("E001", "幸福社区", "市政设施", 5, nil), long)
	staff := core.User{Username: "s", Role: core.RoleStaff}
	tests := []struct {
		name   string
		user   core.User
		role   string
		opt    Options
		code   string
		msg    string
		header bool // the header was written before the error
	}{
		{"unknown quasi-identifier", admin, core.RoleAdmin, Options{QI: "shoe_size"}, core.EINVALID, `-qi: 导出中没有字段 "shoe_size"`, false},
		{"bad generalisation", admin, core.RoleAdmin, Options{QI: "received_at:week"}, core.EINVALID, "-qi: received_at 的概化方式应为 year、month 或 day", false},
		{"another role without admin", staff, core.RoleAdmin, Options{QI: DefaultQI}, core.EFORBIDDEN, "只有管理员", false},
		{"cell too long for XLSX", admin, core.RoleAdmin, Options{QI: DefaultQI, Format: FormatXLSX}, core.EINVALID, "工单 E009 的 诉求内容 超过 Excel 单元格 32767 字符的上限", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := &recorder{}
			_, err := Tickets(context.Background(), svc, tt.user, tt.role, core.TicketFilter{}, tt.opt, w)
			if core.ErrorCode(err) != tt.code || !strings.Contains(core.ErrorMessage(err), tt.msg) {
				t.Errorf("err = %v, want %s %q", err, tt.code, tt.msg)
			}
			if (len(w.rows) > 0) != tt.header {
				t.Errorf("%d rows written", len(w.rows))
			}
		})
	}
	// As CSV the long cell is fine.
	w := &recorder{}
	if res, err := Tickets(context.Background(), svc, admin, core.RoleAdmin, core.TicketFilter{}, Options{QI: DefaultQI, Format: FormatCSV}, w); err != nil || res.Rows != 2 {
		t.Errorf("CSV export: %d rows, %v", res.Rows, err)
	}
}

// recorder is a RowWriter that keeps the rows.
type recorder struct{ rows [][]string }

func (r *recorder) Write(cells []string) error {
	r.rows = append(r.rows, append([]string(nil), cells...))
	return nil
}
func (r *recorder) Close() error { return nil }

func TestTicketsXLSX(t *testing.T) {
	svc := service(t, ticket("007", "幸福社区", "市政设施", 5, map[string]string{"备注2": "=1+2"}))
	var buf bytes.Buffer
	w, err := tabfile.NewXLSXWriter(&buf)
	if err != nil {
		t.Fatal(err)
	}
	x, err := Prepare(context.Background(), svc, admin, "", core.TicketFilter{}, Options{Format: FormatXLSX, QI: DefaultQI})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := x.Write(context.Background(), w); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, _ := f.GetRows("Sheet1")
	if len(rows) != 2 || !reflect.DeepEqual(rows[0], x.Header()) || rows[1][0] != "007" || rows[1][len(rows[1])-1] != "=1+2" {
		t.Errorf("rows %q", rows)
	}
}

func TestParseQI(t *testing.T) {
	names := []string{"number", "community", "received_at"}
	tests := []struct {
		name, spec string
		want       []quasiID
		err        string
	}{
		{"one", "community", []quasiID{{col: 1}}, ""},
		{"generalised", " community , received_at:month", []quasiID{{col: 1}, {col: 2, cut: 7}}, ""},
		{"year and day", "received_at:year,received_at:day", []quasiID{{col: 2, cut: 4}, {col: 2, cut: 10}}, ""},
		{"empty items", ",,", nil, ""},
		{"unknown", "street", nil, `-qi: 导出中没有字段 "street"`},
		{"bad generalisation", "received_at:hour", nil, "概化方式"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseQI(tt.spec, names)
			if tt.err != "" {
				if err == nil || !strings.Contains(core.ErrorMessage(err), tt.err) {
					t.Errorf("err = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(got, tt.want) {
				t.Errorf("parseQI(%q) = %+v, %v; want %+v", tt.spec, got, err, tt.want)
			}
		})
	}
	row := []string{"E1", "幸福社区", "2024-03-05 08:30"}
	for _, c := range []struct {
		q    quasiID
		want string
	}{{quasiID{col: 2, cut: 7}, "2024-03"}, {quasiID{col: 2}, "2024-03-05 08:30"}, {quasiID{col: 1, cut: 7}, "幸福社区"}} {
		if got := c.q.value(row); got != c.want {
			t.Errorf("%+v.value = %q, want %q", c.q, got, c.want)
		}
	}
}

func TestWriteKAnonymity(t *testing.T) {
	svc := service(t, ticket("E001", "幸福社区", "市政设施", 5, nil))
	res, err := Tickets(context.Background(), svc, admin, core.RoleAdmin, core.TicketFilter{}, Options{QI: DefaultQI}, &recorder{})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	res.WriteKAnonymity(&b)
	want := "k-匿名性: k=1，等价类 1 个，共 1 条（准标识符: community,category1,received_at:month）\n" +
		"注意: 1 条工单所在的等价类小于 5 条，可能被单独识别；可减少准标识符、放宽概化或加筛选条件后再发布\n"
	if b.String() != want {
		t.Errorf("report:\n%s\nwant:\n%s", b.String(), want)
	}
}

// scopedService is a casework service over a new SQLite store with a
// street of two communities and a department, its tickets, and the store
// as the audit log.
func scopedService(t *testing.T) (*casework.Service, *sqlite.DB) {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "s.db"), func() time.Time { return time.Date(2024, 4, 1, 9, 0, 0, 0, core.StreetTime) })
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.ReplaceAreas(ctx, core.Areas{Communities: []core.Community{{Code: "C1", Name: "幸福社区"}, {Code: "C2", Name: "和平社区"}}}); err != nil {
		t.Fatal(err)
	}
	if err := st.ReplaceUnits(ctx, []core.Unit{
		{Code: "U1", Name: "幸福社区", Kind: core.UnitCommunity, Community: "C1"},
		{Code: "D1", Name: "城管科", Kind: core.UnitDepartment},
	}); err != nil {
		t.Fatal(err)
	}
	a := ticket("E001", "幸福社区", "市政设施", 5, nil)
	a.CallerName, a.CallerPhone, a.Unit = "张三丰", "13812345678", "幸福社区"
	b := ticket("E002", "和平社区", "环境保护", 6, nil)
	b.CallerName, b.CallerPhone, b.Unit = "李四", "13900001111", "城管科"
	c := ticket("E003", "幸福社区", "环境保护", 7, nil)
	c.CallerName, c.CallerPhone, c.Unit = "王五", "13700002222", "城管科"
	if _, err := st.UpsertTickets(ctx, []core.Ticket{a, b, c}, "test"); err != nil {
		t.Fatal(err)
	}
	return &casework.Service{Store: st, Audit: st}, st
}

// TestTicketsScope: an export made for a user holds the tickets of the
// user's scope, masked for the user's role, as the pages show them.
func TestTicketsScope(t *testing.T) {
	svc, _ := scopedService(t)
	phones := map[string]string{"E001": "13812345678", "E002": "13900001111", "E003": "13700002222"}
	tests := []struct {
		name    string
		user    core.User
		tickets []string
		raw     bool
	}{
		{"admin", core.User{Username: "a", Role: core.RoleAdmin}, []string{"E001", "E002", "E003"}, true},
		{"staff", core.User{Username: "s", Role: core.RoleStaff}, []string{"E001", "E002", "E003"}, true},
		{"leader", core.User{Username: "l", Role: core.RoleLeader}, []string{"E001", "E002", "E003"}, false},
		{"community worker", core.User{Username: "c", Role: core.RoleCommunity, Unit: "U1"}, []string{"E001", "E003"}, false},
		{"handler", core.User{Username: "h", Role: core.RoleHandler, Unit: "D1"}, []string{"E002", "E003"}, false},
		{"handler without a unit", core.User{Username: "h0", Role: core.RoleHandler}, nil, false},
		{"resident", core.User{Username: "r", Role: core.RoleResident}, []string{"E001", "E002", "E003"}, false},
	}
	set := fieldset.Tickets()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := &recorder{}
			res, err := Tickets(context.Background(), svc, tt.user, "", core.TicketFilter{}, Options{Fields: set, Format: FormatCSV}, w)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, row := range w.rows[1:] {
				got = append(got, row[0])
				joined := strings.Join(row, "|")
				if strings.Contains(joined, phones[row[0]]) != tt.raw {
					t.Errorf("%s: phone in clear %v, want %v: %q", row[0], !tt.raw, tt.raw, joined)
				}
				if tt.user.Role == core.RoleResident && (strings.Contains(joined, "张三丰") || strings.Contains(joined, "138")) {
					t.Errorf("a resident's export shows the caller: %q", joined)
				}
			}
			sort.Strings(got)
			if !reflect.DeepEqual(got, tt.tickets) || res.Rows != len(tt.tickets) {
				t.Errorf("tickets %v (%d rows), want %v", got, res.Rows, tt.tickets)
			}
		})
	}
}

// TestAuditEntry: every export is in the audit log, with its filter and
// count and without personal values; an export over MaxRows is refused
// before anything is written or logged.
func TestAuditEntry(t *testing.T) {
	svc, st := scopedService(t)
	ctx := context.Background()
	leader := core.User{Username: "leader1", Role: core.RoleLeader}
	tests := []struct {
		name     string
		user     core.User
		role     string
		filter   core.TicketFilter
		opt      Options
		code     string
		has, not []string
	}{
		{"plain", leader, "", core.TicketFilter{}, Options{Format: FormatXLSX, Address: "10.0.0.7"}, "",
			[]string{"工单导出", "格式 xlsx", "按角色 leader 脱敏", "3 条"}, nil},
		{"a filter", leader, "", core.TicketFilter{Community: "幸福社区", Category1: "环境保护", Status: "受理",
			From: time.Date(2024, 3, 1, 0, 0, 0, 0, core.StreetTime), To: time.Date(2024, 4, 1, 0, 0, 0, 0, core.StreetTime)}, Options{}, "",
			[]string{"格式 csv", "社区 幸福社区", "一级分类 环境保护", "状态 受理", "受理时间自 2024-03-01 00:00", "受理时间早于 2024-04-01 00:00"}, nil},
		{"a keyword", leader, "", core.TicketFilter{Keyword: "张三丰 13812345678"}, Options{}, "",
			[]string{"关键词（内容未记录）"}, []string{"张三丰", "13812345678"}},
		{"personal data in a filter value", leader, "", core.TicketFilter{Unit: "13812345678"}, Options{}, "",
			[]string{"承办单位 （含个人信息，未记录）"}, []string{"13812345678"}},
		{"another role, by the administrator", core.User{Username: "cli", Role: core.RoleAdmin}, "share", core.TicketFilter{}, Options{}, "",
			[]string{"按角色 share 脱敏"}, nil},
		{"over the bound", leader, "", core.TicketFilter{}, Options{MaxRows: 2}, core.EINVALID, nil, nil},
		{"at the bound", leader, "", core.TicketFilter{}, Options{MaxRows: 3}, "", []string{"3 条"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, before, _ := st.Audit(ctx, core.AuditFilter{})
			w := &recorder{}
			_, err := Tickets(ctx, svc, tt.user, tt.role, tt.filter, tt.opt, w)
			if core.ErrorCode(err) != tt.code {
				t.Fatalf("err = %v, want %q", err, tt.code)
			}
			es, after, _ := st.Audit(ctx, core.AuditFilter{})
			if tt.code != "" {
				if after != before || len(w.rows) != 0 {
					t.Errorf("a refused export: %d audit entries added, %d rows written", after-before, len(w.rows))
				}
				if !strings.Contains(core.ErrorMessage(err), "超过单次导出上限 2 件") {
					t.Errorf("message %q", core.ErrorMessage(err))
				}
				return
			}
			if after != before+1 {
				t.Fatalf("%d audit entries added, want 1", after-before)
			}
			e := es[0]
			if e.Action != core.AuditExport || e.Actor != tt.user.Username || e.Role != tt.user.Role || e.Address != tt.opt.Address {
				t.Errorf("entry %+v", e)
			}
			for _, s := range tt.has {
				if !strings.Contains(e.Detail, s) {
					t.Errorf("detail %q lacks %q", e.Detail, s)
				}
			}
			for _, s := range tt.not {
				if strings.Contains(e.Detail, s) {
					t.Errorf("detail %q holds %q", e.Detail, s)
				}
			}
		})
	}
}

// TestAuditFails: an export that cannot be audited is refused.
func TestAuditFails(t *testing.T) {
	svc, _ := scopedService(t)
	broken, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "b.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	broken.Close()
	svc.Audit = broken
	w := &recorder{}
	if _, err := Tickets(context.Background(), svc, admin, "", core.TicketFilter{}, Options{}, w); err == nil || len(w.rows) != 0 {
		t.Errorf("export with a broken audit log: %v, %d rows", err, len(w.rows))
	}
}

func TestFormat(t *testing.T) {
	tests := []struct {
		format, out, want, code string
	}{
		{"", "-", FormatCSV, ""},
		{"", "a.csv", FormatCSV, ""},
		{"", "a.XLSX", FormatXLSX, ""},
		{"", "a.txt", FormatCSV, ""},
		{"csv", "a.xlsx", FormatCSV, ""},
		{"xlsx", "a", FormatXLSX, ""},
		{"xlsx", "-", "", core.EINVALID},
		{"pdf", "a.pdf", "", core.EINVALID},
	}
	for _, tt := range tests {
		got, err := Format(tt.format, tt.out)
		if got != tt.want || core.ErrorCode(err) != tt.code {
			t.Errorf("Format(%q, %q) = %q, %v; want %q %q", tt.format, tt.out, got, err, tt.want, tt.code)
		}
	}
	for _, tt := range []struct {
		format, enc string
		ok          bool
	}{{FormatCSV, tabfile.UTF8, true}, {FormatCSV, tabfile.GBK, true}, {FormatCSV, "latin1", false}, {FormatXLSX, "", true}, {"pdf", "", false}} {
		w, err := NewWriter(io.Discard, tt.format, tt.enc)
		if (err == nil) != tt.ok {
			t.Errorf("NewWriter(%q, %q): %v", tt.format, tt.enc, err)
		}
		if w != nil {
			tabfile.Discard(w)
		}
	}
}
