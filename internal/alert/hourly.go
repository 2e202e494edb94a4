package alert

import (
	"math"
	"time"
)

// HourSeries is an hourly count series: Counts[i] is the count of the hour
// Start+i hours. Hours of the day and days off are read in Start's
// location (the street's time).
type HourSeries struct {
	Name   string
	Start  time.Time
	Counts []float64
}

// Hour returns the start of the i-th hour.
func (s HourSeries) Hour(i int) time.Time { return s.Start.Add(time.Duration(i) * time.Hour) }

// HourPoint is the hourly detector's reading of one hour.
type HourPoint struct {
	// Expected is the hour's expected count (NaN while there is too little
	// history).
	Expected float64
	// Score is −log10 of the smallest tail probability among the windows
	// ending this hour that hold at least MinCount tickets; Alarm is Score
	// above −log10(Alpha).
	Score float64
	Alarm bool
	// Window is the length in hours of the window of Score, Observed its
	// tickets and WindowExpected its expected count: the evidence.
	Window         int
	Observed       float64
	WindowExpected float64
}

// Hourly is the detector of hourly counts (the urgent tickets of a
// category in a community). Hourly counts are sparse — most hours of a
// series hold no ticket — and follow the street's day: few tickets at
// night, most in the morning, a different day on days off. The hour's
// expected count is
//
//	level × shape[hour] × own[cell]
//
// The shape (Shape) is learned from a reference series — the whole
// street's urgent tickets, whose day is well estimated where one
// community's category's is not — as a profile of 48 cells (working day
// or day off × hour of day) times a factor of the day's kind (weekday,
// Saturday, Sunday, holiday, make-up working day). Without a reference
// the series is its own, each cell and kind pulled to flat by Prior hours.
// The level is the series' tickets over its shape-weighted hours, with a
// gamma prior of half a ticket; own is the series' departure from the
// shape in the hour's cell, its tickets there over its expected ones, each
// plus CellPrior tickets (a category whose calls come at night; measured
// on series whose hours depart from the shape by e^N(0, 0.6): sensitivity
// 0.73 against 0.66 without it, at the same specificity). All are learned
// over the last Window hours ending Guard hours before the hour tested, so
// that an outbreak's first hours do not raise its own baseline.
//
// The sums of the last 1, 3 and 6 hours (Windows) are tested against a
// negative binomial of their expected count whose variance holds the
// Poisson noise, an overdispersion learned by moments from the baseline's
// hours and shared by a window's hours (a busy day is busy all day), and
// the estimates' own uncertainty (the gamma–Poisson predictive: a series
// that saw 2 tickets in four weeks does not know its level well). A window
// alarms when its tail probability is below Alpha and it holds at least
// MinCount tickets: one or two urgent tickets are attended to one by one,
// and at night the expected count is so small that one ticket would be
// significant.
type Hourly struct {
	Window     int // hours of the level and the profile
	Guard      int // hours between them and the hour tested
	MinHistory int // fewest hours of history before an hour is tested
	// Prior is the weight, in hours, that pulls a cell of a profile learned
	// from the series itself to flat; CellPrior the weight, in tickets,
	// that pulls a series' own departure from the shape in a cell to none.
	Prior     float64
	CellPrior float64
	Windows   []int
	Alpha     float64
	MinCount  float64
}

// NewHourly returns the hourly detector: four weeks of level and profile
// before a day's guard band, a week of history at least, windows of 1, 3
// and 6 hours, alarming below a tail probability of 0.005 on 3 tickets or
// more. Alpha was chosen as the daily default's threshold was, on the
// evaluation with another seed (EARSHourSim with Seed 1) among 0.01, 0.007,
// 0.005, 0.003, 0.002 and 0.001: the highest sensitivity at a specificity
// of 97 % per series-day (a day's 24 hours are 72 tests; at 0.001 the
// false alarms fall to 0.5 % of the series-days and the sensitivity to
// 0.51). The false alarms are those of busy series: at 20 urgent tickets
// a day 6 % of the days raise one, at 1 a day 0.4 %, at 0.5 a day 0.1 % —
// and most of a street's series are sparse.
func NewHourly() *Hourly {
	return &Hourly{Window: 28 * 24, Guard: 24, MinHistory: 7 * 24, Prior: 24, CellPrior: 5, Windows: []int{1, 3, 6}, Alpha: 0.005, MinCount: 3}
}

// Name returns "Hourly".
func (d *Hourly) Name() string { return "Hourly" }

// nCells are the profile's cells: working day or day off × hour of day.
const nCells = 48

// hourCells returns the cell of each hour of s (off days' hours from 24)
// and its day's kind (dayKinds).
func hourCells(s HourSeries, cal Calendar) (cells, kinds []uint8) {
	if cal == nil {
		cal = Weekends{}
	}
	cells, kinds = make([]uint8, len(s.Counts)), make([]uint8, len(s.Counts))
	if len(s.Counts) == 0 {
		return cells, kinds
	}
	loc := s.Start.Location()
	first := s.Start.In(loc)
	days := Series{Start: time.Date(first.Year(), first.Month(), first.Day(), 0, 0, 0, 0, loc)}
	days.Counts = make([]float64, int(s.Hour(len(s.Counts)-1).Sub(days.Start).Hours())/24+2)
	dk := dayKinds(days, cal)
	day, di, off := days.Start, 0, 0
	for i := range cells {
		t := s.Hour(i).In(loc)
		if d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc); i == 0 || !d.Equal(day) {
			day, di, off = d, int(d.Sub(days.Start).Hours()+12)/24, 0
			if !cal.IsWorkingDay(d) {
				off = 24
			}
		}
		cells[i], kinds[i] = uint8(off+t.Hour()), dk[di]
	}
	return cells, kinds
}

// Shape returns the expected share of each hour of ref relative to its
// mean (the hour-of-day profile of working days and days off times the
// factor of the day's kind, weekday or holiday), each learned from the
// Window hours that end Guard hours before it: the reference that Run
// scales to each series. Hours with less than MinHistory hours before them
// read NaN.
func (d *Hourly) Shape(ref HourSeries, cal Calendar) []float64 {
	return d.shape(ref, cal, 1)
}

// shape is Shape with a cell's and a day kind's pull to flat of prior
// hours.
func (d *Hourly) shape(ref HourSeries, cal Calendar, prior float64) []float64 {
	x := ref.Counts
	cells, kinds := hourCells(ref, cal)
	out := make([]float64, len(x))
	var hn, rs [nCells]float64     // by cell: hours, tickets
	var kn [nKinds][nCells]float64 // hours by day kind and cell
	var ks [nKinds]float64         // tickets by day kind
	var f [nCells]float64
	end := 0
	for i := range x {
		for ; end < i-d.Guard; end++ {
			c, k := cells[end], kinds[end]
			hn[c]++
			rs[c] += x[end]
			kn[k][c]++
			ks[k] += x[end]
			if o := end - d.Window; o >= 0 {
				c, k := cells[o], kinds[o]
				hn[c]--
				rs[c] -= x[o]
				kn[k][c]--
				ks[k] -= x[o]
			}
		}
		var n, sum float64
		for c := range nCells {
			n += hn[c]
			sum += rs[c]
		}
		if n < float64(d.MinHistory) {
			out[i] = nan
			continue
		}
		avg := sum / n
		if avg <= 0 {
			out[i] = 1
			continue
		}
		for c := range nCells {
			f[c] = (rs[c] + prior*avg) / (hn[c]*avg + prior*avg)
		}
		// The day kind's factor: its tickets over what the hour profile
		// gives its hours (a Monday busier than a Friday, a holiday
		// quieter than a Sunday).
		k := kinds[i]
		var e float64
		for c := range nCells {
			e += kn[k][c] * f[c]
		}
		w := (ks[k] + 24*prior*avg) / (e*avg + 24*prior*avg)
		out[i] = f[cells[i]] * w
	}
	return out
}

// Run reads s with shape, the reference's Shape over the same hours (nil:
// the series is its own reference, each cell and day kind pulled to flat
// by Prior hours). The series scales the shape by its own level and, where
// it has the tickets to say so, by its own hour of the day: a cell's
// factor is its tickets over its expected ones, each side plus CellPrior
// tickets.
func (d *Hourly) Run(s HourSeries, shape []float64, cal Calendar) []HourPoint {
	x := s.Counts
	if shape == nil {
		shape = d.shape(s, cal, d.Prior)
	}
	cells, _ := hourCells(s, cal)
	out := make([]HourPoint, len(x))
	// Per cell over the baseline hours [end−Window, end): hours, the
	// shape's sum, the series' sum and sum of squares.
	var hn, ss, xs, xq [nCells]float64
	var r [nCells]float64
	end := 0
	for i := range x {
		for ; end < i-d.Guard; end++ {
			if math.IsNaN(shape[end]) {
				continue
			}
			c := cells[end]
			hn[c]++
			ss[c] += shape[end]
			xs[c] += x[end]
			xq[c] += x[end] * x[end]
			if o := end - d.Window; o >= 0 && !math.IsNaN(shape[o]) {
				c := cells[o]
				hn[c]--
				ss[c] -= shape[o]
				xs[c] -= x[o]
				xq[c] -= x[o] * x[o]
			}
		}
		var n, fw, sum float64
		for c := range nCells {
			n += hn[c]
			fw += ss[c]
			sum += xs[c]
		}
		if n < float64(d.MinHistory) || math.IsNaN(shape[i]) {
			out[i] = HourPoint{Expected: nan}
			continue
		}
		const a, b = 0.5, 1.0 // the level's gamma prior: half a ticket over an hour
		level := (sum + a) / (fw + b)
		// The series' own departure from the shape, cell by cell, then
		// the level again over the corrected shape.
		var fw2 float64
		for c := range nCells {
			r[c] = (xs[c] + d.CellPrior) / (level*ss[c] + d.CellPrior)
			fw2 += ss[c] * r[c]
		}
		level = (sum + a) / (fw2 + b)
		// Overdispersion of an hour's count, by moments over the baseline,
		// at most 1. (Each cell's hours are taken at their mean shape.)
		var sq, smu, smu2 float64
		for c := range nCells {
			if hn[c] == 0 {
				continue
			}
			mu := level * r[c] * ss[c] / hn[c]
			sq += xq[c] - 2*mu*xs[c] + mu*mu*hn[c]
			smu += mu * hn[c]
			smu2 += mu * mu * hn[c]
		}
		phi := 0.0
		if smu2 > 0 {
			phi = math.Min(1, math.Max(0, (sq-smu)/smu2))
		}
		// The predictive's extra variance: the level's (a gamma of sum + a
		// tickets) and the tested hour's cell factor's.
		disp := phi + 1/(sum+a) + 1/(xs[cells[i]]+d.CellPrior)
		p := HourPoint{Expected: level * r[cells[i]] * shape[i]}
		best := 0.0
		var obs, m float64
		w := 0
		for _, win := range d.Windows {
			for ; w < win && i-w >= 0; w++ {
				if sh := shape[i-w]; !math.IsNaN(sh) {
					m += level * r[cells[i-w]] * sh
				}
				obs += x[i-w]
			}
			if obs < d.MinCount {
				continue
			}
			// Var = m + (φ + 1/size)m²: the hours of a window share their
			// day's level (a busy day is busy all day) and the estimates'
			// errors.
			score := 300.0
			if pr := tail(obs, m, disp); pr > 0 {
				score = -math.Log10(pr)
			}
			if score > best {
				best = score
				p.Window, p.Observed, p.WindowExpected = w, obs, m
			}
		}
		p.Score = best
		p.Alarm = best > -math.Log10(d.Alpha)
		out[i] = p
	}
	return out
}
