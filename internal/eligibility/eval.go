package eligibility

import (
	"slices"
	"strconv"
	"strings"
	"time"
)

// tri is a three-valued truth: a test of an unknown fact is unknown, and
// 且/或/非 follow Kleene's logic, so that a missing fact never makes a rule
// match through a 非.
type tri int8

const (
	no tri = iota
	yes
	unknown
)

// Holds reports whether the condition holds for f (an unknown result is
// false).
func (c *Condition) Holds(f *Facts) bool { return c.root.eval(f) == yes }

func (n *node) eval(f *Facts) tri {
	switch n.op {
	case nAnd:
		r := yes
		for _, k := range n.kids {
			switch k.eval(f) {
			case no:
				return no
			case unknown:
				r = unknown
			}
		}
		return r
	case nOr:
		r := no
		for _, k := range n.kids {
			switch k.eval(f) {
			case yes:
				return yes
			case unknown:
				r = unknown
			}
		}
		return r
	case nNot:
		switch n.kids[0].eval(f) {
		case yes:
			return no
		case no:
			return yes
		}
		return unknown
	}
	return n.test(f)
}

// test evaluates a leaf.
func (n *node) test(f *Facts) tri {
	kd := fields[n.field].kind
	switch kd {
	case kindTags:
		if !f.MarksKnown {
			return unknown
		}
		if n.op == nContains {
			return truth(contains(f.Marks, n.str) != n.neg)
		}
		return unknown // not reached: tags only take 包含
	case kindBool:
		if !f.LivingAloneKnown {
			return unknown
		}
		if n.op == nBool {
			return truth(f.LivingAlone)
		}
		eq := f.LivingAlone == (n.num == 1)
		return truth(eq == (n.cmp == opEq))
	case kindNumber, kindLevel:
		v, ok := n.number(f)
		if !ok {
			return unknown
		}
		if v == 0 && kd == kindLevel { // no disability: no level at all
			if n.op == nIn {
				return truth(n.neg)
			}
			return truth(n.cmp == opNe)
		}
		if n.op == nIn {
			return truth(slices.Contains(n.nums, v) != n.neg)
		}
		return truth(compareInt(v, n.cmp, n.num))
	}
	s := n.text(f)
	if s == "" && n.field != fDisabilityType { // 残疾类别 empty: not disabled
		return unknown
	}
	if n.op == nIn {
		return truth(contains(n.strs, s) != n.neg)
	}
	return truth((s == n.str) == (n.cmp == opEq))
}

func truth(b bool) tri {
	if b {
		return yes
	}
	return no
}

func compareInt(v int, op cmpOp, w int) bool {
	switch op {
	case opEq:
		return v == w
	case opNe:
		return v != w
	case opLt:
		return v < w
	case opLe:
		return v <= w
	case opGt:
		return v > w
	}
	return v >= w
}

func (n *node) number(f *Facts) (int, bool) {
	if n.field == fAge {
		return f.Age, f.AgeFrom != ""
	}
	return f.DisabilityLevel, f.DisabilityLevel >= 0
}

func (n *node) text(f *Facts) string {
	switch n.field {
	case fGender:
		return f.Gender
	case fResidence:
		return f.Residence
	case fDisabilityType:
		return f.DisabilityType
	case fCommunity:
		return f.Community
	case fGrid:
		return f.Grid
	case fEstate:
		return f.Estate
	}
	return ""
}

// explain appends the reasons why n evaluates to want for f: the facts
// that decide it, each as "年龄 86 ≥ 80". For a result that is not
// decided (unknown) it names the missing facts.
func (n *node) explain(f *Facts, want tri, out []string) []string {
	switch n.op {
	case nAnd, nOr:
		// An 且 that holds and an 或 that fails need every child; otherwise
		// the first child with the result decides it.
		all := n.op == nAnd && want == yes || n.op == nOr && want == no
		for _, k := range n.kids {
			r := k.eval(f)
			if all || want == unknown {
				if r == want || want == unknown && r == unknown {
					out = k.explain(f, r, out)
				}
				continue
			}
			if r == want {
				return k.explain(f, r, out)
			}
		}
		return out
	case nNot:
		switch want {
		case yes:
			return n.kids[0].explain(f, no, out)
		case no:
			return n.kids[0].explain(f, yes, out)
		}
		return n.kids[0].explain(f, unknown, out)
	}
	return append(out, n.reason(f))
}

// reason describes a leaf's test of f.
func (n *node) reason(f *Facts) string {
	fd := &fields[n.field]
	label := fd.Label
	r := n.test(f)
	if r == unknown {
		switch n.field {
		case fAge:
			return "年龄未知（缺少有效的出生日期和身份证号）"
		case fMarks:
			return "重点人群未登记"
		}
		return label + "未填"
	}
	switch fd.kind {
	case kindTags:
		has := contains(f.Marks, n.str)
		if has {
			return label + "含「" + n.str + "」"
		}
		return label + "不含「" + n.str + "」"
	case kindBool:
		return label + " = " + yesNo(f.LivingAlone)
	case kindNumber, kindLevel:
		v, _ := n.number(f)
		got := strconv.Itoa(v)
		if fd.kind == kindLevel {
			if v == 0 {
				return label + "：无"
			}
			got = DisabilityLevels[v-1]
		}
		if n.field == fAge && f.AgeFrom == FromIDNumber {
			got += "（据身份证号）"
		}
		if n.op == nIn {
			return label + " " + got + " " + setSymbol(r == yes != n.neg) + " {" + strings.Join(n.setText(false), "、") + "}"
		}
		op := n.cmp
		if r == no {
			op = negated[op]
		}
		out := label + " " + got + " " + cmpSymbols[op] + " " + n.plainValue()
		if r == no && n.field == fAge && (n.cmp == opGe || n.cmp == opGt) && v < n.num+1 {
			// When the person will qualify: worth knowing for a near miss.
			want := n.num
			if n.cmp == opGt {
				want++
			}
			out += "（" + f.Reaches(want).Format(time.DateOnly) + " 满 " + strconv.Itoa(want) + " 周岁）"
		}
		return out
	}
	s := n.text(f)
	if s == "" {
		return label + "：无"
	}
	if n.field == fGender && f.GenderID {
		s += "（据身份证号）"
	}
	if n.op == nIn {
		return label + " " + s + " " + setSymbol(r == yes != n.neg) + " {" + strings.Join(n.strs, "、") + "}"
	}
	if r == yes && n.cmp == opEq || r == no && n.cmp == opNe {
		return label + " = " + s
	}
	return label + " " + s + " ≠ " + n.str
}

func setSymbol(in bool) string {
	if in {
		return "∈"
	}
	return "∉"
}

func yesNo(b bool) string {
	if b {
		return "是"
	}
	return "否"
}

func (n *node) plainValue() string {
	if fields[n.field].kind == kindLevel {
		return DisabilityLevels[n.num-1]
	}
	return strconv.Itoa(n.num)
}

// Explain returns the reasons why the condition holds, fails or cannot be
// decided for f, in the order of the condition.
func (c *Condition) Explain(f *Facts) []string {
	return c.root.explain(f, c.root.eval(f), nil)
}

// Near-miss margins: an age test failed by at most nearAge years, a
// disability-level test by one level.
const (
	nearAge   = 2
	nearLevel = 1
)

// whyNot returns the reasons a condition that does not hold fails, and
// whether it is a near miss: a conjunction (且) of which exactly one part
// fails while every other part holds, the failing part being a fact that
// is unknown (missing data) or an age or disability-level bound missed
// narrowly (see narrow).
func (c *Condition) whyNot(f *Facts) ([]string, bool) {
	n := c.root
	if n.op != nAnd {
		return nil, false
	}
	var bad *node
	for _, k := range n.kids {
		if k.eval(f) != yes {
			if bad != nil {
				return nil, false
			}
			bad = k
		}
	}
	if bad == nil {
		return nil, false
	}
	r := bad.eval(f)
	if r == no && !bad.narrow(f) {
		return nil, false
	}
	return bad.explain(f, r, nil), true
}

// narrow reports whether a failed comparison misses by at most its
// margin in the direction a person moves towards a rule: an age lower
// bound (年龄 >= 80: a 79-year-old soon qualifies, an 81-year-old for
// 年龄 < 80 has left) or a disability-level upper bound (残疾等级 <= 二级:
// 三级 may be reassessed).
func (n *node) narrow(f *Facts) bool {
	if n.op != nCmp {
		return false
	}
	v, ok := n.number(f)
	if !ok {
		return false
	}
	switch {
	case n.field == fAge && n.cmp == opGe:
		return n.num-v > 0 && n.num-v <= nearAge
	case n.field == fAge && n.cmp == opGt:
		return n.num+1-v > 0 && n.num+1-v <= nearAge
	case n.field == fDisabilityLevel && v > 0 && n.cmp == opLe:
		return v-n.num > 0 && v-n.num <= nearLevel
	case n.field == fDisabilityLevel && v > 0 && n.cmp == opLt:
		return v-n.num+1 > 0 && v-n.num+1 <= nearLevel
	}
	return false
}
