package casework

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"jiceng/internal/core"
	"jiceng/internal/extract"
	"jiceng/internal/fieldset"
	"jiceng/internal/linkage"
)

// A ticket links to the registry records it is about: the caller to a
// resident (人口), the address to a house (房屋), a company named in the text
// to an enterprise (企业). The links are computed when asked, from the
// store's queries (no table keeps them), and each names its reason and a
// confidence, so that a worker sees why the page offers a record.

// Link reasons, as the page shows them.
const (
	ReasonIDNumber    = "按身份证号"
	ReasonPhone       = "按电话"
	ReasonNameAddress = "按姓名和地址"
	ReasonHouse       = "按门牌"
	ReasonEnterprise  = "按企业名称"
)

// TicketLink is one registry record a ticket links to.
type TicketLink struct {
	Record core.Record
	// Reason is one of the Reason constants.
	Reason string
	// Confidence is in (0, 1]: 1 for an ID number, lower for weaker
	// evidence.
	Confidence float64
}

// MaxTicketLinks is the most links of one kind a ticket shows: more are
// not evidence of one person or house.
const MaxTicketLinks = 5

// LinkTicket returns the links of ticket t among the candidate records
// (any kinds, active ones), strongest first. It is pure: the caller
// chooses the candidates (by scope and community).
//
// A caller links to a person by ID number (15- or 18-digit, normalised),
// else by phone (+86, dashes and spaces ignored), else by name and address
// in the same community (the address brought to its ladder: 3号楼2单元301
// and 3-2-301 agree); a caller known only as 张先生 links by surname and
// address, with a lower confidence. The ticket's address links to houses of
// the same ladder; an organisation named in the text (extract.Orgs) links
// to the enterprise of that name.
func LinkTicket(t core.Ticket, candidates []core.Record) []TicketLink {
	var persons, houses, firms []core.Record
	for _, r := range candidates {
		switch r.Kind {
		case fieldset.KindPerson:
			persons = append(persons, r)
		case fieldset.KindHouse:
			houses = append(houses, r)
		case fieldset.KindEnterprise:
			firms = append(firms, r)
		}
	}
	addr := ticketAddress(t)
	var out []TicketLink
	out = append(out, linkCaller(t, addr, persons)...)
	out = append(out, linkHouses(t, addr, houses)...)
	out = append(out, linkFirms(t, firms)...)
	slices.SortStableFunc(out, func(a, b TicketLink) int {
		if c := cmp.Compare(b.Confidence, a.Confidence); c != 0 {
			return c
		}
		return cmp.Compare(a.Record.ID, b.Record.ID)
	})
	return out
}

// ticketAddress is the ladder of the ticket's address field, else of the
// first detailed address (BUILDING) its text names.
func ticketAddress(t core.Ticket) linkage.Address {
	if a := linkage.ParseAddress(t.Address); !a.Empty() && a.Building != "" {
		return a
	}
	text := t.Title + " " + t.Content // ParseAddress drops the space
	for _, e := range extract.Places(text, core.Areas{}) {
		if e.Type != extract.Building {
			continue
		}
		// The building's estate is the compound named just before it.
		rs := []rune(text)
		from := max(0, e.Start-16)
		if i := lastBreak(rs[from:e.Start]); i >= 0 {
			from += i + 1
		}
		if a := linkage.ParseAddress(string(rs[from:e.End])); !a.Empty() && a.Building != "" {
			return a
		}
	}
	return linkage.ParseAddress(t.Address)
}

// lastBreak is the index of the last punctuation or space in rs, or -1:
// where the text before a building stops being its estate.
func lastBreak(rs []rune) int {
	for i := len(rs) - 1; i >= 0; i-- {
		if strings.ContainsRune(" \n，。；！？,;!?：:", rs[i]) {
			return i
		}
	}
	return -1
}

// recordAddress is the ladder of a record: its parts when it has them,
// else its address parsed (linkage.RecordAddress, which its match key
// uses too).
func recordAddress(r core.Record) linkage.Address { return linkage.RecordAddress(r.Values) }

// sameHouse scores how well two ladders agree: 1 for estate, building,
// unit and room; 0.8 when one side lacks the unit; 0 otherwise (a room
// is required).
func sameHouse(a, b linkage.Address) float64 {
	if a.Estate == "" || a.Room == "" || a.Building == "" || a.Estate != b.Estate || a.Building != b.Building || a.Room != b.Room {
		return 0
	}
	switch {
	case a.Unit == b.Unit:
		return 1
	case a.Unit == "" || b.Unit == "":
		return 0.8
	}
	return 0
}

// titles are how a caller known by surname only is named.
var titles = []string{"先生", "女士", "小姐", "阿姨", "师傅", "大爷", "大妈", "老师"}

// surnameOnly returns the surname of a name such as 张先生, or "".
func surnameOnly(name string) string {
	for _, w := range titles {
		if s, ok := strings.CutSuffix(name, w); ok && s != "" && len([]rune(s)) <= 2 {
			return s
		}
	}
	return ""
}

func linkCaller(t core.Ticket, addr linkage.Address, persons []core.Record) []TicketLink {
	if id, ok := linkage.NormalizeID(t.CallerID); ok {
		if ls := pick(persons, ReasonIDNumber, func(r core.Record) float64 {
			if rid, ok := linkage.NormalizeID(r.Values["id_number"]); ok && rid == id {
				return 1
			}
			return 0
		}); len(ls) > 0 {
			return ls
		}
	}
	if ph, ok := linkage.NormalizePhone(t.CallerPhone); ok && len(ph) >= 7 {
		if ls := pick(persons, ReasonPhone, func(r core.Record) float64 {
			if rp, ok := linkage.NormalizePhone(r.Values["phone"]); ok && rp == ph {
				// A phone shared by a family: the name raises it.
				if linkage.NormalizeName(r.Values["name"]) == linkage.NormalizeName(t.CallerName) {
					return 0.95
				}
				return 0.85
			}
			return 0
		}); len(ls) > 0 {
			return ls
		}
	}
	name := linkage.NormalizeName(t.CallerName)
	if name == "" || addr.Empty() {
		return nil
	}
	surname := surnameOnly(name)
	return pick(persons, ReasonNameAddress, func(r core.Record) float64 {
		if t.Community != "" && r.Community != t.Community {
			return 0
		}
		h := sameHouse(addr, recordAddress(r))
		if h == 0 {
			return 0
		}
		rn := linkage.NormalizeName(r.Values["name"])
		switch {
		case rn == name:
			return 0.8 * h
		case surname != "" && strings.HasPrefix(rn, surname):
			return 0.5 * h
		}
		return 0
	})
}

func linkHouses(t core.Ticket, addr linkage.Address, houses []core.Record) []TicketLink {
	if addr.Empty() {
		return nil
	}
	return pick(houses, ReasonHouse, func(r core.Record) float64 {
		if t.Community != "" && r.Community != "" && r.Community != t.Community {
			return 0
		}
		return 0.9 * sameHouse(addr, recordAddress(r))
	})
}

func linkFirms(t core.Ticket, firms []core.Record) []TicketLink {
	names := map[string]bool{}
	for _, n := range orgNames(t) {
		names[n] = true
	}
	if len(names) == 0 {
		return nil
	}
	return pick(firms, ReasonEnterprise, func(r core.Record) float64 {
		if names[linkage.NormalizeName(r.Values["name"])] {
			return 0.9
		}
		return 0
	})
}

// pick returns the records that score > 0, best first, at most
// MaxTicketLinks; several equal matches share the confidence divided
// among them (two people with one phone are not one person).
func pick(recs []core.Record, reason string, score func(core.Record) float64) []TicketLink {
	var out []TicketLink
	for _, r := range recs {
		if c := score(r); c > 0 {
			out = append(out, TicketLink{Record: r, Reason: reason, Confidence: c})
		}
	}
	if len(out) > 1 {
		for i := range out {
			out[i].Confidence /= float64(len(out))
		}
	}
	slices.SortStableFunc(out, func(a, b TicketLink) int { return cmp.Compare(b.Confidence, a.Confidence) })
	return out[:min(len(out), MaxTicketLinks)]
}

// TicketRecords returns the registry records ticket id links to, for u:
// the ticket must be in u's ticket scope (else ErrNoTicket, as a missing
// one), the records in u's record scope (a role that reads no records,
// such as a handler, is EFORBIDDEN), their values masked for u's role.
// The candidates are the active records of the ticket's community (of the
// street when the ticket names none; enterprises of any community) that
// share a match key with the ticket (ticketKeys), found through the
// store's key index; LinkTicket scores them as it would the whole
// community, since every record it can link has one of those keys.
func (s *Service) TicketRecords(ctx context.Context, u core.User, id int64) ([]TicketLink, error) {
	t, _, err := s.Raw(ctx, u, id)
	if err != nil {
		return nil, err
	}
	rs, sc, err := s.recordAccess(ctx, u)
	if err != nil {
		return nil, err
	}
	keys := ticketKeys(t)
	var cands []core.Record
	for _, kind := range []string{fieldset.KindPerson, fieldset.KindHouse, fieldset.KindEnterprise} {
		if len(keys[kind]) == 0 {
			continue
		}
		f := core.RecordFilter{Kind: kind, Status: core.RecordActive, Community: t.Community}
		if kind == fieldset.KindEnterprise {
			f.Community = "" // a company may be registered in another community
		}
		if !sc.Narrow(&f) {
			continue
		}
		recs, err := rs.LookupRecords(ctx, f, keys[kind])
		if err != nil {
			return nil, err
		}
		cands = append(cands, recs...)
	}
	links := LinkTicket(t, cands)
	m := s.recordMasker()
	for i := range links {
		links[i].Record = m.record(u.Role, links[i].Record)
	}
	return links, nil
}

// ticketKeys are the match keys (linkage.RecordKeys) by record kind that
// a record must have for LinkTicket to link t to it: a person's ID number
// or phone, a person's or house's address at room level, an enterprise's
// name as the text names it.
func ticketKeys(t core.Ticket) map[string][]core.RecordKey {
	out := map[string][]core.RecordKey{}
	if id, ok := linkage.NormalizeID(t.CallerID); ok {
		out[fieldset.KindPerson] = append(out[fieldset.KindPerson], core.RecordKey{Type: linkage.KeyID, Value: id})
	}
	if ph, ok := linkage.NormalizePhone(t.CallerPhone); ok && len(ph) >= 7 {
		out[fieldset.KindPerson] = append(out[fieldset.KindPerson], core.RecordKey{Type: linkage.KeyPhone, Value: ph})
	}
	if a := linkage.AddressKey(ticketAddress(t)); a != "" {
		k := core.RecordKey{Type: linkage.KeyAddress, Value: a}
		if linkage.NormalizeName(t.CallerName) != "" {
			out[fieldset.KindPerson] = append(out[fieldset.KindPerson], k)
		}
		out[fieldset.KindHouse] = append(out[fieldset.KindHouse], k)
	}
	for _, n := range orgNames(t) {
		out[fieldset.KindEnterprise] = append(out[fieldset.KindEnterprise], core.RecordKey{Type: linkage.KeyFirm, Value: n})
	}
	return out
}

// orgNames are the normalised names of the organisations t's text names
// (longer than 3 characters: shorter ones are no company's name), sorted.
func orgNames(t core.Ticket) []string {
	var out []string
	for _, e := range extract.Orgs(t.Title + "\n" + t.Content) {
		if n := linkage.NormalizeName(e.Text); len([]rune(n)) > 3 && !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return out
}
