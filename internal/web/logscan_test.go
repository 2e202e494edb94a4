package web

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"

	"jiceng/internal/core"
	"jiceng/internal/deid"
)

// lockedBuffer is a log sink safe for the server's goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestLogsAndAuditHoldNoPersonalData takes tickets in through the API (a
// good one full of personal data and refused ones), exports with a keyword
// that is a phone number, reveals with a phone typed into the reason,
// signs in with a phone number as the username, and imports a file of
// callers' phones through the import page, with the debug log on; then the
// recognizers run over every log line and over every audit entry's texts:
// none may find anything.
func TestLogsAndAuditHoldNoPersonalData(t *testing.T) {
	f := importFixture(t)
	var logs lockedBuffer
	f.server.Log = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	staff, hd01 := f.login(t, "staff"), f.login(t, "hd01")
	post := func(c *http.Client, path, body string) response {
		t.Helper()
		req, err := http.NewRequest(http.MethodPost, f.srv.URL+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		return do(t, c, req)
	}
	personal := `"caller_name": "王建国", "caller_phone": "13812345678", "caller_id": "110101199003074514", ` +
		`"address": "幸福小区3号楼2单元501室"`
	steps := []struct {
		name string
		run  func() response
		want int
	}{
		{"a ticket full of personal data", func() response {
			return post(staff, "/api/v1/tickets", `{"title": "王建国反映楼道灯不亮", `+personal+
				`, "content": "我叫王建国，电话13812345678，卡号6222021234567890128，住幸福小区3号楼2单元501室"}`)
		}, http.StatusCreated},
		{"a flagged phone and ID number", func() response {
			return post(staff, "/api/v1/tickets", `{"content": "电话13812345678打不通", "caller_phone": "1381234567X", "caller_id": "110101199003074515"}`)
		}, http.StatusCreated},
		{"a refused time that is a phone number", func() response {
			return post(staff, "/api/v1/tickets", `{"content": "身份证110101199003074514", "received_at": "13812345678"}`)
		}, http.StatusBadRequest},
		{"an unknown field named by a phone", func() response {
			return post(staff, "/api/v1/tickets", `{"content": "x", "13812345678": "y"}`)
		}, http.StatusBadRequest},
		{"an export with a phone as the keyword", func() response {
			return f.exported(t, staff, "/tickets/export?format=csv&q=13700002222")
		}, http.StatusOK},
		{"a reveal with a phone in the reason", func() response {
			return post(hd01, "/api/v1/tickets/2/reveal", `{"fields": ["caller_phone"], "reason": "回拨13700002222核实，联系人李四"}`)
		}, http.StatusOK},
		{"a sign-in with a phone as the username", func() response {
			req, _ := http.NewRequest(http.MethodGet, f.srv.URL+"/api/v1/me", nil)
			req.SetBasicAuth("13812345678", "wrong-password-1")
			return do(t, f.client(t), req)
		}, http.StatusUnauthorized},
	}
	for _, st := range steps {
		if r := st.run(); r.status != st.want {
			t.Fatalf("%s: status %d, want %d: %.300s", st.name, r.status, st.want, r.body)
		}
	}
	importedJob(t, f, "admin") // callers' phones, a bad row, HTML

	for line := range strings.Lines(logs.String()) {
		if spans := deid.Spans(line); len(spans) > 0 {
			t.Errorf("log line holds %s %q: %s", spans[0].Type, spans[0].Text, line)
		}
	}
	entries, total, err := f.store.Audit(context.Background(), core.AuditFilter{Limit: 1000})
	if err != nil || total < 4 {
		t.Fatalf("audit: %d entries (%v), want the reveal, the export, the sign-ins", total, err)
	}
	for _, e := range entries {
		for _, text := range []string{e.Actor, e.Detail, e.Reason, e.Field} {
			if spans := deid.Spans(text); len(spans) > 0 {
				t.Errorf("audit entry %s holds %s %q: %+v", e.Action, spans[0].Type, spans[0].Text, e)
			}
		}
	}
}
