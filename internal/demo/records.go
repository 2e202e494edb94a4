package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"jiceng/internal/core"
	"jiceng/internal/fieldset"
	"jiceng/internal/importer"
	"jiceng/internal/tabfile"
)

// The demo street's base registries (人口, 房屋, 企业, 组织), as its
// departments keep them: each its own spreadsheet, in its own format and
// vocabulary, with the defects such spreadsheets have. One true population
// is generated (people in households in houses, enterprises, organisations)
// and each department's file is a view of it, so that the same person is in
// two sources under slightly different spellings, and the quality checks
// and record linkage have real work:
//
//   - 清河湾派出所 (police, 实有人口): everyone, GBK CSV, compact birth dates,
//     address in parts; ~20% without a phone, ~15% registered before 2019
//     and never re-checked, a few "zombies" aged over 110, some people
//     entered twice (once without an ID number), some exact repeats (the
//     import rejects them), a few grids of another community, impossible
//     dates.
//   - 民生保障办公室 (civil affairs, 重点人群台账): the key populations
//     (独居老人, 高龄老人, 空巢老人, 残疾人, 低保, 特困人员, 退役军人), UTF-8 CSV
//     under a title row, a 序号 column, birth dates as 1945年3月5日, address
//     in one string; wrong ID check digits, birth dates that contradict the
//     ID, homophone spellings of names, missing phones, stale checks,
//     people no longer in the police register.
//   - 社区建设办公室 (houses, 房屋台账): XLSX; houses without an owner,
//     missing areas, tenant counts that disagree with the residents.
//   - 清河湾市场监管所 (enterprises): CSV with valid USCCs but for a few
//     wrong check characters, licence end dates before their start,
//     cancelled enterprises still listed.
//   - 城市管理办公室 (门前三包 shops): GBK CSV by shop name without codes,
//     short names of registered enterprises; its latest load lost a third
//     of its rows (an export cut short), for the volume-change check.
//   - 党群工作办公室 (organisations): CSV of social organisations.
//
// Each source is loaded twice, a month and a day before the end, so that
// every source has a previous load to compare volumes with, and the second
// load updates what changed (phones, checks).

// Record sources of the demo street: department names of the street's
// units (NewStreet), so that a quality report goes to the unit.
const (
	SourcePolice       = "清河湾派出所"
	SourceCivil        = "民生保障办公室"
	SourceHousing      = "社区建设办公室"
	SourceMarket       = "清河湾市场监管所"
	SourceCityMgmt     = "城市管理办公室"
	SourceOrganisation = "党群工作办公室"
)

// RecordFile is one department's spreadsheet of one load.
type RecordFile struct {
	Kind, Source string
	Name         string    // file name
	At           time.Time // when it is loaded
	Format       string    // "csv", "gbk" (CSV in GBK) or "xlsx"
	Rows         [][]string
}

// RecordsOptions tune RecordFiles.
type RecordsOptions struct {
	Seed int64
	// End is the day of the latest loads (default now).
	End time.Time
	// People is the size of the true population (default 3000).
	People int
}

type rperson struct {
	name, gender, id, birth, phone string
	ethnicity, residence           string
	house                          int // index in houses, -1 none
	marks                          []string
	alone                          bool
	disLevel, disType              string
	regYear                        int // when the police registered them
	// alias is the spelling 民生保障办公室 uses (a homophone now and then).
	alias string
}

type rhouse struct {
	community, grid, estate, building, unit, room int
	owner                                         int // index in people, -1 none
	use                                           string
	area                                          float64
	rented                                        bool
	residents                                     []int
	updated                                       time.Time
}

// homophones are the characters of names that other departments often
// write with a same-sounding one.
var homophones = map[rune]rune{'英': '瑛', '兰': '岚', '华': '桦', '明': '铭', '军': '君', '平': '萍', '芳': '方',
	'静': '婧', '丽': '莉', '玉': '钰', '红': '虹', '国': '帼', '建': '健', '春': '椿', '杰': '洁', '伟': '玮'}

func homophone(r *rand.Rand, name string) string {
	rs := []rune(name)
	for i := len(rs) - 1; i > 0; i-- {
		if h, ok := homophones[rs[i]]; ok && h != rs[i] {
			rs[i] = h
			return string(rs)
		}
	}
	return name
}

// ages: weights of age bands 0–17, 18–39, 40–59, 60–79, 80–99.
var ageBands = cumulative([]float64{15, 30, 28, 21, 6})
var ageBandLo = []int{0, 18, 40, 60, 80}
var ageBandSpan = []int{18, 22, 20, 20, 20}

var ethnicities = cumulative([]float64{95, 2, 1.5, 1, 0.5})
var ethnicityNames = []string{"汉族", "回族", "满族", "蒙古族", "朝鲜族"}

var provinces = map[string]string{"110108": "北京市海川区", "110105": "北京市朝阳区", "110102": "北京市西城区", "110106": "北京市丰台区",
	"110114": "北京市昌平区", "110101": "北京市东城区", "130102": "河北省石家庄市长安区", "130602": "河北省保定市竞秀区",
	"370102": "山东省济南市历下区", "410105": "河南省郑州市金水区", "420106": "湖北省武汉市武昌区", "220102": "吉林省长春市南关区",
	"340104": "安徽省合肥市蜀山区", "510107": "四川省成都市武侯区", "230103": "黑龙江省哈尔滨市南岗区", "140105": "山西省太原市小店区",
	"610113": "陕西省西安市雁塔区"}

// idFor returns a valid ID number of a person born on birth of gender.
func idFor(r *rand.Rand, birth time.Time, male bool) string {
	b := []byte(pick(r, idRegions))
	b = append(b, birth.Format("20060102")...)
	b = append(b, byte('0'+r.IntN(10)), byte('0'+r.IntN(10)))
	g := r.IntN(5) * 2
	if male {
		g++
	}
	b = append(b, byte('0'+g))
	return string(append(b, idCheck(string(b))))
}

// typoID returns id with one digit of its sequence mistyped, or "" for "".
func typoID(r *rand.Rand, id string) string {
	if len(id) != 18 {
		return id
	}
	i := 14 + r.IntN(3)
	return id[:i] + string(byte('0'+(int(id[i]-'0')+1+r.IntN(9))%10)) + id[i+1:]
}

// wrongCheck returns id with another check character.
func wrongCheck(r *rand.Rand, id string) string {
	c := "0123456789X"[(strconvIndex(id[17])+1+r.IntN(10))%11]
	return id[:17] + string(c)
}

// street is the generated truth.
type recordStreet struct {
	end    time.Time
	people []rperson
	houses []rhouse
	firms  []rfirm
	orgs   []rorg
}

func (h rhouse) estateName() string { return communities[h.community].xiaoqu[h.estate] }
func (h rhouse) address() string {
	return fmt.Sprintf("%s%s%s%d号楼%d单元%d", districtName, streetName, h.estateName(), h.building, h.unit, h.room)
}

func genRecordStreet(o RecordsOptions) *recordStreet {
	if o.Seed == 0 {
		o.Seed = 1 // as the tickets' plan, so that they share the street
	}
	r := rand.New(rand.NewPCG(uint64(o.Seed), 0x7265636f726473)) // "records"
	n := o.People
	if n <= 0 {
		n = 3000
	}
	rs := &recordStreet{end: o.End}
	// Houses: about one per 2.1 people, spread over the communities'
	// compounds; each compound's buildings fall into the community's grids.
	nh := n * 10 / 21
	for i := 0; i < nh; i++ {
		c := r.IntN(len(communities))
		e := r.IntN(len(communities[c].xiaoqu))
		b := 1 + r.IntN(12)
		h := rhouse{community: c, estate: e, building: b, unit: 1 + r.IntN(4), room: (1+r.IntN(18))*100 + 1 + r.IntN(4),
			grid: (e + b) % gridsPerCommunity, owner: -1, use: "住宅", area: float64(40+r.IntN(100)) + float64(r.IntN(10))/10,
			updated: rs.end.AddDate(-r.IntN(7), -r.IntN(12), -r.IntN(28))}
		if communities[c].xiaoqu[e] == "润泽商务楼" || r.Float64() < 0.03 {
			h.use = pick(r, []string{"商业", "办公"})
		}
		rs.houses = append(rs.houses, h)
	}
	seenRoom := map[string]bool{}
	for i := range rs.houses {
		h := &rs.houses[i]
		for k := fmt.Sprint(h.community, h.estate, h.building, h.unit, h.room); seenRoom[k]; k = fmt.Sprint(h.community, h.estate, h.building, h.unit, h.room) {
			h.room++
		}
		seenRoom[fmt.Sprint(h.community, h.estate, h.building, h.unit, h.room)] = true
	}
	// People in households.
	hi := 0
	for len(rs.people) < n && hi < len(rs.houses) {
		h := &rs.houses[hi]
		hi++
		if r.Float64() < 0.09 {
			continue // empty: for sale, for rent, a holiday flat
		}
		size := 1 + pickCum(r, cumulative([]float64{25, 35, 25, 15}))
		h.rented = r.Float64() < 0.15
		for k := 0; k < size && len(rs.people) < n; k++ {
			rs.people = append(rs.people, genPerson(r, rs.end, size, k, h.rented))
			p := len(rs.people) - 1
			rs.people[p].house = hi - 1
			h.residents = append(h.residents, p)
		}
		// The owner is the household's first adult, unless it is rented.
		if !h.rented {
			h.owner = h.residents[0]
		}
		elderly := 0
		for _, p := range h.residents {
			if age(rs.people[p].birth, rs.end) >= 60 {
				elderly++
			}
		}
		if len(h.residents) == 1 && elderly == 1 {
			p := &rs.people[h.residents[0]]
			p.alone = true
			p.marks = append(p.marks, "独居老人")
		} else if len(h.residents) == 2 && elderly == 2 {
			for _, q := range h.residents {
				rs.people[q].marks = append(rs.people[q].marks, "空巢老人")
			}
		}
	}
	for i := range rs.people {
		p := &rs.people[i]
		if age(p.birth, rs.end) >= 80 {
			p.marks = append(p.marks, "高龄老人")
		}
	}
	rs.firms = genFirms(r, rs)
	rs.orgs = genOrgs(r)
	return rs
}

func genPerson(r *rand.Rand, end time.Time, household, k int, rented bool) rperson {
	band := pickCum(r, ageBands)
	if household == 1 && r.Float64() < 0.4 {
		band = 3 + r.IntN(2)
	}
	if k == 0 && band == 0 {
		band = 1 + r.IntN(3)
	}
	a := ageBandLo[band] + r.IntN(ageBandSpan[band])
	birth := end.AddDate(-a, 0, -r.IntN(365))
	male := r.IntN(2) == 0
	name, _ := personName(r)
	p := rperson{name: name, gender: "女", birth: birth.Format(time.DateOnly), id: idFor(r, birth, male),
		ethnicity: ethnicityNames[pickCum(r, ethnicities)], residence: "户籍人口", house: -1,
		regYear: end.Year() - r.IntN(6)}
	if male {
		p.gender = "男"
	}
	if a >= 16 {
		p.phone = mobile(r)
	}
	switch {
	case rented:
		p.residence = "流动人口"
	case r.Float64() < 0.1:
		p.residence = "人户分离"
	}
	if r.Float64() < 0.03 {
		p.marks = append(p.marks, "残疾人")
		p.disLevel = pick(r, []string{"一级", "二级", "三级", "四级"})
		p.disType = pick(r, []string{"视力", "听力", "言语", "肢体", "肢体", "智力", "精神", "多重"})
	}
	if r.Float64() < 0.015 {
		p.marks = append(p.marks, "低保")
	}
	if a >= 60 && r.Float64() < 0.005 {
		p.marks = append(p.marks, "特困人员")
	}
	if male && a >= 30 && r.Float64() < 0.04 {
		p.marks = append(p.marks, "退役军人")
	}
	p.alias = p.name
	if r.Float64() < 0.04 {
		p.alias = homophone(r, p.name)
	}
	return p
}

func age(birth string, at time.Time) int {
	b, err := time.Parse(time.DateOnly, birth)
	if err != nil {
		return 0
	}
	a := at.Year() - b.Year()
	if at.YearDay() < b.YearDay() {
		a--
	}
	return a
}

type rfirm struct {
	name, short, uscc, legal, legalID, phone, industry, status string
	community, grid                                            int
	address                                                    string
	employees                                                  int
	from, to                                                   string
	shop                                                       bool // a street-front shop (门前三包)
}

var firmTrades = []struct{ industry, suffix string }{
	{"零售业", "便利店"}, {"零售业", "超市"}, {"餐饮业", "餐馆"}, {"餐饮业", "面馆"}, {"居民服务业", "理发店"},
	{"居民服务业", "洗衣店"}, {"零售业", "药店"}, {"零售业", "水果店"}, {"信息技术服务业", "科技有限公司"},
	{"商务服务业", "商务咨询有限公司"}, {"教育", "培训学校"}, {"房地产业", "物业管理有限公司"}, {"建筑业", "装饰工程有限公司"},
}

var firmWords = []string{"鑫源", "恒通", "佳和", "万家", "惠民", "金泉", "春晓", "润泽", "翠湖", "清河", "安和", "兴隆", "福满",
	"百顺", "瑞丰", "乐家", "华信", "同心", "宏达", "新天地", "好邻居", "一品", "老街坊", "德顺"}

// usccFor returns a valid USCC of an authority and type ("91" company, "92"
// individual business, "51"/"52" social organisations).
func usccFor(r *rand.Rand, prefix string) string {
	b := []byte(prefix + "110108")
	const chars = "0123456789ABCDEFGHJKLMNPQRTUWXY"
	for len(b) < 17 {
		b = append(b, chars[r.IntN(len(chars))])
	}
	return string(append(b, fieldset.USCCCheckChar(string(b))))
}

func genFirms(r *rand.Rand, rs *recordStreet) []rfirm {
	var out []rfirm
	for i := 0; i < 320; i++ {
		t := pick(r, firmTrades)
		word := pick(r, firmWords)
		c := r.IntN(len(communities))
		com := communities[c]
		f := rfirm{industry: t.industry, community: c, grid: r.IntN(gridsPerCommunity), employees: 1 + r.IntN(30),
			status: []string{"在营", "停业", "注销", "吊销", "迁出"}[pickCum(r, cumulative([]float64{85, 4, 5, 3, 3}))]}
		f.shop = !strings.HasSuffix(t.suffix, "公司")
		if f.shop {
			f.short = com.xiaoqu[r.IntN(len(com.xiaoqu))] + word + t.suffix
			f.name = "北京市" + districtName + f.short
			f.uscc = usccFor(r, pick(r, []string{"92", "92", "91"}))
		} else {
			f.name = "北京" + word + t.suffix
			f.short = word + strings.TrimSuffix(t.suffix, "有限公司")
			f.uscc = usccFor(r, "91")
			f.employees *= 5
		}
		if i > 0 && r.Float64() < 0.1 {
			f.name = strings.Replace(f.name, word, word+strconv.Itoa(i), 1) // branches: 分店
			f.short = strings.Replace(f.short, word, word+strconv.Itoa(i), 1)
		}
		f.legal, _ = personName(r)
		if p := r.IntN(len(rs.people) + 1); p < len(rs.people) && r.Float64() < 0.5 {
			f.legal, f.legalID = rs.people[p].name, rs.people[p].id // a resident runs it
		}
		f.phone = mobile(r)
		f.address = fmt.Sprintf("%s%s%s%d号", districtName, streetName, pick(r, com.roads), 1+r.IntN(200))
		from := rs.end.AddDate(-1-r.IntN(15), -r.IntN(12), -r.IntN(28))
		f.from = from.Format(time.DateOnly)
		if r.Float64() < 0.7 {
			f.to = from.AddDate(20, 0, -1).Format(time.DateOnly)
		}
		out = append(out, f)
	}
	return out
}

type rorg struct {
	name, kind, uscc, leader, phone, address, status, registered string
	community, members                                           int
}

var orgKinds = []struct{ kind, suffix, prefix string }{
	{"社区社会组织", "志愿服务队", ""}, {"社区社会组织", "舞蹈队", ""}, {"社区社会组织", "书画社", ""}, {"社区社会组织", "老年协会", ""},
	{"社会团体", "商会", "51"}, {"民办非企业单位", "养老服务中心", "52"}, {"民办非企业单位", "社会工作服务中心", "52"},
	{"群团组织", "妇女之家", ""}, {"党组织", "党支部", ""},
}

func genOrgs(r *rand.Rand) []rorg {
	var out []rorg
	for i := 0; i < 60; i++ {
		c := r.IntN(len(communities))
		k := pick(r, orgKinds)
		o := rorg{kind: k.kind, community: c, members: 5 + r.IntN(80), status: "正常",
			name: strings.TrimSuffix(communities[c].name, "社区") + k.suffix}
		if k.prefix != "" {
			o.name = "北京市" + districtName + o.name
			o.uscc = usccFor(r, k.prefix)
		}
		if i >= len(orgKinds)*len(communities)/3 {
			o.name = strings.Replace(o.name, k.suffix, pick(r, firmWords)+k.suffix, 1)
		}
		o.leader, _ = personName(r)
		o.phone = mobile(r)
		o.address = communities[c].name + "居委会" + strconv.Itoa(1+r.IntN(3)) + "层活动室"
		o.registered = time.Date(2010+r.IntN(15), time.Month(1+r.IntN(12)), 1+r.IntN(28), 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
		if r.Float64() < 0.06 {
			o.status = "活动异常"
		}
		out = append(out, o)
	}
	return out
}

// RecordFiles returns the demo street's registry files, each source's
// previous load first, in load order. The same options give the same files.
func RecordFiles(o RecordsOptions) []RecordFile {
	if o.End.IsZero() {
		o.End = time.Now()
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	rs := genRecordStreet(o)
	prev, cur := o.End.AddDate(0, -1, 0), o.End.AddDate(0, 0, -1)
	month := func(t time.Time) string { return t.In(core.StreetTime).Format("2006年1月") }
	var out []RecordFile
	for li, at := range []time.Time{prev, cur} {
		r := rand.New(rand.NewPCG(uint64(o.Seed), uint64(0x6c6f6164+li))) // defects differ between loads
		last := li == 1
		out = append(out,
			RecordFile{Kind: fieldset.KindPerson, Source: SourcePolice, Name: "实有人口登记-" + month(at) + ".csv", At: at, Format: "gbk",
				Rows: rs.policeRows(rand.New(rand.NewPCG(uint64(o.Seed), 0x706f6c)), r, last)},
			RecordFile{Kind: fieldset.KindPerson, Source: SourceCivil, Name: "重点人群服务台账-" + month(at) + ".csv", At: at, Format: "csv",
				Rows: rs.civilRows(rand.New(rand.NewPCG(uint64(o.Seed), 0x636976)), r, last)},
			RecordFile{Kind: fieldset.KindHouse, Source: SourceHousing, Name: "房屋台账-" + month(at) + ".xlsx", At: at, Format: "xlsx",
				Rows: rs.houseRows(rand.New(rand.NewPCG(uint64(o.Seed), 0x686f75)), last)},
			RecordFile{Kind: fieldset.KindEnterprise, Source: SourceMarket, Name: "辖区企业名录-" + month(at) + ".csv", At: at, Format: "csv",
				Rows: rs.firmRows(rand.New(rand.NewPCG(uint64(o.Seed), 0x6d6b74)), last)},
			RecordFile{Kind: fieldset.KindEnterprise, Source: SourceCityMgmt, Name: "门前三包责任单位-" + month(at) + ".csv", At: at, Format: "gbk",
				Rows: rs.shopRows(rand.New(rand.NewPCG(uint64(o.Seed), 0x73686f)), last)},
			RecordFile{Kind: fieldset.KindOrganisation, Source: SourceOrganisation, Name: "社会组织名录-" + month(at) + ".csv", At: at, Format: "csv",
				Rows: rs.orgRows(rand.New(rand.NewPCG(uint64(o.Seed), 0x6f7267)), last)},
		)
	}
	return out
}

func gridOf(c, g int) string { return gridNames[c*gridsPerCommunity+g] }

// policeRows is the police register. d draws the defects that are the
// same in both loads, r those of this load; the previous load lacks the
// people registered in the last month and has older phones.
func (rs *recordStreet) policeRows(d, r *rand.Rand, last bool) [][]string {
	rows := [][]string{{"公民身份号码", "姓名", "性别", "出生日期", "民族", "人口类型", "户籍地址", "居住地址", "小区", "楼栋", "单元", "房号",
		"社区", "网格", "手机号码", "登记时间"}}
	for i, p := range rs.people {
		missing := d.Float64() < 0.03 // moved away, still in the civil list
		noPhone := d.Float64() < 0.2
		stale := d.Float64() < 0.15
		twice := d.Float64() < 0.012
		repeat := d.Float64() < 0.005
		otherGrid := d.Float64() < 0.006
		badDate := d.Float64() < 0.003
		if missing || !last && i%50 == 0 {
			continue
		}
		h := rs.houses[p.house]
		birth := strings.ReplaceAll(p.birth, "-", "")
		if badDate {
			birth = birth[:6] + "31"
			if birth[4:6] == "01" || birth[4:6] == "03" {
				birth = birth[:6] + "32"
			}
		}
		phone := p.phone
		if noPhone {
			phone = ""
		} else if !last && r.Float64() < 0.02 {
			phone = mobile(r) // changed since
		}
		reg := time.Date(p.regYear, time.Month(1+d.IntN(12)), 1+d.IntN(28), 9+d.IntN(8), d.IntN(60), 0, 0, core.StreetTime)
		if stale {
			reg = time.Date(2012+d.IntN(7), time.Month(1+d.IntN(12)), 1+d.IntN(28), 10, 0, 0, 0, core.StreetTime)
		}
		grid := gridOf(h.community, h.grid)
		if otherGrid {
			grid = gridOf((h.community+1)%len(communities), h.grid)
		}
		row := []string{p.id, p.name, p.gender, birth, p.ethnicity, p.residence, provinces[p.id[:6]] + "某街道",
			h.address(), h.estateName(), fmt.Sprintf("%d号楼", h.building), fmt.Sprintf("%d单元", h.unit), strconv.Itoa(h.room),
			communities[h.community].name, grid, phone, reg.Format("2006-01-02 15:04:05")}
		rows = append(rows, row)
		if twice { // entered again by another officer, without the ID number
			again := append([]string(nil), row...)
			again[0], again[3] = "", p.birth
			rows = append(rows, again)
		}
		if repeat {
			rows = append(rows, row)
		}
	}
	// Zombies: people registered long ago whose ID says they are over 110.
	for i := 0; i < 8; i++ {
		birth := time.Date(1903+d.IntN(10), time.Month(1+d.IntN(12)), 1+d.IntN(28), 0, 0, 0, 0, time.UTC)
		h := rs.houses[d.IntN(len(rs.houses))]
		name, _ := personName(d)
		male := d.IntN(2) == 0
		g := "女"
		if male {
			g = "男"
		}
		rows = append(rows, []string{idFor(d, birth, male), name, g, birth.Format("20060102"), "汉族", "户籍人口", "北京市海川区某街道",
			h.address(), h.estateName(), fmt.Sprintf("%d号楼", h.building), fmt.Sprintf("%d单元", h.unit), strconv.Itoa(h.room),
			communities[h.community].name, gridOf(h.community, h.grid), "", fmt.Sprintf("%d-03-01 10:00:00", 2006+d.IntN(5))})
	}
	return rows
}

// civilRows is the key-population list of the civil-affairs office.
func (rs *recordStreet) civilRows(d, r *rand.Rand, last bool) [][]string {
	rows := [][]string{{"清河湾街道重点人群服务台账（民生保障办公室）"},
		{"序号", "姓名", "身份证号", "性别", "出生年月", "联系电话", "所属社区", "所属网格", "家庭住址", "人员类别", "是否独居", "残疾等级", "残疾类别", "核查时间", "备注"}}
	n := 0
	for i, p := range rs.people {
		if len(p.marks) == 0 {
			continue
		}
		badCheck := d.Float64() < 0.015
		badBirth := d.Float64() < 0.01
		noPhone := d.Float64() < 0.1
		stale := d.Float64() < 0.1
		repeat := d.Float64() < 0.01
		// Corrupted twins, for the linkage's clerical review: the office's
		// row of a person written so that only a steward can tell.
		twin, moved := d.Float64(), d.IntN(len(rs.houses))
		if !last && i%40 == 0 {
			continue
		}
		h := rs.houses[p.house]
		id := p.id
		if badCheck {
			id = wrongCheck(d, id)
		}
		alias, phone := p.alias, p.phone
		offBirth := false
		switch {
		case twin < 0.03: // a homophone name, no ID number, another phone
			alias, id, phone = homophone(d, p.name), "", mobile(d)
		case twin < 0.06: // moved house since, the ID number mistyped
			h, id = rs.houses[moved], typoID(d, id)
		case twin < 0.10: // moved house, no ID number, another phone, the birth date from memory
			h, id, phone, offBirth = rs.houses[moved], "", mobile(d), true
		case twin < 0.14: // a homophone name, no ID number, another phone, the birth date from memory
			alias, id, phone, offBirth = homophone(d, p.name), "", mobile(d), true
		}
		b, _ := time.Parse(time.DateOnly, p.birth)
		if badBirth {
			b = b.AddDate(d.IntN(3)-1, 1+d.IntN(3), 0)
		}
		if offBirth {
			b = b.AddDate(0, 1+d.IntN(3), d.IntN(20))
		}
		switch {
		case noPhone:
			phone = ""
		case d.Float64() < 0.1:
			phone = "010-" + landline(d)
		}
		checked := rs.end.AddDate(0, -d.IntN(10), -d.IntN(28))
		if stale {
			checked = rs.end.AddDate(-3-d.IntN(3), -d.IntN(12), 0)
		}
		if !last {
			checked = checked.AddDate(0, -1, 0)
		}
		alone := "否"
		if p.alone {
			alone = "是"
		}
		n++
		row := []string{strconv.Itoa(n), alias, id, p.gender, fmt.Sprintf("%d年%d月%d日", b.Year(), b.Month(), b.Day()), phone,
			communities[h.community].name, gridOf(h.community, h.grid),
			fmt.Sprintf("%s%d-%d-%d", h.estateName(), h.building, h.unit, h.room), strings.Join(p.marks, "、"), alone, p.disLevel, p.disType,
			checked.In(core.StreetTime).Format("2006-01-02"), ""}
		if p.alone && r.Float64() < 0.3 {
			row[14] = "每月走访"
		}
		rows = append(rows, row)
		if repeat {
			again := append([]string(nil), row...)
			n++
			again[0] = strconv.Itoa(n)
			rows = append(rows, again)
		}
	}
	return rows
}

// houseRows is the housing office's register.
func (rs *recordStreet) houseRows(d *rand.Rand, last bool) [][]string {
	rows := [][]string{{"房屋地址", "小区名称", "楼号", "单元号", "房间号", "所属社区", "所属网格", "产权人", "产权人身份证号", "产权人电话",
		"房屋用途", "建筑面积", "是否出租", "实住人数", "更新时间"}}
	for i, h := range rs.houses {
		noOwner := d.Float64() < 0.06
		noArea := d.Float64() < 0.04
		wrongCount := d.Float64() < 0.1
		if !last && i%60 == 0 {
			continue
		}
		owner, ownerID, ownerPhone := "", "", ""
		if h.owner >= 0 && !noOwner {
			p := rs.people[h.owner]
			owner, ownerID, ownerPhone = p.name, p.id, p.phone
		} else if h.owner < 0 && h.rented && !noOwner {
			owner, _ = personName(d) // a landlord who lives elsewhere
			ownerPhone = mobile(d)
		}
		area := fieldset.FormatFloat(h.area)
		if noArea {
			area = ""
		}
		rented := "否"
		if h.rented {
			rented = "是"
		}
		count := len(h.residents)
		if wrongCount {
			count += 1 + d.IntN(3)
		}
		// 楼号 and 单元号 are numbers in this register.
		rows = append(rows, []string{h.address(), h.estateName(), strconv.Itoa(h.building), strconv.Itoa(h.unit),
			strconv.Itoa(h.room), communities[h.community].name, gridOf(h.community, h.grid), owner, ownerID, ownerPhone, h.use, area,
			rented, strconv.Itoa(count), h.updated.In(core.StreetTime).Format("2006-01-02")})
	}
	return rows
}

// firmRows is the market-supervision office's list of enterprises.
func (rs *recordStreet) firmRows(d *rand.Rand, last bool) [][]string {
	rows := [][]string{{"企业名称", "统一社会信用代码", "法定代表人", "法定代表人证件号", "联系电话", "经营地址", "所属社区", "所属网格", "行业类别",
		"从业人数", "成立日期", "营业期限至", "登记状态", "核查时间"}}
	for i, f := range rs.firms {
		badCode := d.Float64() < 0.02
		backwards := d.Float64() < 0.01
		if last && i%30 == 0 {
			continue // left the street since the previous list
		}
		code := f.uscc
		if badCode {
			code = code[:17] + string("0123456789ABCDEFGHJKLMNPQRTUWXY"[(strings.IndexByte("0123456789ABCDEFGHJKLMNPQRTUWXY", code[17])+1)%31])
		}
		to := f.to
		if backwards && to != "" {
			t, _ := time.Parse(time.DateOnly, f.from)
			to = t.AddDate(-1, 0, 0).Format(time.DateOnly)
		}
		checked := rs.end.AddDate(0, -d.IntN(24), -d.IntN(28))
		rows = append(rows, []string{f.name, code, f.legal, f.legalID, f.phone, f.address, communities[f.community].name,
			gridOf(f.community, f.grid), f.industry, strconv.Itoa(f.employees), f.from, to, f.status, checked.In(core.StreetTime).Format("2006-01-02")})
	}
	return rows
}

// shopRows is the city-management office's 门前三包 list: shops by their
// sign, without codes; its latest export was cut short.
func (rs *recordStreet) shopRows(d *rand.Rand, last bool) [][]string {
	rows := [][]string{{"店名", "经营者", "联系电话", "门牌地址", "社区", "网格", "经营状态", "采集时间"}}
	n := 0
	for _, f := range rs.firms {
		if !f.shop || f.status == "注销" || f.status == "迁出" {
			continue
		}
		n++
		if last && n%3 == 0 {
			continue
		}
		phone := f.phone
		if d.Float64() < 0.15 {
			phone = ""
		}
		status := "在营"
		if f.status != "在营" {
			status = "停业"
		}
		rows = append(rows, []string{f.short, f.legal, phone, f.address, communities[f.community].name, gridOf(f.community, f.grid), status,
			rs.end.AddDate(0, -d.IntN(6), -d.IntN(28)).In(core.StreetTime).Format("2006/1/2")})
	}
	return rows
}

// orgRows is the list of social organisations.
func (rs *recordStreet) orgRows(d *rand.Rand, last bool) [][]string {
	rows := [][]string{{"社会组织名称", "登记证号", "组织类型", "负责人", "联系电话", "活动地址", "所属社区", "成员人数", "成立日期", "状态", "更新时间"}}
	for i, o := range rs.orgs {
		if !last && i%20 == 0 {
			continue
		}
		code := o.uscc
		if code != "" && d.Float64() < 0.05 {
			code = wrongUSCC(code)
		}
		rows = append(rows, []string{o.name, code, o.kind, o.leader, o.phone, o.address, communities[o.community].name,
			strconv.Itoa(o.members), o.registered, o.status, rs.end.AddDate(0, -d.IntN(18), 0).In(core.StreetTime).Format("2006-01-02")})
	}
	return rows
}

func wrongUSCC(code string) string {
	const chars = "0123456789ABCDEFGHJKLMNPQRTUWXY"
	return code[:17] + string(chars[(strings.IndexByte(chars, code[17])+1)%31])
}

// Write writes f into dir in its format and returns the path.
func (f RecordFile) Write(dir string) (string, error) {
	p := filepath.Join(dir, f.Name)
	out, err := os.Create(p)
	if err != nil {
		return "", err
	}
	var w tabfile.RowWriter
	switch f.Format {
	case "xlsx":
		w, err = tabfile.NewXLSXWriter(out)
	case "gbk":
		w, err = tabfile.NewCSVWriter(out, tabfile.GBK)
	default:
		w, err = tabfile.NewCSVWriter(out, tabfile.UTF8)
	}
	if err != nil {
		out.Close()
		return "", err
	}
	for _, row := range f.Rows {
		if err := w.Write(row); err != nil {
			out.Close()
			return "", err
		}
	}
	if err := w.Close(); err != nil {
		out.Close()
		return "", err
	}
	return p, out.Close()
}

// RecordLoad is what LoadRecords did with one file.
type RecordLoad struct {
	File    RecordFile
	Summary importer.RecordSummary
}

// LoadRecords writes the demo street's registry files (RecordFiles) into
// dir and loads them in order through the record importer, as its
// departments' staff would, rejects files and all. The files are left in
// dir for a look at what the departments sent.
func LoadRecords(ctx context.Context, s importer.RecordUpserter, dir string, o RecordsOptions) ([]RecordLoad, error) {
	var out []RecordLoad
	for _, f := range RecordFiles(o) {
		p, err := f.Write(dir)
		if err != nil {
			return out, fmt.Errorf("demo: write %s: %w", f.Name, err)
		}
		at := f.At
		sum, err := importer.ImportRecords(ctx, s, []string{p}, importer.RecordOptions{Kind: f.Kind, Source: f.Source,
			Now: func() time.Time { return at }})
		if err != nil {
			return out, fmt.Errorf("demo: load %s: %w", f.Name, err)
		}
		out = append(out, RecordLoad{File: f, Summary: sum})
	}
	return out, nil
}
