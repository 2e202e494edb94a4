package web

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// importFixture is the web fixture with the import jobs' files in a
// temporary directory, stopped at the end of the test.
func importFixture(t testing.TB) *fixture {
	t.Helper()
	f := newFixture(t)
	f.server.ImportDir = t.TempDir()
	t.Cleanup(f.server.closeJobs)
	return f
}

// send sends req and reads the answer (do for benchmarks too).
func send(tb testing.TB, c *http.Client, req *http.Request) response {
	tb.Helper()
	resp, err := c.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatal(err)
	}
	return response{resp.StatusCode, resp.Header, b}
}

// upload posts file (named name) to /import as the user of c, with the
// form's token first, then fields, streaming the body.
func upload(tb testing.TB, f *fixture, c *http.Client, csrf, name string, file io.Reader, fields map[string]string) response {
	tb.Helper()
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		err := mw.WriteField("csrf", csrf)
		for k, v := range fields {
			if err == nil {
				err = mw.WriteField(k, v)
			}
		}
		if err == nil && file != nil {
			var fw io.Writer
			if fw, err = mw.CreateFormFile("file", name); err == nil {
				_, err = io.Copy(fw, file)
			}
		}
		if err == nil {
			err = mw.Close()
		}
		pw.CloseWithError(err)
	}()
	req, err := http.NewRequest(http.MethodPost, f.srv.URL+"/import", pr)
	if err != nil {
		tb.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return send(tb, c, req)
}

func postForm(tb testing.TB, f *fixture, c *http.Client, path string, v url.Values) response {
	tb.Helper()
	req, err := http.NewRequest(http.MethodPost, f.srv.URL+path, strings.NewReader(v.Encode()))
	if err != nil {
		tb.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return send(tb, c, req)
}

// jobOf is the job an upload redirected to.
func jobOf(tb testing.TB, r response) string {
	tb.Helper()
	id, ok := strings.CutPrefix(r.header.Get("Location"), "/import/")
	if r.status != http.StatusSeeOther || !ok || id == "" {
		tb.Fatalf("upload: status %d, location %q: %.500s", r.status, r.header.Get("Location"), r.body)
	}
	return id
}

// waitJob waits until job id has ended.
func waitJob(tb testing.TB, f *fixture, id string) *importJob {
	tb.Helper()
	f.server.imports.mu.Lock()
	j := f.server.imports.jobs[id]
	f.server.imports.mu.Unlock()
	if j == nil {
		tb.Fatalf("no job %s", id)
		return nil
	}
	<-j.done
	return j
}

func openFile(tb testing.TB, p string) *os.File {
	tb.Helper()
	fh, err := os.Open(p)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { fh.Close() })
	return fh
}

// importedJob uploads testdata/import_unknown.csv as user, maps its
// columns and imports it; it returns the finished job's id.
func importedJob(tb testing.TB, f *fixture, user string) string {
	tb.Helper()
	c := f.login(tb, user)
	csrf := csrfToken(sessionToken(tb, f, c))
	id := jobOf(tb, upload(tb, f, c, csrf, "import_unknown.csv", openFile(tb, "testdata/import_unknown.csv"), nil))
	r := postForm(tb, f, c, "/import/"+id+"/start", unknownMapping(csrf))
	if r.status != http.StatusSeeOther {
		tb.Fatalf("start: status %d: %.500s", r.status, r.body)
	}
	waitJob(tb, f, id)
	return id
}

// sessionToken is sessionOf for benchmarks too.
func sessionToken(tb testing.TB, f *fixture, c *http.Client) string {
	tb.Helper()
	u, _ := url.Parse(f.srv.URL)
	for _, ck := range c.Jar.Cookies(u) {
		if ck.Name == sessionCookie {
			return ck.Value
		}
	}
	tb.Fatal("no session cookie")
	return ""
}

// unknownMapping is the page's form for import_unknown.csv, mapped.
func unknownMapping(csrf string) url.Values {
	return url.Values{"csrf": {csrf}, "field.1": {"number"}, "field.2": {"received_at"}, "field.3": {"content"},
		"field.4": {"caller_phone"}, "field.5": {""}, "field.6": {""}}
}

func TestImportPage(t *testing.T) {
	f := importFixture(t)
	ctx := context.Background()
	c := f.login(t, "staff")
	csrf := csrfToken(sessionOf(t, f, c))

	// The form.
	r := f.get(t, c, "/import")
	if r.status != http.StatusOK || !bytes.Contains(r.body, []byte(`enctype="multipart/form-data"`)) || !bytes.Contains(r.body, []byte("最大 1 GB")) {
		t.Fatalf("form: %d %.300s", r.status, r.body)
	}

	// The preview: header found under the title row, HTML escaped, the
	// columns the field set knows preselected, the others to pick.
	id := jobOf(t, upload(t, f, c, csrf, "import_unknown.csv", openFile(t, "testdata/import_unknown.csv"), nil))
	r = f.get(t, c, "/import/"+id)
	page := string(r.body)
	for _, want := range []string{"表头在第 <strong>2</strong> 行", "&lt;b&gt;附注&lt;/b&gt;", "&lt;script&gt;alert(1)&lt;/script&gt;楼道灯坏了",
		`<option value="number" selected>`, "保留为附加信息", "必填字段 <strong>受理时间、诉求内容</strong>", "13812345678"} {
		if !strings.Contains(page, want) {
			t.Errorf("preview lacks %q", want)
		}
	}
	for _, bad := range []string{"<script>alert", "<b>附注"} {
		if strings.Contains(page, bad) {
			t.Errorf("preview shows %q unescaped", bad)
		}
	}

	// Starting with required fields unmapped is refused, with the reason.
	v := unknownMapping(csrf)
	v.Set("field.3", "")
	r = postForm(t, f, c, "/import/"+id+"/start", v)
	if r.status != http.StatusBadRequest || !strings.Contains(string(r.body), "必填字段 诉求内容 没有对应的列") {
		t.Errorf("start without required fields: %d %.300s", r.status, r.body)
	}
	// A mapping that would make another row the header is refused.
	r = postForm(t, f, c, "/import/"+id+"/mapping", url.Values{"csrf": {csrf}})
	if r.status != http.StatusBadRequest || !strings.Contains(string(r.body), "第 1 行而不是第 2 行会被当作表头") {
		t.Errorf("header moved: %d %.300s", r.status, r.body)
	}
	// One field for two columns is refused.
	v = unknownMapping(csrf)
	v.Set("field.6", "number")
	r = postForm(t, f, c, "/import/"+id+"/mapping", v)
	if r.status != http.StatusBadRequest || !strings.Contains(string(r.body), "同时选给了第 1 列和第 6 列") {
		t.Errorf("a field twice: %d %.300s", r.status, r.body)
	}
	// An unknown field is refused.
	v = unknownMapping(csrf)
	v.Set("field.2", "no_such_field")
	if r = postForm(t, f, c, "/import/"+id+"/mapping", v); r.status != http.StatusBadRequest {
		t.Errorf("unknown field: %d", r.status)
	}

	// Mapped in the page and saved under a name.
	v = unknownMapping(csrf)
	v.Set("save_as", "问政平台导出")
	if r = postForm(t, f, c, "/import/"+id+"/mapping", v); r.status != http.StatusSeeOther {
		t.Fatalf("mapping: %d %.300s", r.status, r.body)
	}
	saved, err := f.store.ImportMapping(ctx, "问政平台导出")
	if err != nil || saved.CreatedBy != "staff" || !strings.Contains(saved.Text, `"工单编号","-"`) || !strings.Contains(saved.Text, `"事项号码","number"`) {
		t.Fatalf("saved mapping %+v, %v", saved, err)
	}
	r = f.get(t, c, "/import/"+id)
	if strings.Contains(string(r.body), "必填字段 <strong>") || !strings.Contains(string(r.body), "按映射") {
		t.Errorf("preview after the mapping: %.2000s", r.body)
	}

	// Another user's job is not there; roles without the desk are refused.
	if r := f.get(t, f.login(t, "leader"), "/import/"+id); r.status != http.StatusForbidden {
		t.Errorf("leader: %d", r.status)
	}
	admin := f.login(t, "admin")
	if r := postForm(t, f, admin, "/import/"+id+"/start", unknownMapping(csrfToken(sessionOf(t, f, admin)))); r.status != http.StatusNotFound {
		t.Errorf("admin starts staff's job: %d, want 404", r.status)
	}

	// The import, in the background, to its summary.
	if r = postForm(t, f, c, "/import/"+id+"/start", unknownMapping(csrf)); r.status != http.StatusSeeOther {
		t.Fatalf("start: %d %.300s", r.status, r.body)
	}
	j := waitJob(t, f, id)
	if _, err := os.Stat(j.path); !os.IsNotExist(err) {
		t.Errorf("the upload is kept after the import: %v", err)
	}
	st := decode[importStatusJSON](t, f.get(t, c, "/api/v1/imports/"+id))
	if !st.Done || st.State != jobDone || st.Summary == nil || st.Summary.Created != 2 || st.Summary.Rejected != 1 || !st.Summary.Rejects ||
		st.Percent == nil || *st.Percent != 100 {
		t.Fatalf("status %+v %+v", st, st.Summary)
	}
	r = f.get(t, c, "/import/"+id)
	for _, want := range []string{"导入完成", "/import/" + id + "/rejects.xlsx", "&lt;b&gt;附注&lt;/b&gt;"} {
		if !strings.Contains(string(r.body), want) {
			t.Errorf("summary lacks %q: %.1500s", want, r.body)
		}
	}
	if strings.Contains(string(r.body), "<b>附注") {
		t.Error("summary shows a header's HTML unescaped")
	}
	tk, err := f.store.TicketByNumber(ctx, "WZ001")
	if err != nil || tk.CallerPhone != "13812345678" || tk.Extra["工单编号"] != "旧001" || tk.SourceFile != "import_unknown.csv" {
		t.Fatalf("imported ticket %+v, %v", tk, err)
	}
	ev, err := f.store.TicketEvents(ctx, tk.ID)
	if err != nil || len(ev) == 0 || ev[0].Actor != "import:import_unknown.csv by staff" {
		t.Errorf("history %+v, %v", ev, err)
	}

	// The rejects as Excel, with the reason: the owner and administrators.
	for _, who := range []*http.Client{c, admin} {
		r = f.get(t, who, "/import/"+id+"/rejects.xlsx")
		if r.status != http.StatusOK || r.header.Get("Cache-Control") != "no-store" {
			t.Fatalf("rejects: %d %.300s", r.status, r.body)
		}
		x, err := excelize.OpenReader(bytes.NewReader(r.body))
		if err != nil {
			t.Fatal(err)
		}
		rows, err := x.GetRows(x.GetSheetList()[0])
		x.Close()
		if err != nil || len(rows) != 2 {
			t.Fatalf("rejects rows %q, %v", rows, err)
		}
		h, row := rows[0], rows[1]
		if h[len(h)-2] != "行号" || h[len(h)-1] != "拒绝原因" || row[0] != "WZ002" || row[len(row)-2] != "4" || !strings.Contains(row[len(row)-1], "日期不存在") {
			t.Errorf("rejects %q", rows)
		}
	}
	if r := f.get(t, f.login(t, "community"), "/import/"+id+"/rejects.xlsx"); r.status != http.StatusForbidden {
		t.Errorf("community worker downloads rejects: %d", r.status)
	}

	// The next file of the same source, with the saved mapping: nothing to
	// pick.
	id2 := jobOf(t, upload(t, f, c, csrf, "next.csv", openFile(t, "testdata/import_unknown.csv"), map[string]string{"mapping": "问政平台导出"}))
	r = f.get(t, c, "/import/"+id2)
	if strings.Contains(string(r.body), "必填字段 <strong>") || !strings.Contains(string(r.body), `value="问政平台导出"`) {
		t.Errorf("preview with the saved mapping: %.2000s", r.body)
	}

	// Jobs expire, with their files.
	dir := j.dir
	f.server.imports.sweep(fixedNow.Add(importJobTTL + time.Minute))
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("expired job's files kept: %v", err)
	}
	if r := f.get(t, c, "/import/"+id); r.status != http.StatusNotFound {
		t.Errorf("expired job: %d", r.status)
	}
}

func TestImportUploadRefused(t *testing.T) {
	zipNotXLSX := func() io.Reader {
		var b bytes.Buffer
		b.WriteString("PK\x03\x04")
		b.Write(bytes.Repeat([]byte{0}, 100))
		return &b
	}
	tests := []struct {
		name   string
		file   io.Reader // nil: no file part
		fields map[string]string
		csrf   string // "" the session's
		status int
		want   string
	}{
		{name: "oversized", file: strings.NewReader(strings.Repeat("工单编号,来电时间,诉求内容\n", 200)), status: http.StatusRequestEntityTooLarge, want: "文件超过上限 4 KB"},
		{name: "an image", file: bytes.NewReader([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00")), status: http.StatusBadRequest, want: "不是文本文件"},
		{name: "a zip that is no workbook", file: zipNotXLSX(), status: http.StatusBadRequest, want: "XLSX"},
		{name: "old excel", file: bytes.NewReader(append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 600)...)), status: http.StatusBadRequest, want: ".xls"},
		{name: "empty", file: strings.NewReader(""), status: http.StatusBadRequest, want: "空的"},
		{name: "no file", status: http.StatusBadRequest, want: "请选择要导入的文件"},
		{name: "forged form", file: strings.NewReader("工单编号\nA1\n"), csrf: "forged", status: http.StatusForbidden, want: "表单已过期"},
		{name: "unknown saved mapping", file: strings.NewReader("工单编号\nA1\n"), fields: map[string]string{"mapping": "没有这个"}, status: http.StatusBadRequest, want: "没有名为"},
		{name: "too many form fields", file: strings.NewReader("工单编号\nA1\n"), fields: manyFields(20), status: http.StatusBadRequest, want: "上传格式不对"},
		{name: "missing sheet", file: strings.NewReader("工单编号\nA1\n"), fields: map[string]string{"sheet": "x"}, status: http.StatusSeeOther}, // CSV: no sheets
	}
	f := importFixture(t)
	f.server.MaxImportUpload = 4 << 10
	c := f.login(t, "staff")
	csrf := csrfToken(sessionOf(t, f, c))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			token := csrf
			if tt.csrf != "" {
				token = tt.csrf
			}
			r := upload(t, f, c, token, "x.csv", tt.file, tt.fields)
			if r.status != tt.status || !strings.Contains(string(r.body), tt.want) {
				t.Errorf("status %d, want %d with %q: %.400s", r.status, tt.status, tt.want, r.body)
			}
			if tt.status != http.StatusSeeOther {
				left, _ := os.ReadDir(f.server.ImportDir)
				if len(left) != 0 {
					t.Errorf("a refused upload left %d files", len(left))
				}
			}
		})
	}
	// A declared length over the limit is refused before the body is read.
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("csrf", csrf)
	fw, _ := mw.CreateFormFile("file", "big.csv")
	fw.Write(bytes.Repeat([]byte("x"), 2<<20))
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, f.srv.URL+"/import", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	if r := send(t, c, req); r.status != http.StatusRequestEntityTooLarge || !strings.Contains(string(r.body), "文件超过上限") {
		t.Errorf("declared length over the limit: %d", r.status)
	}
	// Not multipart at all.
	r := postForm(t, f, c, "/import", url.Values{"csrf": {csrf}})
	if r.status != http.StatusBadRequest {
		t.Errorf("urlencoded post: %d", r.status)
	}
}

// TestImportShutdownRemovesFiles: stopping the server removes every job's
// files.
func TestImportShutdownRemovesFiles(t *testing.T) {
	f := importFixture(t)
	c := f.login(t, "admin")
	csrf := csrfToken(sessionOf(t, f, c))
	jobOf(t, upload(t, f, c, csrf, "a.csv", openFile(t, "testdata/import_unknown.csv"), nil))
	importedJob(t, f, "staff")
	if left, _ := os.ReadDir(f.server.ImportDir); len(left) != 2 {
		t.Fatalf("%d job directories, want 2", len(left))
	}
	f.server.closeJobs()
	if left, _ := os.ReadDir(f.server.ImportDir); len(left) != 0 {
		t.Errorf("%d job directories after shutdown", len(left))
	}
}

// TestImportXLSX: a workbook goes the same way, on the sheet named in the
// form.
func TestImportXLSX(t *testing.T) {
	f := importFixture(t)
	c := f.login(t, "admin")
	csrf := csrfToken(sessionOf(t, f, c))
	x := excelize.NewFile()
	x.SetSheetRow("Sheet1", "A1", &[]any{"说明"})
	x.NewSheet("工单")
	x.SetSheetRow("工单", "A1", &[]any{"工单编号", "来电时间", "诉求内容", "备注"})
	x.SetSheetRow("工单", "A2", &[]any{"X001", "2025-02-03 08:30", "楼道灯坏了", "<img src=x onerror=alert(1)>"})
	var b bytes.Buffer
	if err := x.Write(&b); err != nil {
		t.Fatal(err)
	}
	id := jobOf(t, upload(t, f, c, csrf, "工单.xlsx", bytes.NewReader(b.Bytes()), map[string]string{"sheet": "工单"}))
	r := f.get(t, c, "/import/"+id)
	if !strings.Contains(string(r.body), "（XLSX，") || !strings.Contains(string(r.body), "&lt;img src=x onerror=alert(1)&gt;") || strings.Contains(string(r.body), "<img src=x") {
		t.Fatalf("xlsx preview: %.3000s", r.body)
	}
	if r := postForm(t, f, c, "/import/"+id+"/start", shownForm(t, f, id, csrf)); r.status != http.StatusSeeOther {
		t.Fatalf("start: %d", r.status)
	}
	if j := waitJob(t, f, id); j.state != jobDone || j.sum.Created != 1 {
		t.Fatalf("xlsx import: %s %q %+v", j.state, j.errMsg, j.sum)
	}
	st := decode[importStatusJSON](t, f.get(t, c, "/api/v1/imports/"+id))
	if st.Percent != nil || st.Summary == nil || st.Summary.Rejects {
		t.Errorf("xlsx status %+v", st)
	}
	if r := f.get(t, c, "/import/"+id+"/rejects.xlsx"); r.status != http.StatusNotFound {
		t.Errorf("rejects of an import without any: %d", r.status)
	}
}

func TestUploadName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"export.csv", "export.csv"},
		{`C:\Users\张三\问政导出.xlsx`, "问政导出.xlsx"},
		{"../../etc/passwd", "passwd"},
		{"..", "upload"},
		{"", "upload"},
		{"a\x00b\nc.csv", "abc.csv"},
		{strings.Repeat("长", 100) + ".xlsx", strings.Repeat("长", 75) + ".xlsx"},
	}
	for _, tt := range tests {
		if got := uploadName(tt.in); got != tt.want {
			t.Errorf("uploadName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// FuzzUploadName: whatever a browser sends as the file's name, the name
// stays inside the job's directory and prints as text.
func FuzzUploadName(f *testing.F) {
	f.Add("问政导出.xlsx")
	f.Add("../a/../../b")
	f.Add("\x00\xff.csv")
	f.Fuzz(func(t *testing.T, in string) {
		got := uploadName(in)
		if got == "" || got == "." || got == ".." || strings.ContainsAny(got, "/\\") || utf8.RuneCountInString(got) > 80 ||
			!utf8.ValidString(got) || strings.IndexFunc(got, unicode.IsControl) >= 0 {
			t.Fatalf("uploadName(%q) = %q", in, got)
		}
	})
}

func manyFields(n int) map[string]string {
	m := map[string]string{}
	for i := range n {
		m["f"+strconv.Itoa(i)] = "x"
	}
	return m
}

// TestImportProgressPage: a started import shows a progress bar that the
// page's script polls, and refreshes itself without a script; the job's
// files are private; the logs carry no cell values.
func TestImportProgressPage(t *testing.T) {
	f := importFixture(t)
	var logs bytes.Buffer
	f.server.Log = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c := f.login(t, "staff")
	csrf := csrfToken(sessionOf(t, f, c))
	id := jobOf(t, upload(t, f, c, csrf, "import_unknown.csv", openFile(t, "testdata/import_unknown.csv"), nil))
	f.server.imports.store <- struct{}{} // the import waits for the store
	if r := postForm(t, f, c, "/import/"+id+"/start", unknownMapping(csrf)); r.status != http.StatusSeeOther {
		t.Fatalf("start: %d", r.status)
	}
	r := f.get(t, c, "/import/"+id)
	page := string(r.body)
	for _, want := range []string{`<noscript><meta http-equiv="refresh" content="3"></noscript>`, `<script src="/static/job.js"></script>`,
		`data-status="/api/v1/imports/` + id + `"`, "<progress"} {
		if !strings.Contains(page, want) {
			t.Errorf("progress page lacks %q", want)
		}
	}
	st := decode[importStatusJSON](t, f.get(t, c, "/api/v1/imports/"+id))
	if st.Done || st.State != jobQueued {
		t.Errorf("queued job: %+v", st)
	}
	if r := f.get(t, c, "/static/job.js"); r.status != http.StatusOK || !bytes.Contains(r.body, []byte("data-status")) {
		t.Errorf("job.js: %d", r.status)
	}
	<-f.server.imports.store
	j := waitJob(t, f, id)
	for path, want := range map[string]os.FileMode{j.dir: 0o700, j.sum.RejectsFile: 0o600} {
		fi, err := os.Stat(path)
		if err != nil || fi.Mode().Perm() != want {
			t.Errorf("%s: mode %v (%v), want %v", filepath.Base(path), fi.Mode().Perm(), err, want)
		}
	}
	for _, secret := range []string{"13812345678", "楼道灯坏了", "WZ001", "旧001"} {
		if strings.Contains(logs.String(), secret) {
			t.Errorf("the logs show %q", secret)
		}
	}
}

// TestImportZone: the import page reads naive times in the street's zone
// (serve -tz, Server.Location), and a time with an offset keeps its
// instant.
func TestImportZone(t *testing.T) {
	tests := []struct {
		name string
		zone *time.Location
		want time.Time // of WZ001's 2025-02-03 08:30
	}{
		{"default China Standard Time", nil, time.Date(2025, 2, 3, 0, 30, 0, 0, time.UTC)},
		{"UTC", time.UTC, time.Date(2025, 2, 3, 8, 30, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := importFixture(t)
			if tt.zone != nil {
				f.server.Location = tt.zone
			}
			importedJob(t, f, "admin")
			tk, err := f.store.TicketByNumber(context.Background(), "WZ001")
			if err != nil {
				t.Fatal(err)
			}
			if !tk.ReceivedAt.Equal(tt.want) {
				t.Errorf("received %v, want %v", tk.ReceivedAt.UTC(), tt.want)
			}
		})
	}
}
