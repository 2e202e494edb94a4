package linkage

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// genEnterprises makes n enterprises registered twice (a market-regulation
// list and a street's own ledger) with the ledger's usual differences: the
// city prefix or the company form dropped, a typo, the USCC missing, a new
// legal person, a move. It returns the records in EnterpriseConfig's order
// and the true enterprise of each.
func genEnterprises(n int, seed uint64) ([]Record, []int32) {
	g := newGenerator(seed)
	rng := rand.New(rand.NewPCG(seed, 99))
	words := runesOf("华信达通源盛恒泰宏远博创新科瑞丰鑫隆昌德康安佳美乐")
	trades := []string{"科技", "商贸", "餐饮管理", "建筑工程", "物业管理", "文化传媒", "信息技术", "医药"}
	var recs []Record
	var truth []int32
	const alnum = "0123456789ABCDEFGHJKLMNPQRTUWXY"
	for e := range n {
		core := words[rng.IntN(len(words))] + words[rng.IntN(len(words))]
		if rng.IntN(3) == 0 {
			core += words[rng.IntN(len(words))]
		}
		name := "北京" + core + trades[rng.IntN(len(trades))] + "有限公司"
		uscc := "91110105"
		for range 10 {
			uscc += string(alnum[rng.IntN(len(alnum))])
		}
		legal := g.surname.pick(g.rng) + g.givenName(rng.IntN(2) == 0)
		addr := g.home()
		full := g.formatAddress(addr, false)
		recs = append(recs, Record{Source: "市场监管", ID: fmt.Sprint("M", e), Values: []string{name, uscc, legal, full}})
		truth = append(truth, int32(e))
		if rng.Float64() < 0.2 {
			continue // not in the ledger
		}
		v := []string{name, uscc, legal, g.formatAddress(addr, true)}
		rs := []rune(v[0])
		switch x := rng.Float64(); {
		case x < 0.3:
			v[0] = string(rs[2:]) // without 北京
		case x < 0.45:
			v[0] = string(rs[:len(rs)-4]) + "公司"
		case x < 0.55:
			k := 2 + rng.IntN(len(core))
			rs[k] = []rune(words[rng.IntN(len(words))])[0]
			v[0] = string(rs)
		}
		if rng.Float64() < 0.25 {
			v[1] = ""
		}
		if rng.Float64() < 0.1 {
			v[2] = g.surname.pick(g.rng) + g.givenName(true)
		}
		if rng.Float64() < 0.1 {
			v[3] = g.formatAddress(g.home(), true)
		}
		recs = append(recs, Record{Source: "街道台账", ID: fmt.Sprint("L", e), Values: v})
		truth = append(truth, int32(e))
	}
	return recs, truth
}

func TestLinkEnterprises(t *testing.T) {
	recs, truth := genEnterprises(6000, 21)
	l, err := Link(EnterpriseConfig(), recs)
	if err != nil {
		t.Fatal(err)
	}
	r := l.Result()
	cl := EvaluateClusters(r.Cluster, truth)
	base := EvaluateClusters(exactCodeClusters(recs, 1), truth)
	t.Logf("enterprises: %d records, %d candidates; clusters %+v; exact USCC %+v", len(recs), r.Stats.Candidates, cl, base)
	if cl.Precision < 0.95 || cl.Recall < 0.9 || cl.Recall < base.Recall+0.1 {
		t.Errorf("enterprise clusters precision %.4f recall %.4f (exact USCC recall %.4f)", cl.Precision, cl.Recall, base.Recall)
	}
}

// exactCodeClusters is ExactKeyClusters for a code field.
func exactCodeClusters(recs []Record, fi int) []int32 {
	first := map[string]int32{}
	out := make([]int32, len(recs))
	for i, r := range recs {
		out[i] = int32(i)
		v := NormalizeCode(r.Values[fi])
		if v == "" {
			continue
		}
		if c, ok := first[v]; ok {
			out[i] = c
		} else {
			first[v] = int32(i)
		}
	}
	return out
}
