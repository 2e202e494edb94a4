package replycheck

import (
	"math"
	"slices"
	"strconv"
	"strings"

	"jiceng/internal/hot"
	"jiceng/internal/text"
)

// Pair is one message of the corpus with the reply it got.
type Pair struct {
	Message Message
	Reply   Reply
}

// gram is a character bigram of content runes.
type gram [2]rune

// grams returns the distinct bigrams of s's content runes (folded, no
// punctuation), leaving out those with a digit.
func grams(s string) []gram {
	rs := text.AppendContent(nil, s)
	out := make([]gram, 0, len(rs))
	for i := 0; i+1 < len(rs); i++ {
		if rs[i] == '0' || rs[i+1] == '0' {
			continue
		}
		out = append(out, gram{rs[i], rs[i+1]})
	}
	slices.SortFunc(out, cmpGram)
	return slices.Compact(out)
}

// Corpus is a street's recent replies with their messages: the rarity of
// bigrams, a category model of replies and an index of near-identical
// replies. Build it with NewCorpus; it is read-only afterwards and safe for
// concurrent use.
type Corpus struct {
	docs  int            // texts counted in df: a message and a reply per pair
	df    map[gram]int32 // texts with the bigram
	byID  map[string]int // pair index by message ID
	msgG  [][]gram       // the bigrams of each pair's message
	repG  [][]gram       // and of its reply
	cat   []int          // each pair's category index (-1 none)
	cats  []string       // first-level categories
	catN  []int          // replies per category
	catG  []map[gram]int32
	catT  []int // bigrams counted per category
	vocab int
	reply *hot.Index // the replies, by message ID
	msgs  *hot.Index // the messages, by ID
}

// Thresholds of the corpus's checks.
const (
	minCategoryCorpus = 200 // replies needed before the category model speaks
	minNeighbours     = 30  // replies needed before the neighbours' replies are compared
	minCategoryN      = 20  // replies a category needs to be modelled
	categoryOdds      = 20  // posterior odds of another category that count as a mismatch
	nearIdentical     = 0.7 // Jaccard of two replies that are the same text
	boilerMin         = 3   // unrelated messages with the same reply before it is boiler-plate
	boilerPeers       = 100 // near-identical replies looked at
)

// NewCorpus builds the corpus of pairs. Pairs without reply text are left
// out. Message IDs should be unique: a later pair with the ID of an earlier
// one is counted, but only the later one is left out of its own checks.
func NewCorpus(pairs []Pair) *Corpus {
	c := &Corpus{df: map[gram]int32{}, byID: map[string]int{}}
	var msgTexts []string
	var kept []Pair
	for _, p := range pairs {
		if strings.TrimSpace(p.Reply.Text) == "" {
			continue
		}
		kept = append(kept, p)
		msgTexts = append(msgTexts, p.Message.text())
	}
	catIndex := map[string]int{}
	for i, p := range kept {
		mg, rg := grams(p.Message.text()), grams(p.Reply.Text)
		c.msgG = append(c.msgG, mg)
		c.repG = append(c.repG, rg)
		for _, g := range mg {
			c.df[g]++
		}
		for _, g := range rg {
			c.df[g]++
		}
		c.docs += 2
		c.byID[p.Message.ID] = i
		ci := -1
		if l1 := level1(p.Message.Category); l1 != "" {
			var ok bool
			if ci, ok = catIndex[l1]; !ok {
				ci = len(c.cats)
				catIndex[l1] = ci
				c.cats = append(c.cats, l1)
				c.catN = append(c.catN, 0)
				c.catG = append(c.catG, map[gram]int32{})
				c.catT = append(c.catT, 0)
			}
			c.catN[ci]++
			for _, g := range rg {
				c.catG[ci][g]++
			}
			c.catT[ci] += len(rg)
		}
		c.cat = append(c.cat, ci)
	}
	vocab := map[gram]bool{}
	for _, rg := range c.repG {
		for _, g := range rg {
			vocab[g] = true
		}
	}
	c.vocab = len(vocab)
	// Near-identical replies share most of their postings: the first
	// hundred candidates hold them.
	c.reply = hot.NewIndex(hot.Options{Common: []string{}, MaxCandidates: boilerPeers})
	common := hot.CommonShingles(msgTexts, 0, 0.02, 50)
	c.msgs = hot.NewIndex(hot.Options{Common: common, MaxCandidates: boilerPeers})
	for _, p := range kept {
		c.reply.Add(hot.Doc{ID: p.Message.ID, Text: p.Reply.Text})
		c.msgs.Add(msgDoc(&p.Message))
	}
	return c
}

// Len returns the number of pairs in the corpus.
func (c *Corpus) Len() int { return len(c.msgG) }

func msgDoc(m *Message) hot.Doc {
	return hot.Doc{ID: m.ID, Text: m.text(), Place: m.Community, Category: m.Category, Time: m.ReceivedAt}
}

// level1 returns the first level of a category path.
func level1(path string) string {
	l, _, _ := strings.Cut(strings.TrimSpace(path), "/")
	return strings.TrimSpace(l)
}

// self returns the corpus index of m's own pair, or -1.
func (c *Corpus) self(m *Message) int {
	if c == nil || m.ID == "" {
		return -1
	}
	if i, ok := c.byID[m.ID]; ok {
		return i
	}
	return -1
}

// weigher returns the weight of a bigram: its inverse document frequency
// in the corpus with the pair self left out, zero for stock phrases.
func (c *Corpus) weigher(self int) func(g gram) float64 {
	if c == nil || c.docs < 10 {
		return func(g gram) float64 {
			if stock[g] {
				return 0
			}
			return 1
		}
	}
	var own map[gram]int32
	n := c.docs
	if self >= 0 {
		own = map[gram]int32{}
		for _, g := range c.msgG[self] {
			own[g]++
		}
		for _, g := range c.repG[self] {
			own[g]++
		}
		n -= 2
	}
	return func(g gram) float64 {
		if stock[g] {
			return 0
		}
		df := c.df[g] - own[g]
		return math.Log(1 + float64(n)/float64(df+1))
	}
}

// categoryOf returns the posterior (tempered) of each category for the
// reply bigrams rg, with pair self left out, and whether the model speaks.
func (c *Corpus) categoryOf(rg []gram, self int) ([]float64, bool) {
	if c == nil || len(c.msgG) < minCategoryCorpus || len(rg) == 0 {
		return nil, false
	}
	selfCat := -1
	var own map[gram]bool
	if self >= 0 && c.cat[self] >= 0 {
		selfCat = c.cat[self]
		own = map[gram]bool{}
		for _, g := range c.repG[self] {
			own[g] = true
		}
	}
	ll := make([]float64, len(c.cats))
	n := 0
	const alpha = 0.5
	for ci := range c.cats {
		cn, ct := c.catN[ci], c.catT[ci]
		if ci == selfCat {
			cn--
			ct -= len(c.repG[self])
		}
		if cn < minCategoryN {
			ll[ci] = math.Inf(-1)
			continue
		}
		n++
		den := math.Log(float64(ct) + alpha*float64(c.vocab))
		for _, g := range rg {
			k := c.catG[ci][g]
			if ci == selfCat && own[g] {
				k--
			}
			ll[ci] += math.Log(float64(k)+alpha) - den
		}
	}
	if n < 2 {
		return nil, false
	}
	// Bigrams of one text are far from independent: temper the likelihood
	// by the square root of their number.
	t := math.Sqrt(float64(len(rg)))
	best := math.Inf(-1)
	for _, x := range ll {
		best = max(best, x/t)
	}
	post := make([]float64, len(ll))
	sum := 0.0
	for i, x := range ll {
		post[i] = math.Exp(x/t - best)
		sum += post[i]
	}
	for i := range post {
		post[i] /= sum
	}
	return post, true
}

// boilerplate scores how many unrelated messages got the same reply.
func (c *Corpus) boilerplate(m *Message, reply string, near []hot.Match) (float64, []Reason) {
	peers := c.reply.Similar(hot.Doc{ID: m.ID, Text: reply}, boilerPeers)
	var same []string
	for _, p := range peers {
		if p.Jaccard >= nearIdentical {
			same = append(same, p.ID)
		}
	}
	if len(same) < boilerMin {
		return 100, nil
	}
	related := map[string]bool{}
	for _, x := range near {
		if x.Duplicate {
			related[x.ID] = true
		}
	}
	var unrelated []string
	for _, id := range same {
		if !related[id] {
			unrelated = append(unrelated, id)
		}
	}
	u := len(unrelated)
	if u < boilerMin {
		return 100, nil
	}
	n := strconv.Itoa(u)
	if len(peers) == boilerPeers && len(same) == len(peers) {
		n += " 件以上"
	} else {
		n += " 件"
	}
	ev := []string{"如工单 " + strings.Join(unrelated[:min(3, u)], "、")}
	return 100 * (boilerMin - 1) / float64(u), []Reason{{Aspect: Boilerplate, Text: "与 " + n + "不相关诉求的答复相同（模板化）", Evidence: ev}}
}

// stock are the bigrams of the stock phrases of replies and petitions:
// sharing them says nothing about the topic. They are dropped even with a
// corpus (whose rarity weights would mostly do it) so that a small corpus
// behaves.
var stock = func() map[gram]bool {
	m := map[gram]bool{}
	for _, w := range stockWords {
		rs := []rune(w)
		for i := 0; i+1 < len(rs); i++ {
			m[gram{rs[i], rs[i+1]}] = true
		}
	}
	return m
}()

// stockWords are the stock phrases, longest first.
var stockWords = func() []string {
	ws := strings.Fields(`来电人 电话 核实 核查 联系 反馈 表示 认可 满意 处理 问题 相关 工作人员 部门 单位
		您好 您反映 感谢 支持 情况 进行 及时 解决 已经 目前 现已 要求 诉求 市民 居民 我们 有关 按照 根据 规定 经过
		关于 对于 已于 派人 现场 收到 工单 接单 取得 第一时间 告知 同时 并且 后续 继续 跟进 理解 做好 解释 说明
		同志 你好 反映 来信 留言 回复 如下 特此 谢谢 希望 尽快 请求 领导 政府 我单位 我局 问题已
		收悉 高度重视 安排 人员 感谢您 理解 监督 转相关 职能 另行 结果 您的 我们 已收到 收到 向领导 汇报 正在
		认真 研究 考虑 会向 转给 关注 您好 的问题 您举报 您咨询 您投诉 已转 另行告知 处理结果 感谢您对 我们工作 的理解和支持
		对我们 工作的 的监督 举报 咨询 投诉 已向您 向您 作了 做了 解答 已电话`)
	slices.SortStableFunc(ws, func(a, b string) int { return len(b) - len(a) })
	return ws
}()

// near returns the corpus messages most similar to m, best first (the
// repeat-request score of package hot), m's own pair left out.
func (c *Corpus) near(m *Message) []hot.Match {
	if c == nil || len(c.msgG) == 0 {
		return nil
	}
	return c.msgs.Similar(msgDoc(m), boilerPeers)
}

// neighbourFit compares the reply bigrams rg with the replies of the
// corpus messages nearest the message (near): the
// rarity-weighted share of rg found in each neighbour's reply, averaged
// with the neighbours' message scores as weights. It returns the fit and
// the IDs of the best neighbours (up to 2), for the evidence.
func (c *Corpus) neighbourFit(near []hot.Match, rg []gram, w func(gram) float64) (float64, []string) {
	if c == nil || len(c.msgG) < minNeighbours {
		return 0, nil
	}
	ms := near[:min(neighbours, len(near))]
	total := 0.0
	for _, g := range rg {
		total += w(g)
	}
	if total == 0 || len(ms) == 0 {
		return 0, nil
	}
	var fit, sum float64
	var ids []string
	for _, x := range ms {
		i, ok := c.byID[x.ID]
		if !ok {
			continue
		}
		nr := c.repG[i]
		shared := 0.0
		for _, g := range rg {
			if _, ok := slices.BinarySearchFunc(nr, g, cmpGram); ok {
				shared += w(g)
			}
		}
		fit += x.Score * shared / total
		sum += x.Score
		if len(ids) < 2 {
			ids = append(ids, x.ID)
		}
	}
	if sum == 0 {
		return 0, nil
	}
	return fit / sum, ids
}

func cmpGram(a, b gram) int {
	if a[0] != b[0] {
		return int(a[0] - b[0])
	}
	return int(a[1] - b[1])
}
