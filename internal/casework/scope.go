package casework

import (
	"context"
	"slices"

	"jiceng/internal/core"
)

// Scope is the part of the street a user works in. Community workers see
// the tickets of their community (and those dispatched to their unit);
// handlers see the tickets of their unit. Everybody else sees the whole
// street.
type Scope struct {
	Unit      string // unit name, as tickets carry it; "" for no unit scope
	Community string // community name; "" for no community scope
	// None is the scope of a handler or community worker whose account has
	// no unit: a configuration error, which shows nothing (fail closed).
	None bool
}

// Whole reports whether the scope is the whole street.
func (sc Scope) Whole() bool { return !sc.None && sc.Unit == "" && sc.Community == "" }

// Scope resolves u's unit code to the names tickets carry.
func (s *Service) Scope(ctx context.Context, u core.User) (Scope, error) {
	if u.Role != core.RoleHandler && u.Role != core.RoleCommunity {
		return Scope{}, nil
	}
	if u.Unit == "" {
		return Scope{None: true}, nil
	}
	units, err := s.Store.Units(ctx)
	if err != nil {
		return Scope{}, err
	}
	i := slices.IndexFunc(units, func(un core.Unit) bool { return un.Code == u.Unit || un.Name == u.Unit })
	if i < 0 && u.Role == core.RoleCommunity {
		// A community worker's account names its community (package
		// account stores the community's name): the community's tickets,
		// and those dispatched to a unit of the same name.
		areas, err := s.Store.Areas(ctx)
		if err != nil {
			return Scope{}, err
		}
		for _, c := range areas.Communities {
			if c.Name == u.Unit || c.Code == u.Unit {
				return Scope{Unit: c.Name, Community: c.Name}, nil
			}
		}
	}
	if i < 0 {
		// A unit the registry no longer has: fail closed, on the code.
		return Scope{Unit: u.Unit}, nil
	}
	sc := Scope{Unit: units[i].Name}
	if u.Role == core.RoleCommunity && units[i].Community != "" {
		areas, err := s.Store.Areas(ctx)
		if err != nil {
			return Scope{}, err
		}
		for _, c := range areas.Communities {
			if c.Code == units[i].Community {
				sc.Community = c.Name
			}
		}
	}
	return sc, nil
}

// Narrow restricts a list filter to the scope: a community worker's lists
// are of their community, a handler's of their unit. It returns false when
// the filter asks for another community or unit: nothing to list.
func (sc Scope) Narrow(f *core.TicketFilter) bool {
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

// Sees reports whether ticket t, in life-cycle state w, is in the scope:
// of the community, or dispatched to the unit (lead, co-unit, or a unit
// that returned it).
func (sc Scope) Sees(t core.Ticket, w core.Workflow) bool {
	if sc.None {
		return false
	}
	if sc.Whole() {
		return true
	}
	if sc.Community != "" && t.Community == sc.Community {
		return true
	}
	return sc.Unit != "" && (t.Unit == sc.Unit || slices.Contains(w.CoUnits, sc.Unit) || slices.Contains(w.ReturnedBy, sc.Unit))
}

// SeesPlace reports whether the scope covers the tickets of a unit and a
// community, as rankings and drill-downs group them.
func (sc Scope) SeesPlace(unit, community string) bool {
	return sc.Sees(core.Ticket{Unit: unit, Community: community}, core.Workflow{})
}
