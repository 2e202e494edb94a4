package fieldset

import (
	"errors"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"jiceng/internal/core"
)

// DateTimeLayout is the normalised form of a datetime value.
const DateTimeLayout = "2006-01-02 15:04:05"

// Parse errors. Their texts are the Chinese reasons the importer shows; none
// quotes the value.
var (
	ErrDate      = errors.New("日期无法识别")
	ErrDateDay   = errors.New("日期不存在")
	ErrPhone     = errors.New("号码格式不正确")
	ErrIDCard    = errors.New("身份证号格式不正确")
	ErrIDCheck   = errors.New("身份证号校验位不正确")
	ErrIDBirth   = errors.New("身份证号中的出生日期不合理")
	ErrUSCC      = errors.New("统一社会信用代码格式不正确")
	ErrUSCCCheck = errors.New("统一社会信用代码校验位不正确")
	ErrEnum      = errors.New("取值不在允许范围内")
	ErrBool      = errors.New("应为 是 或 否")
	ErrNumber    = errors.New("不是数字")
	ErrRange     = errors.New("数值超出范围")
	ErrInt       = errors.New("不是整数")
	ErrFormat    = errors.New("格式不正确")
	ErrTooLong   = errors.New("内容过长")
	ErrMultiRow  = errors.New("不能包含换行")
)

// foldWidth folds full-width ASCII (including the ideographic space) to
// half-width, so that values typed with a Chinese input method parse.
func foldWidth(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == '\u3000':
			r = ' '
		case r >= '！' && r <= '～':
			r -= 0xFEE0
		}
		b.WriteRune(r)
	}
	return b.String()
}

// ParseDateTime parses a date or date and time as found in hotline exports
// and spreadsheets, in core.StreetTime time unless the value carries an
// offset (see ParseDateTimeIn).
func ParseDateTime(s string) (time.Time, error) { return ParseDateTimeIn(s, core.StreetTime) }

// DateForms names the forms ParseDateTimeIn reads, for the reasons shown
// to users.
const DateForms = "2024-03-05 08:30[:00]、2024/3/5 8:30、2024.3.5、2024年3月5日 8时30分、20240305[0830[00]]、" +
	"3/5/2024 8:30:00 PM（月/日/年）、2024-03-05T08:30:00+08:00（带时区偏移或 Z）、Excel 日期序号（如 45356.5）"

// ParseDateTimeIn parses a date or date and time as found in hotline
// exports and spreadsheets:
//
//	2024-03-05 08:30, 2024-03-05T08:30:00, 2024/3/5, 2024/3/5 8:30:15,
//	2024.3.5, 2024年3月5日, 2024年3月5日 8时30分, 2024年03月05日08:30,
//	2024/3/5 下午3:30, 20240305, 202403050830, 20240305083000,
//	20240305T083000Z, US order with AM/PM: 03/05/2024 08:30:15 PM,
//	3/5/2024 8:30 am, 03/05/2024 (month first: day-first dates must be
//	declared, see DateForm), ISO 8601 / RFC 3339 with an offset or Z:
//	2024-03-05T08:30:00+08:00, 2024-03-05 00:30:00+00:00,
//	2024-03-05T00:30:00.123Z, 2024-03-05 08:30+0800, 2024-03-05 08:30 UTC+8,
//	Excel serial dates such as 45356 or 45356.354.
//
// A value with an offset keeps its instant; a value without one is read in
// loc (nil: core.StreetTime). The result is in core.StreetTime. Fractions
// of a second are dropped. Impossible dates (2024-02-30, 25:00) are
// ErrDateDay or ErrDate; years outside 1900..2199 are rejected.
func ParseDateTimeIn(s string, loc *time.Location) (time.Time, error) {
	if loc == nil {
		loc = core.StreetTime
	}
	s = strings.TrimSpace(foldWidth(s))
	if s == "" || len(s) > 64 {
		return time.Time{}, ErrDate
	}
	if allDigits(s) {
		switch len(s) {
		case 8, 12, 14:
			return compactDate(s, loc)
		}
	}
	if t, ok := excelSerial(s, loc); ok {
		return t, nil
	}
	if rest, off, ok := cutOffset(s); ok {
		loc, s = off, rest
	}
	// 20240305T083000, the ISO 8601 basic form.
	if len(s) == 15 && s[8] == 'T' && allDigits(s[:8]) && allDigits(s[9:]) {
		return compactDate(s[:8]+s[9:], loc)
	}
	return scanDate(s, loc)
}

// cutOffset cuts a time-zone designator off the end of a date and time: Z,
// UTC, GMT, +08:00, +0800, +08, UTC+8, GMT-05:00. It applies only after a
// time of day (the value has a colon, or is an ISO basic form with T), so
// that the day of 2024-03-05 is never taken for an offset.
func cutOffset(s string) (string, *time.Location, bool) {
	colon := strings.LastIndexByte(s, ':')
	basic := len(s) > 9 && s[8] == 'T'
	if colon < 0 && !basic {
		return s, nil, false
	}
	rest, name := s, false
	switch {
	case strings.HasSuffix(s, "Z") || strings.HasSuffix(s, "z"):
		rest = s[:len(s)-1]
		if rest == "" || rest[len(rest)-1] < '0' || rest[len(rest)-1] > '9' {
			return s, nil, false
		}
		return rest, time.UTC, true
	case strings.HasSuffix(s, "UTC") || strings.HasSuffix(s, "GMT"):
		return strings.TrimRight(s[:len(s)-3], " "), time.UTC, true
	}
	i := strings.LastIndexAny(s, "+-")
	if i < 0 || i < colon-3 && !basic || i == 0 {
		return s, nil, false
	}
	rest = s[:i]
	if r, ok := strings.CutSuffix(rest, "UTC"); ok {
		rest, name = r, true
	} else if r, ok := strings.CutSuffix(rest, "GMT"); ok {
		rest, name = r, true
	}
	rest = strings.TrimRight(rest, " ")
	if rest == "" || rest[len(rest)-1] < '0' || rest[len(rest)-1] > '9' {
		return s, nil, false
	}
	off, ok := parseOffset(s[i:], name)
	if !ok {
		return s, nil, false
	}
	return rest, time.FixedZone("", off), true
}

// parseOffset reads +hh:mm, +hhmm or +hh (and +h after UTC or GMT) as
// seconds east of UTC, up to ±14 hours.
func parseOffset(z string, named bool) (int, bool) {
	sign := 1
	if z[0] == '-' {
		sign = -1
	}
	z = z[1:]
	var h, m string
	switch {
	case len(z) == 5 && z[2] == ':':
		h, m = z[:2], z[3:]
	case len(z) == 4:
		h, m = z[:2], z[2:]
	case len(z) == 2:
		h, m = z, "00"
	case len(z) == 1 && named:
		h, m = z, "00"
	default:
		return 0, false
	}
	if !allDigits(h) || !allDigits(m) {
		return 0, false
	}
	hh, mm := atoi(h), atoi(m)
	if hh > 14 || mm > 59 || hh == 14 && mm > 0 {
		return 0, false
	}
	return sign * (hh*3600 + mm*60), true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return len(s) > 0
}

func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

func compactDate(s string, loc *time.Location) (time.Time, error) {
	p := [6]int{atoi(s[0:4]), atoi(s[4:6]), atoi(s[6:8])}
	if len(s) >= 12 {
		p[3], p[4] = atoi(s[8:10]), atoi(s[10:12])
	}
	if len(s) == 14 {
		p[5] = atoi(s[12:14])
	}
	return makeDate(p, loc)
}

// Excel serial dates count days from 1899-12-30 (which absorbs Excel's
// 1900 leap-year bug for every date after February 1900). Only serials of
// 1950..2099 are taken as dates, so that a bare year or a count is not.
const (
	minSerial = 18264 // 1950-01-01
	maxSerial = 73415 // 2100-12-31
)

func excelSerial(s string, loc *time.Location) (time.Time, bool) {
	if len(s) < 5 || len(s) > 24 || s[0] < '0' || s[0] > '9' {
		return time.Time{}, false
	}
	for i := 0; i < len(s); i++ {
		if (s[i] < '0' || s[i] > '9') && s[i] != '.' {
			return time.Time{}, false
		}
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || v < minSerial || v >= maxSerial+1 {
		return time.Time{}, false
	}
	days := math.Floor(v)
	secs := math.Round((v - days) * 86400)
	base := time.Date(1899, 12, 30, 0, 0, 0, 0, loc).AddDate(0, 0, int(days))
	// Wall-clock seconds of the day, so that a day of a DST change is right.
	s0 := int(secs)
	t := time.Date(base.Year(), base.Month(), base.Day(), s0/3600, s0/60%60, s0%60, 0, loc)
	if s0 == 86400 {
		t = time.Date(base.Year(), base.Month(), base.Day()+1, 0, 0, 0, 0, loc)
	}
	if loc != core.StreetTime {
		t = t.In(core.StreetTime)
	}
	return t, true
}

// scanDate reads digit groups and the text between them: a 4-digit year,
// month and day separated by - / . or 年 月 (日 号), or month/day/year
// (US order), then optionally hour, minute and second separated by : or
// 时(点) 分 (秒), and an ignored fraction of a second. 上午/下午 before the
// time and AM/PM after it are understood. The value is read in loc.
func scanDate(s string, loc *time.Location) (time.Time, error) {
	// At most 9 groups: the slices live on the stack.
	var gbuf, sbuf [9]string
	groups, seps := gbuf[:0], sbuf[:0]
	i := 0
	for i < len(s) {
		j := i
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		if j == i {
			return time.Time{}, ErrDate // text before the first digit
		}
		groups = append(groups, s[i:j])
		k := j
		for k < len(s) && (s[k] < '0' || s[k] > '9') {
			k++
		}
		seps = append(seps, s[j:k])
		i = k
		if len(groups) == len(gbuf) && i < len(s) {
			return time.Time{}, ErrDate
		}
	}
	if len(groups) == 0 {
		return time.Time{}, ErrDate
	}
	var p [6]int
	var rest int // index of the first time group
	switch g := groups[0]; {
	case len(g) == 8:
		p[0], p[1], p[2] = atoi(g[0:4]), atoi(g[4:6]), atoi(g[6:8])
		rest = 1
		if len(groups) == 1 {
			return time.Time{}, ErrDate // only "20240305" + text
		}
	case len(g) == 4 && len(groups) >= 3 && len(groups[1]) <= 2 && len(groups[2]) <= 2:
		s0, s1 := seps[0], seps[1]
		if !(s0 == s1 && (s0 == "-" || s0 == "/" || s0 == ".") || s0 == "年" && s1 == "月") {
			return time.Time{}, ErrDate
		}
		p[0], p[1], p[2] = atoi(g), atoi(groups[1]), atoi(groups[2])
		rest = 3
	case len(g) <= 2 && len(groups) >= 3 && len(groups[1]) <= 2 && len(groups[2]) == 4 && seps[0] == "/" && seps[1] == "/":
		// US order, as Excel and SQL tools write on an English system:
		// 03/05/2024 08:30:15 PM is March 5.
		p[0], p[1], p[2] = atoi(groups[2]), atoi(g), atoi(groups[1])
		rest = 3
	default:
		return time.Time{}, ErrDate
	}
	// Between date and time: 日/号, spaces or T, 上午/下午.
	sep := seps[rest-1]
	if rest == 3 && seps[0] == "年" {
		sep = strings.TrimPrefix(strings.TrimPrefix(sep, "日"), "号")
	}
	pm, am := false, false
	sep = strings.TrimLeft(sep, " T")
	if strings.HasPrefix(sep, "下午") {
		pm, sep = true, strings.TrimSpace(sep[len("下午"):])
	} else if strings.HasPrefix(sep, "上午") {
		am, sep = true, strings.TrimSpace(sep[len("上午"):])
	}
	if sep != "" {
		return time.Time{}, ErrDate
	}
	if rest == len(groups) {
		if pm || am {
			return time.Time{}, ErrDate
		}
		return makeDate(p, loc)
	}
	if seps[rest-1] == "" {
		return time.Time{}, ErrDate // 2024-03-0508:30
	}
	tg, ts := groups[rest:], seps[rest:]
	// AM or PM after the time: 8:30:15 PM, 8:30 a.m.
	var tbuf [9]string
	if last := len(ts) - 1; !am && !pm {
		if m, ok := meridiem(ts[last]); ok {
			am, pm = !m, m
			ts = append(tbuf[:0], ts...)
			ts[last] = ""
		}
	}
	if len(tg) == 4 && ts[2] == "." && ts[3] == "" && len(tg[3]) <= 9 {
		tg, ts = tg[:3], ts[:3] // fraction of a second
		ts[2] = ""
	}
	if len(tg) > 3 {
		return time.Time{}, ErrDate
	}
	for k, g := range tg {
		if len(g) == 0 || len(g) > 2 {
			return time.Time{}, ErrDate
		}
		p[3+k] = atoi(g)
		var ok bool
		last := k == len(tg)-1
		switch k {
		case 0:
			ok = !last && (ts[k] == ":" || ts[k] == "时" || ts[k] == "点") || last && (ts[k] == "时" || ts[k] == "点")
		case 1:
			ok = !last && (ts[k] == ":" || ts[k] == "分") || last && (ts[k] == "" || ts[k] == "分")
		case 2:
			ok = ts[k] == "" || ts[k] == "秒"
		}
		if !ok {
			return time.Time{}, ErrDate
		}
	}
	if pm || am {
		if p[3] > 12 {
			return time.Time{}, ErrDate
		}
		if pm && p[3] < 12 {
			p[3] += 12
		}
		if am && p[3] == 12 {
			p[3] = 0
		}
	}
	return makeDate(p, loc)
}

// meridiem reads the text after a time: " AM", "PM", " a.m.", " pm" (true
// for PM).
func meridiem(s string) (pm, ok bool) {
	switch strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(s), ".", "")) {
	case "AM":
		return false, true
	case "PM":
		return true, true
	}
	return false, false
}

func makeDate(p [6]int, loc *time.Location) (time.Time, error) {
	y, mo, d, h, mi, se := p[0], p[1], p[2], p[3], p[4], p[5]
	if y < 1900 || y > 2199 || mo < 1 || mo > 12 || h > 23 || mi > 59 || se > 59 {
		return time.Time{}, ErrDate
	}
	if d < 1 || d > daysIn(y, mo) {
		return time.Time{}, ErrDateDay
	}
	t := time.Date(y, time.Month(mo), d, h, mi, se, 0, loc)
	if loc != core.StreetTime {
		t = t.In(core.StreetTime)
	}
	return t, nil
}

func daysIn(y, m int) int {
	return time.Date(y, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// FormatDateTime returns the normalised form of t in core.StreetTime time, which
// ParseDateTime reads back to the same instant. A zero t is "".
func FormatDateTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(core.StreetTime).Format(DateTimeLayout)
}

// ParsePhone normalises a Chinese telephone number:
//
//   - mobile 1[3-9]xxxxxxxxx, with an optional +86, 0086 or 86 prefix and
//     any spaces, dashes or parentheses → "13812345678";
//   - landline with area code 0xx or 0xxx and a 7- or 8-digit local number,
//     optionally an extension after 转, ext, x, # or a last dash →
//     "010-12345678" or "0571-87654321转8001";
//   - a local number of 7 or 8 digits without area code, as residents
//     often give it → "62345678";
//   - service numbers 400/800 xxx xxxx → "400-123-4567".
//
// Anything else is ErrPhone.
func ParsePhone(s string) (string, error) {
	s = strings.TrimSpace(foldWidth(s))
	if s == "" || len(s) > 40 {
		return "", ErrPhone
	}
	ext := ""
	for _, mark := range []string{"转", "分机", "ext.", "ext", "EXT", "x", "X", "#"} {
		if i := strings.Index(s, mark); i > 0 {
			ext = strings.TrimSpace(s[i+len(mark):])
			s = strings.TrimSpace(s[:i])
			if !allDigits(ext) || len(ext) > 6 {
				return "", ErrPhone
			}
			break
		}
	}
	// Split into digit groups; keep a leading + and note the groups so
	// that "010-12345678-123" can be told from "010-1234-5678".
	plus := strings.HasPrefix(s, "+")
	if plus {
		s = s[1:]
	}
	var groups []string
	var b strings.Builder
	cur := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			b.WriteByte(c)
			cur++
		case c == ' ' || c == '-' || c == '(' || c == ')' || c == '.':
			if cur > 0 {
				groups = append(groups, b.String()[b.Len()-cur:])
				cur = 0
			}
		default:
			return "", ErrPhone
		}
	}
	if cur > 0 {
		groups = append(groups, b.String()[b.Len()-cur:])
	}
	d := b.String()
	if d == "" {
		return "", ErrPhone
	}
	// Country prefix.
	switch {
	case plus && strings.HasPrefix(d, "86"):
		d = d[2:]
		if len(groups) > 0 && groups[0] == "86" {
			groups = groups[1:]
		}
	case plus:
		return "", ErrPhone
	case strings.HasPrefix(d, "0086"):
		d = d[4:]
		if len(groups) > 0 && groups[0] == "0086" {
			groups = groups[1:]
		}
	case strings.HasPrefix(d, "86") && len(d) == 13 && isMobile(d[2:]):
		d = d[2:]
	}
	if isMobile(d) && ext == "" {
		return d, nil
	}
	if (strings.HasPrefix(d, "400") || strings.HasPrefix(d, "800")) && len(d) == 10 && ext == "" {
		return d[:3] + "-" + d[3:6] + "-" + d[6:], nil
	}
	// A landline written after +86 loses its trunk 0.
	if !strings.HasPrefix(d, "0") && (plus || strings.HasPrefix(s, "0086")) {
		d = "0" + d
	}
	// A trailing dash group of 1–6 digits after a complete number is an
	// extension: 010-12345678-123.
	if ext == "" && len(groups) >= 3 {
		last := groups[len(groups)-1]
		if len(last) <= 6 && isLandline(strings.TrimSuffix(d, last)) {
			ext = last
			d = strings.TrimSuffix(d, last)
		}
	}
	if !isLandline(d) {
		// A local number without area code, as residents often give it.
		if !plus && (len(d) == 7 || len(d) == 8) && d[0] >= '2' && d[0] <= '9' {
			if ext != "" {
				return d + "转" + ext, nil
			}
			return d, nil
		}
		return "", ErrPhone
	}
	n := areaLen(d)
	out := d[:n] + "-" + d[n:]
	if ext != "" {
		out += "转" + ext
	}
	return out, nil
}

func isMobile(d string) bool {
	return len(d) == 11 && d[0] == '1' && d[1] >= '3' && d[1] <= '9' && allDigits(d)
}

// areaLen is the length of the area code of a landline number: 010 and
// 02x are three digits, all others four.
func areaLen(d string) int {
	if strings.HasPrefix(d, "010") || strings.HasPrefix(d, "02") {
		return 3
	}
	return 4
}

func isLandline(d string) bool {
	if len(d) < 10 || d[0] != '0' || d[1] == '0' || !allDigits(d) {
		return false
	}
	local := len(d) - areaLen(d)
	return (local == 7 || local == 8) && d[areaLen(d)] != '0' && d[areaLen(d)] != '1'
}

// ParseIDCard validates a resident ID number (居民身份证号码): 18 characters
// per GB 11643-1999 with the ISO 7064 MOD 11-2 check character, or a legacy
// 15-digit number; the birth date in it must exist and lie in 1900..2099.
// The normalised form is trimmed, with an upper-case X.
func ParseIDCard(s string) (string, error) {
	s = strings.ToUpper(strings.TrimSpace(foldWidth(s)))
	switch len(s) {
	case 18:
		if !allDigits(s[:17]) || !(s[17] == 'X' || s[17] >= '0' && s[17] <= '9') {
			return "", ErrIDCard
		}
		if s[0] < '1' || s[0] > '9' {
			return "", ErrIDCard
		}
		if !birthOK(atoi(s[6:10]), atoi(s[10:12]), atoi(s[12:14])) {
			return "", ErrIDBirth
		}
		if IDCheckChar(s[:17]) != s[17] {
			return "", ErrIDCheck
		}
		return s, nil
	case 15:
		if !allDigits(s) || s[0] == '0' {
			return "", ErrIDCard
		}
		if !birthOK(1900+atoi(s[6:8]), atoi(s[8:10]), atoi(s[10:12])) {
			return "", ErrIDBirth
		}
		return s, nil
	}
	return "", ErrIDCard
}

func birthOK(y, m, d int) bool {
	return y >= 1900 && y <= 2099 && m >= 1 && m <= 12 && d >= 1 && d <= daysIn(y, m)
}

// IDCheckChar returns the ISO 7064 MOD 11-2 check character of the first 17
// digits of an 18-character ID number.
func IDCheckChar(first17 string) byte {
	sum := 0
	for i := 0; i < 17; i++ {
		// weight 2^(17-i) mod 11
		w := 1
		for k := 0; k < 17-i; k++ {
			w = w * 2 % 11
		}
		sum += int(first17[i]-'0') * w
	}
	return "10X98765432"[sum%11]
}

// usccChars are the 31 characters of a unified social credit code, in the
// order of their values (GB 32100-2015: the digits and the capitals without
// I, O, S, V and Z).
const usccChars = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// usccWeights are the weights 3^i mod 31 of the first 17 characters.
var usccWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// ParseUSCC validates a unified social credit code (统一社会信用代码, GB
// 32100-2015): 18 characters, a registering-authority character, a type
// character, a six-digit administrative division code, a nine-character
// organisation code and the MOD 31 check character. The normalised form is
// trimmed and upper-case.
func ParseUSCC(s string) (string, error) {
	s = strings.ToUpper(strings.TrimSpace(foldWidth(s)))
	if len(s) != 18 || !allDigits(s[2:8]) {
		return "", ErrUSCC
	}
	for i := 0; i < 18; i++ {
		if strings.IndexByte(usccChars, s[i]) < 0 {
			return "", ErrUSCC
		}
	}
	if USCCCheckChar(s[:17]) != s[17] {
		return "", ErrUSCCCheck
	}
	return s, nil
}

// USCCCheckChar returns the check character of the first 17 characters of a
// unified social credit code, which must be of usccChars.
func USCCCheckChar(first17 string) byte {
	sum := 0
	for i := 0; i < 17; i++ {
		sum += strings.IndexByte(usccChars, first17[i]) * usccWeights[i]
	}
	return usccChars[(31-sum%31)%31]
}

// FormatDate writes a date as 2006-01-02.
func FormatDate(t time.Time) string { return t.Format(time.DateOnly) }

// ParseBool reads 是/否 and the usual variants: 已解决/未解决, 解决, 有/无,
// yes/no, true/false, y/n, 1/0, √/×.
func ParseBool(s string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(foldWidth(s))) {
	case "是", "已解决", "解决", "已经解决", "有", "对", "yes", "y", "true", "t", "1", "√", "✓":
		return true, nil
	case "否", "未解决", "没有解决", "不是", "无", "没有", "no", "n", "false", "f", "0", "×", "✗":
		return false, nil
	}
	return false, ErrBool
}

// FormatBool returns 是 or 否.
func FormatBool(b bool) string {
	if b {
		return "是"
	}
	return "否"
}

// ParseFloat reads a decimal number; format is an optional range
// "min..max" (either end may be empty).
func ParseFloat(s, format string) (float64, error) {
	s = strings.TrimSpace(foldWidth(s))
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, ErrNumber
	}
	if lo, hi, ok := strings.Cut(format, ".."); ok {
		if lo = strings.TrimSpace(lo); lo != "" {
			if min, err := strconv.ParseFloat(lo, 64); err == nil && v < min {
				return 0, ErrRange
			}
		}
		if hi = strings.TrimSpace(hi); hi != "" {
			if max, err := strconv.ParseFloat(hi, 64); err == nil && v > max {
				return 0, ErrRange
			}
		}
	}
	return v, nil
}

// FormatFloat returns the shortest decimal form of v.
func FormatFloat(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// ParseInt reads a whole number (a trailing ".0", as spreadsheets write
// whole numbers, is accepted).
func ParseInt(s string) (int64, error) {
	s = strings.TrimSuffix(strings.TrimSpace(foldWidth(s)), ".0")
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, ErrInt
	}
	return v, nil
}

// ParseTags splits a list separated by , ， ; ； | 、 or line breaks,
// trimming each tag and dropping empty and repeated ones.
func ParseTags(s string) []string {
	f := strings.FieldsFunc(s, func(r rune) bool {
		switch r {
		case ',', '，', ';', '；', '|', '、', '\n', '\r':
			return true
		}
		return false
	})
	var out []string
	seen := map[string]bool{}
	for _, t := range f {
		t = strings.TrimSpace(t)
		if t == "" || seen[t] {
			continue
		}
		seen[t] = true
		out = append(out, t)
	}
	return out
}

// FormatTags joins tags with 、.
func FormatTags(tags []string) string { return strings.Join(tags, "、") }

// enumSynonyms maps words of hotline exports onto the standard enum values.
// A synonym applies only when its target is one of the field's values.
var enumSynonyms = map[string]string{
	// status
	"已受理": core.StatusReceived, "待受理": core.StatusReceived, "受理中": core.StatusReceived, "新建": core.StatusReceived, "登记": core.StatusReceived,
	"已派单": core.StatusDispatched, "待签收": core.StatusDispatched, "派单中": core.StatusDispatched, "已派发": core.StatusDispatched, "已转办": core.StatusDispatched, "转办": core.StatusDispatched, "交办": core.StatusDispatched, "已交办": core.StatusDispatched,
	"已签收": core.StatusSigned, "待办理": core.StatusSigned,
	"已联系": core.StatusContacted, "已先行联系": core.StatusContacted,
	"处理中": core.StatusHandling, "办理中": core.StatusHandling, "正在办理": core.StatusHandling, "在办": core.StatusHandling, "待办结": core.StatusHandling,
	"已办结": core.StatusResolved, "已完成": core.StatusResolved, "完成": core.StatusResolved, "已处理": core.StatusResolved, "处理完毕": core.StatusResolved, "待回访": core.StatusResolved, "已答复": core.StatusResolved,
	"已回访": core.StatusCallback, "回访中": core.StatusCallback,
	"已结案": core.StatusClosed, "已归档": core.StatusClosed, "归档": core.StatusClosed, "已关闭": core.StatusClosed, "关闭": core.StatusClosed,
	"已退回": core.StatusReturned, "退回": core.StatusReturned, "已退单": core.StatusReturned, "退单中": core.StatusReturned,
	// satisfaction
	"非常满意": string(core.Satisfied), "很满意": string(core.Satisfied), "十分满意": string(core.Satisfied),
	"比较满意": string(core.BasicallySatisfied), "较满意": string(core.BasicallySatisfied),
	"很不满意": string(core.Dissatisfied), "非常不满意": string(core.Dissatisfied),
	// intent
	"咨询类": string(core.IntentInquiry), "求助类": string(core.IntentHelp), "投诉类": string(core.IntentComplaint), "举报类": string(core.IntentReport), "建议类": string(core.IntentSuggestion), "表扬类": string(core.IntentPraise),
	"意见建议": string(core.IntentSuggestion), "意见": string(core.IntentSuggestion), "感谢": string(core.IntentPraise), "表扬感谢": string(core.IntentPraise), "求决": string(core.IntentHelp),
	// urgency
	"特急": string(core.UrgencyEmergency), "特别紧急": string(core.UrgencyEmergency), "急": string(core.UrgencyHurry), "普通": string(core.UrgencyNormal), "常规": string(core.UrgencyNormal),
	// channel
	"12345热线": string(core.ChannelHotline), "市民热线": string(core.ChannelHotline), "12345市民服务热线": string(core.ChannelHotline), "热线": string(core.ChannelHotline), "热线电话": string(core.ChannelHotline),
	"网格员上报": string(core.ChannelGrid), "网格上报": string(core.ChannelGrid), "网格": string(core.ChannelGrid), "巡查": string(core.ChannelGrid),
	"网站": string(core.ChannelWebForm), "网上": string(core.ChannelWebForm), "网络": string(core.ChannelWebForm), "微信": string(core.ChannelWebForm), "小程序": string(core.ChannelWebForm), "app": string(core.ChannelWebForm),
	"open311": string(core.ChannelOpen311), "api": string(core.ChannelOpen311),
}

// ParseEnum returns the value of f's enum that s names, exactly or by a
// known synonym; otherwise ErrEnum.
func (f *Field) ParseEnum(s string) (string, error) {
	s = strings.TrimSpace(foldWidth(s))
	for _, v := range f.enum {
		if s == v {
			return v, nil
		}
	}
	if v, ok := enumSynonyms[strings.ToLower(s)]; ok {
		for _, e := range f.enum {
			if e == v {
				return v, nil
			}
		}
	}
	return "", ErrEnum
}
