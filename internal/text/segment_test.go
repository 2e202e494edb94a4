package text

import (
	"reflect"
	"strings"
	"testing"
)

func texts(toks []Token) []string {
	var out []string
	for _, t := range toks {
		out = append(out, t.Text)
	}
	return out
}

func TestWords(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"empty", "", nil},
		{"punctuation only", "，。！？", nil},
		{"question, a compound and its parts", "申请最低生活保障需要哪些材料？", []string{"申请", "最低生活保障", "最低", "生活", "保障", "需要", "哪些", "材料"}},
		{"abbreviations are words", "医保报销比例", []string{"医保", "报销比例", "报销", "比例"}},
		{"words of the street's work", "低保渐退期", []string{"低保", "渐退期", "渐退"}},
		{"digits kept", "2024年第12条", []string{"2024", "年", "第", "12", "条"}},
		{"full-width and traditional folded", "ＡＰＰ醫療保險", []string{"app", "医疗保险", "医疗", "保险"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := texts(Words(tt.in)); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Words(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestBigrams(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"empty", "", nil},
		{"one character", "低", []string{"低"}},
		{"run of three", "公租房", []string{"公租", "租房"}},
		{"runs split by punctuation and latin", "医保，app报销", []string{"医保", "app", "报销"}},
		{"traditional folded", "醫保", []string{"医保"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := texts(Bigrams(tt.in)); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Bigrams(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestTokenOffsets checks that every token's offsets are in the original
// text and cover what folds to the token.
func TestTokenOffsets(t *testing.T) {
	in := "ＡＰＰ　醫療保險，２０２４年３月起報銷。"
	for name, toks := range map[string][]Token{"Words": Words(in), "Bigrams": Bigrams(in)} {
		for _, tok := range toks {
			if tok.Start < 0 || tok.End > len(in) || tok.Start >= tok.End {
				t.Fatalf("%s: token %q at [%d,%d) outside the text", name, tok.Text, tok.Start, tok.End)
			}
			var b strings.Builder
			for _, r := range in[tok.Start:tok.End] {
				b.WriteRune(Fold(r))
			}
			if b.String() != tok.Text {
				t.Errorf("%s: token %q covers %q", name, tok.Text, in[tok.Start:tok.End])
			}
		}
	}
}

func BenchmarkWords(b *testing.B) {
	s := strings.Repeat("申请最低生活保障的家庭，应当向户籍所在地的街道办事处提出书面申请，并如实提供家庭收入和财产状况。", 4)
	loadSegmenter()
	b.SetBytes(int64(len(s)))
	for b.Loop() {
		Words(s)
	}
}

func BenchmarkBigrams(b *testing.B) {
	s := strings.Repeat("申请最低生活保障的家庭，应当向户籍所在地的街道办事处提出书面申请，并如实提供家庭收入和财产状况。", 4)
	b.SetBytes(int64(len(s)))
	for b.Loop() {
		Bigrams(s)
	}
}

// BenchmarkLoadSegmenter measures loading the dictionary, which the first
// call of Words pays.
func BenchmarkLoadSegmenter(b *testing.B) {
	for b.Loop() {
		newSegmenter(dictGz, extraWords)
	}
}
