package web

import (
	"context"
	"sync"
	"time"

	"jiceng/internal/rates"
)

// The 三率 of a period read every ticket of the period and its trend (tens
// of thousands of rows at a street's size, millions in a district): too slow
// to compute per request. ratesCache keeps each period's result and serves
// it while a fresh one is computed behind it: right after a change made
// through this server (a transition), and at most ratesFresh after changes
// made elsewhere (an import by the command line). Only a period nobody has
// asked for yet is computed while the request waits; Serve computes the
// recent periods at start-up.
const (
	ratesFresh      = time.Minute
	ratesCacheSize  = 32 // periods kept
	ratesComputeMax = 2 * time.Minute
)

// resultCache is the cache of one kind of result (the 三率 of periods, the
// hot issues of boards): each key's result, served while a fresh one is
// computed behind it once it is older than fresh or tickets changed.
type resultCache[T any] struct {
	mu         sync.Mutex
	version    uint64 // bumped by every change through this server
	entries    map[string]*cacheEntry[T]
	fresh      time.Duration
	size       int // results kept
	computeMax time.Duration
}

type ratesCache = resultCache[*rates.Result]

// cacheEntry is the result of one key, or its computation in flight.
type cacheEntry[T any] struct {
	done       chan struct{} // closed when res and err are set
	res        T
	err        error
	version    uint64
	at         time.Time // when it was computed
	refreshing bool
}

func newRatesCache() *ratesCache {
	return &ratesCache{entries: map[string]*cacheEntry[*rates.Result]{}, fresh: ratesFresh, size: ratesCacheSize, computeMax: ratesComputeMax}
}

// changed tells the cache that tickets changed.
func (c *resultCache[T]) changed() {
	c.mu.Lock()
	c.version++
	c.mu.Unlock()
}

// reset drops every result: the formulas changed. Computations in flight
// finish for their callers but are not kept.
func (c *resultCache[T]) reset() {
	if c == nil {
		return // not serving yet
	}
	c.mu.Lock()
	c.version++
	c.entries = map[string]*cacheEntry[T]{}
	c.mu.Unlock()
}

// get returns the result of key, computing it with compute when there is
// none or tickets changed since; a result older than c.fresh is returned
// as it is while a fresh one is computed in the background. The result is
// shared: callers must not change it.
func (c *resultCache[T]) get(ctx context.Context, key string, now func() time.Time, compute func(context.Context) (T, error)) (T, error) {
	var zero T
	c.mu.Lock()
	e := c.entries[key]
	if e == nil {
		c.mu.Unlock()
		return c.recompute(ctx, key, now, compute)
	}
	if !e.isDone() {
		// Being computed: wait for it.
		c.mu.Unlock()
		select {
		case <-e.done:
			return e.res, e.err
		case <-ctx.Done():
			return zero, ctx.Err()
		}
	}
	if e.err != nil {
		c.mu.Unlock()
		return c.recompute(ctx, key, now, compute)
	}
	if (e.version != c.version || now().Sub(e.at) > c.fresh) && !e.refreshing {
		e.refreshing = true
		go c.refresh(key, e, now, compute)
	}
	c.mu.Unlock()
	return e.res, nil
}

// peek returns the result of key when one is there (refreshing it behind
// as get does); when none is, it starts computing it in the background and
// returns ok false at once.
func (c *resultCache[T]) peek(key string, now func() time.Time, compute func(context.Context) (T, error)) (res T, ok bool) {
	c.mu.Lock()
	e := c.entries[key]
	c.mu.Unlock()
	if e == nil || !e.isDone() || e.err != nil {
		if e == nil || e.isDone() {
			go c.recompute(context.Background(), key, now, compute) //nolint:errcheck // logged by the next get
		}
		return res, false
	}
	v, err := c.get(context.Background(), key, now, compute)
	return v, err == nil
}

// recompute computes key now, sharing the computation with concurrent
// callers.
func (c *resultCache[T]) recompute(ctx context.Context, key string, now func() time.Time, compute func(context.Context) (T, error)) (T, error) {
	var zero T
	c.mu.Lock()
	if e := c.entries[key]; e != nil && !e.isDone() {
		c.mu.Unlock()
		select {
		case <-e.done:
			return e.res, e.err
		case <-ctx.Done():
			return zero, ctx.Err()
		}
	}
	e := &cacheEntry[T]{done: make(chan struct{}), version: c.version}
	c.put(key, e)
	c.mu.Unlock()

	// The computation outlives a caller that goes away: others may wait.
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), c.computeMax)
	res, err := compute(cctx)
	cancel()
	c.mu.Lock()
	e.res, e.err, e.at = res, err, now()
	close(e.done)
	if err != nil && c.entries[key] == e {
		delete(c.entries, key) // a failure is not kept
	}
	c.mu.Unlock()
	return res, err
}

// refresh computes key behind a served result and replaces it.
func (c *resultCache[T]) refresh(key string, old *cacheEntry[T], now func() time.Time, compute func(context.Context) (T, error)) {
	ctx, cancel := context.WithTimeout(context.Background(), c.computeMax)
	defer cancel()
	c.mu.Lock()
	version := c.version
	c.mu.Unlock()
	res, err := compute(ctx)
	c.mu.Lock()
	defer c.mu.Unlock()
	old.refreshing = false
	if err != nil || c.entries[key] != old {
		return // keep serving the old one; the next request tries again
	}
	e := &cacheEntry[T]{done: make(chan struct{}), res: res, version: version, at: now()}
	close(e.done)
	c.entries[key] = e
}

// put stores e under key, dropping the oldest entry when full; c.mu is
// held.
func (c *resultCache[T]) put(key string, e *cacheEntry[T]) {
	if _, ok := c.entries[key]; !ok && len(c.entries) >= c.size {
		var oldest string
		var at time.Time
		for k, x := range c.entries {
			if x.isDone() && (oldest == "" || x.at.Before(at)) {
				oldest, at = k, x.at
			}
		}
		if oldest != "" {
			delete(c.entries, oldest)
		}
	}
	c.entries[key] = e
}

func (e *cacheEntry[T]) isDone() bool {
	select {
	case <-e.done:
		return true
	default:
		return false
	}
}
