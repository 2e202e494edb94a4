package demo

import (
	"math/rand/v2"
	"strconv"
)

// Makers of personal data. The values look real and pass the checks real
// validators apply (GB 11643 check characters, Luhn, number plans), so that
// de-identification has real work; a few ID numbers are deliberately wrong.

var surnames = []string{
	"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林", "罗",
	"郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾", "肖", "田", "董", "袁", "潘", "于", "蒋", "蔡",
	"余", "杜", "叶", "程", "苏", "魏", "吕", "丁", "任", "沈", "姚", "卢", "姜", "崔", "钟", "谭", "陆", "汪", "范", "金",
	"石", "廖", "贾", "夏", "付", "方", "白", "邹", "孟", "熊", "秦", "邱", "江", "尹", "薛", "闫", "段", "雷", "侯", "史",
	"欧阳", "司马", "上官",
}

// surnameCut makes the first surnames much more common, as they are.
var surnameCut = func() []float64 {
	w := make([]float64, len(surnames))
	for i := range w {
		w[i] = 1 / float64(i+4)
	}
	return cumulative(w)
}()

var givenChars = []rune("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰建国志红梅凤春海波宁浩宇子涵欣怡思雨晨阳佳琪博文俊杰" +
	"淑珍丹萍鹏飞彬斌辉新立德福贵秋月小燕云龙玲晓东金凯瑞婷雪亮慧颖倩萱梓轩一诺")

var honorifics = []string{"先生", "女士", "阿姨", "大爷", "师傅", "老师", "大姐", "奶奶"}

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

func surname(r *rand.Rand) string { return surnames[pickCum(r, surnameCut)] }

// personName returns a full name: surname and one or two given characters.
func personName(r *rand.Rand) (full, family string) {
	family = surname(r)
	b := []byte(family)
	n := 1
	if r.Float64() < 0.68 {
		n = 2
	}
	for i := 0; i < n; i++ {
		b = append(b, string(givenChars[r.IntN(len(givenChars))])...)
	}
	return string(b), family
}

var mobilePrefixes = []string{"130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152",
	"155", "156", "157", "158", "159", "166", "173", "175", "176", "177", "178", "180", "181", "182", "183", "185",
	"186", "187", "188", "189", "191", "198", "199"}

// mobile returns an 11-digit mainland mobile number.
func mobile(r *rand.Rand) string {
	b := make([]byte, 0, 11)
	b = append(b, pick(r, mobilePrefixes)...)
	for len(b) < 11 {
		b = append(b, byte('0'+r.IntN(10)))
	}
	return string(b)
}

// landline returns an 8-digit Beijing number (without area code).
func landline(r *rand.Rand) string {
	b := []byte{pick(r, []byte("6658"))}
	for len(b) < 8 {
		b = append(b, byte('0'+r.IntN(10)))
	}
	return string(b)
}

// formatPhone writes a phone number the many ways people and exports do.
func formatPhone(r *rand.Rand) string {
	if r.Float64() < 0.18 {
		l := landline(r)
		switch r.IntN(5) {
		case 0:
			return "010-" + l
		case 1:
			return "(010)" + l
		case 2:
			return "010 " + l[:4] + " " + l[4:]
		case 3:
			return "010" + l
		default:
			return l
		}
	}
	m := mobile(r)
	x := r.Float64()
	switch {
	case x < 0.70:
		return m
	case x < 0.82:
		return m[:3] + " " + m[3:7] + " " + m[7:]
	case x < 0.89:
		return m[:3] + "-" + m[3:7] + "-" + m[7:]
	case x < 0.95:
		return "+86 " + m[:3] + " " + m[3:7] + " " + m[7:]
	default:
		return "+86" + m
	}
}

var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

// idCheck returns the GB 11643 check character for the first 17 digits.
func idCheck(first17 string) byte {
	s := 0
	for i := 0; i < 17; i++ {
		s += int(first17[i]-'0') * idWeights[i]
	}
	return "10X98765432"[s%11]
}

// Region codes of residents: mostly Beijing districts, some from the usual
// home provinces of people who moved to Beijing.
var idRegions = []string{"110108", "110108", "110108", "110105", "110102", "110106", "110114", "110101",
	"130102", "130602", "370102", "410105", "420106", "220102", "340104", "510107", "230103", "140105", "610113"}

// idNumber returns an 18-character resident ID; when valid is false its check
// character is wrong (as typed-in numbers sometimes are).
func idNumber(r *rand.Rand, valid bool) string {
	b := make([]byte, 0, 18)
	b = append(b, pick(r, idRegions)...)
	y := 1938 + r.IntN(68)
	m := 1 + r.IntN(12)
	d := 1 + r.IntN(28)
	b = strconv.AppendInt(b, int64(y), 10)
	b = append(b, byte('0'+m/10), byte('0'+m%10), byte('0'+d/10), byte('0'+d%10))
	for len(b) < 17 {
		b = append(b, byte('0'+r.IntN(10)))
	}
	c := idCheck(string(b))
	if !valid {
		c = "0123456789X"[(strconvIndex(c)+1+r.IntN(10))%11]
	}
	return string(append(b, c))
}

func strconvIndex(c byte) int {
	if c == 'X' {
		return 10
	}
	return int(c - '0')
}

// luhnCheck returns the Luhn check digit for digits.
func luhnCheck(digits string) byte {
	s := 0
	double := true
	for i := len(digits) - 1; i >= 0; i-- {
		d := int(digits[i] - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		s += d
		double = !double
	}
	return byte('0' + (10-s%10)%10)
}

// luhnValid reports whether a string of digits passes the Luhn check.
func luhnValid(s string) bool {
	if len(s) < 2 {
		return false
	}
	return luhnCheck(s[:len(s)-1]) == s[len(s)-1]
}

var cardBINs = []string{"622202", "621700", "622848", "621661", "622588", "623058", "621483", "622908"}

// bankCard returns a 16- or 19-digit debit card number with a Luhn check digit.
func bankCard(r *rand.Rand) string {
	n := 19
	if r.IntN(3) == 0 {
		n = 16
	}
	b := make([]byte, 0, n)
	b = append(b, pick(r, cardBINs)...)
	for len(b) < n-1 {
		b = append(b, byte('0'+r.IntN(10)))
	}
	return string(append(b, luhnCheck(string(b))))
}

const plateLetters = "ABCDEFGHJKLMNPQY" // 京 letters in use; I and O are never used

// plate returns a Beijing licence plate: 京A·12345, 京A12345 or a
// new-energy 京AD12345.
func plate(r *rand.Rand) string {
	b := []byte("京")
	b = append(b, plateLetters[r.IntN(len(plateLetters))])
	if r.Float64() < 0.2 {
		b = append(b, "DF"[r.IntN(2)])
		for i := 0; i < 5; i++ {
			b = append(b, byte('0'+r.IntN(10)))
		}
		return string(b)
	}
	if r.Float64() < 0.4 {
		b = append(b, "·"...)
	}
	const alnum = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"
	for i := 0; i < 5; i++ {
		if i < 3 || r.Float64() < 0.7 {
			b = append(b, byte('0'+r.IntN(10)))
		} else {
			b = append(b, alnum[r.IntN(len(alnum))])
		}
	}
	return string(b)
}

var pinyin = []string{"wang", "li", "zhang", "liu", "chen", "yang", "huang", "zhao", "wu", "zhou", "xu", "sun",
	"ma", "zhu", "hu", "guo", "he", "gao", "lin", "luo", "wei", "fang", "jun", "min", "jing", "hua", "ming",
	"lei", "tao", "yan", "xiao", "hong", "ping", "qiang", "yu", "xin"}

// email returns a personal e-mail address.
func email(r *rand.Rand) string {
	b := []byte(pick(r, pinyin))
	b = append(b, pick(r, pinyin)...)
	if r.IntN(2) == 0 {
		b = strconv.AppendInt(b, int64(1960+r.IntN(45)), 10)
	} else {
		b = strconv.AppendInt(b, int64(r.IntN(1000)), 10)
	}
	if r.IntN(4) == 0 {
		b = []byte(strconv.Itoa(10000000 + r.IntN(2000000000)))
		return string(b) + "@qq.com"
	}
	return string(b) + pick(r, []string{"@163.com", "@126.com", "@qq.com", "@sina.com", "@139.com", "@outlook.com"})
}

// wechat returns a WeChat ID: an assigned wxid_… or a chosen one.
func wechat(r *rand.Rand) string {
	const lower = "abcdefghijklmnopqrstuvwxyz0123456789"
	if r.IntN(3) == 0 {
		b := []byte("wxid_")
		for i := 0; i < 14; i++ {
			b = append(b, lower[r.IntN(len(lower))])
		}
		return string(b)
	}
	b := []byte(pick(r, pinyin))
	b = append(b, pick(r, []string{"_", "", "-"})...)
	b = append(b, pick(r, pinyin)...)
	return string(strconv.AppendInt(b, int64(r.IntN(10000)), 10))
}

// cumulative turns weights into a cumulative table for pickCum.
func cumulative(w []float64) []float64 {
	c := make([]float64, len(w))
	s := 0.0
	for i, x := range w {
		s += x
		c[i] = s
	}
	return c
}

// pickCum draws an index with probability proportional to its weight.
func pickCum(r *rand.Rand, cum []float64) int {
	x := r.Float64() * cum[len(cum)-1]
	lo, hi := 0, len(cum)-1
	for lo < hi {
		m := (lo + hi) / 2
		if cum[m] > x {
			hi = m
		} else {
			lo = m + 1
		}
	}
	return lo
}
