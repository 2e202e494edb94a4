package casework

import (
	"context"
	"crypto/rand"
	"fmt"
	"math/big"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"jiceng/internal/core"
	"jiceng/internal/fieldset"
)

// StoreRole is the column of the masking dictionary that decides what is
// stored of a ticket taken in (by Create or an import): staff must be able
// to call the caller back, so the dictionary keeps the contact, but a bank
// card number dictated into a complaint is never stored in clear.
const StoreRole = "store"

// mayTakeIn says whether u takes tickets in: the hotline desk, and
// community workers (a grid worker's report, a resident at the counter)
// for their own community.
func mayTakeIn(u core.User) error {
	switch u.Role {
	case core.RoleAdmin, core.RoleStaff, core.RoleCommunity:
		return nil
	}
	return core.Errorf(core.EFORBIDDEN, "当前账号（%s）无权登记工单", core.RoleLabels[u.Role])
}

// Create takes in (受理) ticket t for user u and returns it as stored,
// masked for u's role. The ticket starts received, with no unit (dispatch
// is a transition); its received time is now unless given; a missing
// number is made ("JC" + date + six digits); a number that exists is a
// conflict, never an update. A community worker's ticket is of their
// community. What is stored follows the dictionary's store role.
func (s *Service) Create(ctx context.Context, u core.User, t core.Ticket) (core.Ticket, error) {
	return s.create(ctx, u, t, false)
}

// create is Create; made says t's number was made for it (by
// CreateValues), so that a number a concurrent intake took meanwhile is
// made again rather than refused.
func (s *Service) create(ctx context.Context, u core.User, t core.Ticket, made bool) (core.Ticket, error) {
	if err := mayTakeIn(u); err != nil {
		return core.Ticket{}, err
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
		return core.Ticket{}, core.InvalidField("channel", "来源渠道应为 %s 之一", strings.Join(core.Strings(core.Channels), "、"))
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
	t.SourceFile, t.SourceRow = "", 0
	if err := s.checkGrid(ctx, t); err != nil {
		return core.Ticket{}, err
	}
	if t.Number = strings.TrimSpace(t.Number); t.Number == "" || made {
		if t.Number, err = s.newNumber(ctx, now.Format("20060102")); err != nil {
			return core.Ticket{}, err
		}
		made = true
	} else if err := s.checkNumber(t.Number); err != nil {
		return core.Ticket{}, err
	} else if err := s.free(ctx, t.Number); err != nil {
		return core.Ticket{}, err
	}
	t = MaskTicket(s.dictionary(), s.fields(), StoreRole, t)
	for try := 0; ; try++ {
		err = s.store(ctx, u, t, now)
		if core.ErrorCode(err) != core.ECONFLICT || !made || try == 4 {
			break
		}
		// Another intake took the made number between the check and the
		// write: make another.
		if t.Number, err = s.newNumber(ctx, now.Format("20060102")); err != nil {
			return core.Ticket{}, err
		}
	}
	if err != nil {
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

// store writes new ticket t, taken in by u: with a store that takes
// histories, in one transaction with a create event by u whose note says
// the channel (the history shows who took it in and how); else by
// UpsertTickets, whose create event names u. A number stored meanwhile is
// ECONFLICT.
func (s *Service) store(ctx context.Context, u core.User, t core.Ticket, now time.Time) error {
	hs, ok := s.Store.(core.HistoryStore)
	if !ok {
		_, err := s.Store.UpsertTickets(ctx, []core.Ticket{t}, u.Username)
		return err
	}
	n, err := hs.CreateWithHistory(ctx, []core.TicketHistory{{Ticket: t,
		Events: []core.Event{{At: now, Actor: u.Username, Action: core.EventCreate, Note: IntakeNote(t.Channel)}}}})
	if err == nil && n == 0 {
		err = core.Errorf(core.ECONFLICT, "工单编号 %s 已存在", t.Number)
	}
	return err
}

// IntakeNote is the note of a taken-in ticket's create event: its channel.
func IntakeNote(c core.Channel) string { return "受理渠道：" + string(c) }

// checkGrid checks a ticket's grid against the registry: a grid the
// registry lists, of the ticket's community when it has one.
func (s *Service) checkGrid(ctx context.Context, t core.Ticket) error {
	if t.Grid == "" {
		return nil
	}
	areas, err := s.Store.Areas(ctx)
	if err != nil || len(areas.Grids) == 0 {
		return err
	}
	i := slices.IndexFunc(areas.Grids, func(g core.Grid) bool { return g.Name == t.Grid })
	if i < 0 {
		return core.InvalidField("grid", "网格「%s」不在本街道的网格名录中", t.Grid)
	}
	if t.Community == "" {
		return nil
	}
	for _, c := range areas.Communities {
		if c.Name == t.Community && c.Code != areas.Grids[i].Community {
			return core.InvalidField("grid", "网格「%s」不属于%s", t.Grid, t.Community)
		}
	}
	return nil
}

// checkNumber checks a given number against the field set's rule for
// numbers, the one an import applies.
func (s *Service) checkNumber(number string) error {
	f := s.fields().Field("number")
	if f == nil {
		return nil
	}
	if _, err := f.Normalize(number); err != nil {
		return core.InvalidField("number", "工单编号不符合字段集的格式要求：%v", err)
	}
	return nil
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

// Lengths of the values CreateValues takes: free text (诉求内容) and any
// other value, in characters.
const (
	MaxTextRunes  = 5000
	MaxValueRunes = 200
)

// CreateValues takes in a ticket given as text values by field name (a
// form or an API body, as an import gives a row): the field set parses and
// checks them as it does for an import — a rejecting problem, or a value
// outside an enum, is an error about its field; another invalid value of
// a flag field is kept with its flag —
// then Create stores it. A missing number is made and a missing received
// time is now.
func (s *Service) CreateValues(ctx context.Context, u core.User, values map[string]string) (core.Ticket, error) {
	if err := mayTakeIn(u); err != nil {
		return core.Ticket{}, err
	}
	set := s.fields()
	vals := make(map[string]string, len(values)+2)
	for k, v := range values {
		f := set.Field(k)
		if f == nil {
			return core.Ticket{}, core.InvalidField(k, "字段集中没有字段 %s", k)
		}
		if !utf8.ValidString(v) {
			return core.Ticket{}, core.InvalidField(k, "%s不是合法的 UTF-8 文本", f.Label)
		}
		limit := MaxValueRunes
		if f.Type == fieldset.TypeText {
			limit = MaxTextRunes
		}
		if n := utf8.RuneCountInString(v); n > limit {
			return core.Ticket{}, core.InvalidField(k, "%s过长：%d 字，最多 %d 字", f.Label, n, limit)
		}
		vals[k] = strings.TrimSpace(v)
	}
	now := s.Clock.Now().In(s.location())
	made := vals["number"] == ""
	if made {
		// A placeholder of the number's form, for the field set's checks;
		// create makes the number.
		vals["number"] = "JC" + now.Format("20060102") + "000000"
	}
	if vals["received_at"] == "" {
		vals["received_at"] = now.Format(fieldset.DateTimeLayout)
	}
	t, problems := set.Ticket(vals)
	for _, p := range problems {
		// A form's pickers and an API's client choose among the values of
		// an enum (channel, intent, urgency): another one is refused here,
		// where an import would keep it flagged.
		if f := set.Field(p.Field); p.Reject || (f != nil && f.Type == fieldset.TypeEnum) {
			label := p.Field
			if f := set.Field(p.Field); f != nil {
				label = f.Label
			}
			return core.Ticket{}, core.InvalidField(p.Field, "%s：%s", label, p.Reason)
		}
	}
	return s.create(ctx, u, t, made)
}

// numberSuffix draws the six digits of a made number: uniformly at
// random from the system's cryptographic source (tests draw from a small
// set, to make numbers collide).
var numberSuffix = func() (int64, error) {
	n, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
	if err != nil {
		return 0, err
	}
	return n.Int64(), nil
}

// newNumber makes a ticket number of the day that no ticket has: "JC", the
// day (YYYYMMDD, street time) and six random digits. A number drawn that
// a ticket has is drawn again (five times at most); one taken by a
// concurrent intake between this check and the write is found by the
// store's unique number, and Create draws again.
func (s *Service) newNumber(ctx context.Context, day string) (string, error) {
	for range 5 {
		n, err := numberSuffix()
		if err != nil {
			return "", err
		}
		number := fmt.Sprintf("JC%s%06d", day, n)
		if err := s.free(ctx, number); core.ErrorCode(err) != core.ECONFLICT {
			return number, err
		}
	}
	return "", core.Errorf(core.ECONFLICT, "生成工单编号失败，请重试")
}
