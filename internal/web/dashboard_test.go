package web

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"jiceng/internal/browsertest"
	"jiceng/internal/core"
	"jiceng/internal/report"
	"jiceng/internal/workflow"
)

func TestDashboardAPI(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		name, user, query string
		status            int
		total             int
		community         string
	}{
		{"the street", "staff", "from=2025-01-01&to=2025-02-28", 200, 3, ""},
		{"a community worker's community", "cw01", "from=2025-01-01&to=2025-02-28", 200, 2, "望春园社区"},
		{"one day", "leader", "from=2025-01-05&to=2025-01-05", 200, 1, ""},
		{"the default period: the 30 days to today (03-01)", "staff", "", 200, 1, ""},
		{"to before from", "staff", "from=2025-02-01&to=2025-01-01", 400, 0, ""},
		{"not a date", "staff", "from=1月1日", 400, 0, ""},
		{"an unknown parameter", "staff", "period=2025-01", 400, 0, ""},
		{"longer than two years", "staff", "from=2020-01-01&to=2025-01-01", 400, 0, ""},
		{"a handler", "hd01", "", 403, 0, ""},
		{"a resident", "resident", "", 403, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := f.get(t, f.login(t, tt.user), "/api/v1/dashboard?"+tt.query)
			if r.status != tt.status {
				t.Fatalf("status %d, want %d: %s", r.status, tt.status, r.body)
			}
			if r.status != http.StatusOK {
				e := decode[struct {
					Error struct{ Code, Message string }
				}](t, r)
				if e.Error.Message == "" {
					t.Errorf("error without a message: %s", r.body)
				}
				return
			}
			d := decode[dashboardJSON](t, r)
			if d.Total != tt.total || d.Community != tt.community {
				t.Errorf("total %d community %q, want %d %q", d.Total, d.Community, tt.total, tt.community)
			}
			sum := 0
			for _, day := range d.Days {
				sum += day.N
				if !strings.HasPrefix(day.Tickets, "/tickets?") {
					t.Errorf("day %s links to %q", day.Day, day.Tickets)
				}
			}
			if sum != d.Total {
				t.Errorf("days sum to %d, total %d", sum, d.Total)
			}
			if tt.community != "" && !strings.Contains(d.Tickets, "community=") {
				t.Errorf("the period's tickets %q are not the community's", d.Tickets)
			}
		})
	}
}

func TestHotAPI(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		name, user, query string
		status            int
	}{
		{"the street", "staff", "from=2025-01-01&to=2025-02-28", 200},
		{"top", "leader", "top=3", 200},
		{"top too large", "staff", "top=51", 400},
		{"top not a number", "staff", "top=五", 400},
		{"an unknown parameter", "staff", "period=2025-01", 400},
		{"a handler", "hd01", "", 403},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := f.get(t, f.login(t, tt.user), "/api/v1/hot?"+tt.query)
			if r.status != tt.status {
				t.Fatalf("status %d, want %d: %s", r.status, tt.status, r.body)
			}
			if r.status == http.StatusOK {
				if got := decode[[]hotIssueJSON](t, r); got == nil {
					t.Errorf("body %s, want a list", r.body)
				}
			}
		})
	}
}

// TestBrowserDashboard: the street staff's board in a real headless
// Chromium draws its charts, and a category opens its tickets.
func TestBrowserDashboard(t *testing.T) {
	b := browsertest.New(t) // first: skipped in -short or without a browser
	f := newFixture(t)
	if _, err := f.store.PutSetting(context.Background(), core.SettingBoundaries, []byte(twoCommunities), "b.geojson", "admin", fixedClock()); err != nil {
		t.Fatal(err)
	}
	b.Base = f.srv.URL
	b.SignIn("/dashboard?from=2025-01-01&to=2025-02-28", "staff", testPasswords["staff"], `#trend-chart`)
	b.Until("the charts and the map are drawn", `['trend', 'category', 'community', 'heat', 'map'].every(function (c) { return document.querySelector('#' + c + '-chart canvas') !== null; })`)
	// Fixture ticket 1 has coordinates: a point on the map.
	b.Until("the tickets' points are on the map", `(function () {
		var c = echarts.getInstanceByDom(document.getElementById('map-chart'));
		var s = c && c.getOption().series;
		return !document.getElementById('map-points-note').hidden && s && s.length === 2 && s[1].data.length === 1;
	})()`)
	if got := b.Text(`#map-points-note`); !strings.Contains(got, "1 件") {
		t.Errorf("points note: %q", got)
	}
	// A click on the point opens its ticket; a click on a community its
	// tickets.
	click := func(what string, lng, lat float64) {
		t.Helper()
		xy := b.Eval(fmt.Sprintf(`(function () {
			var n = document.getElementById('map-chart');
			n.scrollIntoView({ block: 'center' });
			var r = n.getBoundingClientRect();
			var p = echarts.getInstanceByDom(n).convertToPixel({ geoIndex: 0 }, [%v, %v]);
			return (r.left + p[0]) + ',' + (r.top + p[1]);
		})()`, lng, lat))
		var x, y float64
		if _, err := fmt.Sscanf(xy, "%g,%g", &x, &y); err != nil {
			t.Fatalf("%s: pixel %q: %v", what, xy, err)
		}
		b.Load(what, chromedp.MouseClickXY(x, y))
	}
	click("open the point's ticket", 116.3312, 40.0321)
	if got := b.Text(`main`); !strings.Contains(got, fixtureNumbers["1"]) {
		t.Errorf("the point opened %q", got)
	}
	b.Visit("/dashboard?from=2025-01-01&to=2025-02-28", `#trend-chart`)
	b.Until("the map is drawn again", `!document.getElementById('map-points-note').hidden`)
	click("open a community's tickets", 116.345, 40.035)
	if got := b.Text(`main`); !strings.Contains(got, fixtureNumbers["2"]) || strings.Contains(got, fixtureNumbers["1"]) {
		t.Errorf("柳荫里社区's tickets: %q", got)
	}
	b.Visit("/dashboard?from=2025-01-01&to=2025-02-28", `#trend-chart`)
	b.Until("the charts are drawn again", `document.querySelector('#map-chart canvas') !== null`)
	if got := b.Text(`section.cards`); !strings.Contains(got, "受理工单") || !strings.Contains(got, "3") {
		t.Errorf("cards: %q", got)
	}
	b.Shot("dashboard")
	b.Load("open a category's tickets", chromedp.Click(`section.panel table.list tbody a`))
	if got := b.Text(`main`); !strings.Contains(got, "工单") {
		t.Errorf("the category's tickets: %q", got)
	}
	b.Shot("dashboard-category-tickets")
	b.SignOut()

	b.SignIn("/dashboard?from=2025-01-01&to=2025-02-28", "cw01", testPasswords["cw01"], `#trend-chart`)
	if got := b.Text(`h1`); !strings.Contains(got, "望春园社区") {
		t.Errorf("community worker's board: %q", got)
	}
	if strings.Contains(b.Text(`main`), "柳荫里社区") {
		t.Error("another community on the community worker's board")
	}
	b.Shot("dashboard-community")
}

// addNoise adds a hot issue to the fixture: three residents of 柳荫里社区
// on three days from 2025-02-20+day reporting the same night works,
// numbered QHW25022<day>000 + 10, 11, 12.
func addNoise(t *testing.T, f *fixture, day int) {
	t.Helper()
	var ts []core.Ticket
	for k := 0; k < 3; k++ {
		ts = append(ts, core.Ticket{Number: fmt.Sprintf("QHW25022%d00%02d", day, 10+k), Channel: "12345",
			ReceivedAt: at(fmt.Sprintf("2025-02-2%d 09:00", day+k)), Community: "柳荫里社区", Category1: "环境保护", Category2: "噪声污染",
			CallerPhone: fmt.Sprintf("1390000%04d", k), Title: "柳荫街工地夜间施工噪音", Content: "柳荫街工地夜里十一点还在施工，噪音扰民，影响休息。"})
	}
	if _, err := f.store.UpsertTickets(context.Background(), ts, "import"); err != nil {
		t.Fatal(err)
	}
}

// TestDashboardHotIssues: the board lists the period's hot issue with its
// tickets, to the street and to the community it is in, not to another.
func TestDashboardHotIssues(t *testing.T) {
	f := newFixture(t)
	addNoise(t, f, 0)
	for _, tt := range []struct {
		user string
		sees bool
	}{{"staff", true}, {"leader", true}, {"cw01", false}} {
		// The first view starts the computation; the board says so until
		// the issues are there.
		c := f.login(t, tt.user)
		var body string
		for try := 0; try < 100; try++ {
			r := f.get(t, c, "/dashboard?from=2025-02-01&to=2025-02-28")
			if r.status != http.StatusOK {
				t.Fatalf("%s: status %d", tt.user, r.status)
			}
			if body = string(r.body); !strings.Contains(body, "正在计算") {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		hotPart := body[strings.Index(body, `id="hot"`):strings.Index(body, `id="alerts"`)]
		if got := strings.Contains(hotPart, "QHW2502200010") && strings.Contains(hotPart, "噪音"); got != tt.sees {
			t.Errorf("%s: the hot issue of 柳荫里社区 shown %v, want %v: %s", tt.user, got, tt.sees, hotPart)
		}
	}
}

// TestTicketDuplicates: the ticket page offers to merge a repeat request of
// the same compound into the earlier ticket, with the evidence, and the
// merge closes it.
func TestTicketDuplicates(t *testing.T) {
	f := newFixture(t)
	f.server.Workflow = &workflow.Engine{}
	ts := []core.Ticket{
		{Number: "QHW2502250011", Channel: "12345", ReceivedAt: at("2025-02-25 09:00"), Community: "望春园社区", Category2: "物业管理",
			Status: core.StatusReceived, CallerPhone: "13812340001", Title: "望春园3号楼电梯故障", Content: "望春园小区3号楼电梯坏了三天，老人上下楼困难。"},
		{Number: "QHW2502260012", Channel: "12345", ReceivedAt: at("2025-02-26 09:00"), Community: "望春园社区", Category2: "物业管理",
			Status: core.StatusReceived, CallerPhone: "13812340002", Title: "3号楼电梯坏了没人修", Content: "望春园小区3号楼电梯坏了好几天，物业不修，老人上下楼困难。"},
	}
	if _, err := f.store.UpsertTickets(context.Background(), ts, "import"); err != nil {
		t.Fatal(err)
	}
	second, err := f.store.TicketByNumber(context.Background(), "QHW2502260012")
	if err != nil {
		t.Fatal(err)
	}
	page := fmt.Sprintf("/tickets/%d", second.ID)
	for _, tt := range []struct {
		user         string
		offer, merge bool
	}{{"staff", true, true}, {"cw01", true, false}, {"hd01", false, false}} {
		r := f.get(t, f.login(t, tt.user), page)
		body := string(r.body)
		if tt.user == "hd01" {
			if r.status != http.StatusNotFound {
				t.Errorf("hd01: status %d, want 404 (not in its scope)", r.status)
			}
			continue
		}
		offered := strings.Contains(body, `id="duplicates"`) && strings.Contains(body, "QHW2502250011") && strings.Contains(body, "同一地点")
		merge := strings.Contains(body, "合并到工单 QHW2502250011")
		if offered != tt.offer || merge != tt.merge {
			t.Errorf("%s: offered %v merge %v, want %v %v", tt.user, offered, merge, tt.offer, tt.merge)
		}
	}
	c := f.login(t, "staff")
	form := url.Values{"csrf": {csrfToken(sessionOf(t, f, c))}, "action": {"merge"}, "merge_into": {"QHW2502250011"}, "note": {"重复诉求"}}
	req, _ := http.NewRequest(http.MethodPost, f.srv.URL+page+"/transition", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if r := do(t, c, req); r.status != http.StatusSeeOther && r.status != http.StatusOK {
		t.Fatalf("merge: status %d %.300s", r.status, r.body)
	}
	if got, _ := f.store.TicketByNumber(context.Background(), "QHW2502260012"); got.Status == core.StatusReceived {
		t.Errorf("after the merge the ticket is %s", got.Status)
	}
}

// twoCommunities is a boundaries file of the fixture's two communities.
const twoCommunities = `{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"社区":"望春园社区"},"geometry":{"type":"Polygon","coordinates":[[[116.32,40.02],[116.335,40.02],[116.335,40.04],[116.32,40.04],[116.32,40.02]]]}},
{"type":"Feature","properties":{"社区":"柳荫里社区"},"geometry":{"type":"Polygon","coordinates":[[[116.335,40.02],[116.35,40.02],[116.35,40.04],[116.335,40.04],[116.335,40.02]]]}}]}`

func TestBoundariesAPI(t *testing.T) {
	f := newFixture(t)
	type fc struct {
		Features []struct {
			Properties map[string]string
		}
	}
	names := func(user string) ([]string, int) {
		r := f.get(t, f.login(t, user), "/api/v1/boundaries")
		if r.status != http.StatusOK {
			return nil, r.status
		}
		var out []string
		for _, ft := range decode[fc](t, r).Features {
			out = append(out, ft.Properties["name"])
		}
		return out, r.status
	}
	if got, status := names("staff"); status != 200 || len(got) != 0 {
		t.Errorf("no boundaries stored: %v %d, want an empty collection", got, status)
	}
	if _, err := f.store.PutSetting(context.Background(), core.SettingBoundaries, []byte(twoCommunities), "b.geojson", "admin", fixedClock()); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		user   string
		status int
		want   string
	}{{"staff", 200, "望春园社区 柳荫里社区"}, {"leader", 200, "望春园社区 柳荫里社区"}, {"cw01", 200, "望春园社区"}, {"hd01", 403, ""}, {"resident", 403, ""}} {
		got, status := names(tt.user)
		if status != tt.status || strings.Join(got, " ") != tt.want {
			t.Errorf("%s: %v %d, want %q %d", tt.user, got, status, tt.want, tt.status)
		}
	}
}

// TestAlertDismissForm: staff dismiss an alert on the board; it is gone
// and the decision is kept; the API refuses a malformed decision.
func TestAlertDismissForm(t *testing.T) {
	f := newFixture(t)
	var ts []core.Ticket
	end := at("2025-02-28 00:00")
	for i := 1; i <= 70; i++ {
		for k := 0; k < 2+i%2; k++ {
			ts = append(ts, core.Ticket{Number: fmt.Sprintf("QHWR%03d%d", i, k), ReceivedAt: end.AddDate(0, 0, -i).Add(9 * time.Hour),
				Community: "望春园社区", Category1: "城乡建设", Title: "物业", Status: core.StatusClosed})
		}
	}
	for k := 0; k < 14; k++ {
		ts = append(ts, core.Ticket{Number: fmt.Sprintf("QHWX%03d", k), ReceivedAt: end.Add(9 * time.Hour), Community: "望春园社区",
			Category1: "城乡建设", Title: "电梯", Status: core.StatusReceived})
	}
	if _, err := f.store.UpsertTickets(context.Background(), ts, "import"); err != nil {
		t.Fatal(err)
	}
	c := f.login(t, "staff")
	board := "/dashboard?from=2025-02-01&to=2025-02-28"
	listed := func() bool {
		r := f.get(t, c, board)
		body := string(r.body)
		part := body[strings.Index(body, `id="alerts"`):]
		return strings.Contains(part, `name="community" value="望春园社区"><input type="hidden" name="category1" value="城乡建设"`)
	}
	if !listed() {
		t.Fatal("the rise of 02-28 is not on the board")
	}
	form := url.Values{"csrf": {csrfToken(sessionOf(t, f, c))}, "community": {"望春园社区"}, "category1": {"城乡建设"},
		"day": {"2025-02-28"}, "state": {core.AlertDismissed}, "note": {"月底集中报修"}, "back": {board}}
	req, _ := http.NewRequest(http.MethodPost, f.srv.URL+"/dashboard/alerts", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if r := do(t, c, req); r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), board) {
		t.Fatalf("dismiss: %d %q", r.status, r.header.Get("Location"))
	}
	if listed() {
		t.Error("the dismissed alert is still listed")
	}
	states, err := f.store.AlertStates(context.Background(), core.CountQuery{From: end, To: end.AddDate(0, 0, 1)})
	if err != nil || len(states) != 1 || states[0].By != "staff" || states[0].Note != "月底集中报修" {
		t.Errorf("stored decision %+v %v", states, err)
	}
	for _, body := range []string{`{"community": "望春园社区", "day": "2025-02-28", "state": "ack", "extra": 1}`,
		`{"community": "望春园社区", "category1": "城乡建设", "day": "2025-02-28", "state": "closed"}`,
		`{"community": "望春园社区", "category1": "城乡建设", "day": "二月", "state": "ack"}`} {
		req, _ := http.NewRequest(http.MethodPost, f.srv.URL+"/api/v1/alerts", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if r := do(t, c, req); r.status != http.StatusBadRequest {
			t.Errorf("%s: %d, want 400", body, r.status)
		}
	}
}

// TestRiskReport: the board's workbook has its sheets, figures, the alert
// and a chart, in the board's scope.
func TestRiskReport(t *testing.T) {
	f := newFixture(t)
	r := f.get(t, f.login(t, "staff"), "/dashboard/report.xlsx?from=2025-01-01&to=2025-02-28")
	if r.status != http.StatusOK || !strings.Contains(r.header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("status %d %q", r.status, r.header.Get("Content-Disposition"))
	}
	x, err := excelize.OpenReader(bytes.NewReader(r.body))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if got := x.GetSheetList(); strings.Join(got, " ") != strings.Join(report.RiskSheetNames, " ") {
		t.Errorf("sheets %v", got)
	}
	if v, _ := x.GetCellValue("总览", "B5"); v != "3" {
		t.Errorf("受理工单 %q, want 3", v)
	}
	if v, _ := x.GetCellValue("社区", "A4"); v != "柳荫里社区" {
		t.Errorf("社区 A4 %q", v)
	}
	if cw := f.get(t, f.login(t, "cw01"), "/dashboard/report.xlsx?from=2025-01-01&to=2025-02-28"); cw.status == http.StatusOK {
		x2, err := excelize.OpenReader(bytes.NewReader(cw.body))
		if err != nil {
			t.Fatal(err)
		}
		rows, _ := x2.GetRows("社区")
		for _, row := range rows {
			if len(row) > 0 && row[0] == "柳荫里社区" {
				t.Error("another community in a community worker's report")
			}
		}
		x2.Close()
	} else {
		t.Errorf("cw01: status %d", cw.status)
	}
	if hd := f.get(t, f.login(t, "hd01"), "/dashboard/report.xlsx"); hd.status != http.StatusForbidden {
		t.Errorf("hd01: status %d, want 403", hd.status)
	}
}

// TestBrowserCorpus: the corpus map draws the period's hot issue in both
// treemaps, and a click on it opens its first ticket.
func TestBrowserCorpus(t *testing.T) {
	b := browsertest.New(t) // first: skipped in -short or without a browser
	f := newFixture(t)
	addNoise(t, f, 0)
	b.Base = f.srv.URL
	b.SignIn("/corpus?from=2025-02-01&to=2025-02-28", "staff", testPasswords["staff"], `h1`)
	for try := 0; try < 50 && strings.Contains(b.Text(`main`), "正在计算"); try++ {
		time.Sleep(100 * time.Millisecond)
		b.Visit("/corpus?from=2025-02-01&to=2025-02-28", `h1`)
	}
	b.Until("the treemaps are drawn", `document.querySelectorAll('#corpus-category[data-drawn], #corpus-community[data-drawn]').length === 2`)
	if got := b.Text(`main`); !strings.Contains(got, "噪音") || !strings.Contains(got, "环境保护") {
		t.Errorf("corpus map: %q", got)
	}
	b.Shot("corpus")
}

// TestTagLibrary: staff accept a hot issue's problem phrase as a tag, the
// ticket page shows it, and rename, merge and remove change the library
// (a version of the tags setting each); others may not change it.
func TestTagLibrary(t *testing.T) {
	f := newFixture(t)
	addNoise(t, f, 2)
	c := f.login(t, "staff")
	var body string
	for try := 0; try < 100; try++ {
		r := f.get(t, c, "/tags")
		if r.status != http.StatusOK {
			t.Fatalf("/tags: %d", r.status)
		}
		if body = string(r.body); !strings.Contains(body, "正在计算") {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	i := strings.Index(body, `name="phrase" value="`)
	if i < 0 {
		t.Fatalf("no candidate on %s", body)
	}
	phrase := body[i+len(`name="phrase" value="`):]
	phrase = phrase[:strings.Index(phrase, `"`)]
	post := func(user string, form url.Values) response {
		cl := f.login(t, user)
		form.Set("csrf", csrfToken(sessionOf(t, f, cl)))
		req, _ := http.NewRequest(http.MethodPost, f.srv.URL+"/tags", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		return do(t, cl, req)
	}
	if r := post("cw01", url.Values{"action": {"accept"}, "phrase": {phrase}}); r.status != http.StatusForbidden {
		t.Errorf("a community worker changes the library: %d", r.status)
	}
	if r := post("staff", url.Values{"action": {"accept"}, "phrase": {phrase}, "name": {"施工噪音"}, "category1": {"环境保护"}}); r.status != http.StatusSeeOther {
		t.Fatalf("accept: %d %.300s", r.status, r.body)
	}
	ticket, _ := f.store.TicketByNumber(context.Background(), "QHW2502220010")
	page := string(f.get(t, c, fmt.Sprintf("/tickets/%d", ticket.ID)).body)
	if !strings.Contains(page, `id="library-tags"`) || !strings.Contains(page, "施工噪音") {
		t.Errorf("the ticket does not show its tag")
	}
	steps := []url.Values{
		{"action": {"rename"}, "tag": {"施工噪音"}, "name": {"夜间施工扰民"}},
		{"action": {"merge"}, "tag": {"夜间施工扰民"}, "phrase": {"工地噪音"}},
		{"action": {"accept"}, "phrase": {"工地噪音"}}, // already an alias: refused
		{"action": {"remove"}, "tag": {"夜间施工扰民"}},
	}
	wants := []int{http.StatusSeeOther, http.StatusSeeOther, http.StatusBadRequest, http.StatusSeeOther}
	// The accepted phrase stays an alias of its renamed tag, and so does the
	// old name.
	libs := []string{"夜间施工扰民,环境保护," + phrase + "、施工噪音", "夜间施工扰民,环境保护," + phrase + "、施工噪音、工地噪音", "", ""}
	for k, form := range steps {
		r := post("staff", form)
		if r.status != wants[k] {
			t.Errorf("step %d %v: %d, want %d", k, form, r.status, wants[k])
		}
		content, _, err := f.store.Setting(context.Background(), core.SettingTags)
		if err != nil {
			t.Fatal(err)
		}
		if libs[k] != "" && !strings.Contains(string(content), libs[k]) {
			t.Errorf("step %d: library %q, want %q", k, content, libs[k])
		}
		if k == 3 && strings.Contains(string(content), "夜间施工扰民") {
			t.Errorf("removed, still there: %q", content)
		}
	}
	versions, err := f.store.SettingVersions(context.Background(), core.SettingTags, 10)
	if err != nil || len(versions) != 4 {
		t.Errorf("%d versions (%v), want 4 (accept, rename, merge, remove)", len(versions), err)
	}
}

// TestWarmBoards: the street's default boards are in the cache after the
// start-up warm-up, so their first request is served from it.
func TestWarmBoards(t *testing.T) {
	f := newFixture(t)
	f.server.warmBoards(context.Background())
	from, to, _ := f.server.dashboardPeriod(nil)
	for _, k := range []string{boardKey(nil, from, to), boardKey(nil, to.AddDate(-1, 0, 0), to)} {
		f.server.boardCache.mu.Lock()
		e := f.server.boardCache.entries[k]
		f.server.boardCache.mu.Unlock()
		if e == nil || !e.isDone() || e.err != nil {
			t.Errorf("board %s not warm: %+v", k, e)
		}
	}
}
