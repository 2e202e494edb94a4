// Package open311 is the wire format of the Open311 GeoReport v2 API
// (http://wiki.open311.org/GeoReport_v2/): the documents a server answers
// (discovery, services, service definitions, service requests, tokens,
// errors) in XML, which the specification requires, and JSON, with the
// specification's element names; the form-encoded POST of a service
// request with its attribute[code] and attribute[code][] values; the
// filters of GET requests with the specification's default window (90
// days, at most 1,000 requests) and the widely used page/page_size
// extension; and the street's service list (the open311 setting, CSV).
//
// The package is pure: it knows no store and no ticket. Package casework
// maps tickets to requests and back.
package open311

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"time"
)

// Formats of a response, by the extension of the path.
const (
	XML  = "xml"
	JSON = "json"
)

// ContentType is the media type of format.
func ContentType(format string) string {
	if format == JSON {
		return "application/json; charset=utf-8"
	}
	return "text/xml; charset=utf-8"
}

// SplitFormat splits the last path segment "name.xml" or "name.json" into
// its name and format; ok is false for another or no extension.
func SplitFormat(segment string) (name, format string, ok bool) {
	i := strings.LastIndexByte(segment, '.')
	if i < 0 {
		return "", "", false
	}
	name, format = segment[:i], segment[i+1:]
	if format != XML && format != JSON {
		return "", "", false
	}
	return name, format, true
}

// Service types.
const (
	TypeRealtime = "realtime"
	TypeBatch    = "batch"
	TypeBlackbox = "blackbox"
)

// Service is one entry of GET services.
type Service struct {
	XMLName     xml.Name `xml:"service" json:"-"`
	ServiceCode string   `xml:"service_code" json:"service_code"`
	ServiceName string   `xml:"service_name" json:"service_name"`
	Description string   `xml:"description" json:"description"`
	Metadata    bool     `xml:"metadata" json:"metadata"`
	Type        string   `xml:"type" json:"type"`
	Keywords    string   `xml:"keywords" json:"keywords"`
	Group       string   `xml:"group" json:"group"`
}

// Services is the document of GET services: <services><service>….
type Services struct {
	XMLName  xml.Name  `xml:"services"`
	Services []Service `xml:"service"`
}

// Attribute data types.
const (
	DatatypeString          = "string"
	DatatypeNumber          = "number"
	DatatypeDatetime        = "datetime"
	DatatypeText            = "text"
	DatatypeSingleValueList = "singlevaluelist"
	DatatypeMultiValueList  = "multivaluelist"
)

// Datatypes lists the attribute data types of the specification.
var Datatypes = []string{DatatypeString, DatatypeNumber, DatatypeDatetime, DatatypeText, DatatypeSingleValueList, DatatypeMultiValueList}

// Value is one choice of a list attribute.
type Value struct {
	Key  string `xml:"key" json:"key"`
	Name string `xml:"name" json:"name"`
}

// Attribute is one field of a service definition.
type Attribute struct {
	Variable            bool    `xml:"variable" json:"variable"`
	Code                string  `xml:"code" json:"code"`
	Datatype            string  `xml:"datatype" json:"datatype"`
	Required            bool    `xml:"required" json:"required"`
	DatatypeDescription string  `xml:"datatype_description" json:"datatype_description"`
	Order               int     `xml:"order" json:"order"`
	Description         string  `xml:"description" json:"description"`
	Values              []Value `xml:"values>value" json:"values,omitempty"`
}

// Definition is the document of GET services/{code}:
// <service_definition>.
type Definition struct {
	ServiceCode string      `json:"service_code"`
	Attributes  []Attribute `json:"attributes"`
}

// MarshalXML writes <service_definition> with its <attributes> element
// also when there are none (the element is required).
func (d Definition) MarshalXML(e *xml.Encoder, _ xml.StartElement) error {
	type attributes struct {
		Attribute []Attribute `xml:"attribute"`
	}
	return e.EncodeElement(struct {
		ServiceCode string     `xml:"service_code"`
		Attributes  attributes `xml:"attributes"`
	}{d.ServiceCode, attributes{d.Attributes}}, xml.StartElement{Name: xml.Name{Local: "service_definition"}})
}

// Status values of a request.
const (
	StatusOpen   = "open"
	StatusClosed = "closed"
)

// Request is one service request of GET requests and GET requests/{id}.
// Times are RFC 3339 with the offset of the street's time zone; lat and
// long are nil when not known.
type Request struct {
	XMLName           xml.Name `xml:"request" json:"-"`
	ServiceRequestID  string   `xml:"service_request_id" json:"service_request_id"`
	Status            string   `xml:"status" json:"status"`
	StatusNotes       string   `xml:"status_notes,omitempty" json:"status_notes,omitempty"`
	ServiceName       string   `xml:"service_name,omitempty" json:"service_name,omitempty"`
	ServiceCode       string   `xml:"service_code" json:"service_code"`
	Description       string   `xml:"description,omitempty" json:"description,omitempty"`
	AgencyResponsible string   `xml:"agency_responsible,omitempty" json:"agency_responsible,omitempty"`
	ServiceNotice     string   `xml:"service_notice,omitempty" json:"service_notice,omitempty"`
	RequestedDatetime string   `xml:"requested_datetime" json:"requested_datetime"`
	UpdatedDatetime   string   `xml:"updated_datetime,omitempty" json:"updated_datetime,omitempty"`
	ExpectedDatetime  string   `xml:"expected_datetime,omitempty" json:"expected_datetime,omitempty"`
	Address           string   `xml:"address,omitempty" json:"address,omitempty"`
	AddressID         string   `xml:"address_id,omitempty" json:"address_id,omitempty"`
	Zipcode           string   `xml:"zipcode,omitempty" json:"zipcode,omitempty"`
	Lat               *float64 `xml:"lat,omitempty" json:"lat,omitempty"`
	Long              *float64 `xml:"long,omitempty" json:"long,omitempty"`
	MediaURL          string   `xml:"media_url,omitempty" json:"media_url,omitempty"`
}

// Requests is the document of GET requests: <service_requests><request>….
type Requests struct {
	XMLName  xml.Name  `xml:"service_requests"`
	Requests []Request `xml:"request"`
}

// Created is one entry of the answer to POST requests: the id of the
// request created (or a token to ask for it later) and what to expect.
type Created struct {
	XMLName          xml.Name `xml:"request" json:"-"`
	ServiceRequestID string   `xml:"service_request_id,omitempty" json:"service_request_id,omitempty"`
	Token            string   `xml:"token,omitempty" json:"token,omitempty"`
	ServiceNotice    string   `xml:"service_notice,omitempty" json:"service_notice,omitempty"`
	AccountID        string   `xml:"account_id,omitempty" json:"account_id,omitempty"`
}

// CreatedList is the document of POST requests:
// <service_requests><request>….
type CreatedList struct {
	XMLName  xml.Name  `xml:"service_requests"`
	Requests []Created `xml:"request"`
}

// Token is the answer of GET tokens/{token}: the request's id once it
// exists (empty before).
type Token struct {
	XMLName          xml.Name `xml:"request" json:"-"`
	ServiceRequestID string   `xml:"service_request_id,omitempty" json:"service_request_id,omitempty"`
	Token            string   `xml:"token" json:"token"`
}

// Tokens is the document of GET tokens/{token}:
// <service_requests><request>….
type Tokens struct {
	XMLName  xml.Name `xml:"service_requests"`
	Requests []Token  `xml:"request"`
}

// Error is one error of an error response: the HTTP status code and a
// description.
type Error struct {
	XMLName     xml.Name `xml:"error" json:"-"`
	Code        int      `xml:"code" json:"code"`
	Description string   `xml:"description" json:"description"`
}

func (e *Error) Error() string { return fmt.Sprintf("%d: %s", e.Code, e.Description) }

// Errorf returns an error of HTTP status code.
func Errorf(code int, format string, args ...any) *Error {
	return &Error{Code: code, Description: fmt.Sprintf(format, args...)}
}

// Errors is the document of an error response: <errors><error>….
type Errors struct {
	XMLName xml.Name `xml:"errors"`
	Errors  []Error  `xml:"error"`
}

// Endpoint is one endpoint of a discovery document.
type Endpoint struct {
	Specification string   `xml:"specification" json:"specification"`
	URL           string   `xml:"url" json:"url"`
	Changeset     string   `xml:"changeset" json:"changeset"`
	Type          string   `xml:"type" json:"type"`
	Formats       []string `xml:"formats>format" json:"formats"`
}

// Discovery is the service discovery document.
type Discovery struct {
	XMLName    xml.Name   `xml:"discovery" json:"-"`
	Changeset  string     `xml:"changeset" json:"changeset"`
	Contact    string     `xml:"contact" json:"contact"`
	KeyService string     `xml:"key_service" json:"key_service"`
	Endpoints  []Endpoint `xml:"endpoints>endpoint" json:"endpoints"`
}

// Specification is the URL that names GeoReport v2 in discovery.
const Specification = "http://wiki.open311.org/GeoReport_v2"

// Encode writes document v in format. A list document (Services,
// Requests, CreatedList, Tokens, Errors) is a JSON array of its entries,
// as the specification's JSON examples are; the others are JSON objects.
func Encode(w io.Writer, format string, v any) error {
	if format == JSON {
		var list any
		switch d := v.(type) {
		case Services:
			list = nonNil(d.Services)
		case Requests:
			list = nonNil(d.Requests)
		case CreatedList:
			list = nonNil(d.Requests)
		case Tokens:
			list = nonNil(d.Requests)
		case Errors:
			list = nonNil(d.Errors)
		case Definition:
			d.Attributes = nonNil(d.Attributes)
			list = d
		default:
			list = v
		}
		return json.NewEncoder(w).Encode(list)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	if err := enc.Encode(v); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// Time formats t as the specification's times: RFC 3339 with the offset
// of loc (the street's time zone), to the second; "" for a zero time.
func Time(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	return t.In(loc).Format(time.RFC3339)
}
