package linkage

import (
	"strings"
	"unicode/utf8"

	"jiceng/internal/text"
)

// Address is an address brought down to its ladder: the estate (小区, or the
// road and house number when there is no estate) and, below it, building,
// unit and room, each as a bare number or letter. 3号楼2单元301室, 3-2-301
// and 3栋2单元301室 all give Building "3", Unit "2", Room "301". Floors
// (12层) are dropped: the room number carries them.
type Address struct {
	Estate   string // 阳光小区; administrative prefixes (市, 区, 街道, 社区) removed
	Building string
	Unit     string
	Room     string
}

// Empty reports whether nothing usable was found.
func (a Address) Empty() bool { return a.Estate == "" }

// Words that end an administrative prefix. The estate is what follows the
// last of them, so that "北京市朝阳区望京街道花家地社区阳光小区" and "阳光小区"
// give the same estate.
var adminEnds = []string{"省", "自治区", "市", "自治州", "州", "盟", "县", "旗", "区", "镇", "乡", "街道", "街道办", "办事处", "社区", "居委会", "村委会"}

// Words that end an estate name; a road number before them is dropped
// (幸福路18号阳光小区 → 阳光小区).
var estateEnds = []string{"小区", "花园", "家园", "公寓", "新村", "新城", "苑", "园", "庭", "府", "里", "村", "大厦", "广场", "城", "湾", "院", "邸", "居", "坊", "宿舍"}

type addrPart struct {
	num   string
	unit  string // the unit word after the number, "" for a bare number or "-"
	start int    // rune offset of the number
	end   int    // rune offset after the unit word
}

// unit words after a number, longest first.
var addrWords = []string{"号楼", "号院", "号门", "单元", "#楼", "栋", "幢", "座", "楼", "层", "室", "户", "号", "房", "#", "门"}

// role of a unit word.
func unitRole(w string) byte {
	switch w {
	case "号楼", "#楼", "栋", "幢", "座":
		return 'b'
	case "单元", "门":
		return 'u'
	case "室", "户", "房":
		return 'r'
	case "层":
		return 'f'
	case "号院":
		return 'e' // a compound number belongs to the estate
	}
	return 0 // 号, 楼, #, bare: by position
}

var cnDigit = map[rune]int{'零': 0, '〇': 0, '一': 1, '二': 2, '两': 2, '三': 3, '四': 4, '五': 5, '六': 6, '七': 7, '八': 8, '九': 9}

// ParseAddress reads an address into its ladder. It accepts any text; an
// address without an estate or road gives the zero Address.
func ParseAddress(s string) Address {
	var rbuf [96]rune // on the stack for addresses of usual length
	rs := rbuf[:0]
	for _, r := range s {
		r = text.Fold(r)
		switch r {
		case ' ', '\t', '(', ')', '（', '）', ',', '，', '、', '.', '·':
			continue
		case '—', '－', '_', '~':
			r = '-'
		}
		rs = append(rs, r)
	}
	var pbuf [12]addrPart
	parts := pbuf[:0]
	for i := 0; i < len(rs); {
		num, j := readAddrNumber(rs, i)
		if j == i {
			i++
			continue
		}
		unit := ""
		for _, w := range addrWords {
			if hasRunes(rs, j, w) {
				unit = w
				j += len([]rune(w))
				break
			}
		}
		if unit == "" && (num[0] < '0' || num[0] > '9') {
			i++ // a letter or Chinese numeral needs a unit word
			continue
		}
		if unit == "" && j < len(rs) && rs[j] == '-' {
			j++
		}
		parts = append(parts, addrPart{num: num, unit: unit, start: i, end: j})
		i = j
	}
	// The chain is the last run of adjacent parts; the estate is the text
	// before it.
	k := len(parts)
	for k > 0 {
		p := parts[k-1]
		if k < len(parts) && p.end != parts[k].start {
			break
		}
		if unitRole(p.unit) == 'e' {
			break
		}
		k--
	}
	chain := parts[k:]
	prefixEnd := len(rs)
	if len(chain) > 0 {
		prefixEnd = chain[0].start
	}
	// A lone 号 after a road is the road's house number, part of the
	// "estate" when nothing else is there (幸福路18号).
	if len(chain) == 1 && chain[0].unit == "号" && chain[0].end == len(rs) {
		prefixEnd = len(rs)
		chain = nil
	}
	a := Address{Estate: estateOf(rs[:prefixEnd])}
	if a.Estate == "" {
		return Address{}
	}
	var fbuf [8]string
	free := fbuf[:0]
	for _, p := range chain {
		switch unitRole(p.unit) {
		case 'b':
			if a.Building == "" {
				a.Building = p.num
				continue
			}
		case 'u':
			if a.Unit == "" {
				a.Unit = p.num
				continue
			}
		case 'r':
			if a.Room == "" {
				a.Room = p.num
				continue
			}
		case 'f':
			continue
		}
		free = append(free, p.num)
	}
	if a.Room == "" && len(free) > 0 {
		a.Room, free = free[len(free)-1], free[:len(free)-1]
	}
	if a.Building == "" && len(free) > 0 {
		a.Building, free = free[0], free[1:]
	}
	if a.Unit == "" && len(free) > 0 {
		a.Unit = free[0]
	}
	return a
}

// estateOf returns the estate name in the prefix of an address.
func estateOf(rs []rune) string {
	s := string(rs)
	s = strings.Trim(s, "-#")
	// Cut after the last administrative word that is not part of 小区
	// or 园区: look only where a rune could end one.
	cut := 0
	for i, r := range s {
		if !strings.ContainsRune("省区市州盟县旗镇乡道办处会", r) {
			continue
		}
		end := i + utf8.RuneLen(r)
		if end >= len(s) {
			continue // nothing after it: the whole text is the name
		}
		for _, w := range adminEnds {
			if !strings.HasSuffix(s[:end], w) {
				continue
			}
			if w == "区" {
				pre := s[:i]
				if strings.HasSuffix(pre, "小") || strings.HasSuffix(pre, "园") || strings.HasSuffix(pre, "社") || strings.HasSuffix(pre, "校") {
					continue
				}
			}
			cut = end
			break
		}
	}
	s = s[cut:]
	// Drop a road number before an estate name: 幸福路18号阳光小区.
	if i := strings.LastIndex(s, "号"); i >= 0 && i+len("号") < len(s) {
		rest := s[i+len("号"):]
		for _, w := range estateEnds {
			if strings.HasSuffix(rest, w) && rest != w {
				s = rest
				break
			}
		}
	}
	return strings.Trim(s, "-#")
}

// readAddrNumber reads ASCII digits, one Latin letter or Chinese numerals
// (up to 99) at i and returns the number without leading zeros and the
// offset after it; j == i if there is none.
func readAddrNumber(rs []rune, i int) (string, int) {
	j := i
	for j < len(rs) && rs[j] >= '0' && rs[j] <= '9' {
		j++
	}
	if j > i {
		n := strings.TrimLeft(string(rs[i:j]), "0")
		if n == "" {
			n = "0"
		}
		return n, j
	}
	if r := rs[i]; r >= 'a' && r <= 'z' && (i+1 >= len(rs) || !(rs[i+1] >= 'a' && rs[i+1] <= 'z')) && (i == 0 || !(rs[i-1] >= 'a' && rs[i-1] <= 'z')) {
		return string(r - 'a' + 'A'), i + 1
	}
	// Chinese numerals: 三, 十二, 二十, 二十三.
	v, cur, seen := 0, 0, false
	for j < len(rs) {
		r := rs[j]
		if d, ok := cnDigit[r]; ok {
			cur = cur*10 + d
		} else if r == '十' {
			if cur == 0 {
				cur = 1
			}
			v, cur = v+cur*10, 0
		} else {
			break
		}
		seen = true
		j++
	}
	v += cur
	if !seen || v == 0 || v > 99 {
		return "", i
	}
	return itoa(v), j
}

func itoa(v int) string {
	if v < 10 {
		return string(rune('0' + v))
	}
	return string([]rune{rune('0' + v/10), rune('0' + v%10)})
}

func hasRunes(rs []rune, i int, w string) bool {
	for _, r := range w {
		if i >= len(rs) || rs[i] != r {
			return false
		}
		i++
	}
	return true
}
