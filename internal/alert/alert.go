// Package alert finds statistically unusual rises in daily ticket counts
// (风险预警): a category in a community, a tag, a whole street. It is pure:
// count series in, expected values, scores and alarms out; no database, no
// HTTP.
//
// Detectors (see Detectors for the names a user picks):
//
//   - C1, C2, C3: the CDC's Early Aberration Reporting System (EARS)
//     methods. C1 compares a day with the mean and standard deviation of the
//     7 days before it, C2 with the 7 days before a 2-day guard band, C3 sums
//     the last 3 days' C2 excess. They need one week of history, which is why
//     a new deployment starts with them.
//   - NBCUSUM, the default: a negative-binomial CUSUM (Höhle and Paul,
//     2008) of the log-likelihood ratio between the expected count and a
//     count 1.5 standard deviations above it; it adds up small rises over
//     several days and still alarms on the first day of a large one.
//   - NB: a negative-binomial tail test of the last 1, 2 and 3 days' sums
//     against the expected counts (a scan over short windows ending today).
//
// NB and NBCUSUM share their expected count: a level from the last 28 days
// (7 at least, so a deployment is watched from its second week) before a
// 2-day guard band, times a factor of the day's kind (weekday, weekend,
// holiday day off, make-up working day) learned from the last 12 weeks, and
// a negative-binomial dispersion from the same 12 weeks; the prediction's
// variance includes the estimates' own error.
//
// Both see a day's weekday and whether it is a working day
// (法定节假日 and 调休 from a Calendar), so weekends and holidays do not raise
// alarms and make-up working days are not mistaken for rises. C1–C3 are kept
// as published (no seasonality), as the reference the others are measured
// against.
//
// Hourly counts (the urgent tickets of a category in a community, whose
// time limits are hours) are read by Hourly: an hour-of-day × day-kind
// shape learned from the whole street, scaled by the series' level, and a
// negative-binomial tail test of the last 1, 3 and 6 hours. EvaluateHourly
// is its evaluation (EARSHourSim): hourly series with daily and weekly
// seasonality, outbreaks of a few hours.
//
// Space–time clusters across neighbouring communities are found by Scan, a
// prospective space–time permutation scan statistic (Kulldorff, 2005).
//
// Evaluate runs the evaluation of the EARS study (Hutwagner et al., 2005):
// simulated baselines with weekly seasonality and holidays, outbreaks of
// several shapes and sizes injected at random, and per detector the
// sensitivity, specificity and days to detection.
package alert

import (
	"errors"
	"fmt"
	"math"
	"time"
)

// Calendar tells working days from days off; *workflow.Calendar is one.
type Calendar interface {
	IsWorkingDay(t time.Time) bool
}

// Weekends is the calendar without holidays: Saturday and Sunday are off.
type Weekends struct{}

// IsWorkingDay reports whether t falls on Monday to Friday.
func (Weekends) IsWorkingDay(t time.Time) bool {
	wd := t.Weekday()
	return wd != time.Saturday && wd != time.Sunday
}

// Series is a daily count series: Counts[i] is the count of the day
// Start+i days. Counts are whole numbers of tickets (float64 so that sums
// and means need no conversions).
type Series struct {
	Name   string
	Start  time.Time
	Counts []float64
}

// Day returns the date of the i-th count.
func (s Series) Day(i int) time.Time { return s.Start.AddDate(0, 0, i) }

// Point is a detector's reading of one day.
type Point struct {
	// Expected is the count the detector expected from the history (NaN
	// while it has too little history to say).
	Expected float64
	// Score is the detector's statistic: a z-score for C1/C2, the C3 sum,
	// the CUSUM, or −log10 of the tail probability for NB. Alarm is Score
	// above the detector's threshold.
	Score float64
	Alarm bool
}

// Detector reads a whole series and returns one Point per day. It uses only
// days before (and on) each day, as it would run every morning.
type Detector interface {
	Name() string
	Run(s Series, cal Calendar) []Point
}

// Detectors returns the detectors a user can pick by name, the default
// first.
func Detectors() []Detector {
	return []Detector{NewNBCUSUM(), NewNB(), NewC1(), NewC2(), NewC3()}
}

// Default is the detector used unless one is named.
const Default = "NBCUSUM"

// ErrUnknownDetector is returned by Lookup for a name no detector has.
var ErrUnknownDetector = errors.New("alert: unknown detector")

// Lookup returns the detector of that name (case as listed by Detectors,
// or lower case).
func Lookup(name string) (Detector, error) {
	for _, d := range Detectors() {
		if d.Name() == name || lower(d.Name()) == name {
			return d, nil
		}
	}
	return nil, fmt.Errorf("%w %q", ErrUnknownDetector, name)
}

func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// dayKind sorts days into the classes that share a level: 0–4 working
// Monday to Friday, 5 Saturday, 6 Sunday, 7 a holiday day off (法定节假日
// on a weekday), 8 a weekend day that is a working day (调休上班).
const nKinds = 9

func dayKinds(s Series, cal Calendar) []uint8 {
	if cal == nil {
		cal = Weekends{}
	}
	k := make([]uint8, len(s.Counts))
	for i := range k {
		d := s.Day(i)
		wd := d.Weekday()
		weekend := wd == time.Saturday || wd == time.Sunday
		working := cal.IsWorkingDay(d)
		switch {
		case weekend && working:
			k[i] = 8
		case weekend && wd == time.Saturday:
			k[i] = 5
		case weekend:
			k[i] = 6
		case !working:
			k[i] = 7
		default:
			k[i] = uint8(wd - time.Monday)
		}
	}
	return k
}

// nan is the Expected value of a day without enough history.
var nan = math.NaN()
