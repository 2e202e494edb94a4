package web

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"jiceng/internal/core"
)

// maskValue is the interim masking policy, in one function so that the
// masking dictionary (de-identification) can replace it: for every role
// except admin and staff, the personal and sensitive fields of the field set
// are masked — caller_name, caller_phone, caller_id and address.
//
// Free text (content, reply) is shown as is for now: finding names, phones
// and addresses inside text needs the recognizers that come with
// de-identification.
func maskValue(role, field, value string) string {
	if value == "" || role == core.RoleAdmin || role == core.RoleStaff {
		return value
	}
	switch field {
	case "caller_name":
		return maskName(value)
	case "caller_phone":
		return maskPhone(value)
	case "caller_id":
		return maskIDNumber(value)
	case "address":
		return maskAddress(value)
	}
	return value
}

// maskTicket applies maskValue to every field of t.
func maskTicket(t core.Ticket, role string) core.Ticket {
	t.CallerName = maskValue(role, "caller_name", t.CallerName)
	t.CallerPhone = maskValue(role, "caller_phone", t.CallerPhone)
	t.CallerID = maskValue(role, "caller_id", t.CallerID)
	t.Address = maskValue(role, "address", t.Address)
	return t
}

// maskEvent applies maskValue to the before and after values of e's
// changes; a history must not reveal what the ticket hides.
func maskEvent(e core.Event, role string) core.Event {
	changes := make([]core.Change, len(e.Changes))
	for i, c := range e.Changes {
		c.Before = maskValue(role, c.Field, c.Before)
		c.After = maskValue(role, c.Field, c.After)
		changes[i] = c
	}
	e.Changes = changes
	return e
}

// maskName keeps the family name: 张三丰 → 张**. The number of stars is
// fixed so that the length of the name is not revealed.
func maskName(v string) string {
	r, _ := utf8.DecodeRuneInString(strings.TrimSpace(v))
	if r == utf8.RuneError {
		return "**"
	}
	return string(r) + "**"
}

// maskPhone keeps the first three and the last four digits of a number of
// at least 11 digits (13812345678 → 138****5678) and only the last two of
// a shorter one (landlines without area code, extensions).
func maskPhone(v string) string {
	var digits []rune
	for _, r := range v {
		if unicode.IsDigit(r) {
			digits = append(digits, r)
		}
	}
	n := len(digits)
	switch {
	case n >= 11:
		return string(digits[:3]) + "****" + string(digits[n-4:])
	case n >= 4:
		return strings.Repeat("*", n-2) + string(digits[n-2:])
	default:
		return "****"
	}
}

// maskIDNumber keeps the region (first six) and the last four characters
// of a resident ID number: 110101********1234.
func maskIDNumber(v string) string {
	r := []rune(strings.TrimSpace(v))
	if len(r) < 15 {
		return "********"
	}
	return string(r[:6]) + strings.Repeat("*", len(r)-10) + string(r[len(r)-4:])
}

// addressMarkers end the part of an address that names a residential
// compound or a road; what follows (building, unit, room) is masked.
var addressMarkers = []string{"小区", "花园", "家园", "公寓", "大厦", "新村", "苑", "院", "胡同", "大街", "大道", "路", "街", "巷", "里"}

// maskAddress keeps an address up to the compound or road and masks the
// rest: 朝阳区幸福小区5号楼2单元301 → 朝阳区幸福小区***. It cuts before the
// first digit; without digits, after the last compound or road marker;
// without either, after half the address.
func maskAddress(v string) string {
	r := []rune(strings.TrimSpace(v))
	cut := -1
	for i, c := range r {
		if unicode.IsDigit(c) {
			cut = i
			break
		}
	}
	if cut < 0 {
		s := string(r)
		best := -1
		for _, m := range addressMarkers {
			i := strings.LastIndex(s, m)
			// 街道 names the street office, not a road.
			if m == "街" && i >= 0 && strings.HasPrefix(s[i:], "街道") {
				continue
			}
			if i >= 0 && i+len(m) > best {
				best = i + len(m)
			}
		}
		if best >= 0 {
			cut = utf8.RuneCountInString(s[:best])
		}
	}
	if cut < 0 || cut >= len(r) {
		cut = len(r) / 2
	}
	return string(r[:cut]) + "***"
}
