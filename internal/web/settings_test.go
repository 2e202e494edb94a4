package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"jiceng/internal/core"
	"jiceng/internal/deid"
	"jiceng/internal/tabfile"
	"jiceng/internal/workflow"
)

// settingClient is an administrator's (or another role's) session on the
// settings pages.
type settingClient struct {
	f *fixture
	c *http.Client
}

func (f *fixture) settings(t *testing.T, username string) settingClient {
	return settingClient{f: f, c: f.login(t, username)}
}

func (sc settingClient) token(t *testing.T) string {
	t.Helper()
	return csrfToken(sessionOf(t, sc.f, sc.c))
}

// upload posts a file to /settings/{name}.
func (sc settingClient) upload(t *testing.T, name, file string, content []byte) response {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("csrf", sc.token(t))
	fw, _ := mw.CreateFormFile("file", file)
	fw.Write(content)
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, sc.f.srv.URL+"/settings/"+name, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return do(t, sc.c, req)
}

var confirmRe = regexp.MustCompile(`name="version" value="(\d+)">\s*<input type="hidden" name="base" value="(\d+)"`)

// confirm posts the confirmation form of a preview page.
func (sc settingClient) confirm(t *testing.T, name string, preview response) response {
	t.Helper()
	m := confirmRe.FindSubmatch(preview.body)
	if m == nil {
		t.Fatalf("no confirmation form (status %d) in:\n%.3000s", preview.status, preview.body)
	}
	form := url.Values{"csrf": {sc.token(t)}, "version": {string(m[1])}, "base": {string(m[2])}}
	req, _ := http.NewRequest(http.MethodPost, sc.f.srv.URL+"/settings/"+name+"/confirm", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return do(t, sc.c, req)
}

// replace uploads and confirms a file, failing unless it is applied.
func (sc settingClient) replace(t *testing.T, name, file string, content []byte) {
	t.Helper()
	pv := sc.upload(t, name, file, content)
	if pv.status != http.StatusOK {
		t.Fatalf("upload %s: status %d:\n%.3000s", name, pv.status, pv.body)
	}
	r := sc.confirm(t, name, pv)
	if r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/settings/"+name+"?applied=") {
		t.Fatalf("confirm %s: status %d %q:\n%.2000s", name, r.status, r.header.Get("Location"), r.body)
	}
}

func xlsxOf(t *testing.T, rows [][]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := tabfile.NewXLSXWriter(&buf)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if err := w.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func gbkOf(t *testing.T, s string) []byte {
	t.Helper()
	b, err := tabfile.Encode([]byte(s), tabfile.GBK)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

const boundaryGeoJSON = `{"type": "FeatureCollection", "features": [
 {"type": "Feature", "properties": {"社区": "望春园社区"}, "geometry": {"type": "Polygon",
  "coordinates": [[[116.33, 40.03], [116.34, 40.03], [116.34, 40.04], [116.33, 40.03]]]}}]}`

// TestSettingChecks: every setting refuses a bad file with every bad row
// and its reason at once, changing nothing, and previews a good one.
func TestSettingChecks(t *testing.T) {
	f := newFixture(t)
	f.server.Workflow = &workflow.Engine{}
	if _, err := f.store.ReplaceDispatchRules(context.Background(), []core.DispatchRule{{Category1: "社会保障", Unit: "社会保障事务所", Community: "望春园社区"}},
		core.CatalogueVersion{CreatedAt: fixedClock(), CreatedBy: "admin", Source: "t.csv"}); err != nil {
		t.Fatal(err)
	}
	admin := f.settings(t, "admin")
	limits := string(workflow.DefaultLimitsCSV())
	tests := []struct {
		name, setting, file string
		content             []byte
		want                []string // on the page: the bad rows, or of the preview
		status              int
	}{
		{"limits: good", "limits", "时限.csv", []byte(strings.Replace(limits, "一般,2h,7wd", "一般,2h,5wd", 1)), []string{"修改 <strong>1</strong> 行", "5wd"}, 200},
		{"limits: every bad row", "limits", "时限.csv", []byte("urgency,contact,resolve\n紧急,1h,2h\n加急,2h,abc\n特急,1h,2h\n一般,2h,7wd\n复杂,0h,15wd\n"),
			[]string{"第 3 行：办理时限「abc」缺少单位", "第 4 行：紧急程度「特急」应为", "第 6 行：先行联系时限「0h」应为正数"}, 400},
		{"limits: an urgency missing", "limits", "时限.csv", []byte("urgency,contact,resolve\n紧急,1h,2h\n"), []string{"缺少紧急程度「加急」的一行"}, 400},
		{"limits: no header", "limits", "时限.csv", []byte("紧急,1h,2h\n"), []string{"表头应为"}, 400},
		{"calendar: good", "calendar", "日历.csv", []byte("from,to,kind,name\n2027-01-01,,休,元旦\n"), []string{"新增", "2027-01-01"}, 200},
		{"calendar: every bad row", "calendar", "日历.csv", []byte("from,to,kind,name\n2027-13-01,,休,x\n2027-01-01,,上班,x\n2027-01-05,2027-01-01,休,x\n"),
			[]string{"第 2 行：开始日期「2027-13-01」", "第 3 行：类型「上班」", "第 4 行：结束日期早于开始日期"}, 400},
		{"urgency: every bad row", "urgency", "紧急.csv", []byte("kind,text,value,weight\nlimit,紧急,2h,\nlimit,加急,24h,\nlimit,一般,7d,\nlimit,复杂,15d,\ncue,停水,一般,\nfoo,bar,,\ncue,漏水,加急,99\n"),
			[]string{"第 6 行：线索的等级", "第 7 行：未知的规则类型", "第 8 行：权重"}, 400},
		{"dictionary: every bad row", "dictionary", "字典.csv", []byte("target,kind,admin,leader,staff,community,handler,store\ncaller_phone,phone,keep,hide,keep,mask,mask,keep\nx,face,keep,keep,keep,keep,keep,keep\n@PHONE,,scan,mask,mask,mask,mask,keep\n"),
			[]string{"第 2 行：角色 leader 的处理方式", "第 3 行：未知的字段类型", "第 4 行：角色 admin：scan 只用于字段"}, 400},
		{"dictionary: a role missing", "dictionary", "字典.csv", []byte("target,kind,admin,leader\ncaller_phone,phone,keep,mask\n"),
			[]string{"缺少角色 staff", "缺少角色 store"}, 400},
		{"dictionary: pseudonymise without a key", "dictionary", "字典.csv", []byte("target,kind,admin,leader,staff,community,handler,store\ncaller_phone,phone,keep,pseudonymise,keep,mask,mask,keep\n"),
			[]string{"角色 leader 的规则需要假名化密钥"}, 400},
		{"rates: good", "rates", "口径.csv", []byte("key,value\nweight.response,0.3\n"), []string{"weight.response", "0.3"}, 200},
		{"rates: every bad row", "rates", "口径.csv", []byte("key,value\nweight.response,abc\nnosuch,1\nhistory,1,2\n"),
			[]string{"第 2 行：weight.response 的值", "第 3 行：未知的键", "第 4 行：应为“键,值”两列"}, 400},
		{"areas: good XLSX", "areas", "区域.xlsx", xlsxOf(t, [][]string{{"街道", "社区", "网格", "街道编码", "社区编码"}, {"清河湾街道", "望春园社区", "望春园第1网格", "QHW", "QHW01"}, {"清河湾街道", "柳荫里社区", "", "QHW", "QHW02"}}),
			[]string{"新增 <strong>1</strong> 行", "望春园第1网格"}, 200},
		{"areas: every bad row", "areas", "区域.csv", []byte("街道,社区,网格\n清河湾街道,,\n清河湾街道,望春园社区,一网格\n清河湾街道,望春园社区,一网格\n,柳荫里社区,\n"),
			[]string{"第 2 行：街道和社区不能为空", "第 4 行：网格编码 一网格 重复", "第 5 行：街道和社区不能为空"}, 400},
		{"areas: a community the catalogue needs", "areas", "区域.csv", []byte("街道,社区\n清河湾街道,柳荫里社区\n"), []string{"派单目录第 1 条仍要用"}, 400},
		{"units: good GBK CSV", "units", "单位.csv", gbkOf(t, "名称,编码,类型,所属社区\n望春园社区,C01,社区,QHW01\n城市管理办公室,D01,街道科室,\n社会保障事务所,D09,街道科室,\n平安物业,W01,外部单位,\n"),
			[]string{"新增 <strong>1</strong> 行", "平安物业"}, 200},
		{"units: every bad row", "units", "单位.csv", []byte("名称,编码,类型\n,X1,街道科室\n甲,X2,科室\n乙,X3,\n丙,X3,\n社会保障事务所,D09,\n"),
			[]string{"第 2 行：名称不能为空", "第 3 行：类型应为", "第 5 行：编码 X3 重复"}, 400},
		{"units: a unit the catalogue needs", "units", "单位.csv", []byte("名称,编码\n城市管理办公室,D01\n"), []string{"派单目录第 1 条仍要用"}, 400},
		{"taxonomy: every bad row", "taxonomy", "分类.csv", []byte("一级分类,二级分类,三级分类\n社会保障,养老服务,养老补贴\n,,x\n社会保障,养老服务,养老补贴\n城乡建设,,路灯\n"),
			[]string{"第 3 行：上级分类不能为空", "第 4 行：分类重复", "第 5 行：上级分类不能为空"}, 400},
		{"taxonomy: not CSV or XLSX", "taxonomy", "分类.csv", []byte{0, 1, 2, 0xff, 0xfe, 0}, []string{"请改正"}, 400},
		{"boundaries: good", "boundaries", "边界.geojson", []byte(boundaryGeoJSON), []string{"新增 <strong>1</strong> 行", "Polygon"}, 200},
		{"boundaries: every bad feature", "boundaries", "边界.geojson", []byte(`{"type":"FeatureCollection","features":[
			{"type":"Feature","properties":{"name":"火星社区"},"geometry":{"type":"Polygon","coordinates":[[[1,2],[2,2],[2,3],[1,2]]]}},
			{"type":"Feature","properties":{"社区":"望春园社区"},"geometry":{"type":"Polygon","coordinates":[[[1,2],[2,2],[2,3],[1,3]]]}},
			{"type":"Feature","properties":{"社区":"柳荫里社区"},"geometry":{"type":"Polygon","coordinates":[[[1,2],[200,2],[2,3],[1,2]]]}},
			{"type":"Feature","properties":{},"geometry":null}]}`),
			[]string{"第 1 个要素（火星社区）：区域名录中没有", "第 2 个要素（望春园社区）：环未闭合", "第 3 个要素（柳荫里社区）：坐标 [200, 2] 超出", "第 4 个要素：properties 中缺少"}, 400},
		{"boundaries: not GeoJSON", "boundaries", "边界.geojson", []byte(`<script>alert(1)</script>`), []string{"不是有效的 GeoJSON"}, 400},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := admin.upload(t, tc.setting, tc.file, tc.content)
			if r.status != tc.status {
				t.Fatalf("status %d, want %d:\n%.3000s", r.status, tc.status, r.body)
			}
			body := string(r.body)
			for _, w := range tc.want {
				if !strings.Contains(body, w) {
					t.Errorf("page lacks %q:\n%.4000s", w, body)
				}
			}
			if tc.status != http.StatusOK {
				if !strings.Contains(body, "设置未修改") || confirmRe.MatchString(body) {
					t.Errorf("a refused file offers a confirmation or no notice")
				}
				if n := strings.Count(body, "<li>"); n < len(tc.want) {
					t.Errorf("%d rows listed, want %d", n, len(tc.want))
				}
			}
			if strings.Contains(body, "<script>alert") {
				t.Errorf("page shows the file's text unescaped")
			}
		})
	}
	// Nothing was applied.
	ss := core.SettingStore(f.store)
	for _, d := range settingDefs {
		if vs, err := ss.SettingVersions(context.Background(), d.Name, 5); err != nil || len(vs) != 0 {
			t.Errorf("%s: versions %+v %v after previews only", d.Name, vs, err)
		}
	}
	if units, _ := f.store.Units(context.Background()); len(units) != 3 {
		t.Errorf("units changed by a preview: %+v", units)
	}
}

// TestSettingLimitsChangeDeadline: a confirmed limits upload changes the
// deadline of the next dispatch at once, and the change is a version that
// downloads as uploaded.
func TestSettingLimitsChangeDeadline(t *testing.T) {
	f := newFixture(t)
	f.server.Workflow = &workflow.Engine{}
	admin, staff := f.settings(t, "admin"), f.login(t, "staff")
	file := []byte("urgency,contact,resolve\n紧急,1h,2h\n加急,2h,24h\n一般,30min,1d\n复杂,2h,15wd\n")
	admin.replace(t, "limits", "本街道时限.csv", file)

	r := f.postJSON(t, staff, "/api/v1/tickets/3/transitions", map[string]any{"action": "dispatch", "unit": "社会保障事务所"})
	if r.status != http.StatusOK {
		t.Fatalf("dispatch: %d %s", r.status, r.body)
	}
	d := decode[ticketDetailJSON](t, f.get(t, staff, "/api/v1/tickets/3"))
	want := fixedNow.Add(24 * time.Hour)
	if d.Deadline == nil || !parseJSONTime(t, *d.Deadline).Equal(want) {
		t.Errorf("deadline %v, want %v (一般: 1d)", d.Deadline, want)
	}
	if d.Workflow.ContactDeadline == nil || !parseJSONTime(t, *d.Workflow.ContactDeadline).Equal(fixedNow.Add(30*time.Minute)) {
		t.Errorf("contact deadline %v, want +30min", d.Workflow.ContactDeadline)
	}

	// The version: listed with who and from which file, downloadable as
	// uploaded; the current download is the same file.
	page := f.get(t, admin.c, "/settings/limits").body
	for _, w := range []string{"第 1 版（当前）", "本街道时限.csv", "测试admin（admin）", "30min"} {
		if !bytes.Contains(page, []byte(w)) {
			t.Errorf("page lacks %q", w)
		}
	}
	for _, path := range []string{"/settings/limits/versions/1", "/settings/limits/versions/current"} {
		got := f.get(t, admin.c, path)
		if got.status != http.StatusOK || !bytes.Equal(got.body, file) || !strings.Contains(got.header.Get("Content-Disposition"), "attachment") {
			t.Errorf("%s: %d %q %q", path, got.status, got.header.Get("Content-Disposition"), got.body)
		}
	}
	list := f.get(t, f.login(t, "leader"), "/settings")
	if list.status != http.StatusOK || !bytes.Contains(list.body, []byte("第 1 版")) || !bytes.Contains(list.body, []byte(`href="/dispatch/rules"`)) ||
		bytes.Contains(list.body, []byte("上传新文件")) {
		t.Errorf("settings list for a leader: %d", list.status)
	}
	if r := f.get(t, admin.c, "/settings/limits/versions/2"); r.status != http.StatusNotFound {
		t.Errorf("missing version: %d", r.status)
	}
	if r := f.get(t, admin.c, "/settings/nosuch"); r.status != http.StatusNotFound {
		t.Errorf("unknown setting: %d", r.status)
	}
}

func parseJSONTime(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatalf("time %q: %v", s, err)
	}
	return v
}

// TestSettingDictionaryChangesWhatLeaderSees: after a dictionary change
// the pages and the API mask by the new dictionary.
func TestSettingDictionaryChangesWhatLeaderSees(t *testing.T) {
	f := newFixture(t)
	leader := f.login(t, "leader")
	phone := func() string {
		var tk ticketJSON
		if err := json.Unmarshal(f.get(t, leader, "/api/v1/tickets/1").body, &tk); err != nil {
			t.Fatal(err)
		}
		return tk.CallerPhone
	}
	if got := phone(); got == "13812345678" || got == "" {
		t.Fatalf("leader sees %q under the built-in dictionary, want it masked", got)
	}
	policy := string(deid.DefaultDictionaryCSV())
	old := "caller_phone,phone,keep,mask,keep,mask,mask,suppress,pseudonymise,suppress,keep"
	if !strings.Contains(policy, old) {
		t.Fatal("policy.csv changed: update the test")
	}
	f.settings(t, "admin").replace(t, "dictionary", "字典.csv", []byte(strings.Replace(policy, old, "caller_phone,phone,keep,keep,keep,mask,mask,suppress,pseudonymise,suppress,keep", 1)))
	if got := phone(); got != "13812345678" {
		t.Errorf("leader sees %q after the dictionary keeps the phone for leaders", got)
	}
	if page := f.get(t, leader, "/tickets/1").body; !bytes.Contains(page, []byte("13812345678")) {
		t.Errorf("ticket page still masks the phone")
	}
}

// TestSettingRatesInvalidateCache: a new 三率 formula shows at once.
func TestSettingRatesInvalidateCache(t *testing.T) {
	f := newFixture(t)
	leader := f.login(t, "leader")
	composite := func() string {
		r := f.get(t, leader, "/api/v1/rates?period=2025-01")
		if r.status != http.StatusOK {
			t.Fatalf("rates: %d %s", r.status, r.body)
		}
		return string(r.body)
	}
	before := composite()
	f.settings(t, "admin").replace(t, "rates", "口径.csv", []byte("key,value\nweight.response,1\nweight.resolution,0\nweight.satisfaction,0\nresponse_base,received\ncontact_hours.*,0.5\n"))
	if after := composite(); after == before {
		t.Errorf("rates unchanged after a new formula: %s", after)
	}
}

// TestSettingRoundTrip: every setting's download uploads back without
// differences, before and after a change.
func TestSettingRoundTrip(t *testing.T) {
	f := newFixture(t)
	f.server.Workflow = &workflow.Engine{}
	admin := f.settings(t, "admin")
	admin.replace(t, "boundaries", "边界.geojson", []byte(boundaryGeoJSON))
	// A grid (of a third community: the flags below are of the first two)
	// and its worker, so that grid_workers has a file to download.
	a, err := f.store.Areas(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	a.Communities = append(a.Communities, core.Community{Code: "QHW03", Name: "铁路北社区", Street: "QHW"})
	a.Grids = append(a.Grids, core.Grid{Code: "QHW03-01", Name: "铁路北社区第1网格", Community: "QHW03"})
	if err := f.store.ReplaceAreas(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	admin.replace(t, "grid_workers", "网格员.csv", []byte("网格,网格员,电话,账号\nQHW03-01,刘网格,010-62301234,cw01\n"))
	for _, d := range settingDefs {
		t.Run(d.Name, func(t *testing.T) {
			for round := range 2 {
				got := f.get(t, admin.c, "/settings/"+d.Name+"/versions/current")
				if got.status != http.StatusOK {
					t.Fatalf("download: %d %s", got.status, got.body)
				}
				file := "x" + d.Ext
				r := admin.upload(t, d.Name, file, got.body)
				if r.status != http.StatusOK || !bytes.Contains(r.body, []byte("没有变化")) {
					t.Fatalf("round %d: upload of the download: status %d:\n%.3000s", round, r.status, r.body)
				}
				if round == 0 {
					admin.confirm(t, d.Name, r) // now a stored version
				}
			}
		})
	}
	// The areas page flags the community with a boundary.
	page := string(f.get(t, admin.c, "/settings/areas").body)
	if !strings.Contains(page, "<td>QHW01</td><td></td><td>有</td>") || !strings.Contains(page, "<td>QHW02</td><td></td><td>—</td>") {
		t.Errorf("boundary flags missing:\n%.3000s", page)
	}
}

// TestSettingRegistryUpload: an areas, units or taxonomy upload replaces
// the tables and is recorded as a version; a stale preview is refused.
func TestSettingRegistryUpload(t *testing.T) {
	f := newFixture(t)
	admin := f.settings(t, "admin")
	ctx := context.Background()
	file := xlsxOf(t, [][]string{{"名称", "编码", "类型", "所属社区"}, {"望春园社区", "C01", "社区", "QHW01"},
		{"城市管理办公室", "D01", "街道科室", ""}, {"社会保障事务所", "D09", "街道科室", ""}, {"平安物业", "W01", "外部单位", ""}})
	first := admin.upload(t, "units", "单位.xlsx", file)
	second := admin.upload(t, "units", "单位.xlsx", file)
	admin.replace(t, "units", "单位.xlsx", file)
	units, err := f.store.Units(ctx)
	if err != nil || len(units) != 4 || units[3].Name != "平安物业" || units[3].Kind != core.UnitAgency {
		t.Fatalf("units %+v %v", units, err)
	}
	sv, content, err := f.store.SettingVersion(ctx, core.SettingUnits, 3)
	if err != nil || !bytes.Equal(content, file) || sv.Source != "单位.xlsx" || sv.CreatedBy != "admin" || sv.AppliedAt.IsZero() {
		t.Errorf("version %+v %v", sv, err)
	}
	// Earlier previews: replaced by the later upload, or stale.
	for _, pv := range []response{first, second} {
		if r := admin.confirm(t, "units", pv); r.status != http.StatusNotFound && r.status != http.StatusConflict {
			t.Errorf("stale preview confirmed: %d", r.status)
		}
	}
	// Only administrators change settings.
	staff := f.settings(t, "staff")
	if r := staff.upload(t, "units", "单位.xlsx", file); r.status != http.StatusForbidden {
		t.Errorf("staff upload: %d", r.status)
	}
	if r := staff.confirm(t, "units", admin.upload(t, "units", "单位.xlsx", file)); r.status != http.StatusForbidden {
		t.Errorf("staff confirm: %d", r.status)
	}
}

// TestSettingPinned: with a serve flag the stored version is kept but the
// flag's file stays in force, and the page says so.
func TestSettingPinned(t *testing.T) {
	f := newFixture(t)
	pinned := []byte("urgency,contact,resolve\n紧急,1h,2h\n加急,2h,24h\n一般,2h,3d\n复杂,2h,15wd\n")
	lim, err := workflow.LoadLimits(bytes.NewReader(pinned))
	if err != nil {
		t.Fatal(err)
	}
	f.server.Workflow = &workflow.Engine{Limits: lim}
	f.server.Pinned = map[string]PinnedSetting{core.SettingLimits: {Flag: "-limits", File: "flag.csv", Content: pinned}}
	admin := f.settings(t, "admin")
	admin.replace(t, "limits", "新.csv", workflow.DefaultLimitsCSV())
	if _, res := f.server.workflow().Limits.For(core.UrgencyNormal); res.String() != "3d" {
		t.Errorf("pinned limits replaced: 一般 %s", res)
	}
	page := f.get(t, admin.c, "/settings/limits?applied=1").body
	for _, w := range []string{"启动参数 <code>-limits flag.csv</code>", "本次运行仍以启动参数 -limits 为准", "第 1 版（当前）", "3d"} {
		if !bytes.Contains(page, []byte(w)) {
			t.Errorf("page lacks %q", w)
		}
	}
	if got := f.get(t, admin.c, "/settings/limits/versions/current"); !bytes.Equal(got.body, pinned) {
		t.Errorf("current download is not the flag's file: %q", got.body)
	}
}

// TestLoadSettings: serve's start uses the stored settings over the
// built-in ones, and a flag over the stored.
func TestLoadSettings(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	put := func(name, content string) {
		if _, err := f.store.PutSetting(ctx, name, []byte(content), name+".csv", "admin", fixedClock()); err != nil {
			t.Fatal(err)
		}
	}
	put(core.SettingLimits, "urgency,contact,resolve\n紧急,1h,2h\n加急,2h,24h\n一般,2h,4d\n复杂,2h,15wd\n")
	put(core.SettingCalendar, "from,to,kind,name\n2025-03-03,,休,测试假日\n")
	put(core.SettingRates, "key,value\nhistory,3\n")
	put(core.SettingUrgency, "kind,text,value,weight\nlimit,紧急,1h,\nlimit,加急,24h,\nlimit,一般,7d,\nlimit,复杂,15d,\ncue,测试线索,紧急,\n")

	pinned, _ := workflow.LoadCalendar(strings.NewReader("from,to,kind,name\n"))
	s := &Server{Store: f.store, Clock: fixedClock, Workflow: &workflow.Engine{Calendar: pinned},
		Pinned: map[string]PinnedSetting{core.SettingCalendar: {Flag: "-calendar", File: "c.csv"}}}
	if err := s.LoadSettings(ctx); err != nil {
		t.Fatal(err)
	}
	if _, res := s.workflow().Limits.For(core.UrgencyNormal); res.String() != "4d" {
		t.Errorf("stored limits not loaded: %s", res)
	}
	if s.workflow().Calendar != pinned {
		t.Errorf("the -calendar flag lost to the stored calendar")
	}
	if s.rates() == nil || s.rates().History != 3 {
		t.Errorf("stored rates not loaded: %+v", s.rates())
	}
	if lvl, _, _ := s.urgencyRules().Urgency("", "这里有测试线索"); lvl != core.UrgencyEmergency {
		t.Errorf("stored urgency rules not loaded: %s", lvl)
	}
	if s.Workflow.Limits != nil {
		t.Errorf("the exported field changed")
	}

	put(core.SettingDictionary, "target,kind,admin\n")
	if err := (&Server{Store: f.store, Clock: fixedClock}).LoadSettings(ctx); err == nil || !strings.Contains(err.Error(), "脱敏字典") {
		t.Errorf("a stored dictionary that does not load: %v", err)
	}
}

// TestSettingSwapUnderLoad: requests running while the dictionary changes
// each see one dictionary or the other, never a failure (run with -race).
func TestSettingSwapUnderLoad(t *testing.T) {
	f := newFixture(t)
	leader := f.login(t, "leader")
	admin := f.settings(t, "admin")
	policy := string(deid.DefaultDictionaryCSV())
	masked := "caller_phone,phone,keep,mask,keep,mask,mask,suppress,pseudonymise,suppress,keep"
	clear := []byte(strings.Replace(policy, masked, "caller_phone,phone,keep,keep,keep,mask,mask,suppress,pseudonymise,suppress,keep", 1))
	done := make(chan struct{})
	errs := make(chan error, 100)
	for range 4 {
		go func() {
			for {
				select {
				case <-done:
					errs <- nil
					return
				default:
				}
				req, _ := http.NewRequest(http.MethodGet, f.srv.URL+"/api/v1/tickets/1", nil)
				resp, err := leader.Do(req)
				if err != nil {
					errs <- err
					return
				}
				var tk ticketJSON
				err = json.NewDecoder(resp.Body).Decode(&tk)
				resp.Body.Close()
				if err != nil || resp.StatusCode != http.StatusOK || (tk.CallerPhone != "13812345678" && !strings.Contains(tk.CallerPhone, "*")) {
					errs <- fmt.Errorf("status %d, phone %q, %v", resp.StatusCode, tk.CallerPhone, err)
					return
				}
			}
		}()
	}
	for i := range 4 {
		file := clear
		if i%2 == 1 {
			file = []byte(policy)
		}
		admin.replace(t, "dictionary", "字典.csv", file)
	}
	close(done)
	for range 4 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
}
