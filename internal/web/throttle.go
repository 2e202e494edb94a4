package web

import (
	"errors"
	"math"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"jiceng/internal/core"
)

// Sign-in throttling. Wrong passwords are counted per account (any
// username, known or not, so the throttle tells nothing about which
// accounts exist) and per client address. After a few failures the key is
// locked for a minute, and every further failure doubles the lock up to a
// quarter of an hour; a success clears the account's count, not the
// address's. The counts live in memory: a restart forgets them, which costs
// an attacker a restart of the server per round.
const (
	accountFreeFailures = 5  // failures of one account that lock it
	addressFreeFailures = 20 // failures from one address that lock it
	firstLock           = time.Minute
	maxLock             = 15 * time.Minute
	// strikesForget is how long after its last failure a key is forgotten.
	strikesForget = 30 * time.Minute
	// maxStrikeKeys bounds the memory of the throttle (about 100 bytes per
	// key): when full, forgotten keys are dropped, then arbitrary ones.
	maxStrikeKeys = 100_000
)

// throttle counts failed sign-ins by key and locks keys that fail too
// often. The zero value is not usable; use newThrottle.
type throttle struct {
	mu      sync.Mutex
	strikes map[string]*strikes
}

type strikes struct {
	failures int
	last     time.Time // of the last failure
	until    time.Time // locked until
}

func newThrottle() *throttle { return &throttle{strikes: map[string]*strikes{}} }

// locked returns how long key stays locked at now (0: not locked).
func (t *throttle) locked(key string, now time.Time) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	st := t.strikes[key]
	if st == nil || !now.Before(st.until) {
		return 0
	}
	return st.until.Sub(now)
}

// fail counts a failure of key at now; the free-th failure locks the key.
func (t *throttle) fail(key string, free int, now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	st := t.strikes[key]
	if st != nil && now.Sub(st.last) > strikesForget {
		st = nil
	}
	if st == nil {
		t.makeRoom(now)
		st = &strikes{}
		t.strikes[key] = st
	}
	st.failures++
	st.last = now
	if over := st.failures - free; over >= 0 {
		lock := time.Duration(float64(firstLock) * math.Pow(2, float64(min(over, 10))))
		st.until = now.Add(min(lock, maxLock))
	}
}

// clear forgets key (after a successful sign-in).
func (t *throttle) clear(key string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.strikes, key)
}

// makeRoom drops forgotten keys when the map is full, then arbitrary
// ones; t.mu is held.
func (t *throttle) makeRoom(now time.Time) {
	if len(t.strikes) < maxStrikeKeys {
		return
	}
	for k, st := range t.strikes {
		if now.Sub(st.last) > strikesForget {
			delete(t.strikes, k)
		}
	}
	for k := range t.strikes {
		if len(t.strikes) < maxStrikeKeys {
			break
		}
		delete(t.strikes, k)
	}
}

// signInKeys are the throttle keys of a sign-in attempt: the account and
// the client address. The address is the connection's peer: behind a
// reverse proxy every client shares the proxy's address, and its lock then
// protects the accounts as a whole.
func signInKeys(r *http.Request, username string) (account, address string) {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	return "user:" + strings.ToLower(username), "addr:" + host
}

// errThrottled is the refusal of a locked sign-in.
func errThrottled(wait time.Duration) error {
	minutes := int(math.Ceil(wait.Minutes()))
	e := core.Errorf(core.ETOOMANY, "登录失败次数过多，请 %d 分钟后再试。忘记密码请联系数据管理员重置。", max(minutes, 1))
	e.Err = retryAfter(wait)
	return e
}

// retryAfter is the wait of a refusal, for the Retry-After header.
type retryAfter time.Duration

func (d retryAfter) Error() string { return "retry after " + time.Duration(d).String() }

// setRetryAfter sets Retry-After when err says how long to wait.
func setRetryAfter(w http.ResponseWriter, err error) {
	var d retryAfter
	if errors.As(err, &d) {
		w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(time.Duration(d).Seconds()))))
	}
}

// rateLimit counts requests by key (a client address) in fixed windows:
// at most n in each window, for the residents' portal, where anyone may
// submit, track and rate without an account. Like the sign-in throttle it
// lives in memory and is bounded by maxStrikeKeys keys.
type rateLimit struct {
	mu     sync.Mutex
	n      int
	window time.Duration
	hits   map[string]*hitWindow
}

type hitWindow struct {
	start time.Time
	count int
}

func newRateLimit(n int, window time.Duration) *rateLimit {
	return &rateLimit{n: n, window: window, hits: map[string]*hitWindow{}}
}

// allow counts a request of key at now. It returns 0 when the request may
// go on, else how long until the key's window ends (the request is not
// counted).
func (l *rateLimit) allow(key string, now time.Time) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	h := l.hits[key]
	if h != nil && now.Sub(h.start) >= l.window {
		h = nil
	}
	if h == nil {
		if len(l.hits) >= maxStrikeKeys {
			for k, old := range l.hits {
				if now.Sub(old.start) >= l.window || len(l.hits) >= maxStrikeKeys {
					delete(l.hits, k)
				}
			}
		}
		h = &hitWindow{start: now}
		l.hits[key] = h
	}
	if h.count >= l.n {
		return max(h.start.Add(l.window).Sub(now), time.Second)
	}
	h.count++
	return 0
}

// errRateLimited is the refusal of a request over its rate limit.
func errRateLimited(wait time.Duration) error {
	minutes := int(math.Ceil(wait.Minutes()))
	e := core.Errorf(core.ETOOMANY, "操作过于频繁，请 %d 分钟后再试。如有急事请拨打 12345 热线。", max(minutes, 1))
	e.Err = retryAfter(wait)
	return e
}
