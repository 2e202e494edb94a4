package eligibility

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ParseError is a condition that cannot be parsed: the position (1 is the
// first character, counted in characters, not bytes) and the reason in
// Chinese.
type ParseError struct {
	Pos int
	Msg string
}

func (e *ParseError) Error() string { return fmt.Sprintf("第 %d 个字符：%s", e.Pos, e.Msg) }

type tokKind int

const (
	tEOF tokKind = iota
	tIdent
	tNum
	tStr
	tCmp // a comparison: cmp holds which
	tAnd
	tOr
	tNot
	tLP
	tRP
	tSep // , ， 、
	tContains
	tNotContains
	tIn
	tNotIn
)

type cmpOp int

const (
	opEq cmpOp = iota
	opNe
	opLt
	opLe
	opGt
	opGe
)

// cmpSymbols are the symbols of String and of explanations.
var cmpSymbols = [...]string{opEq: "=", opNe: "≠", opLt: "<", opLe: "≤", opGt: ">", opGe: "≥"}

// negated is the comparison that holds when op does not.
var negated = [...]cmpOp{opEq: opNe, opNe: opEq, opLt: opGe, opLe: opGt, opGt: opLe, opGe: opLt}

type token struct {
	kind tokKind
	pos  int // 1-based character position
	text string
	num  int
	cmp  cmpOp
}

// maxCondition bounds the length of a condition, in bytes.
const maxCondition = 4096

// cjkKeywords are the Chinese words that end an identifier: conditions are
// written without spaces ("年龄>=80且独居"), so a run of Chinese characters
// is cut where one of these begins. Longest first.
var cjkKeywords = []struct {
	word string
	tok  token
}{
	{"大于等于", token{kind: tCmp, cmp: opGe}}, {"小于等于", token{kind: tCmp, cmp: opLe}},
	{"不包含", token{kind: tNotContains}}, {"不属于", token{kind: tNotIn}},
	{"不等于", token{kind: tCmp, cmp: opNe}}, {"不小于", token{kind: tCmp, cmp: opGe}}, {"不大于", token{kind: tCmp, cmp: opLe}},
	{"并且", token{kind: tAnd}}, {"或者", token{kind: tOr}},
	{"包含", token{kind: tContains}}, {"属于", token{kind: tIn}},
	{"等于", token{kind: tCmp, cmp: opEq}}, {"大于", token{kind: tCmp, cmp: opGt}}, {"小于", token{kind: tCmp, cmp: opLt}},
	{"且", token{kind: tAnd}}, {"或", token{kind: tOr}}, {"非", token{kind: tNot}},
}

// asciiKeywords are the English words, whole identifiers, any case.
var asciiKeywords = map[string]tokKind{"and": tAnd, "or": tOr, "not": tNot, "in": tIn, "contains": tContains}

// quotes pairs the opening and closing quote characters of strings.
var quotes = map[rune]rune{'"': '"', '\'': '\'', '“': '”', '‘': '’', '「': '」', '『': '』'}

// fold maps full-width punctuation, as Chinese input methods type it, to
// ASCII.
func fold(r rune) rune {
	switch r {
	case '（':
		return '('
	case '）':
		return ')'
	case '＞':
		return '>'
	case '＜':
		return '<'
	case '＝':
		return '='
	case '！':
		return '!'
	case '，':
		return ','
	case '＆':
		return '&'
	case '｜':
		return '|'
	case '\u3000':
		return ' '
	}
	if r >= '０' && r <= '９' {
		return r - '０' + '0'
	}
	return r
}

// lex splits a condition into tokens.
func lex(src string) ([]token, error) {
	if len(src) > maxCondition {
		return nil, &ParseError{Pos: 1, Msg: fmt.Sprintf("条件过长（超过 %d 字节）", maxCondition)}
	}
	if !utf8.ValidString(src) {
		return nil, &ParseError{Pos: 1, Msg: "不是 UTF-8 文本"}
	}
	rs := []rune(src)
	for i, r := range rs {
		rs[i] = fold(r)
	}
	var toks []token
	i := 0
	for i < len(rs) {
		r := rs[i]
		pos := i + 1
		switch {
		case unicode.IsSpace(r):
			i++
		case r == '(':
			toks = append(toks, token{kind: tLP, pos: pos})
			i++
		case r == ')':
			toks = append(toks, token{kind: tRP, pos: pos})
			i++
		case r == ',' || r == '、':
			toks = append(toks, token{kind: tSep, pos: pos})
			i++
		case r == '&' || r == '|':
			if i+1 < len(rs) && rs[i+1] == r {
				i++
			}
			k := tAnd
			if r == '|' {
				k = tOr
			}
			toks = append(toks, token{kind: k, pos: pos})
			i++
		case r == '≥' || r == '≤' || r == '≠':
			op := map[rune]cmpOp{'≥': opGe, '≤': opLe, '≠': opNe}[r]
			toks = append(toks, token{kind: tCmp, cmp: op, pos: pos})
			i++
		case r == '>' || r == '<' || r == '=' || r == '!':
			next := rune(0)
			if i+1 < len(rs) {
				next = rs[i+1]
			}
			t := token{kind: tCmp, pos: pos}
			n := 1
			switch {
			case r == '>' && next == '=':
				t.cmp, n = opGe, 2
			case r == '<' && next == '=':
				t.cmp, n = opLe, 2
			case r == '<' && next == '>', r == '!' && next == '=':
				t.cmp, n = opNe, 2
			case r == '=' && next == '=':
				t.cmp, n = opEq, 2
			case r == '>':
				t.cmp = opGt
			case r == '<':
				t.cmp = opLt
			case r == '=':
				t.cmp = opEq
			default: // a lone !
				t.kind = tNot
			}
			toks = append(toks, t)
			i += n
		case quotes[r] != 0:
			end := quotes[r]
			j := i + 1
			for j < len(rs) && rs[j] != end {
				j++
			}
			if j == len(rs) {
				return nil, &ParseError{Pos: pos, Msg: "引号没有结束"}
			}
			toks = append(toks, token{kind: tStr, pos: pos, text: string(rs[i+1 : j])})
			i = j + 1
		case r >= '0' && r <= '9' || r == '-' && i+1 < len(rs) && rs[i+1] >= '0' && rs[i+1] <= '9':
			j := i + 1
			for j < len(rs) && rs[j] >= '0' && rs[j] <= '9' {
				j++
			}
			if j < len(rs) && rs[j] == '.' {
				return nil, &ParseError{Pos: j + 1, Msg: "数值应为整数"}
			}
			n, err := strconv.Atoi(string(rs[i:j]))
			if err != nil || n > 1e6 || n < -1e6 {
				return nil, &ParseError{Pos: pos, Msg: "数值「" + string(rs[i:j]) + "」超出范围"}
			}
			// A unit after a number is allowed: 80岁, 80周岁, 2级.
			if strings.HasPrefix(string(rs[j:min(j+2, len(rs))]), "周岁") {
				j += 2
			} else if j < len(rs) && (rs[j] == '岁' || rs[j] == '级') {
				j++
			}
			if j < len(rs) && isIdentRune(rs[j]) && !keywordAt(rs, j) {
				return nil, &ParseError{Pos: j + 1, Msg: "数值后面应为空格、运算符或括号（以数字开头的文字请加引号）"}
			}
			toks = append(toks, token{kind: tNum, pos: pos, num: n, text: string(rs[i:j])})
			i = j
		case isIdentRune(r):
			if t, n, ok := keyword(rs, i); ok {
				t.pos, t.text = pos, string(rs[i:i+n])
				toks = append(toks, t)
				i += n
				continue
			}
			j := i + 1
			for j < len(rs) && isIdentRune(rs[j]) && !keywordAt(rs, j) {
				j++
			}
			word := string(rs[i:j])
			if k, ok := asciiKeywords[strings.ToLower(word)]; ok {
				toks = append(toks, token{kind: k, pos: pos, text: word})
			} else {
				toks = append(toks, token{kind: tIdent, pos: pos, text: word})
			}
			i = j
		default:
			return nil, &ParseError{Pos: pos, Msg: fmt.Sprintf("不认识的字符「%c」", r)}
		}
	}
	return append(toks, token{kind: tEOF, pos: len(rs) + 1}), nil
}

func isIdentRune(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

// keyword returns the Chinese keyword at rs[i:], and its length.
func keyword(rs []rune, i int) (token, int, bool) {
	for _, k := range cjkKeywords {
		n := utf8.RuneCountInString(k.word)
		if i+n <= len(rs) && string(rs[i:i+n]) == k.word {
			return k.tok, n, true
		}
	}
	return token{}, 0, false
}

func keywordAt(rs []rune, i int) bool {
	if rs[i] < 0x2E80 { // ASCII letters never start a Chinese keyword
		return false
	}
	_, _, ok := keyword(rs, i)
	return ok
}
