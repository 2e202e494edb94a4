package text

import (
	"strings"
	"sync"

	"github.com/go-ego/gse"
)

// Segmenter splits normalised text into words with gse and its embedded
// simplified-Chinese dictionary (no file is read at run time). Loading the
// dictionary takes seconds and keeps about 130 MB of heap (see
// BenchmarkLoadDictionary), and segmenting runs at roughly 1 MB/s, so a
// process should make one Segmenter and share it (use Default, or
// NewSegmenter once), and hot paths such as the classifier use character
// n-grams instead.
//
// A Segmenter is safe for concurrent use; AddWords may run while other
// goroutines segment.
type Segmenter struct {
	mu  sync.RWMutex
	seg gse.Segmenter
}

var (
	defaultOnce sync.Once
	defaultSeg  *Segmenter
	defaultErr  error
)

// Default returns the process-wide Segmenter, loading the embedded dictionary
// on first use.
func Default() (*Segmenter, error) {
	defaultOnce.Do(func() { defaultSeg, defaultErr = NewSegmenter() })
	return defaultSeg, defaultErr
}

// NewSegmenter loads gse's embedded simplified-Chinese dictionary and the
// given user words (place names, domain terms such as "飞线充电"), which are
// added with a high frequency so that they are kept whole.
func NewSegmenter(userWords ...string) (*Segmenter, error) {
	s := &Segmenter{}
	s.seg.SkipLog = true
	if err := s.seg.LoadDictEmbed("zh_s"); err != nil {
		return nil, err
	}
	s.AddWords(userWords...)
	return s, nil
}

// userFreq is the dictionary frequency given to user words: high enough that
// the shortest-path cut prefers them to their parts.
const userFreq = 100000

// AddWords adds user words to the dictionary. Words are normalised first;
// empty ones are ignored.
func (s *Segmenter) AddWords(words ...string) {
	if len(words) == 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	added := false
	for _, w := range words {
		w = Normalize(w)
		if w == "" {
			continue
		}
		if err := s.seg.AddToken(w, userFreq); err == nil {
			added = true
		}
	}
	if added {
		s.seg.CalcToken()
	}
}

// Cut normalises s and splits it into words, punctuation included, in text
// order. It uses the dictionary's shortest path plus gse's HMM for words the
// dictionary does not know.
func (s *Segmenter) Cut(str string) []string {
	n := Normalize(str)
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.seg.Cut(n, true)
}

// Words is Cut without punctuation, whitespace and the common function words
// (的, 了, 我, 请 ...) that say nothing about a ticket's topic.
func (s *Segmenter) Words(str string) []string {
	toks := s.Cut(str)
	out := toks[:0]
	for _, t := range toks {
		if !isContent(t) || IsStopWord(t) {
			continue
		}
		out = append(out, t)
	}
	return out
}

// isContent reports whether t has at least one letter, digit or ideograph.
func isContent(t string) bool {
	for _, r := range t {
		if KindOf(r) != Skip {
			return true
		}
	}
	return false
}

// stopWords are the function words dropped by Words. The list is kept short
// on purpose: a word that can carry meaning in a complaint ("没有", "不") stays.
var stopWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`的 了 着 过 地 得 之 与 及 和 或 而 且 并 也 都 就 又 还 才 在 于 把 被 让 给 对 向 从 自 以 为 因 由
		是 有 这 那 此 其 该 某 我 你 他 她 它 我们 你们 他们 她们 咱们 自己 啊 吧 呢 吗 嘛 呀 哦 哈 么 啦
		一个 一些 这个 那个 这些 那些 这样 那样 这里 那里 什么 怎么 如何 为什么 可以 能够 已经 现在 请 您 谢谢 你好 您好`) {
		m[w] = true
	}
	return m
}()

// IsStopWord reports whether w (normalised) is one of the function words that
// Words drops.
func IsStopWord(w string) bool { return stopWords[w] }
