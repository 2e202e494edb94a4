package casework

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"time"

	"jiceng/internal/core"
	"jiceng/internal/notify"
	"jiceng/internal/quality"
)

// Data-quality monitoring (数据质量) in the service: a run checks every
// registry record of the street (package quality), is stored with its
// result for the history and the trend, and can be sent to each source's
// owner. The whole street's data is checked at once, so only the roles
// that see the whole registry read the runs; the failing rows a run keeps
// are masked as a leader sees them, the strictest of its readers, and
// carry the record's ID, whose page shows each reader what it may see.

// qualityRoles read the quality runs; qualityRunners start one.
var (
	qualityRoles   = []string{core.RoleAdmin, core.RoleStaff, core.RoleLeader}
	qualityRunners = []string{core.RoleAdmin, core.RoleStaff}
)

// qualitySampleRole is the role the stored samples are masked for.
const qualitySampleRole = core.RoleLeader

// MaxQualityRecords is the most records one run reads (a street has some
// hundred thousand).
const MaxQualityRecords = 2_000_000

// ReadsQuality reports whether role reads the data-quality runs.
func ReadsQuality(role string) bool { return slices.Contains(qualityRoles, role) }

// RunsQuality reports whether role starts a data-quality run.
func RunsQuality(role string) bool { return slices.Contains(qualityRunners, role) }

// QualityRunView is a stored run with its result.
type QualityRunView struct {
	core.QualityRun
	Run *quality.Run
}

func (s *Service) qualityStore() (core.QualityStore, core.RecordStore, error) {
	qs, ok := s.Store.(core.QualityStore)
	rs, ok2 := s.Store.(core.RecordStore)
	if !ok || !ok2 {
		return nil, nil, core.Errorf(core.EINVALID, "当前数据库不支持数据质量检查")
	}
	return qs, rs, nil
}

// RunQuality checks every registry record (checks: nil means the street's
// check file in force, QualityChecks: the stored quality_checks setting or
// else the built-in file; the checks the field sets imply are added)
// against the previous run, stores the run under u's name and returns it.
func (s *Service) RunQuality(ctx context.Context, u core.User, checks []quality.Check) (QualityRunView, error) {
	if !RunsQuality(u.Role) {
		return QualityRunView{}, core.Errorf(core.EFORBIDDEN, "当前账号（%s）无权运行数据质量检查", roleLabel(u.Role))
	}
	qs, rs, err := s.qualityStore()
	if err != nil {
		return QualityRunView{}, err
	}
	if checks == nil {
		if checks, _, err = s.QualityChecks(ctx); err != nil {
			return QualityRunView{}, err
		}
	}
	var prev *quality.Run
	if last, err := qs.QualityRuns(ctx, "", 1); err != nil {
		return QualityRunView{}, err
	} else if len(last) == 1 {
		if v, err := s.qualityRun(ctx, qs, last[0].ID); err == nil {
			prev = v.Run
		}
	}
	clusters, err := s.linkClusterIDs(ctx)
	if err != nil {
		return QualityRunView{}, err
	}
	var recs []quality.Record
	err = rs.ScanRecords(ctx, core.RecordFilter{}, func(r core.Record) error {
		if len(recs) >= MaxQualityRecords {
			return core.Errorf(core.EINVALID, "基础数据超过 %d 条，请分类别检查", MaxQualityRecords)
		}
		q := QualityRecord(r)
		q.Cluster = clusters[r.ID]
		recs = append(recs, q)
		return nil
	})
	if err != nil {
		return QualityRunView{}, err
	}
	areas, err := s.Store.Areas(ctx)
	if err != nil {
		return QualityRunView{}, err
	}
	units, err := s.Store.Units(ctx)
	if err != nil {
		return QualityRunView{}, err
	}
	refs := &quality.Refs{Areas: quality.AreasOf(areas), Tickets: []quality.TicketRef{}}
	for _, un := range units {
		refs.Units = append(refs.Units, un.Name)
	}
	// The tickets' areas and units, for the referential checks (ticket →
	// area → unit): three names a ticket, the same strings shared.
	intern := map[string]string{}
	in := func(v string) string {
		if w, ok := intern[v]; ok {
			return w
		}
		intern[v] = v
		return v
	}
	err = s.Store.EachTicket(ctx, core.TicketFilter{}, func(t core.Ticket) error {
		if len(refs.Tickets) >= MaxQualityRecords {
			return nil
		}
		refs.Tickets = append(refs.Tickets, quality.TicketRef{ID: strconv.FormatInt(t.ID, 10), Community: in(t.Community),
			Grid: in(t.Grid), Unit: in(t.Unit)})
		return nil
	})
	if err != nil {
		return QualityRunView{}, err
	}
	now := time.Now()
	if s.Clock != nil {
		now = s.Clock.Now()
	}
	m := s.recordMasker()
	run, err := quality.Measure(recs, quality.Options{
		Now: now, Checks: checks, Previous: prev, Refs: refs, Retired: []string{core.RecordRetired},
		Mask: func(kind, field, v string) string { return m.value(qualitySampleRole, kind, field, v) },
	})
	if err != nil {
		return QualityRunView{}, core.Errorf(core.EINVALID, "数据质量检查无法运行：%v", err)
	}
	b, err := json.Marshal(run)
	if err != nil {
		return QualityRunView{}, fmt.Errorf("quality run: %w", err)
	}
	status := quality.StatusPass
	switch {
	case run.Fail > 0:
		status = quality.StatusFail
	case run.Warn > 0:
		status = quality.StatusWarn
	}
	qr := core.QualityRun{At: run.At, By: u.Name, Score: run.Score, Status: status,
		Checks: run.Pass + run.Warn + run.Fail, Failed: run.Warn + run.Fail, Result: b}
	if qr.ID, err = qs.AddQualityRun(ctx, qr); err != nil {
		return QualityRunView{}, err
	}
	qr.Result = nil
	return QualityRunView{QualityRun: qr, Run: run}, nil
}

// QualityRecord is a registry record as the checks see it.
func QualityRecord(r core.Record) quality.Record {
	q := quality.Record{ID: strconv.FormatInt(r.ID, 10), Kind: r.Kind, Source: r.Source, Key: r.Key, Values: r.Values,
		Community: r.Community, Grid: r.Grid, Status: r.Status, Created: r.CreatedAt, Updated: r.UpdatedAt, Seen: r.SeenAt}
	for f, why := range r.Flags {
		q.Flags = append(q.Flags, f+": "+why)
	}
	slices.Sort(q.Flags)
	return q
}

// QualityRuns returns the newest runs first, at most limit, without their
// results.
func (s *Service) QualityRuns(ctx context.Context, u core.User, limit int) ([]core.QualityRun, error) {
	if !ReadsQuality(u.Role) {
		return nil, core.Errorf(core.EFORBIDDEN, "当前账号（%s）无权查看数据质量报告", roleLabel(u.Role))
	}
	qs, _, err := s.qualityStore()
	if err != nil {
		return nil, err
	}
	return qs.QualityRuns(ctx, "*", min(max(limit, 1), 1000))
}

// QualityRun returns a run with its result; id 0 is the newest run (an
// ENOTFOUND error when there is none).
func (s *Service) QualityRun(ctx context.Context, u core.User, id int64) (QualityRunView, error) {
	if !ReadsQuality(u.Role) {
		return QualityRunView{}, core.Errorf(core.EFORBIDDEN, "当前账号（%s）无权查看数据质量报告", roleLabel(u.Role))
	}
	qs, _, err := s.qualityStore()
	if err != nil {
		return QualityRunView{}, err
	}
	if id == 0 {
		last, err := qs.QualityRuns(ctx, "*", 1)
		if err != nil {
			return QualityRunView{}, err
		}
		if len(last) == 0 {
			return QualityRunView{}, core.Errorf(core.ENOTFOUND, "还没有数据质量检查记录")
		}
		id = last[0].ID
	}
	return s.qualityRun(ctx, qs, id)
}

func (s *Service) qualityRun(ctx context.Context, qs core.QualityStore, id int64) (QualityRunView, error) {
	qr, err := qs.QualityRun(ctx, id)
	if err != nil {
		return QualityRunView{}, err
	}
	var run quality.Run
	if err := json.Unmarshal(qr.Result, &run); err != nil {
		return QualityRunView{}, fmt.Errorf("quality run %d: %w", id, err)
	}
	qr.Result = nil
	return QualityRunView{QualityRun: qr, Run: &run}, nil
}

// QualityReports are the reports of a run for each owner (责任部门), as the
// webhook sends them: the owner's score, status and checks that warned or
// failed on its sources, with their counts; never a value. reportURL is
// the run's page, or "".
func QualityReports(v QualityRunView, reportURL string) []notify.QualityReport {
	var out []notify.QualityReport
	for _, o := range v.Run.Owners {
		rep := notify.QualityReport{RunID: v.ID, RunAt: v.At, Owner: o.Name, Score: o.Score, Status: quality.StatusPass,
			Records: o.Rows, ReportURL: reportURL}
		sources := map[string]bool{}
		for _, sc := range v.Run.Sources {
			if sc.Owner == o.Name {
				sources[sc.Name] = true
				rep.Source = sc.Name
			}
		}
		if len(sources) > 1 {
			rep.Source = ""
		}
		for _, res := range v.Run.Results {
			for _, src := range res.Sources {
				if !sources[src.Source] || (src.Status != quality.StatusWarn && src.Status != quality.StatusFail) {
					continue
				}
				f := ""
				if len(res.Fields) > 0 {
					f = res.Fields[0]
				}
				rep.Checks = append(rep.Checks, notify.QualityCheck{Name: res.Name, Field: f, Status: src.Status,
					Checked: src.Checked, Failed: src.Failing, Rate: src.Rate})
				if src.Status == quality.StatusFail || rep.Status == quality.StatusPass {
					rep.Status = src.Status
				}
			}
		}
		rep.Text = fmt.Sprintf("%s 数据质量 %.1f 分（%s），%d 项检查需处理，检查时间 %s", o.Name, o.Score,
			quality.StatusLabel[rep.Status], len(rep.Checks), v.At.In(core.StreetTime).Format(time.DateTime))
		out = append(out, rep)
	}
	return out
}
