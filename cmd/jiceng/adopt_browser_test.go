package main

import (
	"bytes"
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"jiceng/internal/browsertest"
)

var initPasswordRE = regexp.MustCompile(`账号 admin 的密码[^\n]*\n\s+(\S+)`)

// TestBrowserAdoption is a new street's first day, end to end, with the
// real commands and the real server in a headless Chromium: jiceng init
// creates the database and the first administrator, jiceng registry loads
// the street's communities and units, jiceng serve serves them; then the
// administrator creates an account of each role in 用户管理, the staff take
// a call through 受理登记 (预览研判, then 保存) and dispatch it, import the
// street's 问政 export whose content column no alias knows (mapped in the
// page), see the summary and download the rejected row; the handler of the
// lead unit reveals the caller's phone with a reason, and the
// administrator finds the reveal in 审计日志. As each role, the pages the
// role must not use answer 403. Each page visited is saved as a
// screenshot (go test -artifacts -outputdir DIR keeps them).
func TestBrowserAdoption(t *testing.T) {
	b := browsertest.New(t) // first: skipped in -short or without a browser
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "street.db")

	// jiceng init: the database and the first administrator, whose
	// password is printed once.
	var out, errb bytes.Buffer
	if code := run(ctx, []string{"init", "-db", db}, strings.NewReader(""), &out, &errb); code != 0 {
		t.Fatalf("init: exit %d\n%s%s", code, out.String(), errb.String())
	}
	m := initPasswordRE.FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("init printed no password for admin:\n%s", out.String())
	}
	adminPassword := m[1]

	// jiceng registry: the street's communities, grids and units.
	out.Reset()
	errb.Reset()
	if code := run(ctx, []string{"registry", "-db", db, "-areas", "testdata/street_areas.csv", "-units", "testdata/street_units.csv"},
		strings.NewReader(""), &out, &errb); code != 0 {
		t.Fatalf("registry: exit %d\n%s%s", code, out.String(), errb.String())
	}
	if want := "街道 1 个, 社区 2 个, 网格 3 个, 承办单位 4 个"; !strings.Contains(out.String(), want) {
		t.Fatalf("registry output lacks %q:\n%s", want, out.String())
	}

	// jiceng serve, in-process, on a free port.
	stdout, stderr, cancel, done := startCommand(t, "serve", "-addr", "127.0.0.1:0", "-db", db)
	stopped := false
	t.Cleanup(func() {
		if !stopped {
			cancel()
			<-done // the server closes the database before the directory goes
		}
	})
	base := stdout.waitURL(t, done, stderr)

	b.Base = strings.TrimSuffix(base, "/")
	nav := func() string { return b.Text(`header.topbar`) }

	// The administrator signs in with the printed password and creates an
	// account of each role.
	b.SignIn("/", "admin", adminPassword, `form[action="/logout"]`)
	b.Shot("admin-workbench")
	if got := nav(); !strings.Contains(got, "用户管理") || !strings.Contains(got, "审计日志") {
		t.Errorf("the administrator's top bar lacks 用户管理 or 审计日志: %q", got)
	}
	b.Visit("/admin/users", `table#users`)
	b.Shot("admin-users")
	type account struct{ username, name, role, label, unit, community, password string }
	accounts := []*account{
		{username: "zhou", name: "周受理", role: "staff", label: "街道工作人员"},
		{username: "liu", name: "刘社区", role: "community", label: "社区工作者", community: "望春园社区"},
		{username: "wang", name: "王承办", role: "handler", label: "部门承办人", unit: "城市管理办公室"},
		{username: "chen", name: "陈领导", role: "leader", label: "街道领导"},
	}
	for _, a := range accounts {
		// Each account from a fresh page: the password shown is the new one.
		b.Visit("/admin/users", `form[action="/admin/users"]`)
		form := `form[action="/admin/users"] `
		steps := []chromedp.Action[chromedp.Void]{
			chromedp.SendKeys(form+`input[name=username]`, a.username),
			chromedp.SendKeys(form+`input[name=name]`, a.name),
			chromedp.SetValue(form+`select[name=role]`, a.role),
		}
		if a.unit != "" {
			steps = append(steps, chromedp.SetValue(`#unit-new`, a.unit))
		}
		if a.community != "" {
			steps = append(steps, chromedp.SetValue(`#community-new`, a.community))
		}
		b.Do("fill in the account "+a.username, steps...)
		if st := b.Load("create the account "+a.username, chromedp.Submit(form+`input[name=username]`)); st != 200 {
			t.Fatalf("create %s: status %d: %s", a.username, st, b.Text("main"))
		}
		b.Do("the new password of "+a.username, chromedp.WaitVisible(`#new-password`))
		if got := b.Text(`#new-password strong`); got != a.username {
			t.Fatalf("password shown for %q, want %s", got, a.username)
		}
		a.password = strings.TrimSpace(b.Text(`#new-password code.password`))
		if len(a.password) < 14 {
			t.Fatalf("generated password of %s: %q", a.username, a.password)
		}
		b.Shot("admin-users-created-" + a.username)
	}
	users := b.Text(`table#users tbody`)
	for _, a := range accounts {
		for _, want := range []string{a.username, a.name, a.label, a.unit, a.community} {
			if !strings.Contains(users, want) {
				t.Errorf("用户管理 lacks %q of %s: %q", want, a.username, users)
			}
		}
	}
	if got := b.Text(`main p.hint`); !strings.Contains(got, "共 5 个账号") {
		t.Errorf("users page: %q, want 共 5 个账号", got)
	}
	b.SignOut()
	staff, community, handler, leader := accounts[0], accounts[1], accounts[2], accounts[3]

	// The staff take a call: the form, 预览研判 in place, then 保存.
	b.SignIn("/", staff.username, staff.password, `form[action="/logout"]`)
	b.Shot("staff-workbench")
	if got := nav(); !strings.Contains(got, "受理登记") || !strings.Contains(got, "导入工单") ||
		strings.Contains(got, "用户管理") || strings.Contains(got, "审计日志") {
		t.Errorf("the staff's top bar: %q", got)
	}
	b.Refused("/admin/users", 403, "staff-refused-users")
	b.Refused("/admin/audit", 403, "staff-refused-audit")
	b.Visit("/tickets/new", `#intake-form`)
	const (
		title = "望春园5号楼前井盖缺失"
		phone = "13912345678"
	)
	b.Do("fill in the ticket form",
		chromedp.SetValue(`select[name=channel]`, "12345"),
		chromedp.SendKeys(`input[name=title]`, title),
		chromedp.SendKeys(`textarea[name=content]`, "来电反映望春园小区5号楼前人行道井盖缺失，晚上有行人差点跌落，非常危险，请尽快处理。"),
		chromedp.SendKeys(`input[name=caller_name]`, "李建国"),
		chromedp.SendKeys(`input[name=caller_phone]`, phone),
		chromedp.SendKeys(`input[name=address]`, "望春园小区5号楼前"),
		chromedp.SetValue(`#intake-community`, "望春园社区"),
	)
	b.Shot("staff-intake-form")
	b.Do("预览研判", chromedp.Click(`#intake-preview`), chromedp.WaitVisible(`#preview dl.fields`))
	if got := b.Text(`#preview`); !strings.Contains(got, "诉求类型") || !strings.Contains(got, "紧急程度") ||
		!strings.Contains(got, "派单") {
		t.Errorf("预览研判: %q", got)
	}
	b.Shot("staff-intake-preview")
	if st := b.Load("保存", chromedp.Click(`button[value=save]`)); st != 200 {
		t.Fatalf("save the ticket: status %d: %s", st, b.Text("main"))
	}
	b.Do("the new ticket's page", chromedp.WaitVisible(`#workflow`))
	ticketURL := b.Eval(`location.pathname`)
	if !regexp.MustCompile(`^/tickets/[0-9]+$`).MatchString(ticketURL) {
		t.Fatalf("after saving: at %s, want the ticket's page", ticketURL)
	}
	number := strings.TrimSpace(strings.TrimPrefix(b.Text(`p.crumbs`), "工单查询 ›"))
	page := b.Text(`main`)
	for _, want := range []string{title, "受理", "受理渠道：12345", phone, "望春园社区"} {
		if !strings.Contains(page, want) {
			t.Errorf("the new ticket's page lacks %q", want)
		}
	}
	if number == "" || !strings.Contains(page, number) {
		t.Errorf("ticket number %q", number)
	}
	b.Shot("staff-ticket-saved")

	// The staff dispatch it to the city management office.
	if got := b.Text(`#workflow details.action summary`); got != "派单" {
		t.Fatalf("the first action on a new ticket is %q, want 派单", got)
	}
	b.Do("open the dispatch form",
		chromedp.Click(`#workflow details.action summary`),
		chromedp.WaitVisible(`#workflow details.action select[name=unit]`),
		chromedp.SetValue(`#workflow details.action select[name=unit]`, handler.unit),
	)
	b.Shot("staff-dispatch-form")
	if st := b.Load("派单", chromedp.Click(`#workflow details.action button[type=submit]`)); st != 200 {
		t.Fatalf("dispatch: status %d: %s", st, b.Text("main"))
	}
	b.Do("the ticket after dispatch", chromedp.WaitVisible(`#wf-status`))
	if got := strings.TrimSpace(b.Text(`#wf-status`)); got != "派单" {
		t.Errorf("status after dispatch %q, want 派单", got)
	}
	if got := b.Text(`#workflow`); !strings.Contains(got, handler.unit) || !strings.Contains(got, "办结时限") {
		t.Errorf("workflow after dispatch: %q", got)
	}
	b.Shot("staff-dispatched")

	// The staff import the street's 问政 export: 市民诉求正文 is a header
	// no alias knows, mapped to 诉求内容 in the page; one row has a date
	// that does not exist.
	file, err := filepath.Abs("testdata/wenzheng_export.csv")
	if err != nil {
		t.Fatal(err)
	}
	b.Visit("/import", `form[action="/import"] input[type=file]`)
	b.Shot("staff-import-form")
	b.Do("choose the file", chromedp.SetUploadFiles(`form[action="/import"] input[type=file]`, []string{file}))
	if st := b.Load("upload", chromedp.Click(`form[action="/import"] button[type=submit]`)); st != 200 {
		t.Fatalf("upload: status %d: %s", st, b.Text("main"))
	}
	b.Do("the preview", chromedp.WaitVisible(`#map-h`))
	b.Shot("staff-import-preview")
	if got := b.Text(`main`); !strings.Contains(got, "诉求内容") || !strings.Contains(got, "还没有对应的列") {
		t.Errorf("the preview does not say that 诉求内容 has no column: %q", got)
	}
	if got := b.Eval(`document.querySelector("#field-5").closest("tr").innerText`); !strings.Contains(got, "市民诉求正文") || !strings.Contains(got, "未识别") {
		t.Errorf("column 5 of the preview: %q, want 市民诉求正文 未识别", got)
	}
	// Columns: 1 留言编号, 2 留言用户, 3 留言主题, 4 留言时间, 5 市民诉求正文.
	for sel, want := range map[string]string{"#field-1": "number", "#field-3": "title", "#field-4": "received_at", "#field-5": ""} {
		if got := b.Value(sel); got != want {
			t.Errorf("%s maps to %q, want %q", sel, got, want)
		}
	}
	b.Do("map 市民诉求正文 to 诉求内容",
		chromedp.SetValue(`#field-5`, "content"),
		chromedp.SendKeys(`input[name=save_as]`, "问政平台留言导出"),
	)
	if st := b.Load("应用并重新预览", chromedp.Click(`#map-h ~ form button[formaction]`)); st != 200 {
		t.Fatalf("apply the mapping: status %d: %s", st, b.Text("main"))
	}
	b.Do("the preview with the mapping", chromedp.WaitVisible(`#map-h`))
	if got := b.Value(`#field-5`); got != "content" {
		t.Errorf("after applying, 市民诉求正文 maps to %q", got)
	}
	// With the mapping complete, the preview says which row will be
	// rejected and why (the date that does not exist).
	if got := b.Text(`main`); strings.Contains(got, "还没有对应的列") {
		t.Errorf("the preview after mapping still misses a required field: %q", got)
	} else if !strings.Contains(got, "此行将被拒绝") || !strings.Contains(got, "日期不存在") {
		t.Errorf("the preview does not warn of the bad date's row: %q", got)
	}
	b.Shot("staff-import-mapped")
	if st := b.Load("开始导入", chromedp.Click(`#map-h ~ form button:not([formaction])`)); st != 200 {
		t.Fatalf("start the import: status %d: %s", st, b.Text("main"))
	}
	// The progress page reloads itself when the job is done.
	b.Do("the import's summary", chromedp.WaitVisible(`#sum-h`))
	b.Shot("staff-import-summary")
	summary := map[string]string{}
	for _, row := range strings.Split(b.Eval(`Array.from(document.querySelectorAll("section table.list tr")).map(function (tr) { return tr.cells[0].innerText + "=" + tr.cells[1].innerText; }).join("\n")`), "\n") {
		k, v, _ := strings.Cut(row, "=")
		summary[strings.TrimSpace(k)] = strings.TrimSpace(v)
	}
	if got := b.Text(`#sum-h`); got != "导入完成" {
		t.Errorf("summary heading %q", got)
	}
	if summary["新增"] != "2" || summary["拒绝"] != "1" {
		t.Errorf("summary %v, want 新增 2 and 拒绝 1", summary)
	}
	rejects := b.Download("the rejected rows", chromedp.Click(`a[href$="/rejects.xlsx"]`))
	checkRejects(t, rejects, "WZ2502002", "留言时间: 日期不存在")
	b.Visit("/import", `form[action="/import"]`)
	if got := b.Text(`main`); !strings.Contains(got, "问政平台留言导出") || !strings.Contains(got, "wenzheng_export.csv") {
		t.Errorf("the import page lacks the saved mapping or the job: %q", got)
	}
	b.Shot("staff-import-list")
	b.Visit("/tickets", `table.list`)
	if got := b.Text(`p.summary`); !strings.Contains(got, "共 3 件工单") {
		t.Errorf("ticket list after the import: %q, want 共 3 件工单", got)
	}
	if got := b.Text(`table.list tbody`); !strings.Contains(got, "WZ2502001") || !strings.Contains(got, "WZ2502003") ||
		strings.Contains(got, "WZ2502002") {
		t.Errorf("ticket list after the import: %q, want WZ2502001 and WZ2502003, not the rejected WZ2502002", got)
	}
	b.Shot("staff-tickets")
	// The imported ticket holds the content of the column mapped in the page.
	b.Load("open WZ2502001", chromedp.Click(chromedp.Search(`//table[contains(@class,"list")]//a[contains(., "WZ2502001")]`)))
	b.Do("the imported ticket", chromedp.WaitVisible(`dl.fields`))
	if got := b.Text(`dl.fields`); !strings.Contains(got, "北门的路灯坏了一周") || !strings.Contains(got, "网友春风") {
		t.Errorf("the imported ticket lacks its content or poster: %q", got)
	}
	b.Shot("staff-imported-ticket")
	b.SignOut()

	// The handler of the lead unit: the ticket is theirs, the phone masked
	// until revealed with a reason.
	b.SignIn("/", handler.username, handler.password, `form[action="/logout"]`)
	b.Shot("handler-workbench")
	if got := nav(); strings.Contains(got, "受理登记") || strings.Contains(got, "导入工单") || strings.Contains(got, "用户管理") {
		t.Errorf("the handler's top bar: %q", got)
	}
	for _, path := range []string{"/tickets/new", "/import", "/admin/users", "/admin/audit"} {
		b.Refused(path, 403, "handler-refused"+strings.ReplaceAll(path, "/", "-"))
	}
	b.Visit("/tickets", `table.list`)
	if got := b.Text(`table.list tbody`); !strings.Contains(got, number) {
		t.Errorf("the handler's list lacks %s: %q", number, got)
	}
	b.Shot("handler-tickets")
	b.Visit(ticketURL, `details.reveal`)
	masked := phone[:3] + "****" + phone[7:]
	if got := b.Text(`main`); strings.Contains(got, phone) || !strings.Contains(got, masked) {
		t.Errorf("before the reveal the handler sees the phone as %q, want %s only", got, masked)
	}
	b.Shot("handler-ticket")
	const reason = "先行联系来电人核实井盖位置"
	b.Do("open the reveal form",
		chromedp.Click(`details.reveal summary`),
		chromedp.WaitVisible(`details.reveal input[name=reason]`),
		chromedp.SendKeys(`details.reveal input[name=reason]`, reason),
	)
	b.Shot("handler-reveal-form")
	if st := b.Load("reveal", chromedp.Click(`details.reveal button[type=submit]`)); st != 200 {
		t.Fatalf("reveal: status %d: %s", st, b.Text("main"))
	}
	b.Do("the revealed contact", chromedp.WaitVisible(`div.contact`))
	if got := b.Text(`div.contact`); !strings.Contains(got, phone) || !strings.Contains(got, "审计日志") {
		t.Errorf("revealed: %q", got)
	}
	b.Shot("handler-revealed")
	b.SignOut()

	// The community worker of the ticket's community sees it, masked,
	// with no reveal (the lead unit is another), and may take calls.
	b.SignIn("/", community.username, community.password, `form[action="/logout"]`)
	b.Shot("community-workbench")
	if got := nav(); !strings.Contains(got, "受理登记") || strings.Contains(got, "导入工单") || strings.Contains(got, "用户管理") {
		t.Errorf("the community worker's top bar: %q", got)
	}
	for _, path := range []string{"/import", "/admin/users", "/admin/audit"} {
		b.Refused(path, 403, "community-refused"+strings.ReplaceAll(path, "/", "-"))
	}
	b.Visit("/tickets/new", `#intake-form`)
	if got := b.Value(`#intake-community`); got != community.community {
		t.Errorf("the community worker's form starts with community %q, want %s", got, community.community)
	}
	b.Shot("community-intake-form")
	b.Visit(ticketURL, `dl.fields`)
	if got := b.Text(`main`); strings.Contains(got, phone) || !strings.Contains(got, masked) || !strings.Contains(got, title) {
		t.Errorf("the community worker's view of the ticket: %q", got)
	}
	if n := b.Eval(`String(document.querySelectorAll("details.reveal").length)`); n != "0" {
		t.Errorf("the community worker is offered a reveal on another unit's ticket")
	}
	b.Shot("community-ticket")
	b.SignOut()

	// The leader reads the street's figures and tickets, masked, and
	// takes in nothing.
	b.SignIn("/", leader.username, leader.password, `form[action="/logout"]`)
	b.Shot("leader-rates")
	if got := b.Eval(`location.pathname`); got != "/rates" {
		t.Errorf("the leader lands on %s, want /rates", got)
	}
	for _, path := range []string{"/tickets/new", "/import", "/admin/users", "/admin/audit"} {
		b.Refused(path, 403, "leader-refused"+strings.ReplaceAll(path, "/", "-"))
	}
	b.Visit(ticketURL, `dl.fields`)
	if got := b.Text(`main`); strings.Contains(got, phone) || !strings.Contains(got, masked) {
		t.Errorf("the leader sees the phone in clear before a reveal")
	}
	b.Shot("leader-ticket")
	b.SignOut()

	// The administrator finds the reveal in 审计日志: who, which ticket,
	// which field, why; never the value.
	b.SignIn("/admin/audit", "admin", adminPassword, `form.filters`)
	b.Shot("admin-audit")
	if got := b.Text(`main`); !strings.Contains(got, "导出") {
		t.Errorf("the audit log lacks the download of the rejected rows: %q", got)
	}
	b.Do("filter by 查看完整信息", chromedp.SetValue(`select[name=action]`, "reveal"))
	if st := b.Load("filter the audit log", chromedp.Submit(`form.filters`)); st != 200 {
		t.Fatalf("filter: status %d", st)
	}
	b.Do("the reveals", chromedp.WaitVisible(`table.audit`))
	rows := b.Text(`table.audit tbody`)
	for _, want := range []string{handler.username, handler.label, "查看完整信息", number, "联系电话", reason} {
		if !strings.Contains(rows, want) {
			t.Errorf("the audit log lacks %q: %q", want, rows)
		}
	}
	if strings.Contains(b.Text(`main`), phone) {
		t.Error("the audit page shows the revealed phone")
	}
	b.Shot("admin-audit-reveals")
	b.SignOut()

	stopped = true
	stopCommand(t, cancel, done, stderr)
	if strings.Contains(stderr.String(), phone) || strings.Contains(stderr.String(), "李建国") {
		t.Error("the server's log holds the caller's phone or name")
	}
}

// checkRejects checks that the rejected rows' workbook holds the row of
// number, with its reason.
func checkRejects(t *testing.T, data []byte, number, reason string) {
	t.Helper()
	x, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("the rejected rows are not a workbook: %v", err)
	}
	defer x.Close()
	rows, err := x.GetRows(x.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 {
		t.Fatalf("rejected rows: %q, want a header and one row", rows)
	}
	header, row := strings.Join(rows[0], "|"), strings.Join(rows[1], "|")
	if !strings.Contains(header, "原因") || !strings.Contains(header, "留言编号") {
		t.Errorf("header of the rejected rows: %q", header)
	}
	if !strings.Contains(row, number) || !strings.Contains(row, "2025-02-30") || !strings.Contains(row, reason) {
		t.Errorf("rejected row %q, want %s with its bad date and the reason %q", row, number, reason)
	}
}
