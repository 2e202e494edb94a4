package policy

import (
	"errors"
	"io"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"jiceng/internal/core"
)

// HTML is read with x/net/html's tokenizer, not its tree builder: a
// token stream needs no memory for nesting, so a page of a million
// nested tags costs no more than its bytes. What is read is the text of
// the page as a reader sees it: headings h1–h6, paragraphs and other
// blocks, list items (numbered for <ol>), table rows; scripts, styles,
// frames, forms, navigation and elements hidden by the hidden attribute
// or an inline display:none are dropped, with comments. Entities are
// decoded by the tokenizer.

// maxLists is the deepest list nesting whose numbers are kept; deeper
// lists read as unnumbered.
const maxLists = 32

// skipped are the elements whose content is no text of the page.
var skipped = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Iframe: true, atom.Noscript: true, atom.Template: true,
	atom.Svg: true, atom.Math: true, atom.Object: true, atom.Select: true, atom.Button: true,
	atom.Nav: true, atom.Footer: true, atom.Noembed: true, atom.Noframes: true, atom.Plaintext: true, atom.Xmp: true,
	atom.Textarea: true, atom.Frameset: true, atom.Canvas: true, atom.Audio: true, atom.Video: true,
	atom.Datalist: true, atom.Map: true,
}

// blockTags end the paragraph before them and the one in them.
var blockTags = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.Section: true, atom.Article: true, atom.Blockquote: true,
	atom.Li: true, atom.Dt: true, atom.Dd: true, atom.Dl: true, atom.Pre: true, atom.Header: true,
	atom.Footer: true, atom.Main: true, atom.Aside: true, atom.Figure: true, atom.Figcaption: true,
	atom.Address: true, atom.Center: true, atom.Form: true, atom.Fieldset: true, atom.Details: true,
	atom.Summary: true, atom.Caption: true, atom.Hr: true, atom.Table: true, atom.Br: true,
	atom.Body: true, atom.Html: true, atom.Tbody: true, atom.Thead: true, atom.Tfoot: true,
	atom.Legend: true, atom.Ul: true, atom.Ol: true, atom.Menu: true,
}

var headingLevels = map[atom.Atom]int{atom.H1: 1, atom.H2: 2, atom.H3: 3, atom.H4: 4, atom.H5: 5, atom.H6: 6}

// metaNames are the <meta name> of government sites read as labels.
var metaNames = map[string]string{
	"articletitle": "标题", "pubdate": "发布日期", "contentsource": "来源", "firstimgsrc": "",
	"title": "标题", "dc.title": "标题", "dc.date": "发布日期",
}

var (
	hiddenStyleRe = regexp.MustCompile(`(?i)display\s*:\s*none|visibility\s*:\s*hidden|font-size\s*:\s*0`)
	titleSepRe    = regexp.MustCompile(`\s+[-–—|｜_]+\s+|[_｜|]|——|－`)
)

type htmlReader struct {
	d       draft
	buf     strings.Builder
	level   int // heading level of the text in buf
	title   strings.Builder
	inTitle bool
	inHead  bool
	// A table row in the making, and its current cell.
	cells  []string
	cell   strings.Builder
	inRow  bool
	inCell bool
	lists  []listState
	depth  int // list depth beyond maxLists
	prefix string
}

type listState struct {
	ordered bool
	n       int
}

func readHTML(text string) (draft, error) {
	z := html.NewTokenizer(strings.NewReader(text))
	z.SetMaxBuf(MaxHTMLToken)
	r := &htmlReader{}
	skip, skipTag := 0, atom.Atom(0)
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			err := z.Err()
			if err == io.EOF {
				r.endRow()
				r.flush()
				r.d.metaTitle = cleanTitle(r.title.String())
				return r.d, nil
			}
			if errors.Is(err, html.ErrBufferExceeded) {
				return draft{}, core.Errorf(core.EINVALID, "HTML 中有超过 %d MB 的单个标记或文字块，不予读取", MaxHTMLToken>>20)
			}
			return draft{}, core.Errorf(core.EINVALID, "HTML 无法读取")
		case html.TextToken:
			if skip > 0 || r.inHead && !r.inTitle {
				continue
			}
			t := string(z.Text())
			if r.inTitle {
				if r.title.Len() < 1024 {
					r.title.WriteString(t)
				}
				continue
			}
			r.text(t)
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			a := atom.Lookup(name)
			if skip > 0 {
				if a == skipTag && tt == html.StartTagToken {
					skip++
				}
				continue
			}
			hidden, metaName, metaContent := false, "", ""
			for hasAttr {
				var k, v []byte
				k, v, hasAttr = z.TagAttr()
				switch string(k) {
				case "hidden":
					hidden = true
				case "aria-hidden":
					hidden = hidden || string(v) == "true"
				case "style":
					hidden = hidden || hiddenStyleRe.Match(v)
				case "name", "property":
					metaName = strings.ToLower(string(v))
				case "content":
					if len(v) <= 1024 {
						metaContent = string(v)
					}
				}
			}
			if a == atom.Meta {
				if k := metaNames[metaName]; k != "" && metaContent != "" {
					r.d.meta = append(r.d.meta, k+"："+metaContent)
				}
				continue
			}
			if tt == html.StartTagToken && (skipped[a] || hidden) && !voidElement(a) {
				skip, skipTag = 1, a
				if a == 0 {
					skip = 0 // an unknown tag cannot be matched to its end
				}
				continue
			}
			r.start(a, tt == html.SelfClosingTagToken)
		case html.EndTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			if skip > 0 {
				if a == skipTag {
					skip--
				}
				continue
			}
			r.end(a)
		}
	}
}

func voidElement(a atom.Atom) bool {
	switch a {
	case atom.Area, atom.Base, atom.Br, atom.Col, atom.Embed, atom.Hr, atom.Img, atom.Input,
		atom.Link, atom.Meta, atom.Source, atom.Track, atom.Wbr:
		return true
	}
	return false
}

func (r *htmlReader) text(t string) {
	if r.inCell {
		r.cell.WriteString(t)
		return
	}
	if r.prefix != "" && strings.TrimSpace(t) != "" {
		r.buf.WriteString(r.prefix)
		r.prefix = ""
	}
	r.buf.WriteString(t)
}

func (r *htmlReader) start(a atom.Atom, selfClosing bool) {
	switch {
	case a == atom.Title:
		r.inTitle = !selfClosing
		return
	case a == atom.Head:
		r.inHead = true
		return
	case a == atom.Body:
		r.inHead = false
	case r.inHead && a != atom.Meta && a != atom.Link && a != atom.Base:
		r.inHead = false // a body element ends a head left open, as in a browser
	}
	if lv := headingLevels[a]; lv > 0 {
		r.flush()
		r.level = lv
		return
	}
	switch a {
	case atom.Tr:
		r.endRow()
		r.flush()
		r.inRow = true
		return
	case atom.Td, atom.Th:
		if !r.inRow {
			r.flush()
			r.inRow = true
		}
		r.endCell()
		r.inCell = true
		return
	}
	if r.inCell {
		if blockTags[a] {
			r.cell.WriteByte(' ')
		}
		return
	}
	if blockTags[a] {
		r.flush()
	}
	switch a {
	case atom.Ol, atom.Ul:
		if len(r.lists) < maxLists {
			r.lists = append(r.lists, listState{ordered: a == atom.Ol})
		} else {
			r.depth++
		}
	case atom.Li:
		if k := len(r.lists); k > 0 && r.depth == 0 && r.lists[k-1].ordered {
			r.lists[k-1].n++
			r.prefix = strconv.Itoa(r.lists[k-1].n) + ". "
		}
	}
}

func (r *htmlReader) end(a atom.Atom) {
	switch {
	case a == atom.Title:
		r.inTitle = false
		return
	case a == atom.Head:
		r.inHead = false
		return
	}
	if r.inHead {
		return
	}
	if lv := headingLevels[a]; lv > 0 {
		r.flush()
		return
	}
	switch a {
	case atom.Td, atom.Th:
		r.endCell()
		return
	case atom.Tr:
		r.endRow()
		return
	case atom.Table:
		r.endRow()
	}
	if r.inCell {
		return
	}
	switch a {
	case atom.Ol, atom.Ul:
		if r.depth > 0 {
			r.depth--
		} else if len(r.lists) > 0 {
			r.lists = r.lists[:len(r.lists)-1]
		}
	}
	if blockTags[a] {
		r.flush()
	}
}

func (r *htmlReader) endCell() {
	if !r.inCell {
		return
	}
	r.inCell = false
	if c := collapse(r.cell.String()); c != "" && len(r.cells) < 64 {
		r.cells = append(r.cells, c)
	}
	r.cell.Reset()
}

func (r *htmlReader) endRow() {
	r.endCell()
	if r.inRow && len(r.cells) > 0 {
		r.d.blocks = append(r.d.blocks, block{text: strings.Join(r.cells, " | "), row: true})
	}
	r.cells = r.cells[:0]
	r.inRow = false
}

// flush ends the paragraph or heading in the making.
func (r *htmlReader) flush() {
	t := collapse(r.buf.String())
	r.buf.Reset()
	r.prefix = ""
	if t != "" {
		r.d.blocks = append(r.d.blocks, block{text: t, level: r.level})
	}
	r.level = 0
}

// collapse makes every run of spaces one space, and a line break of the
// source between two Chinese characters nothing (browsers show it as
// nothing in Chinese text, and it is a wrap, no word break).
func collapse(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	prev := rune(0)
	space, newline := false, false
	for _, c := range s {
		if unicode.IsSpace(c) || c == '\u00a0' {
			space = true
			newline = newline || c == '\n'
			continue
		}
		if space && prev != 0 && !(newline && prev >= 0x2E80 && c >= 0x2E80) {
			b.WriteByte(' ')
		}
		space, newline = false, false
		b.WriteRune(c)
		prev = c
	}
	return cleanControls(b.String())
}

// cleanTitle takes the site's name off a page title ("…的通知 - 海川区人
// 民政府网站").
func cleanTitle(t string) string {
	t = collapse(t)
	if loc := titleSepRe.FindStringIndex(t); loc != nil && utf8.RuneCountInString(t[:loc[0]]) >= 4 {
		t = strings.TrimSpace(t[:loc[0]])
	}
	return t
}
