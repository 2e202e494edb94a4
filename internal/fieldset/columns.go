package fieldset

import (
	"fmt"
	"strconv"
	"time"

	"jiceng/internal/core"
)

// The one table of ticket fields. tickets.csv declares each standard field
// (name, label, type, sensitivity, aliases); Columns says where its value
// lives in core.Ticket. Everything that walks the fields of a ticket — the
// importer's mapping, Values, the masking of a ticket for a role, the
// history diff, the export — walks this table, so that a field added to
// core.Ticket is added here once.

// A Column is one standard field of core.Ticket and its accessor: Ptr
// returns a pointer to the value in t, of one of the types *string (or a
// domain word of core: *core.Channel, *core.Intent, *core.Urgency,
// *core.Satisfaction), *time.Time, **float64, **bool, *[]string or *int.
type Column struct {
	Name string
	Ptr  func(t *core.Ticket) any
}

// Columns are the standard fields, in the order of core.Ticket.
var Columns = []Column{
	{"number", func(t *core.Ticket) any { return &t.Number }},
	{"channel", func(t *core.Ticket) any { return &t.Channel }},
	{"received_at", func(t *core.Ticket) any { return &t.ReceivedAt }},
	{"caller_name", func(t *core.Ticket) any { return &t.CallerName }},
	{"caller_phone", func(t *core.Ticket) any { return &t.CallerPhone }},
	{"caller_id", func(t *core.Ticket) any { return &t.CallerID }},
	{"address", func(t *core.Ticket) any { return &t.Address }},
	{"street", func(t *core.Ticket) any { return &t.Street }},
	{"community", func(t *core.Ticket) any { return &t.Community }},
	{"grid", func(t *core.Ticket) any { return &t.Grid }},
	{"lng", func(t *core.Ticket) any { return &t.Lng }},
	{"lat", func(t *core.Ticket) any { return &t.Lat }},
	{"title", func(t *core.Ticket) any { return &t.Title }},
	{"content", func(t *core.Ticket) any { return &t.Content }},
	{"category1", func(t *core.Ticket) any { return &t.Category1 }},
	{"category2", func(t *core.Ticket) any { return &t.Category2 }},
	{"category3", func(t *core.Ticket) any { return &t.Category3 }},
	{"intent", func(t *core.Ticket) any { return &t.Intent }},
	{"urgency", func(t *core.Ticket) any { return &t.Urgency }},
	{"unit", func(t *core.Ticket) any { return &t.Unit }},
	{"status", func(t *core.Ticket) any { return &t.Status }},
	{"deadline", func(t *core.Ticket) any { return &t.Deadline }},
	{"contacted_at", func(t *core.Ticket) any { return &t.ContactedAt }},
	{"resolved_at", func(t *core.Ticket) any { return &t.ResolvedAt }},
	{"reply", func(t *core.Ticket) any { return &t.Reply }},
	{"resolved", func(t *core.Ticket) any { return &t.Resolved }},
	{"satisfaction", func(t *core.Ticket) any { return &t.Satisfaction }},
	{"callback_at", func(t *core.Ticket) any { return &t.CallbackAt }},
	{"tags", func(t *core.Ticket) any { return &t.Tags }},
	{"flags", func(t *core.Ticket) any { return &t.Flags }},
	{"source_file", func(t *core.Ticket) any { return &t.SourceFile }},
	{"source_row", func(t *core.Ticket) any { return &t.SourceRow }},
}

// column indexes Columns by name.
var column = func() map[string]*Column {
	m := make(map[string]*Column, len(Columns))
	for i := range Columns {
		m[Columns[i].Name] = &Columns[i]
	}
	return m
}()

// IsColumn reports whether name is a standard field, stored in core.Ticket
// itself rather than in Extra.
func IsColumn(name string) bool { return column[name] != nil }

// Text returns the text form of field name of t, as Values gives it:
// datetimes FormatDateTime, booleans 是/否, tags joined by 、; a field
// beyond the standard ones comes from Extra.
func Text(t *core.Ticket, name string) string {
	c := column[name]
	if c == nil {
		return t.Extra[name]
	}
	switch p := c.Ptr(t).(type) {
	case *string:
		return *p
	case *core.Channel:
		return string(*p)
	case *core.Intent:
		return string(*p)
	case *core.Urgency:
		return string(*p)
	case *core.Satisfaction:
		return string(*p)
	case *time.Time:
		return FormatDateTime(*p)
	case **float64:
		if *p != nil {
			return FormatFloat(**p)
		}
	case **bool:
		if *p != nil {
			return FormatBool(**p)
		}
	case *[]string:
		return FormatTags(*p)
	case *int:
		if *p != 0 {
			return strconv.Itoa(*p)
		}
	default:
		panic(fmt.Sprintf("fieldset: column %s has type %T", name, p))
	}
	return ""
}

// SetText sets field name of t from its text form (the inverse of Text). A
// value that does not parse as the field's type clears it: SetText is for
// values that came from Text and were masked, where a value that no longer
// parses ("2024-03-**") is no value.
func SetText(t *core.Ticket, name, v string) {
	c := column[name]
	if c == nil {
		if v == "" {
			delete(t.Extra, name)
			return
		}
		if t.Extra == nil {
			t.Extra = map[string]string{}
		}
		t.Extra[name] = v
		return
	}
	switch p := c.Ptr(t).(type) {
	case *string:
		*p = v
	case *core.Channel:
		*p = core.Channel(v)
	case *core.Intent:
		*p = core.Intent(v)
	case *core.Urgency:
		*p = core.Urgency(v)
	case *core.Satisfaction:
		*p = core.Satisfaction(v)
	case *time.Time:
		*p = time.Time{}
		if tm, err := ParseDateTime(v); err == nil && v != "" {
			*p = tm
		}
	case **float64:
		*p = nil
		if x, err := strconv.ParseFloat(v, 64); err == nil {
			*p = &x
		}
	case **bool:
		*p = nil
		if b, err := ParseBool(v); err == nil && v != "" {
			*p = &b
		}
	case *[]string:
		*p = ParseTags(v)
	case *int:
		*p, _ = strconv.Atoi(v)
	default:
		panic(fmt.Sprintf("fieldset: column %s has type %T", name, p))
	}
}

// timeField returns a pointer to the time of standard datetime field name,
// or nil.
func timeField(t *core.Ticket, name string) *time.Time {
	if c := column[name]; c != nil {
		if p, ok := c.Ptr(t).(*time.Time); ok {
			return p
		}
	}
	return nil
}
