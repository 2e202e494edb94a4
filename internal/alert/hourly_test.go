package alert

import (
	"math"
	"testing"
	"time"

	"jiceng/internal/workflow"
)

// hourly builds weeks of hourly counts at daily mean of the street's shape
// (EARSHourSim's working day and day off), rounded: a series without
// noise, so that each case's last hours decide alone. The last cut hours
// are left out (the series ends at 24−cut o'clock on a Sunday), then the
// counts of last replace its last hours.
func hourly(weeks int, daily float64, cut int, last ...float64) (HourSeries, []float64) {
	sm := EARSHourSim()
	sm.Start = time.Date(2025, 3, 3, 0, 0, 0, 0, time.UTC) // a Monday, no holiday for weeks
	sm.Days = weeks * 7
	mu := sm.means(Weekends{}, daily, nil)
	ref := sm.means(Weekends{}, 300, nil)
	s := HourSeries{Name: "t", Start: sm.Start, Counts: make([]float64, len(mu))}
	// Spread the expected counts so that each day's total is its due:
	// carry the fractions from hour to hour.
	var carry float64
	for i, m := range mu {
		carry += m
		s.Counts[i] = math.Floor(carry)
		carry -= s.Counts[i]
	}
	s.Counts, ref = s.Counts[:len(s.Counts)-cut], ref[:len(ref)-cut]
	copy(s.Counts[len(s.Counts)-len(last):], last)
	return s, ref
}

func TestHourly(t *testing.T) {
	tests := []struct {
		name  string
		daily float64
		cut   int // the series ends at 24−cut o'clock
		// last are the counts of the series' last hours; want is the last
		// hour's alarm.
		last      []float64
		want      bool
		wantScore float64 // at least, when it alarms
	}{
		{"a spike of 6 in an hour alarms", 2, 12, []float64{6}, true, 3},
		{"a normal night does not", 2, 19, nil, false, 0},
		{"a busy series' normal night does not", 40, 19, nil, false, 0},
		{"one ticket at 3 a.m. does not (fewer than 3)", 2, 20, []float64{1}, false, 0},
		{"two tickets in an hour do not, however rare", 0.5, 12, []float64{2}, false, 0},
		{"three in three hours where none come alarm", 0.5, 12, []float64{1, 1, 1}, true, 2.3},
		{"three at night alarm", 2, 20, []float64{1, 1, 1}, true, 2.3},
		{"a busy series' usual evening does not", 20, 0, nil, false, 0},
		{"a busy series' tripled afternoon alarms", 20, 8, []float64{3, 4, 4, 4, 3, 3}, true, 2.3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, ref := hourly(6, tt.daily, tt.cut, tt.last...)
			d := NewHourly()
			pts := d.Run(s, d.Shape(HourSeries{Start: s.Start, Counts: ref}, Weekends{}), Weekends{})
			p := pts[len(pts)-1]
			if p.Alarm != tt.want || tt.want && p.Score < tt.wantScore {
				t.Errorf("last hour %+v, want alarm %v (score ≥ %.1f)", p, tt.want, tt.wantScore)
			}
			if p.Alarm && (p.Observed < 3 || p.Window < 1 || p.WindowExpected >= p.Observed) {
				t.Errorf("evidence %+v: want the window's tickets above its expectation", p)
			}
		})
	}
}

// TestHourlyQuiet: a noiseless series of the expected shape never alarms,
// at any level, and its first week (less than MinHistory) is not tested.
func TestHourlyQuiet(t *testing.T) {
	for _, daily := range []float64{0.5, 2, 10, 40} {
		s, ref := hourly(6, daily, 0)
		d := NewHourly()
		for i, p := range d.Run(s, d.Shape(HourSeries{Start: s.Start, Counts: ref}, Weekends{}), Weekends{}) {
			if i < 7*24+24 && !math.IsNaN(p.Expected) {
				t.Fatalf("daily %v hour %d: expected %v before a week of history", daily, i, p.Expected)
			}
			if p.Alarm {
				t.Fatalf("daily %v hour %d (%s): alarm %+v on the usual counts", daily, i, s.Hour(i).Format("Mon 15:04"), p)
			}
		}
	}
}

// TestHourlyOwnProfile: without a reference the series is its own, pulled
// to flat: a sparse series' spike still alarms.
func TestHourlyOwnProfile(t *testing.T) {
	s, _ := hourly(6, 2, 12, 5)
	pts := NewHourly().Run(s, nil, Weekends{})
	if p := pts[len(pts)-1]; !p.Alarm {
		t.Errorf("5 in the last hour without a reference: %+v, want an alarm", p)
	}
}

// TestHourCells: hours of working days and days off, a holiday a day off.
func TestHourCells(t *testing.T) {
	cal := workflow.DefaultCalendar()
	start := time.Date(2025, 10, 1, 0, 0, 0, 0, time.UTC) // 国庆节, a Wednesday
	s := HourSeries{Start: start.Add(-2 * time.Hour), Counts: make([]float64, 4)}
	cells, kinds := hourCells(s, cal)
	want := []uint8{22, 23, 24, 25} // Tuesday 22:00, 23:00 working; the holiday's 0:00, 1:00
	wantKinds := []uint8{1, 1, 7, 7}
	for i := range want {
		if cells[i] != want[i] || kinds[i] != wantKinds[i] {
			t.Fatalf("cells %v kinds %v, want %v %v", cells, kinds, want, wantKinds)
		}
	}
}

// TestHourlyEvaluation reports the hourly evaluation (EARSHourSim) and
// holds the detector to the specificity its threshold was chosen for.
func TestHourlyEvaluation(t *testing.T) {
	if testing.Short() {
		t.Skip("the evaluation simulates 1,296 series of 10 weeks of hours")
	}
	res := EvaluateHourly(EARSHourSim(), workflow.DefaultCalendar(), NewHourly())
	all := res[0]
	t.Logf("Hourly sensitivity %.3f specificity %.4f delay median %.1f h mean %.2f h (%d outbreaks)",
		all.Sensitivity, all.Specificity, all.MedianDelay, all.MeanDelay, all.Outbreaks)
	for _, k := range res[1:] {
		t.Logf("       %-10s sensitivity %.3f delay median %.1f h", k.Kind, k.Sensitivity, k.MedianDelay)
	}
	if all.Specificity < 0.97 || all.Sensitivity < 0.7 || all.MedianDelay > 1 {
		t.Errorf("Hourly: %.3f / %.4f / %.1f h, want ≥ 0.70 / ≥ 0.97 / ≤ 1 h", all.Sensitivity, all.Specificity, all.MedianDelay)
	}
	for _, k := range res[1:] {
		if k.Kind == (HourOutbreak{1, 6}).Kind() && k.Sensitivity < 0.9 {
			t.Errorf("%s: sensitivity %.3f, want ≥ 0.9", k.Kind, k.Sensitivity)
		}
	}
}
