package search

import (
	"strings"
	"testing"
)

func TestAnswer(t *testing.T) {
	ix := memIndex(t)
	tests := []struct {
		name      string
		question  string
		minScore  float64
		confident bool
		contains  []string // in the answer's text
	}{
		{"materials", "低保申请要带什么材料", 0.01, true, []string{"提供身份证、户口簿和家庭收入证明。", "〔《北京市最低生活保障审核确认办法》（京民社救发〔2023〕12号）第五条〕"}},
		{"time limit", "低保审核要多少个工作日", 0.01, true, []string{"30个工作日内完成审核。", "第九条"}},
		{"Q&A", "门诊看病医保能报销吗", 0.01, true, []string{"按50%报销。", "《医疗保险问答》"}},
		{"low score", "低保申请要带什么材料", 1000, false, nil},
		{"nothing found", "火星移民签证", 0.01, false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hits, err := ix.Search(Query{Text: tt.question})
			if err != nil {
				t.Fatal(err)
			}
			a := Answer(tt.question, hits, tt.minScore)
			if a.Confident != tt.confident {
				t.Fatalf("confident %v (%s), want %v; text %q", a.Confident, a.Reason, tt.confident, a.Text)
			}
			if !a.Confident && a.Reason == "" {
				t.Error("no reason given")
			}
			for _, c := range tt.contains {
				if !strings.Contains(a.Text, c) {
					t.Errorf("answer %q lacks %q", a.Text, c)
				}
			}
			// Only the passages' own sentences.
			for _, s := range a.Sentences {
				found := false
				for _, h := range hits {
					found = found || strings.Contains(h.Text, s.Text)
				}
				if !found {
					t.Errorf("sentence %q is in no hit", s.Text)
				}
			}
		})
	}
}

func TestSentences(t *testing.T) {
	got := sentences("第一句。第二句！\n第三句；最后没有句号")
	want := []string{"第一句。", "第二句！", "第三句；", "最后没有句号"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("got %q, want %q", got, want)
	}
}
