package policy

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"path"
	"regexp"
	"strconv"
	"strings"

	"jiceng/internal/core"
)

// DOCX is read with archive/zip and encoding/xml: the main document part
// as a stream of tokens (paragraphs, their style and numbering, runs of
// text, tables), its styles (which paragraph styles are headings: Heading
// 1…6, 标题 1…, an outline level, or the Title style), its numbering
// definitions (so that an automatically numbered 第X条 or （一） reads as
// Word shows it), and the core properties' title. Deleted text of tracked
// changes, hidden runs, field codes and the fallback copies of
// alternate content are dropped.
//
// Every part is read through a limit: the parts read together may unzip to
// no more than MaxUnzipped, whatever their headers claim, and no element
// may nest deeper than maxXMLDepth.

const maxXMLDepth = 512

var errTooBig = errors.New("docx too big")

type zipParts struct {
	files  map[string]*zip.File
	budget int64
}

func (z *zipParts) read(name string) ([]byte, error) {
	f := z.files[name]
	if f == nil {
		return nil, nil
	}
	if f.UncompressedSize64 > uint64(z.budget) {
		return nil, errTooBig
	}
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, z.budget+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > z.budget {
		return nil, errTooBig
	}
	z.budget -= int64(len(b))
	return b, nil
}

func readDOCX(b []byte) (draft, error) {
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return draft{}, core.Errorf(core.EINVALID, "不是有效的 DOCX 文件（zip 结构损坏）")
	}
	z := &zipParts{files: map[string]*zip.File{}, budget: MaxUnzipped}
	for _, f := range zr.File {
		z.files[strings.TrimPrefix(f.Name, "/")] = f
	}
	fail := func(err error, part string) (draft, error) {
		if errors.Is(err, errTooBig) {
			return draft{}, core.Errorf(core.EINVALID, "DOCX 解压后超过 %d MB 的上限，不予读取", MaxUnzipped>>20)
		}
		return draft{}, core.Errorf(core.EINVALID, "DOCX 中的%s无法读取（文件损坏或已加密）", part)
	}
	main := "word/document.xml"
	if rels, err := z.read("_rels/.rels"); err != nil {
		return fail(err, "关系表")
	} else if t := officeTarget(rels); t != "" && z.files[t] != nil {
		main = t
	}
	if z.files[main] == nil {
		if z.files["xl/workbook.xml"] != nil {
			return draft{}, core.Errorf(core.EINVALID, "这是 Excel 文件，不是 Word 文档；问答表请按问答表导入")
		}
		return draft{}, core.Errorf(core.EINVALID, "不是 Word 文档（DOCX 中没有正文部分）")
	}
	dir := path.Dir(main)
	stylesXML, err := z.read(path.Join(dir, "styles.xml"))
	if err != nil {
		return fail(err, "样式表")
	}
	numXML, err := z.read(path.Join(dir, "numbering.xml"))
	if err != nil {
		return fail(err, "编号定义")
	}
	coreXML, err := z.read("docProps/core.xml")
	if err != nil {
		return fail(err, "文档属性")
	}
	docXML, err := z.read(main)
	if err != nil {
		return fail(err, "正文")
	}
	styles, err := readStyles(stylesXML)
	if err != nil {
		return draft{}, core.Errorf(core.EINVALID, "DOCX 的样式表 XML 有误")
	}
	nums, err := readNumbering(numXML)
	if err != nil {
		return draft{}, core.Errorf(core.EINVALID, "DOCX 的编号定义 XML 有误")
	}
	d, err := readDocumentXML(docXML, styles, nums)
	if err != nil {
		if errors.Is(err, errTooDeep) {
			return draft{}, core.Errorf(core.EINVALID, "DOCX 正文的 XML 嵌套超过 %d 层，不予读取", maxXMLDepth)
		}
		return draft{}, core.Errorf(core.EINVALID, "DOCX 正文的 XML 有误（文件损坏）")
	}
	d.metaTitle = coreTitle(coreXML)
	return d, nil
}

var errTooDeep = errors.New("xml too deep")

// officeTarget returns the main document part named by the package
// relationships.
func officeTarget(rels []byte) string {
	if rels == nil {
		return ""
	}
	var r struct {
		Rel []struct {
			Type   string `xml:"Type,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	if xml.Unmarshal(rels, &r) != nil {
		return ""
	}
	for _, x := range r.Rel {
		if strings.HasSuffix(x.Type, "/officeDocument") {
			return strings.TrimPrefix(path.Clean("/"+x.Target), "/")
		}
	}
	return ""
}

func coreTitle(b []byte) string {
	if b == nil {
		return ""
	}
	var c struct {
		Title string `xml:"title"`
	}
	if xml.Unmarshal(b, &c) != nil {
		return ""
	}
	t := strings.TrimSpace(c.Title)
	if strings.HasPrefix(t, "Microsoft Word - ") || len([]rune(t)) > 200 {
		return ""
	}
	return t
}

// style is what a paragraph style says of its paragraphs.
type style struct {
	level   int // heading level, 0 for none
	title   bool
	basedOn string
	numID   string
	ilvl    int
}

var headingStyleRe = regexp.MustCompile(`(?i)^(?:heading|标题)\s*([1-9])$`)

// decoder returns an XML decoder that refuses nesting beyond maxXMLDepth.
type depthDecoder struct {
	*xml.Decoder
	depth int
}

func newDecoder(b []byte) *depthDecoder {
	d := xml.NewDecoder(bytes.NewReader(b))
	d.Strict = true
	return &depthDecoder{Decoder: d}
}

func (d *depthDecoder) next() (xml.Token, error) {
	t, err := d.Token()
	if err != nil {
		return nil, err
	}
	switch t.(type) {
	case xml.StartElement:
		d.depth++
		if d.depth > maxXMLDepth {
			return nil, errTooDeep
		}
	case xml.EndElement:
		d.depth--
	}
	return t, nil
}

// eachToken calls f with each token of the XML b in turn, through a
// decoder that refuses nesting beyond maxXMLDepth, and returns the first
// error of the decoder (errTooDeep among them), or nil at the end.
func eachToken(b []byte, f func(xml.Token)) error {
	d := newDecoder(b)
	for {
		t, err := d.next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		f(t)
	}
}

func attr(e xml.StartElement, local string) string {
	for _, a := range e.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

func readStyles(b []byte) (map[string]style, error) {
	styles := map[string]style{}
	if b == nil {
		return styles, nil
	}
	var id string
	var cur style
	err := eachToken(b, func(t xml.Token) {
		switch e := t.(type) {
		case xml.StartElement:
			switch e.Name.Local {
			case "style":
				id, cur = attr(e, "styleId"), style{}
			case "name":
				name := strings.TrimSpace(attr(e, "val"))
				if m := headingStyleRe.FindStringSubmatch(name); m != nil {
					cur.level, _ = strconv.Atoi(m[1])
				} else if strings.EqualFold(name, "title") || name == "标题" {
					cur.title = true
				}
			case "basedOn":
				cur.basedOn = attr(e, "val")
			case "outlineLvl":
				if n, err := strconv.Atoi(attr(e, "val")); err == nil && n >= 0 && n < 6 && cur.level == 0 {
					cur.level = n + 1
				}
			case "numId":
				cur.numID = attr(e, "val")
			case "ilvl":
				cur.ilvl, _ = strconv.Atoi(attr(e, "val"))
			}
		case xml.EndElement:
			if e.Name.Local == "style" && id != "" {
				styles[id] = cur
				id = ""
			}
		}
	})
	if err != nil {
		return nil, err
	}
	// A style based on a heading is a heading.
	for id, s := range styles {
		base := s
		for i := 0; i < 10 && base.level == 0 && !base.title && base.basedOn != ""; i++ {
			base = styles[base.basedOn]
		}
		s.level, s.title = base.level, base.title
		if s.numID == "" {
			s.numID, s.ilvl = base.numID, base.ilvl
		}
		styles[id] = s
	}
	return styles, nil
}

// numLevel is one level of a numbering definition.
type numLevel struct {
	start        int
	format, text string
	suffix       string
}

type numbering struct {
	abstract map[string][]numLevel // abstractNumId → levels
	nums     map[string]numRef     // numId → its definition
	counters map[string][]int      // abstractNumId → current counters
	started  map[string]bool       // numId seen, for its start overrides
}

type numRef struct {
	abstract  string
	overrides map[int]int // level → start
}

func readNumbering(b []byte) (*numbering, error) {
	n := &numbering{abstract: map[string][]numLevel{}, nums: map[string]numRef{}, counters: map[string][]int{}, started: map[string]bool{}}
	if b == nil {
		return n, nil
	}
	var abs, num string
	var lvl, overLvl = -1, -1
	var levels []numLevel
	var ref numRef
	err := eachToken(b, func(t xml.Token) {
		switch e := t.(type) {
		case xml.StartElement:
			switch e.Name.Local {
			case "abstractNum":
				abs, levels = attr(e, "abstractNumId"), nil
			case "lvl":
				if abs != "" {
					lvl, _ = strconv.Atoi(attr(e, "ilvl"))
					if lvl < 0 || lvl > 8 {
						lvl = -1
						return
					}
					for len(levels) <= lvl {
						levels = append(levels, numLevel{start: 1})
					}
				}
			case "start":
				if v, err := strconv.Atoi(attr(e, "val")); err == nil && lvl >= 0 && abs != "" {
					levels[lvl].start = v
				}
			case "numFmt":
				if lvl >= 0 && abs != "" {
					levels[lvl].format = attr(e, "val")
				}
			case "lvlText":
				if lvl >= 0 && abs != "" {
					levels[lvl].text = attr(e, "val")
				}
			case "suff":
				if lvl >= 0 && abs != "" {
					levels[lvl].suffix = attr(e, "val")
				}
			case "num":
				num, ref = attr(e, "numId"), numRef{overrides: map[int]int{}}
			case "abstractNumId":
				if num != "" {
					ref.abstract = attr(e, "val")
				}
			case "lvlOverride":
				overLvl, _ = strconv.Atoi(attr(e, "ilvl"))
			case "startOverride":
				if v, err := strconv.Atoi(attr(e, "val")); err == nil && num != "" && overLvl >= 0 && overLvl <= 8 {
					ref.overrides[overLvl] = v
				}
			}
		case xml.EndElement:
			switch e.Name.Local {
			case "abstractNum":
				if abs != "" {
					n.abstract[abs] = levels
				}
				abs, lvl = "", -1
			case "lvl":
				lvl = -1
			case "num":
				if num != "" {
					n.nums[num] = ref
				}
				num = ""
			case "lvlOverride":
				overLvl = -1
			}
		}
	})
	if err != nil {
		return nil, err
	}
	return n, nil
}

// label advances the counters of numbering numID at level ilvl and
// returns the paragraph's number as Word shows it with the space after it
// ("第三条 ", "（二）"), "" for a bullet or no numbering.
func (n *numbering) label(numID string, ilvl int) string {
	ref, ok := n.nums[numID]
	if !ok || ilvl < 0 || ilvl > 8 {
		return ""
	}
	levels := n.abstract[ref.abstract]
	if ilvl >= len(levels) {
		return ""
	}
	c := n.counters[ref.abstract]
	if c == nil {
		c = make([]int, 9)
		for i := range c {
			c[i] = -1 << 30
		}
		n.counters[ref.abstract] = c
	}
	if !n.started[numID] {
		n.started[numID] = true
		for l, v := range ref.overrides {
			c[l] = v - 1
		}
	}
	if c[ilvl] == -1<<30 {
		c[ilvl] = levels[ilvl].start - 1
	}
	c[ilvl]++
	for l := ilvl + 1; l < 9; l++ {
		c[l] = -1 << 30
	}
	lv := levels[ilvl]
	if lv.format == "bullet" || lv.format == "none" {
		return ""
	}
	text := lv.text
	for l := 0; l <= ilvl && l < len(levels); l++ {
		ph := "%" + strconv.Itoa(l+1)
		if !strings.Contains(text, ph) {
			continue
		}
		v := c[l]
		if v == -1<<30 {
			v = levels[l].start
		}
		text = strings.ReplaceAll(text, ph, formatNumber(v, levels[l].format))
	}
	if text != "" && lv.suffix != "nothing" {
		text += " "
	}
	return text
}

// formatNumber writes a list number in a Word number format.
func formatNumber(v int, format string) string {
	if v < 0 {
		v = 0
	}
	switch format {
	case "chineseCounting", "chineseCountingThousand", "chineseLegalSimplified", "taiwaneseCounting", "taiwaneseCountingThousand", "japaneseCounting":
		return cnNumber(v)
	case "ideographDigital":
		return cnDigitsOnly(v)
	case "ideographTraditional":
		if v >= 1 && v <= 10 {
			return string([]rune("甲乙丙丁戊己庚辛壬癸")[v-1])
		}
	case "decimalEnclosedCircle", "decimalEnclosedCircleChinese":
		if v >= 1 && v <= 20 {
			return string(rune('①' + v - 1))
		}
	case "lowerLetter", "upperLetter":
		if v >= 1 && v <= 26 {
			r := rune('a' + v - 1)
			if format == "upperLetter" {
				r = rune('A' + v - 1)
			}
			return string(r)
		}
	case "lowerRoman", "upperRoman":
		if v >= 1 && v < 40 {
			s := roman(v)
			if format == "lowerRoman" {
				s = strings.ToLower(s)
			}
			return s
		}
	case "decimalFullWidth", "decimalFullWidth2":
		return strings.Map(func(r rune) rune { return r - '0' + '０' }, strconv.Itoa(v))
	}
	return strconv.Itoa(v)
}

func roman(v int) string {
	var b strings.Builder
	for _, p := range []struct {
		n int
		s string
	}{{10, "X"}, {9, "IX"}, {5, "V"}, {4, "IV"}, {1, "I"}} {
		for v >= p.n {
			b.WriteString(p.s)
			v -= p.n
		}
	}
	return b.String()
}

// docxPara is a paragraph being read.
type docxPara struct {
	text      strings.Builder
	styleID   string
	numID     string
	ilvl      int
	hasNum    bool
	outline   int // outline level + 1, 0 for none
	runHidden bool
}

func readDocumentXML(b []byte, styles map[string]style, nums *numbering) (draft, error) {
	var d draft
	var p docxPara
	inPara, inRPr, inT := false, false, false
	skipText := 0 // inside field code, deleted text or alternate content fallback
	tableDepth := 0
	var cells []string
	var cell strings.Builder
	isW := func(n xml.Name) bool {
		return strings.HasSuffix(n.Space, "wordprocessingml/2006/main") || strings.HasSuffix(n.Space, "wordprocessingml/main")
	}
	finish := func() {
		if !inPara {
			return
		}
		inPara = false
		st := styles[p.styleID]
		numID, ilvl := p.numID, p.ilvl
		if !p.hasNum && st.numID != "" {
			numID, ilvl = st.numID, st.ilvl
		}
		label := ""
		if numID != "" && numID != "0" {
			label = nums.label(numID, ilvl)
		}
		text := strings.TrimSpace(p.text.String())
		if text == "" {
			return
		}
		text = label + text
		if tableDepth > 0 {
			if cell.Len() > 0 {
				cell.WriteByte(' ')
			}
			cell.WriteString(text)
			return
		}
		level := st.level
		if p.outline > 0 {
			level = p.outline
		}
		for i, line := range strings.Split(text, "\n") {
			if line = collapse(line); line == "" {
				continue
			}
			bl := block{text: line}
			if i == 0 {
				bl.level, bl.title = min(level, 6), st.title
			}
			d.blocks = append(d.blocks, bl)
		}
	}
	err := eachToken(b, func(t xml.Token) {
		switch e := t.(type) {
		case xml.StartElement:
			if e.Name.Local == "Fallback" {
				skipText++
				return
			}
			if !isW(e.Name) {
				return
			}
			switch e.Name.Local {
			case "p":
				if tableDepth == 0 || !inPara {
					finish()
				}
				p = docxPara{}
				inPara = true
			case "pStyle":
				p.styleID = attr(e, "val")
			case "numId":
				p.numID, p.hasNum = attr(e, "val"), true
			case "ilvl":
				p.ilvl, _ = strconv.Atoi(attr(e, "val"))
			case "outlineLvl":
				if n, err := strconv.Atoi(attr(e, "val")); err == nil && n >= 0 && n < 6 {
					p.outline = n + 1
				}
			case "r":
				p.runHidden = false
			case "t":
				inT = true
			case "rPr":
				inRPr = true
			case "vanish":
				if inRPr {
					v := attr(e, "val")
					p.runHidden = v != "0" && v != "false"
				}
			case "del", "instrText", "delText", "delInstrText":
				skipText++
			case "tab":
				if !inRPr {
					p.text.WriteByte(' ')
				}
			case "br", "cr":
				p.text.WriteByte('\n')
			case "tbl":
				finish()
				tableDepth++
			case "tr":
				if tableDepth == 1 {
					cells = cells[:0]
				}
			case "tc":
				if tableDepth == 1 {
					cell.Reset()
				}
			}
		case xml.EndElement:
			if e.Name.Local == "Fallback" {
				skipText--
				return
			}
			if !isW(e.Name) {
				return
			}
			switch e.Name.Local {
			case "p":
				finish()
			case "rPr":
				inRPr = false
			case "t":
				inT = false
			case "del", "instrText", "delText", "delInstrText":
				skipText--
			case "tc":
				if tableDepth == 1 {
					finish()
					if c := collapse(cell.String()); c != "" && len(cells) < 64 {
						cells = append(cells, c)
					}
					cell.Reset()
				}
			case "tr":
				if tableDepth == 1 && len(cells) > 0 {
					d.blocks = append(d.blocks, block{text: strings.Join(cells, " | "), row: true})
					cells = cells[:0]
				}
			case "tbl":
				finish()
				if tableDepth > 0 {
					tableDepth--
				}
			}
		case xml.CharData:
			if inT && inPara && skipText == 0 && !p.runHidden {
				p.text.Write(e)
			}
		}
	})
	if err != nil {
		return draft{}, err
	}
	finish()
	return d, nil
}
