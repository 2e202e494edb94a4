package workflow

import (
	_ "embed"
	"encoding/csv"
	"errors"
	"io"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"jiceng/internal/core"
)

//go:embed holidays.csv
var holidaysCSV string

// Calendar knows which days are working days (工作日): Monday to Friday,
// except the listed days off (法定节假日 and their 调休), plus the listed
// weekend days that are working days (调休上班). Holidays are data, loaded
// with LoadCalendar; DefaultCalendar has China's 2025 and 2026 notices.
//
// Working hours are not modelled: a working day runs from 00:00 to 24:00 in
// the location of the time it is asked about. A nil *Calendar knows
// weekends only. A Calendar is not changed after loading and is safe for
// concurrent use.
type Calendar struct {
	off  map[civil]string // days off that would be working days otherwise, and days inside a holiday
	work map[civil]string // weekend days that are working days
}

// civil is a calendar date without a location.
type civil struct {
	y int
	m time.Month
	d int
}

func dateOf(t time.Time) civil {
	y, m, d := t.Date()
	return civil{y, m, d}
}

func (c civil) weekday() time.Weekday {
	return time.Date(c.y, c.m, c.d, 12, 0, 0, 0, time.UTC).Weekday()
}

func (c civil) next() civil {
	t := time.Date(c.y, c.m, c.d+1, 12, 0, 0, 0, time.UTC)
	return dateOf(t)
}

func (c civil) before(o civil) bool {
	if c.y != o.y {
		return c.y < o.y
	}
	if c.m != o.m {
		return c.m < o.m
	}
	return c.d < o.d
}

// IsWorkingDay reports whether the day of t (in t's location) is a working
// day.
func (c *Calendar) IsWorkingDay(t time.Time) bool {
	return c.isWorking(dateOf(t))
}

func (c *Calendar) isWorking(d civil) bool {
	if c != nil {
		if _, ok := c.work[d]; ok {
			return true
		}
		if _, ok := c.off[d]; ok {
			return false
		}
	}
	wd := d.weekday()
	return wd != time.Saturday && wd != time.Sunday
}

// Holiday returns the name of the holiday or 调休 rule that makes the day
// of t special ("" for an ordinary day).
func (c *Calendar) Holiday(t time.Time) string {
	if c == nil {
		return ""
	}
	d := dateOf(t)
	if n, ok := c.off[d]; ok {
		return n
	}
	return c.work[d]
}

// AddWorkingDays returns the end (24:00, that is 00:00 of the next day, in
// start's location) of the n-th working day after the day of start. The day
// of start itself is not counted, as in the usual rule for periods (期间开始
// 之日不计入), even if start is early in a working day. n <= 0 returns start.
func (c *Calendar) AddWorkingDays(start time.Time, n int) time.Time {
	if n <= 0 {
		return start
	}
	d := dateOf(start)
	for n > 0 {
		d = d.next()
		if c.isWorking(d) {
			n--
		}
	}
	return time.Date(d.y, d.m, d.d+1, 0, 0, 0, 0, start.Location())
}

// Add returns start plus limit: natural time for a duration limit, working
// days by AddWorkingDays for a working-day limit. A zero limit returns
// start.
func (c *Calendar) Add(start time.Time, limit Limit) time.Time {
	if limit.WorkDays > 0 {
		return c.AddWorkingDays(start, limit.WorkDays)
	}
	return start.Add(limit.Duration)
}

var defaultCalendar = sync.OnceValue(func() *Calendar {
	c, err := LoadCalendar(strings.NewReader(holidaysCSV))
	if err != nil {
		panic("workflow: embedded holidays.csv: " + err.Error())
	}
	return c
})

// DefaultCalendarCSV returns the embedded holidays.csv, the file of
// DefaultCalendar.
func DefaultCalendarCSV() []byte { return []byte(holidaysCSV) }

// DefaultCalendar returns the calendar of the embedded holidays.csv:
// China's public holidays and 调休 days of 2025 and 2026. Later years
// count weekends only until a street loads a newer file.
func DefaultCalendar() *Calendar { return defaultCalendar() }

// maxRange bounds one line's range of days: the longest holiday is 9 days.
const maxRange = 31

// LoadCalendar reads a holiday file: UTF-8 CSV with the header
// from,to,kind,name (or 开始日期,结束日期,类型,名称), one line per day or
// range of days, kind 休 (day off) or 班 (weekend working day); lines
// starting with # are comments. Errors are *core.Error with code EINVALID
// and a Chinese message naming the line.
func LoadCalendar(r io.Reader) (*Calendar, error) {
	c := &Calendar{off: map[civil]string{}, work: map[civil]string{}}
	cr := newCSV(r)
	header := true
	var cols [4]int // from, to, kind, name (-1: no name column)
	var bad core.RowErrors
rows:
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, csvError("节假日表", err)
		}
		line, _ := cr.FieldPos(0)
		if err := checkUTF8(rec); err != nil {
			if header {
				return nil, lineError("节假日表", line, err.Error())
			}
			bad = append(bad, core.RowError{Row: line, Reason: err.Error()})
			continue
		}
		if header {
			idx, err := headerIndex(rec, [][]string{{"from", "开始日期"}, {"to", "结束日期"}, {"kind", "类型"}})
			if err != nil {
				return nil, lineError("节假日表", line, err.Error())
			}
			copy(cols[:], idx)
			cols[3] = -1
			if idx, err := headerIndex(rec, [][]string{{"name", "名称"}}); err == nil {
				cols[3] = idx[0]
			}
			header = false
			continue
		}
		get := func(i int) string {
			if cols[i] >= 0 && cols[i] < len(rec) {
				return strings.TrimSpace(rec[cols[i]])
			}
			return ""
		}
		from, err := parseDate(get(0))
		if err != nil {
			bad = append(bad, core.RowError{Row: line, Reason: "开始日期「" + get(0) + "」应为 YYYY-MM-DD"})
			continue rows
		}
		to := from
		if s := get(1); s != "" {
			if to, err = parseDate(s); err != nil {
				bad = append(bad, core.RowError{Row: line, Reason: "结束日期「" + s + "」应为 YYYY-MM-DD"})
				continue rows
			}
		}
		if to.before(from) {
			bad = append(bad, core.RowError{Row: line, Reason: "结束日期早于开始日期"})
			continue rows
		}
		name := get(3)
		if name == "" {
			name = get(2)
		}
		var into, other map[civil]string
		isWork := false
		switch get(2) {
		case "休", "off":
			into, other = c.off, c.work
		case "班", "work":
			into, other, isWork = c.work, c.off, true
		default:
			bad = append(bad, core.RowError{Row: line, Reason: "类型「" + get(2) + "」应为「休」或「班」"})
			continue rows
		}
		n := 0
		for d := from; !to.before(d); d = d.next() {
			if n++; n > maxRange {
				bad = append(bad, core.RowError{Row: line, Reason: "日期范围超过 31 天"})
				continue rows
			}
			if _, dup := other[d]; dup {
				bad = append(bad, core.RowError{Row: line, Reason: "日期 " + formatCivil(d) + " 同时标为「休」和「班」"})
				continue rows
			}
			if isWork {
				if wd := d.weekday(); wd != time.Saturday && wd != time.Sunday {
					bad = append(bad, core.RowError{Row: line, Reason: formatCivil(d) + " 不是周末，不必标为调休上班（班）"})
					continue rows
				}
			}
			into[d] = name
		}
	}
	if header {
		return nil, core.Errorf(core.EINVALID, "节假日表为空：缺少表头 from,to,kind,name")
	}
	if err := bad.Err("节假日表"); err != nil {
		return nil, err
	}
	return c, nil
}

func parseDate(s string) (civil, error) {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return civil{}, err
	}
	return dateOf(t), nil
}

func formatCivil(d civil) string {
	return time.Date(d.y, d.m, d.d, 0, 0, 0, 0, time.UTC).Format("2006-01-02")
}

// newCSV returns a lenient CSV reader: # comments, any number of fields,
// trimmed leading space, a UTF-8 byte-order mark skipped (Excel writes one).
func newCSV(r io.Reader) *csv.Reader {
	cr := csv.NewReader(&bomSkipper{r: r})
	cr.Comment = '#'
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	return cr
}

// bomSkipper drops a leading UTF-8 byte-order mark.
type bomSkipper struct {
	r     io.Reader
	began bool
	buf   []byte
}

func (b *bomSkipper) Read(p []byte) (int, error) {
	if !b.began {
		b.began = true
		head := make([]byte, 3)
		n, err := io.ReadFull(b.r, head)
		head = head[:n]
		if n == 3 && string(head) == "\ufeff" {
			head = nil
		}
		b.buf = head
		if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
			return 0, err
		}
	}
	if len(b.buf) > 0 {
		n := copy(p, b.buf)
		b.buf = b.buf[n:]
		return n, nil
	}
	return b.r.Read(p)
}

func checkUTF8(rec []string) error {
	for _, f := range rec {
		if !utf8.ValidString(f) {
			return errors.New("不是 UTF-8 编码，请在 Excel 中另存为“CSV UTF-8”")
		}
	}
	return nil
}

// headerIndex finds the columns named by names (each any of its aliases)
// in a header record.
func headerIndex(rec []string, names [][]string) ([]int, error) {
	idx := make([]int, len(names))
	for i, aliases := range names {
		idx[i] = -1
		for j, h := range rec {
			h = strings.ToLower(strings.TrimSpace(h))
			for _, a := range aliases {
				if h == a {
					idx[i] = j
				}
			}
		}
		if idx[i] < 0 {
			var want []string
			for _, a := range names {
				want = append(want, a[0])
			}
			return nil, errors.New("表头应为 " + strings.Join(want, ",") + "，缺少列「" + aliases[0] + "」")
		}
	}
	return idx, nil
}

func lineError(what string, line int, msg string) error {
	return core.Errorf(core.EINVALID, "%s第 %d 行：%s", what, line, msg)
}

func csvError(what string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &core.Error{Code: core.EINVALID, Message: what + "第 " + strconv.Itoa(pe.Line) + " 行不是合法的 CSV", Err: err}
	}
	return &core.Error{Code: core.EINVALID, Message: what + "读取失败", Err: err}
}

// Day is one listed day of a Calendar.
type Day struct {
	Date time.Time // 00:00 UTC of the day
	Work bool      // a weekend working day (班); false: a day off (休)
	Name string
}

// Days returns the listed days of c in date order, for a settings page.
func (c *Calendar) Days() []Day {
	if c == nil {
		return nil
	}
	var out []Day
	for d, n := range c.off {
		out = append(out, Day{Date: time.Date(d.y, d.m, d.d, 0, 0, 0, 0, time.UTC), Name: n})
	}
	for d, n := range c.work {
		out = append(out, Day{Date: time.Date(d.y, d.m, d.d, 0, 0, 0, 0, time.UTC), Work: true, Name: n})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Date.Before(out[j].Date) })
	return out
}
