package fieldset

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"jiceng/internal/core"
)

// A DateForm says how the values of one datetime column are read: the
// format declared for it (by a mapping) and the zone of values that carry
// no offset. The zero value, like a nil *DateForm, reads every form
// ParseDateTime knows in core.StreetTime time.
//
// Formats (case-insensitive names, or patterns):
//
//	auto            every form of ParseDateTimeIn (the default)
//	iso, rfc3339    ISO 8601 / RFC 3339, with or without offset
//	excel           Excel serial days (45356.5)
//	unix, unixms    seconds or milliseconds since 1970-01-01 UTC
//	a pattern       of YYYY (yyyy) year, YY two-digit year, MM or M month,
//	                DD or D (dd, d) day, HH or H hour 0–23, hh or h hour
//	                1–12, mm or m minute, ss or s second, SSS (fff)
//	                fraction, AM (PM, A, a, tt) for AM/PM (also 上午/下午),
//	                Z for an offset +08:00 or Z, ZZ for +0800; any other
//	                character but a letter or digit, and T, stands for
//	                itself. Numbers may have one digit or two: MM/DD/YYYY
//	                reads 3/5/2024 and 03/05/2024.
//	a Go layout     any format containing 2006, as time.Parse reads it
//
// Examples: "MM/DD/YYYY hh:mm:ss AM", "DD/MM/YYYY HH:mm", "YYYY年M月D日",
// "DD.MM.YY", "excel", "2006-01-02T15:04:05Z07:00".
type DateForm struct {
	Format string         // as declared; "" or "auto" for every built-in form
	Zone   *time.Location // zone of values without an offset; nil: core.StreetTime
	kind   formKind
	layout string // Go layout of a pattern or a layout
	upper  bool   // AM/PM in the layout: the value's meridiem is upper-cased
}

type formKind int

const (
	formAuto formKind = iota
	formISO
	formExcel
	formUnix
	formUnixMilli
	formLayout
)

// ErrDateForm is the error of a DateForm the value does not match.
var ErrDateForm = errors.New("日期与声明的格式不符")

// NewDateForm returns the form of format (see DateForm) with naive values
// read in zone (see LoadZone; "" is core.StreetTime). Errors are Chinese.
func NewDateForm(format, zone string) (*DateForm, error) {
	loc, err := LoadZone(zone)
	if err != nil {
		return nil, err
	}
	d := &DateForm{Format: strings.TrimSpace(format), Zone: loc}
	switch strings.ToLower(d.Format) {
	case "", "auto":
		d.kind = formAuto
	case "iso", "iso8601", "rfc3339":
		d.kind = formISO
	case "excel":
		d.kind = formExcel
	case "unix":
		d.kind = formUnix
	case "unixms":
		d.kind = formUnixMilli
	default:
		d.kind = formLayout
		if strings.Contains(d.Format, "2006") {
			d.layout = d.Format
		} else if d.layout, err = patternLayout(d.Format); err != nil {
			return nil, err
		}
		d.upper = strings.Contains(d.layout, "PM")
		if len(d.Format) > 64 {
			return nil, fmt.Errorf("日期格式过长")
		}
	}
	return d, nil
}

// Describe names the form for a reason: the declared format, or the forms
// ParseDateTimeIn reads.
func (d *DateForm) Describe() string {
	if d == nil || d.kind == formAuto {
		return DateForms
	}
	if d.Zone != nil && d.Zone != core.StreetTime {
		return "声明的格式 " + d.Format + "，时区 " + d.Zone.String()
	}
	return "声明的格式 " + d.Format
}

// Parse reads s in form d. A nil d is ParseDateTime.
func (d *DateForm) Parse(s string) (time.Time, error) {
	if d == nil {
		return ParseDateTime(s)
	}
	loc := d.Zone
	if loc == nil {
		loc = core.StreetTime
	}
	switch d.kind {
	case formAuto:
		return ParseDateTimeIn(s, loc)
	}
	s = strings.TrimSpace(foldWidth(s))
	if s == "" || len(s) > 64 {
		return time.Time{}, ErrDate
	}
	var t time.Time
	switch d.kind {
	case formISO:
		if len(s) < 10 || s[4] != '-' || s[7] != '-' {
			return time.Time{}, ErrDateForm
		}
		return ParseDateTimeIn(s, loc)
	case formExcel:
		if s[0] == '.' {
			return time.Time{}, ErrDateForm
		}
		tm, ok := excelSerial(s, loc)
		if !ok {
			return time.Time{}, ErrDateForm
		}
		return tm, nil
	case formUnix, formUnixMilli:
		v, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || strings.ContainsAny(s, "eExXpP_") {
			return time.Time{}, ErrDateForm
		}
		if d.kind == formUnixMilli {
			v /= 1000
		}
		if v < -2208988800 || v > 7258118400 { // 1900..2200
			return time.Time{}, ErrDate
		}
		t = time.Unix(int64(math.Floor(v)), 0)
	case formLayout:
		if d.upper {
			s = meridiemWords.Replace(s)
		}
		var err error
		t, err = time.ParseInLocation(d.layout, s, loc)
		if err != nil {
			var pe *time.ParseError
			if errors.As(err, &pe) && strings.Contains(pe.Message, "day out of range") {
				return time.Time{}, ErrDateDay
			}
			return time.Time{}, ErrDateForm
		}
	}
	if y := t.In(core.StreetTime).Year(); y < 1900 || y > 2199 {
		return time.Time{}, ErrDate
	}
	return t.Truncate(time.Second).In(core.StreetTime), nil
}

// meridiemWords are the spellings of AM and PM that Go's PM element does not
// read.
var meridiemWords = strings.NewReplacer("上午", "AM", "下午", "PM", "a.m.", "AM", "p.m.", "PM", "am", "AM", "pm", "PM")

// patternTokens are the elements of a date pattern and their Go layout
// elements, longest first where one is the prefix of another.
var patternTokens = []struct {
	tok, layout string
	elem        byte // y year, M month, d day, h hour, m minute, s second, p AM/PM, z zone
}{
	{"YYYY", "2006", 'y'}, {"yyyy", "2006", 'y'}, {"YY", "06", 'y'}, {"yy", "06", 'y'},
	{"MM", "1", 'M'}, {"M", "1", 'M'},
	{"DD", "2", 'd'}, {"dd", "2", 'd'}, {"D", "2", 'd'}, {"d", "2", 'd'},
	{"HH", "15", 'h'}, {"H", "15", 'h'}, {"hh", "3", 'h'}, {"h", "3", 'h'},
	{"mm", "4", 'm'}, {"m", "4", 'm'}, {"ss", "5", 's'}, {"s", "5", 's'},
	{"AM", "PM", 'p'}, {"PM", "PM", 'p'}, {"tt", "PM", 'p'}, {"A", "PM", 'p'}, {"a", "PM", 'p'},
	{"ZZ", "-0700", 'z'}, {"Z", "Z07:00", 'z'},
}

// patternLayout turns a pattern such as "MM/DD/YYYY hh:mm:ss AM" into a Go
// layout. Letters that are no element, and digits, are refused, so that no
// literal is taken by time.Parse for an element of its own.
func patternLayout(p string) (string, error) {
	var b strings.Builder
	seen := map[byte]bool{}
	for i := 0; i < len(p); {
		c := p[i]
		if c == 'S' || c == 'f' {
			j := i
			for j < len(p) && p[j] == c {
				j++
			}
			if j-i > 9 || i == 0 || (p[i-1] != '.' && p[i-1] != ',') {
				return "", fmt.Errorf("日期格式 %q: 秒的小数 %s 应紧跟在 . 之后，最多 9 位", p, p[i:j])
			}
			b.WriteString(strings.Repeat("0", j-i))
			i = j
			continue
		}
		matched := false
		for _, t := range patternTokens {
			if strings.HasPrefix(p[i:], t.tok) {
				if seen[t.elem] {
					return "", fmt.Errorf("日期格式 %q: %s 重复", p, t.tok)
				}
				seen[t.elem] = true
				b.WriteString(t.layout)
				i += len(t.tok)
				matched = true
				break
			}
		}
		if matched {
			continue
		}
		switch {
		case c == 'T' || c == ' ':
		case c >= '0' && c <= '9', c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
			return "", fmt.Errorf("日期格式 %q: 无法识别的格式符 %q（可用 YYYY MM DD HH hh mm ss AM Z 等）", p, string(c))
		}
		b.WriteByte(c)
		i++
	}
	l := b.String()
	if !seen['y'] {
		return "", fmt.Errorf("日期格式 %q 缺少年份（YYYY）", p)
	}
	if strings.Contains(l, "3") && !seen['p'] {
		return "", fmt.Errorf("日期格式 %q: 12 小时制（hh）需要 AM/PM", p)
	}
	return l, nil
}

// LoadZone reads a time zone: an IANA name (Asia/Shanghai,
// America/New_York), UTC, or a fixed offset (+08:00, -0500, UTC+8,
// GMT-5); "", CST and 北京时间 are core.StreetTime. Errors are Chinese.
func LoadZone(name string) (*time.Location, error) {
	name = strings.TrimSpace(name)
	switch strings.ToUpper(name) {
	case "":
		return core.StreetTime, nil
	case "UTC", "Z", "GMT":
		return time.UTC, nil
	case "CST", "北京时间", "CHINA STANDARD TIME":
		// In a Chinese export CST is China Standard Time (UTC+8).
		return core.StreetTime, nil
	case "LOCAL":
		return nil, fmt.Errorf("时区 Local 随机器而变，请写出时区名，如 Asia/Shanghai")
	}
	z := name
	named := false
	if len(z) > 3 && (strings.EqualFold(z[:3], "UTC") || strings.EqualFold(z[:3], "GMT")) {
		z, named = z[3:], true
	}
	if z != "" && (z[0] == '+' || z[0] == '-') {
		if off, ok := parseOffset(z, named || len(z) == 2 || len(z) == 3); ok {
			return time.FixedZone(name, off), nil
		}
		return nil, fmt.Errorf("未知时区 %q（偏移应为 +08:00、-0500 或 UTC+8 这样的形式）", name)
	}
	loc, err := time.LoadLocation(name)
	if err != nil || len(name) > 64 {
		return nil, fmt.Errorf("未知时区 %q（应为 Asia/Shanghai、America/New_York 这样的时区名，或 +08:00 这样的偏移）", name)
	}
	return loc, nil
}
