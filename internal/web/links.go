package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"

	"jiceng/internal/casework"
	"jiceng/internal/core"
	"jiceng/internal/fieldset"
)

// Record linkage (一人一档) on the web: the clerical-review page
// (/records/review: the uncertain pairs, most uncertain first, both records
// side by side masked, each field's level and weight, 是同一人 / 不是同一人
// with a note), 重新链接 for administrators and staff, and the API. The
// service decides who may do what (package casework).

// maxLinkBody bounds a decision's body: a decision and a note.
const maxLinkBody = 16 << 10

// linkRunJSON is the API form of a linkage run.
type linkRunJSON struct {
	Kind      string  `json:"kind"`
	Records   int     `json:"records"`
	Clusters  int     `json:"clusters"`
	Linked    int     `json:"linked"`
	Matches   int     `json:"matches"`
	Review    int     `json:"review"`
	Same      int     `json:"same"`
	Different int     `json:"different"`
	Seconds   float64 `json:"seconds"`
}

func toLinkRunJSON(r casework.LinkRun) linkRunJSON {
	return linkRunJSON{Kind: r.Kind, Records: r.Records, Clusters: r.Clusters, Linked: r.Linked, Matches: r.Matches,
		Review: r.Review, Same: r.Same, Different: r.Different, Seconds: r.Took.Seconds()}
}

// contributionJSON is what one field added to a pair's match weight.
type contributionJSON struct {
	Field      string  `json:"field"`
	Label      string  `json:"label"`
	Level      string  `json:"level"`
	LevelLabel string  `json:"level_label"`
	Weight     float64 `json:"weight"`
	Shared     bool    `json:"shared,omitempty"`
}

// reviewJSON is the API form of a review pair.
type reviewJSON struct {
	ID            int64              `json:"id"`
	Kind          string             `json:"kind"`
	Prob          float64            `json:"probability"`
	Status        string             `json:"status"`
	StatusLabel   string             `json:"status_label"`
	DecidedBy     string             `json:"decided_by,omitempty"`
	DecidedAt     *string            `json:"decided_at,omitempty"`
	Note          string             `json:"note,omitempty"`
	A             recordJSON         `json:"a"`
	B             recordJSON         `json:"b"`
	Contributions []contributionJSON `json:"fields"`
	// Percent is Prob for the page ("62%").
	Percent string `json:"-"`
}

func (s *Server) toReviewJSON(p casework.ReviewPair) reviewJSON {
	j := reviewJSON{ID: p.ID, Kind: p.Kind, Prob: p.Prob, Status: p.Status, StatusLabel: casework.LinkDecisionLabel[p.Status],
		DecidedBy: p.DecidedBy, DecidedAt: s.timeJSON(p.DecidedAt), Note: p.Note, A: s.toRecordJSON(p.RecordA), B: s.toRecordJSON(p.RecordB),
		Percent: fmt.Sprintf("%.0f%%", 100*p.Prob)}
	set := fieldset.Records(p.Kind)
	for _, c := range p.Explain {
		label := c.Field
		if set != nil {
			if f := set.Field(c.Field); f != nil {
				label = f.Label
			} else if c.Field == "owner" {
				label = "业主"
			}
		}
		j.Contributions = append(j.Contributions, contributionJSON{Field: c.Field, Label: label, Level: c.Level,
			LevelLabel: casework.LinkLevelLabel[c.Level], Weight: c.Weight, Shared: c.Shared})
	}
	return j
}

// linkKind is the kind of a link request (?kind=, default person).
func linkKind(r *http.Request) string {
	if k := r.URL.Query().Get("kind"); k != "" {
		return k
	}
	if k := r.PostFormValue("kind"); k != "" {
		return k
	}
	return fieldset.KindPerson
}

// handleLinkRecords answers POST /api/v1/records/link?kind=person.
func (s *Server) handleLinkRecords(w http.ResponseWriter, r *http.Request, p principal) {
	run, err := s.cases().LinkRecords(r.Context(), p.User, linkKind(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.Log.Info("records linked", "kind", run.Kind, "by", p.User.Username, "records", run.Records, "clusters", run.Clusters, "review", run.Review)
	writeJSON(w, http.StatusOK, toLinkRunJSON(run))
}

// reviewFilter reads the review queue's query: kind, status, limit.
func reviewFilter(r *http.Request) casework.ReviewFilter {
	q := r.URL.Query()
	limit, _ := strconv.Atoi(q.Get("limit"))
	return casework.ReviewFilter{Kind: q.Get("kind"), Status: q.Get("status"), Limit: limit}
}

// handleReviewQueue answers GET /api/v1/records/review.
func (s *Server) handleReviewQueue(w http.ResponseWriter, r *http.Request, p principal) {
	pairs, err := s.cases().ReviewQueue(r.Context(), p.User, reviewFilter(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	items := make([]reviewJSON, 0, len(pairs))
	for _, rp := range pairs {
		items = append(items, s.toReviewJSON(rp))
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items})
}

// decisionJSON is the body of POST /api/v1/records/review/{id}/decide:
// {"decision": "same" | "different" | "pending", "note": "核对说明"}.
type decisionJSON struct {
	Decision string `json:"decision"`
	Note     string `json:"note"`
}

// handleDecideReview answers POST /api/v1/records/review/{id}/decide.
func (s *Server) handleDecideReview(w http.ResponseWriter, r *http.Request, p principal) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxLinkBody))
	if err != nil {
		s.fail(w, r, core.Errorf(core.EINVALID, "请求体过大"))
		return
	}
	var j decisionJSON
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&j); err != nil {
		s.fail(w, r, core.Errorf(core.EINVALID, `请求体应为 JSON 对象：{"decision": "same" 或 "different", "note": "核对说明"}`))
		return
	}
	d, err := s.cases().DecideReview(r.Context(), p.User, pathRecord(r), j.Decision, j.Note)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.Log.Info("link review decided", "review", d.ID, "by", p.User.Username, "decision", d.Status)
	writeJSON(w, http.StatusOK, map[string]any{"id": d.ID, "status": d.Status, "status_label": casework.LinkDecisionLabel[d.Status],
		"decided_by": d.DecidedBy, "decided_at": s.timeJSON(d.DecidedAt)})
}

// handleRecordCluster answers GET /api/v1/records/{id}/cluster: the other
// records of the same person in the user's scope, masked.
func (s *Server) handleRecordCluster(w http.ResponseWriter, r *http.Request, p principal) {
	recs, err := s.cases().RecordCluster(r.Context(), p.User, pathRecord(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	items := make([]recordJSON, 0, len(recs))
	for _, rec := range recs {
		items = append(items, s.toRecordJSON(rec))
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items})
}

// linksPage is the clerical-review page.
type linksPage struct {
	Pairs   []reviewJSON
	Kind    string
	Status  string
	CanLink bool
	Notice  string
}

// handleReviewPage shows /records/review.
func (s *Server) handleReviewPage(w http.ResponseWriter, r *http.Request, p principal) {
	f := reviewFilter(r)
	pairs, err := s.cases().ReviewQueue(r.Context(), p.User, f)
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	page := linksPage{Kind: f.Kind, Status: f.Status, CanLink: casework.RunsLinkage(p.User.Role), Notice: r.URL.Query().Get("notice")}
	for _, rp := range pairs {
		page.Pairs = append(page.Pairs, s.toReviewJSON(rp))
	}
	s.render(w, r, http.StatusOK, "links", p, page)
}

// handleReviewForm is a pair's 是同一人 / 不是同一人 form.
func (s *Server) handleReviewForm(w http.ResponseWriter, r *http.Request, p principal) {
	r.Body = http.MaxBytesReader(w, r.Body, maxLinkBody)
	if err := checkCSRF(r, p); err != nil {
		s.failPage(w, r, err)
		return
	}
	d, err := s.cases().DecideReview(r.Context(), p.User, pathRecord(r), r.PostFormValue("decision"), r.PostFormValue("note"))
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	s.Log.Info("link review decided", "review", d.ID, "by", p.User.Username, "decision", d.Status)
	notice := "已记录核对结论：" + casework.LinkDecisionLabel[d.Status] + "。重新链接后生效。"
	http.Redirect(w, r, "/records/review?notice="+url.QueryEscape(notice), http.StatusSeeOther)
}

// handleLinkForm is the 重新链接 button.
func (s *Server) handleLinkForm(w http.ResponseWriter, r *http.Request, p principal) {
	r.Body = http.MaxBytesReader(w, r.Body, maxLinkBody)
	if err := checkCSRF(r, p); err != nil {
		s.failPage(w, r, err)
		return
	}
	run, err := s.cases().LinkRecords(r.Context(), p.User, linkKind(r))
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	s.Log.Info("records linked", "kind", run.Kind, "by", p.User.Username, "records", run.Records, "clusters", run.Clusters, "review", run.Review)
	notice := fmt.Sprintf("链接完成：%d 条记录，%d 组一人多档，%d 对待核对，用时 %.1f 秒。", run.Records, run.Clusters, run.Review, run.Took.Seconds())
	http.Redirect(w, r, "/records/review?notice="+url.QueryEscape(notice), http.StatusSeeOther)
}

// recordClusterRows are the other records of record id's person for the
// record page's 同一人的其他记录 panel; an error is logged and the page
// shows none.
func (s *Server) recordClusterRows(r *http.Request, p principal, id int64) []recordJSON {
	recs, err := s.cases().RecordCluster(r.Context(), p.User, id)
	if err != nil {
		s.Log.Error("record cluster", "record", id, "err", err)
		return nil
	}
	var out []recordJSON
	for _, rec := range recs {
		out = append(out, s.toRecordJSON(rec))
	}
	return out
}
