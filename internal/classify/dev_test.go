package classify

import (
	"encoding/csv"
	"fmt"
	"math"
	"os"
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
// together) or "space".
func TestDevCrossValidation(t *testing.T) {
	path := os.Getenv("JICENG_DEV_MESSAGES")
	if path == "" {
		t.Skip("JICENG_DEV_MESSAGES not set")
	}
	docs := readDevDocs(t, path, os.Getenv("JICENG_DEV_JOIN"))
	f12 := FeatureConfig{MaxN: 2}
	po := FeatureConfig{PerOrder: true}
	po14 := FeatureConfig{PerOrder: true, MaxN: 4}
	variants := map[string]Config{
		"svm":               {C: 0.5, ClassWeight: "none"},
		"svm-c0.25":         {C: 0.25, ClassWeight: "none"},
		"svm-c1":            {C: 1, ClassWeight: "none"},
		"svm-c2":            {C: 2, ClassWeight: "none"},
		"svm-c4":            {C: 4, ClassWeight: "none"},
		"svm-bal":           {C: 0.5, ClassWeight: "balanced"},
		"svm-bal-c1":        {C: 1, ClassWeight: "balanced"},
		"svm-bal-c2":        {C: 2, ClassWeight: "balanced"},
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
		"svm-b22":           {C: 0.5, Features: FeatureConfig{Bits: 22}, ClassWeight: "none"},
		"svm-df2":           {C: 0.5, Features: FeatureConfig{MinDF: 2}, ClassWeight: "none"},
		"svm-df2-bal-c1":    {C: 1, ClassWeight: "balanced", Features: FeatureConfig{MinDF: 2}},
		"svm-bal-c4":        {C: 4, ClassWeight: "balanced"},
		"svm-bal-c2-b18":    {C: 2, ClassWeight: "balanced", Features: FeatureConfig{Bits: 18}},
		"svm-bal-c2-b19":    {C: 2, ClassWeight: "balanced", Features: FeatureConfig{Bits: 19}},
		"svm-12-bal-c4":     {C: 4, ClassWeight: "balanced", Features: f12},
		"svm-po-bal-c4":     {C: 4, ClassWeight: "balanced", Features: po},
		"svm-12-bal-c2-b18": {C: 2, ClassWeight: "balanced", Features: FeatureConfig{MaxN: 2, Bits: 18}},
		"svm-12-bal-c2-b19": {C: 2, ClassWeight: "balanced", Features: FeatureConfig{MaxN: 2, Bits: 19}},
		"svm-12-bal-c3":     {C: 3, ClassWeight: "balanced", Features: f12},
		"svm-12-bal-c8":     {C: 8, ClassWeight: "balanced", Features: f12},
		"svm-12-c2":         {C: 2, Features: f12, ClassWeight: "none"},
		"svm-12po-bal-c2":   {C: 2, ClassWeight: "balanced", Features: FeatureConfig{MaxN: 2, PerOrder: true}},
		"svm-12-bal-c2-df2": {C: 2, ClassWeight: "balanced", Features: FeatureConfig{MaxN: 2, MinDF: 2}},
		"nbsvm":             {Model: "nbsvm", C: 0.5, ClassWeight: "none"},
		"nbsvm-c1":          {Model: "nbsvm", C: 1, ClassWeight: "none"},
		"nbsvm-b1":          {Model: "nbsvm", C: 0.5, Beta: 1, ClassWeight: "none"},
		"nbsvm-bal":         {Model: "nbsvm", C: 0.5, ClassWeight: "balanced"},
		"nbsvm-14":          {Model: "nbsvm", C: 0.5, Features: FeatureConfig{MaxN: 4}, ClassWeight: "none"},
		"nbsvm-b05":         {Model: "nbsvm", C: 0.5, Beta: 0.5, ClassWeight: "none"},
		"nbsvm-b05-c1":      {Model: "nbsvm", C: 1, Beta: 0.5, ClassWeight: "none"},
		"nbsvm-po-bal-c1":   {Model: "nbsvm", C: 1, ClassWeight: "balanced", Features: po},
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
		cfg.CalibFolds = -1 // ranking only: calibration does not change the F1
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
		t.Logf("%-14s macro-F1 %.4f (min %.4f max %.4f, seeds %v) %s", name, mean, lo, hi, seeds, time.Since(start).Round(time.Second))
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
