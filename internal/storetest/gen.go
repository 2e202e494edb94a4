package storetest

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"jiceng/internal/core"
)

// Gen makes realistic, deterministic tickets for benchmarks: every field
// filled, request text of 200 to 400 Chinese characters, values spread over
// 30 communities, 60 units and 120 categories.
type Gen struct {
	r     *rand.Rand
	Start time.Time // the received time of ticket 0
}

// NewGen returns a generator with a fixed seed.
func NewGen(seed uint64) *Gen {
	return &Gen{r: rand.New(rand.NewPCG(seed, 0x6a6963)), Start: time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)}
}

var (
	genPlaces = []string{"幸福小区", "和平里", "建设路", "光明花园", "朝阳新村", "民主街", "东风巷", "向阳公寓", "团结湖", "青年路", "文化宫", "育才胡同"}
	// genIssues are the problems tickets are about, most common first.
	genIssues = []string{"噪音扰民", "路灯不亮", "垃圾清运不及时", "停车位不足", "楼道堆物", "下水道堵塞", "暖气不热",
		"电梯故障", "井盖破损", "违章搭建", "占道经营", "油烟扰民", "楼顶漏水", "树木遮挡", "流浪犬伤人", "快递柜占道",
		"自来水停水", "燃气表故障", "小区门禁损坏", "共享单车乱停", "广场舞扰民", "装修噪音", "楼体外墙脱落", "化粪池外溢",
		"消防通道堵塞", "路面坑洼", "公厕卫生差", "健身器材损坏", "物业费纠纷", "拖欠工资", "养老补贴发放", "低保申请",
		"医保报销咨询", "学区划分咨询", "户口迁移咨询", "居住证办理", "无障碍设施缺失", "施工扬尘", "餐饮店排污", "宠物粪便",
		"高空抛物", "飞线充电", "群租房", "地下室住人", "烧烤油烟", "非法小广告", "绿地被占", "道路积水", "信号灯故障",
		"公交站牌损坏", "窨井异味", "空调外机滴水", "鼠患", "蚊虫滋生", "楼道灯不亮", "防盗门损坏", "供暖费退费", "电动车进楼",
		"老旧小区改造", "加装电梯"}
	genPhrases = []string{
		"来电人反映", "该问题已持续一个多月", "多次向物业反映未果", "严重影响居民正常生活", "希望有关部门尽快处理",
		"晚上十点以后仍有施工", "老人和孩子休息受到影响", "附近居民意见很大", "周边道路经常拥堵", "存在安全隐患",
		"请求相关部门到现场查看", "此前已经拨打过热线", "物业表示无权处理", "社区工作人员曾到场协调", "问题反复出现",
		"雨天积水严重", "夜间光线昏暗", "给出行带来不便", "要求尽快给予答复", "望尽快解决为盼",
		"楼内住户多为老年人", "涉及居民约二百户", "周末情况尤为突出", "相关照片已上传", "联系电话保持畅通",
	}
	genStreets   = []string{"和平街道"}
	genUrgencies = []string{"一般", "一般", "一般", "加急", "紧急", "复杂"}
)

func (g *Gen) pick(s []string) string { return s[g.r.IntN(len(s))] }

// issue picks a problem, the common ones much more often.
func (g *Gen) issue() string { return genIssues[g.r.IntN(g.r.IntN(len(genIssues))+1)] }

// text returns Chinese request text of n to m characters about issue.
func (g *Gen) text(issue string, n, m int) string {
	want := n + g.r.IntN(m-n+1)
	var b strings.Builder
	count := 0
	for count < want {
		var p string
		switch g.r.IntN(4) {
		case 0:
			p = g.pick(genPlaces) + fmt.Sprintf("%d号楼", 1+g.r.IntN(30))
		case 1:
			p = issue
		default:
			p = g.pick(genPhrases)
		}
		b.WriteString(p)
		b.WriteString("，")
		count += len([]rune(p)) + 1
	}
	rs := []rune(b.String())
	rs = rs[:want-1]
	return string(rs) + "。"
}

// Interval is the mean time between two tickets: a million over three years.
const Interval = 3 * 365 * 24 * time.Hour / 1_000_000

// Ticket returns ticket number i. Tickets come roughly in received order,
// as in the exports of the 12345 system: ticket i is received about
// i*Interval after Start, give or take an hour.
func (g *Gen) Ticket(i int) core.Ticket {
	jitter := time.Duration(g.r.Int64N(int64(2*time.Hour))) - time.Hour
	recv := g.Start.Add(time.Duration(i)*Interval + jitter).Truncate(time.Second)
	status := core.Statuses[g.r.IntN(len(core.Statuses))]
	comm := g.r.IntN(30)
	cat := g.r.IntN(120)
	lng, lat := 116.3+g.r.Float64()*0.1, 39.9+g.r.Float64()*0.1
	resolved := g.r.IntN(4) != 0
	issue := g.issue()
	return core.Ticket{
		Number:       fmt.Sprintf("BJ%010d", i),
		Channel:      core.Channels[g.r.IntN(4)],
		ReceivedAt:   recv,
		CallerName:   "张" + string([]rune("伟芳娜敏静丽强磊军洋")[g.r.IntN(10)]),
		CallerPhone:  fmt.Sprintf("13%09d", g.r.IntN(1e9)),
		CallerID:     fmt.Sprintf("11010119%02d0101%04d", 50+g.r.IntN(50), g.r.IntN(10000)),
		Address:      fmt.Sprintf("%s%d号楼%d单元", g.pick(genPlaces), 1+g.r.IntN(30), 1+g.r.IntN(6)),
		Street:       g.pick(genStreets),
		Community:    fmt.Sprintf("第%02d社区", comm),
		Grid:         fmt.Sprintf("第%02d社区网格%d", comm, 1+g.r.IntN(5)),
		Lng:          &lng,
		Lat:          &lat,
		Title:        g.pick(genPlaces) + issue,
		Content:      g.text(issue, 200, 400),
		Category1:    fmt.Sprintf("一级分类%d", cat/40),
		Category2:    fmt.Sprintf("二级分类%d", cat/8),
		Category3:    fmt.Sprintf("三级分类%d", cat),
		Intent:       core.Intents[g.r.IntN(len(core.Intents))],
		Urgency:      core.Urgency(g.pick(genUrgencies)),
		Unit:         fmt.Sprintf("U%02d", g.r.IntN(60)),
		Status:       status,
		Deadline:     recv.Add(7 * 24 * time.Hour),
		ContactedAt:  recv.Add(2 * time.Hour),
		ResolvedAt:   recv.Add(3 * 24 * time.Hour),
		Reply:        g.text(issue, 40, 80),
		Resolved:     &resolved,
		Satisfaction: core.Satisfactions[g.r.IntN(len(core.Satisfactions))],
		CallbackAt:   recv.Add(4 * 24 * time.Hour),
		Tags:         []string{issue},
		SourceFile:   "bench.xlsx",
		SourceRow:    i + 2,
	}
}

// Tickets returns tickets numbered from to from+n-1.
func (g *Gen) Tickets(from, n int) []core.Ticket {
	ts := make([]core.Ticket, n)
	for i := range ts {
		ts[i] = g.Ticket(from + i)
	}
	return ts
}
