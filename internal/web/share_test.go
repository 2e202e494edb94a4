package web

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"jiceng/internal/casework"
	"jiceng/internal/core"
	"jiceng/internal/deid"
)

var shareAdmin = core.User{Username: "admin", Role: core.RoleAdmin}

// shareFixture is the fixture street with its registry and these keys,
// by name: wcy (望春园社区: person and ticket fields), street (the whole
// street), revoked, open311.
type shareFixture struct {
	*fixture
	records map[string]int64
	secrets map[string]string
	keys    map[string]core.APIKey
}

func newShareFixture(t *testing.T) *shareFixture {
	t.Helper()
	f := newFixture(t)
	sf := &shareFixture{fixture: f, records: seedRecords(t, f), secrets: map[string]string{}, keys: map[string]core.APIKey{}}
	ctx := context.Background()
	svc := f.server.cases()
	for _, k := range []core.APIKey{
		{Name: "wcy", Purpose: core.APIKeyShare, Communities: []string{"望春园社区"},
			Fields: []string{"person.name", "person.phone", "person.id_number", "person.community", "person.address", "ticket.title", "ticket.caller_phone", "ticket.community", "ticket.status"}},
		{Name: "street", Purpose: core.APIKeyShare, Fields: []string{"person.community", "person.gender", "ticket.community"}},
		{Name: "revoked", Purpose: core.APIKeyShare, Fields: []string{"person.community", "ticket.community"}},
		{Name: "open311", Purpose: core.APIKeyOpen311},
	} {
		key, secret, err := svc.IssueAPIKey(ctx, shareAdmin, k)
		if err != nil {
			t.Fatal(err)
		}
		sf.secrets[k.Name], sf.keys[k.Name] = secret, key
	}
	if err := svc.RevokeAPIKey(ctx, shareAdmin, sf.keys["revoked"].ID); err != nil {
		t.Fatal(err)
	}
	return sf
}

// share sends GET path with the named key as a bearer token ("" none).
func (sf *shareFixture) share(t *testing.T, key, path string) response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, sf.srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+sf.secrets[key])
	}
	return do(t, sf.client(t), req)
}

// TestShareRoutes: every share route answers 401 without a key, with a
// revoked key and with an Open311 key; 403 for a community outside the
// key; 400 for a bad parameter; 200 with the key's scope.
func TestShareRoutes(t *testing.T) {
	sf := newShareFixture(t)
	p1 := strconv.FormatInt(sf.records["孙悟空"], 10)
	p2 := strconv.FormatInt(sf.records["猪八戒"], 10)
	routes := []struct {
		path    string // 200 with wcy
		outside string // 403 with wcy: another community
		bad     string // 400
	}{
		{"/api/share/v1/records?kind=person", "/api/share/v1/records?kind=person&community=柳荫里社区", "/api/share/v1/records?kind=person&page_size=501"},
		{"/api/share/v1/records/" + p1, "/api/share/v1/records/" + p1 + "?fields=person.gender", "/api/share/v1/records/" + p1 + "?page=2"},
		{"/api/share/v1/tickets", "/api/share/v1/tickets?community=柳荫里社区", "/api/share/v1/tickets?from=yesterday"},
	}
	for _, rt := range routes {
		t.Run(rt.path, func(t *testing.T) {
			for _, key := range []string{"", "revoked", "open311"} {
				r := sf.share(t, key, rt.path)
				if r.status != http.StatusUnauthorized || !strings.HasPrefix(r.header.Get("WWW-Authenticate"), "Bearer") {
					t.Errorf("key %q: status %d, want 401", key, r.status)
				}
				var e errorBody
				if err := json.Unmarshal(r.body, &e); err != nil || e.Error.Code != core.EUNAUTHORIZED || e.Error.Message == "" {
					t.Errorf("key %q: body %s", key, r.body)
				}
			}
			if r := sf.share(t, "wcy", rt.outside); r.status != http.StatusForbidden || !strings.Contains(string(r.body), `"code":"forbidden"`) {
				t.Errorf("outside: status %d %s, want 403", r.status, r.body)
			}
			if r := sf.share(t, "wcy", rt.bad); r.status != http.StatusBadRequest || !strings.Contains(string(r.body), `"field":`) {
				t.Errorf("bad parameter: status %d %s, want 400 naming the parameter", r.status, r.body)
			}
			r := sf.share(t, "wcy", rt.path)
			if r.status != http.StatusOK {
				t.Fatalf("status %d %s, want 200", r.status, r.body)
			}
			noTickets(t, r, []string{"1", "3"}) // 望春园社区's tickets only
			for _, raw := range []string{"13811112222", "11010519491231002X", "孙悟空", "猪八戒", "13812345678", "张三丰", "2单元301"} {
				if strings.Contains(string(r.body), raw) {
					t.Errorf("response shows %q raw: %s", raw, r.body)
				}
			}
		})
	}
	// The record of another community answers as a missing one.
	if r, missing := sf.share(t, "wcy", "/api/share/v1/records/"+p2), sf.share(t, "wcy", "/api/share/v1/records/999999"); r.status != http.StatusNotFound || string(r.body) != string(missing.body) {
		t.Errorf("record of another community: %d %s; missing: %s", r.status, r.body, missing.body)
	}
	// X-Api-Key works as well; Basic auth and a session are not a key.
	req, _ := http.NewRequest(http.MethodGet, sf.srv.URL+"/api/share/v1/records?kind=person", nil)
	req.Header.Set("X-Api-Key", sf.secrets["street"])
	r := do(t, sf.client(t), req)
	var page struct {
		Total    int                `json:"total"`
		Page     int                `json:"page"`
		PageSize int                `json:"page_size"`
		Items    []sharedRecordJSON `json:"items"`
	}
	if err := json.Unmarshal(r.body, &page); r.status != http.StatusOK || err != nil || page.Total != 2 || page.PageSize != casework.DefaultSharePage || page.Page != 1 {
		t.Fatalf("X-Api-Key: %d %s", r.status, r.body)
	}
	for _, it := range page.Items {
		if _, ok := it.Values["phone"]; ok || it.Values["community"] == "" {
			t.Errorf("street key's record %+v", it)
		}
	}
	req, _ = http.NewRequest(http.MethodGet, sf.srv.URL+"/api/share/v1/records", nil)
	req.SetBasicAuth("admin", testPasswords["admin"])
	if r := do(t, sf.client(t), req); r.status != http.StatusUnauthorized {
		t.Errorf("Basic auth: status %d, want 401", r.status)
	}
	if r := sf.get(t, sf.login(t, "admin"), "/api/share/v1/records"); r.status != http.StatusUnauthorized {
		t.Errorf("session: status %d, want 401", r.status)
	}
}

// TestShareUsageLog: one usage-log row per request with a valid key, with
// its status, rows and the cited ticket (validated); the logs name the key
// and the path, never a query value.
func TestShareUsageLog(t *testing.T) {
	sf := newShareFixture(t)
	var logs lockedBuffer
	sf.server.Log = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	id := "11010519491231002X"
	steps := []struct {
		key, path string
		status    int
	}{
		{"wcy", "/api/share/v1/records?kind=person&q=" + id + "&ticket=QHW2501050001", http.StatusOK},
		{"wcy", "/api/share/v1/records?kind=person&q=" + url.QueryEscape("孙悟空"), http.StatusOK},
		{"wcy", "/api/share/v1/tickets?ticket=QHW9999999999", http.StatusBadRequest},
		{"wcy", "/api/share/v1/records?kind=person&community=" + url.QueryEscape("柳荫里社区"), http.StatusForbidden},
		{"street", "/api/share/v1/records?kind=person&q=" + id, http.StatusForbidden}, // no id_number field
		{"revoked", "/api/share/v1/records?kind=person", http.StatusUnauthorized},     // no row: no valid key
		{"", "/api/share/v1/records", http.StatusUnauthorized},
		{"street", "/api/share/v1/tickets?ticket=QHW2502100003", http.StatusOK},
	}
	for _, st := range steps {
		if r := sf.share(t, st.key, st.path); r.status != st.status {
			t.Fatalf("%s %s: status %d %s, want %d", st.key, st.path, r.status, r.body, st.status)
		}
	}
	uses, err := sf.store.APIUses(context.Background(), 0, time.Time{}, time.Time{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		key            int64
		path           string
		status, rows   int
		ticket, method string
	}
	var got []row
	for _, u := range slices.Backward(uses) {
		got = append(got, row{u.KeyID, u.Path, u.Status, u.Rows, u.Ticket, u.Method})
	}
	wcy, street := sf.keys["wcy"].ID, sf.keys["street"].ID
	want := []row{
		{wcy, "/api/share/v1/records", 200, 1, "QHW2501050001", "GET"},
		{wcy, "/api/share/v1/records", 200, 1, "", "GET"},
		{wcy, "/api/share/v1/tickets", 400, 0, "", "GET"},
		{wcy, "/api/share/v1/records", 403, 0, "", "GET"},
		{street, "/api/share/v1/records", 403, 0, "", "GET"},
		{street, "/api/share/v1/tickets", 200, 3, "QHW2502100003", "GET"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("usage log\n%+v\nwant\n%+v", got, want)
	}
	out := logs.String()
	for _, bad := range []string{id, "孙悟空", "QHW9999999999", "柳荫里", sf.secrets["wcy"][3:]} {
		if strings.Contains(out, bad) {
			t.Errorf("logs hold %q", bad)
		}
	}
	for _, line := range strings.Split(out, "\n") {
		if spans := deid.Spans(line); len(spans) > 0 {
			t.Errorf("log line with personal data: %s", line)
		}
	}
	if !strings.Contains(out, "key="+strconv.FormatInt(wcy, 10)) {
		t.Errorf("logs do not name the key: %s", out)
	}
}

// TestSharingFigures: the figures page and API for administrators and
// leaders, from the usage log.
func TestSharingFigures(t *testing.T) {
	sf := newShareFixture(t)
	for _, path := range []string{
		"/api/share/v1/records?kind=person&ticket=QHW2501050001", // 办结 2025-01-07, cited 2025-03 (fixedNow): not solved after
		"/api/share/v1/records?kind=person&community=" + url.QueryEscape("柳荫里社区"),
	} {
		sf.share(t, "wcy", path)
	}
	month := fixedNow.In(core.StreetTime).Format("2006-01")
	c := sf.login(t, "leader")
	r := sf.get(t, c, "/api/v1/sharing?from="+month+"&to="+month)
	var got sharingJSON
	if err := json.Unmarshal(r.body, &got); r.status != http.StatusOK || err != nil {
		t.Fatalf("status %d %s", r.status, r.body)
	}
	want := []sharingRowJSON{{Month: month, Department: "wcy", Served: 1, Refused: 1, Rows: 1, Cited: 1, Solved: 0}}
	if !slices.Equal(got.Rows, want) {
		t.Errorf("rows %+v, want %+v", got.Rows, want)
	}
	for _, bad := range []string{"from=2025-13", "page=2", "to=x", "from=2025-03&to=2025-01"} {
		if r := sf.get(t, c, "/api/v1/sharing?"+bad); r.status != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400", bad, r.status)
		}
	}
	r = sf.get(t, sf.login(t, "admin"), "/admin/sharing?from="+month+"&to="+month)
	body := string(r.body)
	if r.status != http.StatusOK || !strings.Contains(body, "sharing-figures") || !strings.Contains(body, "QHW2501050001") ||
		!strings.Contains(body, sf.keys["wcy"].Prefix) || strings.Contains(body, "柳荫里社区&") {
		t.Errorf("page: status %d %.600s", r.status, body)
	}
	// The monthly report's 数据共享 section: for administrators and
	// leaders; staff read the report without it.
	for user, want := range map[string]bool{"leader": true, "admin": true, "staff": false} {
		r := sf.get(t, sf.login(t, user), "/rates/report?format=html&period="+month)
		if r.status != http.StatusOK || strings.Contains(string(r.body), "六、数据共享") != want ||
			want && !strings.Contains(string(r.body), "<td>wcy</td><td class=\"n\">1</td><td class=\"n\">1</td>") {
			t.Errorf("%s: report status %d, section %v: %.300s", user, r.status, !want, r.body)
		}
	}
	if r := sf.get(t, sf.login(t, "staff"), "/admin/sharing"); r.status != http.StatusForbidden {
		t.Errorf("staff: status %d, want 403", r.status)
	}
	if r := sf.get(t, c, "/admin/sharing?from=bad"); r.status != http.StatusBadRequest {
		t.Errorf("bad from: status %d, want 400", r.status)
	}
}

// FuzzParseShareQuery: the parser of the share routes' query strings
// never panics, and what it accepts is within bounds.
func FuzzParseShareQuery(f *testing.F) {
	for _, s := range []string{
		"kind=person&community=望春园社区&q=张&fields=person.name,person.phone&page=2&page_size=500",
		"fields=name，phone,,%20,&ticket=QHW2501050001",
		"from=2025-01-01&to=2025-01-31&status=办结&category=城乡建设",
		"from=2025-02-01&to=2025-01-01", "page_size=0", "page=-1", "fields=" + strings.Repeat("a,", 300),
		"kind=person&kind=house", "%zz", "=1", "q=\xff", "to=2025-01-05T08:30:00%2B08:00",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		for _, route := range []string{"records", "record", "tickets"} {
			sq, ticket, err := parseShareQuery(q, route, core.StreetTime)
			if err != nil {
				if core.ErrorCode(err) != core.EINVALID {
					t.Fatalf("%s: error %v is not EINVALID", route, err)
				}
				continue
			}
			if sq.PageSize < 0 || sq.PageSize > casework.MaxSharePage || sq.Page < 0 || len(sq.Fields) > maxShareFields {
				t.Fatalf("%s: out of bounds: %+v", route, sq)
			}
			for _, fl := range sq.Fields {
				if fl == "" || strings.TrimSpace(fl) != fl || strings.ContainsAny(fl, ",，") {
					t.Fatalf("%s: field %q", route, fl)
				}
			}
			if !sq.From.IsZero() && !sq.To.IsZero() && !sq.From.Before(sq.To) {
				t.Fatalf("%s: from %v not before to %v", route, sq.From, sq.To)
			}
			if strings.TrimSpace(ticket) != ticket {
				t.Fatalf("%s: ticket %q", route, ticket)
			}
		}
	})
}
