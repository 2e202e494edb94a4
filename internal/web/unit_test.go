package web

import (
	"net/url"
	"strings"
	"testing"
	"testing/fstest"
	"unicode/utf8"

	"jiceng/internal/core"
	"jiceng/internal/fieldset"
)

func TestMaskValue(t *testing.T) {
	s := &Server{Fields: fieldset.Tickets()}
	tests := []struct {
		name, role, field, value, want string
	}{
		{"name", core.RoleLeader, "caller_name", "张三丰", "张**"},
		{"two-character name", core.RoleCommunity, "caller_name", "李四", "李*"},
		{"mobile", core.RoleLeader, "caller_phone", "13812345678", "138****5678"},
		{"id number", core.RoleLeader, "caller_id", "110101199001011234", "110***********1234"},
		{"resident sees no phone", core.RoleResident, "caller_phone", "13812345678", ""},
		{"address generalised for a leader", core.RoleLeader, "address", "海川区望春园一区5号楼2单元301", "海川区望春园一区"},
		{"address: a community worker sees the building", core.RoleCommunity, "address", "柳荫街12号", "柳荫街12号"},
		{"empty stays empty", core.RoleLeader, "caller_name", "", ""},
		{"admin sees all", core.RoleAdmin, "caller_phone", "13812345678", "13812345678"},
		{"staff sees all", core.RoleStaff, "content", "我叫张三，电话13812345678", "我叫张三，电话13812345678"},
		{"content scanned for a leader", core.RoleLeader, "content", "我叫张三，电话13812345678", "我叫张*，电话138****5678"},
		{"raw value kept beside a field is masked like it", core.RoleLeader, "联系电话（原值）", "138-1234-5678", "138****5678"},
		{"public field", core.RoleResident, "community", "望春园社区", "望春园社区"},
		{"unknown role sees nothing personal", "", "caller_name", "张三", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := s.maskValue(tt.role, tt.field, tt.value); got != tt.want {
				t.Fatalf("maskValue(%q, %q, %q) = %q, want %q", tt.role, tt.field, tt.value, got, tt.want)
			}
		})
	}
}

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

func TestPasswordHash(t *testing.T) {
	h, err := HashPassword("正确的密码")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("hash %q is not PHC argon2id", h)
	}
	h2, _ := HashPassword("正确的密码")
	if h == h2 {
		t.Fatal("two hashes of one password are equal: salt missing")
	}
	tests := []struct {
		name, hash, password string
		want                 bool
	}{
		{"right", h, "正确的密码", true},
		{"wrong", h, "错误的密码", false},
		{"empty", h, "", false},
		{"garbage", "not-a-hash", "正确的密码", false},
		{"other algorithm", strings.Replace(h, "argon2id", "argon2i", 1), "正确的密码", false},
		{"huge memory refused", strings.Replace(h, "m=19456", "m=99999999", 1), "正确的密码", false},
		{"truncated", h[:len(h)-10], "正确的密码", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := checkPassword(tt.hash, tt.password); got != tt.want {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
		})
	}
	if _, err := HashPassword(""); core.ErrorCode(err) != core.EINVALID {
		t.Fatalf("empty password: got %v, want EINVALID", err)
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
		flt, err := parseFilter(q, chinaTime)
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

// FuzzMaskValue checks that a masked personal field never reveals more
// than its rule keeps, whatever the input.
func FuzzMaskValue(f *testing.F) {
	for _, v := range []string{"张三", "13812345678", "110101199001011234", "望春园一区5号楼", "", "\xff"} {
		f.Add(v)
	}
	s := &Server{Fields: fieldset.Tickets()}
	keeps := map[string]int{"caller_name": 1, "caller_phone": 7, "caller_id": 10}
	f.Fuzz(func(t *testing.T, v string) {
		for field, n := range keeps {
			got := s.maskValue(core.RoleLeader, field, v)
			if shown := utf8.RuneCountInString(strings.ReplaceAll(got, "*", "")); shown > n {
				t.Fatalf("%s: %q shows %d characters, at most %d", field, got, shown, n)
			}
			if got := s.maskValue(core.RoleResident, field, v); got != "" {
				t.Fatalf("%s: a resident sees %q", field, got)
			}
		}
	})
}
