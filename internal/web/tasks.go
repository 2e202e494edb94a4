package web

import (
	"context"
	"net/http"
	"net/url"
	"sync"
	"time"

	"jiceng/internal/core"
)

// The personal task box (我的待办): what waits for the signed-in user's
// own work, by step, with counts; shown on the workbench and, in sum, in
// the navigation of every page.

// task is one box of the task list.
type task struct {
	Label string
	Count int
	URL   string // the list of those tickets
}

// taskSteps are the statuses that wait for each kind of user.
var (
	unitSteps = []struct{ label, status string }{
		{"待签收", core.StatusDispatched}, {"待联系", core.StatusSigned},
		{"已联系待办理", core.StatusContacted}, {"办理中", core.StatusHandling},
	}
	deskSteps = []struct{ label, status string }{
		{"待派单", core.StatusReceived}, {"被退回待改派", core.StatusReturned}, {"待回访", core.StatusResolved},
	}
	leaderSteps = []struct{ label, status string }{
		{"被退回待改派", core.StatusReturned}, {"待回访", core.StatusResolved},
	}
)

// tasksFresh is how long the counts of a user are kept: every page shows
// them, and a count at a district's size reads thousands of index entries.
const tasksFresh = 30 * time.Second

type taskCache struct {
	mu      sync.Mutex
	entries map[int64]taskEntry // by user ID
}

type taskEntry struct {
	at    time.Time
	tasks []task
}

// tasks returns u's task boxes (none for roles without tickets).
func (s *Server) tasks(ctx context.Context, u core.User) ([]task, error) {
	now := s.Clock.Now()
	s.taskCache.mu.Lock()
	if e, ok := s.taskCache.entries[u.ID]; ok && now.Sub(e.at) < tasksFresh && now.Sub(e.at) >= 0 {
		s.taskCache.mu.Unlock()
		return e.tasks, nil
	}
	s.taskCache.mu.Unlock()

	sc, err := s.cases().Scope(ctx, u)
	if err != nil {
		return nil, err
	}
	var steps []struct{ label, status string }
	unit := ""
	switch u.Role {
	case core.RoleHandler, core.RoleCommunity:
		if sc.None {
			return nil, nil
		}
		steps, unit = unitSteps, sc.Unit
	case core.RoleAdmin, core.RoleStaff:
		steps = deskSteps
	case core.RoleLeader:
		steps = leaderSteps
	default:
		return nil, nil
	}
	var out []task
	for _, st := range steps {
		f := core.TicketFilter{Status: st.status, Unit: unit, Limit: 1}
		q := url.Values{"status": {st.status}}
		if unit != "" {
			q.Set("unit", unit)
		}
		_, n, err := s.cases().List(ctx, u, f)
		if err != nil {
			return nil, err
		}
		out = append(out, task{Label: st.label, Count: n, URL: "/tickets?" + q.Encode()})
	}
	s.taskCache.mu.Lock()
	if s.taskCache.entries == nil || len(s.taskCache.entries) > 10_000 {
		s.taskCache.entries = map[int64]taskEntry{}
	}
	s.taskCache.entries[u.ID] = taskEntry{at: now, tasks: out}
	s.taskCache.mu.Unlock()
	return out, nil
}

// forgetTasks drops the cached counts after a change, so that the user who
// acted sees their box move at once.
func (s *Server) forgetTasks() {
	s.taskCache.mu.Lock()
	s.taskCache.entries = nil
	s.taskCache.mu.Unlock()
}

// taskTotal is the number of tickets in the boxes.
func taskTotal(ts []task) int {
	n := 0
	for _, t := range ts {
		n += t.Count
	}
	return n
}

// homeFor is where a role starts: its own work; a resident's is the
// portal's list of the account's own requests.
func homeFor(role string) string {
	switch role {
	case core.RoleLeader:
		return "/rates"
	case core.RoleAdmin, core.RoleStaff, core.RoleHandler, core.RoleCommunity:
		return "/workbench"
	case core.RoleResident:
		return "/portal/mine"
	}
	return "/welcome"
}

// handleHome sends a signed-in user to their own work.
func (s *Server) handleHome(w http.ResponseWriter, r *http.Request, p principal) {
	http.Redirect(w, r, homeFor(p.User.Role), http.StatusSeeOther)
}

// handleWelcome is the start page of accounts without workbench pages
// (residents): what the account can do, instead of a refusal.
func (s *Server) handleWelcome(w http.ResponseWriter, r *http.Request, p principal) {
	s.render(w, r, http.StatusOK, "welcome", p, nil)
}
