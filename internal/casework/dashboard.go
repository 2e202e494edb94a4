package casework

import (
	"cmp"
	"context"
	"errors"
	"maps"
	"math"
	"slices"
	"sort"
	"sync"
	"time"

	"jiceng/internal/alert"
	geo "jiceng/internal/areas"
	"jiceng/internal/core"
	"jiceng/internal/hot"
	"jiceng/internal/workflow"
)

// Dashboard is the street's 数据看板 for a period: volume and its trend
// against the previous period and the same days a year before, the
// category mix, the communities, the hour × weekday heat map, and the risk
// alerts of the period's last week. Every figure is counted from the
// pre-aggregated day and hour counts (core.CountStore), so it costs the
// same at a million tickets as at a thousand.
type Dashboard struct {
	From, To  time.Time // street days; To exclusive
	Community string    // the user's community, "" for the whole street
	Total     int
	Previous  int // the period of the same length before From
	LastYear  int // the same days a year before
	Days      []DayPoint
	// Categories and Communities are by count in the period, largest first;
	// Previous is the count in the period before.
	Categories  []Share
	Communities []Share
	// Heat[w][h] counts the tickets received on weekday w (0 Monday) in
	// hour h.
	Heat   [7][24]int
	Alerts []RiskAlert
	// Clusters are rises shared by neighbouring communities (the
	// space–time permutation scan), on the whole street's board when its
	// community boundaries are set.
	Clusters []SpaceCluster
}

// SpaceCluster is a significant space–time cluster of one top-level
// category: neighbouring communities whose tickets over the last Days days
// are more than where and when tickets arrive would give.
type SpaceCluster struct {
	Category1   string
	Communities []string
	From, To    time.Time // the cluster's days; To exclusive
	Observed    int
	Expected    float64
	P           float64
}

// Scan settings of the board: clusters of 2 to scanZones neighbouring
// communities over the last 1–7 days of scanDays, significant at scanP
// with scanReplications permutations (p-values to 0.005).
const (
	scanDays         = 56
	scanZones        = 3
	scanP            = 0.05
	scanReplications = 199
)

// DayPoint is one day of the trend.
type DayPoint struct {
	Day      time.Time
	N        int
	LastYear int // the same weekday 52 weeks before
}

// Share is a category's or a community's part of the period.
type Share struct {
	Name     string
	N        int
	Previous int
}

// RiskAlert is a rise in one category (top level) or one tag in one
// community (or the whole street, Community ""): of the daily counts,
// raised by the default detector on one of the period's last AlertDays
// days; or of the hourly counts of urgent tickets (core.UrgentHourly),
// raised by the hourly detector in one of the last HourlyAlertHours hours.
type RiskAlert struct {
	Community string
	Category1 string // "" for a tag's alert
	// Tag is the tag (高频问题标签) of a tag's alert: its tickets are those
	// whose text names the tag, in any category.
	Tag string
	// Granularity is Daily (日) or Hourly (小时).
	Granularity string
	Day         time.Time // the last day the detector alarmed
	// Hour is the start of the last hour the hourly detector alarmed, and
	// Hours the length of the window (ending with that hour) whose
	// tickets are Observed and Expected; zero for a daily alert.
	Hour     time.Time
	Hours    int
	Observed int
	Expected float64
	Score    float64
	Detector string
	// Severity is 高 (the day's count at least three times what was
	// expected, and at least 5), 中 (twice, at least 3) or 低.
	Severity string
	// Threshold is the detector's threshold for the series: the default,
	// raised by DismissStep for each alert of the series staff dismissed
	// in the last DismissMemory days (at most MaxDismissSteps).
	Threshold float64
	// State is staff's decision on the alert (core.AlertAcknowledged),
	// with who made it; dismissed alerts are not listed.
	State   string
	StateBy string
}

// How dismissals teach the threshold: each alert of a series dismissed
// (已排除) in the last DismissMemory days adds DismissStep to the CUSUM
// threshold of that series (1.75 by default), up to MaxDismissSteps; at
// 40 tickets a day each step about halves the false alarms.
const (
	DismissStep     = 0.5
	MaxDismissSteps = 4
	DismissMemory   = 180
)

// MinAlertCount is the fewest tickets of a day the board lists an alert
// for: in a sparse series (a category a community sees once a month) one
// or two tickets make the CUSUM alarm, and nobody acts on one ticket.
const MinAlertCount = 3

// Dashboard limits.
const (
	// AlertDays are the last days of a period whose alarms are listed.
	AlertDays = 7
	// alertHistory is how far before the period's end the detector reads:
	// its day-of-week factors need 12 weeks, its level 4 more and the
	// guard band; holidays are learned from what of a year it reads.
	alertHistory = 140
	// MaxDashboardDays is the longest period a dashboard shows.
	MaxDashboardDays = 731
)

// Dashboard returns the dashboard of the days from..to (To exclusive) for
// u: the whole street for street staff, leaders and administrators, the
// community of a community worker. Department handlers and residents have
// none (their scope is not a part of the street's map).
func (s *Service) Dashboard(ctx context.Context, u core.User, from, to time.Time) (Dashboard, error) {
	communities, err := s.BoardScope(ctx, u)
	if err != nil {
		return Dashboard{}, err
	}
	cs, ok := s.Store.(core.CountStore)
	if !ok {
		return Dashboard{}, core.Errorf(core.EINTERNAL, "数据库不支持统计")
	}
	fromDay, toDay := core.StreetDay(from), core.StreetDay(to)
	if toDay <= fromDay || toDay-fromDay > MaxDashboardDays {
		return Dashboard{}, core.Errorf(core.EINVALID, "统计时段应在 1 到 %d 天之间", MaxDashboardDays)
	}
	n := toDay - fromDay
	d := Dashboard{From: core.DayStart(fromDay), To: core.DayStart(toDay)}
	if communities != nil {
		d.Community = communities[0]
	}
	q := func(from, to int, by core.CountBy) core.CountQuery {
		return core.CountQuery{From: core.DayStart(from), To: core.DayStart(to), Communities: communities, By: by}
	}
	// The reads, in parallel: the trend with the period before and the
	// same days a year before (52 weeks, so that weekdays match) by day, the
	// categories and communities of the period and the one before, the
	// hours, and each community × category by day over the detector's
	// history (alertHistory days) for the alerts. A period that fits in the
	// alerts' days (30 days) has its trend and shares summed from their rows.
	yearFrom := fromDay - 364
	alertFrom := toDay - alertHistory
	fromAlerts := fromDay-n >= alertFrom
	var (
		alertRows, trend, lastYear, current, previous []core.DayCount
		hours                                         []core.HourCount
		states                                        []core.AlertState
	)
	var reads []func(context.Context) error
	read := func(dst *[]core.DayCount, from, to int, by core.CountBy) {
		reads = append(reads, func(ctx context.Context) (err error) {
			*dst, err = cs.DayCounts(ctx, q(from, to, by))
			return err
		})
	}
	read(&alertRows, alertFrom, toDay, core.ByDay|core.ByCommunity|core.ByCategory1)
	if !fromAlerts {
		read(&trend, fromDay-n, toDay, core.ByDay)
		read(&current, fromDay, toDay, core.ByCommunity|core.ByCategory1)
		read(&previous, fromDay-n, fromDay, core.ByCommunity|core.ByCategory1)
	}
	if yearFrom < fromDay-n { // the part of the year before the trend's read has not
		read(&lastYear, yearFrom, min(yearFrom+n, fromDay-n), core.ByDay)
	}
	reads = append(reads, func(ctx context.Context) (err error) {
		hours, err = cs.HourCounts(ctx, q(fromDay, toDay, 0))
		return err
	})
	if as, ok := s.Store.(core.AlertStore); ok {
		reads = append(reads, func(ctx context.Context) (err error) {
			states, err = as.AlertStates(ctx, q(toDay-DismissMemory, toDay, 0))
			return err
		})
	}
	if err := inParallel(ctx, reads); err != nil {
		return Dashboard{}, err
	}
	if fromAlerts {
		trend, current, previous = sumAlertRows(alertRows, fromDay, toDay, n)
	}

	d.Days = make([]DayPoint, n)
	for i := range d.Days {
		d.Days[i].Day = core.DayStart(fromDay + i)
	}
	for _, r := range append(lastYear, trend...) {
		day := core.StreetDay(r.Day)
		if day >= fromDay {
			d.Total += r.N
			d.Days[day-fromDay].N += r.N
		} else if day >= fromDay-n {
			d.Previous += r.N
		}
		if day >= yearFrom && day < yearFrom+n {
			d.LastYear += r.N
			d.Days[day-yearFrom].LastYear += r.N
		}
	}
	// The categories and communities of the period and the one before.
	cats, coms := map[string]*Share{}, map[string]*Share{}
	share := func(m map[string]*Share, name string) *Share {
		sh := m[name]
		if sh == nil {
			sh = &Share{Name: name}
			m[name] = sh
		}
		return sh
	}
	for _, part := range []struct {
		rows     []core.DayCount
		previous bool
	}{{current, false}, {previous, true}} {
		for _, r := range part.rows {
			c, m := share(cats, r.Category1), share(coms, r.Community)
			if part.previous {
				c.Previous += r.N
				m.Previous += r.N
			} else {
				c.N += r.N
				m.N += r.N
			}
		}
	}
	d.Categories, d.Communities = sortShares(cats), sortShares(coms)

	for _, h := range hours {
		d.Heat[h.Weekday][h.Hour] += h.N
	}

	// The alerts: each community × category by day over the detector's
	// history, and each category over the whole street.
	series := map[seriesKey][]float64{}
	for _, r := range alertRows {
		day := core.StreetDay(r.Day)
		addToSeries(series, r.Community, r.Category1, day-alertFrom, alertHistory, float64(r.N), communities == nil)
	}
	d.Alerts = riskAlerts(series, alertFrom, s.calendar(), states)
	hourly, err := s.hourlyAlerts(ctx, communities, hourlyEnd(s.Clock.Now(), toDay), s.calendar(), states)
	if err != nil {
		return Dashboard{}, err
	}
	d.Alerts = SortAlerts(append(d.Alerts, hourly...))
	if communities == nil {
		near, err := s.neighbours(ctx)
		if err != nil {
			return Dashboard{}, err
		}
		d.Clusters = spaceClusters(series, near, toDay)
	}
	return d, nil
}

// inParallel runs the reads at once and returns the first error; the
// others are cancelled then.
func inParallel(ctx context.Context, reads []func(context.Context) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errs := make([]error, len(reads))
	var wg sync.WaitGroup
	for i, read := range reads {
		wg.Go(func() {
			if errs[i] = read(ctx); errs[i] != nil {
				cancel()
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil && !errors.Is(err, context.Canceled) {
			return err
		}
	}
	return cmp.Or(errs...)
}

// sumAlertRows sums the alerts' rows (by day, community and category) of
// the days fromDay-n..toDay (toDay exclusive) as the trend's read by day and
// the shares' reads of the period and the one before would have returned
// them.
func sumAlertRows(rows []core.DayCount, fromDay, toDay, n int) (trend, current, previous []core.DayCount) {
	byDay := map[int]int{}
	type key struct{ community, category1 string }
	cur, prev := map[key]int{}, map[key]int{}
	for _, r := range rows {
		day := core.StreetDay(r.Day)
		switch {
		case day < fromDay-n || day >= toDay:
			continue
		case day >= fromDay:
			cur[key{r.Community, r.Category1}] += r.N
		default:
			prev[key{r.Community, r.Category1}] += r.N
		}
		byDay[day] += r.N
	}
	for _, day := range slices.Sorted(maps.Keys(byDay)) {
		trend = append(trend, core.DayCount{Day: core.DayStart(day), N: byDay[day]})
	}
	for _, part := range []struct {
		m   map[key]int
		dst *[]core.DayCount
	}{{cur, &current}, {prev, &previous}} {
		for k, n := range part.m {
			*part.dst = append(*part.dst, core.DayCount{Community: k.community, Category1: k.category1, N: n})
		}
	}
	return trend, current, previous
}

// neighbours orders the communities that have boundaries by the distance
// of their centres from each; nil without boundaries.
func (s *Service) neighbours(ctx context.Context) (map[string][]string, error) {
	ss, ok := s.Store.(core.SettingStore)
	if !ok {
		return nil, nil
	}
	content, _, err := ss.Setting(ctx, core.SettingBoundaries)
	if core.ErrorCode(err) == core.ENOTFOUND {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	a, err := s.Store.Areas(ctx)
	if err != nil {
		return nil, err
	}
	bs, err := geo.ReadBoundaries(content, a)
	if err != nil {
		return nil, nil // boundaries of an older registry: no map, no scan
	}
	var cs []geo.Boundary
	for _, b := range bs {
		if b.Level == "社区" {
			cs = append(cs, b)
		}
	}
	near := map[string][]string{}
	for _, c := range cs {
		order := slices.Clone(cs)
		// Degrees of longitude shrink with latitude: cos(lat) evens them.
		k := math.Cos(c.Lat * math.Pi / 180)
		dist := func(o geo.Boundary) float64 { return math.Hypot((o.Lng-c.Lng)*k, o.Lat-c.Lat) }
		slices.SortStableFunc(order, func(x, y geo.Boundary) int { return cmp.Compare(dist(x), dist(y)) })
		for _, o := range order {
			near[c.Name] = append(near[c.Name], o.Name)
		}
	}
	return near, nil
}

// spaceClusters scans each category's last scanDays days over the
// communities of near and returns its significant clusters of two
// communities or more, most significant first.
func spaceClusters(series map[seriesKey][]float64, near map[string][]string, toDay int) []SpaceCluster {
	if len(near) < 2 {
		return nil
	}
	zones := make([]string, 0, len(near))
	for z := range near {
		zones = append(zones, z)
	}
	slices.Sort(zones)
	index := map[string]int{}
	for i, z := range zones {
		index[z] = i
	}
	in := alert.ScanInput{Near: make([][]int, len(zones))}
	for i, z := range zones {
		for _, o := range near[z] {
			in.Near[i] = append(in.Near[i], index[o])
		}
	}
	cats := map[string]bool{}
	for k := range series {
		if k.Community != "" {
			cats[k.Category1] = true
		}
	}
	var out []SpaceCluster
	for _, cat := range slices.Sorted(maps.Keys(cats)) {
		in.Counts = make([][]float64, len(zones))
		for i, z := range zones {
			in.Counts[i] = make([]float64, scanDays)
			if sr := series[seriesKey{z, cat}]; sr != nil {
				copy(in.Counts[i], sr[len(sr)-scanDays:])
			}
		}
		seed := uint64(len(cat))
		for _, r := range cat {
			seed = seed*31 + uint64(r)
		}
		for _, c := range alert.Scan(in, alert.ScanOptions{MaxZones: scanZones, MaxDays: 7, Replications: scanReplications, Seed: seed}) {
			if c.P >= scanP || len(c.Zones) < 2 {
				continue
			}
			sc := SpaceCluster{Category1: cat, From: core.DayStart(toDay - c.Days), To: core.DayStart(toDay),
				Observed: int(c.Observed), Expected: c.Expected, P: c.P}
			for _, z := range c.Zones {
				sc.Communities = append(sc.Communities, zones[z])
			}
			out = append(out, sc)
		}
	}
	slices.SortStableFunc(out, func(a, b SpaceCluster) int { return cmp.Compare(a.P, b.P) })
	return out
}

func sortShares(m map[string]*Share) []Share {
	out := make([]Share, 0, len(m))
	for _, sh := range m {
		out = append(out, *sh)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].N != out[j].N {
			return out[i].N > out[j].N
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// addToSeries adds n to step i of the series (of length steps) of
// community × category, and of the whole street's category when street
// (on a community's board its own series are its whole).
func addToSeries(series map[seriesKey][]float64, community, category1 string, i, steps int, n float64, street bool) {
	keys := []seriesKey{{community, category1}}
	if street {
		keys = append(keys, seriesKey{"", category1})
	}
	for _, k := range keys {
		sr := series[k]
		if sr == nil {
			sr = make([]float64, steps)
			series[k] = sr
		}
		sr[i] += n
	}
}

// seriesKey names a series of the alerts: a community ("" for the whole
// street) and a top-level category.
type seriesKey struct{ Community, Category1 string }

// riskAlerts runs the default detector over each series (community ×
// category, alertHistory days from day alertFrom) and returns those that
// alarmed on one of the last AlertDays days, most severe first.
func riskAlerts(series map[seriesKey][]float64, alertFrom int, cal alert.Calendar, states []core.AlertState) []RiskAlert {
	dismissed := map[seriesKey]int{}
	decided := map[seriesKey]map[int]core.AlertState{}
	for _, st := range states {
		if st.Hourly || st.Tag != "" {
			continue // the decisions of hourly and tag alerts
		}
		k := seriesKey{st.Community, st.Category1}
		if st.State == core.AlertDismissed {
			dismissed[k]++
		}
		if decided[k] == nil {
			decided[k] = map[int]core.AlertState{}
		}
		decided[k][core.StreetDay(st.Day)] = st
	}
	var out []RiskAlert
	for k, counts := range series {
		det := alert.NewNBCUSUM()
		det.Threshold += DismissStep * float64(min(dismissed[k], MaxDismissSteps))
		pts := det.Run(alert.Series{Start: core.DayStart(alertFrom), Counts: counts}, cal)
		for i := len(pts) - 1; i >= len(pts)-AlertDays; i-- {
			if !pts[i].Alarm || counts[i] < MinAlertCount {
				continue
			}
			st := decided[k][alertFrom+i]
			if st.State == core.AlertDismissed {
				break // staff said it is no rise
			}
			out = append(out, RiskAlert{Community: k.Community, Category1: k.Category1, Granularity: Daily, Day: core.DayStart(alertFrom + i),
				Observed: int(counts[i]), Expected: pts[i].Expected, Score: pts[i].Score, Detector: det.Name(),
				Severity: severity(counts[i], pts[i].Expected), Threshold: det.Threshold, State: st.State, StateBy: st.By})
			break
		}
	}
	return SortAlerts(out)
}

// SortAlerts orders alerts most severe first, then latest first (an hourly
// alert by its hour, within its day), then by score, community, category
// and tag; it sorts a in place and returns it.
func SortAlerts(a []RiskAlert) []RiskAlert {
	rank := map[string]int{"高": 0, "中": 1, "低": 2}
	when := func(r RiskAlert) time.Time {
		if !r.Hour.IsZero() {
			return r.Hour
		}
		return r.Day.Add(24*time.Hour - time.Nanosecond) // a day's alert counts at its end
	}
	slices.SortFunc(a, func(x, y RiskAlert) int {
		if rank[x.Severity] != rank[y.Severity] {
			return rank[x.Severity] - rank[y.Severity]
		}
		if c := when(y).Compare(when(x)); c != 0 {
			return c
		}
		if x.Score != y.Score {
			return cmp.Compare(y.Score, x.Score)
		}
		return cmp.Or(cmp.Compare(x.Community, y.Community), cmp.Compare(x.Category1, y.Category1), cmp.Compare(x.Tag, y.Tag),
			cmp.Compare(x.Granularity, y.Granularity))
	})
	return a
}

func severity(observed, expected float64) string {
	switch {
	case observed >= 5 && observed >= 3*expected:
		return "高"
	case observed >= 3 && observed >= 2*expected:
		return "中"
	}
	return "低"
}

// BoardScope is the part of the street u's board shows: nil for the whole
// street, the community of a community worker; handlers and residents have
// no board.
func (s *Service) BoardScope(ctx context.Context, u core.User) ([]string, error) {
	switch u.Role {
	case core.RoleAdmin, core.RoleLeader, core.RoleStaff:
		return nil, nil
	case core.RoleCommunity:
		sc, err := s.Scope(ctx, u)
		if err != nil {
			return nil, err
		}
		if sc.None || sc.Community == "" {
			return nil, core.Errorf(core.EFORBIDDEN, "账号没有对应的社区，无法查看数据看板")
		}
		return []string{sc.Community}, nil
	}
	return nil, core.Errorf(core.EFORBIDDEN, "数据看板面向街道领导、工作人员和社区工作者")
}

// calendar is the street's holidays: the workflow engine's, or the
// embedded ones.
func (s *Service) calendar() alert.Calendar {
	if s.Workflow != nil && s.Workflow.Calendar != nil {
		return s.Workflow.Calendar
	}
	return workflow.DefaultCalendar()
}

// SetAlertState records u's decision on the alert of a series (community,
// "" for the whole street, × top-level category or tag) on day, or in one
// hour of it for an hourly alert: administrators,
// leaders and staff for any series, community workers for their
// community's.
func (s *Service) SetAlertState(ctx context.Context, u core.User, st core.AlertState) error {
	communities, err := s.BoardScope(ctx, u)
	if err != nil {
		return err
	}
	if communities != nil && !slices.Contains(communities, st.Community) {
		return core.Errorf(core.EFORBIDDEN, "只能处理本社区的预警")
	}
	if st.State != core.AlertAcknowledged && st.State != core.AlertDismissed {
		return core.InvalidField("state", "处理结果应为 ack（确认）或 dismissed（排除）")
	}
	if st.Category1 == "" && st.Tag == "" {
		return core.InvalidField("category1", "缺少预警的分类或标签")
	}
	if st.Category1 != "" && st.Tag != "" {
		return core.InvalidField("tag", "预警是分类的或标签的，不能两者都有")
	}
	if st.Hourly && (st.Hour < 0 || st.Hour > 23 || st.Tag != "") {
		return core.InvalidField("hour", "小时预警的时刻应为 0 到 23（标签预警按日）")
	}
	if n := len([]rune(st.Tag)); n > hot.MaxTagRunes {
		return core.InvalidField("tag", "标签最多 %d 字", hot.MaxTagRunes)
	}
	if st.Day.IsZero() || st.Day.After(s.Clock.Now()) {
		return core.InvalidField("day", "预警日期无效")
	}
	if !st.Hourly {
		st.Hour = 0
	}
	if n := len([]rune(st.Note)); n > 200 {
		return core.InvalidField("note", "说明最多 200 字")
	}
	as, ok := s.Store.(core.AlertStore)
	if !ok {
		return core.Errorf(core.EINTERNAL, "数据库不支持预警处理")
	}
	st.Day = core.DayStart(core.StreetDay(st.Day))
	st.By, st.At = u.Username, s.Clock.Now()
	if err := as.SetAlertState(ctx, st); err != nil {
		return err
	}
	if s.Changed != nil {
		s.Changed()
	}
	return nil
}
