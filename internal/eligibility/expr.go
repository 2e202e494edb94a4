package eligibility

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"jiceng/internal/fieldset"
)

// A Condition is a parsed rule condition (条件): comparisons of a person's
// facts joined by 且/或/非 (and/or/not) and parentheses. Parse it with
// ParseCondition; a Condition is not changed after parsing and is safe for
// concurrent use.
//
// The grammar, loosest binding first:
//
//	condition  = and { ("或" | "或者" | "or" | "||") and }
//	and        = unary { ("且" | "并且" | "and" | "&&") unary }
//	unary      = ("非" | "not" | "!") unary | "(" condition ")" | test
//	test       = FIELD                                  是/否 fields only: 独居
//	           | FIELD CMP value                        年龄 >= 80, 性别 = 女
//	           | FIELD ("包含" | "不包含" | "contains") value        重点人群 包含 "残疾人"
//	           | FIELD ("属于" | "不属于" | "in") list               残疾等级 属于 (一级, 二级)
//	CMP        = "=" "==" "!=" "<>" "≠" ">" ">=" "≥" "<" "<=" "≤"
//	           | 等于 不等于 大于 小于 大于等于 小于等于 不小于 不大于
//	list       = "(" value { ("," | "、") value } ")" | value { ("," | "、") value }
//	value      = NUMBER [岁 | 周岁] | "text" | 'text' | “text” | 「text」 | WORD
//
// Full-width brackets, operators and digits are read as their ASCII forms.
// Chinese keywords need no spaces around them ("年龄>=80且独居"); a value
// that contains one must be quoted.
type Condition struct {
	root *node
}

type nodeOp int

const (
	nAnd nodeOp = iota
	nOr
	nNot
	nCmp      // field cmp value
	nBool     // a 是/否 field alone
	nContains // tags contain str (neg: 不包含)
	nIn       // value in set (neg: 不属于)
)

// node is one node of a condition's tree.
type node struct {
	op    nodeOp
	kids  []*node
	field int
	cmp   cmpOp
	num   int      // the number, level rank or bool (1 是, 0 否) compared
	str   string   // the text compared
	nums  []int    // the set of nIn over numbers and levels
	strs  []string // the set of nIn over text
	neg   bool     // 不包含, 不属于
}

// ParseCondition parses a condition. Its error is a *ParseError.
func ParseCondition(src string) (*Condition, error) {
	toks, err := lex(src)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks}
	if p.peek().kind == tEOF {
		return nil, &ParseError{Pos: 1, Msg: "条件为空"}
	}
	n, err := p.or(0)
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tEOF {
		if t.kind == tRP {
			return nil, &ParseError{Pos: t.pos, Msg: "多余的右括号"}
		}
		return nil, &ParseError{Pos: t.pos, Msg: "应为 且、或 或条件结束"}
	}
	return &Condition{root: n}, nil
}

// maxDepth bounds the nesting of a condition.
const maxDepth = 64

type parser struct {
	toks []token
	i    int
}

func (p *parser) peek() token { return p.toks[p.i] }
func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tEOF {
		p.i++
	}
	return t
}

func (p *parser) or(depth int) (*node, error) {
	l, err := p.and(depth)
	if err != nil {
		return nil, err
	}
	if p.peek().kind != tOr {
		return l, nil
	}
	n := &node{op: nOr, kids: []*node{l}}
	for p.peek().kind == tOr {
		p.next()
		r, err := p.and(depth)
		if err != nil {
			return nil, err
		}
		n.kids = append(n.kids, r)
	}
	return n, nil
}

func (p *parser) and(depth int) (*node, error) {
	l, err := p.unary(depth)
	if err != nil {
		return nil, err
	}
	if p.peek().kind != tAnd {
		return l, nil
	}
	n := &node{op: nAnd, kids: []*node{l}}
	for p.peek().kind == tAnd {
		p.next()
		r, err := p.unary(depth)
		if err != nil {
			return nil, err
		}
		n.kids = append(n.kids, r)
	}
	return n, nil
}

func (p *parser) unary(depth int) (*node, error) {
	t := p.peek()
	if depth > maxDepth {
		return nil, &ParseError{Pos: t.pos, Msg: "括号或「非」嵌套过深"}
	}
	switch t.kind {
	case tNot:
		p.next()
		k, err := p.unary(depth + 1)
		if err != nil {
			return nil, err
		}
		return &node{op: nNot, kids: []*node{k}}, nil
	case tLP:
		p.next()
		n, err := p.or(depth + 1)
		if err != nil {
			return nil, err
		}
		if c := p.next(); c.kind != tRP {
			return nil, &ParseError{Pos: c.pos, Msg: fmt.Sprintf("缺少与第 %d 个字符的左括号配对的右括号", t.pos)}
		}
		return n, nil
	case tIdent:
		return p.test()
	case tEOF:
		return nil, &ParseError{Pos: t.pos, Msg: "条件不完整：缺少字段名或左括号"}
	}
	return nil, &ParseError{Pos: t.pos, Msg: "应为字段名（如 年龄、重点人群）、「非」或左括号"}
}

func (p *parser) test() (*node, error) {
	name := p.next()
	f, ok := lookupField(name.text)
	if !ok {
		return nil, &ParseError{Pos: name.pos, Msg: fmt.Sprintf("未知字段「%s」，可用的字段：%s", name.text, fieldLabels())}
	}
	fd := &fields[f]
	t := p.peek()
	kind := t.kind
	if kind == tNot { // "not in", "not contains"
		switch p.toks[p.i+1].kind {
		case tIn:
			p.next()
			kind = tNotIn
		case tContains:
			p.next()
			kind = tNotContains
		}
	}
	switch kind {
	case tCmp:
		p.next()
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		return compare(f, t.cmp, t.pos, v)
	case tContains, tNotContains:
		p.next()
		if fd.kind != kindTags {
			return nil, &ParseError{Pos: t.pos, Msg: fmt.Sprintf("「%s」不是标签字段，不能用 包含；请用 = 或 属于", fd.Label)}
		}
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		s, err := checkValue(f, v)
		if err != nil {
			return nil, err
		}
		return &node{op: nContains, field: f, str: s, neg: kind == tNotContains}, nil
	case tIn, tNotIn:
		p.next()
		return p.in(f, t, kind == tNotIn)
	}
	if fd.kind == kindBool {
		return &node{op: nBool, field: f}, nil
	}
	hint := "比较符（如 >=、=）"
	switch fd.kind {
	case kindTags:
		hint = "包含"
	case kindEnum, kindText:
		hint = "= 或 属于"
	}
	return nil, &ParseError{Pos: t.pos, Msg: fmt.Sprintf("「%s」后面应为%s", fd.Label, hint)}
}

func (p *parser) value() (token, error) {
	t := p.next()
	switch t.kind {
	case tNum, tStr, tIdent:
		return t, nil
	case tEOF:
		return t, &ParseError{Pos: t.pos, Msg: "条件不完整：缺少比较的值"}
	}
	if t.text != "" { // a keyword where a value belongs
		return t, &ParseError{Pos: t.pos, Msg: fmt.Sprintf("应为比较的值，这里是关键字「%s」；值中有这个字时请把值整体加引号", t.text)}
	}
	return t, &ParseError{Pos: t.pos, Msg: "应为比较的值（数字、文字或带引号的文字）"}
}

func (p *parser) in(f int, op token, neg bool) (*node, error) {
	paren := p.peek().kind == tLP
	if paren {
		p.next()
	}
	var vals []token
	for {
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		vals = append(vals, v)
		if p.peek().kind != tSep {
			break
		}
		p.next()
	}
	if paren {
		if c := p.next(); c.kind != tRP {
			return nil, &ParseError{Pos: c.pos, Msg: "值的列表缺少右括号"}
		}
	}
	n := &node{op: nIn, field: f, neg: neg}
	fd := &fields[f]
	for _, v := range vals {
		switch fd.kind {
		case kindTags:
			return nil, &ParseError{Pos: op.pos, Msg: fmt.Sprintf("「%s」是标签字段，请用 包含（多个标签用 或 连接）", fd.Label)}
		case kindBool:
			return nil, &ParseError{Pos: op.pos, Msg: fmt.Sprintf("「%s」是 是/否 字段，请用 = 是 或 = 否", fd.Label)}
		case kindNumber:
			if v.kind != tNum {
				return nil, &ParseError{Pos: v.pos, Msg: fmt.Sprintf("「%s」的值应为数字", fd.Label)}
			}
			n.nums = append(n.nums, v.num)
		case kindLevel:
			r, err := levelValue(fd, v)
			if err != nil {
				return nil, err
			}
			n.nums = append(n.nums, r)
		default:
			s, err := checkValue(f, v)
			if err != nil {
				return nil, err
			}
			n.strs = append(n.strs, s)
		}
	}
	return n, nil
}

// compare builds the node of "field cmp value", checking that the
// comparison suits the field.
func compare(f int, op cmpOp, pos int, v token) (*node, error) {
	fd := &fields[f]
	n := &node{op: nCmp, field: f, cmp: op}
	switch fd.kind {
	case kindNumber:
		if v.kind != tNum {
			return nil, &ParseError{Pos: v.pos, Msg: fmt.Sprintf("「%s」的值应为数字", fd.Label)}
		}
		n.num = v.num
	case kindLevel:
		r, err := levelValue(fd, v)
		if err != nil {
			return nil, err
		}
		n.num = r
	case kindBool:
		if op != opEq && op != opNe {
			return nil, &ParseError{Pos: pos, Msg: fmt.Sprintf("「%s」是 是/否 字段，只能用 = 或 ≠", fd.Label)}
		}
		b, err := fieldset.ParseBool(v.text)
		if err != nil || v.kind == tNum && v.num != 0 && v.num != 1 {
			return nil, &ParseError{Pos: v.pos, Msg: fmt.Sprintf("「%s」的值应为 是 或 否", fd.Label)}
		}
		if b {
			n.num = 1
		}
	case kindTags:
		return nil, &ParseError{Pos: pos, Msg: fmt.Sprintf("「%s」是标签字段，请用 包含", fd.Label)}
	default:
		if op != opEq && op != opNe {
			return nil, &ParseError{Pos: pos, Msg: fmt.Sprintf("「%s」只能用 =、≠ 或 属于 比较", fd.Label)}
		}
		s, err := checkValue(f, v)
		if err != nil {
			return nil, err
		}
		n.str = s
	}
	return n, nil
}

func levelValue(fd *Field, v token) (int, error) {
	r := levelOf(v.text)
	if r == 0 {
		return 0, &ParseError{Pos: v.pos, Msg: fmt.Sprintf("「%s」的值应为 %s 之一", fd.Label, strings.Join(fd.Values, "、"))}
	}
	return r, nil
}

// checkValue returns the text of v for field f: one of the field's values
// when it has a list.
func checkValue(f int, v token) (string, error) {
	fd := &fields[f]
	s := strings.TrimSpace(v.text)
	if s == "" {
		return "", &ParseError{Pos: v.pos, Msg: fmt.Sprintf("「%s」比较的值为空", fd.Label)}
	}
	if len(fd.Values) > 0 && !slices.Contains(fd.Values, s) {
		return "", &ParseError{Pos: v.pos, Msg: fmt.Sprintf("「%s」没有「%s」这个值，可用的值：%s", fd.Label, s, strings.Join(fd.Values, "、"))}
	}
	return s, nil
}

// String returns the condition in a canonical form that ParseCondition
// reads back to the same condition: Chinese keywords, one space around
// each operator, text in quotes.
func (c *Condition) String() string {
	var b strings.Builder
	c.root.write(&b, 0)
	return b.String()
}

// precedence: or 1, and 2, unary 3.
func (n *node) write(b *strings.Builder, outer int) {
	label := fields[n.field].Label
	switch n.op {
	case nOr, nAnd:
		prec, sep := 1, " 或 "
		if n.op == nAnd {
			prec, sep = 2, " 且 "
		}
		if outer > prec {
			b.WriteByte('(')
		}
		for i, k := range n.kids {
			if i > 0 {
				b.WriteString(sep)
			}
			k.write(b, prec+1)
		}
		if outer > prec {
			b.WriteByte(')')
		}
	case nNot:
		b.WriteString("非 ")
		n.kids[0].write(b, 3)
	case nBool:
		b.WriteString(label)
	case nCmp:
		b.WriteString(label + " " + cmpASCII[n.cmp] + " ")
		b.WriteString(n.valueText())
	case nContains:
		if n.neg {
			b.WriteString(label + " 不包含 ")
		} else {
			b.WriteString(label + " 包含 ")
		}
		b.WriteString(quote(n.str))
	case nIn:
		if n.neg {
			b.WriteString(label + " 不属于 (")
		} else {
			b.WriteString(label + " 属于 (")
		}
		b.WriteString(strings.Join(n.setText(true), "、"))
		b.WriteByte(')')
	}
}

var cmpASCII = [...]string{opEq: "=", opNe: "!=", opLt: "<", opLe: "<=", opGt: ">", opGe: ">="}

// valueText is the value of an nCmp node as String writes it.
func (n *node) valueText() string {
	switch fields[n.field].kind {
	case kindNumber:
		return strconv.Itoa(n.num)
	case kindLevel:
		return DisabilityLevels[n.num-1]
	case kindBool:
		return fieldset.FormatBool(n.num == 1)
	}
	return quote(n.str)
}

// setText is the set of an nIn node, quoted for String or plain for
// explanations.
func (n *node) setText(quoted bool) []string {
	var out []string
	switch fields[n.field].kind {
	case kindNumber:
		for _, v := range n.nums {
			out = append(out, strconv.Itoa(v))
		}
	case kindLevel:
		for _, v := range n.nums {
			out = append(out, DisabilityLevels[v-1])
		}
	default:
		for _, s := range n.strs {
			if quoted {
				s = quote(s)
			}
			out = append(out, s)
		}
	}
	return out
}

// quote puts s in the first pair of quotes that s does not close.
func quote(s string) string {
	for _, q := range [][2]string{{`"`, `"`}, {"「", "」"}, {"'", "'"}, {"“", "”"}, {"『", "』"}, {"‘", "’"}} {
		if !strings.Contains(s, q[1]) {
			return q[0] + s + q[1]
		}
	}
	return `"` + s + `"` // cannot be read back; ParseCondition never makes such a value
}
