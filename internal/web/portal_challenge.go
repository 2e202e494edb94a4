package web

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"math/big"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"jiceng/internal/core"
)

// The portal's challenge (人机验证) against scripted submissions, without
// JavaScript: a small sum in Chinese words ("七加五等于几？") and a token,
// signed with the server's key (HMAC-SHA256), that binds the answer to an
// expiry time and a nonce. The answer is never in the token: checking it
// recomputes the signature with the answer given. A token is good for
// challengeTTL and once (its nonce is remembered until it expires). The
// key is drawn when the server starts, so a restart only asks again.

const (
	challengeTTL = 20 * time.Minute
	// maxUsedNonces bounds the memory of used tokens; when full, the
	// expired ones are dropped, then tokens are refused until some expire.
	maxUsedNonces = 100_000
	nonceLen      = 12
	macLen        = 16
)

var errChallenge = core.InvalidField("answer", "验证题回答不正确，请重新计算下面的新题目")
var errChallengeOld = core.InvalidField("answer", "验证题已过期或已使用，请回答下面的新题目后重新提交")

// challenges signs and checks the portal's challenges.
type challenges struct {
	key  []byte
	mu   sync.Mutex
	used map[[nonceLen]byte]time.Time // nonce → expiry
}

func newChallenges() *challenges {
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		panic("web: challenge key: " + err.Error()) // the system's random source failed
	}
	return &challenges{key: key, used: map[[nonceLen]byte]time.Time{}}
}

// challenge is one question and its token.
type challenge struct {
	Question string
	Token    string
}

var chineseDigits = []string{"零", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十"}

// chineseNumber writes 0 to 99 in Chinese words (十二, 二十, 三十五).
func chineseNumber(n int) string {
	switch {
	case n <= 10:
		return chineseDigits[n]
	case n < 20:
		return "十" + chineseDigits[n%10]
	case n%10 == 0:
		return chineseDigits[n/10] + "十"
	}
	return chineseDigits[n/10] + "十" + chineseDigits[n%10]
}

func draw(n int64) int {
	v, err := rand.Int(rand.Reader, big.NewInt(n))
	if err != nil {
		panic("web: challenge: " + err.Error())
	}
	return int(v.Int64())
}

// new makes a challenge valid from now.
func (c *challenges) new(now time.Time) challenge {
	a, b := draw(9)+1, draw(9)+1
	q, ans := chineseNumber(a)+"加"+chineseNumber(b)+"等于几？", a+b
	if draw(2) == 1 {
		if a < b {
			a, b = b, a
		}
		a += 5 // never zero or negative: 6 to 14 minus 1 to 9
		q, ans = chineseNumber(a)+"减"+chineseNumber(b)+"等于几？", a-b
	}
	var nonce [nonceLen]byte
	rand.Read(nonce[:])
	exp := now.Add(challengeTTL).Unix()
	head := make([]byte, 8, 8+nonceLen)
	binary.BigEndian.PutUint64(head, uint64(exp))
	head = append(head, nonce[:]...)
	return challenge{Question: q, Token: base64.RawURLEncoding.EncodeToString(head) + "." +
		base64.RawURLEncoding.EncodeToString(c.mac(head, ans))}
}

func (c *challenges) mac(head []byte, answer int) []byte {
	m := hmac.New(sha256.New, c.key)
	m.Write([]byte("jiceng-portal-challenge\x00"))
	m.Write(head)
	var a [8]byte
	binary.BigEndian.PutUint64(a[:], uint64(answer))
	m.Write(a[:])
	return m.Sum(nil)[:macLen]
}

// parseChallengeToken splits a token into its signed head (expiry, nonce)
// and its signature; ok is false for anything not of that shape.
func parseChallengeToken(tok string) (exp int64, nonce [nonceLen]byte, head, sig []byte, ok bool) {
	h, s, found := strings.Cut(tok, ".")
	if !found || len(tok) > 100 {
		return 0, nonce, nil, nil, false
	}
	head, err := base64.RawURLEncoding.DecodeString(h)
	if err != nil || len(head) != 8+nonceLen {
		return 0, nonce, nil, nil, false
	}
	sig, err = base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(sig) != macLen {
		return 0, nonce, nil, nil, false
	}
	copy(nonce[:], head[8:])
	return int64(binary.BigEndian.Uint64(head[:8])), nonce, head, sig, true
}

// parseAnswer reads an answer as typed: digits (full-width too) or Chinese
// words (十四, 一十四, 九), 0 to 99; ok is false for anything else.
func parseAnswer(s string) (int, bool) {
	s = strings.TrimSpace(s)
	if s == "" || utf8.RuneCountInString(s) > 4 {
		return 0, false
	}
	digits, n := 0, 0
	allDigits := true
	for _, r := range s {
		if r >= '０' && r <= '９' {
			r = r - '０' + '0'
		}
		if r < '0' || r > '9' {
			allDigits = false
			break
		}
		digits = digits*10 + int(r-'0')
		n++
	}
	if allDigits {
		// At most two digits, full-width or not, mixed too; a leading zero
		// counts (05).
		return digits, n <= 2
	}
	value := func(r rune) int {
		for i, d := range chineseDigits[:10] {
			if string(r) == d {
				return i
			}
		}
		if r == '〇' || r == '两' {
			return map[rune]int{'〇': 0, '两': 2}[r]
		}
		return -1
	}
	rs := []rune(s)
	switch {
	case len(rs) == 1 && rs[0] == '十':
		return 10, true
	case len(rs) == 1:
		v := value(rs[0])
		return v, v >= 0
	case len(rs) == 2 && rs[0] == '十':
		v := value(rs[1])
		return 10 + v, v > 0
	case len(rs) == 2 && rs[1] == '十':
		v := value(rs[0])
		return v * 10, v > 0
	case len(rs) == 3 && rs[1] == '十':
		t, u := value(rs[0]), value(rs[2])
		return t*10 + u, t > 0 && u > 0
	}
	return 0, false
}

// check verifies an answer to the challenge of token at now. A genuine
// token is used up by its first answer, right or wrong, so that an answer
// cannot be guessed by trying each; a token not signed by this server
// (checked against every possible answer) is refused before it is
// remembered.
func (c *challenges) check(token, answer string, now time.Time) error {
	exp, nonce, head, sig, ok := parseChallengeToken(token)
	if !ok || now.Unix() > exp || exp > now.Add(challengeTTL+time.Minute).Unix() {
		return errChallengeOld
	}
	right := -1
	for a := 0; a <= maxAnswer && right < 0; a++ {
		if hmac.Equal(sig, c.mac(head, a)) {
			right = a
		}
	}
	if right < 0 {
		return errChallengeOld
	}
	if err := c.use(nonce, exp, now); err != nil {
		return err
	}
	if ans, ok := parseAnswer(answer); !ok || ans != right {
		return errChallenge
	}
	return nil
}

// maxAnswer bounds the answers of the challenges (9 + 9).
const maxAnswer = 18

// use remembers nonce until exp; a nonce used already is errChallengeOld.
func (c *challenges) use(nonce [nonceLen]byte, exp int64, now time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, used := c.used[nonce]; used {
		return errChallengeOld
	}
	if len(c.used) >= maxUsedNonces {
		for k, e := range c.used {
			if now.After(e) {
				delete(c.used, k)
			}
		}
		if len(c.used) >= maxUsedNonces {
			return core.Errorf(core.ETOOMANY, "当前提交人数较多，请稍后再试")
		}
	}
	c.used[nonce] = time.Unix(exp, 0)
	return nil
}
