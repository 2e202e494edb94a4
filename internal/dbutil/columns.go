package dbutil

import (
	"fmt"
	"strings"
	"time"

	"jiceng/internal/core"
	"jiceng/internal/fieldset"
)

// The stored columns of a ticket come from the one table of ticket fields
// (fieldset.Columns, whose names are the column names), then extra,
// created_at and updated_at; id is the store's. A Codec says how one
// dialect holds the typed values, and gives both stores the argument list
// and the scan of a ticket row from that table.

// TicketColumns are the stored columns of a ticket after id, in the order
// of Codec.Args and Codec.Scan.
var TicketColumns = func() []string {
	cols := make([]string, 0, len(fieldset.Columns)+3)
	for _, c := range fieldset.Columns {
		cols = append(cols, c.Name)
	}
	return append(cols, "extra", "created_at", "updated_at")
}()

// TicketSelect is "id, " followed by TicketColumns, for SELECT lists.
var TicketSelect = "id, " + strings.Join(TicketColumns, ", ")

// Value says how a dialect passes and reads one kind of value: Arg is the
// query argument of a value; Dest returns a new scan destination and Read
// its value after the scan.
type Value[T any] struct {
	Arg  func(T) any
	Dest func() any
	Read func(dest any) T
}

// A Codec is a dialect's handling of the typed values of a ticket. Text
// values are passed and scanned as they are; lists and maps are JSON
// text (JSONList, JSONMap), read by Text.
type Codec struct {
	Time  Value[time.Time]
	Float Value[*float64]
	Bool  Value[*bool]
	Int   Value[int]
	Text  Value[string] // a nullable text column (the JSON ones)
}

// Args appends the values of t's TicketColumns to args.
func (c *Codec) Args(args []any, t *core.Ticket) []any {
	for _, col := range fieldset.Columns {
		switch p := col.Ptr(t).(type) {
		case *string:
			args = append(args, *p)
		case *core.Channel:
			args = append(args, string(*p))
		case *core.Intent:
			args = append(args, string(*p))
		case *core.Urgency:
			args = append(args, string(*p))
		case *core.Satisfaction:
			args = append(args, string(*p))
		case *time.Time:
			args = append(args, c.Time.Arg(*p))
		case **float64:
			args = append(args, c.Float.Arg(*p))
		case **bool:
			args = append(args, c.Bool.Arg(*p))
		case *[]string:
			args = append(args, JSONList(*p))
		case *int:
			args = append(args, c.Int.Arg(*p))
		default:
			panic(fmt.Sprintf("dbutil: column %s has type %T", col.Name, p))
		}
	}
	return append(args, JSONMap(t.Extra), c.Time.Arg(t.CreatedAt), c.Time.Arg(t.UpdatedAt))
}

// Scan reads one row of TicketSelect (id, then TicketColumns) by scan,
// a row's Scan method.
func (c *Codec) Scan(scan func(dest ...any) error) (core.Ticket, error) {
	var t core.Ticket
	n := len(fieldset.Columns)
	dest := make([]any, 0, n+4)
	dest = append(dest, &t.ID)
	// held are the destinations that are not t's own fields, by column.
	held := make([]any, n+3)
	for i, col := range fieldset.Columns {
		switch p := col.Ptr(&t).(type) {
		case *string, *core.Channel, *core.Intent, *core.Urgency, *core.Satisfaction:
			// Text columns scan into the field (the drivers scan into a
			// type whose underlying type is string).
			dest = append(dest, p)
			continue
		case *time.Time:
			held[i] = c.Time.Dest()
		case **float64:
			held[i] = c.Float.Dest()
		case **bool:
			held[i] = c.Bool.Dest()
		case *[]string:
			held[i] = c.Text.Dest()
		case *int:
			held[i] = c.Int.Dest()
		default:
			panic(fmt.Sprintf("dbutil: column %s has type %T", col.Name, p))
		}
		dest = append(dest, held[i])
	}
	held[n], held[n+1], held[n+2] = c.Text.Dest(), c.Time.Dest(), c.Time.Dest()
	dest = append(dest, held[n:]...)
	if err := scan(dest...); err != nil {
		return t, err
	}
	for i, col := range fieldset.Columns {
		h := held[i]
		if h == nil {
			continue
		}
		switch p := col.Ptr(&t).(type) {
		case *time.Time:
			*p = c.Time.Read(h)
		case **float64:
			*p = c.Float.Read(h)
		case **bool:
			*p = c.Bool.Read(h)
		case *[]string:
			l, err := ParseList(c.Text.Read(h))
			if err != nil {
				return t, fmt.Errorf("ticket %d %s: %w", t.ID, col.Name, err)
			}
			*p = l
		case *int:
			*p = c.Int.Read(h)
		}
	}
	var err error
	if t.Extra, err = ParseMap(c.Text.Read(held[n])); err != nil {
		return t, fmt.Errorf("ticket %d extra: %w", t.ID, err)
	}
	t.CreatedAt, t.UpdatedAt = c.Time.Read(held[n+1]), c.Time.Read(held[n+2])
	return t, nil
}
