package linkage

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"

	"jiceng/internal/text"
)

// The benchmark generator: a synthetic city's residents, registered by two
// departments with different formats and realistic corruption. It has its
// own name and address tables (no real people) with realistic frequencies.

// surnames with their approximate share of the population, in per mille.
var surnames = []struct {
	s string
	w float64
}{
	{"王", 71.2}, {"李", 70.0}, {"张", 66.8}, {"刘", 53.8}, {"陈", 45.3}, {"杨", 30.8}, {"黄", 23.7}, {"赵", 22.9},
	{"吴", 20.3}, {"周", 19.0}, {"徐", 14.5}, {"孙", 13.8}, {"马", 12.9}, {"朱", 12.5}, {"胡", 11.6}, {"郭", 11.5},
	{"何", 10.6}, {"林", 9.8}, {"高", 9.7}, {"罗", 8.6}, {"郑", 8.1}, {"梁", 7.8}, {"谢", 6.7}, {"宋", 6.3},
	{"唐", 6.2}, {"许", 6.0}, {"韩", 5.9}, {"邓", 5.5}, {"冯", 5.5}, {"曹", 5.4}, {"彭", 5.3}, {"曾", 5.1},
	{"肖", 4.9}, {"田", 4.7}, {"董", 4.6}, {"潘", 4.4}, {"袁", 4.4}, {"蔡", 4.2}, {"蒋", 4.2}, {"余", 4.1},
	{"于", 4.1}, {"杜", 4.0}, {"叶", 3.9}, {"程", 3.8}, {"魏", 3.7}, {"苏", 3.6}, {"吕", 3.6}, {"丁", 3.5},
	{"任", 3.4}, {"卢", 3.3}, {"姚", 3.3}, {"沈", 3.3}, {"钟", 3.2}, {"姜", 3.1}, {"崔", 3.0}, {"谭", 3.0},
	{"陆", 2.8}, {"范", 2.7}, {"汪", 2.7}, {"廖", 2.6}, {"石", 2.6}, {"金", 2.5}, {"韦", 2.5}, {"贾", 2.4},
	{"夏", 2.3}, {"付", 2.3}, {"方", 2.2}, {"邹", 2.1}, {"熊", 2.1}, {"白", 2.1}, {"孟", 2.0}, {"秦", 2.0},
	{"邱", 2.0}, {"侯", 1.9}, {"江", 1.9}, {"尹", 1.8}, {"薛", 1.8}, {"闫", 1.7}, {"段", 1.7}, {"雷", 1.6},
	{"龙", 1.6}, {"黎", 1.5}, {"史", 1.5}, {"陶", 1.5}, {"贺", 1.4}, {"毛", 1.4}, {"郝", 1.3}, {"顾", 1.3},
	{"龚", 1.3}, {"邵", 1.2}, {"万", 1.2}, {"覃", 1.2}, {"武", 1.2}, {"钱", 1.1}, {"戴", 1.1}, {"严", 1.0},
	{"莫", 1.0}, {"孔", 0.9}, {"向", 0.9}, {"常", 0.9}, {"汤", 0.8}, {"单", 0.5}, {"欧阳", 0.3}, {"解", 0.3},
	{"仇", 0.2}, {"查", 0.2}, {"朴", 0.2}, {"司马", 0.1}, {"诸葛", 0.1}, {"上官", 0.1},
}

// Given-name characters, most common first (weights fall as 1/rank).
const (
	maleChars   = "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宁亮建国志文浩宇俊峰林东海龙成健博晨轩子凯新阳永春立安德福生金荣庆祥玉胜兵宏旭光"
	femaleChars = "芳娜敏静丽艳娟霞秀燕玲桂英红梅琳婷雪慧颖倩洁萍欣怡佳悦晶月丹兰凤琴云莉瑶思雨涵可嘉淑珍素雅蓉琪蕾璐"
	// homophoneChars are common name characters that clerks type for
	// others of the same sound (玮 for 伟, 菁 for 晶); only used to corrupt.
	homophoneChars = "章汪程成陈晨辰臣玮炜卫薇维菁京精经鸣铭名桦骅方敏民闽婧靖敬力立利莉俐丽励军君钧均杰洁婕捷涛韬滔斌彬宾超朝潮明鸣刚钢港平萍屏辉晖徽鹏朋华桦飞菲非鑫欣新心馨波博伯宁凝亮良梁建健剑国果志智芝文雯闻浩昊皓宇雨羽语俊骏峻峰锋丰林琳霖东冬栋海龙隆成诚城承乘健建静晶敬娜纳艳燕岩娟鹃霞夏秀绣玲铃灵英瑛莹红虹宏洪梅玫媚婷亭庭雪慧惠蕙颖影倩茜洁佳嘉家悦月跃越丹单兰岚蓝凤峰琴勤芹云芸韵瑶遥尧思丝诗涵寒韩"
)

var (
	districts   = []string{"朝阳区", "海淀区", "丰台区", "东城区", "西城区", "石景山区", "通州区", "昌平区"}
	streets     = []string{"望京街道", "和平里街道", "安贞街道", "酒仙桥街道", "麦子店街道", "六里屯街道", "八里庄街道", "团结湖街道", "呼家楼街道", "三里屯街道", "左家庄街道", "香河园街道"}
	communities = []string{"花家地社区", "南湖社区", "北湖社区", "西坝河社区", "新源社区", "光熙门社区", "东湖社区", "望花路社区", "利泽社区", "融科社区", "阜荣社区", "宝星社区"}
	estateHeads = []string{"阳光", "幸福", "和平", "金色", "锦绣", "翠微", "碧水", "蓝天", "东方", "世纪", "华润", "万科", "绿洲", "星河", "富力", "保利", "远洋", "紫薇", "丽都", "芳草", "光明", "团结", "胜利", "建设", "朝阳", "育新", "安慧", "望湖", "南沙", "北辰", "天通", "龙泽", "回龙", "新华", "春晖", "秋实", "枫林", "松榆", "柳芳", "樱花"}
	estateTails = []string{"小区", "花园", "家园", "嘉园", "公寓", "新村", "里", "苑"}
	roads       = []string{"幸福路", "建设路", "人民路", "解放路", "和平街", "光华路", "东三环北路", "望京西路", "安定路", "北苑路"}
	regions     = []string{"110105", "110108", "110106", "110101", "110102", "130102", "130602", "370102", "370202", "410105", "420106", "430104", "510104", "320106", "330106", "340104", "360102", "210102", "220102", "230102", "610103", "500103"}
	mobilePre   = []string{"130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "155", "156", "157", "158", "159", "166", "170", "176", "177", "180", "181", "182", "185", "186", "187", "188", "189", "191", "198", "199"}
)

// cum is a cumulative weight table for sampling.
type cum struct {
	items []string
	acc   []float64
}

func newCum(items []string, weight func(i int) float64) cum {
	c := cum{items: items, acc: make([]float64, len(items))}
	s := 0.0
	for i := range items {
		s += weight(i)
		c.acc[i] = s
	}
	return c
}

func (c *cum) pick(rng *rand.Rand) string {
	x := rng.Float64() * c.acc[len(c.acc)-1]
	lo, hi := 0, len(c.acc)-1
	for lo < hi {
		mid := (lo + hi) / 2
		if c.acc[mid] < x {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return c.items[lo]
}

func runesOf(s string) []string {
	var out []string
	for _, r := range s {
		out = append(out, string(r))
	}
	return out
}

// GenConfig configures GeneratePeople.
type GenConfig struct {
	Records int    // how many records in all (both sources)
	Seed    uint64 // the same seed gives the same records
}

// person is one synthetic resident.
type person struct {
	name, id, mobile, landline string
	birth                      int32
	male                       bool
	addr                       genAddr
}

type genAddr struct {
	district, street, community, estate string
	road                                string
	building, unit, room                int
}

type generator struct {
	rng                   *rand.Rand
	surname, male, female cum
	homophones            map[uint16][]string
	ids                   map[string]bool
	estates               []genAddr
	taken                 map[genAddr]bool
	maleList, femaleList  []string
	nameChars             []string
}

func newGenerator(seed uint64) *generator {
	g := &generator{rng: rand.New(rand.NewPCG(seed, 0x67656e)), ids: map[string]bool{}, taken: map[genAddr]bool{}}
	ss := make([]string, len(surnames))
	for i, s := range surnames {
		ss[i] = s.s
	}
	g.surname = newCum(ss, func(i int) float64 { return surnames[i].w })
	g.maleList, g.femaleList = runesOf(maleChars), runesOf(femaleChars)
	g.male = newCum(g.maleList, func(i int) float64 { return 1 / float64(i+3) })
	g.female = newCum(g.femaleList, func(i int) float64 { return 1 / float64(i+3) })
	g.nameChars = append(append(append([]string{}, g.maleList...), g.femaleList...), runesOf(homophoneChars)...)
	// Homophone groups over every character the generator writes.
	g.homophones = map[uint16][]string{}
	seen := map[string]bool{}
	for _, c := range append(append([]string{}, ss...), g.nameChars...) {
		if seen[c] || len([]rune(c)) != 1 {
			continue
		}
		seen[c] = true
		if code := text.PinyinCode([]rune(c)[0]); code != 0 {
			g.homophones[code] = append(g.homophones[code], c)
		}
	}
	// Estates: one per community, several communities per street.
	for d, dist := range districts {
		for s := 0; s < 3; s++ {
			street := streets[(d*3+s)%len(streets)]
			for c := 0; c < 4; c++ {
				comm := communities[(d*7+s*4+c)%len(communities)]
				for e := 0; e < 6; e++ {
					name := estateHeads[g.rng.IntN(len(estateHeads))] + estateTails[g.rng.IntN(len(estateTails))]
					g.estates = append(g.estates, genAddr{district: dist, street: street, community: comm, estate: name, road: roads[g.rng.IntN(len(roads))] + strconv.Itoa(1+g.rng.IntN(200)) + "号"})
				}
			}
		}
	}
	return g
}

// home picks a free room.
func (g *generator) home() genAddr {
	for {
		a := g.estates[g.rng.IntN(len(g.estates))]
		a.building = 1 + g.rng.IntN(30)
		a.unit = 1 + g.rng.IntN(6)
		a.room = (1+g.rng.IntN(24))*100 + 1 + g.rng.IntN(4)
		if !g.taken[a] {
			g.taken[a] = true
			return a
		}
	}
}

func (g *generator) givenName(male bool) string {
	c := &g.female
	if male {
		c = &g.male
	}
	if g.rng.Float64() < 0.25 {
		return c.pick(g.rng)
	}
	return c.pick(g.rng) + c.pick(g.rng)
}

func (g *generator) idNumber(region string, birth int32, male bool) string {
	for {
		seq := g.rng.IntN(500) * 2
		if male {
			seq++
		}
		s := fmt.Sprintf("%s%08d%03d", region, birth, seq)
		s += string(IDCheckDigit(s))
		if !g.ids[s] {
			g.ids[s] = true
			return s
		}
	}
}

func (g *generator) birth(fromYear, toYear int) int32 {
	y := fromYear + g.rng.IntN(toYear-fromYear+1)
	m := 1 + g.rng.IntN(12)
	d := 1 + g.rng.IntN(daysIn(y, m))
	return int32(y*10000 + m*100 + d)
}

func (g *generator) mobile() string {
	return mobilePre[g.rng.IntN(len(mobilePre))] + fmt.Sprintf("%08d", g.rng.IntN(100000000))
}

// household makes the people of one home: a head, maybe a spouse, children
// with the head's surname (siblings often share a generation character).
func (g *generator) household() []person {
	a := g.home()
	landline := ""
	if g.rng.Float64() < 0.3 {
		landline = "010" + fmt.Sprintf("%08d", 60000000+g.rng.IntN(30000000))
	}
	size := 1
	switch x := g.rng.Float64(); {
	case x < 0.2:
	case x < 0.5:
		size = 2
	case x < 0.8:
		size = 3
	case x < 0.95:
		size = 4
	default:
		size = 5
	}
	region := regions[0]
	if g.rng.Float64() < 0.5 {
		region = regions[g.rng.IntN(len(regions))]
	}
	surname := g.surname.pick(g.rng)
	headBirth := g.birth(1940, 1995)
	var out []person
	mk := func(sur string, birth int32, male bool, given string) {
		p := person{name: sur + given, birth: birth, male: male, addr: a, landline: landline}
		p.id = g.idNumber(region, birth, male)
		if birth < 20080000 && g.rng.Float64() < 0.92 {
			p.mobile = g.mobile()
		}
		out = append(out, p)
	}
	headMale := g.rng.Float64() < 0.6
	mk(surname, headBirth, headMale, g.givenName(headMale))
	if size >= 2 {
		sb := headBirth + int32(g.rng.IntN(9)-4)*10000
		mk(g.surname.pick(g.rng), sb, !headMale, g.givenName(!headMale))
	}
	gen := ""
	if g.rng.Float64() < 0.3 {
		gen = g.male.pick(g.rng)
	}
	for k := 2; k < size; k++ {
		y := int(headBirth/10000) + 22 + g.rng.IntN(14)
		if y > 2024 {
			y = 2024
		}
		male := g.rng.Float64() < 0.5
		given := g.givenName(male)
		if gen != "" {
			given = gen + g.female.pick(g.rng)
			if male {
				given = gen + g.male.pick(g.rng)
			}
		}
		mk(surname, g.birth(y, y), male, given)
	}
	return out
}

// source formats and corruption rates.
type sourceSpec struct {
	name                                      string
	coverage, dup                             float64
	nameHomophone, nameTypo, nameSwap         float64
	idMissing, idTypo, idOld                  float64
	phoneMissing, phoneChanged, phoneLandline float64
	birthMissing, birthTypo                   float64
	genderMissing                             float64
	addrMissing, addrMoved                    float64
	short                                     bool // short address and varied formats
}

var genSources = []sourceSpec{
	{name: "公安人口库", coverage: 0.92, dup: 0.03, nameHomophone: 0.01, nameTypo: 0.005, nameSwap: 0.002,
		idMissing: 0.01, idTypo: 0.005, phoneMissing: 0.3, phoneChanged: 0.05, phoneLandline: 0.05,
		birthMissing: 0.01, birthTypo: 0.005, genderMissing: 0.005, addrMissing: 0.01, addrMoved: 0.03},
	{name: "民政社保", coverage: 0.80, dup: 0.04, nameHomophone: 0.06, nameTypo: 0.03, nameSwap: 0.02,
		idMissing: 0.12, idTypo: 0.03, idOld: 0.15, phoneMissing: 0.15, phoneChanged: 0.15, phoneLandline: 0.10,
		birthMissing: 0.05, birthTypo: 0.02, genderMissing: 0.05, addrMissing: 0.05, addrMoved: 0.12, short: true},
}

// GeneratePeople returns cfg.Records resident records from two sources (a
// police household register with full addresses and ISO dates; a civil
// affairs list with short addresses, Chinese dates, 15-digit IDs and far
// more errors), in PeopleConfig's field order, and the true person of each
// record. Corruption: homophone substitution (by the pinyin table), typos,
// swapped characters, missing fields, moved house, changed phones, ID
// typos, date typos, and true duplicates inside each source.
func GeneratePeople(cfg GenConfig) ([]Record, []int32) {
	g := newGenerator(cfg.Seed)
	recs := make([]Record, 0, cfg.Records+8)
	truth := make([]int32, 0, cfg.Records+8)
	pid := int32(0)
	for len(recs) < cfg.Records {
		for _, p := range g.household() {
			for si := range genSources {
				s := &genSources[si]
				if g.rng.Float64() >= s.coverage {
					continue
				}
				n := 1
				if g.rng.Float64() < s.dup {
					n = 2
				}
				for range n {
					recs = append(recs, g.record(s, &p, len(recs)))
					truth = append(truth, pid)
				}
			}
			pid++
		}
	}
	return recs[:cfg.Records], truth[:cfg.Records]
}

func (g *generator) chance(p float64) bool { return g.rng.Float64() < p }

func (g *generator) record(s *sourceSpec, p *person, n int) Record {
	v := make([]string, 6)
	v[0] = g.corruptName(s, p.name)
	// ID
	switch {
	case g.chance(s.idMissing):
	case g.chance(s.idTypo):
		v[1] = typoID(g.rng, p.id)
	case p.birth < 19840000 && g.chance(s.idOld):
		v[1] = p.id[:6] + p.id[8:17]
	default:
		v[1] = p.id
		if s.short && g.chance(0.05) {
			v[1] = strings.ToLower(p.id[:6] + " " + p.id[6:14] + " " + p.id[14:])
		}
	}
	// Phone
	phone := p.mobile
	if phone == "" || g.chance(s.phoneLandline) {
		phone = p.landline
	}
	switch {
	case phone == "" || g.chance(s.phoneMissing):
		phone = ""
	case g.chance(s.phoneChanged):
		phone = g.mobile()
	}
	if phone != "" && s.short {
		switch g.rng.IntN(4) {
		case 0:
			if len(phone) == 11 && phone[0] == '1' {
				phone = "+86 " + phone[:3] + "-" + phone[3:7] + "-" + phone[7:]
			}
		case 1:
			if len(phone) == 11 && phone[0] == '1' {
				phone = phone[:3] + " " + phone[3:7] + " " + phone[7:]
			} else {
				phone = phone[:3] + "-" + phone[3:]
			}
		}
	}
	v[2] = phone
	// Birth date
	if !g.chance(s.birthMissing) {
		b := p.birth
		if g.chance(s.birthTypo) {
			b = typoDate(g.rng, b)
		}
		y, m, d := b/10000, b/100%100, b%100
		if s.short {
			switch g.rng.IntN(3) {
			case 0:
				v[3] = fmt.Sprintf("%d年%d月%d日", y, m, d)
			case 1:
				v[3] = fmt.Sprintf("%08d", b)
			default:
				v[3] = fmt.Sprintf("%d/%d/%d", y, m, d)
			}
		} else {
			v[3] = fmt.Sprintf("%04d-%02d-%02d", y, m, d)
		}
	}
	// Gender
	if !g.chance(s.genderMissing) {
		switch {
		case s.short && p.male:
			v[4] = [...]string{"1", "M", "男"}[g.rng.IntN(3)]
		case s.short:
			v[4] = [...]string{"2", "F", "女"}[g.rng.IntN(3)]
		case p.male:
			v[4] = "男"
		default:
			v[4] = "女"
		}
	}
	// Address
	if !g.chance(s.addrMissing) {
		a := p.addr
		if g.chance(s.addrMoved) {
			a = g.home()
		}
		v[5] = g.formatAddress(a, s.short)
	}
	return Record{Source: s.name, ID: fmt.Sprintf("%s-%07d", s.name[:3], n), Values: v}
}

func (g *generator) formatAddress(a genAddr, short bool) string {
	if !short {
		return fmt.Sprintf("北京市%s%s%s%s%d号楼%d单元%d室", a.district, a.street, a.community, a.estate, a.building, a.unit, a.room)
	}
	switch g.rng.IntN(4) {
	case 0:
		return fmt.Sprintf("%s%d-%d-%d", a.estate, a.building, a.unit, a.room)
	case 1:
		return fmt.Sprintf("%s%s%d栋%d单元%d", a.street, a.estate, a.building, a.unit, a.room)
	case 2:
		return fmt.Sprintf("%s%s%d号楼%d单元%d室", a.road, a.estate, a.building, a.unit, a.room)
	}
	return fmt.Sprintf("%s%s%d#%d-%d", a.district, a.estate, a.building, a.unit, a.room)
}

func (g *generator) corruptName(s *sourceSpec, name string) string {
	rs := []rune(name)
	switch {
	case g.chance(s.nameHomophone):
		// Replace one character with a homophone, if it has one.
		for try := 0; try < 3; try++ {
			k := g.rng.IntN(len(rs))
			group := g.homophones[text.PinyinCode(rs[k])]
			if len(group) > 1 {
				c := group[g.rng.IntN(len(group))]
				if []rune(c)[0] != rs[k] {
					rs[k] = []rune(c)[0]
					break
				}
			}
		}
	case g.chance(s.nameTypo):
		k := g.rng.IntN(len(rs))
		rs[k] = []rune(g.nameChars[g.rng.IntN(len(g.nameChars))])[0]
	case len(rs) >= 3 && g.chance(s.nameSwap):
		k := len(rs) - 2
		rs[k], rs[k+1] = rs[k+1], rs[k]
	}
	out := string(rs)
	if s.short && g.chance(0.02) {
		out = " " + out + " "
	}
	return out
}

func typoID(rng *rand.Rand, id string) string {
	b := []byte(id)
	k := rng.IntN(17)
	if rng.IntN(3) == 0 {
		b[k], b[k+1] = b[k+1], b[k]
	} else {
		b[k] = byte('0' + (int(b[k]-'0')+1+rng.IntN(9))%10)
	}
	return string(b)
}

func typoDate(rng *rand.Rand, d int32) int32 {
	y, m, dd := d/10000, d/100%100, d%100
	switch rng.IntN(3) {
	case 0:
		if dd <= 12 && dd != m {
			return y*10000 + dd*100 + m
		}
		fallthrough
	case 1:
		nd := dd%28 + 1
		return y*10000 + m*100 + nd
	}
	return (y+1)*10000 + m*100 + min(dd, 28)
}

// Pseudonymise replaces the ID numbers (field 1) and phones (field 2) of
// recs by hex HMAC-SHA256 tokens under key, the way the masking
// dictionary's pseudonymise action would: an ID is hashed in its written
// form without spaces or dashes, upper-cased (a 15-digit ID is not
// converted first, so it will not match its 18-digit form); a phone after
// NormalizePhone.
func Pseudonymise(recs []Record, key []byte) {
	tok := func(kind, v string) string {
		m := hmac.New(sha256.New, key)
		m.Write([]byte(kind))
		m.Write([]byte{0})
		m.Write([]byte(v))
		return hex.EncodeToString(m.Sum(nil))
	}
	for i := range recs {
		v := recs[i].Values
		if id := strings.ToUpper(strings.NewReplacer(" ", "", "-", "").Replace(v[1])); id != "" {
			v[1] = tok("id", id)
		}
		if ph, ok := NormalizePhone(v[2]); ok {
			v[2] = tok("phone", ph)
		} else {
			v[2] = ""
		}
	}
}
