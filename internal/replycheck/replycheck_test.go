package replycheck

import (
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// reasonTexts returns the texts of the reasons of res that are not hints.
func reasonTexts(res Result) []string {
	var out []string
	for _, r := range res.Reasons {
		if !r.Hint {
			out = append(out, r.Text)
		}
	}
	return out
}

func TestCheck(t *testing.T) {
	consult := Message{ID: "1", Title: "公积金贷款怎么申请", Content: "请问买房用公积金贷款需要什么材料，能贷多少？",
		Intent: "咨询", ReceivedAt: t0, Deadline: t0.Add(15 * 24 * time.Hour)}
	complaint := Message{ID: "2", Title: "望春园一区楼道堆物", Content: "望春园一区3号楼楼道里堆满杂物，物业不管，存在消防隐患。",
		Intent: "投诉", ReceivedAt: t0, Deadline: t0.Add(7 * 24 * time.Hour)}
	for _, tc := range []struct {
		name    string
		m       Message
		r       Reply
		want    []string // substrings of the fault reasons, in order; nil for none
		minimum int      // the score is at least this
		maximum int      // and at most this
	}{
		{"good consult", consult, Reply{Text: "您好！市住房公积金管理中心答复如下：根据《住房公积金贷款管理办法》第八条规定，申请贷款需提供身份证、购房合同和收入证明，到市公积金中心服务大厅（人民路8号）办理，最高可贷60万元。咨询电话12329。", ResolvedAt: t0.Add(48 * time.Hour)},
			nil, 90, 100},
		{"consult told only it was answered", consult, Reply{Text: "您好！已电话联系来电人，就公积金贷款相关政策进行了详细解答，来电人表示清楚。", ResolvedAt: t0.Add(48 * time.Hour)},
			[]string{"未说明承办单位", "只说已解答，未写明答复内容", "未说明政策依据"}, 0, 80},
		{"consult answered with what was done", consult, Reply{Text: "经现场核实，物业公司已安排人员清理楼道杂物，现已清理完毕。", ResolvedAt: t0.Add(48 * time.Hour)},
			[]string{"答复说的是处理情况，未作解答"}, 0, 60},
		{"good complaint reply", complaint, Reply{Text: "您好！您反映的望春园一区3号楼楼道堆物问题，望春园社区已会同物业公司现场查看，已清理楼道杂物两车，现已清理完毕，并张贴消防安全告知书。联系电话010-12345678。", ResolvedAt: t0.Add(24 * time.Hour)},
			nil, 90, 100},
		{"complaint answered with policy", complaint, Reply{Text: "已向来电人解释楼道堆物相关规定，来电人表示理解。", ResolvedAt: t0.Add(24 * time.Hour)},
			[]string{"只作政策解释", "未说明承办单位", "未说明办理结果"}, 0, 70},
		{"refusal without basis", complaint, Reply{Text: "经望春园社区核实，楼道堆物属于业主之间的纠纷，暂无法处理。", ResolvedAt: t0.Add(24 * time.Hour)},
			[]string{"不予办理但未说明依据"}, 50, 95},
		{"late", complaint, Reply{Text: "您好！您反映的望春园一区3号楼楼道堆物问题，望春园社区已会同物业公司现场查看，已清理楼道杂物两车，现已清理完毕。联系电话010-12345678。", ResolvedAt: t0.Add(9 * 24 * time.Hour)},
			[]string{"超出时限 2 天答复"}, 60, 99},
		{"stock phrases only", complaint, Reply{Text: "您好！您反映的问题已收悉，我单位高度重视，已安排相关人员进行处理。感谢您对我们工作的理解和支持！", ResolvedAt: t0.Add(24 * time.Hour)},
			[]string{"答复只有套话"}, 0, 75},
		{"empty", complaint, Reply{Text: "  "}, []string{"答复为空"}, 0, 0},
		{"no times", Message{ID: "3", Title: "路灯不亮", Content: "长乐街路灯坏了一个月。", Intent: "求助"},
			Reply{Text: "经城市管理办公室核实，已安排路灯所更换灯具，长乐街路灯现已恢复照明。咨询电话12345。"}, nil, 80, 100},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := Check(tc.m, tc.r, nil)
			got := reasonTexts(res)
			if tc.want == nil && len(got) > 0 {
				t.Errorf("reasons = %q, want none", got)
			}
			for _, w := range tc.want {
				if !slices.ContainsFunc(got, func(s string) bool { return strings.Contains(s, w) }) {
					t.Errorf("reasons = %q, want one with %q", got, w)
				}
			}
			if res.Score < tc.minimum || res.Score > tc.maximum {
				t.Errorf("score = %d, want %d–%d (parts %+v)", res.Score, tc.minimum, tc.maximum, res.Parts)
			}
			if res.ID != tc.m.ID {
				t.Errorf("ID = %q, want %q", res.ID, tc.m.ID)
			}
		})
	}
}

// TestBoilerplate sends one reply to unrelated messages and checks that
// the corpus finds it, and that a reply sent to repeats of one message is
// not boiler-plate.
func TestBoilerplate(t *testing.T) {
	topics := []string{"楼道里堆满纸箱旧家具", "长乐街路灯坏了一个月", "工地夜里施工吵得睡不着", "小区停水一整天没人管",
		"暖气片冰凉室温才十四度", "商户把货物摆到人行道上", "垃圾桶满了三天没人清运", "马路中间井盖丢了",
		"消防通道被私家车堵死", "电梯三天两头坏", "广场舞音响开到晚上十点", "楼下饭馆油烟直排进窗户"}
	stock := "您好！您反映的问题已转相关部门处理，处理结果将另行告知。"
	own := []string{"综合执法队已责令商户将货物收回店内，人行道已恢复通行。",
		"环卫所已安排车辆清运垃圾，并将清运频次增加到每天两次。",
		"市政养护所已补装井盖并设置警示桩，隐患已消除。",
		"交警大队已对占用消防通道的车辆贴单处罚，并施划禁停标线。",
		"电梯维保公司已更换曳引机制动器，经特检院检验合格后恢复运行。",
		"社区已与广场舞队约定晚上八点半前结束，音响音量已调低。",
		"市场监管所检查发现饭馆净化器未开启，已责令整改，现已加装高空排烟管道。"}
	var ps []Pair
	for i, tp := range topics {
		text := stock
		if i >= 5 {
			text = own[i-5]
		}
		ps = append(ps, Pair{Message: Message{ID: strconv.Itoa(i), Title: tp, Content: tp}, Reply: Reply{Text: text}})
	}
	c := NewCorpus(ps)
	for _, tc := range []struct {
		name string
		m    Message
		r    string
		want string // the boiler-plate reason, or "" for none
	}{
		{"stock reply to another message", Message{ID: "x", Title: "树木遮挡阳光", Content: "楼前树木太高，家里见不到阳光。"}, stock, "与 5 件不相关诉求的答复相同（模板化）"},
		{"stock reply in the corpus itself", ps[0].Message, stock, "与 4 件不相关诉求的答复相同（模板化）"},
		{"a reply of its own", ps[6].Message, ps[6].Reply.Text, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := Check(tc.m, Reply{Text: tc.r}, c)
			var got string
			for _, r := range res.Reasons {
				if r.Aspect == Boilerplate {
					got = r.Text
				}
			}
			if got != tc.want {
				t.Errorf("boiler-plate reason = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestWorst(t *testing.T) {
	rs := []Result{{ID: "a", Score: 80}, {ID: "b", Score: 20}, {ID: "c", Score: 50}, {ID: "d", Score: 20}}
	for _, tc := range []struct {
		name string
		n    int
		want []string
	}{
		{"two", 2, []string{"b", "d"}},
		{"all", 10, []string{"b", "d", "c", "a"}},
		{"none", 0, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, r := range Worst(rs, tc.n) {
				got = append(got, r.ID)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("Worst = %v, want %v", got, tc.want)
			}
		})
	}
	if rs[0].ID != "a" {
		t.Error("Worst modified its input")
	}
}

func TestSpan(t *testing.T) {
	for _, tc := range []struct {
		name string
		d    time.Duration
		want string
	}{
		{"days", 50 * time.Hour, "2 天"},
		{"hours", 5*time.Hour + 20*time.Minute, "5 小时"},
		{"minutes", 90 * time.Second, "2 分钟"},
		{"under a minute", time.Second, "1 分钟"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := span(tc.d); got != tc.want {
				t.Errorf("span(%v) = %q, want %q", tc.d, got, tc.want)
			}
		})
	}
}

// FuzzCheck checks that no text crashes the check and that the score
// stays in range.
func FuzzCheck(f *testing.F) {
	f.Add("望春园一区楼道堆物", "楼道里堆满杂物。请问怎么办？", "经核实，已清理完毕。依据《条例》第3条。电话010-1234567。")
	f.Add("", "", "《")
	f.Add("吗?", "0000", "已已已已")
	c := NewCorpus(demoPairs(f, 400))
	f.Fuzz(func(t *testing.T, title, content, reply string) {
		for _, cc := range []*Corpus{nil, c} {
			res := Check(Message{Title: title, Content: content, Intent: "咨询"}, Reply{Text: reply}, cc)
			if res.Score < 0 || res.Score > 100 {
				t.Fatalf("score %d out of range", res.Score)
			}
		}
	})
}
