package casework

import (
	"cmp"
	"context"
	"slices"
	"time"

	"jiceng/internal/core"
	"jiceng/internal/rates"
	"jiceng/internal/report"
)

// The monthly figures of the sharing API (共享需求 / 价值转化), per month
// and per department (the key's name: a department's keys count together),
// from the usage log of the share keys:
//
//   - Served: requests answered 2xx (共享服务次数);
//   - Refused: requests refused 4xx (an outside-scope field or community,
//     a bad parameter; a request without a valid key names no department
//     and is not in the log);
//   - Rows: the records and tickets shared by the served requests;
//   - Cited: the distinct tickets the department cited with its requests
//     (ticket=, the ticket it works on) in the month;
//   - Solved: of those, the tickets that reached 办结 in or after the
//     month of the citation (their resolution time is on or after the
//     month's first day): tickets solved with shared data.
//
// Administrators and leaders read them (the assessment's figures).

// SharingRow is the figures of one month and department; the total row
// has Month "" and Department "".
type SharingRow struct {
	Month      string // 2025-03
	Department string
	Served     int
	Refused    int
	Rows       int
	Cited      int
	Solved     int
}

// SharingReport is the sharing figures of months [From, To).
type SharingReport struct {
	From, To time.Time
	// Rows are by month, then department; months without a request have
	// none.
	Rows  []SharingRow
	Total SharingRow
}

// SharingUse is one entry of the usage log with the key's department.
type SharingUse struct {
	core.APIUse
	Department string
	Prefix     string
}

// sharingReader refuses users who may not read the sharing figures.
func sharingReader(u core.User) error {
	if u.Role != core.RoleAdmin && u.Role != core.RoleLeader {
		return core.Errorf(core.EFORBIDDEN, "只有数据管理员和街道领导可以查看数据共享统计（当前账号：%s）", roleLabel(u.Role))
	}
	return nil
}

// monthStart is the first instant of t's month in loc.
func monthStart(t time.Time, loc *time.Location) time.Time {
	t = t.In(loc)
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, loc)
}

// shareKeys returns the share keys by id.
func (s *Service) shareKeys(ctx context.Context, ks core.APIKeyStore) (map[int64]core.APIKey, error) {
	keys, err := ks.APIKeys(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]core.APIKey, len(keys))
	for _, k := range keys {
		if k.Purpose == core.APIKeyShare {
			out[k.ID] = k
		}
	}
	return out, nil
}

// SharingReport returns the sharing figures of the months from from's to
// the one before to's (the street's time zone); to zero is the end of the
// current month.
func (s *Service) SharingReport(ctx context.Context, u core.User, from, to time.Time) (SharingReport, error) {
	if err := sharingReader(u); err != nil {
		return SharingReport{}, err
	}
	ks, err := s.apiKeyStore()
	if err != nil {
		return SharingReport{}, err
	}
	loc := s.location()
	if to.IsZero() {
		to = monthStart(s.now(), loc).AddDate(0, 1, 0)
	}
	if from.IsZero() {
		from = monthStart(to.Add(-time.Nanosecond), loc).AddDate(0, -5, 0)
	}
	from = monthStart(from, loc)
	if e := monthStart(to, loc); !e.Equal(to.In(loc)) {
		to = e.AddDate(0, 1, 0) // a month begun is a month counted
	}
	if !from.Before(to) {
		return SharingReport{}, core.InvalidField("to", "统计期的结束应晚于开始")
	}
	if to.Sub(from) > 5*366*24*time.Hour {
		return SharingReport{}, core.InvalidField("from", "统计期最长 5 年")
	}
	keys, err := s.shareKeys(ctx, ks)
	if err != nil {
		return SharingReport{}, err
	}
	uses, err := ks.APIUses(ctx, 0, from, to, 0)
	if err != nil {
		return SharingReport{}, err
	}
	type cell struct {
		row   SharingRow
		cited map[string]bool
		start time.Time
	}
	cells := map[[2]string]*cell{}
	for _, use := range uses {
		k, ok := keys[use.KeyID]
		if !ok {
			continue // an Open311 key's use
		}
		start := monthStart(use.At, loc)
		id := [2]string{start.Format("2006-01"), k.Name}
		c := cells[id]
		if c == nil {
			c = &cell{row: SharingRow{Month: id[0], Department: id[1]}, cited: map[string]bool{}, start: start}
			cells[id] = c
		}
		switch {
		case use.Status >= 200 && use.Status < 300:
			c.row.Served++
			c.row.Rows += use.Rows
		case use.Status >= 400 && use.Status < 500:
			c.row.Refused++
		}
		if use.Ticket != "" {
			c.cited[use.Ticket] = true
		}
	}
	resolved := map[string]time.Time{} // ticket number → resolved at (zero: not)
	rep := SharingReport{From: from, To: to}
	for _, c := range cells {
		for number := range c.cited {
			at, ok := resolved[number]
			if !ok {
				t, err := s.Store.TicketByNumber(ctx, number)
				switch core.ErrorCode(err) {
				case "", core.ENOTFOUND:
				default:
					return SharingReport{}, err
				}
				at = t.ResolvedAt
				resolved[number] = at
			}
			c.row.Cited++
			if !at.IsZero() && !at.Before(c.start) {
				c.row.Solved++
			}
		}
		rep.Rows = append(rep.Rows, c.row)
	}
	slices.SortFunc(rep.Rows, func(a, b SharingRow) int {
		return cmp.Or(cmp.Compare(a.Month, b.Month), cmp.Compare(a.Department, b.Department))
	})
	for _, r := range rep.Rows {
		rep.Total.Served += r.Served
		rep.Total.Refused += r.Refused
		rep.Total.Rows += r.Rows
		rep.Total.Cited += r.Cited
		rep.Total.Solved += r.Solved
	}
	return rep, nil
}

// SharingUses returns one page of the share keys' usage log in [from, to)
// (zero bounds: open), newest first, with each key's department, and
// whether there is a next page. Administrators and leaders only.
func (s *Service) SharingUses(ctx context.Context, u core.User, from, to time.Time, page, size int) ([]SharingUse, bool, error) {
	if err := sharingReader(u); err != nil {
		return nil, false, err
	}
	ks, err := s.apiKeyStore()
	if err != nil {
		return nil, false, err
	}
	if page < 1 || size < 1 {
		return nil, false, core.InvalidField("page", "参数 page 应为正整数")
	}
	keys, err := s.shareKeys(ctx, ks)
	if err != nil {
		return nil, false, err
	}
	// Open311 uses are in the same log: read on until a page of share
	// uses (and one more) is found, or the log ends.
	want := page*size + 1
	var out []SharingUse
	for limit := want; ; limit *= 4 {
		uses, err := ks.APIUses(ctx, 0, from, to, limit)
		if err != nil {
			return nil, false, err
		}
		out = out[:0]
		for _, use := range uses {
			if k, ok := keys[use.KeyID]; ok {
				out = append(out, SharingUse{APIUse: use, Department: k.Name, Prefix: k.Prefix})
			}
		}
		if len(out) >= want || len(uses) < limit {
			break
		}
	}
	start := min((page-1)*size, len(out))
	more := len(out) > page*size
	return out[start:min(page*size, len(out))], more, nil
}

// ReportSharing is the 数据共享 section of the monthly report of period
// for u: administrators and leaders only (nil for other roles, for
// quarterly reports, which have no such section, and for a store without
// API keys).
func (s *Service) ReportSharing(ctx context.Context, u core.User, period rates.Period, loc *time.Location) (*report.Sharing, error) {
	if period.Kind != rates.Monthly || (u.Role != core.RoleAdmin && u.Role != core.RoleLeader) {
		return nil, nil
	}
	if _, ok := s.Store.(core.APIKeyStore); !ok {
		return nil, nil
	}
	rep, err := s.SharingReport(ctx, u, period.Start(loc), period.End(loc))
	if err != nil {
		return nil, err
	}
	row := func(r SharingRow) report.SharingRow {
		return report.SharingRow{Department: r.Department, Served: r.Served, Refused: r.Refused, Rows: r.Rows, Cited: r.Cited, Solved: r.Solved}
	}
	out := &report.Sharing{Total: row(rep.Total)}
	for _, r := range rep.Rows {
		out.Rows = append(out.Rows, row(r))
	}
	return out, nil
}
