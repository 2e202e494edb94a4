package extract

import (
	"cmp"
	"slices"

	"jiceng/internal/core"
)

// PlaceCount is one distinct place of a ticket with the number of times it
// is mentioned: mentions of the same type and Value (the registry code, the
// road's name) are one place, named by its first mention's text.
type PlaceCount struct {
	Type  string
	Text  string
	Value string
	Count int
	Score float64 // the highest score of its mentions
}

// CountPlaces merges the mentions of the same place (see PlaceCount), in
// the order of their first mention. Find keeps every mention; this is for
// lists that name each place once, such as the ticket's panel.
func CountPlaces(ms []core.Mention) []PlaceCount {
	var out []PlaceCount
	at := map[[2]string]int{}
	for _, m := range ms {
		k := [2]string{m.Type, cmp.Or(m.Value, m.Text)}
		if i, ok := at[k]; ok {
			out[i].Count++
			out[i].Score = max(out[i].Score, m.Score)
			continue
		}
		at[k] = len(out)
		out = append(out, PlaceCount{Type: m.Type, Text: m.Text, Value: k[1], Count: 1, Score: m.Score})
	}
	return out
}

// Confirmed is the text of a ticket whose community staff confirmed.
type Confirmed struct {
	Text      string
	Community string // the confirmed community's code
}

// Proposal is a compound or road name the registry does not know, found in
// Tickets confirmed tickets of Community.
type Proposal struct {
	Type      EntityType // COMPOUND or ROAD
	Name      string
	Community string
	Tickets   int
}

// Propose is the registry's learning side: the compound and road names that
// pf finds by their suffix (not from its registry) in confirmed tickets,
// counted once per ticket, kept when at least minTickets tickets of the
// same community name them, most named first. Staff review the proposals
// before they join the registry (as KnownPlace).
func (pf *PlaceFinder) Propose(ts []Confirmed, minTickets int) []Proposal {
	counts := map[Proposal]int{}
	for _, t := range ts {
		seen := map[Proposal]bool{}
		for _, e := range pf.Find(t.Text) {
			if e.Type != Compound && e.Type != Road || e.Score >= 0.9 {
				continue // other levels, or known to the registry already
			}
			p := Proposal{Type: e.Type, Name: e.Value, Community: t.Community}
			if e.Type == Compound {
				p.Name = e.Text
			}
			if !seen[p] {
				seen[p] = true
				counts[p]++
			}
		}
	}
	var out []Proposal
	for p, n := range counts {
		if n >= max(minTickets, 1) {
			p.Tickets = n
			out = append(out, p)
		}
	}
	slices.SortFunc(out, func(a, b Proposal) int {
		return cmp.Or(b.Tickets-a.Tickets, cmp.Compare(a.Community, b.Community), cmp.Compare(a.Type, b.Type), cmp.Compare(a.Name, b.Name))
	})
	return out
}
