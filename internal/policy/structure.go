package policy

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"jiceng/internal/core"
)

// A block is one paragraph of a document as its reader found it: a
// heading of the markup (Markdown #, HTML h1–h6, a DOCX heading style), a
// paragraph, or a row of a table.
type block struct {
	text string
	// level is the markup heading level 1..6, 0 for a paragraph.
	level int
	// row marks a table row (cells joined by " | ").
	row bool
	// title marks the block the format itself calls the title (a DOCX
	// Title style, a Markdown front matter title).
	title bool
	// gap marks a block after a blank line (plain text), which a wrapped
	// line never is.
	gap bool
}

// draft is what a reader found, before metadata and passages.
type draft struct {
	blocks []block
	// metaTitle is the title of the file's metadata (HTML <title>, DOCX
	// core properties), used when the text shows none.
	metaTitle string
	// meta are label: value pairs of the file's metadata (Markdown front
	// matter, HTML <meta>), read like the 发文机关：… lines of a text.
	meta []string
}

// Levels of headings: markup headings keep their own (1..6); the Chinese
// structure nests below them, coarse to fine.
const (
	levelInner  = 6  // the title of a document inside the document
	levelBian   = 7  // 第X编
	levelZhang  = 8  // 第X章 (and 第X部分)
	levelJie    = 9  // 第X节
	levelCN     = 11 // 一、
	levelCNPar  = 12 // （一）
	levelNum    = 13 // 1.
	levelNumPar = 14 // （1）
)

const cnNum = `[一二三四五六七八九十百千零〇两]+`
const anyNum = `(?:[一二三四五六七八九十百千零〇两]+|[0-9０-９]+)`

var (
	partRe    = regexp.MustCompile(`^第\s*(` + anyNum + `)\s*(编|章|节|部分)`)
	articleRe = regexp.MustCompile(`^第\s*(` + anyNum + `)\s*条`)
	// itemRes are the numbered items, with their heading level.
	itemRes = []struct {
		re    *regexp.Regexp
		level int
	}{
		{regexp.MustCompile(`^[（(]\s*(` + cnNum + `)\s*[)）]`), levelCNPar},
		{regexp.MustCompile(`^(` + cnNum + `)\s*[、，,．.]`), levelCN},
		{regexp.MustCompile(`^[（(]\s*([0-9０-９]{1,3})\s*[)）]`), levelNumPar},
		{regexp.MustCompile(`^([0-9０-９]{1,3})\s*(?:[、．]|\.(?:[^0-9０-９]|$))`), levelNum},
		{regexp.MustCompile(`^([①-⑳])`), levelNumPar + 1},
	}
	spacesRe = regexp.MustCompile(`[\s　]+`)
	// annexRe is the heading of an annex: 附件, 附件2, 附件1：申请表 (not the
	// list of annexes in the body, 附件：1. …).
	annexRe = regexp.MustCompile(`^附\s*件\s*(?:[0-9０-９一二三四五六七八九十]{1,3}(?:\s*[:：　 ]\s*\S.{0,40})?)?$`)
)

// terminal reports whether a sentence ends at r.
func terminal(r rune) bool {
	switch r {
	case '。', '！', '？', '；', '!', '?', ';', '…':
		return true
	}
	return false
}

// articleStart returns the article number of a paragraph that starts an
// article ("第十二条"), or "" for one that only cites one ("第十二条规定的").
func articleStart(text string) (article, rest string) {
	m := articleRe.FindStringSubmatchIndex(text)
	if m == nil {
		return "", text
	}
	rest = text[m[1]:]
	if r, _ := utf8.DecodeRuneInString(rest); strings.ContainsRune("规所第中的之款项至、和及或，", r) {
		return "", text
	}
	if _, ok := parseNumber(text[m[2]:m[3]]); !ok {
		return "", text
	}
	return "第" + text[m[2]:m[3]] + "条", strings.TrimLeft(rest, " \t　")
}

// partHeading returns the level of a 第X编/章/节 heading, 0 for any other
// paragraph: a heading is short and ends no sentence.
func partHeading(text string) int {
	m := partRe.FindStringSubmatch(text)
	if m == nil || utf8.RuneCountInString(text) > 40 || endsSentence(text) {
		return 0
	}
	if _, ok := parseNumber(m[1]); !ok {
		return 0
	}
	switch m[2] {
	case "编":
		return levelBian
	case "节":
		return levelJie
	}
	return levelZhang
}

// itemMarker returns the numbered item marker a paragraph starts with
// ("（一）", "1.") and the heading level it would have as a heading.
func itemMarker(text string) (marker string, level int) {
	for _, it := range itemRes {
		if m := it.re.FindStringIndex(text); m != nil {
			marker = strings.TrimSpace(text[:m[1]])
			if it.level == levelNum {
				// "1.第一项" matched one rune beyond the dot.
				if i := strings.IndexAny(marker, ".、．"); i >= 0 {
					marker = marker[:i+len(string([]rune(marker[i:])[0]))]
				}
			}
			return marker, it.level
		}
	}
	return "", 0
}

func endsSentence(text string) bool {
	r, _ := utf8.DecodeLastRuneInString(strings.TrimSpace(text))
	return terminal(r) || r == '，' || r == ','
}

// headingLike reports whether a numbered paragraph reads as a heading:
// short, and no sentence.
func headingLike(text string) bool {
	if utf8.RuneCountInString(text) > 30 || endsSentence(text) || strings.ContainsAny(text, "。；;") {
		return false
	}
	r, _ := utf8.DecodeLastRuneInString(text)
	return r != '：' && r != ':'
}

// normHeading tidies a heading: runs of spaces become one, and none is
// kept between two Chinese characters (第一章　总　则 → 第一章 总则).
func normHeading(s string) string {
	s = spacesRe.ReplaceAllString(strings.TrimSpace(s), " ")
	if !strings.Contains(s, " ") {
		return s
	}
	rs := []rune(s)
	var b strings.Builder
	for i, r := range rs {
		if r == ' ' && i > 0 && i+1 < len(rs) && unicode.Is(unicode.Han, rs[i-1]) && unicode.Is(unicode.Han, rs[i+1]) {
			// Keep the space after a 第X章 number, drop the others.
			if !(strings.HasPrefix(s, "第") && isPartUnit(rs[i-1]) && !strings.ContainsRune(string(rs[:i]), ' ')) {
				continue
			}
		}
		b.WriteRune(r)
	}
	return b.String()
}

func isPartUnit(r rune) bool {
	return r == '编' || r == '章' || r == '节' || r == '分' || r == '条'
}

// unit is a paragraph of a passage in the making: its text and the item
// or clause it is.
type unit struct {
	text, item string
}

// section is a run of units under one heading path, in one article or
// outside any.
type section struct {
	headings []string
	article  string
	units    []unit
}

type heading struct {
	level int
	text  string
}

// structure groups blocks into sections by their headings and articles.
func structure(blocks []block) []section {
	var (
		stack   []heading
		out     []section
		cur     *section
		clause  int // 款 of the current article
		inTable bool
	)
	path := func() []string {
		p := make([]string, len(stack))
		for i, h := range stack {
			p[i] = h.text
		}
		return p
	}
	push := func(level int, text string) {
		for len(stack) > 0 && stack[len(stack)-1].level >= level {
			stack = stack[:len(stack)-1]
		}
		stack = append(stack, heading{level, normHeading(text)})
		cur = nil
	}
	open := func(article string) {
		out = append(out, section{headings: path(), article: article})
		cur = &out[len(out)-1]
	}
	for i, b := range blocks {
		text := strings.TrimSpace(b.text)
		if text == "" {
			continue
		}
		if b.level > 0 {
			push(b.level, text)
			continue
		}
		if !b.row {
			if lv := partHeading(text); lv > 0 {
				push(lv, text)
				continue
			}
			if annexRe.MatchString(text) {
				push(levelInner, text) // 附件1: what follows is an annex
				continue
			}
			if titleLike(text) && hasTitleEnd(text) && startsParts(blocks[i+1:]) {
				// The title of a document inside this one (the 办法 a 通知
				// issues), above its 章 or 条.
				push(levelInner, text)
				continue
			}
			if art, rest := articleStart(text); art != "" {
				open(art)
				clause = 1
				cur.units = append(cur.units, unit{text: art + " " + rest})
				if rest == "" {
					cur.units[0].text = art
				}
				continue
			}
		}
		if b.row != inTable || cur == nil {
			inTable = b.row
			if cur == nil || cur.article == "" {
				open("")
			}
		}
		marker, level := "", 0
		if !b.row {
			marker, level = itemMarker(text)
		}
		if cur.article != "" {
			// Inside an article: an item, or its next clause (款).
			item := marker
			if item == "" && !b.row {
				clause++
				item = "第" + cnNumber(clause) + "款"
			}
			cur.units = append(cur.units, unit{text: text, item: item})
			continue
		}
		if marker != "" && headingLike(text) && followedByBody(blocks[i+1:], level) {
			push(level, text)
			continue
		}
		cur.units = append(cur.units, unit{text: text, item: marker})
	}
	return out
}

// startsParts reports whether the next paragraph is a 编/章/节 heading or
// an article.
func startsParts(rest []block) bool {
	for _, b := range rest {
		text := strings.TrimSpace(b.text)
		if text == "" {
			continue
		}
		if b.level > 0 {
			return false
		}
		art, _ := articleStart(text)
		return art != "" || partHeading(text) > 0
	}
	return false
}

// followedByBody reports whether the paragraph after a numbered
// heading-like one is its body: text of no marker or of a finer one, not
// a sibling item or the next heading.
func followedByBody(rest []block, level int) bool {
	for _, b := range rest {
		text := strings.TrimSpace(b.text)
		if text == "" {
			continue
		}
		if b.level > 0 || partHeading(text) > 0 {
			return false
		}
		if art, _ := articleStart(text); art != "" {
			return true
		}
		_, lv := itemMarker(text)
		return lv == 0 || lv > level
	}
	return false
}

// passages splits sections into passages: an article whole when it is
// short enough, else in parts at its clauses or sentence ends; outside
// articles a paragraph, short ones merged with their neighbours.
func passages(id string, secs []section) ([]Passage, error) {
	var out []Passage
	add := func(s *section, item, text string) error {
		if len(out) >= MaxPassages {
			return core.Errorf(core.EINVALID, "文档超过 %d 个段落的上限", MaxPassages)
		}
		out = append(out, Passage{
			ID:       id + "#" + strconv.Itoa(len(out)+1),
			Headings: s.headings,
			Article:  s.article,
			Item:     item,
			Text:     text,
		})
		return nil
	}
	for i := range secs {
		s := &secs[i]
		if len(s.units) == 0 {
			continue
		}
		var groups [][]unit
		if s.article != "" {
			groups = packArticle(s.units)
		} else {
			groups = packParagraphs(s.units)
		}
		for gi, g := range groups {
			item := g[0].item
			if s.article != "" && len(groups) == 1 {
				item = ""
			} else if s.article != "" && gi == 0 && item == "" {
				item = "第一款"
			}
			for _, part := range splitLong(joinUnits(g)) {
				if err := add(s, item, part); err != nil {
					return nil, err
				}
			}
		}
	}
	return out, nil
}

func joinUnits(g []unit) string {
	if len(g) == 1 {
		return g[0].text
	}
	parts := make([]string, len(g))
	for i, u := range g {
		parts[i] = u.text
	}
	return strings.Join(parts, "\n")
}

func runes(s string) int { return utf8.RuneCountInString(s) }

// packArticle groups an article's clauses and items into parts of at most
// TargetRunes (a single longer clause is one part, split later at its
// sentences).
func packArticle(units []unit) [][]unit {
	total := 0
	for _, u := range units {
		total += runes(u.text) + 1
	}
	if total <= TargetRunes {
		return [][]unit{units}
	}
	var groups [][]unit
	var g []unit
	size := 0
	for _, u := range units {
		n := runes(u.text) + 1
		if len(g) > 0 && size+n > TargetRunes && !(size < minRunes) {
			groups = append(groups, g)
			g, size = nil, 0
		}
		g = append(g, u)
		size += n
	}
	if len(g) > 0 {
		// A short tail joins the part before it.
		if size < minRunes && len(groups) > 0 {
			groups[len(groups)-1] = append(groups[len(groups)-1], g...)
		} else {
			groups = append(groups, g)
		}
	}
	return groups
}

// packParagraphs makes each paragraph a passage, merging one shorter than
// minRunes (a lead-in "申请须具备下列条件：", a run of short items, table
// rows) with the paragraphs after it, or a short last one with the one
// before.
func packParagraphs(units []unit) [][]unit {
	var groups [][]unit
	var g []unit
	size := 0
	for _, u := range units {
		n := runes(u.text) + 1
		// A lead-in ("…通知如下：") keeps the short items after it.
		leadIn := len(g) > 0 && u.item != "" && n <= minRunes*3/2 &&
			(strings.HasSuffix(g[len(g)-1].text, "：") || g[len(g)-1].item != "" && g[0].item == "" && strings.HasSuffix(g[0].text, "："))
		if len(g) > 0 && (size >= minRunes && !leadIn || size+n > TargetRunes) {
			groups = append(groups, g)
			g, size = nil, 0
		}
		g = append(g, u)
		size += n
	}
	if len(g) > 0 {
		if size < minRunes && len(groups) > 0 && groupSize(groups[len(groups)-1])+size <= TargetRunes {
			groups[len(groups)-1] = append(groups[len(groups)-1], g...)
		} else {
			groups = append(groups, g)
		}
	}
	return groups
}

func groupSize(g []unit) int {
	n := 0
	for _, u := range g {
		n += runes(u.text) + 1
	}
	return n
}

// splitLong cuts a text longer than TargetRunes into parts at sentence
// ends (or line ends), each as near TargetRunes as the sentences allow; a
// sentence longer than hardRunes is cut at a comma, or as a last resort
// anywhere.
func splitLong(text string) []string {
	if runes(text) <= TargetRunes {
		return []string{text}
	}
	var parts []string
	var cur strings.Builder
	curN := 0
	flush := func() {
		if s := strings.TrimSpace(cur.String()); s != "" {
			parts = append(parts, s)
		}
		cur.Reset()
		curN = 0
	}
	for _, sent := range sentences(text) {
		n := runes(sent)
		if curN > 0 && curN+n > TargetRunes {
			flush()
		}
		if n > hardRunes {
			for _, piece := range cutHard(sent) {
				cur.WriteString(piece)
				flush()
			}
			continue
		}
		cur.WriteString(sent)
		curN += n
	}
	flush()
	// A short last part joins the one before it.
	if k := len(parts); k > 1 && runes(parts[k-1]) < minRunes {
		parts[k-2] += parts[k-1]
		parts = parts[:k-1]
	}
	return parts
}

// sentences splits text after each sentence end and line end, keeping
// closing quotes and brackets with their sentence.
func sentences(text string) []string {
	var out []string
	start := 0
	rs := text
	for i, r := range rs {
		if !(terminal(r) || r == '\n') {
			continue
		}
		end := i + utf8.RuneLen(r)
		for end < len(rs) {
			c, w := utf8.DecodeRuneInString(rs[end:])
			if !strings.ContainsRune("”’」』）)】", c) {
				break
			}
			end += w
		}
		if end <= start {
			continue
		}
		out = append(out, rs[start:end])
		start = end
	}
	if start < len(rs) {
		out = append(out, rs[start:])
	}
	return out
}

// cutHard cuts an overlong sentence into pieces of at most hardRunes, at
// the last comma or space before the limit when there is one.
func cutHard(s string) []string {
	rs := []rune(s)
	var out []string
	for len(rs) > hardRunes {
		cut := hardRunes
		for j := hardRunes - 1; j > hardRunes/2; j-- {
			if strings.ContainsRune("，,、 　：:", rs[j]) {
				cut = j + 1
				break
			}
		}
		out = append(out, string(rs[:cut]))
		rs = rs[cut:]
	}
	if len(rs) > 0 {
		out = append(out, string(rs))
	}
	return out
}
