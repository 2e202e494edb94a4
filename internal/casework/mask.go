package casework

import (
	"strings"

	"jiceng/internal/core"
	"jiceng/internal/deid"
	"jiceng/internal/fieldset"
)

// What a role sees is decided by the masking dictionary (脱敏字典, package
// deid) in one place: every ticket value a page, the API or an export
// shows goes through MaskTicket, MaskEvent, MaskPrediction or
// MaskWorkflow, per field and per role. The fields come from the one
// table of ticket fields (fieldset.Columns), so a field added there is
// masked by its dictionary row without a change here. Free text (title,
// content, reply, notes) is scanned for personal data, which is treated by
// its type's rule.

// MaskValue returns value of field as role may see it.
func (s *Service) MaskValue(role, field, value string) string {
	return maskValue(s.dictionary(), s.fields(), role, field, value)
}

func maskValue(d *deid.Dictionary, fields *fieldset.Set, role, field, value string) string {
	if value == "" {
		return ""
	}
	// A raw value the importer kept beside a field ("联系电话（原值）") is
	// treated like the field.
	return d.Text(role, fields.FieldOf(field), value)
}

// MaskTicket applies the dictionary to every field of t for role.
func (s *Service) MaskTicket(role string, t core.Ticket) core.Ticket {
	return MaskTicket(s.dictionary(), s.fields(), role, t)
}

// MaskTicket applies dictionary d to every field of t for role: each
// standard field in its text form (a coordinate that is generalised is
// rounded, a value that is suppressed is no value), and each extra value
// by its field's row, or the "*" row for a street's own columns. fields
// (nil: fieldset.Tickets()) names the fields behind raw values. t's maps
// and slices are not changed: the result has its own.
func MaskTicket(d *deid.Dictionary, fields *fieldset.Set, role string, t core.Ticket) core.Ticket {
	if fields == nil {
		fields = defaultFields()
	}
	extra := t.Extra
	t.Extra = nil
	for _, c := range fieldset.Columns {
		v := fieldset.Text(&t, c.Name)
		if v == "" {
			continue
		}
		if m := d.Text(role, c.Name, v); m != v {
			fieldset.SetText(&t, c.Name, m)
		}
	}
	t.Extra = maskExtra(d, fields, role, extra)
	return t
}

// maskExtra is MaskTicket of a ticket's extra values: a new map, without
// the values masked to nothing; nil when extra is empty.
func maskExtra(d *deid.Dictionary, fields *fieldset.Set, role string, extra map[string]string) map[string]string {
	if len(extra) == 0 {
		return nil
	}
	out := make(map[string]string, len(extra))
	for k, v := range extra {
		if m := maskValue(d, fields, role, k, v); m != "" {
			out[k] = m
		}
	}
	return out
}

// MaskEvent applies the dictionary to the note, the actor and the before
// and after values of e's changes: a history must not reveal what the
// ticket hides.
func (s *Service) MaskEvent(role string, e core.Event) core.Event {
	// Notes are free text people type ("已电话联系李四 138…"), and an
	// import's actor names its file.
	e.Note = s.MaskValue(role, "note", e.Note)
	if file, ok := strings.CutPrefix(e.Actor, "import:"); ok {
		e.Actor = "import:" + s.MaskValue(role, "source_file", file)
	}
	changes := make([]core.Change, len(e.Changes))
	for i, c := range e.Changes {
		c.Before = s.MaskValue(role, c.Field, c.Before)
		c.After = s.MaskValue(role, c.Field, c.After)
		changes[i] = c
	}
	e.Changes = changes
	return e
}

// MaskPrediction applies the dictionary to the places of a prediction: a
// mention is text of its field, and a building or room the role may not
// see is shown as the field shows it.
func (s *Service) MaskPrediction(role string, p core.Prediction) core.Prediction {
	places := make([]core.Mention, 0, len(p.Places))
	for _, m := range p.Places {
		field := m.Field
		if field == "" {
			field = "content"
		}
		if masked := s.MaskValue(role, field, m.Text); masked != m.Text {
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

// MaskWorkflow applies the dictionary to the free text of a workflow
// state.
func (s *Service) MaskWorkflow(role string, w core.Workflow) core.Workflow {
	w.ExtensionReason = s.MaskValue(role, "extension_reason", w.ExtensionReason)
	return w
}
