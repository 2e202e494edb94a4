package casework

import (
	"context"
	"crypto/rand"
	"fmt"
	"math/big"
	"slices"
	"strings"
	"time"

	"jiceng/internal/core"
)

// StoreRole is the column of the masking dictionary that decides what is
// stored of a ticket taken in (by Create or an import): staff must be able
// to call the caller back, so the dictionary keeps the contact, but a bank
// card number dictated into a complaint is never stored in clear.
const StoreRole = "store"

// mayCreate says who takes tickets in: the hotline desk, and community
// workers (a grid worker's report, a resident at the counter) for their
// own community.
var mayCreate = []string{core.RoleAdmin, core.RoleStaff, core.RoleCommunity}

// Create takes in (受理) ticket t for user u and returns it as stored,
// masked for u's role. The ticket starts received, with no unit (dispatch
// is a transition); its received time is now unless given; a missing
// number is made ("JC" + date + six digits); a number that exists is a
// conflict, never an update. A community worker's ticket is of their
// community. What is stored follows the dictionary's store role.
func (s *Service) Create(ctx context.Context, u core.User, t core.Ticket) (core.Ticket, error) {
	if !slices.Contains(mayCreate, u.Role) {
		return core.Ticket{}, core.Errorf(core.EFORBIDDEN, "当前账号（%s）无权登记工单", core.RoleLabels[u.Role])
	}
	sc, err := s.Scope(ctx, u)
	if err != nil {
		return core.Ticket{}, err
	}
	switch {
	case sc.None || (u.Role == core.RoleCommunity && sc.Community == ""):
		return core.Ticket{}, core.Errorf(core.EFORBIDDEN, "当前账号未关联社区，不能登记工单，请联系管理员")
	case sc.Community != "" && t.Community == "":
		t.Community = sc.Community
	case sc.Community != "" && t.Community != sc.Community:
		return core.Ticket{}, core.InvalidField("community", "只能登记本社区（%s）的工单", sc.Community)
	}
	t.Title, t.Content = strings.TrimSpace(t.Title), strings.TrimSpace(t.Content)
	if t.Title == "" && t.Content == "" {
		return core.Ticket{}, core.InvalidField("content", "请填写诉求内容")
	}
	switch {
	case t.Channel == "":
		t.Channel = core.ChannelWebForm
	case !slices.Contains(core.Channels, t.Channel):
		return core.Ticket{}, core.InvalidField("channel", "来源渠道应为 %s 之一", strings.Join(core.Channels, "、"))
	}
	if t.Community != "" {
		areas, err := s.Store.Areas(ctx)
		if err != nil {
			return core.Ticket{}, err
		}
		if len(areas.Communities) > 0 && !slices.ContainsFunc(areas.Communities, func(c core.Community) bool { return c.Name == t.Community }) {
			return core.Ticket{}, core.InvalidField("community", "社区「%s」不在本街道的社区名录中", t.Community)
		}
	}
	now := s.Clock.Now().In(s.location())
	if t.ReceivedAt.IsZero() {
		t.ReceivedAt = now
	}
	// A ticket starts received: the life cycle's fields are the
	// workflow's to set.
	t.ID, t.Status, t.Unit, t.Deadline = 0, core.StatusReceived, "", time.Time{}
	t.ContactedAt, t.ResolvedAt, t.CallbackAt = time.Time{}, time.Time{}, time.Time{}
	t.Resolved, t.Satisfaction, t.Reply = nil, "", ""
	t.SourceFile, t.SourceRow, t.Flags = "", 0, nil
	if t.Number = strings.TrimSpace(t.Number); t.Number == "" {
		if t.Number, err = s.newNumber(ctx, now.Format("20060102")); err != nil {
			return core.Ticket{}, err
		}
	} else if !LooksLikeNumber(t.Number) {
		return core.Ticket{}, core.InvalidField("number", "工单编号应为 4 到 64 位字母、数字、- 或 _")
	} else if err := s.free(ctx, t.Number); err != nil {
		return core.Ticket{}, err
	}
	t = MaskTicket(s.dictionary(), s.fields(), StoreRole, t)
	if _, err := s.Store.UpsertTickets(ctx, []core.Ticket{t}, u.Username); err != nil {
		return core.Ticket{}, err
	}
	stored, err := s.Store.TicketByNumber(ctx, t.Number)
	if err != nil {
		return core.Ticket{}, err
	}
	if s.Changed != nil {
		s.Changed()
	}
	return s.MaskTicket(u.Role, stored), nil
}

// free reports a conflict when number is a ticket's already.
func (s *Service) free(ctx context.Context, number string) error {
	_, err := s.Store.TicketByNumber(ctx, number)
	switch core.ErrorCode(err) {
	case core.ENOTFOUND:
		return nil
	case "":
		return core.Errorf(core.ECONFLICT, "工单编号 %s 已存在", number)
	}
	return err
}

// newNumber makes a ticket number of the day that no ticket has.
func (s *Service) newNumber(ctx context.Context, day string) (string, error) {
	for range 5 {
		n, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
		if err != nil {
			return "", err
		}
		number := fmt.Sprintf("JC%s%06d", day, n.Int64())
		if err := s.free(ctx, number); core.ErrorCode(err) != core.ECONFLICT {
			return number, err
		}
	}
	return "", core.Errorf(core.ECONFLICT, "生成工单编号失败，请重试")
}
