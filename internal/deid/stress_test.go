package deid

import (
	"fmt"
	"strings"
	"testing"
)

// clausesC are deliberately hard: names without any context word, colloquial
// 老张/小李, numbers spelt in Chinese, obfuscated e-mail, odd spacing. The
// recognizers are not expected to find most of them; BenchmarkStressRecall
// reports the figures, so that the known gaps are measured rather than
// guessed.
var clausesC = []clause{
	func(g *gen, d *docBuilder) {
		d.pii(Person, g.fullName()).t(g.pick("家门口堆放杂物", "家漏水", "的车挡住了路"))
	},
	func(g *gen, d *docBuilder) {
		d.t(g.pick("听", "和", "跟", "据")).pii(Person, g.fullName()).t("说")
	},
	func(g *gen, d *docBuilder) {
		d.t(g.pick("老", "小")).pii(Person, g.surname()).t(g.pick("说", "反映", "家"))
	},
	func(g *gen, d *docBuilder) {
		m := g.mobile()
		cn := strings.NewReplacer("0", "零", "1", "一", "2", "二", "3", "三", "4", "四", "5", "五", "6", "六", "7", "七", "8", "八", "9", "九").Replace(m)
		d.t("电话").pii(Phone, cn)
	},
	func(g *gen, d *docBuilder) { d.t("邮箱").pii(Email, g.pick(pinyin...)+" at 163.com") },
	func(g *gen, d *docBuilder) {
		d.t("车牌").pii(Plate, string(provAbbr[g.r.IntN(len(provAbbr))])+" A"+g.digits(5))
	},
	func(g *gen, d *docBuilder) { d.t("V信").pii(IMID, g.pick(pinyin...)+g.digits(4)) },
	func(g *gen, d *docBuilder) {
		d.t(g.compound()).pii(Address, fmt.Sprintf("%d号楼的%d", g.between(1, 20), g.between(101, 2008)))
	},
	func(g *gen, d *docBuilder) { d.t(g.pick(issues...)) },
}

// BenchmarkStressRecall measures recall on the hard clauses, per type, as
// metrics: go test ./internal/deid -run XXX -bench StressRecall. It is a
// figure to watch, not a gate (the clauses are beyond the recognizers).
func BenchmarkStressRecall(b *testing.B) {
	per := map[Type]*prf{}
	for b.Loop() {
		per = map[Type]*prf{}
		g := newGen(*evalSeed + 2)
		for i := 0; i < 2000; i++ {
			var d docBuilder
			for j := 0; j < 4; j++ {
				clausesC[g.r.IntN(len(clausesC))](g, &d)
				d.t("，")
			}
			pred := map[goldSpan]bool{}
			for _, s := range Spans(d.b.String()) {
				pred[goldSpan{s.Type, s.Start, s.End}] = true
			}
			for _, gs := range d.gold {
				c := per[gs.Type]
				if c == nil {
					c = &prf{}
					per[gs.Type] = c
				}
				if pred[gs] {
					c.tp++
				} else {
					c.fn++
				}
			}
		}
	}
	for _, ty := range Types {
		if c := per[ty]; c != nil {
			b.ReportMetric(c.r(), "recall-"+string(ty))
		}
	}
}
