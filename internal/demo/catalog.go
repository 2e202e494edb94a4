package demo

import (
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"

	"jiceng/internal/core"
)

// The catalog (catalog/*.txt) says, for each taxonomy leaf the demo uses,
// how common it is, when in the year, which units handle it, how people
// phrase it and how units reply. Format, one leaf per block:
//
//	@ 一级/二级/三级 w=WEIGHT s=SEASON u=UNITS i=INTENTS g=URGENCY k=KW|KW p=1
//	- an issue sentence (complaint or request for help)
//	! an issue sentence that makes the ticket 紧急 (2 h)
//	+ an issue sentence that makes the ticket 加急 (24 h)
//	? a question (for 咨询)
//	# a report of wrongdoing (for 举报)
//	r a reply of the handling unit when solved
//	x a reply when it could not be solved
//
// SEASON is one of none, heat, summer, snow, rain, school, spring; UNITS are
// unit codes separated by commas, "C" meaning the ticket's own community;
// INTENTS is c (complaints and help dominate), q (questions dominate) or r
// (reports dominate); URGENCY is n (normal), x (often 复杂) or e (often
// urgent); p=1 marks issues grid patrols find themselves. Sentences hold
// slots such as {小区} or {天}, filled per ticket (see slotNames).
//
//go:embed catalog/*.txt
var catalogFS embed.FS

type season uint8

const (
	seasonNone season = iota
	seasonHeat
	seasonSummer
	seasonSnow
	seasonRain
	seasonSchool
	seasonSpring
)

var seasonNames = map[string]season{"none": seasonNone, "heat": seasonHeat, "summer": seasonSummer,
	"snow": seasonSnow, "rain": seasonRain, "school": seasonSchool, "spring": seasonSpring}

// seasonFactor gives each season's weight multiplier for the 24 half-months
// of the year (index 2*(month-1) + second half).
var seasonFactor = map[season][24]float64{
	seasonNone: {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1},
	// Heating runs 15 November – 15 March; early November brings 试水 questions.
	seasonHeat:   {2.6, 2.4, 2.0, 1.8, 1.2, 0.3, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.15, 0.15, 0.2, 0.3, 0.9, 4.0, 3.4, 3.0},
	seasonSummer: {0.5, 0.5, 0.5, 0.5, 0.6, 0.7, 0.8, 0.9, 1.1, 1.3, 1.6, 1.9, 2.3, 2.4, 2.2, 2.0, 1.4, 1.0, 0.8, 0.7, 0.6, 0.5, 0.5, 0.5},
	seasonSnow:   {2.5, 2.5, 2.0, 1.5, 0.6, 0.1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.1, 0.6, 1.5, 2.2},
	seasonRain:   {0.1, 0.1, 0.1, 0.1, 0.2, 0.2, 0.4, 0.5, 0.7, 0.9, 1.6, 2.2, 3.5, 3.8, 3.0, 2.0, 0.8, 0.5, 0.3, 0.2, 0.1, 0.1, 0.1, 0.1},
	seasonSchool: {0.7, 0.8, 1.8, 1.6, 1.0, 0.9, 0.9, 1.0, 1.1, 1.3, 1.5, 1.2, 0.6, 0.8, 1.8, 2.2, 2.0, 1.2, 0.9, 0.8, 0.8, 0.8, 0.8, 0.7},
	seasonSpring: {0.3, 0.3, 0.6, 1.0, 2.0, 2.5, 2.5, 2.0, 1.5, 1.0, 0.8, 0.7, 0.6, 0.6, 0.6, 0.6, 0.7, 0.8, 1.0, 1.0, 0.8, 0.6, 0.4, 0.3},
}

// Sentence kinds, by their marker in the catalog.
const (
	kindIssue = iota
	kindUrgent
	kindHurry
	kindQuestion
	kindReport
	kindReply
	kindNoFix
	nKinds
)

var kindMarkers = map[string]int{"-": kindIssue, "!": kindUrgent, "+": kindHurry, "?": kindQuestion,
	"#": kindReport, "r": kindReply, "x": kindNoFix}

// spec is one catalog block.
type spec struct {
	cat       core.Category
	weight    float64
	season    season
	units     []string // unit codes; "C" is the ticket's community
	intents   byte     // c, q or r
	urgency   byte     // n, x or e
	kws       []string
	patrol    bool
	sents     [nKinds][]tmpl
	issueAll  []tmpl // issue, urgent and hurry sentences together
	issueKind []int  // the kind of each of issueAll
	// bestReply and bestKw give, for each of issueAll, the replies and the
	// keyword that share most words with it, so that a ticket's reply and
	// title fit what it is about.
	bestReply [][]int
	bestKw    []int
	kwTmpl    []tmpl // kws compiled, so that kws may hold slots too
}

// tmpl is a compiled sentence: literal text and slots.
type tmpl []seg

type seg struct {
	lit  string
	slot int // -1 for literal
}

// Slots a sentence may hold. Location slots are consistent within a ticket.
var slotNames = []string{"小区", "楼", "单元", "室", "路", "号", "社区", "n", "天", "时", "店", "车牌", "温",
	"公司", "姓", "钱", "卡", "学校", "医院", "线路", "月", "手机", "名", "年", "岁", "快递", "单位", "日期", "kw",
	"id", "wx", "email", "小钱", "本姓", "饭馆"}

var slotIndex = func() map[string]int {
	m := map[string]int{}
	for i, n := range slotNames {
		m[n] = i
	}
	return m
}()

const (
	slotXiaoqu = iota
	slotBuilding
	slotEntrance
	slotRoom
	slotRoad
	slotDoor
	slotCommunity
	slotN
	slotDays
	slotWhen
	slotShop
	slotPlate
	slotTemp
	slotCompany
	slotSurname
	slotMoney
	slotCard
	slotSchool
	slotHospital
	slotBusLine
	slotMonths
	slotMobile
	slotName
	slotYear
	slotAge
	slotCourier
	slotUnit
	slotDate
	slotKw
	slotID
	slotWechat
	slotEmail
	slotSmallMoney
	slotFamily
	slotEatery
)

func compile(s string) (tmpl, error) {
	var t tmpl
	for s != "" {
		i := strings.IndexByte(s, '{')
		if i < 0 {
			t = append(t, seg{lit: s, slot: -1})
			break
		}
		if i > 0 {
			t = append(t, seg{lit: s[:i], slot: -1})
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			return nil, fmt.Errorf("unclosed slot in %q", s)
		}
		name := s[i+1 : i+j]
		id, ok := slotIndex[name]
		if !ok {
			return nil, fmt.Errorf("unknown slot {%s}", name)
		}
		t = append(t, seg{slot: id})
		s = s[i+j+1:]
	}
	return t, nil
}

func mustCompile(s string) tmpl {
	t, err := compile(s)
	if err != nil {
		panic("demo: " + err.Error())
	}
	return t
}

func mustCompileAll(ss ...string) []tmpl {
	ts := make([]tmpl, len(ss))
	for i, s := range ss {
		ts[i] = mustCompile(s)
	}
	return ts
}

// loadCatalog parses every catalog file in name order.
func loadCatalog(fsys fs.FS) ([]*spec, error) {
	names, err := fs.Glob(fsys, "catalog/*.txt")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	var specs []*spec
	for _, name := range names {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		var cur *spec
		for ln, line := range strings.Split(string(b), "\n") {
			line = strings.TrimSpace(line)
			if line == "" || strings.HasPrefix(line, "//") {
				continue
			}
			where := fmt.Sprintf("%s:%d", name, ln+1)
			if strings.HasPrefix(line, "@") {
				s, err := parseHeader(strings.TrimSpace(line[1:]))
				if err != nil {
					return nil, fmt.Errorf("%s: %w", where, err)
				}
				specs = append(specs, s)
				cur = s
				continue
			}
			mark, text, ok := strings.Cut(line, " ")
			k, known := kindMarkers[mark]
			if !ok || !known || cur == nil {
				return nil, fmt.Errorf("%s: bad line", where)
			}
			t, err := compile(strings.TrimSpace(text))
			if err != nil {
				return nil, fmt.Errorf("%s: %w", where, err)
			}
			cur.sents[k] = append(cur.sents[k], t)
			if k <= kindHurry {
				cur.issueAll = append(cur.issueAll, t)
				cur.issueKind = append(cur.issueKind, k)
			}
		}
	}
	for _, s := range specs {
		if len(s.issueAll) == 0 {
			return nil, fmt.Errorf("catalog: %s has no issue sentences", catPath(s.cat))
		}
		s.match()
	}
	return specs, nil
}

func parseHeader(h string) (*spec, error) {
	fields := strings.Fields(h)
	if len(fields) == 0 {
		return nil, fmt.Errorf("empty header")
	}
	parts := strings.Split(fields[0], "/")
	if len(parts) != 3 {
		return nil, fmt.Errorf("category %q is not 一级/二级/三级", fields[0])
	}
	s := &spec{cat: core.Category{Level1: parts[0], Level2: parts[1], Level3: parts[2]},
		weight: 1, intents: 'c', urgency: 'n', units: []string{"C"}}
	for _, f := range fields[1:] {
		k, v, ok := strings.Cut(f, "=")
		if !ok {
			return nil, fmt.Errorf("bad attribute %q", f)
		}
		switch k {
		case "w":
			w, err := strconv.ParseFloat(v, 64)
			if err != nil || w <= 0 {
				return nil, fmt.Errorf("bad weight %q", v)
			}
			s.weight = w
		case "s":
			se, ok := seasonNames[v]
			if !ok {
				return nil, fmt.Errorf("bad season %q", v)
			}
			s.season = se
		case "u":
			s.units = strings.Split(v, ",")
		case "i":
			if v != "c" && v != "q" && v != "r" {
				return nil, fmt.Errorf("bad intents %q", v)
			}
			s.intents = v[0]
		case "g":
			if v != "n" && v != "x" && v != "e" {
				return nil, fmt.Errorf("bad urgency %q", v)
			}
			s.urgency = v[0]
		case "k":
			s.kws = strings.Split(v, "|")
			for _, kw := range s.kws {
				t, err := compile(kw)
				if err != nil {
					return nil, err
				}
				s.kwTmpl = append(s.kwTmpl, t)
			}
		case "p":
			s.patrol = v == "1"
		default:
			return nil, fmt.Errorf("unknown attribute %q", k)
		}
	}
	if len(s.kws) == 0 {
		return nil, fmt.Errorf("%s: no keywords (k=)", fields[0])
	}
	return s, nil
}

func catPath(c core.Category) string { return c.Level1 + "/" + c.Level2 + "/" + c.Level3 }

// match fills bestReply and bestKw by character-bigram overlap.
func (s *spec) match() {
	replies := s.sents[kindReply]
	for _, is := range s.issueAll {
		ib := bigrams(literal(is))
		var best []int
		top := 0
		for j, rp := range replies {
			n := overlap(ib, bigrams(literal(rp)))
			switch {
			case n > top:
				top, best = n, []int{j}
			case n == top && n > 0:
				best = append(best, j)
			}
		}
		s.bestReply = append(s.bestReply, best)
		kw, top := -1, 0
		for j, k := range s.kws {
			if n := overlap(ib, bigrams(k)); n > top {
				kw, top = j, n
			}
		}
		s.bestKw = append(s.bestKw, kw)
	}
}

func literal(t tmpl) string {
	var b strings.Builder
	for _, sg := range t {
		b.WriteString(sg.lit)
	}
	return b.String()
}

func bigrams(s string) map[[2]rune]bool {
	m := map[[2]rune]bool{}
	var prev rune
	for _, r := range s {
		if strings.ContainsRune("，。！？、；：,.!? ", r) {
			prev = 0
			continue
		}
		if prev != 0 {
			m[[2]rune{prev, r}] = true
		}
		prev = r
	}
	return m
}

func overlap(a, b map[[2]rune]bool) int {
	n := 0
	for k := range a {
		if b[k] {
			n++
		}
	}
	return n
}
