package policy

import (
	"regexp"
	"strings"
)

// Markdown is read for what a policy document uses of it: front matter,
// ATX and setext headings, paragraphs, lists, block quotes, fenced code
// and pipe tables; inline markup is taken off.

var (
	headingRe   = regexp.MustCompile(`^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$`)
	mdSniffRe   = regexp.MustCompile(`^#{1,6}[ \t]+\S`)
	bulletRe    = regexp.MustCompile(`^\s{0,12}[-*+][ \t]+(.*)$`)
	orderedRe   = regexp.MustCompile(`^\s{0,12}([0-9]{1,3})[.)][ \t]+(.*)$`)
	ruleRe      = regexp.MustCompile(`^ {0,3}(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,})$`)
	setextRe    = regexp.MustCompile(`^ {0,3}(=+|-+)[ \t]*$`)
	tableSepRe  = regexp.MustCompile(`^\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$`)
	imageRe     = regexp.MustCompile(`!\[([^\]]*)\]\([^)]*\)`)
	linkRe      = regexp.MustCompile(`\[([^\]]*)\]\([^)]*\)`)
	refLinkRe   = regexp.MustCompile(`\[([^\]]+)\]\[[^\]]*\]`)
	autoLinkRe  = regexp.MustCompile(`<(https?://[^>\s]+)>`)
	inlineTagRe = regexp.MustCompile(`</?[a-zA-Z][^<>]{0,200}>`)
	emphRe      = regexp.MustCompile(`(\*\*|__|~~|\*|_)([^*_~\s](?:[^*_~]*[^*_~\s])?)(?:\*\*|__|~~|\*|_)`)
	frontKeyRe  = regexp.MustCompile(`^([\p{L}_][\p{L}\p{N}_ -]{0,30})\s*[:：]\s*(.*)$`)
)

// frontKeys are the front matter keys read, as the labels of a text.
var frontKeys = map[string]string{
	"title": "标题", "issuer": "发文机关", "number": "文号", "doc_number": "文号", "docno": "文号",
	"date": "成文日期", "issued": "成文日期", "effective": "施行日期", "valid_until": "有效期至",
	"validity": "时效性", "status": "时效性", "source": "来源",
	"标题": "标题", "发文机关": "发文机关", "文号": "文号", "发文字号": "文号", "日期": "成文日期",
	"成文日期": "成文日期", "发布日期": "发布日期", "施行日期": "施行日期", "有效期至": "有效期至",
	"时效性": "时效性", "效力": "时效性", "来源": "来源",
}

func readMarkdown(text string) draft {
	var d draft
	lines := strings.Split(text, "\n")
	i := 0
	if len(lines) > 0 && strings.TrimSpace(lines[0]) == "---" {
		for j := 1; j < len(lines) && j < 200; j++ {
			l := strings.TrimSpace(lines[j])
			if l == "---" || l == "..." {
				for _, fl := range lines[1:j] {
					if m := frontKeyRe.FindStringSubmatch(strings.TrimSpace(fl)); m != nil {
						if k, ok := frontKeys[strings.ToLower(strings.TrimSpace(m[1]))]; ok {
							d.meta = append(d.meta, k+"："+strings.Trim(strings.TrimSpace(m[2]), `"'`))
						}
					}
				}
				i = j + 1
				break
			}
		}
	}
	var para []string
	flush := func() {
		if len(para) == 0 {
			return
		}
		t := para[0]
		for _, p := range para[1:] {
			t = joinText(t, p)
		}
		if t = inline(t); t != "" {
			d.blocks = append(d.blocks, block{text: t})
		}
		para = para[:0]
	}
	fence := ""
	for ; i < len(lines); i++ {
		raw := strings.TrimRight(lines[i], " \t")
		line := strings.TrimSpace(raw)
		if fence != "" {
			if strings.HasPrefix(line, fence) {
				fence = ""
				flush()
				continue
			}
			if line != "" {
				para = append(para, line)
			}
			continue
		}
		if strings.HasPrefix(line, "```") || strings.HasPrefix(line, "~~~") {
			flush()
			fence = line[:3]
			continue
		}
		// Block quotes are read as their content.
		for strings.HasPrefix(line, ">") {
			line = strings.TrimSpace(line[1:])
			raw = line
		}
		switch {
		case line == "":
			flush()
		case headingRe.MatchString(raw):
			flush()
			m := headingRe.FindStringSubmatch(raw)
			if t := inline(m[2]); t != "" {
				d.blocks = append(d.blocks, block{text: t, level: len(m[1])})
			}
		case len(para) == 1 && setextRe.MatchString(raw) && !bulletRe.MatchString(para[0]):
			level := 1
			if strings.HasPrefix(line, "-") {
				level = 2
			}
			t := inline(para[0])
			para = para[:0]
			if t != "" {
				d.blocks = append(d.blocks, block{text: t, level: level})
			}
		case ruleRe.MatchString(raw):
			flush()
		case strings.HasPrefix(line, "|"):
			flush()
			if tableSepRe.MatchString(line) {
				continue
			}
			if row := tableRow(line); row != "" {
				d.blocks = append(d.blocks, block{text: row, row: true})
			}
		case bulletRe.MatchString(raw):
			flush()
			para = append(para, bulletRe.FindStringSubmatch(raw)[1])
		case orderedRe.MatchString(raw):
			flush()
			m := orderedRe.FindStringSubmatch(raw)
			para = append(para, m[1]+". "+m[2])
		default:
			// A line of a Chinese policy text that starts an article or an
			// item starts a paragraph even without a blank line before it.
			if len(para) > 0 {
				if art, _ := articleStart(line); art != "" || partHeading(line) > 0 {
					flush()
				} else if mk, _ := itemMarker(line); mk != "" {
					flush()
				}
			}
			para = append(para, line)
		}
	}
	flush()
	return d
}

// tableRow reads a pipe table row as its cells joined by " | ".
func tableRow(line string) string {
	line = strings.Trim(strings.TrimSpace(line), "|")
	var cells []string
	for c := range strings.SplitSeq(line, "|") {
		if c = inline(strings.TrimSpace(c)); c != "" {
			cells = append(cells, c)
		}
	}
	return strings.Join(cells, " | ")
}

// inline takes inline markup off a Markdown text: images become their
// alt text, links their text, emphasis and code marks and inline HTML
// tags are dropped, and backslash escapes are undone.
func inline(s string) string {
	if !strings.ContainsAny(s, "*_~`[]!<>\\") {
		return strings.TrimSpace(s)
	}
	s = imageRe.ReplaceAllString(s, "$1")
	s = linkRe.ReplaceAllString(s, "$1")
	s = refLinkRe.ReplaceAllString(s, "$1")
	s = autoLinkRe.ReplaceAllString(s, "$1")
	s = inlineTagRe.ReplaceAllString(s, "")
	for range 3 {
		t := emphRe.ReplaceAllString(s, "$2")
		if t == s {
			break
		}
		s = t
	}
	s = strings.ReplaceAll(s, "`", "")
	var b strings.Builder
	esc := false
	for _, r := range s {
		if r == '\\' && !esc {
			esc = true
			continue
		}
		esc = false
		b.WriteRune(r)
	}
	return strings.TrimSpace(b.String())
}
