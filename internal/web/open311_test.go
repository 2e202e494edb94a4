package web

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"jiceng/internal/casework"
	"jiceng/internal/core"
	"jiceng/internal/open311"
	"jiceng/internal/open311/open311test"
)

// open311Key issues an API key of purpose through the service, as an
// administrator does, and returns its secret.
func open311Key(t testing.TB, f *fixture, name, purpose string) (string, int64) {
	t.Helper()
	k := core.APIKey{Name: name, Purpose: purpose}
	if purpose == core.APIKeyShare {
		k.Fields = []string{"person.name"}
	}
	k, secret, err := f.server.cases().IssueAPIKey(context.Background(), core.User{Username: "admin", Role: core.RoleAdmin}, k)
	if err != nil {
		t.Fatal(err)
	}
	return secret, k.ID
}

func post311(t *testing.T, f *fixture, path string, form url.Values) response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, f.srv.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return do(t, http.DefaultClient, req)
}

func get311(t *testing.T, f *fixture, path string) response {
	t.Helper()
	return f.get(t, http.DefaultClient, path)
}

func schemas311(t *testing.T) *open311test.Schemas {
	t.Helper()
	s, err := open311test.Load("../open311/testdata/schema")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// A request of the fixture's taxonomy: 城乡建设/市政设施 with its third
// level as the category3 attribute.
func lampForm(key string) url.Values {
	return url.Values{"api_key": {key}, "jurisdiction_id": {"qhw"}, "service_code": {defaultCode("城乡建设", "市政设施")},
		"lat": {"40.0321"}, "long": {"116.3312"}, "address_string": {"望春园一区5号楼2单元301"},
		"description": {"楼道灯不亮\n5号楼2单元楼道灯坏了，请联系我 13912345678"}, "attribute[category3]": {"路灯照明"},
		"email": {"zhang.san@example.org"}, "first_name": {"三丰"}, "last_name": {"张"}, "phone": {"13800001111"},
		"device_id": {"device-7f3a9c"}, "account_id": {"acct-4711"}, "media_url": {"https://photos.example.org/p/1.jpg"}}
}

func defaultCode(l1, l2 string) string {
	return open311.DefaultConfig([]core.Category{{Level1: l1, Level2: l2}})[0].Code
}

// The conformance test: every endpoint in both formats, errors too,
// validates against the GeoReport v2 schemas, with the specification's
// status codes and media types.
func TestOpen311Conformance(t *testing.T) {
	f := newFixture(t)
	f.server.Open311Jurisdiction = "qhw"
	key, _ := open311Key(t, f, "市民随手拍", core.APIKeyOpen311)
	shareKey, _ := open311Key(t, f, "区民政局", core.APIKeyShare)
	s := schemas311(t)
	code := defaultCode("城乡建设", "市政设施")
	created := map[string]open311.Created{}
	for _, format := range []string{open311.XML, open311.JSON} {
		r := post311(t, f, "/open311/v2/requests."+format, lampForm(key))
		if r.status != http.StatusOK {
			t.Fatalf("POST %s: %d %s", format, r.status, r.body)
		}
		checkDoc(t, s, format, "post-response.json", "service_requests", r)
		var c []open311.Created
		decode311(t, format, r.body, &c)
		if len(c) != 1 || !strings.HasPrefix(c[0].ServiceRequestID, "JC") || c[0].Token == "" {
			t.Fatalf("POST %s answered %+v", format, c)
		}
		created[format] = c[0]
	}
	type call struct {
		name, method, path, schema, root string
		form                             url.Values
		status                           int
	}
	var calls []call
	for _, format := range []string{open311.XML, open311.JSON} {
		id, token := created[format].ServiceRequestID, created[format].Token
		calls = append(calls,
			call{"discovery", "GET", "/open311/discovery." + format, "discovery.json", "discovery", nil, 200},
			call{"services", "GET", "/open311/v2/services." + format + "?jurisdiction_id=qhw", "services.json", "services", nil, 200},
			call{"definition", "GET", "/open311/v2/services/" + code + "." + format, "service-definition.json", "service_definition", nil, 200},
			call{"requests", "GET", "/open311/v2/requests." + format, "requests.json", "service_requests", nil, 200},
			call{"requests filtered", "GET", "/open311/v2/requests." + format + "?status=open&service_code=" + code + "&start_date=2025-02-01&end_date=2025-03-31&page=1&page_size=10", "requests.json", "service_requests", nil, 200},
			call{"request", "GET", "/open311/v2/requests/" + id + "." + format, "requests.json", "service_requests", nil, 200},
			call{"token", "GET", "/open311/v2/tokens/" + token + "." + format, "token-response.json", "service_requests", nil, 200},
			call{"unknown service", "GET", "/open311/v2/services/nope." + format, "errors.json", "errors", nil, 404},
			call{"unknown request", "GET", "/open311/v2/requests/JC00000000000000." + format, "errors.json", "errors", nil, 404},
			call{"hotline ticket", "GET", "/open311/v2/requests/QHW2501050001." + format, "errors.json", "errors", nil, 404},
			call{"forged token", "GET", "/open311/v2/tokens/" + strings.Repeat("A", 40) + "." + format, "errors.json", "errors", nil, 404},
			call{"bad status", "GET", "/open311/v2/requests." + format + "?status=pending", "errors.json", "errors", nil, 400},
			call{"window too long", "GET", "/open311/v2/requests." + format + "?start_date=2024-01-01&end_date=2025-01-01", "errors.json", "errors", nil, 400},
			call{"other jurisdiction", "GET", "/open311/v2/services." + format + "?jurisdiction_id=elsewhere", "errors.json", "errors", nil, 404},
			call{"no key", "POST", "/open311/v2/requests." + format, "errors.json", "errors", url.Values{"service_code": {code}, "lat": {"40"}, "long": {"116"}}, 403},
			call{"wrong key", "POST", "/open311/v2/requests." + format, "errors.json", "errors", url.Values{"api_key": {"nope"}, "service_code": {code}, "lat": {"40"}, "long": {"116"}}, 403},
			call{"share key", "POST", "/open311/v2/requests." + format, "errors.json", "errors", url.Values{"api_key": {shareKey}, "service_code": {code}, "lat": {"40"}, "long": {"116"}}, 403},
			call{"no location", "POST", "/open311/v2/requests." + format, "errors.json", "errors", url.Values{"api_key": {key}, "service_code": {code}}, 400},
			call{"unknown service code", "POST", "/open311/v2/requests." + format, "errors.json", "errors", url.Values{"api_key": {key}, "service_code": {"nope"}, "lat": {"40"}, "long": {"116"}}, 400},
			call{"not a third level", "POST", "/open311/v2/requests." + format, "errors.json", "errors", url.Values{"api_key": {key}, "service_code": {code}, "lat": {"40"}, "long": {"116"}, "attribute[category3]": {"火箭发射"}}, 400},
		)
	}
	calls = append(calls, call{"no format", "GET", "/open311/v2/services.html", "errors.json", "errors", nil, 404},
		call{"unknown path", "GET", "/open311/v2/nothing.xml", "errors.json", "errors", nil, 404})
	for _, c := range calls {
		format := open311.XML
		if strings.Contains(c.path, ".json") {
			format = open311.JSON
		}
		t.Run(format+"/"+c.name, func(t *testing.T) {
			var r response
			if c.method == "POST" {
				r = post311(t, f, c.path, c.form)
			} else {
				r = get311(t, f, c.path)
			}
			if r.status != c.status {
				t.Fatalf("status %d, want %d: %s", r.status, c.status, r.body)
			}
			checkDoc(t, s, format, c.schema, c.root, r)
		})
	}
	// The list shows both requests, and no hotline ticket.
	r := get311(t, f, "/open311/v2/requests.json")
	var reqs []open311.Request
	decode311(t, open311.JSON, r.body, &reqs)
	if len(reqs) != 2 {
		t.Fatalf("%d requests, want the 2 posted: %s", len(reqs), r.body)
	}
	noTickets(t, r, nil)
}

// checkDoc validates a response against its schema and checks its media
// type.
func checkDoc(t *testing.T, s *open311test.Schemas, format, schema, root string, r response) {
	t.Helper()
	if got := r.header.Get("Content-Type"); got != open311.ContentType(format) {
		t.Errorf("Content-Type %q, want %q", got, open311.ContentType(format))
	}
	var err error
	if format == open311.JSON {
		err = s.ValidateJSON(schema, r.body)
	} else {
		err = s.ValidateXML(schema, root, r.body)
	}
	if err != nil {
		t.Errorf("%s against %s: %v\n%s", format, schema, err, r.body)
	}
}

// decode311 reads a list document of either format into v (a pointer to
// a slice of the entries).
func decode311(t *testing.T, format string, b []byte, v any) {
	t.Helper()
	if format == open311.JSON {
		if err := json.Unmarshal(b, v); err != nil {
			t.Fatalf("%v: %s", err, b)
		}
		return
	}
	var err error
	switch p := v.(type) {
	case *[]open311.Created:
		var d open311.CreatedList
		err = xml.Unmarshal(b, &d)
		*p = d.Requests
	case *[]open311.Request:
		var d open311.Requests
		err = xml.Unmarshal(b, &d)
		*p = d.Requests
	case *[]open311.Token:
		var d open311.Tokens
		err = xml.Unmarshal(b, &d)
		*p = d.Requests
	default:
		t.Fatalf("decode311 of %T", v)
	}
	if err != nil {
		t.Fatalf("%v: %s", err, b)
	}
}

// A request is a ticket like any other: channel Open311, its service's
// categories, the caller's data stored for staff; and no response shows
// the caller's personal data.
func TestOpen311Ticket(t *testing.T) {
	f := newFixture(t)
	key, keyID := open311Key(t, f, "市民随手拍", core.APIKeyOpen311)
	form := lampForm(key)
	form["attribute[fixmystreet_id]"] = []string{"4711"}
	r := post311(t, f, "/open311/v2/requests.xml", form)
	if r.status != http.StatusOK {
		t.Fatalf("POST: %d %s", r.status, r.body)
	}
	var c []open311.Created
	decode311(t, open311.XML, r.body, &c)
	tk, err := f.store.TicketByNumber(context.Background(), c[0].ServiceRequestID)
	if err != nil {
		t.Fatal(err)
	}
	if tk.Channel != core.ChannelOpen311 || tk.Category1 != "城乡建设" || tk.Category2 != "市政设施" || tk.Category3 != "路灯照明" || tk.Status != core.StatusReceived {
		t.Errorf("ticket %+v", tk)
	}
	if tk.CallerName != "三丰 张" || tk.CallerPhone != "13800001111" || tk.Extra[casework.ExtraEmail] != "zhang.san@example.org" ||
		tk.Extra[casework.ExtraDeviceID] != "device-7f3a9c" || tk.Extra[casework.ExtraMediaURL] != "https://photos.example.org/p/1.jpg" || tk.Lat == nil {
		t.Errorf("the caller's data is not stored: %+v", tk)
	}
	if !strings.Contains(tk.Content, "fixmystreet_id：4711") || !strings.Contains(tk.Content, "（category3）：路灯照明") || tk.Title != "楼道灯不亮" {
		t.Errorf("attributes not in the text: %q / %q", tk.Title, tk.Content)
	}
	events, err := f.store.TicketEvents(context.Background(), tk.ID)
	if err != nil || len(events) == 0 || events[0].Actor != "open311:市民随手拍" || events[0].Note != casework.IntakeNote(core.ChannelOpen311) {
		t.Errorf("create event %+v %v", events, err)
	}
	uses, err := f.store.APIUses(context.Background(), keyID, time.Time{}, time.Time{}, 0)
	if err != nil || len(uses) != 1 || uses[0].Ticket != tk.Number || uses[0].Status != http.StatusOK || uses[0].Path != "/open311/v2/requests.xml" {
		t.Errorf("usage log %+v %v", uses, err)
	}
	// Staff see it in the workbench's list like any ticket.
	staff := f.get(t, f.login(t, "staff"), "/api/v1/tickets?channel=Open311")
	if staff.status != http.StatusOK || !bytes.Contains(staff.body, []byte(tk.Number)) {
		t.Errorf("staff list: %d %.300s", staff.status, staff.body)
	}
	// Its detail answers staff as any ticket's (the fixture runs no
	// dispatch catalogue; the life cycle is casework's TestOpen311LifeCycle).
	for _, path := range []string{"/api/v1/tickets/" + tk.Number} {
		if r := f.get(t, f.login(t, "staff"), path); r.status != http.StatusOK {
			t.Errorf("%s: %d %.300s", path, r.status, r.body)
		}
	}
	personal := []string{"zhang.san@example.org", "13800001111", "13912345678", "三丰", "device-7f3a9c", "acct-4711", "5号楼2单元301"}
	for _, path := range []string{"/open311/v2/requests/" + tk.Number + ".xml", "/open311/v2/requests/" + tk.Number + ".json",
		"/open311/v2/requests.xml", "/open311/v2/requests.json?service_request_id=" + tk.Number} {
		r := get311(t, f, path)
		if r.status != http.StatusOK || !bytes.Contains(r.body, []byte(tk.Number)) {
			t.Fatalf("%s: %d %s", path, r.status, r.body)
		}
		for _, p := range personal {
			if bytes.Contains(r.body, []byte(p)) {
				t.Errorf("%s shows personal data %q: %s", path, p, r.body)
			}
		}
		if !bytes.Contains(r.body, []byte("photos.example.org")) {
			t.Errorf("%s: media_url not kept: %s", path, r.body)
		}
	}
}

// The life cycle maps onto open and closed, with the status notes and the
// public reply (masked).
func TestOpen311Status(t *testing.T) {
	f := newFixture(t)
	key, _ := open311Key(t, f, "市民随手拍", core.APIKeyOpen311)
	var c []open311.Created
	decode311(t, open311.XML, post311(t, f, "/open311/v2/requests.xml", lampForm(key)).body, &c)
	number := c[0].ServiceRequestID
	ctx := context.Background()
	for _, step := range []struct {
		status, reply, unit string
		want, notes         string
	}{
		{core.StatusDispatched, "", "城市管理办公室", "open", "已派单至承办单位"},
		{core.StatusReturned, "", "城市管理办公室", "open", "退单"},
		{core.StatusHandling, "", "城市管理办公室", "open", "办理中"},
		{core.StatusResolved, "已更换灯泡，如有问题请拨打 13811112222。", "城市管理办公室", "closed", "已办结。答复：已更换灯泡"},
		{core.StatusCallback, "已更换灯泡。", "城市管理办公室", "closed", "已回访"},
		{core.StatusClosed, "已更换灯泡。", "城市管理办公室", "closed", "已结案"},
	} {
		tk, err := f.store.TicketByNumber(ctx, number)
		if err != nil {
			t.Fatal(err)
		}
		tk.Status, tk.Reply, tk.Unit = step.status, step.reply, step.unit
		if _, err := f.store.UpsertTickets(ctx, []core.Ticket{tk}, "staff"); err != nil {
			t.Fatal(err)
		}
		for _, format := range []string{open311.XML, open311.JSON} {
			r := get311(t, f, "/open311/v2/requests/"+number+"."+format)
			var reqs []open311.Request
			decode311(t, format, r.body, &reqs)
			if len(reqs) != 1 || reqs[0].Status != step.want || !strings.Contains(reqs[0].StatusNotes, step.notes) || reqs[0].AgencyResponsible != step.unit {
				t.Errorf("%s %s: %+v", step.status, format, reqs)
			}
			if bytes.Contains(r.body, []byte("13811112222")) {
				t.Errorf("the reply's phone number is shown: %s", r.body)
			}
		}
		q := "/open311/v2/requests.json?status=" + step.want
		var reqs []open311.Request
		decode311(t, open311.JSON, get311(t, f, q).body, &reqs)
		if len(reqs) != 1 {
			t.Errorf("%s: %d requests, want 1", q, len(reqs))
		}
	}
}

// GET requests: ids override the other filters, service codes, statuses,
// the window and pages; tickets of other channels never appear.
func TestOpen311Filters(t *testing.T) {
	f := newFixture(t)
	key, _ := open311Key(t, f, "市民随手拍", core.APIKeyOpen311)
	lamp, noise := defaultCode("城乡建设", "市政设施"), defaultCode("环境保护", "噪声污染")
	var numbers []string
	for i, code := range []string{lamp, lamp, noise} {
		form := url.Values{"api_key": {key}, "service_code": {code}, "address_string": {"望春园"}, "description": {"第 " + string(rune('1'+i)) + " 件"}}
		var c []open311.Created
		r := post311(t, f, "/open311/v2/requests.json", form)
		decode311(t, open311.JSON, r.body, &c)
		if len(c) != 1 {
			t.Fatalf("POST: %d %s", r.status, r.body)
		}
		numbers = append(numbers, c[0].ServiceRequestID)
	}
	// The third is resolved.
	tk, _ := f.store.TicketByNumber(context.Background(), numbers[2])
	tk.Status = core.StatusResolved
	if _, err := f.store.UpsertTickets(context.Background(), []core.Ticket{tk}, "staff"); err != nil {
		t.Fatal(err)
	}
	ids := func(q string) []string {
		t.Helper()
		r := get311(t, f, "/open311/v2/requests.json?"+q)
		if r.status != http.StatusOK {
			t.Fatalf("%s: %d %s", q, r.status, r.body)
		}
		noTickets(t, r, nil)
		var reqs []open311.Request
		decode311(t, open311.JSON, r.body, &reqs)
		var out []string
		for _, x := range reqs {
			out = append(out, x.ServiceRequestID)
		}
		return out
	}
	all := ids("")
	if len(all) != 3 {
		t.Fatalf("all: %v", all)
	}
	for _, c := range []struct {
		q    string
		want int
	}{
		{"service_code=" + lamp, 2},
		{"service_code=" + lamp + "," + noise, 3},
		{"status=closed", 1},
		{"status=open", 2},
		{"status=open,closed", 3},
		{"status=open&service_code=" + noise, 0},
		{"service_request_id=" + numbers[0] + ",QHW2501050001," + numbers[2] + "&status=open", 2}, // ids override
		{"start_date=2024-01-01&end_date=2024-02-01", 0},
		{"end_date=2025-03-01", 3},
		{"page_size=2", 2},
		{"page_size=2&page=2", 1},
		{"page_size=2&page=3", 0},
		{"status=open&page_size=1&page=2", 1},
	} {
		if got := ids(c.q); len(got) != c.want {
			t.Errorf("%s: %v, want %d", c.q, got, c.want)
		}
	}
	if p1, p2 := ids("page_size=2"), ids("page_size=2&page=2"); len(p1) == 2 && len(p2) == 1 && (p1[0] == p2[0] || p1[1] == p2[0]) {
		t.Errorf("pages overlap: %v %v", p1, p2)
	}
}

// The replay of FixMyStreet's Open311 client (perllib/Open311.pm): XML
// only, jurisdiction_id on every call, the service list and a
// definition, a POST of its form (lat, long, email, description in its
// title/detail/url layout, first and last name, phone, media_url and
// attribute[...]), then the token polled until service_request_id
// appears, and the requests fetched by a comma list of ids. A second
// service of an uploaded open311 setting takes a multivaluelist as
// attribute[code][].
func TestOpen311FixMyStreetReplay(t *testing.T) {
	f := newFixture(t)
	f.server.Open311Jurisdiction = "fixmystreet.qhw"
	ctx := context.Background()
	setting := "service_code,taxonomy,name,group,keywords,attributes\n" +
		"LAMP,城乡建设/市政设施/路灯照明,路灯不亮,城乡建设,路灯,\"pole|string|否|灯杆编号;kind|multivaluelist|是|故障|dark=不亮,flicker=闪烁\"\n" +
		"NOISE,环境保护/噪声污染,噪声扰民,环境保护,噪声,\n"
	if _, err := f.store.PutSetting(ctx, core.SettingOpen311, []byte(setting), "open311.csv", "admin", fixedClock()); err != nil {
		t.Fatal(err)
	}
	key, _ := open311Key(t, f, "FixMyStreet", core.APIKeyOpen311)
	j := "jurisdiction_id=fixmystreet.qhw"
	// get_service_list, get_service_meta_info
	var services open311.Services
	xmlGet(t, f, "/open311/v2/services.xml?"+j, &services)
	if len(services.Services) != 2 || services.Services[0].ServiceCode != "LAMP" || !services.Services[0].Metadata || services.Services[1].Metadata {
		t.Fatalf("services %+v", services)
	}
	var def struct {
		ServiceCode string              `xml:"service_code"`
		Attributes  []open311.Attribute `xml:"attributes>attribute"`
	}
	xmlGet(t, f, "/open311/v2/services/LAMP.xml?"+j, &def)
	if def.ServiceCode != "LAMP" || len(def.Attributes) != 2 || def.Attributes[1].Datatype != open311.DatatypeMultiValueList || len(def.Attributes[1].Values) != 2 {
		t.Fatalf("definition %+v", def)
	}
	// send_service_request: the form as Open311.pm builds it.
	send := func(code string, attrs url.Values) string {
		form := url.Values{"jurisdiction_id": {"fixmystreet.qhw"}, "api_key": {key}, "lat": {"40.0321"}, "long": {"116.3312"},
			"email": {"resident@example.org"}, "service_code": {code}, "first_name": {"Li"}, "last_name": {"Si"}, "phone": {"13600003333"},
			"description": {"title:  路灯不亮\n\ndetail: 幸福路口的路灯晚上不亮\n\nurl: https://fms.example.org/report/77\n\nSubmitted via FixMyStreet\n"},
			"media_url":   {"https://fms.example.org/photo/77.jpeg"}}
		for k, v := range attrs {
			form[k] = v
		}
		r := post311(t, f, "/open311/v2/requests.xml", form)
		if r.status != http.StatusOK {
			t.Fatalf("POST: %d %s", r.status, r.body)
		}
		// $obj->{request}->{service_request_id}, else the token.
		var obj struct {
			Request struct {
				ID    string `xml:"service_request_id"`
				Token string `xml:"token"`
			} `xml:"request"`
		}
		if err := xml.Unmarshal(r.body, &obj); err != nil {
			t.Fatal(err)
		}
		if obj.Request.Token == "" {
			t.Fatalf("no token to poll: %s", r.body)
		}
		// get_service_request_id_from_token, polled until the id appears.
		id := ""
		for try := 0; try < 5 && id == ""; try++ {
			var tok struct {
				Request struct {
					ID string `xml:"service_request_id"`
				} `xml:"request"`
			}
			xmlGet(t, f, "/open311/v2/tokens/"+obj.Request.Token+".xml?"+j, &tok)
			id = tok.Request.ID
		}
		if id == "" || id != obj.Request.ID {
			t.Fatalf("token resolved to %q, POST answered %q", id, obj.Request.ID)
		}
		return id
	}
	a := send("LAMP", url.Values{"attribute[pole]": {"QH-0042"}, "attribute[kind][]": {"dark", "flicker"}})
	b := send("NOISE", nil)
	// get_service_requests with a comma list of ids.
	var reqs open311.Requests
	xmlGet(t, f, "/open311/v2/requests.xml?"+j+"&service_request_id="+url.QueryEscape(a+","+b), &reqs)
	if len(reqs.Requests) != 2 {
		t.Fatalf("requests %+v", reqs)
	}
	for _, r := range reqs.Requests {
		if r.Status != open311.StatusOpen || r.RequestedDatetime == "" || !strings.HasSuffix(r.RequestedDatetime, "+08:00") {
			t.Errorf("request %+v", r)
		}
	}
	tk, err := f.store.TicketByNumber(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	if tk.Category3 != "路灯照明" || !strings.Contains(tk.Content, "故障（kind）：dark（不亮）、flicker（闪烁）") || !strings.Contains(tk.Content, "灯杆编号（pole）：QH-0042") {
		t.Errorf("ticket %q %q", tk.Category3, tk.Content)
	}
	// A required attribute missing is the specification's 400.
	r := post311(t, f, "/open311/v2/requests.xml", url.Values{"jurisdiction_id": {"fixmystreet.qhw"}, "api_key": {key}, "service_code": {"LAMP"}, "lat": {"40"}, "long": {"116"}})
	if r.status != http.StatusBadRequest || !bytes.Contains(r.body, []byte("<code>400</code>")) || !bytes.Contains(r.body, []byte("attribute[kind] is required")) {
		t.Errorf("missing attribute: %d %s", r.status, r.body)
	}
}

func xmlGet(t *testing.T, f *fixture, path string, v any) {
	t.Helper()
	r := get311(t, f, path)
	if r.status != http.StatusOK {
		t.Fatalf("%s: %d %s", path, r.status, r.body)
	}
	if err := xml.Unmarshal(r.body, v); err != nil {
		t.Fatalf("%s: %v %s", path, err, r.body)
	}
}
