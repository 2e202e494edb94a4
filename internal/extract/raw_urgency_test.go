package extract

import (
	"os"
	"strings"
	"testing"

	"jiceng/internal/core"
	"jiceng/internal/realtext"
)

// rawMessages reads the real message file named by JICENG_RAW_MESSAGES
// (columns msg_id,user,time,title,detail; not part of the repository) or
// skips the test.
func rawMessages(t *testing.T) [][2]string {
	t.Helper()
	var out [][2]string
	for _, r := range realtext.RawRows(t)[1:] {
		out = append(out, [2]string{r[3], r[4]})
	}
	return out
}

// TestRawUrgencyInspect prints the messages of the real file that are not
// 一般, with the reasons, for a person to read:
//
//	JICENG_RAW_MESSAGES=/path/messages_raw.csv go test ./internal/extract -run TestRawUrgencyInspect -v
func TestRawUrgencyInspect(t *testing.T) {
	counts := map[core.Urgency]int{}
	for _, m := range rawMessages(t) {
		level, _, reasons := Urgency(m[0], m[1])
		counts[level]++
		if level == core.UrgencyEmergency || (os.Getenv("JICENG_RAW_ALL") != "" && level != core.UrgencyNormal) {
			t.Logf("%s %v | %s | %s", level, reasons, m[0], around(m[0]+"。"+m[1], reasons))
		}
	}
	t.Logf("levels: %v", counts)
}

// around returns the text near the first cue counted for the level.
func around(s string, reasons []string) string {
	for _, r := range reasons {
		cue, ok := strings.CutPrefix(r, "紧急: ")
		if !ok {
			continue
		}
		cue, _, _ = strings.Cut(cue, "（")
		rs := []rune(s)
		i := strings.Index(s, cue)
		if i < 0 {
			continue
		}
		p := len([]rune(s[:i]))
		return string(rs[max(0, p-40):min(len(rs), p+30)])
	}
	return ""
}

// TestRawIntentInspect prints the intent distribution on the real file and
// a sample of messages read as one intent (JICENG_RAW_INTENT, default 咨询):
//
//	JICENG_RAW_MESSAGES=/path/messages_raw.csv go test ./internal/extract -run TestRawIntentInspect -v
func TestRawIntentInspect(t *testing.T) {
	want := os.Getenv("JICENG_RAW_INTENT")
	if want == "" {
		want = string(core.IntentInquiry)
	}
	counts := map[core.Intent]int{}
	shown := 0
	for _, m := range rawMessages(t) {
		r := Intent(m[0], m[1])
		counts[r.Intent]++
		if string(r.Intent) == want && shown < 40 {
			shown++
			var cues []string
			for _, c := range r.Cues {
				cues = append(cues, c.Label+":"+c.Text)
			}
			t.Logf("%.2f %v | %s", r.Confidence, cues, m[0])
		}
	}
	t.Logf("intents: %v", counts)
}
