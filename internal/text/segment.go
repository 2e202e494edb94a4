package text

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"io"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/go-ego/gse"
)

// The segmentation dictionary: the words of gse's simplified-Chinese
// dictionary (data/dict/zh/s_1.txt, from jieba; Apache-2.0/MIT) seen at
// least 100 times, with their frequencies — 36,358 of its 352,279 words,
// 205 KB gzipped. It is the smallest that segments the policy questions as
// well as the whole dictionary did (see the README's Policy base), and it
// loads in a tenth of the time. Regenerate with
//
//	awk '$2>=100 {print $1, $2}' s_1.txt | LC_ALL=C sort | gzip -9 -n > dict/zh.txt.gz
//
// gse's own embedded dictionaries (Chinese, Japanese, IDF: 38 MB) are not
// linked: only gse.Segmenter.LoadDictStr is called.
//
//go:embed dict/zh.txt.gz
var dictGz []byte

// extraWords are words of the street's work that the general dictionary
// lacks or has too rarely to keep (低保, 渐退期, 公租房, 接诉即办 ...),
// among them every term of the policy base's synonyms
// (internal/search/synonyms.txt), so that an abbreviation is one word.
//
//go:embed dict/extra.txt
var extraWords string

// segmenter is the word segmenter, loaded once, on first use: commands
// that never segment never pay for the dictionary.
var segmenter struct {
	once sync.Once
	seg  gse.Segmenter
	took time.Duration
}

func loadSegmenter() *gse.Segmenter {
	segmenter.once.Do(func() {
		start := time.Now()
		segmenter.seg = newSegmenter(dictGz, extraWords)
		segmenter.took = time.Since(start)
	})
	return &segmenter.seg
}

// newSegmenter returns a segmenter of the gzipped dictionary gz and the
// extra words. The dictionary is the package's own, so a broken one is a
// build error: newSegmenter panics.
func newSegmenter(gz []byte, extra string) gse.Segmenter {
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		panic("text: segmentation dictionary: " + err.Error())
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		panic("text: segmentation dictionary: " + err.Error())
	}
	var seg gse.Segmenter
	seg.SkipLog = true
	if err := seg.LoadDictStr(string(b) + "\n" + extra); err != nil {
		panic("text: segmentation dictionary: " + err.Error())
	}
	return seg
}

// SegmenterLoadTime loads the segmenter if it is not loaded yet and
// returns how long loading it took.
func SegmenterLoadTime() time.Duration {
	loadSegmenter()
	return segmenter.took
}

// Token is one token of a text: its folded form (see Fold) and its byte
// offsets in the text it was taken from, so that a caller can highlight it
// in the original.
type Token struct {
	Text       string
	Start, End int
	// Part is set on a part of a compound word (see Words): it is at the
	// place of the word before it.
	Part bool
}

// folded is a text folded rune by rune, with, for each byte of the folded
// form, the offset of the original rune it comes from.
type folded struct {
	s    string
	offs []int // len(s)+1 entries; offs[len(s)] is the original's length
}

func foldText(s string) folded {
	var b strings.Builder
	b.Grow(len(s))
	offs := make([]int, 0, len(s)+1)
	for i, r := range s {
		f := Fold(r)
		n := utf8.RuneLen(f)
		if n < 0 { // invalid rune: folded as the replacement character
			f, n = utf8.RuneError, 3
		}
		b.WriteRune(f)
		for range n {
			offs = append(offs, i)
		}
	}
	offs = append(offs, len(s))
	return folded{b.String(), offs}
}

// content reports whether w holds a content rune (a Han character, a digit
// or a letter): the segmenter also returns punctuation and spaces.
func content(w string) bool {
	for _, r := range w {
		if KindOf(r) != Skip {
			return true
		}
	}
	return false
}

// Words returns the words of s: s folded (see Fold; digits are kept as
// they are, unlike Normalize, since a year or an article number is worth
// finding), cut along the dictionary's most probable path (gse's Segment:
// a character the dictionary does not know is a word of its own), without
// punctuation and spaces. Runs of Latin letters and digits are words of
// their own. A compound word of the dictionary is followed by its parts of
// two characters or more, marked Part, so that a search for a part finds
// the compound (the search mode of a segmenter). (gse's Cut, with an HMM for unknown words, is four times
// slower and links 1 MB of tables more.)
//
// The dictionary is loaded on the first call (about 0.15 s). Words is safe
// for concurrent use.
func Words(s string) []Token {
	if s == "" {
		return nil
	}
	f := foldText(s)
	segs := loadSegmenter().Segment([]byte(f.s))
	var toks []Token
	for i := range segs {
		start, end := segs[i].Start(), segs[i].End()
		if end <= start || !content(f.s[start:end]) {
			continue
		}
		// A piece may hold spaces or punctuation when gse could not
		// split a Latin run; keep its content runs.
		toks = appendPieces(toks, f, start, end)
		// The parts of a compound (最低生活保障: 最低, 生活, 保障), in
		// the dictionary's own cut.
		for _, part := range segs[i].Token().Segments() {
			ps, pe := start+part.Start(), start+part.End()
			if pe-ps < len(f.s[start:end]) && content(f.s[ps:pe]) && utf8.RuneCountInString(f.s[ps:pe]) > 1 {
				toks = append(toks, Token{f.s[ps:pe], f.offs[ps], f.offs[pe], true})
			}
		}
	}
	return toks
}

// appendPieces appends to toks the maximal runs of content runes of
// f.s[start:end].
func appendPieces(toks []Token, f folded, start, end int) []Token {
	from := -1
	for i := start; i < end; {
		r, n := utf8.DecodeRuneInString(f.s[i:])
		if KindOf(r) == Skip {
			if from >= 0 {
				toks = append(toks, Token{f.s[from:i], f.offs[from], f.offs[i], false})
				from = -1
			}
		} else if from < 0 {
			from = i
		}
		i += n
	}
	if from >= 0 {
		toks = append(toks, Token{f.s[from:end], f.offs[from], f.offs[end], false})
	}
	return toks
}

// Bigrams returns the character bigrams of s: s folded as for Words, each
// run of Han characters as its overlapping pairs (a run of one character
// as that character), each run of Latin letters and digits whole. It needs
// no dictionary. Bigrams is safe for concurrent use.
func Bigrams(s string) []Token {
	f := foldText(s)
	var toks []Token
	var han []int // byte offsets in f.s of the current Han run's runes
	flushHan := func(end int) {
		switch len(han) {
		case 0:
			return
		case 1:
			toks = append(toks, Token{f.s[han[0]:end], f.offs[han[0]], f.offs[end], false})
		default:
			for i := 0; i+1 < len(han); i++ {
				e := end
				if i+2 < len(han) {
					e = han[i+2]
				}
				toks = append(toks, Token{f.s[han[i]:e], f.offs[han[i]], f.offs[e], false})
			}
		}
		han = han[:0]
	}
	other := -1 // start of the current Latin/digit run
	flushOther := func(end int) {
		if other >= 0 {
			toks = append(toks, Token{f.s[other:end], f.offs[other], f.offs[end], false})
			other = -1
		}
	}
	for i, r := range f.s {
		switch KindOf(r) {
		case Han:
			flushOther(i)
			han = append(han, i)
		case Skip:
			flushHan(i)
			flushOther(i)
		default:
			flushHan(i)
			if other < 0 {
				other = i
			}
		}
	}
	flushHan(len(f.s))
	flushOther(len(f.s))
	return toks
}
