package casework

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"jiceng/internal/core"
	"jiceng/internal/deid"
)

// Revealing a masked value (查看完整信息). The roles that work tickets but
// see them masked — the handling unit (handler, community worker) and
// street leaders — sometimes need a value in clear: the handling unit must
// call the caller within the contact limit (先行联系), a leader
// supervising a ticket (督办) may call the caller too. A reveal is an
// explicit request for named fields with a reason; every reveal is a
// history event of the ticket and one audit entry per field (who, when,
// which ticket, which field, why; never the value), and the clear values
// are for that answer only, never stored in a page or a session.
//
// Who may reveal which field is decided by two rules together:
//   - the masking dictionary: a field may be revealed by a role it masks,
//     generalises or scans for; a role that keeps it sees it already, and a
//     role it suppresses it for (residents, shares) must never see it;
//   - the work: the handling roles reveal on the open tickets of their own
//     lead unit (not as a co-unit, not by community), leaders on any open
//     ticket (their scope is the street). Closed tickets are not revealed:
//     nobody needs to call a caller back once a ticket is resolved.

// RevealFields are the fields a reveal may show: the caller's name, phone,
// ID number and the address.
var RevealFields = []string{"caller_name", "caller_phone", "caller_id", "address"}

// revealRoles are the roles that may ask for a reveal at all (the roles
// that work tickets and see them masked).
var revealRoles = []string{core.RoleHandler, core.RoleCommunity, core.RoleLeader}

// revealActions are the dictionary's actions that a reveal may undo: the
// role sees part of the value, or a coarser one.
var revealActions = []deid.Action{deid.Mask, deid.Generalise, deid.Scan}

// MaxRevealReason is the longest reason of a reveal, in characters.
const MaxRevealReason = 200

// RevealRequest asks for fields of a ticket in clear, for a reason.
type RevealRequest struct {
	// Fields are names of RevealFields.
	Fields []string
	// Reason is why (required, at most MaxRevealReason characters).
	Reason string
	// Address is the client's network address, for the audit log.
	Address string
}

// Contact is what a reveal shows: the fields asked for (Fields), in clear.
type Contact struct {
	Fields      []string `json:"fields"`
	CallerName  string   `json:"caller_name,omitempty"`
	CallerPhone string   `json:"caller_phone,omitempty"`
	CallerID    string   `json:"caller_id,omitempty"`
	Address     string   `json:"address,omitempty"`
}

// Revealable returns the fields of RevealFields that role may ask to see
// in clear, by the masking dictionary; none for a role that may not
// reveal.
func (s *Service) Revealable(role string) []string {
	if !slices.Contains(revealRoles, role) {
		return nil
	}
	var out []string
	for _, f := range RevealFields {
		if slices.Contains(revealActions, s.dictionary().Action(role, f)) {
			out = append(out, f)
		}
	}
	return out
}

// MayReveal reports whether u, working in sc, works ticket t so that a
// reveal is justified: a handler or community worker of its lead unit, or
// a leader, while the ticket is open. Which fields is Revealable's.
func MayReveal(u core.User, sc Scope, t core.Ticket) bool {
	if sc.None || !slices.Contains(core.OpenStatuses, t.Status) {
		return false
	}
	switch u.Role {
	case core.RoleHandler, core.RoleCommunity:
		return sc.Unit != "" && t.Unit == sc.Unit
	case core.RoleLeader:
		return sc.Sees(t, core.Workflow{})
	}
	return false
}

// revealOffer returns the fields of t that u may reveal now and that hide
// something: a value the role sees masked. t is unmasked.
func (s *Service) revealOffer(u core.User, sc Scope, t core.Ticket) []string {
	if !MayReveal(u, sc, t) {
		return nil
	}
	var out []string
	for _, f := range s.Revealable(u.Role) {
		if v := fieldValue(t, f); v != "" && s.MaskValue(u.Role, f, v) != v {
			out = append(out, f)
		}
	}
	return out
}

func fieldValue(t core.Ticket, field string) string {
	switch field {
	case "caller_name":
		return t.CallerName
	case "caller_phone":
		return t.CallerPhone
	case "caller_id":
		return t.CallerID
	case "address":
		return t.Address
	}
	return ""
}

// fieldLabel is the Chinese label of a field of the set.
func (s *Service) fieldLabel(name string) string {
	if f := s.fields().Field(name); f != nil {
		return f.Label
	}
	return name
}

func (s *Service) fieldLabels(names []string) string {
	labels := make([]string, len(names))
	for i, n := range names {
		labels[i] = s.fieldLabel(n)
	}
	return strings.Join(labels, "、")
}

// checkReveal checks what u asks for, before any ticket is read (so that
// the answer is the same for every ticket): the role, the fields (in
// RevealFields order, without repeats) and the reason (trimmed, runs of
// white space made one space).
func (s *Service) checkReveal(u core.User, req RevealRequest) ([]string, string, error) {
	allowed := s.Revealable(u.Role)
	switch {
	case len(allowed) > 0:
	case u.Role == core.RoleAdmin || u.Role == core.RoleStaff:
		return nil, "", core.Errorf(core.EFORBIDDEN, "当前账号（%s）看到的工单信息未经隐藏，无需申请查看", roleLabel(u.Role))
	case slices.Contains(revealRoles, u.Role):
		return nil, "", core.Errorf(core.EFORBIDDEN, "按脱敏字典，当前账号（%s）没有可申请查看的信息", roleLabel(u.Role))
	default:
		return nil, "", core.Errorf(core.EFORBIDDEN, "当前账号（%s）无权查看完整信息", roleLabel(u.Role))
	}
	if len(req.Fields) == 0 {
		return nil, "", core.InvalidField("fields", "请选择要查看的信息：%s", s.fieldLabels(allowed))
	}
	for i, f := range req.Fields {
		if i >= 2*len(RevealFields) || !slices.Contains(RevealFields, f) {
			// A name the client chose: not quoted.
			return nil, "", core.InvalidField("fields", "只能查看以下信息：%s", s.fieldLabels(RevealFields))
		}
	}
	var fields []string
	for _, f := range RevealFields {
		if !slices.Contains(req.Fields, f) {
			continue
		}
		if !slices.Contains(allowed, f) {
			return nil, "", core.Errorf(core.EFORBIDDEN, "按脱敏字典，当前账号（%s）不能查看「%s」的完整信息", roleLabel(u.Role), s.fieldLabel(f))
		}
		fields = append(fields, f)
	}
	reason, err := CleanReason(req.Reason)
	if err != nil {
		return nil, "", err
	}
	return fields, reason, nil
}

func roleLabel(role string) string {
	if l, ok := core.RoleLabels[role]; ok {
		return l
	}
	return "未知角色"
}

// CleanReason checks the reason of a reveal and returns it trimmed, with
// runs of white space (line breaks too) made one space: required, at most
// MaxRevealReason characters, printable text.
func CleanReason(reason string) (string, error) {
	if !utf8.ValidString(reason) {
		return "", core.InvalidField("reason", "查看原因含有无法识别的字符，请重新填写")
	}
	reason = strings.Join(strings.Fields(reason), " ")
	if reason == "" {
		return "", core.InvalidField("reason", "请填写查看原因（例如：先行联系来电人），查看将记入审计日志")
	}
	if n := utf8.RuneCountInString(reason); n > MaxRevealReason {
		return "", core.InvalidField("reason", "查看原因最多 %d 个字，当前 %d 个字", MaxRevealReason, n)
	}
	for _, c := range reason {
		if !unicode.IsPrint(c) && c != ' ' {
			return "", core.InvalidField("reason", "查看原因含有无法识别的字符，请重新填写")
		}
	}
	return reason, nil
}

// Reveal shows u the fields of ticket id that req asks for, in clear, and
// records it: a history event of the ticket (with the reason) and, when s
// has an audit log, one audit entry per field. The request is checked
// before the ticket is read; a ticket outside u's scope is ErrNoTicket; a
// ticket u does not work on now (see MayReveal) is EFORBIDDEN. When the
// audit log cannot be written, nothing is shown.
func (s *Service) Reveal(ctx context.Context, u core.User, id int64, req RevealRequest) (Contact, error) {
	ws, ok := s.workflowStore()
	if !ok {
		return Contact{}, core.Errorf(core.EINVALID, "当前数据库不支持查看完整信息的记录")
	}
	fields, reason, err := s.checkReveal(u, req)
	if err != nil {
		return Contact{}, err
	}
	sc, err := s.Scope(ctx, u)
	if err != nil {
		return Contact{}, err
	}
	at := s.Clock.Now().In(s.location())
	tr := core.Transition{Action: core.EventReveal, Actor: u.Username, At: at,
		Note: fmt.Sprintf("查看%s：%s", s.fieldLabels(fields), reason)}
	t, _, err := ws.Transition(ctx, id, tr, func(t *core.Ticket, w *core.Workflow) error {
		if !sc.Sees(*t, *w) {
			return ErrNoTicket
		}
		if !MayReveal(u, sc, *t) {
			if u.Role == core.RoleLeader {
				return core.Errorf(core.EFORBIDDEN, "工单已办结，不能再查看完整信息")
			}
			return core.Errorf(core.EFORBIDDEN, "只有主办单位可在工单办结前查看完整信息")
		}
		return nil
	})
	if core.ErrorCode(err) == core.ENOTFOUND {
		err = ErrNoTicket
	}
	if err != nil {
		return Contact{}, err
	}
	if err := s.auditReveal(ctx, u, t, fields, reason, req.Address, at); err != nil {
		return Contact{}, err
	}
	c := Contact{Fields: fields}
	for _, f := range fields {
		v := fieldValue(t, f)
		switch f {
		case "caller_name":
			c.CallerName = v
		case "caller_phone":
			c.CallerPhone = v
		case "caller_id":
			c.CallerID = v
		case "address":
			c.Address = v
		}
	}
	return c, nil
}

// auditReveal writes one audit entry per field revealed: who, when, the
// ticket, the field and the reason, never the value (personal data typed
// into the reason is masked).
func (s *Service) auditReveal(ctx context.Context, u core.User, t core.Ticket, fields []string, reason, address string, at time.Time) error {
	if s.Audit == nil {
		return nil
	}
	reason = deid.MaskSpans(reason)
	for _, f := range fields {
		e := core.AuditEntry{At: at, Actor: u.Username, Role: u.Role, Action: core.AuditReveal,
			TicketID: t.ID, TicketNumber: t.Number, Field: f, Reason: reason, Address: address}
		if err := s.Audit.AddAudit(ctx, e); err != nil {
			return fmt.Errorf("audit reveal: %w", err)
		}
	}
	return nil
}
