package demo

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"jiceng/internal/core"
)

// DefaultPerDay is the average number of tickets a day when Options.Tickets
// is 0: about 1,900 a month, 45,000 over two years — a busy urban street.
const DefaultPerDay = 62

// Time limits (办理时限) by urgency.
var timeLimits = map[string]time.Duration{
	"紧急": 2 * time.Hour,
	"加急": 24 * time.Hour,
	"一般": 7 * 24 * time.Hour,
	"复杂": 15 * 24 * time.Hour,
}

// hourWeights is the share of calls in each hour of the day: quiet at night,
// peaks mid-morning and mid-afternoon, a second wind after dinner.
var hourWeights = cumulative([]float64{0.3, 0.2, 0.15, 0.1, 0.1, 0.25, 0.8, 2.0, 4.5, 6.5, 6.8, 6.0,
	4.5, 4.8, 5.8, 6.0, 5.6, 5.0, 4.2, 4.4, 4.6, 3.8, 2.2, 1.0})

// eveningWeights is the hour profile of noise complaints: evenings and nights.
var eveningWeights = cumulative([]float64{3, 2.5, 1.5, 0.8, 0.3, 0.6, 1.2, 1.0, 0.6, 0.5, 0.5, 0.5,
	0.7, 0.8, 0.5, 0.5, 0.5, 0.6, 1.0, 2.0, 3.5, 5.0, 6.0, 5.0})

// weekdayFactor: Monday brings the weekend's backlog, weekends are quiet.
var weekdayFactor = [7]float64{time.Sunday: 0.68, time.Monday: 1.14, time.Tuesday: 1.06, time.Wednesday: 1.0,
	time.Thursday: 1.0, time.Friday: 0.95, time.Saturday: 0.72}

// generator is what every plan shares: the parsed catalog and its per-half-
// month weight tables. It is read-only after construction.
type generator struct {
	specs    []*spec
	cum      [24][]float64 // cumulative spec weights per half-month
	total    [24]float64
	avgTotal float64
	commCum  []float64
}

var (
	genOnce sync.Once
	genVal  *generator
	genErr  error
)

func sharedGenerator() (*generator, error) {
	genOnce.Do(func() {
		specs, err := loadCatalog(catalogFS)
		if err != nil {
			genErr = err
			return
		}
		g := &generator{specs: specs}
		for hm := 0; hm < 24; hm++ {
			w := make([]float64, len(specs))
			for i, s := range specs {
				w[i] = s.weight * seasonFactor[s.season][hm]
			}
			g.cum[hm] = cumulative(w)
			g.total[hm] = g.cum[hm][len(w)-1]
			g.avgTotal += g.total[hm] / 24
		}
		sizes := make([]float64, len(communities))
		for i, c := range communities {
			sizes[i] = c.size
		}
		g.commCum = cumulative(sizes)
		genVal = g
	})
	return genVal, genErr
}

func halfMonth(t time.Time) int {
	i := 2 * (int(t.Month()) - 1)
	if t.Day() >= 16 {
		i++
	}
	return i
}

// Spike is a local burst injected into the history: extra tickets of one
// category in one community over a few days, for risk-detection tests and
// demos to find. See Spikes.
type Spike struct {
	Name      string
	Community string // community name
	Category  core.Category
	Start     time.Time // first day, 00:00 CST
	Days      int
	// Extra is the added volume per day as a share of an average day's
	// street-wide volume (0.4 at the default volume is about 25 tickets a day,
	// against a baseline of under one for that category and community).
	Extra   float64
	evening bool
}

// Spikes returns the bursts injected into a history ending at end:
//
//   - 金泉家园社区 water outage (停水): 3 days starting 75 days before end,
//     自来水供应, +0.4 of a day's volume a day.
//   - 柳荫里社区 construction noise (夜间施工): 14 days from the most recent
//     15 June that fits before end, 噪音污染, +0.12 a day, evenings.
//   - 铁路北社区 heating failure (暖气不热): 7 days from the most recent
//     10 December that fits, 冬季采暖, +0.3 a day.
//   - 翠湖南社区 power cut (停电): 2 days starting 6 days before end,
//     电力供应, +0.35 a day — recent, so it shows on "now" dashboards.
//
// Spikes that would fall outside the two years are dropped.
func Spikes(end time.Time) []Spike {
	endDay := dayOf(end)
	first := endDay.AddDate(-2, 0, 1)
	recent := func(month time.Month, day, days int) time.Time {
		for y := endDay.Year(); ; y-- {
			s := time.Date(y, month, day, 0, 0, 0, 0, core.StreetTime)
			if !s.AddDate(0, 0, days-1).After(endDay) {
				return s
			}
		}
	}
	all := []Spike{
		{Name: "金泉家园社区停水", Community: "金泉家园社区", Category: core.Category{Level1: "城乡建设", Level2: "城市建设和市政管理", Level3: "自来水供应"},
			Start: endDay.AddDate(0, 0, -75), Days: 3, Extra: 0.4},
		{Name: "柳荫里社区夜间施工噪音", Community: "柳荫里社区", Category: core.Category{Level1: "环境保护", Level2: "环境污染", Level3: "噪音污染"},
			Start: recent(time.June, 15, 14), Days: 14, Extra: 0.12, evening: true},
		{Name: "铁路北社区暖气不热", Community: "铁路北社区", Category: core.Category{Level1: "城乡建设", Level2: "城市建设和市政管理", Level3: "冬季采暖"},
			Start: recent(time.December, 10, 7), Days: 7, Extra: 0.3},
		{Name: "翠湖南社区停电", Community: "翠湖南社区", Category: core.Category{Level1: "城乡建设", Level2: "城市建设和市政管理", Level3: "电力供应"},
			Start: endDay.AddDate(0, 0, -6), Days: 2, Extra: 0.35},
	}
	var out []Spike
	for _, s := range all {
		if !s.Start.Before(first) {
			out = append(out, s)
		}
	}
	return out
}

func dayOf(t time.Time) time.Time {
	y, m, d := t.In(core.StreetTime).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, core.StreetTime)
}

// Plan is a history laid out day by day: how many tickets each day gets.
// Day(i) generates the tickets of one day from its own random source, so
// days can be generated concurrently and still come out the same.
type Plan struct {
	g      *generator
	st     Street
	seed   int64
	first  time.Time // midnight of the first day, CST
	cutoff time.Time // no ticket is received at or after cutoff; statuses are as of cutoff
	counts []int
	spikes []planSpike
	units  map[string]int // unit code → index in st.Units
	comms  map[string]int // community name → index
	total  int
	regs   []regular
	hist   historyTables // for History, built on first use
	// rec is the demo street's registries (genRecordStreet of the same
	// seed and end), so that some callers are its residents.
	rec *recordStreet
}

type planSpike struct {
	Spike
	spec   *spec
	comm   int
	counts []int // per day of the plan
}

// NewPlan lays out the history for st and o. A zero o.End means now; a zero
// o.Seed means 1; o.Tickets 0 means DefaultPerDay a day. If o.End has no
// time of day the whole end day is included, else the history stops at End.
func NewPlan(st Street, o Options) (*Plan, error) {
	g, err := sharedGenerator()
	if err != nil {
		return nil, err
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	if o.End.IsZero() {
		o.End = time.Now()
	}
	if o.Tickets < 0 {
		return nil, fmt.Errorf("demo: negative ticket count %d", o.Tickets)
	}
	end := o.End.In(core.StreetTime)
	endDay := dayOf(end)
	p := &Plan{g: g, st: st, seed: o.Seed, first: endDay.AddDate(-2, 0, 1), cutoff: endDay.AddDate(0, 0, 1),
		units: map[string]int{}, comms: map[string]int{}}
	if !end.Equal(endDay) {
		p.cutoff = end
	}
	for i, u := range st.Units {
		p.units[u.Code] = i
	}
	for i, c := range communities {
		p.comms[c.name] = i
	}
	days := int(endDay.Sub(p.first).Hours()/24+0.5) + 1
	n := o.Tickets
	if n == 0 {
		n = DefaultPerDay * days
	}
	p.total = n

	// Base intensity per day: weekday × trend × season, with day-to-day noise.
	r := rand.New(rand.NewPCG(uint64(o.Seed), 0x9e3779b97f4a7c15))
	base := make([]float64, days)
	mean := 0.0
	for d := range base {
		day := p.first.AddDate(0, 0, d)
		trend := 0.9 + 0.2*float64(d)/float64(days)
		x := weekdayFactor[day.Weekday()] * trend * g.total[halfMonth(day)] / g.avgTotal * holidayFactor(day)
		x *= math.Exp(0.12*r.NormFloat64() - 0.0072)
		if d == days-1 {
			x *= dayShare(hourWeights, p.cutoff.Sub(day))
		}
		base[d] = x
		mean += x / float64(days)
	}
	lambda := slices.Clone(base)
	for _, s := range Spikes(o.End) {
		ps := planSpike{Spike: s, comm: p.comms[s.Community], counts: make([]int, days)}
		for _, sp := range g.specs {
			if sp.cat == s.Category {
				ps.spec = sp
				break
			}
		}
		if ps.spec == nil {
			return nil, fmt.Errorf("demo: spike %s: category %s not in catalog", s.Name, catPath(s.Category))
		}
		p.spikes = append(p.spikes, ps)
		for k := 0; k < s.Days; k++ {
			d := int(s.Start.Sub(p.first).Hours()/24 + 0.5)
			if d+k < days {
				lambda[d+k] += s.Extra * mean
			}
		}
	}
	p.counts = allocate(n, lambda)
	p.regs = newRegulars(g, o.Seed, p.first, days, n)
	p.rec = genRecordStreet(RecordsOptions{Seed: o.Seed, End: o.End})
	for i := range p.spikes {
		ps := &p.spikes[i]
		d0 := int(ps.Start.Sub(p.first).Hours()/24 + 0.5)
		for k := 0; k < ps.Days && d0+k < days; k++ {
			d := d0 + k
			c := int(math.Round(float64(p.counts[d]) * ps.Extra * mean / lambda[d]))
			ps.counts[d] = c
		}
	}
	return p, nil
}

// springFestivals are the first days (初一) of the Chinese New Year.
var springFestivals = []time.Time{
	time.Date(2020, 1, 25, 0, 0, 0, 0, core.StreetTime), time.Date(2021, 2, 12, 0, 0, 0, 0, core.StreetTime),
	time.Date(2022, 2, 1, 0, 0, 0, 0, core.StreetTime), time.Date(2023, 1, 22, 0, 0, 0, 0, core.StreetTime),
	time.Date(2024, 2, 10, 0, 0, 0, 0, core.StreetTime), time.Date(2025, 1, 29, 0, 0, 0, 0, core.StreetTime),
	time.Date(2026, 2, 17, 0, 0, 0, 0, core.StreetTime), time.Date(2027, 2, 6, 0, 0, 0, 0, core.StreetTime),
	time.Date(2028, 1, 26, 0, 0, 0, 0, core.StreetTime), time.Date(2029, 2, 13, 0, 0, 0, 0, core.StreetTime),
	time.Date(2030, 2, 3, 0, 0, 0, 0, core.StreetTime),
}

// holidayFactor lowers the volume in the Spring Festival week (除夕 to
// 初七) and the National Day week (1–7 October), when people travel.
func holidayFactor(day time.Time) float64 {
	if day.Month() == time.October && day.Day() <= 7 {
		return 0.75
	}
	for _, sf := range springFestivals {
		if d := day.Sub(sf); d >= -24*time.Hour && d < 7*24*time.Hour {
			return 0.55
		}
	}
	return 1
}

// dayShare is the share of a day's calls that come in before offset.
func dayShare(cum []float64, offset time.Duration) float64 {
	h := offset.Hours()
	if h >= 24 {
		return 1
	}
	i := int(h)
	prev := 0.0
	if i > 0 {
		prev = cum[i-1]
	}
	s := prev + (cum[i]-prev)*(h-float64(i))
	return math.Max(s/cum[len(cum)-1], 1e-9)
}

// allocate splits n over weights exactly, by largest remainder.
func allocate(n int, w []float64) []int {
	sum := 0.0
	for _, x := range w {
		sum += x
	}
	out := make([]int, len(w))
	type rem struct {
		i int
		f float64
	}
	rems := make([]rem, len(w))
	given := 0
	for i, x := range w {
		q := float64(n) * x / sum
		out[i] = int(q)
		given += out[i]
		rems[i] = rem{i, q - float64(out[i])}
	}
	slices.SortStableFunc(rems, func(a, b rem) int {
		switch {
		case a.f > b.f:
			return -1
		case a.f < b.f:
			return 1
		}
		return a.i - b.i
	})
	for k := 0; given < n; k++ {
		out[rems[k%len(rems)].i]++
		given++
	}
	return out
}

// Days returns the number of days in the plan.
func (p *Plan) Days() int { return len(p.counts) }

// Total returns the number of tickets in the plan.
func (p *Plan) Total() int { return p.total }

// Count returns the number of tickets on day i.
func (p *Plan) Count(i int) int { return p.counts[i] }

// Day generates the tickets of day i, in received order. It is safe to call
// concurrently.
func (p *Plan) Day(i int) []core.Ticket {
	day := p.first.AddDate(0, 0, i)
	n := p.counts[i]
	r := rand.New(rand.NewPCG(uint64(p.seed), uint64(day.Unix())))
	type slot struct {
		at    time.Time
		spike int // -1 for none
		reg   int // index in p.regs, -1 for none
		no    int // the regular's call number
	}
	slots := make([]slot, 0, n)
	limit := p.cutoff.Sub(day)
	draw := func(cum []float64) time.Time {
		for {
			h := pickCum(r, cum)
			off := time.Duration(h)*time.Hour + time.Duration(r.IntN(3600))*time.Second
			if off < limit {
				return day.Add(off)
			}
			if limit < time.Hour {
				return day.Add(time.Duration(r.Int64N(int64(limit/time.Second))) * time.Second)
			}
		}
	}
	for si := range p.spikes {
		c := p.spikes[si].counts[i]
		hours := hourWeights
		if p.spikes[si].evening {
			hours = eveningWeights
		}
		for k := 0; k < c && len(slots) < n; k++ {
			slots = append(slots, slot{draw(hours), si, -1, 0})
		}
	}
	for ri := range p.regs {
		if no := p.regs[ri].callNo(i); no > 0 && len(slots) < n*3/4 {
			slots = append(slots, slot{draw(hourWeights), -1, ri, no})
		}
	}
	for len(slots) < n {
		slots = append(slots, slot{draw(hourWeights), -1, -1, 0})
	}
	slices.SortStableFunc(slots, func(a, b slot) int { return a.at.Compare(b.at) })

	out := make([]core.Ticket, n)
	offset := 10000 + r.IntN(20000)
	prefix := day.Format("20060102")
	hm := halfMonth(day)
	for j, s := range slots {
		t := &out[j]
		t.Number = prefix + strconv.Itoa(offset+j)
		t.ReceivedAt = s.at
		sp, comm := (*spec)(nil), -1
		var reg *regular
		switch {
		case s.spike >= 0:
			sp, comm = p.spikes[s.spike].spec, p.spikes[s.spike].comm
		case s.reg >= 0:
			reg = &p.regs[s.reg]
			sp, comm = p.g.specs[reg.spec], reg.comm
		default:
			sp = p.g.specs[pickCum(r, p.g.cum[hm])]
		}
		p.fill(r, t, sp, comm, reg, s.no)
	}
	return out
}

// Word lists of slots.
var (
	bigMoneyWords   = []string{"两万多", "一万多", "三千多", "好几千", "八千多", "五万"}
	smallMoneyUnits = []string{"元", "块钱", "块"}
	eateries        = []string{"老王烧烤", "川味小馆", "德顺饭庄", "兰州牛肉面", "老北京涮肉", "福满楼饭店",
		"东北饺子馆", "湘味轩", "好再来快餐", "张记麻辣烫", "金鼎烤鸭店", "早点铺"}
	questionMarks = []string{"？", "？", "？", "?", "？？"}
	yearWords     = []string{"两年", "三年多", "五六年", "好几年", "一年多", "七八年", "十来年"}
	slotWords1    = []string{"两", "三", "四", "五", "两三", "三四", "好几", "五六"}
	slotWords2    = []string{"两三天", "三天", "四五天", "一个星期", "一个多星期", "半个月", "二十多天",
		"一个多月", "两个多月", "好几个月", "大半年", "十来天"}
	slotWords3 = []string{"晚上十点以后", "半夜十二点多", "凌晨两三点", "早上五点多", "每天晚上",
		"中午休息的时候", "周末一大早", "晚上九点到十一点", "每天傍晚", "夜里一两点"}
	slotWords4 = []string{"老王烧烤", "鑫旺超市", "好邻居便利店", "川味小馆", "兴隆五金店", "丽人美发",
		"鲜果汇水果店", "德顺饭庄", "快乐宝贝托管班", "兰州牛肉面", "老北京涮肉", "鑫鑫洗车行", "小蜜蜂家政",
		"阳光大药房", "福满楼饭店", "东北饺子馆"}
	slotWords5 = []string{"海川鑫达装饰工程有限公司", "北京润通物流有限公司", "恒信建筑劳务有限公司",
		"嘉禾餐饮管理有限公司", "众诚保安服务有限公司", "优品电子商务有限公司", "锦程教育科技有限公司",
		"华宇房地产经纪有限公司", "安居物业服务有限公司", "捷达快递清河湾网点", "佳美健身会所", "博学培训学校"}
	slotWords7 = []string{"清河湾中心小学", "海川实验二小", "育新学校", "清河湾第一幼儿园", "金泉幼儿园",
		"海川区第十九中学"}
	slotWords8 = []string{"清河湾社区卫生服务中心", "海川区医院", "海川中医医院", "育新口腔诊所",
		"第三人民医院"}
	slotWords9  = []string{"快速公交3路", "运通118路", "特8路", "专26路", "435路", "611路", "966路"}
	slotWords10 = []string{"两个月", "三个月", "半年", "四个月", "五个多月", "一年多", "好几个月"}
	slotWords12 = []string{"顺丰", "中通", "圆通", "韵达", "京东物流", "极兔", "申通"}
)

// tctx is the state of one ticket while its texts are written, so that the
// same place, person and plate appear wherever a slot asks for them.
type tctx struct {
	r        *rand.Rand
	p        *Plan
	sp       *spec
	comm, xq int
	road     string
	door     int
	bld, ent int
	room     int
	name     string
	family   string
	mobile   string
	plate    string
	card     string
	id       string
	unit     string
	kw       int
	first    int // index in sp.issueAll of the leading issue, -1 if none
	forced   int // issue the text must lead with, -1 for any
	repeat   int // call number of a regular caller, 0 for others
	date     time.Time
	firm     *rfirm // a registry enterprise the text names, or nil
}

func (c *tctx) slot(b *strings.Builder, id int) {
	r := c.r
	switch id {
	case slotXiaoqu:
		b.WriteString(communities[c.comm].xiaoqu[c.xq])
	case slotBuilding:
		b.WriteString(strconv.Itoa(c.bld))
	case slotEntrance:
		b.WriteString(strconv.Itoa(c.ent))
	case slotRoom:
		b.WriteString(strconv.Itoa(c.room))
	case slotRoad:
		b.WriteString(c.road)
	case slotDoor:
		b.WriteString(strconv.Itoa(c.door))
	case slotCommunity:
		b.WriteString(communities[c.comm].name)
	case slotN:
		b.WriteString(pick(r, slotWords1))
	case slotDays:
		b.WriteString(pick(r, slotWords2))
	case slotWhen:
		b.WriteString(pick(r, slotWords3))
	case slotShop:
		if c.firm != nil && c.firm.shop {
			b.WriteString(c.firm.short)
			break
		}
		b.WriteString(pick(r, slotWords4))
	case slotPlate:
		if c.plate == "" {
			c.plate = plate(r)
		}
		b.WriteString(c.plate)
	case slotTemp:
		b.WriteString(strconv.Itoa(11 + r.IntN(7)))
	case slotCompany:
		if c.firm != nil && !c.firm.shop {
			b.WriteString(c.firm.name)
			break
		}
		b.WriteString(pick(r, slotWords5))
	case slotSurname:
		b.WriteString(surname(r))
	case slotMoney:
		if r.IntN(4) == 0 {
			b.WriteString(pick(r, bigMoneyWords))
			b.WriteString("块钱")
		} else {
			b.WriteString(strconv.Itoa(100 * (8 + r.IntN(400))))
			b.WriteString("元")
		}
	case slotSmallMoney:
		if r.IntN(2) == 0 {
			b.WriteString(strconv.Itoa(5 + r.IntN(60)))
		} else {
			b.WriteString(strconv.Itoa(50 * (1 + r.IntN(10))))
		}
		b.WriteString(pick(r, smallMoneyUnits))
	case slotEatery:
		if c.firm != nil && c.firm.shop {
			b.WriteString(c.firm.short)
			break
		}
		b.WriteString(pick(r, eateries))
	case slotFamily:
		if c.family == "" {
			c.name, c.family = personName(r)
		}
		b.WriteString(c.family)
	case slotCard:
		if c.card == "" {
			c.card = bankCard(r)
		}
		b.WriteString(c.card)
	case slotSchool:
		b.WriteString(pick(r, slotWords7))
	case slotHospital:
		b.WriteString(pick(r, slotWords8))
	case slotBusLine:
		b.WriteString(pick(r, slotWords9))
	case slotMonths:
		b.WriteString(pick(r, slotWords10))
	case slotMobile:
		if c.mobile == "" {
			c.mobile = mobile(r)
		}
		b.WriteString(c.mobile)
	case slotName:
		if c.name == "" {
			family := c.family
			c.name, c.family = personName(r)
			if family != "" { // 王先生 gives his full name in the text
				c.name = family + strings.TrimPrefix(c.name, c.family)
				c.family = family
			}
		}
		b.WriteString(c.name)
	case slotYear:
		b.WriteString(pick(r, yearWords))
	case slotAge:
		b.WriteString(strconv.Itoa(65 + r.IntN(28)))
	case slotCourier:
		b.WriteString(pick(r, slotWords12))
	case slotUnit:
		b.WriteString(c.unit)
	case slotDate:
		d := c.date
		if d.IsZero() {
			d = c.p.cutoff
		}
		b.WriteString(strconv.Itoa(int(d.Month())))
		b.WriteString("月")
		b.WriteString(strconv.Itoa(d.Day()))
		b.WriteString("日")
	case slotKw:
		c.write(b, c.sp.kwTmpl[c.kw])
	case slotID:
		if c.id == "" {
			c.id = idNumber(r, r.Float64() > 0.05)
		}
		b.WriteString(c.id)
	case slotWechat:
		b.WriteString(wechat(r))
	case slotEmail:
		b.WriteString(email(r))
	}
}

func (c *tctx) write(b *strings.Builder, t tmpl) {
	for _, s := range t {
		if s.slot < 0 {
			b.WriteString(s.lit)
		} else {
			c.slot(b, s.slot)
		}
	}
}

func (c *tctx) pickWrite(b *strings.Builder, ts []tmpl) { c.write(b, ts[c.r.IntN(len(ts))]) }

// sentence writes t and ends it with a full stop unless it already ends in
// punctuation.
func (c *tctx) sentence(b *strings.Builder, t tmpl) {
	c.write(b, t)
	c.endSentence(b)
}

// question writes t as a question.
func (c *tctx) question(b *strings.Builder, t tmpl) {
	c.write(b, t)
	if c.r.IntN(8) == 0 {
		b.WriteString("。") // typed without a question mark
	} else {
		b.WriteString(pick(c.r, questionMarks))
	}
}

func (c *tctx) endSentence(b *strings.Builder) {
	s := b.String()
	if r, _ := utf8.DecodeLastRuneInString(s); !strings.ContainsRune("。！？，；：", r) {
		b.WriteString("。")
	}
}

// Intent shares by catalog profile, in core.Intents order
// (咨询, 求助, 投诉, 举报, 建议, 表扬).
var intentCum = map[byte][]float64{
	'c': cumulative([]float64{0.11, 0.35, 0.42, 0.04, 0.065, 0.015}),
	'q': cumulative([]float64{0.62, 0.18, 0.13, 0.01, 0.05, 0.01}),
	'r': cumulative([]float64{0.06, 0.05, 0.30, 0.55, 0.03, 0.01}),
}

// fill writes everything of a ticket but its number and received time.
// comm >= 0 forces the community (spikes); reg is the regular caller making
// call number no, or nil.
func (p *Plan) fill(r *rand.Rand, t *core.Ticket, sp *spec, comm int, reg *regular, no int) {
	c := &tctx{r: r, p: p, sp: sp, kw: r.IntN(len(sp.kws)), first: -1, forced: -1}
	var rl regLink
	if comm < 0 && reg == nil {
		rl = p.registryLink(r)
		comm = rl.comm
	}
	if comm < 0 {
		comm = pickCum(r, p.g.commCum)
	}
	cm := communities[comm]
	c.comm, c.xq = comm, r.IntN(len(cm.xiaoqu))
	c.road = cm.roads[r.IntN(len(cm.roads))]
	c.door = 1 + r.IntN(60)
	c.bld, c.ent = 1+r.IntN(24), 1+r.IntN(6)
	c.room = (1+r.IntN(18))*100 + 1 + r.IntN(4)
	if rl.house != nil {
		c.xq, c.bld, c.ent, c.room = rl.house.estate, rl.house.building, rl.house.unit, rl.house.room
	}
	c.firm = rl.firm
	if reg != nil {
		c.xq, c.road, c.door = reg.xq, cm.roads[reg.road], reg.door
		c.bld, c.ent, c.room = reg.bld, reg.ent, reg.room
		c.forced, c.repeat = reg.issue, no
	}

	t.Street = streetName
	t.Community = cm.name
	grid := (c.xq + c.bld) % gridsPerCommunity
	t.Grid = gridNames[comm*gridsPerCommunity+grid]
	lng := cm.lng + float64(c.xq-1)*0.0021 + (r.Float64()-0.5)*0.0016
	lat := cm.lat + float64(c.bld%3-1)*0.0012 + (r.Float64()-0.5)*0.0012
	t.Lng, t.Lat = &lng, &lat

	// Channel and caller.
	x := r.Float64()
	switch {
	case sp.patrol && x < 0.22:
		t.Channel = "网格巡查"
	case x < 0.94:
		t.Channel = "12345"
	default:
		t.Channel = "网上表单"
	}
	intent := core.Intents[pickCum(r, intentCum[sp.intents])]
	if t.Channel == "网格巡查" {
		intent = "求助"
	}
	if reg != nil {
		// Regulars phone 12345; a first call asks for help or complains, a
		// repeat complains.
		t.Channel = "12345"
		intent = "投诉"
		if no == 1 && r.IntN(2) == 0 {
			intent = "求助"
		}
	}
	t.Intent = intent
	switch y := r.Float64(); {
	case reg != nil:
		c.name, c.family = reg.name, reg.family
		t.CallerName = reg.name
	case t.Channel == "网格巡查":
		c.name, c.family = personName(r)
		t.CallerName = c.name
	case y < 0.80:
		c.name, c.family = personName(r)
		t.CallerName = c.name
	case y < 0.94:
		c.family = surname(r)
		t.CallerName = c.family + pick(r, honorifics)
	case y < 0.97:
		t.CallerName = "匿名"
	}
	if reg != nil {
		t.CallerPhone = reg.phone
		if d := digits(t.CallerPhone); len(d) >= 11 {
			c.mobile = d[len(d)-11:]
		}
		c.id, t.CallerID = reg.id, reg.id
	} else if t.CallerName != "匿名" {
		t.CallerPhone = formatPhone(r)
		if d := digits(t.CallerPhone); len(d) >= 11 {
			c.mobile = d[len(d)-11:]
		}
	}
	if reg == nil && t.Channel != "网格巡查" && r.Float64() < 0.28 {
		c.id = idNumber(r, r.Float64() > 0.04)
		t.CallerID = c.id
	}
	short := false // the address written 3-2-501
	if rl.person != nil {
		short = p.residentCaller(r, c, t, rl.person)
	}
	var ab strings.Builder
	ab.WriteString(districtName)
	ab.WriteString(streetName)
	ab.WriteString(c.road)
	ab.WriteString(strconv.Itoa(c.door))
	ab.WriteString("号")
	ab.WriteString(cm.xiaoqu[c.xq])
	if short {
		ab.WriteString(strconv.Itoa(c.bld))
		ab.WriteString("-")
		ab.WriteString(strconv.Itoa(c.ent))
		ab.WriteString("-")
		ab.WriteString(strconv.Itoa(c.room))
	} else if r.Float64() < 0.8 || reg != nil || rl.house != nil {
		ab.WriteString(strconv.Itoa(c.bld))
		ab.WriteString("号楼")
		ab.WriteString(strconv.Itoa(c.ent))
		ab.WriteString("单元")
		ab.WriteString(strconv.Itoa(c.room))
	}
	t.Address = ab.String()

	// Unit: the catalog's first unit mostly, others sometimes, a random one
	// rarely (misdispatch).
	ui := 0
	if len(sp.units) > 1 && r.Float64() < 0.3 {
		ui = 1 + r.IntN(len(sp.units)-1)
	}
	code := sp.units[ui]
	if code == "C" {
		code = unitCode('C', comm)
	}
	if r.Float64() < 0.03 {
		code = p.st.Units[r.IntN(len(p.st.Units))].Code
	}
	uidx, ok := p.units[code]
	if !ok {
		uidx = comm
	}
	c.unit = p.st.Units[uidx].Name
	t.Unit = c.unit

	t.Category1, t.Category2, t.Category3 = sp.cat.Level1, sp.cat.Level2, sp.cat.Level3
	urg := p.content(c, t)
	if f := c.firm; f != nil && !strings.Contains(t.Content, f.short) {
		// The operator notes whom the call is about (被反映单位).
		name := f.name
		if f.shop && r.IntN(2) == 0 {
			name = f.short
		}
		t.Content += "被反映单位：" + name + "。"
	}
	t.Urgency = core.Urgency(urg)
	p.workflow(c, t, uidx)
}

func digits(s string) string {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			b = append(b, s[i])
		}
	}
	return string(b)
}

// content writes title and request text and returns the urgency they imply.
func (p *Plan) content(c *tctx, t *core.Ticket) string {
	r, sp := c.r, c.sp
	var b strings.Builder
	b.Grow(1024)
	urg := ""
	mark := func(k int) {
		switch {
		case k == kindUrgent:
			urg = "紧急"
		case k == kindHurry && urg == "":
			urg = "加急"
		}
	}
	// issues writes k distinct issue sentences joined by connectors.
	var first tmpl
	issues := func(k int) {
		n := len(sp.issueAll)
		var used [8]int
		for i := 0; i < k && i < n && i < len(used); i++ {
			ti := r.IntN(n)
			if i == 0 && c.forced >= 0 {
				ti = c.forced
			}
			// Only the first sentence may be an urgent one: an emergency
			// leads the call, it does not hide in the middle.
			for tries := 0; tries < n && (slices.Contains(used[:i], ti) || (i > 0 && sp.issueKind[ti] != kindIssue)); tries++ {
				ti = (ti + 1) % n
			}
			if slices.Contains(used[:i], ti) {
				break
			}
			used[i] = ti
			tm := sp.issueAll[ti]
			if first == nil {
				first = tm
				c.first = ti
			}
			if i > 0 {
				b.WriteString(pick(r, connectors))
			}
			c.write(&b, tm)
			if sp.issueKind[ti] == kindIssue && r.Float64() < 0.3 {
				b.WriteString(pick(r, clauseTails))
			}
			c.endSentence(&b)
			mark(sp.issueKind[ti])
		}
	}
	verbosity := r.Float64() // <0.10 short, >0.70 long
	nIssues := 2 + r.IntN(3)
	switch {
	case verbosity < 0.10:
		nIssues = 1
	case verbosity > 0.70:
		nIssues = 3 + r.IntN(3)
	}
	long := func(p float64) bool { return verbosity >= 0.10 && (verbosity > 0.70 || r.Float64() < p) }
	operator := t.Channel == "12345" && r.Float64() < 0.55
	firstPerson := func() {
		if t.CallerName == "匿名" {
			return
		}
		if r.Float64() < 0.33 {
			c.pickWrite(&b, intros)
		} else if r.Float64() < 0.06 {
			c.pickWrite(&b, introsRare)
		}
	}
	tail := func(demands []tmpl) {
		if urg != "紧急" {
			if long(0.6) {
				c.pickWrite(&b, episodes)
			}
			if long(0.7) {
				c.pickWrite(&b, details)
			}
			if long(0.7) {
				c.pickWrite(&b, durations)
			}
			if long(0.5) {
				c.pickWrite(&b, histories)
			}
			if long(0.4) {
				c.pickWrite(&b, details)
			}
		}
		i0 := r.IntN(len(impacts))
		if long(0.7) {
			c.sentence(&b, impacts[i0])
		}
		if long(0.35) {
			c.sentence(&b, impacts[(i0+1+r.IntN(len(impacts)-1))%len(impacts)])
		}
		if long(0.5) {
			c.pickWrite(&b, extras)
		}
		if operator {
			if r.Float64() < 0.45 {
				c.pickWrite(&b, operatorPlaces)
			}
			c.pickWrite(&b, operatorDemand)
			if long(0.55) {
				c.pickWrite(&b, operatorNotes)
			}
		} else {
			c.pickWrite(&b, demands)
			b.WriteString(pick(r, closings))
		}
	}
	background := func(p float64) {
		if long(p) {
			c.pickWrite(&b, backgrounds)
		}
	}
	switch t.Intent {
	case "咨询":
		if operator {
			c.pickWrite(&b, operatorPrefix)
		} else {
			c.pickWrite(&b, openAsk)
		}
		firstPerson()
		background(0.5)
		if long(0.45) {
			b.WriteString(pick(r, []string{"我家的情况是，", "是这样的，", "事情是这样，", "具体情况是，"}))
			issues(1)
		}
		if qs := sp.sents[kindQuestion]; len(qs) > 0 && r.Float64() < 0.75 {
			q := qs[r.IntN(len(qs))]
			c.question(&b, q)
			if first == nil {
				first = q
			}
			if len(qs) > 1 && verbosity > 0.5 {
				b.WriteString("还有，")
				c.question(&b, qs[r.IntN(len(qs))])
			}
		} else {
			c.pickWrite(&b, askFrames)
		}
		if long(0.6) {
			c.pickWrite(&b, askContexts)
		}
		if long(0.3) {
			c.pickWrite(&b, details)
		}
		if operator {
			c.pickWrite(&b, operatorDemand)
			if long(0.3) {
				c.pickWrite(&b, operatorNotes)
			}
		} else {
			c.pickWrite(&b, demandAsk)
			b.WriteString(pick(r, closings))
		}
	case "举报":
		if operator {
			c.pickWrite(&b, operatorPrefix)
		} else {
			c.pickWrite(&b, openReport)
		}
		if rs := sp.sents[kindReport]; len(rs) > 0 && r.Float64() < 0.8 {
			c.pickWrite(&b, locations)
			rp := rs[r.IntN(len(rs))]
			c.sentence(&b, rp)
			first = rp
			if verbosity > 0.5 {
				issues(1)
			}
		} else {
			c.pickWrite(&b, reportFrames)
			issues(nIssues)
		}
		tail(demandReport)
	case "建议":
		if !operator {
			c.pickWrite(&b, openSuggest)
		} else {
			c.pickWrite(&b, operatorPrefix)
		}
		background(0.5)
		c.pickWrite(&b, suggestLead)
		issues(1 + r.IntN(2))
		if long(0.5) {
			c.pickWrite(&b, details)
		}
		c.pickWrite(&b, suggestFrames)
		if long(0.4) {
			c.pickWrite(&b, suggestFrames)
		}
		b.WriteString(pick(r, closings))
	case "表扬":
		if operator {
			c.pickWrite(&b, operatorPrefix)
		}
		c.pickWrite(&b, praiseFrames)
		if long(0.5) {
			c.pickWrite(&b, backgrounds)
		}
		b.WriteString(pick(r, []string{"", "谢谢！", "希望领导能看到。", "辛苦了！"}))
	default: // 投诉, 求助
		if t.Channel == "网格巡查" {
			c.pickWrite(&b, patrolFrames)
			issues(nIssues)
			c.pickWrite(&b, patrolTails)
			break
		}
		if operator {
			c.pickWrite(&b, operatorPrefix)
		} else if t.Intent == "投诉" {
			c.pickWrite(&b, openComplain)
		} else {
			c.pickWrite(&b, openHelp)
		}
		firstPerson()
		if c.repeat > 1 {
			b.WriteString(repeatLine(r, c.repeat))
		} else {
			background(0.6)
		}
		if r.Float64() < 0.8 {
			c.pickWrite(&b, locations)
		}
		issues(nIssues)
		if t.Intent == "投诉" {
			tail(demandComplain)
		} else {
			tail(demandHelp)
		}
	}
	if t.Channel == "网上表单" && r.Float64() < 0.4 {
		b.WriteString(pick(r, []string{"联系邮箱：", "邮箱：", "我的邮箱", "回复请发邮件至"}))
		b.WriteString(email(r))
	}
	t.Content = roughen(r, b.String(), string(t.Intent))
	// Title and reply speak of what the text leads with.
	if c.first >= 0 && sp.bestKw[c.first] >= 0 && t.Intent != "咨询" && t.Intent != "建议" {
		c.kw = sp.bestKw[c.first]
	}
	t.Title = p.title(c, t, first)

	// Urgency: what the text says, else the catalog's profile.
	if urg != "" && t.Intent != "咨询" && t.Intent != "表扬" && t.Intent != "建议" {
		return urg
	}
	x := r.Float64()
	switch {
	case sp.urgency == 'x' && x < 0.45:
		return "复杂"
	case t.Intent == "咨询" || t.Intent == "表扬" || t.Intent == "建议":
		return "一般"
	case x < 0.015:
		return "紧急"
	case x < 0.10:
		return "加急"
	case x < 0.13:
		return "复杂"
	}
	return "一般"
}

func (p *Plan) title(c *tctx, t *core.Ticket, first tmpl) string {
	r := c.r
	x := r.Float64()
	var b strings.Builder
	switch {
	case x < 0.04:
		return ""
	case x < 0.14 && first != nil:
		c.write(&b, first)
		s := b.String()
		if utf8.RuneCountInString(s) > 20 {
			rs := []rune(s)
			s = string(rs[:18]) + "…"
		}
		return s
	case x < 0.55:
		var ts []tmpl
		switch t.Intent {
		case "投诉":
			ts = titleComplain
		case "求助":
			ts = titleHelp
		case "咨询":
			ts = titleAsk
		case "举报":
			ts = titleReport
		case "建议":
			ts = titleSuggest
		case "表扬":
			ts = titlePraise
		}
		c.pickWrite(&b, ts)
	default:
		if t.Intent == "表扬" {
			c.pickWrite(&b, titlePraise)
		} else {
			c.pickWrite(&b, titleIssue)
		}
	}
	return b.String()
}

// roughen makes text look typed by people in a hurry: a homophone typo now
// and then, half-width or missing punctuation, doubled exclamation marks.
func roughen(r *rand.Rand, s, intent string) string {
	if r.Float64() < 0.14 {
		start := r.IntN(len(typos))
		for i := 0; i < len(typos); i++ {
			ty := typos[(start+i)%len(typos)]
			if strings.Contains(s, ty[0]) {
				s = strings.Replace(s, ty[0], ty[1], 1)
				break
			}
		}
	}
	switch x := r.Float64(); {
	case x < 0.07:
		s = halfWidth.Replace(s)
	case x < 0.10:
		s = noPunct.Replace(s)
	case x < 0.16 && intent == "投诉":
		s = strings.Replace(s, "！", "！！！", 1)
		s = strings.Replace(s, "。", "！", 1)
	case x < 0.19:
		s = strings.ReplaceAll(s, "，", ",")
	}
	return s
}

var (
	halfWidth = strings.NewReplacer("，", ",", "。", ".", "！", "!", "？", "?", "：", ":", "；", ";")
	noPunct   = strings.NewReplacer("，", " ", "。", " ", "：", " ")
)

// officeHours moves t forward into the hours [from, to) of a day, at a
// random minute within the first two hours if it had to move.
func officeHours(r *rand.Rand, t time.Time, from, to int) time.Time {
	h := t.Hour()
	if h >= from && h < to {
		return t
	}
	d := dayOf(t)
	if h >= to {
		d = d.AddDate(0, 0, 1)
	}
	return d.Add(time.Duration(from)*time.Hour + time.Duration(r.IntN(7200))*time.Second)
}

// workflow fills dispatch, deadlines, contact, resolution and callback,
// consistent with urgency and the unit's quality, as of the plan's cutoff.
func (p *Plan) workflow(c *tctx, t *core.Ticket, uidx int) {
	r := c.r
	q := unitQuality[uidx%len(unitQuality)]
	limit := timeLimits[string(t.Urgency)]
	t.Deadline = t.ReceivedAt.Add(limit)
	asOf := p.cutoff
	logn := func(median time.Duration, sigma float64) time.Duration {
		return time.Duration(float64(median) * math.Exp(sigma*r.NormFloat64()))
	}
	var contactMed time.Duration
	switch t.Urgency {
	case "紧急":
		contactMed = 20 * time.Minute
	case "加急":
		contactMed = 50 * time.Minute
	default:
		contactMed = 100 * time.Minute
	}
	contact := time.Duration(float64(logn(contactMed, 0.8)) * (1.8 - q))
	if r.Float64() < 0.04 {
		contact += time.Duration(24+r.IntN(72)) * time.Hour // forgotten
	}
	frac := 0.3
	switch {
	case t.Intent == "咨询" || t.Intent == "表扬":
		frac = 0.06
	case t.Urgency == "紧急":
		frac = 0.45
	case t.Urgency == "加急":
		frac = 0.35
	}
	resolve := time.Duration(float64(limit) * frac * math.Exp(0.9*r.NormFloat64()) * math.Pow(1.7-q, 1.2))
	if resolve > 3*limit {
		// Past three times the limit a ticket is escalated (督办) and closed.
		resolve = 3*limit - time.Duration(r.IntN(int(limit/time.Minute)))*time.Minute
	}
	// Units work days, not nights: only emergencies are handled at night,
	// and callbacks are made in office hours.
	at := t.ReceivedAt
	contactAt := at.Add(contact)
	if t.Urgency != "紧急" {
		contactAt = officeHours(r, contactAt, 8, 21)
	}
	if resolve < contactAt.Sub(at)+10*time.Minute {
		resolve = contactAt.Sub(at) + time.Duration(10+r.IntN(240))*time.Minute
	}
	resolvedAt := at.Add(resolve)
	if t.Urgency != "紧急" {
		resolvedAt = officeHours(r, resolvedAt, 8, 20)
	}
	callbackAt := officeHours(r, resolvedAt.Add(logn(18*time.Hour, 0.7)), 9, 20)

	// Returned (退单): recent tickets a unit sent back, waiting to be redispatched.
	if asOf.Sub(at) < 72*time.Hour && r.Float64() < 0.06 {
		t.Status = core.StatusReturned
		return
	}
	switch {
	case !callbackAt.After(asOf):
		t.Status = core.StatusClosed
		if asOf.Sub(callbackAt) < 48*time.Hour && r.IntN(2) == 0 {
			t.Status = core.StatusCallback
		}
	case !resolvedAt.After(asOf):
		t.Status = core.StatusResolved
	case !contactAt.After(asOf):
		t.Status = core.StatusHandling
		if asOf.Sub(contactAt) < time.Hour {
			t.Status = core.StatusContacted
		}
	case asOf.Sub(at) > 2*time.Hour:
		t.Status = core.StatusSigned
	case asOf.Sub(at) > 45*time.Minute:
		t.Status = core.StatusDispatched
	default:
		// Still at the dispatch desk: no unit and no time limit yet.
		t.Status, t.Unit, t.Deadline = core.StatusReceived, "", time.Time{}
		return
	}
	if t.Status == core.StatusSigned || t.Status == core.StatusDispatched {
		return
	}
	t.ContactedAt = contactAt.Truncate(time.Second)
	if t.Status == core.StatusHandling || t.Status == core.StatusContacted {
		return
	}
	t.ResolvedAt = resolvedAt.Truncate(time.Second)
	c.date = t.ResolvedAt

	pSolved := 0.55 + 0.4*q
	switch {
	case t.Intent == "咨询" || t.Intent == "表扬" || t.Intent == "建议":
		pSolved = 0.97
	case t.Urgency == "复杂":
		pSolved -= 0.15
	}
	solved := r.Float64() < pSolved
	t.Resolved = &solved
	t.Reply = p.reply(c, t, solved)
	if t.Status == core.StatusResolved {
		return
	}
	t.CallbackAt = callbackAt.Truncate(time.Second)
	if r.Float64() < 0.06 {
		return // 回访未接通: no satisfaction recorded
	}
	pSat := 0.56 + 0.40*q
	if !solved {
		pSat *= 0.35
	}
	if resolvedAt.After(t.Deadline) {
		pSat -= 0.15
	}
	if t.Intent == "表扬" {
		pSat = 1
	}
	switch x := r.Float64(); {
	case x < pSat:
		t.Satisfaction = "满意"
	case x < pSat+(1-pSat)*0.55:
		t.Satisfaction = "基本满意"
	default:
		t.Satisfaction = "不满意"
	}
}

func (p *Plan) reply(c *tctx, t *core.Ticket, solved bool) string {
	r, sp := c.r, c.sp
	var b strings.Builder
	switch t.Intent {
	case "咨询":
		c.pickWrite(&b, replyAsk)
		return b.String()
	case "建议":
		c.pickWrite(&b, replySuggest)
		return b.String()
	case "表扬":
		c.pickWrite(&b, replyPraise)
		return b.String()
	}
	c.pickWrite(&b, replyLead)
	if solved {
		if rs := sp.sents[kindReply]; len(rs) > 0 && r.Float64() < 0.85 {
			j := r.IntN(len(rs))
			if c.first >= 0 {
				if best := sp.bestReply[c.first]; len(best) > 0 {
					j = best[r.IntN(len(best))]
				}
			}
			c.sentence(&b, rs[j])
		} else {
			c.sentence(&b, replyFixGeneric[r.IntN(len(replyFixGeneric))])
		}
		c.pickWrite(&b, replyTailOK)
	} else {
		if xs := sp.sents[kindNoFix]; len(xs) > 0 && r.Float64() < 0.8 {
			c.sentence(&b, xs[r.IntN(len(xs))])
		} else {
			c.sentence(&b, replyNoGeneric[r.IntN(len(replyNoGeneric))])
		}
		c.pickWrite(&b, replyTailNo)
	}
	return b.String()
}
