package classify

import (
	"fmt"
	"io"
	"math"
	"slices"
	"sort"
	"strings"
)

// ClassScore is the precision, recall and F1 of one class.
type ClassScore struct {
	Label                 string
	Precision, Recall, F1 float64
	Support               int // documents of the class
}

// Report is the result of a cross-validation at level 1.
type Report struct {
	Labels    []string
	Confusion [][]int // Confusion[true][predicted], in Labels order
	Classes   []ClassScore
	MacroF1   float64
	Accuracy  float64
	// PathN is the number of documents with a level-2 label and
	// PathAccuracy the share of them whose level-1 and level-2 predictions
	// are both right.
	PathN        int
	PathAccuracy float64
	// LogLoss is the mean negative log-probability of the true level-1
	// class and ECE the expected calibration error of the top-1
	// probability (10 equal-width bins): how far "0.8" is from being right
	// 80% of the time.
	LogLoss, ECE float64
}

// CrossValidate estimates the level-1 quality of Train(·, cfg) on docs with
// stratified k-fold cross-validation: each document is scored exactly once,
// by the model trained on the other folds. seed fixes the fold split.
func CrossValidate(docs []Doc, folds int, seed uint64, cfg Config) (*Report, error) {
	if folds < 2 {
		return nil, errorf("交叉验证折数至少为 2")
	}
	if err := checkDocs(docs); err != nil {
		return nil, err
	}
	labels := distinct(docs)
	y := make([]int, len(docs))
	for i, d := range docs {
		y[i] = slices.Index(labels, d.Labels[0])
	}
	assign := stratifiedFolds(y, folds, seed)
	pred := make([]Prediction, len(docs))
	pTrue := make([]float64, len(docs))
	for f := 0; f < folds; f++ {
		var tr []Doc
		var te []int
		for i, d := range docs {
			if assign[i] == f {
				te = append(te, i)
			} else {
				tr = append(tr, d)
			}
		}
		if len(te) == 0 {
			continue
		}
		m, err := Train(tr, cfg)
		if err != nil {
			return nil, err
		}
		parallel(len(te), func(j int) {
			i := te[j]
			ps := m.Predict(docs[i].Text, len(labels))
			pred[i] = ps[0]
			for _, p := range ps {
				if p.Labels[0] == docs[i].Labels[0] {
					pTrue[i] = p.Probs[0]
				}
			}
		})
	}
	r := newReport(labels)
	for i, d := range docs {
		r.add(d.Labels[0], pred[i].Labels[0])
		if d.Labels[1] != "" {
			r.PathN++
			if pred[i].Labels[0] == d.Labels[0] && pred[i].Labels[1] == d.Labels[1] {
				r.PathAccuracy++
			}
		}
	}
	if r.PathN > 0 {
		r.PathAccuracy /= float64(r.PathN)
	}
	var binN [10]int
	var binConf, binHit [10]float64
	for i, d := range docs {
		r.LogLoss -= math.Log(max(pTrue[i], 1e-15))
		b := min(int(pred[i].Probs[0]*10), 9)
		binN[b]++
		binConf[b] += pred[i].Probs[0]
		if pred[i].Labels[0] == d.Labels[0] {
			binHit[b]++
		}
	}
	r.LogLoss /= float64(len(docs))
	for b := range binN {
		if binN[b] > 0 {
			r.ECE += math.Abs(binHit[b]-binConf[b]) / float64(len(docs))
		}
	}
	r.finish()
	return r, nil
}

func distinct(docs []Doc) []string {
	set := map[string]bool{}
	for _, d := range docs {
		set[d.Labels[0]] = true
	}
	out := make([]string, 0, len(set))
	for l := range set {
		out = append(out, l)
	}
	sort.Strings(out)
	return out
}

func newReport(labels []string) *Report {
	r := &Report{Labels: labels, Confusion: make([][]int, len(labels))}
	for i := range r.Confusion {
		r.Confusion[i] = make([]int, len(labels))
	}
	return r
}

func (r *Report) add(truth, pred string) {
	t, p := slices.Index(r.Labels, truth), slices.Index(r.Labels, pred)
	if t >= 0 && p >= 0 {
		r.Confusion[t][p]++
	}
}

func (r *Report) finish() {
	var correct, total int
	r.Classes = r.Classes[:0]
	r.MacroF1 = 0
	for i, l := range r.Labels {
		var tp, fp, fn int
		for j := range r.Labels {
			switch {
			case i == j:
				tp = r.Confusion[i][i]
			default:
				fn += r.Confusion[i][j]
				fp += r.Confusion[j][i]
			}
		}
		cs := ClassScore{Label: l, Support: tp + fn}
		if tp+fp > 0 {
			cs.Precision = float64(tp) / float64(tp+fp)
		}
		if tp+fn > 0 {
			cs.Recall = float64(tp) / float64(tp+fn)
		}
		if cs.Precision+cs.Recall > 0 {
			cs.F1 = 2 * cs.Precision * cs.Recall / (cs.Precision + cs.Recall)
		}
		r.Classes = append(r.Classes, cs)
		r.MacroF1 += cs.F1
		correct += tp
		total += tp + fn
	}
	r.MacroF1 /= float64(len(r.Labels))
	if total > 0 {
		r.Accuracy = float64(correct) / float64(total)
	}
}

// WriteText writes the report as an aligned table: per-class P/R/F1, the
// macro-F1 and accuracy, then the confusion matrix (rows: truth).
func (r *Report) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %9s %9s %9s %8s\n", pad("class", 16), "precision", "recall", "f1", "support")
	for _, c := range r.Classes {
		fmt.Fprintf(&b, "%s %9.4f %9.4f %9.4f %8d\n", pad(c.Label, 16), c.Precision, c.Recall, c.F1, c.Support)
	}
	fmt.Fprintf(&b, "macro-F1 %.4f  accuracy %.4f  log-loss %.4f  ECE %.4f\n", r.MacroF1, r.Accuracy, r.LogLoss, r.ECE)
	if r.PathN > 0 {
		fmt.Fprintf(&b, "level-1+2 path accuracy %.4f over %d documents\n", r.PathAccuracy, r.PathN)
	}
	b.WriteString("confusion (rows: true, columns: predicted, in class order above)\n")
	for i, row := range r.Confusion {
		b.WriteString(pad(r.Labels[i], 16))
		for _, n := range row {
			fmt.Fprintf(&b, " %5d", n)
		}
		b.WriteByte('\n')
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// pad right-pads s with spaces to width terminal columns, counting a wide
// (CJK) character as two, so Chinese labels line up.
func pad(s string, width int) string {
	w := 0
	for _, r := range s {
		w++
		if r >= 0x1100 && (r <= 0x115f || (r >= 0x2e80 && r <= 0xa4cf) || (r >= 0xac00 && r <= 0xd7a3) ||
			(r >= 0xf900 && r <= 0xfaff) || (r >= 0xfe30 && r <= 0xfe4f) || (r >= 0xff00 && r <= 0xff60) ||
			(r >= 0xffe0 && r <= 0xffe6) || r >= 0x20000) {
			w++
		}
	}
	if w >= width {
		return s
	}
	return s + strings.Repeat(" ", width-w)
}
