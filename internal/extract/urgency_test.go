package extract

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"time"

	"jiceng/internal/core"
)

func TestUrgency(t *testing.T) {
	cases := []struct {
		name, title, content string
		want                 string
	}{
		{"gas_leak", "", "楼道里有很大的煤气味，怀疑是燃气泄漏，请马上派人来查。", string(core.UrgencyEmergency)},
		{"trapped", "", "地下室进水了，有人被困在里面出不来。", string(core.UrgencyEmergency)},
		{"request_to_restore_is_not_restored", "", "小区从昨晚开始停水，到现在还没有来水，请尽快恢复供水。", string(core.UrgencyHurry)},
		{"still_not_restored", "", "停电一整天了，什么时候能恢复供电？", string(core.UrgencyHurry)},
		{"restored", "", "昨天停水，今天已经恢复供水了，想问下原因。", string(core.UrgencyNormal)},
		{"fire", "", "楼下的电动车起火了，烟特别大。", string(core.UrgencyEmergency)},
		{"electric_shock", "", "路边的电线杆漏电，刚才有只狗被电倒了。", string(core.UrgencyEmergency)},
		{"collapse", "", "围墙坍塌了，压住了一辆车。", string(core.UrgencyEmergency)},
		{"elder_fall", "", "独居老人摔倒了起不来，救命！", string(core.UrgencyEmergency)},
		{"title_emergency", "燃气泄漏", "快来人。", string(core.UrgencyEmergency)},
		{"water_cut", "", "小区从早上开始停水，没有任何通知。", string(core.UrgencyHurry)},
		{"power_cut", "", "整栋楼停电三个小时了，冰箱里的东西都要坏了。", string(core.UrgencyHurry)},
		{"no_heating", "", "家里没暖气，屋里只有十度。", string(core.UrgencyHurry)},
		{"lift_trap_spec", "", "电梯困人，物业电话打不通。", string(core.UrgencyHurry)},
		{"sewer_flood", "", "下水道堵塞漫水，一楼都淹了。", string(core.UrgencyHurry)},
		{"general", "", "小区门口的共享单车乱停乱放，影响通行。", string(core.UrgencyNormal)},
		{"complex_legacy", "", "这是历史遗留问题，涉及多部门，产权纠纷一直没解决。", string(core.UrgencyComplex)},
		{"complex_demolition", "", "拆迁补偿款至今没有到位，信访多年没有结果。", string(core.UrgencyComplex)},
		{"complex_court_ruling", "", "法院判决已经生效，对方一直拒不执行。", string(core.UrgencyComplex)},
		{"complex_expropriation", "", "村里土地被征收，安置房一直没有落实。", string(core.UrgencyComplex)},
		{"complex_years", "", "房产证拖了好几年了，开发商一直推说手续没办完。", string(core.UrgencyComplex)},
		{"complex_unfinished", "", "小区烂尾，业主交了钱住不进去。", string(core.UrgencyComplex)},
		{"complex_land_title", "", "我家承包地的确权登记错了。", string(core.UrgencyComplex)},
		{"years_alone_is_normal", "", "这条路坑坑洼洼好多年了，请修一下。", string(core.UrgencyNormal)},
		{"hurry_beats_complex", "", "历史遗留的产权纠纷导致整栋楼停水。", string(core.UrgencyHurry)},
		// Hard negatives.
		{"restored", "", "昨天停水了，今天已经恢复供水，就是想问问原因。", string(core.UrgencyNormal)},
		{"restored_same_sentence", "", "停电两个小时，现在来电了，想了解一下赔偿。", string(core.UrgencyNormal)},
		{"no_outage", "", "我们小区没有停水，是隔壁楼的水压低。", string(core.UrgencyNormal)},
		{"not_fire", "", "没有起火，只是楼道里堆了很多纸箱。", string(core.UrgencyNormal)},
		{"hypothetical", "", "楼道里堆满杂物，万一着火人都跑不出去。", string(core.UrgencyNormal)},
		{"hypothetical_yi", "", "楼道里堆满杂物，一着火人都跑不出去。", string(core.UrgencyNormal)},
		{"question_notice", "", "请问明天是否停电？", string(core.UrgencyNormal)},
		{"calm", "", "家里停水了，不过不急，明天来修也行。", string(core.UrgencyNormal)},
		{"calm_keeps_emergency", "", "闻到燃气味了，不急的话也请尽快。", string(core.UrgencyEmergency)},
		{"title_topic_only", "某小区停水问题", "水费怎么算？", string(core.UrgencyNormal)},
		{"empty", "", "", string(core.UrgencyNormal)},
		// Real-letter shapes (issue 12): a hazard, a past event, a
		// quotation, a hypothetical, a cue late in a long letter.
		{"fire_hazard", "", "小区地下车库堆满杂物，有火灾隐患，请相关部门检查。", string(core.UrgencyNormal)},
		{"fire_hazard_sentence", "", "楼道里电动车充电起火的事情时有发生，存在很大的安全隐患。", string(core.UrgencyNormal)},
		{"past_fire", "", "这栋楼曾经发生过火灾，现在消防通道还是被堵。", string(core.UrgencyNormal)},
		{"past_dated", "", "2018年5月，3号楼起火，烧毁了两户。物业至今没有整改。", string(core.UrgencyNormal)},
		{"past_guo", "", "这台电梯困过人，物业一直不修。", string(core.UrgencyNormal)},
		{"past_trapped_before", "", "电梯经常出故障，很多业主都碰到过被困电梯的情况。", string(core.UrgencyNormal)},
		{"quotation", "", "其他城市电动车起火的血的教训历历在目，希望我们小区加强管理。", string(core.UrgencyNormal)},
		{"hypothetical_once", "", "小区没有消防栓，一旦发生火情后果不堪设想。", string(core.UrgencyNormal)},
		{"avoid", "", "景观灯损坏严重，为了避免发生意外触电，请尽快修复。", string(core.UrgencyNormal)},
		{"not_a_cue", "", "这是我们家的救命钱，开发商拖着不退。", string(core.UrgencyNormal)},
		{"repeated_half_cue", "液化气为何涨价", "液化气一直在涨，液化气站说是上面定的。", string(core.UrgencyNormal)},
		{"late_in_letter", "", "尊敬的领导：我们是某小区的业主。小区交房三年，问题很多。物业不作为，业主投诉无门，各种问题积压下来。楼道里常年堆放杂物，有的地方起火烧黑了墙。", string(core.UrgencyNormal)},
		{"late_but_now", "", "尊敬的领导：我们是某小区的业主。小区交房三年，问题很多。物业不作为，业主投诉无门，各种问题积压下来。现在楼下正在起火，请马上派人！", string(core.UrgencyEmergency)},
		{"present_fire_first", "", "3号楼501着火了，烟很大，快来人！", string(core.UrgencyEmergency)},
		{"consequence_is_present", "", "产权纠纷导致整栋楼停水。", string(core.UrgencyHurry)},
		// Round 3: long durations need a second cue; one span counts once;
		// acute drinking water, sewage and lost homes.
		{"lamp_broken_for_years", "", "小区门口的路灯坏了已近三年，晚上一片漆黑。", string(core.UrgencyNormal)},
		{"years_and_developer", "", "开发商拖了五年，房产证至今没有办下来。", string(core.UrgencyComplex)},
		{"since_year_and_land", "", "从2012年征收我们的土地至今，补偿一分没有。", string(core.UrgencyComplex)},
		{"overlap_counts_once", "", "这个问题说了好几年了，一直没人管。", string(core.UrgencyNormal)},
		{"no_drinking_water", "", "村里现在没水喝，老人要走两里路去挑水。", string(core.UrgencyHurry)},
		{"sewage_overflow", "", "化粪池满了，楼下粪水横流。", string(core.UrgencyHurry)},
		{"house_collapsed", "", "我家房屋因发大水已经倒塌，现在没有地方住。", string(core.UrgencyHurry)},
		{"dated_outage_still_on", "", "从6月3日到今天，整个小区一直停水。", string(core.UrgencyHurry)},
		{"outage_until_now", "", "小区至今停水，没有任何说明。", string(core.UrgencyHurry)},
		{"verb_le_object", "", "小区昨天晚上停了水，到现在也没来。", string(core.UrgencyHurry)},
		{"fire_until_now_is_past", "", "商场火灾的损失至今没有赔偿。", string(core.UrgencyNormal)},
		{"dated_emergency_is_past", "", "3月15日晚有人在门口持刀伤人，现在还在医院。", string(core.UrgencyNormal)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, limit, reasons := Urgency(c.title, c.content)
			if got != core.Urgency(c.want) {
				t.Errorf("Urgency(%q, %q) = %s, want %s; reasons %q", c.title, c.content, got, c.want, reasons)
			}
			if limit != DefaultRules().Limits[got] {
				t.Errorf("limit %v, want %v", limit, DefaultRules().Limits[got])
			}
			if got != core.UrgencyNormal && len(reasons) == 0 {
				t.Errorf("no reasons for %s", got)
			}
		})
	}
}

func TestDefaultLimits(t *testing.T) {
	want := map[string]time.Duration{string(core.UrgencyEmergency): 2 * time.Hour, string(core.UrgencyHurry): 24 * time.Hour,
		string(core.UrgencyNormal): 7 * 24 * time.Hour, string(core.UrgencyComplex): 15 * 24 * time.Hour}
	for l, d := range want {
		if got := DefaultRules().Limits[core.Urgency(l)]; got != d {
			t.Errorf("limit of %s = %v, want %v", l, got, d)
		}
	}
}

func TestLoadRules(t *testing.T) {
	limits := "limit,紧急,1h\nlimit,加急,12h\nlimit,一般,5d\nlimit,复杂,30d\n"
	ok := []struct{ name, csv, title, content, want string }{
		{"street_cue", "kind,text,value,weight\n" + limits + "cue,井盖,紧急,\n", "", "路口井盖松了", string(core.UrgencyEmergency)},
		{"no_header", limits + "cue,树倒,加急,1\n", "", "大风把树倒了", string(core.UrgencyHurry)},
		{"weights_add_up", limits + "cue,老人,紧急,0.5\ncue,摔,紧急,0.5\n", "", "老人在路边摔了", string(core.UrgencyEmergency)},
		{"weak_alone", limits + "cue,老人,紧急,0.5\n", "", "老人在路边", string(core.UrgencyNormal)},
		{"comments_blank", "# c\n\n" + limits + "resolved,修好了,,\ncue,停水,加急,\n", "", "停水了，已经修好了", string(core.UrgencyNormal)},
		{"calm", limits + "calm,不急,,\ncue,停水,加急,\n", "", "停水了，不急", string(core.UrgencyNormal)},
	}
	for _, c := range ok {
		t.Run(c.name, func(t *testing.T) {
			ru, err := LoadRules(strings.NewReader(c.csv))
			if err != nil {
				t.Fatal(err)
			}
			got, limit, _ := ru.Urgency(c.title, c.content)
			if got != core.Urgency(c.want) || limit != ru.Limits[core.Urgency(c.want)] {
				t.Errorf("got %s %v, want %s %v", got, limit, c.want, ru.Limits[core.Urgency(c.want)])
			}
		})
	}
	if ru, _ := LoadRules(strings.NewReader(limits)); ru.Limits[core.UrgencyEmergency] != time.Hour {
		t.Errorf("a street's limit was not used")
	}
	bad := []struct{ name, csv, msg string }{
		{"missing_limit", "limit,紧急,1h\n", "缺少"},
		{"bad_kind", limits + "foo,x,y,\n", "第 5 行"},
		{"bad_level", limits + "cue,x,很急,\n", "第 5 行"},
		{"normal_cue", limits + "cue,x,一般,\n", "第 5 行"},
		{"bad_weight", limits + "cue,x,紧急,abc\n", "权重"},
		{"negative_weight", limits + "cue,x,紧急,-1\n", "权重"},
		{"bad_duration", "limit,紧急,soon\n", "时限"},
		{"zero_duration", "limit,紧急,0h\n", "时限"},
		{"empty_text", limits + "cue,,紧急,\n", "text"},
		{"bad_quote", limits + "cue,\"x,紧急\n", "格式"},
		{"unknown_limit", limits + "limit,特急,1h\n", "未知"},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			_, err := LoadRules(strings.NewReader(c.csv))
			if err == nil || !strings.Contains(err.Error(), c.msg) {
				t.Errorf("err = %v, want one containing %q", err, c.msg)
			}
		})
	}
}

// TestDefaultRulesRoundTrip checks that the embedded file loads as is.
func TestDefaultRulesRoundTrip(t *testing.T) {
	ru, err := LoadRules(bytes.NewReader(defaultRulesCSV))
	if err != nil {
		t.Fatal(err)
	}
	if len(ru.Cues) < 50 || len(ru.Resolved) == 0 || len(ru.Calm) == 0 {
		t.Errorf("default rules look truncated: %d cues", len(ru.Cues))
	}
}

func TestLongDurations(t *testing.T) {
	cases := []struct {
		name, text string
		want       []string
	}{
		{"nearly_three_years", "已近三年没人管", []string{"已近三年"}},
		{"ten_odd_years", "十几年来一直如此", []string{"十几年来"}},
		{"dragged", "拖了5年了", []string{"拖了5年了"}},
		{"twenty_odd", "住了二十多年", []string{"二十多年"}},
		{"many_years_not", "多年未解决", []string{"多年"}},
		{"since_year", "从2015年开始到现在还没修", []string{"2015年…到现在"}},
		{"digits_since", "15年来没有变化", []string{"15年来"}},
		{"one_year", "一年多了还没修", nil},
		{"short_year_date", "17年8月开工", nil},
		{"short_year_alone", "在18年，我们搬了家", nil},
		{"every_three_years", "每三年检查一次", nil},
		{"years_ago", "多年前修的路", nil},
		{"young", "很多年轻人外出打工", nil},
		{"grade", "孩子读三年级", nil},
		{"plain_year", "2015年修了路", nil},
		{"this_year", "今年去年都涨价", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var got []string
			longDurations(folded(c.text), func(_, _ int, text string) { got = append(got, text) })
			if !slices.Equal(got, c.want) {
				t.Errorf("longDurations(%q) = %q, want %q", c.text, got, c.want)
			}
		})
	}
}

func TestUrgencyOverlap(t *testing.T) {
	cases := []struct {
		name, csv, content string
		want               core.Urgency
		reasons            int // the reasons that count a cue
	}{
		// Two cues on the same characters are one reading: 好几年 and
		// 几年了 in 好几年了 add 0.6, not 1.2.
		{"partial_overlap_once", "cue,好几年,复杂,0.6\ncue,几年了,复杂,0.6\n", "说了好几年了", core.UrgencyNormal, 1},
		{"stronger_level_stays", "cue,水管爆,紧急,1\ncue,爆裂开,加急,1\n", "水管爆裂开了", core.UrgencyEmergency, 1},
		{"longer_contains", "cue,电梯困人,加急,1\ncue,困人,紧急,1\n", "电梯困人了", core.UrgencyHurry, 1},
		{"apart_both_count", "cue,好几年,复杂,0.6\ncue,几年了,复杂,0.6\n", "好几年，拖了几年了", core.UrgencyComplex, 2},
	}
	limits := "limit,紧急,1h\nlimit,加急,12h\nlimit,一般,5d\nlimit,复杂,30d\n"
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ru, err := LoadRules(strings.NewReader(limits + c.csv))
			if err != nil {
				t.Fatal(err)
			}
			got, _, reasons := ru.Urgency("", c.content)
			n := 0
			for _, r := range reasons {
				if !strings.HasPrefix(r, "不计") {
					n++
				}
			}
			if got != c.want || n != c.reasons {
				t.Errorf("Urgency(%q) = %s with reasons %q, want %s with %d", c.content, got, reasons, c.want, c.reasons)
			}
		})
	}
}
