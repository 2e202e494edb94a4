package extract

import (
	"fmt"
	"strings"
	"time"
)

// Times returns the time expressions of s, normalised relative to ref (the
// time the ticket was received, in the street's location):
//
//   - days: 今天, 昨天, 前天, 三天前, 上周五, 周五, 3月5日, 2026年3月5日 → the
//     day as a range "from/to" in RFC 3339;
//   - parts of a day: 凌晨, 早上, 上午, 中午, 下午, 傍晚, 晚上, 半夜 → a range
//     within the day;
//   - clock times: 晚上10点, 十点半, 22:30 → a point in RFC 3339;
//   - longer spans: 上个月, 这个月, 去年, 今年, 前几天 → a range;
//   - recurring times: 每天晚上, 天天, 每晚10点, 每周六 → "每天 18:00/24:00",
//     "每天 22:00", "每周六" (no date: they describe a habit).
//
// A part of a day or clock time with no day (晚上十点以后) is given as a time
// of day ("22:00", "18:00/24:00") with a lower score: it is usually a habit.
// A date in the future by more than a month is taken as last year's (tickets
// report the past).
func Times(s string, ref time.Time) []Entity {
	orig := []rune(s)
	rs := foldRunes(orig)
	var out []Entity
	for i := 0; i < len(rs); {
		if !timeFirst[rs[i]] && !(rs[i] >= '0' && rs[i] <= '9') {
			i++
			continue
		}
		e, end := timeAt(rs, i, ref)
		if end > i {
			e.Text = string(orig[e.Start:e.End])
			out = append(out, e)
			i = end
			continue
		}
		i++
	}
	return out
}

// timeFirst are the runes a time expression can start with.
var timeFirst = func() map[rune]bool {
	m := map[rune]bool{}
	for _, r := range "大前昨今明后这上本去每天下星礼周零一二三四五六七八九十两凌早清中傍晚夜半深白" {
		m[r] = true
	}
	return m
}()

// timeExpr is a parsed time expression before formatting.
type timeExpr struct {
	hasDay    bool
	day       time.Time // midnight of the day
	span      string    // "month", "year", "days": day..dayTo is a range
	dayTo     time.Time
	recurring string // "每天", "每周五"
	period    [2]int // hours [from, to) of a part of the day; to may be 24+
	hasPeriod bool
	hour, min int
	hasClock  bool
}

var weekdays = map[rune]int{'一': 1, '二': 2, '三': 3, '四': 4, '五': 5, '六': 6, '日': 7, '天': 7, '末': 6}

type period struct {
	word     []rune
	from, to int
	pm       bool // a clock hour < 12 after it is in the afternoon or evening
}

var periods = func() []period {
	ps := []struct {
		w        string
		from, to int
		pm       bool
	}{
		{"凌晨", 0, 6, false}, {"早上", 6, 9, false}, {"早晨", 6, 9, false}, {"清晨", 5, 8, false},
		{"上午", 8, 12, false}, {"中午", 11, 13, false}, {"下午", 13, 18, true}, {"傍晚", 17, 19, true},
		{"晚上", 18, 24, true}, {"夜里", 20, 29, true}, {"夜间", 20, 29, true}, {"晚间", 18, 24, true},
		{"半夜", 23, 27, true}, {"深夜", 23, 27, true}, {"白天", 8, 18, false}, {"早", 6, 9, false}, {"晚", 18, 24, true},
	}
	var out []period
	for _, p := range ps {
		out = append(out, period{folded(p.w), p.from, p.to, p.pm})
	}
	return out
}()

// timeAt parses a time expression starting at rs[i]; end == i when none.
func timeAt(rs []rune, i int, ref time.Time) (Entity, int) {
	var x timeExpr
	j := i
	today := time.Date(ref.Year(), ref.Month(), ref.Day(), 0, 0, 0, 0, ref.Location())
	setDay := func(d time.Time) { x.hasDay, x.day = true, d }
	pm := false
	// Day part.
	switch {
	case at(rs, j, "大前天"):
		setDay(today.AddDate(0, 0, -3))
		j += 3
	case at(rs, j, "前天"):
		setDay(today.AddDate(0, 0, -2))
		j += 2
	case at(rs, j, "昨天"), at(rs, j, "昨日"):
		setDay(today.AddDate(0, 0, -1))
		j += 2
	case at(rs, j, "昨晚"):
		setDay(today.AddDate(0, 0, -1))
		j++ // 晚 is read as the part of the day below
	case at(rs, j, "今天"), at(rs, j, "今日"):
		setDay(today)
		j += 2
	case at(rs, j, "今晚"):
		setDay(today)
		j++
	case at(rs, j, "明天"), at(rs, j, "明日"):
		setDay(today.AddDate(0, 0, 1))
		j += 2
	case at(rs, j, "后天"):
		setDay(today.AddDate(0, 0, 2))
		j += 2
	case at(rs, j, "前几天"), at(rs, j, "前两天"), at(rs, j, "这几天"):
		x.hasDay, x.span, x.day, x.dayTo = true, "days", today.AddDate(0, 0, -7), today.AddDate(0, 0, 1)
		if at(rs, j, "前两天") {
			x.day = today.AddDate(0, 0, -3)
			x.dayTo = today
		}
		j += 3
	case at(rs, j, "上个月"), at(rs, j, "上月"):
		m := time.Date(ref.Year(), ref.Month(), 1, 0, 0, 0, 0, ref.Location())
		x.hasDay, x.span, x.day, x.dayTo = true, "month", m.AddDate(0, -1, 0), m
		j += len(wordAt(rs, j, "上个月", "上月"))
	case at(rs, j, "这个月"), at(rs, j, "本月"):
		m := time.Date(ref.Year(), ref.Month(), 1, 0, 0, 0, 0, ref.Location())
		x.hasDay, x.span, x.day, x.dayTo = true, "month", m, m.AddDate(0, 1, 0)
		j += len(wordAt(rs, j, "这个月", "本月"))
	case at(rs, j, "去年"), at(rs, j, "今年"):
		y := ref.Year()
		if rs[j] == '去' {
			y--
		}
		if j+2 < len(rs) && (rs[j+2] >= '0' && rs[j+2] <= '9' || strings.ContainsRune("一二三四五六七八九十", rs[j+2])) {
			// 去年3月5日: a date of that year.
			if d, e, ok := monthDay(rs, j+2, y, ref.Location()); ok {
				setDay(d)
				j = e
				break
			}
		}
		start := time.Date(y, 1, 1, 0, 0, 0, 0, ref.Location())
		x.hasDay, x.span, x.day, x.dayTo = true, "year", start, start.AddDate(1, 0, 0)
		j += 2
	case at(rs, j, "每天"), at(rs, j, "每日"), at(rs, j, "天天"), at(rs, j, "每晚"):
		x.recurring = "每天"
		j += 2
		if rs[j-1] == '晚' {
			j-- // read as a part of the day
		}
	default:
		if k, wd, rel, ok := weekday(rs, j); ok {
			if rel == "每" {
				x.recurring = "每周" + string(rs[k-1])
			} else {
				monday := today.AddDate(0, 0, -((int(today.Weekday()) + 6) % 7))
				if rel == "上" {
					monday = monday.AddDate(0, 0, -7)
				} else if rel == "下" {
					monday = monday.AddDate(0, 0, 7)
				}
				setDay(monday.AddDate(0, 0, wd-1))
			}
			j = k
		} else if d, e, ok := yearMonthDay(rs, j, ref); ok {
			setDay(d)
			j = e
		} else if n, e := cnum(rs, j); e > j && n > 0 && n <= 60 && at(rs, e, "天前") {
			setDay(today.AddDate(0, 0, -n))
			j = e + 2
		}
	}
	// Part of the day.
	for _, p := range periods {
		if hasPrefix(rs[j:], p.word) {
			// 早, 晚 alone only right after a day word (今晚, 昨晚, 每晚).
			if len(p.word) == 1 && !(j > i && (x.hasDay || x.recurring != "")) {
				continue
			}
			x.hasPeriod, x.period, pm = true, [2]int{p.from, p.to}, p.pm
			j += len(p.word)
			break
		}
	}
	// Clock time: 10点, 十点半, 10点30分, 22:30.
	if h, e := cnum(rs, j); e > j && h >= 0 && h <= 24 {
		switch {
		case e < len(rs) && (rs[e] == '点' || rs[e] == '时'):
			x.hasClock, x.hour = true, h
			e++
			if e < len(rs) && rs[e] == '半' {
				x.min = 30
				e++
			} else if m, f := cnum(rs, e); f > e && m < 60 && f < len(rs) && rs[f] == '分' {
				x.min = m
				e = f + 1
			} else if m, f := cnum(rs, e); f > e && m < 60 && f == e+2 && rs[e] >= '0' && rs[e] <= '9' {
				x.min = m // 10点30
				e = f
			}
			j = e
		case e+2 < len(rs) && rs[e] == ':' && e-j <= 2:
			if m, f := cnum(rs, e+1); f == e+3 && m < 60 {
				x.hasClock, x.hour, x.min = true, h, m
				j = f
			}
		}
		if x.hasClock {
			switch {
			case pm && x.hour < 12 && !(x.period[0] >= 23 && x.hour < 6):
				x.hour += 12
			case pm && x.hour == 12 && x.period[0] >= 18:
				x.hour = 24 // 晚上十二点: midnight
			case x.hasPeriod && x.period[0] >= 23 && x.hour < 6:
				x.hour += 24 // 半夜两点: after midnight
			}
		}
	}
	if j == i || !(x.hasDay || x.recurring != "" || x.hasPeriod || x.hasClock) {
		return Entity{}, i
	}
	return x.entity(i, j, ref.Location()), j
}

// entity formats a parsed expression.
func (x timeExpr) entity(i, j int, loc *time.Location) Entity {
	e := Entity{Type: Time, Start: i, End: j, Score: 0.9}
	hm := func(h, m int) string { return fmt.Sprintf("%02d:%02d", h, m) }
	switch {
	case x.recurring != "":
		e.Score = 0.8
		switch {
		case x.hasClock:
			e.Value = x.recurring + " " + hm(x.hour%24, x.min)
		case x.hasPeriod:
			e.Value = x.recurring + " " + hm(x.period[0]%24, 0) + "/" + hm(x.period[1]%24, 0)
			if x.period[1] == 24 {
				e.Value = x.recurring + " " + hm(x.period[0], 0) + "/24:00"
			}
		default:
			e.Value = x.recurring
		}
	case x.hasDay && x.span != "":
		e.Value = x.day.Format(time.RFC3339) + "/" + x.dayTo.Format(time.RFC3339)
	case x.hasDay && x.hasClock:
		e.Value = x.day.Add(time.Duration(x.hour)*time.Hour + time.Duration(x.min)*time.Minute).Format(time.RFC3339)
	case x.hasDay && x.hasPeriod:
		e.Value = x.day.Add(time.Duration(x.period[0])*time.Hour).Format(time.RFC3339) + "/" +
			x.day.Add(time.Duration(x.period[1])*time.Hour).Format(time.RFC3339)
	case x.hasDay:
		e.Value = x.day.Format(time.RFC3339) + "/" + x.day.AddDate(0, 0, 1).Format(time.RFC3339)
	case x.hasClock:
		e.Score = 0.6
		e.Value = hm(x.hour%24, x.min)
	default: // a part of the day alone
		e.Score = 0.5
		e.Value = hm(x.period[0]%24, 0) + "/" + hm(x.period[1]%24, 0)
		if x.period[1] == 24 {
			e.Value = hm(x.period[0], 0) + "/24:00"
		}
	}
	return e
}

func at(rs []rune, i int, w string) bool {
	for _, r := range w {
		if i >= len(rs) || rs[i] != r {
			return false
		}
		i++
	}
	return true
}

func wordAt(rs []rune, i int, ws ...string) []rune {
	for _, w := range ws {
		if at(rs, i, w) {
			return []rune(w)
		}
	}
	return nil
}

// weekday reads 上周五, 上星期五, 上礼拜五, 本周五, 这周五, 下周五, 周五, 星期五,
// 礼拜五, 每周五 at i: the end, the weekday (1 Monday … 7 Sunday) and the
// relation ("上", "下", "每" or "").
func weekday(rs []rune, i int) (end, wd int, rel string, ok bool) {
	j := i
	if j < len(rs) {
		switch rs[j] {
		case '上', '下', '每':
			rel = string(rs[j])
			j++
			if j < len(rs) && rs[j] == '个' {
				j++
			}
		case '本', '这':
			j++
		}
	}
	w := wordAt(rs, j, "星期", "礼拜", "周")
	if w == nil {
		return i, 0, "", false
	}
	j += len(w)
	if j >= len(rs) {
		return i, 0, "", false
	}
	d, ok := weekdays[rs[j]]
	if !ok || (rs[j] == '末' && len(w) != 1) {
		return i, 0, "", false
	}
	return j + 1, d, rel, true
}

// yearMonthDay reads [YYYY年]M月D日|号 at i.
func yearMonthDay(rs []rune, i int, ref time.Time) (time.Time, int, bool) {
	y := ref.Year()
	j := i
	explicit := false
	if n, e := cnum(rs, j); e > j && e-j == 4 && n >= 1900 && n <= 2200 && e < len(rs) && rs[e] == '年' {
		y, j, explicit = n, e+1, true
	}
	d, e, ok := monthDay(rs, j, y, ref.Location())
	if !ok {
		return time.Time{}, i, false
	}
	if !explicit && d.After(ref.AddDate(0, 1, 0)) {
		d = d.AddDate(-1, 0, 0)
	}
	return d, e, true
}

func monthDay(rs []rune, j, y int, loc *time.Location) (time.Time, int, bool) {
	m, e := cnum(rs, j)
	if e == j || m < 1 || m > 12 || e >= len(rs) || rs[e] != '月' {
		return time.Time{}, j, false
	}
	d, f := cnum(rs, e+1)
	if f == e+1 || d < 1 || d > 31 || f >= len(rs) || (rs[f] != '日' && rs[f] != '号') {
		return time.Time{}, j, false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, loc)
	if t.Day() != d {
		return time.Time{}, j, false // 2月30日
	}
	return t, f + 1, true
}

// cnum reads a number at i: ASCII digits (at most 4) or Chinese numerals
// up to 99 (十, 二十三, 两). It returns the value and the end offset (i when
// there is no number).
func cnum(rs []rune, i int) (int, int) {
	j := i
	n := 0
	for j < len(rs) && j-i < 4 && rs[j] >= '0' && rs[j] <= '9' {
		n = n*10 + int(rs[j]-'0')
		j++
	}
	if j > i {
		if j < len(rs) && rs[j] >= '0' && rs[j] <= '9' {
			return 0, i // a longer number: a phone, not a time
		}
		return n, j
	}
	digit := func(r rune) int {
		for k, d := range []rune("零一二三四五六七八九") {
			if r == d {
				return k
			}
		}
		return -1
	}
	val, cur := 0, -1
	for j < len(rs) && j-i < 3 {
		r := rs[j]
		switch {
		case r == '两' && cur < 0 && val == 0:
			cur = 2
		case digit(r) >= 0:
			if cur >= 0 {
				return 0, i // 二三: a vague count, not a number
			}
			cur = digit(r)
		case r == '十':
			if cur < 0 {
				cur = 1
			}
			if val > 0 {
				return val, j
			}
			val, cur = cur*10, -1
		default:
			goto done
		}
		j++
	}
done:
	if cur >= 0 {
		val += cur
	}
	if j == i {
		return 0, i
	}
	return val, j
}
