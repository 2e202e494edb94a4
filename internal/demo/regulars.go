package demo

import (
	"math/rand/v2"
	"strconv"
	"time"
)

// regular is a resident who calls again and again about the same problem
// (高频来电人): the source of repeat requests (重复诉求). Each has one active
// episode in the history, during which they call every few days with the
// same name, phone, address and complaint until it is solved or they give up.
type regular struct {
	name, family, phone, id string
	comm, xq, road, door    int
	bld, ent, room          int
	spec                    int // index in generator.specs
	issue                   int // index in the spec's issueAll
	start, days, every      int // episode: days [start, start+days), a call every `every` days
}

// regularShare is the share of all tickets that come from regulars.
const regularShare = 0.04

// newRegulars draws the regular callers of a plan: enough that about
// regularShare of its tickets come from them.
func newRegulars(g *generator, seed int64, first time.Time, days, total int) []regular {
	r := rand.New(rand.NewPCG(uint64(seed), 0xca11e5))
	n := int(float64(total)*regularShare/6) + 1
	regs := make([]regular, n)
	for i := range regs {
		rg := &regs[i]
		rg.name, rg.family = personName(r)
		rg.phone = formatPhone(r)
		if r.Float64() < 0.3 {
			rg.id = idNumber(r, true)
		}
		rg.comm = pickCum(r, g.commCum)
		cm := communities[rg.comm]
		rg.xq, rg.road, rg.door = r.IntN(len(cm.xiaoqu)), r.IntN(len(cm.roads)), 1+r.IntN(60)
		rg.bld, rg.ent, rg.room = 1+r.IntN(24), 1+r.IntN(6), (1+r.IntN(18))*100+1+r.IntN(4)
		rg.days = 6 + r.IntN(30)
		rg.start = r.IntN(max(days-3, 1))
		rg.every = 2 + r.IntN(4)
		// The problem: common in the season the episode starts, and a
		// plain complaint rather than an emergency.
		hm := halfMonth(first.AddDate(0, 0, rg.start))
		for {
			rg.spec = pickCum(r, g.cum[hm])
			if sp := g.specs[rg.spec]; sp.intents == 'c' {
				break
			}
		}
		sp := g.specs[rg.spec]
		rg.issue = r.IntN(len(sp.issueAll))
		for k := 0; k < len(sp.issueAll) && sp.issueKind[rg.issue] != kindIssue; k++ {
			rg.issue = (rg.issue + 1) % len(sp.issueAll)
		}
	}
	return regs
}

// callNo returns which call of its episode rg makes on day i (1 for the
// first), or 0 if rg does not call that day.
func (rg *regular) callNo(i int) int {
	d := i - rg.start
	if d < 0 || d >= rg.days || d%rg.every != 0 {
		return 0
	}
	return d/rg.every + 1
}

// repeatLine says that this is not the first call.
func repeatLine(r *rand.Rand, no int) string {
	switch r.IntN(5) {
	case 0:
		return "这是我第" + strconv.Itoa(no) + "次打电话反映这个问题了。"
	case 1:
		return "前几天已经反映过了，到现在还没解决。"
	case 2:
		return "上次的工单到现在也没有结果，"
	case 3:
		return "我又打来了，还是之前那个事儿。"
	default:
		return "之前已经打过" + strconv.Itoa(no-1) + "次电话了，"
	}
}
