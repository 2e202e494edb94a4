package classify

import (
	"encoding/csv"
	"fmt"
	"math"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"jiceng/internal/realtext"
	"jiceng/internal/text"
)

// curatedMerges are alias merges a curator would make in a tag library
// (the first phrase is the tag, the others merged into it). They come from
// general knowledge of the complaints, not from the test folds.
var curatedMerges = [][]string{
	{"电梯故障", "电梯坏", "电梯停运"},
	{"拖欠工资", "欠薪", "工资拖欠", "拖欠农民工工资"},
	{"噪音扰民", "噪声扰民"},
	{"违章建筑", "违建", "违章搭建", "私搭乱建"},
	{"停水", "断水", "没水"},
	{"房产证", "不动产证", "产权证"},
	{"养老金", "退休金"},
	{"非法营运", "黑车"},
	{"退费", "退款"},
	{"臭味", "异味"},
	{"二孩", "二胎"},
	{"医疗纠纷", "医患"},
}

// mineTags mines a tag library from segmented training documents: token
// 1- to 3-grams of 3 to 10 runes found in at least minDF documents, at
// least purity of them in one class; the perClass most frequent for each
// class. merges are then applied: each group becomes one tag, and a mined
// phrase of a group is folded into it.
func mineTags(tokens [][]string, labels []string, perClass, minDF int, purity float64, merges [][]string) []Tag {
	type cand struct {
		phrase string
		df     int
		class  string
	}
	df := map[string]map[string]int{}
	for i, toks := range tokens {
		seen := map[string]bool{}
		for n := 1; n <= 3; n++ {
			for j := 0; j+n <= len(toks); j++ {
				p := strings.Join(toks[j:j+n], "")
				if l := len(text.AppendContent(nil, p)); l < 3 || utf8.RuneCountInString(p) > 10 || seen[p] {
					continue
				}
				seen[p] = true
				if df[p] == nil {
					df[p] = map[string]int{}
				}
				df[p][labels[i]]++
			}
		}
	}
	byClass := map[string][]cand{}
	for p, m := range df {
		total, best, bestN := 0, "", 0
		for l, n := range m {
			total += n
			if n > bestN || (n == bestN && l < best) {
				best, bestN = l, n
			}
		}
		if total >= minDF && float64(bestN) >= purity*float64(total) {
			byClass[best] = append(byClass[best], cand{p, bestN, best})
		}
	}
	inMerge := map[string]bool{}
	for _, g := range merges {
		for _, p := range g {
			inMerge[p] = true
		}
	}
	var tags []Tag
	classes := make([]string, 0, len(byClass))
	for c := range byClass {
		classes = append(classes, c)
	}
	sort.Strings(classes)
	for _, c := range classes {
		cs := byClass[c]
		sort.Slice(cs, func(a, b int) bool {
			if cs[a].df != cs[b].df {
				return cs[a].df > cs[b].df
			}
			return cs[a].phrase < cs[b].phrase
		})
		for _, x := range cs[:min(perClass, len(cs))] {
			if !inMerge[x.phrase] {
				tags = append(tags, Tag{Name: x.phrase})
			}
		}
	}
	for _, g := range merges {
		tags = append(tags, Tag{Name: g[0], Aliases: slices.Clone(g[1:])})
	}
	return tags
}

// TestDevTags measures the tag library as classifier features on the dev
// messages (not in the repository): 5-fold stratified cross-validation
// where each fold's library is mined from its four training folds only
// (mineTags), then the default model trained without and with tags:
//
//	JICENG_DEV_MESSAGES=/work/shared/data/messages_dev.csv go test ./internal/classify -run TestDevTags -v -timeout 30m
//
// JICENG_DEV_SEEDS picks the fold seeds (default "1"),
// JICENG_DEV_TAG_VARIANTS the variants besides "no tags" (default all). With
// JICENG_DEV_TAGS_OUT set, the library mined from all messages but the
// first fold of the first seed is written there as a tag library CSV
// (标签,一级分类,别名), for jiceng classify train -tags.
func TestDevTags(t *testing.T) {
	path := os.Getenv("JICENG_DEV_MESSAGES")
	if path == "" {
		t.Skip("JICENG_DEV_MESSAGES not set")
	}
	docs := readDevDocs(t, path, "space")
	tokens := make([][]string, len(docs))
	for i := range docs {
		tokens[i] = strings.Fields(docs[i].Text)
		docs[i].Text = strings.Join(tokens[i], "")
	}
	labels := distinct(docs)
	y := make([]int, len(docs))
	for i, d := range docs {
		y[i] = slices.Index(labels, d.Labels[0])
	}
	variants := []struct {
		name string
		tags func(tok [][]string, lab []string) []Tag
	}{
		{"no tags", func([][]string, []string) []Tag { return nil }},
		{"curated merges only", func([][]string, []string) []Tag { return mineTags(nil, nil, 0, 1, 1, curatedMerges) }},
		{"mined (300/class)", func(tok [][]string, lab []string) []Tag { return mineTags(tok, lab, 300, 5, 0.7, nil) }},
		{"mined + merges", func(tok [][]string, lab []string) []Tag {
			return mineTags(tok, lab, 300, 5, 0.7, curatedMerges)
		}},
		{"mined all (df≥3, purity≥0.6) + merges", func(tok [][]string, lab []string) []Tag {
			return mineTags(tok, lab, 1<<30, 3, 0.6, curatedMerges)
		}},
	}
	var seeds []uint64
	for _, s := range strings.Split(envOr("JICENG_DEV_SEEDS", "1"), ",") {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		seeds = append(seeds, n)
	}
	var base *Report
	var baseRight []bool                         // per seed and message: the no-tags model was right
	only := os.Getenv("JICENG_DEV_TAG_VARIANTS") // comma-separated names; the first variant always runs
	for vi, v := range variants {
		if vi > 0 && only != "" && !slices.Contains(strings.Split(only, ","), v.name) {
			continue
		}
		r := newReport(labels)
		start := time.Now()
		ntags := 0
		var right []bool
		for _, seed := range seeds {
			right = slices.Grow(right, len(docs))[:len(right)+len(docs)]
			off := len(right) - len(docs)
			folds := stratifiedFolds(y, 5, seed)
			for f := 0; f < 5; f++ {
				var tr []Doc
				var trTok [][]string
				var trLab []string
				var te []int
				for i, d := range docs {
					if folds[i] == f {
						te = append(te, i)
					} else {
						tr = append(tr, d)
						trTok = append(trTok, tokens[i])
						trLab = append(trLab, d.Labels[0])
					}
				}
				tags := v.tags(trTok, trLab)
				ntags += len(tags)
				if out := os.Getenv("JICENG_DEV_TAGS_OUT"); out != "" && seed == seeds[0] && f == 0 && v.name == "mined + merges" {
					writeTagCSV(t, out, tags)
				}
				m, err := Train(tr, Config{Seed: seed, CalibFolds: -1, Features: FeatureConfig{Tags: tags}})
				if err != nil {
					t.Fatal(err)
				}
				pred := make([]string, len(te))
				parallel(len(te), func(j int) { pred[j] = m.Predict(docs[te[j]].Text, 1)[0].Labels[0] })
				for j, i := range te {
					r.add(docs[i].Labels[0], pred[j])
					right[off+i] = pred[j] == docs[i].Labels[0]
				}
			}
		}
		r.finish()
		line := fmt.Sprintf("%-38s %5d tags/fold: macro-F1 %.4f accuracy %.4f (%s)",
			v.name, ntags/(5*len(seeds)), r.MacroF1, r.Accuracy, time.Since(start).Round(time.Second))
		if base == nil {
			base, baseRight = r, right
		} else {
			// McNemar's test on the paired predictions: b messages only the
			// base got right, c only this variant; χ² > 3.84 is p < 0.05.
			b, c := 0, 0
			for i := range right {
				switch {
				case baseRight[i] && !right[i]:
					b++
				case !baseRight[i] && right[i]:
					c++
				}
			}
			chi2 := 0.0
			if b+c > 0 {
				d := math.Abs(float64(b-c)) - 1
				chi2 = max(d, 0) * max(d, 0) / float64(b+c)
			}
			line += fmt.Sprintf("; McNemar: %d only without tags right, %d only with, χ² %.2f", b, c, chi2)
			line += fmt.Sprintf("; Δ macro-F1 %+.4f, Δ accuracy %+.4f; per class ΔF1:", r.MacroF1-base.MacroF1, r.Accuracy-base.Accuracy)
			for c, cs := range r.Classes {
				line += fmt.Sprintf(" %s %+.3f", cs.Label, cs.F1-base.Classes[c].F1)
			}
		}
		t.Log(line)
	}
	for _, cs := range base.Classes {
		t.Logf("no tags: %s F1 %.4f (support %d)", cs.Label, cs.F1, cs.Support)
	}
}

// writeTagCSV writes tags as a tag library file (hot.ReadTags's format).
func writeTagCSV(t *testing.T, path string, tags []Tag) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := csv.NewWriter(f)
	w.Write([]string{"标签", "一级分类", "别名"})
	for _, tg := range tags {
		w.Write([]string{tg.Name, "", strings.Join(tg.Aliases, "、")})
	}
	w.Flush()
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestDevTagsGold trains on all dev messages without and with the tag
// library mined from them, and classifies the gold set's real messages as
// written (TestRealCategory's shift: raw text with punctuation and
// function words):
//
//	JICENG_DEV_MESSAGES=/work/shared/data/messages_dev.csv go test ./internal/classify -run TestDevTagsGold -v
func TestDevTagsGold(t *testing.T) {
	path, gold := devAndGold(t)
	docs := readDevDocs(t, path, "space")
	tokens := make([][]string, len(docs))
	labels := make([]string, len(docs))
	for i := range docs {
		tokens[i] = strings.Fields(docs[i].Text)
		labels[i] = docs[i].Labels[0]
		docs[i].Text = strings.Join(tokens[i], "")
	}
	for _, v := range []struct {
		name string
		tags []Tag
	}{
		{"no tags", nil},
		{"mined + merges", mineTags(tokens, labels, 300, 5, 0.7, curatedMerges)},
	} {
		m, err := Train(docs, Config{Seed: 1, CalibFolds: -1, Features: FeatureConfig{Tags: v.tags}})
		if err != nil {
			t.Fatal(err)
		}
		c := realtext.NewConfusion()
		for _, g := range gold {
			c.Add(g.Category, m.Predict(g.Title+"。"+g.Detail, 1)[0].Labels[0])
		}
		t.Logf("%-15s %4d tags: gold set (%d messages) macro-F1 %.4f accuracy %.4f", v.name, len(v.tags), len(gold), c.MacroF1(), c.Accuracy())
	}
}
