package casework

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"jiceng/internal/core"
	"jiceng/internal/open311"
)

// Open311 requests (GeoReport v2) are tickets like any other: a POSTed
// request is taken in by Create, as the intake form's ticket is (channel
// Open311, its service's taxonomy path as categories, its attributes in
// the text), and from then on it is predicted, dispatched, given its time
// limits and handled through the one life cycle. The Open311 reads answer
// only tickets that came in through Open311: hotline and grid tickets were
// never given for publication.
//
// What a request shows is masked with the dictionary's resident role
// (Open311Role): the public reading a request are residents, and the
// resident column suppresses the caller's name, phone and ID, generalises
// the address and the coordinates and scans the free text (description,
// reply) for personal data — but keeps the times, which the specification
// needs (requested, updated and expected times; FixMyStreet polls on
// them). The share role would round the times too. The caller's email,
// phone, names, device and account ids are stored with the ticket (staff
// call back) and no response field carries them.

// Open311Role is the dictionary column an Open311 response is masked with.
const Open311Role = core.RoleResident

// Open311Client returns the Open311 client of an api_key: a key of the
// open311 purpose, in force; EFORBIDDEN for any other (the Open311
// specification answers a bad api_key with 403). The check is APIClient's,
// the one key check of every API.
func (s *Service) Open311Client(ctx context.Context, secret string) (core.APIKey, error) {
	if _, ok := s.Store.(core.APIKeyStore); !ok {
		return core.APIKey{}, errBadKey
	}
	k, err := s.APIClient(ctx, secret, core.APIKeyOpen311)
	if err == ErrBadAPIKey {
		return core.APIKey{}, errBadKey
	}
	return k, err
}

var errBadKey = core.Errorf(core.EFORBIDDEN, "api_key is missing, unknown, revoked or not an Open311 key")

// Open311User is the account a client's requests are taken in as: street
// staff at the desk (it takes tickets in for the whole street), named
// after the key, so that the history shows which client sent a ticket.
func Open311User(k core.APIKey) core.User {
	return core.User{ID: -k.ID, Username: "open311:" + k.Name, Role: core.RoleStaff}
}

// Extra values of an Open311 ticket.
const (
	ExtraOpen311Service = "open311_service_code"
	ExtraOpen311Client  = "open311_client"
	ExtraMediaURL       = "media_url"
	ExtraAddressID      = "address_id"
	ExtraEmail          = "email"
	ExtraDeviceID       = "device_id"
	ExtraAccountID      = "open311_account_id"
)

// CreateOpen311 takes in the request c of client k as a ticket, by
// Create. The service must be one of cfg and the attributes must fit its
// definition (open311.CheckAttributes); an error is EINVALID with a
// message for the client.
func (s *Service) CreateOpen311(ctx context.Context, k core.APIKey, cfg open311.Config, c open311.Create) (core.Ticket, error) {
	svc, ok := cfg.Service(c.ServiceCode)
	if !ok {
		return core.Ticket{}, core.InvalidField("service_code", "service_code %q is not a service of this server", clipText(c.ServiceCode, 40))
	}
	if err := open311.CheckAttributes(svc.Definition(), c.Attributes); err != nil {
		return core.Ticket{}, core.InvalidField("attribute", "%s", err.(*open311.Error).Description)
	}
	t := core.Ticket{Channel: core.ChannelOpen311, Category1: svc.Category[0], Category2: svc.Category[1], Category3: svc.Category[2],
		Address: c.AddressString, Lat: c.Lat, Lng: c.Long, CallerPhone: c.Phone,
		CallerName: strings.TrimSpace(c.FirstName + " " + c.LastName)}
	if v := c.Attributes[open311.Category3Attribute]; len(v) == 1 && t.Category3 == "" {
		t.Category3 = v[0]
	}
	desc := strings.TrimSpace(c.Description)
	t.Title = svc.Name
	if line, _, _ := strings.Cut(desc, "\n"); strings.TrimSpace(line) != "" {
		t.Title = clipText(strings.TrimSpace(line), 40)
	}
	var b strings.Builder
	b.WriteString(desc)
	if b.Len() == 0 {
		b.WriteString(svc.Name)
	}
	if len(c.Attributes) > 0 {
		b.WriteString("\n\n【Open311 附加信息】")
		for _, a := range attributeLines(svc, c.Attributes) {
			b.WriteString("\n" + a)
		}
	}
	t.Content = clipText(b.String(), MaxTextRunes)
	t.Extra = map[string]string{ExtraOpen311Service: svc.Code, ExtraOpen311Client: k.Name}
	for key, v := range map[string]string{ExtraMediaURL: c.MediaURL, ExtraAddressID: c.AddressID, ExtraEmail: c.Email,
		ExtraDeviceID: c.DeviceID, ExtraAccountID: c.AccountID} {
		if v != "" {
			t.Extra[key] = v
		}
	}
	return s.Create(ctx, Open311User(k), t)
}

// attributeLines are the attributes as text, in the definition's order
// and then the others by code: 说明（代码）：值（名称）.
func attributeLines(svc open311.ServiceDef, attrs map[string][]string) []string {
	var out []string
	done := map[string]bool{}
	for _, a := range svc.Attributes {
		vs, ok := attrs[a.Code]
		if !ok {
			continue
		}
		done[a.Code] = true
		names := make([]string, len(vs))
		for i, v := range vs {
			names[i] = v
			if j := slices.IndexFunc(a.Values, func(x open311.Value) bool { return x.Key == v }); j >= 0 && a.Values[j].Name != v {
				names[i] = v + "（" + a.Values[j].Name + "）"
			}
		}
		label := a.Code
		if a.Description != "" {
			label = a.Description + "（" + a.Code + "）"
		}
		out = append(out, label+"："+strings.Join(names, "、"))
	}
	var rest []string
	for code := range attrs {
		if !done[code] {
			rest = append(rest, code)
		}
	}
	sort.Strings(rest)
	for _, code := range rest {
		out = append(out, code+"："+strings.Join(attrs[code], "、"))
	}
	return out
}

func clipText(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

// Open311Request returns the request of number: an Open311 ticket, or
// ErrNoTicket (any other ticket answers as a missing one).
func (s *Service) Open311Request(ctx context.Context, cfg open311.Config, number string) (open311.Request, error) {
	t, err := s.Store.TicketByNumber(ctx, number)
	if core.ErrorCode(err) == core.ENOTFOUND || (err == nil && t.Channel != core.ChannelOpen311) {
		return open311.Request{}, ErrNoTicket
	}
	if err != nil {
		return open311.Request{}, err
	}
	return s.requestOf(ctx, cfg, t)
}

// Open311Requests answers GET requests: the Open311 tickets of f, newest
// first, one page of them.
func (s *Service) Open311Requests(ctx context.Context, cfg open311.Config, f open311.Filter) ([]open311.Request, error) {
	var codes []open311.ServiceDef
	for _, code := range f.ServiceCodes {
		svc, ok := cfg.Service(code)
		if !ok {
			return nil, core.InvalidField("service_code", "service_code %q is not a service of this server", clipText(code, 40))
		}
		codes = append(codes, svc)
	}
	keep := func(t core.Ticket) bool {
		if t.Channel != core.ChannelOpen311 {
			return false
		}
		if len(f.Statuses) == 1 && open311Status(t.Status) != f.Statuses[0] {
			return false
		}
		return len(codes) == 0 || slices.ContainsFunc(codes, func(d open311.ServiceDef) bool { return inService(d, t) })
	}
	var tickets []core.Ticket
	offset := (f.Page - 1) * f.PageSize
	switch {
	case len(f.IDs) > 0:
		// The ids override every other filter, as the specification says.
		keep = func(t core.Ticket) bool { return t.Channel == core.ChannelOpen311 }
		seen := map[string]bool{}
		for _, id := range f.IDs {
			if seen[id] {
				continue
			}
			seen[id] = true
			t, err := s.Store.TicketByNumber(ctx, id)
			if core.ErrorCode(err) == core.ENOTFOUND {
				continue
			}
			if err != nil {
				return nil, err
			}
			if keep(t) {
				tickets = append(tickets, t)
			}
		}
		tickets = page(tickets, offset, f.PageSize)
	case len(codes) <= 1 && len(f.Statuses) != 1:
		// The store pages: the channel, the window and one service's
		// path are its filters.
		tf := core.TicketFilter{From: f.From, To: f.To, Channel: core.ChannelOpen311, Offset: offset, Limit: f.PageSize}
		if len(codes) == 1 {
			tf.Category1, tf.Category2, tf.Category3 = codes[0].Category[0], codes[0].Category[1], codes[0].Category[2]
		}
		var err error
		if tickets, _, err = s.Store.Tickets(ctx, tf); err != nil {
			return nil, err
		}
	case len(codes) <= 1 && len(f.Statuses) == 1 && offset+f.PageSize <= core.MaxLimit:
		// One status: the store pages each life-cycle status of it, and
		// the pages merge, newest first (Open311 tickets take only the
		// life cycle's statuses).
		tf := core.TicketFilter{From: f.From, To: f.To, Channel: core.ChannelOpen311, Limit: offset + f.PageSize}
		if len(codes) == 1 {
			tf.Category1, tf.Category2, tf.Category3 = codes[0].Category[0], codes[0].Category[1], codes[0].Category[2]
		}
		for _, st := range core.Statuses {
			if open311Status(st) != f.Statuses[0] {
				continue
			}
			tf.Status = st
			part, _, err := s.Store.Tickets(ctx, tf)
			if err != nil {
				return nil, err
			}
			tickets = append(tickets, part...)
		}
		slices.SortStableFunc(tickets, func(a, b core.Ticket) int {
			if c := b.ReceivedAt.Compare(a.ReceivedAt); c != 0 {
				return c
			}
			return int(b.ID - a.ID)
		})
		tickets = page(tickets, offset, f.PageSize)
	default:
		tf := core.TicketFilter{From: f.From, To: f.To, Channel: core.ChannelOpen311}
		if len(codes) == 1 {
			tf.Category1, tf.Category2, tf.Category3 = codes[0].Category[0], codes[0].Category[1], codes[0].Category[2]
		}
		err := s.Store.EachTicket(ctx, tf, func(t core.Ticket) error {
			if keep(t) {
				tickets = append(tickets, t)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		slices.Reverse(tickets) // newest first
		tickets = page(tickets, offset, f.PageSize)
	}
	out := make([]open311.Request, 0, len(tickets))
	for _, t := range tickets {
		r, err := s.requestOf(ctx, cfg, t)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

func page[T any](s []T, offset, size int) []T {
	if offset >= len(s) {
		return nil
	}
	return s[offset:min(len(s), offset+size)]
}

// inService reports whether t is filed under d's taxonomy path.
func inService(d open311.ServiceDef, t core.Ticket) bool {
	return d.Category[0] == t.Category1 && (d.Category[1] == "" || d.Category[1] == t.Category2) && (d.Category[2] == "" || d.Category[2] == t.Category3)
}

// open311Status maps the life cycle onto open and closed: resolved (办结),
// called back (回访) and closed (结案) tickets are closed; received, dispatched,
// signed, contacted, handled and returned (退单, to be dispatched again) ones
// are open.
func open311Status(status string) string {
	if slices.Contains(core.OpenStatuses, status) {
		return open311.StatusOpen
	}
	return open311.StatusClosed
}

// statusNotes are the status notes of the life cycle, in Chinese.
var statusNotes = map[string]string{
	core.StatusReceived:   "已受理，等待派单",
	core.StatusDispatched: "已派单至承办单位",
	core.StatusSigned:     "承办单位已签收",
	core.StatusContacted:  "承办单位已先行联系",
	core.StatusHandling:   "办理中",
	core.StatusReturned:   "承办单位退单，正在重新派单",
	core.StatusResolved:   "已办结",
	core.StatusCallback:   "已办结，已回访",
	core.StatusClosed:     "已结案",
}

// requestOf is ticket t as an Open311 request, masked for Open311Role.
func (s *Service) requestOf(ctx context.Context, cfg open311.Config, t core.Ticket) (open311.Request, error) {
	w, err := s.workflowOf(ctx, t.ID)
	if err != nil {
		return open311.Request{}, err
	}
	code := t.Extra[ExtraOpen311Service]
	svc, ok := cfg.Service(code)
	if !ok {
		// The service list changed since: the service of the path now.
		if svc, ok = cfg.OfCategory(t.Category1, t.Category2, t.Category3); ok {
			code = svc.Code
		}
	}
	name := svc.Name
	if code == "" {
		code = "unknown"
	}
	media := t.Extra[ExtraMediaURL]
	addressID := t.Extra[ExtraAddressID]
	loc := s.location()
	m := s.MaskTicket(Open311Role, t)
	notes := statusNotes[t.Status]
	if notes == "" {
		notes = t.Status
	}
	switch {
	case w.MergedInto != "":
		notes += "；已与同一诉求合并办理"
	case w.Extension == core.ExtensionPending:
		notes += "；承办单位已申请延期"
	case w.Extension == core.ExtensionApproved && !w.ExtensionUntil.IsZero():
		notes += "；已批准延期至 " + w.ExtensionUntil.In(loc).Format("2006-01-02")
	}
	if w.Supervisions > 0 {
		notes += fmt.Sprintf("；已督办 %d 次", w.Supervisions)
	}
	if m.Reply != "" {
		notes += "。答复：" + m.Reply
	}
	r := open311.Request{ServiceRequestID: t.Number, Status: open311Status(t.Status), StatusNotes: notes,
		ServiceName: name, ServiceCode: code, Description: clipText(m.Content, open311.MaxDescriptionRunes),
		AgencyResponsible: m.Unit, RequestedDatetime: open311.Time(t.ReceivedAt, loc),
		UpdatedDatetime: open311.Time(t.UpdatedAt, loc), ExpectedDatetime: open311.Time(t.Deadline, loc),
		Address: m.Address, AddressID: addressID, Lat: m.Lat, Long: m.Lng, MediaURL: media}
	if r.RequestedDatetime == "" {
		r.RequestedDatetime = open311.Time(t.CreatedAt, loc)
	}
	return r, nil
}
