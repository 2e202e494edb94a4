package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"time"
)

// QualityReport is a data-quality report (数据质量报告) for the owner of a
// source (the department responsible for it), as pushed by webhook. It
// carries figures only — scores, counts, check names and a link to the full
// report — never a failing record's values.
type QualityReport struct {
	Kind      string         `json:"kind"` // always "quality_report", so a receiver can route
	SentAt    time.Time      `json:"sent_at"`
	RunID     int64          `json:"run_id"`
	RunAt     time.Time      `json:"run_at"`
	Owner     string         `json:"owner"`  // 责任部门
	Source    string         `json:"source"` // 数据来源
	Registry  string         `json:"registry,omitempty"`
	Score     float64        `json:"score"`  // 0–100
	Status    string         `json:"status"` // pass, warn or fail
	Records   int            `json:"records"`
	Checks    []QualityCheck `json:"checks"` // the checks that warned or failed
	ReportURL string         `json:"report_url,omitempty"`
	Text      string         `json:"text"` // one line for a chat robot
}

// QualityCheck is one check's outcome in a QualityReport.
type QualityCheck struct {
	Name    string  `json:"name"`
	Field   string  `json:"field,omitempty"`
	Status  string  `json:"status"`
	Checked int     `json:"checked"`
	Failed  int     `json:"failed"`
	Rate    float64 `json:"rate"` // failed / checked
}

// SendQuality posts one report per owner, with the retry rules of Send,
// and returns the first error after trying every report (an owner whose
// receiver is down does not keep the others from theirs).
func (h *Webhook) SendQuality(ctx context.Context, reports []QualityReport) error {
	if len(reports) == 0 {
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
	var first error
	for _, r := range reports {
		r.Kind, r.SentAt = "quality_report", now()
		if r.Checks == nil {
			r.Checks = []QualityCheck{}
		}
		body, err := json.Marshal(r)
		if err != nil {
			return fmt.Errorf("notify: encode: %w", err)
		}
		if err := h.post(ctx, u.Host, body); err != nil && first == nil {
			first = err
		}
	}
	return first
}
