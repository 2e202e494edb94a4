package deid

import (
	"strings"
	"unicode/utf8"
)

// scanner is one pass of every recognizer over a text. It works on bytes:
// ASCII digits and letters are classified directly, and only the runes in
// triggerSet (context words, province abbreviations, numerals) lead to more
// work. Candidates are collected with byte offsets; finish resolves them.
type scanner struct {
	s      string
	spans  []Span
	person bool // a PERSON candidate was added
	// opens are the bytes where a clause opens on a surname, for
	// repeatedNames; nOpens counts them (at most len(opens) kept).
	opens  [32]int32
	nOpens int
	// listEnd is the byte where a list separator starts, after a name
	// listBefore reads (0: none).
	listEnd int
}

// open notes that a clause opens at byte i when a surname stands there.
func (sc *scanner) open(i int) {
	if sc.nOpens >= len(sc.opens) || i+9 > len(sc.s) || sc.s[i] < 0xE0 {
		return
	}
	if r, _ := decodeAt(sc.s, i); surnameSet.has(r) && !funcSurSet.has(r) {
		sc.opens[sc.nOpens] = int32(i)
		sc.nOpens++
	}
}

func (sc *scanner) add(t Type, bs, be int, score float64, rule string) {
	if sc.spans == nil {
		sc.spans = make([]Span, 0, 8)
	}
	if score > 1 {
		score = 1
	}
	if t == Person {
		sc.person = true
		if n := len(sc.spans); n > 0 {
			if l := &sc.spans[n-1]; l.Type == Person && l.ByteStart == bs && l.ByteEnd == be {
				if score > l.Score {
					l.Score, l.Rule = score, rule // the same name by another rule
				}
				return
			}
		}
	}
	sc.spans = append(sc.spans, Span{Type: t, ByteStart: bs, ByteEnd: be, Score: score, Rule: rule})
}

func (sc *scanner) run() {
	s := sc.s
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case isAlnum(c):
				if i > 0 && isAlnum(s[i-1]) {
					i++
					continue
				}
				if isDigit(c) && i >= 6 && s[i-1] >= 0x80 {
					sc.nameBeforeAmount(i)
				}
				i = sc.token(i)
			case c == '(':
				i = sc.paren(i, 1)
			case c == '*':
				i = sc.masked(i)
			default:
				i++
				if c != '*' && i < len(s) && s[i] >= 0xE0 {
					sc.open(i)
				}
			}
			continue
		}
		var r rune
		var size int
		if c&0xF0 == 0xE0 && i+2 < len(s) && s[i+1]&0xC0 == 0x80 && s[i+2]&0xC0 == 0x80 {
			// Three-byte runes (all Chinese characters) decoded inline:
			// this loop is the hot path.
			r, size = rune(c&0x0F)<<12|rune(s[i+1]&0x3F)<<6|rune(s[i+2]&0x3F), 3
		} else {
			r, size = decodeAt(s, i)
		}
		if !anySet.has(r) {
			i += size // most runes: one look-up
			continue
		}
		if !cueSet.has(r) {
			// A surname that starts nothing else (most of them).
			if !cueOnly {
				sc.scoredName(i, size, r)
			}
			i += size
			continue
		}
		if surnameSet.has(r) && !cueOnly {
			sc.scoredName(i, size, r)
		}
		if plainSurSet.has(r) {
			if j := sc.bareName(i, size, r); j > i {
				i = j
				continue
			}
		}
		if openerSet.has(r) || closerSet.has(r) && r != '等' {
			sc.open(i + size)
		}
		if closerSet.has(r) {
			sc.nameBeforeMark(i)
			if r != '（' {
				i += size
				continue
			}
		}
		if triggerSet.has(r) {
			if j := sc.cjk(i, r, size); j > i {
				i = j
				continue
			}
		}
		i += size
	}
}

// skipAlnum returns the end of the run of ASCII letters and digits at i.
func skipAlnum(s string, i int) int {
	for i < len(s) && isAlnum(s[i]) {
		i++
	}
	return i
}

// Context words (Presidio's "context"): found near a candidate they raise
// its score; negative ones (order and tracking numbers) lower it.
var (
	idCtx       = []string{"身份证", "证件号", "身份号", "公民身份", "证件"}
	phoneCtx    = []string{"电话", "手机", "联系方式", "致电", "拨打", "来电", "号码", "座机", "联系", "回电", "tel", "Tel", "TEL"}
	bankCtx     = []string{"银行卡", "卡号", "账号", "帐号", "账户", "储蓄卡", "信用卡", "工资卡", "银行", "转账", "汇款", "社保卡", "打款"}
	passportCtx = []string{"护照", "通行证", "回乡证", "证件", "台胞证", "港澳", "签证", "台湾"}
	twCtx       = []string{"台胞证", "台湾", "通行证"}
	usccCtx     = []string{"信用代码", "社会信用", "营业执照", "统一代码", "税号", "纳税人识别号"}
	negCtx      = []string{"订单", "单", "编", "工单", "流水", "快递", "运单", "邮编", "金额", "批次", "案件", "受理", "序", "型", "邮政编码", "批", "发票", "合同", "凭证", "流水号"}
)

// near reports whether one of words occurs in the 24 bytes (eight Chinese
// characters) before i or the 9 bytes after j (（手机）).
func (sc *scanner) near(i, j int, words []string) bool {
	s := sc.s
	lo := i - 24
	if lo < 0 {
		lo = 0
	}
	hi := j + 9
	if hi > len(s) {
		hi = len(s)
	}
	before, after := s[lo:i], s[j:hi]
	for _, w := range words {
		if strings.Contains(before, w) || strings.Contains(after, w) {
			return true
		}
	}
	return false
}

// nearBefore reports whether one of words occurs in the n bytes before i.
func (sc *scanner) nearBefore(i, n int, words []string) bool {
	lo := i - n
	if lo < 0 {
		lo = 0
	}
	w := sc.s[lo:i]
	for _, c := range words {
		if strings.Contains(w, c) {
			return true
		}
	}
	return false
}

// labelledBefore reports whether one of words labels the number at i:
// it ends right before i, give or take a colon, spaces and 号/号码/为/是
// (订单号：2024…). Negative context counts only this close, because the
// previous clause of a ticket is often about something else.
func (sc *scanner) labelledBefore(i int, words []string) bool {
	lo := i - 30
	if lo < 0 {
		lo = 0
	}
	w := sc.s[lo:i]
	for {
		t := strings.TrimRight(w, " :#-")
		for _, suf := range []string{"：", "号码", "号", "为", "是"} {
			t = strings.TrimSuffix(t, suf)
		}
		if t == w {
			break
		}
		w = t
	}
	for _, c := range words {
		if strings.HasSuffix(w, c) {
			return true
		}
	}
	return false
}

// ctxScore adjusts a base score by the positive and negative context.
func (sc *scanner) ctxScore(i, j int, base, boost float64, words []string) float64 {
	switch {
	case sc.nearBefore(i, 24, words):
		base += boost
	case sc.near(i, j, words):
		// Only after it: weaker, as it may label the next item.
		base += boost / 2
	}
	if sc.labelledBefore(i, negCtx) {
		// 订单号…: a label that says what the number is beats its shape.
		base -= 0.5
	}
	return base
}

// token handles a run of ASCII letters and digits that starts at i.
func (sc *scanner) token(i int) int {
	if j := sc.email(i); j > i {
		return j
	}
	e := skipAlnum(sc.s, i)
	allDig := true
	for k := i; k < e; k++ {
		if !isDigit(sc.s[k]) {
			allDig = false
			break
		}
	}
	if allDig {
		return sc.digits(i, e)
	}
	return sc.word(i, e)
}

func isEmailLocal(c byte) bool {
	return isAlnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-'
}

// email recognises local@domain.tld starting at i; it returns i if there is
// none.
func (sc *scanner) email(i int) int {
	s := sc.s
	j := i
	for j < len(s) && j-i < 64 && isEmailLocal(s[j]) {
		j++
	}
	if j >= len(s) || s[j] != '@' || j == i {
		return i
	}
	k := j + 1
	lastDot, labelStart := -1, k
	for k < len(s) && (isAlnum(s[k]) || s[k] == '-' || s[k] == '.') {
		if s[k] == '.' {
			if k == labelStart || k+1 >= len(s) || !isAlnum(s[k+1]) {
				break
			}
			lastDot = k
			labelStart = k + 1
		}
		k++
	}
	if lastDot < 0 {
		return i
	}
	tld := s[lastDot+1 : k]
	if len(tld) < 2 {
		return i
	}
	for t := 0; t < len(tld); t++ {
		if !isLetter(tld[t]) {
			return i
		}
	}
	sc.add(Email, i, k, 0.95, "email")
	return k
}

// skipNumber skips a number with decimal points, thousands separators or
// time colons: amounts and times are not personal data.
func skipNumber(s string, i int) int {
	for i < len(s) && (isDigit(s[i]) || ((s[i] == '.' || s[i] == ',' || s[i] == ':') && i+1 < len(s) && isDigit(s[i+1]))) {
		i++
	}
	return i
}

// digits handles a run of ASCII digits [i, e) at a token start: numbers,
// the detailed-address chain, and digit groups separated by single spaces
// or dashes (138 1234 5678, 0755-12345678, 6222 0212 3456 7890).
func (sc *scanner) digits(i, e int) int {
	s := sc.s
	if e < len(s) && s[e] == '*' {
		return sc.masked(i) // 430322195601******, 138****5678
	}
	if j := sc.zeroPhone(i, e); j > i {
		return j
	}
	if e-i == 3 && e+10 <= len(s) && s[e] == '.' && s[e+5] == '.' && allDigits(s[e+1:e+5]) && allDigits(s[e+6:e+10]) &&
		(e+10 == len(s) || !isAlnum(s[e+10])) && mobile(s[i:e]+s[e+1:e+5]+s[e+6:e+10]) {
		sc.add(Phone, i, e+10, 0.8, "mobile_dotted") // 138.1234.5678
		return e + 10
	}
	if e < len(s) {
		switch s[e] {
		case '.', ':':
			if e+1 < len(s) && isDigit(s[e+1]) {
				return skipNumber(s, e)
			}
		case ',':
			if e-i <= 3 && e+4 <= len(s) && allDigits(s[e+1:e+4]) && (e+4 == len(s) || !isDigit(s[e+4])) {
				return skipNumber(s, e)
			}
		}
	}
	if j := sc.addrChain(i); j > i {
		return j
	}
	var g [6][2]int
	g[0] = [2]int{i, e}
	n, j := 1, e
	for n < len(g) && j+1 < len(s) && (s[j] == ' ' || s[j] == '-') && isDigit(s[j+1]) {
		k := skipAlnum(s, j+1)
		grp := s[j+1 : k]
		if k+1 < len(s) && (s[k] == ':' || s[k] == '.') && isDigit(s[k+1]) {
			break // 23:06, 3.5: a time or a decimal, not a group
		}
		if !allDigits(grp) && !(len(grp) == 4 && allDigits(grp[:3]) && (grp[3] == 'X' || grp[3] == 'x')) {
			break
		}
		g[n] = [2]int{j + 1, k}
		n++
		j = k
	}
	for k := n; k >= 1; k-- {
		if end := sc.classify(g[:k]); end > 0 {
			return end
		}
	}
	return e
}

func mobile(d string) bool {
	return len(d) == 11 && d[0] == '1' && d[1] >= '3' && d[1] <= '9'
}

// areaCode reports whether a group is a Chinese long-distance area code:
// 010 and 02x, or a four-digit 0xxx.
func areaCode(a string) bool {
	switch len(a) {
	case 3:
		return a[0] == '0' && (a[1] == '1' && a[2] == '0' || a[1] == '2')
	case 4:
		return a[0] == '0' && a[1] >= '3' && a[1] <= '9'
	}
	return false
}

// landline reports whether digits without separators are an area code and
// a 7–8 digit local number.
func landline(d string) bool {
	for _, n := range []int{3, 4} {
		if len(d) > n && areaCode(d[:n]) && (len(d)-n == 7 || len(d)-n == 8) && d[n] >= '2' {
			return true
		}
	}
	return false
}

// classify tries to read the digit groups g as one number. It returns the
// end of what it consumed, or 0.
func (sc *scanner) classify(g [][2]int) int {
	s := sc.s
	start, end := g[0][0], g[len(g)-1][1]
	var buf [64]byte
	d := buf[:0]
	var lens [6]int
	for k, x := range g {
		d = append(d, s[x[0]:x[1]]...)
		lens[k] = x[1] - x[0]
	}
	ds := string(d)
	n, ng := len(ds), len(g)
	pstart := start // start including a + prefix
	plus := false
	if start > 0 && s[start-1] == '+' {
		plus, pstart = true, start-1
	} else if start >= 3 && s[start-3:start] == "＋" {
		plus, pstart = true, start-3
	}

	// Numbers with a country prefix: +86 138…, 0086 138…, 86-138….
	for _, cc := range []string{"86", "0086"} {
		if ng >= 2 && lens[0] == len(cc) && ds[:len(cc)] == cc {
			rest := ds[len(cc):]
			if mobile(rest) || landline(rest) || landline("0"+rest) {
				sc.add(Phone, pstart, end, 0.9, "phone_cc")
				return sc.extension(end)
			}
		}
		if ng == 1 && strings.HasPrefix(ds, cc) && (mobile(ds[len(cc):]) || plus && landline(ds[len(cc):])) {
			sc.add(Phone, pstart, end, 0.9, "phone_cc")
			return end
		}
	}
	if plus && n >= 8 && n <= 15 && !strings.HasPrefix(ds, "86") {
		sc.add(Phone, pstart, end, 0.75, "phone_intl")
		return end
	}

	if ng == 1 {
		switch {
		case n == 11 && mobile(ds):
			sc.add(Phone, start, end, sc.ctxScore(start, end, 0.85, 0.1, phoneCtx), "mobile")
			return end
		case n == 5 && (ds[:2] == "95" || ds[:2] == "12" || ds[:2] == "10"):
			return end // 95xxx, 12345, 10086: service numbers
		case n == 10 && (ds[:3] == "400" || ds[:3] == "800"):
			return end
		case (n == 11 || n == 12) && ds[0] == '0' && landline(ds):
			sc.add(Phone, start, end, sc.ctxScore(start, end, 0.6, 0.3, phoneCtx), "landline")
			return sc.extension(end)
		case n == 18:
			return sc.eighteen(ds, start, end)
		case n == 15 && legacyID(ds):
			sc.add(IDCard, start, end, sc.ctxScore(start, end, 0.6, 0.35, idCtx), "id15")
			return end
		case n >= 16 && n <= 19:
			sc.add(BankCard, start, end, sc.bankScore(ds, start, end, false), "bank")
			return end
		case (n == 7 || n == 8) && ds[0] >= '2' && !validDate(ds) && sc.nearPhone(start):
			sc.add(Phone, start, end, 0.7, "local")
			return sc.extension(end)
		case (n == 8 || n == 10) && !validDate(ds) && sc.nearBefore(start, 27, twCtx) && !sc.labelledBefore(start, negCtx):
			sc.add(Passport, start, end, 0.85, "tw_permit")
			return end
		}
		return 0
	}

	switch {
	case n == 11 && mobile(ds) && (ng == 3 && lens[0] == 3 && lens[1] == 4 || ng == 2 && (lens[0] == 3 || lens[0] == 7)):
		sc.add(Phone, start, end, sc.ctxScore(start, end, 0.85, 0.1, phoneCtx), "mobile")
		return end
	case (ng == 2 || ng == 3) && areaCode(s[g[0][0]:g[0][1]]) && (lens[1] == 7 || lens[1] == 8) && s[g[1][0]] != '0':
		if ng == 3 && (lens[2] > 5 || s[g[2][0]-1] != '-') {
			return 0
		}
		sc.add(Phone, start, end, sc.ctxScore(start, end, 0.8, 0.15, phoneCtx), "landline")
		return sc.extension(end)
	case n == 10 && (ds[:3] == "400" || ds[:3] == "800"):
		return end
	case ng == 3 && areaCode(s[g[0][0]:g[0][1]]) && (lens[1] == 3 || lens[1] == 4) && lens[2] == 4 && s[g[1][0]] != '0':
		// 010 6234 5678
		sc.add(Phone, start, end, sc.ctxScore(start, end, 0.75, 0.15, phoneCtx), "landline")
		return sc.extension(end)
	case lens[0] == 4 && lens[1] == 4 && lens[2] == 4 && (ng == 4 && lens[3] >= 4 && n <= 19 || ng == 5 && lens[3] == 4 && (lens[4] == 2 || lens[4] == 3)):
		if allDigits(ds) {
			sc.add(BankCard, start, end, sc.bankScore(ds, start, end, true), "bank_grouped")
			return end
		}
	case ng == 3 && lens[0] == 6 && lens[1] == 8 && lens[2] == 4:
		return sc.eighteen(ds, start, end)
	}
	return 0
}

// nearPhone reports whether a phone context word ends right before i, as
// in 电话：62345678; a bare 7–8 digit number needs it.
func (sc *scanner) nearPhone(i int) bool {
	lo := i - 18
	if lo < 0 {
		lo = 0
	}
	w := sc.s[lo:i]
	for _, c := range []string{"电话", "座机", "号码", "联系方式", "拨打", "致电", "tel", "Tel", "TEL"} {
		if strings.Contains(w, c) {
			return true
		}
	}
	return false
}

// extension extends a landline over 转123, 分机123 or ext.123.
func (sc *scanner) extension(end int) int {
	s := sc.s
	j := end
	for _, p := range []string{"转", "分机", "ext.", "ext", "-"} {
		if strings.HasPrefix(s[j:], p) {
			k := j + len(p)
			e := skipAlnum(s, k)
			if e > k && e-k <= 5 && allDigits(s[k:e]) {
				sc.spans[len(sc.spans)-1].ByteEnd = e
				return e
			}
		}
	}
	return end
}

// eighteen classifies 18 digits: a resident ID number, a bank card or an
// all-digit credit code, whichever scores best.
func (sc *scanner) eighteen(ds string, start, end int) int {
	plausible, ok := idShape(ds)
	best, bt, rule := 0.0, IDCard, ""
	switch {
	case plausible && ok:
		best, rule = sc.ctxScore(start, end, 0.95, 0.05, idCtx), "id18"
	case ok:
		best, rule = sc.ctxScore(start, end, 0.45, 0.4, idCtx), "id18_region"
	case plausible:
		best, rule = sc.ctxScore(start, end, 0.4, 0.45, idCtx), "id18_badcheck"
	}
	if !plausible && !ok && sc.near(start, end, idCtx) && validDate(ds[6:14]) {
		best, rule = 0.6, "id18_ctx"
	}
	if plausible && sc.nearBefore(start, 24, idCtx) {
		// 身份证号 right before it: an ID number, even with a typo in the
		// check digit, whatever follows.
		sc.add(IDCard, start, end, max(best, 0.9), rule)
		return end
	}
	if b := sc.bankScore(ds, start, end, false); b > best {
		best, bt, rule = b, BankCard, "bank"
	}
	if p, ok := usccShape(ds); p && ok {
		if u := sc.ctxScore(start, end, 0.7, 0.25, usccCtx); u > best {
			best, bt, rule = u, USCC, "uscc"
		}
	}
	if best > 0 {
		sc.add(bt, start, end, best, rule)
	}
	return end
}

// bankScore scores 16–19 digits as a bank card: the Luhn check, an issuer
// prefix (62 UnionPay; 3, 4, 5, 6 international schemes), grouping and
// context raise it; a leading date (order numbers) lowers it.
func (sc *scanner) bankScore(ds string, start, end int, grouped bool) float64 {
	score := 0.25
	if luhn(ds) {
		score += 0.25
	}
	switch {
	case ds[0] == '6' && ds[1] == '2':
		score += 0.25
	case ds[0] >= '3' && ds[0] <= '6':
		score += 0.1
	default:
		score -= 0.05
	}
	if validDate(ds[:8]) {
		score -= 0.3
	}
	if grouped {
		score += 0.15
	}
	return sc.ctxScore(start, end, score, 0.35, bankCtx)
}

// word handles a token [i, e) that contains a letter: resident ID numbers
// ending in X, credit codes, passports and permits, IM account labels and
// lettered buildings (A座).
func (sc *scanner) word(i, e int) int {
	s := sc.s
	tok := s[i:e]
	if tok == "X" || tok == "XX" || tok == "x" || tok == "xx" {
		if r, sz := decodeBefore(s, i); i > 0 && surnameSet.has(r) && !neverSurname(r) && (e >= len(s) || !isAlnum(s[e])) {
			sc.add(Person, i-sz, e, 0.8, "name_masked") // 谢XX
			return e
		}
	}
	switch len(tok) {
	case 2, 6, 7:
		if strings.EqualFold(tok, "qq") || strings.EqualFold(tok, "wechat") || strings.EqualFold(tok, "weixin") {
			return sc.imAfter(e, true)
		}
	}
	if len(tok) >= 7 && (tok[0] == 'q' || tok[0] == 'Q') && (tok[1] == 'q' || tok[1] == 'Q') && allDigits(tok[2:]) && len(tok) <= 13 {
		sc.add(IMID, i+2, e, 0.85, "im")
		return e
	}
	if (tok == "wx" || tok == "WX" || tok == "vx" || tok == "VX") && e < len(s) && s[e] != '.' {
		return sc.imAfter(e, false)
	}
	if (tok == "V" || tok == "v") && strings.HasPrefix(s[e:], "信") {
		return sc.imAfter(e+len("信"), true) // V信, a common spelling of 微信
	}
	if len(tok) == 1 && isUpper(tok[0]) {
		if j := sc.addrChain(i); j > i {
			return j
		}
		return e
	}
	if len(tok) <= 5 && isUpper(tok[0]) && allDigits(tok[1:]) {
		if j := sc.addrChain(i); j > i {
			return j // E6栋2单元
		}
	}
	if len(tok) == 18 {
		up := strings.ToUpper(tok)
		_, usccOK := usccShape(tok)
		if plausible, ok := idShape(up); up[17] == 'X' && (plausible || ok && !usccOK) {
			score := 0.95
			if !ok || !plausible {
				score = sc.ctxScore(i, e, 0.4, 0.45, idCtx)
			}
			sc.add(IDCard, i, e, score, "id18")
			return e
		}
		if p, ok := usccShape(tok); ok {
			score := 0.9
			if !p {
				score = 0.7
			}
			sc.add(USCC, i, e, sc.ctxScore(i, e, score, 0.1, usccCtx), "uscc")
			return e
		} else if len(tok) == 18 && sc.near(i, e, usccCtx) && usccValue[tok[0]] >= 0 {
			sc.add(USCC, i, e, 0.6, "uscc_ctx")
			return e
		}
	}
	if rule := passportShape(tok); rule != "" {
		sc.add(Passport, i, e, sc.ctxScore(i, e, 0.65, 0.3, passportCtx), rule)
		return e
	}
	sc.glued(i, e)
	return e
}

// glued looks inside a token of letters and digits that is nothing as a
// whole (Tel13800138002, ID110105198001011238, card6222021234567890003,
// call13800138002now): a change of character class is a boundary too, so
// every run of digits, with an ID number's trailing X, is read as a number
// of its own. Short runs (A3区, iPhone15) are skipped before any work.
func (sc *scanner) glued(i, e int) {
	s := sc.s
	for k := i; k < e; {
		if !isDigit(s[k]) {
			k++
			continue
		}
		d := k
		for d < e && isDigit(s[d]) {
			d++
		}
		if d-k >= 7 {
			if d-k == 17 && d < e && (s[d] == 'X' || s[d] == 'x') && (d+1 == e || !isDigit(s[d+1])) {
				if plausible, ok := idShape(strings.ToUpper(s[k : d+1])); plausible || ok {
					score := 0.95
					if !ok || !plausible {
						score = sc.ctxScore(k, d+1, 0.4, 0.45, idCtx)
					}
					sc.add(IDCard, k, d+1, score, "id18_glued")
					k = d + 1
					continue
				}
			}
			sc.classify([][2]int{{k, d}})
		}
		k = d
	}
}

// passportShape names the document an upper-case token looks like: E/G
// passports (E12345678, EA1234567), 往来港澳通行证 (C12345678, CA1234567),
// 回乡证 (H/M + 8 or 10 digits), 往来台湾通行证 (T + 8 digits), diplomatic
// and service passports (D/S/P + 7 digits).
func passportShape(t string) string {
	if len(t) < 8 || len(t) > 11 || !isUpper(t[0]) {
		return ""
	}
	rest := t[1:]
	switch t[0] {
	case 'E', 'G':
		if len(rest) == 8 && allDigits(rest) {
			return "passport"
		}
		if t[0] == 'E' && len(rest) == 8 && isUpper(rest[0]) && rest[0] != 'I' && rest[0] != 'O' && allDigits(rest[1:]) {
			return "passport"
		}
	case 'C':
		// C12345678; the electronic permit's CA1234567; CA12345678 as
		// some systems print it.
		if len(rest) == 8 && (allDigits(rest) || isUpper(rest[0]) && allDigits(rest[1:])) ||
			len(rest) == 9 && isUpper(rest[0]) && allDigits(rest[1:]) {
			return "hk_macau_permit"
		}
	case 'H', 'M':
		if (len(rest) == 8 || len(rest) == 10) && allDigits(rest) {
			return "home_return_permit"
		}
	case 'T':
		if len(rest) == 8 && allDigits(rest) {
			return "tw_permit"
		}
	case 'D', 'S', 'P':
		if len(rest) == 7 && allDigits(rest) {
			return "passport_official"
		}
	}
	return ""
}

// imAfter reads an IM account after a QQ or WeChat label at j: optional
// 号/号码/账号 and a colon, then 5–20 characters of letters, digits, _ and -.
func (sc *scanner) imAfter(j int, strong bool) int {
	s := sc.s
	k := j
	for steps := 0; steps < 4 && k < len(s); steps++ {
		switch {
		case s[k] == ' ' || s[k] == ':' || s[k] == '#':
			k++
		case strings.HasPrefix(s[k:], "号码"):
			k += len("号码")
		case strings.HasPrefix(s[k:], "账号"), strings.HasPrefix(s[k:], "帐号"):
			k += len("账号")
		case strings.HasPrefix(s[k:], "号"), strings.HasPrefix(s[k:], "是"), strings.HasPrefix(s[k:], "为"), strings.HasPrefix(s[k:], "："):
			k += 3
		default:
			steps = 4
		}
	}
	if k >= len(s) || !isAlnum(s[k]) {
		return j
	}
	e := k
	for e < len(s) && (isAlnum(s[e]) || s[e] == '_' || s[e] == '-') {
		e++
	}
	if e-k < 5 || e-k > 20 {
		return j
	}
	if r, _ := decodeAt(s, e); r == '群' || r == '班' || r == '级' {
		return j // 微信…班级群: a group's name, not an account
	}
	score := 0.85
	if !strong {
		score = 0.7
	}
	sc.add(IMID, k, e, score, "im")
	return e
}

// paren recognises landlines written (010)62345678 or （0755）1234567.
func (sc *scanner) paren(i, size int) int {
	s := sc.s
	j := i + size
	k := j
	for k < len(s) && isDigit(s[k]) {
		k++
	}
	if !areaCode(s[j:k]) {
		return i + size
	}
	switch {
	case k < len(s) && s[k] == ')':
		k++
	case strings.HasPrefix(s[k:], "）"):
		k += len("）")
	default:
		return i + size
	}
	if k < len(s) && (s[k] == ' ' || s[k] == '-') {
		k++
	}
	e := k
	for e < len(s) && isDigit(s[e]) {
		e++
	}
	if (e-k != 7 && e-k != 8) || s[k] == '0' || (e < len(s) && isLetter(s[e])) {
		return i + size
	}
	sc.add(Phone, i, e, 0.85, "landline_paren")
	return sc.extension(e)
}

// cjk reacts to a trigger rune at i: a plate's province, a numbered
// building in Chinese numerals, a full-width parenthesis, or the first rune
// of a context word for names and IM accounts. It returns i when nothing
// was consumed.
func (sc *scanner) cjk(i int, r rune, size int) int {
	s := sc.s
	j := i + size
	if j < len(s) && isUpper(s[j]) && provinceSet.has(r) {
		if e := sc.plate(i, j); e > i {
			return e
		}
	}
	if j+1 < len(s) && s[j] == ' ' && isUpper(s[j+1]) && provinceSet.has(r) {
		if e := sc.plate(i, j+1); e > i {
			return e // 京 A12345
		}
	}
	if numeralSet.has(r) || r == '幺' {
		if e := sc.spokenPhone(i); e > i {
			return e
		}
		if e := sc.addrChain(i); e > i {
			return e
		}
	}
	if r == '（' {
		return sc.paren(i, size)
	}
	if r == '某' {
		return sc.mou(i)
	}
	for _, m := range markersOf(r) {
		if !strings.HasPrefix(s[i:], m.text) {
			continue
		}
		end := i + len(m.text)
		switch m.kind {
		case mkHonorific:
			if len(m.text) == 3 && !shortTitleOK(s, end) {
				return i + size // 公安局长, 总是: not a title of its own
			}
			if strings.HasSuffix(m.text, "长") && longWordAt(s, end-len("长")) {
				return i + size // 朝阳区长安花园, 市长江路: 长 starts a word
			}
			if i >= 3 && s[i-3:i] == "副" {
				sc.nameBefore(i-3, false) // 林副局长
			} else {
				sc.nameBefore(i, false)
			}
			if titlesBeforeName[m.text] {
				if e := sc.nameAfter(end, true); e > end {
					return e
				}
			}
		case mkVerb:
			sc.nameBefore(i, true)
		case mkPrefix, mkPrefixStrict:
			n := len(sc.spans)
			if e := sc.nameAfter(end, m.kind == mkPrefixStrict); e > end {
				if weakRoles[m.text] && len(sc.spans) > n && !sc.likelyName(sc.spans[n]) {
					sc.spans = sc.spans[:n]
					return end
				}
				return e
			}
		case mkIM:
			return sc.imAfter(end, true)
		case mkSurnameBefore:
			sc.surnameBefore(i)
		case mkSurname:
			k := end
			if strings.HasPrefix(s[k:], "是") || strings.HasPrefix(s[k:], "为") {
				k += 3
			}
			if r, sz := decodeAt(s, k); surnameSet.has(r) {
				sc.add(Person, k, k+sz, 0.8, "surname")
				return k + sz
			}
		}
		return end
	}
	return i
}

// surnameDeterminers may stand before a surname that 姓 follows (该李姓主管,
// 一王姓男子, 两名张姓村民).
const surnameDeterminers = "该一位名个某这那此其有的与和及两几"

// surnameBefore reads the surname before the 姓 at byte i when a person's
// word follows (该李姓主管, 一名王姓男子): the surname alone is a PERSON.
// Before it stands a boundary or a determiner, never a word (随母姓, 改姓).
func (sc *scanner) surnameBefore(i int) {
	s := sc.s
	if i == 0 {
		return
	}
	r, sz := decodeBefore(s, i)
	b := i - sz
	if !surnameSet.has(r) || neverSurname(r) {
		return
	}
	if p, psz := decodeBefore(s, b); b > 0 && isHan(p) {
		switch {
		case compound(p, r):
			b -= psz
		case !strings.ContainsRune(surnameDeterminers, p):
			return
		}
	}
	if n, _ := decodeAt(s, i+len("姓")); i+len("姓") >= len(s) || !isHan(n) {
		return // 他姓李。: 我姓 reads that one
	}
	sc.add(Person, b, i, 0.8, "surname_before")
}

// likelyName reports whether a name candidate starts with a plain surname
// and holds a frequent given-name character (何俊喜, not 查实 or 胡作).
func (sc *scanner) likelyName(sp Span) bool {
	r, sz := decodeAt(sc.s, sp.ByteStart)
	if !plainSurSet.has(r) || funcSurSet.has(r) {
		return false
	}
	for i := sp.ByteStart + sz; i < sp.ByteEnd; {
		g, gsz := decodeAt(sc.s, i)
		if givenSet.has(g) {
			return true
		}
		i += gsz
	}
	return false
}

// shortTitleOK reports whether a one-character title (局, 总) ending at
// byte e stands alone: before a clause end, a greeting or a verb of
// speech (邓局您好, 周总关注此事 is not read).
func shortTitleOK(s string, e int) bool {
	if e >= len(s) {
		return true
	}
	r, _ := decodeAt(s, e)
	return !isHan(r) || strings.ContainsRune("您你好说讲的和也", r)
}

// longWordAt reports whether the 长 at byte i starts a word of its own
// (长安, 长沙, 长期), so that 区长/市长 before it is not a title.
func longWordAt(s string, i int) bool {
	r, _ := decodeAt(s, i+len("长"))
	return strings.ContainsRune("安沙江春城期时度达久远大短宽途廊寿治效年假条白征辈篇跑势清乐兴宁丰岭滩河湖山岛堤桥坡冲街路道轴", r)
}

// plateSuffixes end special plates: police, driving school, trailer,
// consulate, Hong Kong and Macao, test and oversize.
const plateSuffixes = "警学挂领港澳试超使"

func plateChar(c byte) bool {
	return isDigit(c) || isUpper(c) && c != 'I' && c != 'O'
}

// plate recognises a licence plate whose province rune is at i and whose
// issuing-authority letter is at j (京A12345, 沪A·D12345, 粤B1234学).
func (sc *scanner) plate(i, j int) int {
	s := sc.s
	if s[j] == 'I' || s[j] == 'O' {
		return i
	}
	k := j + 1
	switch {
	case strings.HasPrefix(s[k:], "·"), strings.HasPrefix(s[k:], "•"), strings.HasPrefix(s[k:], "・"):
		_, sz := decodeAt(s, k)
		k += sz
	case k < len(s) && (s[k] == '-' || s[k] == ' ' || s[k] == '.'):
		k++
	}
	b := k
	digits := 0
	for k < len(s) && k-b < 7 && plateChar(s[k]) {
		if isDigit(s[k]) {
			digits++
		}
		k++
	}
	if k < len(s) && isAlnum(s[k]) {
		return i
	}
	body := s[b:k]
	suffix := false
	if k < len(s) {
		if r, sz := decodeAt(s, k); strings.ContainsRune(plateSuffixes, r) {
			suffix = true
			_ = sz
		}
	}
	if len(body) == 6 && digits == 6 && strings.HasPrefix(s[k:], "、") {
		// 湘A123456、: a five-character plate and a list number.
		k--
		body = body[:5]
		suffix = false
	}
	ok := false
	switch len(body) {
	case 5:
		ok = digits >= 3
	case 6:
		ok = digits >= 4 && (body[0] == 'D' || body[0] == 'F' || body[5] == 'D' || body[5] == 'F')
	case 4:
		ok = suffix && digits >= 3
	}
	if !ok {
		return i
	}
	if suffix {
		k += 3
	}
	sc.add(Plate, i, k, 0.9, "plate")
	return k
}

// spokenDigits maps the Chinese digits of a number read out (幺三八…) to
// ASCII digits.
var spokenDigits = map[rune]byte{'零': '0', '〇': '0', '一': '1', '幺': '1', '二': '2', '两': '2', '三': '3', '四': '4',
	'五': '5', '六': '6', '七': '7', '八': '8', '九': '9'}

// spokenPhone recognises a mobile number written in Chinese digits
// (一三八一二三四五六七八), as call-takers sometimes type what they hear.
func (sc *scanner) spokenPhone(i int) int {
	s := sc.s
	var d [12]byte
	n, k := 0, i
	for k < len(s) && n < len(d) {
		r, sz := decodeAt(s, k)
		c, ok := spokenDigits[r]
		if !ok {
			break
		}
		d[n] = c
		n++
		k += sz
	}
	if n != 11 || !mobile(string(d[:n])) {
		return i
	}
	sc.add(Phone, i, k, sc.ctxScore(i, k, 0.7, 0.2, phoneCtx), "mobile_spoken")
	return k
}

// masked reads an identifier that came masked, at i: a run of eleven or
// more asterisks (*****************), or six or more digits whose rest is
// asterisks (43032219560*******). Its label decides its type (身份证 →
// ID_CARD, 电话 → PHONE, 卡号 → BANK_CARD, QQ/微信 → IM_ID); without one its
// length does (11 → PHONE, 15 to 18 → ID_CARD). The forms this package's
// own masks produce (138****5678, 110***********1234, 4301**************,
// 张*) are not read, so that masked output holds no spans.
func (sc *scanner) masked(i int) int {
	s := sc.s
	d := i
	for d < len(s) && isDigit(s[d]) {
		d++
	}
	e := d
	for e < len(s) && s[e] == '*' {
		e++
	}
	n, stars := e-i, e-d
	if e < len(s) && (isAlnum(s[e]) || s[e] == '*') || d-i > 0 && d-i < 6 || d == i && stars < 11 || stars == 0 || i > 0 && isLetter(s[i-1]) {
		return skipMasked(s, e)
	}
	if sc.labelledBefore(i, negCtx) {
		return e // 信件编号*****
	}
	t, near := sc.maskLabel(i)
	if t == "" && sc.amountAround(i, e) {
		return e // 33.7亩*****元: a hidden amount, not an identifier
	}
	score := 0.85
	switch {
	case t != "" && near:
	case t == IMID || t == BankCard:
		score = 0.7
	case n == 11 || n == 12 || n == 17 && d == i:
		t, score = Phone, 0.7 // a run of 17 asterisks with no label: a phone, more often than an ID
	case n >= 15 && n <= 18:
		t, score = IDCard, 0.7
	case t == "":
		return e
	}
	sc.add(t, i, e, score, "masked")
	return e
}

// unitRunes are measure words around an amount or an area (元, 亩, 平米).
const unitRunes = "元亩米万块斤吨角分"

// amountAround reports whether the run [i, e) of digits and asterisks
// stands between a quantity and a unit: after a measure word (亩, 元) or
// before one or a per-sign (元/亩).
func (sc *scanner) amountAround(i, e int) bool {
	s := sc.s
	if i > 0 {
		if r, _ := decodeBefore(s, i); strings.ContainsRune(unitRunes, r) {
			return true
		}
	}
	if e < len(s) {
		if r, _ := decodeAt(s, e); strings.ContainsRune(unitRunes, r) || r == '/' {
			return true
		}
	}
	return false
}

// skipMasked skips the rest of a run of digits, letters and asterisks.
func skipMasked(s string, e int) int {
	for e < len(s) && (isAlnum(s[e]) || s[e] == '*') {
		e++
	}
	return e
}

// maskPhoneCtx are phoneCtx without 号码 and 联系, which end other labels
// too (身份证号码).
var maskPhoneCtx = []string{"电话", "手机", "联系方式", "致电", "拨打", "来电", "座机", "回电", "tel", "Tel", "TEL"}

// maskLabel names the type whose label stands nearest before i, and
// whether it is close (within eight characters).
func (sc *scanner) maskLabel(i int) (Type, bool) {
	lo := max(i-36, 0)
	w := sc.s[lo:i]
	best, at := Type(""), -1
	for _, c := range []struct {
		t     Type
		words []string
	}{{IDCard, idCtx}, {Phone, maskPhoneCtx}, {BankCard, bankCtx}, {IMID, []string{"QQ", "qq", "微信", "Q号"}}, {Email, []string{"邮箱"}}} {
		for _, word := range c.words {
			if k := strings.LastIndex(w, word); k >= 0 && k+len(word) > at {
				best, at = c.t, k+len(word)
			}
		}
	}
	if best == Email {
		return "", false
	}
	return best, at >= 0 && len(w)-at <= 24
}

// zeroPhone reads a phone number masked with zeros at i, the run of
// digits [i, e): groups joined by dashes, at least one of them all zeros
// of three digits or more, 7 to 16 digits in all (0000-00000000,
// 0731-0000-00000000). An area code and a five-digit hotline
// (0731-12333) is read too.
func (sc *scanner) zeroPhone(i, e int) int {
	s := sc.s
	if e >= len(s) || s[e] != '-' || e+1 >= len(s) || !isDigit(s[e+1]) {
		return i
	}
	digits, zeroGroup, groups := 0, false, 0
	k := i
	end := i
	for groups < 4 {
		g := k
		for k < len(s) && isDigit(s[k]) {
			k++
		}
		if k == g {
			break
		}
		digits += k - g
		groups++
		if k-g >= 3 && strings.Count(s[g:k], "0") == k-g {
			zeroGroup = true
		}
		end = k
		if k+1 < len(s) && s[k] == '-' && isDigit(s[k+1]) {
			k++
			continue
		}
		break
	}
	if end < len(s) && isAlnum(s[end]) {
		return i
	}
	if sc.labelledBefore(i, negCtx) || sc.nearBefore(i, 12, []string{"专利", "文号", "编号"}) {
		return i
	}
	if zeroGroup && digits >= 7 && digits <= 16 && groups >= 2 {
		sc.add(Phone, i, end, 0.8, "phone_masked")
		return end
	}
	if groups == 2 && areaCode(s[i:e]) && end-e-1 == 5 && s[e+1] == '1' {
		sc.add(Phone, i, end, 0.6, "hotline")
		return end
	}
	return i
}
