package dbutil

import (
	"os"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// matches evaluates keyword against a text the way the stores do: every
// phrase of the keyword's bigrams at consecutive positions of the text's
// bigrams.
func matches(title, content, keyword string) (match, usable, exact bool) {
	phrases, exact := KeywordPhrases(keyword)
	if len(phrases) == 0 {
		return false, false, false
	}
	pos := map[Bigram][]int{}
	SearchBigrams(title, content, func(b Bigram, p int) { pos[b] = append(pos[b], p) })
	for _, ph := range phrases {
		found := false
		for _, start := range pos[ph[0]] {
			ok := true
			for i, b := range ph[1:] {
				if !contains(pos[b], start+i+1) {
					ok = false
					break
				}
			}
			if ok {
				found = true
				break
			}
		}
		if !found {
			return false, true, exact
		}
	}
	return true, true, exact
}

func contains(s []int, v int) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

func foldLower(s string) string {
	var b strings.Builder
	for _, r := range s {
		b.WriteRune(lower(r))
	}
	return b.String()
}

func TestKeywordMatch(t *testing.T) {
	const title, content = "夜间施工噪音", "小区旁工地夜间施工，噪音扰民。WiFi 信号差"
	tests := []struct {
		kw                   string
		match, usable, exact bool
	}{
		{"噪音", true, true, true},
		{"施工噪音", true, true, true},
		{"工地夜间施工", true, true, true},
		{"wifi", true, true, true},
		{"WIFI", true, true, true},
		{"民影", false, true, true},
		{"噪音小区", false, true, true}, // across title and content
		{"施工，噪音", true, true, false},
		{"噪", false, false, false},
		{"，", false, false, false},
		{"", false, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.kw, func(t *testing.T) {
			m, u, e := matches(title, content, tt.kw)
			if m != tt.match || u != tt.usable || e != tt.exact {
				t.Errorf("got match %v usable %v exact %v, want %v %v %v", m, u, e, tt.match, tt.usable, tt.exact)
			}
		})
	}
}

// FuzzKeywordPhrases checks the index against the definition: for an exact
// keyword, a phrase match is the same as the (case-folded) text containing
// it; for any other usable keyword, containing it implies a match.
func FuzzKeywordPhrases(f *testing.F) {
	f.Add("夜间施工噪音", "小区旁工地夜间施工，噪音扰民。", "施工噪音")
	f.Add("路灯", "幸福路3号路灯坏了", "路3号")
	f.Add("Ab", "xAbC", "abc")
	f.Fuzz(func(t *testing.T, title, content, kw string) {
		if !utf8.ValidString(title) || !utf8.ValidString(content) || !utf8.ValidString(kw) {
			return
		}
		m, usable, exact := matches(title, content, kw)
		if !usable {
			return
		}
		lk := foldLower(kw)
		has := strings.Contains(foldLower(title), lk) || strings.Contains(foldLower(content), lk)
		if has && !m {
			t.Fatalf("text contains %q but the index does not match", kw)
		}
		if exact && m && !has {
			t.Fatalf("index matches exact keyword %q but the text does not contain it", kw)
		}
	})
}

// TestOpenStatusesSQL: the deadline list's condition is the one of the
// partial index in both stores' migration 0003, so that it can use it.
func TestOpenStatusesSQL(t *testing.T) {
	for _, p := range []string{"../sqlite/migrations/0003_workflow.sql", "../postgres/migrations/0003_workflow.sql"} {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), "status IN "+OpenStatusesSQL) {
			t.Errorf("%s: the partial index is not on status IN %s", p, OpenStatusesSQL)
		}
	}
}

func TestSetDiff(t *testing.T) {
	tests := []struct {
		name                string
		old, new            []string
		wantGone, wantAdded []string
	}{
		{"new record", nil, []string{"a", "b"}, nil, []string{"a", "b"}},
		{"unchanged", []string{"a", "b"}, []string{"b", "a"}, nil, nil},
		{"one changed", []string{"a", "b", "c"}, []string{"a", "x", "c"}, []string{"b"}, []string{"x"}},
		{"all gone", []string{"a"}, nil, []string{"a"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			gone, added := SetDiff(tt.old, tt.new)
			if !slices.Equal(gone, tt.wantGone) || !slices.Equal(added, tt.wantAdded) {
				t.Errorf("SetDiff = %q, %q; want %q, %q", gone, added, tt.wantGone, tt.wantAdded)
			}
		})
	}
}
