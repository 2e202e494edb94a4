package quality

import (
	_ "embed"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"jiceng/internal/fieldset"
)

// Levels a threshold clause can set when it does not hold.
const (
	LevelWarn = StatusWarn
	LevelFail = StatusFail
)

// Check is one declared check: a metric over some fields of the records of
// a kind, compared with thresholds.
type Check struct {
	// Name is the check's own name (the "名称:" prefix of its line), or "".
	Name string
	// RecordKind is the registry the check applies to; "" applies it to
	// every kind of the run.
	RecordKind string
	// Metric is one of MetricNames, with its _count or _percent suffix
	// ("missing_percent"), or "freshness", "row_count", "row_count_change".
	Metric string
	// Fields are the field arguments.
	Fields []string
	// Period is the argument of untouched_count(3y) and the limit of a
	// freshness clause; Num that of over_age_count(110).
	Period Period
	Num    float64
	// Where, when not nil, restricts the check to the rows it matches.
	Where *Cond
	// Clauses are the thresholds: each must hold, or the check gets its
	// level; the worst level wins.
	Clauses []Clause
	// Line is the check file's line, 0 for a check the field set implies.
	Line int
}

// Clause is one threshold: the metric's value Op Value must hold.
type Clause struct {
	Op      string  // < <= > >= = !=
	Value   float64 // a count, or a percentage when Percent
	Percent bool
	Period  Period // for freshness: rows older than Period fail the clause
	Level   string // LevelWarn or LevelFail
}

// Cond is a where-condition on one field: "=", "!=", "contains", "empty"
// or "not_empty".
type Cond struct {
	Field, Op, Value string
}

// Period is a calendar length: years, months and days.
type Period struct {
	Years, Months, Days int
}

// String writes p as the check file does ("1y", "18m", "30d").
func (p Period) String() string {
	var b strings.Builder
	if p.Years != 0 {
		fmt.Fprintf(&b, "%dy", p.Years)
	}
	if p.Months != 0 {
		fmt.Fprintf(&b, "%dm", p.Months)
	}
	if p.Days != 0 || b.Len() == 0 {
		fmt.Fprintf(&b, "%dd", p.Days)
	}
	return b.String()
}

// metricDef describes a metric base: its check kind, its arguments and its
// Chinese name.
type metricDef struct {
	kind  string
	args  string // "fields" (one or more), "field" (exactly one), "period", "num", "none"
	label string
	// oneOf, when not nil, are the allowed values of the one argument.
	oneOf []string
}

// metrics are the metric bases of a check file; each is written with a
// _count or _percent suffix: missing_count(phone), invalid_percent(uscc).
var metrics = map[string]metricDef{
	"missing":       {KindCompleteness, "fields", "缺失", nil},
	"invalid":       {KindValidity, "field", "格式或校验不合格", nil},
	"duplicate":     {KindUniqueness, "fields", "重复", nil},
	"stale":         {KindFreshness, "fields", "超过更新周期", nil},
	"untouched":     {KindFreshness, "period", "长期未更新（僵尸数据）", nil},
	"over_age":      {KindFreshness, "num", "按身份证号年龄超过上限（僵尸数据）", nil},
	"empty_house":   {KindFreshness, "none", "无居住人员且无产权人的房屋（僵尸数据）", nil},
	"conflict":      {KindConsistency, "field", "同一对象在不同来源取值矛盾", nil},
	"id_mismatch":   {KindConsistency, "field", "与身份证号不符", []string{"birth_date", "gender"}},
	"grid_mismatch": {KindConsistency, "none", "网格不属于所填社区", nil},
	"unknown_area":  {KindIntegrity, "none", "社区或网格不在区域名录中", nil},
	"orphan":        {KindIntegrity, "field", "引用不存在", []string{"ticket_area", "ticket_unit", "area_unit"}},
}

// MetricNames are the metric bases of a check file, each written with a
// _count or _percent suffix, with what they count: missing (a field is
// empty), invalid (a value fails its type, check characters included),
// duplicate (an earlier row of the same source has the same key), stale (a
// row not touched within its fields' update cycle), untouched (not touched
// for a period, 僵尸数据), over_age (a person older than N by the ID
// number), empty_house (a house without owner, tenant count or resident of
// the run), conflict (one person, by cluster or ID number, with two values
// of the field), id_mismatch (birth_date or gender against the ID number),
// grid_mismatch (a grid not of the row's community), unknown_area (a
// community or grid not in the areas) and orphan (ticket_area, ticket_unit,
// area_unit: a reference to nothing). Beside them: freshness(FIELD),
// row_count and row_count change.
var MetricNames = []string{"missing", "invalid", "duplicate", "stale", "untouched", "over_age", "empty_house",
	"conflict", "id_mismatch", "grid_mismatch", "unknown_area", "orphan"}

// orphanLabel names the referential checks.
var orphanLabel = map[string]string{
	"ticket_area": "工单的社区或网格不在区域名录中",
	"ticket_unit": "工单的承办单位不在单位名录中",
	"area_unit":   "社区没有对应的承办单位，或其单位不在单位名录中",
}

// kindNames reads a section header's record kind, English or Chinese.
var kindNames = map[string]string{
	"person": fieldset.KindPerson, "人口": fieldset.KindPerson, "人": fieldset.KindPerson,
	"house": fieldset.KindHouse, "房屋": fieldset.KindHouse, "房": fieldset.KindHouse,
	"enterprise": fieldset.KindEnterprise, "企业": fieldset.KindEnterprise, "企": fieldset.KindEnterprise,
	"organisation": fieldset.KindOrganisation, "organization": fieldset.KindOrganisation, "组织": fieldset.KindOrganisation,
	"all": "", "全部": "",
}

// ParseError is an error of a check file at a line and column (both
// 1-based; the column counts characters).
type ParseError struct {
	Line, Col int
	Msg       string
}

func (e *ParseError) Error() string {
	return fmt.Sprintf("检查文件第 %d 行第 %d 列: %s", e.Line, e.Col, e.Msg)
}

//go:embed checks.txt
var defaultChecks string

// DefaultChecks returns the built-in checks (checks.txt).
func DefaultChecks() []Check {
	cs, err := ParseChecks(defaultChecks)
	if err != nil {
		panic("quality: built-in checks.txt: " + err.Error())
	}
	return cs
}

// DefaultChecksText is the text of the built-in check file, a start for a
// street's own.
func DefaultChecksText() string { return defaultChecks }

// ParseChecks reads a check file. Each line is empty, a comment (from # or
// ＃ to the end of the line), a section header naming the record kind of
// the checks below it ([person], [人口], [house], [enterprise],
// [organisation], [all]; checks before any header apply to every kind), or
// one check:
//
//	[名称:] METRIC THRESHOLD [; THRESHOLD ...] [where FIELD OP VALUE]
//
// METRIC is BASE_count(ARGS) or BASE_percent(ARGS) for a base of MetricNames,
// freshness(FIELD), row_count or row_count change (the change in percent
// of each source's rows against the previous run). THRESHOLD is OP NUMBER
// [%] [warn|fail|警告|不合格] with OP one of < <= > >= = != (a missing level
// is fail); for freshness it is < PERIOD [level] with PERIOD a whole
// number and y/年, m/月, w/周 or d/天. A where clause is FIELD = VALUE,
// FIELD != VALUE, FIELD contains VALUE, FIELD empty or FIELD not_empty.
// Field arguments must be fields of the section's kind.
//
// The first bad line gives a *ParseError with its line and column.
func ParseChecks(text string) ([]Check, error) {
	var first error
	out := walkChecks(text, func(err error, _ int) bool { first = err; return false })
	if first != nil {
		return nil, first
	}
	return out, nil
}

// walkChecks reads the checks of text. bad gets each bad line's error and
// line number and says whether to go on (the lines under a bad section
// header are skipped until the next header); walkChecks returns nil when
// it stops.
func walkChecks(text string, bad func(err error, line int) bool) []Check {
	var out []Check
	kind, skip := "", false
	sets := map[string]*fieldset.Set{}
	for n, line := range strings.Split(text, "\n") {
		p := &lineParser{s: []rune(strings.TrimSuffix(line, "\r")), line: n + 1, sets: sets}
		if n == 0 && len(p.s) > 0 && p.s[0] == '\ufeff' {
			p.pos = 1
		}
		p.cutComment()
		p.space()
		if p.eof() {
			continue
		}
		if p.peek() == '[' || p.peek() == '【' {
			k, err := p.section()
			if err != nil {
				if !bad(err, n+1) {
					return nil
				}
				skip = true
				continue
			}
			kind, skip = k, false
			continue
		}
		if skip {
			continue
		}
		c, err := p.check(kind)
		if err != nil {
			if !bad(err, n+1) {
				return nil
			}
			continue
		}
		out = append(out, c)
	}
	return out
}

// lineParser reads one line of a check file.
type lineParser struct {
	s    []rune
	pos  int
	line int
	sets map[string]*fieldset.Set // field sets by kind, loaded once
}

func (p *lineParser) set(kind string) *fieldset.Set {
	s, ok := p.sets[kind]
	if !ok {
		s = builtinSet(kind)
		p.sets[kind] = s
	}
	return s
}

// builtinSets are the built-in field sets, loaded once: the parser and the
// runs only read them.
var builtinSets = sync.OnceValue(func() map[string]*fieldset.Set {
	m := map[string]*fieldset.Set{}
	for _, k := range fieldset.RecordKinds {
		m[k] = fieldset.Records(k)
	}
	return m
})

// builtinSet returns the built-in field set of kind, nil for "" or an
// unknown kind.
func builtinSet(kind string) *fieldset.Set { return builtinSets()[kind] }

func (p *lineParser) errf(pos int, format string, args ...any) error {
	return &ParseError{Line: p.line, Col: pos + 1, Msg: fmt.Sprintf(format, args...)}
}

func (p *lineParser) eof() bool  { return p.pos >= len(p.s) }
func (p *lineParser) peek() rune { return p.s[p.pos] }

func (p *lineParser) cutComment() {
	for i, r := range p.s {
		if r == '#' || r == '＃' {
			p.s = p.s[:i]
			return
		}
	}
}

func (p *lineParser) space() {
	for !p.eof() && (unicode.IsSpace(p.peek()) || p.peek() == '\u3000') {
		p.pos++
	}
}

// word reads an identifier of letters, digits, _ and Chinese characters.
func (p *lineParser) word() string {
	start := p.pos
	for !p.eof() {
		r := p.peek()
		if r == '_' || r == '.' || unicode.IsLetter(r) || unicode.IsDigit(r) {
			p.pos++
			continue
		}
		break
	}
	return string(p.s[start:p.pos])
}

// lit consumes one of the runes of set, if next.
func (p *lineParser) lit(set string) bool {
	if !p.eof() && strings.ContainsRune(set, p.peek()) {
		p.pos++
		return true
	}
	return false
}

func (p *lineParser) section() (string, error) {
	start := p.pos
	p.pos++
	p.space()
	w := p.word()
	p.space()
	if !p.lit("]】") {
		return "", p.errf(p.pos, "节标题应为 [person] 这样的形式")
	}
	p.space()
	if !p.eof() {
		return "", p.errf(p.pos, "节标题后不应有其他内容")
	}
	k, ok := kindNames[strings.ToLower(w)]
	if !ok {
		return "", p.errf(start+1, "未知的数据类别 %q（可用 person、house、enterprise、organisation 或 人口、房屋、企业、组织）", w)
	}
	return k, nil
}

func (p *lineParser) check(kind string) (Check, error) {
	c := Check{RecordKind: kind, Line: p.line}
	// An optional name: everything before the first colon, when no
	// parenthesis or comparison comes before it.
	for i := p.pos; i < len(p.s); i++ {
		if strings.ContainsRune("(（<>=≤≥≠", p.s[i]) {
			break
		}
		if p.s[i] == ':' || p.s[i] == '：' {
			c.Name = strings.TrimSpace(string(p.s[p.pos:i]))
			if c.Name == "" {
				return c, p.errf(p.pos, "冒号前的检查名称为空")
			}
			p.pos = i + 1
			p.space()
			break
		}
	}
	mpos := p.pos
	m := strings.ToLower(p.word())
	if m == "" {
		return c, p.errf(p.pos, "应为检查指标，如 missing_percent(phone)")
	}
	var def metricDef
	switch {
	case m == "row_count":
		c.Metric = m
		p.space()
		save := p.pos
		if w := p.word(); strings.ToLower(w) == "change" || w == "变化" {
			c.Metric = "row_count_change"
		} else {
			p.pos = save
		}
		def = metricDef{kind: KindVolume, args: "none"}
	case m == "freshness":
		c.Metric = m
		def = metricDef{kind: KindFreshness, args: "field"}
	default:
		base, ok := strings.CutSuffix(m, "_count")
		if !ok {
			base, ok = strings.CutSuffix(m, "_percent")
		}
		if ok {
			def, ok = metrics[base]
		}
		if !ok {
			return c, p.errf(mpos, "未知的检查指标 %q", m)
		}
		c.Metric = m
	}
	if def.args != "none" {
		if err := p.args(&c, def); err != nil {
			return c, err
		}
	}
	set := p.set(kind)
	for _, f := range c.Fields {
		if def.oneOf == nil && set != nil && set.Field(f) == nil {
			return c, p.errf(mpos, "%s 没有字段 %q", fieldset.KindLabel[kind], f)
		}
	}
	// Thresholds.
	for {
		p.space()
		if p.eof() || p.atWord("where") {
			break
		}
		cl, err := p.clause(c.Metric == "freshness")
		if err != nil {
			return c, err
		}
		c.Clauses = append(c.Clauses, cl)
		p.space()
		if !p.lit(";；") {
			break
		}
	}
	if len(c.Clauses) == 0 {
		return c, p.errf(p.pos, "缺少阈值，如 < 5%% 或 = 0")
	}
	p.space()
	if p.atWord("where") {
		p.word()
		w, err := p.where(set, kind)
		if err != nil {
			return c, err
		}
		c.Where = w
	}
	p.space()
	if !p.eof() {
		return c, p.errf(p.pos, "无法识别的内容 %q", string(p.s[p.pos:]))
	}
	return c, nil
}

// atWord reports whether the next word is w (case-insensitive).
func (p *lineParser) atWord(w string) bool {
	save := p.pos
	got := p.word()
	p.pos = save
	return strings.EqualFold(got, w)
}

func (p *lineParser) args(c *Check, def metricDef) error {
	p.space()
	if !p.lit("(（") {
		return p.errf(p.pos, "%s 后应为括号中的参数", c.Metric)
	}
	for {
		p.space()
		apos := p.pos
		a := p.word()
		if a == "" {
			return p.errf(apos, "应为参数")
		}
		switch def.args {
		case "period":
			per, err := parsePeriod(a)
			if err != nil {
				return p.errf(apos, "%s", err.Error())
			}
			c.Period = per
		case "num":
			x, err := strconv.ParseFloat(a, 64)
			if err != nil {
				return p.errf(apos, "参数应为数字")
			}
			c.Num = x
		default:
			if def.oneOf != nil && !contains(def.oneOf, a) {
				return p.errf(apos, "参数应为 %s 之一", strings.Join(def.oneOf, "、"))
			}
			c.Fields = append(c.Fields, a)
		}
		p.space()
		if p.lit(")）") {
			break
		}
		if !p.lit(",，") {
			return p.errf(p.pos, "参数之间应以逗号分隔，并以 ) 结束")
		}
	}
	if def.args != "fields" && len(c.Fields)+boolInt(def.args == "period" || def.args == "num") != 1 {
		return p.errf(p.pos-1, "%s 只接受一个参数", c.Metric)
	}
	return nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// ops are the comparison operators, longest first.
var ops = []string{"<=", ">=", "!=", "==", "<", ">", "=", "≤", "≥", "≠"}

var opNorm = map[string]string{"==": "=", "≤": "<=", "≥": ">=", "≠": "!="}

func (p *lineParser) op() string {
	rest := string(p.s[p.pos:])
	for _, o := range ops {
		if strings.HasPrefix(rest, o) {
			p.pos += utf8.RuneCountInString(o)
			if n, ok := opNorm[o]; ok {
				return n
			}
			return o
		}
	}
	return ""
}

func (p *lineParser) clause(fresh bool) (Clause, error) {
	var cl Clause
	opos := p.pos
	cl.Op = p.op()
	if cl.Op == "" {
		return cl, p.errf(opos, "应为比较符 < <= > >= = !=")
	}
	p.space()
	vpos := p.pos
	start := p.pos
	for !p.eof() && (unicode.IsDigit(p.peek()) || p.peek() == '.' || p.peek() == '-' || unicode.IsLetter(p.peek())) {
		p.pos++
	}
	v := string(p.s[start:p.pos])
	if fresh {
		if cl.Op != "<" && cl.Op != "<=" {
			return cl, p.errf(opos, "freshness 的阈值应为 < 时长，如 < 1y")
		}
		per, err := parsePeriod(v)
		if err != nil {
			return cl, p.errf(vpos, "%s", err.Error())
		}
		cl.Period = per
	} else {
		x, err := strconv.ParseFloat(v, 64)
		if err != nil || v == "" {
			return cl, p.errf(vpos, "阈值应为数字")
		}
		cl.Value = x
		cl.Percent = p.lit("%％")
	}
	p.space()
	lpos := p.pos
	switch w := strings.ToLower(p.word()); w {
	case "warn", "警告":
		cl.Level = LevelWarn
	case "fail", "不合格", "":
		cl.Level = LevelFail
		if w == "" {
			p.pos = lpos
		}
	case "where":
		cl.Level = LevelFail
		p.pos = lpos
	default:
		return cl, p.errf(lpos, "级别应为 warn 或 fail")
	}
	return cl, nil
}

func (p *lineParser) where(set *fieldset.Set, kind string) (*Cond, error) {
	p.space()
	fpos := p.pos
	f := p.word()
	if f == "" {
		return nil, p.errf(fpos, "where 后应为字段名")
	}
	if set != nil && set.Field(f) == nil {
		return nil, p.errf(fpos, "%s 没有字段 %q", fieldset.KindLabel[kind], f)
	}
	p.space()
	c := &Cond{Field: f}
	save := p.pos
	switch w := strings.ToLower(p.word()); w {
	case "contains", "包含":
		c.Op = "contains"
	case "empty", "为空":
		c.Op = "empty"
		return c, nil
	case "not_empty", "不为空":
		c.Op = "not_empty"
		return c, nil
	default:
		p.pos = save
		switch o := p.op(); o {
		case "=", "!=":
			c.Op = o
		default:
			return nil, p.errf(save, "where 条件应为 = != contains empty not_empty")
		}
	}
	p.space()
	c.Value = strings.TrimSpace(string(p.s[p.pos:]))
	p.pos = len(p.s)
	if c.Value == "" {
		return nil, p.errf(p.pos, "where 条件缺少取值")
	}
	return c, nil
}

// parsePeriod reads "1y", "18m", "2w", "30d", "3年", "6月", "90天".
func parsePeriod(s string) (Period, error) {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	n, err := strconv.Atoi(s[:i])
	if err != nil || i == 0 || n <= 0 || n > 1000 {
		return Period{}, fmt.Errorf("时长应为正整数加单位，如 1y、6m、30d")
	}
	switch strings.ToLower(s[i:]) {
	case "y", "年":
		return Period{Years: n}, nil
	case "m", "mo", "月", "个月":
		return Period{Months: n}, nil
	case "w", "周":
		return Period{Days: 7 * n}, nil
	case "d", "天", "日":
		return Period{Days: n}, nil
	}
	return Period{}, fmt.Errorf("时长单位应为 y（年）、m（月）、w（周）或 d（天）")
}

// Rule writes c in the check-file syntax, without its name and section.
func (c *Check) Rule() string {
	var b strings.Builder
	b.WriteString(c.metricText())
	for i, cl := range c.Clauses {
		if i > 0 {
			b.WriteString(";")
		}
		b.WriteString(" " + cl.Op + " ")
		if c.Metric == "freshness" {
			b.WriteString(cl.Period.String())
		} else {
			b.WriteString(strconv.FormatFloat(cl.Value, 'f', -1, 64))
			if cl.Percent {
				b.WriteString("%")
			}
		}
		if cl.Level == LevelWarn {
			b.WriteString(" warn")
		} else if len(c.Clauses) > 1 {
			b.WriteString(" fail")
		}
	}
	if c.Where != nil {
		b.WriteString(" where " + c.Where.Field + " " + c.Where.Op)
		if c.Where.Op != "empty" && c.Where.Op != "not_empty" {
			b.WriteString(" " + c.Where.Value)
		}
	}
	return b.String()
}

// metricText is the metric with its arguments: "missing_percent(phone)".
func (c *Check) metricText() string {
	switch c.Metric {
	case "row_count":
		return "row_count"
	case "row_count_change":
		return "row_count change"
	}
	base := c.base()
	switch metrics[base].args {
	case "none":
		return c.Metric
	case "period":
		return c.Metric + "(" + c.Period.String() + ")"
	case "num":
		return c.Metric + "(" + strconv.FormatFloat(c.Num, 'f', -1, 64) + ")"
	}
	return c.Metric + "(" + strings.Join(c.Fields, ", ") + ")"
}

// base is the metric without its _count or _percent suffix.
func (c *Check) base() string {
	if b, ok := strings.CutSuffix(c.Metric, "_count"); ok && c.Metric != "row_count" {
		return b
	}
	if b, ok := strings.CutSuffix(c.Metric, "_percent"); ok {
		return b
	}
	return c.Metric
}

// percent reports whether the metric is a percentage.
func (c *Check) percent() bool { return strings.HasSuffix(c.Metric, "_percent") }

// kind is the check kind of c.
func (c *Check) kind() string {
	switch c.Metric {
	case "row_count", "row_count_change":
		return KindVolume
	case "freshness":
		return KindFreshness
	}
	return metrics[c.base()].kind
}
