package extract

import (
	"os"
	"strings"
	"testing"

	"jiceng/internal/core"
	"jiceng/internal/realtext"
)

// TestRealUrgencyTrain scores urgency on the 450 real messages of
// testdata/intent_train.csv (labelled with urgency by reading, disjoint from
// the gold set; a development set, never a figure to report as held out),
// joined by id with the real message file that JICENG_RAW_MESSAGES names,
// each detail cut as the labellers saw it. JICENG_URGENCY_ERRORS=1 prints
// the messages read wrong, with the reasons, and those of the gold dev
// split:
//
//	JICENG_RAW_MESSAGES=/path/messages_raw.csv go test ./internal/extract -run TestRealUrgencyTrain -v
func TestRealUrgencyTrain(t *testing.T) {
	byID := map[string][]string{}
	for _, r := range realtext.RawRows(t)[1:] {
		byID[r[0]] = r
	}
	show := os.Getenv("JICENG_URGENCY_ERRORS") != ""
	urg := realtext.NewConfusion(string(core.UrgencyEmergency), string(core.UrgencyHurry), string(core.UrgencyNormal), string(core.UrgencyComplex))
	falseEmergency := 0
	for _, r := range realtext.ReadRows(t, "testdata/intent_train.csv")[1:] {
		m, ok := byID[r[0]]
		if !ok {
			t.Fatalf("message %s of intent_train.csv not in the raw file", r[0])
		}
		title, detail := strings.TrimSpace(m[3]), cutDetail(m[4], 400)
		level, _, reasons := Urgency(title, detail)
		urg.Add(r[2], string(level))
		if level == core.UrgencyEmergency && r[2] != string(core.UrgencyEmergency) {
			falseEmergency++
		}
		if show && string(level) != r[2] {
			t.Logf("%s %s→%s %v | %s | %s", r[0], r[2], level, reasons, title, detail)
		}
	}
	if show {
		gold, err := realtext.Load()
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range realtext.Split(gold, "dev") {
			level, _, reasons := Urgency(m.Title, m.Detail)
			if string(level) != m.Urgency {
				t.Logf("dev %d %s→%s %v | %s | %s", m.ID, m.Urgency, level, reasons, m.Title, m.Detail)
			}
		}
	}
	t.Logf("urgency on the 450 training messages:\n%sfalse 紧急 %d", urg, falseEmergency)
}
