package web

import (
	"net/url"
	"testing"
	"testing/fstest"

	"jiceng/internal/core"
)

func TestParseTemplates(t *testing.T) {
	full := fstest.MapFS{}
	for _, n := range append([]string{"layout"}, pageNames...) {
		body := `{{define "title"}}t{{end}}{{define "content"}}c{{end}}`
		if n == "layout" {
			body = `{{define "layout"}}{{template "title" .}}{{template "content" .}}{{end}}`
		}
		full["templates/"+n+".html"] = &fstest.MapFile{Data: []byte(body)}
	}
	if _, err := parseTemplates(full); err != nil {
		t.Fatalf("complete set: %v", err)
	}
	tests := []struct {
		name   string
		change func(fstest.MapFS)
	}{
		{"missing page", func(m fstest.MapFS) { delete(m, "templates/ticket.html") }},
		{"missing layout", func(m fstest.MapFS) { delete(m, "templates/layout.html") }},
		{"page without content", func(m fstest.MapFS) {
			m["templates/login.html"] = &fstest.MapFile{Data: []byte(`{{define "title"}}t{{end}}`)}
		}},
		{"syntax error", func(m fstest.MapFS) {
			m["templates/error.html"] = &fstest.MapFile{Data: []byte(`{{define "title"}}{{end`)}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := fstest.MapFS{}
			for k, v := range full {
				m[k] = v
			}
			tt.change(m)
			if _, err := parseTemplates(m); err == nil {
				t.Fatal("got no error")
			}
		})
	}
}

func TestSafeNext(t *testing.T) {
	tests := []struct{ in, want string }{
		{"/tickets/1", "/tickets/1"},
		{"/tickets?status=办结", "/tickets?status=办结"},
		{"", "/"},
		{"https://evil.example/", "/"},
		{"//evil.example/", "/"},
		{"/\\evil.example", "/"},
		{"javascript:alert(1)", "/"},
		{"/\t/evil.example/path", "/"},  // the browser drops the tab: //evil.example
		{"/\t\\evil.example/path", "/"}, // and reads \ as /
		{"/\n/evil.example", "/"},
		{"/\r\n/evil.example", "/"},
		{"/\\evil.example", "/"},
		{"/tickets\\x", "/"},
		{"/\u00a0/evil.example", "/"},
		{"/\u3000/evil.example", "/"},
		{"/%2F/evil.example", "/"}, // decodes to //evil.example
		{"/tickets?q=%E6%B0%B4", "/tickets?q=%E6%B0%B4"},
	}
	for _, tt := range tests {
		if got := safeNext(tt.in); got != tt.want {
			t.Errorf("safeNext(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// FuzzParseFilter checks that no query string panics the filter parser and
// that accepted paging stays in range.
func FuzzParseFilter(f *testing.F) {
	for _, s := range []string{"", "from=2025-01-01&to=2025-02-01", "page=2&limit=10", "offset=-1",
		"q=%E6%A5%BC", "status=办结", "from=2025-01-01T00:00:00Z", "limit=1000", "x=1", "q=%ff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		flt, err := parseFilter(q, core.StreetTime)
		if err != nil {
			if core.ErrorCode(err) != core.EINVALID {
				t.Fatalf("error code %s, want invalid", core.ErrorCode(err))
			}
			return
		}
		if flt.Limit < 1 || flt.Limit > core.MaxLimit || flt.Offset < 0 {
			t.Fatalf("accepted limit %d offset %d", flt.Limit, flt.Offset)
		}
		if !flt.From.IsZero() && !flt.To.IsZero() && !flt.From.Before(flt.To) {
			t.Fatalf("accepted from %v not before to %v", flt.From, flt.To)
		}
	})
}
