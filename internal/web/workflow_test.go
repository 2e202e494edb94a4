package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"jiceng/internal/core"
	"jiceng/internal/dispatch"
	"jiceng/internal/workflow"
)

func (f *fixture) postJSON(t *testing.T, c *http.Client, path string, body any) response {
	t.Helper()
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, f.srv.URL+path, bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	return do(t, c, req)
}

// TestTransitions runs ticket 3 (受理, 望春园社区) through its life cycle
// over the API with the real engine: permissions by role and unit, illegal
// steps refused with the engine's message, history and workflow state.
func TestTransitions(t *testing.T) {
	f := newFixture(t)
	f.server.Workflow = &workflow.Engine{}
	staff, hd01, leader, cw01 := f.login(t, "staff"), f.login(t, "hd01"), f.login(t, "leader"), f.login(t, "cw01")
	const path = "/api/v1/tickets/3/transitions"
	steps := []struct {
		name   string
		c      *http.Client
		body   map[string]any
		status int
		want   string // status after, or a part of the error message
	}{
		{"unknown action", staff, map[string]any{"action": "fly"}, 400, "未知的流转动作"},
		{"unknown field", staff, map[string]any{"action": "sign", "colour": "red"}, 400, "JSON"},
		{"a leader may not dispatch", leader, map[string]any{"action": "dispatch", "unit": "城市管理办公室"}, 403, "无权派单"},
		{"callback before dispatch is illegal", staff, map[string]any{"action": "callback", "resolved": true, "satisfaction": "满意"}, 409, "受理"},
		{"merge into an unknown ticket", staff, map[string]any{"action": "merge", "merge_into": "NOPE"}, 400, "不存在"},
		{"merge into a resolved ticket", staff, map[string]any{"action": "merge", "merge_into": "QHW2501050001"}, 409, "已办结"},
		{"dispatch to a unit the registry lacks", staff, map[string]any{"action": "dispatch", "unit": "不存在的单位"}, 400, "名录"},
		{"dispatch to 城市管理办公室", staff, map[string]any{"action": "dispatch", "unit": "城市管理办公室", "co_units": []string{"望春园社区"}, "note": "按目录"}, 200, core.StatusDispatched},
		{"a co-unit may not sign for the lead", cw01, map[string]any{"action": "sign"}, 403, "主办单位"},
		{"the desk may not sign for the unit", staff, map[string]any{"action": "sign"}, 403, "无权签收"},
		{"nor contact the caller for it", staff, map[string]any{"action": "contact"}, 403, "无权"},
		{"the unit signs", hd01, map[string]any{"action": "sign"}, 200, core.StatusSigned},
		{"resolve before contact is illegal", hd01, map[string]any{"action": "resolve", "reply": "好"}, 409, "签收"},
		{"contact", hd01, map[string]any{"action": "contact", "note": "已电话联系"}, 200, core.StatusContacted},
		{"extension needs a reason", hd01, map[string]any{"action": "extend_request", "until": "2025-12-31"}, 400, ""},
		{"extension request", hd01, map[string]any{"action": "extend_request", "until": "2025-12-31", "note": "需协调产权单位"}, 200, core.StatusContacted},
		{"the unit may not approve its own extension", hd01, map[string]any{"action": "extend_approve"}, 403, ""},
		{"a leader approves", leader, map[string]any{"action": "extend_approve", "note": "同意"}, 200, core.StatusContacted},
		{"a leader escalates", leader, map[string]any{"action": "supervise", "note": "请加快办理，来电人电话13812345678"}, 200, core.StatusContacted},
		{"resolve needs a reply", hd01, map[string]any{"action": "resolve"}, 400, ""},
		{"resolve", hd01, map[string]any{"action": "resolve", "reply": "已协调办理完毕。"}, 200, core.StatusResolved},
		{"callback needs a satisfaction", staff, map[string]any{"action": "callback", "resolved": true}, 400, ""},
		{"callback: not solved", staff, map[string]any{"action": "callback", "resolved": false, "satisfaction": "不满意"}, 200, core.StatusCallback},
		{"reopen (重办) to the same unit", staff, map[string]any{"action": "reopen", "note": "回访未解决"}, 200, core.StatusDispatched},
		{"sign again", hd01, map[string]any{"action": "sign"}, 200, core.StatusSigned},
		{"contact again", hd01, map[string]any{"action": "contact"}, 200, core.StatusContacted},
		{"resolve again", hd01, map[string]any{"action": "resolve", "reply": "已协调办理完毕。"}, 200, core.StatusResolved},
		{"callback", staff, map[string]any{"action": "callback", "resolved": true, "satisfaction": "满意"}, 200, core.StatusCallback},
		{"no reopen when solved", staff, map[string]any{"action": "reopen", "note": "x"}, 409, "无需重办"},
		{"close", staff, map[string]any{"action": "close"}, 200, core.StatusClosed},
		{"nothing after close", staff, map[string]any{"action": "supervise", "note": "x"}, 409, ""},
	}
	for _, st := range steps {
		r := f.postJSON(t, st.c, path, st.body)
		if r.status != st.status {
			t.Fatalf("%s: status %d, want %d: %s", st.name, r.status, st.status, r.body)
		}
		if st.status == 200 {
			d := decode[ticketDetailJSON](t, r)
			if d.Status != st.want || d.Workflow == nil {
				t.Fatalf("%s: status %q, want %q", st.name, d.Status, st.want)
			}
			if st.body["action"] == "extend_approve" && (d.Workflow.Extension != core.ExtensionApproved ||
				d.Deadline == nil || !strings.HasPrefix(*d.Deadline, "2025-12-31")) {
				t.Errorf("after approval: extension %q, deadline %v", d.Workflow.Extension, d.Deadline)
			}
		} else if !strings.Contains(string(r.body), st.want) {
			t.Errorf("%s: error %s, want it to mention %q", st.name, r.body, st.want)
		}
	}
	d := decode[ticketDetailJSON](t, f.get(t, staff, "/api/v1/tickets/3"))
	wf := d.Workflow
	if wf.Supervisions != 1 || wf.Extension != "" || len(wf.Actions) != 0 || d.Deadline == nil {
		t.Errorf("workflow %+v, deadline %v", wf, *d.Deadline)
	}
	// Notes are free text: masked like the content for a leader.
	for _, e := range decode[ticketDetailJSON](t, f.get(t, leader, "/api/v1/tickets/3")).Events {
		if strings.Contains(e.Note, "13812345678") {
			t.Errorf("a leader sees the phone in a note: %q", e.Note)
		}
	}
	var actions []string
	for _, e := range d.Events {
		actions = append(actions, e.Action)
	}
	want := "create dispatch sign contact extend_request extend_approve supervise resolve callback reopen sign contact resolve callback close"
	if got := strings.Join(actions, " "); got != want {
		t.Errorf("history %q, want %q", got, want)
	}
	if d.Satisfaction != "满意" || d.Reply != "已协调办理完毕。" || d.ContactedAt == nil {
		t.Errorf("ticket after the life cycle: %+v", d.ticketJSON)
	}
}

// TestTransitionForm: the ticket page offers the user's actions as forms,
// with dispatch suggestions; a refused step shows the message on the page.
func TestTransitionForm(t *testing.T) {
	f := newFixture(t)
	f.server.Workflow = &workflow.Engine{}
	ctx := context.Background()
	areas, _ := f.store.Areas(ctx)
	units, _ := f.store.Units(ctx)
	rules := []core.DispatchRule{{Category1: "社会保障", Unit: "社会保障事务所"}}
	f.server.Dispatch = &dispatch.Live{}
	f.server.Dispatch.Set(&dispatch.Recommender{Catalogue: dispatch.NewCatalogue(rules, areas, units)})
	c := f.login(t, "staff")

	page := f.get(t, c, "/tickets/3").body
	for _, s := range []string{"办理流转", `value="dispatch"`, "智能分拨建议", "派单目录第1条", "<option selected>社会保障事务所</option>"} {
		if !bytes.Contains(page, []byte(s)) {
			t.Errorf("ticket page lacks %q", s)
		}
	}
	// The workbench's dispatch queue has it, with the recommendation.
	wb := f.get(t, c, "/workbench").body
	for _, s := range []string{"待派单（1）", "QHW2502100003", "社会保障事务所"} {
		if !bytes.Contains(wb, []byte(s)) {
			t.Errorf("workbench lacks %q", s)
		}
	}
	token := csrfFromPage(t, page)
	post := func(v url.Values) response {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, f.srv.URL+"/tickets/3/transition", strings.NewReader(v.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		return do(t, c, req)
	}
	if r := post(url.Values{"csrf": {"bad"}, "action": {"dispatch"}, "unit": {"社会保障事务所"}}); r.status != http.StatusForbidden {
		t.Errorf("bad csrf: status %d", r.status)
	}
	if r := post(url.Values{"csrf": {token}, "action": {"close"}}); r.status != http.StatusConflict ||
		!bytes.Contains(r.body, []byte(`role="alert"`)) {
		t.Errorf("refused step: status %d, no notice on the page", r.status)
	}
	r := post(url.Values{"csrf": {token}, "action": {"dispatch"}, "unit": {"社会保障事务所"}, "co_units": {"望春园社区"}})
	if r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/tickets/3") {
		t.Fatalf("dispatch: status %d", r.status)
	}
	d := decode[ticketDetailJSON](t, f.get(t, c, "/api/v1/tickets/3"))
	if d.Status != core.StatusDispatched || d.Unit != "社会保障事务所" || len(d.Workflow.CoUnits) != 1 ||
		d.Workflow.ContactDeadline == nil || d.Deadline == nil {
		t.Errorf("after the form: %+v %+v", d.ticketJSON, d.Workflow)
	}
	// The suggestions API.
	s := decode[dispatchJSON](t, f.get(t, c, "/api/v1/tickets/3/dispatch"))
	if len(s.Suggestions) == 0 || s.Suggestions[0].Unit != "社会保障事务所" || s.Suggestions[0].Source != "catalogue" {
		t.Errorf("suggestions %+v", s)
	}
}

// TestDeadlines: the deadline list shows near and overdue limits of open
// tickets in the user's scope.
func TestDeadlines(t *testing.T) {
	f := newFixture(t)
	f.server.Workflow = &workflow.Engine{}
	c := f.login(t, "staff")
	// Dispatch ticket 3 now (fixedNow): its contact limit is hours away,
	// its resolve limit days; ticket 2 (派单, no deadline) is not listed.
	if r := f.postJSON(t, c, "/api/v1/tickets/3/transitions", map[string]any{"action": "dispatch", "unit": "社会保障事务所"}); r.status != 200 {
		t.Fatalf("dispatch: %d %s", r.status, r.body)
	}
	tests := []struct {
		warn  string
		kinds []string
	}{
		{"1h", nil},
		{"30d", []string{"contact", "resolve"}},
	}
	for _, tt := range tests {
		d := decode[struct {
			Items []reminderJSON `json:"items"`
		}](t, f.get(t, c, "/api/v1/deadlines?warn="+tt.warn))
		var kinds []string
		for _, it := range d.Items {
			kinds = append(kinds, it.Kind)
			if it.Number != "QHW2502100003" || it.Overdue {
				t.Errorf("warn %s: item %+v", tt.warn, it)
			}
		}
		if strings.Join(kinds, ",") != strings.Join(tt.kinds, ",") {
			t.Errorf("warn %s: kinds %v, want %v", tt.warn, kinds, tt.kinds)
		}
	}
	if r := f.get(t, c, "/api/v1/deadlines?warn=forever"); r.status != 400 {
		t.Errorf("bad warn: %d", r.status)
	}
	// Later the limits are overdue, and the workbench says so.
	f.server.Clock = func() time.Time { return fixedNow.Add(60 * 24 * time.Hour) }
	page := f.get(t, c, "/workbench").body
	if !bytes.Contains(page, []byte("已超时")) || !bytes.Contains(page, []byte("QHW2502100003")) {
		t.Errorf("workbench does not show the overdue ticket")
	}
	// A handler of another unit sees nothing.
	if d := decode[struct {
		Items []reminderJSON `json:"items"`
	}](t, f.get(t, f.login(t, "hd01"), "/api/v1/deadlines?warn=30d")); len(d.Items) != 0 {
		t.Errorf("hd01 sees %d reminders of another unit", len(d.Items))
	}
}

// TestRulesPage: staff replace the catalogue by uploading a file, which is
// checked against the registry (every bad row listed, nothing changed),
// then shown as differences and applied only when confirmed; every version
// is kept, downloadable and restorable; other roles only read.
func TestRulesPage(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.server.Dispatch = &dispatch.Live{}
	f.server.Dispatch.Set(&dispatch.Recommender{})
	c := f.login(t, "staff")
	page := f.get(t, c, "/dispatch/rules").body
	if !bytes.Contains(page, []byte("派单目录为空")) || !bytes.Contains(page, []byte(`name="file"`)) {
		t.Fatalf("empty catalogue page")
	}
	token := csrfFromPage(t, page)
	upload := func(c *http.Client, token, name, content string) response {
		t.Helper()
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		mw.WriteField("csrf", token)
		fw, _ := mw.CreateFormFile("file", name)
		fw.Write([]byte(content))
		mw.Close()
		req, _ := http.NewRequest(http.MethodPost, f.srv.URL+"/dispatch/rules", &body)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		return do(t, c, req)
	}
	post := func(c *http.Client, path string, form url.Values) response {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, f.srv.URL+path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		return do(t, c, req)
	}
	// confirmForm reads the confirmation form of a preview.
	confirmForm := func(t *testing.T, body []byte) url.Values {
		t.Helper()
		m := regexp.MustCompile(`name="version" value="(\d+)">\s*<input type="hidden" name="base" value="(\d+)"`).FindSubmatch(body)
		if m == nil {
			t.Fatalf("no confirmation form in:\n%s", body)
		}
		return url.Values{"csrf": {csrfFromPage(t, body)}, "version": {string(m[1])}, "base": {string(m[2])}}
	}
	stored := func() []core.DispatchRule {
		rules, err := f.store.DispatchRules(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return rules
	}
	const head = "一级分类,二级分类,三级分类,关键词,社区,承办单位,协办单位,优先级,备注\n"
	good := head + "社会保障,养老服务,,,,社会保障事务所,属地社区,1,常见\n,,,噪音,,城市管理办公室,,,\n"

	t.Run("every bad row listed, nothing changed", func(t *testing.T) {
		bad := head + "社会保障,养老服务,,,,社保所,,,\n教育,,,,,城市管理办公室,,,\n城乡建设,,,,,,,,\n,,,噪音,柳荫社区,城市管理办公室,不存在,,\n"
		r := upload(c, token, "rules.csv", bad)
		if r.status != http.StatusBadRequest {
			t.Fatalf("status %d", r.status)
		}
		for _, want := range []string{"改正以下 4 处", "第2行：承办单位“社保所”不在单位名录中（是否为“社会保障事务所”？）",
			"第3行：分类“教育”不在问题分类中", "第4行：承办单位为空", "第5行：协办单位“不存在”不在单位名录中；社区“柳荫社区”不在区划名录中"} {
			if !bytes.Contains(r.body, []byte(want)) {
				t.Errorf("page lacks %q", want)
			}
		}
		if n := len(stored()); n != 0 {
			t.Errorf("%d rules stored", n)
		}
	})
	t.Run("upload shows the differences and changes nothing", func(t *testing.T) {
		r := upload(c, token, "rules.csv", good)
		if r.status != http.StatusOK || !bytes.Contains(r.body, []byte("新增 <strong>2</strong> 条")) || !bytes.Contains(r.body, []byte("确认启用新目录")) {
			t.Fatalf("status %d, preview:\n%s", r.status, r.body)
		}
		if n := len(stored()); n != 0 {
			t.Errorf("an unconfirmed upload stored %d rules", n)
		}
		form := confirmForm(t, r.body)
		bad := url.Values{"version": form["version"], "base": form["base"], "csrf": {"forged"}}
		if r := post(c, "/dispatch/rules/confirm", bad); r.status != http.StatusForbidden {
			t.Errorf("confirm without the CSRF token: status %d", r.status)
		}
		r = post(c, "/dispatch/rules/confirm", form)
		if r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/dispatch/rules?applied=") {
			t.Fatalf("confirm: status %d %q", r.status, r.header.Get("Location"))
		}
		if n := len(stored()); n != 2 {
			t.Errorf("%d rules after confirmation, want 2", n)
		}
		if rc := f.server.Dispatch.Get(); rc.Catalogue.Len() != 2 {
			t.Errorf("recommender catalogue has %d rules", rc.Catalogue.Len())
		}
		page := f.get(t, c, r.header.Get("Location")).body
		for _, want := range []string{"已启用第", "当前目录：第", "历史版本", "rules.csv"} {
			if !bytes.Contains(page, []byte(want)) {
				t.Errorf("page after confirmation lacks %q", want)
			}
		}
		if r := post(c, "/dispatch/rules/confirm", form); r.status != http.StatusConflict || !bytes.Contains(r.body, []byte("没有待确认的")) {
			t.Errorf("confirming twice: status %d", r.status)
		}
	})
	t.Run("a changed catalogue: added, changed, removed", func(t *testing.T) {
		changed := head + "社会保障,养老服务,,,,城市管理办公室,属地社区,1,常见\n城乡建设,市政设施,,路灯,,城市管理办公室,,,\n"
		r := upload(c, token, "rules2.csv", changed)
		for _, want := range []string{"新增 <strong>1</strong> 条，修改 <strong>1</strong> 条，删除 <strong>1</strong> 条", "<del>社会保障事务所</del>", "<ins>城市管理办公室</ins>"} {
			if !bytes.Contains(r.body, []byte(want)) {
				t.Errorf("preview lacks %q", want)
			}
		}
	})
	t.Run("a confirmation never overwrites a newer catalogue", func(t *testing.T) {
		admin := f.login(t, "admin")
		atok := csrfFromPage(t, f.get(t, admin, "/dispatch/rules").body)
		mine := confirmForm(t, upload(c, token, "staff.csv", good+",,,漏水,,城市管理办公室,,,\n").body)
		theirs := confirmForm(t, upload(admin, atok, "admin.csv", head+",,,停车,,城市管理办公室,,,\n").body)
		if r := post(admin, "/dispatch/rules/confirm", theirs); r.status != http.StatusSeeOther {
			t.Fatalf("admin confirm: status %d", r.status)
		}
		r := post(c, "/dispatch/rules/confirm", mine)
		if r.status != http.StatusConflict || !bytes.Contains(r.body, []byte("请重新上传并核对差异")) {
			t.Errorf("stale confirmation: status %d", r.status)
		}
		if rules := stored(); len(rules) != 1 || rules[0].Keywords[0] != "停车" {
			t.Errorf("catalogue = %+v, want the admin's", rules)
		}
	})
	t.Run("versions download and restore", func(t *testing.T) {
		vs, err := f.store.CatalogueVersions(ctx, 10)
		if err != nil {
			t.Fatal(err)
		}
		first := vs[len(vs)-1].Version
		r := f.get(t, c, fmt.Sprintf("/dispatch/rules/versions/%d", first))
		if r.status != http.StatusOK || !strings.Contains(r.header.Get("Content-Disposition"), url.PathEscape("派单目录-第")) {
			t.Fatalf("download: status %d %q", r.status, r.header.Get("Content-Disposition"))
		}
		p := filepath.Join(t.TempDir(), "v.xlsx")
		os.WriteFile(p, r.body, 0o644)
		back, bad, err := dispatch.LoadCatalogue(p)
		_, want, _ := f.store.CatalogueVersionRules(ctx, first)
		for i := range want {
			want[i].ID = 0
		}
		if err != nil || len(bad) != 0 || !reflect.DeepEqual(back, want) {
			t.Errorf("downloaded version reads back as %+v %v %v, want %+v", back, bad, err, want)
		}
		if r := f.get(t, c, "/dispatch/rules/versions/999"); r.status != http.StatusNotFound {
			t.Errorf("missing version: status %d", r.status)
		}
		r = post(c, fmt.Sprintf("/dispatch/rules/versions/%d/restore", first), url.Values{"csrf": {token}})
		if r.status != http.StatusOK || !bytes.Contains(r.body, []byte(fmt.Sprintf("恢复第 %d 版", first))) {
			t.Fatalf("restore: status %d", r.status)
		}
		if r := post(c, "/dispatch/rules/confirm", confirmForm(t, r.body)); r.status != http.StatusSeeOther {
			t.Fatalf("confirm restore: status %d", r.status)
		}
		if rules := stored(); len(rules) != 2 || rules[0].Unit != "社会保障事务所" {
			t.Errorf("after restore: %+v", rules)
		}
	})
	t.Run("a leader reads and downloads but cannot change", func(t *testing.T) {
		leader := f.login(t, "leader")
		page := f.get(t, leader, "/dispatch/rules").body
		if !bytes.Contains(page, []byte("社会保障事务所")) || bytes.Contains(page, []byte(`name="file"`)) || bytes.Contains(page, []byte("恢复此版")) {
			t.Errorf("leader's catalogue page")
		}
		ltok := csrfFromPage(t, page)
		if r := upload(leader, ltok, "rules.csv", good); r.status != http.StatusForbidden {
			t.Errorf("leader upload: status %d", r.status)
		}
		if r := post(leader, "/dispatch/rules/versions/1/restore", url.Values{"csrf": {ltok}}); r.status != http.StatusForbidden {
			t.Errorf("leader restore: status %d", r.status)
		}
		if r := f.get(t, leader, "/dispatch/rules/versions/1"); r.status != http.StatusOK {
			t.Errorf("leader download: status %d", r.status)
		}
	})
}

// TestSuggestByPrediction: a ticket nobody has categorised yet is
// dispatched by its predicted category.
func TestSuggestByPrediction(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	if _, err := f.store.UpsertTickets(ctx, []core.Ticket{{Number: "N1", Channel: "12345", ReceivedAt: at("2025-02-11 08:00"),
		Content: "想问一下高龄津贴怎么申请", Status: core.StatusReceived}}, "test"); err != nil {
		t.Fatal(err)
	}
	tk, err := f.store.TicketByNumber(ctx, "N1")
	if err != nil {
		t.Fatal(err)
	}
	if err := f.store.PutPredictions(ctx, []core.Prediction{{TicketID: tk.ID, Category1: "社会保障", Category2: "养老服务", Model: "m"}}); err != nil {
		t.Fatal(err)
	}
	areas, _ := f.store.Areas(ctx)
	units, _ := f.store.Units(ctx)
	f.server.Dispatch = &dispatch.Live{}
	f.server.Dispatch.Set(&dispatch.Recommender{Catalogue: dispatch.NewCatalogue(
		[]core.DispatchRule{{Category1: "社会保障", Unit: "社会保障事务所"}}, areas, units)})
	c := f.login(t, "staff")
	if page := f.get(t, c, "/tickets").body; !bytes.Contains(page, []byte("社会保障 / 养老服务（预测）")) {
		t.Errorf("the list does not show the predicted category of an uncategorised ticket")
	}
	s := decode[dispatchJSON](t, f.get(t, c, fmt.Sprintf("/api/v1/tickets/%d/dispatch", tk.ID)))
	if len(s.Suggestions) == 0 || s.Suggestions[0].Unit != "社会保障事务所" {
		t.Errorf("suggestions %+v, want the catalogue's unit for the predicted category", s)
	}
}
