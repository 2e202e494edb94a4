package open311

import (
	"bytes"
	"net/url"
	"testing"
	"time"
)

// FuzzParseCreate: any form body either parses into a request whose
// values are within the limits, or is a 400.
func FuzzParseCreate(f *testing.F) {
	f.Add("service_code=s1&lat=39.9&long=116.4&attribute%5Bk%5D=v&attribute%5Bm%5D%5B%5D=a&attribute%5Bm%5D%5B%5D=b")
	f.Add("service_code=s1&address_string=%E5%B9%B8%E7%A6%8F%E8%B7%AF&media_url=https://e.org/a.jpg")
	f.Add("attribute[=1&attribute[a][b]=2&lat=NaN")
	f.Fuzz(func(t *testing.T, body string) {
		form, err := url.ParseQuery(body)
		if err != nil {
			return
		}
		c, err := ParseCreate(form)
		if err != nil {
			if e, ok := err.(*Error); !ok || e.Code != 400 {
				t.Fatalf("error %v is not a 400", err)
			}
			return
		}
		if c.ServiceCode == "" || (c.Lat == nil && c.AddressString == "" && c.AddressID == "") {
			t.Fatalf("accepted without service code or location: %+v", c)
		}
		for code, vs := range c.Attributes {
			if code == "" || len(vs) > 1 && !c.Multi[code] {
				t.Fatalf("attribute %q: %v", code, vs)
			}
		}
	})
}

// FuzzParseFilter: any query is a window of at most 90 days or a 400.
func FuzzParseFilter(f *testing.F) {
	f.Add("start_date=2025-01-01&end_date=2025-02-01&status=open&page=2&page_size=10")
	f.Add("service_request_id=a,b,,c&end_date=2025-03-31T23:59:59%2B08:00")
	now := time.Date(2025, 6, 30, 12, 0, 0, 0, cst)
	f.Fuzz(func(t *testing.T, query string) {
		q, err := url.ParseQuery(query)
		if err != nil {
			return
		}
		fl, err := ParseFilter(q, now, cst)
		if err != nil {
			return
		}
		if !fl.From.Before(fl.To) || fl.To.Sub(fl.From) > 90*24*time.Hour+time.Second {
			t.Fatalf("window %v – %v", fl.From, fl.To)
		}
		if fl.Page < 1 || fl.PageSize < 1 || fl.PageSize > 1000 || len(fl.IDs) > MaxIDs {
			t.Fatalf("%+v", fl)
		}
	})
}

// FuzzReadConfig: a setting file that reads writes back to itself.
func FuzzReadConfig(f *testing.F) {
	f.Add([]byte("service_code,taxonomy,name,group,keywords,attributes\nlamp,城乡建设/市政设施/路灯,路灯,城乡建设,路灯,\"pole|string|否|灯杆;kind|multivaluelist|是|类型|a=不亮,b=闪烁\"\n"))
	f.Add(WriteConfig(DefaultConfig(testCats)))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := ReadConfig(b, nil)
		if err != nil {
			return
		}
		again, err := ReadConfig(WriteConfig(c), nil)
		if err != nil {
			t.Fatalf("written config does not read: %v", err)
		}
		if !bytes.Equal(WriteConfig(again), WriteConfig(c)) {
			t.Fatal("config changes on a round trip")
		}
	})
}

// FuzzOpenToken: no token but a sealed one opens.
func FuzzOpenToken(f *testing.F) {
	s := NewSealer([]byte("fuzz"))
	f.Add(s.Seal("JC1"))
	f.Add("AAAA")
	f.Fuzz(func(t *testing.T, tok string) {
		id, err := s.Open(tok)
		if err == nil && id != "JC1" {
			t.Fatalf("forged token %q opens to %q", tok, id)
		}
	})
}
