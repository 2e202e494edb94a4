package policy

import (
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"jiceng/internal/core"
)

// Metadata is read from the text the way a reader of a 红头文件 finds it:
// the header above the title (发文机关 with 文件, the 文号 line), label
// lines (发文机关：…, 成文日期：…, as government sites print them), the
// title, the signature and date at the end, and a few sentences of the
// body (施行, 有效期, 同时废止). Every rule is conservative: a field the
// text does not plainly state stays empty.

const dateNum = `[0-9０-９]{1,2}|[一二三四五六七八九十]{1,3}`

var (
	dateRe        = regexp.MustCompile(`([0-9０-９]{4}|[〇零○Ｏ一二三四五六七八九]{4})\s*年\s*(` + dateNum + `)\s*月\s*(` + dateNum + `)\s*日`)
	isoDateRe     = regexp.MustCompile(`(\d{4})\s*[-./]\s*(\d{1,2})\s*[-./]\s*(\d{1,2})`)
	numberRe      = regexp.MustCompile(`[\p{Han}]{1,16}\s*[〔\[［（(【]\s*(?:19|20)[0-9]{2}\s*[〕\]］）)】]\s*第?\s*[0-9０-９]{1,5}\s*号|(?:[\p{Han}]{2,20}令)?\s*[（(]?第\s*[0-9０-９]{1,5}\s*号[)）]?`)
	labelRe       = regexp.MustCompile(`(发文机关|发布机关|发文单位|制发机关|发布单位|文号|发文字号|发文号|成文日期|发文日期|发布日期|印发日期|公布日期|施行日期|实施日期|生效日期|有效期至|时效性|有效性|效力状态|效力|标题|名称|来源|索引号|主题分类|主题词|信息来源)\s*[:：]\s*`)
	orgRe         = regexp.MustCompile(`^[\p{Han}（）()、 ]{2,40}?(?:局|委员会|委|人民政府|政府|办事处|办公室|办公厅|中心|厅|部|处|科|署|院|会|所|站|队|街道|管委会|领导小组|联合会|协会|法院|检察院)$`)
	titleOrgRe    = regexp.MustCompile(`^([\p{Han}、 ]{2,60}?(?:局|委员会|委|人民政府|政府|办事处|办公室|办公厅|中心|厅|部|署|院|联合会|街道))\s*关于`)
	statusRe      = regexp.MustCompile(`^[【\[［（(]?\s*(?:此件|本件|该件|本文件|该文件|此文件|本文|该文)?\s*(已废止|已失效|废止|失效|已作废|作废|已过期)\s*[】\]］）)]?$`)
	titleStatusRe = regexp.MustCompile(`\s*[【\[［（(]\s*(已废止|已失效|废止|失效|已作废)\s*[】\]］）)]\s*$`)
	effectRe      = regexp.MustCompile(`自\s*(` + dateRe.String() + `)\s*起\s*(?:施行|实施|执行|生效|试行)`)
	effectIssueRe = regexp.MustCompile(`自\s*(?:印发|发布|公布|下发|签发)\s*之日起\s*(?:施行|实施|执行|生效|试行)`)
	untilRe       = regexp.MustCompile(`有效期\s*(?:至|到|截至|截止)\s*(` + dateRe.String() + `)`)
	yearsRe       = regexp.MustCompile(`有效期\s*(?:为)?\s*([0-9０-９]{1,2}|[一二三四五六七八九十]{1,2})\s*年`)
	repealsRe     = regexp.MustCompile(`同时废止|同时失效|停止执行|不再执行|予以废止|一并废止|同时停止`)
	bookRe        = regexp.MustCompile(`《([^》]{2,80})》`)
	numberInRe    = regexp.MustCompile(`[\p{Han}]{1,16}\s*[〔\[［（(【]\s*(?:19|20)[0-9]{2}\s*[〕\]］）)】]\s*第?\s*[0-9０-９]{1,5}\s*号`)
	replacedRe    = regexp.MustCompile(`^(?:注|说明|备注)?[:：]?\s*(?:本(?:办法|规定|通知|细则|意见|方案|文件|制度|决定|条例|规则|指引|指南|政策|文))?\s*(?:现)?\s*已?\s*(?:被|由)\s*(?:《([^》]{2,80})》|([\p{Han}]{1,16}\s*[〔\[［（(【]\s*(?:19|20)[0-9]{2}\s*[〕\]］）)】]\s*第?\s*[0-9０-９]{1,5}\s*号))[^。；，]{0,40}?(?:替代|代替|取代|废止|替换)`)
	selfRepealRe  = regexp.MustCompile(`^[【\[［（(]?(?:已废止|已失效|废止|失效)?[】\]］）)]?\s*(?:本|该|此)(?:办法|规定|通知|细则|意见|方案|文件|制度|决定|条例|规则|指引|指南|规范|清单|通告|公告|件)\s*(?:已|已经)(?:于[^。，；]{2,20})?(?:被)?\s*(废止|失效|作废)`)
	greetingRe    = regexp.MustCompile(`^各[\p{Han}、，, （）()]{1,80}[:：]$`)
	parenNoteRe   = regexp.MustCompile(`^[（(][^（）()]{2,60}[)）]$`)
)

// parseDate reads the first date in s, in a Chinese (2023年5月12日,
// 二〇二三年五月十二日) or ISO (2023-05-12) form, as midnight of the
// street's time zone; ok reports whether s held a valid one.
func parseDate(s string) (time.Time, bool) {
	var y, mo, d int
	if m := dateRe.FindStringSubmatch(s); m != nil {
		var ok1, ok2, ok3 bool
		y, ok1 = parseNumber(m[1])
		mo, ok2 = parseNumber(m[2])
		d, ok3 = parseNumber(m[3])
		if !ok1 || !ok2 || !ok3 {
			return time.Time{}, false
		}
	} else if m := isoDateRe.FindStringSubmatch(s); m != nil {
		y, _ = parseNumber(m[1])
		mo, _ = parseNumber(m[2])
		d, _ = parseNumber(m[3])
	} else {
		return time.Time{}, false
	}
	if y < 1949 || y > 2100 || mo < 1 || mo > 12 || d < 1 || d > 31 {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(mo), d, 0, 0, 0, 0, core.StreetTime)
	if t.Day() != d {
		return time.Time{}, false // 2月30日
	}
	return t, true
}

// onlyDate reports whether a line is a date and nothing else.
func onlyDate(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	loc := dateRe.FindStringIndex(s)
	if loc == nil {
		loc = isoDateRe.FindStringIndex(s)
	}
	if loc == nil || loc[0] != 0 || strings.TrimSpace(s[loc[1]:]) != "" {
		return time.Time{}, false
	}
	return parseDate(s)
}

// isOrg reports whether a line names an issuing body and nothing else.
func isOrg(s string) bool {
	if strings.Contains(s, "关于") || strings.ContainsAny(s, "的，。：") {
		return false
	}
	return orgRe.MatchString(s)
}

// meta is what the metadata rules found, and which blocks they used up.
type meta struct {
	title, number, source        string
	issuerLabel, issuerHead      string
	issuerSign, issuerTitle      string
	dateLabel, dateSign, datePub time.Time
	effective, until             time.Time
	effectOnIssue                bool // 自印发之日起施行
	untilYears                   int  // 有效期N年, from the date of effect
	status                       Validity
	supersededBy                 string
	supersedes                   []string
	drop                         map[int]bool
}

// labels reads the label: value pairs of a line ("发文机关：北京市海川区民
// 政局　成文日期：2023年5月12日") into m and reports whether the line is
// only labels.
func (m *meta) labels(line string) bool {
	locs := labelRe.FindAllStringSubmatchIndex(line, -1)
	if len(locs) == 0 || strings.TrimSpace(line[:locs[0][0]]) != "" {
		return false
	}
	for i, loc := range locs {
		end := len(line)
		if i+1 < len(locs) {
			end = locs[i+1][0]
		}
		m.label(line[loc[2]:loc[3]], strings.TrimSpace(line[loc[1]:end]))
	}
	return true
}

func (m *meta) label(name, value string) {
	value = strings.Trim(value, " 　;；,，|")
	if value == "" {
		return
	}
	switch name {
	case "发文机关", "发布机关", "发文单位", "制发机关", "发布单位":
		if m.issuerLabel == "" && utf8.RuneCountInString(value) <= 80 {
			m.issuerLabel = jointIssuers(value)
		}
	case "文号", "发文字号", "发文号":
		if m.number == "" && utf8.RuneCountInString(value) <= 40 {
			m.number = value
		}
	case "成文日期", "发文日期", "印发日期":
		if t, ok := parseDate(value); ok && m.dateLabel.IsZero() {
			m.dateLabel = t
		}
	case "发布日期", "公布日期":
		if t, ok := parseDate(value); ok && m.datePub.IsZero() {
			m.datePub = t
		}
	case "施行日期", "实施日期", "生效日期":
		if t, ok := parseDate(value); ok {
			m.effective = t
		}
	case "有效期至":
		if t, ok := parseDate(value); ok {
			m.until = t
		}
	case "时效性", "有效性", "效力状态", "效力":
		m.statusWord(value)
	case "标题", "名称":
		if m.title == "" && utf8.RuneCountInString(value) <= 120 {
			m.title = value
		}
	case "来源", "信息来源":
		if m.source == "" && utf8.RuneCountInString(value) <= 200 {
			m.source = value
		}
	}
}

// statusWord reads a stated validity (有效, 已废止, 失效, 被…替代).
func (m *meta) statusWord(v string) {
	switch {
	case strings.Contains(v, "替代") || strings.Contains(v, "代替") || strings.Contains(v, "取代"):
		if r := replacedRe.FindStringSubmatch(v); r != nil {
			m.supersededBy = r[1] + r[2]
		} else if b := bookRe.FindStringSubmatch(v); b != nil {
			m.supersededBy = b[1]
		} else {
			m.status = Superseded
		}
	case strings.Contains(v, "部分失效"), strings.Contains(v, "部分废止"):
		// still in force in part
	case strings.Contains(v, "废止"), strings.Contains(v, "作废"):
		m.status = Repealed
	case strings.Contains(v, "失效"), strings.Contains(v, "过期"):
		m.status = Expired
	}
}

// titleLike reports whether a line can be a title: not too long, no
// sentence, not an article or item.
func titleLike(s string) bool {
	n := utf8.RuneCountInString(s)
	if n < 2 || n > 100 || endsSentence(s) {
		return false
	}
	last, _ := utf8.DecodeLastRuneInString(s)
	if last == '：' || last == ':' {
		return false
	}
	if art, _ := articleStart(s); art != "" || partHeading(s) > 0 {
		return false
	}
	if mk, _ := itemMarker(s); mk != "" {
		return false
	}
	return true
}

// titleEndings are the words a title ends with.
var titleEndings = strings.Fields(`通知 办法 规定 细则 意见 方案 决定 条例 规则 指引 指南 公告 通告 批复 函 制度 标准 规范 须知 问答 解读 说明 计划 规划 要点 决议 命令 令 通报 报告 清单 目录 （试行） (试行) （暂行） 》`)

// hasTitleEnd reports whether s ends as a title does (…的通知, …办法).
func hasTitleEnd(s string) bool {
	for _, e := range titleEndings {
		if strings.HasSuffix(s, e) {
			return true
		}
	}
	return false
}

// scanMeta reads the metadata of a draft's blocks and marks the header
// and signature blocks it used up, which are no passages.
func scanMeta(d *draft) meta {
	m := meta{drop: map[int]bool{}}
	for _, kv := range d.meta {
		m.labels(kv)
	}
	bl := d.blocks
	// Header: until the first paragraph of the body. A page whose markup
	// marks its title (a first-level heading, a Title style) has it there,
	// and the lines above it (a site's breadcrumbs) are no title.
	markupTitle := -1
	for i := 0; i < len(bl) && i < 16; i++ {
		if bl[i].title || bl[i].level == 1 && partHeading(bl[i].text) == 0 {
			markupTitle = i
			break
		}
	}
	titleAt := -1
	for i := 0; i < len(bl) && i < 16; i++ {
		t := strings.TrimSpace(bl[i].text)
		if t == "" {
			m.drop[i] = true
			continue
		}
		if bl[i].level == 0 && m.labels(t) {
			m.drop[i] = true
			continue
		}
		if r := replacedRe.FindStringSubmatch(unbracket(t)); r != nil {
			m.supersededBy = r[1] + r[2]
			m.drop[i] = true
			continue
		}
		if r := statusRe.FindStringSubmatch(t); r != nil {
			m.statusWord(r[1])
			m.drop[i] = true
			continue
		}
		if r := selfRepealRe.FindStringSubmatch(t); r != nil && utf8.RuneCountInString(t) <= 80 {
			m.statusWord(r[1])
			m.drop[i] = true
			continue
		}
		if org, ok := strings.CutSuffix(t, "文件"); ok && isOrg(strings.TrimSpace(org)) && titleAt < 0 {
			m.issuerHead = normHeading(org)
			m.drop[i] = true
			continue
		}
		if org, ok := strings.CutSuffix(t, "令"); ok && isOrg(org) && i+1 < len(bl) && numberLine(bl[i+1].text) != "" {
			m.issuerHead = org // 海川区人民政府令 above 第12号
			m.drop[i] = true
			continue
		}
		if n := numberLine(t); n != "" {
			if m.number == "" {
				m.number = n
			}
			m.drop[i] = true
			continue
		}
		if dt, ok := onlyDate(t); ok {
			if m.dateSign.IsZero() {
				m.dateSign = dt
			}
			m.drop[i] = true
			continue
		}
		if titleAt < 0 && i < markupTitle && !bl[i].title && bl[i].level == 0 && !isOrg(t) {
			continue
		}
		if titleAt < 0 {
			if bl[i].level == 0 && isOrg(t) && i+1 < len(bl) && !isOrg(bl[i+1].text) && titleLike(bl[i+1].text) {
				m.issuerHead = t // the issuer's name above the title
				m.drop[i] = true
				continue
			}
			if bl[i].title || bl[i].level > 0 || (bl[i].level == 0 && titleLike(t)) {
				if bl[i].level > 0 && (partHeading(t) > 0 || i > 0 && !bl[i].title && bl[i].level > 2) {
					break
				}
				if m.title != "" && bl[i].level == 0 && !bl[i].title && normHeading(t) != m.title {
					break // the metadata's title, and the text starts with its body
				}
				title := t
				m.drop[i] = true
				// A title wrapped on two lines.
				if j := i + 1; j < len(bl) && bl[j].level == bl[i].level && !bl[j].gap && !hasTitleEnd(title) &&
					titleLike(bl[j].text) && hasTitleEnd(strings.TrimSpace(bl[j].text)) {
					title = joinText(title, strings.TrimSpace(bl[j].text))
					m.drop[j] = true
					i = j
				}
				if strings.HasPrefix(title, "关于") && i > 0 && m.drop[i-1] && m.issuerHead == strings.TrimSpace(bl[i-1].text) {
					title = m.issuerHead + title // the issuer's name on the line above
				}
				m.setTitle(title)
				titleAt = i
				continue
			}
			break
		}
		// After the title: a parenthetical note (（2023年5月12日区民政局
		// 印发）), the addressees (各街道办事处：).
		if parenNoteRe.MatchString(t) {
			if dt, ok := parseDate(t); ok && m.dateSign.IsZero() {
				m.dateSign = dt
			}
			if strings.Contains(t, "印发") || strings.Contains(t, "发布") || strings.Contains(t, "通过") || dateRe.MatchString(t) {
				m.drop[i] = true
				continue
			}
			break
		}
		if greetingRe.MatchString(t) {
			m.drop[i] = true
		}
		break
	}
	// Signature: the issuing bodies and the date at the end, or above the
	// annexes.
	end := len(bl)
	for i := titleAt + 1; i < len(bl); i++ {
		if bl[i].level == 0 && annexRe.MatchString(strings.TrimSpace(bl[i].text)) && i > 0 {
			prev := strings.TrimSpace(bl[i-1].text)
			if _, ok := onlyDate(prev); ok || isOrg(prev) {
				end = i
				break
			}
		}
	}
	sawDate := false
	for i, k := end-1, 0; i > titleAt && k < 8; i, k = i-1, k+1 {
		t := strings.TrimSpace(bl[i].text)
		if bl[i].level > 0 || m.drop[i] {
			break
		}
		if dt, ok := onlyDate(t); ok && !sawDate {
			m.dateSign, sawDate = dt, true
			m.drop[i] = true
			continue
		}
		if loc := dateRe.FindStringIndex(t); loc != nil && !sawDate && strings.TrimSpace(t[loc[1]:]) == "" && isOrg(strings.TrimSpace(t[:loc[0]])) {
			m.dateSign, sawDate = mustDate(t[loc[0]:]), true
			m.issuerSign = strings.TrimSpace(t[:loc[0]])
			m.drop[i] = true
			break
		}
		if isOrg(t) && utf8.RuneCountInString(t) <= 40 {
			if m.issuerSign == "" {
				m.issuerSign = t
			} else {
				m.issuerSign = t + "、" + m.issuerSign
			}
			m.drop[i] = true
			continue
		}
		if parenNoteRe.MatchString(t) && (strings.Contains(t, "公开") || strings.Contains(t, "联系")) && !sawDate {
			continue
		}
		break
	}
	if m.title == "" {
		m.setTitle(strings.TrimSpace(d.metaTitle))
	}
	if r := titleOrgRe.FindStringSubmatch(m.title); r != nil {
		m.issuerTitle = strings.TrimSpace(r[1])
	}
	m.body(bl)
	return m
}

// jointIssuers writes several issuing bodies separated by spaces as
// the list they are (海川区民政局　海川区财政局 → 海川区民政局、海川区财政局).
func jointIssuers(v string) string {
	parts := strings.Fields(v)
	if len(parts) < 2 {
		return v
	}
	for _, p := range parts {
		if !isOrg(p) {
			return v
		}
	}
	return strings.Join(parts, "、")
}

// unbracket takes the brackets around a note off (【…】, […], （…）).
func unbracket(t string) string {
	for _, p := range [][2]string{{"【", "】"}, {"[", "]"}, {"［", "］"}, {"（", "）"}, {"(", ")"}} {
		if strings.HasPrefix(t, p[0]) && strings.HasSuffix(t, p[1]) {
			return strings.TrimSpace(t[len(p[0]) : len(t)-len(p[1])])
		}
	}
	return t
}

func mustDate(s string) time.Time { t, _ := parseDate(s); return t }

// setTitle sets the title, taking a status written after it ("（已废止）")
// off.
func (m *meta) setTitle(t string) {
	if r := titleStatusRe.FindStringSubmatchIndex(t); r != nil {
		m.statusWord(t[r[2]:r[3]])
		t = t[:r[0]]
	}
	if m.title == "" {
		m.title = normHeading(t)
	}
}

// numberLine returns the 文号 of a header line that holds one and little
// else (a 签发人 may follow it).
func numberLine(t string) string {
	loc := numberRe.FindStringIndex(t)
	if loc == nil {
		return ""
	}
	rest := strings.TrimSpace(t[:loc[0]] + " " + t[loc[1]:])
	if rest != "" && !strings.HasPrefix(rest, "签发人") && utf8.RuneCountInString(rest) > 4 {
		return ""
	}
	n := strings.TrimSpace(t[loc[0]:loc[1]])
	n = strings.Trim(n, "（）()")
	return spacesRe.ReplaceAllString(n, "")
}

// body reads the sentences of the body for the dates of effect and the
// documents replaced.
func (m *meta) body(bl []block) {
	seen := map[string]bool{}
	for i, b := range bl {
		if m.drop[i] {
			continue
		}
		for _, s := range sentences(b.text) {
			if !strings.ContainsAny(s, "施有废失替代执行效") {
				continue
			}
			s = strings.TrimSpace(s)
			if m.effective.IsZero() && strings.Contains(s, "起") {
				if r := effectRe.FindStringSubmatch(s); r != nil {
					m.effective, _ = parseDate(r[1])
				} else if effectIssueRe.MatchString(s) {
					m.effectOnIssue = true
				}
			}
			if m.until.IsZero() && m.untilYears == 0 && strings.Contains(s, "有效期") {
				if r := untilRe.FindStringSubmatch(s); r != nil {
					m.until, _ = parseDate(r[1])
				} else if r := yearsRe.FindStringSubmatch(s); r != nil {
					if n, ok := parseNumber(r[1]); ok && n > 0 {
						m.untilYears = n
					}
				}
			}
			if strings.Contains(s, "》") || strings.Contains(s, "号") {
				if r := replacedRe.FindStringSubmatch(s); r != nil {
					m.supersededBy = r[1] + r[2]
					continue
				}
			}
			if r := selfRepealRe.FindStringSubmatch(s); r != nil {
				m.statusWord(r[1])
				continue
			}
			if strings.ContainsAny(s, "废失停不") && repealsRe.MatchString(s) {
				for _, bk := range bookRe.FindAllStringSubmatch(s, -1) {
					if !seen[bk[1]] {
						seen[bk[1]] = true
						m.supersedes = append(m.supersedes, bk[1])
					}
				}
				for _, n := range numberInRe.FindAllString(s, -1) {
					n = spacesRe.ReplaceAllString(n, "")
					if !seen[n] {
						seen[n] = true
						m.supersedes = append(m.supersedes, n)
					}
				}
			}
		}
	}
}
