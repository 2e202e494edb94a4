package casework

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"jiceng/internal/core"
	"jiceng/internal/fieldset"
	"jiceng/internal/linkage"
)

// The sharing API for other departments (数据共享). A department reads with
// an API key of the share purpose (apikeys.go), and the key decides
// everything it reads:
//
//   - Communities: the key's communities only (nil: the whole street). A
//     request for a community outside them is EFORBIDDEN, never an empty
//     answer that could be taken for "nobody there".
//   - Fields: the key's KIND.FIELD list only. A record's values outside it
//     are dropped (not masked: absent), a kind without any field of the key
//     is not shared, and a request naming a field outside the key is
//     EFORBIDDEN, with the field named.
//   - Masking: every value goes through the masking dictionary's share
//     role, for records (recordMasker) as for tickets (maskValue): a phone
//     or an ID number is never raw unless the street's dictionary says so
//     for share.
//   - Retired records (已注销) are not shared.
//
// A filter is a read of the field it filters on: the key must have it.
// A keyword (q) is a search the key must be able to see the result of: a
// resident ID number or a phone number is a lookup through the store's
// match-key index (LookupRecords) and needs the kind's id_number or phone
// field; other text matches names and addresses and needs the kind's name
// and address fields (those of the kind's set that the store matches). A
// ticket keyword needs ticket.title and ticket.content, a category
// ticket.category1, a status ticket.status, a period ticket.received_at.

// MaxSharePage is the largest page a share request may ask for.
const MaxSharePage = 500

// DefaultSharePage is the page size of a share request that names none.
const DefaultSharePage = core.DefaultLimit

// ShareQuery is one request of a department: the records or tickets it
// asks for. Zero values do not filter.
type ShareQuery struct {
	// Kind is the record kind (records only); "" is the key's only record
	// kind, and must be given when the key reads several.
	Kind string
	// Community narrows to one community of the key's.
	Community string
	// Query is a keyword (records: a name, an address, an ID number or a
	// phone number; tickets: a part of the title or content).
	Query string
	// Fields narrows the values to these fields, KIND.FIELD or FIELD of
	// Kind (ticket.FIELD or FIELD for tickets); nil is every field of the
	// key.
	Fields []string
	// Tickets only: received in [From, To), category (the first level,
	// category1), status.
	From, To time.Time
	Category string
	Status   string
	// Page is 1-based (0: 1); PageSize 1..MaxSharePage (0:
	// DefaultSharePage).
	Page, PageSize int
}

// SharedRecord is a record as a department reads it: its id and kind, and
// the values of the key's fields, masked for share (a value masked to
// nothing is absent).
type SharedRecord struct {
	ID     int64
	Kind   string
	Values map[string]string
}

// SharedTicket is a ticket as a department reads it: its number (which a
// department cites back, see APIUse.Ticket) and the values of the key's
// ticket fields, masked for share.
type SharedTicket struct {
	Number string
	Values map[string]string
}

// SharePage is one page of a share answer.
type SharePage[T any] struct {
	Items          []T
	Total          int
	Page, PageSize int
}

// shareRole is the masking dictionary's role of the sharing API.
const shareRole = "share"

// shareKey checks that k may read the sharing API at all.
func shareKey(k core.APIKey) error {
	if k.ID == 0 || k.Purpose != core.APIKeyShare || k.Revoked() {
		return ErrBadAPIKey
	}
	return nil
}

// paging checks and defaults the paging of q; it returns the offset.
func (q *ShareQuery) paging() (int, error) {
	if q.Page == 0 {
		q.Page = 1
	}
	if q.PageSize == 0 {
		q.PageSize = DefaultSharePage
	}
	if q.Page < 1 || q.Page > 1_000_000 {
		return 0, core.InvalidField("page", "参数 page 应为正整数")
	}
	if q.PageSize < 1 || q.PageSize > MaxSharePage {
		return 0, core.InvalidField("page_size", "参数 page_size 应为 1 到 %d 之间的整数", MaxSharePage)
	}
	return (q.Page - 1) * q.PageSize, nil
}

// shareCommunities returns the communities a query reads: the one it asks
// for (EFORBIDDEN outside the key's) or the key's (nil: the whole street).
func shareCommunities(k core.APIKey, community string) ([]string, error) {
	community = strings.TrimSpace(community)
	if community == "" {
		return k.Communities, nil
	}
	if k.Communities != nil && !slices.Contains(k.Communities, community) {
		return nil, core.Errorf(core.EFORBIDDEN, "社区“%s”不在本密钥的共享范围内（可读取：%s）", clip(community), communitiesLabel(k.Communities))
	}
	return []string{community}, nil
}

// clip bounds a value a client sent before it is quoted in a message.
func clip(v string) string {
	if utf8.RuneCountInString(v) > 40 {
		return string([]rune(v)[:40]) + "…"
	}
	return v
}

// keyFields are the fields of kind that key k reads, by name, in the
// key's order.
func keyFields(k core.APIKey, kind string) []string {
	var out []string
	for _, f := range k.Fields {
		if kd, name, ok := strings.Cut(f, "."); ok && kd == kind {
			out = append(out, name)
		}
	}
	return out
}

// keyKinds are the record kinds key k reads some field of, in the kinds'
// order.
func keyKinds(k core.APIKey) []string {
	var out []string
	for _, kind := range fieldset.RecordKinds {
		if len(keyFields(k, kind)) > 0 {
			out = append(out, kind)
		}
	}
	return out
}

// shareFields resolves the fields a query asks for to names of kind: each
// KIND.FIELD or FIELD must be a field of kind's set (EINVALID) and one of
// the key's (EFORBIDDEN). None asked is every field of the key.
func (s *Service) shareFields(k core.APIKey, kind string, asked []string) ([]string, error) {
	granted := keyFields(k, kind)
	if len(asked) == 0 {
		return granted, nil
	}
	known := s.ShareFieldNames()
	var out []string
	for _, a := range asked {
		a = strings.TrimSpace(a)
		if a == "" {
			continue
		}
		full := a
		if !strings.Contains(a, ".") {
			full = kind + "." + a
		}
		if !slices.Contains(known, full) {
			return nil, core.InvalidField("fields", "字段“%s”不存在：应为“类别.字段”，如 %s.name，或%s的字段名", clip(a), kind, kindLabel(kind))
		}
		kd, name, _ := strings.Cut(full, ".")
		if kd != kind {
			return nil, core.InvalidField("fields", "字段“%s”不属于所查询的%s数据", clip(a), kindLabel(kind))
		}
		if !slices.Contains(granted, name) {
			return nil, core.Errorf(core.EFORBIDDEN, "字段“%s”不在本密钥的共享字段中", full)
		}
		if !slices.Contains(out, name) {
			out = append(out, name)
		}
	}
	return out, nil
}

// kindLabel names a kind in Chinese; tickets are 工单.
func kindLabel(kind string) string {
	if kind == ShareTicketKind {
		return "工单"
	}
	if l := fieldset.KindLabel[kind]; l != "" {
		return l
	}
	return kind
}

// shareKind resolves the record kind of a query: the one asked for (one
// of the key's kinds, else EFORBIDDEN), or the key's only one.
func shareKind(k core.APIKey, kind string) (string, error) {
	kinds := keyKinds(k)
	kind = strings.TrimSpace(kind)
	if kind == "" {
		switch len(kinds) {
		case 0:
			return "", core.Errorf(core.EFORBIDDEN, "本密钥不能读取基础数据（没有任何记录字段）")
		case 1:
			return kinds[0], nil
		}
		return "", core.InvalidField("kind", "本密钥可读取多类数据，请用参数 kind 指定其中一类：%s", strings.Join(kinds, "、"))
	}
	if !slices.Contains(fieldset.RecordKinds, kind) {
		return "", core.InvalidField("kind", "参数 kind 应为以下之一：%s", strings.Join(fieldset.RecordKinds, "、"))
	}
	if !slices.Contains(kinds, kind) {
		return "", core.Errorf(core.EFORBIDDEN, "本密钥不能读取%s数据（%s）", kindLabel(kind), kind)
	}
	return kind, nil
}

// shareRecord is r as key k reads it: the values of fields, masked for
// share.
func (s *Service) shareRecord(m recordMasker, r core.Record, fields []string) SharedRecord {
	out := SharedRecord{ID: r.ID, Kind: r.Kind, Values: make(map[string]string, len(fields))}
	for _, f := range fields {
		var v string
		switch f {
		case "community":
			v = r.Community
		case "grid":
			v = r.Grid
		}
		if raw, ok := r.Values[f]; ok {
			v = raw
		}
		if mv := m.value(shareRole, r.Kind, f, v); mv != "" {
			out.Values[f] = mv
		}
	}
	return out
}

// keywordFields are the fields of kind whose values a text keyword
// matches (RecordFilter.Query: the name and the address).
func keywordFields(kind string) []string {
	set, _ := recordSet(kind)
	var out []string
	for _, f := range []string{"name", "address"} {
		if set != nil && set.Field(f) != nil {
			out = append(out, f)
		}
	}
	return out
}

// ShareRecords returns one page of the active records of q for key k
// (see the top of this file): its communities and fields only, masked
// for share.
func (s *Service) ShareRecords(ctx context.Context, k core.APIKey, q ShareQuery) (SharePage[SharedRecord], error) {
	if err := shareKey(k); err != nil {
		return SharePage[SharedRecord]{}, err
	}
	kind, err := shareKind(k, q.Kind)
	if err != nil {
		return SharePage[SharedRecord]{}, err
	}
	fields, err := s.shareFields(k, kind, q.Fields)
	if err != nil {
		return SharePage[SharedRecord]{}, err
	}
	communities, err := shareCommunities(k, q.Community)
	if err != nil {
		return SharePage[SharedRecord]{}, err
	}
	offset, err := q.paging()
	if err != nil {
		return SharePage[SharedRecord]{}, err
	}
	page := SharePage[SharedRecord]{Items: []SharedRecord{}, Page: q.Page, PageSize: q.PageSize}
	rs, err := s.recordStore()
	if err != nil {
		return page, err
	}
	f := core.RecordFilter{Kind: kind, Status: core.RecordActive, Communities: communities, Offset: offset, Limit: q.PageSize}
	granted := keyFields(k, kind)
	var recs []core.Record
	kw := strings.TrimSpace(q.Query)
	if utf8.RuneCountInString(kw) > 100 {
		return page, core.InvalidField("q", "参数 q 过长（最多 100 个字）")
	}
	lookup, need := shareLookup(kind, kw)
	switch {
	case kw == "":
		recs, page.Total, err = rs.Records(ctx, f)
	case len(lookup) > 0:
		if !slices.Contains(granted, need) {
			return page, core.Errorf(core.EFORBIDDEN, "按%s查询需要本密钥含有字段 %s.%s", recordFieldLabel(kind, need), kind, need)
		}
		var all []core.Record
		if all, err = rs.LookupRecords(ctx, f, lookup); err == nil {
			page.Total = len(all)
			recs = all[min(offset, len(all)):min(offset+q.PageSize, len(all))]
		}
	default:
		for _, need := range keywordFields(kind) {
			if !slices.Contains(granted, need) {
				return page, core.Errorf(core.EFORBIDDEN, "按关键词查询（匹配名称和地址）需要本密钥含有字段 %s.%s", kind, need)
			}
		}
		f.Query = kw
		recs, page.Total, err = rs.Records(ctx, f)
	}
	if err != nil {
		return page, err
	}
	m := s.recordMasker()
	for _, r := range recs {
		if r.Status != core.RecordActive || !inCommunities(communities, r.Community) {
			continue // the filter narrows already; this holds it
		}
		page.Items = append(page.Items, s.shareRecord(m, r, fields))
	}
	return page, nil
}

// recordFieldLabel is the label of a field of kind, or its name.
func recordFieldLabel(kind, name string) string {
	if set, _ := recordSet(kind); set != nil {
		if f := set.Field(name); f != nil {
			return f.Label
		}
	}
	return name
}

func inCommunities(cs []string, c string) bool { return cs == nil || slices.Contains(cs, c) }

// shareLookup returns the match keys of a keyword that is a resident ID
// number or a phone number (of a kind whose set has that field), and the
// field the key must read to search by it; none for other keywords.
func shareLookup(kind, kw string) ([]core.RecordKey, string) {
	if kw == "" {
		return nil, ""
	}
	set, _ := recordSet(kind)
	if id, ok := linkage.NormalizeID(kw); ok && set.Field("id_number") != nil {
		return []core.RecordKey{{Type: linkage.KeyID, Value: id}}, "id_number"
	}
	if ph, ok := linkage.NormalizePhone(kw); ok && len(ph) >= 7 && set.Field("phone") != nil {
		return []core.RecordKey{{Type: linkage.KeyPhone, Value: ph}}, "phone"
	}
	return nil, ""
}

// ShareRecord returns record id for key k: an active record of the key's
// communities and of a kind the key reads; anything else answers as a
// missing record (ErrNoRecord), so that ids cannot be probed.
func (s *Service) ShareRecord(ctx context.Context, k core.APIKey, id int64, fields []string) (SharedRecord, error) {
	if err := shareKey(k); err != nil {
		return SharedRecord{}, err
	}
	rs, err := s.recordStore()
	if err != nil {
		return SharedRecord{}, err
	}
	if id <= 0 {
		return SharedRecord{}, ErrNoRecord
	}
	r, err := rs.Record(ctx, id)
	if err != nil {
		return SharedRecord{}, recordErr(err)
	}
	if r.Status != core.RecordActive || !inCommunities(k.Communities, r.Community) || len(keyFields(k, r.Kind)) == 0 {
		return SharedRecord{}, ErrNoRecord
	}
	fs, err := s.shareFields(k, r.Kind, fields)
	if err != nil {
		return SharedRecord{}, err
	}
	return s.shareRecord(s.recordMasker(), r, fs), nil
}

// ShareTickets returns one page of the tickets of q for key k, newest
// received first: the key's communities only, the values of its ticket
// fields masked for share.
func (s *Service) ShareTickets(ctx context.Context, k core.APIKey, q ShareQuery) (SharePage[SharedTicket], error) {
	if err := shareKey(k); err != nil {
		return SharePage[SharedTicket]{}, err
	}
	if len(keyFields(k, ShareTicketKind)) == 0 {
		return SharePage[SharedTicket]{}, core.Errorf(core.EFORBIDDEN, "本密钥不能读取工单（没有任何 ticket. 字段）")
	}
	fields, err := s.shareFields(k, ShareTicketKind, q.Fields)
	if err != nil {
		return SharePage[SharedTicket]{}, err
	}
	communities, err := shareCommunities(k, q.Community)
	if err != nil {
		return SharePage[SharedTicket]{}, err
	}
	offset, err := q.paging()
	if err != nil {
		return SharePage[SharedTicket]{}, err
	}
	if q.Status != "" && !slices.Contains(core.Statuses, q.Status) {
		return SharePage[SharedTicket]{}, core.InvalidField("status", "参数 status 应为以下之一：%s", strings.Join(core.Statuses, "、"))
	}
	if !q.From.IsZero() && !q.To.IsZero() && !q.From.Before(q.To) {
		return SharePage[SharedTicket]{}, core.InvalidField("to", "参数 to 应晚于 from")
	}
	if utf8.RuneCountInString(q.Query) > 100 || utf8.RuneCountInString(q.Category) > 100 {
		return SharePage[SharedTicket]{}, core.InvalidField("q", "参数 q 或 category 过长（最多 100 个字）")
	}
	// A filter on a field is a read of it: the key must have the field.
	granted := keyFields(k, ShareTicketKind)
	for _, c := range []struct {
		on     bool
		param  string
		fields []string
	}{
		{q.Query != "", "q", []string{"title", "content"}},
		{q.Category != "", "category", []string{"category1"}},
		{q.Status != "", "status", []string{"status"}},
		{!q.From.IsZero() || !q.To.IsZero(), "from、to", []string{"received_at"}},
	} {
		for _, need := range c.fields {
			if c.on && !slices.Contains(granted, need) {
				return SharePage[SharedTicket]{}, core.Errorf(core.EFORBIDDEN, "按参数 %s 查询需要本密钥含有字段 ticket.%s", c.param, need)
			}
		}
	}
	page := SharePage[SharedTicket]{Items: []SharedTicket{}, Page: q.Page, PageSize: q.PageSize}
	f := core.TicketFilter{From: q.From, To: q.To, Status: q.Status, Category1: strings.TrimSpace(q.Category), Keyword: strings.TrimSpace(q.Query)}
	var tickets []core.Ticket
	switch {
	case communities == nil || len(communities) == 1:
		if len(communities) == 1 {
			f.Community = communities[0]
		}
		f.Offset, f.Limit = offset, q.PageSize
		tickets, page.Total, err = s.Store.Tickets(ctx, f)
	case len(communities) == 0:
	default:
		// Several communities: the page is within the first offset+size
		// tickets of each, merged newest first.
		if offset+q.PageSize > core.MaxLimit {
			return page, core.InvalidField("page", "本密钥可读取多个社区：翻页超过前 %d 件时，请用参数 community 指定一个社区，或用 from、to 缩小时间范围", core.MaxLimit)
		}
		f.Offset, f.Limit = 0, offset+q.PageSize
		for _, c := range communities {
			f.Community = c
			ts, n, err := s.Store.Tickets(ctx, f)
			if err != nil {
				return page, err
			}
			tickets, page.Total = append(tickets, ts...), page.Total+n
		}
		slices.SortStableFunc(tickets, func(a, b core.Ticket) int {
			if c := b.ReceivedAt.Compare(a.ReceivedAt); c != 0 {
				return c
			}
			return cmp.Compare(b.ID, a.ID)
		})
		tickets = tickets[min(offset, len(tickets)):min(offset+q.PageSize, len(tickets))]
	}
	if err != nil {
		return page, err
	}
	d, set := s.dictionary(), s.fields()
	for i := range tickets {
		t := &tickets[i]
		if !inCommunities(communities, t.Community) {
			continue
		}
		st := SharedTicket{Number: t.Number, Values: make(map[string]string, len(fields))}
		for _, name := range fields {
			if v := maskValue(d, set, shareRole, name, fieldset.Text(t, name)); v != "" {
				st.Values[name] = v
			}
		}
		page.Items = append(page.Items, st)
	}
	return page, nil
}

// CheckCitedTicket checks the ticket number a department cites with a
// request (APIUse.Ticket): it must be a ticket of the street. The message
// does not repeat the number.
func (s *Service) CheckCitedTicket(ctx context.Context, number string) (string, error) {
	number = strings.TrimSpace(number)
	if number == "" {
		return "", nil
	}
	if len(number) > 64 {
		return "", core.InvalidField("ticket", "参数 ticket 应为工单编号")
	}
	t, err := s.Store.TicketByNumber(ctx, number)
	switch core.ErrorCode(err) {
	case "":
		return t.Number, nil
	case core.ENOTFOUND:
		return "", core.InvalidField("ticket", "参数 ticket 所引用的工单不存在：应为本街道的工单编号")
	}
	return "", fmt.Errorf("cited ticket: %w", err)
}
