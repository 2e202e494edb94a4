package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"time"

	"jiceng/internal/casework"
	"jiceng/internal/core"
	"jiceng/internal/export"
	"jiceng/internal/fieldset"
	"jiceng/internal/quality"
)

// The data-quality pages (数据质量): the latest run (or a chosen one) with
// its scores, checks and failing rows, the score's trend over the runs, a
// button that runs the checks now and sends each source's owner its
// report, the XLSX report, and the API of the same. Who reads and who runs
// is the service's (casework.ReadsQuality, RunsQuality).

// qualityTrendRuns is the number of runs the trend chart shows.
const qualityTrendRuns = 30

// qualityPage is the data of quality.html.
type qualityPage struct {
	Run     *casework.QualityRunView
	Runs    []qualityRunRow
	CanRun  bool
	Notice  string
	Results []qualityResultRow
	Sources []qualityScoreRow
	Fields  []qualityScoreRow
	Chart   template.JS // JSON of the trend, for quality.js
	At      string
	XLSX    string
}

type qualityRunRow struct {
	ID                 int64
	At, By, Status     string
	Score              float64
	Checks, Failed     int
	Current            bool
	StatusClass, Label string
}

// qualityScoreRow is a score of a source or a field, with the previous
// run's ("" when it had none).
type qualityScoreRow struct {
	quality.Score
	KindLabel, Prev string
}

func qualityScoreRows(scores []quality.Score) []qualityScoreRow {
	out := make([]qualityScoreRow, 0, len(scores))
	for _, sc := range scores {
		row := qualityScoreRow{Score: sc, KindLabel: fieldset.KindLabel[sc.Kind]}
		if row.KindLabel == "" {
			row.KindLabel = sc.Kind
		}
		if sc.Prev != nil {
			row.Prev = fmt.Sprintf("%.1f", *sc.Prev)
		}
		out = append(out, row)
	}
	return out
}

// qualityStatusOrder puts the checks to act on first.
var qualityStatusOrder = map[string]int{quality.StatusFail: 0, quality.StatusWarn: 1, quality.StatusPass: 2, quality.StatusSkip: 3}

type qualityResultRow struct {
	quality.Result
	KindLabel, StatusLabel, TrendLabel, Rate string
	Samples                                  []qualitySample
}

type qualitySample struct {
	quality.Sample
	Link string
}

func (s *Server) handleQualityPage(w http.ResponseWriter, r *http.Request, p principal) {
	svc := s.cases()
	runs, err := svc.QualityRuns(r.Context(), p.User, qualityTrendRuns)
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	page := qualityPage{CanRun: casework.RunsQuality(p.User.Role), Notice: r.URL.Query().Get("notice")}
	if len(runs) > 0 {
		id, _ := strconv.ParseInt(r.URL.Query().Get("run"), 10, 64)
		v, err := svc.QualityRun(r.Context(), p.User, id)
		if err != nil {
			s.failPage(w, r, err)
			return
		}
		page.Run = &v
		page.At = v.At.In(s.Location).Format(time.DateTime)
		page.XLSX = "/quality/report.xlsx?run=" + strconv.FormatInt(v.ID, 10)
		for _, res := range v.Run.Results {
			row := qualityResultRow{Result: res, KindLabel: quality.KindLabel[res.Kind], StatusLabel: quality.StatusLabel[res.Status],
				TrendLabel: quality.TrendLabel[res.Trend], Rate: fmt.Sprintf("%.2f%%", 100*res.Rate)}
			for _, smp := range res.Samples {
				qs := qualitySample{Sample: smp}
				if _, err := strconv.ParseInt(smp.Record, 10, 64); err == nil && res.RecordKind != "ticket" && res.RecordKind != "area" {
					qs.Link = "/records/" + smp.Record
				}
				row.Samples = append(row.Samples, qs)
			}
			page.Results = append(page.Results, row)
		}
		sort.SliceStable(page.Results, func(i, j int) bool {
			return qualityStatusOrder[page.Results[i].Status] < qualityStatusOrder[page.Results[j].Status]
		})
		page.Sources, page.Fields = qualityScoreRows(v.Run.Sources), qualityScoreRows(v.Run.Fields)
	}
	type point struct {
		At    string  `json:"at"`
		Score float64 `json:"score"`
		URL   string  `json:"url"`
	}
	var trend []point
	for i := len(runs) - 1; i >= 0; i-- {
		q := runs[i]
		trend = append(trend, point{At: q.At.In(s.Location).Format("01-02 15:04"), Score: q.Score, URL: "/quality?run=" + strconv.FormatInt(q.ID, 10)})
	}
	for _, q := range runs {
		page.Runs = append(page.Runs, qualityRunRow{ID: q.ID, At: q.At.In(s.Location).Format(time.DateTime), By: q.By, Status: q.Status,
			Score: q.Score, Checks: q.Checks, Failed: q.Failed, Current: page.Run != nil && q.ID == page.Run.ID,
			Label: quality.StatusLabel[q.Status]})
	}
	b, _ := json.Marshal(map[string]any{"trend": trend})
	page.Chart = template.JS(b)
	s.render(w, r, http.StatusOK, "quality", p, page)
}

// handleQualityRunForm runs the checks now (立即检查) and shows the run.
func (s *Server) handleQualityRunForm(w http.ResponseWriter, r *http.Request, p principal) {
	r.Body = http.MaxBytesReader(w, r.Body, 1<<16)
	if err := checkCSRF(r, p); err != nil {
		s.failPage(w, r, err)
		return
	}
	v, err := s.runQuality(r.Context(), r, p)
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	notice := fmt.Sprintf("检查完成：%d 项检查，%d 项需处理，得分 %.1f。", v.Checks, v.Failed, v.Score)
	http.Redirect(w, r, "/quality?run="+strconv.FormatInt(v.ID, 10)+"&notice="+url.QueryEscape(notice), http.StatusSeeOther)
}

// runQuality runs the checks and sends the owners' reports by the
// server's webhook, if it has one; a failed push is logged, the run kept.
func (s *Server) runQuality(ctx context.Context, r *http.Request, p principal) (casework.QualityRunView, error) {
	v, err := s.cases().RunQuality(ctx, p.User, nil)
	if err != nil {
		return v, err
	}
	s.Log.Info("quality run", "run", v.ID, "by", p.User.Username, "score", v.Score, "checks", v.Checks, "failed", v.Failed)
	if s.QualityHook != nil {
		reports := casework.QualityReports(v, s.absURL(r, "/quality?run="+strconv.FormatInt(v.ID, 10)))
		// The push must not hold the request: a slow receiver gets the
		// webhook's own timeout, in the background.
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			if err := s.QualityHook.SendQuality(ctx, reports); err != nil {
				s.Log.Error("quality reports", "run", v.ID, "err", err)
			}
		}()
	}
	return v, nil
}

// absURL is path on the host the request came to.
func (s *Server) absURL(r *http.Request, path string) string {
	scheme := "http"
	if s.HTTPS {
		scheme = "https"
	}
	return scheme + "://" + r.Host + path
}

// handleQualityXLSX downloads a run's report (数据质量报告) as XLSX.
func (s *Server) handleQualityXLSX(w http.ResponseWriter, r *http.Request, p principal) {
	id, _ := strconv.ParseInt(r.URL.Query().Get("run"), 10, 64)
	v, err := s.cases().QualityRun(r.Context(), p.User, id)
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	var buf bytes.Buffer
	title := "数据质量报告 " + v.At.In(s.Location).Format(time.DateTime)
	if err := export.QualityXLSX(&buf, v.Run, title); err != nil {
		s.failPage(w, r, fmt.Errorf("quality report %d: %w", v.ID, err))
		return
	}
	name := "数据质量报告-" + v.At.In(s.Location).Format("20060102-1504") + ".xlsx"
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(name))
	w.Write(buf.Bytes())
}

// qualityRunJSON is a run in the API.
type qualityRunJSON struct {
	ID     int64        `json:"id"`
	At     time.Time    `json:"at"`
	By     string       `json:"by"`
	Score  float64      `json:"score"`
	Status string       `json:"status"`
	Checks int          `json:"checks"`
	Failed int          `json:"failed"`
	Result *quality.Run `json:"result,omitempty"`
}

func toQualityRunJSON(q core.QualityRun, run *quality.Run) qualityRunJSON {
	return qualityRunJSON{ID: q.ID, At: q.At, By: q.By, Score: q.Score, Status: q.Status, Checks: q.Checks, Failed: q.Failed, Result: run}
}

// handleQualityRuns is GET /api/v1/quality/runs: the runs, newest first
// (limit, default 30), without their results.
func (s *Server) handleQualityRuns(w http.ResponseWriter, r *http.Request, p principal) {
	limit := qualityTrendRuns
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			s.fail(w, r, core.InvalidField("limit", "limit 应为 1 到 1000 的整数"))
			return
		}
		limit = n
	}
	runs, err := s.cases().QualityRuns(r.Context(), p.User, limit)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := make([]qualityRunJSON, 0, len(runs))
	for _, q := range runs {
		out = append(out, toQualityRunJSON(q, nil))
	}
	writeJSON(w, http.StatusOK, map[string]any{"runs": out})
}

// handleQualityRun is GET /api/v1/quality/run?id=N: a run with its result
// (the newest without id).
func (s *Server) handleQualityRun(w http.ResponseWriter, r *http.Request, p principal) {
	var id int64
	if v := r.URL.Query().Get("id"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 1 {
			s.fail(w, r, core.InvalidField("id", "id 应为正整数"))
			return
		}
		id = n
	}
	v, err := s.cases().QualityRun(r.Context(), p.User, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toQualityRunJSON(v.QualityRun, v.Run))
}

// handleStartQualityRun is POST /api/v1/quality/runs: run the checks now.
func (s *Server) handleStartQualityRun(w http.ResponseWriter, r *http.Request, p principal) {
	v, err := s.runQuality(r.Context(), r, p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, toQualityRunJSON(v.QualityRun, v.Run))
}
