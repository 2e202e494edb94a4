package web

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"jiceng/internal/notify"
)

// TestQualityPages: staff run the checks from the page, which shows the
// run and pushes each owner's report; a leader reads it without the
// button; the report downloads as XLSX; the API answers the same; no
// registry value leaves unmasked.
func TestQualityPages(t *testing.T) {
	f := newFixture(t)
	seedRecords(t, f)
	var (
		mu     sync.Mutex
		pushed [][]byte
	)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		pushed = append(pushed, b)
		mu.Unlock()
	}))
	defer hook.Close()
	f.server.QualityHook = &notify.Webhook{URL: hook.URL}
	staff, leader := f.login(t, "staff"), f.login(t, "leader")
	if r := f.get(t, staff, "/quality"); r.status != http.StatusOK || !strings.Contains(string(r.body), `id="quality-empty"`) ||
		!strings.Contains(string(r.body), "立即检查") {
		t.Fatalf("empty page: %d %.300s", r.status, r.body)
	}
	r := f.postForm(t, staff, "/quality/run", nil)
	if r.status != http.StatusSeeOther {
		t.Fatalf("run: %d %.300s", r.status, r.body)
	}
	r = f.get(t, staff, r.header.Get("Location"))
	if r.status != http.StatusOK || !strings.Contains(string(r.body), `id="quality-score"`) || !strings.Contains(string(r.body), "检查完成") {
		t.Fatalf("after a run: %d %.500s", r.status, r.body)
	}
	r = f.get(t, leader, "/quality")
	page := string(r.body)
	if r.status != http.StatusOK || strings.Contains(page, `id="quality-run"`) || !strings.Contains(page, "民政科") {
		t.Fatalf("leader's page: %d, button shown %v", r.status, strings.Contains(page, `id="quality-run"`))
	}
	for _, raw := range fixtureRaw() {
		if strings.Contains(page, raw) {
			t.Errorf("leader's page shows %q", raw)
		}
	}
	x := f.get(t, leader, "/quality/report.xlsx")
	if x.status != http.StatusOK {
		t.Fatalf("xlsx: %d", x.status)
	}
	book, err := excelize.OpenReader(bytes.NewReader(x.body))
	if err != nil {
		t.Fatalf("xlsx: %v", err)
	}
	if sheets := book.GetSheetList(); len(sheets) < 4 || sheets[0] != "概览" {
		t.Errorf("sheets = %v", sheets)
	}
	// The API: a second run, the list and the newest run with its result.
	if r := f.postJSON(t, staff, "/api/v1/quality/runs", nil); r.status != http.StatusCreated {
		t.Fatalf("POST runs: %d %.300s", r.status, r.body)
	}
	var list struct {
		Runs []qualityRunJSON `json:"runs"`
	}
	if err := json.Unmarshal(f.get(t, leader, "/api/v1/quality/runs").body, &list); err != nil || len(list.Runs) != 2 {
		t.Fatalf("runs = %+v, %v", list, err)
	}
	one := f.get(t, leader, "/api/v1/quality/run")
	var run qualityRunJSON
	if err := json.Unmarshal(one.body, &run); err != nil || run.ID != list.Runs[0].ID || run.Result == nil {
		t.Fatalf("run = %+v, %v", run, err)
	}
	if r := f.get(t, leader, "/api/v1/quality/run?id=x"); r.status != http.StatusBadRequest {
		t.Errorf("bad id: %d", r.status)
	}
	if r := f.get(t, staff, "/api/v1/quality/run?id=999"); r.status != http.StatusNotFound {
		t.Errorf("unknown run: %d", r.status)
	}
	// The pushes run behind the request.
	deadline := time.Now().Add(10 * time.Second)
	for {
		mu.Lock()
		n := len(pushed)
		mu.Unlock()
		if n >= 2 || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(pushed) < 2 {
		t.Fatalf("%d reports pushed, want one per owner and run", len(pushed))
	}
	for _, b := range pushed {
		if !strings.Contains(string(b), `"kind":"quality_report"`) {
			t.Errorf("push %.200s", b)
		}
		for _, raw := range fixtureRaw() {
			if strings.Contains(string(b), raw) {
				t.Errorf("report holds %q", raw)
			}
		}
	}
}

// fixtureRaw are the fixture records' personal values.
func fixtureRaw() []string {
	var out []string
	for _, r := range fixtureRecords {
		for _, f := range []string{"name", "id_number", "phone"} {
			if v := r.up.Values[f]; v != "" && r.up.Kind == "person" {
				out = append(out, v)
			}
		}
	}
	return out
}
