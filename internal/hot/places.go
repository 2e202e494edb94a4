package hot

import (
	"strings"
	"sync"
	"unicode"

	"jiceng/internal/core"
	"jiceng/internal/extract"
)

// A place key is the hash of a place a ticket names. Its top bit tells a
// specific place (a compound, road, community, town, or the ticket's own
// Place field) from a district-level one (a 县, 区 or county-level 市):
// sharing a district is weak evidence, sharing a compound strong, and two
// tickets in different districts are almost never about the same problem.
const specificBit = 1 << 31

// place is one place of a ticket, for labels: its name and how specific.
type place struct {
	name string
	rank int // 4 a compound or road its text names, 3 its Place field, 2 a community or town, 1 a district
}

var finder = sync.OnceValue(func() *extract.PlaceFinder { return extract.NewPlaceFinder(core.Areas{}) })

// placesOf returns the places of a ticket: its Place field, then the
// places its text names (package extract), deduplicated. A province or a
// prefecture city (西地省, A市) is too wide to be evidence and is left out.
func placesOf(d *Doc) []place {
	var out []place
	seen := map[string]bool{}
	add := func(name string, rank int) {
		if name == "" || seen[name] {
			return
		}
		seen[name] = true
		out = append(out, place{name, rank})
	}
	add(strings.TrimSpace(d.Place), 3)
	for _, e := range finder().Find(d.Text) {
		name := e.Value
		if name == "" {
			name = e.Text
		}
		if e.Type != extract.Zone {
			// The anonymised district codes of real data (B5县路政部门)
			// are read as part of a name: keep the district, and the
			// name only if something is left of it.
			if z, rest := zonePrefix(name); z != "" {
				add(z, 1)
				if len([]rune(rest)) < 2 {
					continue
				}
			}
		}
		if e.Type == extract.Road && strings.HasSuffix(name, "弄") && !strings.ContainsAny(name, "0123456789") {
			continue // 把房子弄坏了 is no lane: a 弄 without its number is rarely one
		}
		switch e.Type {
		case extract.Compound, extract.Road:
			add(name, 4)
		case extract.Community, extract.Town:
			add(name, 2)
		case extract.Zone:
			if districtLevel(name) {
				add(name, 1)
			}
		}
	}
	return out
}

// districtLevel reports whether a zone name is a 县 or 区, or a numbered
// (county-level) 市 such as A9市; a bare A市 or 西地省 is wider.
func districtLevel(z string) bool {
	switch {
	case strings.HasSuffix(z, "县"), strings.HasSuffix(z, "区"), strings.HasSuffix(z, "旗"):
		return true
	case strings.HasSuffix(z, "市"):
		rs := []rune(z)
		return len(rs) >= 2 && unicode.IsDigit(rs[len(rs)-2])
	}
	return false
}

// placeKeys returns the keys of places, with the specific bit set for
// ranks above 1.
func placeKeys(ps []place, dst []uint32) []uint32 {
	for _, p := range ps {
		k := gramHash([]rune(p.name)) &^ specificBit
		if p.rank > 1 {
			k |= specificBit
		}
		dst = append(dst, k)
	}
	return dst
}

// placeRel is how the places of two tickets relate.
type placeRel uint8

const (
	placeUnknown  placeRel = iota // one of them names no district and no specific place
	placeSame                     // they share a specific place (and no different districts)
	placeDistrict                 // they share a district only
	placeConflict                 // both name districts, none shared
)

func relate(a, b []uint32) placeRel {
	specific, district, aDist, bDist := false, false, false, false
	for _, x := range a {
		aDist = aDist || x&specificBit == 0
		for _, y := range b {
			if x == y {
				if x&specificBit != 0 {
					specific = true
				} else {
					district = true
				}
			}
		}
	}
	for _, y := range b {
		bDist = bDist || y&specificBit == 0
	}
	// Different districts win over a shared name: there is a 幸福小区 in
	// many districts.
	switch {
	case aDist && bDist && !district:
		return placeConflict
	case specific:
		return placeSame
	case district:
		return placeDistrict
	}
	return placeUnknown
}

// zonePrefix splits a district code such as B5县 or A9市 (a Latin letter,
// digits, then 县, 区 or 市) from the front of a place name.
func zonePrefix(name string) (zone, rest string) {
	rs := []rune(name)
	if len(rs) < 3 || !('A' <= rs[0] && rs[0] <= 'Z' || 'a' <= rs[0] && rs[0] <= 'z') {
		return "", name
	}
	i := 1
	for i < len(rs) && '0' <= rs[i] && rs[i] <= '9' {
		i++
	}
	if i == 1 || i >= len(rs) || !strings.ContainsRune("县区市", rs[i]) {
		return "", name
	}
	return string(rs[:i+1]), string(rs[i+1:])
}
