package extract

import (
	"os"
	"testing"

	"jiceng/internal/core"
	"jiceng/internal/realtext"
)

// TestRealUrgencyTrain scores urgency on the real messages of
// testdata/intent_train.csv (labelled with urgency by reading, disjoint from
// the gold set; the labels the weights of urgency.csv were fitted on, so a
// development figure, never one to report as held out), joined by id with
// the real message file that JICENG_RAW_MESSAGES names, each detail cut as
// the labellers saw it, and on the gold dev split beside them (never the
// test split). JICENG_URGENCY_ERRORS=1 prints the messages read wrong, with
// the reasons:
//
//	JICENG_RAW_MESSAGES=/path/messages_raw.csv go test ./internal/extract -run TestRealUrgencyTrain -v
func TestRealUrgencyTrain(t *testing.T) {
	show := os.Getenv("JICENG_URGENCY_ERRORS") != ""
	train := trainingMessages(t)
	gold, err := realtext.Load()
	if err != nil {
		t.Fatal(err)
	}
	var dev [][3]string
	for _, m := range realtext.Split(gold, "dev") {
		dev = append(dev, [3]string{m.Title, m.Detail, m.Urgency})
	}
	for _, set := range []struct {
		name string
		msgs [][3]string
	}{{"training", train}, {"gold dev", dev}} {
		urg := realtext.NewConfusion(string(core.UrgencyEmergency), string(core.UrgencyHurry), string(core.UrgencyNormal), string(core.UrgencyComplex))
		falseEmergency := 0
		for _, m := range set.msgs {
			level, _, reasons := Urgency(m[0], m[1])
			urg.Add(m[2], string(level))
			if level == core.UrgencyEmergency && m[2] != string(core.UrgencyEmergency) {
				falseEmergency++
			}
			if show && string(level) != m[2] {
				t.Logf("%s %s→%s %v | %s | %s", set.name, m[2], level, reasons, m[0], m[1])
			}
		}
		t.Logf("urgency on the %d %s messages:\n%sfalse 紧急 %d", len(set.msgs), set.name, urg, falseEmergency)
	}
}
