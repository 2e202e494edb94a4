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
