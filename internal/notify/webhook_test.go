package notify

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"jiceng/internal/core"
	"jiceng/internal/workflow"
)

var cst = time.FixedZone("CST", 8*3600)

// reminders builds real reminders from tickets that carry personal data,
// which must not reach the wire.
func reminders(t testing.TB, n int) []workflow.Reminder {
	t.Helper()
	now := time.Date(2025, 3, 10, 10, 0, 0, 0, cst)
	var tickets []core.Ticket
	for i := range n {
		tickets = append(tickets, core.Ticket{ID: int64(i + 1), Number: "N" + strings.Repeat("0", 3) + string(rune('A'+i%26)),
			Status: core.StatusHandling, Urgency: "一般", Unit: "城管科", Community: "甲社区", Category1: "市容环境",
			CallerName: "张三", CallerPhone: "13800000000", Address: "某路1号", Content: "楼下垃圾没人清",
			Deadline: now.Add(-time.Hour)})
	}
	rs := new(workflow.Engine).Reminders(tickets, nil, now, time.Hour)
	if len(rs) != n {
		t.Fatalf("got %d reminders, want %d", len(rs), n)
	}
	return rs
}

// recorder is a webhook receiver that answers with the given statuses in
// turn (then 200) and keeps the requests.
type recorder struct {
	mu       sync.Mutex
	statuses []int
	bodies   [][]byte
	headers  []http.Header
}

func (rec *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rec.mu.Lock()
	defer rec.mu.Unlock()
	rec.bodies = append(rec.bodies, body)
	rec.headers = append(rec.headers, r.Header.Clone())
	status := http.StatusOK
	if len(rec.statuses) > 0 {
		status, rec.statuses = rec.statuses[0], rec.statuses[1:]
	}
	w.WriteHeader(status)
}

func TestSend(t *testing.T) {
	rec := &recorder{}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	secret := []byte("s3cret")
	sent := time.Date(2025, 3, 10, 10, 5, 0, 0, cst)
	h := &Webhook{URL: srv.URL + "/hook?key=abc", Secret: secret, Now: func() time.Time { return sent }}
	if err := h.Send(context.Background(), reminders(t, 2)); err != nil {
		t.Fatal(err)
	}
	if len(rec.bodies) != 1 {
		t.Fatalf("%d requests, want 1", len(rec.bodies))
	}
	body, hdr := rec.bodies[0], rec.headers[0]
	if !Verify(secret, body, hdr.Get(SignatureHeader)) {
		t.Errorf("bad signature %q", hdr.Get(SignatureHeader))
	}
	if Verify([]byte("other"), body, hdr.Get(SignatureHeader)) || Verify(secret, body, "sha256=zz") || Verify(secret, body, "") {
		t.Errorf("Verify accepts a wrong signature")
	}
	if ct := hdr.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("content type %q", ct)
	}
	for _, personal := range []string{"张三", "13800000000", "某路1号", "垃圾没人清"} {
		if strings.Contains(string(body), personal) {
			t.Errorf("body carries personal data %q: %s", personal, body)
		}
	}
	var p Payload
	if err := json.Unmarshal(body, &p); err != nil {
		t.Fatal(err)
	}
	if p.Count != 2 || len(p.Reminders) != 2 || !p.SentAt.Equal(sent) {
		t.Fatalf("payload %+v", p)
	}
	it := p.Reminders[0]
	if it.Number != "N000A" || it.Kind != workflow.KindResolve || it.KindLabel != "办结" || !it.Overdue ||
		it.LeftMinutes != -60 || it.Community != "甲社区" || it.Category != "市容环境" || it.Unit != "城管科" ||
		!it.Due.Equal(time.Date(2025, 3, 10, 9, 0, 0, 0, cst)) || it.Text == "" {
		t.Errorf("item %+v", it)
	}
	// The keys sent are exactly these: adding one is a privacy decision.
	var raw struct {
		Reminders []map[string]any `json:"reminders"`
	}
	json.Unmarshal(body, &raw)
	var keys []string
	for k := range raw.Reminders[0] {
		keys = append(keys, k)
	}
	allowed := "number kind kind_label due overdue left_minutes urgency unit community category supervisions text"
	for _, k := range keys {
		if !strings.Contains(" "+allowed+" ", " "+k+" ") {
			t.Errorf("unexpected key %q", k)
		}
	}
}

func TestSendStatuses(t *testing.T) {
	cases := []struct {
		name     string
		statuses []int
		requests int
		err      string // substring; "" for success
	}{
		{"成功", nil, 1, ""},
		{"202也算成功", []int{202}, 1, ""},
		{"5xx后重试成功", []int{503}, 2, ""},
		{"两次5xx失败", []int{500, 502}, 2, "502"},
		{"4xx不重试", []int{400}, 1, "400"},
		{"3xx不跟随算失败", []int{304}, 1, "304"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := &recorder{statuses: c.statuses}
			srv := httptest.NewServer(rec)
			defer srv.Close()
			h := &Webhook{URL: srv.URL + "/hook?token=TOPSECRET", RetryWait: time.Millisecond}
			err := h.Send(context.Background(), reminders(t, 1))
			if c.err == "" && err != nil || c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)) {
				t.Errorf("err = %v, want %q", err, c.err)
			}
			if err != nil && strings.Contains(err.Error(), "TOPSECRET") {
				t.Errorf("error leaks the URL: %v", err)
			}
			if len(rec.bodies) != c.requests {
				t.Errorf("%d requests, want %d", len(rec.bodies), c.requests)
			}
			if len(rec.headers) > 0 && rec.headers[0].Get(SignatureHeader) != "" {
				t.Errorf("signed without a secret")
			}
		})
	}
}

func TestSendNothing(t *testing.T) {
	rec := &recorder{}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	if err := (&Webhook{URL: srv.URL}).Send(context.Background(), nil); err != nil || len(rec.bodies) != 0 {
		t.Errorf("err %v, %d requests", err, len(rec.bodies))
	}
}

func TestSendBatches(t *testing.T) {
	rec := &recorder{}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	if err := (&Webhook{URL: srv.URL}).Send(context.Background(), reminders(t, 2*MaxBatch+1)); err != nil {
		t.Fatal(err)
	}
	var counts []int
	for _, b := range rec.bodies {
		var p Payload
		json.Unmarshal(b, &p)
		counts = append(counts, p.Count)
	}
	if len(counts) != 3 || counts[0] != MaxBatch || counts[2] != 1 {
		t.Errorf("batches %v", counts)
	}
}

func TestSendErrors(t *testing.T) {
	rs := reminders(t, 1)
	// A receiver that does not answer in time: the client's timeout ends
	// the request. (The handler reads the body so that the server notices
	// the closed connection, and gives up by itself as a safety net.)
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	}))
	defer hang.Close()
	closed := httptest.NewServer(http.NotFoundHandler())
	closedURL := closed.URL
	closed.Close()
	// A 5xx receiver whose retry wait outlives the context.
	down := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(503) }))
	defer down.Close()
	cancelled, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()

	cases := []struct {
		name string
		h    *Webhook
		ctx  context.Context
		err  string
	}{
		{"空URL", &Webhook{}, context.Background(), "absolute http"},
		{"相对URL", &Webhook{URL: "/hook"}, context.Background(), "absolute http"},
		{"其他协议", &Webhook{URL: "ftp://x/y"}, context.Background(), "absolute http"},
		{"超时", &Webhook{URL: hang.URL + "/?key=TOPSECRET", Client: &http.Client{Timeout: 20 * time.Millisecond}}, context.Background(), "notify: webhook"},
		{"连不上", &Webhook{URL: closedURL + "/?key=TOPSECRET"}, context.Background(), "notify: webhook"},
		{"重试等待中取消", &Webhook{URL: down.URL + "/?key=TOPSECRET", RetryWait: time.Hour}, cancelled, "deadline exceeded"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.h.Send(c.ctx, rs)
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Fatalf("err = %v, want %q", err, c.err)
			}
			if strings.Contains(err.Error(), "TOPSECRET") {
				t.Errorf("error leaks the URL: %v", err)
			}
		})
	}
}
