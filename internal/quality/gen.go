package quality

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"
	"time"

	"jiceng/internal/fieldset"
)

// GenOptions tune Generate.
type GenOptions struct {
	// Persons is the number of clean person rows before defects (houses
	// are a third of it, enterprises a tenth).
	Persons int
	Seed    uint64
	// Now is the time of the run the records are for.
	Now time.Time
	// Rate is the share of rows given each defect; 0 means 0.01.
	Rate float64
}

// Generated is a generated registry with injected defects.
type Generated struct {
	Records []Record
	Refs    *Refs
	// Truth lists, per check kind, the IDs of the records (or tickets, or
	// communities) that carry a defect of that kind.
	Truth map[string]map[string]bool
	// Injected counts the defects injected by name.
	Injected map[string]int
}

var (
	genSurnames = []rune("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段漕钱汤尹黎易常武乔贺赖龚文")
	genGiven    = []rune("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬燕彬鹏辉建国志强海波晓东")
	genComms    = []string{"东湖社区", "西苑社区", "南街社区", "北关社区", "中心社区", "新村社区"}
	genEstates  = []string{"阳光花园", "幸福里", "和平小区", "锦绣家园", "翠苑", "春晖园", "金桥小区", "滨江苑"}
	genSources  = []string{"公安户籍", "社区网格", "民政", "卫健"}
)

// Generate makes a street's registry — persons, houses, enterprises, and
// tickets with the areas and units — and injects defects of known kinds and
// counts, each on a row of its own: missing values (completeness), invalid
// ID numbers, phones, dates and credit codes (validity), copies within a
// source (uniqueness), rows past their update cycle, people aged over 110
// by their ID and empty houses (freshness), birth dates and genders that
// contradict the ID, the same person with two birth dates in two sources
// and grids of another community (consistency), and tickets naming an
// unknown area or unit (integrity). It also makes the look-alikes a
// detector must not flag: the same person in two sources, 15-digit legacy
// IDs, people aged 100–109, houses without an owner that have residents or
// a tenant count, rows just within their cycle.
func Generate(opt GenOptions) *Generated {
	if opt.Rate == 0 {
		opt.Rate = 0.01
	}
	g := &gen{r: rand.New(rand.NewPCG(opt.Seed, 7)), opt: opt, out: &Generated{
		Truth: map[string]map[string]bool{}, Injected: map[string]int{}}}
	for _, k := range CheckKinds {
		g.out.Truth[k] = map[string]bool{}
	}
	g.areas()
	g.persons()
	g.houses()
	g.enterprises()
	g.tickets()
	return g.out
}

type gen struct {
	r     *rand.Rand
	opt   GenOptions
	out   *Generated
	n     int
	grids map[string][]string // community → grids
	// places are the clean persons' places, for the houses.
	places []map[string]string
	ids    map[string]bool
}

func (g *gen) id(prefix string) string {
	g.n++
	return prefix + strconv.Itoa(g.n)
}

func (g *gen) truth(kind, defect, id string) {
	g.out.Truth[kind][id] = true
	g.out.Injected[defect]++
}

func (g *gen) hit() bool { return g.r.Float64() < g.opt.Rate }

func (g *gen) areas() {
	g.grids = map[string][]string{}
	refs := &Refs{}
	for _, c := range genComms {
		unit := c + "居委会"
		refs.Units = append(refs.Units, unit)
		for i := 1; i <= 4; i++ {
			gr := fmt.Sprintf("%s第%d网格", c[:len(c)-len("社区")], i)
			g.grids[c] = append(g.grids[c], gr)
			refs.Areas = append(refs.Areas, Area{Community: c, Grid: gr, Unit: unit})
		}
	}
	refs.Units = append(refs.Units, "城管科", "市场监管所", "派出所")
	g.out.Refs = refs
}

// recent is a time within maxDays before now.
func (g *gen) recent(maxDays int) string {
	d := time.Duration(g.r.IntN(maxDays*24*3600)) * time.Second
	return fieldset.FormatDateTime(g.opt.Now.Add(-d))
}

func (g *gen) name() string {
	n := string(genSurnames[g.r.IntN(len(genSurnames))]) + string(genGiven[g.r.IntN(len(genGiven))])
	if g.r.IntN(2) == 0 {
		n += string(genGiven[g.r.IntN(len(genGiven))])
	}
	return n
}

// idFor makes a valid ID number of someone born on birth; legacy gives
// the 15-digit form.
func (g *gen) idFor(birth time.Time, male, legacy bool) string {
	if g.ids == nil {
		g.ids = map[string]bool{}
	}
	for {
		seq := g.r.IntN(500) * 2
		if male {
			seq++
		}
		area := []string{"110105", "110108", "320102", "440305"}[g.r.IntN(4)]
		var id string
		if legacy {
			id = fmt.Sprintf("%s%s%03d", area, birth.Format("060102"), seq)
		} else {
			first := fmt.Sprintf("%s%s%03d", area, birth.Format("20060102"), seq)
			id = first + string(fieldset.IDCheckChar(first))
		}
		// One number per person: a clash is a generator artefact, not a
		// defect to find.
		if !g.ids[id] {
			g.ids[id] = true
			return id
		}
	}
}

// dateText writes a date mostly as 2006-01-02, sometimes as departments
// type it (2006年1月2日, 2006/1/2), which the checks must read alike.
func (g *gen) dateText(t time.Time) string {
	switch g.r.IntN(10) {
	case 0:
		return fmt.Sprintf("%d年%d月%d日", t.Year(), t.Month(), t.Day())
	case 1:
		return fmt.Sprintf("%d/%d/%d", t.Year(), t.Month(), t.Day())
	}
	return t.Format(time.DateOnly)
}

// reformat writes an ID number or phone as another department would: with
// spaces around it, a lower-case x, full-width digits.
func reformat(s string) string {
	switch len(s) % 3 {
	case 0:
		return " " + s + " "
	case 1:
		out := []rune{}
		for _, r := range s {
			if r >= '0' && r <= '9' {
				r += 0xFEE0
			}
			out = append(out, r)
		}
		return string(out)
	}
	return strings.ToLower(s)
}

func (g *gen) phone() string {
	return fmt.Sprintf("1%d%d%08d", 3+g.r.IntN(7), g.r.IntN(10), g.r.IntN(100000000))
}

func (g *gen) place(v map[string]string) {
	c := genComms[g.r.IntN(len(genComms))]
	v["community"] = c
	v["grid"] = g.grids[c][g.r.IntN(len(g.grids[c]))]
	v["estate"] = genEstates[g.r.IntN(len(genEstates))]
	v["building"] = strconv.Itoa(1+g.r.IntN(20)) + "号楼"
	v["unit_no"] = strconv.Itoa(1+g.r.IntN(4)) + "单元"
	v["room"] = strconv.Itoa(1+g.r.IntN(18)) + fmt.Sprintf("%02d", 1+g.r.IntN(4))
	v["address"] = c + v["estate"] + v["building"] + v["unit_no"] + v["room"] + "室"
}

// person makes a clean person aged between lo and hi.
func (g *gen) person(lo, hi int) map[string]string {
	birth := g.opt.Now.AddDate(-lo-g.r.IntN(hi-lo), 0, -g.r.IntN(365))
	birth = time.Date(birth.Year(), birth.Month(), birth.Day(), 0, 0, 0, 0, time.UTC)
	male := g.r.IntN(2) == 0
	v := map[string]string{
		"name":           g.name(),
		"id_number":      g.idFor(birth, male, birth.Year() < 1985 && g.r.IntN(50) == 0),
		"phone":          g.phone(),
		"gender":         map[bool]string{true: "男", false: "女"}[male],
		"birth_date":     g.dateText(birth),
		"residence_type": []string{"户籍人口", "流动人口", "人户分离"}[g.r.IntN(3)],
	}
	g.place(v)
	// Rows with quarterly fields are kept within a quarter, the others
	// within a year (a few just within it).
	if lo >= 60 && g.r.IntN(4) == 0 {
		v["marks"] = "独居老人"
		v["living_alone"] = "是"
		v["updated_at"] = g.recent(85)
	} else {
		v["updated_at"] = g.recent(360)
	}
	return v
}

func (g *gen) add(kind, source string, v map[string]string, cluster string) *Record {
	g.out.Records = append(g.out.Records, Record{ID: g.id(kind[:1]), Kind: kind, Source: source, Values: v, Cluster: cluster})
	return &g.out.Records[len(g.out.Records)-1]
}

func (g *gen) persons() {
	for i := 0; i < g.opt.Persons; i++ {
		lo, hi := 0, 95
		if g.r.IntN(200) == 0 {
			lo, hi = 100, 110 // very old but plausible
		}
		v := g.person(lo, hi)
		src := genSources[g.r.IntN(len(genSources))]
		cluster := "P" + strconv.Itoa(i)
		g.places = append(g.places, copyMap(v))
		rec := g.add(fieldset.KindPerson, src, v, cluster)
		switch {
		case g.hit():
			delete(rec.Values, "name")
			g.truth(KindCompleteness, "missing name", rec.ID)
		case g.hit():
			delete(rec.Values, "phone")
			g.truth(KindCompleteness, "missing phone", rec.ID)
		case g.hit():
			id := rec.Values["id_number"]
			if len(id) == 18 {
				c := id[17]
				rec.Values["id_number"] = id[:17] + string("0123456789X"[(1+indexByte("0123456789X", c)+g.r.IntN(9))%11])
				g.truth(KindValidity, "invalid id check", rec.ID)
			}
		case g.hit():
			rec.Values["phone"] = rec.Values["phone"][:7]
			g.truth(KindValidity, "invalid phone", rec.ID)
		case g.hit():
			rec.Values["birth_date"] = fmt.Sprintf("%d-13-%02d", 1950+g.r.IntN(50), 1+g.r.IntN(28))
			g.truth(KindValidity, "invalid birth date", rec.ID)
		case g.hit():
			cp := *rec
			cp.Values = copyMap(rec.Values)
			cp.ID = g.id("p")
			cp.Values["id_number"] = reformat(cp.Values["id_number"])
			cp.Values["phone"] = reformat(cp.Values["phone"])
			g.out.Records = append(g.out.Records, cp)
			g.truth(KindUniqueness, "copy in source", cp.ID)
		case g.hit():
			rec.Values["updated_at"] = fieldset.FormatDateTime(g.opt.Now.AddDate(-6-g.r.IntN(4), 0, -g.r.IntN(300)))
			g.truth(KindFreshness, "untouched", rec.ID)
		case g.hit():
			old := g.person(111, 125)
			for _, f := range []string{"id_number", "birth_date", "gender"} {
				rec.Values[f] = old[f]
			}
			g.truth(KindFreshness, "over 110", rec.ID)
		case g.hit():
			b, _ := fieldset.ParseDateTime(rec.Values["birth_date"])
			rec.Values["birth_date"] = g.dateText(b.AddDate(0, 0, 1+g.r.IntN(400)))
			g.truth(KindConsistency, "birth date not the ID's", rec.ID)
		case g.hit():
			rec.Values["gender"] = map[string]string{"男": "女", "女": "男"}[rec.Values["gender"]]
			g.truth(KindConsistency, "gender not the ID's", rec.ID)
		case g.hit():
			other := genComms[(indexStr(genComms, rec.Values["community"])+1+g.r.IntN(len(genComms)-1))%len(genComms)]
			rec.Values["community"] = other
			g.truth(KindConsistency, "grid of another community", rec.ID)
		case g.hit():
			// The same person in another source with another birth date
			// (and, since the ID is the same, one contradicting it).
			cp := *rec
			cp.Values = copyMap(rec.Values)
			cp.ID = g.id("p")
			cp.Source = otherSource(rec.Source, g.r)
			b, _ := fieldset.ParseDateTime(rec.Values["birth_date"])
			cp.Values["birth_date"] = g.dateText(b.AddDate(0, 0, 1+g.r.IntN(400)))
			g.out.Records = append(g.out.Records, cp)
			g.truth(KindConsistency, "two birth dates across sources", cp.ID)
			g.out.Truth[KindConsistency][rec.ID] = true
		case g.r.IntN(20) == 0:
			// Look-alike: the same person in another source, written
			// its way.
			cp := *rec
			cp.Values = copyMap(rec.Values)
			cp.Values["id_number"] = reformat(cp.Values["id_number"])
			if b, err := fieldset.ParseDateTime(cp.Values["birth_date"]); err == nil {
				cp.Values["birth_date"] = g.dateText(b)
			}
			cp.ID = g.id("p")
			cp.Source = otherSource(rec.Source, g.r)
			g.out.Records = append(g.out.Records, cp)
		}
	}
}

func otherSource(s string, r *rand.Rand) string {
	return genSources[(indexStr(genSources, s)+1+r.IntN(len(genSources)-1))%len(genSources)]
}

func indexStr(list []string, s string) int {
	for i, v := range list {
		if v == s {
			return i
		}
	}
	return 0
}

func indexByte(s string, c byte) int {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return i
		}
	}
	return 0
}

func copyMap(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// houses makes houses at the persons' places, with an owner, a tenant
// count or neither; empty ones are at places where nobody lives.
func (g *gen) houses() {
	people := g.places
	used := map[string]bool{}
	n := g.opt.Persons / 3
	for i := 0; i < n && len(people) > 0; i++ {
		v := map[string]string{"use": "住宅", "area": strconv.Itoa(40 + g.r.IntN(100)), "updated_at": g.recent(85)}
		if g.hit() {
			// Empty: a place of its own (building 99 has no residents).
			g.place(v)
			v["building"] = "99号楼"
			v["address"] = v["community"] + v["estate"] + "99号楼" + v["unit_no"] + v["room"] + "室"
			if key, _ := placeKey(v, v["community"]); used[key] {
				continue
			} else {
				used[key] = true
			}
			rec := g.add(fieldset.KindHouse, "住建", v, "")
			g.truth(KindFreshness, "empty house", rec.ID)
			continue
		}
		p := people[g.r.IntN(len(people))]
		if key, _ := placeKey(p, p["community"]); used[key] {
			continue // one house per place
		} else {
			used[key] = true
		}
		for _, f := range []string{"community", "grid", "estate", "building", "unit_no", "room", "address"} {
			v[f] = p[f]
		}
		switch g.r.IntN(3) {
		case 0:
			v["owner_name"] = g.name()
			v["owner_phone"] = g.phone()
		case 1:
			v["tenant_count"] = strconv.Itoa(1 + g.r.IntN(5))
			v["rented"] = "是"
		default:
			// no owner, no count: residents only (a look-alike)
		}
		g.add(fieldset.KindHouse, "住建", v, "")
	}
}

// uscc makes a valid unified social credit code.
func (g *gen) uscc() string {
	const chars = "0123456789ABCDEFGHJKLMNPQRTUWXY"
	b := []byte("91110105")
	for len(b) < 17 {
		b = append(b, chars[g.r.IntN(len(chars))])
	}
	return string(b) + string(fieldset.USCCCheckChar(string(b)))
}

func (g *gen) enterprises() {
	n := g.opt.Persons / 10
	for i := 0; i < n; i++ {
		v := map[string]string{"name": g.name() + "商贸有限公司" + strconv.Itoa(i), "uscc": g.uscc(), "legal_person": g.name(),
			"status": "在营", "updated_at": g.recent(85)}
		g.place(v)
		for _, f := range []string{"estate", "building", "unit_no", "room"} {
			delete(v, f)
		}
		rec := g.add(fieldset.KindEnterprise, "市场监管", v, "")
		switch {
		case g.hit():
			u := rec.Values["uscc"]
			const chars = "0123456789ABCDEFGHJKLMNPQRTUWXY"
			c := indexByte(chars, u[17])
			rec.Values["uscc"] = u[:17] + string(chars[(c+1+g.r.IntN(30))%31])
			g.truth(KindValidity, "invalid uscc check", rec.ID)
		case g.hit():
			cp := *rec
			cp.Values = copyMap(rec.Values)
			cp.ID = g.id("e")
			g.out.Records = append(g.out.Records, cp)
			g.truth(KindUniqueness, "enterprise copy", cp.ID)
		}
	}
}

func (g *gen) tickets() {
	n := g.opt.Persons / 5
	refs := g.out.Refs
	for i := 0; i < n; i++ {
		c := genComms[g.r.IntN(len(genComms))]
		t := TicketRef{ID: "T" + strconv.Itoa(i), Community: c, Grid: g.grids[c][g.r.IntN(4)], Unit: c + "居委会"}
		switch {
		case g.hit():
			t.Community = "不存在社区"
			g.truth(KindIntegrity, "ticket unknown community", t.ID)
		case g.hit():
			t.Unit = "已撤销科室"
			g.truth(KindIntegrity, "ticket unknown unit", t.ID)
		case g.r.IntN(10) == 0:
			t.Unit = "" // not yet dispatched: not an orphan
		}
		refs.Tickets = append(refs.Tickets, t)
	}
}

// KindFigures are the detection figures of one check kind.
type KindFigures struct {
	Kind                  string
	Truth, Found, Hits    int
	Precision, Recall, F1 float64
}

// Evaluate runs the default checks over g and compares, per check kind,
// the rows any check of the kind finds failing (warnings included) with
// the injected defects.
func Evaluate(g *Generated, now time.Time) ([]KindFigures, *Run, error) {
	found := map[string]map[string]bool{}
	for _, k := range CheckKinds {
		found[k] = map[string]bool{}
	}
	run, err := Measure(g.Records, Options{Now: now, Refs: g.Refs, SampleSize: -1,
		OnFail: func(res *Result, _ *Record, id string) { found[res.Kind][id] = true }})
	if err != nil {
		return nil, nil, err
	}
	var out []KindFigures
	for _, k := range CheckKinds {
		if k == KindVolume {
			continue
		}
		f := KindFigures{Kind: k, Truth: len(g.Truth[k]), Found: len(found[k])}
		for id := range found[k] {
			if g.Truth[k][id] {
				f.Hits++
			}
		}
		if f.Found > 0 {
			f.Precision = float64(f.Hits) / float64(f.Found)
		}
		if f.Truth > 0 {
			f.Recall = float64(f.Hits) / float64(f.Truth)
		}
		if f.Precision+f.Recall > 0 {
			f.F1 = 2 * f.Precision * f.Recall / (f.Precision + f.Recall)
		}
		out = append(out, f)
	}
	return out, run, nil
}

// InjectedNames lists the defect names of g in order.
func (g *Generated) InjectedNames() []string {
	var names []string
	for n := range g.Injected {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
