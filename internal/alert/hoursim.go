package alert

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"gonum.org/v1/gonum/stat/distuv"
)

// HourOutbreak is one kind of outbreak of the hourly evaluation: Excess
// extra tickets over Hours hours — Peak standard deviations of the
// baseline's count over those hours, and at least MinExcess of HourSim.
type HourOutbreak struct {
	Hours int
	Peak  float64
}

// Kind names the outbreak kind in HourScore: "3h/4.0sd".
func (o HourOutbreak) Kind() string { return fmt.Sprintf("%dh/%.1fsd", o.Hours, o.Peak) }

// HourSim describes the simulated hourly series of an evaluation: the
// urgent tickets of one category in one community, with the street's
// daily and weekly seasonality, and a reference series (the whole
// street's urgent tickets) of the same shape.
type HourSim struct {
	Seed   uint64
	Start  time.Time // 00:00 of the first day; days off come from the calendar given to EvaluateHourly
	Days   int
	WarmUp int // days without outbreaks, not scored
	// DailyMeans are a series' mean tickets a day; Dispersions the
	// overdispersions φ of a day's level (a gamma factor shared by its
	// hours: busy days and quiet ones). Every pair is simulated Replicates
	// times for every outbreak kind.
	DailyMeans  []float64
	Dispersions []float64
	Replicates  int
	// Work and Off are the hour-of-day shapes (mean 1) of working days and
	// days off; Weekly the levels of Monday..Sunday and Holiday that of a
	// holiday day off. Jitter is the standard deviation of the log of a
	// series' own departure from the shapes, hour by hour: a category's day
	// is not quite the street's.
	Work, Off [24]float64
	Weekly    [7]float64
	Holiday   float64
	Jitter    float64
	// RefDaily is the reference's mean tickets a day.
	RefDaily float64
	// Outbreaks are the kinds injected, one kind per series, one outbreak
	// every Spacing days at a random hour; MinExcess is the fewest extra
	// tickets of an outbreak.
	Outbreaks []HourOutbreak
	Spacing   int
	MinExcess float64
}

// EARSHourSim is the hourly evaluation: ten weeks of hours, four of them
// warm-up; series of 0.5 to 20 urgent tickets a day, Poisson and
// overdispersed; a working day's shape from under a tenth of the mean at
// 3 a.m. to twice it at 10 a.m., a flatter day off, the EARS weekly
// pattern and holidays; outbreaks of 1, 3 and 6 hours of 3, 4 and 6
// standard deviations of the hours' baseline count, at least 3 tickets.
func EARSHourSim() HourSim {
	return HourSim{
		Seed:        12345,
		Start:       time.Date(2025, 9, 1, 0, 0, 0, 0, time.UTC), // ten weeks over the National Day holiday
		Days:        70,
		WarmUp:      28,
		DailyMeans:  []float64{0.5, 1, 2, 5, 10, 20},
		Dispersions: []float64{0, 0.1},
		Replicates:  4,
		Work: [24]float64{0.15, 0.1, 0.08, 0.07, 0.08, 0.15, 0.4, 0.9, 1.6, 2.0, 2.0, 1.8,
			1.3, 1.4, 1.7, 1.7, 1.6, 1.5, 1.2, 1.0, 0.9, 0.7, 0.45, 0.25},
		Off: [24]float64{0.25, 0.15, 0.1, 0.08, 0.08, 0.12, 0.3, 0.6, 1.0, 1.4, 1.6, 1.6,
			1.4, 1.4, 1.5, 1.5, 1.5, 1.4, 1.3, 1.2, 1.1, 0.9, 0.6, 0.4},
		Weekly:   [7]float64{1.15, 1.10, 1.05, 1.05, 1.00, 0.88, 0.77},
		Holiday:  0.6,
		Jitter:   0.2,
		RefDaily: 300,
		Outbreaks: []HourOutbreak{
			{1, 3}, {1, 4}, {1, 6}, {3, 3}, {3, 4}, {3, 6}, {6, 3}, {6, 4}, {6, 6},
		},
		Spacing:   7,
		MinExcess: 3,
	}
}

// hourSimSeries is one simulated hourly series with its outbreaks' hours.
type hourSimSeries struct {
	HourSeries
	outbreak HourOutbreak
	starts   []int
	in       []bool
}

// means returns the expected count of each hour for a series of daily
// mean mean, its hour shapes jittered by jit (nil: none).
func (sm HourSim) means(cal Calendar, mean float64, jit *[48]float64) []float64 {
	norm := func(p [24]float64) [24]float64 {
		var s float64
		for _, v := range p {
			s += v
		}
		for h := range p {
			p[h] *= 24 / s
		}
		return p
	}
	work, off := norm(sm.Work), norm(sm.Off)
	if jit != nil {
		for h := range 24 {
			work[h] *= jit[h]
			off[h] *= jit[24+h]
		}
		work, off = norm(work), norm(off)
	}
	mu := make([]float64, sm.Days*24)
	for day := range sm.Days {
		d := sm.Start.AddDate(0, 0, day)
		wd := d.Weekday()
		weekend := wd == time.Saturday || wd == time.Sunday
		working := cal.IsWorkingDay(d)
		level, shape := sm.Weekly[(int(wd)+6)%7], work
		switch {
		case !working && !weekend:
			level, shape = sm.Holiday, off
		case !working:
			shape = off
		case weekend: // a make-up working day
			level = 1
		}
		for h := range 24 {
			mu[day*24+h] = mean * level * shape[h] / 24
		}
	}
	return mu
}

func (sm HourSim) generate(cal Calendar) (ref []float64, out []hourSimSeries) {
	if cal == nil {
		cal = Weekends{}
	}
	rng := rand.New(rand.NewPCG(sm.Seed, sm.Seed^0x9e3779b97f4a7c15))
	refMu := sm.means(cal, sm.RefDaily, nil)
	ref = make([]float64, len(refMu))
	for i, m := range refMu {
		ref[i] = poisson(rng, m)
	}
	for _, ob := range sm.Outbreaks {
		for _, mean := range sm.DailyMeans {
			for _, phi := range sm.Dispersions {
				for range sm.Replicates {
					var jit [48]float64
					for c := range jit {
						jit[c] = math.Exp(sm.Jitter * rng.NormFloat64())
					}
					mu := sm.means(cal, mean, &jit)
					s := hourSimSeries{outbreak: ob, in: make([]bool, len(mu))}
					s.Start, s.Counts = sm.Start, make([]float64, len(mu))
					for day := range sm.Days {
						g := 1.0
						if phi > 0 {
							g = gammaDraw(rng, 1/phi)
						}
						for h := day * 24; h < day*24+24; h++ {
							mu[h] *= g
							s.Counts[h] = poisson(rng, mu[h])
						}
					}
					span := sm.Spacing * 24
					for at := sm.WarmUp * 24; at+span <= len(mu); at += span {
						start := at + rng.IntN(span-ob.Hours-30)
						var m, sq float64
						for h := start; h < start+ob.Hours; h++ {
							m += mu[h]
							sq += mu[h] * mu[h]
							s.in[h] = true
						}
						excess := math.Max(sm.MinExcess, math.Round(ob.Peak*math.Sqrt(m+phi*sq)))
						for range int(excess) {
							s.Counts[start+rng.IntN(ob.Hours)]++
						}
						s.starts = append(s.starts, start)
					}
					out = append(out, s)
				}
			}
		}
	}
	return ref, out
}

// gammaDraw returns a gamma variate of shape k and mean 1.
func gammaDraw(rng *rand.Rand, k float64) float64 {
	return distuv.Gamma{Alpha: k, Beta: k, Src: rng}.Rand()
}

// HourScore is the hourly detector's result on one outbreak kind (or on
// all, Kind empty).
type HourScore struct {
	Kind        string
	Outbreaks   int
	Detected    int // with an alarm in one of their hours
	Sensitivity float64
	// Specificity is the share of scored series-days (no outbreak hour in
	// them or in the 6 hours before) without a false alarm; 1 −
	// Specificity is the false alarms per series-day.
	Specificity float64
	// MedianDelay and MeanDelay are in hours from an outbreak's first hour
	// (0: an alarm in it) to its first alarm, over the detected outbreaks.
	MedianDelay float64
	MeanDelay   float64
}

// EvaluateHourly simulates sm's series with cal's days off, runs d on them
// with the reference and scores it: one HourScore over all kinds, then
// one per kind.
func EvaluateHourly(sm HourSim, cal Calendar, d *Hourly) []HourScore {
	ref, series := sm.generate(cal)
	shape := d.Shape(HourSeries{Start: sm.Start, Counts: ref}, cal)
	var ts tallies
	for _, s := range series {
		t := ts.series(s.outbreak.Kind())
		pts := d.Run(s.HourSeries, shape, cal)
		// Hours whose windows reach an outbreak's hours are not scored.
		near := make([]bool, len(pts))
		last := -1 << 30
		for i := range pts {
			if s.in[i] {
				last = i
			}
			near[i] = i-last <= 6
		}
		for day := sm.WarmUp; day < sm.Days; day++ {
			clean, alarm := true, false
			for h := day * 24; h < day*24+24; h++ {
				clean = clean && !near[h]
				alarm = alarm || pts[h].Alarm
			}
			if clean {
				t.step(alarm)
			}
		}
		for _, st := range s.starts {
			t.outbreak(s.in, st, func(i int) bool { return pts[i].Alarm })
		}
	}
	return scores(&ts, sm.Outbreaks, func(kind string, t *tally) HourScore {
		sc := HourScore{Kind: kind, Outbreaks: t.n, Detected: t.hit}
		sc.Sensitivity, sc.Specificity, sc.MedianDelay, sc.MeanDelay = t.rates()
		return sc
	})
}
