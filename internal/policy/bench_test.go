package policy

import (
	"fmt"
	"strings"
	"testing"
)

// bigDocument is a generated 办法 of chapters of articles with clauses and
// items, wrapped at 34 characters as text out of a PDF is, and a notice
// part of numbered headings over long paragraphs.
func bigDocument(chapters, articles int) []byte {
	var b strings.Builder
	b.WriteString("北京市海川区民政局文件\n海民发〔2024〕99号\n海川区社会救助综合管理办法\n\n")
	n := 0
	for c := 1; c <= chapters; c++ {
		fmt.Fprintf(&b, "第%s章　第%d部分规定\n", cnNumber(c), c)
		for a := 1; a <= articles; a++ {
			n++
			fmt.Fprintf(&b, "第%s条　清河湾街道办事处应当在受理第%d类申请之日起十个工作日内完成审核，并将审核结果书面告知申请人。", cnNumber(n), n)
			if a%3 == 0 {
				b.WriteString("申请材料包括：\n（一）申请人的身份证明；\n（二）家庭收入和财产状况的说明；\n（三）其他需要提供的材料。\n")
			} else {
				b.WriteString("\n对审核结果有异议的，申请人可以自收到书面告知之日起五个工作日内向区民政局申请复核，区民政局应当在十五个工作日内作出复核决定。\n")
			}
		}
	}
	for h := 1; h <= chapters*10; h++ {
		fmt.Fprintf(&b, "%s、工作要求\n", cnNumber(h))
		para := strings.Repeat("各社区居民委员会要切实履行协助职责，做好政策宣传、入户调查和动态管理工作，确保救助政策落实到位。", 4)
		rs := []rune(para)
		for i := 0; i < len(rs); i += 34 {
			b.WriteString(string(rs[i:min(i+34, len(rs))]))
			b.WriteByte('\n')
		}
	}
	b.WriteString("北京市海川区民政局\n2024年1月5日\n")
	return []byte(b.String())
}

func BenchmarkParse(b *testing.B) {
	doc := bigDocument(20, 150) // about 3,000 articles
	benchParse(b, "big.txt", doc)
}

func BenchmarkParseHTML(b *testing.B) {
	var h strings.Builder
	h.WriteString("<html><head><title>海川区社会救助综合管理办法</title></head><body>")
	for _, line := range strings.Split(string(bigDocument(20, 150)), "\n") {
		fmt.Fprintf(&h, "<p>%s</p>\n", line)
	}
	h.WriteString("</body></html>")
	doc := []byte(h.String())
	benchParse(b, "big.html", doc)
}

// benchParse parses doc as the file name, reporting its bytes and the
// passages made per second.
func benchParse(b *testing.B, name string, doc []byte) {
	b.Helper()
	b.SetBytes(int64(len(doc)))
	passages := 0
	for b.Loop() {
		d, err := Parse("big", name, doc, Options{})
		if err != nil {
			b.Fatal(err)
		}
		passages += len(d.Passages)
	}
	b.ReportMetric(float64(passages)/b.Elapsed().Seconds(), "passages/s")
}
