package extract

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"jiceng/internal/core"
)

//go:embed urgency.csv
var defaultRulesCSV []byte

// Rules are the urgency rules of a street: cue words with the level they
// raise, the time limit of each level, and the words that cancel cues
// (resolved) or lower 加急 (calm). DefaultRules are embedded; a street may
// replace them with LoadRules. A Rules is safe for concurrent use once
// built.
type Rules struct {
	Cues     []UrgencyCue
	Limits   map[core.Urgency]time.Duration
	Resolved []string
	Calm     []string
	// Contexts are words that say a cue is not a present emergency (a
	// hazard, a past event, a quotation, a hypothetical) or that it is one
	// (now, happening).
	Contexts []UrgencyContext

	lex         *lexicon // Cues, then Resolved, then Calm, then Contexts
	nCues       int
	nSolved     int
	nCalm       int
	durationCue int // the index of the cue <时长>, or -1
}

// DurationCue is the text of a cue that is not a word but the recogniser
// of long durations, longDurations: 已近三年, 十几年来, 拖了五年, 从2015年…至今.
const DurationCue = "<时长>"

// ContextKind is what a context word says about the cues of its clause.
type ContextKind string

// Context kinds. A cue of 紧急 or 加急 in a clause with a hazard, past,
// quotation or hypothetical word does not count (存在火灾隐患, 曾经发生过火灾,
// 血的教训, 一旦发生火情); a hazard or quotation word reaches the whole
// sentence. A 紧急 cue far into a long letter counts only with a present
// word in its clause (正在, 现在, 刚刚).
const (
	ContextHazard   ContextKind = "隐患"
	ContextPast     ContextKind = "过去"
	ContextQuote    ContextKind = "引述"
	ContextHypothet ContextKind = "假设"
	ContextPresent  ContextKind = "现在"
)

var contextKinds = []ContextKind{ContextHazard, ContextPast, ContextQuote, ContextHypothet, ContextPresent}

// UrgencyContext is a context word and its kind.
type UrgencyContext struct {
	Text string
	Kind ContextKind
}

// UrgencyCue raises Level by Weight when Text occurs.
type UrgencyCue struct {
	Text   string
	Level  core.Urgency
	Weight float64
}

// levelRank orders levels from the most to the least pressing: when the
// cues of several levels fire, the first reached wins. A service outage
// inside an old dispute still needs water within a day.
var levelRank = []core.Urgency{core.UrgencyEmergency, core.UrgencyHurry, core.UrgencyComplex, core.UrgencyNormal}

var (
	defaultRulesOnce sync.Once
	defaultRules     *Rules
)

// DefaultRulesCSV returns the embedded urgency.csv, the file of
// DefaultRules.
func DefaultRulesCSV() []byte { return bytes.Clone(defaultRulesCSV) }

// DefaultRules returns the embedded rules (urgency.csv). The result is
// shared: do not modify it.
func DefaultRules() *Rules {
	defaultRulesOnce.Do(func() {
		r, err := LoadRules(bytes.NewReader(defaultRulesCSV))
		if err != nil {
			panic("extract: embedded urgency.csv: " + err.Error())
		}
		defaultRules = r
	})
	return defaultRules
}

// maxRules bounds a rules file, which is outside input.
const maxRules = 10000

// LoadRules reads rules in the format of the embedded urgency.csv: a header
// line "kind,text,value,weight" then rows of kind cue, limit, resolved or
// calm; '#' starts a comment line. Every level of core.Urgencies needs a
// limit. Errors are in Chinese and name line numbers, never cell values
// beyond the kind and level names.
func LoadRules(r io.Reader) (*Rules, error) {
	cr := csv.NewReader(r)
	cr.Comment = '#'
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	ru := &Rules{Limits: make(map[core.Urgency]time.Duration)}
	header := true
	var bad core.RowErrors
	for n := 0; ; n++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			line := 0
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.Line
			}
			return nil, fmt.Errorf("紧急程度规则第 %d 行格式错误: %w", line, err)
		}
		line, _ := cr.FieldPos(0)
		if n > maxRules {
			return nil, fmt.Errorf("紧急程度规则超过 %d 行", maxRules)
		}
		for len(rec) < 4 {
			rec = append(rec, "")
		}
		for i := range rec {
			rec[i] = strings.TrimSpace(rec[i])
		}
		if header {
			header = false
			if rec[0] == "kind" {
				continue
			}
		}
		kind, txt, val, wt := rec[0], rec[1], rec[2], rec[3]
		if kind == "" && txt == "" {
			continue
		}
		if txt == "" {
			bad = append(bad, core.RowError{Row: line, Reason: "缺少 text 列"})
			continue
		}
		switch kind {
		case "cue":
			if level := core.Urgency(val); !slices.Contains(core.Urgencies, level) || level == core.UrgencyNormal {
				bad = append(bad, core.RowError{Row: line, Reason: "线索的等级须为 紧急、加急 或 复杂"})
				continue
			}
			w := 1.0
			if wt != "" {
				f, err := strconv.ParseFloat(wt, 64)
				if err != nil || !(f >= 0 && f <= 10) {
					bad = append(bad, core.RowError{Row: line, Reason: "权重须为 0 到 10 之间的数"})
					continue
				}
				w = f
			}
			ru.Cues = append(ru.Cues, UrgencyCue{Text: txt, Level: core.Urgency(val), Weight: w})
		case "limit":
			if !slices.Contains(core.Urgencies, core.Urgency(txt)) {
				bad = append(bad, core.RowError{Row: line, Reason: "未知的紧急程度"})
				continue
			}
			d, err := parseLimit(val)
			if err != nil {
				bad = append(bad, core.RowError{Row: line, Reason: "时限格式错误（如 2h、24h、7d）"})
				continue
			}
			ru.Limits[core.Urgency(txt)] = d
		case "resolved":
			ru.Resolved = append(ru.Resolved, txt)
		case "calm":
			ru.Calm = append(ru.Calm, txt)
		case "context":
			if !slices.Contains(contextKinds, ContextKind(val)) {
				bad = append(bad, core.RowError{Row: line, Reason: "语境的类别须为 隐患、过去、引述、假设 或 现在"})
				continue
			}
			ru.Contexts = append(ru.Contexts, UrgencyContext{Text: txt, Kind: ContextKind(val)})
		default:
			bad = append(bad, core.RowError{Row: line, Reason: "未知的规则类型（可选 cue、limit、resolved、calm、context）"})
			continue
		}
	}
	for _, l := range core.Urgencies {
		if _, ok := ru.Limits[l]; !ok && len(bad) == 0 {
			bad = append(bad, core.RowError{Reason: fmt.Sprintf("缺少“%s”的时限", l)})
		}
	}
	if err := bad.Err("紧急程度规则"); err != nil {
		return nil, err
	}
	ru.build()
	return ru, nil
}

// parseLimit reads a Go duration or a number of days ("7d").
func parseLimit(s string) (time.Duration, error) {
	var d time.Duration
	if n, ok := strings.CutSuffix(s, "d"); ok {
		days, err := strconv.Atoi(n)
		if err != nil || days <= 0 || days > 3650 {
			return 0, errors.New("bad days")
		}
		d = time.Duration(days) * 24 * time.Hour
	} else {
		var err error
		if d, err = time.ParseDuration(s); err != nil {
			return 0, err
		}
	}
	if d <= 0 || d > 3650*24*time.Hour {
		return 0, errors.New("limit out of range")
	}
	return d, nil
}

func (ru *Rules) build() {
	var ws []string
	ru.durationCue = -1
	for i, c := range ru.Cues {
		if c.Text == DurationCue {
			ru.durationCue = i
			ws = append(ws, "\x00") // found by longDurations, not by the scan
			continue
		}
		ws = append(ws, c.Text)
	}
	ws = append(ws, ru.Resolved...)
	ws = append(ws, ru.Calm...)
	for _, c := range ru.Contexts {
		ws = append(ws, c.Text)
	}
	ru.nCues, ru.nSolved, ru.nCalm = len(ru.Cues), len(ru.Resolved), len(ru.Calm)
	ru.lex = newLexicon(ws)
}

// urgencyNegators before a cue turn it off: 没有停水, 未起火, 防止漏电,
// 是否停电 (a question about a notice, not an outage), and hypotheticals:
// 万一着火, 孩子容易掉进去.
var (
	urgencyNegators = runesOf("没有", "防止", "预防", "避免", "是否", "会不会", "以防", "担心", "如果", "万一", "要是",
		"容易", "可能", "一旦", "真要", "怕")
	// 一 before a cue is hypothetical or habitual: 一着火人都跑不出去.
	urgencyNegatorRunes = []rune("不没未无别一")
	urgencyNegatorEnds  = newEndings(urgencyNegators)
)

func urgencyNegated(rs []rune, pos int) bool {
	if pos > 0 && slices.Contains(urgencyNegatorRunes, rs[pos-1]) {
		return true
	}
	for k := pos; k >= 0 && k >= pos-3; k-- {
		if k < pos && isBoundary(rs[k]) {
			return false
		}
		if urgencyNegatorEnds.at(rs, k) {
			return true
		}
	}
	return false
}

// requestWords before a "resolved" phrase make it a request: 请尽快恢复供水,
// 希望早日来电, 什么时候能恢复.
var requestWords = runesOf("请", "尽快", "希望", "要求", "赶紧", "赶快", "早日", "及时", "何时", "什么时候", "能否", "能不能",
	"等待", "等着", "盼", "才能", "还没", "没有", "没")

var requestWordEnds = newEndings(requestWords)

// requested reports whether a request word ends within the 4 runes before
// pos, in the same clause.
func requested(rs []rune, pos int) bool {
	for k := pos; k >= 0 && k >= pos-4; k-- {
		if k < pos && isBoundary(rs[k]) {
			return false
		}
		if requestWordEnds.at(rs, k) {
			return true
		}
	}
	return false
}

// titleDiscount scales the weight of 加急 and 复杂 cues in a title.
const titleDiscount = 0.5

// Urgency returns the urgency level of a ticket, its time limit and the
// reasons (the cues that fired or were cancelled), with the default rules.
func Urgency(title, content string) (level core.Urgency, limit time.Duration, reasons []string) {
	return DefaultRules().Urgency(title, content)
}

// Urgency returns the urgency level of a ticket under ru, its time limit
// and the reasons, in Chinese, for staff: "紧急: 燃气泄漏（正文）".
func (ru *Rules) Urgency(title, content string) (level core.Urgency, limit time.Duration, reasons []string) {
	var buf [256]float64 // the shares, on the stack for a table of usual size
	var xs []float64
	if ru.nCues <= len(buf) {
		xs = buf[:ru.nCues]
	} else {
		xs = make([]float64, ru.nCues)
	}
	calm, reasons := ru.counted(xs, title, content)
	var score [4]float64 // by core.Urgencies index
	for i, x := range xs {
		if x > 0 {
			score[slices.Index(core.Urgencies, ru.Cues[i].Level)] += x * ru.Cues[i].Weight
		}
	}
	level = core.UrgencyNormal
	for _, l := range levelRank {
		if score[slices.Index(core.Urgencies, l)] >= 1-1e-9 {
			level = l
			break
		}
	}
	if calm && level == core.UrgencyHurry {
		level = core.UrgencyNormal
		reasons = append(reasons, "来电人表示不急，加急降为一般")
	}
	return level, ru.Limits[level], reasons
}

// cueHit is one occurrence of a cue in a field.
type cueHit struct {
	cue      int
	pos, end int
	text     string // what the reason shows: the cue, or what a recogniser read
}

// counted sets xs[i], for each cue i of ru (xs holds one zero per cue), to
// the share of its weight the ticket counts (0 when it did not fire or did
// not count, 1 in the text,
// titleDiscount for a 加急 or 复杂 cue only in the title), and returns
// whether the caller said it can wait and the reasons. A cue said again adds nothing
// (液化气…液化气): each cue counts once, at its highest share. Urgency adds
// the shares times the weights; the weights of urgency.csv were fitted on
// these shares (TestFitUrgency).
func (ru *Rules) counted(xs []float64, title, content string) (calm bool, reasons []string) {
	buf := getRunes(max(len(title), len(content)))
	defer putRunes(buf)
	for f, s := range [2]string{title, content} {
		if s == "" {
			continue
		}
		where := "正文"
		if f == 0 {
			where = "标题"
		}
		rs := buf.rs[:decodeFold(s, nil, buf.rs)]
		var hits []cueHit
		var contexts []hit
		var solved []int // the sentences with a "resolved" phrase
		var solvedAt sentenceCursor
		ru.lex.scan(rs, func(h hit) {
			switch {
			case h.w < ru.nCues:
				hits = ru.keepStronger(hits, cueHit{h.w, h.pos, h.end, ""})
			case h.w < ru.nCues+ru.nSolved:
				if requested(rs, h.pos) {
					return // 请尽快恢复供水: a request, not a recovery
				}
				s, _ := solvedAt.of(rs, h.pos)
				solved = append(solved, s)
				reasons = append(reasons, fmt.Sprintf("已恢复: %s（%s）", string(rs[h.pos:h.end]), where))
			case h.w < ru.nCues+ru.nSolved+ru.nCalm:
				calm = true
				reasons = append(reasons, fmt.Sprintf("不急: %s（%s）", string(rs[h.pos:h.end]), where))
			default:
				contexts = append(contexts, h)
			}
		})
		if ru.durationCue >= 0 {
			hits = ru.addDurations(hits, rs, ru.durationCue)
		}
		var at sentenceCursor
		for _, h := range hits {
			c := ru.Cues[h.cue]
			if c.Weight == 0 {
				continue // a phrase that only contains a cue: 救命钱, 消防通道
			}
			shown := c.Text
			if h.text != "" {
				shown = strings.Trim(c.Text, "<>") + "：" + h.text
			}
			if urgencyNegated(rs, h.pos) {
				reasons = append(reasons, fmt.Sprintf("不计: %s（%s，前有否定）", shown, where))
				continue
			}
			sentence, nth := at.of(rs, h.pos)
			if slices.Contains(solved, sentence) {
				reasons = append(reasons, fmt.Sprintf("不计: %s（%s，已恢复）", shown, where))
				continue
			}
			if c.Level != core.UrgencyComplex {
				kind, word := ru.context(rs, contexts, h.pos, h.end, sentence, c.Level == core.UrgencyHurry)
				switch {
				case kind != "" && kind != ContextPresent:
					reasons = append(reasons, fmt.Sprintf("不计: %s（%s，%s：%s）", shown, where, kind, word))
					continue
				case c.Level == core.UrgencyEmergency && f == 1 && nth >= 2 && h.pos >= 50 && kind != ContextPresent:
					// An emergency is told first: a fire in the fifth
					// sentence of a long letter is background.
					reasons = append(reasons, fmt.Sprintf("不计: %s（%s，不在开头且未说正在发生）", shown, where))
					continue
				}
			}
			x := 1.0
			if f == 0 && c.Level != core.UrgencyEmergency {
				// Titles are often topic labels (某小区停水问题): below 紧急 a
				// title cue needs the text to confirm it.
				x = titleDiscount
			}
			xs[h.cue] = max(xs[h.cue], x)
			if r := fmt.Sprintf("%s: %s（%s）", c.Level, shown, where); !slices.Contains(reasons, r) {
				reasons = append(reasons, r)
			}
		}
	}
	return calm, reasons
}

// keepStronger appends h to the hits of a field, which the scan gives in
// order of position, longest first at a position. Two cues on the same
// characters are one reading of them, so one counts: a cue inside a
// longer one gives way to it (电梯困人, not 被困; 救命钱, not 救命), and of
// two that overlap without one containing the other (好几年了: 好几年,
// 几年了) the stronger stays, by level and then weight.
func (ru *Rules) keepStronger(hits []cueHit, h cueHit) []cueHit {
	n := len(hits)
	if n == 0 || hits[n-1].end <= h.pos {
		return append(hits, h)
	}
	last := hits[n-1]
	switch {
	case last.pos <= h.pos && h.end <= last.end:
		return hits // inside the last one
	case h.pos <= last.pos && last.end <= h.end:
		hits[n-1] = h // around the last one (a recogniser's reading)
	case ru.stronger(h.cue, last.cue):
		hits[n-1] = h
	}
	return hits
}

// stronger reports whether cue a outranks cue b: a phrase of weight 0 (not
// a cue) first, then the more pressing level, then the heavier weight.
func (ru *Rules) stronger(a, b int) bool {
	ca, cb := ru.Cues[a], ru.Cues[b]
	if (ca.Weight == 0) != (cb.Weight == 0) {
		return ca.Weight == 0
	}
	ra, rb := slices.Index(levelRank, ca.Level), slices.Index(levelRank, cb.Level)
	if ra != rb {
		return ra < rb
	}
	return ca.Weight > cb.Weight
}

// addDurations merges into hits (in order of position) the long durations
// of rs, as hits of cue.
func (ru *Rules) addDurations(hits []cueHit, rs []rune, cue int) []cueHit {
	var found []cueHit
	longDurations(rs, func(pos, end int, text string) { found = append(found, cueHit{cue, pos, end, text}) })
	if len(found) == 0 {
		return hits
	}
	all := append(hits, found...)
	slices.SortStableFunc(all, func(a, b cueHit) int {
		if a.pos != b.pos {
			return a.pos - b.pos
		}
		return b.end - a.end
	})
	out := all[:0:0]
	for _, h := range all {
		out = ru.keepStronger(out, h)
	}
	return out
}

// sentenceCursor finds the sentence of each offset of rs, given in
// increasing order, in one pass over the runes: of returns the first offset
// of the sentence that holds offset i and the sentence's number in rs.
type sentenceCursor struct{ scanned, start, nth int }

func (c *sentenceCursor) of(rs []rune, i int) (start, nth int) {
	for ; c.scanned < i; c.scanned++ {
		if isSentenceEnd(rs[c.scanned]) {
			c.start, c.nth = c.scanned+1, c.nth+1
		}
	}
	return c.start, c.nth
}

func isSentenceEnd(r rune) bool {
	switch r {
	case '。', '!', '?', '！', '？', ';', '；', '\n':
		return true
	}
	return false
}

// context returns the strongest context of the cue at rs[pos:end] and the
// word that says it: a hazard, past, quotation or hypothetical word in the
// cue's clause, a hazard or quotation word in its sentence (starting at
// sentence) or 过 right after the cue (着过火) as past; else ContextPresent
// when a present word is in the clause; else "". A date in the sentence
// (2019年, 5月3日) is past unless, for a 加急 cue (outage), a present word
// is in the sentence.
func (ru *Rules) context(rs []rune, contexts []hit, pos, end, sentence int, outage bool) (ContextKind, string) {
	cs, ce := pos, end
	for cs > sentence && !isBoundary(rs[cs-1]) {
		cs--
	}
	for ce < len(rs) && !isBoundary(rs[ce]) {
		ce++
	}
	_, se := sentenceAt(rs, sentence)
	present := ""
	for _, h := range contexts {
		k := ru.Contexts[h.w-ru.nCues-ru.nSolved-ru.nCalm].Kind
		inClause := h.pos >= cs && h.end <= ce
		inSentence := h.pos >= sentence && h.end <= se
		switch {
		case k == ContextPresent, outage && k == ContextPast && inClause && hasPrefix(rs[h.pos:h.end], stillWord):
			// 至今 (up to now) dates a fire (火灾…至今没有赔偿) but says an
			// outage still lasts (至今未通自来水).
			if inClause {
				present = string(rs[h.pos:h.end])
			}
		case inClause, inSentence && (k == ContextHazard || k == ContextQuote):
			return k, string(rs[h.pos:h.end])
		}
	}
	if end < len(rs) && rs[end] == '过' {
		return ContextPast, "过"
	}
	if present != "" {
		return ContextPresent, present
	}
	date := ""
	for i := sentence; i < min(se, len(rs))-1 && date == ""; i++ {
		if rs[i] >= '0' && rs[i] <= '9' && (rs[i+1] == '年' || rs[i+1] == '月' || rs[i+1] == '日') {
			date = string(rs[i : i+2])
		}
	}
	if date == "" {
		return "", ""
	}
	// For a 加急 cue (outage), a date with a present word in its sentence
	// is when it began: 5月2日到4日（今天早上），自来水放出全是污水. A 紧急
	// cue on a date is past (3月15日晚有人被持刀砍伤，现在医院治疗).
	if !outage {
		return ContextPast, date
	}
	for _, h := range contexts {
		if ru.Contexts[h.w-ru.nCues-ru.nSolved-ru.nCalm].Kind == ContextPresent && h.pos >= sentence && h.end <= se {
			return ContextPresent, string(rs[h.pos:h.end])
		}
	}
	return ContextPast, date
}

var stillWord = []rune("至今")

// sentenceAt returns the index of the sentence that starts at offset i of
// rs (counted by its first offset, which is unique) and the offset after it.
func sentenceAt(rs []rune, i int) (int, int) {
	for j := i; j < len(rs); j++ {
		if isSentenceEnd(rs[j]) {
			return i, j + 1
		}
	}
	return i, len(rs) + 1
}
