package pdftext

import (
	"errors"
	"fmt"
	"strconv"
)

// The PDF object model. A parsed object is one of: nil (null), bool, int64,
// float64, name, pdfString, array, dict, *stream, ref; content streams also
// yield keyword (an operator).
type (
	name      string
	pdfString string // raw bytes, not necessarily UTF-8
	keyword   string
	array     []any
	dict      map[name]any
	ref       struct{ num, gen int }
)

// stream is a stream object: its dictionary and its still encoded bytes.
type stream struct {
	dict dict
	raw  []byte
	num  int // object number, 0 if not known; keys caches
}

var errSyntax = errors.New("syntax error")

// isSpace reports PDF white-space characters.
func isSpace(c byte) bool {
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == 0
}

// isDelim reports PDF delimiter characters.
func isDelim(c byte) bool {
	switch c {
	case '(', ')', '<', '>', '[', ']', '{', '}', '/', '%':
		return true
	}
	return false
}

func isRegular(c byte) bool { return !isSpace(c) && !isDelim(c) }

// lexer reads objects from PDF bytes: a file body or a content stream.
type lexer struct {
	b    []byte
	pos  int
	refs bool // recognise "n g R" as a reference (file body, not content streams)
}

func (l *lexer) skipSpace() {
	for l.pos < len(l.b) {
		c := l.b[l.pos]
		if isSpace(c) {
			l.pos++
			continue
		}
		if c == '%' {
			for l.pos < len(l.b) && l.b[l.pos] != '\n' && l.b[l.pos] != '\r' {
				l.pos++
			}
			continue
		}
		return
	}
}

// regular returns the run of regular characters at pos.
func (l *lexer) regular() []byte {
	start := l.pos
	for l.pos < len(l.b) && isRegular(l.b[l.pos]) {
		l.pos++
	}
	return l.b[start:l.pos]
}

// object reads the next object; depth counts the enclosing arrays and
// dictionaries. A bare word is returned as a keyword; at the end of input,
// object returns errEOF.
func (l *lexer) object(depth int) (any, error) {
	if depth > MaxDepth {
		return nil, fmt.Errorf("objects nested deeper than %d", MaxDepth)
	}
	l.skipSpace()
	if l.pos >= len(l.b) {
		return nil, errEOF
	}
	c := l.b[l.pos]
	switch {
	case c == '/':
		l.pos++
		return l.name(), nil
	case c == '(':
		l.pos++
		return l.literal(), nil
	case c == '<':
		if l.pos+1 < len(l.b) && l.b[l.pos+1] == '<' {
			l.pos += 2
			return l.dict(depth + 1)
		}
		l.pos++
		return l.hex(), nil
	case c == '[':
		l.pos++
		var a array
		for {
			l.skipSpace()
			if l.pos >= len(l.b) {
				return a, errSyntax
			}
			if l.b[l.pos] == ']' {
				l.pos++
				return a, nil
			}
			o, err := l.object(depth + 1)
			if err != nil {
				return a, err
			}
			if k, ok := o.(keyword); ok && (k == "endobj" || k == "stream" || k == "obj") {
				return a, errSyntax
			}
			a = append(a, o)
		}
	case c == ']' || c == ')' || c == '>' || c == '{' || c == '}':
		// Stray delimiters: skip them as an unknown keyword.
		l.pos++
		return keyword(c), nil
	}
	w := l.regular()
	if len(w) == 0 {
		l.pos++
		return keyword(""), nil
	}
	if n, ok := parseNumber(w); ok {
		if i, isInt := n.(int64); isInt && l.refs && i >= 0 {
			if r, ok := l.tryRef(i); ok {
				return r, nil
			}
		}
		return n, nil
	}
	switch string(w) {
	case "true":
		return true, nil
	case "false":
		return false, nil
	case "null":
		return nil, nil
	}
	return keyword(w), nil
}

var errEOF = errors.New("unexpected end of data")

// tryRef recognises "gen R" after the object number num.
func (l *lexer) tryRef(num int64) (ref, bool) {
	save := l.pos
	l.skipSpace()
	g := l.regular()
	gen, err := strconv.Atoi(string(g))
	if err != nil || gen < 0 || len(g) > 5 {
		l.pos = save
		return ref{}, false
	}
	l.skipSpace()
	if l.pos < len(l.b) && l.b[l.pos] == 'R' && (l.pos+1 == len(l.b) || !isRegular(l.b[l.pos+1])) {
		l.pos++
		if num > 1<<31 {
			return ref{-1, gen}, true
		}
		return ref{int(num), gen}, true
	}
	l.pos = save
	return ref{}, false
}

// parseNumber parses a PDF integer or real; lenient about doubled signs.
func parseNumber(w []byte) (any, bool) {
	if len(w) == 0 {
		return nil, false
	}
	c := w[0]
	if !(c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.') {
		return nil, false
	}
	digits, dot := 0, false
	for i, c := range w {
		switch {
		case c >= '0' && c <= '9':
			digits++
		case c == '.':
			if dot {
				return nil, false
			}
			dot = true
		case (c == '-' || c == '+') && i == 0:
		case c == '-' && i == 1 && (w[0] == '-' || w[0] == '+'):
			// "--5" and "+-5" occur in the wild; read as negative.
		default:
			return nil, false
		}
	}
	if digits == 0 {
		return nil, false
	}
	s := string(w)
	if len(s) > 1 && (s[1] == '-') {
		s = s[1:]
	}
	if !dot {
		if i, err := strconv.ParseInt(s, 10, 64); err == nil {
			return i, true
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		// Out of range: saturate rather than fail.
		if s[0] == '-' {
			return float64(-1e300), true
		}
		return float64(1e300), true
	}
	return f, true
}

func hexVal(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

// name reads a name after its '/', decoding #xx escapes.
func (l *lexer) name() name {
	w := l.regular()
	if !containsByte(w, '#') {
		return name(w)
	}
	out := make([]byte, 0, len(w))
	for i := 0; i < len(w); i++ {
		if w[i] == '#' && i+2 < len(w) && hexVal(w[i+1]) >= 0 && hexVal(w[i+2]) >= 0 {
			out = append(out, byte(hexVal(w[i+1])<<4|hexVal(w[i+2])))
			i += 2
			continue
		}
		out = append(out, w[i])
	}
	return name(out)
}

func containsByte(b []byte, c byte) bool {
	for _, x := range b {
		if x == c {
			return true
		}
	}
	return false
}

// literal reads a literal string after its '(' up to the balancing ')'.
func (l *lexer) literal() pdfString {
	var out []byte
	depth := 1
	for l.pos < len(l.b) {
		c := l.b[l.pos]
		l.pos++
		switch c {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return pdfString(out)
			}
		case '\\':
			if l.pos >= len(l.b) {
				return pdfString(out)
			}
			e := l.b[l.pos]
			l.pos++
			switch e {
			case 'n':
				c = '\n'
			case 'r':
				c = '\r'
			case 't':
				c = '\t'
			case 'b':
				c = '\b'
			case 'f':
				c = '\f'
			case '\r':
				if l.pos < len(l.b) && l.b[l.pos] == '\n' {
					l.pos++
				}
				continue
			case '\n':
				continue
			default:
				if e >= '0' && e <= '7' {
					v := int(e - '0')
					for k := 0; k < 2 && l.pos < len(l.b) && l.b[l.pos] >= '0' && l.b[l.pos] <= '7'; k++ {
						v = v*8 + int(l.b[l.pos]-'0')
						l.pos++
					}
					c = byte(v)
				} else {
					c = e // \( \) \\ and unknown escapes: the character itself
				}
			}
		case '\r':
			// An end of line in a literal string is read as \n.
			if l.pos < len(l.b) && l.b[l.pos] == '\n' {
				l.pos++
			}
			c = '\n'
		}
		out = append(out, c)
	}
	return pdfString(out)
}

// hex reads a hexadecimal string after its '<'.
func (l *lexer) hex() pdfString {
	out, n := asciiHex(l.b[l.pos:])
	l.pos += n
	return pdfString(out)
}

// dict reads a dictionary after its "<<".
func (l *lexer) dict(depth int) (dict, error) {
	d := dict{}
	for {
		l.skipSpace()
		if l.pos >= len(l.b) {
			return d, errSyntax
		}
		if l.b[l.pos] == '>' {
			l.pos++
			if l.pos < len(l.b) && l.b[l.pos] == '>' {
				l.pos++
			}
			return d, nil
		}
		k, err := l.object(depth)
		if err != nil {
			return d, err
		}
		key, ok := k.(name)
		if !ok {
			if kw, isKw := k.(keyword); isKw && (kw == "endobj" || kw == "stream") {
				return d, errSyntax
			}
			continue // junk where a key should be: skip it
		}
		l.skipSpace()
		if l.pos < len(l.b) && l.b[l.pos] == '>' {
			d[key] = nil
			continue
		}
		v, err := l.object(depth)
		if err != nil {
			return d, err
		}
		if kw, isKw := v.(keyword); isKw && (kw == "endobj" || kw == "stream" || kw == "obj") {
			return d, errSyntax
		}
		d[key] = v
	}
}

// Accessors that tolerate wrong types: a PDF in the wild is often sloppy.

func (d dict) name(k name) name {
	n, _ := d[k].(name)
	return n
}

func num(o any) (float64, bool) {
	switch v := o.(type) {
	case int64:
		return float64(v), true
	case float64:
		return v, true
	}
	return 0, false
}

func intOf(o any) (int, bool) {
	switch v := o.(type) {
	case int64:
		if v > 1<<40 || v < -(1<<40) {
			return 0, false
		}
		return int(v), true
	case float64:
		if v > 1<<40 || v < -(1<<40) || v != v {
			return 0, false
		}
		return int(v), true
	}
	return 0, false
}
