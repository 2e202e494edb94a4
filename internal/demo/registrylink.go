package demo

import (
	"math/rand/v2"

	"jiceng/internal/core"
)

// Tickets about the demo street's registries: a share of the callers are
// residents of the police register (genRecordStreet of the same seed and
// end), some tickets are about a registered house and some name a
// registered enterprise, so that the ticket page's 关联基础数据 panel has
// content. The callers write themselves as callers do: name and phone,
// the phone only (王先生), or name and address without the register's
// phone, the address now and then as 3-2-501; where a ticket mentions an
// ID number it is the resident's.

// Shares of the tickets (other than regulars' and bursts') that come from
// the registries.
const (
	residentShare = 0.2  // a resident calls about their home
	houseShare    = 0.04 // someone calls about a registered house
	firmShare     = 0.08 // the text names a registered enterprise where it names a shop or company
)

// regLink is what a ticket takes from the registries: comm -1 for none.
type regLink struct {
	comm   int
	person *rperson
	house  *rhouse
	firm   *rfirm
}

// registryLink draws whether the next ticket comes from the registries.
func (p *Plan) registryLink(r *rand.Rand) regLink {
	rl := regLink{comm: -1}
	rs := p.rec
	if rs == nil || len(rs.people) == 0 {
		return rl
	}
	switch x := r.Float64(); {
	case x < residentShare:
		for try := 0; try < 8; try++ {
			q := &rs.people[r.IntN(len(rs.people))]
			if q.house < 0 || age(q.birth, rs.end) < 18 {
				continue
			}
			rl.person, rl.house = q, &rs.houses[q.house]
			rl.comm = rl.house.community
			return rl
		}
	case x < residentShare+houseShare:
		rl.house = &rs.houses[r.IntN(len(rs.houses))]
		rl.comm = rl.house.community
	case x < residentShare+houseShare+firmShare:
		f := &rs.firms[r.IntN(len(rs.firms))]
		if f.status == "在营" {
			rl.firm, rl.comm = f, f.community
		}
	}
	return rl
}

// residentCaller makes resident q the caller of t and reports whether the
// address is to be written short (3-2-501).
func (p *Plan) residentCaller(r *rand.Rand, c *tctx, t *core.Ticket, q *rperson) bool {
	family := string([]rune(q.name)[:1])
	honor := "女士"
	if q.gender == "男" {
		honor = "先生"
	}
	phone, short := q.phone, false
	switch x := r.Float64(); {
	case q.phone == "" || x >= 0.7:
		// Name and address; the phone is another one (a family member's,
		// a new number), or the address is written the short way.
		c.name, c.family = q.name, family
		t.CallerName = q.name
		phone = mobile(r)
		short = r.IntN(2) == 0
	case x < 0.5:
		c.name, c.family = q.name, family
		t.CallerName = q.name
	default:
		c.name, c.family = "", family
		t.CallerName = family + honor
	}
	switch r.IntN(4) {
	case 0:
		t.CallerPhone = "+86 " + phone
	case 1:
		t.CallerPhone = phone[:3] + "-" + phone[3:7] + "-" + phone[7:]
	default:
		t.CallerPhone = phone
	}
	c.mobile = phone
	if t.CallerID != "" { // where the generator has the caller give an ID number
		c.id, t.CallerID = q.id, q.id
	}
	return short
}
