package search

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2/analysis"

	"jiceng/internal/policy"
)

func ids(hits []Hit) []string {
	var out []string
	for _, h := range hits {
		out = append(out, h.PassageID)
	}
	return out
}

func TestSearch(t *testing.T) {
	ix := memIndex(t)
	tests := []struct {
		name  string
		q     Query
		first string // "" for no hit
	}{
		{"plain question", Query{Text: "申请最低生活保障要带什么材料"}, "dibao2023#2"},
		{"abbreviation", Query{Text: "低保怎么申请"}, "dibao2023#2"},
		{"abbreviation of housing", Query{Text: "公租房租金怎么定"}, "gzf#2"},
		{"traditional and full-width", Query{Text: "公共租賃住房申請條件"}, "gzf#1"},
		{"question of a Q&A", Query{Text: "医保门诊报销"}, "qa-yb-1#1"},
		{"phrase", Query{Text: "\"30个工作日\""}, "dibao2023#3"},
		{"phrase not in the base", Query{Text: "低保 “三十天内办结”"}, ""},
		{"issuer filter", Query{Text: "申请", Issuer: "北京市住房和城乡建设委员会"}, "gzf#1"},
		{"year filter", Query{Text: "申请最低生活保障", Year: 2015}, "dibao2015#1"},
		{"format filter", Query{Text: "报销", Format: "qa"}, "qa-yb-1#1"},
		{"stop words only", Query{Text: "怎么办呢？"}, ""},
		{"empty", Query{}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hits, err := ix.Search(tt.q)
			if err != nil {
				t.Fatal(err)
			}
			got := ""
			if len(hits) > 0 {
				got = hits[0].PassageID
			}
			if got != tt.first {
				t.Errorf("first hit %q, want %q (hits %v)", got, tt.first, ids(hits))
			}
		})
	}
}

func TestSearchValidity(t *testing.T) {
	ix := memIndex(t)
	all, err := ix.Search(Query{Text: "申请最低生活保障 身份证 户口簿", K: 10})
	if err != nil {
		t.Fatal(err)
	}
	rank := map[string]int{}
	for i, h := range all {
		rank[h.PassageID] = i + 1
	}
	if rank["dibao2015#1"] == 0 || rank["dibao2015#1"] < rank["dibao2023#2"] {
		t.Errorf("repealed passage at %d, in-force one at %d: want it found, below", rank["dibao2015#1"], rank["dibao2023#2"])
	}
	valid, err := ix.Search(Query{Text: "申请最低生活保障 身份证 户口簿", K: 10, ValidOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range valid {
		if h.Validity != policy.Effective {
			t.Errorf("ValidOnly: got %s (%s)", h.PassageID, h.Validity)
		}
	}
}

func TestHit(t *testing.T) {
	ix := memIndex(t)
	hits, err := ix.Search(Query{Text: "低保申请", K: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) != 1 {
		t.Fatalf("got %d hits, want 1", len(hits))
	}
	h := hits[0]
	if h.DocID != "dibao2023" || h.Article != "第五条" || h.Number != "京民社救发〔2023〕12号" || h.Title == "" ||
		len(h.Headings) != 1 || h.Validity != policy.Effective || h.Date != "2023-05-10" || h.Score <= 0 {
		t.Errorf("hit %+v", h)
	}
	if !strings.Contains(h.Snippet, "<mark>最低生活保障</mark>") || !strings.Contains(h.Snippet, "<mark>申请</mark>") {
		t.Errorf("snippet %q: want the synonym and the word marked", h.Snippet)
	}
}

func TestReplaceAndDelete(t *testing.T) {
	ix := memIndex(t)
	docs := fixtureDocs()
	gzf := docs[2]
	gzf.Passages = gzf.Passages[:1]
	if err := ix.Index([]policy.Document{gzf}); err != nil {
		t.Fatal(err)
	}
	if n, _ := ix.Count(); n != 6 {
		t.Errorf("after replacing gzf with one passage: %d passages, want 6", n)
	}
	if err := ix.Delete("dibao2023"); err != nil {
		t.Fatal(err)
	}
	if n, _ := ix.Count(); n != 3 {
		t.Errorf("after deleting dibao2023: %d passages, want 3", n)
	}
	if err := ix.Delete("none"); err != nil {
		t.Errorf("deleting a missing document: %v", err)
	}
	if err := ix.Index([]policy.Document{{Title: "无编号"}}); err == nil {
		t.Error("a document without an ID was indexed")
	}
}

func TestOpenAgain(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "idx")
	ix, err := Open(dir, Options{Synonyms: Synonyms{{"公共租赁住房", "公租房"}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := ix.Index(fixtureDocs()); err != nil {
		t.Fatal(err)
	}
	ix.Close()
	// Opened again with other synonyms: the index keeps its own.
	ix, err = Open(dir, Options{Synonyms: Synonyms{{"x", "y"}}})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	hits, err := ix.Search(Query{Text: "公租房租金"})
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) == 0 || hits[0].PassageID != "gzf#2" {
		t.Errorf("hits %v, want gzf#2 first", ids(hits))
	}
	if !strings.Contains(hits[0].Snippet, "<mark>公共租赁住房</mark>") {
		t.Errorf("snippet %q", hits[0].Snippet)
	}
}

func TestReadSynonyms(t *testing.T) {
	tests := []struct {
		name, in string
		want     string // groups joined, or "error"
	}{
		{"groups and comments", "# 注释\n最低生活保障 低保\n医疗保险/医保\n", "最低生活保障,低保|医疗保险,医保"},
		{"enumeration comma and full width", "公共租赁住房、公租房\nＡＰＰ　应用\n", "公共租赁住房,公租房|app,应用"},
		{"shared term merges", "低保 最低生活保障\n低保金 低保\n", "低保,最低生活保障,低保金"},
		{"one term", "低保\n", "error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := ReadSynonyms(strings.NewReader(tt.in))
			got := "error"
			if err == nil {
				var gs []string
				for _, g := range s {
					gs = append(gs, strings.Join(g, ","))
				}
				got = strings.Join(gs, "|")
			}
			if got != tt.want {
				t.Errorf("got %q (%v), want %q", got, err, tt.want)
			}
		})
	}
	if len(DefaultSynonyms()) < 20 {
		t.Errorf("default synonyms: %d groups", len(DefaultSynonyms()))
	}
}

func TestSplitPhrases(t *testing.T) {
	tests := []struct {
		in, rest string
		phrases  []string
	}{
		{"低保 \"30个工作日\" 审核", "低保   审核", []string{"30个工作日"}},
		{"“公租房”和「租金」", "和", []string{"公租房", "租金"}},
		{"未闭合“引号", "未闭合“引号", nil},
	}
	for _, tt := range tests {
		p, r := splitPhrases(tt.in)
		if r != tt.rest || strings.Join(p, "|") != strings.Join(tt.phrases, "|") {
			t.Errorf("splitPhrases(%q) = %q, %q; want %q, %q", tt.in, p, r, tt.phrases, tt.rest)
		}
	}
}

func TestSearchHostile(t *testing.T) {
	ix := memIndex(t)
	doc := policy.Document{ID: "x", Title: "<b>标题</b>", Format: "html", Passages: []policy.Passage{
		{ID: "x#1", Text: "办理居住证<script>alert(1)</script>需要身份证。"},
	}}
	if err := ix.Index([]policy.Document{doc}); err != nil {
		t.Fatal(err)
	}
	hits, err := ix.Search(Query{Text: "居住证 script", K: 1})
	if err != nil || len(hits) == 0 {
		t.Fatalf("hits %v, err %v", ids(hits), err)
	}
	if strings.Contains(hits[0].Snippet, "<script>") || !strings.Contains(hits[0].Snippet, "&lt;") {
		t.Errorf("snippet not escaped: %q", hits[0].Snippet)
	}
	long := strings.Repeat("低保申请材料审核公示", 2000)
	if _, err := ix.Search(Query{Text: long}); err != nil {
		t.Errorf("a 20,000-character question: %v", err)
	}
	if hits, err := ix.Search(Query{Text: "“未闭合的引号 低保"}); err != nil || len(hits) == 0 {
		t.Errorf("an unclosed quote: hits %v, err %v", ids(hits), err)
	}
}

// FuzzAnalysis checks that the tokenizers, the synonym matcher and the
// snippets take any text: offsets within it, no panic.
func FuzzAnalysis(f *testing.F) {
	for _, s := range []string{"", "低保", "ＡＰＰ醫療保險，２０２４年", "\xff\xfe低保\x00", "“公租房”<b>&</b>"} {
		f.Add(s, "低保 公租房")
	}
	words := &wordsTokenizerImpl{syn: newSynonymMatcher(DefaultSynonyms())}
	f.Fuzz(func(t *testing.T, s, q string) {
		for _, stream := range [][]*analysis.Token{words.Tokenize([]byte(s)), bigramTokenizer{}.Tokenize([]byte(s))} {
			for _, tok := range stream {
				if tok.Start < 0 || tok.End > len(s) || tok.Start > tok.End {
					t.Fatalf("token %q at [%d,%d) in %d bytes", tok.Term, tok.Start, tok.End, len(s))
				}
			}
		}
		terms := strings.Fields(q)
		_ = markWindow(s, matchSpans(s, terms), snippetRunes)
		_ = sentences(s)
		splitPhrases(s)
	})
}
