package casework

import (
	"context"
	"math"
	"time"

	"jiceng/internal/alert"
	"jiceng/internal/core"
)

// Granularities of a RiskAlert.
const (
	Daily  = "日"
	Hourly = "小时"
)

// HourlyAlertHours are the last hours of a board whose hourly alarms are
// listed: a day, as the urgent tickets' time limits are hours.
const HourlyAlertHours = 24

// hourlyReadDays are the days of urgent counts read for the hourly
// alerts: the detector's four weeks and guard day, and the day listed.
const hourlyReadDays = 30

// hourlyEnd is the end (exclusive) of the hours the board's hourly alerts
// look at: the end of the hour now is in when the period runs to today or
// later, else the period's end.
func hourlyEnd(now time.Time, toDay int) time.Time {
	end := core.DayStart(toDay)
	h := now.In(core.StreetTime).Truncate(time.Hour).Add(time.Hour)
	if h.Before(end) {
		return h
	}
	return end
}

// hourlyAlerts runs the hourly detector over the urgent tickets
// (core.UrgentHourly) of each community × top-level category of the
// board's scope — and over the whole street's of each category on the
// street's board — and returns those that alarmed in the last
// HourlyAlertHours hours before end. The shape of the day is the whole
// street's urgent tickets' whatever the scope: it is only the profile the
// series are scaled to, none of its counts is shown. Nil when the store
// keeps no hourly counts.
func (s *Service) hourlyAlerts(ctx context.Context, communities []string, end time.Time, cal alert.Calendar, states []core.AlertState) ([]RiskAlert, error) {
	us, ok := s.Store.(core.UrgentCountStore)
	if !ok {
		return nil, nil
	}
	endDay := core.StreetDay(end.Add(-time.Nanosecond)) + 1
	fromDay := endDay - hourlyReadDays
	start := core.DayStart(fromDay)
	n := int(end.Sub(start) / time.Hour)
	q := core.CountQuery{From: start, To: core.DayStart(endDay), Communities: communities, By: core.ByCommunity | core.ByCategory1}
	rows, err := us.UrgentHourCounts(ctx, q)
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, nil
	}
	street := q
	street.Communities, street.By = nil, 0
	total, err := us.UrgentHourCounts(ctx, street)
	if err != nil {
		return nil, err
	}
	ref := make([]float64, n)
	for _, r := range total {
		if i := int(r.Hour.Sub(start) / time.Hour); i >= 0 && i < n {
			ref[i] += float64(r.N)
		}
	}
	series := map[seriesKey][]float64{}
	for _, r := range rows {
		i := int(r.Hour.Sub(start) / time.Hour)
		if i < 0 || i >= n {
			continue
		}
		addToSeries(series, r.Community, r.Category1, i, n, float64(r.N), communities == nil)
	}
	det := alert.NewHourly()
	shape := det.Shape(alert.HourSeries{Start: start, Counts: ref}, cal)
	return hourlyRiskAlerts(det, series, shape, start, cal, states), nil
}

// hourlyRiskAlerts runs det over each series of hours from start and
// returns those whose last alarm in the final HourlyAlertHours hours was
// not dismissed. As for the daily alerts, each dismissal of a series'
// hourly alerts in the states raises its threshold (−log10 of the tail
// probability) by DismissStep, up to MaxDismissSteps.
func hourlyRiskAlerts(det *alert.Hourly, series map[seriesKey][]float64, shape []float64, start time.Time, cal alert.Calendar, states []core.AlertState) []RiskAlert {
	dismissed := map[seriesKey]int{}
	decided := map[seriesKey]map[int64]core.AlertState{} // by the hour's Unix time
	for _, st := range states {
		if !st.Hourly || st.Tag != "" {
			continue
		}
		k := seriesKey{st.Community, st.Category1}
		if st.State == core.AlertDismissed {
			dismissed[k]++
		}
		if decided[k] == nil {
			decided[k] = map[int64]core.AlertState{}
		}
		decided[k][core.DayStart(core.StreetDay(st.Day)).Add(time.Duration(st.Hour)*time.Hour).Unix()] = st
	}
	base := -math.Log10(det.Alpha)
	var out []RiskAlert
	for k, counts := range series {
		d := *det
		limit := base + DismissStep*float64(min(dismissed[k], MaxDismissSteps))
		d.Alpha = math.Pow(10, -limit)
		pts := d.Run(alert.HourSeries{Start: start, Counts: counts}, shape, cal)
		for i := len(pts) - 1; i >= 0 && i >= len(pts)-HourlyAlertHours; i-- {
			p := pts[i]
			if !p.Alarm || p.Observed < MinAlertCount {
				continue
			}
			hour := start.Add(time.Duration(i) * time.Hour).In(core.StreetTime)
			st := decided[k][hour.Unix()]
			if st.State == core.AlertDismissed {
				break // staff said it is no rise
			}
			out = append(out, RiskAlert{Community: k.Community, Category1: k.Category1, Granularity: Hourly,
				Day: core.DayStart(core.StreetDay(hour)), Hour: hour, Hours: p.Window,
				Observed: int(p.Observed), Expected: p.WindowExpected, Score: p.Score, Detector: d.Name(),
				Severity: severity(p.Observed, p.WindowExpected), Threshold: limit, State: st.State, StateBy: st.By})
			break
		}
	}
	return out
}
