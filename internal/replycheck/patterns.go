package replycheck

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"jiceng/internal/text"
)

// The patterns of reply parts, matched on folded text (text.Fold:
// half-width digits and punctuation, simplified characters). They were
// written on real 12345 replies and the demo street's.
var (
	// who: a unit or office named, not a vague 相关部门.
	reUnit    = regexp.MustCompile(`(\p{Han}{0,10})(分局|局|派出所|监管所|事务所|司法所|管理所|服务所|供电所|街道办事处|街道办|办事处|办公室|管理处|管委会|委员会|居委会|村委会|服务中心|中心|管理站|服务站|工作站|大队|中队|支队|执法队|公司|社区|街道|医院|学校|政府|部门|科室|供电局|物业|厅|监组|工作组|调查组|专案组|专班|指挥部|电视台|纪委|监委|卫健委|发改委|学院|法院|检察院|银行|支行|管委会)`)
	reOwnUnit = regexp.MustCompile(`(我|本)(单位|局|所|办|中心|委|司|街道|社区|部门)`)

	// what was done: something done about it, or at least the caller
	// contacted or told.
	reDone = regexp.MustCompile(`核实|核查|调查|研究|会同|责成|组织|成立|开展|纳入|编制|审批|批复|完成|追回|冻结|查封|立案|增加|调整|扩招|提高|删除|补传|经(现场|实地|多次|调查)?(核实|核查|调查|查|了解|协调|调解|检查|研究|排查|测温|检测)|现场(查看|核查|核实|检查|勘查|处置|察看|处理)|约谈|责令|督促|协调|安排|派人|派员|走访|入户|调解|检测|测温|清理|维修|抢修|拆除|查处|立案|受理|整改|处罚|巡查|疏通|更换|修复|清运|劝导|劝离|张贴|约见|取缔|暂扣|罚款|修剪|补种|铺设|安装|封堵|清掏|抽排|收回|退还|补发|转交|转达|记录|联系|告知|解答|解释|回复|答复|反馈|沟通`)
	// reContactOnly are the verbs of a reply that only talked to the caller.
	reContactOnly = regexp.MustCompile(`^(转交|转达|记录|联系|告知|解答|解释|回复|答复|反馈|沟通)$`)

	// the result: done, or why not (refused, out of scope, planned, in
	// progress, another way to go).
	reResultDone = regexp.MustCompile(`(已|现已|目前已|均已|已经)\p{Han}{0,8}?(解决|修复|恢复|清理|清除|拆除|完成|办结|处理完毕|整改|退还|退费|退款|办理|疏通|更换|清运|到位|落实|达成|签订|支付|发放|补缴|补发|正常|停止|关停|取缔|移除|撤除|规范|开通|安装|消除|改正|纠正|搬离|驶离|收回|处罚|立案|受理|调整|撤销|补办|缴纳|报销|整治|封堵|修剪|铺设|归还|结清|退回|通行|营业|暂停|关闭|撤离)|处理完毕|妥善(解决|处理|处置)|恢复正常|达成一致|表示(满意|认可)|符合\p{Han}{0,6}条件|同意|准予|予以|认定|增加|提高|调整为|减至|降为|不再`)
	reResultNot  = regexp.MustCompile(`暂(时)?(无法|不能|不具备|未能|不予|不)|无法(解决|处理|满足|办理|实施|认定|查实|联系)|不符合|不属于|不予|不在\p{Han}{0,10}范围|纳入\p{Han}{0,10}(计划|台账|规划|项目)|建议\p{Han}{0,20}(通过|向|到|走|申请)|属于\p{Han}{0,12}(纠纷|行为|范畴|范围)|历史遗留|正在(办理|处理|侦办|调查|协调|推进|施工|维修|审核|核实|整改)|后续将|将于|预计|待\p{Han}{0,8}后|尚未|未发现|不存在|情况不属实|无权|不能`)
	reAlready    = regexp.MustCompile(`已(\p{Han}{2})`)
	reNotResult  = regexp.MustCompile(`^(告知|联系|电话|转交|转达|转至|转到|转办|记录|向来|向您|与来|与您|做好|收到|接到|于|派人|上报|将来|将您|将问|将该|将此|将相|经|对来|于今|作出|做出|按要)`)
	reRefuse     = regexp.MustCompile(`不符合|不属于|不予|无法(解决|处理|满足|办理|实施|受理|认定|支持)|不能(解决|处理|满足|办理|受理|享受)|不具备|暂不|无权|不支持|不在\p{Han}{0,10}范围`)

	// the policy basis: a named document or article, or a rule cited as
	// the ground.
	reBasis = regexp.MustCompile(`《[^》]{2,40}》|第[一二三四五六七八九十百零0-9]+条|(依据|根据|按照|依照|参照|按)\p{Han}{0,24}(规定|政策|文件|办法|条例|标准|要求|通知|意见|法)`)

	// a contact: a phone number, a hotline, an office or window to go to.
	reContact = regexp.MustCompile(`[0-9]{3,4}-[0-9]{7,8}|1[3-9][0-9]{9}|[0-9]{7,}|12345|(咨询|联系|服务|热线|值班|办公)电话|联系人|致电|来电咨询|办公地点|(前往|到)\p{Han}{2,16}(窗口|大厅|办公室|服务中心|服务站)|窗口`)

	// The answer forms of a 咨询, by question kind.
	reAnsProcedure = regexp.MustCompile(`流程|材料|携带|申请|提交|手续|步骤|登录|网上|app|小程序|窗口|前往|提供|填写|办理|预约|备案|登记|报名|审核|审批|条件`)
	reAnsAmount    = regexp.MustCompile(`[0-9]+(\.[0-9]+)?\s*(元|%|万|个月|年|天|平方|度|岁|倍|人|个|次|小时|分)|标准(为|是)|比例(为|是)|起付线|每月|每年|费用|收费|免费|全额|减半|[一二三四五六七八九十百千万]+(元|倍|个月|年)`)
	reAnsPlace     = regexp.MustCompile(`地址|窗口|大厅|位于|前往|到\p{Han}{2,16}(办理|咨询|申请|反映)|服务中心|由\p{Han}{2,16}(负责|管理|受理|办理|审批|查处|处理)|属于\p{Han}{2,12}(职责|管辖|管理)|(向|找)\p{Han}{2,16}(反映|申请|咨询|投诉)|主管部门|职能部门`)
	reAnsTime      = regexp.MustCompile(`[0-9]+月|[0-9]+日|[0-9]+年|工作日|预计|近期|之前|以后|之后|时间(为|是)|[0-9]+[:][0-9]+|[0-9]+点|上午|下午|每周|每天|月底|年底|届时|起`)
	reAnsYesNo     = regexp.MustCompile(`可以|不可以|能够|不能|可|不可|符合|不符合|有权|无权|应当|应|不得|允许|不允许|需要|无需|不需|属于|不属于|是|否|合法|违法|合规|不合理|合理|必须|禁止`)

	// the frame of a written answer to a question.
	reAnswerFrame = regexp.MustCompile(`答复如下|回复如下|现答复|现将\p{Han}{0,6}(答复|回复)`)

	// a consult-style reply: it says it explained or answered.
	reExplained = regexp.MustCompile(`(解答|解释|告知|讲解|宣传|说明)\p{Han}{0,12}(政策|规定|流程|材料|条件|标准|办法|要求)|(政策|规定)\p{Han}{0,6}(解答|解释|说明)|详细解答|进行了解答|做好解释`)
)

// Question kinds of a 咨询.
type qkind uint8

const (
	qProcedure qkind = iota
	qAmount
	qPlace
	qTime
	qYesNo
	nKinds
)

var qkindNames = [nKinds]string{"办理流程", "金额或标准", "地点或负责部门", "时间", "是否可以"}

var qkindPatterns = [nKinds]*regexp.Regexp{
	regexp.MustCompile(`怎么办|如何|怎么(办理|申请|处理|弄|做|操作|报名|认定|补办|缴纳|交)|怎样|流程|手续|程序|材料|需要(带|提供|准备)|去哪(儿|里)?办|在哪(儿|里)?办|办理`),
	regexp.MustCompile(`多少|标准|比例|收费|费用|几(年|个|天|元|块|次)|金额|补贴|报销`),
	regexp.MustCompile(`哪里|哪儿|哪个部门|找谁|哪个单位|归谁管|谁(来)?管|向哪|哪个窗口|哪个地方|什么部门|什么地方`),
	regexp.MustCompile(`什么时候|何时|多久|多长时间|几点|什么时间|时间是|啥时候|哪天`),
	regexp.MustCompile(`是否|能不能|可不可以|能否|可否|有没有|是不是|合理吗|合法吗|行不行|可以\p{Han}{0,12}吗|能\p{Han}{0,12}吗|吗[?]|吗$|吗[。!]`),
}

var qkindAnswers = [nKinds]*regexp.Regexp{reAnsProcedure, reAnsAmount, reAnsPlace, reAnsTime, reAnsYesNo}

// replyFacts are the parts found in a reply.
type replyFacts struct {
	folded      string
	who         string // the unit named
	done        string // the first thing done
	substantive bool   // something done beyond talking to the caller
	resultDone  string
	resultNot   string
	refuses     bool
	basis       string
	contact     string
	explained   bool
	answers     [nKinds]bool
}

func fold(s string) string { return strings.Map(text.Fold, s) }

func readReply(s string) replyFacts {
	f := replyFacts{folded: fold(s)}
	t := f.folded
	for _, m := range reUnit.FindAllStringSubmatchIndex(t, -1) {
		pre := t[m[2]:m[3]]
		if strings.HasSuffix(pre, "相关") || strings.HasSuffix(pre, "有关") || strings.HasSuffix(pre, "职能") || strings.HasSuffix(pre, "主管") || strings.HasSuffix(pre, "责任") {
			continue
		}
		if utf8.RuneCountInString(pre) == 0 && t[m[4]:m[5]] == "部门" {
			continue
		}
		f.who = lastRunes(pre, 6) + t[m[4]:m[5]]
		break
	}
	if f.who == "" {
		f.who = reOwnUnit.FindString(t)
	}
	for _, d := range reDone.FindAllString(t, -1) {
		if f.done == "" {
			f.done = d
		}
		if !reContactOnly.MatchString(d) {
			f.substantive = true
			f.done = d
			break
		}
	}
	f.resultDone = reResultDone.FindString(t)
	if f.resultDone == "" {
		// 已 and a verb of work done is a result too (已对相关医生进行批评
		// 教育, 已安排专业人员消杀), unless it only talked or passed it on.
		for _, x := range reAlready.FindAllStringSubmatch(t, -1) {
			if !reNotResult.MatchString(x[1]) {
				f.resultDone = x[0]
				break
			}
		}
	}
	f.resultNot = reResultNot.FindString(t)
	f.refuses = reRefuse.MatchString(t)
	f.basis = reBasis.FindString(t)
	f.contact = reContact.FindString(t)
	f.explained = reExplained.MatchString(t)
	for k := range nKinds {
		f.answers[k] = qkindAnswers[k].MatchString(t)
	}
	return f
}

// lastRunes returns the last n runes of s.
func lastRunes(s string, n int) string {
	rs := []rune(s)
	if len(rs) > n {
		rs = rs[len(rs)-n:]
	}
	return string(rs)
}

// asked returns the question kinds of a message's text.
func asked(s string) []qkind {
	t := fold(s)
	var out []qkind
	for k := range nKinds {
		if qkindPatterns[k].MatchString(t) {
			out = append(out, k)
		}
	}
	return out
}

// Completeness weights of the parts of a reply.
const (
	wWho     = 20
	wDone    = 25
	wResult  = 30
	wBasis   = 15
	wContact = 10
)

// completeness scores the parts found against those the message's intent
// asks for.
func completeness(m *Message, f *replyFacts) (float64, []Reason) {
	consult := m.Intent == "咨询"
	type part struct {
		w    float64
		ok   bool
		miss string
		hint bool
	}
	kinds := asked(m.text())
	answered := answersAny(f, kinds)
	// For a 咨询 the answer is the work done.
	done := f.done != "" || (consult && (answered || f.explained || f.basis != "" || reAnswerFrame.MatchString(f.folded)))
	parts := []part{
		{wWho, f.who != "", "未说明承办单位", false},
		{wDone, done, "未说明做了什么（核实、现场查看、联系来电人等）", false},
	}
	contact := part{wContact, f.contact != "", "未留联系方式（电话或办理地点）", true}
	switch m.Intent {
	case "表扬":
	case "建议":
		parts = append(parts, contact)
	default:
		result := f.resultDone != "" || f.resultNot != ""
		miss := "未说明办理结果"
		if consult {
			result = result || answered || (f.basis != "" && !f.explained)
			miss = "未写明答复内容"
			if f.explained {
				miss = "只说已解答，未写明答复内容"
			}
		}
		parts = append(parts, part{wResult, result, miss, false})
		// Rules matter to a question of whether, how or how much, and to a
		// refusal; not to one of when or where.
		rules := f.refuses
		for _, k := range kinds {
			rules = rules || k == qProcedure || k == qAmount || k == qYesNo
		}
		if consult && len(kinds) == 0 {
			rules = true
		}
		if (consult && rules) || f.refuses {
			miss := "未说明政策依据"
			if f.refuses && !consult {
				miss = "不予办理但未说明依据"
			}
			parts = append(parts, part{wBasis, f.basis != "", miss, false})
		}
		parts = append(parts, contact)
	}
	got, all := 0.0, 0.0
	var rs []Reason
	for _, p := range parts {
		all += p.w
		if p.ok {
			got += p.w
		} else {
			rs = append(rs, Reason{Aspect: Completeness, Text: p.miss, Hint: p.hint})
		}
	}
	return 100 * got / all, rs
}

// answersAny reports whether the reply has an answer form of one of the
// kinds (any answer form when kinds is empty).
func answersAny(f *replyFacts, kinds []qkind) bool {
	if len(kinds) == 0 {
		kinds = []qkind{qProcedure, qAmount, qPlace, qTime}
	}
	for _, k := range kinds {
		if f.answers[k] {
			return true
		}
	}
	return false
}
