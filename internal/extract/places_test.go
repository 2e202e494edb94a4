package extract

import (
	"fmt"
	"strings"
	"testing"

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
		{"street", "清河湾街道办", "TOWN:清河湾街道=S1"},
		{"town_suffix", "K9县黄花镇金龙村", "ZONE:K9县 TOWN:黄花镇 COMMUNITY:金龙村"},
		{"street_suffix", "A市A4区四方坪街道滨江社区海洋半岛1栋304", "ZONE:A市 ZONE:A4区 TOWN:四方坪街道 COMMUNITY:滨江社区 BUILDING:1栋304"},
		{"code_then_road", "A市永安东路", "ZONE:A市 ROAD:永安东路"},
		{"code_then_compound", "B6县春江安置小区", "ZONE:B6县 COMPOUND:春江安置小区"},
		{"province", "西地省A市", "ZONE:西地省 ZONE:A市"},
		{"road_junction", "解放西路与五一大道交叉路口", "ROAD:解放西路 ROAD:五一大道"},
		{"not_generic_compound", "之前小区和本小区都一样", ""},
		{"not_lookalike_roads", "这是必经之路，只能堵路，按教育路线走马路和道路", ""},
		{"not_towns", "各乡镇和城乡农村", ""},
		{"compound_after_road", "住在车站路小区", "COMPOUND:车站路小区"},
		{"grid", "南苑第一网格", "COMMUNITY:南苑第一网格=G011"},
		{"short_form_road", "清河湾东路和清河湾嘉园交叉口", "ROAD:清河湾东路 COMPOUND:清河湾嘉园"},
		{"compound_building", "在阳光花园3号楼2单元501", "COMPOUND:阳光花园 BUILDING:3号楼2单元501"},
		{"compound_part", "金泉家园二期东门", "COMPOUND:金泉家园二期"},
		{"compound_li", "枫林北里5号楼", "COMPOUND:枫林北里 BUILDING:5号楼"},
		{"road_number", "地址是幸福路18号", "ROAD:幸福路 BUILDING:18号"},
		{"hutong", "住在安和胡同20号院", "ROAD:安和胡同 BUILDING:20号院"},
		{"street_road", "润泽大街沿线", "ROAD:润泽大街"},
		{"lane", "西里一巷口", "ROAD:西里一巷"},
		{"zone", "A3区和B市的情况", "ZONE:A3区 ZONE:B市"},
		{"zone_not_word", "abc区", ""},
		{"gazetteer_bare", "我在昆明-贵阳之间跑车，广东一家公司", "ZONE:昆明 ZONE:贵阳 ZONE:广东"},
		{"gazetteer_suffix", "江西省赣州市和大同市", "ZONE:江西省 ZONE:赣州市 ZONE:大同市"},
		{"gazetteer_longer_name", "南阳街208号，浙江大学，北京御园小区", "ROAD:南阳街 BUILDING:208号 COMPOUND:北京御园小区"},
		{"gazetteer_ambiguous_bare", "大同小异，日照充足，第三亚欧大陆桥", ""},
		{"gazetteer_railway", "福州铁路", "ZONE:福州"},
		{"zone_zhou", "M6州的医生", "ZONE:M6州"},
		{"zone_code_space", "终点J10 县安平镇", "ZONE:J10 县=J10县 TOWN:安平镇"},
		{"dev_zones", "M5市经济开发区和德山开发区，向经开区反映", "ZONE:M5市 ZONE:经济开发区 ZONE:德山开发区 ZONE:经开区"},
		{"numbered_roads", "沿315线到207国道，S315旁边，s 217线，坐3号线", "ROAD:315线 ROAD:207国道 ROAD:S315 ROAD:s 217线 ROAD:3号线"},
		{"county_road", "九峰村X003县级公路", "COMMUNITY:九峰村 ROAD:X003县级公路"},
		{"zone_road", "A3区大道沿线", "ROAD:A3区大道"},
		{"clan_village", "C3县云湖桥镇史家坳村全红组", "ZONE:C3县 TOWN:云湖桥镇 COMMUNITY:史家坳村"},
		{"clan_town", "E3区陈家桥乡贺井村村民", "ZONE:E3区 TOWN:陈家桥乡 COMMUNITY:贺井村"},
		{"town_government", "E6县谷州镇政府和荷叶镇镇政府", "ZONE:E6县 TOWN:谷州镇 TOWN:荷叶镇"},
		{"village_of_villagers", "M5市荷塘镇集坪村民有困难", "ZONE:M5市 TOWN:荷塘镇 COMMUNITY:集坪村"},
		{"town_villagers", "D4区呆鹰岭镇村民", "ZONE:D4区 TOWN:呆鹰岭镇"},
		{"village_after_compound_suffix", "深子湖镇王福园村", "TOWN:深子湖镇 COMMUNITY:王福园村"},
		{"connector_ends_name", "城管和东塘街道", "TOWN:东塘街道"},
		{"date_before_town", "2016年11月毛里湖镇政府", "TOWN:毛里湖镇"},
		{"former_name", "将原上马乡合并", "TOWN:上马乡"},
		{"road_on", "田尾街上的居民", "ROAD:田尾街"},
		{"not_group_village", "金龙村五组村民", "COMMUNITY:金龙村"},
		{"not_stray_word", "也不知道苗山村的干部，车辆超载压坏村道", "COMMUNITY:苗山村"},
		{"not_count_town", "地处偏僻，但也系三镇交通要道", ""},
		{"not_urban_rural", "从事城乡客运，用于补助城乡道路", ""},
		{"not_joined_names", "村干部和镇政府", ""},
		{"compound_cheng", "A5区华悦城的C1栋，剑华紫金城烂尾", "ZONE:A5区 COMPOUND:华悦城 BUILDING:C1栋 COMPOUND:剑华紫金城"},
		{"compound_cheng_phase", "经世龙城6期33栋", "COMPOUND:经世龙城6期 BUILDING:33栋"},
		{"not_compound_cheng", "进城和县城的商贸城，绕城高速，长株潭城市群，活力康城社区", "ROAD:绕城高速 COMMUNITY:活力康城社区"},
		{"compound_word_suffix", "K2区春江帝景湾小区和春江帝景湾（物业）", "ZONE:K2区 COMPOUND:春江帝景湾小区 COMPOUND:春江帝景湾"},
		{"compound_letter_part", "教师新村C区留条路", "COMPOUND:教师新村 BUILDING:C区"},
		{"compound_mingzhu", "东城明珠装修", "COMPOUND:东城明珠"},
		{"ring_roads", "由南二环线与南三环线围合，大熊山连接线", "ROAD:南二环线 ROAD:南三环线 ROAD:大熊山连接线"},
		{"not_railway", "衡福高速铁路", ""},
		{"road_on_start", "三一路上的绿化带", "ROAD:三一路"},
		{"not_road_on_commute", "在下班路上", ""},
		{"numbered_road_nbsp", "s\u00a0217线", "ROAD:s\u00a0217线"},
		{"town_short_form", "J市至安平的客车，终点是安平镇", "ZONE:J市 TOWN:安平 TOWN:安平镇"},
		{"town_short_form_not_in_word", "安平镇的平安平台", "TOWN:安平镇"},
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
		{"noodle shop", "老王面馆后厨油烟直排", "ORG:老王面馆"},
		{"convenience store", "好邻居便利店门口堆放纸箱", "ORG:好邻居便利店"},
		{"barber", "小区门口的快剪理发店占道", "ORG:快剪理发店"},
		{"pharmacy", "同仁堂大药房卖过期药", "ORG:同仁堂大药房"},
		{"shop without a name", "楼下的水果店很吵", ""},
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
