package realtext

import (
	"slices"
	"testing"
)

func TestUnmark(t *testing.T) {
	tests := []struct {
		name, in, plain string
		spans           []Span
		bad             bool
	}{
		{name: "plain", in: "没有标注", plain: "没有标注"},
		{name: "ladder", in: "⟦A市|ZONE⟧⟦永安东路|ROAD⟧", plain: "A市永安东路", spans: []Span{
			{Field: "detail", Type: "ZONE", Start: 0, End: 2, Text: "A市"},
			{Field: "detail", Type: "ROAD", Start: 2, End: 6, Text: "永安东路"},
		}},
		{name: "inside", in: "住⟦1栋304|BUILDING⟧的", plain: "住1栋304的", spans: []Span{{Field: "detail", Type: "BUILDING", Start: 1, End: 6, Text: "1栋304"}}},
		{name: "unclosed", in: "⟦A市|ZONE", bad: true},
		{name: "stray close", in: "A市⟧", bad: true},
		{name: "no type", in: "⟦A市⟧", bad: true},
		{name: "nested", in: "⟦A⟦B|X⟧|Y⟧", bad: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plain, spans, err := Unmark("detail", tt.in)
			if tt.bad {
				if err == nil {
					t.Fatalf("Unmark(%q) = %q, want an error", tt.in, plain)
				}
				return
			}
			if err != nil || plain != tt.plain || !slices.Equal(spans, tt.spans) {
				t.Fatalf("Unmark(%q) = %q %+v %v, want %q %+v", tt.in, plain, spans, err, tt.plain, tt.spans)
			}
		})
	}
}

func TestSpanScore(t *testing.T) {
	gold := []Span{
		{Field: "title", Type: "ZONE", Start: 0, End: 2},
		{Field: "detail", Type: "ROAD", Start: 3, End: 7},
		{Field: "detail", Type: "PERSON", Start: 9, End: 11},
	}
	pred := []Span{
		{Field: "title", Type: "ZONE", Start: 0, End: 2},    // right
		{Field: "detail", Type: "ZONE", Start: 3, End: 7},   // right span, wrong type
		{Field: "detail", Type: "ROAD", Start: 12, End: 14}, // spurious
	}
	got := SpanScore(gold, pred, []string{"ZONE", "ROAD"}, true)
	want := []PRF{{Type: "ZONE", Gold: 1, Pred: 2, Match: 1}, {Type: "ROAD", Gold: 1, Pred: 1, Match: 0}, {Type: "all", Gold: 2, Pred: 3, Match: 1}}
	if !slices.Equal(got, want) {
		t.Fatalf("typed: %+v, want %+v", got, want)
	}
	got = SpanScore(gold, pred, []string{"ZONE", "ROAD"}, false)
	if all := got[2]; all.Match != 2 {
		t.Fatalf("untyped: %+v, want 2 matches", all)
	}
	if p := (PRF{}); p.F1() != 1 {
		t.Fatalf("empty PRF F1 = %v, want 1", p.F1())
	}
}

func TestConfusion(t *testing.T) {
	c := NewConfusion("a", "b")
	for _, d := range [][2]string{{"a", "a"}, {"a", "b"}, {"b", "b"}, {"b", "b"}} {
		c.Add(d[0], d[1])
	}
	if acc := c.Accuracy(); acc != 0.75 {
		t.Fatalf("accuracy %v", acc)
	}
	// a: P 1, R .5, F1 2/3; b: P 2/3, R 1, F1 .8
	if f := c.MacroF1(); f < 0.733 || f > 0.734 {
		t.Fatalf("macro-F1 %v", f)
	}
}

func TestGoldLoads(t *testing.T) {
	ms, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	dev, test := len(Split(ms, "dev")), len(Split(ms, "test"))
	if len(ms) < 200 || dev+test != len(ms) || dev < len(ms)*4/10 || test < len(ms)*4/10 {
		t.Fatalf("%d messages, %d dev, %d test; want at least 200, split about evenly", len(ms), dev, test)
	}
	for _, m := range ms {
		if m.Category == "" || m.Intent == "" || m.Urgency == "" {
			t.Fatalf("message %d lacks a label", m.ID)
		}
	}
}

func TestSum(t *testing.T) {
	a := SpanScore([]Span{{Field: "detail", Type: "ZONE", Start: 0, End: 2}}, []Span{{Field: "detail", Type: "ZONE", Start: 0, End: 2}}, []string{"ZONE"}, true)
	b := SpanScore([]Span{{Field: "detail", Type: "ZONE", Start: 0, End: 2}}, nil, []string{"ZONE"}, true)
	got := Sum(Sum(nil, a), b)
	if want := (PRF{Type: "ZONE", Gold: 2, Pred: 1, Match: 1}); got[0] != want {
		t.Fatalf("Sum = %+v, want %+v", got[0], want)
	}
}
