package classify

import (
	"encoding/csv"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestDevCrossValidation measures model variants on a labelled message file
// that is not part of the repository. It runs only when JICENG_DEV_MESSAGES
// names a CSV with columns id,label,tokens (space-separated tokens):
//
//	JICENG_DEV_MESSAGES=/path/messages_dev.csv go test -run TestDevCrossValidation -v -timeout 60m ./internal/classify/
//
// JICENG_DEV_VARIANTS picks variants by name (comma-separated, default
// "svm"), JICENG_DEV_SEEDS the fold seeds (default "1,2,3") and
// JICENG_DEV_JOIN how tokens become text: "none" (default, tokens glued
// together) or "space". JICENG_DEV_CALIB=1 keeps the temperature
// calibration (slower; it changes only the log-loss and ECE).
func TestDevCrossValidation(t *testing.T) {
	path := os.Getenv("JICENG_DEV_MESSAGES")
	if path == "" {
		t.Skip("JICENG_DEV_MESSAGES not set")
	}
	docs := readDevDocs(t, path, os.Getenv("JICENG_DEV_JOIN"))
	f12 := FeatureConfig{MaxN: 2}
	po := FeatureConfig{PerOrder: true, MaxN: 3}
	f13 := FeatureConfig{MaxN: 3}
	po14 := FeatureConfig{PerOrder: true, MaxN: 4}
	variants := map[string]Config{
		"default":           {},
		"svm":               {C: 0.5, ClassWeight: "none", Features: f13},
		"svm-c0.25":         {C: 0.25, ClassWeight: "none", Features: f13},
		"svm-c1":            {C: 1, ClassWeight: "none", Features: f13},
		"svm-c2":            {C: 2, ClassWeight: "none", Features: f13},
		"svm-c4":            {C: 4, ClassWeight: "none", Features: f13},
		"svm-bal":           {C: 0.5, ClassWeight: "balanced", Features: f13},
		"svm-bal-c1":        {C: 1, ClassWeight: "balanced", Features: f13},
		"svm-bal-c2":        {C: 2, ClassWeight: "balanced", Features: f13},
		"svm-14":            {C: 0.5, Features: FeatureConfig{MaxN: 4}, ClassWeight: "none"},
		"svm-24":            {C: 0.5, Features: FeatureConfig{MinN: 2, MaxN: 4}, ClassWeight: "none"},
		"svm-12":            {C: 0.5, Features: f12, ClassWeight: "none"},
		"svm-12-c1":         {C: 1, Features: f12, ClassWeight: "none"},
		"svm-12-bal-c1":     {C: 1, ClassWeight: "balanced", Features: f12},
		"svm-12-bal-c2":     {C: 2, ClassWeight: "balanced", Features: f12},
		"svm-po-c1":         {C: 1, Features: po, ClassWeight: "none"},
		"svm-po-bal-c1":     {C: 1, ClassWeight: "balanced", Features: po},
		"svm-po-bal-c2":     {C: 2, ClassWeight: "balanced", Features: po},
		"svm-po14-bal-c1":   {C: 1, ClassWeight: "balanced", Features: po14},
		"svm-b22":           {C: 0.5, Features: FeatureConfig{MaxN: 3, Bits: 22}, ClassWeight: "none"},
		"svm-df2":           {C: 0.5, Features: FeatureConfig{MaxN: 3, MinDF: 2}, ClassWeight: "none"},
		"svm-df2-bal-c1":    {C: 1, ClassWeight: "balanced", Features: FeatureConfig{MaxN: 3, MinDF: 2}},
		"svm-bal-c4":        {C: 4, ClassWeight: "balanced", Features: f13},
		"svm-bal-c2-b18":    {C: 2, ClassWeight: "balanced", Features: FeatureConfig{MaxN: 3, Bits: 18}},
		"svm-bal-c2-b19":    {C: 2, ClassWeight: "balanced", Features: FeatureConfig{MaxN: 3, Bits: 19}},
		"svm-12-bal-c4":     {C: 4, ClassWeight: "balanced", Features: f12},
		"svm-po-bal-c4":     {C: 4, ClassWeight: "balanced", Features: po},
		"svm-12-bal-c2-b18": {C: 2, ClassWeight: "balanced", Features: FeatureConfig{MaxN: 2, Bits: 18}},
		"svm-12-bal-c2-b19": {C: 2, ClassWeight: "balanced", Features: FeatureConfig{MaxN: 2, Bits: 19}},
		"svm-12-bal-c3":     {C: 3, ClassWeight: "balanced", Features: f12},
		"svm-12-bal-c8":     {C: 8, ClassWeight: "balanced", Features: f12},
		"svm-12-c2":         {C: 2, Features: f12, ClassWeight: "none"},
		"svm-12po-bal-c2":   {C: 2, ClassWeight: "balanced", Features: FeatureConfig{MaxN: 2, PerOrder: true}},
		"svm-12-bal-c2-df2": {C: 2, ClassWeight: "balanced", Features: FeatureConfig{MaxN: 2, MinDF: 2}},
		"nbsvm":             {Model: "nbsvm", C: 0.5, ClassWeight: "none", Features: f13},
		"nbsvm-c1":          {Model: "nbsvm", C: 1, ClassWeight: "none", Features: f13},
		"nbsvm-b1":          {Model: "nbsvm", C: 0.5, Beta: 1, ClassWeight: "none", Features: f13},
		"nbsvm-bal":         {Model: "nbsvm", C: 0.5, ClassWeight: "balanced", Features: f13},
		"nbsvm-14":          {Model: "nbsvm", C: 0.5, Features: FeatureConfig{MaxN: 4}, ClassWeight: "none"},
		"nbsvm-b05":         {Model: "nbsvm", C: 0.5, Beta: 0.5, ClassWeight: "none", Features: f13},
		"nbsvm-b05-c1":      {Model: "nbsvm", C: 1, Beta: 0.5, ClassWeight: "none", Features: f13},
		"nbsvm-po-bal-c1":   {Model: "nbsvm", C: 1, ClassWeight: "balanced", Features: po},
		"nbsvm-12-b1":       {Model: "nbsvm", Beta: 1},
		"nbsvm-12":          {Model: "nbsvm"},
		"ensemble":          {Model: "ensemble"},
		"ensemble-c1":       {Model: "ensemble", C: 1},
		"ensemble-c4":       {Model: "ensemble", C: 4},
		"ensemble-13":       {Model: "ensemble", Features: f13},
		"nbsvm-12-b1-c0.5":  {Model: "nbsvm", Beta: 1, C: 0.5},
		"nbsvm-12-bal-c1":   {Model: "nbsvm", C: 1, ClassWeight: "balanced", Features: f12},
	}
	names := strings.Split(envOr("JICENG_DEV_VARIANTS", "svm"), ",")
	var seeds []uint64
	for _, s := range strings.Split(envOr("JICENG_DEV_SEEDS", "1,2,3"), ",") {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		seeds = append(seeds, n)
	}
	for _, name := range names {
		cfg, ok := variants[name]
		if !ok {
			t.Fatalf("unknown variant %q", name)
		}
		if os.Getenv("JICENG_DEV_CALIB") == "" {
			cfg.CalibFolds = -1 // ranking only: calibration does not change the F1
		}
		var f1s []float64
		start := time.Now()
		var last *Report
		for _, seed := range seeds {
			cfg.Seed = seed
			r, err := CrossValidate(docs, 5, seed, cfg)
			if err != nil {
				t.Fatal(err)
			}
			f1s = append(f1s, r.MacroF1)
			last = r
		}
		mean, lo, hi := stats(f1s)
		calib := ""
		if os.Getenv("JICENG_DEV_CALIB") != "" {
			calib = fmt.Sprintf("; last seed: log-loss %.4f ECE %.4f", last.LogLoss, last.ECE)
		}
		t.Logf("%-14s macro-F1 %.4f (min %.4f max %.4f, seeds %v) %s%s",
			name, mean, lo, hi, seeds, time.Since(start).Round(time.Second), calib)
		if os.Getenv("JICENG_DEV_REPORT") != "" {
			var b strings.Builder
			last.WriteText(&b)
			t.Log("\n" + b.String())
		}
	}
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

func stats(xs []float64) (mean, lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, x := range xs {
		mean += x
		lo, hi = math.Min(lo, x), math.Max(hi, x)
	}
	return mean / float64(len(xs)), lo, hi
}

func readDevDocs(t testing.TB, path, join string) []Doc {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	sep := ""
	if join == "space" {
		sep = " "
	}
	var docs []Doc
	for _, r := range rows[1:] {
		docs = append(docs, Doc{Text: strings.Join(strings.Fields(r[2]), sep), Labels: [3]string{r[1]}})
	}
	if len(docs) == 0 {
		t.Fatal(fmt.Errorf("%s: no rows", path))
	}
	return docs
}

// TestDevRawTextShift estimates how a model trained on the stripped dev text
// (stop words removed) fares on raw-looking text: every held-out message
// gets punctuation and common function words put back between its tokens
// at random (about one in three gaps). Same env variables as
// TestDevCrossValidation; the default configuration is used.
func TestDevRawTextShift(t *testing.T) {
	path := os.Getenv("JICENG_DEV_MESSAGES")
	if path == "" {
		t.Skip("JICENG_DEV_MESSAGES not set")
	}
	spaced := readDevDocs(t, path, "space")
	fillers := strings.Fields("的 了 是 我 在 也 都 就 和 有 这 那 我们 他们 一个 什么 ， 。 、 ！ ？ ； ： “ ” 请问 您好 谢谢")
	for _, seed := range []uint64{1, 2, 3} {
		rng := rand.New(rand.NewPCG(seed, 99))
		y := make([]int, len(spaced))
		labels := distinct(spaced)
		for i, d := range spaced {
			y[i] = slices.Index(labels, d.Labels[0])
		}
		folds := stratifiedFolds(y, 5, seed)
		clean, raw := newReport(labels), newReport(labels)
		for f := 0; f < 5; f++ {
			var tr []Doc
			var te []int
			for i, d := range spaced {
				if folds[i] == f {
					te = append(te, i)
				} else {
					tr = append(tr, Doc{Text: strings.ReplaceAll(d.Text, " ", ""), Labels: d.Labels})
				}
			}
			m, err := Train(tr, Config{Seed: seed, CalibFolds: -1})
			if err != nil {
				t.Fatal(err)
			}
			for _, i := range te {
				toks := strings.Fields(spaced[i].Text)
				var b strings.Builder
				for j, tok := range toks {
					if j > 0 && rng.IntN(3) == 0 {
						b.WriteString(fillers[rng.IntN(len(fillers))])
					}
					b.WriteString(tok)
				}
				clean.add(spaced[i].Labels[0], m.Predict(strings.Join(toks, ""), 1)[0].Labels[0])
				raw.add(spaced[i].Labels[0], m.Predict(b.String(), 1)[0].Labels[0])
			}
		}
		clean.finish()
		raw.finish()
		t.Logf("seed %d: macro-F1 on stripped text %.4f, with function words and punctuation put back %.4f", seed, clean.MacroF1, raw.MacroF1)
	}
}

// TestDevExplain trains on all dev messages and logs each class's
// explanation dictionary, for a person to judge.
func TestDevExplain(t *testing.T) {
	path := os.Getenv("JICENG_DEV_MESSAGES")
	if path == "" {
		t.Skip("JICENG_DEV_MESSAGES not set")
	}
	m, err := Train(readDevDocs(t, path, ""), Config{Seed: 1, CalibFolds: -1})
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range m.Labels() {
		var terms []string
		for _, tm := range m.TopTerms(l)[:12] {
			terms = append(terms, tm.Text)
		}
		t.Logf("%s: %s", l, strings.Join(terms, " "))
	}
}
