package web

import (
	"context"
	"net/http"
	"slices"
	"strings"

	"jiceng/internal/core"
)

// scope is the part of the street a user works in. Community workers see
// the tickets of their community (and those dispatched to their unit);
// handlers see the tickets of their unit. Everybody else, and a user
// without a unit, sees the whole street.
type scope struct {
	Unit      string // unit name, as tickets carry it; "" for no unit scope
	Community string // community name; "" for no community scope
	// None is the scope of a handler or community worker whose account has
	// no unit: a configuration error, which shows nothing (fail closed).
	None bool
}

func (sc scope) whole() bool { return !sc.None && sc.Unit == "" && sc.Community == "" }

// userScope resolves u's unit code to the names tickets carry.
func (s *Server) userScope(ctx context.Context, u core.User) (scope, error) {
	if u.Role != core.RoleHandler && u.Role != core.RoleCommunity {
		return scope{}, nil
	}
	if u.Unit == "" {
		return scope{None: true}, nil
	}
	units, err := s.Store.Units(ctx)
	if err != nil {
		return scope{}, err
	}
	i := slices.IndexFunc(units, func(un core.Unit) bool { return un.Code == u.Unit || un.Name == u.Unit })
	if i < 0 {
		// A unit the registry no longer has: fail closed, on the code.
		return scope{Unit: u.Unit}, nil
	}
	sc := scope{Unit: units[i].Name}
	if u.Role == core.RoleCommunity && units[i].Community != "" {
		areas, err := s.Store.Areas(ctx)
		if err != nil {
			return scope{}, err
		}
		for _, c := range areas.Communities {
			if c.Code == units[i].Community {
				sc.Community = c.Name
			}
		}
	}
	return sc, nil
}

// narrow restricts a list filter to the scope: a community worker's lists
// are of their community, a handler's of their unit. It returns false when
// the filter asks for another community or unit: nothing to list.
func (sc scope) narrow(f *core.TicketFilter) bool {
	switch {
	case sc.None:
		return false
	case sc.Community != "":
		if f.Community != "" && f.Community != sc.Community {
			return false
		}
		f.Community = sc.Community
	case sc.Unit != "":
		if f.Unit != "" && f.Unit != sc.Unit {
			return false
		}
		f.Unit = sc.Unit
	}
	return true
}

// sees reports whether a ticket is in the scope.
func (sc scope) sees(t core.Ticket, w core.Workflow) bool {
	if sc.None {
		return false
	}
	if sc.whole() {
		return true
	}
	if sc.Community != "" && t.Community == sc.Community {
		return true
	}
	return sc.Unit != "" && (t.Unit == sc.Unit || slices.Contains(w.CoUnits, sc.Unit) || slices.Contains(w.ReturnedBy, sc.Unit))
}

// scopedTickets lists the tickets of f within u's scope. A keyword that is
// a ticket number finds that ticket (staff type the number they hear).
func (s *Server) scopedTickets(r *http.Request, u core.User, f core.TicketFilter) ([]core.Ticket, int, error) {
	sc, err := s.userScope(r.Context(), u)
	if err != nil || !sc.narrow(&f) {
		return nil, 0, err
	}
	if kw := strings.TrimSpace(f.Keyword); looksLikeNumber(kw) {
		t, err := s.Store.TicketByNumber(r.Context(), kw)
		switch core.ErrorCode(err) {
		case "":
			var w core.Workflow
			if ws, ok := s.Store.(core.WorkflowStore); ok {
				if w, err = ws.Workflow(r.Context(), t.ID); err != nil {
					return nil, 0, err
				}
			}
			if !sc.sees(t, w) || f.Offset > 0 {
				return nil, 0, nil
			}
			return []core.Ticket{t}, 1, nil
		case core.ENOTFOUND:
		default:
			return nil, 0, err
		}
	}
	return s.Store.Tickets(r.Context(), f)
}

// errNoTicket answers a ticket that is missing and one outside the user's
// scope alike (404, one message), so that ticket ids and numbers of other
// communities and units cannot be probed.
var errNoTicket = core.Errorf(core.ENOTFOUND, "工单不存在，或不在您的工作范围内")
