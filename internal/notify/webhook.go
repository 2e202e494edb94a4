// Package notify sends the reminders of the deadline engine (package
// workflow) to outside systems, such as a chat robot or a district
// platform, by webhook. What it sends carries no personal data: ticket
// numbers, limits, units, communities and categories, never names, phones,
// addresses or request text.
package notify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"jiceng/internal/workflow"
)

// SignatureHeader carries "sha256=" and the hex HMAC-SHA256 of the request
// body under Webhook.Secret. The body holds sent_at, so a receiver can
// refuse replays.
const SignatureHeader = "X-Jiceng-Signature"

// Defaults of a Webhook.
const (
	DefaultTimeout   = 10 * time.Second // per request, when Client is nil
	DefaultRetryWait = time.Second
	// MaxBatch is the most reminders one request carries; more are sent in
	// several requests.
	MaxBatch = 500
)

// Webhook POSTs reminders as JSON to URL. The zero value of each optional
// field has a default. A Webhook is safe for concurrent use if its Client
// is.
type Webhook struct {
	URL    string
	Client *http.Client // nil: a client with DefaultTimeout
	Secret []byte       // non-empty: sign each request (SignatureHeader)

	RetryWait time.Duration    // pause before the one retry after a 5xx; 0: DefaultRetryWait
	Now       func() time.Time // clock for sent_at; nil: time.Now
}

// Payload is the JSON body of one request.
type Payload struct {
	SentAt    time.Time `json:"sent_at"`
	Count     int       `json:"count"`
	Reminders []Item    `json:"reminders"`
}

// Item is one reminder as sent.
type Item struct {
	Number       string    `json:"number"`     // 工单编号
	Kind         string    `json:"kind"`       // contact or resolve
	KindLabel    string    `json:"kind_label"` // 先行联系 or 办结
	Due          time.Time `json:"due"`
	Overdue      bool      `json:"overdue"`
	LeftMinutes  int64     `json:"left_minutes"` // negative when overdue
	Urgency      string    `json:"urgency,omitempty"`
	Unit         string    `json:"unit,omitempty"`
	Community    string    `json:"community,omitempty"`
	Category     string    `json:"category,omitempty"`
	Supervisions int       `json:"supervisions"`
	Text         string    `json:"text"`
}

// Items converts reminders to what is sent.
func Items(rs []workflow.Reminder) []Item {
	out := make([]Item, len(rs))
	for i, r := range rs {
		out[i] = Item{Number: r.Number, Kind: r.Kind, KindLabel: workflow.KindLabels[r.Kind], Due: r.Due,
			Overdue: r.Overdue, LeftMinutes: int64(r.Left / time.Minute), Urgency: string(r.Urgency), Unit: r.Unit,
			Community: r.Community, Category: r.Category, Supervisions: r.Supervisions, Text: r.Text}
	}
	return out
}

// Send posts rs, in batches of at most MaxBatch, and stops at the first
// batch that fails. A batch answered with 5xx is retried once after
// RetryWait; any other non-2xx answer or a transport error fails at once.
// No reminders: no request. Errors never contain the URL's path or query,
// which often hold a token.
func (h *Webhook) Send(ctx context.Context, rs []workflow.Reminder) error {
	if len(rs) == 0 {
		return nil
	}
	u, err := url.Parse(h.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return errors.New("notify: webhook URL must be an absolute http or https URL")
	}
	now := time.Now
	if h.Now != nil {
		now = h.Now
	}
	items := Items(rs)
	for len(items) > 0 {
		n := min(len(items), MaxBatch)
		body, err := json.Marshal(Payload{SentAt: now(), Count: n, Reminders: items[:n]})
		if err != nil {
			return fmt.Errorf("notify: encode: %w", err)
		}
		if err := h.post(ctx, u.Host, body); err != nil {
			return err
		}
		items = items[n:]
	}
	return nil
}

// post sends one body, retrying once on 5xx.
func (h *Webhook) post(ctx context.Context, host string, body []byte) error {
	client := h.Client
	if client == nil {
		client = &http.Client{Timeout: DefaultTimeout}
	}
	wait := h.RetryWait
	if wait <= 0 {
		wait = DefaultRetryWait
	}
	for attempt := 1; ; attempt++ {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.URL, bytes.NewReader(body))
		if err != nil {
			return errors.New("notify: webhook request could not be built")
		}
		req.Header.Set("Content-Type", "application/json; charset=utf-8")
		req.Header.Set("User-Agent", "jiceng-notify")
		if len(h.Secret) > 0 {
			req.Header.Set(SignatureHeader, Sign(h.Secret, body))
		}
		resp, err := client.Do(req)
		if err != nil {
			var ue *url.Error
			if errors.As(err, &ue) {
				err = ue.Err // drop the URL, which may hold a token
			}
			return fmt.Errorf("notify: webhook %s: %w", host, err)
		}
		io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		resp.Body.Close()
		switch {
		case resp.StatusCode >= 200 && resp.StatusCode < 300:
			return nil
		case resp.StatusCode >= 500 && attempt == 1:
			t := time.NewTimer(wait)
			select {
			case <-ctx.Done():
				t.Stop()
				return fmt.Errorf("notify: webhook %s: %w", host, ctx.Err())
			case <-t.C:
			}
			continue
		}
		return fmt.Errorf("notify: webhook %s answered %s", host, resp.Status)
	}
}

// Sign returns the SignatureHeader value of body under secret.
func Sign(secret, body []byte) string {
	m := hmac.New(sha256.New, secret)
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// Verify reports whether header is the signature of body under secret, in
// constant time; for receivers and tests.
func Verify(secret, body []byte, header string) bool {
	got, ok := strings.CutPrefix(header, "sha256=")
	if !ok {
		return false
	}
	mac, err := hex.DecodeString(got)
	if err != nil {
		return false
	}
	m := hmac.New(sha256.New, secret)
	m.Write(body)
	return hmac.Equal(mac, m.Sum(nil))
}
