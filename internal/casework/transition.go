package casework

import (
	"context"
	"slices"
	"strings"

	"jiceng/internal/core"
	"jiceng/internal/dispatch"
	"jiceng/internal/workflow"
)

// actionRoles says which roles may take each action. Staff run the
// hotline desk (dispatch, callback, approvals); units and community
// workers handle what is dispatched to them; leaders escalate.
var actionRoles = map[string][]string{
	core.ActionDispatch:      {core.RoleAdmin, core.RoleStaff},
	core.ActionRedispatch:    {core.RoleAdmin, core.RoleStaff},
	core.ActionAnswer:        {core.RoleAdmin, core.RoleStaff},
	core.ActionMerge:         {core.RoleAdmin, core.RoleStaff},
	core.ActionExtendApprove: {core.RoleAdmin, core.RoleStaff, core.RoleLeader},
	core.ActionExtendDeny:    {core.RoleAdmin, core.RoleStaff, core.RoleLeader},
	core.ActionCallback:      {core.RoleAdmin, core.RoleStaff},
	core.ActionClose:         {core.RoleAdmin, core.RoleStaff},
	core.ActionReopen:        {core.RoleAdmin, core.RoleStaff},
	core.ActionSupervise:     {core.RoleAdmin, core.RoleStaff, core.RoleLeader},
	// The unit's own steps: only the handling unit takes them (and 先行联系
	// counts for the unit's response rate), never the desk for it.
	core.ActionSign:          {core.RoleHandler, core.RoleCommunity},
	core.ActionContact:       {core.RoleHandler, core.RoleCommunity},
	core.ActionHandle:        {core.RoleHandler, core.RoleCommunity},
	core.ActionResolve:       {core.RoleHandler, core.RoleCommunity},
	core.ActionReturn:        {core.RoleHandler, core.RoleCommunity},
	core.ActionExtendRequest: {core.RoleHandler, core.RoleCommunity},
}

// unitActions are the actions a handling unit takes on its own tickets.
var unitActions = map[string]bool{
	core.ActionSign: true, core.ActionContact: true, core.ActionHandle: true, core.ActionResolve: true,
	core.ActionReturn: true, core.ActionExtendRequest: true,
}

// Actions are the life-cycle actions, sorted.
func Actions() []string {
	var out []string
	for a := range actionRoles {
		out = append(out, a)
	}
	slices.Sort(out)
	return out
}

// mayAct reports whether user u, working in scope sc, may take action on
// ticket t: by role, and for a unit's actions only on tickets whose lead
// unit is the user's.
func mayAct(u core.User, sc Scope, action string, t core.Ticket) error {
	if !slices.Contains(actionRoles[action], u.Role) {
		return core.Errorf(core.EFORBIDDEN, "当前账号（%s）无权%s", core.RoleLabels[u.Role], core.ActionLabel(action))
	}
	if sc.None {
		return core.Errorf(core.EFORBIDDEN, "当前账号未关联承办单位，请联系管理员")
	}
	// The lead unit signs, contacts, handles, resolves, returns and asks
	// for more time; co-units see the ticket and help, but these steps
	// are not theirs.
	if unitActions[action] && sc.Unit != "" && t.Unit != sc.Unit {
		return core.Errorf(core.EFORBIDDEN, "本单位（%s）不是该工单的主办单位，不能%s", sc.Unit, core.ActionLabel(action))
	}
	return nil
}

// Actions are the actions u, working in sc, may take on t in state w now.
func (s *Service) Actions(u core.User, sc Scope, t core.Ticket, w core.Workflow) []string {
	out := []string{}
	if s.Workflow == nil {
		return out
	}
	for _, a := range workflow.Available(t, w) {
		if mayAct(u, sc, a, t) == nil {
			out = append(out, a)
		}
	}
	return out
}

// Transition runs tr on ticket id for user u: permission by role and
// scope, the engine's rules and the store's transaction. tr's actor and
// time are u and now. It returns the ticket and its state afterwards,
// masked for u's role.
func (s *Service) Transition(ctx context.Context, u core.User, id int64, tr core.Transition) (core.Ticket, core.Workflow, error) {
	if s.Workflow == nil {
		return core.Ticket{}, core.Workflow{}, core.Errorf(core.EINVALID, "本系统未启用工单流转")
	}
	ws, ok := s.workflowStore()
	if !ok {
		return core.Ticket{}, core.Workflow{}, core.Errorf(core.EINVALID, "当前数据库不支持工单流转")
	}
	if _, known := actionRoles[tr.Action]; !known {
		return core.Ticket{}, core.Workflow{}, core.InvalidField("action", "未知的流转动作，可选: %s", strings.Join(Actions(), "、"))
	}
	sc, err := s.Scope(ctx, u)
	if err != nil {
		return core.Ticket{}, core.Workflow{}, err
	}
	if !slices.Contains(actionRoles[tr.Action], u.Role) {
		return core.Ticket{}, core.Workflow{}, core.Errorf(core.EFORBIDDEN, "当前账号（%s）无权%s", core.RoleLabels[u.Role], core.ActionLabel(tr.Action))
	}
	if err := s.checkUnits(ctx, tr); err != nil {
		return core.Ticket{}, core.Workflow{}, err
	}
	if tr.Action == core.ActionMerge && tr.MergeInto != "" {
		if err := s.checkMergeTarget(ctx, id, tr.MergeInto); err != nil {
			return core.Ticket{}, core.Workflow{}, err
		}
	}
	// Deadlines count working days in the street's time zone, whatever the
	// server's: the engine works in the zone of the times it is given.
	loc := s.location()
	tr.Actor, tr.At = u.Username, s.Clock.Now().In(loc)
	if !tr.Until.IsZero() {
		tr.Until = tr.Until.In(loc)
	}
	t, w, err := ws.Transition(ctx, id, tr, func(t *core.Ticket, w *core.Workflow) error {
		if !sc.Sees(*t, *w) {
			return ErrNoTicket
		}
		workflow.InZone(t, w, loc)
		if err := mayAct(u, sc, tr.Action, *t); err != nil {
			return err
		}
		return s.Workflow.Apply(t, w, tr)
	})
	if core.ErrorCode(err) == core.ENOTFOUND {
		err = ErrNoTicket
	}
	if err != nil {
		return core.Ticket{}, core.Workflow{}, err
	}
	if s.Changed != nil {
		s.Changed()
	}
	return s.MaskTicket(u.Role, t), s.MaskWorkflow(u.Role, w), nil
}

// checkMergeTarget: a repeat request is merged into another open ticket
// that exists.
func (s *Service) checkMergeTarget(ctx context.Context, id int64, number string) error {
	target, err := s.Store.TicketByNumber(ctx, number)
	if core.ErrorCode(err) == core.ENOTFOUND {
		return core.InvalidField("merge_into", "要合并到的工单不存在，请核对工单编号")
	}
	if err != nil {
		return err
	}
	if target.ID == id {
		return core.InvalidField("merge_into", "不能把工单合并到它自己")
	}
	if !slices.Contains(workflow.Available(target, core.Workflow{}), core.ActionSupervise) {
		return core.Errorf(core.ECONFLICT, "要合并到的工单（%s）已办结，请改为新工单办理", target.Status)
	}
	return nil
}

// checkUnits refuses a dispatch to a unit the registry does not know: the
// ticket would fall outside every unit's scope. A street without a unit
// registry may dispatch to any name.
func (s *Service) checkUnits(ctx context.Context, tr core.Transition) error {
	if tr.Unit == "" && len(tr.CoUnits) == 0 {
		return nil
	}
	units, err := s.Store.Units(ctx)
	if err != nil || len(units) == 0 {
		return err
	}
	known := func(name string) bool {
		return slices.ContainsFunc(units, func(u core.Unit) bool { return u.Name == name })
	}
	if tr.Unit != "" && !known(tr.Unit) {
		return core.InvalidField("unit", "承办单位不在本街道的承办单位名录中，请从列表中选择")
	}
	for _, c := range tr.CoUnits {
		if c = strings.TrimSpace(c); c != "" && c != dispatch.OwnCommunity && !known(c) {
			return core.InvalidField("co_units", "协办单位「%s」不在本街道的承办单位名录中", c)
		}
	}
	return nil
}
