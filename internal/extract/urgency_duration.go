package extract

import "slices"

// The long durations of a letter: a matter that has dragged on for years
// (已近三年, 十几年来, 拖了五年, 多年未, 从2015年…至今). A long duration is a
// 复杂 cue of its own weight (the cue <时长> of urgency.csv), below 1: a
// street lamp broken for years is still 一般; with a dispute or an
// institution (拆迁, 房产证, 法院, 信访…) it makes the letter 复杂.
var (
	// durationNumerals may stand before 年 in a number of years.
	durationNumerals = []rune("0123456789一二两三四五六七八九十几数多")
	// durationAfter may follow 年 in a duration: 三年多, 十年来, 五年了,
	// 两年之久, 多年以来, 三年有余, 多年未, 十年的时间, 五年，.
	durationAfter = []rune("多来了之以有未没不都也还仍时间里过的")
	// durationSuffixes extend the span shown: 十年来, 三年之久.
	durationSuffixes = runesOf("多来", "多了", "以来", "之久", "有余", "多", "来", "了")
	// durationPrefixes extend the span shown: 已近三年, 拖了五年.
	durationPrefixes = runesOf("已经", "已近", "将近", "长达", "整整", "拖了", "近", "已", "好", "这么")
	// sinceWords after a year in the same sentence make it a duration:
	// 从2015年起……至今.
	sinceWords = runesOf("至今", "到现在", "到目前", "到今天", "以来")
)

// longDurations calls fn with the span of each long duration in rs (folded
// runes) and the text to show for it.
func longDurations(rs []rune, fn func(pos, end int, text string)) {
	for i := 0; i < len(rs); i++ {
		if rs[i] != '年' {
			continue
		}
		j := i
		for j > 0 && i-j < 5 && slices.Contains(durationNumerals, rs[j-1]) {
			j--
		}
		if j == i {
			continue
		}
		if i-j == 4 && isDigits(rs[j:i]) {
			if p, ok := sinceAfter(rs, i+1); ok {
				fn(j, i+1, string(rs[j:i+1])+"…"+string(p))
			}
			continue
		}
		if !isLongYears(rs, j, i) {
			continue
		}
		start, end := j, i+1
		for _, p := range durationPrefixes {
			if endsWithAny(rs, start, [][]rune{p}) {
				start -= len(p)
				break
			}
		}
		for _, s := range durationSuffixes {
			if hasPrefix(rs[end:], s) {
				end += len(s)
				break
			}
		}
		fn(start, end, string(rs[start:end]))
		i = end - 1
	}
}

// isLongYears reports whether rs[j:i], the numerals before 年 at i, count
// two years or more as a duration: not 一年, not a year of a date (17年8月,
// 18年底), not every or the nth year (每三年, 第五年), not 多年前 (a time,
// not a length) nor 多年轻人.
func isLongYears(rs []rune, j, i int) bool {
	num := rs[j:i]
	next := rune(0)
	if i+1 < len(rs) {
		next = rs[i+1]
	}
	if j > 0 && (rs[j-1] == '每' || rs[j-1] == '第') {
		return false
	}
	if next != 0 && !isBoundary(next) && !slices.Contains(durationAfter, next) {
		return false
	}
	if isDigits(num) {
		switch {
		case len(num) == 1 && num[0] >= '2':
			return true
		case len(num) == 1 || num[0] == '0':
			return false
		default:
			// 15年来 is fifteen years; 15年, alone, is a year (2015).
			return slices.Contains([]rune("多来之以有"), next)
		}
	}
	return len(num) > 1 || num[0] != '一' // 一年, 一年多: not years
}

// sinceAfter returns the word of sinceWords that ends the sentence
// starting at i, if one does.
func sinceAfter(rs []rune, i int) ([]rune, bool) {
	for k := i; k < len(rs) && !isSentenceEnd(rs[k]); k++ {
		for _, w := range sinceWords {
			if hasPrefix(rs[k:], w) {
				return w, true
			}
		}
	}
	return nil, false
}

func isDigits(rs []rune) bool {
	for _, r := range rs {
		if r < '0' || r > '9' {
			return false
		}
	}
	return len(rs) > 0
}
