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

	lex     *lexicon // Cues, then Resolved, then Calm, then Contexts
	nCues   int
	nSolved int
	nCalm   int
}

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
	for _, c := range ru.Cues {
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
)

func urgencyNegated(rs []rune, pos int) bool {
	if pos > 0 && slices.Contains(urgencyNegatorRunes, rs[pos-1]) {
		return true
	}
	for k := pos; k >= 0 && k >= pos-3; k-- {
		if k < pos && isBoundary(rs[k]) {
			return false
		}
		if endsWithAny(rs, k, urgencyNegators) {
			return true
		}
	}
	return false
}

// requestWords before a "resolved" phrase make it a request: 请尽快恢复供水,
// 希望早日来电, 什么时候能恢复.
var requestWords = runesOf("请", "尽快", "希望", "要求", "赶紧", "赶快", "早日", "及时", "何时", "什么时候", "能否", "能不能",
	"等待", "等着", "盼", "才能", "还没", "没有", "没")

// requested reports whether a request word ends within the 4 runes before
// pos, in the same clause.
func requested(rs []rune, pos int) bool {
	for k := pos; k >= 0 && k >= pos-4; k-- {
		if k < pos && isBoundary(rs[k]) {
			return false
		}
		if endsWithAny(rs, k, requestWords) {
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
	var score [4]float64 // by core.Urgencies index
	counted := map[int]float64{}
	calm := false
	type fired struct {
		cue      int
		pos, end int
		sentence int // the sentence's first offset
		nth      int // the sentence's number in the field
	}
	for f, s := range [2]string{title, content} {
		if s == "" {
			continue
		}
		where := "正文"
		if f == 0 {
			where = "标题"
		}
		rs := folded(s)
		var hits []fired
		var contexts []hit
		var solvedSentences []int
		sentence, nth := 0, -1
		next := 0 // the offset where the next sentence starts
		ru.lex.scan(rs, func(h hit) {
			for next <= h.pos {
				sentence, next = sentenceAt(rs, next)
				nth++
			}
			switch {
			case h.w < ru.nCues:
				if n := len(hits); n > 0 && hits[n-1].pos <= h.pos && h.end <= hits[n-1].end {
					return // inside a longer cue: 电梯困人 counts once
				}
				if urgencyNegated(rs, h.pos) {
					reasons = append(reasons, fmt.Sprintf("不计: %s（%s，前有否定）", string(rs[h.pos:h.end]), where))
					return
				}
				hits = append(hits, fired{h.w, h.pos, h.end, sentence, nth})
			case h.w < ru.nCues+ru.nSolved:
				if requested(rs, h.pos) {
					return // 请尽快恢复供水: a request, not a recovery
				}
				solvedSentences = append(solvedSentences, sentence)
				reasons = append(reasons, fmt.Sprintf("已恢复: %s（%s）", string(rs[h.pos:h.end]), where))
			case h.w < ru.nCues+ru.nSolved+ru.nCalm:
				calm = true
				reasons = append(reasons, fmt.Sprintf("不急: %s（%s）", string(rs[h.pos:h.end]), where))
			default:
				contexts = append(contexts, h)
			}
		})
		for _, h := range hits {
			c := ru.Cues[h.cue]
			if c.Weight == 0 {
				continue // a phrase that only contains a cue: 救命钱, 消防通道
			}
			if slices.Contains(solvedSentences, h.sentence) {
				reasons = append(reasons, fmt.Sprintf("不计: %s（%s，已恢复）", c.Text, where))
				continue
			}
			if c.Level != core.UrgencyComplex {
				kind, word := ru.context(rs, contexts, h.pos, h.end, h.sentence)
				switch {
				case kind != "" && kind != ContextPresent:
					reasons = append(reasons, fmt.Sprintf("不计: %s（%s，%s：%s）", c.Text, where, kind, word))
					continue
				case c.Level == core.UrgencyEmergency && f == 1 && h.nth >= 2 && h.pos >= 50 && kind != ContextPresent:
					// An emergency is told first: a fire in the fifth
					// sentence of a long letter is background.
					reasons = append(reasons, fmt.Sprintf("不计: %s（%s，不在开头且未说正在发生）", c.Text, where))
					continue
				}
			}
			w := c.Weight
			if f == 0 && c.Level != core.UrgencyEmergency {
				// Titles are often topic labels (某小区停水问题): below 紧急 a
				// title cue needs the text to confirm it.
				w *= titleDiscount
			}
			// A cue said again adds nothing (液化气…液化气): each cue
			// counts once, at its highest weight.
			if w > counted[h.cue] {
				score[slices.Index(core.Urgencies, c.Level)] += w - counted[h.cue]
				counted[h.cue] = w
			}
			reasons = append(reasons, fmt.Sprintf("%s: %s（%s）", c.Level, c.Text, where))
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

// context returns the strongest context of the cue at rs[pos:end] and the
// word that says it: a hazard, past, quotation or hypothetical word in the
// cue's clause, a hazard or quotation word in its sentence (starting at
// sentence) or 过 right after the cue (着过火) as past; else ContextPresent when a present word is in the
// clause; else "". A date in the sentence (2019年, 5月3日) is past unless
// a present word is in the clause.
func (ru *Rules) context(rs []rune, contexts []hit, pos, end, sentence int) (ContextKind, string) {
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
		case k == ContextPresent:
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
	for i := sentence; i < min(se, len(rs))-1; i++ {
		if rs[i] >= '0' && rs[i] <= '9' && (rs[i+1] == '年' || rs[i+1] == '月' || rs[i+1] == '日') {
			return ContextPast, string(rs[i : i+2])
		}
	}
	return "", ""
}

// sentenceAt returns the index of the sentence that starts at offset i of
// rs (counted by its first offset, which is unique) and the offset after it.
func sentenceAt(rs []rune, i int) (int, int) {
	for j := i; j < len(rs); j++ {
		switch rs[j] {
		case '。', '!', '?', '！', '？', ';', '；', '\n':
			return i, j + 1
		}
	}
	return i, len(rs) + 1
}
