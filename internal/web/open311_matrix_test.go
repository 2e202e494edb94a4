package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"jiceng/internal/core"
	"jiceng/internal/open311"
)

// open311Matrix is the role × route matrix's part for the Open311 routes
// (access open311API): a session changes nothing. Reads answer every
// user, signed in or not, and show no fixture ticket (none came in through
// Open311); a POST is refused (403) without an Open311 key whoever is
// signed in, and taken in with one.
type open311Matrix struct {
	key, code, number, token string
}

func newOpen311Matrix(t *testing.T, f *fixture) *open311Matrix {
	t.Helper()
	m := &open311Matrix{code: defaultCode("城乡建设", "市政设施")}
	m.key, _ = open311Key(t, f, "矩阵", core.APIKeyOpen311)
	r := post311(t, f, "/open311/v2/requests.xml", lampForm(m.key))
	var c []open311.Created
	decode311(t, open311.XML, r.body, &c)
	if len(c) != 1 {
		t.Fatalf("POST: %d %s", r.status, r.body)
	}
	m.number, m.token = c[0].ServiceRequestID, c[0].Token
	return m
}

// path fills in {file} of an Open311 route.
func (m *open311Matrix) path(path string) string {
	switch {
	case strings.HasPrefix(path, "/open311/v2/services/"):
		return strings.Replace(path, "{file}", m.code+".xml", 1)
	case strings.HasPrefix(path, "/open311/v2/requests/"):
		return strings.Replace(path, "{file}", m.number+".json", 1)
	case strings.HasPrefix(path, "/open311/v2/tokens/"):
		return strings.Replace(path, "{file}", m.token+".xml", 1)
	case path == "/open311/":
		return "/open311/no-such-resource.xml"
	}
	return path
}

func (m *open311Matrix) check(t *testing.T, f *fixture, c *http.Client, pattern, method, path string) {
	t.Helper()
	send := func(form url.Values) response {
		t.Helper()
		req, err := http.NewRequest(method, f.srv.URL+path, strings.NewReader(form.Encode()))
		if err != nil {
			t.Fatal(err)
		}
		if method == http.MethodPost {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		return do(t, c, req)
	}
	want := http.StatusOK
	if pattern == "/open311/" {
		want = http.StatusNotFound
	}
	if method == http.MethodPost {
		form := lampForm("")
		delete(form, "api_key")
		if r := send(form); r.status != http.StatusForbidden {
			t.Fatalf("POST without a key: status %d, want 403: %s", r.status, r.body)
		}
	}
	var r response
	if method == http.MethodPost {
		r = send(lampForm(m.key))
	} else {
		r = send(nil)
	}
	if r.status != want {
		t.Fatalf("status %d, want %d: %.300s", r.status, want, r.body)
	}
	noTickets(t, r, nil)
}
