package alert

import "math"

// EARS is one of the EARS C-methods: the day's count against the mean and
// standard deviation of a 7-day baseline that ends Guard days before it.
type EARS struct {
	name      string
	guard     int     // days between the baseline and the day tested: 0 for C1, 2 for C2 and C3
	cumulate  bool    // C3: the sum of the last 3 days' max(0, C2−1)
	Threshold float64 // alarm above: 3 for C1 and C2, 2 for C3
	// MinSD floors the baseline's standard deviation, so that a week of
	// identical counts does not make any rise infinitely unusual.
	MinSD float64
}

const earsBaseline = 7

// NewC1 returns EARS C1-MILD: baseline the 7 days before, alarm above 3.
func NewC1() *EARS { return &EARS{name: "C1", Threshold: 3, MinSD: 0.5} }

// NewC2 returns EARS C2-MEDIUM: baseline the 7 days before a 2-day guard
// band, alarm above 3.
func NewC2() *EARS { return &EARS{name: "C2", guard: 2, Threshold: 3, MinSD: 0.5} }

// NewC3 returns EARS C3-ULTRA: the sum over the day and the 2 before of
// max(0, C2 − 1), alarm above 2.
func NewC3() *EARS { return &EARS{name: "C3", guard: 2, cumulate: true, Threshold: 2, MinSD: 0.5} }

// Name returns C1, C2 or C3.
func (e *EARS) Name() string { return e.name }

// Run reads s; days with less than a full baseline get NaN expectations and
// no alarm.
func (e *EARS) Run(s Series, _ Calendar) []Point {
	x := s.Counts
	out := make([]Point, len(x))
	z := make([]float64, len(x)) // C1 or C2 statistic per day
	var sum, sq float64          // over the baseline window x[i-guard-7 .. i-guard-1]
	for i := range x {
		if j := i - e.guard - 1; j >= 0 {
			sum += x[j]
			sq += x[j] * x[j]
		}
		if j := i - e.guard - 1 - earsBaseline; j >= 0 {
			sum -= x[j]
			sq -= x[j] * x[j]
		}
		if i < e.guard+earsBaseline {
			out[i] = Point{Expected: nan}
			continue
		}
		n := float64(earsBaseline)
		mean := sum / n
		v := (sq - sum*sum/n) / (n - 1)
		sd := math.Max(math.Sqrt(math.Max(v, 0)), e.MinSD)
		z[i] = (x[i] - mean) / sd
		score := z[i]
		if e.cumulate {
			score = 0
			for k := i; k > i-3 && k >= e.guard+earsBaseline; k-- {
				score += math.Max(0, z[k]-1)
			}
		}
		out[i] = Point{Expected: mean, Score: score, Alarm: score > e.Threshold}
	}
	return out
}
