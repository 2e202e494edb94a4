package deid

import (
	"strings"
	"unicode"
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
	{"区", unitWeak, false}, {"组", unitWeak, false}, {"房间", unitWeak, false}, {"门", unitWeak, true}, // 10号楼1门301: Beijing numbers units as 门
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
		dash := 0
		switch {
		case j+1 < len(s) && s[j] == '-':
			dash = 1
		case strings.HasPrefix(s[j:], "—"), strings.HasPrefix(s[j:], "－"):
			dash = 3
		}
		if j-i <= 3 && dash > 0 && j+dash < len(s) && isDigit(s[j+dash]) {
			// 3-7栋, 20—21栋: a range of buildings.
			k := j + dash
			for k < len(s) && isDigit(s[k]) {
				k++
			}
			if k-j-dash <= 3 && (strings.HasPrefix(s[k:], "栋") || strings.HasPrefix(s[k:], "幢") || strings.HasPrefix(s[k:], "号楼")) {
				return k, true
			}
		}
		if j-i <= 3 && j+1 < len(s) && s[j] == '/' && isDigit(s[j+1]) {
			// 33/35栋: two buildings written as one.
			k := j + 1
			for k < len(s) && isDigit(s[k]) {
				k++
			}
			if k-j-1 <= 3 {
				j = k
			}
		}
		return j, j-i <= 7
	case isUpper(c):
		if i+1 < len(s) && isDigit(s[i+1]) {
			// E6栋, A10栋: a lettered building number, before a building
			// or unit only (A3区 is a district code).
			j := i + 1
			for j < len(s) && isDigit(s[j]) && j-i <= 4 {
				j++
			}
			if j+1 < len(s) && s[j] == '-' && isDigit(s[j+1]) {
				// A14-16栋
				k := j + 1
				for k < len(s) && isDigit(s[k]) && k-j <= 3 {
					k++
				}
				if strings.HasPrefix(s[k:], "栋") || strings.HasPrefix(s[k:], "幢") {
					j = k
				}
			}
			if j < len(s) && isAlnum(s[j]) {
				return i, false
			}
			for _, u := range []string{"栋", "幢", "号楼", "单元", "座", "#"} {
				if strings.HasPrefix(s[j:], u) {
					return j, true
				}
			}
			return i, false
		}
		if i+1 < len(s) && isAlnum(s[i+1]) {
			return i, false
		}
		return i + 1, true
	case c >= utf8.RuneSelf:
		j, n := i, 0
		for j < len(s) && n < 3 {
			r, sz := decodeAt(s, j)
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
	strong, comps, nonWeak := false, 0, false
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
			if comps > 0 && lastUnit.room && numDigits && ne-k >= 2 && ne-k <= 5 && (ne >= len(s) || !isAlnum(s[ne])) && !measureFollows(s[ne:]) {
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
		if u.text == "号" && (lastUnit.text == "号" || houseWordFollows(rest)) {
			break // 19号20号 (dates), 4号文件
		}
		switch u.text {
		case "栋", "幢":
			if strings.HasPrefix(rest, "电梯房") || strings.HasPrefix(rest, "步梯房") {
				return sc.addrEnd(i, end, strong, comps) // 4栋步梯房 counts buildings
			}
			if !numDigits && first && sc.countsBuildings(i, rest) {
				return i // 另一栋, 修了一栋, 一栋三层
			}
			// 3栋楼 counts buildings.
			if strings.HasPrefix(rest, "楼") || strings.HasPrefix(rest, "房") {
				return sc.addrEnd(i, end, strong, comps)
			}
		case "室":
			if first && (!numDigits || strings.HasPrefix(rest, "的房") || strings.HasPrefix(rest, "户型")) {
				return i // 一室罄空, 2室的房子
			}
			if r, _ := decodeBefore(s, i); first && (r == '居' || r == '套') {
				return i // 3居2室
			}
			// 3室1厅 is a flat's layout.
			if strings.HasPrefix(rest, "厅") || strings.HasPrefix(rest, "一厅") || strings.HasPrefix(rest, "两厅") || (len(rest) > 1 && isDigit(rest[0]) && strings.HasPrefix(rest[1:], "厅")) {
				return sc.addrEnd(i, end, strong, comps)
			}
		case "区":
			if !letterStart && !numDigits {
				return sc.addrEnd(i, end, strong, comps)
			}
			if first && letterStart && ne == i+1 {
				strong = true // 教师新村C区: a lettered part of a compound
			}
		}
		if first {
			if !sc.addrStartOK(i) {
				return i
			}
			if r, _ := decodeBefore(s, i); r == '月' || r == '第' {
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
		if u.kind != unitWeak {
			nonWeak = true
		}
		end = ue
		k = ue
		if k < len(s) && s[k] == '-' && k+1 < len(s) && isDigit(s[k+1]) {
			k++
		}
	}
	if !nonWeak {
		comps = 0 // 2组3组, 一楼二楼: floors and groups only
	}
	return sc.addrEnd(i, end, strong, comps)
}

// measureFollows reports whether rest starts with a measure or a date
// word, so that the number before it is not a bare room number (一栋32层,
// 3层600元, 3栋12月).
func measureFollows(rest string) bool {
	r, _ := utf8.DecodeRuneInString(rest)
	return strings.ContainsRune("层楼元平米多余户年月日号个人岁万千百度间套米亩吨台辆次", r)
}

// houseWordFollows reports whether a 号 is a document's or a line's number
// (4号文件, 2号线).
func houseWordFollows(rest string) bool {
	for _, w := range []string{"文", "令", "线", "床", "窗口", "公告", "通知", "台", "机"} {
		if strings.HasPrefix(rest, w) {
			return true
		}
	}
	return false
}

// countsBuildings reports whether a building written in Chinese numerals at
// i counts buildings rather than names one: 另一栋, 修了一栋, 一栋三层的楼房.
func (sc *scanner) countsBuildings(i int, rest string) bool {
	if r, _ := decodeBefore(sc.s, i); i > 0 && strings.ContainsRune("另建盖修了有买成比是就这那每同整共约近余几两座", r) {
		return true
	}
	r, sz := utf8.DecodeRuneInString(rest)
	if numeralSet.has(r) || r == '两' || len(rest) > 0 && isDigit(rest[0]) {
		k := sz
		if isDigit(rest[0]) {
			k = 1
			for k < len(rest) && isDigit(rest[k]) {
				k++
			}
		}
		if strings.HasPrefix(rest[k:], "层") {
			return true
		}
	}
	for _, w := range []string{"房", "屋", "厂", "建筑", "别墅", "办公", "教学", "平房", "高楼", "大楼", "楼房", "商品房", "民房", "住宅"} {
		if strings.HasPrefix(rest, w) {
			return true
		}
	}
	return false
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
	r, _ := decodeBefore(sc.s, i)
	if r == '同' && strings.HasSuffix(sc.s[:i], "胡同") {
		return true
	}
	return !strings.ContainsRune("共有约近余计几每同另整", r)
}

// afterRoad reports whether a road, lane or village name ends right before
// byte i, so that a number is a house number (幸福路18号).
func (sc *scanner) afterRoad(i int) bool {
	if i == 0 {
		return false
	}
	r, _ := decodeBefore(sc.s, i)
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
	if r, _ := decodeBefore(s, i); !isHan(r) && i > 0 {
		// After a non-Chinese character it is more likely a date or code.
		return i
	}
	sc.add(Address, i, k, 0.7, "address_dash")
	return k
}

// addressSpans is Spans for the value of an address field. People type
// addresses with spaces between the parts (望春园一区 5 号楼 2 单元 301,
// also with full-width spaces), which the recognizer, reading free text,
// does not join. Within an address the spaces carry nothing, so they are
// dropped before recognizing — except one between two ASCII letters or
// digits, which separates two numbers — and the spans found are mapped
// back to v's offsets; a span's Text is v's, spaces included.
func addressSpans(v string) []Span {
	return spacedSpans(v, func(before, after string) string {
		if before != "" && after != "" && isAlnum(before[len(before)-1]) && isAlnum(after[0]) {
			return " "
		}
		return ""
	})
}

// textSpans is Spans for free text that may hold an address typed with
// spaces (住望春园一区 5 号楼 2 单元 301): a run of spaces is dropped only
// between a number and a building, unit or house unit (5 号楼), or between
// such a unit and a number (号楼 2, 单元 301), so that the recognizer reads
// the address as if typed without them; other spaces stay. The spans are
// mapped back to v's offsets.
func textSpans(v string) []Span {
	return spacedSpans(v, func(before, after string) string {
		if before == "" || after == "" {
			return "keep"
		}
		if r, _ := utf8.DecodeLastRuneInString(before); isDigit(before[len(before)-1]) || r >= '０' && r <= '９' {
			for _, u := range spacedUnits {
				if strings.HasPrefix(after, u) {
					return ""
				}
			}
		}
		if r, _ := utf8.DecodeRuneInString(after); isDigit(after[0]) || r >= '０' && r <= '９' {
			for _, u := range spacedUnits {
				if u != "室" && strings.HasSuffix(before, u) {
					return ""
				}
			}
		}
		return "keep"
	})
}

// spacedUnits are the address units that textSpans joins to a number
// across spaces: buildings, compounds, units, rooms and house numbers,
// never floors or counts.
var spacedUnits = []string{"号楼", "号院", "单元", "#楼", "号", "#", "栋", "幢", "座", "室"}

// isSpaceAt reports the length of the white-space rune at s[i], 0 if none.
func isSpaceAt(s string, i int) int {
	switch c := s[i]; {
	case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f':
		return 1
	case c < utf8.RuneSelf:
		return 0
	}
	r, sz := utf8.DecodeRuneInString(s[i:])
	if unicode.IsSpace(r) {
		return sz
	}
	return 0
}

// spacedSpans is Spans of v with each run of white space replaced by what
// join returns for the text before and after it ("keep": the run as is),
// the spans mapped back to v's offsets, each span's Text v's.
func spacedSpans(v string, join func(before, after string) string) []Span {
	type run struct {
		i, j int
		with string
	}
	var runs []run
	for i := 0; i < len(v); {
		n := isSpaceAt(v, i)
		if n == 0 {
			i++
			continue
		}
		j := i + n
		for j < len(v) {
			m := isSpaceAt(v, j)
			if m == 0 {
				break
			}
			j += m
		}
		if w := join(v[:i], v[j:]); w != "keep" && w != v[i:j] {
			runs = append(runs, run{i, j, w})
		}
		i = j
	}
	if len(runs) == 0 {
		return Spans(v)
	}
	var b strings.Builder
	b.Grow(len(v))
	// at[k] is the byte of v that byte k of the joined form comes from.
	at := make([]int, 0, len(v)+1)
	last := 0
	copyFrom := func(i, j int) {
		b.WriteString(v[i:j])
		for k := i; k < j; k++ {
			at = append(at, k)
		}
	}
	for _, r := range runs {
		copyFrom(last, r.i)
		b.WriteString(r.with)
		for range len(r.with) {
			at = append(at, r.i)
		}
		last = r.j
	}
	copyFrom(last, len(v))
	at = append(at, len(v))
	spans := Spans(b.String())
	for k := range spans {
		sp := &spans[k]
		start, end := at[sp.ByteStart], len(v)
		if sp.ByteEnd > 0 {
			end = at[sp.ByteEnd-1] + 1
			for end < len(v) && !utf8.RuneStart(v[end]) {
				end++
			}
		}
		sp.ByteStart, sp.ByteEnd, sp.Text = start, end, v[start:end]
		sp.Start = utf8.RuneCountInString(v[:start])
		sp.End = sp.Start + utf8.RuneCountInString(sp.Text)
	}
	return spans
}
