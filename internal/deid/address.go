package deid

import (
	"strings"
	"unicode/utf8"
)

// Detailed addresses. The recognizer covers the part of an address below
// the residential compound or road — building, unit, floor, room and house
// number (3号楼2单元501室, 5栋1203, 12号院3号楼, 幸福路18号) — so that masking
// it keeps the compound and the road, which ticket handling needs.
//
// A chain is a sequence of components NUMBER UNIT, where NUMBER is ASCII
// digits, one capital letter or Chinese numerals, optionally ending with a
// bare room number (5栋1203, 3号楼2-501). It is an ADDRESS when one of its
// components is "strong": a building (号楼, 栋, 幢, 座), a compound number
// (号院), a unit (单元), a room (室), or a house number (号) right after a
// road, lane or village name. A floor alone (3楼, 12层) and counts (3栋楼,
// 共5栋) are not; a building number alone (3号楼) is, because within a known
// compound it narrows a ticket to a few dozen households.

type unitKind uint8

const (
	unitWeak unitKind = iota + 1
	unitStrong
	unitHouse // 号: strong after a road or with more components
)

type addrUnit struct {
	text string
	kind unitKind
	// room: a bare room number may follow (5栋1203, 2单元501).
	room bool
}

// addrUnits are tried in order, so longer units come first.
var addrUnits = []addrUnit{
	{"号楼", unitStrong, true}, {"号院", unitStrong, false}, {"号门", unitWeak, false},
	{"号铺", unitStrong, false}, {"号房", unitStrong, false}, {"单元", unitStrong, true},
	{"#楼", unitStrong, true}, {"号", unitHouse, false}, {"#", unitHouse, true},
	{"栋", unitStrong, true}, {"幢", unitStrong, true}, {"座", unitWeak, true},
	{"楼", unitWeak, true}, {"层", unitWeak, true}, {"室", unitStrong, false},
	{"户", unitWeak, false}, {"排", unitWeak, true}, {"弄", unitHouse, false},
	{"区", unitWeak, false}, {"组", unitWeak, false}, {"房间", unitStrong, false}, {"门", unitWeak, true}, // 10号楼1门301: Beijing numbers units as 门
}

// addrNumber reads a NUMBER at i: 1–5 ASCII digits, one capital letter not
// followed by another letter or digit, or 1–3 Chinese numerals.
func (sc *scanner) addrNumber(i int) (int, bool) {
	s := sc.s
	if i >= len(s) {
		return i, false
	}
	switch c := s[i]; {
	case isDigit(c):
		j := i
		for j < len(s) && isDigit(s[j]) {
			j++
		}
		return j, j-i <= 5
	case isUpper(c):
		if i+1 < len(s) && isAlnum(s[i+1]) {
			return i, false
		}
		return i + 1, true
	case c >= utf8.RuneSelf:
		j, n := i, 0
		for j < len(s) && n < 3 {
			r, sz := utf8.DecodeRuneInString(s[j:])
			if !numeralSet.has(r) {
				break
			}
			j += sz
			n++
		}
		return j, n > 0
	}
	return i, false
}

// addrChain reads a detailed-address chain at i and records it; it returns
// its end, or i when there is none.
func (sc *scanner) addrChain(i int) int {
	s := sc.s
	k := i
	strong, comps := false, 0
	first := true
	var lastUnit addrUnit
	end := i
	letterStart := isUpper(s[i])
	if e := sc.dashRoom(i); e > i {
		return e
	}
	for {
		ne, ok := sc.addrNumber(k)
		if !ok || ne == k {
			break
		}
		numDigits := isDigit(s[k])
		var u addrUnit
		found := false
		for _, cand := range addrUnits {
			if strings.HasPrefix(s[ne:], cand.text) {
				u, found = cand, true
				break
			}
		}
		if !found {
			// A bare room number after a building or unit: 5栋1203.
			if comps > 0 && lastUnit.room && numDigits && ne-k >= 2 && ne-k <= 5 && (ne >= len(s) || !isAlnum(s[ne])) {
				end = ne
				comps++
			} else if comps > 0 && lastUnit.room && numDigits && ne < len(s) && s[ne] == '-' {
				// 3号楼2-501: unit-room written with a dash.
				re := ne + 1
				for re < len(s) && isDigit(s[re]) {
					re++
				}
				if re-ne-1 >= 2 && re-ne-1 <= 5 && (re >= len(s) || !isAlnum(s[re])) {
					end = re
					comps++
					strong = true
				}
			}
			break
		}
		ue := ne + len(u.text)
		rest := s[ue:]
		if u.kind == unitWeak && comps > 0 && weakWordFollows(rest) {
			// 1203楼道, 608门口: the unit character starts a word, and
			// the number before it is a bare room number.
			if lastUnit.room && numDigits && ne-k >= 2 && ne-k <= 5 {
				end = ne
				comps++
			}
			break
		}
		switch u.text {
		case "栋", "幢":
			// 3栋楼 counts buildings.
			if strings.HasPrefix(rest, "楼") || strings.HasPrefix(rest, "房") {
				return sc.addrEnd(i, end, strong, comps)
			}
		case "室":
			// 3室1厅 is a flat's layout.
			if strings.HasPrefix(rest, "厅") || strings.HasPrefix(rest, "一厅") || strings.HasPrefix(rest, "两厅") || (len(rest) > 1 && isDigit(rest[0]) && strings.HasPrefix(rest[1:], "厅")) {
				return sc.addrEnd(i, end, strong, comps)
			}
		case "区":
			if !letterStart && !numDigits {
				return sc.addrEnd(i, end, strong, comps)
			}
		}
		if first {
			if numDigits && !sc.addrStartOK(i) {
				return i
			}
			if r, _ := utf8.DecodeLastRuneInString(s[:i]); r == '月' || r == '第' {
				return i
			}
		}
		switch u.kind {
		case unitStrong:
			strong = true
		case unitHouse:
			if first && sc.afterRoad(i) {
				strong = true
			}
			if !first {
				strong = true
			}
		}
		if u.text == "座" && letterStart && first {
			strong = true
		}
		if !first && u.kind != unitWeak {
			strong = true
		}
		comps++
		first = false
		lastUnit = u
		end = ue
		k = ue
		if k < len(s) && s[k] == '-' && k+1 < len(s) && isDigit(s[k+1]) {
			k++
		}
	}
	return sc.addrEnd(i, end, strong, comps)
}

// weakWordFollows reports whether rest starts with a rune that makes the
// weak unit before it a word of its own (楼道, 楼下, 门口, 层高).
func weakWordFollows(rest string) bool {
	r, _ := utf8.DecodeRuneInString(rest)
	return strings.ContainsRune("道下上梯顶前后内外口卫里房高面", r)
}

func (sc *scanner) addrEnd(i, end int, strong bool, comps int) int {
	if comps >= 2 {
		strong = true
	}
	if !strong || end <= i {
		return i
	}
	sc.add(Address, i, end, 0.85, "address")
	return end
}

// addrStartOK rejects numbers that count rather than name: 共3栋, 有5户.
func (sc *scanner) addrStartOK(i int) bool {
	if i == 0 {
		return true
	}
	r, _ := utf8.DecodeLastRuneInString(sc.s[:i])
	return !strings.ContainsRune("共有约近余计几每", r)
}

// afterRoad reports whether a road, lane or village name ends right before
// byte i, so that a number is a house number (幸福路18号).
func (sc *scanner) afterRoad(i int) bool {
	if i == 0 {
		return false
	}
	r, _ := utf8.DecodeLastRuneInString(sc.s[:i])
	if roadSet.has(r) {
		return true
	}
	// 门牌号18号, 门牌18号
	return strings.HasSuffix(sc.s[:i], "门牌号") || strings.HasSuffix(sc.s[:i], "门牌")
}

// dashRoom recognises building-unit-room written with dashes only,
// 11-4-702 or 3-2-501室: two short numbers and a 3–4 digit room.
func (sc *scanner) dashRoom(i int) int {
	s := sc.s
	if s[i] == '0' || strings.HasPrefix(s[i:], "400-") || strings.HasPrefix(s[i:], "800-") {
		return i
	}
	k := i
	for part := 0; part < 3; part++ {
		j := k
		for j < len(s) && isDigit(s[j]) {
			j++
		}
		n := j - k
		if part < 2 {
			if n < 1 || n > 3 || j >= len(s) || s[j] != '-' {
				return i
			}
			k = j + 1
			continue
		}
		if n < 3 || n > 4 || j < len(s) && (isAlnum(s[j]) || s[j] == '-') {
			return i
		}
		k = j
	}
	if strings.HasPrefix(s[k:], "室") || strings.HasPrefix(s[k:], "号") {
		k += 3
	}
	if r, _ := utf8.DecodeLastRuneInString(s[:i]); !isHan(r) && i > 0 {
		// After a non-Chinese character it is more likely a date or code.
		return i
	}
	sc.add(Address, i, k, 0.7, "address_dash")
	return k
}
