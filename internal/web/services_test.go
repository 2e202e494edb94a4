package web

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// visitUsers are the matrix users who record visits.
var visitUsers = []string{"admin", "staff", "community", "cw01"}

// servicesMatrix is the role × scope check of a 精准服务 route, for
// TestRouteMatrix: the lists answer the roles that read records, with the
// records of their scope only (孙悟空 of 望春园社区, 75 and living alone,
// is on R02); handlers and residents are refused; administrators, staff
// and community workers record a visit, the others are refused.
func servicesMatrix(t *testing.T, f *fixture, c *http.Client, user, method, path string, api bool, csrf string, ids map[string]int64) {
	t.Helper()
	sees := recordsSeen(user)
	var r response
	switch {
	case method == http.MethodGet:
		r = sendMatrix(t, f, c, method, path, api, csrf, "")
		if len(sees) == 0 {
			if r.status != http.StatusForbidden {
				t.Fatalf("status %d, want 403: %.300s", r.status, r.body)
			}
			break
		}
		if r.status != http.StatusOK {
			t.Fatalf("status %d, want 200: %.300s", r.status, r.body)
		}
		name := "孙悟空"
		if user == "leader" {
			name = "孙" // masked
		}
		if !bytes.Contains(r.body, []byte(name)) {
			t.Errorf("list without %s: %.500s", name, r.body)
		}
	case api:
		b, _ := json.Marshal(map[string]any{"person_id": ids["孙悟空"], "rule": "R02", "date": "2025-02-20", "note": "矩阵测试"})
		req, err := http.NewRequest(method, f.srv.URL+path, bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		r = do(t, c, req)
		want := http.StatusForbidden
		if slices.Contains(visitUsers, user) {
			want = http.StatusCreated
		}
		if r.status != want {
			t.Fatalf("status %d, want %d: %.300s", r.status, want, r.body)
		}
	default:
		r = postMatrixForm(t, f, c, path, csrf, url.Values{"person_id": {strconv.FormatInt(ids["孙悟空"], 10)}, "rule": {"R02"},
			"date": {"2025-02-21"}, "note": {"矩阵测试"}})
		want := http.StatusForbidden
		if slices.Contains(visitUsers, user) {
			want = http.StatusSeeOther
		}
		if r.status != want {
			t.Fatalf("status %d, want %d: %.300s", r.status, want, r.body)
		}
	}
	noRecords(t, r, sees)
	noTickets(t, r, nil)
}

// TestServicesPage: the tabs, the due visit of 孙悟空 with its form, and
// the state after a visit is recorded by the API.
func TestServicesPage(t *testing.T) {
	f := newFixture(t)
	ids := seedRecords(t, f)
	c := f.login(t, "cw01")
	get := func(path string) response {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, f.srv.URL+path, nil)
		return do(t, c, req)
	}
	r := get("/services?list=visits")
	if r.status != http.StatusOK {
		t.Fatalf("status %d: %.300s", r.status, r.body)
	}
	for _, want := range []string{"服务清单", "到期走访", "政策推送", "待首次服务", `action="/services/visits"`, "/records/" + strconv.FormatInt(ids["孙悟空"], 10)} {
		if !strings.Contains(string(r.body), want) {
			t.Errorf("page without %q", want)
		}
	}
	if strings.Contains(string(r.body), "猪八戒") {
		t.Error("page shows a person of another community")
	}
	b, _ := json.Marshal(map[string]any{"person_id": ids["孙悟空"], "rule": "R02", "date": "2025-02-25", "note": "上门走访"})
	req, _ := http.NewRequest(http.MethodPost, f.srv.URL+"/api/v1/services/visits", bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	if r := do(t, c, req); r.status != http.StatusCreated {
		t.Fatalf("record visit: %d %.300s", r.status, r.body)
	}
	r = get("/api/v1/services?list=visits&rule=R02")
	var out struct {
		Rows []struct {
			RecordID int64  `json:"record_id"`
			State    string `json:"state"`
			Last     string `json:"last"`
			Due      string `json:"due"`
		} `json:"rows"`
	}
	if err := json.Unmarshal(r.body, &out); err != nil || len(out.Rows) != 1 {
		t.Fatalf("visits: %v %.300s", err, r.body)
	}
	if g := out.Rows[0]; g.RecordID != ids["孙悟空"] || g.State != "未到期" || g.Last != "2025-02-25" || g.Due != "2025-03-25" {
		t.Errorf("after the visit: %+v", g)
	}
	if r := get("/api/v1/services?list=nope"); r.status != http.StatusBadRequest {
		t.Errorf("unknown list: status %d", r.status)
	}
}

// FuzzVisitForm: the fields of a visit as typed never panic; what is
// accepted names a person record and, with a date, a day at 00:00.
func FuzzVisitForm(f *testing.F) {
	f.Add("12", "R01", "2026-12-01", "上门走访")
	f.Add("-1", "", "2026-02-30", "")
	f.Add("9223372036854775808", "R\x00", "12/01/2026", "\xff")
	f.Fuzz(func(t *testing.T, person, rule, date, note string) {
		req, err := visitForm(person, rule, date, note)
		if err != nil {
			return
		}
		if req.PersonID <= 0 || req.Rule != rule || req.Note != note {
			t.Fatalf("accepted %+v from %q %q", req, person, rule)
		}
		if date != "" && (req.Date.Hour() != 0 || req.Date.Minute() != 0 || req.Date.Format("2006-01-02") != date) {
			t.Fatalf("date %q read as %v", date, req.Date)
		}
	})
}
