package alert

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"gonum.org/v1/gonum/stat/distuv"
)

// Shape is the form of a simulated outbreak's excess over its days, after
// the EARS evaluation: a one-day spike, a log-normal curve (fast rise, long
// tail) and an inverted log-normal one (slow rise, late peak).
type Shape string

// The outbreak shapes.
const (
	Spike      Shape = "spike"
	LogNormal  Shape = "lognormal"
	InvertedLN Shape = "inverted"
)

// Outbreak is one kind of outbreak injected by Evaluate: its shape, its
// length in days and its size: the excess of its peak day in standard
// deviations of the baseline that day.
type Outbreak struct {
	Shape Shape
	Days  int
	Peak  float64
}

// Sim describes the simulated baselines and outbreaks of an evaluation.
type Sim struct {
	Seed  uint64
	Start time.Time // first day; holidays come from the calendar given to Evaluate
	Days  int       // per series
	// WarmUp days at the start carry no outbreak and are not scored: the
	// detectors learn their baselines there, as after a deployment.
	WarmUp int
	// Means are the baseline's mean daily counts, Dispersions its
	// overdispersions φ (variance μ + φμ²); every pair is simulated
	// Replicates times for every outbreak kind.
	Means       []float64
	Dispersions []float64
	Replicates  int
	// Weekly gives the level of Monday..Sunday (mean 1 over a week),
	// Holiday that of a holiday day off (法定节假日) and Annual the amplitude
	// of a yearly swing (summer high).
	Weekly  [7]float64
	Holiday float64
	Annual  float64
	// Outbreaks are the kinds injected: one kind per series, one outbreak
	// every Spacing days at a random offset.
	Outbreaks []Outbreak
	Spacing   int
}

// EARSSim is the standard evaluation: two years of days; means from 1 to 40
// tickets a day, Poisson and overdispersed; 12345 weekly pattern (weekends
// lower) and holidays; the ten outbreak kinds of the EARS evaluation (two
// spikes, four log-normal, four inverted log-normal curves of two lengths
// and two sizes). The sizes were set so that this package's C1, C2 and C3
// reach about the sensitivities the EARS study reports for them (C1 60.1 %,
// C2 71.2 %, C3 82.3 %): they are outbreaks "of the size EARS was evaluated
// on" in the only sense a simulation can reproduce.
func EARSSim() Sim {
	return Sim{
		Seed:        12345,
		Start:       time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC),
		Days:        730,
		WarmUp:      84,
		Means:       []float64{1, 2, 5, 10, 20, 40},
		Dispersions: []float64{0, 0.1},
		Replicates:  2,
		Weekly:      [7]float64{1.15, 1.10, 1.05, 1.05, 1.00, 0.88, 0.77},
		Holiday:     0.6,
		Annual:      0.15,
		Outbreaks: []Outbreak{
			{Spike, 1, 4}, {Spike, 1, 3},
			{LogNormal, 5, 4}, {LogNormal, 5, 3}, {LogNormal, 10, 4}, {LogNormal, 10, 3},
			{InvertedLN, 5, 4}, {InvertedLN, 5, 3}, {InvertedLN, 10, 4}, {InvertedLN, 10, 3},
		},
		Spacing: 56,
	}
}

// weights returns the outbreak's relative excess per day, peak 1.
func (o Outbreak) weights() []float64 {
	if o.Shape == Spike || o.Days <= 1 {
		return []float64{1}
	}
	// A log-normal of σ 0.6 whose mode is on the second day, sampled at
	// day midpoints over the length; the inverted shape runs it backwards.
	const sigma = 0.6
	mu := math.Log(1.5) + sigma*sigma
	w := make([]float64, o.Days)
	top := 0.0
	for d := range w {
		t := (float64(d) + 0.5) * 1.0
		w[d] = math.Exp(-math.Pow(math.Log(t)-mu, 2)/(2*sigma*sigma)) / t
		top = math.Max(top, w[d])
	}
	for d := range w {
		w[d] /= top
	}
	if o.Shape == InvertedLN {
		slices.Reverse(w)
	}
	return w
}

// simSeries is one simulated series with the days of its outbreaks.
type simSeries struct {
	Series
	outbreak Outbreak
	starts   []int  // first day of each outbreak
	in       []bool // day belongs to an outbreak
}

func (sm Sim) generate(cal Calendar) []simSeries {
	if cal == nil {
		cal = Weekends{}
	}
	rng := rand.New(rand.NewPCG(sm.Seed, sm.Seed^0x9e3779b97f4a7c15))
	var out []simSeries
	for _, ob := range sm.Outbreaks {
		w := ob.weights()
		for _, mean := range sm.Means {
			for _, phi := range sm.Dispersions {
				for rep := 0; rep < sm.Replicates; rep++ {
					s := simSeries{outbreak: ob, in: make([]bool, sm.Days)}
					s.Start = sm.Start
					s.Counts = make([]float64, sm.Days)
					mu := make([]float64, sm.Days)
					for i := range mu {
						d := s.Day(i)
						f := sm.Weekly[(int(d.Weekday())+6)%7]
						wd := d.Weekday()
						weekend := wd == time.Saturday || wd == time.Sunday
						switch working := cal.IsWorkingDay(d); {
						case !working && !weekend:
							f = sm.Holiday
						case working && weekend:
							f = 1
						}
						year := 1 + sm.Annual*math.Sin(2*math.Pi*(float64(d.YearDay())-105)/365)
						mu[i] = mean * f * year
						s.Counts[i] = negBin(rng, mu[i], phi)
					}
					for at := sm.WarmUp; at+sm.Spacing <= sm.Days; at += sm.Spacing {
						start := at + rng.IntN(sm.Spacing-len(w)-7)
						s.starts = append(s.starts, start)
						for d, wt := range w {
							sd := math.Sqrt(mu[start+d] + phi*mu[start+d]*mu[start+d])
							s.Counts[start+d] += poisson(rng, ob.Peak*sd*wt)
							s.in[start+d] = true
						}
					}
					out = append(out, s)
				}
			}
		}
	}
	return out
}

func poisson(rng *rand.Rand, lambda float64) float64 {
	if lambda <= 0 {
		return 0
	}
	return distuv.Poisson{Lambda: lambda, Src: rng}.Rand()
}

func negBin(rng *rand.Rand, mu, phi float64) float64 {
	if phi <= 0 {
		return poisson(rng, mu)
	}
	r := 1 / phi
	return poisson(rng, distuv.Gamma{Alpha: r, Beta: r / mu, Src: rng}.Rand())
}

// Score is one detector's result on one outbreak kind (or on all, Kind
// empty).
type Score struct {
	Detector    string
	Kind        string  // "spike/1d/3.0sd", or "" for all kinds
	Outbreaks   int     // injected
	Detected    int     // with an alarm on one of their days
	Sensitivity float64 // Detected / Outbreaks
	// Specificity is the share of scored days outside outbreaks without an
	// alarm; 1 − Specificity is the false alarms per series-day.
	Specificity float64
	// MedianDelay and MeanDelay are in days from an outbreak's first day to
	// its first alarm, over the detected outbreaks.
	MedianDelay float64
	MeanDelay   float64
}

// Kind names an outbreak kind in Score.
func (o Outbreak) Kind() string {
	return fmt.Sprintf("%s/%dd/%.1fsd", o.Shape, o.Days, o.Peak)
}

// Evaluate simulates sm's series with cal's holidays, runs each detector on
// them and scores it: one Score over all kinds, then one per kind.
func Evaluate(sm Sim, cal Calendar, ds []Detector) [][]Score {
	series := sm.generate(cal)
	res := make([][]Score, len(ds))
	for di, d := range ds {
		var ts tallies
		for _, s := range series {
			t := ts.series(s.outbreak.Kind())
			pts := d.Run(s.Series, cal)
			for i := sm.WarmUp; i < len(pts); i++ {
				if !s.in[i] {
					t.step(pts[i].Alarm)
				}
			}
			for _, st := range s.starts {
				t.outbreak(s.in, st, func(i int) bool { return pts[i].Alarm })
			}
		}
		res[di] = scores(&ts, sm.Outbreaks, func(kind string, t *tally) Score {
			sc := Score{Detector: d.Name(), Kind: kind, Outbreaks: t.n, Detected: t.hit}
			sc.Sensitivity, sc.Specificity, sc.MedianDelay, sc.MeanDelay = t.rates()
			return sc
		})
	}
	return res
}

// tally counts a detector's results on simulated series: the outbreaks
// injected (n) and detected (hit), with the delays to their first alarms,
// and the scored steps outside outbreaks (days) and those without an alarm
// (quiet). Evaluate's steps are days, EvaluateHourly's series-days.
type tally struct {
	n, hit      int
	quiet, days int
	delays      []float64
}

// rates returns t's sensitivity, specificity and median and mean delays.
func (t *tally) rates() (sensitivity, specificity, medianDelay, meanDelay float64) {
	if t.n > 0 {
		sensitivity = float64(t.hit) / float64(t.n)
	}
	if t.days > 0 {
		specificity = float64(t.quiet) / float64(t.days)
	}
	return sensitivity, specificity, median(t.delays), mean(t.delays)
}

// tallies are a detector's tallies over all outbreak kinds and by kind.
type tallies struct {
	all    tally
	byKind map[string]*tally
}

// seriesTally is what a series counts in: the tallies of its outbreak
// kind and of all kinds.
type seriesTally [2]*tally

// series returns the tallies of a series of outbreak kind k.
func (ts *tallies) series(k string) seriesTally {
	if ts.byKind == nil {
		ts.byKind = map[string]*tally{}
	}
	t := ts.byKind[k]
	if t == nil {
		t = &tally{}
		ts.byKind[k] = t
	}
	return seriesTally{t, &ts.all}
}

// step counts a scored step outside outbreaks.
func (st seriesTally) step(alarm bool) {
	for _, t := range st {
		t.days++
		if !alarm {
			t.quiet++
		}
	}
}

// outbreak counts the outbreak whose steps (in) run from start: detected
// if alarm holds on one of them, its delay the steps to the first.
func (st seriesTally) outbreak(in []bool, start int, alarm func(i int) bool) {
	delay := -1
	for i := start; i < len(in) && in[i]; i++ {
		if alarm(i) {
			delay = i - start
			break
		}
	}
	for _, t := range st {
		t.n++
		if delay >= 0 {
			t.hit++
			t.delays = append(t.delays, float64(delay))
		}
	}
}

// scores returns score of the tally over all kinds, then of each kind of
// obs that has series, in their order and once each (it empties
// ts.byKind).
func scores[O interface{ Kind() string }, S any](ts *tallies, obs []O, score func(kind string, t *tally) S) []S {
	out := []S{score("", &ts.all)}
	for _, ob := range obs {
		if t := ts.byKind[ob.Kind()]; t != nil {
			out = append(out, score(ob.Kind(), t))
			delete(ts.byKind, ob.Kind())
		}
	}
	return out
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return nan
	}
	s := slices.Clone(v)
	slices.Sort(s)
	if n := len(s); n%2 == 1 {
		return s[n/2]
	} else {
		return (s[n/2-1] + s[n/2]) / 2
	}
}

func mean(v []float64) float64 {
	if len(v) == 0 {
		return nan
	}
	var s float64
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}
