package open311

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Limits of a POSTed service request.
const (
	MaxDescriptionRunes = 4000 // the schema's maxLength of description
	MaxValueRunes       = 500  // any other value
	MaxAttributes       = 50
	MaxIDs              = 200 // ids of one GET requests
)

// Create is a POSTed service request, as the client sent it. Personal
// data (Email, DeviceID, AccountID, FirstName, LastName, Phone) is the
// caller's: kept with the ticket, never answered.
type Create struct {
	JurisdictionID string
	ServiceCode    string
	Lat, Long      *float64
	AddressString  string
	AddressID      string
	Email          string
	DeviceID       string
	AccountID      string
	FirstName      string
	LastName       string
	Phone          string
	Description    string
	MediaURL       string
	// Attributes are the attribute[code] (one value) and
	// attribute[code][] (any number) values, by code, in the order sent.
	Attributes map[string][]string
	// Multi says which codes came as attribute[code][].
	Multi map[string]bool
}

var createFields = []string{"jurisdiction_id", "api_key", "service_code", "lat", "long", "address_string", "address_id",
	"email", "device_id", "account_id", "first_name", "last_name", "phone", "description", "media_url"}

// ParseCreate reads the form of POST requests. It refuses (400) a missing
// service_code, a location that is neither lat and long nor
// address_string nor address_id, a coordinate out of range, a value that
// is not UTF-8 or too long, a media_url that is not http(s), a malformed
// attribute key and a code sent both as attribute[code] and
// attribute[code][]. Other fields are ignored.
func ParseCreate(form url.Values) (Create, error) {
	var c Create
	one := func(k string) (string, error) {
		vs := form[k]
		if len(vs) == 0 {
			return "", nil
		}
		if len(vs) > 1 {
			return "", Errorf(http.StatusBadRequest, "%s given %d times", k, len(vs))
		}
		return checkValue(k, vs[0])
	}
	vals := make(map[string]string, len(createFields))
	for _, k := range createFields {
		v, err := one(k)
		if err != nil {
			return Create{}, err
		}
		vals[k] = v
	}
	c.JurisdictionID, c.ServiceCode = vals["jurisdiction_id"], vals["service_code"]
	c.AddressString, c.AddressID = vals["address_string"], vals["address_id"]
	c.Email, c.DeviceID, c.AccountID = vals["email"], vals["device_id"], vals["account_id"]
	c.FirstName, c.LastName, c.Phone = vals["first_name"], vals["last_name"], vals["phone"]
	c.Description, c.MediaURL = vals["description"], vals["media_url"]
	if c.ServiceCode == "" {
		return Create{}, Errorf(http.StatusBadRequest, "service_code is required")
	}
	var err error
	if c.Lat, err = coordinate("lat", vals["lat"], 90); err != nil {
		return Create{}, err
	}
	if c.Long, err = coordinate("long", vals["long"], 180); err != nil {
		return Create{}, err
	}
	switch {
	case (c.Lat == nil) != (c.Long == nil):
		return Create{}, Errorf(http.StatusBadRequest, "lat and long must be given together")
	case c.Lat == nil && c.AddressString == "" && c.AddressID == "":
		return Create{}, Errorf(http.StatusBadRequest, "a location is required: lat and long, address_string or address_id")
	}
	if c.MediaURL != "" {
		u, err := url.Parse(c.MediaURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return Create{}, Errorf(http.StatusBadRequest, "media_url must be an http or https URL")
		}
	}
	for k, vs := range form {
		if !strings.HasPrefix(k, "attribute[") {
			continue
		}
		code, multi, ok := attributeKey(k)
		if !ok {
			return Create{}, Errorf(http.StatusBadRequest, "malformed attribute key %q: use attribute[code] or attribute[code][]", clip(k))
		}
		if c.Attributes == nil {
			c.Attributes, c.Multi = map[string][]string{}, map[string]bool{}
		}
		if _, seen := c.Attributes[code]; seen {
			return Create{}, Errorf(http.StatusBadRequest, "attribute %q given both as attribute[%s] and attribute[%s][]", code, code, code)
		}
		if !multi && len(vs) > 1 {
			return Create{}, Errorf(http.StatusBadRequest, "attribute[%s] given %d times: a list is attribute[%s][]", code, len(vs), code)
		}
		if len(c.Attributes) == MaxAttributes {
			return Create{}, Errorf(http.StatusBadRequest, "more than %d attributes", MaxAttributes)
		}
		out := make([]string, 0, len(vs))
		for _, v := range vs {
			v, err := checkValue("attribute["+code+"]", v)
			if err != nil {
				return Create{}, err
			}
			if v != "" {
				out = append(out, v)
			}
		}
		c.Attributes[code], c.Multi[code] = out, multi
	}
	return c, nil
}

// attributeKey splits "attribute[code]" and "attribute[code][]".
func attributeKey(k string) (code string, multi bool, ok bool) {
	rest := strings.TrimPrefix(k, "attribute[")
	if multi = strings.HasSuffix(rest, "][]"); multi {
		rest = strings.TrimSuffix(rest, "[]")
	}
	code, ok = strings.CutSuffix(rest, "]")
	if !ok || code == "" || strings.ContainsAny(code, "[]") || utf8.RuneCountInString(code) > 100 || !utf8.ValidString(code) {
		return "", false, false
	}
	return code, multi, true
}

func checkValue(k, v string) (string, error) {
	if !utf8.ValidString(v) {
		return "", Errorf(http.StatusBadRequest, "%s is not valid UTF-8", clip(k))
	}
	v = strings.TrimSpace(v)
	limit := MaxValueRunes
	if k == "description" {
		limit = MaxDescriptionRunes
	}
	if n := utf8.RuneCountInString(v); n > limit {
		return "", Errorf(http.StatusBadRequest, "%s is too long: %d characters, at most %d", clip(k), n, limit)
	}
	return v, nil
}

func coordinate(k, v string, limit float64) (*float64, error) {
	if v == "" {
		return nil, nil
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f != f || f < -limit || f > limit {
		return nil, Errorf(http.StatusBadRequest, "%s must be a number between -%g and %g", k, limit, limit)
	}
	return &f, nil
}

// clip shortens a client's key for an error message.
func clip(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "?")
	}
	if r := []rune(s); len(r) > 60 {
		return string(r[:60]) + "…"
	}
	return s
}

// CheckAttributes checks a request's attributes against the service's
// definition: every required variable attribute given, a list value among
// its keys, a number a number, a datetime RFC 3339, one value for all but
// a multivaluelist. Codes the definition does not name are kept (clients
// such as FixMyStreet send their own, e.g. its report id) and not
// checked.
func CheckAttributes(d Definition, attrs map[string][]string) error {
	for _, a := range d.Attributes {
		if !a.Variable {
			continue
		}
		vs := attrs[a.Code]
		if len(vs) == 0 {
			if a.Required {
				return Errorf(http.StatusBadRequest, "attribute[%s] is required", a.Code)
			}
			continue
		}
		if len(vs) > 1 && a.Datatype != DatatypeMultiValueList {
			return Errorf(http.StatusBadRequest, "attribute[%s] takes one value", a.Code)
		}
		for _, v := range vs {
			switch a.Datatype {
			case DatatypeNumber:
				if _, err := strconv.ParseFloat(v, 64); err != nil {
					return Errorf(http.StatusBadRequest, "attribute[%s] must be a number", a.Code)
				}
			case DatatypeDatetime:
				if _, err := time.Parse(time.RFC3339, v); err != nil {
					return Errorf(http.StatusBadRequest, "attribute[%s] must be a date and time (RFC 3339)", a.Code)
				}
			case DatatypeSingleValueList, DatatypeMultiValueList:
				if !slices.ContainsFunc(a.Values, func(x Value) bool { return x.Key == v }) {
					return Errorf(http.StatusBadRequest, "attribute[%s]: a value is not one of its keys", a.Code)
				}
			}
		}
	}
	return nil
}

// The default window of GET requests.
const (
	WindowDays      = 90
	DefaultPageSize = 1000
)

// Filter is a GET requests query. IDs, when given, override every other
// filter (as the specification says). From <= requested < To.
type Filter struct {
	IDs          []string
	ServiceCodes []string
	From, To     time.Time
	// Statuses are StatusOpen and/or StatusClosed; empty is both.
	Statuses []string
	Page     int // 1 is the first
	PageSize int
}

// ParseFilter reads the query of GET requests at now. Without dates the
// window is the 90 days up to now; with one date, 90 days from or up to
// it; two dates may not span more than 90 days. Dates are RFC 3339 or
// YYYY-MM-DD (midnight in loc; an end date includes its day). page (from
// 1) and page_size (1..1000, default 1000) page through the requests,
// newest first.
func ParseFilter(q url.Values, now time.Time, loc *time.Location) (Filter, error) {
	f := Filter{Page: 1, PageSize: DefaultPageSize}
	for _, k := range []string{"service_request_id", "service_code", "start_date", "end_date", "status", "page", "page_size"} {
		if len(q[k]) > 1 {
			return Filter{}, Errorf(http.StatusBadRequest, "%s given %d times", k, len(q[k]))
		}
		if !utf8.ValidString(q.Get(k)) {
			return Filter{}, Errorf(http.StatusBadRequest, "%s is not valid UTF-8", k)
		}
	}
	f.IDs = list(q.Get("service_request_id"))
	if len(f.IDs) > MaxIDs {
		return Filter{}, Errorf(http.StatusBadRequest, "at most %d service_request_id values", MaxIDs)
	}
	f.ServiceCodes = list(q.Get("service_code"))
	for _, s := range list(q.Get("status")) {
		if s != StatusOpen && s != StatusClosed {
			return Filter{}, Errorf(http.StatusBadRequest, "status must be open or closed, not %q", clip(s))
		}
		if !slices.Contains(f.Statuses, s) {
			f.Statuses = append(f.Statuses, s)
		}
	}
	var err error
	if f.Page, err = positive(q.Get("page"), "page", 1, 1<<20); err != nil {
		return Filter{}, err
	}
	if f.PageSize, err = positive(q.Get("page_size"), "page_size", DefaultPageSize, DefaultPageSize); err != nil {
		return Filter{}, err
	}
	start, err := date(q.Get("start_date"), "start_date", loc, false)
	if err != nil {
		return Filter{}, err
	}
	end, err := date(q.Get("end_date"), "end_date", loc, true)
	if err != nil {
		return Filter{}, err
	}
	window := WindowDays * 24 * time.Hour
	switch {
	case start.IsZero() && end.IsZero():
		f.To, f.From = now.Add(time.Second), now.Add(-window)
	case end.IsZero():
		f.From, f.To = start, start.Add(window)
	case start.IsZero():
		f.From, f.To = end.Add(-window), end
	default:
		f.From, f.To = start, end
	}
	if !f.From.Before(f.To) {
		return Filter{}, Errorf(http.StatusBadRequest, "start_date must be before end_date")
	}
	if f.To.Sub(f.From) > window+time.Second {
		return Filter{}, Errorf(http.StatusBadRequest, "start_date and end_date may not span more than %d days", WindowDays)
	}
	return f, nil
}

func list(v string) []string {
	var out []string
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func positive(v, k string, def, max int) (int, error) {
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > max {
		return 0, Errorf(http.StatusBadRequest, "%s must be a whole number from 1 to %d", k, max)
	}
	return n, nil
}

// date reads an RFC 3339 time or a day; an end day is the next midnight.
func date(v, k string, loc *time.Location, end bool) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		if end {
			t = t.Add(time.Nanosecond) // the end is inclusive
		}
		return t, nil
	}
	d, err := time.ParseInLocation(time.DateOnly, v, loc)
	if err != nil {
		return time.Time{}, Errorf(http.StatusBadRequest, "%s must be a date and time (RFC 3339, e.g. 2025-01-31T08:00:00+08:00) or a date (2025-01-31)", k)
	}
	if end {
		d = d.AddDate(0, 0, 1)
	}
	return d, nil
}
