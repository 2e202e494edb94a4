package dispatch

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"jiceng/internal/core"
)

// History is how far back the model learns from, in months: the units
// that handle a category change over time.
const History = 12

// Source is what a Live recommender reads from the street's store: the
// catalogue, the registry it is checked against and the tickets the model
// learns from. core.Store satisfies it.
type Source interface {
	DispatchRules(ctx context.Context) ([]core.DispatchRule, error)
	Areas(ctx context.Context) (core.Areas, error)
	Units(ctx context.Context) ([]core.Unit, error)
	EachTicket(ctx context.Context, f core.TicketFilter, fn func(core.Ticket) error) error
}

// Live holds the recommender a server uses while its parts change under
// it: it starts with the catalogue alone (NewLive), gains the model when
// training ends (Train), and takes a new catalogue when one is applied
// (SetCatalogue), each change keeping the other part. Get is safe for
// concurrent use with every change. The zero Live holds no recommender;
// a nil *Live holds none and ignores changes.
type Live struct {
	p  atomic.Pointer[Recommender]
	mu sync.Mutex // serialises read-modify-write changes
}

// NewLive returns a Live recommender with src's catalogue and no model.
func NewLive(ctx context.Context, src Source) (*Live, error) {
	rules, err := src.DispatchRules(ctx)
	if err != nil {
		return nil, err
	}
	areas, err := src.Areas(ctx)
	if err != nil {
		return nil, err
	}
	units, err := src.Units(ctx)
	if err != nil {
		return nil, err
	}
	l := &Live{}
	l.Set(&Recommender{Catalogue: NewCatalogue(rules, areas, units)})
	return l, nil
}

// Get returns the recommender in use, or nil.
func (l *Live) Get() *Recommender {
	if l == nil {
		return nil
	}
	return l.p.Load()
}

// Set replaces the recommender.
func (l *Live) Set(rc *Recommender) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.p.Store(rc)
}

// update replaces the recommender by fn's copy of it; without a
// recommender it does nothing.
func (l *Live) update(fn func(rc *Recommender)) {
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	cur := l.p.Load()
	if cur == nil {
		return
	}
	rc := *cur
	fn(&rc)
	l.p.Store(&rc)
}

// SetCatalogue makes new recommendations use rules (checked against areas
// and units) at once; the model and the settings stay. Without a
// recommender (dispatch not enabled) it does nothing.
func (l *Live) SetCatalogue(rules []core.DispatchRule, areas core.Areas, units []core.Unit) {
	cat := NewCatalogue(rules, areas, units)
	l.update(func(rc *Recommender) { rc.Catalogue = cat })
}

// Train trains the model on the tickets of src created in the History
// months before now that have a handling unit, and puts it in use with
// the catalogue in force when training ends (a catalogue applied
// meanwhile is kept). It returns the number of tickets learnt from; on
// error the recommender is unchanged. Training takes a while: servers run
// it in the background.
func (l *Live) Train(ctx context.Context, src Source, now time.Time) (tickets int, err error) {
	areas, err := src.Areas(ctx)
	if err != nil {
		return 0, err
	}
	units, err := src.Units(ctx)
	if err != nil {
		return 0, err
	}
	var history []Example
	f := core.TicketFilter{From: now.AddDate(0, -History, 0)}
	err = src.EachTicket(ctx, f, func(t core.Ticket) error {
		if t.Unit != "" {
			history = append(history, NewExample(t, core.Workflow{}))
		}
		return nil
	})
	if err != nil {
		return len(history), err
	}
	m, err := Train(history, Config{Areas: areas, Units: units})
	if err != nil {
		return len(history), err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	rc := Recommender{Model: m}
	if cur := l.p.Load(); cur != nil {
		rc = *cur
		rc.Model = m
	}
	l.p.Store(&rc)
	return len(history), nil
}
