package pdftext

import (
	"errors"
	"math"
)

// matrix is a PDF transformation [a b c d e f].
type matrix [6]float64

var identity = matrix{1, 0, 0, 1, 0, 0}

// mul returns m × n: first m, then n.
func (m matrix) mul(n matrix) matrix {
	return matrix{
		m[0]*n[0] + m[1]*n[2], m[0]*n[1] + m[1]*n[3],
		m[2]*n[0] + m[3]*n[2], m[2]*n[1] + m[3]*n[3],
		m[4]*n[0] + m[5]*n[2] + n[4], m[4]*n[1] + m[5]*n[3] + n[5],
	}
}

// gstate is the part of the graphics state that text extraction needs.
type gstate struct {
	ctm              matrix
	font             *font
	size             float64
	tc, tw, th, tl   float64
	rise             float64
	fontRes, xobjRes dict
}

// interp runs content streams of one page and writes their text to out.
type interp struct {
	d       *document
	out     *pageText
	fonts   map[any]*font
	active  map[int]bool // Form XObjects being run, against cycles
	skipped *[]error
}

// run interprets content with the resources res.
func (p *interp) run(content []byte, res dict, gs gstate, depth int) error {
	p.d.work += len(content)
	if p.d.work > MaxContentBytes {
		return &errLimit{"content"}
	}
	gs.fontRes, _ = p.d.resolve(res["Font"]).(dict)
	gs.xobjRes, _ = p.d.resolve(res["XObject"]).(dict)
	var stack []gstate
	var tm, tlm matrix = identity, identity
	l := &lexer{b: content}
	var ops []any
	for {
		o, err := l.object(0)
		if err != nil {
			if errors.Is(err, errEOF) {
				return nil
			}
			ops = ops[:0]
			continue
		}
		op, ok := o.(keyword)
		if !ok {
			if len(ops) < 64 {
				ops = append(ops, o)
			}
			continue
		}
		switch op {
		case "q":
			if len(stack) < maxStack {
				stack = append(stack, gs)
			}
		case "Q":
			if n := len(stack); n > 0 {
				gs = stack[n-1]
				stack = stack[:n-1]
			}
		case "cm":
			if m, ok := matrixOf(ops); ok {
				gs.ctm = m.mul(gs.ctm)
			}
		case "BT":
			tm, tlm = identity, identity
		case "Tf":
			if len(ops) >= 2 {
				if n, ok := ops[len(ops)-2].(name); ok {
					gs.font = p.font(gs.fontRes, n)
				}
				gs.size, _ = num(ops[len(ops)-1])
			}
		case "Tc":
			gs.tc = lastNum(ops, gs.tc)
		case "Tw":
			gs.tw = lastNum(ops, gs.tw)
		case "Tz":
			gs.th = lastNum(ops, gs.th*100) / 100
		case "TL":
			gs.tl = lastNum(ops, gs.tl)
		case "Ts":
			gs.rise = lastNum(ops, gs.rise)
		case "Td", "TD":
			if len(ops) >= 2 {
				tx, _ := num(ops[len(ops)-2])
				ty, _ := num(ops[len(ops)-1])
				if op == "TD" {
					gs.tl = -ty
				}
				tlm = matrix{1, 0, 0, 1, tx, ty}.mul(tlm)
				tm = tlm
			}
		case "Tm":
			if m, ok := matrixOf(ops); ok {
				tm, tlm = m, m
			}
		case "T*":
			tlm = matrix{1, 0, 0, 1, 0, -gs.tl}.mul(tlm)
			tm = tlm
		case "Tj", "'", "\"":
			if op != "Tj" {
				if op == "\"" && len(ops) >= 3 {
					gs.tw, _ = num(ops[len(ops)-3])
					gs.tc, _ = num(ops[len(ops)-2])
				}
				tlm = matrix{1, 0, 0, 1, 0, -gs.tl}.mul(tlm)
				tm = tlm
			}
			if len(ops) > 0 {
				if s, ok := ops[len(ops)-1].(pdfString); ok {
					p.show(s, &tm, &gs)
				}
			}
		case "TJ":
			if len(ops) > 0 {
				a, _ := ops[len(ops)-1].(array)
				for _, e := range a {
					switch v := e.(type) {
					case pdfString:
						p.show(v, &tm, &gs)
					default:
						if n, ok := num(v); ok {
							tx := -n / 1000 * gs.size * gs.th
							tm = matrix{1, 0, 0, 1, tx, 0}.mul(tm)
						}
					}
				}
			}
		case "Do":
			if len(ops) > 0 {
				if n, ok := ops[len(ops)-1].(name); ok {
					if err := p.form(gs, res, n, depth); err != nil {
						return err
					}
				}
			}
		case "BI":
			l.skipInlineImage()
		}
		ops = ops[:0]
	}
}

// maxStack bounds the q/Q stack.
const maxStack = 256

func lastNum(ops []any, def float64) float64 {
	if len(ops) == 0 {
		return def
	}
	if v, ok := num(ops[len(ops)-1]); ok {
		return v
	}
	return def
}

func matrixOf(ops []any) (matrix, bool) {
	if len(ops) < 6 {
		return matrix{}, false
	}
	var m matrix
	for i, o := range ops[len(ops)-6:] {
		v, ok := num(o)
		if !ok {
			return matrix{}, false
		}
		m[i] = v
	}
	return m, true
}

// font returns the font named n in the resources, loaded once.
func (p *interp) font(fonts dict, n name) *font {
	o := fonts[n]
	key := any(nil)
	if r, ok := o.(ref); ok {
		key = r
		if f, ok := p.fonts[key]; ok {
			return f
		}
	}
	fd, ok := p.d.resolve(o).(dict)
	if !ok {
		return nil
	}
	f := p.d.loadFont(fd)
	if key != nil {
		p.fonts[key] = f
	}
	return f
}

// form runs the Form XObject n of the resources.
func (p *interp) form(gs gstate, res dict, n name, depth int) error {
	xo, _ := p.d.resolve(res["XObject"]).(dict)
	r, _ := xo[n].(ref)
	s, ok := p.d.resolve(xo[n]).(*stream)
	if !ok || s.dict.name("Subtype") != "Form" {
		return nil
	}
	if depth >= MaxFormDepth || p.active[r.num] {
		return nil
	}
	data, err := p.d.decode(s)
	if err != nil {
		var lim *errLimit
		if errors.As(err, &lim) {
			return err
		}
		*p.skipped = append(*p.skipped, err)
		return nil
	}
	if m, ok := p.d.resolve(s.dict["Matrix"]).(array); ok {
		var ops []any
		for _, o := range m {
			ops = append(ops, p.d.resolve(o))
		}
		if fm, ok := matrixOf(ops); ok && len(ops) == 6 {
			gs.ctm = fm.mul(gs.ctm)
		}
	}
	fres, ok := p.d.resolve(s.dict["Resources"]).(dict)
	if !ok {
		fres = res
	}
	if r.num > 0 {
		p.active[r.num] = true
		defer delete(p.active, r.num)
	}
	return p.run(data, fres, gs, depth+1)
}

// show shows the string s: each code's text goes to the page at the glyph's
// position, and the text matrix moves by the glyph's advance.
func (p *interp) show(s pdfString, tm *matrix, gs *gstate) {
	f := gs.font
	b := []byte(s)
	if f == nil {
		// No font (or a broken one): count the glyphs so that the page is
		// not taken for a scan, but nothing can be read.
		p.out.glyphs += len(b)
		return
	}
	for len(b) > 0 {
		n := f.codeLen(b)
		if n <= 0 {
			n = 1
		}
		c := b[:n]
		b = b[n:]
		trm := matrix{gs.size * gs.th, 0, 0, gs.size, 0, gs.rise}.mul(*tm).mul(gs.ctm)
		w := f.width(c) / 1000
		tx := (w*gs.size + gs.tc) * gs.th
		if n == 1 && c[0] == ' ' {
			tx += gs.tw * gs.th
		}
		*tm = matrix{1, 0, 0, 1, tx, 0}.mul(*tm)
		end := tm.mul(gs.ctm)
		size := math.Hypot(trm[2], trm[3])
		txt, ok := f.text(c)
		p.out.glyphs++
		if !ok {
			continue
		}
		p.out.decoded++
		// The text space x axis, in device space, is the direction of the line.
		p.out.glyph(txt, trm[4], trm[5], end[4]+gs.rise*end[2], end[5]+gs.rise*end[3], trm[0], trm[1], size)
	}
}

// skipInlineImage skips "... ID <data> EI" after BI.
func (l *lexer) skipInlineImage() {
	for {
		o, err := l.object(0)
		if err != nil {
			return
		}
		if k, ok := o.(keyword); ok && k == "ID" {
			break
		}
	}
	if l.pos < len(l.b) {
		l.pos++ // the single white-space character after ID
	}
	for i := l.pos; i+1 < len(l.b); i++ {
		if l.b[i] == 'E' && l.b[i+1] == 'I' && (i == 0 || isSpace(l.b[i-1])) &&
			(i+2 == len(l.b) || isSpace(l.b[i+2])) {
			l.pos = i + 2
			return
		}
	}
	l.pos = len(l.b)
}
