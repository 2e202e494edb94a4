package extract

import (
	"bufio"
	"jiceng/internal/core"
	"os"
	"strings"
	"testing"
)

type intentCase struct {
	name, want, title, content string
}

func readIntentCases(t *testing.T) []intentCase {
	t.Helper()
	f, err := os.Open("testdata/intents.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var cs []intentCase
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		p := strings.Split(line, "\t")
		if len(p) != 4 {
			t.Fatalf("testdata/intents.tsv: want 4 fields in %q", line)
		}
		cs = append(cs, intentCase{p[0], p[1], p[2], p[3]})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return cs
}

// TestIntentTable runs the hand-written messages of testdata/intents.tsv.
// Written before the lexicon was tuned on them; see the package report for
// the accuracy the first version reached.
func TestIntentTable(t *testing.T) {
	cs := readIntentCases(t)
	if len(cs) < 60 {
		t.Fatalf("%d cases, want at least 60", len(cs))
	}
	ok := 0
	for _, c := range cs {
		t.Run(c.name, func(t *testing.T) {
			got := Intent(c.title, c.content)
			if got.Intent != core.Intent(c.want) {
				t.Errorf("Intent(%q, %q) = %s (%.2f), want %s; cues %+v", c.title, c.content, got.Intent, got.Confidence, c.want, got.Cues)
				return
			}
			ok++
			if !got.Default && len(got.Cues) == 0 {
				t.Errorf("no cues for a non-default intent")
			}
		})
	}
	t.Logf("%d/%d hand-written cases right", ok, len(cs))
}

func TestIntentCues(t *testing.T) {
	r := Intent("关于噪音的投诉", "我不是举报，楼下太吵了。")
	if r.Intent != core.IntentComplaint {
		t.Fatalf("got %s, want 投诉", r.Intent)
	}
	var title, neg bool
	for _, c := range r.Cues {
		if c.Field == "title" && c.Text == "投诉" && c.Start == 5 && c.End == 7 && c.Weight > 0 {
			title = true
		}
		if c.Field == "content" && c.Text == "举报" && c.Negated && c.Start == 3 {
			neg = true
		}
	}
	if !title || !neg {
		t.Errorf("cues %+v: want the title's 投诉 at 5..7 and a negated 举报 at 3", r.Cues)
	}
	if r.Confidence <= 0 || r.Confidence > 1 {
		t.Errorf("confidence %v out of (0, 1]", r.Confidence)
	}
	if d := Intent("", "单元门。"); !d.Default || d.Intent != DefaultIntent {
		t.Errorf("no cue: got %+v, want the default", d)
	}
}

// TestPredictIntentLexiconDecides: where the model has no evidence the
// lexicon decides. With no text the intent is DefaultIntent; for a danger
// happening now (紧急, which no training letter is) it is the lexicon's,
// and 求助 when no cue fired.
func TestPredictIntentLexiconDecides(t *testing.T) {
	if DefaultIntentModel() == nil {
		t.Skip("no embedded model")
	}
	tests := []struct {
		name, title, content string
		urgency              core.Urgency // "" reads it with the default rules
		want                 core.Intent
		wantDefault          bool
	}{
		{name: "empty", want: DefaultIntent, wantDefault: true},
		{name: "blank", title: " ", content: "\n ", want: DefaultIntent, wantDefault: true},
		{name: "empty, urgency given", urgency: core.UrgencyNormal, want: DefaultIntent, wantDefault: true},
		{name: "gas smell, someone to come", title: "煤气味很重", content: "厨房里一股很重的煤气味，可能是管道漏气了，请尽快派人过来看看。",
			urgency: core.UrgencyEmergency, want: core.IntentHelp},
		{name: "fire, no cue", content: "3栋2楼厨房着火了，火很大，浓烟往楼上窜。", want: core.IntentHelp},
		{name: "trapped in a lift, read urgency", content: "我们一家三口被困在电梯里出不来了，快来人！", want: core.IntentHelp},
		{name: "emergency report keeps its cue", content: "我要举报，有人正在往小区下水道里倾倒废油。",
			urgency: core.UrgencyEmergency, want: core.IntentReport},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got IntentResult
			if tt.urgency == "" {
				got = PredictIntent(tt.title, tt.content)
			} else {
				got = PredictIntentAt(tt.title, tt.content, tt.urgency)
			}
			if got.Intent != tt.want || got.Default != tt.wantDefault {
				t.Errorf("intent %s (default %v, %.2f), want %s (default %v); cues %+v", got.Intent, got.Default, got.Confidence, tt.want, tt.wantDefault, got.Cues)
			}
			if got.Confidence <= 0 || got.Confidence > 1 {
				t.Errorf("confidence %v out of (0, 1]", got.Confidence)
			}
		})
	}
}

// BenchmarkPredictIntent is the intent with the embedded model and the
// lexicon, as the import uses it.
func BenchmarkPredictIntent(b *testing.B) {
	ts := benchTickets(b)
	PredictIntent(ts[0].Title, ts[0].Content) // load the model
	cpu := resetTimer(b)
	for i := 0; i < b.N; i++ {
		t := &ts[i%len(ts)]
		PredictIntent(t.Title, t.Content)
	}
	report(b, cpu)
}
