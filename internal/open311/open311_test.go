package open311

import (
	"bytes"
	"errors"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"jiceng/internal/core"
	"jiceng/internal/open311/open311test"
)

var cst = time.FixedZone("CST", 8*3600)

func schemas(t testing.TB) *open311test.Schemas {
	t.Helper()
	s, err := open311test.Load("testdata/schema")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func ptr(f float64) *float64 { return &f }

// Every document in both formats validates against its schema.
func TestDocumentsValidate(t *testing.T) {
	s := schemas(t)
	at := time.Date(2025, 3, 1, 9, 30, 0, 0, time.UTC)
	docs := []struct {
		name   string
		schema string
		root   string
		doc    any
	}{
		{"services", "services.json", "services", Services{Services: []Service{{ServiceCode: "s1", ServiceName: "道路", Metadata: true, Type: TypeRealtime, Group: "城乡建设"}, {ServiceCode: "s2", ServiceName: "绿化", Type: TypeRealtime}}}},
		{"no services", "services.json", "services", Services{}},
		{"definition", "service-definition.json", "service_definition", Definition{ServiceCode: "s1", Attributes: []Attribute{
			{Variable: true, Code: "category3", Datatype: DatatypeSingleValueList, Order: 1, Description: "分类", Values: []Value{{Key: "a", Name: "甲"}}},
			{Variable: true, Code: "n", Datatype: DatatypeNumber, Required: true, Order: 2}}}},
		{"definition without attributes", "service-definition.json", "service_definition", Definition{ServiceCode: "s1"}},
		{"requests", "requests.json", "service_requests", Requests{Requests: []Request{
			{ServiceRequestID: "JC1", Status: StatusOpen, ServiceCode: "s1", ServiceName: "道路", Description: "路灯 <坏了> & 不亮",
				RequestedDatetime: Time(at, cst), UpdatedDatetime: Time(at, cst), Lat: ptr(39.9), Long: ptr(116.4), MediaURL: "https://example.org/a.jpg"},
			{ServiceRequestID: "JC2", Status: StatusClosed, StatusNotes: "已办结", ServiceCode: "s2", RequestedDatetime: Time(at, cst)}}}},
		{"no requests", "requests.json", "service_requests", Requests{}},
		{"created", "post-response.json", "service_requests", CreatedList{Requests: []Created{{ServiceRequestID: "JC1", Token: "abc", ServiceNotice: "已受理"}}}},
		{"token", "token-response.json", "service_requests", Tokens{Requests: []Token{{ServiceRequestID: "JC1", Token: "abc"}}}},
		{"errors", "errors.json", "errors", Errors{Errors: []Error{{Code: 400, Description: "service_code is required"}}}},
		{"discovery", "discovery.json", "discovery", Discovery{Changeset: Time(at, cst), Contact: "街道", KeyService: "向街道申请",
			Endpoints: []Endpoint{{Specification: Specification, URL: "https://example.org/open311/v2", Changeset: Time(at, cst), Type: "production", Formats: []string{"text/xml", "application/json"}}}}},
	}
	for _, d := range docs {
		t.Run(d.name, func(t *testing.T) {
			var j, x bytes.Buffer
			if err := Encode(&j, JSON, d.doc); err != nil {
				t.Fatal(err)
			}
			if err := s.ValidateJSON(d.schema, j.Bytes()); err != nil {
				t.Errorf("JSON: %v\n%s", err, j.Bytes())
			}
			if err := Encode(&x, XML, d.doc); err != nil {
				t.Fatal(err)
			}
			if err := s.ValidateXML(d.schema, d.root, x.Bytes()); err != nil {
				t.Errorf("XML: %v\n%s", err, x.Bytes())
			}
		})
	}
}

// The validator fails documents that break a schema: it is not a test
// that cannot fail.
func TestValidatorRefuses(t *testing.T) {
	s := schemas(t)
	for _, c := range []struct{ name, schema, root, doc string }{
		{"missing required", "requests.json", "", `[{"service_request_id": "1", "status": "open", "service_code": "s"}]`},
		{"bad status", "requests.json", "", `[{"service_request_id": "1", "status": "done", "service_code": "s", "requested_datetime": "2025-01-01T00:00:00+08:00"}]`},
		{"time without offset", "requests.json", "", `[{"service_request_id": "1", "status": "open", "service_code": "s", "requested_datetime": "2025-01-01 00:00:00"}]`},
		{"number id", "requests.json", "", `[{"service_request_id": 1, "status": "open", "service_code": "s", "requested_datetime": "2025-01-01T00:00:00Z"}]`},
		{"unknown property", "services.json", "", `[{"service_code": "s", "service_name": "n", "metadata": false, "type": "realtime", "caller_phone": "1"}]`},
		{"string metadata", "services.json", "", `[{"service_code": "s", "service_name": "n", "metadata": "no", "type": "realtime"}]`},
		{"object not array", "errors.json", "", `{"code": 400, "description": "x"}`},
		{"XML wrong root", "services.json", "service_list", `<?xml version="1.0" encoding="UTF-8"?>` + "\n<services></services>"},
		{"XML wrong item", "services.json", "services", `<?xml version="1.0" encoding="UTF-8"?>` + "\n<services><svc><service_code>s</service_code></svc></services>"},
		{"XML missing element", "services.json", "services", `<?xml version="1.0" encoding="UTF-8"?>` + "\n<services><service><service_code>s</service_code><service_name>n</service_name><type>realtime</type></service></services>"},
		{"XML bad boolean", "services.json", "services", `<?xml version="1.0" encoding="UTF-8"?>` + "\n<services><service><service_code>s</service_code><service_name>n</service_name><metadata>yes</metadata><type>realtime</type></service></services>"},
		{"XML unknown element", "errors.json", "errors", `<?xml version="1.0" encoding="UTF-8"?>` + "\n<errors><error><code>400</code><description>x</description><detail>y</detail></error></errors>"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var err error
			if c.root == "" {
				err = s.ValidateJSON(c.schema, []byte(c.doc))
			} else {
				err = s.ValidateXML(c.schema, c.root, []byte(c.doc))
			}
			if err == nil {
				t.Fatal("valid, want an error")
			}
		})
	}
}

func TestParseCreate(t *testing.T) {
	for _, c := range []struct {
		name string
		form url.Values
		want Create
		err  string
	}{
		{name: "lat long and attributes", form: url.Values{"service_code": {"s1"}, "lat": {"39.9"}, "long": {"116.4"}, "description": {" 路灯不亮 "},
			"attribute[category3]": {"路灯"}, "attribute[kinds][]": {"a", "b"}, "email": {"a@example.org"}, "first_name": {"San"}, "last_name": {"Zhang"}},
			want: Create{ServiceCode: "s1", Lat: ptr(39.9), Long: ptr(116.4), Description: "路灯不亮", Email: "a@example.org", FirstName: "San", LastName: "Zhang",
				Attributes: map[string][]string{"category3": {"路灯"}, "kinds": {"a", "b"}}, Multi: map[string]bool{"category3": false, "kinds": true}}},
		{name: "address only", form: url.Values{"service_code": {"s1"}, "address_string": {"幸福路 1 号"}, "jurisdiction_id": {"jiceng"}},
			want: Create{ServiceCode: "s1", AddressString: "幸福路 1 号", JurisdictionID: "jiceng"}},
		{name: "address id only", form: url.Values{"service_code": {"s1"}, "address_id": {"A1"}, "media_url": {"https://example.org/p.jpg"}},
			want: Create{ServiceCode: "s1", AddressID: "A1", MediaURL: "https://example.org/p.jpg"}},
		{name: "no service code", form: url.Values{"lat": {"1"}, "long": {"2"}}, err: "service_code is required"},
		{name: "no location", form: url.Values{"service_code": {"s1"}}, err: "a location is required"},
		{name: "lat without long", form: url.Values{"service_code": {"s1"}, "lat": {"1"}}, err: "lat and long must be given together"},
		{name: "lat out of range", form: url.Values{"service_code": {"s1"}, "lat": {"91"}, "long": {"2"}}, err: "lat must be a number"},
		{name: "lat NaN", form: url.Values{"service_code": {"s1"}, "lat": {"NaN"}, "long": {"2"}}, err: "lat must be a number"},
		{name: "twice", form: url.Values{"service_code": {"s1", "s2"}, "address_id": {"A"}}, err: "service_code given 2 times"},
		{name: "single attribute twice", form: url.Values{"service_code": {"s1"}, "address_id": {"A"}, "attribute[x]": {"1", "2"}}, err: "attribute[x] given 2 times"},
		{name: "both forms", form: url.Values{"service_code": {"s1"}, "address_id": {"A"}, "attribute[x]": {"1"}, "attribute[x][]": {"2"}}, err: "given both"},
		{name: "malformed key", form: url.Values{"service_code": {"s1"}, "address_id": {"A"}, "attribute[x": {"1"}}, err: "malformed attribute key"},
		{name: "empty code", form: url.Values{"service_code": {"s1"}, "address_id": {"A"}, "attribute[]": {"1"}}, err: "malformed attribute key"},
		{name: "media not http", form: url.Values{"service_code": {"s1"}, "address_id": {"A"}, "media_url": {"javascript:alert(1)"}}, err: "media_url must be"},
		{name: "not UTF-8", form: url.Values{"service_code": {"s1"}, "address_id": {"A"}, "description": {"\xff"}}, err: "not valid UTF-8"},
		{name: "too long", form: url.Values{"service_code": {"s1"}, "address_id": {"A"}, "description": {strings.Repeat("字", 4001)}}, err: "too long"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := ParseCreate(c.form)
			if c.err != "" {
				var e *Error
				if !errors.As(err, &e) || e.Code != http.StatusBadRequest || !strings.Contains(e.Description, c.err) {
					t.Fatalf("error %v, want 400 with %q", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Fatalf("got %+v\nwant %+v", got, c.want)
			}
		})
	}
}

func TestCheckAttributes(t *testing.T) {
	d := Definition{ServiceCode: "s", Attributes: []Attribute{
		{Variable: true, Code: "kind", Datatype: DatatypeSingleValueList, Required: true, Values: []Value{{Key: "a", Name: "甲"}, {Key: "b", Name: "乙"}}},
		{Variable: true, Code: "many", Datatype: DatatypeMultiValueList, Values: []Value{{Key: "x", Name: "X"}, {Key: "y", Name: "Y"}}},
		{Variable: true, Code: "n", Datatype: DatatypeNumber},
		{Variable: true, Code: "when", Datatype: DatatypeDatetime},
		{Variable: false, Code: "info", Datatype: DatatypeText, Required: true},
	}}
	for _, c := range []struct {
		name  string
		attrs map[string][]string
		err   string
	}{
		{"ok", map[string][]string{"kind": {"a"}, "many": {"x", "y"}, "n": {"3.5"}, "when": {"2025-01-01T08:00:00+08:00"}, "fixmystreet_id": {"77"}}, ""},
		{"missing required", map[string][]string{"many": {"x"}}, "attribute[kind] is required"},
		{"not a key", map[string][]string{"kind": {"c"}}, "a value is not one of its keys"},
		{"two of a single", map[string][]string{"kind": {"a", "b"}}, "takes one value"},
		{"not a number", map[string][]string{"kind": {"a"}, "n": {"three"}}, "must be a number"},
		{"not a time", map[string][]string{"kind": {"a"}, "when": {"tomorrow"}}, "must be a date and time"},
		{"multi not a key", map[string][]string{"kind": {"a"}, "many": {"x", "z"}}, "a value is not one of its keys"},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := CheckAttributes(d, c.attrs)
			if (err == nil) != (c.err == "") || (err != nil && !strings.Contains(err.Error(), c.err)) {
				t.Fatalf("error %v, want %q", err, c.err)
			}
		})
	}
}

func TestParseFilter(t *testing.T) {
	now := time.Date(2025, 6, 30, 12, 0, 0, 0, cst)
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, cst) }
	for _, c := range []struct {
		name string
		q    string
		want Filter
		err  string
	}{
		{name: "default window", q: "", want: Filter{From: now.AddDate(0, 0, -90), To: now.Add(time.Second), Page: 1, PageSize: 1000}},
		{name: "ids and status", q: "service_request_id=JC1,%20JC2&status=open,closed,open&service_code=s1",
			want: Filter{IDs: []string{"JC1", "JC2"}, ServiceCodes: []string{"s1"}, Statuses: []string{"open", "closed"}, From: now.AddDate(0, 0, -90), To: now.Add(time.Second), Page: 1, PageSize: 1000}},
		{name: "start only", q: "start_date=2025-01-01", want: Filter{From: day(2025, 1, 1), To: day(2025, 1, 1).AddDate(0, 0, 90), Page: 1, PageSize: 1000}},
		{name: "end only", q: "end_date=2025-03-31T23:59:59%2B08:00&page=2&page_size=50",
			want: Filter{From: time.Date(2025, 3, 31, 23, 59, 59, 1, cst).AddDate(0, 0, -90), To: time.Date(2025, 3, 31, 23, 59, 59, 1, cst), Page: 2, PageSize: 50}},
		{name: "both days", q: "start_date=2025-01-01&end_date=2025-01-31", want: Filter{From: day(2025, 1, 1), To: day(2025, 2, 1), Page: 1, PageSize: 1000}},
		{name: "span too long", q: "start_date=2025-01-01&end_date=2025-06-01", err: "may not span more than 90 days"},
		{name: "reversed", q: "start_date=2025-02-01&end_date=2025-01-01", err: "start_date must be before end_date"},
		{name: "bad date", q: "start_date=yesterday", err: "start_date must be a date and time"},
		{name: "bad status", q: "status=pending", err: "status must be open or closed"},
		{name: "page zero", q: "page=0", err: "page must be"},
		{name: "page size too large", q: "page_size=1001", err: "page_size must be"},
		{name: "twice", q: "status=open&status=closed", err: "status given 2 times"},
	} {
		t.Run(c.name, func(t *testing.T) {
			q, err := url.ParseQuery(c.q)
			if err != nil {
				t.Fatal(err)
			}
			got, err := ParseFilter(q, now, cst)
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("error %v, want %q", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !got.From.Equal(c.want.From) || !got.To.Equal(c.want.To) {
				t.Fatalf("window %v – %v, want %v – %v", got.From, got.To, c.want.From, c.want.To)
			}
			got.From, got.To, c.want.From, c.want.To = time.Time{}, time.Time{}, time.Time{}, time.Time{}
			if !reflect.DeepEqual(got, c.want) {
				t.Fatalf("got %+v, want %+v", got, c.want)
			}
		})
	}
}

var testCats = []core.Category{{Level1: "城乡建设", Level2: "市政设施", Level3: "路灯"}, {Level1: "城乡建设", Level2: "市政设施", Level3: "井盖"},
	{Level1: "城乡建设", Level2: "园林绿化", Level3: "树木"}, {Level1: "社会保障", Level2: "低保", Level3: ""}}

func TestDefaultConfigRoundTrip(t *testing.T) {
	c := DefaultConfig(testCats)
	if len(c) != 3 {
		t.Fatalf("%d services, want 3: %+v", len(c), c)
	}
	if d := c[0]; d.Name != "市政设施" || d.Group != "城乡建设" || len(d.Attributes) != 1 || len(d.Attributes[0].Values) != 2 || !strings.HasPrefix(d.Code, "s") || len(d.Code) != 9 {
		t.Fatalf("first service %+v", d)
	}
	if len(c[2].Attributes) != 0 || c[2].Service().Metadata {
		t.Fatalf("a service without third levels has no attributes: %+v", c[2])
	}
	back, err := ReadConfig(WriteConfig(c), testCats)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, c) {
		t.Fatalf("round trip:\n%+v\nwant\n%+v", back, c)
	}
	if d, ok := c.OfCategory("城乡建设", "市政设施", "井盖"); !ok || d.Code != c[0].Code {
		t.Fatalf("OfCategory: %+v %v", d, ok)
	}
	if _, ok := c.OfCategory("城乡建设", "其他", ""); ok {
		t.Fatal("OfCategory of a path no service has")
	}
}

func TestReadConfig(t *testing.T) {
	for _, c := range []struct {
		name, csv, err string
	}{
		{"ok", "service_code,taxonomy,name,group,keywords,attributes\nlamp,城乡建设/市政设施/路灯,路灯,城乡建设,路灯、灯,\"pole|string|否|灯杆编号;kind|multivaluelist|是|类型|a=不亮,b=闪烁\"\n", ""},
		{"short row", "lamp,城乡建设\n", "应有 3 到 6 列"},
		{"bad code", "路灯,城乡建设/市政设施,路灯\n", "服务代码"},
		{"duplicate", "a,城乡建设,甲\na,城乡建设,乙\n", "重复"},
		{"unknown path", "a,城乡建设/其他,甲\n", "不在问题分类中"},
		{"bad datatype", "a,城乡建设,甲,,,x|date\n", "类型"},
		{"list without values", "a,城乡建设,甲,,,x|singlevaluelist\n", "列表类型需要选项"},
		{"values on a string", "a,城乡建设,甲,,,x|string|否||a=b\n", "只有列表类型有选项"},
		{"bad required", "a,城乡建设,甲,,,x|string|maybe\n", "是否必填"},
		{"empty", "service_code,taxonomy,name\n", "没有服务"},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg, err := ReadConfig([]byte(c.csv), testCats)
			if c.err == "" {
				if err != nil {
					t.Fatal(err)
				}
				if len(cfg) != 1 || len(cfg[0].Attributes) != 2 || !cfg[0].Attributes[1].Required || cfg[0].Attributes[1].Values[1].Name != "闪烁" || len(cfg[0].Keywords) != 2 {
					t.Fatalf("%+v", cfg)
				}
				return
			}
			if err == nil || !strings.Contains(core.ErrorMessage(err), c.err) {
				t.Fatalf("error %v, want %q", err, c.err)
			}
		})
	}
}

func TestTokens(t *testing.T) {
	s := NewSealer([]byte("k"))
	tok := s.Seal("JC20250101000001")
	if id, err := s.Open(tok); err != nil || id != "JC20250101000001" {
		t.Fatalf("Open: %q %v", id, err)
	}
	if tok == s.Seal("JC20250101000001") {
		t.Error("two tokens of one id are equal: the nonce is not random")
	}
	if _, err := NewSealer([]byte("other")).Open(tok); err != ErrToken {
		t.Errorf("another key opens the token: %v", err)
	}
	b := []byte(tok)
	b[len(b)/2] ^= 1
	if _, err := s.Open(string(b)); err != ErrToken {
		t.Errorf("a changed token opens: %v", err)
	}
	for _, bad := range []string{"", "JC20250101000001", "a/b", strings.Repeat("A", 300)} {
		if _, err := s.Open(bad); err != ErrToken {
			t.Errorf("Open(%q): %v", bad, err)
		}
	}
}

func TestSplitFormat(t *testing.T) {
	for in, want := range map[string][3]string{"services.xml": {"services", "xml", "true"}, "s1.json": {"s1", "json", "true"},
		"a.b.json": {"a.b", "json", "true"}, "services": {"", "", "false"}, "x.html": {"", "", "false"}} {
		n, f, ok := SplitFormat(in)
		if got := [3]string{n, f, map[bool]string{true: "true", false: "false"}[ok]}; got != want {
			t.Errorf("SplitFormat(%q) = %v, want %v", in, got, want)
		}
	}
}
