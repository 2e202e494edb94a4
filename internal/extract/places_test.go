package extract

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"jiceng/internal/core"
)

var testAreas = core.Areas{
	Streets: []core.Street{{Code: "S1", Name: "清河湾街道"}},
	Communities: []core.Community{
		{Code: "C01", Name: "南苑社区", Street: "S1"},
		{Code: "C02", Name: "柳荫里社区", Street: "S1"},
		{Code: "C03", Name: "清河湾东社区", Street: "S1"},
	},
	Grids: []core.Grid{{Code: "G011", Name: "南苑第一网格", Community: "C01"}},
}

// ents renders entities as "TYPE:text=value" for compact comparisons.
func ents(es []Entity, types ...EntityType) string {
	var b []string
	for _, e := range es {
		if len(types) > 0 && !containsType(types, e.Type) {
			continue
		}
		s := fmt.Sprintf("%s:%s", e.Type, e.Text)
		if e.Value != e.Text {
			s += "=" + e.Value
		}
		b = append(b, s)
	}
	return strings.Join(b, " ")
}

func containsType(ts []EntityType, t EntityType) bool {
	for _, x := range ts {
		if x == t {
			return true
		}
	}
	return false
}

func TestPlaces(t *testing.T) {
	cases := []struct{ name, text, want string }{
		{"community_full", "我是南苑社区的居民", "COMMUNITY:南苑社区=C01"},
		{"community_short", "住在南苑这边", "COMMUNITY:南苑=C01"},
		{"community_li", "柳荫里社区柳荫嘉园", "COMMUNITY:柳荫里社区=C02 COMPOUND:柳荫嘉园"},
		{"street", "清河湾街道办", "COMMUNITY:清河湾街道=S1"},
		{"grid", "南苑第一网格", "COMMUNITY:南苑第一网格=G011"},
		{"short_form_road", "清河湾东路和清河湾嘉园交叉口", "ROAD:清河湾东路 COMPOUND:清河湾嘉园"},
		{"compound_building", "在阳光花园3号楼2单元501", "COMPOUND:阳光花园 BUILDING:3号楼2单元501"},
		{"compound_part", "金泉家园二期东门", "COMPOUND:金泉家园二期"},
		{"compound_li", "枫林北里5号楼", "COMPOUND:枫林北里 BUILDING:5号楼"},
		{"road_number", "地址是幸福路18号", "ROAD:幸福路18号=幸福路"},
		{"hutong", "住在安和胡同20号院", "ROAD:安和胡同20号院=安和胡同"},
		{"street_road", "润泽大街沿线", "ROAD:润泽大街"},
		{"lane", "西里一巷口", "ROAD:西里一巷"},
		{"zone", "A3区和B市的情况", "ZONE:A3区 ZONE:B市"},
		{"zone_not_word", "abc区", ""},
		// Hard negatives.
		{"not_road_malu", "过马路很危险", ""},
		{"not_road_jiedao", "街道的人来过", ""},
		{"not_compound_hospital", "去医院看病", ""},
		{"not_compound_home", "家里没人", ""},
		{"not_compound_corridor", "楼道里堆满杂物", ""},
		{"not_compound_courtyard", "院子里有车", ""},
		{"verb_stops_name", "巡查发现润泽大街有坑", "ROAD:润泽大街"},
		{"empty", "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := ents(Places(c.text, testAreas))
			if got != c.want {
				t.Errorf("Places(%q) = %q, want %q", c.text, got, c.want)
			}
		})
	}
}

func TestOrgs(t *testing.T) {
	cases := []struct{ name, text, want string }{
		{"company", "清河湾物业管理公司不管事", "ORG:清河湾物业管理公司"},
		{"bare_property", "找物业说不归他们管", "ORG:物业"},
		{"police", "打电话给清河湾派出所", "ORG:清河湾派出所"},
		{"school", "博学培训学校拖欠工资", "ORG:博学培训学校"},
		{"hospital", "社区医院和海川区人民医院", "ORG:社区医院 ORG:海川区人民医院"},
		{"jwh", "去居委会问了", "ORG:居委会"},
		{"jdb", "向街道办反映", "ORG:街道办"},
		{"none", "楼下很吵", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := ents(Orgs(c.text)); got != c.want {
				t.Errorf("Orgs(%q) = %q, want %q", c.text, got, c.want)
			}
		})
	}
}

func TestIdentifiers(t *testing.T) {
	got := ents(Identifiers("我叫王芳，电话13812345678，车牌京A12345，住3号楼"))
	want := "PHONE:13812345678 PLATE:京A12345"
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestTimes(t *testing.T) {
	cst := time.FixedZone("CST", 8*3600)
	ref := time.Date(2026, 6, 10, 15, 0, 0, 0, cst) // a Wednesday
	day := func(m, d int) string {
		a := time.Date(2026, time.Month(m), d, 0, 0, 0, 0, cst)
		return a.Format(time.RFC3339) + "/" + a.AddDate(0, 0, 1).Format(time.RFC3339)
	}
	at := func(m, d, h, min int) string {
		return time.Date(2026, time.Month(m), d, h, min, 0, 0, cst).Format(time.RFC3339)
	}
	cases := []struct{ name, text, want string }{
		{"today", "今天早上", "TIME:今天早上=" + at(6, 10, 6, 0) + "/" + at(6, 10, 9, 0)},
		{"yesterday", "昨天又来了", "TIME:昨天=" + day(6, 9)},
		{"day_before", "前天", "TIME:前天=" + day(6, 8)},
		{"last_friday", "上周五我去了", "TIME:上周五=" + day(6, 5)},
		{"this_friday", "周五", "TIME:周五=" + day(6, 12)},
		{"date", "3月5日", "TIME:3月5日=" + day(3, 5)},
		{"date_hao", "5月20号下午", "TIME:5月20号下午=" + at(5, 20, 13, 0) + "/" + at(5, 20, 18, 0)},
		{"future_date_last_year", "12月1日", "TIME:12月1日=" + time.Date(2025, 12, 1, 0, 0, 0, 0, cst).Format(time.RFC3339) + "/" + time.Date(2025, 12, 2, 0, 0, 0, 0, cst).Format(time.RFC3339)},
		{"evening_clock", "昨天晚上10点", "TIME:昨天晚上10点=" + at(6, 9, 22, 0)},
		{"chinese_clock", "今晚十一点半", "TIME:今晚十一点半=" + at(6, 10, 23, 30)},
		{"early_morning", "前天凌晨两点", "TIME:前天凌晨两点=" + at(6, 8, 2, 0)},
		{"midnight", "昨天晚上十二点", "TIME:昨天晚上十二点=" + at(6, 10, 0, 0)},
		{"days_ago", "三天前", "TIME:三天前=" + day(6, 7)},
		{"last_month", "上个月开始", "TIME:上个月=" + at(5, 1, 0, 0) + "/" + at(6, 1, 0, 0)},
		{"daily_evening", "每天晚上都吵", "TIME:每天晚上=每天 18:00/24:00"},
		{"daily_clock", "每晚10点", "TIME:每晚10点=每天 22:00"},
		{"weekly", "每周六", "TIME:每周六"},
		{"clock_only", "晚上十点以后", "TIME:晚上十点=22:00"},
		{"hhmm", "22:30开始", "TIME:22:30"},
		{"early", "凌晨", "TIME:凌晨=00:00/06:00"},
		// Hard negatives.
		{"phone", "电话13812345678", ""},
		{"vague_count", "两三天", ""},
		{"feb30", "2月30日", ""},
		{"plain", "楼下很吵", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := ents(Times(c.text, ref)); got != c.want {
				t.Errorf("Times(%q) = %q, want %q", c.text, got, c.want)
			}
		})
	}
}
