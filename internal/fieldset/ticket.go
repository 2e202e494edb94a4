package fieldset

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"jiceng/internal/core"
)

// Problem is what is wrong with one field's value. Reason is Chinese and
// never quotes the value (values may be personal data). Reject means the
// whole record must be refused; otherwise the value was kept and flagged.
type Problem struct {
	Field  string
	Reason string
	Reject bool
}

// RawSuffix is appended to a field's label to form the Extra key under
// which an invalid value that Ticket cannot hold (a date, a number, an enum)
// is kept when its field says on_invalid=flag, so that nothing is lost.
const RawSuffix = "（原值）"

// MaxTextLen caps a single value, in bytes; longer values are invalid.
const MaxTextLen = 1 << 20

// standard names the fields that map onto core.Ticket; every other field of
// a set goes to Ticket.Extra.
var standard = map[string]bool{
	"number": true, "channel": true, "received_at": true, "caller_name": true, "caller_phone": true,
	"caller_id": true, "address": true, "street": true, "community": true, "grid": true, "lng": true,
	"lat": true, "title": true, "content": true, "category1": true, "category2": true, "category3": true,
	"intent": true, "urgency": true, "unit": true, "status": true, "deadline": true, "contacted_at": true,
	"resolved_at": true, "reply": true, "resolved": true, "satisfaction": true, "callback_at": true,
	"tags": true, "source_file": true, "source_row": true, "flags": true,
}

// Index returns the position of the field named name in s.Fields, or -1.
func (s *Set) Index(name string) int {
	for i, f := range s.Fields {
		if f.Name == name {
			return i
		}
	}
	return -1
}

// Ticket maps values, by field name, onto a ticket. See TicketValues.
func (s *Set) Ticket(values map[string]string) (core.Ticket, []Problem) {
	vals := make([]string, len(s.Fields))
	for i, f := range s.Fields {
		vals[i] = values[f.Name]
	}
	return s.TicketValues(vals)
}

// TicketValues maps vals, one per field of s.Fields in order ("" for no
// value), onto a ticket and returns the problems found:
//
//   - a required field without value is a rejecting problem;
//   - an invalid value is a rejecting problem if its field says
//     on_invalid=reject; otherwise it is flagged: the ticket gets a flag
//     "name: reason" in Flags and keeps the raw value, in its own field for
//     text-like types (string, text, phone, idcard) and in
//     Extra[label+RawSuffix] for the others;
//   - a datetime field with format ">=other" (e.g. resolved_at >=
//     received_at) must not be earlier than the other field; a violation is
//     an invalid value of the field;
//   - fields beyond the standard ones go to Extra by name.
//
// Flags are sorted so that the same input gives the same ticket.
func (s *Set) TicketValues(vals []string) (core.Ticket, []Problem) {
	var t core.Ticket
	var probs []Problem
	problem := func(f *Field, reason string) {
		rej := f.OnInvalid == OnInvalidReject
		probs = append(probs, Problem{Field: f.Name, Reason: reason, Reject: rej})
		if !rej {
			t.Flags = append(t.Flags, f.Name+": "+reason)
		}
	}
	keepRaw := func(f *Field, raw string) {
		if f.OnInvalid == OnInvalidFlag {
			if t.Extra == nil {
				t.Extra = map[string]string{}
			}
			t.Extra[f.Label+RawSuffix] = raw
		}
	}
	for i, f := range s.Fields {
		raw := ""
		if i < len(vals) {
			raw = vals[i]
		}
		v := strings.TrimSpace(raw)
		if v == "" {
			if f.Required {
				probs = append(probs, Problem{Field: f.Name, Reason: "缺少必填字段 " + f.Label, Reject: true})
			}
			continue
		}
		if len(v) > MaxTextLen {
			problem(f, ErrTooLong.Error())
			continue
		}
		if !utf8.ValidString(v) {
			problem(f, "含有无效字符")
			continue
		}
		if !standard[f.Name] {
			norm, err := f.Normalize(v)
			if err != nil {
				problem(f, err.Error())
				norm = v
				if f.OnInvalid == OnInvalidReject {
					continue
				}
			}
			if t.Extra == nil {
				t.Extra = map[string]string{}
			}
			t.Extra[f.Name] = norm
			continue
		}
		switch f.Type {
		case TypeDateTime:
			tm, err := ParseDateTime(v)
			if err != nil {
				problem(f, err.Error())
				keepRaw(f, v)
				continue
			}
			s.setTime(&t, f.Name, tm)
		case TypeFloat:
			x, err := ParseFloat(v, f.Format)
			if err != nil {
				problem(f, err.Error())
				keepRaw(f, v)
				continue
			}
			switch f.Name {
			case "lng":
				t.Lng = &x
			case "lat":
				t.Lat = &x
			}
		case TypeInt:
			n, err := ParseInt(v)
			if err != nil || n < 0 || n > 1<<31-1 {
				problem(f, ErrInt.Error())
				keepRaw(f, v)
				continue
			}
			if f.Name == "source_row" {
				t.SourceRow = int(n)
			}
		case TypeBool:
			b, err := ParseBool(v)
			if err != nil {
				problem(f, err.Error())
				keepRaw(f, v)
				continue
			}
			if f.Name == "resolved" {
				t.Resolved = &b
			}
		case TypeTags:
			tags := ParseTags(v)
			switch f.Name {
			case "tags":
				t.Tags = tags
			case "flags":
				t.Flags = append(t.Flags, tags...)
			}
		case TypeEnum:
			e, err := f.ParseEnum(v)
			if err != nil {
				problem(f, err.Error())
				keepRaw(f, v)
				continue
			}
			s.setString(&t, f.Name, e)
		default:
			norm, err := f.Normalize(v)
			if err != nil {
				problem(f, err.Error())
				if f.OnInvalid == OnInvalidReject {
					continue
				}
				norm = v
			}
			s.setString(&t, f.Name, norm)
		}
	}
	// Cross-field order of times.
	for _, f := range s.Fields {
		other, ok := strings.CutPrefix(f.Format, ">=")
		if f.Type != TypeDateTime || !ok {
			continue
		}
		a, b := s.timeOf(&t, f.Name), s.timeOf(&t, other)
		if !a.IsZero() && !b.IsZero() && a.Before(b) {
			label := other
			if g := s.byName[other]; g != nil {
				label = g.Label
			}
			problem(f, "早于"+label)
		}
	}
	if len(t.Flags) > 1 {
		slices.Sort(t.Flags)
		t.Flags = slices.Compact(t.Flags)
	}
	return t, probs
}

func (s *Set) setTime(t *core.Ticket, name string, v time.Time) {
	switch name {
	case "received_at":
		t.ReceivedAt = v
	case "deadline":
		t.Deadline = v
	case "contacted_at":
		t.ContactedAt = v
	case "resolved_at":
		t.ResolvedAt = v
	case "callback_at":
		t.CallbackAt = v
	}
}

// timeOf returns the valid time of datetime field name in t, or zero.
func (s *Set) timeOf(t *core.Ticket, name string) time.Time {
	switch name {
	case "received_at":
		return t.ReceivedAt
	case "deadline":
		return t.Deadline
	case "contacted_at":
		return t.ContactedAt
	case "resolved_at":
		return t.ResolvedAt
	case "callback_at":
		return t.CallbackAt
	}
	if standard[name] {
		return time.Time{}
	}
	// A street's own datetime field, kept normalised in Extra.
	tm, err := time.ParseInLocation(DateTimeLayout, t.Extra[name], Shanghai)
	if err != nil {
		return time.Time{}
	}
	return tm
}

func (s *Set) setString(t *core.Ticket, name, v string) {
	switch name {
	case "number":
		t.Number = v
	case "channel":
		t.Channel = v
	case "caller_name":
		t.CallerName = v
	case "caller_phone":
		t.CallerPhone = v
	case "caller_id":
		t.CallerID = v
	case "address":
		t.Address = v
	case "street":
		t.Street = v
	case "community":
		t.Community = v
	case "grid":
		t.Grid = v
	case "title":
		t.Title = v
	case "content":
		t.Content = v
	case "category1":
		t.Category1 = v
	case "category2":
		t.Category2 = v
	case "category3":
		t.Category3 = v
	case "intent":
		t.Intent = v
	case "urgency":
		t.Urgency = v
	case "unit":
		t.Unit = v
	case "status":
		t.Status = v
	case "reply":
		t.Reply = v
	case "satisfaction":
		t.Satisfaction = v
	case "source_file":
		t.SourceFile = v
	}
}

// Normalize validates one non-empty value of f and returns its normalised
// text form (what Values would give back), or an error whose text is a
// Chinese reason.
func (f *Field) Normalize(v string) (string, error) {
	v = strings.TrimSpace(v)
	switch f.Type {
	case TypeString:
		if strings.ContainsAny(v, "\r\n") {
			return "", ErrMultiRow
		}
		if f.pattern != nil && !f.pattern.MatchString(v) {
			return "", ErrFormat
		}
		return v, nil
	case TypeText:
		if f.pattern != nil && !f.pattern.MatchString(v) {
			return "", ErrFormat
		}
		return v, nil
	case TypeDateTime:
		t, err := ParseDateTime(v)
		if err != nil {
			return "", err
		}
		return FormatDateTime(t), nil
	case TypePhone:
		return ParsePhone(v)
	case TypeIDCard:
		return ParseIDCard(v)
	case TypeEnum:
		return f.ParseEnum(v)
	case TypeFloat:
		x, err := ParseFloat(v, f.Format)
		if err != nil {
			return "", err
		}
		return FormatFloat(x), nil
	case TypeInt:
		n, err := ParseInt(v)
		if err != nil {
			return "", err
		}
		return fmt.Sprint(n), nil
	case TypeBool:
		b, err := ParseBool(v)
		if err != nil {
			return "", err
		}
		return FormatBool(b), nil
	case TypeTags:
		return FormatTags(ParseTags(v)), nil
	}
	return v, nil
}

// Values returns the text form of t's value for each field of s.Fields, in
// order: the inverse of TicketValues for valid tickets. Datetimes are
// FormatDateTime, booleans 是/否, tags joined by 、; fields beyond the
// standard ones come from Extra by name.
func (s *Set) Values(t *core.Ticket) []string {
	out := make([]string, len(s.Fields))
	for i, f := range s.Fields {
		out[i] = s.value(t, f)
	}
	return out
}

func (s *Set) value(t *core.Ticket, f *Field) string {
	switch f.Name {
	case "number":
		return t.Number
	case "channel":
		return t.Channel
	case "received_at":
		return FormatDateTime(t.ReceivedAt)
	case "caller_name":
		return t.CallerName
	case "caller_phone":
		return t.CallerPhone
	case "caller_id":
		return t.CallerID
	case "address":
		return t.Address
	case "street":
		return t.Street
	case "community":
		return t.Community
	case "grid":
		return t.Grid
	case "lng":
		if t.Lng != nil {
			return FormatFloat(*t.Lng)
		}
		return ""
	case "lat":
		if t.Lat != nil {
			return FormatFloat(*t.Lat)
		}
		return ""
	case "title":
		return t.Title
	case "content":
		return t.Content
	case "category1":
		return t.Category1
	case "category2":
		return t.Category2
	case "category3":
		return t.Category3
	case "intent":
		return t.Intent
	case "urgency":
		return t.Urgency
	case "unit":
		return t.Unit
	case "status":
		return t.Status
	case "deadline":
		return FormatDateTime(t.Deadline)
	case "contacted_at":
		return FormatDateTime(t.ContactedAt)
	case "resolved_at":
		return FormatDateTime(t.ResolvedAt)
	case "reply":
		return t.Reply
	case "resolved":
		if t.Resolved != nil {
			return FormatBool(*t.Resolved)
		}
		return ""
	case "satisfaction":
		return t.Satisfaction
	case "callback_at":
		return FormatDateTime(t.CallbackAt)
	case "tags":
		return FormatTags(t.Tags)
	case "flags":
		return FormatTags(t.Flags)
	case "source_file":
		return t.SourceFile
	case "source_row":
		if t.SourceRow != 0 {
			return fmt.Sprint(t.SourceRow)
		}
		return ""
	}
	return t.Extra[f.Name]
}
