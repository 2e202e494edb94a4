package web

import (
	"strconv"
	"strings"

	"jiceng/internal/core"
	"jiceng/internal/deid"
)

// What a role sees is decided by the masking dictionary (脱敏字典, package
// deid) in one place: every value a page or the API shows goes through
// maskTicket, maskEvent or maskPrediction, per field and per role. Free text
// (title, content, reply) is scanned for personal data, which is treated by
// its type's rule.

// policy returns the server's masking dictionary.
func (s *Server) policy() *deid.Policy {
	if s.Policy == nil {
		return defaultPolicy
	}
	return s.Policy
}

var defaultPolicy = deid.DefaultPolicy()

// maskValue returns value of field as role may see it.
func (s *Server) maskValue(role, field, value string) string {
	if value == "" {
		return ""
	}
	if name, ok := strings.CutSuffix(field, rawSuffix); ok {
		// A raw value the importer kept beside a field ("联系电话（原值）")
		// is treated like the field.
		if f := s.Fields.Lookup(name); f != nil {
			field = f.Name
		}
	}
	return s.policy().Text(role, field, value)
}

// rawSuffix marks the extra values in which the importer keeps the raw text
// of a cell it could not parse, under the field's label.
const rawSuffix = "（原值）"

// maskTicket applies the dictionary to every field of t.
func (s *Server) maskTicket(t core.Ticket, role string) core.Ticket {
	m := func(field string, v *string) { *v = s.maskValue(role, field, *v) }
	m("number", &t.Number)
	m("caller_name", &t.CallerName)
	m("caller_phone", &t.CallerPhone)
	m("caller_id", &t.CallerID)
	m("address", &t.Address)
	m("grid", &t.Grid)
	m("title", &t.Title)
	m("content", &t.Content)
	m("reply", &t.Reply)
	m("source_file", &t.SourceFile)
	t.Lng = s.maskCoord(role, "lng", t.Lng)
	t.Lat = s.maskCoord(role, "lat", t.Lat)
	if len(t.Extra) > 0 {
		extra := make(map[string]string, len(t.Extra))
		for k, v := range t.Extra {
			extra[k] = s.maskValue(role, k, v)
		}
		t.Extra = extra
	}
	return t
}

// maskCoord applies the dictionary to a coordinate: a generalised one is
// rounded, a suppressed one removed.
func (s *Server) maskCoord(role, field string, v *float64) *float64 {
	if v == nil {
		return nil
	}
	out := s.maskValue(role, field, strconv.FormatFloat(*v, 'f', -1, 64))
	f, err := strconv.ParseFloat(out, 64)
	if err != nil {
		return nil
	}
	return &f
}

// maskEvent applies the dictionary to the before and after values of e's
// changes: a history must not reveal what the ticket hides.
func (s *Server) maskEvent(e core.Event, role string) core.Event {
	// Notes are free text people type ("已电话联系李四 138…"), and an
	// import's actor names its file.
	e.Note = s.maskValue(role, "note", e.Note)
	if file, ok := strings.CutPrefix(e.Actor, "import:"); ok {
		e.Actor = "import:" + s.maskValue(role, "source_file", file)
	}
	changes := make([]core.Change, len(e.Changes))
	for i, c := range e.Changes {
		c.Before = s.maskValue(role, c.Field, c.Before)
		c.After = s.maskValue(role, c.Field, c.After)
		changes[i] = c
	}
	e.Changes = changes
	return e
}

// maskPrediction applies the dictionary to the places of a prediction: a
// mention is text of its field, and a building or room the role may not see
// is shown as the field shows it.
func (s *Server) maskPrediction(p core.Prediction, role string) core.Prediction {
	places := make([]core.Mention, 0, len(p.Places))
	for _, m := range p.Places {
		field := m.Field
		if field == "" {
			field = "content"
		}
		if masked := s.maskValue(role, field, m.Text); masked != m.Text {
			if masked == "" {
				continue
			}
			m.Text, m.Value = masked, ""
		}
		places = append(places, m)
	}
	p.Places = places
	return p
}

// maskWorkflow applies the dictionary to the free text of a workflow
// state.
func (s *Server) maskWorkflow(w core.Workflow, role string) core.Workflow {
	w.ExtensionReason = s.maskValue(role, "extension_reason", w.ExtensionReason)
	return w
}
