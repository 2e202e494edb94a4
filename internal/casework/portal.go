package casework

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"jiceng/internal/core"
)

// The residents' portal (居民端): a resident submits a request without a
// staff account, gets a tracking code (查询码), follows it with the code
// and rates the result once it is resolved. A request is a ticket like
// any other: it is taken in through TakeIn (numbering, prediction, limits,
// the intake checks of its photos) on the channel 网上表单, and its rating
// is the callback (回访) transition the desk records after a call, so that
// it counts in 三率. Everything a resident reads goes through the masking
// dictionary's resident column: no personal data of anyone, the
// resident's own phone included.
//
// The tracking code is the resident's only key to an anonymous request:
// 16 characters of Crockford's base32 (80 random bits), shown once and
// stored as a SHA-256 hash with the ticket (core.PortalStore). A request
// submitted while signed in as a resident also belongs to that account,
// which lists it (PortalMine); no route reads a request by its ticket id.

// PortalActor is the name the portal acts under in a ticket's history
// when no resident account is signed in: it takes the request in and
// records the resident's rating.
const PortalActor = "portal"

// portalUser is who the portal acts as: the hotline desk's taking in and
// callback, for the whole street (a resident picks any community). It is
// never a signed-in user and never leaves this file; name is the history's
// actor.
func portalUser(name string) core.User {
	return core.User{Username: name, Name: "居民端", Role: core.RoleStaff}
}

// Bounds of a portal request.
const (
	PortalMaxTextRunes    = 2000
	PortalMaxAddressRunes = 100
	PortalMaxCommentRunes = 500
	// PortalMaxPhotos is how many photos a request may carry.
	PortalMaxPhotos = 3
	// portalMineLimit is how many requests PortalMine lists.
	portalMineLimit = 100
)

// codeAlphabet is Crockford's base32: no I, L, O or U, so that a code
// read aloud or copied by hand is not misread.
const codeAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// CodeLen is the length of a tracking code without its hyphens: 16
// characters of 5 bits, 80 bits.
const CodeLen = 16

// ErrNoCode answers a tracking code that is malformed or unknown alike.
var ErrNoCode = core.Errorf(core.ENOTFOUND, "查询码不正确，或没有对应的诉求。请核对后重新输入（不区分大小写）")

// NewCode returns a fresh tracking code in its printed form
// (XXXX-XXXX-XXXX-XXXX), from the system's cryptographic source.
func NewCode() (string, error) {
	b := make([]byte, CodeLen)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	out := make([]byte, 0, CodeLen+3)
	for i, c := range b {
		if i > 0 && i%4 == 0 {
			out = append(out, '-')
		}
		out = append(out, codeAlphabet[c&31]) // 256 is a multiple of 32: uniform
	}
	return string(out), nil
}

// ParseCode returns the canonical form of a tracking code as typed: spaces
// and hyphens (also full-width ones) dropped, letters upper-cased,
// full-width characters narrowed, O read as 0 and I, L as 1. A code that
// is not CodeLen characters of the alphabet is ErrNoCode.
func ParseCode(s string) (string, error) {
	if len(s) > 200 {
		return "", ErrNoCode
	}
	var b strings.Builder
	for _, r := range s {
		if r >= 0xFF01 && r <= 0xFF5E { // full-width ASCII
			r -= 0xFEE0
		}
		switch {
		case r == '-' || r == '－' || r == '—' || r == '–' || unicode.IsSpace(r):
			continue
		case r == 'o' || r == 'O':
			r = '0'
		case r == 'i' || r == 'I' || r == 'l' || r == 'L':
			r = '1'
		}
		r = unicode.ToUpper(r)
		if r > unicode.MaxASCII || !strings.ContainsRune(codeAlphabet, r) {
			return "", ErrNoCode
		}
		b.WriteRune(r)
		if b.Len() > CodeLen {
			return "", ErrNoCode
		}
	}
	if b.Len() != CodeLen {
		return "", ErrNoCode
	}
	return b.String(), nil
}

// HashCode is the stored form of a tracking code (any form ParseCode
// takes): the hex SHA-256 of its canonical form. The code's 80 random bits
// make a search of the hashes hopeless, so no salt is needed, and the hash
// is the lookup key.
func HashCode(code string) (string, error) {
	c, err := ParseCode(code)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256([]byte("jiceng-portal-code\x00" + c))
	return hex.EncodeToString(sum[:]), nil
}

func (s *Service) portalStore() (core.PortalStore, error) {
	ps, ok := s.Store.(core.PortalStore)
	if !ok {
		return nil, core.Errorf(core.EINVALID, "当前存储不支持居民端")
	}
	return ps, nil
}

// PortalSubmission is a request a resident submits.
type PortalSubmission struct {
	Text      string // 诉求内容
	Community string // from the street's communities
	Address   string // free address, optional
	Phone     string // optional; required for a call or an SMS
	Contact   string // one of core.Contacts
	Photos    []NewAttachment
	// Resident is the signed-in resident account, or the zero user.
	Resident core.User
}

// PortalReceipt is what the resident takes away: the tracking code,
// shown once, and the ticket's number.
type PortalReceipt struct {
	Code       string
	Number     string
	ReceivedAt time.Time
}

// PortalCommunities are the communities a resident picks from.
func (s *Service) PortalCommunities(ctx context.Context) ([]string, error) {
	areas, err := s.Store.Areas(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(areas.Communities))
	for _, c := range areas.Communities {
		out = append(out, c.Name)
	}
	return out, nil
}

// normalizePhone returns a phone number as digits (a leading +86 or 86
// of an 11-digit mobile dropped), or "" when it is not 7 to 12 digits,
// or 11 digits starting with 1 for a mobile.
func normalizePhone(p string) string {
	var b strings.Builder
	for _, r := range p {
		if r >= '０' && r <= '９' {
			r = r - '０' + '0'
		}
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == ' ' || r == '-' || r == '(' || r == ')' || r == '+' || r == '－':
		default:
			return ""
		}
	}
	d := b.String()
	if strings.HasPrefix(d, "86") && len(d) == 13 {
		d = d[2:]
	}
	if len(d) < 7 || len(d) > 12 || (len(d) == 11 && d[0] != '1' && d[0] != '0') {
		return ""
	}
	return d
}

// checkSubmission checks a submission's own fields; the ticket's checks
// are TakeIn's.
func (s *Service) checkSubmission(ctx context.Context, sub *PortalSubmission) error {
	sub.Text = strings.TrimSpace(sub.Text)
	sub.Address = strings.TrimSpace(sub.Address)
	sub.Community = strings.TrimSpace(sub.Community)
	switch n := utf8.RuneCountInString(sub.Text); {
	case !utf8.ValidString(sub.Text) || !utf8.ValidString(sub.Address) || !utf8.ValidString(sub.Phone):
		return core.InvalidField("text", "内容含有无法识别的字符，请重新输入")
	case n == 0:
		return core.InvalidField("text", "请填写您要反映的问题")
	case n < 5:
		return core.InvalidField("text", "请把问题描述得具体一些（至少 5 个字）")
	case n > PortalMaxTextRunes:
		return core.InvalidField("text", "问题描述过长：%d 字，最多 %d 字", n, PortalMaxTextRunes)
	}
	if n := utf8.RuneCountInString(sub.Address); n > PortalMaxAddressRunes {
		return core.InvalidField("address", "详细地址过长：%d 字，最多 %d 字", n, PortalMaxAddressRunes)
	}
	communities, err := s.PortalCommunities(ctx)
	if err != nil {
		return err
	}
	switch {
	case len(communities) > 0 && sub.Community == "":
		return core.InvalidField("community", "请选择问题所在的社区")
	case len(communities) > 0 && !slices.Contains(communities, sub.Community):
		return core.InvalidField("community", "请从列表中选择社区")
	}
	if !slices.Contains(core.Contacts, sub.Contact) {
		return core.InvalidField("contact", "请选择希望的联系方式")
	}
	if strings.TrimSpace(sub.Phone) != "" {
		p := normalizePhone(sub.Phone)
		if p == "" {
			return core.InvalidField("phone", "手机号码或固定电话格式不正确")
		}
		sub.Phone = p
	} else {
		sub.Phone = ""
	}
	if sub.Phone == "" && sub.Contact != core.ContactNone {
		return core.InvalidField("phone", "选择%s时请留下联系电话，或改选“无需联系”", sub.Contact)
	}
	if len(sub.Photos) > PortalMaxPhotos {
		return core.InvalidField("photos", "最多上传 %d 张照片", PortalMaxPhotos)
	}
	if sub.Resident.ID != 0 && sub.Resident.Role != core.RoleResident {
		return core.Errorf(core.EFORBIDDEN, "工作人员请从工作台登记工单")
	}
	return nil
}

// PortalSubmit takes a resident's request in: the ticket is made by
// TakeIn on the channel 网上表单 (the resident's account, when signed in,
// as the caller and the history's actor), then its tracking code's hash
// is stored with it, and the code is returned, once.
func (s *Service) PortalSubmit(ctx context.Context, sub PortalSubmission) (PortalReceipt, error) {
	ps, err := s.portalStore()
	if err != nil {
		return PortalReceipt{}, err
	}
	if err := s.checkSubmission(ctx, &sub); err != nil {
		return PortalReceipt{}, err
	}
	code, err := NewCode()
	if err != nil {
		return PortalReceipt{}, err
	}
	hash, err := HashCode(code)
	if err != nil {
		return PortalReceipt{}, err
	}
	values := map[string]string{
		"content":   sub.Text + "\n（居民端提交；联系方式：" + sub.Contact + "）",
		"community": sub.Community,
		"channel":   string(core.ChannelWebForm),
	}
	if sub.Address != "" {
		values["address"] = sub.Address
	}
	if sub.Phone != "" {
		values["caller_phone"] = sub.Phone
	}
	actor := PortalActor
	if sub.Resident.ID != 0 {
		actor = sub.Resident.Username
		if sub.Resident.Name != "" {
			values["caller_name"] = sub.Resident.Name
		}
	}
	t, _, err := s.TakeIn(ctx, portalUser(actor), Intake{Values: values, Attachments: sub.Photos})
	if t.ID == 0 {
		if err == nil {
			err = core.Errorf(core.EINTERNAL, "诉求保存失败，请稍后重试")
		}
		return PortalReceipt{}, err
	}
	// A photo that could not be stored leaves the ticket standing: the
	// resident still gets its code (the error says what was lost).
	photoErr := err
	r := core.PortalRequest{TicketID: t.ID, CodeHash: hash, Contact: sub.Contact}
	if sub.Resident.ID != 0 {
		r.Resident = sub.Resident.Username
	}
	if err := ps.AddPortalRequest(ctx, r); err != nil {
		return PortalReceipt{}, err
	}
	return PortalReceipt{Code: code, Number: t.Number, ReceivedAt: t.ReceivedAt}, photoErr
}

// PortalStep is one public step of a request's timeline.
type PortalStep struct {
	Label string // 受理, 派单, 办理, 办结, 评价, 结案
	At    time.Time
	Done  bool
}

// PortalStatus is a request as its resident sees it: no names, units or
// notes of the staff, and every text through the dictionary's resident
// column.
type PortalStatus struct {
	Number     string
	ReceivedAt time.Time
	Community  string
	Address    string
	Text       string
	Phone      string // as the resident column shows it (suppressed by default)
	Contact    string
	Status     string // the life-cycle status
	Words      string // the status in plain words
	Steps      []PortalStep
	Reply      string
	// Rated says the resident rated it; Satisfaction is the rating given
	// (through the portal or a call).
	Rated        bool
	Satisfaction core.Satisfaction
	// CanRate says the request may be rated now: resolved (办结) and not
	// rated.
	CanRate bool
}

// statusWords are the life-cycle statuses in a resident's words.
var statusWords = map[string]string{
	core.StatusReceived:   "已受理，正在分派给承办单位",
	core.StatusDispatched: "已派给承办单位，等待办理",
	core.StatusSigned:     "承办单位已接单，正在办理",
	core.StatusContacted:  "承办单位已与您联系，正在办理",
	core.StatusHandling:   "正在办理",
	core.StatusReturned:   "正在重新分派承办单位",
	core.StatusResolved:   "已办结，欢迎您对办理结果进行评价",
	core.StatusCallback:   "已办结，已收到评价",
	core.StatusClosed:     "已办结并结案",
}

// PortalTrack returns the request of a tracking code, or ErrNoCode.
func (s *Service) PortalTrack(ctx context.Context, code string) (PortalStatus, error) {
	r, err := s.portalRequest(ctx, code)
	if err != nil {
		return PortalStatus{}, err
	}
	return s.portalStatus(ctx, r)
}

// portalRequest finds the request of a code; malformed and unknown codes
// are ErrNoCode alike.
func (s *Service) portalRequest(ctx context.Context, code string) (core.PortalRequest, error) {
	ps, err := s.portalStore()
	if err != nil {
		return core.PortalRequest{}, err
	}
	hash, err := HashCode(code)
	if err != nil {
		return core.PortalRequest{}, ErrNoCode
	}
	r, err := ps.PortalRequestByCode(ctx, hash)
	if core.ErrorCode(err) == core.ENOTFOUND {
		return core.PortalRequest{}, ErrNoCode
	}
	return r, err
}

func (s *Service) portalStatus(ctx context.Context, r core.PortalRequest) (PortalStatus, error) {
	t, err := s.Store.Ticket(ctx, r.TicketID)
	if core.ErrorCode(err) == core.ENOTFOUND {
		return PortalStatus{}, ErrNoCode
	}
	if err != nil {
		return PortalStatus{}, err
	}
	events, err := s.Store.TicketEvents(ctx, r.TicketID)
	if err != nil {
		return PortalStatus{}, err
	}
	var w core.Workflow
	if ws, ok := s.workflowStore(); ok {
		if w, err = ws.Workflow(ctx, r.TicketID); err != nil {
			return PortalStatus{}, err
		}
	}
	loc := s.location()
	m := s.MaskTicket(core.RoleResident, t)
	st := PortalStatus{Number: t.Number, ReceivedAt: t.ReceivedAt.In(loc), Community: m.Community,
		Address: m.Address, Text: portalText(m.Content), Phone: m.CallerPhone, Contact: r.Contact,
		Status: t.Status, Words: statusWords[t.Status], Steps: portalSteps(events, t, loc),
		Rated: !r.RatedAt.IsZero(), Satisfaction: t.Satisfaction}
	if st.Words == "" {
		st.Words = "处理中"
	}
	if t.Status == core.StatusClosed && w.MergedInto != "" {
		st.Words = "已与同一问题的其他诉求合并办理"
	}
	switch t.Status {
	case core.StatusResolved, core.StatusCallback, core.StatusClosed:
		st.Reply = m.Reply
	}
	st.CanRate = t.Status == core.StatusResolved && !st.Rated && s.Workflow != nil
	return st, nil
}

// portalText is a request's text without the note PortalSubmit appends.
func portalText(content string) string {
	if i := strings.LastIndex(content, "\n（居民端提交；"); i >= 0 {
		return content[:i]
	}
	return content
}

// portalSteps is the public timeline of a ticket: when it was taken in,
// dispatched, taken up by the unit, resolved, rated and closed; a reopen
// (重办) takes 办结 and 评价 back. Nothing of who did what.
func portalSteps(events []core.Event, t core.Ticket, loc *time.Location) []PortalStep {
	steps := []PortalStep{{Label: "受理"}, {Label: "派单"}, {Label: "办理"}, {Label: "办结"}, {Label: "评价"}, {Label: "结案"}}
	set := func(i int, at time.Time, first bool) {
		if first && steps[i].Done {
			return
		}
		steps[i] = PortalStep{Label: steps[i].Label, At: at.In(loc), Done: true}
	}
	for _, e := range events {
		switch e.Action {
		case core.EventCreate:
			set(0, e.At, true)
		case core.ActionDispatch, core.ActionRedispatch:
			set(1, e.At, true)
		case core.ActionSign, core.ActionContact, core.ActionHandle:
			set(2, e.At, true)
		case core.ActionResolve, core.ActionAnswer:
			set(3, e.At, false)
		case core.ActionCallback:
			set(4, e.At, false)
		case core.ActionClose, core.ActionMerge:
			set(5, e.At, false)
		case core.ActionReopen:
			steps[3], steps[4] = PortalStep{Label: "办结"}, PortalStep{Label: "评价"}
		}
	}
	if !steps[0].Done && !t.ReceivedAt.IsZero() {
		set(0, t.ReceivedAt, true)
	}
	return steps
}

// PortalRating is a resident's rating of a resolved request.
type PortalRating struct {
	Resolved     *bool // 问题是否解决
	Satisfaction core.Satisfaction
	Comment      string
}

// PortalRate records the rating of the request of code: once, only while
// it is resolved (办结), as the callback (回访) transition the desk records
// after a call, so that it counts in 三率. The comment is the callback's
// note.
func (s *Service) PortalRate(ctx context.Context, code string, rt PortalRating) (PortalStatus, error) {
	r, err := s.portalRequest(ctx, code)
	if err != nil {
		return PortalStatus{}, err
	}
	ps, err := s.portalStore()
	if err != nil {
		return PortalStatus{}, err
	}
	rt.Comment = strings.TrimSpace(rt.Comment)
	switch {
	case !r.RatedAt.IsZero():
		return PortalStatus{}, core.Errorf(core.ECONFLICT, "您已经评价过这件诉求，感谢您的反馈")
	case !slices.Contains(core.Satisfactions, rt.Satisfaction):
		return PortalStatus{}, core.InvalidField("satisfaction", "请选择满意、基本满意或不满意")
	case rt.Resolved == nil:
		return PortalStatus{}, core.InvalidField("resolved", "请选择问题是否已经解决")
	case !utf8.ValidString(rt.Comment):
		return PortalStatus{}, core.InvalidField("comment", "评价内容含有无法识别的字符")
	case utf8.RuneCountInString(rt.Comment) > PortalMaxCommentRunes:
		return PortalStatus{}, core.InvalidField("comment", "评价内容最多 %d 字", PortalMaxCommentRunes)
	}
	t, err := s.Store.Ticket(ctx, r.TicketID)
	if err != nil {
		return PortalStatus{}, err
	}
	if t.Status != core.StatusResolved {
		if t.Status == core.StatusCallback || t.Status == core.StatusClosed {
			return PortalStatus{}, core.Errorf(core.ECONFLICT, "这件诉求已经回访过，无需再评价")
		}
		return PortalStatus{}, core.Errorf(core.EINVALID, "诉求办结后才能评价，当前状态：%s", statusWords[t.Status])
	}
	note := "居民端评价"
	if rt.Comment != "" {
		note += "：" + rt.Comment
	}
	actor := PortalActor
	if r.Resident != "" {
		actor = r.Resident
	}
	_, _, err = s.Transition(ctx, portalUser(actor), r.TicketID, core.Transition{Action: core.ActionCallback,
		Resolved: rt.Resolved, Satisfaction: rt.Satisfaction, Note: note})
	if core.ErrorCode(err) == core.ECONFLICT || core.ErrorCode(err) == core.EINVALID {
		// Another rating or a call took the callback meanwhile.
		if now, terr := s.Store.Ticket(ctx, r.TicketID); terr == nil && now.Status != core.StatusResolved {
			return PortalStatus{}, core.Errorf(core.ECONFLICT, "这件诉求已经回访过，无需再评价")
		}
	}
	if err != nil {
		return PortalStatus{}, err
	}
	if err := ps.MarkPortalRated(ctx, r.TicketID, s.Clock.Now()); err != nil {
		return PortalStatus{}, err
	}
	r.RatedAt = s.Clock.Now()
	return s.portalStatus(ctx, r)
}

// PortalMine lists the requests of the signed-in resident u, newest first.
// Only residents have portal requests of their own.
func (s *Service) PortalMine(ctx context.Context, u core.User) ([]PortalStatus, error) {
	if u.Role != core.RoleResident || u.Username == "" {
		return nil, core.Errorf(core.EFORBIDDEN, "“我的诉求”仅供居民账号使用")
	}
	ps, err := s.portalStore()
	if err != nil {
		return nil, err
	}
	rs, err := ps.PortalRequests(ctx, u.Username, portalMineLimit)
	if err != nil {
		return nil, err
	}
	out := make([]PortalStatus, 0, len(rs))
	for _, r := range rs {
		st, err := s.portalStatus(ctx, r)
		if core.ErrorCode(err) == core.ENOTFOUND {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, st)
	}
	return out, nil
}
