package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"jiceng/internal/core"
	"jiceng/internal/fieldset"
)

// The fixture's registry: a person and a house of 望春园社区, a person and
// an enterprise of 柳荫里社区. The names are unlike any ticket's, so that a
// response shows which records it holds.
var fixtureRecords = []struct {
	name      string // the record's name, as admin reads it
	community string
	up        core.RecordUpsert
}{
	{"孙悟空", "望春园社区", core.RecordUpsert{Kind: fieldset.KindPerson, Source: "民政科", Key: "P1", Values: map[string]string{
		"name": "孙悟空", "id_number": "11010519491231002X", "phone": "13811112222", "gender": "男", "birth_date": "1949-12-31",
		"address": "海川区望春园一区5号楼2单元301", "community": "望春园社区", "grid": "望春园社区第1网格", "marks": "独居老人"}}},
	{"望春园一区6号楼", "望春园社区", core.RecordUpsert{Kind: fieldset.KindHouse, Source: "住建科", Key: "H1", Values: map[string]string{
		"address": "望春园一区6号楼", "owner_name": "孙悟空", "community": "望春园社区", "use": "住宅"}}},
	{"猪八戒", "柳荫里社区", core.RecordUpsert{Kind: fieldset.KindPerson, Source: "民政科", Key: "P2", Values: map[string]string{
		"name": "猪八戒", "phone": "13933334444", "community": "柳荫里社区"}, Flags: map[string]string{"id_number": "身份证号校验位不正确"}}},
	{"流沙河水产公司", "柳荫里社区", core.RecordUpsert{Kind: fieldset.KindEnterprise, Source: "市场监管所", Key: "E1", Values: map[string]string{
		"name": "流沙河水产公司", "legal_person": "沙悟净", "community": "柳荫里社区"}}},
}

// seedRecords loads the fixture's registry; it returns the record ids by
// name.
func seedRecords(t *testing.T, f *fixture) map[string]int64 {
	t.Helper()
	ups := make([]core.RecordUpsert, len(fixtureRecords))
	for i, r := range fixtureRecords {
		ups[i] = r.up
	}
	res, err := f.store.UpsertRecords(context.Background(), ups, "import:民政科", fixedNow)
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]int64{}
	for i, r := range fixtureRecords {
		ids[r.name] = res[i].ID
	}
	return ids
}

// recordsSeen are the fixture records a matrix user reads, by name.
func recordsSeen(user string) []string {
	var out []string
	for _, r := range fixtureRecords {
		switch user {
		case "admin", "staff", "leader":
			out = append(out, r.name)
		case "community", "cw01":
			if r.community == "望春园社区" {
				out = append(out, r.name)
			}
		}
	}
	return out
}

// noRecords fails when r shows a fixture record (by its name) outside
// sees. The leader reads names masked: 孙**.
func noRecords(t *testing.T, r response, sees []string) {
	t.Helper()
	for _, rec := range fixtureRecords {
		if !slices.Contains(sees, rec.name) && bytes.Contains(r.body, []byte(rec.name)) {
			t.Errorf("response shows record %s, out of scope", rec.name)
		}
	}
}

// recordMatrix is the role × scope check of a registry route, for
// TestRouteMatrix: lists answer the user's records only (403 for the
// roles that read none); a record of the {id} path answers, out of scope,
// exactly as a missing one.
func recordMatrix(t *testing.T, f *fixture, c *http.Client, user string, rt route, method, path string, api bool, csrf string, ids map[string]int64) {
	t.Helper()
	sees := recordsSeen(user)
	reads := len(sees) > 0
	send := func(path string) response {
		t.Helper()
		var body string
		ctype := "application/x-www-form-urlencoded"
		switch {
		case method == http.MethodPatch:
			body, ctype = `{"values": {"phone": "12345"}, "version": 1, "note": "矩阵测试"}`, "application/json"
		case method == http.MethodPost && api:
			body, ctype = `{"fields": ["id_number"], "reason": "矩阵测试"}`, "application/json"
		case method == http.MethodPost && strings.HasSuffix(path, "/reveal"):
			body = url.Values{"csrf": {csrf}, "field": {"id_number"}, "reason": {"矩阵测试"}}.Encode()
		case method == http.MethodPost && strings.HasSuffix(path, "/status"):
			body = url.Values{"csrf": {csrf}, "action": {"restore"}, "version": {"1"}, "note": {"矩阵测试"}}.Encode() // none is retired
		case method == http.MethodPost:
			body = url.Values{"csrf": {csrf}, "version": {"1"}, "note": {"矩阵测试"}}.Encode() // no field changed
		}
		req, err := http.NewRequest(method, f.srv.URL+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		if body != "" {
			req.Header.Set("Content-Type", ctype)
		}
		return do(t, c, req)
	}
	switch rt.access {
	case registry:
		for _, kind := range fieldset.RecordKinds {
			var r response
			if strings.HasSuffix(path, "/export") {
				r = f.exported(t, c, path+"?format=csv&kind="+kind) // the file of the job it started
			} else {
				r = send(path + "?kind=" + kind)
			}
			if !reads {
				if r.status != http.StatusForbidden {
					t.Fatalf("%s: status %d, want 403", kind, r.status)
				}
				noRecords(t, r, nil)
				continue
			}
			if r.status != http.StatusOK {
				t.Fatalf("%s: status %d, want 200: %.300s", kind, r.status, r.body)
			}
			noRecords(t, r, sees)
			for _, rec := range fixtureRecords {
				// Leaders read names masked; the others in clear.
				if slices.Contains(sees, rec.name) && rec.up.Kind == kind && user != "leader" && !bytes.Contains(r.body, []byte(rec.name)) {
					t.Errorf("%s: record %s in scope is not listed", kind, rec.name)
				}
			}
		}
	case recordID:
		missing := send(strings.Replace(path, "{id}", "99999", 1))
		notID := send(strings.Replace(path, "{id}", "abc", 1))
		for _, rec := range fixtureRecords {
			r := send(strings.Replace(path, "{id}", strconv.FormatInt(ids[rec.name], 10), 1))
			noRecords(t, r, sees)
			switch {
			case !reads:
				if r.status != http.StatusForbidden || missing.status != http.StatusForbidden {
					t.Errorf("record %s: status %d (missing %d), want 403", rec.name, r.status, missing.status)
				}
			case slices.Contains(sees, rec.name):
				if r.status == http.StatusNotFound || r.status >= 500 {
					t.Errorf("record %s in scope: status %d: %.300s", rec.name, r.status, r.body)
				}
				if method == http.MethodGet && r.status != http.StatusOK {
					t.Errorf("record %s in scope: status %d, want 200", rec.name, r.status)
				}
			default:
				if r.status != missing.status || !bytes.Equal(r.body, missing.body) || !bytes.Equal(r.body, notID.body) {
					t.Errorf("record %s out of scope: %d %.200s; missing: %d %.200s", rec.name, r.status, r.body, missing.status, missing.body)
				}
			}
		}
	}
}

// TestRecordsAPI: the list with its filters and counts, the detail with
// every field, the history, and the PATCH of a steward: a fix, a refused
// value with its field, a stale version (409), retire and restore.
func TestRecordsAPI(t *testing.T) {
	f := newFixture(t)
	ids := seedRecords(t, f)
	staff := f.login(t, "staff")
	list := func(c *http.Client, query string) (int, recordListJSON) {
		t.Helper()
		r := f.get(t, c, "/api/v1/records?"+query)
		if r.status != http.StatusOK {
			return r.status, recordListJSON{}
		}
		return r.status, decode[recordListJSON](t, r)
	}
	for _, tc := range []struct {
		query string
		names []string
	}{
		{"kind=person", []string{"孙悟空", "猪八戒"}},
		{"kind=person&community=" + url.QueryEscape("柳荫里社区"), []string{"猪八戒"}},
		{"kind=person&q=" + url.QueryEscape("悟空"), []string{"孙悟空"}},
		{"kind=person&flagged=1", []string{"猪八戒"}},
		{"kind=house", []string{"望春园一区6号楼"}},
		{"source=" + url.QueryEscape("市场监管所"), []string{"流沙河水产公司"}},
		{"kind=person&status=retired", nil},
		{"kind=person&limit=1&page=2", []string{"猪八戒"}},
	} {
		t.Run(tc.query, func(t *testing.T) {
			status, l := list(staff, tc.query)
			if status != http.StatusOK {
				t.Fatalf("status %d", status)
			}
			var names []string
			for _, it := range l.Items {
				names = append(names, it.Name)
			}
			if !slices.Equal(names, tc.names) {
				t.Errorf("names %v, want %v", names, tc.names)
			}
		})
	}
	_, l := list(staff, "kind=person")
	if l.Total != 2 || l.Counts["person"] != 2 || l.Counts["house"] != 1 || l.Counts["enterprise"] != 1 || l.Counts["organisation"] != 0 {
		t.Errorf("total %d counts %v", l.Total, l.Counts)
	}
	for _, tc := range []struct{ query, field string }{
		{"kind=car", "kind"}, {"status=maybe", "status"}, {"limit=0", "limit"}, {"colour=red", "colour"}, {"flagged=2", "flagged"},
	} {
		r := f.get(t, staff, "/api/v1/records?"+tc.query)
		e := decode[errorBody](t, r)
		if r.status != http.StatusBadRequest || e.Error.Field != tc.field || e.Error.Code != core.EINVALID {
			t.Errorf("%s: %d %+v, want 400 on %s", tc.query, r.status, e, tc.field)
		}
	}

	// The community worker's list holds their community; the leader's
	// is masked.
	_, cl := list(f.login(t, "cw01"), "kind=person")
	if len(cl.Items) != 1 || cl.Items[0].Name != "孙悟空" || cl.Items[0].Values["id_number"] != "110***********002X" {
		t.Errorf("cw01's people: %+v", cl.Items)
	}
	_, ll := list(f.login(t, "leader"), "kind=person")
	if len(ll.Items) != 2 || ll.Items[0].Name != "孙**" || ll.Items[0].Values["marks"] != "" || ll.Items[0].Values["phone"] != "138****2222" || ll.Items[0].Key != "" {
		t.Errorf("leader's people: %+v", ll.Items)
	}

	id := strconv.FormatInt(ids["孙悟空"], 10)
	r := f.get(t, staff, "/api/v1/records/"+id)
	d := decode[recordDetailJSON](t, r)
	if r.status != http.StatusOK || !d.CanFix || d.Version != 1 || len(d.Fields) != len(fieldset.Records("person").Fields) || d.KindLabel != "人口" {
		t.Fatalf("detail: %d %+v", r.status, d)
	}

	patch := func(c *http.Client, body string) response {
		t.Helper()
		req, err := http.NewRequest(http.MethodPatch, f.srv.URL+"/api/v1/records/"+id, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		return do(t, c, req)
	}
	r = patch(staff, `{"values": {"phone": "139 1111 2222", "grid": "望春园社区第2网格"}, "version": 1, "note": "本人来电更正"}`)
	d = decode[recordDetailJSON](t, r)
	if r.status != http.StatusOK || d.Version != 2 || d.Values["phone"] != "13911112222" || !slices.Equal(d.Fixed, []string{"grid", "phone"}) {
		t.Fatalf("fix: %d %s", r.status, r.body)
	}
	for _, tc := range []struct {
		body   string
		status int
		field  string
	}{
		{`{"values": {"phone": "13911113333"}, "version": 1, "note": "晚了一步"}`, http.StatusConflict, ""},
		{`{"values": {"phone": "12345"}, "version": 2, "note": "x"}`, http.StatusBadRequest, "phone"},
		{`{"values": {"name": ""}, "version": 2, "note": "x"}`, http.StatusBadRequest, "name"},
		{`{"values": {"phone": "13911113333"}, "version": 2}`, http.StatusBadRequest, "note"},
		{`{"values": {"phone": "13911113333"}, "note": "x"}`, http.StatusBadRequest, "version"},
		{`{"values": {"phone": "13911113333"}, "status": "retired", "version": 2, "note": "x"}`, http.StatusBadRequest, "status"},
		{`{"status": "gone", "version": 2, "note": "x"}`, http.StatusBadRequest, "status"},
		{`{"valeus": {}}`, http.StatusBadRequest, ""},
		{`{"values": {"phone": "13911113333"}, "version": 2, "note": "x"} {}`, http.StatusBadRequest, ""},
	} {
		r := patch(staff, tc.body)
		e := decode[errorBody](t, r)
		if r.status != tc.status || e.Error.Field != tc.field {
			t.Errorf("%s: %d %+v, want %d on %q", tc.body, r.status, e, tc.status, tc.field)
		}
	}
	if r := patch(f.login(t, "leader"), `{"values": {"phone": "13911113333"}, "version": 2, "note": "x"}`); r.status != http.StatusForbidden {
		t.Errorf("leader's fix: %d", r.status)
	}
	r = patch(staff, `{"status": "retired", "version": 2, "note": "已迁出"}`)
	if d = decode[recordDetailJSON](t, r); r.status != http.StatusOK || d.Status != core.RecordRetired || d.StatusLabel != "已注销" {
		t.Fatalf("retire: %d %s", r.status, r.body)
	}
	if r = patch(staff, `{"status": "active", "version": 3, "note": "迁回"}`); r.status != http.StatusOK {
		t.Fatalf("restore: %d %s", r.status, r.body)
	}

	// The history, oldest first, masked for the reader: the leader reads
	// the phone's old and new values masked.
	type historyJSON struct {
		Items []recordChangeJSON `json:"items"`
	}
	h := decode[historyJSON](t, f.get(t, f.login(t, "leader"), "/api/v1/records/"+id+"/history"))
	var actions []string
	for _, c := range h.Items {
		actions = append(actions, c.ActionLabel)
	}
	if !slices.Equal(actions, []string{"导入", "更正", "注销", "恢复"}) {
		t.Fatalf("history %v", actions)
	}
	fix := h.Items[1]
	if fix.Actor != "staff" || fix.Note != "本人来电更正" || len(fix.Changes) != 2 || fix.Changes[0].Field != "phone" ||
		fix.Changes[0].Label != "联系电话" || fix.Changes[0].Old != "138****2222" || fix.Changes[0].New != "139****2222" {
		t.Errorf("fix in the leader's history: %+v", fix)
	}
}

// TestRecordRevealAPI: a community worker reveals a masked ID number with
// a reason; the administrator finds the audit entry, without the value.
func TestRecordRevealAPI(t *testing.T) {
	f := newFixture(t)
	ids := seedRecords(t, f)
	cw := f.login(t, "cw01")
	id := strconv.FormatInt(ids["孙悟空"], 10)
	req, err := http.NewRequest(http.MethodPost, f.srv.URL+"/api/v1/records/"+id+"/reveal",
		strings.NewReader(`{"fields": ["id_number"], "reason": "入户核对身份证号"}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	r := do(t, cw, req)
	var got struct {
		Fields []string          `json:"fields"`
		Values map[string]string `json:"values"`
	}
	if err := json.Unmarshal(r.body, &got); r.status != http.StatusOK || err != nil || got.Values["id_number"] != "11010519491231002X" {
		t.Fatalf("reveal: %d %s", r.status, r.body)
	}
	entries, _, err := f.store.Audit(context.Background(), core.AuditFilter{Action: core.AuditReveal})
	if err != nil || len(entries) != 1 || entries[0].Field != "person.id_number" || entries[0].Actor != "cw01" ||
		strings.Contains(entries[0].Detail, "11010519491231002X") {
		t.Errorf("audit: %+v, %v", entries, err)
	}
}

// TestRecordPages: the list's tabs and counts, the detail, a fix through
// the form (only what changed is sent), a refused form shown again with
// the message, and retire and restore.
func TestRecordPages(t *testing.T) {
	f := newFixture(t)
	ids := seedRecords(t, f)
	staff := f.login(t, "staff")
	r := f.get(t, staff, "/records")
	if r.status != http.StatusOK {
		t.Fatalf("/records: %d", r.status)
	}
	page := string(r.body)
	for _, want := range []string{"人口 <span class=\"count\">2</span>", "房屋 <span class=\"count\">1</span>", "孙悟空", "猪八戒", "共 <strong>2</strong> 条人口记录", `href="/records"`} {
		if !strings.Contains(page, want) {
			t.Errorf("/records lacks %q", want)
		}
	}
	if r := f.get(t, staff, "/records?kind=car"); r.status != http.StatusBadRequest || !strings.Contains(string(r.body), "参数 kind 应为") {
		t.Errorf("bad kind: %d", r.status)
	}
	id := strconv.FormatInt(ids["孙悟空"], 10)
	r = f.get(t, staff, "/records/"+id)
	csrf := csrfFromPage(t, r.body)
	if r.status != http.StatusOK || !strings.Contains(string(r.body), "更正记录") || !strings.Contains(string(r.body), "11010519491231002X") {
		t.Fatalf("detail: %d", r.status)
	}
	post := func(c *http.Client, path string, form url.Values) response {
		t.Helper()
		req, err := http.NewRequest(http.MethodPost, f.srv.URL+path, strings.NewReader(form.Encode()))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		return do(t, c, req)
	}
	// The form sends every field as shown; only the phone changed.
	form := url.Values{"csrf": {csrf}, "version": {"1"}, "note": {"本人来电更正"}}
	d := decode[recordDetailJSON](t, f.get(t, staff, "/api/v1/records/"+id))
	for _, fl := range d.Fields {
		form.Set("v."+fl.Name, fl.Value)
	}
	form.Set("v.phone", "12345")
	r = post(staff, "/records/"+id+"/fix", form)
	if r.status != http.StatusBadRequest || !strings.Contains(string(r.body), "「联系电话」号码格式不正确") || !strings.Contains(string(r.body), `value="12345"`) {
		t.Errorf("refused fix: %d", r.status)
	}
	form.Set("v.phone", "13911112222")
	r = post(staff, "/records/"+id+"/fix", form)
	if r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/records/"+id+"?done=fix") {
		t.Fatalf("fix: %d %s", r.status, r.header.Get("Location"))
	}
	rec, err := f.store.Record(context.Background(), ids["孙悟空"])
	if err != nil || rec.Values["phone"] != "13911112222" || !slices.Equal(rec.Fixed, []string{"phone"}) || rec.Version != 2 {
		t.Errorf("stored after the form: %+v, %v", rec, err)
	}
	r = f.get(t, staff, "/records/"+id+"?done=fix")
	if body := string(r.body); !strings.Contains(body, "已保存更正") || !strings.Contains(body, "本人来电更正") || !strings.Contains(body, "13911112222") {
		t.Errorf("detail after the fix lacks the notice or the history")
	}
	// The same form again: the version is stale.
	if r = post(staff, "/records/"+id+"/fix", form); r.status != http.StatusConflict || !strings.Contains(string(r.body), "请刷新页面") {
		t.Errorf("stale form: %d", r.status)
	}
	r = post(staff, "/records/"+id+"/status", url.Values{"csrf": {csrf}, "version": {"2"}, "action": {"retire"}, "note": {"已迁出"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("retire: %d %s", r.status, r.body)
	}
	if r = f.get(t, staff, "/records/"+id); !strings.Contains(string(r.body), "恢复记录") || !strings.Contains(string(r.body), "已迁出") {
		t.Errorf("retired record's page")
	}
	if r = post(staff, "/records/"+id+"/status", url.Values{"csrf": {csrf}, "version": {"3"}, "action": {"restore"}, "note": {""}}); r.status != http.StatusBadRequest {
		t.Errorf("restore without a reason: %d", r.status)
	}
	// Without the form token nothing changes.
	if r = post(staff, "/records/"+id+"/status", url.Values{"version": {"3"}, "action": {"restore"}, "note": {"迁回"}}); r.status != http.StatusForbidden {
		t.Errorf("without csrf: %d", r.status)
	}
	// A leader reads the page, masked, without the forms.
	r = f.get(t, f.login(t, "leader"), "/records/"+id)
	if body := string(r.body); r.status != http.StatusOK || strings.Contains(body, "更正记录") || strings.Contains(body, "孙悟空") || strings.Contains(body, "独居老人") {
		t.Errorf("leader's page: %d", r.status)
	}
}

// FuzzParseRecordFilter: any query string is a filter within bounds or
// an EINVALID error naming a parameter; it never panics.
func FuzzParseRecordFilter(f *testing.F) {
	for _, s := range []string{"kind=person", "kind=house&community=望春园社区&grid=第1网格&source=民政科&status=retired&q=张&flagged=1&page=3&limit=20",
		"kind=car", "offset=5&page=2", "limit=0", "limit=1001", "status=在册", "q=%ff", "kind=person&kind=house", "flagged=maybe", "x=1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		rf, err := parseRecordFilter(q)
		if err != nil {
			var fe *core.FieldError
			if core.ErrorCode(err) != core.EINVALID || !errors.As(err, &fe) || fe.Field == "" {
				t.Fatalf("parseRecordFilter(%q): %v, want an EINVALID error with its field", raw, err)
			}
			return
		}
		if rf.Kind != "" && !slices.Contains(fieldset.RecordKinds, rf.Kind) {
			t.Fatalf("kind %q", rf.Kind)
		}
		if rf.Status != "" && rf.Status != core.RecordActive && rf.Status != core.RecordRetired {
			t.Fatalf("status %q", rf.Status)
		}
		if rf.Limit < 1 || rf.Limit > core.MaxLimit || rf.Offset < 0 {
			t.Fatalf("paging %d %d", rf.Limit, rf.Offset)
		}
		for _, v := range []string{rf.Query, rf.Community, rf.Grid, rf.Source} {
			if !utf8.ValidString(v) || utf8.RuneCountInString(v) > maxKeywordRunes {
				t.Fatalf("text %q", v)
			}
		}
	})
}

// FuzzParseRecordPatch: any body is a change with a version (field values
// or a status, not both) or an EINVALID error; it never panics.
func FuzzParseRecordPatch(f *testing.F) {
	for _, s := range []string{`{"values": {"phone": "13800138000"}, "version": 3, "note": "x"}`, `{"status": "retired", "version": 1, "note": "已迁出"}`,
		`{"values": {}, "version": 1}`, `{"values": {"a": "b"}, "status": "active", "version": 1}`, `{"version": "1"}`, `{}`, `[]`, `{"values": {"a": "b"}, "version": 1} x`, `{"extra": 1}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		j, err := parseRecordPatch(body)
		if err != nil {
			if core.ErrorCode(err) != core.EINVALID {
				t.Fatalf("parseRecordPatch(%q): %v, want EINVALID", body, err)
			}
			return
		}
		if j.Version == nil || (len(j.Values) > 0) == (j.Status != "") {
			t.Fatalf("parseRecordPatch(%q) = %+v", body, j)
		}
		if j.Status != "" && j.Status != core.RecordActive && j.Status != core.RecordRetired {
			t.Fatalf("status %q", j.Status)
		}
	})
}
