// Package demo generates the demo street: a fictional 清河湾街道 of a
// Beijing-like 海川区 with 10 communities, 40 grids, 30 handling units, demo
// users, and two years of realistic 12345 work orders.
//
// The tickets feed every later capability (classification,
// de-identification, dispatch, hot issues, 三率), so they are made to look
// like the real thing: categories from the default taxonomy weighted like an
// urban street's, many hand-written phrasings per category with fillers,
// colloquial speech, homophone typos and careless punctuation; personal data
// (names, phones in many formats, ID numbers with valid — and a few invalid —
// GB 11643 check characters, plates, Luhn-valid bank cards, e-mails, WeChat
// IDs) both in fields and inside the text; weekly, daily and seasonal
// rhythms; workflow fields consistent with urgency and with each unit's
// quality. Volume follows the week (Monday busiest, weekends quiet), the
// day (8–22 h), the seasons (heating from mid-November, summer noise, water
// and flooding, winter snow, spring catkins, school enrolment) and holidays
// (Spring Festival and National Day weeks are quiet). Four local bursts are
// injected; Spikes documents them. About 4% of tickets are repeat calls:
// regular callers (高频来电人) phone again every 2–5 days with the same name,
// phone, address and problem — the repeat requests (重复诉求) to detect.
//
// Generation is deterministic: the same Options give the same tickets, byte
// for byte, whatever the number of goroutines.
package demo

import (
	"context"
	"errors"
	"fmt"
	"path"
	"runtime"
	"strings"
	"time"

	"jiceng/internal/core"
	"jiceng/internal/taxonomy"
)

// Options says which history to generate.
type Options struct {
	Seed int64 // default 1
	// End is the last day of the history (the demo uses now); tickets span
	// the 2 years before it. If End has a time of day, no ticket is received
	// after it and statuses are as of End; a midnight End includes that whole
	// day. Zero means now.
	End time.Time
	// Tickets is the number of tickets; 0 means the realistic volume of a
	// street, DefaultPerDay a day (about 45,000 over 2 years).
	Tickets int
}

// Login is a demo account's sign-in. The passwords are not secret: the demo
// serves localhost only.
type Login struct{ Username, Password, Role, Name string }

// Street is the demo street: its areas, units and users (PasswordHash
// empty) with their logins, in the same order as Users.
type Street struct {
	Areas  core.Areas
	Units  []core.Unit
	Users  []core.User
	Logins []Login
	// Clerks are the accounts of the units' clerks (经办人) who act in the
	// tickets' histories where no demo user works for the unit: every unit
	// has an account in Users or Clerks. They cannot sign in.
	Clerks []core.User
}

// Tickets generates the history for st and o and calls fn for each ticket
// in received order. It stops at fn's first error and returns it.
func Tickets(st Street, o Options, fn func(core.Ticket) error) error {
	return TicketsContext(context.Background(), st, o, fn)
}

// TicketsContext is Tickets with a context that stops generation.
func TicketsContext(ctx context.Context, st Street, o Options, fn func(core.Ticket) error) error {
	p, err := NewPlan(st, o)
	if err != nil {
		return err
	}
	return Stream(ctx, p, 0, func(day []core.Ticket) ([]core.Ticket, error) { return day, nil },
		func(day []core.Ticket) error {
			for _, t := range day {
				if err := fn(t); err != nil {
					return err
				}
			}
			return nil
		})
}

// Stream generates the days of p on workers goroutines (0 means
// GOMAXPROCS), passes each day's tickets through conv on the same goroutine
// — use it for costly work such as encoding — and calls emit with the
// results in day order on the calling goroutine. At most a few days are in
// flight, so memory stays flat whatever the plan's size. It stops at the
// first error of conv or emit, or when ctx is done.
func Stream[T any](ctx context.Context, p *Plan, workers int, conv func([]core.Ticket) (T, error), emit func(T) error) error {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	type result struct {
		v   T
		err error
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	queue := make(chan chan result, 2*workers)
	sem := make(chan struct{}, workers)
	go func() {
		defer close(queue)
		for i := 0; i < p.Days(); i++ {
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				return
			}
			c := make(chan result, 1)
			select {
			case queue <- c:
			case <-ctx.Done():
				<-sem
				return
			}
			go func(i int) {
				defer func() { <-sem }()
				v, err := conv(p.Day(i))
				c <- result{v, err}
			}(i)
		}
	}()
	for c := range queue {
		var res result
		select {
		case res = <-c:
		case <-ctx.Done():
			return ctx.Err()
		}
		if res.err != nil {
			return res.err
		}
		if err := emit(res.v); err != nil {
			return err
		}
	}
	return ctx.Err()
}

// batchSize is how many tickets Build stores per transaction.
const batchSize = 2000

// createClerks creates the units' clerks, who cannot sign in; existing
// usernames are kept.
func createClerks(ctx context.Context, s core.Store, clerks []core.User) error {
	for i := range clerks {
		u := clerks[i]
		u.PasswordHash = noLogin
		err := s.CreateUser(ctx, &u)
		var ae *core.Error
		switch {
		case errors.As(err, &ae) && ae.Code == core.ECONFLICT:
			if old, err := s.UserByUsername(ctx, u.Username); err == nil {
				clerks[i].ID = old.ID
			}
		case err != nil:
			return fmt.Errorf("demo: create user %s: %w", u.Username, err)
		default:
			clerks[i].ID = u.ID
		}
	}
	return nil
}

// storeTickets generates the tickets and stores them in batches: with their
// histories (see Plan.History) into a core.HistoryStore, else with a create
// event each through UpsertTickets. Histories are made on the generating
// goroutines.
func storeTickets(ctx context.Context, s core.Store, st Street, o Options) error {
	p, err := NewPlan(st, o)
	if err != nil {
		return err
	}
	hs, withHistory := s.(core.HistoryStore)
	var (
		batch   []core.TicketHistory
		tickets []core.Ticket
	)
	flush := func() error {
		if withHistory {
			if _, err := hs.CreateWithHistory(ctx, batch); err != nil {
				return fmt.Errorf("demo: store tickets: %w", err)
			}
		} else {
			tickets = tickets[:0]
			for i := range batch {
				tickets = append(tickets, batch[i].Ticket)
			}
			if _, err := s.UpsertTickets(ctx, tickets, "demo"); err != nil {
				return fmt.Errorf("demo: store tickets: %w", err)
			}
		}
		batch = batch[:0]
		return nil
	}
	err = Stream(ctx, p, 0, func(day []core.Ticket) ([]core.TicketHistory, error) {
		out := make([]core.TicketHistory, len(day))
		for i := range day {
			if withHistory {
				out[i] = p.History(day[i])
			} else {
				out[i].Ticket = day[i]
			}
		}
		return out, nil
	}, func(day []core.TicketHistory) error {
		for _, h := range day {
			batch = append(batch, h)
			if len(batch) == batchSize {
				if err := flush(); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if len(batch) > 0 {
		return flush()
	}
	return nil
}

// Build fills s with the demo street: it replaces areas, units and the
// categories (the default taxonomy), creates the demo users with passwords
// hashed by hash (existing usernames are kept as they are) and the units'
// clerks (who cannot sign in), and stores the generated tickets in batches
// — into a core.HistoryStore with the life cycle each went through as its
// history and workflow state (Plan.History), otherwise with a create event
// by actor "demo" — then builds the keyword index of stores that index
// behind the import. It returns the street.
func Build(ctx context.Context, s core.Store, o Options, hash func(password string) (string, error)) (Street, error) {
	st := NewStreet(o.Seed)
	if err := s.ReplaceAreas(ctx, st.Areas); err != nil {
		return st, fmt.Errorf("demo: areas: %w", err)
	}
	if err := s.ReplaceUnits(ctx, st.Units); err != nil {
		return st, fmt.Errorf("demo: units: %w", err)
	}
	if err := s.ReplaceCategories(ctx, taxonomy.Default()); err != nil {
		return st, fmt.Errorf("demo: categories: %w", err)
	}
	at := o.End
	if at.IsZero() {
		at = time.Now()
	}
	if _, err := s.PutSetting(ctx, core.SettingBoundaries, Boundaries(), "清河湾街道边界.geojson", "demo", at); err != nil {
		return st, fmt.Errorf("demo: boundaries: %w", err)
	}
	for i := range st.Users {
		u := st.Users[i]
		h, err := hash(st.Logins[i].Password)
		if err != nil {
			return st, fmt.Errorf("demo: hash password: %w", err)
		}
		u.PasswordHash = h
		err = s.CreateUser(ctx, &u)
		var ae *core.Error
		switch {
		case errors.As(err, &ae) && ae.Code == core.ECONFLICT:
			if old, err := s.UserByUsername(ctx, u.Username); err == nil {
				st.Users[i].ID = old.ID
			}
		case err != nil:
			return st, fmt.Errorf("demo: create user %s: %w", u.Username, err)
		default:
			st.Users[i].ID = u.ID
		}
	}
	if err := createClerks(ctx, s, st.Clerks); err != nil {
		return st, err
	}
	if ps, ok := s.(core.PolicyStore); ok {
		for _, f := range Policies() {
			id, name := strings.TrimSuffix(f.Name, path.Ext(f.Name)), f.Name
			if name == "qa.csv" {
				name = "清河湾街道常见问题解答.csv"
			}
			if err := ps.PutPolicyFile(ctx, core.PolicyFile{ID: id, Name: name, Content: f.Content, CreatedBy: "demo", CreatedAt: at, UpdatedAt: at}); err != nil {
				return st, fmt.Errorf("demo: policy %s: %w", f.Name, err)
			}
		}
	}
	if err := storeTickets(ctx, s, st, o); err != nil {
		return st, err
	}
	if ix, ok := s.(core.SearchIndexer); ok {
		if _, err := ix.IndexSearch(ctx); err != nil {
			return st, fmt.Errorf("demo: keyword index: %w", err)
		}
	}
	return st, nil
}
