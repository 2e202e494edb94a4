// Package open311test validates Open311 documents against the GeoReport v2
// JSON Schemas kept in internal/open311/testdata/schema, for the tests of
// package open311 and of the web server. It implements the keywords those
// schemas use (type, required, properties, items, enum, anyOf, $ref to a
// sibling file, format date-time and uri, maxLength, minItems,
// uniqueItems, description) and refuses a schema with any other keyword,
// so that a schema it cannot check is never passed silently. It is
// stricter than JSON Schema in one way: a property or element that a
// schema's properties do not list is an error, so that a misspelt element
// name is caught.
//
// XML documents are checked by decoding them into the same structure the
// JSON would have, guided by the schema: an object is an element whose
// children are its properties, an array is a wrapper element whose
// children (of one name, e.g. <services><service>) are its items, and a
// scalar is an element's text, read as the schema's type.
package open311test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Schemas are the schema files of a directory, by file name.
type Schemas struct {
	files map[string]map[string]any
}

// Load reads every .json file of dir.
func Load(dir string) (*Schemas, error) {
	names, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil || len(names) == 0 {
		return nil, fmt.Errorf("no schemas in %s: %v", dir, err)
	}
	s := &Schemas{files: map[string]map[string]any{}}
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			return nil, err
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("%s: %w", n, err)
		}
		if err := checkKeywords(m, filepath.Base(n)); err != nil {
			return nil, err
		}
		s.files[filepath.Base(n)] = m
	}
	return s, nil
}

var keywords = []string{"type", "required", "properties", "items", "enum", "anyOf", "$ref", "format", "maxLength",
	"minItems", "uniqueItems", "description"}

func checkKeywords(m map[string]any, at string) error {
	for k, v := range m {
		if !slices.Contains(keywords, k) {
			return fmt.Errorf("%s: schema keyword %q is not implemented", at, k)
		}
		switch k {
		case "properties":
			for p, sub := range v.(map[string]any) {
				if err := checkKeywords(sub.(map[string]any), at+"/"+p); err != nil {
					return err
				}
			}
		case "items":
			if err := checkKeywords(v.(map[string]any), at+"/items"); err != nil {
				return err
			}
		case "anyOf":
			for _, sub := range v.([]any) {
				if err := checkKeywords(sub.(map[string]any), at+"/anyOf"); err != nil {
					return err
				}
			}
		case "format":
			if f := v.(string); f != "date-time" && f != "uri" {
				return fmt.Errorf("%s: format %q is not implemented", at, f)
			}
		}
	}
	return nil
}

// ValidateJSON validates a JSON document against schema file name.
func (s *Schemas) ValidateJSON(name string, doc []byte) error {
	sc, ok := s.files[name]
	if !ok {
		return fmt.Errorf("no schema %s", name)
	}
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return fmt.Errorf("not JSON: %w", err)
	}
	if dec.More() {
		return fmt.Errorf("more than one JSON value")
	}
	return s.validate(sc, v, "$")
}

func (s *Schemas) resolve(sc map[string]any) (map[string]any, error) {
	for {
		ref, ok := sc["$ref"].(string)
		if !ok {
			return sc, nil
		}
		next, ok := s.files[ref]
		if !ok {
			return nil, fmt.Errorf("$ref %q: no such schema", ref)
		}
		// Keywords beside $ref are ignored, as draft 4 says (the list
		// schemas put minItems and uniqueItems there).
		sc = next
	}
}

func (s *Schemas) validate(sc map[string]any, v any, at string) error {
	sc, err := s.resolve(sc)
	if err != nil {
		return err
	}
	if t, ok := sc["type"].(string); ok && !isType(v, t) {
		return fmt.Errorf("%s: %s, want %s", at, kind(v), t)
	}
	if alts, ok := sc["anyOf"].([]any); ok {
		var errs []string
		for _, a := range alts {
			err := s.validate(a.(map[string]any), v, at)
			if err == nil {
				errs = nil
				break
			}
			errs = append(errs, err.Error())
		}
		if errs != nil {
			return fmt.Errorf("%s: none of anyOf: %s", at, strings.Join(errs, "; "))
		}
	}
	if enum, ok := sc["enum"].([]any); ok && !slices.ContainsFunc(enum, func(e any) bool { return fmt.Sprint(e) == fmt.Sprint(v) }) {
		return fmt.Errorf("%s: %v is not one of %v", at, v, enum)
	}
	if str, ok := v.(string); ok {
		if n, ok := sc["maxLength"].(float64); ok && utf8.RuneCountInString(str) > int(n) {
			return fmt.Errorf("%s: %d characters, at most %v", at, utf8.RuneCountInString(str), n)
		}
		switch sc["format"] {
		case "date-time":
			if _, err := time.Parse(time.RFC3339, str); err != nil {
				return fmt.Errorf("%s: %q is not an RFC 3339 date-time", at, str)
			}
		case "uri":
			if u, err := url.Parse(str); err != nil || u.Scheme == "" {
				return fmt.Errorf("%s: %q is not an absolute URI", at, str)
			}
		}
	}
	if obj, ok := v.(map[string]any); ok {
		for _, r := range asList(sc["required"]) {
			if _, ok := obj[r.(string)]; !ok {
				return fmt.Errorf("%s: %q is required", at, r)
			}
		}
		if props, ok := sc["properties"].(map[string]any); ok {
			for k, pv := range obj {
				p, ok := props[k]
				if !ok {
					return fmt.Errorf("%s: property %q is not in the schema", at, k)
				}
				if err := s.validate(p.(map[string]any), pv, at+"."+k); err != nil {
					return err
				}
			}
		}
	}
	if arr, ok := v.([]any); ok {
		if n, ok := sc["minItems"].(float64); ok && len(arr) < int(n) {
			return fmt.Errorf("%s: %d items, at least %v", at, len(arr), n)
		}
		if items, ok := sc["items"].(map[string]any); ok {
			for i, it := range arr {
				if err := s.validate(items, it, fmt.Sprintf("%s[%d]", at, i)); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}

func isType(v any, t string) bool {
	switch t {
	case "string":
		_, ok := v.(string)
		return ok
	case "number":
		_, ok := v.(json.Number)
		return ok
	case "integer":
		n, ok := v.(json.Number)
		if !ok {
			return false
		}
		_, err := strconv.ParseInt(string(n), 10, 64)
		return err == nil
	case "boolean":
		_, ok := v.(bool)
		return ok
	case "array":
		_, ok := v.([]any)
		return ok
	case "object":
		_, ok := v.(map[string]any)
		return ok
	case "null":
		return v == nil
	}
	return false
}

func kind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "string"
	case json.Number:
		return "number"
	case bool:
		return "boolean"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

// node is an XML element.
type node struct {
	name     string
	text     string
	children []*node
}

func parseXML(doc []byte) (*node, error) {
	dec := xml.NewDecoder(bytes.NewReader(doc))
	var stack []*node
	var root *node
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("not XML: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if len(t.Attr) > 0 {
				return nil, fmt.Errorf("element <%s> has attributes: GeoReport v2 uses none", t.Name.Local)
			}
			n := &node{name: t.Name.Local}
			if len(stack) > 0 {
				p := stack[len(stack)-1]
				p.children = append(p.children, n)
			} else if root != nil {
				return nil, fmt.Errorf("more than one root element")
			} else {
				root = n
			}
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].text += string(t)
			} else if strings.TrimSpace(string(t)) != "" {
				return nil, fmt.Errorf("text outside the root element")
			}
		}
	}
	if root == nil {
		return nil, fmt.Errorf("no root element")
	}
	return root, nil
}

// The element names of the items of each list element of GeoReport v2.
var itemNames = map[string]string{"services": "service", "service_requests": "request", "errors": "error",
	"attributes": "attribute", "values": "value", "endpoints": "endpoint", "formats": "format"}

// ValidateXML decodes an XML document into the structure the schema
// describes, checking that its root element is root, and validates it.
func (s *Schemas) ValidateXML(name, root string, doc []byte) error {
	sc, ok := s.files[name]
	if !ok {
		return fmt.Errorf("no schema %s", name)
	}
	if !bytes.HasPrefix(doc, []byte(`<?xml version="1.0" encoding="UTF-8"?>`)) {
		return fmt.Errorf("no XML declaration with UTF-8")
	}
	n, err := parseXML(doc)
	if err != nil {
		return err
	}
	if n.name != root {
		return fmt.Errorf("root element <%s>, want <%s>", n.name, root)
	}
	v, err := s.fromXML(sc, n, "/"+n.name)
	if err != nil {
		return err
	}
	return s.validate(sc, v, "/"+n.name)
}

// fromXML turns element n into the JSON value that schema sc describes.
func (s *Schemas) fromXML(sc map[string]any, n *node, at string) (any, error) {
	sc, err := s.resolve(sc)
	if err != nil {
		return nil, err
	}
	types := []string{}
	if t, ok := sc["type"].(string); ok {
		types = append(types, t)
	}
	for _, a := range asList(sc["anyOf"]) {
		a, err := s.resolve(a.(map[string]any))
		if err != nil {
			return nil, err
		}
		if t, ok := a["type"].(string); ok {
			types = append(types, t)
		}
	}
	_, hasProps := sc["properties"]
	switch {
	case slices.Contains(types, "array"):
		want, ok := itemNames[n.name]
		if !ok {
			return nil, fmt.Errorf("%s: <%s> is not a list element of GeoReport v2", at, n.name)
		}
		items, _ := sc["items"].(map[string]any)
		out := []any{}
		for _, c := range n.children {
			if c.name != want {
				return nil, fmt.Errorf("%s: item <%s>, want <%s>", at, c.name, want)
			}
			v, err := s.fromXML(items, c, at+"/"+c.name)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	case hasProps || slices.Contains(types, "object"):
		props, _ := sc["properties"].(map[string]any)
		out := map[string]any{}
		for _, c := range n.children {
			p, ok := props[c.name]
			if !ok {
				return nil, fmt.Errorf("%s: element <%s> is not in the schema", at, c.name)
			}
			if _, dup := out[c.name]; dup {
				return nil, fmt.Errorf("%s: element <%s> twice", at, c.name)
			}
			v, err := s.fromXML(p.(map[string]any), c, at+"/"+c.name)
			if err != nil {
				return nil, err
			}
			out[c.name] = v
		}
		return out, nil
	}
	if len(n.children) > 0 {
		return nil, fmt.Errorf("%s: element has child elements, want a value", at)
	}
	text := n.text
	for _, t := range types {
		switch t {
		case "boolean":
			if text == "true" || text == "false" {
				return text == "true", nil
			}
		case "integer":
			if _, err := strconv.ParseInt(text, 10, 64); err == nil {
				return json.Number(text), nil
			}
		case "number":
			if _, err := strconv.ParseFloat(text, 64); err == nil {
				return json.Number(text), nil
			}
		case "null":
			if text == "" {
				return nil, nil
			}
		}
	}
	if slices.Contains(types, "string") {
		return text, nil
	}
	return nil, fmt.Errorf("%s: %q is none of %v", at, text, types)
}
