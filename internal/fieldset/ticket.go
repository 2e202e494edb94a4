package fieldset

import (
	"fmt"
	"slices"
	"strconv"
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

// FieldOf returns the field name that key stands for: a raw value kept
// beside a field (its label + RawSuffix, "联系电话（原值）") stands for the
// field; any other key for itself.
func (s *Set) FieldOf(key string) string {
	if label, ok := strings.CutSuffix(key, RawSuffix); ok {
		if f := s.Lookup(label); f != nil {
			return f.Name
		}
	}
	return key
}

// MaxTextLen caps a single value, in bytes; longer values are invalid.
const MaxTextLen = 1 << 20

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
// Datetimes are read by ParseDateTime; see TicketValuesIn.
func (s *Set) TicketValues(vals []string) (core.Ticket, []Problem) {
	return s.TicketValuesIn(vals, nil)
}

// TicketValuesIn is TicketValues with the datetime of field i read by
// forms[i] (a declared format and zone); a nil forms or entry reads by
// ParseDateTime.
func (s *Set) TicketValuesIn(vals []string, forms []*DateForm) (core.Ticket, []Problem) {
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
		var form *DateForm
		if i < len(forms) {
			form = forms[i]
		}
		if !IsColumn(f.Name) {
			norm, err := f.normalize(v, form)
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
			tm, err := form.Parse(v)
			if err != nil {
				problem(f, err.Error())
				keepRaw(f, v)
				continue
			}
			*timeField(&t, f.Name) = tm
		case TypeFloat:
			x, err := ParseFloat(v, f.Format)
			if err != nil {
				problem(f, err.Error())
				keepRaw(f, v)
				continue
			}
			*column[f.Name].Ptr(&t).(**float64) = &x
		case TypeInt:
			n, err := f.parseInt(v)
			if err == nil && (n < 0 || n > 1<<31-1) {
				err = ErrRange
			}
			if err != nil {
				problem(f, err.Error())
				keepRaw(f, v)
				continue
			}
			*column[f.Name].Ptr(&t).(*int) = int(n)
		case TypeBool:
			b, err := ParseBool(v)
			if err != nil {
				problem(f, err.Error())
				keepRaw(f, v)
				continue
			}
			*column[f.Name].Ptr(&t).(**bool) = &b
		case TypeTags:
			p := column[f.Name].Ptr(&t).(*[]string)
			*p = append(*p, ParseTags(v)...)
		case TypeEnum:
			e, err := f.ParseEnum(v)
			if err != nil {
				problem(f, err.Error())
				keepRaw(f, v)
				continue
			}
			SetText(&t, f.Name, e)
		default:
			norm, err := f.Normalize(v)
			if err != nil {
				problem(f, err.Error())
				if f.OnInvalid == OnInvalidReject {
					continue
				}
				norm = v
			}
			SetText(&t, f.Name, norm)
		}
	}
	// Cross-field order of times.
	for _, f := range s.Fields {
		other, ok := strings.CutPrefix(f.Format, ">=")
		if f.Type != TypeDateTime || !ok {
			continue
		}
		a, b := timeOf(&t, f.Name), timeOf(&t, other)
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

// timeOf returns the valid time of datetime field name in t, or zero.
func timeOf(t *core.Ticket, name string) time.Time {
	if p := timeField(t, name); p != nil {
		return *p
	}
	if IsColumn(name) {
		return time.Time{}
	}
	// A field beyond the standard ones, kept normalised in Extra.
	v := t.Extra[name]
	if v == "" {
		return time.Time{} // no value: no failed parse, which allocates its error
	}
	tm, err := time.ParseInLocation(DateTimeLayout, v, core.StreetTime)
	if err != nil {
		return time.Time{}
	}
	return tm
}

// Normalize validates one non-empty value of f and returns its normalised
// text form (what Values would give back), or an error whose text is a
// Chinese reason.
func (f *Field) Normalize(v string) (string, error) { return f.normalize(v, nil) }

// normalize is Normalize with a datetime read by form.
func (f *Field) normalize(v string, form *DateForm) (string, error) {
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
		t, err := form.Parse(v)
		if err != nil {
			return "", err
		}
		return FormatDateTime(t), nil
	case TypeDate:
		t, err := form.Parse(v)
		if err != nil {
			return "", err
		}
		return FormatDate(t), nil
	case TypePhone:
		return ParsePhone(v)
	case TypeIDCard:
		return ParseIDCard(v)
	case TypeUSCC:
		return ParseUSCC(v)
	case TypeEnum:
		return f.ParseEnum(v)
	case TypeFloat:
		x, err := ParseFloat(v, f.Format)
		if err != nil {
			return "", err
		}
		return FormatFloat(x), nil
	case TypeInt:
		n, err := f.parseInt(v)
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

// parseInt reads a whole number within f's range "min..max", if any.
func (f *Field) parseInt(v string) (int64, error) {
	n, err := ParseInt(v)
	if err != nil {
		return 0, err
	}
	if f.Format != "" {
		if _, err := ParseFloat(strconv.FormatInt(n, 10), f.Format); err != nil {
			return 0, ErrRange
		}
	}
	return n, nil
}

// Values returns the text form of t's value for each field of s.Fields, in
// order: the inverse of TicketValues for valid tickets. Datetimes are
// FormatDateTime, booleans 是/否, tags joined by 、; fields beyond the
// standard ones come from Extra by name.
func (s *Set) Values(t *core.Ticket) []string {
	out := make([]string, len(s.Fields))
	for i, f := range s.Fields {
		out[i] = Text(t, f.Name)
	}
	return out
}
